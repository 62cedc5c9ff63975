//! Opening a console: the embedded world, worlds that are refused, a data directory that survives
//! a restart, and data directories that cannot be used. Plus serving on a bound port.

mod common;

use common::*;
use marketsim_console_stub::{serve, Console, ConsoleError, ConsoleWorld};
use protocol::clock::Clock;
use store_file::Refusal;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[test]
fn the_default_world_is_the_seed_organisation() {
    let world = ConsoleWorld::default_world();
    assert_eq!(world.product_code, "cmgj00061912");
    assert_eq!(world.spi_key, "zilliz-spi-key-8c1f2b7e");
    assert_eq!(world.orgs[0].id, ZILLIZ);
    assert_eq!(world.orgs[0].name, "Zilliz");
    assert_eq!(world.orgs[0].free_credit, rust_decimal::Decimal::ZERO);
    let payg = world.prices("cmgj00061912-payg").unwrap();
    assert_eq!(
        (payg.compute.to_string(), payg.storage.to_string()),
        ("1.20".into(), "0.001".into())
    );
    assert_eq!(world.orgs[0].members.len(), 2);
}

#[test]
fn worlds_with_bad_org_ids_strangers_or_duplicates_are_refused() {
    let base = include_str!("../../fixtures/console.yaml");
    let cases = [
        (
            base.replace("org-nuyzjwllbhfrjynvhlappa", "org-Zilliz"),
            "22 lower-case letters",
        ),
        (
            base.replace(
                "      - email: xiaoming@zilliz.com\n        role: member",
                "      - email: nobody@zilliz.com\n        role: member",
            ),
            "not a user",
        ),
        (
            base.replace("xiaoming@zilliz.com\n    name", "miaomiao@zilliz.com\n    name"),
            "appears twice",
        ),
        (base.replace("seed: 7", "seed: 7\ncolour: blue"), "unknown field"),
        (
            base.replace("free_credit: \"0.00\"", "free_credit: \"-1.00\""),
            "free_credit must be CNY of at most two decimals",
        ),
        (
            base.replace("free_credit: \"0.00\"", "free_credit: \"0.005\""),
            "free_credit must be CNY of at most two decimals",
        ),
        (
            base.replace("free_credit: \"0.00\"", "free_credit: \"a lot\""),
            "free_credit",
        ),
    ];
    for (yaml, expected) in cases {
        let err = ConsoleWorld::from_yaml(&yaml).unwrap_err();
        assert!(err.to_string().starts_with("invalid console world: "), "{err}");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn worlds_selling_what_they_cannot_are_refused() {
    let base = include_str!("../../fixtures/console.yaml");
    let cases = [
        (
            base.replace(
                "  - id: cmgj00061912-payg-enterprise",
                "  - id: cmgj00000001-payg",
            ),
            "is not of product cmgj00061912",
        ),
        (
            base.replace(
                "plans: [standard-1cu, standard-2cu]",
                "plans: [standard-1cu, huge-99cu]",
            ),
            "offers plan `huge-99cu`",
        ),
        (
            base.replace("compute_units: 1\n", "compute_units: 0\n"),
            "needs compute_units >= 1",
        ),
        (
            base.replace("compute: \"1.20\"", "compute: \"-1.20\""),
            "has a negative price",
        ),
        (
            base.replace("access_key_secret: ZillizVendorSecret00000000000001\n", ""),
            "go together",
        ),
        (
            base.replace(
                "{ key: Period, assit: cmgj00061912-Period-1 }",
                "{ key: Seconds, assit: cmgj00061912-Seconds-1 }",
            ),
            "metering key `Seconds` is not one of",
        ),
        (
            base.replace("assit: cmgj00061912-Period-1", "assit: cmgj00061912-Period"),
            "must be `cmgj00061912-Period-<n>`",
        ),
    ];
    for (yaml, expected) in cases {
        assert_ne!(yaml, base, "the case for `{expected}` changes nothing");
        let err = ConsoleWorld::from_yaml(&yaml).unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[tokio::test]
async fn a_console_with_a_data_dir_keeps_accounts_instances_and_its_id_sequence_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let open = || {
        Console::open(
            ConsoleWorld::default_world(),
            config(),
            Clock::manual(start()),
            Some(dir.path()),
        )
        .unwrap()
    };
    let first = open();
    let app = marketsim_console_stub::router(first.clone());
    let c = TestConsole {
        console: first,
        clock: Clock::manual(start()),
        app,
    };
    let instance = c.create_instance("38492017").await;
    let mut browser = c.browser();
    let register = browser.open("/register").await;
    let fields = [
        ("email", "alice@example.com"),
        ("password", "correct horse 9"),
        ("org", "Alice Labs"),
    ];
    browser.submit(&register, "/register", &fields).await;
    drop(c);
    assert!(dir.path().join("console.sqlite3").exists());

    let second = open();
    let c = TestConsole {
        app: marketsim_console_stub::router(second.clone()),
        console: second,
        clock: Clock::manual(start()),
    };
    assert_eq!(c.create_instance("38492017").await, instance);
    let next = c.create_instance("38492018").await;
    assert_ne!(next, instance);
    let home = sign_in(&mut c.browser(), ("alice@example.com", "correct horse 9")).await;
    assert!(home.text().contains("Default Project"));
    // Reopening did not seed the world again (its fixed org id would collide) and it still signs in.
    let members = sign_in(&mut c.browser(), ADMIN).await;
    assert_eq!(members.status, axum::http::StatusCode::OK);
}

#[test]
fn a_corrupt_store_file_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("console.sqlite3"), vec![0x42u8; 8192]).unwrap();
    let err = Console::open(
        ConsoleWorld::default_world(),
        config(),
        Clock::manual(start()),
        Some(dir.path()),
    )
    .unwrap_err();
    assert!(
        matches!(err, ConsoleError::Refused(Refusal::Damaged { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("console.sqlite3"), "{err}");
}

#[test]
fn a_data_dir_that_cannot_be_created_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let target = file.join("data");
    let err = Console::open(
        ConsoleWorld::default_world(),
        config(),
        Clock::manual(start()),
        Some(&target),
    )
    .unwrap_err();
    assert!(
        matches!(err, ConsoleError::Refused(Refusal::DataDir { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("a-file/data"), "{err}");
}

#[tokio::test]
async fn serve_answers_on_a_bound_port_and_stops_on_shutdown() {
    let console = Console::open(
        ConsoleWorld::default_world(),
        config(),
        Clock::manual(start()),
        None,
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, console, serving::Config::default(), async {
        let _ = stopped.await;
    }));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /docs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("订阅阿里云市场"));
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

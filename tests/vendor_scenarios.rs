//! `marketsim run --spi-url`: the scenarios for any vendor (scenarios/vendor/) run against a vendor
//! console started on its own — over real HTTP, on the wall clock, as a vendor's own service
//! would be — none skipped, each transcript written; a scenario that needs the console stub is
//! skipped with the reason; a clock moved further than a service can follow is said so.

use console_stub::{Console, ConsoleConfig, ConsoleWorld};
use marketsim::scenario::report::{collect, run_all, RunOptions, NONE_FOR_ANY_VENDOR};
use marketsim::scenario::runner::run_file_against;
use marketsim::scenario::service::ServiceUnderTest;
use marketsim::world::VendorService;
use protocol::clock::Clock;
use std::path::PathBuf;

/// A console stub on its own, on the wall clock: its SPI URL.
async fn separate_console() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    // `localhost`, not the marketplace's 127.0.0.1: the two sites' cookies stay apart.
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let world = ConsoleWorld::default_world();
    let config = ConsoleConfig::for_world(&world, &base, "http://127.0.0.1:9");
    let console = Console::open(world, config, Clock::real_time(), None).unwrap();
    tokio::spawn(async move { axum::serve(listener, console_stub::router(console)).await });
    format!("{base}/aliyun/spi")
}

fn service(spi_url: String) -> ServiceUnderTest {
    ServiceUnderTest {
        vendor: VendorService {
            spi_url,
            spi_key: ConsoleWorld::default_world().spi_key,
        },
        world_yaml: None,
        openapi_port: 0,
        host: "127.0.0.1".into(),
        bind: "127.0.0.1".into(),
        allow_hosts: Vec::new(),
        seed: None,
    }
}

#[tokio::test]
async fn the_scenarios_for_any_vendor_pass_against_a_separately_started_console() {
    let spi_url = separate_console().await;
    let transcripts = tempfile::tempdir().unwrap();
    let files = collect(&[PathBuf::from("scenarios/vendor")]).unwrap();
    assert!(files.len() >= 2, "{files:?}");
    let options = RunOptions {
        jobs: 2,
        transcripts: Some(transcripts.path().to_owned()),
        service: Some(service(spi_url)),
        ..RunOptions::default()
    };
    let mut lines = Vec::new();
    let passed = run_all(&files, &options, |l| lines.push(l.to_owned()))
        .await
        .unwrap();
    assert!(passed, "{lines:#?}");
    assert!(lines.iter().all(|l| !l.starts_with("skip")), "{lines:#?}");
    for file in &files {
        let stem = file.file_stem().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(transcripts.path().join(format!("{stem}.txt"))).unwrap();
        assert!(text.contains("SPI createInstance attempt 1"), "{text}");
    }
}

#[tokio::test]
async fn the_vendors_site_is_also_where_its_auth_url_points_on_another_origin() {
    // The console answers its SPI at 127.0.0.1 and sends buyers to localhost: two origins of one
    // vendor, as api.x and console.x.
    let spi_url = separate_console()
        .await
        .replace("http://localhost:", "http://127.0.0.1:");
    let result = run_file_against(
        "scenarios/vendor/open-and-sign-in.yaml".as_ref(),
        Some(&service(spi_url)),
    )
    .await;
    assert!(result.passed(), "{}", result.transcript);
    assert!(
        result.transcript.contains("→ vendor:/login"),
        "{}",
        result.transcript
    );
}

#[tokio::test]
async fn a_scenario_that_clicks_the_console_stubs_pages_is_skipped_with_the_reason() {
    let service = service("http://127.0.0.1:9/aliyun/spi".into());
    let result = run_file_against("scenarios/seed/refusals.yaml".as_ref(), Some(&service)).await;
    assert!(result.passed());
    assert!(result.skipped.unwrap().contains("needs the console stub"));
}

#[tokio::test]
async fn a_run_against_a_service_in_which_no_scenario_ran_fails_and_says_why() {
    let options = RunOptions {
        jobs: 1,
        service: Some(service("http://127.0.0.1:9/aliyun/spi".into())),
        ..RunOptions::default()
    };
    let mut lines = Vec::new();
    let passed = run_all(&[PathBuf::from("scenarios/seed/refusals.yaml")], &options, |l| {
        lines.push(l.to_owned())
    })
    .await
    .unwrap();
    assert!(!passed, "{lines:#?}");
    assert_eq!(
        lines.last().map(String::as_str),
        Some(NONE_FOR_ANY_VENDOR),
        "{lines:#?}"
    );
}

#[tokio::test]
async fn a_clock_moved_further_than_a_service_can_follow_is_said_so() {
    let spi_url = separate_console().await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("a-day-later.yaml");
    std::fs::write(
        &file,
        "name: a day later\ngiven: { vendor: any }\nsteps:\n  - clock: { advance: 1d }\n",
    )
    .unwrap();
    let result = run_file_against(&file, Some(&service(spi_url))).await;
    assert!(result.passed(), "{}", result.transcript);
    assert!(
        result.transcript.contains("ahead of the wall clock"),
        "{}",
        result.transcript
    );
    let ahead_then_failing = folder.path().join("ahead-then-failing.yaml");
    std::fs::write(
        &ahead_then_failing,
        "name: ahead then failing\ngiven: { vendor: any }\nsteps:\n  - clock: { advance: 2m }\n  - expect: { spi: { action: createInstance, count: 1 } }\n",
    )
    .unwrap();
    let failed = run_file_against(&ahead_then_failing, Some(&service("http://127.0.0.1:9/".into()))).await;
    let diagnostic = failed.failure.expect("no createInstance went out").to_string();
    assert!(
        diagnostic.contains("= note: the world's clock is") && diagnostic.contains("ahead of the wall clock"),
        "{diagnostic}"
    );
    let given_a_clock = folder.path().join("with-a-clock.yaml");
    std::fs::write(
        &given_a_clock,
        "name: with a clock\ngiven: { vendor: any, clock: \"2023-08-15T10:00:00+08:00\" }\nsteps: []\n",
    )
    .unwrap();
    let refused = run_file_against(&given_a_clock, Some(&service("http://127.0.0.1:9/".into()))).await;
    assert!(refused.failure.unwrap().to_string().contains("gives no clock"));
}

#[tokio::test]
async fn the_marketplace_listens_where_the_run_binds_it() {
    // 127.0.0.2 is loopback too: a marketplace still on 127.0.0.1 would refuse the buyer at
    // 127.0.0.2, as one on loopback refuses a service in another container.
    let spi_url = separate_console().await;
    let service = ServiceUnderTest {
        host: "127.0.0.2".into(),
        bind: "127.0.0.2".into(),
        ..service(spi_url)
    };
    let result = run_file_against("scenarios/vendor/open-and-sign-in.yaml".as_ref(), Some(&service)).await;
    assert!(result.passed(), "{}", result.transcript);
}

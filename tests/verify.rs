//! `marketsim verify` proven both ways: every check passes against the console stub (over real
//! HTTP, its probe naming its state), and a console stub with one defect injected — a layer around
//! its router that changes what crosses the wire, never its store — is caught by the checks meant
//! for that defect and passes every other. wiremock plays the transport faults: a hang, a huge or
//! binary answer, a redirect loop; a closed port is unreachable.

use axum::body::Body;
use axum::http::{Request, Uri};
use axum::middleware::{from_fn, Next};
use axum::response::Response;
use axum::Router;
use console_stub::{Console, ConsoleConfig, ConsoleWorld};
use marketsim::verify::config::ProbeFile;
use marketsim::verify::report::{Report, Status};
use marketsim::verify::{self, Config, ConfigFile, Marketplace, Selection};
use protocol::clock::Clock;
use protocol::spi::{decode_query, signed_query};
use rstest::rstest;
use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A console stub of the default world on the wall clock, served on a free port through `wrap`.
async fn console_stub(wrap: impl FnOnce(Router) -> Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let world = ConsoleWorld::default_world();
    let config = ConsoleConfig::for_world(&world, &base, "http://127.0.0.1:9");
    let console = Console::open(world, config, Clock::real_time(), None).unwrap();
    let app = wrap(console_stub::router(console));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn config(base: &str, probe: bool) -> Config {
    let file = ConfigFile {
        spi_url: Some(format!("{base}/aliyun/spi")),
        budget: Some(Duration::from_millis(800)),
        create_every: Some(Duration::from_millis(10)),
        probe: probe.then(|| ProbeFile {
            url: Some(format!("{base}/aliyun/probe?instanceId={{instanceId}}")),
            command: None,
        }),
        ..ConfigFile::default()
    };
    Config::new(&simulator::World::default_world(), file).unwrap()
}

/// The default world's marketplace, its OpenAPI on a free port.
async fn market() -> Marketplace {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let serving = serving::Config {
        hosts: serving::AllowedHosts::new(["127.0.0.1"]),
        limits: serving::Limits::default(),
    };
    Marketplace::start(
        simulator::World::default_world(),
        listener,
        "127.0.0.1",
        serving,
        Some(11),
    )
    .await
    .unwrap()
}

/// Runs `selection` against the vendor `config` names.
async fn run(config: Config, selection: &Selection, seed: Option<u64>) -> Result<Report, String> {
    verify::run(config, market().await, selection, seed, |_| {}).await
}

/// The names of the checks that did not pass.
async fn not_passed(config: Config, selection: &Selection) -> BTreeSet<String> {
    let report = run(config, selection, Some(7)).await.unwrap();
    report
        .results
        .iter()
        .filter(|r| !matches!(r.status, Status::Passed | Status::Skipped))
        .map(|r| r.name.clone())
        .collect()
}

#[tokio::test]
async fn every_check_passes_against_the_console_stub() {
    let base = console_stub(|app| app).await;
    let report = run(config(&base, true), &Selection::default(), None)
        .await
        .unwrap();
    let failures: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.status != Status::Passed)
        .map(|r| {
            format!(
                "{}: {:?}\n{}",
                r.name,
                r.message,
                serde_json::to_string(&r.evidence).unwrap()
            )
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(report.results.len(), verify::checks::all().len());
    assert!(report.passed());
}

#[tokio::test]
async fn without_a_probe_the_state_checks_are_not_run_and_fail_the_suite_unless_skipped() {
    let base = console_stub(|app| app).await;
    let report = run(config(&base, false), &Selection::default(), Some(1))
        .await
        .unwrap();
    let not_run: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.status == Status::NotRun)
        .map(|r| r.name.as_str())
        .collect();
    assert!(
        !not_run.is_empty() && not_run.iter().all(|n| n.starts_with("state.")),
        "{not_run:?}"
    );
    assert!(!report.passed());
    let skipping = Selection {
        only: Vec::new(),
        skip: vec!["state".into()],
    };
    let report = run(config(&base, false), &skipping, Some(2)).await.unwrap();
    assert!(report.passed());
    assert!(report.results.iter().any(|r| r.status == Status::Skipped));
    assert!(report.junit().contains("<skipped/>"));
}

#[tokio::test]
async fn a_selector_that_names_no_check_is_refused() {
    let base = console_stub(|app| app).await;
    let selection = Selection {
        only: vec!["tokn".into()],
        skip: Vec::new(),
    };
    let refused = run(config(&base, true), &selection, None).await.unwrap_err();
    assert!(refused.contains("no check is called `tokn`"), "{refused}");
}

/// One defect a vendor can have, injected around the console stub's router.
#[derive(Debug, Clone, Copy)]
enum Defect {
    /// Takes any call: the layer re-signs what it receives with the right key.
    IgnoresTheToken,
    /// Opens a new instance for every repeat of a createInstance.
    NotIdempotent,
    /// Answers expiredInstance after the time budget.
    Slow,
    /// Answers upgradeInstance with JSON that is not `{"success": true}`.
    WrongJson,
    /// Answers createInstance without appInfo.
    NoAuthUrl,
    /// Takes a well-signed 免登 link whatever its timeStamp.
    AcceptsStaleLinks,
    /// Records every orderPay delivery as a payment of its own.
    RecordsOrderPayTwice,
}

const KEY: &str = "zilliz-spi-key-8c1f2b7e";

fn with_defect(defect: Defect) -> impl FnOnce(Router) -> Router {
    move |app| {
        let counter = Arc::new(AtomicU64::new(0));
        let seen = Arc::new(Mutex::new(HashSet::new()));
        app.layer(from_fn(move |request: Request<Body>, next: Next| {
            let (counter, seen) = (counter.clone(), seen.clone());
            async move { inject(defect, &counter, &seen, request, next).await }
        }))
    }
}

async fn inject(
    defect: Defect,
    counter: &AtomicU64,
    seen: &Mutex<HashSet<String>>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut params = decode_query(request.uri().query().unwrap_or(""));
    let action = params
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let well_signed = protocol::spi::verify(&params, KEY).is_ok();
    let resign = |request: &mut Request<Body>, params: &mut Vec<(String, String)>| {
        params.retain(|(k, _)| k != "token");
        let uri: Uri = format!("{path}?{}", signed_query(params, KEY)).parse().unwrap();
        *request.uri_mut() = uri;
    };
    match defect {
        Defect::IgnoresTheToken if path == "/aliyun/spi" => resign(&mut request, &mut params),
        Defect::NotIdempotent if action == "createInstance" && well_signed => {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            for (k, v) in params.iter_mut() {
                if k == "orderBizId" && !seen.lock().unwrap().insert(v.clone()) {
                    v.push_str(&format!("-{n}"));
                }
            }
            resign(&mut request, &mut params);
        }
        Defect::Slow if action == "expiredInstance" => tokio::time::sleep(Duration::from_secs(2)).await,
        Defect::WrongJson if action == "upgradeInstance" => {
            next.run(request).await;
            return Response::new(Body::from(r#"{"result":"upgraded"}"#));
        }
        Defect::NoAuthUrl if action == "createInstance" => {
            let answer = next.run(request).await;
            let body = axum::body::to_bytes(answer.into_body(), 1 << 20).await.unwrap();
            let mut json: serde_json::Value = serde_json::from_slice(&body).unwrap();
            if let Some(o) = json.as_object_mut() {
                o.remove("appInfo");
            }
            return Response::new(Body::from(json.to_string()));
        }
        Defect::AcceptsStaleLinks if path == "/aliyun/sso" && well_signed => {
            let now = protocol::time::spi_format(protocol::clock::wall_now());
            for (k, v) in params.iter_mut() {
                if k == "timeStamp" {
                    *v = now.clone();
                }
            }
            resign(&mut request, &mut params);
        }
        Defect::RecordsOrderPayTwice if action == "orderPay" && well_signed => {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            for (k, v) in params.iter_mut() {
                if k == "requestId" {
                    v.push_str(&format!("{n}"));
                }
            }
            resign(&mut request, &mut params);
        }
        _ => {}
    }
    next.run(request).await
}

#[rstest]
#[case::ignores_the_token(Defect::IgnoresTheToken, &["token.wrong-key", "token.missing", "token.tampered", "token.unknown-param"])]
#[case::not_idempotent(Defect::NotIdempotent, &["create.idempotent", "create.race"])]
#[case::slow(Defect::Slow, &["expired.idempotent", "state.expired"])]
#[case::wrong_json(Defect::WrongJson, &["upgrade.idempotent", "state.upgrade"])]
#[case::no_auth_url(Defect::NoAuthUrl, &["create.answer", "sso.fresh", "sso.stale", "sso.bad-token"])]
#[case::accepts_stale_links(Defect::AcceptsStaleLinks, &["sso.stale"])]
#[case::records_order_pay_twice(Defect::RecordsOrderPayTwice, &["state.order-pay"])]
#[tokio::test]
async fn a_vendor_with_one_defect_is_caught_by_its_checks_and_passes_the_rest(
    #[case] defect: Defect,
    #[case] caught_by: &[&str],
) {
    let base = console_stub(with_defect(defect)).await;
    let failed = not_passed(config(&base, true), &Selection::default()).await;
    let expected: BTreeSet<String> = caught_by.iter().map(|s| s.to_string()).collect();
    assert_eq!(failed, expected, "{defect:?}");
}

/// A vendor on wiremock whose every answer is `answer`.
async fn answering(answer: ResponseTemplate) -> (MockServer, Config) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let config = config(&server.uri(), false);
    (server, config)
}

async fn accepted_check(config: Config) -> verify::report::CheckReport {
    let only = Selection {
        only: vec!["token.accepted".into()],
        skip: Vec::new(),
    };
    let report = run(config, &only, Some(3)).await.unwrap();
    report.results.into_iter().next().unwrap()
}

#[rstest]
#[case::hangs(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)), "time budget")]
#[case::huge(ResponseTemplate::new(200).set_body_string("x".repeat(8 << 20)), "too large")]
#[case::binary(ResponseTemplate::new(200).set_body_bytes(vec![0xff, 0xfe, 0x00, 0x81]), "not JSON")]
#[case::error_page(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"), "status 502")]
#[tokio::test]
async fn a_transport_fault_is_a_failed_check_naming_its_cause(
    #[case] answer: ResponseTemplate,
    #[case] cause: &str,
) {
    let (_server, config) = answering(answer).await;
    let check = accepted_check(config).await;
    assert_eq!(check.status, Status::Failed);
    let message = check.message.unwrap();
    assert!(message.contains(cause), "{message}");
}

#[tokio::test]
async fn an_unreachable_vendor_is_a_failed_check_that_says_so() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let check = accepted_check(config(&format!("http://127.0.0.1:{port}"), false)).await;
    assert_eq!(check.status, Status::Failed);
    assert!(check.message.unwrap().contains("cannot connect"));
}

#[tokio::test]
async fn a_sign_in_link_that_redirects_to_itself_is_a_redirect_loop() {
    let server = MockServer::start().await;
    let auth_url = format!("{}/sso", server.uri());
    Mock::given(query_param("action", "createInstance"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "instanceId": "loop-1", "appInfo": {"authUrl": auth_url}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/sso?again=1"))
        .mount(&server)
        .await;
    let only = Selection {
        only: vec!["sso.fresh".into()],
        skip: Vec::new(),
    };
    let report = run(config(&server.uri(), false), &only, Some(4)).await.unwrap();
    let check = &report.results[0];
    assert_eq!(check.status, Status::Failed);
    assert!(
        check.message.as_deref().unwrap().contains("redirect loop"),
        "{:?}",
        check.message
    );
}

#[tokio::test]
async fn the_orders_a_run_makes_are_in_the_openapi_for_the_vendors_key() {
    let market = market().await;
    let world = simulator::World::default_world();
    let (vendor, buyer) = (&world.vendors[0], &world.buyers[0]);
    let order = market
        .order("cmgj00061912", "cmgj00061912-standard", &buyer.ali_uid)
        .unwrap();
    let client =
        protocol::openapi::client::Client::new(&market.url, &vendor.access_key_id, &vendor.access_key_secret)
            .unwrap();
    let seen = client.describe_order_for_isv(&order.order_id).await.unwrap();
    assert_eq!(
        seen.order_id.map(|id| id.to_string()),
        Some(order.order_id.clone())
    );
    market.answered(&order.order_biz_id, r#"{"instanceId":"zc-1"}"#);
    let (renewal, expired_on) = market.renew(&order.order_biz_id).await.unwrap();
    let seen = client.describe_order_for_isv(&renewal).await.unwrap();
    assert_eq!(seen.order_type.as_deref(), Some("RENEW"));
    assert!(expired_on > order.expired_on.clone().unwrap(), "{expired_on}");
    let upgrade = market
        .upgrade(&order.order_biz_id, "cmgj00061912-dedicated")
        .await
        .unwrap();
    assert!(client.describe_order_for_isv(&upgrade).await.is_ok());
    let sent: Vec<&str> = order.create_params.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        sent.starts_with(&[
            "action",
            "aliUid",
            "orderBizId",
            "orderId",
            "productCode",
            "skuId"
        ]),
        "{sent:?}"
    );
}

#[tokio::test]
async fn an_instance_the_vendor_opened_is_opened_in_the_marketplace_with_the_vendors_id() {
    let market = market().await;
    let buyer = simulator::World::default_world().buyers[0].ali_uid.clone();
    let order = market
        .order("cmgj00061912", "cmgj00061912-standard", &buyer)
        .unwrap();
    assert_eq!(market.status(&order.order_biz_id).as_deref(), Some("OPENING"));
    market.answered(
        &order.order_biz_id,
        r#"{"instanceId":"zc-opened","appInfo":{"authUrl":"http://x/sso"}}"#,
    );
    let mut status = None;
    for _ in 0..50 {
        status = market.status(&order.order_biz_id);
        if status.as_deref() == Some("OPENED") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status.as_deref(), Some("OPENED"));
}

/// How a wiremock vendor's 免登 entry answers.
#[derive(Clone, Copy)]
enum Entry {
    /// Checks the token and the timeStamp (a minute either side): a good link to
    /// `/login?pending=<n>`, a bad one to `/login?error=link_invalid`.
    Careful,
    /// Checks nothing, and lands on `/console;jsessionid=<n>`, new every time.
    TakesAnything,
    /// Answers every link with a 200 page that says it is invalid.
    RefusesEverything,
    /// A good link goes to the vendor's sign-in host, `localhost`.
    SignInElsewhere,
}

struct SsoEntry {
    entry: Entry,
    port: u16,
    visits: AtomicU64,
}

impl wiremock::Respond for SsoEntry {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let n = self.visits.fetch_add(1, Ordering::SeqCst);
        let params = decode_query(request.url.query().unwrap_or(""));
        let stamp = params
            .iter()
            .find(|(k, _)| k == "timeStamp")
            .and_then(|(_, v)| protocol::time::spi_parse(v));
        let fresh = stamp.is_some_and(|t| (protocol::clock::wall_now() - t).num_seconds().abs() < 60);
        let good = protocol::spi::verify(&params, KEY).is_ok() && fresh;
        let to = |location: String| ResponseTemplate::new(302).insert_header("Location", location.as_str());
        match self.entry {
            Entry::Careful if good => to(format!("/login?pending={n}")),
            Entry::Careful => to("/login?error=link_invalid".into()),
            Entry::TakesAnything => to(format!("/console;jsessionid={n}")),
            Entry::RefusesEverything => ResponseTemplate::new(200).set_body_string("<p>链接无效</p>"),
            Entry::SignInElsewhere if good => to(format!("http://localhost:{}/login", self.port)),
            Entry::SignInElsewhere => ResponseTemplate::new(403).set_body_string("bad link"),
        }
    }
}

/// The sso checks against a wiremock vendor whose 免登 entry answers as `entry`.
async fn sso_checks(entry: Entry, sso_hosts: &[&str]) -> BTreeSet<String> {
    let server = MockServer::start().await;
    let auth_url = format!("{}/sso?from=aliyun", server.uri());
    Mock::given(query_param("action", "createInstance"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "instanceId": "v-1", "appInfo": {"authUrl": auth_url}
        })))
        .mount(&server)
        .await;
    let port = server.address().port();
    Mock::given(wiremock::matchers::path("/sso"))
        .respond_with(SsoEntry {
            entry,
            port,
            visits: AtomicU64::new(0),
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("a page"))
        .mount(&server)
        .await;
    let mut config = config(&server.uri(), false);
    config.sso_hosts = sso_hosts.iter().map(|h| h.to_string()).collect();
    let only = Selection {
        only: vec!["sso".into()],
        skip: Vec::new(),
    };
    not_passed(config, &only).await
}

#[rstest]
#[case::careful(Entry::Careful, &[], &[])]
#[case::takes_anything_on_a_new_jsessionid(Entry::TakesAnything, &[], &["sso.fresh", "sso.stale", "sso.bad-token"])]
#[case::refuses_everything_with_a_200_page(Entry::RefusesEverything, &[], &["sso.fresh", "sso.stale", "sso.bad-token"])]
#[case::signs_in_on_another_host_not_named(Entry::SignInElsewhere, &[], &["sso.fresh", "sso.stale", "sso.bad-token"])]
#[case::signs_in_on_another_host_named(Entry::SignInElsewhere, &["localhost"], &[])]
#[tokio::test]
async fn a_sign_in_link_is_judged_by_where_it_lands_beside_a_good_one(
    #[case] entry: Entry,
    #[case] sso_hosts: &[&str],
    #[case] caught_by: &[&str],
) {
    let failed = sso_checks(entry, sso_hosts).await;
    let expected: BTreeSet<String> = caught_by.iter().map(|s| s.to_string()).collect();
    assert_eq!(failed, expected);
}

#[rstest]
#[case::unsold_sku(ConfigFile { sku: Some("cmgj00061912-pro".into()), ..ConfigFile::default() }, "has no SKU cmgj00061912-pro")]
#[case::unknown_buyer(ConfigFile { ali_uid: Some("1234567890123456".into()), ..ConfigFile::default() }, "no buyer of the world")]
#[case::unknown_product(ConfigFile { product_code: Some("cmgj00000000".into()), ..ConfigFile::default() }, "no product cmgj00000000")]
#[case::not_a_url(ConfigFile { spi_url: Some("localhost:8081".into()), ..ConfigFile::default() }, "not http or https")]
fn a_config_the_world_cannot_serve_is_refused_before_anything_runs(
    #[case] file: ConfigFile,
    #[case] why: &str,
) {
    let refused = Config::new(&simulator::World::default_world(), file).unwrap_err();
    assert!(refused.contains(why), "{refused}");
}

#[test]
fn the_default_upgrade_stays_within_the_skus_charge() {
    let config = Config::new(&simulator::World::default_world(), ConfigFile::default()).unwrap();
    assert_eq!(config.sku, "cmgj00061912-standard");
    assert_eq!(config.upgrade_sku, "cmgj00061912-dedicated");
    assert_eq!(config.spi_url, "http://localhost:8081/aliyun/spi");
}

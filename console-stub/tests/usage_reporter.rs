//! The usage reporter against a wiremock marketplace, on a manual clock: what an hour of running
//! clusters reports, when each push is made and made again, and that a retry sends the very text
//! of the first attempt; what is refused, split, or given up late; and that nothing is pushed
//! twice once the marketplace took it.

mod common;

use common::usage::*;
use common::ZILLIZ;
use marketsim_console_stub::store::usage::RequestStatus;
use marketsim_console_stub::ConsoleWorld;
use serde_json::Value;
use std::time::Duration;
use wiremock::{MockServer, Request};

/// A record as (InstanceId, StartTime, [(Key, Value)]).
type Record = (String, String, Vec<(String, String)>);

/// The records of a Metering text.
fn records(text: &str) -> Vec<Record> {
    let value: Value = serde_json::from_str(text).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let entities = r["Entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["Key"].as_str().unwrap().to_owned(),
                        e["Value"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (
                r["InstanceId"].as_str().unwrap().to_owned(),
                r["StartTime"].as_str().unwrap().to_owned(),
                entities,
            )
        })
        .collect()
}

fn values(compute: &str, storage: &str) -> Vec<(String, String)> {
    vec![
        ("Period".to_owned(), compute.to_owned()),
        ("StorageGigaByte".to_owned(), storage.to_owned()),
    ]
}

const HOUR_10: &str = "1692064800";
const HOUR_11: &str = "1692068400";
const HOUR_12: &str = "1692072000";

#[tokio::test]
async fn advancing_three_hours_pushes_each_hour_at_the_hour_in_order() {
    let server = MockServer::start().await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    cluster(&console, &zc, "search", "standard-1cu");

    clock.advance(Duration::from_secs(3 * 3600)).await.unwrap();

    let sent = received(&server).await;
    let windows: Vec<String> = sent.iter().map(|m| records(m)[0].1.clone()).collect();
    assert_eq!(windows, [HOUR_10, HOUR_11, HOUR_12]);
    assert_eq!(
        pushes(&console),
        [
            "#1 attempt 1 at 11:00:00 pushed -> pushed",
            "#2 attempt 1 at 12:00:00 pushed -> pushed",
            "#3 attempt 1 at 13:00:00 pushed -> pushed",
        ]
    );
    assert_eq!(records(&sent[0])[0].2, values("3600", "5"));
}

#[tokio::test]
async fn partial_hours_freezes_restores_deletions_and_plans_accrue_what_ran() {
    let server = MockServer::start().await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let a = instance(&console, "8000001");
    let b = instance(&console, "8000002");
    advance_to(&clock, "10:15:00").await;
    cluster(&console, &a, "small", "standard-1cu");
    let large = cluster(&console, &b, "large", "enterprise-8cu");
    advance_to(&clock, "10:30:00").await;
    freeze(&console, &a);
    advance_to(&clock, "10:45:00").await;
    restore(&console, &a);
    cluster(&console, &b, "medium", "standard-2cu");
    advance_to(&clock, "11:30:00").await;
    delete(&console, &large);
    advance_to(&clock, "12:30:00").await;

    let sent = received(&server).await;
    assert_eq!(sent.len(), 2, "one request an hour: both instances fit one");
    let hour10 = records(&sent[0]);
    // small: 10:15–10:30 and 10:45–11:00, 1800 s; large: 10:15–11:00, 2700 s; medium: 900 s.
    let mut expected = vec![
        ("8000001".to_owned(), HOUR_10.to_owned(), values("1800", "2")),
        ("8000002".to_owned(), HOUR_10.to_owned(), values("21600", "37")),
        ("8000002".to_owned(), HOUR_10.to_owned(), values("1800", "2")),
    ];
    let mut got = hour10.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    let mut hour11 = records(&sent[1]);
    hour11.sort();
    let mut expected11 = vec![
        ("8000001".to_owned(), HOUR_11.to_owned(), values("3600", "5")),
        // large deleted at 11:30: 1800 s of 8 CU and 50 GB.
        ("8000002".to_owned(), HOUR_11.to_owned(), values("14400", "25")),
        ("8000002".to_owned(), HOUR_11.to_owned(), values("7200", "10")),
    ];
    expected11.sort();
    assert_eq!(hour11, expected11);
}

#[tokio::test]
async fn a_throttled_push_waits_what_retry_after_says_and_sends_the_same_text() {
    let server = MockServer::start().await;
    push()
        .respond_with(refusal(400, "Service.Flow.Control").insert_header("x-acs-retry-after", "30"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    let id = cluster(&console, &zc, "search", "standard-2cu");
    advance_to(&clock, "11:00:10").await;
    // What changes meanwhile changes nothing of what is sent again.
    delete(&console, &id);
    advance_to(&clock, "11:05:00").await;

    let sent = received(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], sent[1], "the retry sends the first attempt's bytes");
    assert_eq!(
        pushes(&console),
        [
            "#1 attempt 1 at 11:00:00 throttled Service.Flow.Control -> pending next 11:00:30",
            "#1 attempt 2 at 11:00:30 pushed -> pushed",
        ]
    );
}

#[tokio::test]
async fn server_errors_are_tried_again_after_one_then_two_minutes() {
    let server = MockServer::start().await;
    push()
        .respond_with(refusal(503, "ServiceUnavailable"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    cluster(&console, &zc, "search", "standard-1cu");
    advance_to(&clock, "11:10:00").await;

    assert_eq!(
        pushes(&console),
        [
            "#1 attempt 1 at 11:00:00 server_error ServiceUnavailable -> pending next 11:01:00",
            "#1 attempt 2 at 11:01:00 server_error ServiceUnavailable -> pending next 11:03:00",
            "#1 attempt 3 at 11:03:00 pushed -> pushed",
        ]
    );
    let sent = received(&server).await;
    assert!(sent.iter().all(|m| *m == sent[0]));
}

#[tokio::test]
async fn a_push_that_times_out_or_loses_its_connection_is_tried_again() {
    let server = MockServer::start().await;
    push()
        .respond_with(success().set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    cluster(&console, &zc, "search", "standard-1cu");
    advance_to(&clock, "11:05:00").await;
    assert_eq!(
        pushes(&console),
        [
            "#1 attempt 1 at 11:00:00 timeout -> pending next 11:01:00",
            "#1 attempt 2 at 11:01:00 pushed -> pushed",
        ]
    );
    let sent = received(&server).await;
    assert_eq!(sent[0], sent[1]);

    // A marketplace that is not there at all.
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let clock = seed_clock();
    let mut config = common::config();
    config.marketplace_url = gone;
    config.metering_timeout = PUSH_TIMEOUT;
    let console =
        marketsim_console_stub::Console::open(ConsoleWorld::default_world(), config, clock.clone(), None)
            .unwrap();
    let zc = instance(&console, "8000001");
    cluster(&console, &zc, "search", "standard-1cu");
    advance_to(&clock, "11:00:00").await;
    assert_eq!(
        pushes(&console),
        ["#1 attempt 1 at 11:00:00 unreachable -> pending next 11:01:00"]
    );
}

#[tokio::test]
async fn a_refusal_is_final_and_names_its_code() {
    let server = MockServer::start().await;
    push()
        .respond_with(refusal(400, "Invalid.Parameter.Instance"))
        .mount(&server)
        .await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    let id = cluster(&console, &zc, "search", "standard-1cu");
    advance_to(&clock, "10:30:00").await;
    delete(&console, &id);
    advance_to(&clock, "14:00:00").await;

    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(
        pushes(&console),
        ["#1 attempt 1 at 11:00:00 refused Invalid.Parameter.Instance -> refused"]
    );
    let request = console.lock().usage_request(1).unwrap().unwrap();
    assert_eq!(request.status, RequestStatus::Refused);
    assert_eq!(request.code.as_deref(), Some("Invalid.Parameter.Instance"));
}

#[tokio::test]
async fn a_request_of_several_instances_refused_for_one_goes_on_one_instance_per_request() {
    let server = MockServer::start().await;
    push()
        .and(|r: &Request| r.url.query().unwrap_or_default().contains("8000002"))
        .respond_with(refusal(400, "Invalid.Parameter.Instance"))
        .mount(&server)
        .await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let a = instance(&console, "8000001");
    let b = instance(&console, "8000002");
    let kept = cluster(&console, &a, "kept", "standard-1cu");
    let released = cluster(&console, &b, "released", "standard-1cu");
    advance_to(&clock, "10:30:00").await;
    delete(&console, &kept);
    delete(&console, &released);
    advance_to(&clock, "12:00:00").await;

    assert_eq!(
        pushes(&console),
        [
            "#1 attempt 1 at 11:00:00 refused Invalid.Parameter.Instance -> split",
            "#2 attempt 1 at 11:00:00 pushed -> pushed",
            "#3 attempt 1 at 11:00:00 refused Invalid.Parameter.Instance -> refused",
        ]
    );
    let sent = received(&server).await;
    assert_eq!(records(&sent[0]).len(), 2);
    assert_eq!(records(&sent[1])[0].0, "8000001");
    assert_eq!(records(&sent[2])[0].0, "8000002");
    // The first record of the split-off request is the first request's first, byte for byte.
    let first: Value = serde_json::from_str(&sent[0]).unwrap();
    let second: Value = serde_json::from_str(&sent[1]).unwrap();
    assert_eq!(first[0], second[0]);
    let (lines, _) = console.lock().usage_lines(ZILLIZ, 0, 10).unwrap();
    let statuses: Vec<(String, Option<RequestStatus>)> =
        lines.iter().map(|l| (l.cluster_name.clone(), l.status)).collect();
    assert_eq!(
        statuses,
        [
            ("kept".to_owned(), Some(RequestStatus::Pushed)),
            ("released".to_owned(), Some(RequestStatus::Refused))
        ]
    );
}

#[tokio::test]
async fn a_push_that_keeps_failing_is_given_up_late_after_a_last_try_before_the_deadline() {
    let server = MockServer::start().await;
    push()
        .respond_with(refusal(500, "InternalError"))
        .mount(&server)
        .await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    let id = cluster(&console, &zc, "search", "standard-1cu");
    advance_to(&clock, "10:30:00").await;
    delete(&console, &id);
    advance_to(&clock, "13:00:00").await;

    let log = pushes(&console);
    let times: Vec<&str> = log.iter().filter_map(|l| l.split(' ').nth(4)).collect();
    assert_eq!(
        times,
        ["11:00:00", "11:01:00", "11:03:00", "11:07:00", "11:15:00", "11:31:00", "11:47:00", "11:59:00"]
    );
    assert_eq!(
        log.last().unwrap(),
        "#1 attempt 8 at 11:59:00 server_error InternalError -> late"
    );
    assert_eq!(received(&server).await.len(), 8);
    let request = console.lock().usage_request(1).unwrap().unwrap();
    assert_eq!((request.status, request.attempts), (RequestStatus::Late, 8));
    assert!(request.last_error.unwrap().contains("InternalError"));
}

#[tokio::test]
async fn an_hour_the_marketplace_took_is_never_pushed_again() {
    let server = MockServer::start().await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    let id = cluster(&console, &zc, "search", "standard-1cu");
    advance_to(&clock, "11:30:00").await;
    delete(&console, &id);
    clock.advance(Duration::from_secs(24 * 3600)).await.unwrap();

    let windows: Vec<String> = received(&server)
        .await
        .iter()
        .map(|m| records(m)[0].1.clone())
        .collect();
    assert_eq!(windows, [HOUR_10, HOUR_11]);
    assert_eq!(console.clock().next_due(), None, "nothing left to do");
}

#[tokio::test]
async fn a_world_without_an_access_key_reports_nothing() {
    let server = MockServer::start().await;
    push().respond_with(success()).mount(&server).await;
    let mut world = ConsoleWorld::default_world();
    world.access_key_id = None;
    world.access_key_secret = None;
    let clock = seed_clock();
    let console = metered_world(world, &server, &clock, None);
    let zc = instance(&console, "8000001");
    cluster(&console, &zc, "search", "standard-1cu");
    clock.advance(Duration::from_secs(3 * 3600)).await.unwrap();
    assert!(received(&server).await.is_empty());
    assert!(pushes(&console).is_empty());
    assert_eq!(clock.next_due(), None);
}

#[tokio::test]
async fn a_console_reopened_on_its_data_directory_resumes_its_retries_and_hours() {
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    push()
        .respond_with(refusal(503, "ServiceUnavailable"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    push().respond_with(success()).mount(&server).await;
    {
        let clock = seed_clock();
        let console = metered_console(&server, &clock, Some(dir.path()));
        let zc = instance(&console, "8000001");
        cluster(&console, &zc, "search", "standard-1cu");
        advance_to(&clock, "11:00:30").await;
        assert_eq!(
            pushes(&console),
            ["#1 attempt 1 at 11:00:00 server_error ServiceUnavailable -> pending next 11:01:00"]
        );
    }
    // Back at 13:30: the retry of hour 10 has missed its deadline (12:00); hour 11 was never
    // reckoned and its deadline (13:00) passed too; hour 12 is reckoned and pushed.
    let clock = protocol::clock::Clock::manual(at("13:30:00"));
    let console = metered_console(&server, &clock, Some(dir.path()));
    assert_eq!(clock.next_due(), Some(at("11:01:00")));
    clock.run_due_now().await;
    assert_eq!(
        pushes(&console),
        [
            "#1 attempt 1 at 11:00:00 server_error ServiceUnavailable -> pending next 11:01:00",
            "#2 attempt 0 at 13:30:00 none -> late",
            "#1 attempt 1 at 13:30:00 none -> late",
            "#3 attempt 1 at 13:30:00 pushed -> pushed",
        ]
    );
    let windows: Vec<String> = received(&server)
        .await
        .iter()
        .map(|m| records(m)[0].1.clone())
        .collect();
    assert_eq!(windows, [HOUR_10, HOUR_12]);
    assert_eq!(clock.next_due(), Some(at("14:00:00")));
}

/// A marketplace answering Success and saying so on a channel, so a test awaits its pushes.
struct Announcing(tokio::sync::mpsc::UnboundedSender<String>);

impl wiremock::Respond for Announcing {
    fn respond(&self, request: &Request) -> wiremock::ResponseTemplate {
        let metering = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "Metering")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let _ = self.0.send(metering);
        success()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_real_time_clock_the_clocks_driver_pushes_each_hour_as_it_ends() {
    let server = MockServer::start().await;
    let (pushed, mut pushes) = tokio::sync::mpsc::unbounded_channel();
    push().respond_with(Announcing(pushed)).mount(&server).await;
    // An hour of the world's time a second of the wall's.
    let clock = protocol::clock::Clock::real_time_scaled(3600.0, chrono::TimeDelta::zero());
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    cluster(&console, &zc, "search", "standard-1cu");
    let driver = clock.spawn_driver();
    let first = tokio::time::timeout(Duration::from_secs(30), pushes.recv())
        .await
        .expect("a push within an hour of the world's time")
        .unwrap();
    let second = tokio::time::timeout(Duration::from_secs(30), pushes.recv())
        .await
        .expect("the next hour's push")
        .unwrap();
    driver.abort();
    let (start1, start2) = (&records(&first)[0].1, &records(&second)[0].1);
    let hour: i64 = start2.parse::<i64>().unwrap() - start1.parse::<i64>().unwrap();
    assert_eq!(hour, 3600, "consecutive hours, in order");
    assert_eq!(
        records(&second)[0].2,
        values("3600", "5"),
        "the second hour ran whole"
    );
}

#[tokio::test]
async fn credit_is_spent_before_pushing_and_only_what_it_did_not_cover_is_pushed() {
    let server = MockServer::start().await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let mut world = ConsoleWorld::default_world();
    world.orgs[0].free_credit = "2.00".parse().unwrap();
    let console = metered_world(world, &server, &clock, None);
    // 企业版: 1 CU at 1.80 an hour; 5 GB·h at 0.001 is 0.005, charged 0.00.
    let zc = instance(&console, "8000001");
    cluster(&console, &zc, "search", "standard-1cu");

    clock.advance(Duration::from_secs(3 * 3600)).await.unwrap();

    // 10:00–11:00 cost 1.80, covered: nothing pushed, 0.20 left. 11:00–12:00: the 0.20 covers
    // part of compute, 1.60 is 3200 CU·s; storage finds no credit left. 12:00–13:00 goes whole.
    let sent = received(&server).await;
    let got: Vec<Record> = sent.iter().flat_map(|m| records(m)).collect();
    assert_eq!(
        got,
        [
            ("8000001".to_owned(), HOUR_11.to_owned(), values("3200", "5")),
            ("8000001".to_owned(), HOUR_12.to_owned(), values("3600", "5")),
        ]
    );
    let db = console.lock();
    assert_eq!(db.free_credit(ZILLIZ).unwrap(), Some("0".parse().unwrap()));
    let (lines, _) = db.usage_lines(ZILLIZ, 0, 10).unwrap();
    let spent: Vec<(Option<RequestStatus>, String, String, i64)> = lines
        .iter()
        .map(|l| {
            let amount = l.usage.amount.map(|a| a.to_string()).unwrap_or_default();
            (
                l.status,
                amount,
                l.usage.credit.to_string(),
                l.usage.pushed_compute,
            )
        })
        .collect();
    assert_eq!(
        spent,
        [
            (Some(RequestStatus::Pushed), "1.80".into(), "0".into(), 3600),
            (Some(RequestStatus::Pushed), "1.80".into(), "0.20".into(), 3200),
            (None, "1.80".into(), "1.80".into(), 0),
        ]
    );
}

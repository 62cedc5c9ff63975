//! PushMeteringData's group commit: pushes that arrive together are stored in one batch, each
//! still judged on its own and in arrival order; a push whose caller goes away is stored all the
//! same and never leaves the others waiting.

mod common;

use common::{simulator, vendor_answering, world_with_vendor};
use marketsim_simulator::openapi::ops::metering::commit::{Ticket, MAX_BATCH};
use marketsim_simulator::openapi::ops::metering::push::{push_metering_data, stored, stored_count};
use marketsim_simulator::openapi::{operation, ApiError, Call, Caller, Params};
use marketsim_simulator::Simulator;
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::MockServer;

const PRODUCT: &str = "cmgj00061912";
/// 2023-08-15 10:00:00 +08:00, the default world's start.
const TEN_AM: i64 = 1_692_064_800;

/// A world with `n` OPENED instances of the vendor's product; the clock is two minutes past ten.
async fn opened(n: usize) -> (Simulator, Vec<String>, MockServer) {
    let vendor = vendor_answering("zc-1", "http://vendor/sso").await;
    let sim = simulator(world_with_vendor(&vendor.uri()));
    let buyer = sim.world().buyers[0].clone();
    let ids = (0..n)
        .map(|_| {
            sim.open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"))
                .unwrap()
                .instance_id
        })
        .collect();
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    (sim, ids, vendor)
}

fn metering(instance: &str) -> String {
    json!([{
        "InstanceId": instance,
        "StartTime": TEN_AM - 600,
        "EndTime": TEN_AM,
        "Entities": [{"Key": "Frequency", "Value": 1, "meteringAssit": format!("{PRODUCT}-Frequency-1")}],
    }])
    .to_string()
}

fn submit(sim: &Simulator, metering: String) -> Ticket {
    let caller = Caller::Vendor(&sim.world().vendors[0]);
    let params = Params::from_pairs([("Metering".to_string(), metering)]);
    push_metering_data(&Call {
        sim,
        caller,
        params: &params,
        sts: false,
    })
    .expect("the push is well formed")
}

/// Runs the pushes as concurrent request tasks on one thread: the first leads, the others queue
/// behind it while it lets them run, so all of them are stored in one batch.
async fn push_together(sim: &Simulator, pushes: Vec<String>) -> Vec<Result<Value, ApiError>> {
    let tasks: Vec<_> = pushes
        .into_iter()
        .map(|m| {
            let sim = sim.clone();
            tokio::spawn(async move {
                let caller = Caller::Vendor(&sim.world().vendors[0]);
                let params = Params::from_pairs([("Metering".to_string(), m)]);
                let call = Call {
                    sim: &sim,
                    caller,
                    params: &params,
                    sts: false,
                };
                operation("PushMeteringData").unwrap().run(&call).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "current_thread")]
async fn pushes_that_arrive_together_are_each_judged_in_arrival_order() {
    let (sim, ids, _vendor) = opened(3).await;
    let answers = push_together(
        &sim,
        vec![
            metering(&ids[0]),
            metering(&ids[1]),
            metering(&ids[0]),
            metering("no-such-instance"),
            metering(&ids[2]),
        ],
    )
    .await;
    assert_eq!(answers[0], Ok(json!({"Success": true})));
    assert_eq!(answers[1], Ok(json!({"Success": true})));
    let throttled = answers[2].clone().unwrap_err();
    assert_eq!(
        throttled.code, "Service.Flow.Control",
        "the second push of one instance in a batch"
    );
    assert_eq!(throttled.retry_after, Some(60));
    assert_eq!(answers[3].clone().unwrap_err().code, "Invalid.Parameter.Instance");
    assert_eq!(answers[4], Ok(json!({"Success": true})));
    assert_eq!(stored_count(&sim).unwrap(), 3);
    assert_eq!(stored(&sim, &ids[0]).unwrap().len(), 1);
}

#[tokio::test]
async fn many_concurrent_pushes_are_all_stored_once() {
    let (sim, ids, _vendor) = opened(200).await;
    // On a runtime of two worker threads of its own, so pushes really do meet from two threads
    // (the wiremock vendor stays on the test's runtime, where it is dropped safely).
    let answers = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(push_together(&sim, ids.iter().map(|id| metering(id)).collect()))
            })
            .join()
            .unwrap()
    });
    assert!(
        answers.iter().all(|a| a == &Ok(json!({"Success": true}))),
        "{answers:?}"
    );
    assert_eq!(stored_count(&sim).unwrap(), 200);
    for id in &ids {
        assert_eq!(stored(&sim, id).unwrap().len(), 1, "{id}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_push_whose_caller_went_away_is_stored_and_leaves_no_one_waiting() {
    let (sim, ids, _vendor) = opened(3).await;
    // The leader's caller goes away before it leads: its push is stored as it goes.
    let leader = submit(&sim, metering(&ids[0]));
    assert!(matches!(leader, Ticket::Lead(_)));
    drop(leader);
    assert_eq!(stored(&sim, &ids[0]).unwrap().len(), 1);
    // A waiting push's caller goes away: the leader stores it with its own.
    let leader = submit(&sim, metering(&ids[1]));
    let waiting = submit(&sim, metering(&ids[2]));
    assert!(matches!(waiting, Ticket::Waiting { .. }));
    drop(waiting);
    assert_eq!(leader.answer().await, Ok(json!({"Success": true})));
    assert_eq!(stored(&sim, &ids[2]).unwrap().len(), 1);
    // Nothing is left leading: the next push leads at once.
    let next = submit(&sim, metering(&ids[0]));
    assert!(matches!(next, Ticket::Lead(_)));
    assert_eq!(next.ready().unwrap().unwrap_err().code, "Service.Flow.Control");
}

#[tokio::test(flavor = "current_thread")]
async fn a_batch_holds_at_most_max_batch_pushes_and_the_rest_follow() {
    let (sim, ids, _vendor) = opened(2 * MAX_BATCH + 2).await;
    let before = sim.push_batches();
    let answers = push_together(&sim, ids.iter().map(|id| metering(id)).collect()).await;
    assert!(answers.iter().all(|a| a == &Ok(json!({"Success": true}))));
    let after = sim.push_batches();
    assert_eq!(after.pushes - before.pushes, (2 * MAX_BATCH + 2) as u64);
    assert_eq!(
        after.batches - before.batches,
        3,
        "two full batches and one of two"
    );
}

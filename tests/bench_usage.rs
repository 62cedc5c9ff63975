//! `marketsim bench usage` counts what it times: every cluster's every hour reckoned by the console
//! stub, pushed at the first attempt through the simulator's signed OpenAPI, and stored there with
//! the same totals. Counts only, at a small size; the timing is the bench's.

use marketsim::bench::usage::{measure, UsageArgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_clusters_over_twelve_instances_report_every_hour_once() {
    let figures = measure(&UsageArgs {
        clusters: 30,
        instances: 12,
        hours: 5,
    })
    .await
    .expect("the bench's own checks pass");
    assert_eq!(figures.records, 30 * 5);
    assert_eq!(figures.stored, 2 * 30 * 5);
    assert_eq!(figures.requests, 5, "30 records an hour fit one request");
    assert_eq!(figures.attempts, 5);
    // The default world's plans in turn: 1, 2 and 8 CU, 5, 10 and 50 GB.
    assert_eq!(figures.compute, 10 * (1 + 2 + 8) * 3600 * 5);
    assert_eq!(figures.storage, 10 * (5 + 10 + 50) * 5);
}

#[tokio::test]
async fn more_clusters_than_an_instances_requests_can_carry_are_refused_before_anything_runs() {
    let refused = measure(&UsageArgs {
        clusters: 201,
        instances: 2,
        hours: 1,
    })
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("more than 100"), "{refused}");
}

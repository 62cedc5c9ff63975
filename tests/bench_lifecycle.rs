//! `marketsim bench lifecycle` counts what it times: every term end of an auto-renewing
//! subscription renewed and delivered, every lapsing one expired and released a grace period
//! later, each action taken by the console stub at its first attempt, both sides agreeing on each
//! instance's expiry. Counts only, at a small size; the timing is the bench's.

use marketsim::bench::lifecycle::{measure, LifecycleArgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_subscriptions_over_two_months_renew_or_lapse_on_both_sides() {
    let figures = measure(&LifecycleArgs {
        instances: 20,
        months: 2,
        lapsing: 2,
        concurrency: 4,
    })
    .await
    .expect("the bench's own checks pass");
    // Two term ends in two months, and the release grace (15 days) holds no third.
    assert_eq!(figures.renewals_each, 2);
    assert_eq!(figures.renewals, 18 * 2);
    assert_eq!((figures.expired, figures.released), (2, 2));
    assert_eq!(figures.deliveries, 18 * 2 + 2 * 2);
    assert_eq!(figures.orders, 18 * 3 + 2);
}

#[tokio::test]
async fn more_lapsing_instances_than_instances_are_refused_before_anything_runs() {
    let refused = measure(&LifecycleArgs {
        instances: 2,
        months: 1,
        lapsing: 3,
        concurrency: 1,
    })
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("--lapsing 3"), "{refused}");
}

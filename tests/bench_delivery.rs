//! `marketsim bench delivery` counts what it times: every orderPay tried on its whole schedule
//! against the vendor that answers 500, each attempt in the journal and at the vendor, every
//! message given up into DescribeFailedNotifications. Counts only; the timing is the bench's.

use marketsim::bench::delivery::{measure, DeliveryArgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_instances_make_twelve_attempts_each_then_give_up() {
    let figures = measure(&DeliveryArgs {
        instances: 20,
        concurrency: 8,
    })
    .await
    .expect("the bench's own checks pass");
    assert_eq!(figures.instances, 20);
    assert_eq!(figures.deliveries, 20 * 12);
    assert_eq!(figures.http_errors, 20 * 12);
    assert_eq!(figures.vendor_calls, 20 * 12);
    assert_eq!(figures.gave_up, 20);
    assert_eq!(figures.failed_notifications, 20);
    assert_eq!(
        figures.virtual_span,
        std::time::Duration::from_secs((8 * 60 + 38) * 60),
        "the last attempt is 8 h 38 m after the first"
    );
}

#[tokio::test]
async fn a_concurrency_the_world_refuses_is_refused_before_anything_runs() {
    let refused = measure(&DeliveryArgs {
        instances: 1,
        concurrency: 257,
    })
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("--concurrency"), "{refused}");
}

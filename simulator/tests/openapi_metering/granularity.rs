//! PushMeteringData's rules by the product's billing granularity, pushed through the operation:
//! the record limit, the window width, the 60-second rule and the deadline for each of hourly,
//! daily, real-time and minute products, and each of `settings.metering_rules` turning its rule off.

use super::*;
use marketsim_simulator::world::{Billing, MeteringRules};
use rstest::rstest;

/// [`opened`], with the default world's product (PRODUCT) billed by `billing` and the rules as
/// `rules` leaves them.
async fn billed(billing: Billing, rules: impl FnOnce(&mut MeteringRules)) -> Opened {
    opened_with(|w| {
        w.products[0].billing = billing;
        rules(&mut w.settings.metering_rules);
    })
    .await
}

/// A record of PRODUCT's instance for `start`–`end`.
fn window(o: &Opened, start: i64, end: i64) -> Value {
    let mut r = record(o.id(PRODUCT), PRODUCT);
    r["StartTime"] = json!(start);
    r["EndTime"] = json!(end);
    r
}

fn records(o: &Opened, count: usize) -> String {
    Value::Array((0..count).map(|_| record(o.id(PRODUCT), PRODUCT)).collect()).to_string()
}

#[rstest]
#[case::hourly(Billing::Hourly, 100)]
#[case::daily(Billing::Daily, 100)]
#[case::realtime(Billing::Realtime, 10)]
#[case::minute(Billing::Minute, 10)]
#[tokio::test]
async fn a_request_carries_at_most_the_granularitys_records(#[case] billing: Billing, #[case] max: usize) {
    let o = billed(billing, |_| {}).await;
    refused(
        &o,
        &records(&o, max + 1),
        "Metering.Data.Exceeded",
        &format!("must not exceed {max}"),
    );
    push_text(&o.sim, &records(&o, max)).unwrap();
    assert_eq!(all_stored(&o).len(), max);

    let o = billed(billing, |r| r.record_limit = false).await;
    push_text(&o.sim, &records(&o, max + 1)).unwrap();
    assert_eq!(all_stored(&o).len(), max + 1);
}

#[rstest]
#[case::hourly(Billing::Hourly, false)]
#[case::daily(Billing::Daily, false)]
#[case::realtime(Billing::Realtime, true)]
#[case::minute(Billing::Minute, true)]
#[tokio::test]
async fn a_window_of_a_minute_is_wide_enough_only_for_real_time_products(
    #[case] billing: Billing,
    #[case] taken: bool,
) {
    let minute = |o: &Opened| json!([window(o, TEN_AM - 60, TEN_AM)]);
    let o = billed(billing, |_| {}).await;
    if taken {
        push(&o.sim, &minute(&o)).unwrap();
    } else {
        refused(
            &o,
            &minute(&o).to_string(),
            "Invalid.Parameter.Metering",
            "more than 300 seconds",
        );
    }
    // A window that ends where it starts is refused for every product.
    refused(
        &o,
        &json!([window(&o, TEN_AM, TEN_AM)]).to_string(),
        "Invalid.Parameter.Metering",
        "EndTime",
    );

    let o = billed(billing, |r| r.window_length = false).await;
    refused(
        &o,
        &json!([window(&o, TEN_AM, TEN_AM - 1)]).to_string(),
        "Invalid.Parameter.Metering",
        "EndTime must be after StartTime",
    );
    push(&o.sim, &minute(&o)).unwrap();
}

#[rstest]
#[case::hourly(Billing::Hourly, true)]
#[case::daily(Billing::Daily, true)]
#[case::realtime(Billing::Realtime, false)]
#[case::minute(Billing::Minute, false)]
#[tokio::test]
async fn a_second_push_at_once_is_throttled_only_for_hourly_and_daily_products(
    #[case] billing: Billing,
    #[case] throttled: bool,
) {
    let o = billed(billing, |_| {}).await;
    let m = json!([record(o.id(PRODUCT), PRODUCT)]);
    push(&o.sim, &m).unwrap();
    match push(&o.sim, &m) {
        Err(e) => {
            assert!(throttled, "{e:?}");
            assert_eq!(e.code(), "Service.Flow.Control");
        }
        Ok(_) => assert!(!throttled, "a second push went through"),
    }

    let o = billed(billing, |r| r.rate_limit = false).await;
    let m = json!([record(o.id(PRODUCT), PRODUCT)]);
    for _ in 0..3 {
        push(&o.sim, &m).unwrap();
    }
    assert_eq!(all_stored(&o).len(), 3);
}

/// 2023-08-15 00:00:00 +08:00, the day the default world starts.
const MIDNIGHT: i64 = TEN_AM - 10 * 3600;

#[rstest]
// It is 10:02 on the 15th. 08:10–08:20 was due before 10:00 unless the product is billed daily.
#[case::hourly_this_morning(Billing::Hourly, TEN_AM - 6600, TEN_AM - 6000, false)]
#[case::realtime_this_morning(Billing::Realtime, TEN_AM - 6600, TEN_AM - 6000, false)]
#[case::minute_this_morning(Billing::Minute, TEN_AM - 6600, TEN_AM - 6000, false)]
#[case::daily_this_morning(Billing::Daily, TEN_AM - 6600, TEN_AM - 6000, true)]
// 09:00–10:00 is due before 11:00, and a daily product has until tomorrow 01:59.
#[case::hourly_last_hour(Billing::Hourly, TEN_AM - 3600, TEN_AM, true)]
#[case::realtime_last_hour(Billing::Realtime, TEN_AM - 3600, TEN_AM, true)]
#[case::daily_last_hour(Billing::Daily, TEN_AM - 3600, TEN_AM, true)]
// Yesterday, the 14th, was due before 01:59 today.
#[case::daily_yesterday(Billing::Daily, MIDNIGHT - 86_400, MIDNIGHT, false)]
#[case::daily_late_yesterday(Billing::Daily, MIDNIGHT - 600, MIDNIGHT, false)]
#[tokio::test]
async fn a_window_is_due_by_the_granularitys_deadline(
    #[case] billing: Billing,
    #[case] start: i64,
    #[case] end: i64,
    #[case] on_time: bool,
) {
    let o = billed(billing, |_| {}).await;
    let m = json!([window(&o, start, end)]);
    if on_time {
        push(&o.sim, &m).unwrap();
        assert!(all_stored(&o).iter().all(|r| r.billable));
    } else {
        refused(
            &o,
            &m.to_string(),
            "Invalid.Parameter.Metering",
            "late data is not billed",
        );
    }

    // With the deadline off, any window is taken, and billed.
    let o = billed(billing, |r| r.deadline = false).await;
    push(&o.sim, &json!([window(&o, start, end)])).unwrap();
    assert!(all_stored(&o).iter().all(|r| r.billable));
}

//! Bill windows on the world's clock (contract §3.3.1, §5.2): the stretch of time one bill line
//! covers — an hour, an Asia/Shanghai day, or a minute for real-time and minute products — the
//! deadline by which a window's usage must be pushed, and when its bill is made: an hourly or
//! daily window once its deadline has passed (08:00–09:00 after 10:00; a day after 01:59 the next
//! day), a minute window as soon as it ends. All times are Unix seconds.

use crate::world::Billing;

/// Seconds after 00:00 (Asia/Shanghai) of the next day by which a daily window must arrive: 01:59.
pub const DAILY_DEADLINE_SECONDS: i64 = 3600 + 59 * 60;

const DAY: i64 = 86_400;

/// Asia/Shanghai's offset from UTC in seconds (it keeps no daylight saving).
fn shanghai_offset() -> i64 {
    i64::from(protocol::time::shanghai().local_minus_utc())
}

/// The bill window holding the instant `t`: `(start, end)`, end exclusive.
pub fn bill_window(billing: Billing, t: i64) -> (i64, i64) {
    let (length, offset) = match billing {
        Billing::Hourly => (3600, 0),
        Billing::Daily => (DAY, shanghai_offset()),
        Billing::Realtime | Billing::Minute => (60, 0),
    };
    let start = (t + offset).div_euclid(length) * length - offset;
    (start, start + length)
}

/// The bill window a pushed window `start`–`end` belongs to: the one holding its first second.
/// Whether the pushed window also ends inside it is [`spans_one_window`]'s question.
pub fn window_of(billing: Billing, start: i64) -> (i64, i64) {
    bill_window(billing, start)
}

/// Whether the pushed window `start`–`end` lies inside one bill window (a window ending exactly on
/// a boundary ends inside the window before it).
pub fn spans_one_window(billing: Billing, start: i64, end: i64) -> bool {
    end <= window_of(billing, start).1
}

/// The moment from which a pushed window ending at `end` is late.
///
/// Hourly: an hour's data must arrive before the end of the next hour (a window ending exactly on
/// the hour belongs to the hour before it). Daily: before 01:59 (Asia/Shanghai) of the day after
/// the window's day (a window ending exactly at midnight belongs to the day before it). Real-time
/// and minute products: the contract names no deadline; the hourly one is taken, for their bills
/// are made at least as often.
pub fn deadline(billing: Billing, end: i64) -> i64 {
    match billing {
        Billing::Hourly | Billing::Realtime | Billing::Minute => {
            let hour = (end - 1).div_euclid(3600) * 3600;
            hour + 2 * 3600
        }
        Billing::Daily => bill_window(Billing::Daily, end - 1).1 + DAILY_DEADLINE_SECONDS,
    }
}

/// When the bill of the bill window `window` is made: after the push deadline of its last second
/// for hourly and daily products, at its end for real-time and minute ones (usage of a minute
/// that arrives later is billed by the next run, as a line of its own).
pub fn bills_at(billing: Billing, window: (i64, i64)) -> i64 {
    match billing {
        Billing::Hourly | Billing::Daily => deadline(billing, window.1),
        Billing::Realtime | Billing::Minute => window.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    /// 2023-08-15 08:00:00 +08:00.
    const EIGHT_AM: i64 = 1_692_057_600;
    /// 2023-08-15 00:00:00 +08:00.
    const MIDNIGHT: i64 = EIGHT_AM - 8 * 3600;

    #[rstest]
    #[case::hourly(Billing::Hourly, EIGHT_AM + 1800, (EIGHT_AM, EIGHT_AM + 3600), EIGHT_AM + 7200)]
    #[case::hourly_on_the_hour(Billing::Hourly, EIGHT_AM, (EIGHT_AM, EIGHT_AM + 3600), EIGHT_AM + 7200)]
    // A Shanghai day, though it starts at 16:00 UTC the day before.
    #[case::daily(Billing::Daily, EIGHT_AM, (MIDNIGHT, MIDNIGHT + DAY), MIDNIGHT + DAY + 7140)]
    #[case::daily_last_second(Billing::Daily, MIDNIGHT - 1, (MIDNIGHT - DAY, MIDNIGHT), MIDNIGHT + 7140)]
    #[case::minute(Billing::Minute, EIGHT_AM + 61, (EIGHT_AM + 60, EIGHT_AM + 120), EIGHT_AM + 120)]
    #[case::realtime(Billing::Realtime, EIGHT_AM, (EIGHT_AM, EIGHT_AM + 60), EIGHT_AM + 60)]
    fn a_window_is_billed_after_its_deadline(
        #[case] billing: Billing,
        #[case] t: i64,
        #[case] window: (i64, i64),
        #[case] billed: i64,
    ) {
        assert_eq!(bill_window(billing, t), window);
        assert_eq!(bills_at(billing, window), billed);
    }

    #[test]
    fn a_pushed_window_may_end_on_its_bill_windows_boundary_but_not_past_it() {
        assert!(spans_one_window(Billing::Hourly, EIGHT_AM, EIGHT_AM + 3600));
        assert!(!spans_one_window(
            Billing::Hourly,
            EIGHT_AM + 1800,
            EIGHT_AM + 3601
        ));
        assert!(spans_one_window(Billing::Daily, MIDNIGHT + 3600, MIDNIGHT + DAY));
        assert!(!spans_one_window(Billing::Daily, MIDNIGHT - 60, MIDNIGHT + 60));
        assert!(!spans_one_window(Billing::Minute, EIGHT_AM + 30, EIGHT_AM + 90));
    }
}

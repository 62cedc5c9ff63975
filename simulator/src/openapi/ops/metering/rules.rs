//! PushMeteringData's rules by the product's billing granularity (contract §3.3.1, §5.2), in one
//! place: how often an instance may push, how many records a request may carry, how wide a window
//! must be, and by when a window must arrive. Each rule can be turned off by name in the world
//! (`settings.metering_rules`); a window that ends before it starts is refused whatever the world
//! says, for it is no window at all.
//!
//! | billing        | rate limit          | records | window          | deadline                          |
//! |----------------|---------------------|---------|-----------------|-----------------------------------|
//! | hourly         | 1 / instance / 60 s | ≤ 100   | > 5 min         | before the end of the next hour   |
//! | daily          | 1 / instance / 60 s | ≤ 100   | > 5 min         | before 01:59 of the next day (+08)|
//! | realtime/minute| none                | ≤ 10    | EndTime > Start | the hourly one (the contract names none) |

use super::records::metering_error;
use crate::billing::windows::{deadline, spans_one_window};
use crate::openapi::error::{ApiError, ErrorCode};
use crate::world::{Billing, MeteringRules};

/// Virtual seconds between two pushes for the same instance (hourly and daily products).
pub const THROTTLE_SECONDS: i64 = 60;

/// Records one request of an hourly or daily product may carry.
pub const MAX_RECORDS: usize = 100;

/// Records one request of a real-time or minute product may carry.
pub const MAX_REALTIME_RECORDS: usize = 10;

/// A window of an hourly or daily product must be wider than this (seconds).
pub const MIN_WINDOW_SECONDS: i64 = 5 * 60;

/// The rules in force for one product in one world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub billing: Billing,
    pub on: MeteringRules,
}

impl Rules {
    fn realtime(self) -> bool {
        matches!(self.billing, Billing::Realtime | Billing::Minute)
    }

    /// `Metering.Data.Exceeded` when a request carries more records than the product allows.
    pub fn record_count(self, count: usize) -> Result<(), ApiError> {
        let max = if self.realtime() {
            MAX_REALTIME_RECORDS
        } else {
            MAX_RECORDS
        };
        if !self.on.record_limit || count <= max {
            return Ok(());
        }
        Err(ErrorCode::MeteringExceeded
            .with_message(format!("The number of metering entities must not exceed {max}.")))
    }

    /// Record number `n`'s window, `start`–`end` (Unix seconds).
    pub fn window(self, n: usize, start: i64, end: i64) -> Result<(), ApiError> {
        let min = if self.realtime() || !self.on.window_length {
            0
        } else {
            MIN_WINDOW_SECONDS
        };
        if end - start > min {
            return Ok(());
        }
        Err(metering_error(if min == 0 {
            format!("Record {n}: EndTime must be after StartTime.")
        } else {
            format!("Record {n}: EndTime - StartTime must be more than {min} seconds.")
        }))
    }

    /// `Service.Flow.Control` when an instance was last pushed `elapsed_ms` ago, less than
    /// [`THROTTLE_SECONDS`]; it says in `x-acs-retry-after` when the instance may push again.
    pub fn throttle(self, elapsed_ms: i64) -> Result<(), ApiError> {
        if self.realtime() || !self.on.rate_limit || elapsed_ms >= THROTTLE_SECONDS * 1000 {
            return Ok(());
        }
        let wait_ms = THROTTLE_SECONDS * 1000 - elapsed_ms.max(0);
        Err(ApiError::from(ErrorCode::FlowControl).with_retry_after(((wait_ms + 999) / 1000).max(1) as u64))
    }

    /// Refuses record number `n`'s window, `start`–`end`, when it runs past the end of the bill
    /// window it starts in: one record is billed in one window, never split.
    /// Real-time and minute products push windows of any width: theirs are billed in the minute
    /// they start in.
    pub fn one_bill_window(self, n: usize, start: i64, end: i64) -> Result<(), ApiError> {
        if self.realtime() || !self.on.bill_window || spans_one_window(self.billing, start, end) {
            return Ok(());
        }
        let window = if self.billing == Billing::Daily {
            "a day (Asia/Shanghai)"
        } else {
            "an hour"
        };
        Err(metering_error(format!(
            "Record {n}: the window {start}–{end} runs past the end of its bill window ({window}); \
             push each bill window's usage as a record of its own."
        )))
    }

    /// Refuses record number `n`, a window ending at `end`, pushed at `now` (Unix seconds) on or
    /// after its deadline.
    pub fn on_time(self, n: usize, end: i64, now: i64) -> Result<(), ApiError> {
        let due = deadline(self.billing, end);
        if !self.on.deadline || now < due {
            return Ok(());
        }
        Err(metering_error(format!(
            "Record {n}: the window ending at {end} had to be pushed before {due}; late data is not billed."
        )))
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
    const ALL_ON: MeteringRules = MeteringRules {
        rate_limit: true,
        record_limit: true,
        window_length: true,
        deadline: true,
        bill_window: true,
    };

    fn rules(billing: Billing) -> Rules {
        Rules { billing, on: ALL_ON }
    }

    #[rstest]
    // 08:10–08:20 must arrive before 10:00.
    #[case::hourly(Billing::Hourly, EIGHT_AM + 1200, EIGHT_AM + 7200)]
    // A window ending exactly on the hour belongs to the hour before it.
    #[case::hourly_on_the_hour(Billing::Hourly, EIGHT_AM + 3600, EIGHT_AM + 7200)]
    #[case::realtime(Billing::Realtime, EIGHT_AM + 1, EIGHT_AM + 7200)]
    #[case::minute(Billing::Minute, EIGHT_AM + 60, EIGHT_AM + 7200)]
    // Any window of the 15th must arrive before 01:59 on the 16th.
    #[case::daily(Billing::Daily, EIGHT_AM + 1200, MIDNIGHT + 86_400 + 7140)]
    #[case::daily_whole_day(Billing::Daily, MIDNIGHT + 86_400, MIDNIGHT + 86_400 + 7140)]
    #[case::daily_first_second(Billing::Daily, MIDNIGHT + 1, MIDNIGHT + 86_400 + 7140)]
    // 23:59:59–00:00:01 ends on the 16th: due on the 17th.
    #[case::daily_past_midnight(Billing::Daily, MIDNIGHT + 86_401, MIDNIGHT + 2 * 86_400 + 7140)]
    fn the_deadline_follows_the_granularity(#[case] billing: Billing, #[case] end: i64, #[case] due: i64) {
        assert_eq!(deadline(billing, end), due);
        assert!(rules(billing).on_time(1, end, due - 1).is_ok());
        let e = rules(billing).on_time(1, end, due).unwrap_err();
        assert_eq!(e.code(), "Invalid.Parameter.Metering");
        assert!(e.message().contains("late data is not billed"), "{}", e.message());
    }

    #[rstest]
    #[case::hourly(Billing::Hourly, 100)]
    #[case::daily(Billing::Daily, 100)]
    #[case::realtime(Billing::Realtime, 10)]
    #[case::minute(Billing::Minute, 10)]
    fn the_record_limit_follows_the_granularity(#[case] billing: Billing, #[case] max: usize) {
        assert!(rules(billing).record_count(max).is_ok());
        let e = rules(billing).record_count(max + 1).unwrap_err();
        assert_eq!(e.code(), "Metering.Data.Exceeded");
        assert_eq!(
            e.message(),
            format!("The number of metering entities must not exceed {max}.")
        );
    }

    #[rstest]
    #[case::hourly(Billing::Hourly, 301)]
    #[case::daily(Billing::Daily, 301)]
    #[case::realtime(Billing::Realtime, 1)]
    #[case::minute(Billing::Minute, 1)]
    fn the_narrowest_window_follows_the_granularity(#[case] billing: Billing, #[case] width: i64) {
        let r = rules(billing);
        assert!(r.window(1, EIGHT_AM, EIGHT_AM + width).is_ok());
        let e = r.window(1, EIGHT_AM, EIGHT_AM + width - 1).unwrap_err();
        assert_eq!(e.code(), "Invalid.Parameter.Metering");
        assert!(r.window(1, EIGHT_AM, EIGHT_AM - 60).is_err());
    }

    #[rstest]
    #[case::hourly(Billing::Hourly, true)]
    #[case::daily(Billing::Daily, true)]
    #[case::realtime(Billing::Realtime, false)]
    #[case::minute(Billing::Minute, false)]
    fn the_rate_limit_follows_the_granularity(#[case] billing: Billing, #[case] limited: bool) {
        let r = rules(billing);
        assert!(r.throttle(60_000).is_ok());
        assert_eq!(r.throttle(59_000).is_err(), limited);
        assert_eq!(r.throttle(0).is_err(), limited);
        if limited {
            let e = r.throttle(30_500).unwrap_err();
            assert_eq!(e.code(), "Service.Flow.Control");
        }
    }

    #[rstest]
    fn each_switch_turns_its_rule_off_and_only_its_rule(
        #[values(Billing::Hourly, Billing::Daily, Billing::Realtime, Billing::Minute)] billing: Billing,
    ) {
        let off = |edit: fn(&mut MeteringRules)| {
            let mut on = ALL_ON;
            edit(&mut on);
            Rules { billing, on }
        };
        let r = off(|m| m.rate_limit = false);
        assert!(r.throttle(0).is_ok());
        assert!(r.record_count(101).is_err() && r.window(1, 0, 0).is_err());

        let r = off(|m| m.record_limit = false);
        assert!(r.record_count(10_000).is_ok());

        let r = off(|m| m.window_length = false);
        assert!(r.window(1, EIGHT_AM, EIGHT_AM + 1).is_ok());
        // A window that ends before it starts is no window, whatever the world says.
        assert!(r.window(1, EIGHT_AM, EIGHT_AM).is_err());

        let r = off(|m| m.deadline = false);
        assert!(r.on_time(1, EIGHT_AM, EIGHT_AM + 30 * 86_400).is_ok());
        assert!(r.record_count(101).is_err());
    }
}

//! Where a term ends: months are calendar months in Asia/Shanghai (a month from 31 January is the
//! end of February), at the same time of day as it began; a trial's days are 24 hours each.

use chrono::{Months, TimeDelta, Utc};
use protocol::time::{local, Instant};

/// Where a pay-as-you-go instance's term ends, as it never does: 2099-12-31 23:59:59 (+08:00), the
/// date Alibaba Cloud gives pay-as-you-go resources as their expiry (epoch ms).
pub const PAY_AS_YOU_GO_END: i64 = 4_102_415_999_000;

/// `months` calendar months after `start`.
pub fn add_months(start: Instant, months: u32) -> Instant {
    local(start)
        .checked_add_months(Months::new(months))
        .map_or(start, |t| t.with_timezone(&Utc))
}

/// `days` days after `start`.
pub fn add_days(start: Instant, days: u32) -> Instant {
    start
        .checked_add_signed(TimeDelta::days(i64::from(days)))
        .unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::time::{parse_instant, spi_format};

    #[test]
    fn a_month_after_the_last_of_january_is_the_last_of_february_in_shanghai() {
        let start = parse_instant("2024-01-31T23:30:00+08:00").unwrap();
        assert_eq!(spi_format(add_months(start, 1)), "2024-02-29 23:30:00");
        assert_eq!(spi_format(add_months(start, 12)), "2025-01-31 23:30:00");
        assert_eq!(spi_format(add_days(start, 14)), "2024-02-14 23:30:00");
    }
}

//! Marketplace time: instants are UTC internally and shown in Asia/Shanghai (UTC+8, no daylight
//! saving since 1991, so a fixed offset is exact), as the marketplace shows and sends them.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use std::time::Duration;

/// An instant on a world's clock.
pub type Instant = DateTime<Utc>;

/// The SPI's date format (`expiredOn`, `timeStamp`): `yyyy-MM-dd HH:mm:ss`, Asia/Shanghai.
pub const SPI_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Asia/Shanghai as a fixed offset.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// `t` in Asia/Shanghai.
pub fn local(t: Instant) -> DateTime<FixedOffset> {
    t.with_timezone(&shanghai())
}

/// `t` as the SPI writes dates: `2023-08-15 10:02:00` (Asia/Shanghai).
pub fn spi_format(t: Instant) -> String {
    local(t).format(SPI_FORMAT).to_string()
}

/// Parses an SPI date (`yyyy-MM-dd HH:mm:ss`, Asia/Shanghai).
pub fn spi_parse(s: &str) -> Option<Instant> {
    let naive = NaiveDateTime::parse_from_str(s.trim(), SPI_FORMAT).ok()?;
    shanghai()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses an instant written as RFC 3339 (`2023-08-15T10:00:00+08:00`) or as an SPI date.
pub fn parse_instant(s: &str) -> Option<Instant> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| spi_parse(s))
}

/// `t` as RFC 3339 in Asia/Shanghai, to the second: `2023-08-15T10:00:00+08:00`.
pub fn rfc3339(t: Instant) -> String {
    local(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Epoch milliseconds, as the OpenAPI sends times.
pub fn epoch_millis(t: Instant) -> i64 {
    t.timestamp_millis()
}

/// Parses a duration as users write it: `90s`, `2m`, `1h 30m`, `3d`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("`{s}` is not a duration ({e}); write e.g. 30s, 2m, 1h 30m"))
}

/// A duration as users write it, shortest form: `2m`, `1h 30m`, `45s`.
pub fn format_duration(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs())).to_string()
}

/// Serde support for durations written as `2m`, `30s`.
pub mod serde_duration {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_duration(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spi_dates_are_shanghai_wall_time() {
        let t = parse_instant("2023-08-15T02:00:00Z").unwrap();
        assert_eq!(spi_format(t), "2023-08-15 10:00:00");
        assert_eq!(spi_parse("2023-08-15 10:00:00"), Some(t));
        assert_eq!(rfc3339(t), "2023-08-15T10:00:00+08:00");
    }

    #[test]
    fn durations_read_as_users_write_them() {
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("1h 30m").unwrap(), Duration::from_secs(5400));
        assert!(parse_duration("soon").unwrap_err().contains("not a duration"));
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h 30m");
    }
}

//! What vendors report of buyers' usage: pay-as-you-go metering records (PushMeteringData), count
//! deductions (PushTimesUsage) and the buyers' API packages they are deducted from.
//!
//! A row of `metering_records` is one record as pushed — an instance's window — with its entities
//! as a JSON array ([`EntityRow`]); [`Store::metering_of`] reads them back one entity at a time.
//! `metering_records.id` is a plain rowid: records are only ever deleted all at once by a reset, so
//! ids rise in the order received, which is all [`Store::metering_of`] orders by.

use super::orders::Status;
use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

/// A stored metering entity, as the billing side will read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub instance_id: String,
    pub product_code: String,
    pub start_time: i64,
    pub end_time: i64,
    pub key: String,
    pub value: i64,
    pub metering_assit: String,
    pub serial_no: Option<String>,
    /// The marketplace's (virtual) time it was received, epoch ms.
    pub received_at: i64,
    /// False for data about an instance that had expired when it arrived.
    pub billable: bool,
}

/// A metering record to write: an instance's window and its entities (borrowed from the request
/// it came in).
#[derive(Debug, Clone)]
pub struct NewMetering<'a> {
    pub instance_id: &'a str,
    pub product_code: &'a str,
    pub start_time: i64,
    pub end_time: i64,
    pub entities: Vec<EntityRow<'a>>,
    pub received_at: i64,
    /// When the record's bill window is billed (epoch ms); None for data that is not billed (an
    /// expired instance's).
    pub bill_at: Option<i64>,
}

/// An entity as `metering_records.entities` holds it, with the request's field names (text read
/// back borrowed unless it had to be escaped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRow<'a> {
    #[serde(rename = "Key", borrow)]
    pub key: Cow<'a, str>,
    #[serde(rename = "Value")]
    pub value: i64,
    #[serde(rename = "meteringAssit", borrow)]
    pub metering_assit: Cow<'a, str>,
    #[serde(rename = "SerialNo", borrow)]
    pub serial_no: Option<Cow<'a, str>>,
}

impl EntityRow<'_> {
    /// The entity, owning its text.
    pub fn into_owned(self) -> EntityRow<'static> {
        EntityRow {
            key: Cow::Owned(self.key.into_owned()),
            value: self.value,
            metering_assit: Cow::Owned(self.metering_assit.into_owned()),
            serial_no: self.serial_no.map(|s| Cow::Owned(s.into_owned())),
        }
    }
}

/// What a push needs to know of an instance it names.
#[derive(Debug, Clone, PartialEq)]
pub struct MeteringTarget {
    pub product_code: String,
    pub sku_id: String,
    pub status: Status,
    /// When it last expired (epoch ms), if it has.
    pub expired_at: Option<i64>,
    /// When its last metering arrived (epoch ms), if ever.
    pub last_push: Option<i64>,
}

/// A count deduction (PushTimesUsage) to write.
#[derive(Debug, Clone)]
pub struct TimesUsage<'a> {
    pub vendor: &'a str,
    pub client_token: Option<&'a str>,
    pub instance_id: &'a str,
    pub ali_uid: &'a str,
    pub product_code: &'a str,
    pub times: i64,
    pub adjust: bool,
    pub adjust_date: Option<i64>,
    pub mark: Option<&'a str>,
    pub received_at: i64,
    /// The answer given, to give again to a retry with the same client token.
    pub answer: String,
}

/// A buyer's API package (or, read back, all its packages of one type for one product).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiPackage {
    pub ali_uid: String,
    pub product_code: String,
    /// 1 订阅包, 2 资源包.
    pub package_type: i64,
    pub capacity: i64,
    pub used: i64,
    pub unit: String,
}

/// A buyer's API packages and the deductions made from them ([`Store::api_use`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiUse {
    /// One line per product and package type (capacities and use summed), by product and type.
    pub packages: Vec<ApiPackage>,
    /// What vendors deducted, per product, net of adjustments (which may leave it below zero).
    pub deducted: Vec<(String, i64)>,
}

impl Store {
    /// Every stored entity of `instance_id`, in the order received (a record's in its order).
    pub fn metering_of(&self, instance_id: &str) -> Result<Vec<Stored>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT instance_id, product_code, start_time, end_time, entities, received_at, billable
             FROM metering_records WHERE instance_id = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([instance_id])?;
        let mut stored = Vec::new();
        while let Some(r) = rows.next()? {
            let entities: String = r.get(4)?;
            let entities: Vec<EntityRow<'_>> = serde_json::from_str(&entities).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
            })?;
            for e in entities {
                stored.push(Stored {
                    instance_id: r.get(0)?,
                    product_code: r.get(1)?,
                    start_time: r.get(2)?,
                    end_time: r.get(3)?,
                    key: e.key.into_owned(),
                    value: e.value,
                    metering_assit: e.metering_assit.into_owned(),
                    serial_no: e.serial_no.map(Cow::into_owned),
                    received_at: r.get(5)?,
                    billable: r.get(6)?,
                });
            }
        }
        Ok(stored)
    }

    /// How many metering entities the store holds, of every instance.
    pub fn metering_count(&self) -> Result<u64, StoreError> {
        let count: i64 = self.conn().query_row(
            "SELECT coalesce(sum(json_array_length(entities)), 0) FROM metering_records",
            [],
            |r| r.get(0),
        )?;
        Ok(count.max(0) as u64)
    }

    /// A buyer's API packages and what vendors deducted from them, read together.
    pub fn api_use(&self, ali_uid: &str) -> Result<ApiUse, StoreError> {
        let conn = self.conn();
        let mut packages = conn.prepare_cached(
            "SELECT product_code, package_type, sum(capacity), sum(used), min(unit) FROM api_packages
             WHERE ali_uid = ?1 GROUP BY product_code, package_type ORDER BY product_code, package_type",
        )?;
        let packages = packages
            .query_map([ali_uid], |r| {
                Ok(ApiPackage {
                    ali_uid: ali_uid.to_owned(),
                    product_code: r.get(0)?,
                    package_type: r.get(1)?,
                    capacity: r.get(2)?,
                    used: r.get(3)?,
                    unit: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut deducted = conn.prepare_cached(
            "SELECT product_code, sum(CASE WHEN adjust THEN -times ELSE times END) FROM times_usage
             WHERE ali_uid = ?1 GROUP BY product_code",
        )?;
        let deducted = deducted
            .query_map([ali_uid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(ApiUse { packages, deducted })
    }

    /// Replaces every API package with `packages`.
    pub fn replace_api_packages(&self, packages: &[ApiPackage]) -> Result<(), StoreError> {
        self.transaction(|tx| {
            tx.tx.execute("DELETE FROM api_packages", [])?;
            for p in packages {
                tx.tx.execute(
                    "INSERT INTO api_packages (ali_uid, product_code, package_type, capacity, used, unit)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        p.ali_uid,
                        p.product_code,
                        p.package_type,
                        p.capacity,
                        p.used,
                        p.unit
                    ],
                )?;
            }
            Ok(())
        })
    }
}

impl Tx<'_> {
    /// The instances of `instance_ids` that exist, as a push sees them, read in one statement.
    pub fn metering_targets(
        &self,
        instance_ids: &[&str],
    ) -> Result<HashMap<String, MeteringTarget>, StoreError> {
        let ids = serde_json::to_string(instance_ids)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let mut find = self.tx.prepare_cached(
            "SELECT i.instance_id, i.product_code, i.status,
                    (SELECT max(m.received_at) FROM metering_records m WHERE m.instance_id = i.instance_id),
                    i.sku_id, i.expired_at
             FROM instances i WHERE i.instance_id IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = find.query_map([ids], |r| {
            Ok((
                r.get(0)?,
                MeteringTarget {
                    product_code: r.get(1)?,
                    sku_id: r.get(4)?,
                    expired_at: r.get(5)?,
                    status: Status::from_code(&r.get::<_, String>(2)?),
                    last_push: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes `records`, in their order: the billing feed's next entries.
    pub fn insert_metering(&self, records: &[NewMetering<'_>]) -> Result<(), StoreError> {
        let after = self.last_rowid(super::feed::Source::Metering)?;
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO metering_records (instance_id, product_code, start_time, end_time, entities,
             received_at, billable, bill_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for m in records {
            let entities = serde_json::to_string(&m.entities)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            insert.execute(params![
                m.instance_id,
                m.product_code,
                m.start_time,
                m.end_time,
                entities,
                m.received_at,
                m.bill_at.is_some(),
                m.bill_at
            ])?;
        }
        self.feed_rows(super::feed::Source::Metering, after, records.len())
    }

    /// The answer `vendor` was given for `client_token` received after `since` (epoch ms), the
    /// latest if several.
    pub fn times_usage_answer(
        &self,
        vendor: &str,
        client_token: &str,
        since: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .query_row(
                "SELECT answer FROM times_usage WHERE vendor = ?1 AND client_token = ?2 AND received_at > ?3
                 ORDER BY received_at DESC, id DESC LIMIT 1",
                params![vendor, client_token, since],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn insert_times_usage(&self, u: &TimesUsage<'_>) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO times_usage (vendor, client_token, instance_id, ali_uid, product_code, times, adjust,
             adjust_date, mark, received_at, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                u.vendor,
                u.client_token,
                u.instance_id,
                u.ali_uid,
                u.product_code,
                u.times,
                u.adjust,
                u.adjust_date,
                u.mark,
                u.received_at,
                u.answer
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity<'a>(key: &'a str, value: i64, serial_no: Option<&'a str>) -> EntityRow<'a> {
        EntityRow {
            key: key.into(),
            value,
            metering_assit: format!("p-{key}-1").into(),
            serial_no: serial_no.map(Into::into),
        }
    }

    #[test]
    fn a_record_reads_back_entity_by_entity_whatever_its_text_holds() {
        let store = Store::in_memory().unwrap();
        let odd = "a \"quoted\" \\ serial, 镜像\n";
        let record = NewMetering {
            instance_id: "1001",
            product_code: "p",
            start_time: 3600,
            end_time: 7200,
            entities: vec![
                entity("Period", 3600, Some(odd)),
                entity("StorageGigaByte", 5, None),
            ],
            received_at: 9,
            bill_at: Some(7_200_000),
        };
        store.transaction(|tx| tx.insert_metering(&[record])).unwrap();
        let stored = store.metering_of("1001").unwrap();
        let read: Vec<_> = stored
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.value,
                    s.metering_assit.as_str(),
                    s.serial_no.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                ("Period", 3600, "p-Period-1", Some(odd)),
                ("StorageGigaByte", 5, "p-StorageGigaByte-1", None)
            ]
        );
        assert!(stored
            .iter()
            .all(|s| s.start_time == 3600 && s.end_time == 7200 && s.billable));
        assert_eq!(store.metering_count().unwrap(), 2);
    }

    #[test]
    fn a_store_of_one_row_per_entity_keeps_every_entity_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let old = rusqlite::Connection::open(dir.path().join(super::super::FILE_NAME)).unwrap();
        for sql in [
            include_str!("migrations/001_first_schema.sql"),
            include_str!("migrations/002_anonymous_sessions_and_metering_index.sql"),
            include_str!("migrations/003_spi_messages.sql"),
        ] {
            old.execute_batch(sql).unwrap();
        }
        old.execute_batch(
            "INSERT INTO metering_records (id, instance_id, product_code, start_time, end_time, metering_key,
                 value, metering_assit, serial_no, received_at, billable) VALUES
             (7, '1001', 'p', 0, 3600, 'Period', 60, 'p-Period-1', 's1', 5, 1),
             (8, '1001', 'p', 0, 3600, 'StorageGigaByte', 2, 'p-StorageGigaByte-1', NULL, 5, 0);",
        )
        .unwrap();
        old.pragma_update(None, "user_version", 3).unwrap();
        drop(old);
        let store = Store::open(Some(dir.path())).unwrap();
        let stored = store.metering_of("1001").unwrap();
        let read: Vec<_> = stored
            .iter()
            .map(|s| (s.key.as_str(), s.value, s.serial_no.as_deref(), s.billable))
            .collect();
        assert_eq!(
            read,
            [
                ("Period", 60, Some("s1"), true),
                ("StorageGigaByte", 2, None, false)
            ]
        );
        assert_eq!(store.metering_count().unwrap(), 2);
    }
}

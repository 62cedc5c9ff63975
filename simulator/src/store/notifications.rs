//! What the marketplace tells vendors outside the SPI: orderPay notifications a vendor never
//! acknowledged, and the one-time tokens of cross-account role authorization.

use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension};

/// A notification the vendor never acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedNotification {
    /// Its requestId.
    pub id: String,
    pub product_code: String,
    pub action: String,
    /// Epoch ms.
    pub create_time: i64,
    /// The notification's parameters, a JSON object.
    pub message: String,
}

/// A one-time token a buyer's cross-account authorization issued to a vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossAccountToken {
    pub token: String,
    pub vendor: String,
    pub ali_uid: String,
    pub roles: Vec<String>,
    /// Epoch ms.
    pub issued_at: i64,
    /// When the vendor exchanged it (epoch ms), once it has.
    pub used_at: Option<i64>,
}

impl Store {
    /// Every failed notification, oldest first; those that failed at the same instant in the order
    /// they failed (their rows' order), not by their random request ids.
    pub fn failed_notifications(&self) -> Result<Vec<FailedNotification>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT notification_request_id, product_code, action, create_time, message FROM failed_notifications
             ORDER BY create_time, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(FailedNotification {
                id: r.get(0)?,
                product_code: r.get(1)?,
                action: r.get(2)?,
                create_time: r.get(3)?,
                message: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn insert_cross_account_token(&self, t: &CrossAccountToken) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO cross_account_tokens (token, vendor, ali_uid, roles, issued_at, used_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                t.token,
                t.vendor,
                t.ali_uid,
                serde_json::to_string(&t.roles).expect("strings serialize"),
                t.issued_at,
                t.used_at
            ],
        )?;
        Ok(())
    }
}

impl Tx<'_> {
    /// The product of the failed notification `id`, if there is one.
    pub fn failed_notification_product(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .query_row(
                "SELECT product_code FROM failed_notifications WHERE notification_request_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps `n` for DescribeFailedNotifications (again, if it failed before).
    pub fn insert_failed_notification(&self, n: &FailedNotification) -> Result<(), StoreError> {
        self.execute(
            "INSERT OR REPLACE INTO failed_notifications (notification_request_id, product_code, action, create_time, message)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![n.id, n.product_code, n.action, n.create_time, n.message],
        )?;
        Ok(())
    }

    pub fn delete_failed_notification(&self, id: &str) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM failed_notifications WHERE notification_request_id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// The token `token` issued to `vendor`, if any.
    pub fn cross_account_token(
        &self,
        token: &str,
        vendor: &str,
    ) -> Result<Option<CrossAccountToken>, StoreError> {
        Ok(self
            .query_row(
                "SELECT token, vendor, ali_uid, roles, issued_at, used_at FROM cross_account_tokens
                 WHERE token = ?1 AND vendor = ?2",
                params![token, vendor],
                |r| {
                    Ok(CrossAccountToken {
                        token: r.get(0)?,
                        vendor: r.get(1)?,
                        ali_uid: r.get(2)?,
                        roles: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                        issued_at: r.get(4)?,
                        used_at: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Marks `token` exchanged at `at`.
    pub fn use_cross_account_token(&self, token: &str, at: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE cross_account_tokens SET used_at = ?1 WHERE token = ?2",
            params![at, token],
        )?;
        Ok(())
    }
}

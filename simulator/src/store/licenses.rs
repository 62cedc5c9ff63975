//! Licenses (激活码) of vendors' products, and their activation.

use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A license, INACTIVATED until the vendor activates it.
#[derive(Debug, Clone, PartialEq)]
pub struct License {
    pub code: String,
    pub product_code: String,
    pub sku_id: String,
    pub instance_id: String,
    /// INACTIVATED or ACTIVATED.
    pub status: String,
    /// Epoch ms, as are the other times.
    pub created_at: i64,
    pub activated_at: Option<i64>,
    pub expires_at: i64,
    pub ali_uid: String,
    pub account_quantity: i64,
    pub email: String,
    pub mobile: String,
    pub attributes: Vec<LicenseAttribute>,
}

/// One of a license's attributes (kept as JSON beside it).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseAttribute {
    pub code: String,
    pub value: String,
}

impl Store {
    /// Writes `licenses`, each replacing one of the same code, in one transaction.
    pub fn put_licenses(&self, licenses: &[License]) -> Result<(), StoreError> {
        self.transaction(|tx| {
            for l in licenses {
                tx.put_license(l)?;
            }
            Ok(())
        })
    }

    pub fn license(&self, code: &str) -> Result<Option<License>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT license_code, product_code, sku_id, instance_id, status, created_at, activated_at, expires_at,
                    ali_uid, account_quantity, email, mobile, attributes FROM market_licenses WHERE license_code = ?1",
                [code],
                |r| {
                    Ok(License {
                        code: r.get(0)?,
                        product_code: r.get(1)?,
                        sku_id: r.get(2)?,
                        instance_id: r.get(3)?,
                        status: r.get(4)?,
                        created_at: r.get(5)?,
                        activated_at: r.get(6)?,
                        expires_at: r.get(7)?,
                        ali_uid: r.get(8)?,
                        account_quantity: r.get(9)?,
                        email: r.get(10)?,
                        mobile: r.get(11)?,
                        attributes: serde_json::from_str(&r.get::<_, String>(12)?).unwrap_or_default(),
                    })
                },
            )
            .optional()?)
    }

    /// Activates the license `code` at `at` for `identification`; false when it was not
    /// INACTIVATED (someone activated it first).
    pub fn activate_license(
        &self,
        code: &str,
        at: i64,
        identification: Option<&str>,
    ) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE market_licenses SET status = 'ACTIVATED', activated_at = ?2, identification = ?3
             WHERE license_code = ?1 AND status = 'INACTIVATED'",
            params![code, at, identification],
        )?;
        Ok(changed > 0)
    }
}

impl Tx<'_> {
    fn put_license(&self, l: &License) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR REPLACE INTO market_licenses (license_code, product_code, sku_id, instance_id, status,
                created_at, activated_at, expires_at, ali_uid, account_quantity, email, mobile, identification,
                attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, ?13)",
            params![
                l.code,
                l.product_code,
                l.sku_id,
                l.instance_id,
                l.status,
                l.created_at,
                l.activated_at,
                l.expires_at,
                l.ali_uid,
                l.account_quantity,
                l.email,
                l.mobile,
                serde_json::to_string(&l.attributes).expect("attributes serialize"),
            ],
        )?;
        Ok(())
    }
}

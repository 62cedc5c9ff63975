//! Orders and instances. An order is the purchase; its instance is what the buyer bought, known to
//! the marketplace by `instance_id` (the SPI's orderBizId, the OpenAPI's InstanceId) and to the vendor
//! by `vendor_instance_id` (what createInstance answered, what `verify` carries). The two are never
//! the same column, so a mix-up cannot hide.

use super::messages::NewMessage;
use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension, Row};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The extra billing items (额外计费项) chosen, by key: what createInstance and upgradeInstance
/// carry as top-level parameters.
pub type Extras = BTreeMap<String, u32>;

/// Where an instance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Opening,
    Opened,
    OpenFailed,
    Expired,
    Closed,
}

impl Status {
    /// The name stored and shown by the OpenAPI.
    pub fn code(self) -> &'static str {
        match self {
            Status::Opening => "OPENING",
            Status::Opened => "OPENED",
            Status::OpenFailed => "OPEN_FAILED",
            Status::Expired => "EXPIRED",
            Status::Closed => "CLOSED",
        }
    }

    /// The words the buyer console shows.
    pub fn words(self) -> &'static str {
        match self {
            Status::Opening => "开通中",
            Status::Opened => "已开通",
            Status::OpenFailed => "开通失败",
            Status::Expired => "已过期",
            Status::Closed => "已释放",
        }
    }

    /// The status a stored name stands for.
    pub fn from_code(code: &str) -> Status {
        match code {
            "OPENED" => Status::Opened,
            "OPEN_FAILED" => Status::OpenFailed,
            "EXPIRED" => Status::Expired,
            "CLOSED" => Status::Closed,
            _ => Status::Opening,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Order {
    pub order_id: String,
    pub ali_uid: String,
    pub product_code: String,
    /// The SKU bought, renewed, or upgraded to.
    pub sku_id: String,
    /// NEW, TRIAL, RENEW or UPGRADE.
    pub order_type: String,
    pub pay_status: String,
    pub instance_id: String,
    pub created_at: i64,
    /// The subscription term bought or renewed, in months.
    pub months: Option<u32>,
    /// The term the order pays for (epoch ms): a trial's days, a subscription's months; an upgrade's
    /// is the rest of the term it upgrades. None for pay-as-you-go.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    /// What the buyer paid, CNY.
    pub price: Decimal,
    /// The extra items the order was made with.
    pub extras: Extras,
    /// NORMAL, or REFUND once refunded.
    pub order_status: String,
}

impl Order {
    pub fn is_refunded(&self) -> bool {
        self.order_status == "REFUND"
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub instance_id: String,
    pub order_id: String,
    pub ali_uid: String,
    pub product_code: String,
    pub sku_id: String,
    pub status: Status,
    pub vendor_instance_id: Option<String>,
    /// JSON as the vendor sent it.
    pub app_info: Option<String>,
    pub host_info: Option<String>,
    pub info: Option<String>,
    /// createInstance attempts so far.
    pub attempts: u32,
    /// When the next createInstance attempt is due (epoch ms), while opening.
    pub next_attempt_at: Option<i64>,
    /// Why opening failed, in words.
    pub failure: Option<String>,
    pub created_at: i64,
    pub opened_at: Option<i64>,
    /// When the term ends (epoch ms): a subscription's or trial's; None for pay-as-you-go.
    pub expires_at: Option<i64>,
    /// The extra items the instance has now.
    pub extras: Extras,
    /// When it last expired (epoch ms), if it has.
    pub expired_at: Option<i64>,
}

impl Instance {
    /// appInfo.authUrl, where 免登 sends the buyer.
    pub fn auth_url(&self) -> Option<String> {
        let info: serde_json::Value = serde_json::from_str(self.app_info.as_deref()?).ok()?;
        info.get("authUrl")?
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    }
}

/// The columns [`instance_from_row`] reads, in its order: a row is read by position, which costs
/// nothing, where reading by name searches the statement's columns for each field.
const INSTANCE_COLUMNS: &str = "instance_id, order_id, ali_uid, product_code, sku_id, status, vendor_instance_id, \
     app_info, host_info, info, attempts, next_attempt_at, failure, created_at, opened_at, expires_at, extras, \
     expired_at";

fn instance_from_row(r: &Row<'_>) -> rusqlite::Result<Instance> {
    Ok(Instance {
        instance_id: r.get(0)?,
        order_id: r.get(1)?,
        ali_uid: r.get(2)?,
        product_code: r.get(3)?,
        sku_id: r.get(4)?,
        status: Status::from_code(&r.get::<_, String>(5)?),
        vendor_instance_id: r.get(6)?,
        app_info: r.get(7)?,
        host_info: r.get(8)?,
        info: r.get(9)?,
        attempts: r.get(10)?,
        next_attempt_at: r.get(11)?,
        failure: r.get(12)?,
        created_at: r.get(13)?,
        opened_at: r.get(14)?,
        expires_at: r.get(15)?,
        extras: extras_from(&r.get::<_, String>(16)?),
        expired_at: r.get(17)?,
    })
}

/// Extras as stored (a JSON object of counts); a damaged text reads as none.
fn extras_from(text: &str) -> Extras {
    serde_json::from_str(text).unwrap_or_default()
}

/// Extras as stored.
pub(super) fn extras_text(extras: &Extras) -> String {
    serde_json::to_string(extras).unwrap_or_else(|_| "{}".into())
}

pub(super) fn order_from_row(r: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        order_id: r.get("order_id")?,
        ali_uid: r.get("ali_uid")?,
        product_code: r.get("product_code")?,
        sku_id: r.get("sku_id")?,
        order_type: r.get("order_type")?,
        pay_status: r.get("pay_status")?,
        instance_id: r.get("instance_id")?,
        created_at: r.get("created_at")?,
        months: r.get("months")?,
        starts_at: r.get("starts_at")?,
        ends_at: r.get("ends_at")?,
        price: r.get::<_, String>("price")?.parse().unwrap_or_default(),
        extras: extras_from(&r.get::<_, String>("extras")?),
        order_status: r.get("order_status")?,
    })
}

impl Store {
    /// Records a paid purchase, its instance (opening), its createInstance message `first_call`
    /// and what `record` writes, in one transaction: all of them or none.
    pub fn create_purchase(
        &self,
        order: &Order,
        first_call: &NewMessage,
        record: impl FnOnce(&Tx<'_>, &Order) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.transaction(|tx| {
            tx.insert_order(order)?;
            tx.execute(
                "INSERT INTO instances (instance_id, order_id, ali_uid, product_code, sku_id, status, next_attempt_at,
                     created_at, expires_at, extras)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'OPENING', ?6, ?7, ?8, ?9)",
                params![order.instance_id, order.order_id, order.ali_uid, order.product_code, order.sku_id,
                    first_call.due_at, order.created_at, order.ends_at, extras_text(&order.extras)],
            )?;
            tx.enqueue_message(first_call)?;
            record(tx, order)
        })
    }

    pub fn order(&self, order_id: &str) -> Result<Option<Order>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT * FROM orders WHERE order_id = ?1",
                [order_id],
                order_from_row,
            )
            .optional()?)
    }

    pub fn instance(&self, instance_id: &str) -> Result<Option<Instance>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "SELECT {INSTANCE_COLUMNS} FROM instances WHERE instance_id = ?1"
            ))?
            .query_row([instance_id], instance_from_row)
            .optional()?)
    }

    /// A buyer's instances, newest first.
    pub fn instances_of(&self, ali_uid: &str) -> Result<Vec<Instance>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare(&format!(
                "SELECT {INSTANCE_COLUMNS} FROM instances WHERE ali_uid = ?1 ORDER BY created_at DESC, rowid DESC"
            ))?;
        let rows = stmt
            .query_map([ali_uid], instance_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// A buyer's orders, in the order they were placed.
    pub fn orders_of_buyer(&self, ali_uid: &str) -> Result<Vec<Order>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT * FROM orders WHERE ali_uid = ?1 ORDER BY created_at, rowid")?;
        let rows = stmt
            .query_map([ali_uid], order_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Whether an id is taken by an order or an instance (ids are random; collisions are re-drawn).
    pub fn id_taken(&self, id: &str) -> Result<bool, StoreError> {
        let n: i64 = self
            .conn()
            .prepare_cached(
                "SELECT (SELECT count(*) FROM orders WHERE order_id = ?1) + (SELECT count(*) FROM instances WHERE instance_id = ?1)",
            )?
            .query_row([id], |r| r.get(0))?;
        Ok(n > 0)
    }
}

impl Tx<'_> {
    pub fn insert_order(&self, order: &Order) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO orders (order_id, ali_uid, product_code, sku_id, order_type, pay_status, instance_id, created_at,
                 months, starts_at, ends_at, price, extras, order_status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![order.order_id, order.ali_uid, order.product_code, order.sku_id, order.order_type,
                order.pay_status, order.instance_id, order.created_at, order.months, order.starts_at,
                order.ends_at, order.price.to_string(), extras_text(&order.extras), order.order_status],
        )?;
        self.insert_order_line(order)
    }

    /// Writes an instance as it stands (a purchase made before the world's clock started).
    pub fn insert_instance(&self, i: &Instance) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO instances (instance_id, order_id, ali_uid, product_code, sku_id, status,
                 vendor_instance_id, app_info, host_info, info, attempts, next_attempt_at, failure, created_at,
                 opened_at, expires_at, extras, expired_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            params![i.instance_id, i.order_id, i.ali_uid, i.product_code, i.sku_id, i.status.code(),
                i.vendor_instance_id, i.app_info, i.host_info, i.info, i.attempts, i.next_attempt_at, i.failure,
                i.created_at, i.opened_at, i.expires_at, extras_text(&i.extras), i.expired_at],
        )?;
        Ok(())
    }

    /// Records that the instance expired at `at` (epoch ms).
    pub fn set_expired_at(&self, instance_id: &str, at: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE instances SET expired_at = ?2 WHERE instance_id = ?1",
            params![instance_id, at],
        )?;
        Ok(())
    }

    /// Puts the instance at `status` (expired, released).
    pub fn set_instance_status(&self, instance_id: &str, status: Status) -> Result<(), StoreError> {
        self.execute(
            "UPDATE instances SET status = ?2 WHERE instance_id = ?1",
            params![instance_id, status.code()],
        )?;
        Ok(())
    }

    /// [`Store::instance`], inside the transaction.
    pub fn instance(&self, instance_id: &str) -> Result<Option<Instance>, StoreError> {
        Ok(self
            .query_row(
                &format!("SELECT {INSTANCE_COLUMNS} FROM instances WHERE instance_id = ?1"),
                [instance_id],
                instance_from_row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purchase_whose_extra_record_fails_is_not_kept_at_all() {
        let store = Store::in_memory().unwrap();
        let order = Order {
            order_id: "200000000000001".into(),
            ali_uid: "1234567890123456".into(),
            product_code: "cmgj00061912".into(),
            sku_id: "cmgj00061912-payg".into(),
            order_type: "NEW".into(),
            pay_status: "PAID".into(),
            instance_id: "10000001".into(),
            created_at: 0,
            order_status: "NORMAL".into(),
            ..Order::default()
        };
        let first_call = NewMessage {
            instance_id: order.instance_id.clone(),
            action: "createInstance".into(),
            params: vec![("action".into(), "createInstance".into())],
            request_id: None,
            created_at: 0,
            due_at: 0,
        };
        let refused = store.create_purchase(&order, &first_call, |_, _| {
            Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
        });
        assert!(refused.is_err());
        assert!(!store.id_taken(&order.order_id).unwrap());
        assert!(!store.id_taken(&order.instance_id).unwrap());
        assert_eq!(store.pending_jobs().unwrap(), 0);
        store.create_purchase(&order, &first_call, |_, _| Ok(())).unwrap();
        assert_eq!(store.pending_jobs().unwrap(), 1);
        assert!(store.id_taken(&order.instance_id).unwrap());
    }
}

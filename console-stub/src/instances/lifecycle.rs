//! What the marketplace's lifecycle actions (contract §1.3, §1.5, §6.1) do to an instance and the
//! clusters it pays for, as a careful vendor takes them: `expiredInstance` freezes (data kept),
//! `renewInstance` restores and records the new expiry, `upgradeInstance` moves the organisation
//! to another SKU, `refundRenewInstance` rolls the expiry back, `releaseInstance` deletes the
//! clusters and unbinds the organisation, `orderPay` records a payment once per `requestId`.
//!
//! The marketplace retries, and its faults deliver twice or out of order, so every action is
//! idempotent — one that finds its work done answers [`Outcome::Unchanged`] and writes nothing —
//! and none undoes a later state it can recognise: after a release nothing is restored, frozen,
//! moved or released again; a renewal older than the recorded expiry never moves it back (it
//! still restores a frozen instance: the marketplace says it was paid). Each change, with its
//! event in the organisation's 事件 log (why: `云市场 <action>`), is one transaction.

use super::ActionError;
use crate::store::instances::{Instance, InstanceStatus};
use crate::store::payments::Payment;
use crate::store::{Db, StoreError, Tx};
use crate::world::ConsoleWorld;
use protocol::time::{spi_parse, Instant};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// What an action did, in a sentence for the marketplace's journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It changed the instance (and wrote an event).
    Done(String),
    /// It found nothing to do — a duplicate, or an action too late to change anything — and says
    /// why.
    Unchanged(String),
}

impl Outcome {
    /// The sentence.
    pub fn message(&self) -> &str {
        match self {
            Outcome::Done(m) | Outcome::Unchanged(m) => m,
        }
    }
}

/// A payment the marketplace notified (`orderPay`).
#[derive(Debug, Clone, Copy)]
pub struct OrderPaid<'a> {
    pub request_id: &'a str,
    pub order_biz_id: &'a str,
    pub order_id: &'a str,
    pub sku_id: &'a str,
}

/// `expiredInstance`: freezes the instance's running clusters, data kept; no cluster is created
/// until it is renewed.
pub fn expire(db: &Db, instance_id: &str, now: Instant) -> Result<Outcome, ActionError> {
    let instance = find(db, instance_id)?;
    match instance.status {
        InstanceStatus::Released => return Ok(too_late(&instance, "expiredInstance")),
        InstanceStatus::Frozen => return Ok(Outcome::Unchanged("nothing done: frozen already".into())),
        InstanceStatus::Active => {}
    }
    let frozen = db.write(|tx| {
        let frozen = tx.freeze_clusters(&instance.id, now)?;
        tx.set_instance_status(&instance.id, InstanceStatus::Frozen)?;
        let text = format!("云市场实例已到期：{frozen} 个集群已冻结，数据保留，续费后恢复");
        note(tx, &instance, now, "expiredInstance", &text)?;
        Ok(frozen)
    })?;
    Ok(Outcome::Done(format!(
        "frozen: {} stopped, their data kept",
        clusters(frozen)
    )))
}

/// `renewInstance`: restores a frozen instance and records `expired_on` — unless the expiry
/// recorded is later, which a late renewal never moves back.
pub fn renew(db: &Db, instance_id: &str, expired_on: &str, now: Instant) -> Result<Outcome, ActionError> {
    let instance = find(db, instance_id)?;
    if instance.status == InstanceStatus::Released {
        return Ok(too_late(&instance, "renewInstance"));
    }
    let recorded = instance.expired_on.as_deref();
    let order = compare_expiry(expired_on, recorded);
    let moves = order == Ordering::Greater;
    let restores = instance.status == InstanceStatus::Frozen;
    let kept = recorded.filter(|_| order == Ordering::Less);
    if !moves && !restores {
        return Ok(Outcome::Unchanged(match kept {
            Some(kept) => format!("nothing done: the expiry recorded, {kept}, is later than {expired_on}"),
            None => format!("nothing done: renewed to {expired_on} already"),
        }));
    }
    let restored = db.write(|tx| {
        if moves {
            tx.set_expired_on(&instance.id, expired_on)?;
        }
        let restored = if restores {
            tx.set_instance_status(&instance.id, InstanceStatus::Active)?;
            tx.restore_clusters(&instance.id, now)?
        } else {
            0
        };
        let mut parts = Vec::new();
        match kept {
            Some(kept) => parts.push(format!(
                "续费通知的到期时间 {expired_on} 早于已记录的 {kept}，到期时间不变"
            )),
            None => parts.push(format!("到期时间 {expired_on}")),
        }
        if restores {
            parts.push(format!("{restored} 个集群已恢复运行"));
        }
        note(
            tx,
            &instance,
            now,
            "renewInstance",
            &format!("云市场实例已续费：{}", parts.join("，")),
        )?;
        Ok(restored)
    })?;
    let expiry = match kept {
        Some(kept) => format!("kept the later expiry {kept}"),
        None => format!("expires {expired_on}"),
    };
    Ok(Outcome::Done(if restores {
        format!("renewed: {expiry}; {} running again", clusters(restored))
    } else {
        format!("renewed: {expiry}")
    }))
}

/// `refundRenewInstance`: the buyer refunded a renewal; the expiry goes back to `expired_on`.
pub fn refund_renewal(
    db: &Db,
    instance_id: &str,
    expired_on: &str,
    now: Instant,
) -> Result<Outcome, ActionError> {
    let instance = find(db, instance_id)?;
    if instance.status == InstanceStatus::Released {
        return Ok(too_late(&instance, "refundRenewInstance"));
    }
    if compare_expiry(expired_on, instance.expired_on.as_deref()) == Ordering::Equal {
        return Ok(Outcome::Unchanged(format!(
            "nothing done: the expiry is {expired_on} already"
        )));
    }
    db.write(|tx| {
        tx.set_expired_on(&instance.id, expired_on)?;
        let was = instance.expired_on.as_deref().unwrap_or("未记录");
        let text = format!("云市场续费已退订：到期时间改回 {expired_on}（原为 {was}）");
        note(tx, &instance, now, "refundRenewInstance", &text)
    })?;
    Ok(Outcome::Done(format!("renewal refunded: expires {expired_on}")))
}

/// `upgradeInstance`: the instance — the organisation's plan — moves to `sku_id` with `extras`
/// as its extra billing items. Clusters already made keep their plan; new ones follow the SKU.
pub fn upgrade(
    db: &Db,
    world: &ConsoleWorld,
    instance_id: &str,
    sku_id: &str,
    extras: &BTreeMap<String, String>,
    now: Instant,
) -> Result<Outcome, ActionError> {
    let instance = find(db, instance_id)?;
    if !world.sells(sku_id) {
        return Err(ActionError::UnsoldSku(sku_id.to_string()));
    }
    if instance.status == InstanceStatus::Released {
        return Ok(too_late(&instance, "upgradeInstance"));
    }
    if instance.sku_id == sku_id && &instance.extras == extras {
        return Ok(Outcome::Unchanged(format!(
            "nothing done: on {sku_id} with these billing items already"
        )));
    }
    db.write(|tx| {
        tx.set_sku(&instance.id, sku_id, extras)?;
        let mut text = format!(
            "云市场实例规格变更：{} → {}",
            world.sku_name(&instance.sku_id),
            world.sku_name(sku_id)
        );
        if !extras.is_empty() {
            text.push_str(&format!("，额外计费项 {}", items(extras)));
        }
        note(tx, &instance, now, "upgradeInstance", &text)
    })?;
    Ok(Outcome::Done(format!("upgraded: now on {sku_id}")))
}

/// `releaseInstance`: every cluster of the instance deleted, its organisation unbound (free to
/// bind another instance), `is_refund` recorded.
pub fn release(db: &Db, instance_id: &str, is_refund: &str, now: Instant) -> Result<Outcome, ActionError> {
    let instance = find(db, instance_id)?;
    if instance.status == InstanceStatus::Released {
        return Ok(Outcome::Unchanged("nothing done: released already".into()));
    }
    let deleted = db.write(|tx| {
        let deleted = tx.delete_clusters(&instance.id, now)?;
        tx.release_instance(&instance.id, now, is_refund)?;
        let refund = if is_refund == "true" {
            "（已退款）"
        } else {
            ""
        };
        let text = format!("云市场实例已释放{refund}：{deleted} 个集群已删除，组织不再通过阿里云云市场扣费");
        note(tx, &instance, now, "releaseInstance", &text)?;
        Ok(deleted)
    })?;
    Ok(Outcome::Done(format!(
        "released: {} deleted, the organisation unbound",
        clusters(deleted)
    )))
}

/// `1 cluster`, `2 clusters`.
fn clusters(n: usize) -> String {
    if n == 1 {
        "1 cluster".into()
    } else {
        format!("{n} clusters")
    }
}

/// `orderPay`: the payment recorded once per requestId, on the instance its orderBizId names.
pub fn record_payment(db: &Db, paid: OrderPaid<'_>, now: Instant) -> Result<Outcome, ActionError> {
    let instance = db
        .instance_by_order(paid.order_biz_id)?
        .ok_or_else(|| ActionError::UnknownInstance(paid.order_biz_id.to_string()))?;
    let payment = Payment {
        request_id: paid.request_id.to_string(),
        order_biz_id: paid.order_biz_id.to_string(),
        order_id: paid.order_id.to_string(),
        sku_id: paid.sku_id.to_string(),
        instance_id: instance.id.clone(),
        at: now,
    };
    let new = db.write(|tx| {
        let new = tx.insert_payment(&payment)?;
        if new {
            let text = format!(
                "云市场订单 {} 支付成功（requestId {}）",
                paid.order_id, paid.request_id
            );
            note(tx, &instance, now, "orderPay", &text)?;
        }
        Ok(new)
    })?;
    Ok(if new {
        Outcome::Done(format!("payment recorded: order {}", paid.order_id))
    } else {
        Outcome::Unchanged(format!(
            "nothing done: requestId {} is recorded already",
            paid.request_id
        ))
    })
}

fn find(db: &Db, instance_id: &str) -> Result<Instance, ActionError> {
    db.instance(instance_id)?
        .ok_or_else(|| ActionError::UnknownInstance(instance_id.to_string()))
}

/// The answer to an action that arrives after the release: it changes nothing, and says so, so
/// the marketplace stops sending it.
fn too_late(instance: &Instance, action: &str) -> Outcome {
    Outcome::Unchanged(format!(
        "nothing done: instance {} was released, and a later {action} changes nothing",
        instance.id
    ))
}

/// Writes `text` into the 事件 log of the organisation the instance pays (or paid) for, if any.
fn note(tx: &Tx<'_>, instance: &Instance, now: Instant, action: &str, text: &str) -> Result<(), StoreError> {
    match instance.event_org() {
        Some(org) => tx.add_event(org, now, text, &format!("云市场 {action}")),
        None => Ok(()),
    }
}

/// How `sent` compares with the `recorded` expiry: as instants when both read as SPI dates, else
/// as text (the format sorts as it reads). Nothing recorded: `sent` is later.
fn compare_expiry(sent: &str, recorded: Option<&str>) -> Ordering {
    let Some(recorded) = recorded else {
        return Ordering::Greater;
    };
    match (spi_parse(sent), spi_parse(recorded)) {
        (Some(sent), Some(recorded)) => sent.cmp(&recorded),
        _ => sent.cmp(recorded),
    }
}

/// Extra billing items as the 事件 log writes them: `Count=2, Num=3`.
fn items(extras: &BTreeMap<String, String>) -> String {
    extras
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

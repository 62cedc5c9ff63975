//! Marketplace instances, on the floor of the console's rules: created by the `createInstance`
//! SPI (one per `orderBizId`, whatever the number of calls, and only for a SKU the console sells),
//! entered through `verify` links, and bound by an organisation's admin to that organisation —
//! each instance to at most one organisation, each organisation to at most one instance, and a
//! released instance to none. A good `verify` link for an unbound instance opens a *hand-off*
//! ([`Db::new_handoff`]): an unguessable id that the wizard carries through every form and
//! redirect, so which instance is being bound survives 登录, 注册 and 创建组织. What the
//! marketplace's later actions do to an instance and its organisation's clusters is
//! [`lifecycle`]. The rows and queries are the store's ([`crate::store::instances`]).

pub mod lifecycle;
#[cfg(test)]
mod tests;

use crate::store::accounts::User;
use crate::store::instances::{Instance, InstanceStatus, NewInstance, Taken};
use crate::store::orgs::Membership;
use crate::store::{Db, StoreError};
use crate::world::{ConsoleWorld, Role};
use protocol::time::Instant;

/// Why the console refused an action the marketplace sent about an instance.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// No instance has this id (or, for orderPay, this orderBizId): the console never answered
    /// a createInstance for it.
    #[error("no instance `{0}` here: the console never opened it")]
    UnknownInstance(String),
    /// The SKU is not one the console sells.
    #[error("skuId `{0}` is not a SKU this console sells")]
    UnsoldSku(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a bind was refused.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// Only an organisation's admins may bind it.
    #[error("only an admin may bind the organisation")]
    NotAdmin,
    /// The instance is bound already (to this or another organisation).
    #[error("the instance is bound already")]
    InstanceBound,
    /// The instance was released: it pays for nothing any more.
    #[error("the instance was released")]
    Released,
    /// The organisation already pays through another instance.
    #[error("the organisation is bound to another instance")]
    OrgBound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The instance for `new.order_biz_id`, created on the first call; later calls return the same.
/// A SKU the console does not sell is refused before anything is written.
pub fn create_instance(
    db: &mut Db,
    world: &ConsoleWorld,
    new: &NewInstance<'_>,
    now: Instant,
) -> Result<Instance, ActionError> {
    if !world.sells(new.sku_id) {
        return Err(ActionError::UnsoldSku(new.sku_id.to_string()));
    }
    if let Some(existing) = db.instance_by_order(new.order_biz_id)? {
        return Ok(existing);
    }
    let id = loop {
        let id = db.instance_id();
        if id != new.order_biz_id && db.instance(&id)?.is_none() {
            break id;
        }
    };
    db.write(|tx| tx.insert_instance(&id, new, now))?;
    Ok(Instance {
        id,
        order_biz_id: new.order_biz_id.to_string(),
        org_id: None,
        bound_by: None,
        sku_id: new.sku_id.to_string(),
        status: InstanceStatus::Active,
        expired_on: new.expired_on.map(str::to_string),
        extras: new.extras.clone(),
        released_org_id: None,
        is_refund: None,
    })
}

/// Binds `instance` to the organisation of `membership` on behalf of `user`, its admin, and
/// writes the bind into the organisation's 事件 log.
pub fn bind(
    db: &Db,
    instance: &Instance,
    membership: &Membership,
    user: &User,
    now: Instant,
) -> Result<(), BindError> {
    if membership.role != Role::Admin {
        return Err(BindError::NotAdmin);
    }
    let released = db
        .instance(&instance.id)?
        .is_none_or(|current| current.status == InstanceStatus::Released);
    if released {
        return Err(BindError::Released);
    }
    let org_id = &membership.org.id;
    match db.bind(&instance.id, org_id, &user.id, now)? {
        Ok(()) => {}
        Err(Taken::Instance) => return Err(BindError::InstanceBound),
        Err(Taken::Org) => return Err(BindError::OrgBound),
    }
    let text = format!("为组织开通了阿里云云市场扣费（实例 {}）", instance.id);
    db.add_event(org_id, now, &text, &user.email)?;
    Ok(())
}

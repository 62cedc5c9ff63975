//! Marketplace instances, on the floor of the console's rules: created by the `createInstance`
//! SPI (one per `orderBizId`, whatever the number of calls), entered through `verify` links, and
//! bound by an organisation's admin to that organisation — each instance to at most one
//! organisation, each organisation to at most one instance. A good `verify` link for an unbound
//! instance opens a *hand-off* ([`Db::new_handoff`]): an unguessable id that the wizard carries
//! through every form and redirect, so which instance is being bound survives 登录, 注册 and
//! 创建组织. The rows and queries are the store's ([`crate::store::instances`]).

use crate::store::accounts::User;
use crate::store::instances::{Instance, NewInstance, Taken};
use crate::store::orgs::Membership;
use crate::store::{Db, StoreError};
use crate::world::Role;
use protocol::time::Instant;

/// Why a bind was refused.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// Only an organisation's admins may bind it.
    #[error("only an admin may bind the organisation")]
    NotAdmin,
    /// The instance is bound already (to this or another organisation).
    #[error("the instance is bound already")]
    InstanceBound,
    /// The organisation already pays through another instance.
    #[error("the organisation is bound to another instance")]
    OrgBound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The instance for `new.order_biz_id`, created on the first call; later calls return the same.
pub fn create_instance(db: &mut Db, new: &NewInstance<'_>, now: Instant) -> Result<Instance, StoreError> {
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
    let org_id = &membership.org.id;
    match db.bind(&instance.id, org_id, &user.id, now)? {
        Ok(()) => {}
        Err(Taken::Instance) => return Err(BindError::InstanceBound),
        Err(Taken::Org) => return Err(BindError::OrgBound),
    }
    let text = format!(
        "{} 为组织开通了阿里云云市场扣费（实例 {}）",
        user.email, instance.id
    );
    db.add_event(org_id, now, &text)?;
    Ok(())
}

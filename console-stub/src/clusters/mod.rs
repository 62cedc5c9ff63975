//! Clusters, on the floor of the console's rules, beside organisations and instances: who may
//! create and delete one, and when. An organisation creates clusters only while it pays through a
//! marketplace instance that is not frozen ([`Standing`]), in a plan the instance's SKU offers
//! (the world's catalog), under a name of 1 to [`MAX_NAME_CHARS`] characters, and at most
//! [`MAX_CLUSTERS`] at a time. Any member may create one; only an admin may delete one, which keeps
//! it as deleted (回收站). Each cluster belongs to the instance the organisation paid through when
//! it was made, so the marketplace's actions on that instance (module `instances`) freeze, restore
//! and delete exactly its clusters. Every create and delete writes an event, why: the user. The
//! rows and queries are the store's ([`crate::store::clusters`]).

#[cfg(test)]
mod tests;

use crate::store::accounts::User;
use crate::store::clusters::{Cluster, ClusterStatus};
use crate::store::instances::{Instance, InstanceStatus};
use crate::store::orgs::Membership;
use crate::store::{Db, StoreError};
use crate::world::{ClusterPlan, ConsoleWorld, Role};
use protocol::time::Instant;

/// The most clusters an organisation holds at once. Every cluster that runs in an hour is one
/// record of that hour's usage, and an instance's records must all go in one `PushMeteringData`
/// request (one per InstanceId per minute), which takes at most 100.
pub const MAX_CLUSTERS: usize = 100;

/// The longest cluster name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Where an organisation stands for creating clusters.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing<'w> {
    /// Bound to no marketplace instance: nothing pays for a cluster.
    Unbound,
    /// Its instance expired (`expiredInstance`): clusters frozen with their data, none created
    /// until it is renewed.
    Frozen(Instance),
    /// It pays through `instance`, whose SKU offers `plans` (none in a world without SKUs).
    Open {
        instance: Instance,
        plans: Vec<&'w ClusterPlan>,
    },
}

/// Why a cluster was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("the organisation pays through no marketplace instance")]
    Unbound,
    #[error("the organisation's marketplace instance expired: its clusters are frozen")]
    Frozen,
    #[error("a cluster name has 1 to {MAX_NAME_CHARS} characters")]
    Name,
    #[error("plan `{0}` is not one the organisation's SKU offers")]
    PlanNotOffered(String),
    #[error("the organisation holds {MAX_CLUSTERS} clusters already")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a cluster was not deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    /// No such cluster in this organisation, or deleted already.
    #[error("no such cluster in the organisation")]
    NotFound,
    #[error("only an admin may delete a cluster")]
    NotAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where the organisation of `membership` stands for creating clusters.
pub fn standing<'w>(
    db: &Db,
    world: &'w ConsoleWorld,
    membership: &Membership,
) -> Result<Standing<'w>, StoreError> {
    let instance = match &membership.bound_instance {
        Some(id) => db.instance(id)?,
        None => None,
    };
    Ok(match instance {
        None => Standing::Unbound,
        Some(i) if i.status == InstanceStatus::Frozen => Standing::Frozen(i),
        Some(i) if i.status == InstanceStatus::Released => Standing::Unbound,
        Some(instance) => {
            let plans = world
                .sku(&instance.sku_id)
                .map(|sku| sku.plans.iter().filter_map(|p| world.plan(p)).collect())
                .unwrap_or_default();
            Standing::Open { instance, plans }
        }
    })
}

/// A cluster name as it is kept: trimmed, 1 to [`MAX_NAME_CHARS`] characters.
pub fn clean_name(name: &str) -> Result<&str, CreateError> {
    let name = name.trim();
    match name.chars().count() {
        1..=MAX_NAME_CHARS => Ok(name),
        _ => Err(CreateError::Name),
    }
}

/// Creates a running cluster named `name` in plan `plan_id` for the organisation of `membership`,
/// on behalf of `user`, paid for by the organisation's instance.
pub fn create(
    db: &mut Db,
    world: &ConsoleWorld,
    membership: &Membership,
    user: &User,
    name: &str,
    plan_id: &str,
    now: Instant,
) -> Result<Cluster, CreateError> {
    let (instance, plans) = match standing(db, world, membership)? {
        Standing::Unbound => return Err(CreateError::Unbound),
        Standing::Frozen(_) => return Err(CreateError::Frozen),
        Standing::Open { instance, plans } => (instance, plans),
    };
    let name = clean_name(name)?;
    let plan = plans
        .into_iter()
        .find(|p| p.id == plan_id)
        .ok_or_else(|| CreateError::PlanNotOffered(plan_id.to_string()))?;
    let org_id = &membership.org.id;
    if db.clusters(org_id)?.len() >= MAX_CLUSTERS {
        return Err(CreateError::TooMany);
    }
    let id = loop {
        let id = db.cluster_id();
        if db.cluster(&id)?.is_none() {
            break id;
        }
    };
    let cluster = Cluster {
        id,
        org_id: org_id.clone(),
        instance_id: instance.id,
        name: name.to_string(),
        plan: plan.id.clone(),
        status: ClusterStatus::Running,
        created_at: now,
        created_by: Some(user.id.clone()),
        deleted_at: None,
    };
    db.write(|tx| {
        tx.insert_cluster(&cluster)?;
        let text = format!("创建了集群 {}（{}，{}）", cluster.name, cluster.id, plan.name);
        tx.add_event(org_id, now, &text, &user.email)
    })?;
    Ok(cluster)
}

/// Deletes the cluster `cluster_id` of the organisation of `membership` on behalf of `user`, an
/// admin: kept as deleted, its run ended.
pub fn delete(
    db: &Db,
    membership: &Membership,
    user: &User,
    cluster_id: &str,
    now: Instant,
) -> Result<Cluster, DeleteError> {
    let org_id = &membership.org.id;
    let cluster = db
        .cluster(cluster_id)?
        .filter(|c| &c.org_id == org_id && c.status != ClusterStatus::Deleted)
        .ok_or(DeleteError::NotFound)?;
    if membership.role != Role::Admin {
        return Err(DeleteError::NotAdmin);
    }
    db.write(|tx| {
        tx.delete_cluster(&cluster.id, now)?;
        let text = format!("删除了集群 {}（{}）", cluster.name, cluster.id);
        tx.add_event(org_id, now, &text, &user.email)
    })?;
    Ok(Cluster {
        status: ClusterStatus::Deleted,
        deleted_at: Some(now),
        ..cluster
    })
}

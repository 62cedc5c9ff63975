//! The instance rules against a store in memory: what each marketplace action leaves in the
//! store, that a duplicate or a late action leaves it as it was, and that a refusal writes nothing.

use super::lifecycle::{self, OrderPaid, Outcome};
use super::{bind, create_instance, ActionError, BindError};
use crate::store::accounts::User;
use crate::store::clusters::{Cluster, ClusterStatus};
use crate::store::instances::{Instance, InstanceStatus, NewInstance};
use crate::store::orgs::{Event, Org};
use crate::store::payments::Payment;
use crate::store::{self, Db};
use crate::world::{ConsoleWorld, Role};
use protocol::time::{parse_instant, Instant};
use std::collections::BTreeMap;

const ORG: &str = "org-aaaaaaaaaaaaaaaaaaaaaa";
const OTHER_ORG: &str = "org-bbbbbbbbbbbbbbbbbbbbbb";

fn now() -> Instant {
    parse_instant("2023-08-15T10:00:00+08:00").unwrap()
}

fn later(minutes: i64) -> Instant {
    now() + chrono::TimeDelta::minutes(minutes)
}

/// A store with one admin of two organisations.
fn store() -> (Db, User) {
    let world = ConsoleWorld::default_world();
    let (db, _) = Db::load(store::open(None).unwrap(), &world, true).unwrap();
    let admin = User {
        id: "usr-admin".into(),
        email: "admin@example.com".into(),
        name: "admin".into(),
    };
    db.write(|tx| {
        tx.insert_user(&admin, "hash", now())?;
        for id in [ORG, OTHER_ORG] {
            let org = Org {
                id: id.into(),
                name: id.into(),
                free_credit: rust_decimal::Decimal::ZERO,
            };
            tx.insert_org(&org, now())?;
            tx.insert_member(id, &admin.id, Role::Admin, 0)?;
        }
        Ok(())
    })
    .unwrap();
    (db, admin)
}

fn new_instance<'a>(order_biz_id: &'a str, sku_id: &'a str) -> NewInstance<'a> {
    NewInstance {
        order_biz_id,
        order_id: "208000000000001",
        ali_uid: "1763420985012345",
        sku_id,
        expired_on: None,
        extras: BTreeMap::new(),
        params_json: "{}".into(),
    }
}

/// An instance of the standard SKU bound to `org`, with two running clusters.
fn bound(db: &mut Db, admin: &User, order_biz_id: &str, org: &str) -> Instance {
    let world = ConsoleWorld::default_world();
    let instance = create_instance(
        db,
        &world,
        &new_instance(order_biz_id, "cmgj00061912-payg"),
        now(),
    )
    .unwrap();
    let membership = db.membership(&admin.id, org).unwrap().unwrap();
    bind(db, &instance, &membership, admin, now()).unwrap();
    for name in ["a", "b"] {
        let cluster = Cluster {
            id: db.cluster_id(),
            org_id: org.into(),
            instance_id: instance.id.clone(),
            name: name.into(),
            plan: "standard-1cu".into(),
            status: ClusterStatus::Running,
            created_at: now(),
            created_by: Some(admin.id.clone()),
            deleted_at: None,
        };
        db.write(|tx| tx.insert_cluster(&cluster)).unwrap();
    }
    db.instance(&instance.id).unwrap().unwrap()
}

/// Everything an action could change, for comparing before and after.
#[derive(Debug, PartialEq)]
struct Seen {
    instance: Instance,
    clusters: Vec<Cluster>,
    deleted: Vec<Cluster>,
    events: Vec<Event>,
    payments: Vec<Payment>,
}

fn seen(db: &Db, instance_id: &str) -> Seen {
    Seen {
        instance: db.instance(instance_id).unwrap().unwrap(),
        clusters: db.clusters(ORG).unwrap(),
        deleted: db.deleted_clusters(ORG).unwrap(),
        events: db.events(ORG).unwrap(),
        payments: db.payments_of_org(ORG).unwrap(),
    }
}

fn statuses(db: &Db) -> Vec<ClusterStatus> {
    db.clusters(ORG).unwrap().iter().map(|c| c.status).collect()
}

fn unchanged(outcome: Outcome) -> String {
    match outcome {
        Outcome::Unchanged(why) => why,
        Outcome::Done(what) => panic!("expected nothing done, got: {what}"),
    }
}

#[test]
fn expiry_freezes_the_clusters_and_a_second_expiry_changes_nothing() {
    let (mut db, admin) = store();
    let instance = bound(&mut db, &admin, "1001", ORG);
    let done = lifecycle::expire(&db, &instance.id, later(1)).unwrap();
    assert!(matches!(done, Outcome::Done(_)), "{done:?}");
    assert_eq!(statuses(&db), [ClusterStatus::Frozen, ClusterStatus::Frozen]);
    let after = seen(&db, &instance.id);
    assert_eq!(after.instance.status, InstanceStatus::Frozen);
    assert_eq!(after.events[0].why, "云市场 expiredInstance");
    assert!(
        after.events[0].text.contains("2 个集群已冻结"),
        "{:?}",
        after.events[0]
    );

    let again = unchanged(lifecycle::expire(&db, &instance.id, later(2)).unwrap());
    assert!(again.contains("frozen already"), "{again}");
    assert_eq!(seen(&db, &instance.id), after);
}

#[test]
fn a_renewal_restores_a_frozen_instance_records_its_expiry_and_a_duplicate_changes_nothing() {
    let (mut db, admin) = store();
    let instance = bound(&mut db, &admin, "1001", ORG);
    lifecycle::expire(&db, &instance.id, later(1)).unwrap();
    let done = lifecycle::renew(&db, &instance.id, "2024-08-15 10:00:00", later(2)).unwrap();
    assert!(matches!(done, Outcome::Done(_)), "{done:?}");
    assert_eq!(statuses(&db), [ClusterStatus::Running, ClusterStatus::Running]);
    let after = seen(&db, &instance.id);
    assert_eq!(after.instance.status, InstanceStatus::Active);
    assert_eq!(after.instance.expired_on.as_deref(), Some("2024-08-15 10:00:00"));
    assert_eq!(after.events[0].why, "云市场 renewInstance");

    unchanged(lifecycle::renew(&db, &instance.id, "2024-08-15 10:00:00", later(3)).unwrap());
    assert_eq!(seen(&db, &instance.id), after);
}

#[test]
fn a_late_renewal_never_moves_the_expiry_back_but_still_restores() {
    let (mut db, admin) = store();
    let instance = bound(&mut db, &admin, "1001", ORG);
    lifecycle::renew(&db, &instance.id, "2025-08-15 10:00:00", later(1)).unwrap();
    let before = seen(&db, &instance.id);
    let why = unchanged(lifecycle::renew(&db, &instance.id, "2024-08-15 10:00:00", later(2)).unwrap());
    assert!(why.contains("2025-08-15 10:00:00"), "{why}");
    assert_eq!(seen(&db, &instance.id), before);

    lifecycle::expire(&db, &instance.id, later(3)).unwrap();
    let done = lifecycle::renew(&db, &instance.id, "2024-08-15 10:00:00", later(4)).unwrap();
    assert!(
        done.message()
            .contains("kept the later expiry 2025-08-15 10:00:00"),
        "{done:?}"
    );
    let after = seen(&db, &instance.id);
    assert_eq!(after.instance.status, InstanceStatus::Active);
    assert_eq!(after.instance.expired_on.as_deref(), Some("2025-08-15 10:00:00"));
    assert_eq!(statuses(&db), [ClusterStatus::Running, ClusterStatus::Running]);
}

#[test]
fn a_refunded_renewal_rolls_the_expiry_back_once() {
    let (mut db, admin) = store();
    let instance = bound(&mut db, &admin, "1001", ORG);
    lifecycle::renew(&db, &instance.id, "2025-08-15 10:00:00", later(1)).unwrap();
    lifecycle::refund_renewal(&db, &instance.id, "2024-08-15 10:00:00", later(2)).unwrap();
    let after = seen(&db, &instance.id);
    assert_eq!(after.instance.expired_on.as_deref(), Some("2024-08-15 10:00:00"));
    assert_eq!(after.events[0].why, "云市场 refundRenewInstance");
    unchanged(lifecycle::refund_renewal(&db, &instance.id, "2024-08-15 10:00:00", later(3)).unwrap());
    assert_eq!(seen(&db, &instance.id), after);
}

#[test]
fn an_upgrade_moves_the_plan_and_its_items_and_an_unsold_sku_changes_nothing() {
    let (mut db, admin) = store();
    let world = ConsoleWorld::default_world();
    let instance = bound(&mut db, &admin, "1001", ORG);
    let before = seen(&db, &instance.id);
    let refused = lifecycle::upgrade(
        &db,
        &world,
        &instance.id,
        "cmgj00061912-gold",
        &BTreeMap::new(),
        later(1),
    );
    assert!(matches!(refused, Err(ActionError::UnsoldSku(_))), "{refused:?}");
    assert_eq!(seen(&db, &instance.id), before);

    let extras = BTreeMap::from([("Count".to_string(), "2".to_string())]);
    let sku = "cmgj00061912-payg-enterprise";
    lifecycle::upgrade(&db, &world, &instance.id, sku, &extras, later(2)).unwrap();
    let after = seen(&db, &instance.id);
    assert_eq!(after.instance.sku_id, sku);
    assert_eq!(after.instance.extras, extras);
    assert_eq!(
        after.events[0].text,
        "云市场实例规格变更：按量付费 标准版 → 按量付费 企业版，额外计费项 Count=2"
    );
    unchanged(lifecycle::upgrade(&db, &world, &instance.id, sku, &extras, later(3)).unwrap());
    assert_eq!(seen(&db, &instance.id), after);
}

#[test]
fn a_release_deletes_the_clusters_unbinds_the_org_and_nothing_after_it_changes_anything() {
    let (mut db, admin) = store();
    let world = ConsoleWorld::default_world();
    let instance = bound(&mut db, &admin, "1001", ORG);
    lifecycle::release(&db, &instance.id, "false", later(1)).unwrap();
    let after = seen(&db, &instance.id);
    assert!(after.clusters.is_empty());
    assert_eq!(after.deleted.len(), 2);
    assert_eq!(after.instance.status, InstanceStatus::Released);
    assert_eq!(after.instance.org_id, None);
    assert_eq!(after.instance.released_org_id.as_deref(), Some(ORG));
    assert_eq!(after.instance.is_refund.as_deref(), Some("false"));
    assert_eq!(
        db.membership(&admin.id, ORG).unwrap().unwrap().bound_instance,
        None
    );
    assert_eq!(after.events[0].why, "云市场 releaseInstance");

    let id = &instance.id;
    let late = [
        lifecycle::renew(&db, id, "2030-01-01 00:00:00", later(2)),
        lifecycle::expire(&db, id, later(2)),
        lifecycle::upgrade(
            &db,
            &world,
            id,
            "cmgj00061912-payg-enterprise",
            &BTreeMap::new(),
            later(2),
        ),
        lifecycle::refund_renewal(&db, id, "2023-09-01 00:00:00", later(2)),
        lifecycle::release(&db, id, "true", later(2)),
    ];
    for outcome in late {
        let why = unchanged(outcome.unwrap());
        assert!(why.contains("released"), "{why}");
    }
    assert_eq!(seen(&db, id), after);

    // The organisation is free to pay through another instance; the released one binds nothing.
    let membership = db.membership(&admin.id, ORG).unwrap().unwrap();
    let refused = bind(&db, &instance, &membership, &admin, later(3));
    assert!(matches!(refused, Err(BindError::Released)), "{refused:?}");
    bound(&mut db, &admin, "1002", ORG);
}

#[test]
fn a_payment_is_recorded_once_per_request_id() {
    let (mut db, admin) = store();
    let instance = bound(&mut db, &admin, "1001", ORG);
    let paid = OrderPaid {
        request_id: "r-1",
        order_biz_id: "1001",
        order_id: "208000000000002",
        sku_id: "cmgj00061912-payg",
    };
    lifecycle::record_payment(&db, paid, later(1)).unwrap();
    let after = seen(&db, &instance.id);
    assert_eq!(after.payments.len(), 1);
    assert_eq!(after.payments[0].instance_id, instance.id);
    assert_eq!(after.events[0].why, "云市场 orderPay");
    unchanged(lifecycle::record_payment(&db, paid, later(2)).unwrap());
    assert_eq!(seen(&db, &instance.id), after);

    let stranger = OrderPaid {
        order_biz_id: "9999",
        ..paid
    };
    let refused = lifecycle::record_payment(&db, stranger, later(3));
    assert!(
        matches!(refused, Err(ActionError::UnknownInstance(_))),
        "{refused:?}"
    );
    assert_eq!(seen(&db, &instance.id), after);
}

#[test]
fn every_action_for_an_instance_never_opened_is_refused_and_writes_nothing() {
    let (mut db, admin) = store();
    let world = ConsoleWorld::default_world();
    let instance = bound(&mut db, &admin, "1001", ORG);
    let before = seen(&db, &instance.id);
    let id = "zc-neveropened";
    let refusals = [
        lifecycle::renew(&db, id, "2030-01-01 00:00:00", later(1)),
        lifecycle::expire(&db, id, later(1)),
        lifecycle::upgrade(&db, &world, id, "cmgj00061912-payg", &BTreeMap::new(), later(1)),
        lifecycle::refund_renewal(&db, id, "2023-09-01 00:00:00", later(1)),
        lifecycle::release(&db, id, "false", later(1)),
    ];
    for refused in refusals {
        assert!(
            matches!(refused, Err(ActionError::UnknownInstance(_))),
            "{refused:?}"
        );
    }
    assert_eq!(seen(&db, &instance.id), before);
}

#[test]
fn create_instance_refuses_a_sku_not_sold_and_an_older_world_without_skus_takes_any() {
    let (mut db, _) = store();
    let world = ConsoleWorld::default_world();
    let refused = create_instance(&mut db, &world, &new_instance("1001", "cmgj00061912-gold"), now());
    assert!(matches!(refused, Err(ActionError::UnsoldSku(_))), "{refused:?}");
    assert_eq!(db.instance_by_order("1001").unwrap(), None);

    let older = ConsoleWorld {
        skus: Vec::new(),
        ..world
    };
    let mut new = new_instance("1001", "cmgj00061912-gold");
    new.extras.insert("Count".into(), "2".into());
    new.expired_on = Some("2024-08-15 10:00:00");
    let created = create_instance(&mut db, &older, &new, now()).unwrap();
    assert_eq!(db.instance(&created.id).unwrap(), Some(created.clone()));
    assert_eq!(created.extras["Count"], "2");
}

//! The cluster rules against a store in memory: who may create and delete, when, with which names
//! and plans, and that a refusal writes nothing.

use super::{create, delete, standing, CreateError, DeleteError, Standing, MAX_CLUSTERS};
use crate::store::accounts::User;
use crate::store::clusters::ClusterStatus;
use crate::store::instances::{InstanceStatus, NewInstance};
use crate::store::orgs::{Membership, Org};
use crate::store::{self, Db};
use crate::world::{ConsoleWorld, Role};
use protocol::time::{parse_instant, Instant};

const ORG: &str = "org-aaaaaaaaaaaaaaaaaaaaaa";
const OTHER_ORG: &str = "org-bbbbbbbbbbbbbbbbbbbbbb";

fn now() -> Instant {
    parse_instant("2023-08-15T10:00:00+08:00").unwrap()
}

fn user(name: &str) -> User {
    User {
        id: format!("usr-{name}"),
        email: format!("{name}@example.com"),
        name: name.into(),
    }
}

/// A store where `admin` administers both organisations and `member` is a member of the first;
/// the first pays through an instance of `sku` when one is given.
fn store(sku: Option<&str>) -> Db {
    let world = ConsoleWorld::default_world();
    let (db, _) = Db::load(store::open(None).unwrap(), &world, true).unwrap();
    db.write(|tx| {
        tx.insert_user(&user("admin"), "hash", now())?;
        tx.insert_user(&user("member"), "hash", now())?;
        for id in [ORG, OTHER_ORG] {
            let org = Org {
                id: id.into(),
                name: id.into(),
                free_credit: rust_decimal::Decimal::ZERO,
            };
            tx.insert_org(&org, now())?;
            tx.insert_member(id, "usr-admin", Role::Admin, 0)?;
        }
        tx.insert_member(ORG, "usr-member", Role::Member, 1)
    })
    .unwrap();
    if let Some(sku) = sku {
        let new = NewInstance {
            order_biz_id: "1001",
            order_id: "208000000000001",
            ali_uid: "1763420985012345",
            sku_id: sku,
            expired_on: None,
            extras: Default::default(),
            params_json: "{}".into(),
        };
        db.write(|tx| tx.insert_instance("zc-1", &new, now())).unwrap();
        db.bind("zc-1", ORG, "usr-admin", now()).unwrap().unwrap();
    }
    db
}

fn membership(db: &Db, who: &str, org: &str) -> Membership {
    db.membership(&format!("usr-{who}"), org).unwrap().unwrap()
}

fn make(db: &mut Db, who: &str, name: &str, plan: &str) -> Result<String, CreateError> {
    let world = ConsoleWorld::default_world();
    let m = membership(db, who, ORG);
    create(db, &world, &m, &user(who), name, plan, now()).map(|c| c.id)
}

#[test]
fn a_member_creates_a_running_cluster_of_a_plan_the_sku_offers_with_an_event() {
    let mut db = store(Some("cmgj00061912-payg"));
    let id = make(&mut db, "member", "  search-1  ", "standard-2cu").unwrap();
    let cluster = db.cluster(&id).unwrap().unwrap();
    assert_eq!(cluster.name, "search-1");
    assert_eq!(cluster.plan, "standard-2cu");
    assert_eq!(cluster.instance_id, "zc-1");
    assert_eq!(cluster.status, ClusterStatus::Running);
    assert_eq!(cluster.created_at, now());
    let event = &db.events(ORG).unwrap()[0];
    assert_eq!(event.text, format!("创建了集群 search-1（{id}，标准型 2 CU）"));
    assert_eq!(event.why, "member@example.com");
}

#[test]
fn names_of_1_to_64_characters_are_taken_and_any_other_is_refused_writing_nothing() {
    let mut db = store(Some("cmgj00061912-payg"));
    for bad in ["", "   ", &"集".repeat(65), &"x".repeat(10_000)] {
        let refused = make(&mut db, "admin", bad, "standard-1cu");
        assert!(matches!(refused, Err(CreateError::Name)), "{refused:?}");
    }
    assert!(db.clusters(ORG).unwrap().is_empty());
    assert!(db.events(ORG).unwrap().is_empty());
    make(&mut db, "admin", &"集".repeat(64), "standard-1cu").unwrap();
    make(&mut db, "admin", "a", "standard-1cu").unwrap();
}

#[test]
fn a_plan_the_sku_does_not_offer_is_refused_and_an_upgraded_sku_offers_more() {
    let mut db = store(Some("cmgj00061912-payg"));
    let refused = make(&mut db, "admin", "big", "enterprise-8cu");
    assert!(
        matches!(refused, Err(CreateError::PlanNotOffered(_))),
        "{refused:?}"
    );
    let refused = make(&mut db, "admin", "big", "no-such-plan");
    assert!(
        matches!(refused, Err(CreateError::PlanNotOffered(_))),
        "{refused:?}"
    );
    assert!(db.clusters(ORG).unwrap().is_empty());

    db.write(|tx| tx.set_sku("zc-1", "cmgj00061912-payg-enterprise", &Default::default()))
        .unwrap();
    make(&mut db, "admin", "big", "enterprise-8cu").unwrap();
}

#[test]
fn an_unbound_org_and_a_frozen_one_create_nothing() {
    let mut db = store(None);
    let refused = make(&mut db, "admin", "a", "standard-1cu");
    assert!(matches!(refused, Err(CreateError::Unbound)), "{refused:?}");

    let mut db = store(Some("cmgj00061912-payg"));
    db.write(|tx| tx.set_instance_status("zc-1", InstanceStatus::Frozen))
        .unwrap();
    let world = ConsoleWorld::default_world();
    let standing = standing(&db, &world, &membership(&db, "admin", ORG)).unwrap();
    assert!(matches!(standing, Standing::Frozen(_)), "{standing:?}");
    let refused = make(&mut db, "admin", "a", "standard-1cu");
    assert!(matches!(refused, Err(CreateError::Frozen)), "{refused:?}");
    assert!(db.clusters(ORG).unwrap().is_empty());
    assert!(db.events(ORG).unwrap().is_empty());
}

#[test]
fn an_org_holds_at_most_100_clusters_and_a_deletion_makes_room() {
    let mut db = store(Some("cmgj00061912-payg"));
    let ids: Vec<String> = (0..MAX_CLUSTERS)
        .map(|n| make(&mut db, "admin", &format!("c{n}"), "standard-1cu").unwrap())
        .collect();
    let refused = make(&mut db, "admin", "one-more", "standard-1cu");
    assert!(matches!(refused, Err(CreateError::TooMany)), "{refused:?}");
    assert_eq!(db.clusters(ORG).unwrap().len(), MAX_CLUSTERS);

    let m = membership(&db, "admin", ORG);
    delete(&db, &m, &user("admin"), &ids[0], now()).unwrap();
    make(&mut db, "admin", "one-more", "standard-1cu").unwrap();
}

#[test]
fn only_an_admin_deletes_a_cluster_of_their_org_and_it_is_kept_as_deleted() {
    let mut db = store(Some("cmgj00061912-payg"));
    let id = make(&mut db, "member", "a", "standard-1cu").unwrap();
    let events = db.events(ORG).unwrap();

    let refused = delete(&db, &membership(&db, "member", ORG), &user("member"), &id, now());
    assert!(matches!(refused, Err(DeleteError::NotAdmin)), "{refused:?}");
    let from_elsewhere = delete(
        &db,
        &membership(&db, "admin", OTHER_ORG),
        &user("admin"),
        &id,
        now(),
    );
    assert!(
        matches!(from_elsewhere, Err(DeleteError::NotFound)),
        "{from_elsewhere:?}"
    );
    assert_eq!(db.cluster(&id).unwrap().unwrap().status, ClusterStatus::Running);
    assert_eq!(db.events(ORG).unwrap(), events);

    let admin = membership(&db, "admin", ORG);
    let deleted = delete(&db, &admin, &user("admin"), &id, now()).unwrap();
    assert_eq!(deleted.status, ClusterStatus::Deleted);
    assert!(db.clusters(ORG).unwrap().is_empty());
    assert_eq!(db.deleted_clusters(ORG).unwrap(), [deleted]);
    assert_eq!(db.events(ORG).unwrap()[0].why, "admin@example.com");
    let again = delete(&db, &admin, &user("admin"), &id, now());
    assert!(matches!(again, Err(DeleteError::NotFound)), "{again:?}");
}

#[test]
fn a_world_without_skus_takes_any_sku_but_offers_no_plan() {
    let db = store(Some("cmgj00061912-anything"));
    let world = ConsoleWorld {
        skus: Vec::new(),
        ..ConsoleWorld::default_world()
    };
    let standing = standing(&db, &world, &membership(&db, "admin", ORG)).unwrap();
    assert!(
        matches!(&standing, Standing::Open { plans, .. } if plans.is_empty()),
        "{standing:?}"
    );
}

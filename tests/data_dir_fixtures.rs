//! Data directories earlier builds wrote (`tests/fixtures/data-dirs/`, see its README) open with this
//! one: each is copied to a temporary directory — opening a store migrates it, so the committed
//! files are never opened in place — opened through the marketplace's `Simulator` and the console's
//! store, and read back: the order and instance the buyer opened, the vendor's metering push, the
//! user who registered and the organisation bound to the instance. Once migrated, each store has
//! the schema a new store has, statement for statement.

use console_stub::accounts::check_password;
use console_stub::store::Db;
use console_stub::world::Role;
use console_stub::ConsoleWorld;
use rusqlite::Connection;
use simulator::state::{Options, Simulator};
use simulator::store::metering::Stored;
use simulator::store::orders::{Order, Status};
use simulator::world::World;
use std::path::{Path, PathBuf};
use store_file::testing::{copy_files, fingerprint};

const BUYER: &str = "1763420985012345";
const PRODUCT: &str = "cmgj00061912";
const SKU: &str = "cmgj00061912-payg";
const APP_INFO: &str =
    r#"{"frontEndUrl":"http://localhost:18481/","authUrl":"http://localhost:18481/aliyun/sso"}"#;
/// The console's ids come from its seeded generator, so every fixture has the same ones.
const CONSOLE_INSTANCE: &str = "zc-nismshxlyxe358184x8r";
const ALICE: &str = "usr-q58o1a3g7q78ars9";
const ALICE_LABS: &str = "org-ywgnivgjtohqobrocymezj";

/// What one fixture holds of the buyer's purchase (times in epoch ms, metering windows in s).
struct Fixture {
    name: &'static str,
    order_id: &'static str,
    instance_id: &'static str,
    created_at: i64,
    opened_at: i64,
    metering_window: (i64, i64),
    metering_received_at: i64,
}

const WRITTEN_BY_9515748: Fixture = Fixture {
    name: "9515748",
    order_id: "230764579869536",
    instance_id: "69844109",
    created_at: 1_796_108_896_798,
    opened_at: 1_796_108_897_799,
    metering_window: (1_796_105_297, 1_796_108_897),
    metering_received_at: 1_796_108_897_840,
};

const WRITTEN_BY_FC3291C: Fixture = Fixture {
    name: "fc3291c",
    order_id: "291781229984429",
    instance_id: "95659670",
    created_at: 1_796_109_133_824,
    opened_at: 1_796_109_134_824,
    metering_window: (1_796_105_535, 1_796_109_135),
    metering_received_at: 1_796_109_135_454,
};

fn committed(fixture: &Fixture) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data-dirs")
        .join(fixture.name)
}

/// A copy of the fixture's data directory, to open.
fn copy_of(fixture: &Fixture) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for store in ["marketplace", "console"] {
        copy_files(&committed(fixture).join(store), &dir.path().join(store));
    }
    dir
}

fn marketplace(dir: &Path) -> Simulator {
    let options = Options {
        data_dir: Some(dir.join("marketplace")),
        ..Options::default()
    };
    Simulator::open(World::default_world(), options).unwrap()
}

/// The console's store in `dir`, and whether it is new.
fn console(dir: &Path) -> (Db, bool) {
    let conn = console_stub::store::open(Some(&dir.join("console"))).unwrap();
    Db::load(conn, &ConsoleWorld::default_world(), true).unwrap()
}

fn reads_back(fixture: &Fixture) {
    let before = fingerprint(&committed(fixture));
    let dir = copy_of(fixture);

    let sim = marketplace(dir.path());
    let order = sim.store().order(fixture.order_id).unwrap();
    assert_eq!(
        order,
        Some(Order {
            order_id: fixture.order_id.into(),
            ali_uid: BUYER.into(),
            product_code: PRODUCT.into(),
            sku_id: SKU.into(),
            order_type: "NEW".into(),
            pay_status: "PAID".into(),
            instance_id: fixture.instance_id.into(),
            created_at: fixture.created_at,
            // Migration 5: what the store held were pay-as-you-go purchases.
            order_status: "NORMAL".into(),
            ..Order::default()
        })
    );
    let instance = sim.store().instance(fixture.instance_id).unwrap().unwrap();
    assert_eq!(instance.order_id, fixture.order_id);
    assert_eq!(instance.ali_uid, BUYER);
    assert_eq!(
        (instance.product_code.as_str(), instance.sku_id.as_str()),
        (PRODUCT, SKU)
    );
    assert_eq!(instance.status, Status::Opened);
    assert_eq!(instance.vendor_instance_id.as_deref(), Some(CONSOLE_INSTANCE));
    assert_eq!(instance.app_info.as_deref(), Some(APP_INFO));
    assert_eq!(
        (instance.created_at, instance.opened_at),
        (fixture.created_at, Some(fixture.opened_at))
    );
    let listed: Vec<_> = sim
        .store()
        .instances_of(BUYER)
        .unwrap()
        .into_iter()
        .map(|i| i.instance_id)
        .collect();
    assert_eq!(listed, [fixture.instance_id], "the buyer's one purchase");
    assert_eq!(
        sim.store().metering_of(fixture.instance_id).unwrap(),
        [Stored {
            instance_id: fixture.instance_id.into(),
            product_code: PRODUCT.into(),
            start_time: fixture.metering_window.0,
            end_time: fixture.metering_window.1,
            key: "Frequency".into(),
            value: 96,
            metering_assit: "cmgj00061912-Frequency-1".into(),
            serial_no: None,
            received_at: fixture.metering_received_at,
            billable: true,
        }]
    );

    let (db, new) = console(dir.path());
    assert!(!new, "the console's store resumes");
    let (alice, hash) = db.user_by_email("alice@example.com").unwrap().unwrap();
    assert_eq!((alice.id.as_str(), alice.name.as_str()), (ALICE, "Alice"));
    assert!(check_password(&hash, "correct horse 9"), "she can still sign in");
    let [membership] = db.memberships(ALICE).unwrap().try_into().unwrap();
    assert_eq!(
        (
            membership.org.id.as_str(),
            membership.org.name.as_str(),
            membership.org.free_credit.is_zero()
        ),
        (ALICE_LABS, "Alice Labs", true)
    );
    assert_eq!((membership.role, membership.member_count), (Role::Admin, 1));
    assert_eq!(membership.bound_instance.as_deref(), Some(CONSOLE_INSTANCE));
    let bound = db.instance(CONSOLE_INSTANCE).unwrap().unwrap();
    assert_eq!(bound.order_biz_id, fixture.instance_id);
    assert_eq!(bound.org_id.as_deref(), Some(ALICE_LABS));
    assert_eq!(bound.bound_by.as_deref(), Some(ALICE));

    drop((sim, db));
    assert_eq!(
        fingerprint(&committed(fixture)),
        before,
        "the committed fixture is unchanged"
    );
}

#[test]
fn a_data_dir_written_by_9515748_opens_with_its_orders_instances_metering_users_and_orgs() {
    reads_back(&WRITTEN_BY_9515748);
}

#[test]
fn a_data_dir_written_by_fc3291c_opens_with_its_orders_instances_metering_users_and_orgs() {
    reads_back(&WRITTEN_BY_FC3291C);
}

/// Every table and index as SQLite keeps it (the statement that made it), and the schema version.
fn schema(file: &Path) -> (Vec<(String, String, Option<String>)>, i64) {
    let conn = Connection::open(file).unwrap();
    let objects = conn
        .prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    (objects, version)
}

#[test]
fn a_migrated_store_has_the_schema_of_a_new_one() {
    let new = tempfile::tempdir().unwrap();
    drop((marketplace(new.path()), console(new.path())));
    for fixture in [WRITTEN_BY_9515748, WRITTEN_BY_FC3291C] {
        let dir = copy_of(&fixture);
        drop((marketplace(dir.path()), console(dir.path())));
        for file in ["marketplace/marketplace.sqlite3", "console/console.sqlite3"] {
            assert_eq!(
                schema(&dir.path().join(file)),
                schema(&new.path().join(file)),
                "{} {file}",
                fixture.name
            );
        }
    }
}

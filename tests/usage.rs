//! The console stub's usage reporter against the real simulator, in one world on a manual clock:
//! instances bought through the marketplace and created in the console by its createInstance
//! SPI, clusters running on them, the clock advanced a few hours — and the marketplace's stored
//! metering is exactly what the console says it pushed, entity by entity, received at the hour,
//! also when the first push was throttled and sent again.

use console_stub::store::clusters::{Cluster, ClusterStatus};
use console_stub::store::usage::RequestStatus;
use console_stub::Console;
use marketsim::world::{RunningWorld, WorldSetup};
use protocol::time::{epoch_millis, parse_instant, Instant};
use serde_json::Value;
use simulator::faults::spec::FaultSpec;
use simulator::ClockMode;
use std::time::Duration;

fn at(time: &str) -> Instant {
    parse_instant(&format!("2023-08-15T{time}+08:00")).unwrap()
}

/// A running cluster of the console's first organisation on `plan`, paid by the console's
/// instance of the marketplace's `order_biz_id`, created now.
fn cluster(console: &Console, order_biz_id: &str, plan: &str) {
    let org = console.world().orgs[0].id.clone();
    let now = console.now();
    let mut db = console.lock();
    let instance = db
        .instance_by_order(order_biz_id)
        .unwrap()
        .expect("createInstance reached the console");
    let cluster = Cluster {
        id: db.cluster_id(),
        org_id: org,
        instance_id: instance.id,
        name: format!("{plan} of {order_biz_id}"),
        plan: plan.into(),
        status: ClusterStatus::Running,
        created_at: now,
        created_by: None,
        deleted_at: None,
    };
    db.write(|tx| tx.insert_cluster(&cluster)).unwrap();
}

/// An entity as both sides can state it: InstanceId, StartTime, EndTime, Key, Value,
/// meteringAssit, SerialNo.
type Entity = (String, i64, i64, String, i64, String, Option<String>);

/// Every entity of the requests the console says were pushed, with when they were.
fn pushed_by_console(console: &Console) -> Vec<(Entity, Instant)> {
    let pushes = console.usage_pushes_after(0).unwrap();
    let mut entities = Vec::new();
    for request in console.lock().usage_requests().unwrap() {
        if request.status != RequestStatus::Pushed {
            continue;
        }
        let pushed_at = pushes
            .iter()
            .find(|p| p.request_id == request.id && p.status == RequestStatus::Pushed)
            .unwrap()
            .at;
        let records: Value = serde_json::from_str(&request.metering).unwrap();
        for record in records.as_array().unwrap() {
            let number = |v: &Value| v.as_str().unwrap().parse::<i64>().unwrap();
            for e in record["Entities"].as_array().unwrap() {
                entities.push((
                    (
                        record["InstanceId"].as_str().unwrap().to_owned(),
                        number(&record["StartTime"]),
                        number(&record["EndTime"]),
                        e["Key"].as_str().unwrap().to_owned(),
                        number(&e["Value"]),
                        e["meteringAssit"].as_str().unwrap().to_owned(),
                        e["SerialNo"].as_str().map(str::to_owned),
                    ),
                    pushed_at,
                ));
            }
        }
    }
    entities.sort();
    entities
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_marketplace_stores_exactly_what_the_console_says_it_pushed() {
    let world = RunningWorld::start(WorldSetup::default_world(ClockMode::Manual))
        .await
        .unwrap();
    let (sim, console) = (&world.sim, &world.console);
    let clock = sim.clock().clone();
    let buyer = sim.world().buyers[0].clone();
    let bought: Vec<String> = (0..2)
        .map(|_| {
            sim.open_service(&buyer, "cmgj00061912", "cmgj00061912-payg", &Default::default())
                .unwrap()
                .instance_id
        })
        .collect();
    // createInstance reaches the console after the provisioning delay.
    clock.advance_to(at("10:05:00")).await.unwrap();
    cluster(console, &bought[0], "standard-1cu");
    cluster(console, &bought[0], "standard-2cu");
    cluster(console, &bought[1], "standard-2cu");
    let vendor = sim.world().vendors[0].access_key_id.clone();
    sim.arm_fault(&FaultSpec {
        openapi: Some("throttle".into()),
        operation: Some("PushMeteringData".into()),
        access_key: Some(vendor),
        ..FaultSpec::default()
    })
    .unwrap();

    clock.advance_to(at("13:05:00")).await.unwrap();

    let log: Vec<(i64, u32, String)> = console
        .usage_pushes_after(0)
        .unwrap()
        .iter()
        .map(|p| (p.request_id, p.attempt, p.answer.clone()))
        .collect();
    assert_eq!(
        log,
        [
            (1, 1, "throttled".to_owned()),
            (1, 2, "pushed".to_owned()),
            (2, 1, "pushed".to_owned()),
            (3, 1, "pushed".to_owned()),
        ],
        "both instances share one request an hour; the throttled one goes through once"
    );
    let pushed = pushed_by_console(console);
    assert_eq!(pushed.len(), 3 * 3 * 2, "3 clusters × 3 hours × 2 items");
    let mut stored: Vec<(Entity, Instant)> = bought
        .iter()
        .flat_map(|id| sim.store().metering_of(id).unwrap())
        .map(|m| {
            (
                (
                    m.instance_id,
                    m.start_time,
                    m.end_time,
                    m.key,
                    m.value,
                    m.metering_assit,
                    m.serial_no,
                ),
                chrono::DateTime::from_timestamp_millis(m.received_at).unwrap(),
            )
        })
        .collect();
    stored.sort();
    assert_eq!(stored, pushed);
    // The first hour ran 55 minutes from 10:05: 3300 s of 1 CU and 2 CU.
    let first_hour: Vec<i64> = pushed
        .iter()
        .filter(|((_, start, _, key, ..), _)| *start == at("10:00:00").timestamp() && key == "Period")
        .map(|((.., value, _, _), _)| *value)
        .collect();
    assert_eq!(first_hour.iter().sum::<i64>(), 3300 * (1 + 2 + 2));
    let received: Vec<i64> = pushed.iter().map(|(_, t)| epoch_millis(*t)).collect();
    assert!(
        received.contains(&epoch_millis(at("11:00:01"))),
        "the throttled push went through when x-acs-retry-after said (1 s)"
    );
    world.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_cluster_running_the_clock_runs_idle_as_before() {
    let world = RunningWorld::start(WorldSetup::default_world(ClockMode::Manual))
        .await
        .unwrap();
    let clock = world.sim.clock().clone();
    let start = clock.now();
    let reached = clock.run_until_idle(Duration::from_secs(86_400)).await;
    assert_eq!(
        reached, start,
        "nothing is due: the usage reporter waits for a cluster"
    );
    assert!(world.console.usage_pushes_after(0).unwrap().is_empty());
    world.stop().await;
}

//! The metering family: PushMeteringData's rules one by one (and that a refused push stores
//! nothing), its 60-second rule on the world's clock, concurrent pushes each stored once,
//! PushTimesUsage's ClientToken window, and DescribeApiMetering over the fixture's packages.

mod common;

use axum::Router;
use common::openapi::call;
use common::openapi::http::keys_of;
use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::openapi::ops::metering::push::{stored, stored_count, Stored};
use marketsim_simulator::openapi::{operation, ApiError, Call, Caller, Params};
use marketsim_simulator::{router, Options, Simulator, World};
use protocol::openapi::v3;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::signed::HOST;
use testkit::Vendor;

const PRODUCT: &str = "cmgj00061912";
const SECOND_PRODUCT: &str = "cmgj00099999";
const OTHER_VENDORS_PRODUCT: &str = "cmgj00088888";
/// 2023-08-15 10:00:00 +08:00, the default world's start.
const TEN_AM: i64 = 1_692_064_800;

async fn vendor_answering() -> Vendor {
    Vendor::answering("zc-1", "http://vendor/sso").await
}

/// The default world plus a second product of the same vendor and another vendor with a product.
fn bigger_world(spi_url: &str) -> World {
    let mut world = world_with_vendor(spi_url);
    let mut second = world.products[0].clone();
    second.code = SECOND_PRODUCT.into();
    second.skus[0].id = format!("{SECOND_PRODUCT}-payg");
    let mut other_vendor = world.vendors[0].clone();
    other_vendor.id = "other".into();
    other_vendor.access_key_id = "LTAI5tOtherVendor0001".into();
    let mut foreign = world.products[0].clone();
    foreign.code = OTHER_VENDORS_PRODUCT.into();
    foreign.vendor = "other".into();
    foreign.skus[0].id = format!("{OTHER_VENDORS_PRODUCT}-payg");
    world.products.push(second);
    world.products.push(foreign);
    world.vendors.push(other_vendor);
    world
}

/// A world with one OPENED instance of each product (buyer-1's), by product code; the clock is two
/// minutes past ten.
struct Opened {
    sim: Simulator,
    ids: Vec<(String, String)>,
    _vendor: Vendor,
}

impl Opened {
    fn id(&self, product: &str) -> &str {
        &self.ids.iter().find(|(p, _)| p == product).unwrap().1
    }
}

async fn opened() -> Opened {
    let vendor = vendor_answering().await;
    let sim = simulator(bigger_world(&vendor.spi_url()));
    let buyer = sim.world().buyers[0].clone();
    let mut ids = Vec::new();
    for p in [PRODUCT, SECOND_PRODUCT, OTHER_VENDORS_PRODUCT] {
        let order = sim.open_service(&buyer, p, &format!("{p}-payg")).unwrap();
        ids.push((p.to_owned(), order.instance_id));
    }
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    for (_, id) in &ids {
        assert_eq!(sim.store().instance(id).unwrap().unwrap().status.code(), "OPENED");
    }
    Opened {
        sim,
        ids,
        _vendor: vendor,
    }
}

fn vendor<'w>(sim: &'w Simulator, id: &str) -> Caller<'w> {
    Caller::Vendor(sim.world().vendor(id).unwrap())
}

fn buyer(sim: &Simulator, n: usize) -> Caller<'_> {
    Caller::Buyer(&sim.world().buyers[n])
}

fn push(sim: &Simulator, metering: &Value) -> Result<Value, ApiError> {
    push_text(sim, &metering.to_string())
}

fn push_text(sim: &Simulator, metering: &str) -> Result<Value, ApiError> {
    call(
        sim,
        &vendor(sim, "zilliz"),
        "PushMeteringData",
        &[("Metering", metering)],
    )
}

/// A record of 09:50–10:00 with one Frequency entity.
fn record(instance: &str, product: &str) -> Value {
    json!({
        "InstanceId": instance,
        "StartTime": (TEN_AM - 600).to_string(),
        "EndTime": TEN_AM.to_string(),
        "Entities": [{"Key": "Frequency", "Value": "96", "meteringAssit": format!("{product}-Frequency-1")}],
    })
}

fn all_stored(o: &Opened) -> Vec<Stored> {
    o.ids
        .iter()
        .flat_map(|(_, id)| stored(&o.sim, id).unwrap())
        .collect()
}

/// Asserts the push fails with `code` (and a message containing `words`) and stores nothing.
fn refused(o: &Opened, metering: &str, code: &str, words: &str) {
    let before = all_stored(o).len();
    let e = push_text(&o.sim, metering).unwrap_err();
    assert_eq!(e.code, code, "{metering}: {e:?}");
    assert!(e.message.contains(words), "{metering}: {}", e.message);
    assert!(e.status == 400 || e.status == 403, "{e:?}");
    assert_eq!(all_stored(o).len(), before, "nothing is stored: {metering}");
}

#[tokio::test]
async fn a_valid_push_is_stored_with_the_marketplace_receive_time_and_answers_success() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let mut r = record(&id, PRODUCT);
    r["Entities"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Key": "Storage", "Value": 524288, "meteringAssit": format!("{PRODUCT}-Storage-2"), "SerialNo": "req-1"}));
    r["StartTime"] = json!(TEN_AM - 600);
    let answer = push(&o.sim, &json!([r])).unwrap();
    assert_eq!(answer, json!({"Success": true}));
    let rows = stored(&o.sim, &id).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].key, "Frequency");
    assert_eq!(rows[0].value, 96);
    assert_eq!((rows[0].start_time, rows[0].end_time), (TEN_AM - 600, TEN_AM));
    assert_eq!(rows[0].received_at, (TEN_AM + 120) * 1000);
    assert_eq!(rows[1].serial_no.as_deref(), Some("req-1"));
    assert_eq!(rows[1].value, 524288);
    assert!(rows.iter().all(|r| r.billable && r.product_code == PRODUCT));
}

#[tokio::test]
async fn metering_that_is_not_a_json_array_of_records_is_refused() {
    let o = opened().await;
    let m = "Invalid.Parameter.Metering";
    refused(&o, "[{\"InstanceId\":", m, "not valid JSON");
    refused(&o, "{\"InstanceId\":\"1\"}", m, "JSON array");
    refused(&o, "[]", m, "no record");
    refused(&o, "[42]", m, "not a JSON object");
    refused(&o, "\u{fffd}\u{fffd}", m, "not valid JSON");
    let e = push_text(&o.sim, "").unwrap_err();
    assert_eq!(e.code, "MissingMetering");
}

#[tokio::test]
async fn each_field_rule_is_checked_and_nothing_is_stored_on_failure() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let good = record(&id, PRODUCT);
    let m = "Invalid.Parameter.Metering";
    let with = |edit: &dyn Fn(&mut Value)| {
        // A good record first: the request must be refused as a whole.
        let mut bad = good.clone();
        edit(&mut bad);
        json!([good.clone(), bad]).to_string()
    };
    refused(
        &o,
        &with(&|r| drop(r.as_object_mut().unwrap().remove("InstanceId"))),
        m,
        "lacks InstanceId",
    );
    refused(
        &o,
        &with(&|r| drop(r.as_object_mut().unwrap().remove("StartTime"))),
        m,
        "lacks StartTime",
    );
    refused(&o, &with(&|r| r["EndTime"] = json!("ten")), m, "Unix seconds");
    refused(
        &o,
        &with(&|r| r["EndTime"] = json!((TEN_AM * 1000).to_string())),
        m,
        "milliseconds",
    );
    refused(
        &o,
        &with(&|r| r["StartTime"] = json!(TEN_AM - 300)),
        m,
        "more than 300 seconds",
    );
    refused(
        &o,
        &with(&|r| r["StartTime"] = json!(TEN_AM + 60)),
        m,
        "more than 300 seconds",
    );
    refused(&o, &with(&|r| r["Entities"] = json!([])), m, "Entities is empty");
    refused(
        &o,
        &with(&|r| drop(r.as_object_mut().unwrap().remove("Entities"))),
        m,
        "lacks Entities",
    );
    refused(
        &o,
        &with(&|r| r["Entities"][0]["Key"] = json!("Bananas")),
        m,
        "not a metering key",
    );
    refused(
        &o,
        &with(&|r| r["Entities"][0]["Value"] = json!("-1")),
        m,
        "must not be negative",
    );
    refused(
        &o,
        &with(&|r| r["Entities"][0]["Value"] = json!(-5)),
        m,
        "must not be negative",
    );
    refused(
        &o,
        &with(&|r| r["Entities"][0]["Value"] = json!("1.5")),
        m,
        "must be an integer",
    );
    refused(
        &o,
        &with(&|r| drop(r["Entities"][0].as_object_mut().unwrap().remove("Value"))),
        m,
        "lacks Value",
    );
    refused(
        &o,
        &with(&|r| r["Entities"][0]["meteringAssit"] = json!("")),
        m,
        "meteringAssit is empty",
    );
    refused(
        &o,
        &with(&|r| drop(r["Entities"][0].as_object_mut().unwrap().remove("meteringAssit"))),
        m,
        "meteringAssit is empty",
    );
    refused(
        &o,
        &with(&|r| r["Entities"][0]["meteringAssit"] = json!(format!("{PRODUCT}-Storage-1"))),
        m,
        "is not cmgj00061912-Frequency-<n>",
    );
    refused(
        &o,
        &with(&|r| r["Entities"][0]["meteringAssit"] = json!("cmgj00000001-Frequency-1")),
        m,
        "meteringAssit",
    );
    // The exact empty-assit message the marketplace documents.
    let e = push(
        &o.sim,
        &json!([{"InstanceId": id, "StartTime": TEN_AM - 600, "EndTime": TEN_AM,
        "Entities": [{"Key": "Frequency", "Value": 1, "meteringAssit": ""}]}]),
    )
    .unwrap_err();
    assert_eq!((e.status, e.message.as_str()), (400, "meteringAssit is empty"));
    // After all of that the instance was never throttled: a good push goes through.
    push(&o.sim, &json!([good])).unwrap();
    assert_eq!(stored(&o.sim, &id).unwrap().len(), 1);
}

#[tokio::test]
async fn more_than_a_hundred_records_is_metering_data_exceeded() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let hundred: Vec<Value> = (0..100).map(|_| record(&id, PRODUCT)).collect();
    let mut too_many = hundred.clone();
    too_many.push(record(&id, PRODUCT));
    refused(
        &o,
        &Value::Array(too_many).to_string(),
        "Metering.Data.Exceeded",
        "must not exceed 100",
    );
    push(&o.sim, &Value::Array(hundred)).unwrap();
    assert_eq!(stored(&o.sim, &id).unwrap().len(), 100);
}

#[tokio::test]
async fn instances_of_two_products_in_one_request_are_refused() {
    let o = opened().await;
    let both = json!([
        record(o.id(PRODUCT), PRODUCT),
        record(o.id(SECOND_PRODUCT), SECOND_PRODUCT)
    ]);
    refused(&o, &both.to_string(), "Invalid.Parameter", "same product");
    // Each alone is fine.
    push(&o.sim, &json!([record(o.id(PRODUCT), PRODUCT)])).unwrap();
    push(&o.sim, &json!([record(o.id(SECOND_PRODUCT), SECOND_PRODUCT)])).unwrap();
}

#[tokio::test]
async fn unknown_and_other_vendors_instances_read_the_same() {
    let o = opened().await;
    let unknown = refused_message(&o, &json!([record("99999999", PRODUCT)]));
    let foreign = refused_message(
        &o,
        &json!([record(o.id(OTHER_VENDORS_PRODUCT), OTHER_VENDORS_PRODUCT)]),
    );
    assert_eq!(unknown.0, "Invalid.Parameter.Instance");
    assert_eq!(foreign.0, "Invalid.Parameter.Instance");
    assert!(foreign.1.ends_with("does not exist.") && unknown.1.ends_with("does not exist."));
    // The other vendor may push for its own instance.
    let other = vendor(&o.sim, "other");
    let m = json!([record(o.id(OTHER_VENDORS_PRODUCT), OTHER_VENDORS_PRODUCT)]).to_string();
    call(&o.sim, &other, "PushMeteringData", &[("Metering", &m)]).unwrap();
}

fn refused_message(o: &Opened, metering: &Value) -> (String, String) {
    let before = all_stored(o).len();
    let e = push(&o.sim, metering).unwrap_err();
    assert_eq!(all_stored(o).len(), before);
    (e.code, e.message)
}

#[tokio::test]
async fn an_instance_still_opening_cannot_be_metered() {
    let vendor = vendor_answering().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let id = Client::signed_in(&sim, "buyer-1").await.open_service().await;
    let e = push(&sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!(e.code, "Invalid.Parameter.Instance");
    assert!(e.message.contains("OPENING"), "{}", e.message);
    assert!(stored(&sim, &id).unwrap().is_empty());
}

#[tokio::test]
async fn a_window_pushed_after_the_end_of_the_next_hour_is_refused_as_late() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    // 08:10–08:20 was due before 10:00; it is 10:02.
    let mut late = record(&id, PRODUCT);
    late["StartTime"] = json!(TEN_AM - 6600);
    late["EndTime"] = json!(TEN_AM - 6000);
    refused(
        &o,
        &json!([late]).to_string(),
        "Invalid.Parameter.Metering",
        "late data is not billed",
    );
    // 09:00–10:00 is due before 11:00.
    let mut hour = record(&id, PRODUCT);
    hour["StartTime"] = json!(TEN_AM - 3600);
    push(&o.sim, &json!([hour])).unwrap();
}

#[tokio::test]
async fn a_second_push_within_sixty_virtual_seconds_is_throttled_until_the_clock_moves() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    let e = push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!(e.code, "Service.Flow.Control");
    assert_eq!(e.message, "The rate throttling threshold has been exceeded.");
    assert_eq!(e.status, 400);
    assert_eq!(e.retry_after, Some(60));
    // Another instance of the same product is not held back.
    push(&o.sim, &json!([record(o.id(SECOND_PRODUCT), SECOND_PRODUCT)])).unwrap();
    o.sim.clock().advance(Duration::from_secs(59)).await.unwrap();
    let e = push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.retry_after),
        ("Service.Flow.Control", Some(1))
    );
    assert_eq!(
        stored(&o.sim, &id).unwrap().len(),
        1,
        "throttled pushes store nothing"
    );
    o.sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    assert_eq!(stored(&o.sim, &id).unwrap().len(), 2);
}

#[tokio::test]
async fn the_sixty_second_rule_holds_across_a_restart_of_the_data_directory() {
    let vendor = vendor_answering().await;
    let dir = tempfile::tempdir().unwrap();
    let options = || Options {
        data_dir: Some(dir.path().to_owned()),
        ..Options::default()
    };
    let first = Simulator::open(bigger_world(&vendor.spi_url()), options()).unwrap();
    let buyer = first.world().buyers[0].clone();
    let id = first
        .open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"))
        .unwrap()
        .instance_id;
    first.clock().advance(Duration::from_secs(120)).await.unwrap();
    push(&first, &json!([record(&id, PRODUCT)])).unwrap();
    drop(first);

    let again = Simulator::open(bigger_world(&vendor.spi_url()), options()).unwrap();
    let e = push(&again, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.retry_after),
        ("Service.Flow.Control", Some(60))
    );
    again.clock().advance(Duration::from_secs(60)).await.unwrap();
    push(&again, &json!([record(&id, PRODUCT)])).unwrap();
    assert_eq!(stored(&again, &id).unwrap().len(), 2);
}

#[tokio::test]
async fn a_reset_world_forgets_last_pushes_though_it_reuses_the_instance_ids() {
    let o = opened().await;
    let buyer = o.sim.world().buyers[0].clone();
    let id = o.id(PRODUCT).to_owned();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    o.sim.reset().await.unwrap();
    let reopened = o
        .sim
        .open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"))
        .unwrap()
        .instance_id;
    assert_eq!(reopened, id, "the id generator starts again from the seed");
    o.sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    assert_eq!(stored(&o.sim, &id).unwrap().len(), 1);
}

/// `n` OPENED instances of the vendor's product; the clock is two minutes past ten.
async fn opened_many(n: usize) -> (Simulator, Vec<String>, Vendor) {
    let vendor = vendor_answering().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyers[0].clone();
    let ids = (0..n)
        .map(|_| {
            sim.open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"))
                .unwrap()
                .instance_id
        })
        .collect();
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    (sim, ids, vendor)
}

/// Pushes one record for each of `instances`, all at once from tasks of the runtime, through the
/// operation as the HTTP entry runs it; the answers in order.
async fn push_together(sim: &Simulator, instances: &[String]) -> Vec<Result<Value, ApiError>> {
    let tasks: Vec<_> = instances
        .iter()
        .map(|id| {
            let sim = sim.clone();
            let metering = json!([record(id, PRODUCT)]).to_string();
            tokio::spawn(async move {
                let params = Params::from_pairs([("Metering".to_string(), metering)]);
                let call = Call {
                    sim: &sim,
                    caller: vendor(&sim, "zilliz"),
                    params: &params,
                    sts: false,
                };
                operation("PushMeteringData").unwrap().run(&call).await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_pushes_are_all_stored_once() {
    let (sim, ids, _vendor) = opened_many(200).await;
    let answers = push_together(&sim, &ids).await;
    assert!(
        answers.iter().all(|a| a == &Ok(json!({"Success": true}))),
        "{answers:?}"
    );
    assert_eq!(stored_count(&sim).unwrap(), 200);
    for id in &ids {
        assert_eq!(stored(&sim, id).unwrap().len(), 1, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_concurrent_pushes_of_one_instance_one_is_stored_and_the_others_are_throttled() {
    let (sim, ids, _vendor) = opened_many(1).await;
    let answers = push_together(&sim, &vec![ids[0].clone(); 8]).await;
    let stored_answers = answers.iter().filter(|a| a.is_ok()).count();
    let throttled = answers
        .iter()
        .filter(|a| a.as_ref().is_err_and(|e| e.code == "Service.Flow.Control"))
        .count();
    assert_eq!((stored_answers, throttled), (1, 7), "{answers:?}");
    assert_eq!(stored(&sim, &ids[0]).unwrap().len(), 1);
}

#[tokio::test]
async fn the_throttled_error_carries_x_acs_retry_after() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap();
    let e = push(&o.sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    let response = e.respond("REQ", false);
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()["x-acs-retry-after"], "60");
}

#[tokio::test]
async fn buyers_and_sts_credentials_may_not_push() {
    let o = opened().await;
    let m = json!([record(o.id(PRODUCT), PRODUCT)]).to_string();
    let e = call(&o.sim, &buyer(&o.sim, 0), "PushMeteringData", &[("Metering", &m)]).unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (403, "Forbidden.RAM"));
    let params = Params::from_pairs([("Metering".to_string(), m)]);
    let e = operation("PushMeteringData")
        .unwrap()
        .run_alone(&Call {
            sim: &o.sim,
            caller: vendor(&o.sim, "zilliz"),
            params: &params,
            sts: true,
        })
        .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (403, "Permission.Denied"));
    assert!(all_stored(&o).is_empty());
}

fn times(sim: &Simulator, instance: &str, n: &str, token: &str) -> Result<Value, ApiError> {
    call(
        sim,
        &vendor(sim, "zilliz"),
        "PushTimesUsage",
        &[("InstanceId", instance), ("Times", n), ("ClientToken", token)],
    )
}

fn metering_of(sim: &Simulator, buyer_n: usize, extra: &[(&str, &str)]) -> Value {
    let mut params = vec![("pageNum", "1")];
    params.extend_from_slice(extra);
    call(sim, &buyer(sim, buyer_n), "DescribeApiMetering", &params).unwrap()
}

#[tokio::test]
async fn describe_api_metering_answers_the_fixture_packages_in_the_model_shape() {
    let sim = simulator(World::default_world());
    let a = metering_of(&sim, 0, &[]);
    assert_eq!(a["Code"], "200");
    assert_eq!(a["Success"], true);
    assert_eq!(a["Fatal"], false);
    assert_eq!(a["Count"], 2);
    assert_eq!(a["PageNumber"], 1);
    assert!(a["PageSize"].is_i64() && a["Version"].is_string() && a["Message"].is_string());
    let first = &a["Result"][0];
    assert_eq!(first["AliyunPk"], json!(1_763_420_985_012_345_i64));
    assert_eq!(first["ProductCode"], PRODUCT);
    assert_eq!(first["ProductName"], "Zilliz Cloud");
    assert_eq!(first["TotalCapacity"], 10000);
    assert_eq!(first["TotalUsage"], 1200);
    assert_eq!(first["TotalQuota"], 8800);
    assert_eq!(first["Unit"], "次");
    let resource = metering_of(&sim, 0, &[("type", "2")]);
    assert_eq!(resource["Count"], 1);
    assert_eq!(resource["Result"][0]["TotalCapacity"], 50000);
    assert_eq!(
        metering_of(&sim, 0, &[("productCode", "cmgj00000000")])["Count"],
        0
    );
    assert_eq!(metering_of(&sim, 1, &[])["Result"][0]["TotalUsage"], 1999);
    let page_two = metering_of(&sim, 0, &[]).get("Result").cloned();
    assert!(page_two.is_some());
    let second_page = call(&sim, &buyer(&sim, 0), "DescribeApiMetering", &[("pageNum", "2")]).unwrap();
    assert_eq!(second_page["Result"], json!([]));
    assert_eq!(second_page["Count"], 2);
}

#[tokio::test]
async fn describe_api_metering_refuses_vendors_and_bad_parameters() {
    let sim = simulator(World::default_world());
    let e = call(
        &sim,
        &vendor(&sim, "zilliz"),
        "DescribeApiMetering",
        &[("pageNum", "1")],
    )
    .unwrap_err();
    assert_eq!(e.code, "Forbidden.RAM");
    let b = buyer(&sim, 0);
    assert_eq!(
        call(&sim, &b, "DescribeApiMetering", &[]).unwrap_err().code,
        "MissingpageNum"
    );
    assert_eq!(
        call(&sim, &b, "DescribeApiMetering", &[("pageNum", "0")])
            .unwrap_err()
            .code,
        "InvalidpageNum"
    );
    assert_eq!(
        call(
            &sim,
            &b,
            "DescribeApiMetering",
            &[("pageNum", "1"), ("type", "3")]
        )
        .unwrap_err()
        .code,
        "Invalidtype"
    );
}

#[tokio::test]
async fn push_times_usage_deducts_once_per_client_token_within_a_day() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let answer = times(&o.sim, &id, "300", "8e6c5f3a-token-1").unwrap();
    assert_eq!(
        answer,
        json!({"AccessDeniedDetail": "", "Code": "200", "ForceFatal": false, "HttpStateCode": "200",
               "Message": "success", "Result": true, "Success": true})
    );
    let usage = |sim: &Simulator| metering_of(sim, 0, &[("type", "1")])["Result"][0]["TotalUsage"].clone();
    assert_eq!(usage(&o.sim), 1500);
    // The same token again, even with other numbers, answers the first answer and deducts nothing.
    assert_eq!(times(&o.sim, &id, "999", "8e6c5f3a-token-1").unwrap(), answer);
    assert_eq!(usage(&o.sim), 1500);
    o.sim
        .clock()
        .advance(Duration::from_secs(24 * 3600 - 1))
        .await
        .unwrap();
    times(&o.sim, &id, "999", "8e6c5f3a-token-1").unwrap();
    assert_eq!(usage(&o.sim), 1500, "still within 24 hours");
    o.sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    times(&o.sim, &id, "100", "8e6c5f3a-token-1").unwrap();
    assert_eq!(usage(&o.sim), 1600, "a day later the token counts again");
}

#[tokio::test]
async fn deductions_fill_the_subscription_package_before_the_resource_package() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    times(&o.sim, &id, "9000", "t-1").unwrap();
    let a = metering_of(&o.sim, 0, &[]);
    assert_eq!(a["Result"][0]["TotalUsage"], 10000);
    assert_eq!(a["Result"][0]["TotalQuota"], 0);
    assert_eq!(a["Result"][1]["TotalUsage"], 200);
    assert_eq!(a["Result"][1]["TotalQuota"], 49800);
    // An adjustment gives calls back.
    call(
        &o.sim,
        &vendor(&o.sim, "zilliz"),
        "PushTimesUsage",
        &[
            ("InstanceId", &id),
            ("Times", "500"),
            ("Adjust", "true"),
            ("AdjustDate", "1692028800000"),
            ("ClientToken", "t-2"),
            ("Mark", "refund"),
        ],
    )
    .unwrap();
    let a = metering_of(&o.sim, 0, &[]);
    assert_eq!(a["Result"][0]["TotalUsage"], 9700);
    assert_eq!(a["Result"][1]["TotalUsage"], 0);
    // buyer-2's packages are untouched.
    assert_eq!(metering_of(&o.sim, 1, &[])["Result"][0]["TotalUsage"], 1999);
}

#[tokio::test]
async fn push_times_usage_checks_its_parameters_and_tenancy() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let z = vendor(&o.sim, "zilliz");
    let e = |params: &[(&str, &str)]| call(&o.sim, &z, "PushTimesUsage", params).unwrap_err();
    assert_eq!(e(&[("Times", "1")]).code, "MissingInstanceId");
    assert_eq!(e(&[("InstanceId", &id)]).code, "MissingTimes");
    assert_eq!(e(&[("InstanceId", &id), ("Times", "0")]).code, "InvalidTimes");
    assert_eq!(e(&[("InstanceId", &id), ("Times", "-4")]).code, "InvalidTimes");
    assert_eq!(e(&[("InstanceId", &id), ("Times", "x")]).code, "InvalidTimes");
    assert_eq!(
        e(&[("InstanceId", &id), ("Times", "1"), ("Adjust", "maybe")]).code,
        "InvalidAdjust"
    );
    let long = "x".repeat(65);
    assert_eq!(
        e(&[("InstanceId", &id), ("Times", "1"), ("ClientToken", &long)]).code,
        "InvalidClientToken"
    );
    let unknown = e(&[("InstanceId", "99999999"), ("Times", "1")]);
    let foreign = e(&[("InstanceId", o.id(OTHER_VENDORS_PRODUCT)), ("Times", "1")]);
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (404, "InvalidInstanceId.NotFound")
    );
    assert_eq!(foreign, unknown);
    let by_buyer = call(
        &o.sim,
        &buyer(&o.sim, 0),
        "PushTimesUsage",
        &[("InstanceId", &id), ("Times", "1")],
    );
    assert_eq!(by_buyer.unwrap_err().code, "Forbidden.RAM");
    assert_eq!(
        metering_of(&o.sim, 0, &[("type", "1")])["Result"][0]["TotalUsage"],
        1200
    );
}

// Through HTTP, signed as the SDK signs (V3 ACS3-HMAC-SHA256), parameters where the SDK puts them.

/// Sends `action` signed with `caller`'s AccessKey over `method`, `query` in the URL.
async fn send(
    app: &Router,
    caller: &Caller<'_>,
    method: &str,
    action: &str,
    query: &[(&str, &str)],
) -> testkit::Answer {
    let mut request = v3::Request::new(method, HOST, action);
    for (k, v) in query {
        request = request.query(k, v);
    }
    testkit::signed::v3(app, request, &keys_of(caller)).await
}

#[tokio::test]
async fn a_signed_push_over_http_is_stored_and_a_second_one_is_throttled_with_retry_after() {
    let o = opened().await;
    let app = router(o.sim.clone());
    let id = o.id(PRODUCT).to_owned();
    let z = vendor(&o.sim, "zilliz");
    let m = json!([record(&id, PRODUCT)]).to_string();
    let ok = send(&app, &z, "POST", "PushMeteringData", &[("Metering", &m)]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["Success"], true);
    assert!(ok.json()["RequestId"].as_str().is_some_and(|r| r.len() == 36));
    assert_eq!(stored(&o.sim, &id).unwrap().len(), 1);
    let throttled = send(&app, &z, "POST", "PushMeteringData", &[("Metering", &m)]).await;
    assert_eq!(throttled.status, 400);
    assert_eq!(throttled.json()["Code"], "Service.Flow.Control");
    assert_eq!(throttled.header("x-acs-retry-after"), Some("60"));
    assert_eq!(stored(&o.sim, &id).unwrap().len(), 1);
}

#[tokio::test]
async fn garbage_metering_over_http_is_a_documented_error_and_the_server_keeps_answering() {
    let o = opened().await;
    let app = router(o.sim.clone());
    let id = o.id(PRODUCT).to_owned();
    let z = vendor(&o.sim, "zilliz");
    for bad in ["not json", "{}", "[null]", "[[[[[[[[", "\u{0}\u{1}"] {
        let a = send(&app, &z, "POST", "PushMeteringData", &[("Metering", bad)]).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.body);
        assert_eq!(a.json()["Code"], "Invalid.Parameter.Metering", "{bad}");
    }
    assert!(stored(&o.sim, &id).unwrap().is_empty());
    let m = json!([record(&id, PRODUCT)]).to_string();
    let ok = send(&app, &z, "POST", "PushMeteringData", &[("Metering", &m)]).await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn describe_api_metering_answers_a_signed_get_with_lower_camel_parameters() {
    let sim = simulator(World::default_world());
    let app = router(sim.clone());
    let a = send(
        &app,
        &buyer(&sim, 0),
        "GET",
        "DescribeApiMetering",
        &[("pageNum", "1"), ("productCode", PRODUCT), ("type", "1")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["Count"], 1);
    assert_eq!(a.json()["Result"][0]["TotalQuota"], 8800);
}

#[tokio::test]
async fn push_times_usage_answers_a_signed_request() {
    let o = opened().await;
    let app = router(o.sim.clone());
    let id = o.id(PRODUCT).to_owned();
    let a = send(
        &app,
        &vendor(&o.sim, "zilliz"),
        "POST",
        "PushTimesUsage",
        &[("InstanceId", &id), ("Times", "5"), ("ClientToken", "c0ffee")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        (a.json()["Code"].clone(), a.json()["Result"].clone()),
        (json!("200"), json!(true))
    );
}

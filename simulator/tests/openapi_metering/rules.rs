//! PushMeteringData's rules one by one — the shape of the records, each field's rule, the record
//! limit, one product per request, tenancy, an instance still opening, a late window — each refusal
//! storing nothing; and who may push.

use super::*;

#[tokio::test]
async fn a_valid_push_is_stored_with_the_marketplace_receive_time_and_answers_success() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let mut r = record(&id, PRODUCT);
    r["Entities"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Key": "StorageGigaByte", "Value": 524288, "meteringAssit": format!("{PRODUCT}-StorageGigaByte-1"), "SerialNo": "req-1"}));
    r["StartTime"] = json!(TEN_AM - 600);
    let answer = push(&o.sim, &json!([r])).unwrap();
    assert_eq!(answer, json!({"Success": true}));
    let rows = o.sim.store().metering_of(&id).unwrap();
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
    assert_eq!(e.code(), "MissingMetering");
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
    assert_eq!((e.status(), e.message()), (400, "meteringAssit is empty"));
    // After all of that the instance was never throttled: a good push goes through.
    push(&o.sim, &json!([good])).unwrap();
    assert_eq!(o.sim.store().metering_of(&id).unwrap().len(), 1);
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
    assert_eq!(o.sim.store().metering_of(&id).unwrap().len(), 100);
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
    (e.code().to_owned(), e.message().to_owned())
}

#[tokio::test]
async fn an_instance_still_opening_cannot_be_metered() {
    let vendor = vendor_answering().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let id = Client::signed_in(&sim, "buyer-1").await.open_service().await;
    let e = push(&sim, &json!([record(&id, PRODUCT)])).unwrap_err();
    assert_eq!(e.code(), "Invalid.Parameter.Instance");
    assert!(e.message().contains("OPENING"), "{}", e.message());
    assert!(sim.store().metering_of(&id).unwrap().is_empty());
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
async fn buyers_and_sts_credentials_may_not_push() {
    let o = opened().await;
    let m = json!([record(o.id(PRODUCT), PRODUCT)]).to_string();
    let e = call(&o.sim, &buyer(&o.sim, 0), "PushMeteringData", &[("Metering", &m)]).unwrap_err();
    assert_eq!((e.status(), e.code()), (403, "Forbidden.RAM"));
    let params = Params::from_pairs([("Metering".to_string(), m)]);
    let e = operation("PushMeteringData")
        .unwrap()
        .call(&Call {
            sim: &o.sim,
            caller: vendor(&o.sim, "zilliz"),
            params: &params,
            sts: true,
        })
        .unwrap_err();
    assert_eq!((e.status(), e.code()), (403, "Permission.Denied"));
    assert!(all_stored(&o).is_empty());
}

//! What the vendor and the buyer read of a purchase: the seeded instance, order and image instance
//! in the ISV models, the buyer's models, and the buyer's list with its paging and filters.

use super::*;

#[test]
fn the_vendor_reads_a_seeded_instance_in_the_isv_model_shape() {
    let sim = Simulator::for_tests();
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
    );
    assert_model(&a, INSTANCE_FOR_ISV, &["RelationalData"]);
    assert_eq!(a["InstanceId"], json!(15511111));
    assert_eq!(a["OrderId"], json!(204211111111111_i64));
    assert_eq!(a["Status"], "OPENED");
    assert_eq!(a["ProductCode"], "cmgj00061912");
    assert_eq!(a["ProductSkuCode"], "cmgj00061912-payg");
    assert_eq!(a["ProductName"], "Zilliz Cloud");
    assert_eq!(a["ProductType"], "APP");
    assert_eq!(a["SupplierName"], "Zilliz");
    assert_eq!(a["IsTrial"], false);
    assert_eq!(a["EndOn"], json!(NEVER));
    // 2023-08-01 09:30 and 09:32 +08:00.
    assert_eq!(a["CreatedOn"], json!(1_690_853_400_000_i64));
    assert_eq!(a["BeganOn"], json!(1_690_853_520_000_i64));
    assert_eq!(
        inner(&a, "AppJson")["authUrl"],
        "https://cloud.zilliz.com/aliyun/sso"
    );
    assert_eq!(inner(&a, "HostJson"), json!({"region": "cn-hangzhou"}));
    assert_eq!(
        inner(&a, "AutoRenewal"),
        json!({"autoRenewCycle": "Month", "autoRenewDuration": 1})
    );
    assert_eq!(
        inner(&a, "ImageJson"),
        json!({"imageId": "m-bp1seedzilliz0001", "instanceId": SEEDED_INSTANCE, "ecsInstanceId": SEEDED_ECS})
    );
    assert_eq!(
        inner(&a, "ComponentJson"),
        json!({"package_version": "cmgj00061912-payg"})
    );
}

#[test]
fn an_instance_whose_opening_failed_shows_as_still_opening_with_no_start() {
    let sim = Simulator::for_tests();
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", FAILED_INSTANCE)],
    );
    assert_model(&a, INSTANCE_FOR_ISV, &["RelationalData", "BeganOn"]);
    assert_eq!(a["Status"], "OPENING");
    assert_eq!(a["AppJson"], "");
    assert_eq!(a["AutoRenewal"], "", "auto-renewal off reads empty");
    assert_eq!(a["ImageJson"], "");
}

#[test]
fn the_vendor_reads_a_seeded_order_with_its_instance_ids_as_a_flat_array() {
    let sim = Simulator::for_tests();
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeOrderForIsv",
        &[("OrderId", SEEDED_ORDER)],
    );
    assert_model(&a, ORDER_FOR_ISV, &[]);
    assert_eq!(a["InstanceIds"], json!([SEEDED_INSTANCE]));
    assert_eq!(a["AliUid"], json!(1_903_111_111_115_678_i64));
    assert_eq!(a["OrderType"], "NEW");
    assert_eq!(a["OrderStatus"], "NORMAL");
    assert_eq!(a["PayStatus"], "PAID");
    assert_eq!(a["PaymentPrice"], json!(0.0));
    assert_eq!(a["Quantity"], 1);
    assert_eq!(a["Components"]["package_version"]["value"], "cmgj00061912-payg");
    assert_eq!(a["Components"]["package_version"]["name"], "按量付费");
}

#[test]
fn the_image_instance_is_found_by_its_ecs_instance_and_shows_flat_modules() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    let a = ok(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS)],
    );
    assert_model(&a, IMAGE_INSTANCE, &["RelationalData"]);
    assert_eq!(a["InstanceId"], json!(15511111));
    let module = &a["Modules"][0];
    assert_eq!(module["Code"], "package_version");
    assert_eq!(module["Properties"][0]["Key"], "package_version");
    assert_eq!(
        module["Properties"][0]["PropertyValues"][0]["Value"],
        "cmgj00061912-payg"
    );
    let with_customer = ok(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS), ("CustomerPk", SEEDED_CUSTOMER)],
    );
    assert_eq!(with_customer["InstanceId"], a["InstanceId"]);

    let wrong_customer = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS), ("CustomerPk", "1763420985012345")],
    );
    let unknown = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", "i-nothere")],
    );
    assert_eq!(wrong_customer, unknown, "another customer's reads as unknown");
    assert_eq!(unknown.code(), "InvalidEcsInstanceId.NotFound");
    assert_eq!(unknown.status(), 404);
    let missing = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("CustomerPk", SEEDED_CUSTOMER)],
    );
    assert_eq!(missing.code(), "MissingEcsInstanceId");
    let bad_pk = err(
        &sim,
        &v,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS), ("CustomerPk", "me")],
    );
    assert_eq!(bad_pk.code(), "InvalidCustomerPk");
}

#[test]
fn the_buyer_reads_its_instance_and_order_in_the_buyer_model_shapes() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let (order, instance) = buy(&sim, "buyer-1", "cmgj00061912", "shape");
    let a = ok(&sim, &b, "DescribeInstance", &[("InstanceId", &instance)]);
    assert_model(&a, INSTANCE_FOR_BUYER, &["RelationalData", "BeganOn"]);
    assert_eq!(a["Status"], "OPENING");
    assert_eq!(a["InstanceId"], json!(instance.parse::<i64>().unwrap()));
    assert_eq!(a["OrderId"], json!(order.parse::<i64>().unwrap()));
    let module = &a["Modules"]["Module"][0];
    assert_eq!(module["Code"], "package_version");
    let value = &module["Properties"]["Property"][0]["PropertyValues"]["PropertyValue"][0];
    assert_eq!(value["Value"], "cmgj00061912-payg");
    assert_eq!(value["DisplayName"], "按量付费");

    let o = ok(&sim, &b, "DescribeOrder", &[("OrderId", &order)]);
    assert_model(&o, ORDER, &[]);
    assert_eq!(o["InstanceIds"], json!({"InstanceId": [instance]}));
    assert_eq!(o["AliUid"], json!(1_763_420_985_012_345_i64));
    assert_eq!(o["SupplierCompanyName"], "Zilliz");
    assert_eq!(o["SupplierTelephones"], json!({"Telephone": []}));
    assert_eq!(o["CreatedOn"], o["PaidOn"], "paid at once");
    assert_eq!(o["CreatedOn"], a["CreatedOn"]);
    assert_eq!(o["TotalPrice"], json!(0.0));
}

#[test]
fn describe_instances_pages_the_buyers_instances_newest_first() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let ids: Vec<String> = (1..=3)
        .map(|n| buy(&sim, "buyer-1", "cmgj00061912", &format!("page-{n}")).1)
        .collect();
    let page = |number: &str, size: &str| {
        ok(
            &sim,
            &b,
            "DescribeInstances",
            &[("PageNumber", number), ("PageSize", size)],
        )
    };
    let first = page("1", "2");
    assert_model(&first, INSTANCES, &[]);
    assert_eq!(
        (first["PageNumber"].clone(), first["PageSize"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(first["TotalCount"], 3);
    let items = first["InstanceItems"]["InstanceItem"].as_array().unwrap();
    for item in items {
        assert_model(item, INSTANCE_ITEM, &["BeganOn"]);
    }
    let listed = |answer: &Value| -> Vec<String> {
        answer["InstanceItems"]["InstanceItem"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["InstanceId"].as_i64().unwrap().to_string())
            .collect()
    };
    assert_eq!(listed(&first), [ids[2].clone(), ids[1].clone()]);
    let second = page("2", "2");
    assert_eq!(listed(&second), [ids[0].clone()]);
    assert_eq!(second["TotalCount"], 3);
    assert!(listed(&page("3", "2")).is_empty());
    assert_eq!(listed(&page("1", "100")).len(), 3);

    let refused = |params: &[(&str, &str)]| err(&sim, &b, "DescribeInstances", params).code().to_owned();
    assert_eq!(refused(&[("PageSize", "10")]), "MissingPageNumber");
    assert_eq!(refused(&[("PageNumber", "1")]), "MissingPageSize");
    assert_eq!(
        refused(&[("PageNumber", "0"), ("PageSize", "10")]),
        "InvalidPageNumber"
    );
    assert_eq!(
        refused(&[("PageNumber", "x"), ("PageSize", "10")]),
        "InvalidPageNumber"
    );
    assert_eq!(
        refused(&[("PageNumber", "1"), ("PageSize", "0")]),
        "InvalidPageSize"
    );
    assert_eq!(
        refused(&[("PageNumber", "1"), ("PageSize", "101")]),
        "InvalidPageSize"
    );
}

#[test]
fn codes_and_except_codes_filter_the_list_and_refuse_each_other() {
    let sim = simulator(two_vendor_world());
    let b = buyer(&sim, "buyer-1");
    let zilliz = buy(&sim, "buyer-1", "cmgj00061912", "f-1").1;
    let acme = buy(&sim, "buyer-1", "cmgj00099999", "f-2").1;
    let listed = |extra: &[(&str, &str)]| -> Vec<String> {
        let mut params = vec![("PageNumber", "1"), ("PageSize", "10")];
        params.extend_from_slice(extra);
        ok(&sim, &b, "DescribeInstances", &params)["InstanceItems"]["InstanceItem"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["InstanceId"].as_i64().unwrap().to_string())
            .collect()
    };
    assert_eq!(listed(&[]), [acme.clone(), zilliz.clone()]);
    assert_eq!(listed(&[("Codes", "cmgj00061912")]), [zilliz.as_str()]);
    assert_eq!(listed(&[("Codes", "cmgj00061912, cmgj00099999")]).len(), 2);
    assert_eq!(listed(&[("ExceptCodes", "cmgj00061912")]), [acme.as_str()]);
    assert!(listed(&[("ExceptCodes", "cmgj00061912,cmgj00099999")]).is_empty());
    assert_eq!(listed(&[("ProductType", "APP")]), [zilliz.as_str()]);
    assert_eq!(listed(&[("ProductType", "SERVICE")]), [acme.as_str()]);
    assert!(listed(&[("ProductType", "MIRROR")]).is_empty());

    let both = err(
        &sim,
        &b,
        "DescribeInstances",
        &[
            ("PageNumber", "1"),
            ("PageSize", "10"),
            ("Codes", "cmgj00061912"),
            ("ExceptCodes", "cmgj00099999"),
        ],
    );
    assert_eq!((both.status(), both.code()), (400, "InvalidExceptCodes"));
    let kind = err(
        &sim,
        &b,
        "DescribeInstances",
        &[("PageNumber", "1"), ("PageSize", "10"), ("ProductType", "BOAT")],
    );
    assert_eq!(kind.code(), "InvalidProductType");
}

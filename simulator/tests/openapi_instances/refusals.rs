//! Tenancy and malformed ids: a caller of the wrong kind is refused, another vendor's or buyer's
//! purchase reads as unknown, and missing or malformed ids get their own codes.

use super::*;

#[test]
fn a_buyer_calling_an_isv_operation_is_refused_with_forbidden_ram() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    for (action, params) in [
        ("DescribeInstanceForIsv", ("InstanceId", SEEDED_INSTANCE)),
        ("DescribeOrderForIsv", ("OrderId", SEEDED_ORDER)),
        ("DescribeImageInstanceForIsv", ("EcsInstanceId", SEEDED_ECS)),
    ] {
        let e = err(&sim, &b, action, &[params]);
        assert_eq!((e.status(), e.code()), (403, "Forbidden.RAM"), "{action}");
    }
}

#[test]
fn a_vendor_calling_a_buyer_operation_is_refused_with_forbidden_ram() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    for (action, params) in [
        ("DescribeInstance", vec![("InstanceId", SEEDED_INSTANCE)]),
        ("DescribeInstances", vec![("PageNumber", "1"), ("PageSize", "10")]),
        ("DescribeOrder", vec![("OrderId", SEEDED_ORDER)]),
        (
            "CreateOrder",
            vec![
                ("OrderType", "INSTANCE_BUY"),
                (
                    "Commodity",
                    r#"{"productCode":"cmgj00061912","skuCode":"postpay"}"#,
                ),
                ("PaymentType", "AUTO"),
                ("ClientToken", "t-1"),
            ],
        ),
        (
            "AutoRenewInstance",
            vec![("OrderBizId", SEEDED_INSTANCE), ("Type", "close")],
        ),
    ] {
        let e = err(&sim, &v, action, &params);
        assert_eq!((e.status(), e.code()), (403, "Forbidden.RAM"), "{action}");
    }
    assert!(sim
        .store()
        .instances_of(&sim.world().buyers[0].ali_uid)
        .unwrap()
        .is_empty());
}

#[test]
fn another_vendor_sees_the_first_vendors_instances_and_orders_as_unknown() {
    let sim = simulator(two_vendor_world());
    let acme = Caller::Vendor(sim.world().vendor("acme").unwrap());
    for (action, name, id, unknown) in [
        (
            "DescribeInstanceForIsv",
            "InstanceId",
            SEEDED_INSTANCE,
            "99999999",
        ),
        ("DescribeOrderForIsv", "OrderId", SEEDED_ORDER, "299999999999999"),
    ] {
        let theirs = err(&sim, &acme, action, &[(name, id)]);
        let nobodys = err(&sim, &acme, action, &[(name, unknown)]);
        assert_eq!(theirs, nobodys, "{action}");
        assert_eq!(theirs.status(), 404);
        assert_eq!(theirs.code(), format!("Invalid{name}.NotFound"));
    }
    let image = err(
        &sim,
        &acme,
        "DescribeImageInstanceForIsv",
        &[("EcsInstanceId", SEEDED_ECS)],
    );
    assert_eq!(image.code(), "InvalidEcsInstanceId.NotFound");
    // Acme does see its own product's purchases.
    let (order, instance) = buy(&sim, "buyer-1", "cmgj00099999", "acme-1");
    let a = ok(
        &sim,
        &acme,
        "DescribeInstanceForIsv",
        &[("InstanceId", &instance)],
    );
    assert_eq!(a["Status"], "READYING", "a SERVICE product not yet started");
    assert_model(&a, INSTANCE_FOR_ISV, &["BeganOn"]);
    assert_eq!(a["RelationalData"], json!({"ServiceStatus": "READYING"}));
    ok(&sim, &acme, "DescribeOrderForIsv", &[("OrderId", &order)]);
    let zilliz = vendor(&sim);
    assert_eq!(
        err(&sim, &zilliz, "DescribeOrderForIsv", &[("OrderId", &order)]).code(),
        "InvalidOrderId.NotFound"
    );
}

#[test]
fn a_buyer_sees_another_buyers_instance_and_order_as_unknown() {
    let sim = Simulator::for_tests();
    let (order, instance) = buy(&sim, "buyer-1", "cmgj00061912", "mine");
    let other = buyer(&sim, "buyer-2");
    for (action, name, id, unknown) in [
        ("DescribeInstance", "InstanceId", instance.as_str(), "99999999"),
        ("DescribeOrder", "OrderId", order.as_str(), "299999999999999"),
        ("DescribeInstance", "InstanceId", SEEDED_INSTANCE, "99999999"),
    ] {
        let theirs = err(&sim, &other, action, &[(name, id)]);
        assert_eq!(theirs, err(&sim, &other, action, &[(name, unknown)]), "{action}");
        assert_eq!(theirs.code(), format!("Invalid{name}.NotFound"));
    }
    let renew = err(
        &sim,
        &other,
        "AutoRenewInstance",
        &[("OrderBizId", &instance), ("Type", "close")],
    );
    assert_eq!(renew.code(), "InvalidOrderBizId.NotFound");
    let listed = ok(
        &sim,
        &other,
        "DescribeInstances",
        &[("PageNumber", "1"), ("PageSize", "10")],
    );
    assert_eq!(listed["TotalCount"], 0);
    assert_eq!(listed["InstanceItems"], json!({"InstanceItem": []}));
}

#[test]
fn missing_and_malformed_ids_get_the_missing_and_invalid_codes() {
    let sim = Simulator::for_tests();
    let (v, b) = (vendor(&sim), buyer(&sim, "buyer-1"));
    for (caller, action, name) in [
        (&v, "DescribeInstanceForIsv", "InstanceId"),
        (&v, "DescribeOrderForIsv", "OrderId"),
        (&b, "DescribeInstance", "InstanceId"),
        (&b, "DescribeOrder", "OrderId"),
        (&b, "AutoRenewInstance", "OrderBizId"),
    ] {
        let missing = err(&sim, caller, action, &[("Type", "close")]);
        assert_eq!(
            (missing.status(), missing.code()),
            (400, format!("Missing{name}").as_str())
        );
        let empty = err(&sim, caller, action, &[(name, ""), ("Type", "close")]);
        assert_eq!(empty.code(), format!("Missing{name}"));
        let malformed = err(&sim, caller, action, &[(name, "i-abc"), ("Type", "close")]);
        assert_eq!(
            (malformed.status(), malformed.code()),
            (400, format!("Invalid{name}").as_str())
        );
    }
}

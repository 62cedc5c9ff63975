//! Buying through CreateOrder — delivered to a wiremock vendor, idempotent per ClientToken, its SKU
//! codes and refusals — auto-renewal on and off, and a reset world.

use super::*;

#[tokio::test]
async fn a_purchase_through_create_order_is_delivered_to_the_vendor_and_opens() {
    let vendor_server = Vendor::start().await;
    vendor_server
        .mount(
            create_instance()
                .respond_with(ResponseTemplate::new(200).set_body_string(READY))
                .expect(1),
        )
        .await;
    let sim = simulator(world_with_vendor(&vendor_server.spi_url()));
    let b = buyer(&sim, "buyer-1");
    let answer = ok(
        &sim,
        &b,
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &commodity("cmgj00061912", "cmgj00061912-payg")),
            ("PaymentType", "AUTO"),
            ("ClientToken", "3c1c7a26-4b7e-4f59-9c2e-8d1f0e6a2b11"),
        ],
    );
    assert_model(&answer, CREATE_ORDER, &[]);
    let order_id = answer["OrderId"].as_str().unwrap();
    let instance_id = answer["InstanceIds"]["InstanceId"][0].as_str().unwrap();
    // The same order and instance the page's 开通 makes.
    let order = sim.store().order(order_id).unwrap().unwrap();
    assert_eq!(order.instance_id, instance_id);
    assert_eq!(
        (order.order_type.as_str(), order.pay_status.as_str()),
        ("NEW", "PAID")
    );
    assert_eq!(order.ali_uid, "1763420985012345");
    let opening = ok(&sim, &b, "DescribeInstance", &[("InstanceId", instance_id)]);
    assert_eq!(opening["Status"], "OPENING");

    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let v = vendor(&sim);
    let opened = ok(&sim, &v, "DescribeInstanceForIsv", &[("InstanceId", instance_id)]);
    assert_eq!(opened["Status"], "OPENED");
    assert_eq!(inner(&opened, "AppJson")["authUrl"], "http://vendor/sso?x=1");
    assert_eq!(inner(&opened, "HostJson")["region"], "cn-hangzhou");
    assert!(opened["BeganOn"].as_i64().unwrap() > opened["CreatedOn"].as_i64().unwrap());
    let params = &vendor_server.calls().await[0];
    let get = |k: &str| params.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(get("orderBizId"), instance_id);
    assert_eq!(get("orderId"), order_id);
    assert_eq!(get("skuId"), "cmgj00061912-payg");
}

#[test]
fn the_same_client_token_from_the_same_buyer_returns_the_first_order() {
    let sim = Simulator::for_tests();
    let first = buy(&sim, "buyer-1", "cmgj00061912", "once");
    let again = buy(&sim, "buyer-1", "cmgj00061912", "once");
    assert_eq!(first, again);
    assert_eq!(sim.store().instances_of("1763420985012345").unwrap().len(), 1);
    let other_buyer = buy(&sim, "buyer-2", "cmgj00061912", "once");
    assert_ne!(other_buyer, first, "a token is the buyer's own");

    let changed = err(
        &sim,
        &buyer(&sim, "buyer-1"),
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &commodity("cmgj00061912", "payg")),
            ("PaymentType", "HAND"),
            ("ClientToken", "once"),
        ],
    );
    assert_eq!(
        (changed.status(), changed.code()),
        (400, "IdempotentParameterMismatch")
    );
    assert_eq!(sim.store().instances_of("1763420985012345").unwrap().len(), 1);
}

#[test]
fn renew_and_upgrade_orders_name_an_instance_the_buyer_has_and_a_term_it_can_take() {
    let sim = Simulator::for_tests();
    let (_, payg) = buy(&sim, "buyer-1", "cmgj00061912", "payg");
    let (_, other) = buy(&sim, "buyer-2", "cmgj00061912", "other");
    let tokens = std::cell::Cell::new(0);
    let order = |order_type: &str, commodity: Value| {
        tokens.set(tokens.get() + 1);
        err(
            &sim,
            &buyer(&sim, "buyer-1"),
            "CreateOrder",
            &[
                ("OrderType", order_type),
                ("Commodity", &commodity.to_string()),
                ("PaymentType", "AUTO"),
                ("ClientToken", &format!("lifecycle-{}", tokens.get())),
            ],
        )
    };
    let renew = |c: Value| order("INSTANCE_RENEW", c);
    let upgrade = |c: Value| order("INSTANCE_UPGRADE", c);
    assert_eq!(
        renew(json!({"productCode": "cmgj00061912"})).code(),
        "MissingInstanceId"
    );
    assert_eq!(
        renew(json!({"instanceId": other})).code(),
        "InvalidInstanceId.NotFound"
    );
    // Pay-as-you-go has no term; an opening instance is not yet renewable.
    let e = renew(json!({"instanceId": payg, "duration": 1, "pricingCycle": "Month"}));
    assert_eq!(e.code(), "IncorrectInstanceStatus", "{}", e.message());
    let e = upgrade(json!({"instanceId": payg, "skuCode": "standard"}));
    assert_eq!(e.code(), "IncorrectInstanceStatus", "{}", e.message());
    assert_eq!(sim.store().orders_of(&payg).unwrap().len(), 1);
}

#[test]
fn sku_codes_may_be_the_sku_id_its_suffix_or_postpay() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    for (n, sku) in ["cmgj00061912-payg", "payg", "postpay"].iter().enumerate() {
        let answer = ok(
            &sim,
            &b,
            "CreateOrder",
            &[
                ("OrderType", "INSTANCE_BUY"),
                (
                    "Commodity",
                    &json!({"productCode": "cmgj00061912", "skuCode": sku, "quantity": 1}).to_string(),
                ),
                ("PaymentType", "HAND"),
                ("ClientToken", &format!("sku-{n}")),
            ],
        );
        let order = sim
            .store()
            .order(answer["OrderId"].as_str().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(order.sku_id, "cmgj00061912-payg", "{sku}");
    }
}

#[test]
fn create_order_refuses_unusable_parameters_and_buys_nothing() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let good = commodity("cmgj00061912", "postpay");
    let with = |name: &str, value: &str| -> ApiError {
        let mut params = vec![
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", good.as_str()),
            ("PaymentType", "AUTO"),
            ("ClientToken", "bad-input"),
        ];
        params.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
        err(&sim, &b, "CreateOrder", &params)
    };
    let long_token = "t".repeat(65);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("ClientToken", "", "MissingClientToken"),
        ("ClientToken", &long_token, "InvalidClientToken"),
        ("ClientToken", "令牌", "InvalidClientToken"),
        ("OrderType", "", "MissingOrderType"),
        ("OrderType", "BUY", "InvalidOrderType"),
        ("PaymentType", "", "MissingPaymentType"),
        ("PaymentType", "CARD", "InvalidPaymentType"),
        ("Commodity", "", "MissingCommodity"),
        ("Commodity", "{productCode", "InvalidCommodity"),
        ("Commodity", "[1]", "InvalidCommodity"),
        (
            "Commodity",
            r#"{"productCode":"cmgj00061912"}"#,
            "InvalidCommodity",
        ),
        ("Commodity", r#"{"skuCode":"postpay"}"#, "InvalidCommodity"),
        (
            "Commodity",
            r#"{"productCode":"cmgj00061912","skuCode":"postpay","quantity":2}"#,
            "InvalidCommodity",
        ),
        (
            "Commodity",
            r#"{"productCode":"cmgj00000000","skuCode":"postpay"}"#,
            "InvalidProductCode.NotFound",
        ),
        (
            "Commodity",
            r#"{"productCode":"cmgj00061912","skuCode":"gold"}"#,
            "InvalidSkuCode.NotFound",
        ),
        (
            "Commodity",
            r#"{"productCode":"cmgj00061912","skuCode":"standard","duration":2}"#,
            "InvalidCommodity",
        ),
    ];
    for (name, value, code) in cases {
        let e = with(name, value);
        assert_eq!(e.code(), code, "{name}={value}");
        assert!(
            e.status() == 400 || e.status() == 404,
            "{name}={value}: {}",
            e.status()
        );
    }
    assert!(sim.store().instances_of("1763420985012345").unwrap().is_empty());
    let longest = "t".repeat(64);
    ok(
        &sim,
        &b,
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &good),
            ("PaymentType", "AUTO"),
            ("ClientToken", &longest),
        ],
    );
    assert_eq!(sim.store().instances_of("1763420985012345").unwrap().len(), 1);
}

#[test]
fn auto_renewal_turned_on_shows_in_the_isv_view_and_turning_it_off_empties_it() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let (_, instance) = buy_sku(&sim, "buyer-1", "cmgj00061912", "standard", "renew");
    let isv_view = || {
        ok(
            &sim,
            &vendor(&sim),
            "DescribeInstanceForIsv",
            &[("InstanceId", &instance)],
        )
    };
    assert_eq!(isv_view()["AutoRenewal"], "");

    let on = ok(
        &sim,
        &b,
        "AutoRenewInstance",
        &[
            ("OrderBizId", &instance),
            ("Type", "open"),
            ("AutoRenewCycle", "Year"),
            ("AutoRenewDuration", "1"),
        ],
    );
    assert_model(&on, AUTO_RENEW, &[]);
    assert_eq!(on["Data"], true);
    assert_eq!(
        inner(&isv_view(), "AutoRenewal"),
        json!({"autoRenewCycle": "Year", "autoRenewDuration": 1})
    );
    let buyer_view = ok(&sim, &b, "DescribeInstance", &[("InstanceId", &instance)]);
    assert_eq!(buyer_view["AutoRenewal"], isv_view()["AutoRenewal"]);

    let off = ok(
        &sim,
        &b,
        "AutoRenewInstance",
        &[("OrderBizId", &instance), ("Type", "close")],
    );
    assert_eq!(off["Data"], true);
    assert_eq!(isv_view()["AutoRenewal"], "");

    let refused = |params: &[(&str, &str)]| {
        let mut all = vec![("OrderBizId", instance.as_str())];
        all.extend_from_slice(params);
        err(&sim, &b, "AutoRenewInstance", &all).code().to_owned()
    };
    assert_eq!(refused(&[]), "MissingType");
    assert_eq!(refused(&[("Type", "toggle")]), "InvalidType");
    assert_eq!(
        refused(&[("Type", "open"), ("AutoRenewDuration", "1")]),
        "MissingAutoRenewCycle"
    );
    assert_eq!(
        refused(&[
            ("Type", "open"),
            ("AutoRenewCycle", "Week"),
            ("AutoRenewDuration", "1")
        ]),
        "InvalidAutoRenewCycle"
    );
    assert_eq!(
        refused(&[("Type", "open"), ("AutoRenewCycle", "Month")]),
        "MissingAutoRenewDuration"
    );
    assert_eq!(
        refused(&[
            ("Type", "open"),
            ("AutoRenewCycle", "Month"),
            ("AutoRenewDuration", "0")
        ]),
        "InvalidAutoRenewDuration"
    );
    assert_eq!(isv_view()["AutoRenewal"], "", "refusals changed nothing");
}

#[tokio::test]
async fn a_reset_world_has_the_seeded_purchases_again_and_no_tokens() {
    let sim = Simulator::for_tests();
    let first = buy(&sim, "buyer-1", "cmgj00061912", "before-reset");
    sim.reset().await.unwrap();
    assert!(sim.store().order(&first.0).unwrap().is_none());
    let v = vendor(&sim);
    let a = ok(
        &sim,
        &v,
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
    );
    assert_eq!(inner(&a, "AutoRenewal")["autoRenewCycle"], "Month");
    let again = buy(&sim, "buyer-1", "cmgj00061912", "before-reset");
    assert_eq!(
        again, first,
        "the same seed draws the same ids; the token was forgotten"
    );
}

//! The vendor's invoice requests: DescribeInvoiceForIsv's fields, filters and paging, tenancy, and
//! the state ModifyInvoiceForIsv changes or refuses to change.

use super::*;

fn invoices(sim: &Simulator, caller: &Caller<'_>, params: &[(&str, &str)]) -> Vec<Value> {
    ok(sim, caller, "DescribeInvoiceForIsv", params)["Result"]
        .as_array()
        .unwrap()
        .clone()
}

fn ids(list: &[Value]) -> Vec<&str> {
    list.iter().map(|i| i["Id"].as_str().unwrap()).collect()
}

#[test]
fn describe_invoice_for_isv_answers_the_models_fields_newest_first() {
    let sim = Simulator::for_tests();
    let v = ok(&sim, &vendor(&sim), "DescribeInvoiceForIsv", &[]);
    assert_eq!(v["Success"], true);
    assert_eq!(v["Code"], "200");
    assert_eq!(
        (
            v["Count"].as_str(),
            v["PageNumber"].as_str(),
            v["PageSize"].as_str()
        ),
        (Some("3"), Some("1"), Some("10"))
    );
    let list = v["Result"].as_array().unwrap();
    assert_eq!(ids(list), ["500003", "500001", "500002"]);
    let i = &list[1];
    assert_eq!(i["InvoiceId"], "880000001");
    assert_eq!(i["AliyunPk"], "1763420985012345");
    assert_eq!(
        (
            i["Status"].as_str(),
            i["Type"].as_str(),
            i["MaterialType"].as_str()
        ),
        (Some("0"), Some("2"), Some("1"))
    );
    assert_eq!(i["Price"], "1280.00");
    assert_eq!(i["CreateTimeStr"], "2023-08-12 10:00:00");
    assert!(i["ModifiedTime"].as_str().unwrap().parse::<i64>().is_ok());
    assert_eq!(i["ReceiptUserInfoDto"]["TaxNumber"], "91330100MA2XXXXXX1");
    assert_eq!(i["UserAddressDto"]["Addressee"], "张三");
    let order = &i["EvaluateList"][0];
    assert_eq!(order["OutBizId"], "210061001001");
    assert_eq!(order["ProductName"], "Zilliz Cloud");
    assert_eq!(order["Agent"], false);
    assert_eq!(i["InvoiceList"], serde_json::json!([]));
}

#[test]
fn describe_invoice_for_isv_filters_and_pages() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "0")])), ["500003", "500001"]);
    assert_eq!(ids(&invoices(&sim, &v, &[("Type", "3")])), ["500002"]);
    assert_eq!(
        ids(&invoices(&sim, &v, &[("UserId", "1598302174658821")])),
        ["500003", "500002"]
    );
    assert_eq!(ids(&invoices(&sim, &v, &[("InvoiceId", "500001")])), ["500001"]);
    let window = [("CreateTimeStart", "2023-08-12"), ("CreateTimeEnd", "2023-08-12")];
    assert_eq!(ids(&invoices(&sim, &v, &window)), ["500001"]);
    assert_eq!(
        ids(&invoices(&sim, &v, &[("PageIndex", "2"), ("PageSize", "2")])),
        ["500002"]
    );
    for (name, value, code) in [
        ("PageSize", "51", "InvalidPageSize"),
        ("PageIndex", "0", "InvalidPageIndex"),
        ("CreateTimeStart", "12 Aug", "InvalidCreateTimeStart"),
        ("Status", "done", "InvalidStatus"),
    ] {
        assert_eq!(
            err(&sim, &v, "DescribeInvoiceForIsv", &[(name, value)]).code(),
            code
        );
    }
}

#[test]
fn invoices_are_the_vendors_own_and_buyers_may_not_ask() {
    let sim = Simulator::for_tests();
    assert_eq!(invoices(&sim, &other_vendor(), &[]), Vec::<Value>::new());
    let e = err(&sim, &buyer(&sim, "buyer-1"), "DescribeInvoiceForIsv", &[]);
    assert_eq!((e.status(), e.code()), (403, "Forbidden.RAM"));
    let e = err(
        &sim,
        &buyer(&sim, "buyer-1"),
        "ModifyInvoiceForIsv",
        &[("OperateType", "0"), ("InvoiceId", "500001")],
    );
    assert_eq!(e.code(), "Forbidden.RAM");
    let theirs = err(
        &sim,
        &other_vendor(),
        "ModifyInvoiceForIsv",
        &[("OperateType", "0"), ("InvoiceId", "500001")],
    );
    let unknown = err(
        &sim,
        &vendor(&sim),
        "ModifyInvoiceForIsv",
        &[("OperateType", "0"), ("InvoiceId", "9")],
    );
    assert_eq!(
        (unknown.status(), unknown.code()),
        (404, "InvalidInvoiceId.NotFound")
    );
    assert_eq!(theirs, unknown);
    assert_eq!(
        invoices(&sim, &vendor(&sim), &[("InvoiceId", "500001")])[0]["Status"],
        "0"
    );
}

#[test]
fn issuing_an_invoice_shows_in_a_later_describe() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    let params = [
        ("OperateType", "0"),
        ("InvoiceId", "500001"),
        ("Type", "3"),
        ("Number", "24330000000000000001"),
        ("ElectronUrl", "https://invoice.example/1.pdf"),
        ("CheckNotice", "已开具电子发票"),
    ];
    let answer = ok(&sim, &v, "ModifyInvoiceForIsv", &params);
    assert_eq!(
        answer,
        serde_json::json!({"Code": "200", "HttpStatusCode": 200, "Message": "success", "Result": true})
    );
    let i = &invoices(&sim, &v, &[("InvoiceId", "500001")])[0];
    assert_eq!((i["Status"].as_str(), i["Type"].as_str()), (Some("1"), Some("3")));
    assert_eq!(i["CheckNotice"], "已开具电子发票");
    assert_eq!(i["ModifiedTimeStr"], "2023-08-15 10:00:00");
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "0")])), ["500003"]);
    let e = err(
        &sim,
        &v,
        "ModifyInvoiceForIsv",
        &[("OperateType", "1"), ("InvoiceId", "500001")],
    );
    assert_eq!((e.status(), e.code()), (400, "Invalid.InvoiceStatus"));
}

#[test]
fn rejecting_an_invoice_leaves_it_neither_pending_nor_issued() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    ok(
        &sim,
        &v,
        "ModifyInvoiceForIsv",
        &[
            ("OperateType", "1"),
            ("InvoiceId", "500003"),
            ("CheckNotice", "抬头有误"),
        ],
    );
    let i = &invoices(&sim, &v, &[("InvoiceId", "500003")])[0];
    assert_eq!(i["Status"], "2");
    assert_eq!(i["CheckNotice"], "抬头有误");
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "2")])), ["500003"]);
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "0")])), ["500001"]);
}

#[test]
fn modify_invoice_for_isv_refuses_bad_parameters() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    for (params, code) in [
        (vec![("InvoiceId", "500001")], "MissingOperateType"),
        (
            vec![("OperateType", "2"), ("InvoiceId", "500001")],
            "InvalidOperateType",
        ),
        (vec![("OperateType", "0")], "MissingInvoiceId"),
        (
            vec![("OperateType", "0"), ("InvoiceId", "500001"), ("Type", "1")],
            "InvalidType",
        ),
    ] {
        assert_eq!(err(&sim, &v, "ModifyInvoiceForIsv", &params).code(), code);
    }
    assert_eq!(invoices(&sim, &v, &[("InvoiceId", "500001")])[0]["Status"], "0");
}

//! Catalog reads and an invoice change as signed HTTP requests, over POST and GET.

use super::*;

#[tokio::test]
async fn signed_catalog_reads_answer_over_post_and_get() {
    use protocol::openapi::v3::Request;
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let product = Request::new("POST", http::HOST, "DescribeProduct").query("Code", "cmgj00061912");
    let (status, body) = http::v3(&app, product, &http::buyer(&sim, "buyer-1"))
        .await
        .status_and_json();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ProductSkus"]["ProductSku"][0]["Code"], "cmgj00061912-payg");
    assert!(body["RequestId"].is_string());
    let distribution = Request::new("GET", http::HOST, "DescribeDistributionProducts")
        .query("PageNumber", "1")
        .query("PageSize", "10")
        .query("Filter.1.Key", "supplierName")
        .query("Filter.1.Value", "Zilliz");
    let (status, body) = http::v3(&app, distribution, &http::vendor(&sim))
        .await
        .status_and_json();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["TotalCount"], 1);
    let modify = Request::new("POST", http::HOST, "ModifyInvoiceForIsv")
        .query("OperateType", "0")
        .query("InvoiceId", "500001");
    let (status, body) = http::v3(&app, modify, &http::buyer(&sim, "buyer-1"))
        .await
        .status_and_json();
    assert_eq!((status, body["Code"].as_str()), (403, Some("Forbidden.RAM")));
}

"""The catalog (DescribeProduct(s), DescribePrice, the distribution catalogue) and the vendor's
invoice requests (DescribeInvoiceForIsv, ModifyInvoiceForIsv)."""

import json
import uuid

import pytest
import yaml
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

import market

CATALOG = yaml.safe_load((market.REPO / "fixtures" / "openapi" / "catalog.yaml").read_text(encoding="utf-8"))
INVOICES = yaml.safe_load((market.REPO / "fixtures" / "openapi" / "invoices.yaml").read_text(encoding="utf-8"))["invoices"]
LISTING = next(p for p in CATALOG["products"] if p["code"] == market.PRODUCT)
WORLD_PRODUCT = market.WORLD["products"][0]


def test_describe_product_answers_the_listing_with_its_skus_and_shop(buyer):
    product = buyer.describe_product(m.DescribeProductRequest(code=market.PRODUCT))
    assert product.code == market.PRODUCT
    assert product.name == WORLD_PRODUCT["name"]
    assert product.type == WORLD_PRODUCT["type"]
    assert product.front_category_id == LISTING["category_id"]
    assert product.score == LISTING["score"]
    assert product.supplier_pk == LISTING["supplier_pk"]
    assert product.shop_info.name == LISTING["shop"]["name"]
    assert product.shop_info.telephones.telephone == LISTING["shop"]["telephones"]
    skus = product.product_skus.product_sku
    assert [s.code for s in skus] == [sku["id"] for sku in WORLD_PRODUCT["skus"]]
    for sku, world_sku in zip(skus, WORLD_PRODUCT["skus"]):
        charge = "POSTPAY" if world_sku["charge"] == "pay_as_you_go" else "PREPAY"
        assert (sku.charge_type, sku.hidden) == (charge, False), sku.code
        assert sku.modules.module[0].code == "package_version"
        periods = [p.period_type for p in sku.order_periods.order_period]
        terms = {1: "MONTH", 3: "SEASON", 6: "HALFYEAR", 12: "YEAR"}
        assert periods == [terms[t["months"]] for t in world_sku.get("terms", [])], sku.code


def test_describe_products_finds_the_product_by_search_term_and_nothing_for_another(vendor):
    found = vendor.describe_products(m.DescribeProductsRequest(search_term="Milvus", page_number=1, page_size=10))
    assert found.total_count == 1
    [item] = found.product_items.product_item
    assert (item.code, item.name, item.category_id) == (market.PRODUCT, WORLD_PRODUCT["name"], LISTING["category_id"])
    assert item.score == str(LISTING["score"])

    # Spaces, CJK and the SDK's flattened Filter.N.Key/Value, as both signatures encode them.
    for term in ("zilliz cloud", "向量数据库"):
        assert vendor.describe_products(m.DescribeProductsRequest(search_term=term)).total_count == 1, term
    filtered = vendor.describe_products(
        m.DescribeProductsRequest(
            page_number=1,
            page_size=10,
            filter=[
                m.DescribeProductsRequestFilter(key="productType", value=WORLD_PRODUCT["type"]),
                m.DescribeProductsRequestFilter(key="sort", value="user_count-desc"),
            ],
        )
    )
    assert [i.code for i in filtered.product_items.product_item] == [market.PRODUCT]
    other_type = vendor.describe_products(
        m.DescribeProductsRequest(filter=[m.DescribeProductsRequestFilter(key="productType", value="MIRROR")])
    )
    assert other_type.total_count == 0

    nothing = vendor.describe_products(m.DescribeProductsRequest(search_term=uuid.uuid4().hex, page_number=1, page_size=10))
    assert nothing.total_count == 0
    assert nothing.product_items.product_item == []


def test_describe_price_of_a_pay_as_you_go_sku_is_zero_up_front(buyer):
    price = buyer.describe_price(
        m.DescribePriceRequest(
            order_type="INSTANCE_BUY",
            commodity=json.dumps({"productCode": market.PRODUCT, "skuCode": "payg", "pricingCycle": "Month", "duration": 3}),
        )
    )
    assert price.product_code == market.PRODUCT
    assert (price.original_price, price.trade_price, price.discount_price) == (0.0, 0.0, 0.0)
    assert (price.currency, price.cycle, price.duration, price.cuxiao) == ("CNY", "MONTH", 3, False)


def test_describe_price_quotes_each_term_of_a_subscription_from_the_worlds_catalog(buyer):
    sku = next(s for s in WORLD_PRODUCT["skus"] if s["charge"] == "subscription")
    for term in sku["terms"]:
        cycle, duration = ("Year", term["months"] // 12) if term["months"] % 12 == 0 else ("Month", term["months"])
        price = buyer.describe_price(
            m.DescribePriceRequest(
                order_type="INSTANCE_BUY",
                commodity=json.dumps(
                    {"productCode": market.PRODUCT, "skuCode": sku["id"], "pricingCycle": cycle, "duration": duration}
                ),
            )
        )
        assert price.trade_price == float(term["price"]), term
        assert (price.cycle, price.duration) == (cycle.upper(), duration)


def test_describe_distribution_products_and_their_links_list_the_distribution_catalogue(vendor):
    [entry] = CATALOG["distribution"]
    listed = vendor.describe_distribution_products(m.DescribeDistributionProductsRequest(page_number=1, page_size=10))
    assert listed.total_count == 1
    [result] = listed.results
    assert (result.code, result.name, result.supplier_name) == (entry["code"], entry["name"], entry["supplier_name"])
    assert result.price == entry["price"]
    by_name = vendor.describe_distribution_products(
        m.DescribeDistributionProductsRequest(
            page_number=1, page_size=10,
            filter=[m.DescribeDistributionProductsRequestFilter(key="supplierName", value=entry["supplier_name"].lower())],
        )
    )
    assert [r.code for r in by_name.results] == [entry["code"]]

    links = vendor.describe_distribution_products_link(
        m.DescribeDistributionProductsLinkRequest(codes=[entry["code"], "cmgj-not-distributed"])
    )
    assert (links.success, links.total_count) == (True, 1)
    [link] = links.result
    assert link.code == entry["code"]
    assert link.url == (
        f"https://market.aliyun.com/products/{entry['category_id']}/{entry['code']}.html"
        f"?userCode={market.VENDOR['id']}"
    )


def test_describe_invoice_for_isv_lists_the_vendor_invoice_requests_newest_first(vendor):
    listed = vendor.describe_invoice_for_isv(m.DescribeInvoiceForIsvRequest(page_index=1, page_size=10))
    assert listed.code == "200"
    assert listed.count == str(len(INVOICES))
    created = [r.create_time_str for r in listed.result]
    assert created == sorted(created, reverse=True)

    issued = next(i for i in INVOICES if i["status"] == 1)
    [one] = vendor.describe_invoice_for_isv(
        m.DescribeInvoiceForIsvRequest(invoice_id=issued["id"], page_index=1, page_size=10)
    ).result
    assert (one.id, one.invoice_id, one.status, one.aliyun_pk) == (
        str(issued["id"]), issued["invoice_id"], "1", issued["aliyun_pk"])
    assert one.title == issued["title"]
    assert one.receipt_user_info_dto.tax_number == issued["receipt"]["tax_number"]
    assert one.evaluate_list[0].out_biz_id == issued["orders"][0]["out_biz_id"]


def test_modify_invoice_for_isv_issues_a_pending_invoice_as_describe_invoice_for_isv_then_shows(vendor, signing):
    pending = vendor.describe_invoice_for_isv(m.DescribeInvoiceForIsvRequest(status=0, page_index=1, page_size=50)).result
    assert pending, "no pending invoice request left in the world"
    invoice_id = int(pending[0].id)
    notice = f"开具完成（{signing}）"

    done = vendor.modify_invoice_for_isv(
        m.ModifyInvoiceForIsvRequest(
            invoice_id=invoice_id, operate_type=0, type=3, number=f"NO{invoice_id}",
            electron_url=f"https://invoices.example/{invoice_id}.pdf", check_notice=notice,
        )
    )
    assert (done.code, done.http_status_code, done.result) == ("200", 200, True)

    [after] = vendor.describe_invoice_for_isv(
        m.DescribeInvoiceForIsvRequest(invoice_id=invoice_id, page_index=1, page_size=10)
    ).result
    assert (after.status, after.type, after.check_notice) == ("1", "3", notice)
    assert int(after.modified_time) > int(pending[0].modified_time)


def test_modify_invoice_for_isv_refuses_an_invoice_already_issued(vendor):
    issued = next(i for i in INVOICES if i["status"] == 1)
    with pytest.raises(ClientException) as refused:
        vendor.modify_invoice_for_isv(m.ModifyInvoiceForIsvRequest(invoice_id=issued["id"], operate_type=1))
    assert (refused.value.status_code, refused.value.code) == (400, "Invalid.InvoiceStatus")

"""Life after 开通 through the SDK: a subscription bought for a term, renewed and upgraded with
CreateOrder, priced first by DescribePrice, each order read back by DescribeOrder(ForIsv), the
term's end by DescribeInstance(ForIsv); and the refusals for what cannot be renewed or upgraded."""

import json
import uuid

import pytest
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

import market

WORLD_PRODUCT = market.WORLD["products"][0]
STANDARD = next(s for s in WORLD_PRODUCT["skus"] if s["id"].endswith("-standard"))
PRICE = {t["months"]: float(t["price"]) for t in STANDARD["terms"]}


def refused(call, *args) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call(*args)
    return caught.value


def subscribed(buyer, vendor) -> tuple[int, int]:
    """A month of the standard subscription, opened: (instance id, its EndOn)."""
    order = market.buy(buyer, uuid.uuid4().hex, "standard", duration=1, pricingCycle="Month")
    instance_id = int(order.instance_ids.instance_id[0])
    opened = market.wait_opened(vendor, instance_id)
    assert opened.status == "OPENED"
    bought = vendor.describe_order_for_isv(m.DescribeOrderForIsvRequest(order_id=order.order_id))
    assert (bought.order_type, bought.period_type, bought.payment_price) == ("NEW", "MONTH", PRICE[1])
    assert bought.components["ord_time"]["value"] == "1:Month"
    assert opened.end_on > opened.created_on
    return instance_id, opened.end_on


def test_a_renewal_is_priced_by_describe_price_and_extends_the_term_from_its_end(buyer, vendor):
    instance_id, end_on = subscribed(buyer, vendor)
    commodity = {"instanceId": str(instance_id), "duration": 3, "pricingCycle": "Month"}
    quote = buyer.describe_price(m.DescribePriceRequest(order_type="INSTANCE_RENEW", commodity=json.dumps(commodity)))
    assert (quote.trade_price, quote.cycle, quote.duration) == (PRICE[3], "MONTH", 3)

    renewal = market.order(buyer, uuid.uuid4().hex, "INSTANCE_RENEW", commodity)
    assert renewal.instance_ids.instance_id == [str(instance_id)]
    order = buyer.describe_order(m.DescribeOrderRequest(order_id=renewal.order_id))
    assert (order.order_type, order.period_type, order.payment_price, order.order_status) == (
        "RENEW", "SEASON", PRICE[3], "NORMAL"
    )
    after = buyer.describe_instance(m.DescribeInstanceRequest(instance_id=str(instance_id)))
    assert after.end_on > end_on + 80 * 24 * 3600 * 1000


def test_an_upgrade_moves_the_instance_to_the_target_sku_with_its_extra_items(buyer, vendor):
    instance_id, end_on = subscribed(buyer, vendor)
    commodity = {"instanceId": str(instance_id), "skuCode": "dedicated", "components": {"Count": 2}}
    quote = buyer.describe_price(m.DescribePriceRequest(order_type="INSTANCE_UPGRADE", commodity=json.dumps(commodity)))
    assert quote.trade_price > 0
    upgrade = market.order(buyer, uuid.uuid4().hex, "INSTANCE_UPGRADE", commodity)
    order = vendor.describe_order_for_isv(m.DescribeOrderForIsvRequest(order_id=upgrade.order_id))
    assert (order.order_type, order.product_sku_code) == ("UPGRADE", f"{market.PRODUCT}-dedicated")
    assert order.components["Count"]["value"] == "2"
    seen = vendor.describe_instance_for_isv(m.DescribeInstanceForIsvRequest(instance_id=str(instance_id)))
    assert seen.product_sku_code == f"{market.PRODUCT}-dedicated"
    assert seen.end_on == end_on, "an upgrade keeps the term's end"
    assert json.loads(seen.component_json)["Count"] == "2"


def test_what_cannot_be_renewed_or_upgraded_is_refused_with_the_marketplaces_codes(buyer, vendor):
    payg = int(market.buy(buyer, uuid.uuid4().hex).instance_ids.instance_id[0])
    market.wait_opened(vendor, payg)
    e = refused(market.order, buyer, uuid.uuid4().hex, "INSTANCE_RENEW", {"instanceId": str(payg), "duration": 1})
    assert (e.code, e.status_code) == ("InvalidCommodity", 400), "pay-as-you-go has no term to renew"
    instance_id, _ = subscribed(buyer, vendor)
    e = refused(market.order, buyer, uuid.uuid4().hex, "INSTANCE_RENEW", {"instanceId": str(instance_id), "duration": 2})
    assert e.code == "InvalidCommodity"
    e = refused(market.order, buyer, uuid.uuid4().hex, "INSTANCE_UPGRADE", {"instanceId": str(instance_id), "skuCode": "standard"})
    assert e.code == "InvalidCommodity", "the same SKU with the same items changes nothing"
    e = refused(market.order, buyer, uuid.uuid4().hex, "INSTANCE_UPGRADE", {"instanceId": str(instance_id), "skuCode": "payg"})
    assert e.code == "InvalidCommodity"
    other = market.buyer("V3", "buyer-2")
    e = refused(
        other.auto_renew_instance,
        m.AutoRenewInstanceRequest(order_biz_id=instance_id, type="open", auto_renew_cycle="Month", auto_renew_duration=1),
    )
    assert e.code == "InvalidOrderBizId.NotFound"
    e = refused(
        buyer.auto_renew_instance,
        m.AutoRenewInstanceRequest(order_biz_id=payg, type="open", auto_renew_cycle="Month", auto_renew_duration=1),
    )
    assert e.code == "IncorrectInstanceStatus"

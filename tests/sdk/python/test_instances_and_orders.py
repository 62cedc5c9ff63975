"""Instances and orders: CreateOrder (a purchase the vendor console then opens), the vendor's
…ForIsv views, the buyer's views, DescribeInstances paging, AutoRenewInstance."""

import json
import os
import uuid

import yaml
from alibabacloud_market20151101 import models as m

import market

PAY_AS_YOU_GO_END = 4102415999000  # 2099-12-31 23:59:59 +08:00, OPENAPI.md
BUYER_1_UID = int(market.BUYERS["buyer-1"]["ali_uid"])
FIXTURE = yaml.safe_load(
    (market.REPO / "fixtures" / "openapi" / "instances.yaml").read_text(encoding="utf-8")
)
IMAGE_PURCHASE = next(p for p in FIXTURE["purchases"] if "image" in p)


def test_a_purchase_through_create_order_opens_and_the_vendor_sees_its_auth_url(buyer, vendor):
    order = market.buy(buyer, uuid.uuid4().hex)
    assert order.order_id.isdigit()
    assert len(order.instance_ids.instance_id) == 1
    instance_id = int(order.instance_ids.instance_id[0])

    opened = market.wait_opened(vendor, instance_id)

    assert opened.status == "OPENED"
    assert opened.instance_id == instance_id
    assert opened.order_id == int(order.order_id)
    assert opened.product_code == market.PRODUCT
    assert opened.product_sku_code == f"{market.PRODUCT}-payg"
    assert opened.product_type == "APP"
    assert opened.supplier_name == market.VENDOR["name"]
    assert opened.created_on <= opened.began_on
    assert opened.end_on == PAY_AS_YOU_GO_END
    app = json.loads(opened.app_json)
    console = os.environ.get("MARKETSIM_CONSOLE_URL", "").rstrip("/")
    assert app["authUrl"].startswith(console + "/"), app
    assert json.loads(opened.component_json) == {"package_version": f"{market.PRODUCT}-payg"}
    assert opened.auto_renewal == ""


def test_create_order_with_a_client_token_already_used_answers_the_first_order_again(buyer):
    token = uuid.uuid4().hex
    first = market.buy(buyer, token)
    again = market.buy(buyer, token)
    assert again.order_id == first.order_id
    assert again.instance_ids.instance_id == first.instance_ids.instance_id


def test_the_vendor_finds_the_purchase_order_with_describe_order_for_isv(vendor, opened_purchases):
    instance_id, order_id = opened_purchases[0]
    order = vendor.describe_order_for_isv(m.DescribeOrderForIsvRequest(order_id=str(order_id)))
    assert order.order_id == order_id
    assert order.ali_uid == BUYER_1_UID
    assert order.instance_ids == [str(instance_id)]
    assert order.product_code == market.PRODUCT
    assert (order.order_type, order.order_status, order.pay_status) == ("NEW", "NORMAL", "PAID")
    assert order.quantity == 1
    assert order.payment_price == 0.0
    assert order.paid_on == order.created_on
    assert order.components["package_version"]["value"] == f"{market.PRODUCT}-payg"


def test_the_buyer_reads_its_own_instance_and_order(buyer, opened_purchases):
    instance_id, order_id = opened_purchases[1]
    instance = buyer.describe_instance(m.DescribeInstanceRequest(instance_id=str(instance_id)))
    assert instance.instance_id == instance_id
    assert instance.order_id == order_id
    assert instance.status == "OPENED"
    assert instance.end_on == PAY_AS_YOU_GO_END
    assert "authUrl" in json.loads(instance.app_json)
    assert instance.is_trial is False
    [module] = instance.modules.module
    assert module.code == "package_version"
    assert module.properties.property[0].property_values.property_value[0].value == f"{market.PRODUCT}-payg"

    order = buyer.describe_order(m.DescribeOrderRequest(order_id=str(order_id)))
    assert order.order_id == order_id
    assert order.ali_uid == BUYER_1_UID
    assert order.instance_ids.instance_id == [str(instance_id)]
    assert order.supplier_company_name == market.VENDOR["name"]
    assert order.pay_status == "PAID"


def test_describe_instances_pages_the_buyer_purchases_newest_first(buyer, opened_purchases):
    everything = buyer.describe_instances(m.DescribeInstancesRequest(page_number=1, page_size=100))
    items = everything.instance_items.instance_item
    assert everything.total_count == len(items) >= 2
    ids = [i.instance_id for i in items]
    assert {iid for iid, _ in opened_purchases} <= set(ids)
    assert [i.created_on for i in items] == sorted((i.created_on for i in items), reverse=True)

    for page in (1, 2):
        one = buyer.describe_instances(m.DescribeInstancesRequest(page_number=page, page_size=1))
        assert (one.page_number, one.page_size, one.total_count) == (page, 1, len(items))
        assert [i.instance_id for i in one.instance_items.instance_item] == [ids[page - 1]]

    past = buyer.describe_instances(m.DescribeInstancesRequest(page_number=len(items) + 1, page_size=1))
    assert past.instance_items.instance_item == []
    assert past.total_count == len(items)

    same = buyer.describe_instances(m.DescribeInstancesRequest(page_number=1, page_size=100, codes=market.PRODUCT))
    assert same.total_count == len(items)
    none = buyer.describe_instances(
        m.DescribeInstancesRequest(page_number=1, page_size=100, except_codes=market.PRODUCT)
    )
    assert none.total_count == 0


def test_auto_renew_instance_turns_renewal_on_and_off_as_describe_instance_for_isv_shows(buyer, vendor):
    order = market.buy(buyer, uuid.uuid4().hex, "standard", duration=1, pricingCycle="Month")
    instance_id = int(order.instance_ids.instance_id[0])
    on = buyer.auto_renew_instance(
        m.AutoRenewInstanceRequest(order_biz_id=instance_id, type="open", auto_renew_cycle="Year", auto_renew_duration=1)
    )
    assert (on.success, on.data) == (True, True)
    seen = vendor.describe_instance_for_isv(m.DescribeInstanceForIsvRequest(instance_id=str(instance_id)))
    assert json.loads(seen.auto_renewal) == {"autoRenewCycle": "Year", "autoRenewDuration": 1}

    off = buyer.auto_renew_instance(m.AutoRenewInstanceRequest(order_biz_id=instance_id, type="close"))
    assert (off.success, off.data) == (True, True)
    seen = vendor.describe_instance_for_isv(m.DescribeInstanceForIsvRequest(instance_id=str(instance_id)))
    assert seen.auto_renewal == ""


def test_the_vendor_finds_a_purchase_by_its_ecs_instance_with_describe_image_instance_for_isv(vendor):
    image = vendor.describe_image_instance_for_isv(
        m.DescribeImageInstanceForIsvRequest(
            ecs_instance_id=IMAGE_PURCHASE["image"]["ecs_instance_id"],
            customer_pk=int(IMAGE_PURCHASE["ali_uid"]),
        )
    )
    assert image.instance_id == int(IMAGE_PURCHASE["instance_id"])
    assert image.order_id == int(IMAGE_PURCHASE["order_id"])
    assert image.status == "OPENED"
    assert json.loads(image.app_json) == IMAGE_PURCHASE["app_info"]
    assert json.loads(image.host_json) == IMAGE_PURCHASE["host_info"]
    assert image.modules[0].code == "package_version"

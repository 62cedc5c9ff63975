"""The Billing OpenAPI (BssOpenApi 2017-12-14) through its official SDK: buyer-2's bill made by a
month's subscription refunded through the buyer's pages, a pay-as-you-go purchase, an hour of usage
pushed by the vendor, the clock moved past the push deadline and a payment — read with
QueryAccountBalance, QueryBillOverview, QueryBill, QueryInstanceBill, DescribeInstanceBill and
QueryOrders and checked to the fen against the control API's `GET /__marketsim/bills`; and the
refusals a buyer's tooling meets."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from alibabacloud_bssopenapi20171214 import models as b
from alibabacloud_bssopenapi20171214.client import Client as BssClient
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

import market

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
HOUR = 3600


def bss(signing: str, login: str | None = "buyer-2") -> market.Api:
    if login is None:
        v = market.VENDOR
        return market.Api(v["access_key_id"], v["access_key_secret"], signing, client=BssClient)
    k = market.BUYERS[login]
    return market.Api(k["access_key_id"], k["access_key_secret"], signing, client=BssClient)


def fen(amount) -> Decimal:
    """An amount as the SDK reads it (float or string), to the fen."""
    return Decimal(str(amount)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def bill() -> dict:
    """buyer-2's bill for the month of an hour of metered usage, as `GET /__marketsim/bills` shows it
    once that hour is billed and ¥10.00 is paid in; beside it, under `subscription`, the order of a
    month's subscription refunded at once, and under `placed`, when the orders were placed."""
    placed = market.world_now()
    subscription = market.buy(market.buyer("V3", "buyer-2"), uuid.uuid4().hex, "standard", duration=1, pricingCycle="Month")
    subscribed = subscription.instance_ids.instance_id[0]
    assert market.wait_opened(market.vendor("V3"), int(subscribed)).status == "OPENED"
    market.refund("buyer-2", subscribed)
    order = market.buy(market.buyer("V3", "buyer-2"), uuid.uuid4().hex)
    instance_id = int(order.instance_ids.instance_id[0])
    assert market.wait_opened(market.vendor("V3"), instance_id).status == "OPENED"
    market.advance("2h")
    end = int(market.world_now().timestamp()) // HOUR * HOUR
    start = end - HOUR
    entities = [
        {"Key": "Period", "Value": "5400", "meteringAssit": f"{market.PRODUCT}-Period-1"},
        {"Key": "Frequency", "Value": "17", "meteringAssit": f"{market.PRODUCT}-Frequency-1"},
    ]
    record = {"InstanceId": str(instance_id), "StartTime": str(start), "EndTime": str(end), "Entities": entities}
    pushed = market.vendor("V3").push_metering_data(m.PushMeteringDataRequest(metering=json.dumps([record])))
    assert pushed.success is True
    market.advance("2h")  # past the hour's push deadline: its bill run has been made
    market.control("/__marketsim/buyers/balance", {"buyer": "buyer-2", "top_up": "10.00"})
    month = dt.datetime.fromtimestamp(start, SHANGHAI).strftime("%Y-%m")
    shown = market.control(f"/__marketsim/bills?buyer=buyer-2&month={month}")
    assert any(line["kind"] == "PayAsYouGoBill" for line in shown["lines"]), shown
    assert any(line["kind"] == "Refund" and line["order_id"] == subscription.order_id for line in shown["lines"]), shown
    return {**shown, "subscription": subscription.order_id, "placed": placed}


def test_query_account_balance_is_the_balance_the_control_api_shows(signing, bill):
    data = bss(signing).query_account_balance().data
    assert fen(data.available_amount) == fen(bill["balance"])
    assert fen(data.available_cash_amount) == fen(bill["balance"])
    assert (data.credit_amount, data.mybank_credit_amount, data.currency) == ("0.00", "0.00", "CNY")


def test_query_bill_overview_sums_the_month_to_the_fen(signing, bill):
    body = bss(signing).query_bill_overview(b.QueryBillOverviewRequest(billing_cycle=bill["month"]))
    assert (body.code, body.success) == ("Success", True)
    assert body.data.billing_cycle == bill["month"]
    items = body.data.items.item
    assert sum(fen(i.pretax_amount) for i in items) == fen(bill["total"])
    usage = [i for i in items if i.item == "PayAsYouGoBill"]
    expected = sum(fen(line["amount"]) for line in bill["lines"] if line["kind"] == "PayAsYouGoBill")
    assert [(i.product_code, i.subscription_type, fen(i.payment_amount)) for i in usage] == [
        (market.PRODUCT, "PayAsYouGo", expected)
    ]


def test_query_bill_answers_every_line_to_the_fen_a_page_at_a_time(signing, bill):
    api = bss(signing)
    body = api.query_bill(b.QueryBillRequest(billing_cycle=bill["month"], page_size=300))
    assert body.data.total_count == len(bill["lines"])
    assert [(i.record_id, i.item, fen(i.pretax_amount)) for i in body.data.items.item] == [
        (str(line["id"]), line["kind"], fen(line["amount"])) for line in bill["lines"]
    ]
    second = api.query_bill(b.QueryBillRequest(billing_cycle=bill["month"], page_num=2, page_size=1))
    assert (second.data.page_num, second.data.page_size) == (2, 1)
    assert [i.record_id for i in second.data.items.item] == [str(bill["lines"][1]["id"])]
    past = api.query_bill(b.QueryBillRequest(billing_cycle=bill["month"], page_num=99, page_size=300))
    assert (past.data.total_count, past.data.items.item) == (len(bill["lines"]), [])
    usage = api.query_bill(b.QueryBillRequest(billing_cycle=bill["month"], type="PayAsYouGoBill"))
    assert {i.item for i in usage.data.items.item} == {"PayAsYouGoBill"}


def refused(call, *args) -> ClientException:
    with pytest.raises(ClientException) as e:
        call(*args)
    return e.value


def test_bad_parameters_and_a_vendors_key_are_refused_with_their_codes(signing):
    api = bss(signing, "buyer-1")
    future = (market.world_now().astimezone(SHANGHAI).replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    for request, code in [
        (b.QueryBillRequest(billing_cycle="2023-8"), "InvalidBillingCycle"),
        (b.QueryBillRequest(billing_cycle=future), "InvalidBillingCycle"),
        (b.QueryBillRequest(billing_cycle="2023-08", page_size=301), "InvalidPageSize"),
        (b.QueryBillRequest(billing_cycle="2023-08", type="Bill"), "InvalidType"),
    ]:
        e = refused(api.query_bill, request)
        assert (e.status_code, e.code) == (400, code)
    e = refused(api.query_bill_overview, b.QueryBillOverviewRequest())
    assert (e.status_code, e.code) == (400, "MissingBillingCycle")
    e = refused(bss(signing, None).query_account_balance)
    assert (e.status_code, e.code) == (403, "Forbidden.RAM")


def per_instance(lines: list[dict], by_item: bool = False) -> dict:
    """The control API's lines summed per instance and kind (and billing item), to the fen."""
    sums: dict = {}
    for line in lines:
        key = (line["instance_id"], line["kind"]) + ((line["item"],) if by_item else ())
        sums[key] = sums.get(key, Decimal("0")) + fen(line["amount"])
    return sums


def test_query_instance_bill_sums_each_instance_to_the_fen(signing, bill):
    api = bss(signing)
    body = api.query_instance_bill(b.QueryInstanceBillRequest(billing_cycle=bill["month"], page_size=300))
    items = body.data.items.item
    assert body.data.total_count == len(items)
    assert {(i.instance_id, i.item): fen(i.pretax_amount) for i in items} == per_instance(bill["lines"])
    assert {i.subscription_type for i in items if i.item == "Refund"} == {"Subscription"}
    assert {(i.product_code, i.product_name) for i in items} == {(market.PRODUCT, "Zilliz Cloud")}
    by_item = api.query_instance_bill(
        b.QueryInstanceBillRequest(billing_cycle=bill["month"], is_billing_item=True, page_size=300)
    )
    assert {(i.instance_id, i.item, i.billing_item): fen(i.payment_amount) for i in by_item.data.items.item} == per_instance(
        bill["lines"], by_item=True
    )
    first = api.query_instance_bill(b.QueryInstanceBillRequest(billing_cycle=bill["month"], page_num=1, page_size=1))
    assert (first.data.page_size, len(first.data.items.item)) == (1, 1)
    assert (first.data.items.item[0].instance_id, first.data.items.item[0].item) == (items[0].instance_id, items[0].item)


def test_describe_instance_bill_reads_the_same_rows_by_token(signing, bill):
    api = bss(signing)
    rows, token = [], None
    while True:
        body = api.describe_instance_bill(
            b.DescribeInstanceBillRequest(billing_cycle=bill["month"], max_results=1, next_token=token)
        )
        rows.extend(body.data.items)
        token = body.data.next_token
        if not token:
            break
    assert len(rows) == body.data.total_count
    assert {(i.instance_id, i.item): fen(i.pretax_amount) for i in rows} == per_instance(bill["lines"])
    usage = next(line for line in bill["lines"] if line["kind"] == "PayAsYouGoBill")
    one = api.describe_instance_bill(
        b.DescribeInstanceBillRequest(billing_cycle=bill["month"], instance_id=usage["instance_id"], is_billing_item=True)
    )
    mine = [line for line in bill["lines"] if line["instance_id"] == usage["instance_id"]]
    assert [(i.billing_item, fen(i.pretax_amount)) for i in one.data.items] == [
        (line["item"], fen(line["amount"])) for line in mine
    ]
    other = bss(signing, "buyer-1").describe_instance_bill(
        b.DescribeInstanceBillRequest(billing_cycle=bill["month"], instance_id=usage["instance_id"])
    )
    assert (other.data.total_count, other.data.items) == (0, [])


def test_query_orders_lists_the_subscription_and_its_refund_to_the_fen(signing, bill):
    utc = lambda t: t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    start = bill["placed"] - dt.timedelta(minutes=1)
    body = bss(signing).query_orders(
        b.QueryOrdersRequest(create_time_start=utc(start), create_time_end=utc(market.world_now()), page_size=300)
    )
    orders = body.data.order_list.order
    assert body.data.total_count == len(orders)
    bought = next(o for o in orders if o.order_id == bill["subscription"])
    refund = next(o for o in orders if o.related_order_id == bill["subscription"])
    line = next(x for x in bill["lines"] if x["kind"] == "SubscriptionOrder" and x["order_id"] == bill["subscription"])
    refunded = next(x for x in bill["lines"] if x["kind"] == "Refund" and x["order_id"] == bill["subscription"])
    assert (bought.order_type, bought.subscription_type, fen(bought.pretax_amount)) == (
        "New",
        "Subscription",
        fen(line["amount"]),
    )
    assert (refund.order_type, refund.order_id, fen(refund.pretax_amount)) == (
        "Refund",
        str(refunded["id"]),
        fen(refunded["amount"]),
    )
    assert {o.subscription_type for o in orders if fen(o.pretax_amount) == 0} <= {"PayAsYouGo", "Subscription"}
    refunds = bss(signing).query_orders(
        b.QueryOrdersRequest(create_time_start=utc(start), create_time_end=utc(market.world_now()), order_type="Refund")
    )
    assert [o.order_id for o in refunds.data.order_list.order] == [str(refunded["id"])]


def test_bad_instance_bill_and_order_parameters_are_refused_with_their_codes(signing):
    api = bss(signing, "buyer-1")
    for call, request, code in [
        (api.query_instance_bill, b.QueryInstanceBillRequest(billing_cycle="2023-08", granularity="DAILY"), "MissingBillingDate"),
        (api.query_instance_bill, b.QueryInstanceBillRequest(billing_cycle="2023-08", granularity="HOURLY"), "InvalidGranularity"),
        (api.describe_instance_bill, b.DescribeInstanceBillRequest(billing_cycle="2023-08", next_token="x"), "InvalidNextToken"),
        (api.describe_instance_bill, b.DescribeInstanceBillRequest(billing_cycle="2023-08", max_results=301), "InvalidMaxResults"),
        (api.query_orders, b.QueryOrdersRequest(create_time_start="yesterday"), "InvalidCreateTimeStart"),
        (api.query_orders, b.QueryOrdersRequest(order_type="Purchase"), "InvalidOrderType"),
    ]:
        e = refused(call, request)
        assert (e.status_code, e.code) == (400, code)
    e = refused(bss(signing, None).query_orders, b.QueryOrdersRequest())
    assert (e.status_code, e.code) == (403, "Forbidden.RAM")

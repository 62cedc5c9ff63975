"""Metering: PushMeteringData over a window of the hour the marketplace's clock last passed, its
60 s rule as the SDK's ThrottlingException, PushTimesUsage deducting from the buyer's API package
as DescribeApiMetering shows it."""

import json
import uuid

import pytest
import yaml
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException

import market

PACKAGES = yaml.safe_load((market.REPO / "fixtures" / "openapi" / "metering.yaml").read_text(encoding="utf-8"))
BUYER_1_UID = market.BUYERS["buyer-1"]["ali_uid"]


def metering(instance_id: int, value: int = 96, assist: str | None = None) -> str:
    """One record of a ten-minute window ending on the hour the marketplace's clock last passed."""
    start, end = market.ten_minutes_to_the_hour()
    entity = {"Key": "Frequency", "Value": str(value)}
    entity["meteringAssit"] = f"{market.PRODUCT}-Frequency-1" if assist is None else assist
    return json.dumps(
        [{"InstanceId": str(instance_id), "StartTime": str(start), "EndTime": str(end), "Entities": [entity]}]
    )


def test_push_metering_data_accepts_a_window_of_the_last_hour_for_an_opened_instance(vendor, opened_purchases):
    instance_id, _ = opened_purchases[0]
    market.advance("61s")  # the instance's previous push (the other signing's) is over 60 s ago
    pushed = vendor.push_metering_data(m.PushMeteringDataRequest(metering=metering(instance_id)))
    assert pushed.success is True


def test_a_second_push_for_the_same_instance_within_60_seconds_is_throttled_with_a_retry_after(
    vendor, opened_purchases
):
    instance_id, _ = opened_purchases[1]
    market.advance("61s")
    assert vendor.push_metering_data(m.PushMeteringDataRequest(metering=metering(instance_id))).success is True

    with pytest.raises(ThrottlingException) as throttled:
        vendor.push_metering_data(m.PushMeteringDataRequest(metering=metering(instance_id, value=1)))
    e = throttled.value
    assert (e.status_code, e.code) == (400, "Service.Flow.Control")
    assert e.data["Message"] == "The rate throttling threshold has been exceeded."
    assert isinstance(e.retry_after, int) and 1 <= e.retry_after <= 60


def test_push_metering_data_refuses_a_record_without_metering_assit(vendor, opened_purchases):
    instance_id, _ = opened_purchases[0]
    market.advance("61s")
    with pytest.raises(ClientException) as refused:
        vendor.push_metering_data(m.PushMeteringDataRequest(metering=metering(instance_id, assist="")))
    assert (refused.value.status_code, refused.value.code) == (400, "Invalid.Parameter.Metering")
    assert "meteringAssit is empty" in refused.value.data["Message"]


def test_push_metering_data_refuses_an_instance_still_opening(vendor):
    opening = 15512222  # fixtures/openapi/instances.yaml: createInstance never succeeded
    with pytest.raises(ClientException) as refused:
        vendor.push_metering_data(m.PushMeteringDataRequest(metering=metering(opening)))
    assert (refused.value.status_code, refused.value.code) == (400, "Invalid.Parameter.Instance")


def test_describe_api_metering_lists_the_buyer_own_packages(buyer):
    mine = [p for p in PACKAGES["packages"] if p["ali_uid"] == BUYER_1_UID]
    resource = next(p for p in mine if p["type"] == 2)
    listed = buyer.describe_api_metering(m.DescribeApiMeteringRequest(page_num=1, product_code=market.PRODUCT, type=2))
    assert (listed.success, listed.code, listed.count, listed.page_number) == (True, "200", 1, 1)
    [line] = listed.result
    assert line.aliyun_pk == int(BUYER_1_UID)
    assert (line.product_code, line.unit) == (market.PRODUCT, resource["unit"])
    assert line.total_capacity == resource["capacity"]
    assert line.total_usage + line.total_quota == line.total_capacity

    everything = buyer.describe_api_metering(m.DescribeApiMeteringRequest(page_num=1))
    assert everything.count == len(mine)


def test_push_times_usage_deducts_from_the_buyer_package_once_per_client_token(vendor, buyer, opened_purchases):
    instance_id, _ = opened_purchases[0]

    def subscription_usage() -> int:
        [line] = buyer.describe_api_metering(
            m.DescribeApiMeteringRequest(page_num=1, product_code=market.PRODUCT, type=1)
        ).result
        return line.total_usage

    before = subscription_usage()
    token = str(uuid.uuid4())
    request = m.PushTimesUsageRequest(instance_id=str(instance_id), times=7, client_token=token, mark="sdk suite")
    used = vendor.push_times_usage(request)
    assert (used.success, used.result, used.code, used.http_state_code, used.message) == (
        True, True, "200", "200", "success")
    assert subscription_usage() == before + 7

    again = vendor.push_times_usage(request)
    assert (again.success, again.result) == (True, True)
    assert subscription_usage() == before + 7


def test_push_metering_data_with_sts_credentials_is_permission_denied(signing, opened_purchases):
    instance_id, _ = opened_purchases[0]
    sts = market.STS[market.VENDOR["id"]]
    temporary = market.Api(sts["access_key_id"], sts["access_key_secret"], signing, sts["security_token"])
    with pytest.raises(ClientException) as refused:
        temporary.push_metering_data(m.PushMeteringDataRequest(metering=metering(instance_id)))
    assert (refused.value.status_code, refused.value.code) == (403, "Permission.Denied")

"""Faults on the OpenAPI as the official SDK meets them: a 503 is the SDK's ServerException and
stores nothing; an injected throttle is its ThrottlingException; a dropped answer is a transport
error although the push was stored — so the vendor's retry meets the 60 s rule."""

import json

import pytest
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi.exceptions import ServerException, ThrottlingException

import market


def metering(instance_id: int) -> str:
    start, end = market.ten_minutes_to_the_hour()
    entity = {"Key": "Frequency", "Value": "7", "meteringAssit": f"{market.PRODUCT}-Frequency-1"}
    return json.dumps(
        [{"InstanceId": str(instance_id), "StartTime": str(start), "EndTime": str(end), "Entities": [entity]}]
    )


@pytest.fixture
def push_fault():
    """Arms one fault on the vendor's PushMeteringData; disarms every fault afterwards."""

    def arm(kind: str, **fields) -> dict:
        return market.control(
            "/__marketsim/faults",
            {"openapi": kind, "operation": "PushMeteringData", "access_key": market.VENDOR["access_key_id"], **fields},
        )

    yield arm
    market.control("/__marketsim/faults/clear", {})


def push(vendor, instance_id: int):
    return vendor.push_metering_data(m.PushMeteringDataRequest(metering=metering(instance_id)))


def test_an_injected_503_is_a_server_exception_and_the_push_is_not_stored(vendor, opened_purchases, push_fault):
    instance_id, _ = opened_purchases[0]
    market.advance("61s")
    push_fault("server_error", status=503)
    with pytest.raises(ServerException) as unavailable:
        push(vendor, instance_id)
    assert (unavailable.value.status_code, unavailable.value.code) == (503, "ServiceUnavailable")
    assert push(vendor, instance_id).success is True, "nothing was stored, so no 60 s rule"


def test_an_injected_throttle_is_a_throttling_exception(vendor, opened_purchases, push_fault):
    instance_id, _ = opened_purchases[0]
    market.advance("61s")
    push_fault("throttle")
    with pytest.raises(ThrottlingException) as throttled:
        push(vendor, instance_id)
    assert (throttled.value.status_code, throttled.value.code) == (400, "Service.Flow.Control")
    assert push(vendor, instance_id).success is True


def test_a_dropped_answer_leaves_the_push_stored_so_the_retry_is_throttled(vendor, opened_purchases, push_fault):
    instance_id, _ = opened_purchases[1]
    market.advance("61s")
    armed = push_fault("drop")
    with pytest.raises(Exception) as lost:
        push(vendor, instance_id)
    assert not isinstance(lost.value, (ServerException, ThrottlingException)), lost.value
    with pytest.raises(ThrottlingException):
        push(vendor, instance_id)
    fired = market.control("/__marketsim/faults")["fired"]
    assert [f["fault"] for f in fired if f["label"] == "drop"] == [armed["id"]]

"""Errors as the SDK surfaces them: signatures, AccessKeys, nonces, missing parameters, callers
without permission, STS credentials acting for their owner."""

import hashlib
import uuid

import pytest
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi import utils as sdk_utils
from alibabacloud_tea_openapi.exceptions import ClientException

import market

SEED_INSTANCE = "15511111"  # fixtures/openapi/instances.yaml, OPENED


def refused(call, *args) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call(*args)
    return caught.value


@pytest.fixture
def strings_to_sign(monkeypatch):
    """What the SDK signs: every message it hands to HMAC (the V3 StringToSign, the V1 one)."""
    signed = []
    real = sdk_utils.hmac

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def new(key, msg=None, digestmod=None):
            signed.append(msg.decode() if isinstance(msg, bytes) else msg)
            return real.new(key, msg, digestmod)

    monkeypatch.setattr(sdk_utils, "hmac", Spy())
    return signed


def test_a_wrong_secret_is_signature_does_not_match_with_the_server_string_to_sign(signing, strings_to_sign):
    wrong = market.Api(market.VENDOR["access_key_id"], "not-the-secret", signing)
    e = refused(wrong.describe_instance_for_isv, m.DescribeInstanceForIsvRequest(instance_id=SEED_INSTANCE))
    assert (e.status_code, e.code) == (400, "SignatureDoesNotMatch")
    [client_string_to_sign] = strings_to_sign
    message = e.data["Message"]
    if signing == "V3":
        assert message.endswith(f"server StringToSign is [{client_string_to_sign}]"), message
    else:
        # The legacy SDK compares the part after the first colon with its own StringToSign.
        assert message.split(":", 1)[1] == client_string_to_sign, message


def test_an_unknown_access_key_is_invalid_access_key_id_not_found_with_status_404(signing):
    stranger = market.Api("LTAI5tNobodyAtAll0000", "whatever-secret", signing)
    e = refused(stranger.describe_instance_for_isv, m.DescribeInstanceForIsvRequest(instance_id=SEED_INSTANCE))
    assert (e.status_code, e.code) == (404, "InvalidAccessKeyId.NotFound")
    assert e.request_id and e.request_id != "None"


def test_a_nonce_used_again_is_signature_nonce_used(vendor, monkeypatch):
    nonce = hashlib.md5(uuid.uuid4().bytes).hexdigest()
    monkeypatch.setattr(sdk_utils.Utils, "get_nonce", staticmethod(lambda: nonce))
    request = m.DescribeInstanceForIsvRequest(instance_id=SEED_INSTANCE)
    assert vendor.describe_instance_for_isv(request).instance_id == int(SEED_INSTANCE)
    e = refused(vendor.describe_instance_for_isv, request)
    assert (e.status_code, e.code) == (400, "SignatureNonceUsed")


def test_a_missing_required_parameter_is_missing_and_its_name(vendor, buyer):
    e = refused(vendor.describe_instance_for_isv, m.DescribeInstanceForIsvRequest())
    assert (e.status_code, e.code) == (400, "MissingInstanceId")
    assert e.data["Message"] == "InstanceId is mandatory for this action."
    e = refused(vendor.push_metering_data, m.PushMeteringDataRequest())
    assert (e.status_code, e.code) == (400, "MissingMetering")
    e = refused(buyer.describe_api_metering, m.DescribeApiMeteringRequest())
    assert (e.status_code, e.code) == (400, "MissingpageNum")


def test_a_vendor_calling_a_buyer_operation_is_forbidden_ram_with_status_403(vendor):
    for call, request in [
        (vendor.describe_instances, m.DescribeInstancesRequest(page_number=1, page_size=10)),
        (vendor.describe_instance, m.DescribeInstanceRequest(instance_id=SEED_INSTANCE)),
        (vendor.create_order, m.CreateOrderRequest(
            order_type="INSTANCE_BUY", commodity='{"productCode":"%s","skuCode":"payg"}' % market.PRODUCT,
            payment_type="AUTO", client_token=uuid.uuid4().hex)),
    ]:
        e = refused(call, request)
        assert (e.status_code, e.code) == (403, "Forbidden.RAM")


def test_a_buyer_calling_a_vendor_operation_is_forbidden_ram_with_status_403(buyer):
    for call, request in [
        (buyer.describe_instance_for_isv, m.DescribeInstanceForIsvRequest(instance_id=SEED_INSTANCE)),
        (buyer.describe_failed_notifications, m.DescribeFailedNotificationsRequest(page_number=1, page_size=10)),
        (buyer.push_metering_data, m.PushMeteringDataRequest(metering="[]")),
    ]:
        e = refused(call, request)
        assert (e.status_code, e.code) == (403, "Forbidden.RAM")


def test_another_buyer_instance_reads_as_not_found(signing, opened_purchases):
    instance_id, _ = opened_purchases[0]
    other = market.buyer(signing, "buyer-2")
    e = refused(other.describe_instance, m.DescribeInstanceRequest(instance_id=str(instance_id)))
    assert (e.status_code, e.code) == (404, "InvalidInstanceId.NotFound")
    vendor = market.vendor(signing)
    e = refused(vendor.describe_instance_for_isv, m.DescribeInstanceForIsvRequest(instance_id="99999999"))
    assert (e.status_code, e.code) == (404, "InvalidInstanceId.NotFound")


def test_sts_credentials_with_their_token_act_for_their_owner(signing):
    sts = market.STS[market.VENDOR["id"]]
    temporary = market.Api(sts["access_key_id"], sts["access_key_secret"], signing, sts["security_token"])
    seen = temporary.describe_instance_for_isv(m.DescribeInstanceForIsvRequest(instance_id=SEED_INSTANCE))
    assert (seen.instance_id, seen.status) == (int(SEED_INSTANCE), "OPENED")

    tokenless = market.Api(sts["access_key_id"], sts["access_key_secret"], signing)
    e = refused(tokenless.describe_instance_for_isv, m.DescribeInstanceForIsvRequest(instance_id=SEED_INSTANCE))
    assert (e.status_code, e.code) == (400, "MissingSecurityToken")

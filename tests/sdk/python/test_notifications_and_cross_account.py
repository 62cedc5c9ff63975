"""Failed orderPay notifications (DescribeFailedNotifications, ConfirmNotification) and the
cross-account authorization link (contract §2.2): the buyer's 授权 on the page gives the vendor a
token that CrossAccountVerifyToken exchanges for the buyer."""

import datetime as dt
import hashlib
import html
import json
import re
import urllib.parse

import pytest
import requests
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

import market

BUYER_1 = market.BUYERS["buyer-1"]


@pytest.fixture(scope="module")
def failed_order_pays():
    """Three orderPay notifications to the world's seeded open instance, every attempt of each
    answered 500 by an injected fault, each run through its 12 attempts (8 h 38 m, one after
    another) on the marketplace's clock: three failed notifications, their requestIds oldest first."""
    market.control(
        "/__marketsim/faults",
        {
            "spi": "status",
            "status": 500,
            "action": "orderPay",
            "instance": market.SEEDED_INSTANCE,
            "count": 36,
        },
    )
    made = [
        market.control("/__marketsim/deliver", {"instance": market.SEEDED_INSTANCE, "action": "orderPay"})
        ["message"]["request_id"]
        for _ in range(3)
    ]
    market.advance("27h")
    return made


def failed_notifications(vendor, page_number=1, page_size=100):
    return vendor.describe_failed_notifications(
        m.DescribeFailedNotificationsRequest(page_number=page_number, page_size=page_size)
    )


def test_describe_failed_notifications_pages_the_vendor_failed_order_pay_notifications_oldest_first(
    vendor, failed_order_pays
):
    everything = failed_notifications(vendor)
    entries = everything.notification_list
    assert everything.total_count == len(entries) >= 1
    listed = [e.notification_request_id for e in entries]
    assert [made for made in failed_order_pays if made in listed] == listed
    assert [e.create_time for e in entries] == sorted(e.create_time for e in entries)
    for entry in entries:
        message = json.loads(entry.message)
        assert entry.action == message["action"] == "orderPay"
        assert message["requestId"] == entry.notification_request_id
        assert message["productCode"] == market.PRODUCT
        assert "token" not in message
    for page in range(1, len(entries) + 2):
        one = failed_notifications(vendor, page_number=page, page_size=1)
        assert (one.page_number, one.page_size, one.total_count) == (page, 1, len(entries))
        assert [e.notification_request_id for e in one.notification_list] == [
            e.notification_request_id for e in entries[page - 1 : page]
        ]


def test_confirm_notification_removes_the_entry_from_describe_failed_notifications(vendor, failed_order_pays):
    before = failed_notifications(vendor)
    assert before.notification_list, "no failed notification left to confirm"
    confirmed = before.notification_list[0].notification_request_id

    answer = vendor.confirm_notification(m.ConfirmNotificationRequest(notification_request_id=confirmed))
    assert answer.success is True

    after = failed_notifications(vendor)
    assert after.total_count == before.total_count - 1
    assert confirmed not in [e.notification_request_id for e in after.notification_list]

    with pytest.raises(ClientException) as again:
        vendor.confirm_notification(m.ConfirmNotificationRequest(notification_request_id=confirmed))
    assert (again.value.status_code, again.value.code) == (404, "InvalidNotificationRequestId.NotFound")


def authorize_on_the_page(roles: str) -> str:
    """buyer-1 signs in, opens the vendor's link and presses 授权; returns the token the
    marketplace appends to the vendor's returnurl."""
    base = market.marketplace_url()
    link_token = hashlib.md5(f"role={roles}&key={market.VENDOR['spi_key']}".encode()).hexdigest()
    returnurl = "https://isv.example/aliyun/authorized?state=sdk"
    with requests.Session() as browser:
        browser.trust_env = False
        form = browser.get(base + "/signin", timeout=10)
        assert form.status_code == 200, form.status_code
        signin_csrf = html.unescape(re.search(r'name="csrf" value="([^"]+)"', form.text).group(1))
        signed_in = browser.post(
            base + "/signin",
            data={
                "login": BUYER_1["login"],
                "password": BUYER_1["password"],
                "return": "/console/services",
                "csrf": signin_csrf,
            },
            allow_redirects=False,
            timeout=10,
        )
        assert signed_in.status_code == 303, signed_in.status_code
        link = {"role": roles, "returnurl": returnurl, "token": link_token}
        page = browser.get(base + "/cross-account/authorize", params=link, timeout=10)
        assert page.status_code == 200, page.text
        csrf = html.unescape(re.search(r'name="csrf" value="([^"]+)"', page.text).group(1))
        granted = browser.post(
            base + "/cross-account/authorize", data={**link, "csrf": csrf}, allow_redirects=False, timeout=10
        )
    assert granted.status_code == 303, granted.text
    location = urllib.parse.urlsplit(granted.headers["location"])
    assert location._replace(query="").geturl() == "https://isv.example/aliyun/authorized"
    query = urllib.parse.parse_qs(location.query)
    assert query["state"] == ["sdk"]
    [token] = query["token"]
    assert re.fullmatch(r"[0-9A-F]{32}", token), token
    return token


def test_a_token_from_the_authorization_page_tells_the_vendor_the_buyer_once(vendor):
    roles = "AliyunMarketVendorReadRole,VendorCrossAccountSMSRole"
    token = authorize_on_the_page(roles)
    authorized_at = market.world_now()

    verified = vendor.cross_account_verify_token(m.CrossAccountVerifyTokenRequest(token=token))
    assert (verified.success, verified.code, verified.message) == (True, "200", "successful")
    assert verified.result.uid == BUYER_1["ali_uid"]
    assert verified.result.name == "bu***-1"
    assert verified.result.auth_roles == roles.split(",")
    pressed = dt.datetime.fromtimestamp(verified.result.auth_time / 1000, tz=dt.timezone.utc)
    assert abs((pressed - authorized_at).total_seconds()) < 60

    with pytest.raises(ClientException) as used:
        vendor.cross_account_verify_token(m.CrossAccountVerifyTokenRequest(token=token))
    assert (used.value.status_code, used.value.code) == (400, "InvalidToken")
    assert used.value.data["Message"] == "The specified Token has already been used."


def test_cross_account_verify_token_refuses_a_token_never_issued(vendor):
    with pytest.raises(ClientException) as refused:
        vendor.cross_account_verify_token(m.CrossAccountVerifyTokenRequest(token="C19D103FEA2D50A584410267CE9FBA56"))
    assert (refused.value.status_code, refused.value.code) == (400, "InvalidToken")
    assert refused.value.data["Message"] == "The specified Token does not exist."

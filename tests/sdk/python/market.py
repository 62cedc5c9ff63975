"""What the tests share: the running world, SDK clients signing V3 or V1, and the checks every
answer goes through (the SDK's model reads every field the marketplace sent, with the model's types).
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import pathlib
import re
import time
import typing
import urllib.parse
import urllib.request

import yaml
from alibabacloud_market20151101 import models as market_models
from alibabacloud_market20151101.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from darabonba.model import DaraModel

REPO = pathlib.Path(__file__).resolve().parents[3]
WORLD = yaml.safe_load((REPO / "fixtures" / "marketplace.yaml").read_text(encoding="utf-8"))
PRODUCT = WORLD["products"][0]["code"]
VENDOR = WORLD["vendors"][0]
BUYERS = {b["login"]: b for b in WORLD["buyers"]}
STS = {s["owner"]: s for s in WORLD.get("sts", [])}
# An instance the world starts with, open (fixtures/openapi/instances.yaml).
SEEDED_INSTANCE = next(
    p["instance_id"]
    for p in yaml.safe_load((REPO / "fixtures" / "openapi" / "instances.yaml").read_text(encoding="utf-8"))[
        "purchases"
    ]
    if p["status"] == "OPENED" and p["product_code"] == PRODUCT
)


def marketplace_url() -> str:
    url = os.environ.get("MARKETSIM_URL")
    if not url:
        raise RuntimeError("MARKETSIM_URL is not set: run the suite with .ci/sdk (see README.md)")
    return url.rstrip("/")


def endpoint() -> str:
    """`127.0.0.1:PORT`, as a vendor would give the SDK."""
    return marketplace_url().split("://", 1)[1]


class Api:
    """One SDK client (the Market OpenAPI's, or the `client` class given). Calling `api.describe_x(request)` returns the response's body model, after
    checking that the SDK's model read every field of the JSON answer, that `to_map()` round-trips,
    and that each typed field holds the model's Python type. `api.raw` is the last JSON answer."""

    def __init__(
        self, access_key_id: str, secret: str, signing: str, security_token: str | None = None, client=Client
    ):
        config = open_api_models.Config(
            access_key_id=access_key_id,
            access_key_secret=secret,
            endpoint=endpoint(),
            protocol="HTTP",
        )
        if security_token:
            config.security_token = security_token
        if signing == "V1":
            config.signature_algorithm = "v2"
        elif signing != "V3":
            raise ValueError(signing)
        self.signing = signing
        self.client = client(config)
        self.raw = None
        original = self.client.call_api

        def recording_call_api(params, request, runtime):
            answer = original(params, request, runtime)
            self.raw = answer.get("body")
            return answer

        self.client.call_api = recording_call_api

    def __getattr__(self, name):
        method = getattr(self.client, name)

        def call(*args, **kwargs):
            self.raw = None
            response = method(*args, **kwargs)
            assert response.status_code == 200, response.status_code
            check_model(response.body, self.raw)
            return response.body

        return call


def vendor(signing: str) -> Api:
    return Api(VENDOR["access_key_id"], VENDOR["access_key_secret"], signing)


def buyer(signing: str, login: str = "buyer-1") -> Api:
    b = BUYERS[login]
    return Api(b["access_key_id"], b["access_key_secret"], signing)


# --- the model checks -------------------------------------------------------------------------


def check_model(body: DaraModel, raw) -> None:
    as_map = body.to_map()
    again = type(body)().from_map(json.loads(json.dumps(as_map))).to_map()
    assert again == as_map, "to_map() does not round-trip through from_map()"
    if raw is not None:
        lost = unread_fields(raw, as_map, "")
        # A model without request_id (DescribeInstance, DescribePrice) cannot keep the RequestId
        # every answer carries; anything else the model drops is a field name it does not know.
        if not hasattr(body, "request_id"):
            lost = [p for p in lost if p != "RequestId"]
        assert not lost, f"the SDK model drops fields of the answer: {lost}"
        assert as_map == {k: v for k, v in raw.items() if k in as_map}, "the model changed values"
    problems: list[str] = []
    check_types(body, type(body).__name__, problems)
    assert not problems, "fields of the wrong type: " + "; ".join(problems)


def unread_fields(raw, read, path: str) -> list[str]:
    if isinstance(raw, dict) and isinstance(read, dict):
        lost = []
        for key, value in raw.items():
            here = f"{path}.{key}" if path else key
            if key not in read:
                lost.append(here)
            else:
                lost.extend(unread_fields(value, read[key], here))
        return lost
    if isinstance(raw, list) and isinstance(read, list):
        return [p for i, (a, b) in enumerate(zip(raw, read)) for p in unread_fields(a, b, f"{path}[{i}]")]
    return []


def check_types(model: DaraModel, path: str, problems: list[str]) -> None:
    hints = typing.get_type_hints(type(model).__init__)
    for name, hint in hints.items():
        if name == "return":
            continue
        check_value(getattr(model, name, None), hint, f"{path}.{name}", problems)


def check_value(value, hint, path: str, problems: list[str]) -> None:
    if value is None or hint is typing.Any:
        return
    origin = typing.get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            problems.append(f"{path} is {type(value).__name__}, not a list")
            return
        (item,) = typing.get_args(hint)
        for i, v in enumerate(value):
            check_value(v, item, f"{path}[{i}]", problems)
    elif origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{path} is {type(value).__name__}, not a dict")
    elif isinstance(hint, type) and issubclass(hint, DaraModel):
        if not isinstance(value, hint):
            problems.append(f"{path} is {type(value).__name__}, not {hint.__name__}")
        else:
            check_types(value, path, problems)
    elif hint is int:
        if type(value) is not int:
            problems.append(f"{path} is {type(value).__name__} {value!r}, not int")
    elif hint is float:
        if type(value) not in (float, int):
            problems.append(f"{path} is {type(value).__name__} {value!r}, not a number")
    elif hint is bool:
        if type(value) is not bool:
            problems.append(f"{path} is {type(value).__name__} {value!r}, not bool")
    elif hint is str:
        if type(value) is not str:
            problems.append(f"{path} is {type(value).__name__} {value!r}, not str")
    else:
        problems.append(f"{path}: no check for the model's type {hint!r}")


# --- the world ------------------------------------------------------------------------------------


def control(path: str, body: dict | None = None) -> dict:
    """The simulator's control API (`/__marketsim/...`): GET without a body, POST with one."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        marketplace_url() + path, data=data, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def world_now() -> dt.datetime:
    """The marketplace's clock (real time in `marketsim sandbox`, moved on by `advance`)."""
    return dt.datetime.fromisoformat(control("/__marketsim/clock")["now"])


def ten_minutes_to_the_hour() -> tuple[int, int]:
    """A ten-minute window (unix seconds) that ends on the last hour the marketplace's clock passed:
    inside one bill window and before its push deadline, whatever minute the suite runs at."""
    end = int(world_now().timestamp()) // 3600 * 3600
    return end - 600, end


def advance(by: str) -> None:
    control("/__marketsim/clock/advance", {"by": by})


def buy(api: Api, client_token: str, sku: str = "payg", **commodity) -> market_models.CreateOrderResponseBody:
    """A new purchase of the world's product through CreateOrder, as a buyer: pay-as-you-go, or
    `sku` with the rest of the Commodity (`duration`, `pricingCycle`, `components`)."""
    return order(api, client_token, "INSTANCE_BUY", {"productCode": PRODUCT, "skuCode": sku, **commodity})


def order(api: Api, client_token: str, order_type: str, commodity: dict) -> market_models.CreateOrderResponseBody:
    """CreateOrder of `order_type` for `commodity`, paid at once."""
    return api.create_order(
        market_models.CreateOrderRequest(
            order_type=order_type,
            commodity=json.dumps(commodity),
            payment_type="AUTO",
            client_token=client_token,
        )
    )


def wait_opened(api: Api, instance_id: int, within: float = 15.0) -> market_models.DescribeInstanceForIsvResponseBody:
    """Polls DescribeInstanceForIsv (as the vendor) until the instance is OPENED."""
    deadline = time.monotonic() + within
    while True:
        body = api.describe_instance_for_isv(market_models.DescribeInstanceForIsvRequest(instance_id=str(instance_id)))
        if body.status == "OPENED" or time.monotonic() > deadline:
            return body
        time.sleep(0.25)


def refund(login: str, instance_id: str) -> None:
    """退订 through the buyer's pages, as a person would: sign in as `login`, open the instance's
    refund dialog and confirm it (each form with the page's CSRF token)."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf_of(path: str) -> str:
        with browser.open(marketplace_url() + path, timeout=10) as page:
            found = re.search(r'name="csrf" value="([^"]+)"', page.read().decode())
        assert found, f"{path} has no form"
        return found.group(1)

    def post(path: str, fields: dict) -> None:
        body = urllib.parse.urlencode(fields).encode()
        with browser.open(marketplace_url() + path, data=body, timeout=10) as answer:
            assert answer.status == 200, answer.status

    post("/signin", {"csrf": csrf_of("/signin"), "login": login, "password": BUYERS[login]["password"]})
    path = f"/console/services/{instance_id}/refund"
    post(path, {"csrf": csrf_of(path)})

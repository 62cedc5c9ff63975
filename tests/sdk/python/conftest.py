import uuid

import pytest

import market


@pytest.fixture(params=["V3", "V1"])
def signing(request) -> str:
    """Every test runs twice: V3 (ACS3-HMAC-SHA256, the SDK's default) and V1 (HMAC-SHA1,
    `signature_algorithm='v2'`)."""
    return request.param


@pytest.fixture
def vendor(signing) -> market.Api:
    return market.vendor(signing)


@pytest.fixture
def buyer(signing) -> market.Api:
    return market.buyer(signing)


@pytest.fixture(scope="session")
def opened_purchases():
    """Two purchases by buyer-1 (one CreateOrder signed V3, one V1), both OPENED by the vendor
    console's createInstance answer: (instance id, order id) pairs, newest last."""
    purchases = []
    for signing in ("V3", "V1"):
        order = market.buy(market.buyer(signing), uuid.uuid4().hex)
        purchases.append((int(order.instance_ids.instance_id[0]), int(order.order_id)))
    for instance_id, _ in purchases:
        assert market.wait_opened(market.vendor("V3"), instance_id).status == "OPENED"
    return purchases


# --- the last line: `N passed, M failed` ----------------------------------------------------------

_outcomes: dict[str, str] = {}


def pytest_runtest_logreport(report):
    if report.failed:
        _outcomes[report.nodeid] = "failed"
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(report.nodeid, "passed")
    elif report.skipped:
        _outcomes.setdefault(report.nodeid, "skipped")


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        values = list(_outcomes.values())
        print(f"{values.count('passed')} passed, {values.count('failed')} failed", flush=True)

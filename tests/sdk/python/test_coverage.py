"""The suite keeps up with the SDK: every operation the pinned SDK's client has is called by a test."""

import inspect
import pathlib
import re

from alibabacloud_market20151101.client import Client


def test_every_operation_of_the_sdk_is_called_by_a_test():
    operations = sorted(
        name[: -len("_with_options")]
        for name, _ in inspect.getmembers(Client, inspect.isfunction)
        if name.endswith("_with_options") and not name.endswith("_async")
    )
    assert len(operations) == 33
    here = pathlib.Path(__file__).parent
    sources = "\n".join(p.read_text(encoding="utf-8") for p in here.glob("*.py") if p.name != "test_coverage.py")
    uncalled = [op for op in operations if not re.search(rf"\.{op}\(", sources)]
    assert not uncalled, f"operations no test calls: {uncalled}"

"""Licenses: DescribeLicense over the fixture licenses, ActivateLicense flipping the inactive one,
and its documented refusals.
"""

import pytest
import yaml
from alibabacloud_market20151101 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

import market

LICENSES = {
    lic["code"]: lic
    for lic in yaml.safe_load(
        (market.REPO / "fixtures" / "openapi" / "licenses.yaml").read_text(encoding="utf-8")
    )["licenses"]
}
ACTIVATED = next(lic for lic in LICENSES.values() if lic["status"] == "ACTIVATED")
EXPIRED = next(lic for lic in LICENSES.values() if lic["expires"] < "2023-08-15")
# One activatable license per signing: both runs share one sandbox.
ACTIVATABLE = dict(
    zip(("V3", "V1"), [lic for lic in LICENSES.values() if lic["status"] == "INACTIVATED" and lic["expires"] > "2099"])
)


def describe(vendor, code):
    return vendor.describe_license(m.DescribeLicenseRequest(license_code=code)).license


def test_describe_license_answers_the_license_with_its_buyer_and_attributes(vendor):
    for code, fixture in LICENSES.items():
        lic = describe(vendor, code)
        assert (lic.license_code, lic.product_code, lic.instance_id) == (code, fixture["product"], fixture["instance_id"])
        assert lic.product_sku_id == fixture["sku"]
        assert lic.supplier_name == market.VENDOR["name"]
        assert (lic.create_time, lic.expired_time) == (fixture["created"], fixture["expires"])
        assert lic.extend_info.ali_uid == int(fixture["ali_uid"])
        assert lic.extend_info.account_quantity == fixture["account_quantity"]
        assert (lic.extend_info.email, lic.extend_info.mobile) == (fixture["email"], fixture["mobile"])
        assert [(a.code, a.value) for a in lic.extend_array.license_attribute] == [
            (a["code"], a["value"]) for a in fixture["attributes"]
        ]
    assert describe(vendor, ACTIVATED["code"]).license_status == "ACTIVATED"
    assert describe(vendor, ACTIVATED["code"]).activate_time == ACTIVATED["activated"]


def test_activate_license_flips_an_inactive_license_to_activated(vendor, signing):
    lic = ACTIVATABLE[signing]
    assert describe(vendor, lic["code"]).license_status == "INACTIVATED"
    answer = vendor.activate_license(m.ActivateLicenseRequest(license_code=lic["code"], identification=lic["ali_uid"]))
    assert answer.success is True
    assert describe(vendor, lic["code"]).license_status == "ACTIVATED"


def test_activate_license_refuses_a_license_already_activated_and_leaves_it_as_it_was(vendor):
    with pytest.raises(ClientException) as refused:
        vendor.activate_license(m.ActivateLicenseRequest(license_code=ACTIVATED["code"]))
    assert (refused.value.status_code, refused.value.code) == (400, "Auth.Authorized")
    lic = describe(vendor, ACTIVATED["code"])
    assert (lic.license_status, lic.activate_time) == ("ACTIVATED", ACTIVATED["activated"])


def test_activate_license_refuses_an_expired_license_which_stays_inactivated(vendor):
    with pytest.raises(ClientException) as refused:
        vendor.activate_license(
            m.ActivateLicenseRequest(license_code=EXPIRED["code"], identification=EXPIRED["ali_uid"])
        )
    assert (refused.value.status_code, refused.value.code) == (400, "License.Expired")
    assert describe(vendor, EXPIRED["code"]).license_status == "INACTIVATED"


def test_activate_license_refuses_an_unknown_license_and_sts_credentials(vendor, signing):
    with pytest.raises(ClientException) as unknown:
        vendor.activate_license(m.ActivateLicenseRequest(license_code="ZZZZZZZZZZZZ"))
    assert (unknown.value.status_code, unknown.value.code) == (400, "License.NotFound")

    sts = market.STS[market.VENDOR["id"]]
    temporary = market.Api(sts["access_key_id"], sts["access_key_secret"], signing, sts["security_token"])
    with pytest.raises(ClientException) as refused:
        temporary.activate_license(m.ActivateLicenseRequest(license_code=ACTIVATED["code"]))
    assert (refused.value.status_code, refused.value.code) == (400, "Auth.CallerType")
    assert refused.value.data["Message"] == "RAM users or STS tokens are not supported."

//! Licenses (激活码): DescribeLicense and ActivateLicense, ISV-only, over the licenses of the calling
//! vendor's products (`fixtures/openapi/licenses.yaml`, kept in `market_licenses`). Dates are
//! `yyyy-MM-dd HH:mm:ss` strings in Asia/Shanghai, as the reference shows them; the codes are the
//! operation's own (`License.NotFound`, `License.Expired`, `Auth.Authorized`, `Auth.Match`,
//! `Auth.CallerType`), all HTTP 400 as its error table lists them. The store keeps the licenses
//! (`store::licenses`); `seed` puts the fixture's there.

use crate::openapi::answer::json;
use crate::openapi::call::{Call, Operation};
use crate::openapi::error::{ApiError, ErrorCode};
use crate::store::licenses::License;
use crate::world::Vendor;
use protocol::time::{epoch_millis, spi_format};
use serde::Serialize;
use serde_json::Value;

pub const OPS: &[(&str, Operation)] = &[
    ("DescribeLicense", Operation(describe_license)),
    ("ActivateLicense", Operation(activate_license)),
];

fn not_found() -> ApiError {
    ErrorCode::LicenseNotFound.into()
}

/// The calling vendor, refusing STS tokens (`Auth.CallerType`) and buyers (`Forbidden.RAM`).
fn vendor<'a>(call: &Call<'a>) -> Result<&'a Vendor, ApiError> {
    if call.sts {
        return Err(ErrorCode::CallerType.into());
    }
    super::vendor(call)
}

/// The license `code` if it belongs to one of `vendor`'s products; unknown and not-yours read the same.
fn license_of(call: &Call<'_>, vendor: &Vendor, code: &str) -> Result<License, ApiError> {
    let license = call.sim.store().license(code)?.ok_or_else(not_found)?;
    match call.sim.world().product(&license.product_code) {
        Some(p) if p.vendor == vendor.id => Ok(license),
        _ => Err(not_found()),
    }
}

fn date(ms: i64) -> String {
    spi_format(chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

fn describe_license(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let code = call.params.required("LicenseCode")?;
    let l = license_of(call, vendor, code)?;
    let product = call.sim.world().product(&l.product_code);
    let attributes = l
        .attributes
        .iter()
        .map(
            |a| DescribeLicenseResponseBodyLicenseExtendArrayLicenseAttribute {
                code: a.code.clone(),
                value: a.value.clone(),
            },
        )
        .collect();
    Ok(json(&DescribeLicenseResponseBody {
        license: DescribeLicenseResponseBodyLicense {
            license_code: &l.code,
            license_status: &l.status,
            instance_id: &l.instance_id,
            product_code: &l.product_code,
            product_name: product.map(|p| p.name.as_str()).unwrap_or_default(),
            product_sku_id: &l.sku_id,
            supplier_name: &vendor.name,
            create_time: date(l.created_at),
            expired_time: date(l.expires_at),
            activate_time: l.activated_at.map(date),
            extend_info: DescribeLicenseResponseBodyLicenseExtendInfo {
                ali_uid: l.ali_uid.parse::<i64>().unwrap_or_default(),
                account_quantity: l.account_quantity,
                email: &l.email,
                mobile: &l.mobile,
            },
            extend_array: DescribeLicenseResponseBodyLicenseExtendArray {
                license_attribute: attributes,
            },
        },
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeLicenseResponseBody<'a> {
    license: DescribeLicenseResponseBodyLicense<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeLicenseResponseBodyLicense<'a> {
    license_code: &'a str,
    license_status: &'a str,
    instance_id: &'a str,
    product_code: &'a str,
    product_name: &'a str,
    product_sku_id: &'a str,
    supplier_name: &'a str,
    create_time: String,
    expired_time: String,
    /// Once activated.
    #[serde(skip_serializing_if = "Option::is_none")]
    activate_time: Option<String>,
    extend_info: DescribeLicenseResponseBodyLicenseExtendInfo<'a>,
    extend_array: DescribeLicenseResponseBodyLicenseExtendArray,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeLicenseResponseBodyLicenseExtendInfo<'a> {
    ali_uid: i64,
    account_quantity: i64,
    email: &'a str,
    mobile: &'a str,
}

#[derive(Serialize)]
struct DescribeLicenseResponseBodyLicenseExtendArray {
    #[serde(rename = "LicenseAttribute")]
    license_attribute: Vec<DescribeLicenseResponseBodyLicenseExtendArrayLicenseAttribute>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeLicenseResponseBodyLicenseExtendArrayLicenseAttribute {
    code: String,
    value: String,
}

fn activate_license(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let code = call.params.required("LicenseCode")?;
    let identification = call.params.get("Identification");
    let l = license_of(call, vendor, code)?;
    let now = epoch_millis(call.sim.clock().now());
    if l.status == "ACTIVATED" {
        return Err(ErrorCode::LicenseActivated.into());
    }
    if l.expires_at <= now {
        return Err(ErrorCode::LicenseExpired.into());
    }
    if let Some(id) = identification {
        if id != l.ali_uid {
            return Err(ErrorCode::LicenseIdentification.into());
        }
    }
    let activated = call.sim.store().activate_license(&l.code, now, identification)?;
    if !activated {
        return Err(ErrorCode::LicenseActivated.into());
    }
    Ok(json(&ActivateLicenseResponseBody { success: true }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ActivateLicenseResponseBody {
    success: bool,
}

//! Licenses (激活码): DescribeLicense and ActivateLicense, ISV-only, over the licenses of the calling
//! vendor's products (`fixtures/openapi/licenses.yaml`, kept in `market_licenses`). Dates are
//! `yyyy-MM-dd HH:mm:ss` strings in Asia/Shanghai, as the reference shows them; the codes are the
//! operation's own (`License.NotFound`, `License.Expired`, `Auth.Authorized`, `Auth.Match`,
//! `Auth.CallerType`), all HTTP 400 as its error table lists them. The store keeps the licenses
//! (`store::licenses`); `seed` puts the fixture's there.

use crate::openapi::{ApiError, Call, Caller, Operation};
use crate::store::licenses::License;
use crate::world::Vendor;
use protocol::time::{epoch_millis, spi_format};
use serde_json::{json, Value};

pub const OPS: &[(&str, Operation)] = &[
    ("DescribeLicense", Operation(describe_license)),
    ("ActivateLicense", Operation(activate_license)),
];

/// This family's tables (`CREATE TABLE IF NOT EXISTS …`).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS market_licenses (
    license_code TEXT PRIMARY KEY, product_code TEXT NOT NULL, sku_id TEXT NOT NULL,
    instance_id TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,
    activated_at INTEGER, expires_at INTEGER NOT NULL, ali_uid TEXT NOT NULL,
    account_quantity INTEGER NOT NULL, email TEXT NOT NULL, mobile TEXT NOT NULL,
    identification TEXT, attributes TEXT NOT NULL);
";

fn not_found() -> ApiError {
    ApiError::new(400, "License.NotFound", "The specified license does not exist.")
}

/// The calling vendor, refusing STS tokens (`Auth.CallerType`) and buyers (`Forbidden.RAM`).
fn vendor<'a>(call: &'a Call<'_>) -> Result<&'a Vendor, ApiError> {
    if call.sts {
        return Err(ApiError::new(
            400,
            "Auth.CallerType",
            "RAM users or STS tokens are not supported.",
        ));
    }
    match call.caller {
        Caller::Vendor(v) => Ok(v),
        Caller::Buyer(_) => Err(ApiError::forbidden()),
    }
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
    let attributes: Vec<Value> = l
        .attributes
        .iter()
        .map(|a| json!({"Code": a.code, "Value": a.value}))
        .collect();
    let mut license = json!({
        "LicenseCode": l.code,
        "LicenseStatus": l.status,
        "InstanceId": l.instance_id,
        "ProductCode": l.product_code,
        "ProductName": product.map(|p| p.name.as_str()).unwrap_or_default(),
        "ProductSkuId": l.sku_id,
        "SupplierName": vendor.name,
        "CreateTime": date(l.created_at),
        "ExpiredTime": date(l.expires_at),
        "ExtendInfo": {
            "AliUid": l.ali_uid.parse::<i64>().unwrap_or_default(),
            "AccountQuantity": l.account_quantity,
            "Email": l.email,
            "Mobile": l.mobile,
        },
        "ExtendArray": {"LicenseAttribute": attributes},
    });
    if let Some(at) = l.activated_at {
        license["ActivateTime"] = json!(date(at));
    }
    Ok(json!({ "License": license }))
}

fn activate_license(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let code = call.params.required("LicenseCode")?;
    let identification = call.params.get("Identification");
    let l = license_of(call, vendor, code)?;
    let now = epoch_millis(call.sim.clock().now());
    if l.status == "ACTIVATED" {
        return Err(ApiError::new(
            400,
            "Auth.Authorized",
            "The license has already been activated.",
        ));
    }
    if l.expires_at <= now {
        return Err(ApiError::new(400, "License.Expired", "The license has expired."));
    }
    if let Some(id) = identification {
        if id != l.ali_uid {
            return Err(ApiError::new(
                400,
                "Auth.Match",
                "The identification does not match the license's buyer.",
            ));
        }
    }
    let activated = call.sim.store().activate_license(&l.code, now, identification)?;
    if !activated {
        return Err(ApiError::new(
            400,
            "Auth.Authorized",
            "The license has already been activated.",
        ));
    }
    Ok(json!({ "Success": true }))
}

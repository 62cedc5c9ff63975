//! Licenses (激活码): DescribeLicense and ActivateLicense, ISV-only, over the licenses of the calling
//! vendor's products (`fixtures/openapi/licenses.yaml`, kept in `market_licenses`). Dates are
//! `yyyy-MM-dd HH:mm:ss` strings in Asia/Shanghai, as the reference shows them; the codes are the
//! operation's own (`License.NotFound`, `License.Expired`, `Auth.Authorized`, `Auth.Match`,
//! `Auth.CallerType`), all HTTP 400 as its error table lists them.

use crate::openapi::answer::json;
use crate::openapi::{ApiError, Call, ErrorCode, Operation};
use crate::state::Simulator;
use crate::store::StoreError;
use crate::world::Vendor;
use protocol::time::{epoch_millis, spi_format, spi_parse};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

const FIXTURE: &str = include_str!("../../../../fixtures/openapi/licenses.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    licenses: Vec<FixtureLicense>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureLicense {
    code: String,
    product: String,
    sku: String,
    instance_id: String,
    status: String,
    created: String,
    #[serde(default)]
    activated: Option<String>,
    expires: String,
    ali_uid: String,
    account_quantity: i64,
    email: String,
    mobile: String,
    #[serde(default)]
    attributes: Vec<Attribute>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Attribute {
    code: String,
    value: String,
}

fn millis(date: &str) -> i64 {
    epoch_millis(spi_parse(date).unwrap_or_else(|| panic!("fixture date `{date}` is yyyy-MM-dd HH:mm:ss")))
}

/// Puts the fixture licenses of the world's products into a fresh or reset world.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture: Fixture = serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/licenses.yaml is valid");
    let mut conn = sim.store().conn();
    let tx = conn.transaction()?;
    for l in fixture.licenses {
        if sim.world().product(&l.product).is_none() {
            continue;
        }
        tx.execute(
            "INSERT OR REPLACE INTO market_licenses (license_code, product_code, sku_id, instance_id, status,
                created_at, activated_at, expires_at, ali_uid, account_quantity, email, mobile, identification,
                attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, ?13)",
            params![
                l.code,
                l.product,
                l.sku,
                l.instance_id,
                l.status,
                millis(&l.created),
                l.activated.as_deref().map(millis),
                millis(&l.expires),
                l.ali_uid,
                l.account_quantity,
                l.email,
                l.mobile,
                serde_json::to_string(&l.attributes).expect("attributes serialize"),
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

struct License {
    code: String,
    product_code: String,
    sku_id: String,
    instance_id: String,
    status: String,
    created_at: i64,
    activated_at: Option<i64>,
    expires_at: i64,
    ali_uid: String,
    account_quantity: i64,
    email: String,
    mobile: String,
    attributes: String,
}

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
    let license = call
        .sim
        .store()
        .conn()
        .query_row(
            "SELECT license_code, product_code, sku_id, instance_id, status, created_at, activated_at, expires_at,
                ali_uid, account_quantity, email, mobile, attributes FROM market_licenses WHERE license_code = ?1",
            [code],
            |r| {
                Ok(License {
                    code: r.get(0)?,
                    product_code: r.get(1)?,
                    sku_id: r.get(2)?,
                    instance_id: r.get(3)?,
                    status: r.get(4)?,
                    created_at: r.get(5)?,
                    activated_at: r.get(6)?,
                    expires_at: r.get(7)?,
                    ali_uid: r.get(8)?,
                    account_quantity: r.get(9)?,
                    email: r.get(10)?,
                    mobile: r.get(11)?,
                    attributes: r.get(12)?,
                })
            },
        )
        .optional()
        .map_err(StoreError::from)?
        .ok_or_else(not_found)?;
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
    let attributes = serde_json::from_str::<Vec<Attribute>>(&l.attributes)
        .unwrap_or_default()
        .into_iter()
        .map(
            |a| DescribeLicenseResponseBodyLicenseExtendArrayLicenseAttribute {
                code: a.code,
                value: a.value,
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
    let changed = call
        .sim
        .store()
        .conn()
        .execute(
            "UPDATE market_licenses SET status = 'ACTIVATED', activated_at = ?2, identification = ?3
             WHERE license_code = ?1 AND status = 'INACTIVATED'",
            params![l.code, now, identification],
        )
        .map_err(StoreError::from)?;
    if changed == 0 {
        return Err(ErrorCode::LicenseActivated.into());
    }
    Ok(json(&ActivateLicenseResponseBody { success: true }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ActivateLicenseResponseBody {
    success: bool,
}

//! Cross-account role authorization (contract §2.2) and CrossAccountVerifyToken (§3.3.4).
//!
//! The vendor sends the buyer to `/cross-account/authorize?role=…&aliyunuid=…&returnurl=…&token=…`,
//! where `token = MD5("role=<role>&key=<vendor SPI key>")`. The signed-in buyer presses 授权; the
//! marketplace issues a one-time token (32 upper-case hex digits) and sends the browser to
//! `returnurl` with it. The vendor exchanges the token, once and within [`TOKEN_LIFETIME_MS`] of
//! virtual time, for the buyer's Uid, masked Name, AuthTime and roles.

use super::vendor;
use crate::openapi::answer::json;
use crate::openapi::{ApiError, Call, ErrorCode};
use crate::state::Simulator;
use crate::store::StoreError;
use crate::world::Vendor;
use protocol::time::epoch_millis;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

/// How long an issued token may be exchanged (virtual time).
pub const TOKEN_LIFETIME_MS: i64 = 10 * 60 * 1000;

/// The vendor whose SPI key signs `role` with `token` (`MD5("role=<role>&key=<key>")`), if any.
pub fn link_vendor<'a>(sim: &'a Simulator, role: &str, token: &str) -> Option<&'a Vendor> {
    sim.world()
        .vendors
        .iter()
        .find(|v| protocol::spi::token(&[("role", role)], &v.spi_key).eq_ignore_ascii_case(token))
}

/// The roles of a link's `role` parameter (comma-separated template names).
pub fn roles(role: &str) -> Vec<String> {
    role.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Issues a one-time token for `ali_uid` granting `roles` to `vendor_id`.
pub fn issue_token(
    sim: &Simulator,
    vendor_id: &str,
    ali_uid: &str,
    roles: &[String],
) -> Result<String, StoreError> {
    let token = sim.secret()?.to_uppercase();
    let now = epoch_millis(sim.clock().now());
    sim.store().conn().execute(
        "INSERT INTO cross_account_tokens (token, vendor, ali_uid, roles, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            token,
            vendor_id,
            ali_uid,
            serde_json::to_string(roles).expect("strings serialize"),
            now
        ],
    )?;
    Ok(token)
}

/// A name as CrossAccountVerifyToken shows it by default: its first three and last four characters
/// at most (a third of it each at most), the rest `***` — `marketplace_wangxiao_test` →
/// `mar***test`, `buyer-1` → `bu***-1`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let third = chars.len() / 3;
    let head = third.min(3);
    let tail = third.min(4);
    let mut masked: String = chars[..head].iter().collect();
    masked.push_str("***");
    masked.extend(&chars[chars.len() - tail..]);
    masked
}

pub fn cross_account_verify_token(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let token = call.params.required("Token")?.trim();
    let now = epoch_millis(call.sim.clock().now());
    let mut conn = call.sim.store().conn();
    let tx = conn.transaction().map_err(StoreError::from)?;
    let row: Option<(String, String, i64, Option<i64>)> = tx
        .query_row(
            "SELECT ali_uid, roles, issued_at, used_at FROM cross_account_tokens WHERE token = ?1 AND vendor = ?2",
            params![token.to_ascii_uppercase(), vendor.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(StoreError::from)?;
    let Some((ali_uid, roles, issued_at, used_at)) = row else {
        return Err(ErrorCode::InvalidToken.into());
    };
    if used_at.is_some() {
        return Err(ErrorCode::InvalidToken.with_message("The specified Token has already been used."));
    }
    if now - issued_at > TOKEN_LIFETIME_MS {
        return Err(ErrorCode::InvalidToken.with_message("The specified Token has expired."));
    }
    tx.execute(
        "UPDATE cross_account_tokens SET used_at = ?1 WHERE token = ?2",
        params![now, token.to_ascii_uppercase()],
    )
    .map_err(StoreError::from)?;
    tx.commit().map_err(StoreError::from)?;
    let roles: Vec<String> = serde_json::from_str(&roles).unwrap_or_default();
    let name = call
        .sim
        .world()
        .buyer_by_uid(&ali_uid)
        .map(|b| mask_name(&b.login))
        .unwrap_or_else(|| mask_name(&ali_uid));
    Ok(json(&CrossAccountVerifyTokenResponseBody {
        result: CrossAccountVerifyTokenResponseBodyResult {
            uid: ali_uid,
            name,
            auth_time: issued_at,
            auth_roles: roles,
        },
        success: true,
        code: "200",
        message: "successful",
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CrossAccountVerifyTokenResponseBody {
    result: CrossAccountVerifyTokenResponseBodyResult,
    success: bool,
    code: &'static str,
    message: &'static str,
}

/// Who the buyer is: its Uid (a string here), masked name, when it authorized and which roles.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CrossAccountVerifyTokenResponseBodyResult {
    uid: String,
    name: String,
    auth_time: i64,
    auth_roles: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_in_the_middle() {
        assert_eq!(mask_name("marketplace_wangxiao_test"), "mar***test");
        assert_eq!(mask_name("buyer-1"), "bu***-1");
        assert_eq!(mask_name("ab"), "***");
        assert_eq!(mask_name("示例买家一号"), "示例***一号");
    }
}

//! CrossAccountVerifyToken (contract §3.3.4), the OpenAPI's half of cross-account role
//! authorization (§2.2).
//!
//! The vendor sends the buyer to `/cross-account/authorize?role=…&aliyunuid=…&returnurl=…&token=…`,
//! where `token = MD5("role=<role>&key=<vendor SPI key>")`. The signed-in buyer presses 授权; the
//! marketplace issues a one-time token (32 upper-case hex digits) and sends the browser to
//! `returnurl` with it (the page and the rules it shares with this operation are `pages::cross_account`
//! and `crate::cross_account`). The vendor exchanges the token, once and within
//! [`TOKEN_LIFETIME_MS`] of virtual time, for the buyer's Uid, masked Name, AuthTime and roles.

use super::vendor;
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use protocol::time::epoch_millis;
use serde::Serialize;
use serde_json::Value;

/// How long an issued token may be exchanged (virtual time).
pub const TOKEN_LIFETIME_MS: i64 = 10 * 60 * 1000;

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
    let token = token.to_ascii_uppercase();
    let found = call.sim.store().transaction(|tx| {
        let Some(found) = tx.cross_account_token(&token, &vendor.id)? else {
            return Err(ErrorCode::InvalidToken.into());
        };
        if found.used_at.is_some() {
            return Err(ErrorCode::InvalidToken.with_message("The specified Token has already been used."));
        }
        if now - found.issued_at > TOKEN_LIFETIME_MS {
            return Err(ErrorCode::InvalidToken.with_message("The specified Token has expired."));
        }
        tx.use_cross_account_token(&token, now)?;
        Ok(found)
    })?;
    let (ali_uid, roles, issued_at) = (found.ali_uid, found.roles, found.issued_at);
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

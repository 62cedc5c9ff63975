//! Cross-account role authorization (contract §2.2): the rules both of its interfaces share. The
//! 授权 page (`pages::cross_account`) checks a vendor's link and issues the one-time token; the
//! OpenAPI's CrossAccountVerifyToken (`openapi::ops::notifications::cross_account`) exchanges it.
//!
//! A link's token is `MD5("role=<role>&key=<vendor SPI key>")`; the token issued is 32 upper-case
//! hex digits, kept in the store with the buyer, the vendor and the roles granted.

use crate::state::Simulator;
use crate::store::notifications::CrossAccountToken;
use crate::store::StoreError;
use crate::world::Vendor;
use protocol::time::epoch_millis;

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
    sim.store().insert_cross_account_token(&CrossAccountToken {
        token: token.clone(),
        vendor: vendor_id.to_owned(),
        ali_uid: ali_uid.to_owned(),
        roles: roles.to_vec(),
        issued_at: epoch_millis(sim.clock().now()),
        used_at: None,
    })?;
    Ok(token)
}

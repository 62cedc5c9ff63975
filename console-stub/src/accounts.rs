//! Users and their sign-in, on the floor of the console's rules: passwords hashed with argon2id
//! and checked, registration (an account and its first organisation, which the new user
//! administers, refused when the e-mail is taken), and signing in, which replaces the visitor's
//! session so that a token seen before sign-in is worthless after. The rows and queries are the
//! store's ([`crate::store::accounts`]); the pages and the seeding call these rules.

use crate::store::accounts::{Session, User};
use crate::store::orgs::Org;
use crate::store::{Db, StoreError};
use crate::world::Argon2Cost;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use protocol::time::Instant;

/// A password could not be hashed (argon2 refused its parameters or salt).
#[derive(Debug, thiserror::Error)]
#[error("cannot hash a password: {0}")]
pub struct HashError(String);

/// Why a registration was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// An account with this e-mail exists already.
    #[error("the e-mail is registered already")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Hashes `password` with argon2id at `cost`, salted with `salt`.
pub fn hash_password(cost: Argon2Cost, salt: &[u8; 16], password: &str) -> Result<String, HashError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| HashError(e.to_string()))?;
    let salt = SaltString::encode_b64(salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches a stored hash (the cost is read from the hash itself).
pub fn check_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Registers a user (`hash` is their password's) and their first organisation, which they
/// administer, in one write.
pub fn register(
    db: &mut Db,
    email: &str,
    name: &str,
    hash: &str,
    org_name: &str,
    now: Instant,
) -> Result<(User, Org), RegisterError> {
    if db.user_by_email(email)?.is_some() {
        return Err(RegisterError::EmailTaken);
    }
    let user = User {
        id: db.user_id(),
        email: email.trim().to_string(),
        name: name.to_string(),
    };
    let org_ids = db.new_org_ids()?;
    let org = db.write(|tx| {
        tx.insert_user(&user, hash, now)?;
        tx.insert_new_org(&org_ids, org_name, &user, now)
    })?;
    Ok((user, org))
}

/// Signs `user_id` in: the visitor's `old` session ends and a new one starts.
pub fn sign_in(
    db: &mut Db,
    old: Option<&Session>,
    user_id: &str,
    now: Instant,
) -> Result<Session, StoreError> {
    if let Some(old) = old {
        db.end_session(&old.token)?;
    }
    db.new_session(Some(user_id), now)
}

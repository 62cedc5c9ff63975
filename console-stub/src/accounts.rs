//! Accounts and sessions: users with argon2id password hashes, and the sessions behind the
//! `zc_session` cookie. A session may be anonymous (a visitor on 登录 or 注册, who needs a CSRF
//! token before having an account); signing in replaces it with a new one, so a token seen before
//! sign-in is worthless after.

use crate::error::ConsoleError;
use crate::orgs::{insert_org, Org};
use crate::store::{millis, Db};
use crate::world::Argon2Cost;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use protocol::time::Instant;
use rusqlite::{params, OptionalExtension, Row};

/// A user as pages show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// A session: signed in when `user_id` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    pub user_id: Option<String>,
    pub csrf: String,
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
    })
}

/// Hashes `password` with argon2id at `cost`, salted with `salt`.
pub fn hash_password(cost: Argon2Cost, salt: &[u8; 16], password: &str) -> Result<String, ConsoleError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| ConsoleError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(salt).map_err(|e| ConsoleError::Hash(e.to_string()))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ConsoleError::Hash(e.to_string()))
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

impl Db {
    /// The user with `email` (case-insensitive) and their password hash.
    pub fn user_by_email(&self, email: &str) -> rusqlite::Result<Option<(User, String)>> {
        self.conn
            .query_row(
                "SELECT id, email, name, password_hash FROM users WHERE email = ?1",
                params![email.trim()],
                |r| Ok((user_row(r)?, r.get(3)?)),
            )
            .optional()
    }

    /// The user with `id`.
    pub fn user(&self, id: &str) -> rusqlite::Result<Option<User>> {
        self.conn
            .query_row(
                "SELECT id, email, name FROM users WHERE id = ?1",
                params![id],
                user_row,
            )
            .optional()
    }

    /// Registers a user and their first organisation, which they administer, in one step;
    /// `None` when the e-mail is taken.
    pub fn register(
        &mut self,
        email: &str,
        name: &str,
        hash: &str,
        org_name: &str,
        now: Instant,
    ) -> rusqlite::Result<Option<(User, Org)>> {
        if self.user_by_email(email)?.is_some() {
            return Ok(None);
        }
        let user = User {
            id: self.user_id(),
            email: email.trim().to_string(),
            name: name.to_string(),
        };
        let org_ids = self.new_org_ids()?;
        let org = self.write(|conn| {
            conn.execute(
                "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![user.id, user.email, user.name, hash, millis(now)],
            )?;
            insert_org(conn, &org_ids, org_name, &user, now)
        })?;
        Ok(Some((user, org)))
    }

    /// Starts a session (anonymous when `user_id` is `None`).
    pub fn new_session(&mut self, user_id: Option<&str>, now: Instant) -> rusqlite::Result<Session> {
        let token = self.secret();
        let csrf = self.secret();
        self.write(|conn| {
            conn.execute(
                "INSERT INTO sessions (token, user_id, csrf, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![token, user_id, csrf, millis(now)],
            )
        })?;
        Ok(Session {
            token,
            user_id: user_id.map(str::to_string),
            csrf,
        })
    }

    /// The session behind a cookie value.
    pub fn session(&self, token: &str) -> rusqlite::Result<Option<Session>> {
        self.conn
            .query_row(
                "SELECT token, user_id, csrf FROM sessions WHERE token = ?1",
                params![token],
                |r| {
                    Ok(Session {
                        token: r.get(0)?,
                        user_id: r.get(1)?,
                        csrf: r.get(2)?,
                    })
                },
            )
            .optional()
    }

    /// Ends a session.
    pub fn end_session(&self, token: &str) -> rusqlite::Result<()> {
        self.conn
            .execute("DELETE FROM sessions WHERE token = ?1", params![token])?;
        Ok(())
    }
}

//! The `users` and `sessions` tables: a user's row (with the password hash, which only sign-in
//! reads) and the sessions behind the `zc_session` cookie. What an account may do is a rule,
//! above the store (module `accounts`).

use super::{millis, Db, StoreError, Tx};
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

impl Db {
    /// The user with `email` (case-insensitive) and their password hash.
    pub fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT id, email, name, password_hash FROM users WHERE email = ?1",
                params![email.trim()],
                |r| Ok((user_row(r)?, r.get(3)?)),
            )
            .optional()?;
        Ok(found)
    }

    /// The user with `id`.
    pub fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT id, email, name FROM users WHERE id = ?1",
                params![id],
                user_row,
            )
            .optional()?;
        Ok(found)
    }

    /// Starts a session (anonymous when `user_id` is `None`).
    pub fn new_session(&mut self, user_id: Option<&str>, now: Instant) -> Result<Session, StoreError> {
        let token = self.secret();
        let csrf = self.secret();
        self.write(|tx| {
            tx.conn.execute(
                "INSERT INTO sessions (token, user_id, csrf, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![token, user_id, csrf, millis(now)],
            )?;
            Ok(())
        })?;
        Ok(Session {
            token,
            user_id: user_id.map(str::to_string),
            csrf,
        })
    }

    /// The session behind a cookie value.
    pub fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        let found = self
            .conn
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
            .optional()?;
        Ok(found)
    }

    /// Ends a session.
    pub fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM sessions WHERE token = ?1", params![token])?;
        Ok(())
    }
}

impl Tx<'_> {
    /// Adds a user with their password hash.
    pub fn insert_user(&self, user: &User, password_hash: &str, now: Instant) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user.id, user.email, user.name, password_hash, millis(now)],
        )?;
        Ok(())
    }
}

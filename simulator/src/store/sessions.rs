//! Buyers' sign-ins: an opaque cookie token, the account it signs in, and the CSRF token its forms carry.

use super::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    pub login: String,
    pub csrf: String,
}

impl Store {
    pub fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO sessions (token, login, csrf) VALUES (?1, ?2, ?3)",
            params![session.token, session.login, session.csrf],
        )?;
        Ok(())
    }

    pub fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT token, login, csrf FROM sessions WHERE token = ?1",
                [token],
                |r| {
                    Ok(Session {
                        token: r.get(0)?,
                        login: r.get(1)?,
                        csrf: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM sessions WHERE token = ?1", [token])?;
        Ok(())
    }
}

//! Browsers' sessions: an opaque cookie token, the CSRF token its forms carry and, once a buyer or a
//! vendor has signed in, the account. A browser that has only opened the sign-in form has an
//! anonymous session (its form's token is tied to that browser); those live in
//! `anonymous_sessions`, a table of their own since `sessions` requires a login, and only the newest
//! [`ANONYMOUS_KEPT`] are kept so that opening the form over and over cannot fill the store.

use super::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// How many anonymous sessions are kept; the oldest beyond this are forgotten.
const ANONYMOUS_KEPT: i64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    /// The account signed in, or None for an anonymous session.
    pub login: Option<String>,
    pub csrf: String,
}

impl Store {
    pub fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        let conn = self.conn();
        match &session.login {
            Some(login) => {
                conn.execute(
                    "INSERT INTO sessions (token, login, csrf) VALUES (?1, ?2, ?3)",
                    params![session.token, login, session.csrf],
                )?;
            }
            None => {
                conn.execute(
                    "INSERT INTO anonymous_sessions (token, csrf) VALUES (?1, ?2)",
                    params![session.token, session.csrf],
                )?;
                conn.execute(
                    "DELETE FROM anonymous_sessions
                     WHERE rowid <= (SELECT max(rowid) FROM anonymous_sessions) - ?1",
                    [ANONYMOUS_KEPT],
                )?;
            }
        }
        Ok(())
    }

    /// The session `token` names, signed in or anonymous.
    pub fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT token, login, csrf FROM sessions WHERE token = ?1
                 UNION ALL SELECT token, NULL, csrf FROM anonymous_sessions WHERE token = ?1",
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

    /// Ends the session `token` names, whichever kind it is.
    pub fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM sessions WHERE token = ?1", [token])?;
        conn.execute("DELETE FROM anonymous_sessions WHERE token = ?1", [token])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anonymous(n: i64) -> Session {
        Session {
            token: format!("t{n}"),
            login: None,
            csrf: format!("c{n}"),
        }
    }

    #[test]
    fn an_anonymous_session_is_found_and_ended_like_a_signed_in_one() {
        let store = Store::in_memory().unwrap();
        let signed_in = Session {
            token: "s".into(),
            login: Some("buyer-1".into()),
            csrf: "c".into(),
        };
        store.create_session(&signed_in).unwrap();
        store.create_session(&anonymous(1)).unwrap();
        assert_eq!(store.session("s").unwrap(), Some(signed_in));
        assert_eq!(store.session("t1").unwrap(), Some(anonymous(1)));
        store.delete_session("s").unwrap();
        store.delete_session("t1").unwrap();
        assert_eq!(store.session("s").unwrap(), None);
        assert_eq!(store.session("t1").unwrap(), None);
    }

    #[test]
    fn a_data_dir_from_before_anonymous_sessions_opens_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let old = rusqlite::Connection::open(dir.path().join(super::super::FILE_NAME)).unwrap();
        old.execute_batch(include_str!("migrations/001_first_schema.sql"))
            .unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        drop(old);
        let store = Store::open(Some(dir.path())).unwrap();
        store.create_session(&anonymous(1)).unwrap();
        assert_eq!(store.session("t1").unwrap(), Some(anonymous(1)));
    }

    #[test]
    fn only_the_newest_anonymous_sessions_are_kept() {
        let store = Store::in_memory().unwrap();
        for n in 0..=ANONYMOUS_KEPT {
            store.create_session(&anonymous(n)).unwrap();
        }
        assert_eq!(store.session("t0").unwrap(), None);
        assert_eq!(store.session("t1").unwrap(), Some(anonymous(1)));
        let newest = format!("t{ANONYMOUS_KEPT}");
        assert_eq!(store.session(&newest).unwrap(), Some(anonymous(ANONYMOUS_KEPT)));
    }
}

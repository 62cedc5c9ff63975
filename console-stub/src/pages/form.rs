//! Posted forms, read as the raw list of fields so that a field sent twice (two organisations
//! chosen at once, say) is refused rather than silently reduced to one, and the CSRF check that
//! every form passes before anything else happens.

use crate::pages::error::PageError;
use crate::store::accounts::Session;

/// The fields of a posted `application/x-www-form-urlencoded` form.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The one value of `name`; missing or repeated is a bad request.
    pub fn one(&self, name: &str, label: &str) -> Result<&str, PageError> {
        let mut values = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
        match (values.next(), values.next()) {
            (Some(v), None) => Ok(v),
            (None, _) => Err(PageError::BadRequest(format!("请填写{label}。"))),
            (Some(_), Some(_)) => Err(PageError::BadRequest(format!("{label}只能有一个。"))),
        }
    }

    /// The value of `name`, empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Refuses the form unless it carries exactly the CSRF token of the visitor's session.
    pub fn check_csrf(&self, session: Option<&Session>) -> Result<(), PageError> {
        let sent: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .collect();
        match (session, sent.as_slice()) {
            (Some(session), [token]) if constant_time_eq(token.as_bytes(), session.csrf.as_bytes()) => Ok(()),
            _ => Err(PageError::Csrf),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

//! An SPI call's parameters as received (decoded, token included), read the careful way: a
//! required one present exactly once and not empty, dates in the SPI's `yyyy-MM-dd HH:mm:ss`,
//! `isRefund` `true` or `false`, and the extra billing items — every parameter the contract does
//! not name for the action — each at most once.

use super::error::SpiError;
use protocol::time::spi_parse;
use std::collections::BTreeMap;

/// The parameters of one call.
#[derive(Debug, Clone, Copy)]
pub struct Params<'a>(pub &'a [(String, String)]);

impl<'a> Params<'a> {
    fn values(&self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The one non-empty value of `name`.
    pub fn one(&self, name: &'static str) -> Result<&'a str, SpiError> {
        let mut values = self.values(name);
        match (values.next(), values.next()) {
            (Some(v), None) if !v.trim().is_empty() => Ok(v),
            _ => Err(SpiError::Parameter(name)),
        }
    }

    /// The value of `name` when it is sent; sent twice or empty is refused.
    pub fn optional(&self, name: &'static str) -> Result<Option<&'a str>, SpiError> {
        match self.values(name).next() {
            None => Ok(None),
            Some(_) => self.one(name).map(Some),
        }
    }

    /// The one value of `name`, an SPI date.
    pub fn date(&self, name: &'static str) -> Result<&'a str, SpiError> {
        let value = self.one(name)?;
        check_date(name, value)?;
        Ok(value)
    }

    /// The value of `name` when it is sent, an SPI date.
    pub fn optional_date(&self, name: &'static str) -> Result<Option<&'a str>, SpiError> {
        let value = self.optional(name)?;
        if let Some(value) = value {
            check_date(name, value)?;
        }
        Ok(value)
    }

    /// The one value of `name`, `true` or `false`.
    pub fn flag(&self, name: &'static str) -> Result<&'a str, SpiError> {
        match self.one(name)? {
            v @ ("true" | "false") => Ok(v),
            _ => Err(SpiError::Invalid {
                name: name.to_string(),
                why: "must be true or false",
            }),
        }
    }

    /// Every parameter but `known` (and the token): the extra billing items, by name.
    pub fn extras(&self, known: &[&str]) -> Result<BTreeMap<String, String>, SpiError> {
        let mut extras = BTreeMap::new();
        for (name, value) in self.0 {
            if name == "token" || known.contains(&name.as_str()) {
                continue;
            }
            if extras.insert(name.clone(), value.clone()).is_some() {
                return Err(SpiError::Invalid {
                    name: name.clone(),
                    why: "is sent more than once",
                });
            }
        }
        Ok(extras)
    }
}

fn check_date(name: &'static str, value: &str) -> Result<(), SpiError> {
    match spi_parse(value) {
        Some(_) => Ok(()),
        None => Err(SpiError::Invalid {
            name: name.to_string(),
            why: "must be a date written yyyy-MM-dd HH:mm:ss",
        }),
    }
}

//! What a store's file holds — its name, how messages call it, its migrations — as the owner of
//! the store describes it; every check beneath the crate root reads it.

use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};

/// What a store's file holds.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// How messages name such a store: "marketplace store".
    pub what: &'static str,
    /// The file's name inside its data directory.
    pub file_name: &'static str,
    /// The schema, one migration per change, oldest first. `PRAGMA user_version` counts those a
    /// store has run (`rusqlite_migration`'s convention): a new store runs them all, an older one
    /// those past its version, and is judged as they leave it.
    pub migrations: &'static [M<'static>],
}

impl Layout {
    /// The migrations, to run on a connection (`to_latest`).
    pub fn migrations(&self) -> Migrations<'static> {
        Migrations::from_slice(self.migrations)
    }

    pub(crate) fn file(&self, dir: &Path) -> PathBuf {
        dir.join(self.file_name)
    }

    pub(crate) fn beside(&self, dir: &Path, suffix: &str) -> PathBuf {
        dir.join(format!("{}{suffix}", self.file_name))
    }
}

//! The marketplace store's schema, one migration per change, each frozen once released: a store
//! runs those past its `PRAGMA user_version` (`rusqlite_migration`), checked first on a copy by
//! `store_file`. A new table or column is a new migration at the end of this list, never an edit
//! to one above it. The statements live in `migrations/*.sql`.

use rusqlite_migration::M;

pub(super) const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/001_first_schema.sql")),
    M::up(include_str!(
        "migrations/002_anonymous_sessions_and_metering_index.sql"
    )),
    M::up(include_str!("migrations/003_spi_messages.sql")),
    M::up(include_str!("migrations/004_metering_by_record.sql")),
    M::up(include_str!("migrations/005_terms.sql")),
    M::up(include_str!("migrations/006_arrears.sql")),
    M::up(include_str!("migrations/007_jobs_by_subject.sql")),
    M::up(include_str!("migrations/008_bills.sql")),
    M::up(include_str!("migrations/009_expired_at.sql")),
    M::up(include_str!("migrations/010_feed.sql")),
];

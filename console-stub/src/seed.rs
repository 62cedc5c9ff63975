//! Seeding: the users, organisations, members and projects a [`ConsoleWorld`] names, written into
//! a new store in one transaction. Floor: above the rules (passwords are hashed by
//! [`hash_password`], as every password is) and the store, whose typed inserts it writes through;
//! beneath the opening, whose `Console::open` calls it once, when the store is new.

use crate::accounts::{hash_password, HashError};
use crate::store::accounts::User;
use crate::store::orgs::{Org, Project};
use crate::store::{Db, StoreError};
use crate::world::ConsoleWorld;
use protocol::time::Instant;
use std::collections::HashMap;

/// Why a world could not be written into a new store.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes `world`'s users, organisations, members and projects into the new store `db`. Seeded
/// rows are dated at the epoch, before anything the console does.
pub fn seed(db: &mut Db, world: &ConsoleWorld) -> Result<(), SeedError> {
    let epoch = Instant::default();
    let mut users = Vec::new();
    let mut user_ids = HashMap::new();
    for user in &world.users {
        let id = db.user_id();
        let salt = db.salt();
        let hash = hash_password(db.cost, &salt, &user.password)?;
        user_ids.insert(user.email.to_lowercase(), id.clone());
        let row = User {
            id,
            email: user.email.clone(),
            name: user.name.clone(),
        };
        users.push((row, hash));
    }
    let mut projects = Vec::new();
    for org in &world.orgs {
        for (seq, name) in org.projects.iter().enumerate() {
            let project = Project {
                id: db.project_id(),
                name: name.clone(),
            };
            projects.push((org.id.as_str(), project, seq as i64));
        }
    }
    db.write(|tx| {
        for (user, hash) in &users {
            tx.insert_user(user, hash, epoch)?;
        }
        for org in &world.orgs {
            let row = Org {
                id: org.id.clone(),
                name: org.name.clone(),
                free_credit: org.free_credit,
            };
            tx.insert_org(&row, epoch)?;
            for (seq, m) in org.members.iter().enumerate() {
                let user_id = &user_ids[&m.email.to_lowercase()];
                tx.insert_member(&org.id, user_id, m.role, seq as i64)?;
            }
        }
        for (org_id, project, seq) in &projects {
            tx.insert_project(org_id, project, *seq)?;
        }
        Ok(())
    })?;
    Ok(())
}

//! Organisations, on the floor of the console's rules: creating one (its creator administers it,
//! and it starts with Default Project), and who may bind one to a marketplace instance
//! ([`choosable`]). The rows and queries — memberships, members, projects, the 事件 log — are the
//! store's ([`crate::store::orgs`]); every page about an organisation reads it through
//! [`Db::membership`], so a visitor never sees an organisation they do not belong to.

use crate::store::accounts::User;
use crate::store::orgs::{Membership, Org};
use crate::store::{Db, StoreError};
use crate::world::Role;
use protocol::time::Instant;

/// Whether the user may bind this organisation to a marketplace instance: an admin, and the
/// organisation not bound yet (one instance per organisation).
pub fn choosable(membership: &Membership) -> bool {
    membership.role == Role::Admin && membership.bound_instance.is_none()
}

/// Creates an organisation administered by `admin`, with a first project.
pub fn create_org(db: &mut Db, name: &str, admin: &User, now: Instant) -> Result<Org, StoreError> {
    let ids = db.new_org_ids()?;
    db.write(|tx| tx.insert_new_org(&ids, name, admin, now))
}

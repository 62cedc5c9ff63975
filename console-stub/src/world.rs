//! The world a console starts from: its seed, the SPI key and product it shares with the
//! marketplace, the argon2 cost of its password hashes, and the users, organisations and projects
//! that exist before anyone registers. Read from YAML; [`ConsoleWorld::default_world`] is the
//! embedded `fixtures/console.yaml` (the seed's Zilliz organisation). The lowest floor: plain
//! data and its vocabulary ([`Role`], [`Argon2Cost`]), importing nothing of the console, so the
//! store can speak it.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Why a world was refused: YAML that does not read as one, or a rule of
/// [`ConsoleWorld::validate`].
#[derive(Debug, thiserror::Error)]
#[error("invalid console world: {0}")]
pub struct WorldError(String);

/// The starting state of a console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleWorld {
    /// Seeds every id and (in deterministic runs) every secret the console hands out.
    pub seed: u64,
    /// The marketplace product this console sells (must match the marketplace's catalog).
    pub product_code: String,
    /// The SPI key shared with the marketplace's vendor record.
    pub spi_key: String,
    /// The cost of password hashes; see [`Argon2Cost`].
    #[serde(default)]
    pub argon2: Argon2Cost,
    #[serde(default)]
    pub users: Vec<WorldUser>,
    #[serde(default)]
    pub orgs: Vec<WorldOrg>,
}

/// Argon2id parameters. The default is the OWASP recommendation (19 MiB, 2 passes, 1 lane);
/// fixtures for tests and sandboxes set a far lower memory cost so a registration takes
/// microseconds, not tens of milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Argon2Cost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Cost {
    fn default() -> Self {
        Argon2Cost {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// A user who exists from the start. The password is given in clear so fixtures can document it;
/// only its hash is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldUser {
    pub email: String,
    pub name: String,
    pub password: String,
}

/// An organisation that exists from the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldOrg {
    /// `org-` and 22 lower-case letters, like `org-nuyzjwllbhfrjynvhlappa`.
    pub id: String,
    pub name: String,
    /// 免费额度 in yuan, shown as written (`345.3` → `¥345.3`).
    #[serde(default)]
    pub free_credit: f64,
    pub members: Vec<WorldMember>,
    #[serde(default)]
    pub projects: Vec<String>,
}

/// A user's place in an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldMember {
    pub email: String,
    pub role: Role,
}

/// What a member may do: only admins may bind the organisation to a marketplace instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub(crate) fn parse(s: &str) -> Role {
        if s == "admin" {
            Role::Admin
        } else {
            Role::Member
        }
    }

    /// The label shown on 组织用户.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Role::Admin => "组织管理员",
            Role::Member => "组织成员",
        }
    }
}

pub const DEFAULT_WORLD: &str = include_str!("../../fixtures/console.yaml");

impl ConsoleWorld {
    /// The embedded default world (`fixtures/console.yaml`).
    pub fn default_world() -> ConsoleWorld {
        ConsoleWorld::from_yaml(DEFAULT_WORLD).expect("fixtures/console.yaml is a valid world")
    }

    /// Parses and checks a world.
    pub fn from_yaml(text: &str) -> Result<ConsoleWorld, WorldError> {
        let world: ConsoleWorld = serde_yaml::from_str(text).map_err(|e| WorldError(e.to_string()))?;
        world.validate()?;
        Ok(world)
    }

    /// Refuses worlds the console could not honour: duplicate users or org ids, members who are
    /// not users, org ids of the wrong shape, a zero argon2 cost.
    pub fn validate(&self) -> Result<(), WorldError> {
        let bad = |m: String| Err(WorldError(m));
        let mut emails = HashSet::new();
        for user in &self.users {
            if !user.email.contains('@') {
                return bad(format!("user `{}` has no valid e-mail", user.email));
            }
            if !emails.insert(user.email.to_lowercase()) {
                return bad(format!("user `{}` appears twice", user.email));
            }
        }
        let mut ids = HashSet::new();
        for org in &self.orgs {
            if !is_org_id(&org.id) {
                return bad(format!(
                    "org id `{}` must be `org-` and 22 lower-case letters",
                    org.id
                ));
            }
            if !ids.insert(org.id.as_str()) {
                return bad(format!("org id `{}` appears twice", org.id));
            }
            let mut seen = HashSet::new();
            for m in &org.members {
                if !emails.contains(&m.email.to_lowercase()) {
                    return bad(format!("org `{}` lists `{}`, who is not a user", org.id, m.email));
                }
                if !seen.insert(m.email.to_lowercase()) {
                    return bad(format!("org `{}` lists `{}` twice", org.id, m.email));
                }
            }
        }
        let c = self.argon2;
        if c.memory_kib < 8 || c.iterations == 0 || c.parallelism == 0 {
            return bad("argon2 needs memory_kib >= 8, iterations >= 1, parallelism >= 1".into());
        }
        Ok(())
    }
}

/// Whether `id` has the shape of an organisation id (`org-` and 22 lower-case letters).
pub fn is_org_id(id: &str) -> bool {
    id.strip_prefix("org-")
        .is_some_and(|rest| rest.len() == 22 && rest.bytes().all(|b| b.is_ascii_lowercase()))
}

//! The world a console starts from: its seed, the SPI key, AccessKey and product it shares with
//! the marketplace, what it sells (the product's SKUs, the cluster plans each allows and the unit
//! price of each metering item, the metering items usage is reported in), the argon2 cost of its password hashes, and the users,
//! organisations and projects that exist before anyone registers. Read from YAML; [`ConsoleWorld::default_world`] is the
//! embedded `fixtures/console.yaml` (the seed's Zilliz organisation). The lowest floor: plain
//! data and its vocabulary ([`Role`], [`Argon2Cost`]), importing nothing of the console, so the
//! store can speak it.

use rust_decimal::Decimal;
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
    /// The vendor's AccessKey for the Market OpenAPI, as the marketplace's vendor record holds it:
    /// the usage reporter signs `PushMeteringData` with it. Without one the console reports no
    /// usage.
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub access_key_secret: Option<String>,
    /// The product's SKUs the console sells; `createInstance` and `upgradeInstance` for another
    /// are refused.
    #[serde(default)]
    pub skus: Vec<WorldSku>,
    /// The console's own catalog of cluster sizes.
    #[serde(default)]
    pub plans: Vec<ClusterPlan>,
    /// The metering items usage is reported in (the marketplace's catalog declares the same).
    #[serde(default)]
    pub metering: Option<Metering>,
    /// The cost of password hashes; see [`Argon2Cost`].
    #[serde(default)]
    pub argon2: Argon2Cost,
    #[serde(default)]
    pub users: Vec<WorldUser>,
    #[serde(default)]
    pub orgs: Vec<WorldOrg>,
}

/// A SKU of the product, as the console sells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldSku {
    /// The marketplace's SKU id, `<productCode>-…`.
    pub id: String,
    /// The name the console shows for an organisation paying through it (its plan).
    pub name: String,
    /// The ids of the cluster plans an organisation on this SKU may create.
    pub plans: Vec<String>,
    /// Whether its clusters' usage is reported (pay-as-you-go); a subscription's or a trial's
    /// term covers it, and nothing is pushed.
    #[serde(default = "metered_by_default")]
    pub metered: bool,
    /// A metered SKU's unit price of each metering item (CNY per billing unit of its Key), equal
    /// to the marketplace's plan of the SKU: the console prices an hour by it to spend 免费额度
    /// before pushing and to show what the month costs. Without it, usage is pushed in full and
    /// no credit is spent on it.
    #[serde(default)]
    pub prices: Option<ItemPrices>,
}

/// The unit price of each of the two metering items, in CNY per billing unit of its Key (`Period`
/// per hour, `StorageGigaByte` per GB·h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemPrices {
    pub compute: Decimal,
    pub storage: Decimal,
}

fn metered_by_default() -> bool {
    true
}

/// A size of cluster: what it holds, and so what an hour of it running reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterPlan {
    pub id: String,
    pub name: String,
    /// Compute units (CU): an hour running reports `compute_units × 3600` seconds of compute.
    pub compute_units: u32,
    /// Storage held: an hour running reports `storage_gb` GB·h of storage.
    pub storage_gb: u32,
}

/// The two metering items usage is reported in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metering {
    /// Compute: CU·seconds, e.g. `Period` (pushed in seconds, billed per hour).
    pub compute: MeteringItem,
    /// Storage: GB·hours, e.g. `StorageGigaByte`.
    pub storage: MeteringItem,
}

/// One metering item: the Key and the `meteringAssit` the marketplace's catalog declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeteringItem {
    pub key: String,
    /// `<productCode>-<Key>-<n>`.
    pub assit: String,
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
    /// 免费额度: credit in CNY (at most two decimals), spent on the organisation's usage before
    /// any is pushed to the marketplace.
    #[serde(default)]
    pub free_credit: Decimal,
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

    /// The SKU `id`, if the world lists it.
    pub fn sku(&self, id: &str) -> Option<&WorldSku> {
        self.skus.iter().find(|s| s.id == id)
    }

    /// Whether the console sells the SKU `id`: one `skus` lists, or any at all when `skus` is
    /// empty (a world written before the catalog; it offers no cluster plans).
    pub fn sells(&self, id: &str) -> bool {
        self.skus.is_empty() || self.sku(id).is_some()
    }

    /// The name the console shows for the SKU `id`: its own, or the id when the world lists none.
    pub fn sku_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.sku(id).map(|s| s.name.as_str()).unwrap_or(id)
    }

    /// The unit prices of the SKU `id`, when the world lists them.
    pub fn prices(&self, id: &str) -> Option<&ItemPrices> {
        self.sku(id).and_then(|s| s.prices.as_ref())
    }

    /// The cluster plan `id`.
    pub fn plan(&self, id: &str) -> Option<&ClusterPlan> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// Refuses worlds the console could not honour: duplicate users or org ids, members who are
    /// not users, org ids of the wrong shape, a zero argon2 cost, a SKU of another product or
    /// naming a plan there is not, a negative price or 免费额度 (or one finer than a fen), half an
    /// AccessKey, a metering item not of the product.
    pub fn validate(&self) -> Result<(), WorldError> {
        self.validate_people()?;
        self.validate_catalog()
    }

    fn validate_catalog(&self) -> Result<(), WorldError> {
        let bad = |m: String| Err(WorldError(m));
        let mut plans = HashSet::new();
        for plan in &self.plans {
            if !plans.insert(plan.id.as_str()) {
                return bad(format!("plan `{}` appears twice", plan.id));
            }
            if plan.compute_units == 0 {
                return bad(format!("plan `{}` needs compute_units >= 1", plan.id));
            }
        }
        let mut skus = HashSet::new();
        for sku in &self.skus {
            if !sku.id.starts_with(&format!("{}-", self.product_code)) {
                return bad(format!(
                    "SKU `{}` is not of product {}: SKU ids are `{}-…`",
                    sku.id, self.product_code, self.product_code
                ));
            }
            if !skus.insert(sku.id.as_str()) {
                return bad(format!("SKU `{}` appears twice", sku.id));
            }
            if let Some(prices) = &sku.prices {
                if prices.compute.is_sign_negative() || prices.storage.is_sign_negative() {
                    return bad(format!("SKU `{}` has a negative price", sku.id));
                }
            }
            if let Some(p) = sku.plans.iter().find(|p| !plans.contains(p.as_str())) {
                return bad(format!(
                    "SKU `{}` offers plan `{p}`, which `plans` does not list",
                    sku.id
                ));
            }
        }
        if self.access_key_id.is_some() != self.access_key_secret.is_some() {
            return bad("access_key_id and access_key_secret go together".into());
        }
        if let Some(m) = &self.metering {
            for item in [&m.compute, &m.storage] {
                if !protocol::metering::KEYS.contains(&item.key.as_str()) {
                    return bad(format!(
                        "metering key `{}` is not one of {}",
                        item.key,
                        protocol::metering::KEYS.join(", ")
                    ));
                }
                if !protocol::metering::assit_matches(&item.assit, &self.product_code, &item.key) {
                    return bad(format!(
                        "metering item `{}`: meteringAssit `{}` must be `{}-{}-<n>`",
                        item.key, item.assit, self.product_code, item.key
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_people(&self) -> Result<(), WorldError> {
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
            if org.free_credit.is_sign_negative() || org.free_credit.scale() > 2 {
                return bad(format!(
                    "org `{}`: free_credit must be CNY of at most two decimals, not below zero",
                    org.id
                ));
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

//! The world a simulator starts from: settings, vendors, products and buyers, read from YAML.
//! `fixtures/marketplace.yaml` is the default world, embedded in the binary.

mod terms;

use protocol::time::{parse_instant, serde_duration, Instant};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::time::Duration;
pub use terms::{period_type, term_words, ExtraItem, PlanPrice, Term, MAX_MONTHS};

/// The default world's YAML, as shipped in `fixtures/`.
pub const DEFAULT_WORLD_YAML: &str = include_str!("../../fixtures/marketplace.yaml");

/// Everything a fresh marketplace knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// Seed of every id the world hands out.
    pub seed: u64,
    /// Where a manual clock starts (RFC 3339, or `yyyy-MM-dd HH:mm:ss` in Asia/Shanghai).
    pub clock: String,
    pub settings: Settings,
    pub vendors: Vec<Vendor>,
    pub products: Vec<Product>,
    pub buyers: Vec<Buyer>,
    /// Temporary (STS) AccessKeys, each acting for a vendor or a buyer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sts: Vec<StsCredential>,
}

/// How the marketplace behaves where the real one is silent or slow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Virtual time from 开通 to the first createInstance call.
    #[serde(with = "serde_duration")]
    pub provisioning_delay: Duration,
    /// Virtual time between createInstance attempts.
    #[serde(with = "serde_duration")]
    pub spi_retry_interval: Duration,
    /// Retries after the first attempt before a createInstance (the instance is then 开通失败) or
    /// another notification (renew, upgrade, expire, release, refund) gives up: the marketplace
    /// says at most 120. orderPay has its own published schedule.
    pub spi_max_retries: u32,
    /// Virtual time between attempts of renewInstance, upgradeInstance, expiredInstance,
    /// releaseInstance and refundRenewInstance. The marketplace does not publish it.
    #[serde(with = "serde_duration", default = "default_notification_retry_interval")]
    pub notification_retry_interval: Duration,
    /// How many deliveries due at the same instant, each to a different instance, go out at once.
    /// 1 keeps a run's order of calls, and so its transcript, the same every run.
    #[serde(default = "default_delivery_concurrency")]
    pub delivery_concurrency: usize,
    /// Real time one SPI call may take.
    #[serde(with = "serde_duration")]
    pub spi_timeout: Duration,
    /// How long an expired subscription (or trial) is kept, frozen, before it is released
    /// (releaseInstance with isRefund=false). The marketplace does not publish it.
    #[serde(with = "serde_duration", default = "default_release_grace")]
    pub release_grace: Duration,
    /// How long after its purchase a subscription may be 退订 for a refund (releaseInstance with
    /// isRefund=true): the marketplace's 五天无理由退款.
    #[serde(with = "serde_duration", default = "default_refund_window")]
    pub refund_window: Duration,
    /// PushMeteringData's rules (contract §3.3.1), each on unless the world turns it off.
    #[serde(default)]
    pub metering_rules: MeteringRules,
    /// How exact duplicates of a metering record (same instance, window, Key, meteringAssit and
    /// SerialNo) are billed: `additive` (each one, as the contract reads; flagged on the bill
    /// line) or `once`.
    #[serde(default)]
    pub duplicates: Duplicates,
    /// How long a buyer's balance may stay below zero before their pay-as-you-go instances are
    /// stopped (expiredInstance); `release_grace` later they are released. The marketplace does
    /// not publish it.
    #[serde(with = "serde_duration", default = "default_arrears_grace")]
    pub arrears_grace: Duration,
}

/// How exact duplicates of a metering record are billed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Duplicates {
    /// Each one adds to the bill (contract §5.3: no idempotency key is documented).
    #[default]
    Additive,
    /// Only the first is billed.
    Once,
}

/// PushMeteringData's rules by name, each `true` (applied) unless the world says `false`, so that
/// a vendor can test one thing at a time. An unknown name is refused when the world is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MeteringRules {
    /// Hourly and daily products: one request per instance per 60 s.
    pub rate_limit: bool,
    /// At most 100 records a request (hourly, daily) or 10 (real-time, minute).
    pub record_limit: bool,
    /// Hourly and daily products: a window longer than 5 minutes. Off, any window with EndTime
    /// after StartTime is taken, as for real-time products.
    pub window_length: bool,
    /// A window pushed after its deadline is refused as late (and not billed).
    pub deadline: bool,
    /// A window that runs past the end of its bill window (an hour, a day, a minute) is refused;
    /// off, it is billed whole in the bill window it starts in.
    pub bill_window: bool,
}

impl Default for MeteringRules {
    fn default() -> Self {
        MeteringRules {
            rate_limit: true,
            record_limit: true,
            window_length: true,
            deadline: true,
            bill_window: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    /// What the vendor types to sign in to the marketplace's seller pages (生产消息); the vendor's
    /// `id` when the world does not say, so worlds written before vendors signed in still load.
    #[serde(default)]
    pub login: String,
    /// The sign-in password; `<id>-pass` when the world does not say.
    #[serde(default)]
    pub password: String,
    /// The vendor's 生产系统接口地址: every SPI call goes here.
    pub spi_url: String,
    pub spi_key: String,
    pub access_key_id: String,
    pub access_key_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Commodity code, `cmgj…`.
    pub code: String,
    pub name: String,
    /// The vendor's `id`.
    pub vendor: String,
    /// APP, SERVICE, MIRROR, DOWNLOAD, API_SERVICE, DOCKER…
    #[serde(rename = "type")]
    pub product_type: String,
    pub summary: String,
    /// 使用指南.
    pub guide: String,
    pub skus: Vec<Sku>,
    /// The metering items the vendor pushes usage in, as the product's publishing declares them.
    #[serde(default)]
    pub metering: Vec<MeteringItem>,
    /// Whether the vendor is sent orderPay after each paid order (订单支付成功通知).
    #[serde(default)]
    pub order_pay: bool,
    /// How the product's usage is billed, which decides PushMeteringData's rules.
    #[serde(default)]
    pub billing: Billing,
}

impl Product {
    /// Each pay-as-you-go SKU prices every metering item of the product once, and nothing else.
    fn check_plans(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for m in &self.metering {
            if !seen.insert(m.assit.as_str()) {
                return Err(format!("metering item {} is declared twice", m.assit));
            }
        }
        for sku in self.skus.iter().filter(|s| s.charge == Charge::PayAsYouGo) {
            for price in &sku.plan {
                if !seen.contains(price.assit.as_str()) {
                    return Err(format!(
                        "SKU {} prices {}, which is not one of the product's metering items",
                        sku.id, price.assit
                    ));
                }
            }
            for m in &self.metering {
                let prices = sku.plan.iter().filter(|p| p.assit == m.assit).count();
                if prices != 1 {
                    return Err(format!(
                        "SKU {} must price metering item {} once (it does {prices} times)",
                        sku.id, m.assit
                    ));
                }
            }
        }
        Ok(())
    }

    /// The metering item `assit` of this product.
    pub fn metering_item(&self, assit: &str) -> Option<&MeteringItem> {
        self.metering.iter().find(|m| m.assit == assit)
    }
}

/// A product's billing granularity (contract §5.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Billing {
    /// Billed by the hour: a window is due before the end of the next hour.
    #[default]
    Hourly,
    /// Billed by the day (Asia/Shanghai): a window is due before 01:59 of the next day.
    Daily,
    /// Billed as usage arrives (large-model metering): no rate limit, at most 10 records.
    Realtime,
    /// Real-time pushes aggregated per minute: the same rules as `realtime`.
    Minute,
}

/// A metering item of a product: a Key of contract §5.1 and the `meteringAssit` that selects it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeteringItem {
    pub key: String,
    /// `<productCode>-<Key>-<n>`.
    pub assit: String,
    /// What the buyer's bill calls it.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sku {
    /// `<productCode>-…`.
    pub id: String,
    pub name: String,
    pub charge: Charge,
    /// 购买时长: the terms a subscription SKU sells, shortest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<Term>,
    /// A trial's length in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
    /// 额外计费项 the buyer chooses at purchase and may change by upgrading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<ExtraItem>,
    /// A pay-as-you-go SKU's price plan: a unit price for each of its product's metering items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<PlanPrice>,
}

impl Sku {
    /// The term of `months` this SKU sells.
    pub fn term(&self, months: u32) -> Option<&Term> {
        self.terms.iter().find(|t| t.months == months)
    }
}

/// How a SKU is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Charge {
    /// 按量付费: opened at once, billed from metering.
    PayAsYouGo,
    /// 包年包月: a term paid up front, renewed or left to expire.
    Subscription,
    /// 免费试用: a term of `trial_days`, free, never renewed.
    Trial,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    /// What the buyer types to sign in.
    pub login: String,
    pub password: String,
    pub name: String,
    /// The Alibaba Cloud account UID, 16 digits.
    pub ali_uid: String,
    /// 账户余额 (CNY) before anything is billed: pay-as-you-go bills draw on it, 充值 adds to it.
    #[serde(default)]
    pub balance: Decimal,
    pub access_key_id: String,
    pub access_key_secret: String,
}

/// A temporary AccessKey pair with its security token, as STS would hand out: requests signed with
/// it act for `owner` and must carry the token (`x-acs-security-token`, V1 `SecurityToken`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StsCredential {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: String,
    /// A vendor's `id` or a buyer's `login`.
    pub owner: String,
}

fn default_notification_retry_interval() -> Duration {
    Duration::from_secs(5 * 60)
}

fn default_release_grace() -> Duration {
    Duration::from_secs(15 * 24 * 3600)
}

fn default_refund_window() -> Duration {
    Duration::from_secs(5 * 24 * 3600)
}

fn default_arrears_grace() -> Duration {
    Duration::from_secs(24 * 3600)
}

fn default_delivery_concurrency() -> usize {
    1
}

/// The longest retry interval a world may set: a month.
const MAX_RETRY_INTERVAL: Duration = Duration::from_secs(30 * 24 * 3600);

/// The most deliveries a world may send at once.
const MAX_DELIVERY_CONCURRENCY: usize = 256;

/// Why a world was refused.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error(transparent)]
    Yaml(#[from] serde_yaml::Error),
    #[error("the world is inconsistent: {0}")]
    Inconsistent(String),
}

impl World {
    /// The default world from `fixtures/marketplace.yaml`.
    pub fn default_world() -> World {
        World::from_yaml(DEFAULT_WORLD_YAML).expect("the embedded default world is valid")
    }

    /// Reads and checks a world.
    pub fn from_yaml(text: &str) -> Result<World, WorldError> {
        let mut world: World = serde_yaml::from_str(text)?;
        world.default_vendor_accounts();
        world.check()?;
        Ok(world)
    }

    /// A vendor the world gives no sign-in signs in with its id and `<id>-pass`.
    fn default_vendor_accounts(&mut self) {
        for v in &mut self.vendors {
            if v.login.is_empty() {
                v.login = v.id.clone();
            }
            if v.password.is_empty() {
                v.password = format!("{}-pass", v.id);
            }
        }
    }

    /// Where a manual clock starts.
    pub fn start(&self) -> Instant {
        parse_instant(&self.clock).expect("checked when the world was read")
    }

    fn check(&self) -> Result<(), WorldError> {
        let bad = |m: String| Err(WorldError::Inconsistent(m));
        if parse_instant(&self.clock).is_none() {
            return bad(format!(
                "clock `{}` is not a date (write 2023-08-15T10:00:00+08:00)",
                self.clock
            ));
        }
        let s = &self.settings;
        for (name, interval) in [
            ("spi_retry_interval", s.spi_retry_interval),
            ("notification_retry_interval", s.notification_retry_interval),
            ("provisioning_delay", s.provisioning_delay),
            ("release_grace", s.release_grace),
            ("refund_window", s.refund_window),
            ("arrears_grace", s.arrears_grace),
        ] {
            if interval > MAX_RETRY_INTERVAL {
                return bad(format!("settings.{name} may be at most 30 days"));
            }
        }
        if !(1..=MAX_DELIVERY_CONCURRENCY).contains(&s.delivery_concurrency) {
            return bad(format!(
                "settings.delivery_concurrency must be between 1 and {MAX_DELIVERY_CONCURRENCY}"
            ));
        }
        for p in &self.products {
            if !p.code.starts_with("cmgj") && !p.code.starts_with("cmapi") {
                return bad(format!("product code `{}` should look like cmgj00012345", p.code));
            }
            if self.vendor(&p.vendor).is_none() {
                return bad(format!(
                    "product {} names vendor `{}`, which the world lacks",
                    p.code, p.vendor
                ));
            }
            if p.skus.is_empty() {
                return bad(format!("product {} has no SKU", p.code));
            }
            if let Some(s) = p.skus.iter().find(|s| !s.id.starts_with(&format!("{}-", p.code))) {
                return bad(format!("SKU `{}` should start with `{}-`", s.id, p.code));
            }
            for sku in &p.skus {
                if let Err(m) = sku.check() {
                    return bad(format!("SKU {}: {m}", sku.id));
                }
            }
            for m in &p.metering {
                if !protocol::metering::KEYS.contains(&m.key.as_str()) {
                    return bad(format!(
                        "product {}: metering key `{}` is not one of {}",
                        p.code,
                        m.key,
                        protocol::metering::KEYS.join(", ")
                    ));
                }
                if !protocol::metering::assit_matches(&m.assit, &p.code, &m.key) {
                    return bad(format!(
                        "product {}: meteringAssit `{}` should be `{}-{}-<n>`",
                        p.code, m.assit, p.code, m.key
                    ));
                }
            }
            if let Err(m) = p.check_plans() {
                return bad(format!("product {}: {m}", p.code));
            }
        }
        for b in &self.buyers {
            if b.balance.is_sign_negative()
                || b.balance.scale() > 2
                || b.balance >= Decimal::from(1_000_000_000)
            {
                return bad(format!(
                    "buyer {}'s balance {} is not CNY to the fen from 0 to below 1000000000 (to start a \
                     buyer in arrears, charge them: POST /__marketsim/buyers/balance)",
                    b.login, b.balance
                ));
            }
            if b.ali_uid.len() != 16 || !b.ali_uid.bytes().all(|c| c.is_ascii_digit()) {
                return bad(format!(
                    "buyer {}'s ali_uid `{}` must be 16 digits",
                    b.login, b.ali_uid
                ));
            }
        }
        self.check_accounts()?;
        self.check_sts()
    }

    /// Buyers and vendors sign in on one form: each login names one account.
    fn check_accounts(&self) -> Result<(), WorldError> {
        let logins = self
            .buyers
            .iter()
            .map(|b| b.login.as_str())
            .chain(self.vendors.iter().map(|v| v.login.as_str()));
        let mut seen = std::collections::HashSet::new();
        for login in logins {
            if !seen.insert(login) {
                return Err(WorldError::Inconsistent(format!(
                    "login `{login}` names two accounts; buyers and vendors sign in on one form"
                )));
            }
        }
        Ok(())
    }

    fn check_sts(&self) -> Result<(), WorldError> {
        let mut keys: Vec<&str> = self
            .vendors
            .iter()
            .map(|v| v.access_key_id.as_str())
            .chain(self.buyers.iter().map(|b| b.access_key_id.as_str()))
            .collect();
        for s in &self.sts {
            if self.vendor(&s.owner).is_none() && self.buyer(&s.owner).is_none() {
                return Err(WorldError::Inconsistent(format!(
                    "STS key {} names owner `{}`, which is neither a vendor id nor a buyer login",
                    s.access_key_id, s.owner
                )));
            }
            if s.access_key_id.is_empty() || s.access_key_secret.is_empty() || s.security_token.is_empty() {
                return Err(WorldError::Inconsistent(format!(
                    "STS key `{}` of {} needs an access_key_id, an access_key_secret and a security_token",
                    s.access_key_id, s.owner
                )));
            }
            if keys.contains(&s.access_key_id.as_str()) {
                return Err(WorldError::Inconsistent(format!(
                    "STS key {} is already another credential's AccessKeyId",
                    s.access_key_id
                )));
            }
            keys.push(&s.access_key_id);
        }
        Ok(())
    }

    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    pub fn product(&self, code: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.code == code)
    }

    pub fn buyer(&self, login: &str) -> Option<&Buyer> {
        self.buyers.iter().find(|b| b.login == login)
    }

    /// The vendor who signs in as `login`.
    pub fn vendor_by_login(&self, login: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.login == login)
    }

    pub fn buyer_by_uid(&self, ali_uid: &str) -> Option<&Buyer> {
        self.buyers.iter().find(|b| b.ali_uid == ali_uid)
    }
}

impl Product {
    pub fn sku(&self, id: &str) -> Option<&Sku> {
        self.skus.iter().find(|s| s.id == id)
    }

    /// The SKU an upgrade of `sku_id` goes to when none is named: another SKU of the same charge
    /// (a subscription upgrades to a subscription), else any other; None for a product of one SKU.
    pub fn upgrade_target(&self, sku_id: &str) -> Option<&Sku> {
        let charge = self.sku(sku_id)?.charge;
        let others = || self.skus.iter().filter(|s| s.id != sku_id);
        others().find(|s| s.charge == charge).or_else(|| others().next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_world_reads() {
        let w = World::default_world();
        assert_eq!(w.products[0].name, "Zilliz Cloud");
        assert_eq!(w.settings.spi_max_retries, 120);
        assert_eq!(w.settings.provisioning_delay, Duration::from_secs(120));
    }

    #[test]
    fn an_unknown_vendor_is_refused() {
        let text = DEFAULT_WORLD_YAML.replace("vendor: zilliz", "vendor: nobody");
        let err = World::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains("names vendor `nobody`"), "{err}");
    }

    #[test]
    fn the_default_world_has_sts_keys_for_the_vendor_and_a_buyer() {
        let w = World::default_world();
        let owners: Vec<&str> = w.sts.iter().map(|s| s.owner.as_str()).collect();
        assert_eq!(owners, ["zilliz", "buyer-1"]);
    }

    #[test]
    fn an_sts_key_with_an_unknown_owner_or_a_taken_key_is_refused() {
        let text = DEFAULT_WORLD_YAML.replace("owner: buyer-1", "owner: buyer-9");
        let err = World::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains("names owner `buyer-9`"), "{err}");
        let text = DEFAULT_WORLD_YAML.replace(
            "access_key_id: STS.ZillizVendor0001",
            "access_key_id: LTAI5tBuyerTwo000002",
        );
        let err = World::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains("already another credential"), "{err}");
    }

    #[test]
    fn the_default_worlds_vendor_signs_in_as_its_own_account() {
        let w = World::default_world();
        assert_eq!(w.vendor_by_login("zilliz-seller").unwrap().id, "zilliz");
    }

    #[test]
    fn a_vendor_without_a_sign_in_signs_in_with_its_id() {
        let text = DEFAULT_WORLD_YAML
            .replace("    login: zilliz-seller\n", "")
            .replace("    password: zilliz-seller-pass\n", "");
        let w = World::from_yaml(&text).unwrap();
        assert_eq!(
            (w.vendors[0].login.as_str(), w.vendors[0].password.as_str()),
            ("zilliz", "zilliz-pass")
        );
    }

    #[test]
    fn a_vendor_login_a_buyer_has_is_refused() {
        let text = DEFAULT_WORLD_YAML.replace("login: zilliz-seller", "login: buyer-2");
        let err = World::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains("login `buyer-2` names two accounts"), "{err}");
    }

    #[test]
    fn products_are_billed_hourly_and_every_metering_rule_is_on_unless_the_world_says() {
        let w = World::default_world();
        assert_eq!(w.products[0].billing, Billing::Hourly);
        assert_eq!(w.settings.metering_rules, MeteringRules::default());
        // Without the fixture's lines, the same.
        let text = DEFAULT_WORLD_YAML
            .replace("    billing: hourly\n", "")
            .replace("  metering_rules:\n", "")
            .replace("    rate_limit: true\n", "")
            .replace("    record_limit: true\n", "")
            .replace("    window_length: true\n", "")
            .replace("    deadline: true\n", "")
            .replace("    bill_window: true\n", "")
            .replace("  duplicates: additive\n", "")
            .replace("  arrears_grace: 1d\n", "");
        assert_eq!(World::from_yaml(&text).unwrap(), World::default_world());
        let text = DEFAULT_WORLD_YAML
            .replace("    billing: hourly\n", "    billing: daily\n")
            .replace("    rate_limit: true\n", "    rate_limit: false\n")
            .replace("    deadline: true\n", "")
            .replace("    window_length: true\n", "    deadline: false\n");
        let w = World::from_yaml(&text).unwrap();
        assert_eq!(w.products[0].billing, Billing::Daily);
        let rules = w.settings.metering_rules;
        assert_eq!(
            (
                rules.rate_limit,
                rules.record_limit,
                rules.window_length,
                rules.deadline
            ),
            (false, true, true, false)
        );
    }

    #[test]
    fn an_unknown_metering_rule_or_granularity_is_refused_with_the_known_names() {
        let text = DEFAULT_WORLD_YAML.replace("    rate_limit: true\n", "    throttle: false\n");
        let err = World::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains("unknown field `throttle`"), "{err}");
        for name in ["rate_limit", "record_limit", "window_length", "deadline"] {
            assert!(err.contains(name), "{err}");
        }
        let text = DEFAULT_WORLD_YAML.replace("    billing: hourly\n", "    billing: weekly\n");
        let err = World::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains("unknown variant `weekly`"), "{err}");
        for name in ["hourly", "daily", "realtime", "minute"] {
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn an_unknown_field_is_refused() {
        let text = DEFAULT_WORLD_YAML.replace("seed: 7", "seed: 7\nsede: 8");
        assert!(World::from_yaml(&text)
            .unwrap_err()
            .to_string()
            .contains("unknown field `sede`"));
    }
}

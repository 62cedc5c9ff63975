//! What a scenario file says: a name, the world it starts from, variables, and steps — buyer
//! actions through the browser agent, clock moves, expectations, captures and includes of reusable
//! parts. Read with serde_yaml; unknown fields are errors. New kinds of step are new variants of
//! [`Step`]; nothing else changes.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub given: Given,
    /// Variables, used as `${name}` in any step's text.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// The scenario is meant to fail, at this step, with this in the message (`scenarios/failing/`).
    pub expect_failure: Option<ExpectFailure>,
    /// Each step is a one-key map (`- buyer: {…}`), not a YAML tag.
    #[serde(with = "serde_yaml::with::singleton_map_recursive")]
    pub steps: Vec<Step>,
}

/// A reusable part (`*.steps.yaml`): steps with parameters, included by scenarios.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// What the part needs from `with:`; each used as `${name}`.
    #[serde(default)]
    pub params: Vec<String>,
    #[serde(with = "serde_yaml::with::singleton_map_recursive")]
    pub steps: Vec<Step>,
}

/// Where and how a scenario is meant to fail.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectFailure {
    /// The step's number as the transcript writes it: `5`, or `3.2` inside an include.
    pub step: serde_yaml::Value,
    /// Text the failure's message contains.
    pub message: String,
}

/// The world a scenario starts from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Given {
    /// Only `default` exists so far.
    pub world: Option<String>,
    /// Where the manual clock starts (default: the world's).
    pub clock: Option<String>,
    /// Seed of every id (default: the world's).
    pub seed: Option<u64>,
    /// Who answers the marketplace's SPI: `console-stub` (default), `scripted` (answers queued
    /// with `vendor: { answers: […] }`), or `any` (the console stub, or the vendor's own service
    /// `marketsim run --spi-url` names: the scenario clicks no console page).
    pub vendor: Option<String>,
    /// Overrides of the marketplace's world (fixtures/marketplace.yaml), merged into it: maps
    /// key by key, anything else replaced — e.g. `{ settings: { provisioning_delay: 30s } }`.
    pub marketplace: Option<serde_yaml::Value>,
    /// Overrides of the console stub's world (fixtures/console.yaml), merged the same way.
    pub console: Option<serde_yaml::Value>,
}

/// One step: exactly one key says what kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// The buyer's browser: one person, on the marketplace and on the vendor console.
    Buyer(BuyerStep),
    /// The vendor: OpenAPI calls signed with its AccessKey, or raw HTTP.
    Vendor(VendorStep),
    /// The marketplace's control hooks.
    Marketplace(MarketplaceStep),
    Clock(ClockStep),
    Expect(Expect),
    /// Name → where to read it from; later steps use it as `${name}`.
    Capture(BTreeMap<String, Capture>),
    /// The steps of a part, with its parameters.
    Include(Include),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Include {
    /// Relative to the including file.
    pub file: String,
    #[serde(default)]
    pub with: BTreeMap<String, String>,
}

/// Where a captured value comes from: the first group of a regular expression over the current
/// page's visible text or its URL, or a parameter of the latest SPI delivery of an action.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Capture {
    Page(String),
    Url(String),
    /// A path into the last answer's JSON.
    Json(String),
    Spi {
        action: String,
        param: String,
    },
}

/// What the buyer does, in this order: sign in, open, fill, check, uncheck, choose, then click or
/// submit. Targets are visible labels; `row`, `dialog` or `nav` narrow where they are looked for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuyerStep {
    /// Sign in to the marketplace as this world account (through the sign-in page).
    pub sign_in: Option<String>,
    /// `marketplace:/path`, `console:/path`, or a full URL.
    pub open: Option<String>,
    /// Label → value.
    pub fill: Option<BTreeMap<String, String>>,
    pub check: Option<String>,
    pub uncheck: Option<String>,
    pub choose: Option<String>,
    pub click: Option<String>,
    pub submit: Option<String>,
    pub row: Option<String>,
    pub dialog: Option<String>,
    #[serde(default)]
    pub nav: bool,
    /// An OpenAPI call signed with this buyer's AccessKey (after the browser actions, if any).
    pub call: Option<String>,
    /// The call's parameters; lists and maps are sent as JSON text.
    #[serde(default)]
    pub params: BTreeMap<String, serde_yaml::Value>,
    /// Whose AccessKey signs `call` (default: the account of the last `sign_in`).
    pub account: Option<String>,
    /// The API `call` is of: `market` (the default) or `bss`.
    #[serde(default)]
    pub api: Api,
}

/// An API the marketplace answers on its OpenAPI port, told apart by the version a call signs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// The Market OpenAPI (2015-11-01).
    #[default]
    Market,
    /// The Billing OpenAPI (BssOpenApi, 2017-12-14).
    Bss,
}

/// What the vendor does: an OpenAPI call, or a raw HTTP request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorStep {
    /// An OpenAPI action, signed with the vendor's AccessKey (V3, like the official SDK; query or
    /// form body and GET or POST as the SDK sends each operation).
    pub call: Option<String>,
    #[serde(default)]
    pub params: BTreeMap<String, serde_yaml::Value>,
    /// Sign with the vendor's STS credentials instead.
    #[serde(default)]
    pub sts: bool,
    pub http: Option<HttpStep>,
    /// A page of the billing feed as the vendor's AccessKey reads it (`ReadBillingFeed`, signed
    /// V3); its answer is checked with `expect: { json: … }`.
    pub feed: Option<FeedStep>,
    /// Answers the scripted vendor gives the marketplace's next SPI calls (`given: { vendor: scripted }`).
    pub answers: Option<Vec<super::scripted::ScriptedAnswer>>,
}

/// `feed: { offset, limit }`: where the page starts (the feed's first entry when not given) and how
/// many entries it holds at most (100 when not given); sent as written, so a bad one can be tried.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedStep {
    pub offset: Option<serde_yaml::Value>,
    pub limit: Option<serde_yaml::Value>,
}

/// A raw HTTP request: anything the typed steps cannot say.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpStep {
    /// GET (default) or POST.
    pub method: Option<String>,
    /// `marketplace:/path`, `console:/path`, or a full URL.
    pub url: String,
    /// A form body.
    pub form: Option<BTreeMap<String, String>>,
    /// Append a `token` over the query's parameters with the vendor's SPI key (an SPI call).
    #[serde(default)]
    pub spi_token: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketplaceStep {
    /// Empty the marketplace: no orders, instances, deliveries; the clock back at the start.
    #[serde(default)]
    pub reset: bool,
    /// Deliver an SPI action to an instance now (after what the instance has pending).
    pub deliver: Option<DeliverStep>,
    /// Expire an open instance (已过期 at once; expiredInstance goes out).
    pub expire: Option<String>,
    /// Release an open or expired instance (已释放 at once; releaseInstance goes out).
    pub release: Option<String>,
    /// Send the latest message of an action to an instance that gave up again.
    pub resend: Option<ResendStep>,
    /// Pay into a buyer's balance (充值) or charge it by hand: a balance below zero is arrears.
    pub balance: Option<BalanceStep>,
    /// Arm a fault toward the vendor's SPI or its OpenAPI calls (the control API's fields).
    pub fault: Option<simulator::faults::spec::FaultSpec>,
}

/// `deliver: { instance, action, params }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverStep {
    /// The marketplace's instance id (orderBizId).
    pub instance: String,
    /// renewInstance, upgradeInstance, expiredInstance, releaseInstance, refundRenewInstance,
    /// orderPay or createInstance.
    pub action: String,
    /// Parameters added to the action's own, or replacing them (`expiredOn`, extra billing items).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// `balance: { buyer, top_up: "100.00" }` or `balance: { buyer, charge: "10.00", reason }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceStep {
    /// The buyer's login.
    pub buyer: String,
    /// CNY paid into the balance (充值).
    pub top_up: Option<String>,
    /// CNY charged to it, an Adjustment line on the bill.
    pub charge: Option<String>,
    /// What the charge's line says.
    pub reason: Option<String>,
}

/// `resend: { instance, action, reset }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResendStep {
    pub instance: String,
    pub action: String,
    /// 重置生产次数: count the tries from zero again, for the whole retry schedule.
    #[serde(default)]
    pub reset: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ClockStep {
    /// A duration: `3m`, `1h 30m`.
    Advance(String),
    /// A date: `2023-08-15T12:00:00+08:00`.
    AdvanceTo(String),
    /// Run pending work in time order, at most this far ahead.
    RunUntilIdle(String),
}

/// Expectations; every one given must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The current page's visible text contains this.
    pub page_contains: Option<String>,
    /// … and does not contain this.
    pub page_lacks: Option<String>,
    /// The current page is on this site: `marketplace` or `console`.
    pub site: Option<String>,
    /// The current page's path (no query).
    pub path: Option<String>,
    /// The current page's HTTP status.
    pub status: Option<u16>,
    /// The browser holds a cookie of the current page's site (`true`: a session was set there),
    /// or none (`false`).
    pub cookie: Option<bool>,
    pub spi: Option<ExpectSpi>,
    /// The last API call's (or raw request's) HTTP status.
    pub answer_status: Option<u16>,
    /// Paths into the last answer's JSON → a value or matcher (`{contains}`, `{matches}`,
    /// `{exists}`, `{length}`).
    pub json: Option<BTreeMap<String, serde_yaml::Value>>,
}

/// The SPI deliveries so far include one matching these.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpi {
    pub action: Option<String>,
    /// `ok`, `not_ready`, `http_error`, `bad_answer`, `timeout`, `unreachable`.
    pub outcome: Option<String>,
    /// Only this instance's (the marketplace's instance id, orderBizId).
    pub instance: Option<String>,
    /// How many deliveries match, exactly.
    pub count: Option<usize>,
    /// When the matching deliveries were made, all of them, in order (`yyyy-MM-dd HH:mm:ss`,
    /// Asia/Shanghai, as the transcript writes them).
    pub at: Option<Vec<String>>,
}

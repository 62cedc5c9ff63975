//! The Market OpenAPI (version 2015-11-01, RPC style, path `/`) as the official SDKs call it, and
//! beside it on the same path the Billing OpenAPI (BssOpenApi 2017-12-14, `ops::bss`) for buyers,
//! told apart by the version the request signs ([`operation_in`]).
//!
//! [`http`] tells an OpenAPI request on `/` from a page's; [`params`] merges query and form body;
//! [`auth`] checks the V3 `ACS3-HMAC-SHA256` or V1 `HMAC-SHA1` signature, the timestamp and the
//! nonce, and names the [`Caller`] and the operation the signature covers ([`action`]); [`ops`] holds
//! one table of operations per family, each answering with the SDK's model of its answer, which
//! [`answer`] renders; [`error`] is the marketplace's error table and its JSON or XML body;
//! [`fault`] acts out a fault armed for a request; [`feed`] answers the billing feed's two signed
//! actions, a page and a stream, which are no family's operations (a stream is no JSON answer).
//!
//! Floors, as the rest of the simulator has them: the dispatch (this file, [`http`], [`auth`],
//! [`action`], [`fault`]) uses the families ([`ops`]), which use what every family is built from — [`call`]
//! (the [`Call`] an operation gets, its [`Caller`], the [`Operation`] itself), [`params`],
//! [`answer`] and [`error`]. A family never imports the dispatch, nor the ground a family.
//!
//! The OpenAPI's runtime state is its own ([`Runtime`]): the signature nonces it has seen and whose
//! turn it is to run an operation. The router builds one and holds it in an [`OpenApi`], the world
//! with its runtime; a reset of the world keeps it, as nonces guard against replays in wall time,
//! which a reset does not turn back.

pub mod action;
pub mod answer;
pub mod auth;
pub mod call;
pub mod error;
pub mod fault;
pub mod feed;
pub mod http;
pub mod ops;
pub mod params;

pub use call::{Call, Caller, Operation};
pub use error::{ApiError, ErrorCode};
pub use params::Params;

use crate::state::Simulator;
use serde_json::Value;
use std::sync::Arc;

/// What the OpenAPI keeps while it serves a world, beside the world itself.
#[derive(Debug, Default)]
pub struct Runtime {
    /// Signature nonces seen in the last 15 minutes (wall clock).
    pub nonces: auth::NonceCache,
    /// Whose turn it is to run an operation ([`Runtime::run`]).
    turns: tokio::sync::Mutex<()>,
}

impl Runtime {
    /// Runs `op` in its turn ([`Operation::call`] once the turn is ours). Operations work on the
    /// store, whose one connection serves them one at a time anyway; waiting for the turn here
    /// holds no runtime worker, where waiting on the store's lock would put the worker, and every
    /// request it serves, to sleep.
    pub async fn run(&self, op: Operation, call: &Call<'_>) -> Result<Value, ApiError> {
        let _turn = self.turns.lock().await;
        op.call(call)
    }
}

/// The state of the OpenAPI's HTTP entry: the world, and the OpenAPI's runtime over it.
#[derive(Clone)]
pub struct OpenApi {
    pub sim: Simulator,
    pub runtime: Arc<Runtime>,
}

impl OpenApi {
    /// The OpenAPI over `sim`'s world, with a fresh runtime of its own: [`crate::router`] builds one
    /// per router, so two routers over one world each keep their own nonces and turns. Serve a world
    /// through one router. Operations do not lean on the turns for correctness: each reads what it
    /// checks in the transaction that writes it.
    pub fn new(sim: Simulator) -> OpenApi {
        OpenApi {
            sim,
            runtime: Arc::default(),
        }
    }
}

/// The name of every operation, family by family, the Billing OpenAPI's last (faults are armed by
/// these names).
pub fn operation_names() -> Vec<&'static str> {
    ops::FAMILIES
        .iter()
        .flat_map(|family| family.iter())
        .chain(ops::bss::OPS)
        .map(|(name, _)| *name)
        .collect()
}

/// The operation `action` of the API `version` names: the Billing OpenAPI's ([`ops::bss::OPS`]) for
/// its version `2017-12-14`, the Market OpenAPI's for any other version or none (the Market
/// OpenAPI's SDKs all send theirs, `2015-11-01`; older clients that send none keep working).
pub fn operation_in(version: Option<&str>, action: &str) -> Option<Operation> {
    match version.map(str::trim) {
        Some(ops::bss::VERSION) => ops::bss::OPS
            .iter()
            .find(|(name, _)| *name == action)
            .map(|(_, op)| *op),
        _ => operation(action),
    }
}

/// The Market OpenAPI's operation named `action`, from whichever family has it.
pub fn operation(action: &str) -> Option<Operation> {
    ops::FAMILIES
        .iter()
        .flat_map(|family| family.iter())
        .find(|(name, _)| *name == action)
        .map(|(_, op)| *op)
}

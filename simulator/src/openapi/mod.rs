//! The Market OpenAPI (version 2015-11-01, RPC style, path `/`) as the official SDKs call it.
//!
//! [`http`] tells an OpenAPI request on `/` from a page's; [`params`] merges query and form body;
//! [`auth`] checks the V3 `ACS3-HMAC-SHA256` or V1 `HMAC-SHA1` signature, the timestamp and the
//! nonce, and names the [`Caller`] and the operation the signature covers ([`action`]); [`ops`] holds
//! one table of operations per family, each answering with the SDK's model of its answer, which
//! [`answer`] renders; [`error`] is the marketplace's error table and its JSON or XML body.
//!
//! The OpenAPI's runtime state is its own ([`Runtime`]): the signature nonces it has seen and whose
//! turn it is to run an operation. The router builds one and holds it in an [`OpenApi`], the world
//! with its runtime; a reset of the world keeps it, as nonces guard against replays in wall time,
//! which a reset does not turn back.

pub mod action;
pub mod answer;
pub mod auth;
pub mod error;
pub mod http;
pub mod ops;
pub mod params;

pub use error::{ApiError, ErrorCode};
pub use params::Params;

use crate::state::Simulator;
use crate::world::{Buyer, Vendor};
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
    /// Runs `op` in its turn. Operations work on the store, whose one connection serves them one
    /// at a time anyway; waiting for the turn here holds no runtime worker, where waiting on the
    /// store's lock would put the worker, and every request it serves, to sleep.
    pub async fn run(&self, op: Operation, call: &Call<'_>) -> Result<Value, ApiError> {
        let _turn = self.turns.lock().await;
        op.run_alone(call)
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

/// Who signed the request, as the world names them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Caller<'w> {
    /// A vendor (ISV) with its AccessKey: sees its own products' instances and orders.
    Vendor(&'w Vendor),
    /// A buyer with an AccessKey of its Alibaba Cloud account: sees its own.
    Buyer(&'w Buyer),
}

/// One authenticated call: what an operation gets.
pub struct Call<'a> {
    pub sim: &'a Simulator,
    pub caller: Caller<'a>,
    pub params: &'a Params,
    /// Whether the credentials were an STS token (some operations refuse those).
    pub sts: bool,
}

/// An operation: answers with the SDK's model of its answer, rendered by [`answer::json`]
/// (without `RequestId`, which the dispatcher adds), or an error.
#[derive(Clone, Copy)]
pub struct Operation(pub fn(&Call<'_>) -> Result<Value, ApiError>);

impl Operation {
    /// Runs the operation at once, without waiting for a turn: for callers that make one call at
    /// a time (tests), or that may block their thread on the store.
    pub fn run_alone(self, call: &Call<'_>) -> Result<Value, ApiError> {
        (self.0)(call)
    }
}

/// The operation named `action`, from whichever family has it.
pub fn operation(action: &str) -> Option<Operation> {
    ops::FAMILIES
        .iter()
        .flat_map(|family| family.iter())
        .find(|(name, _)| *name == action)
        .map(|(_, op)| *op)
}

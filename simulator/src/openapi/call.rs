//! What an operation is given and what it is: the [`Call`] the dispatcher hands it — who signed
//! ([`Caller`]), with which parameters — and the [`Operation`] itself. The families (`ops`) are
//! built from these, so they lie beneath the families, beside [`super::params`], [`super::answer`]
//! and [`super::error`]: a family never reaches up into the dispatcher (`http`, `auth`, `action`).

use super::error::ApiError;
use super::params::Params;
use crate::state::Simulator;
use crate::world::{Buyer, Vendor};
use serde_json::Value;

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

/// An operation: answers with the SDK's model of its answer, rendered by [`super::answer::json`]
/// (without `RequestId`, which the dispatcher adds), or an error.
#[derive(Clone, Copy)]
pub struct Operation(pub fn(&Call<'_>) -> Result<Value, ApiError>);

impl Operation {
    /// Runs the operation at once, without waiting for a turn. The dispatcher's
    /// [`super::Runtime::run`] calls it in its turn; tests, which make one call at a time, call it
    /// straight.
    pub fn call(self, call: &Call<'_>) -> Result<Value, ApiError> {
        (self.0)(call)
    }
}

//! The parameters the bill operations share: `BillingCycle` (`yyyy-MM`, required, not after the
//! month the world's clock is in) and the filters on a line's product, subscription type and kind.

use super::subscription_type;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::store::bills::{BillLine, LineKind};

/// The bill month `BillingCycle` names: `MissingBillingCycle` when absent, `InvalidBillingCycle`
/// when it is not `yyyy-MM` or lies after the current month.
pub fn billing_cycle(call: &Call<'_>) -> Result<String, ApiError> {
    let sent = call.params.required("BillingCycle")?;
    let month =
        crate::billing::parse_month(sent.trim()).ok_or_else(|| ErrorCode::Invalid("BillingCycle".into()))?;
    let current = crate::billing::current_month(call.sim);
    if month > current {
        return Err(ErrorCode::FutureBillingCycle { sent: month, current }.into());
    }
    Ok(month)
}

/// Which lines a request asks for: its `ProductCode`, `SubscriptionType` and (QueryBill) `Type`.
pub struct Filter<'p> {
    product_code: Option<&'p str>,
    subscription_type: Option<&'static str>,
    kind: Option<LineKind>,
}

impl<'p> Filter<'p> {
    /// The filters `call` sends; `with_type` reads `Type` too. An unknown subscription type or line
    /// type is `InvalidSubscriptionType` or `InvalidType`.
    pub fn of(call: &Call<'p>, with_type: bool) -> Result<Filter<'p>, ApiError> {
        let named = |name: &str| call.params.get(name).map(str::trim).filter(|v| !v.is_empty());
        let subscription_type = match named("SubscriptionType") {
            None => None,
            Some("Subscription") => Some("Subscription"),
            Some("PayAsYouGo") => Some("PayAsYouGo"),
            Some(_) => return Err(ErrorCode::Invalid("SubscriptionType".into()).into()),
        };
        let kind = match named("Type").filter(|_| with_type) {
            None => None,
            Some(code) => Some(
                [
                    LineKind::PayAsYouGo,
                    LineKind::SubscriptionOrder,
                    LineKind::Refund,
                    LineKind::Adjustment,
                ]
                .into_iter()
                .find(|k| k.code() == code)
                .ok_or_else(|| ErrorCode::Invalid("Type".into()))?,
            ),
        };
        Ok(Filter {
            product_code: named("ProductCode"),
            subscription_type,
            kind,
        })
    }

    /// Whether `line` is one the request asks for.
    pub fn admits(&self, line: &BillLine) -> bool {
        self.product_code.is_none_or(|p| line.product_code == p)
            && self
                .subscription_type
                .is_none_or(|s| subscription_type(line.kind) == s)
            && self.kind.is_none_or(|k| line.kind == k)
    }
}

//! The parameters the bill operations share: `BillingCycle` (`yyyy-MM`, required, not after the
//! month the world's clock is in), the filters on a line's product, subscription type and kind,
//! and paging by number (`PageNum`, `PageSize`); and the one way the family writes a time.

use super::subscription_type;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::store::bills::{BillLine, LineKind};
use protocol::time::spi_format;

/// The largest page the family answers, and the page it answers when not told.
pub const MAX_PAGE_SIZE: i64 = 300;
pub const DEFAULT_PAGE_SIZE: i64 = 20;

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

/// `PageNum` and `PageSize`: `InvalidPageNum` below 1, `InvalidPageSize` outside 1 to 300.
pub fn paging(call: &Call<'_>) -> Result<(i64, i64), ApiError> {
    let page = call.params.int("PageNum")?.unwrap_or(1);
    if page < 1 {
        return Err(ErrorCode::Invalid("PageNum".into()).into());
    }
    Ok((page, page_size(call, "PageSize")?))
}

/// A page size sent as `name`: 1 to 300, 20 when not sent, else `Invalid<name>`.
pub fn page_size(call: &Call<'_>, name: &str) -> Result<i64, ApiError> {
    let size = call.params.int(name)?.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ErrorCode::Invalid(name.into()).into());
    }
    Ok(size)
}

/// The items of page `page` (from 1) of `size`: none past the end.
pub fn page_of<T>(items: impl IntoIterator<Item = T>, page: i64, size: i64) -> impl Iterator<Item = T> {
    let skip = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    items.into_iter().skip(skip).take(size as usize)
}

/// The instant `ms` (epoch ms) as the family writes times in bills: `yyyy-MM-dd HH:mm:ss`,
/// Asia/Shanghai.
pub fn date(ms: i64) -> String {
    spi_format(chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

//! The lifecycle actions and `orderPay` at the SPI: which parameters each needs — those the
//! console acts on, as contract §1.3 and §6.1 require them (`renewInstance` and
//! `refundRenewInstance` an `expiredOn`, `upgradeInstance` a `skuId`, `releaseInstance` an
//! `isRefund`; `orderPay` its `requestId`, `orderBizId`, `orderId`, `productCode`, `skuId`) — read,
//! then handed to the rules (`instances::lifecycle`), whose [`Outcome`] is the answer.

use super::check_product;
use super::error::SpiError;
use super::params::Params;
use crate::instances::lifecycle::{self, OrderPaid, Outcome};
use crate::state::Console;

/// The parameters contract §1.3.3 names for upgradeInstance: any other is an extra billing item.
const UPGRADE_PARAMS: &[&str] = &["action", "instanceId", "orderId", "skuId", "ecsInstanceId"];

/// An action of the instance's life after createInstance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Renew,
    Upgrade,
    Expired,
    Release,
    RefundRenew,
    OrderPay,
}

/// The action named `name`, if it is one of these.
pub fn action(name: &str) -> Option<Action> {
    Some(match name {
        "renewInstance" => Action::Renew,
        "upgradeInstance" => Action::Upgrade,
        "expiredInstance" => Action::Expired,
        "releaseInstance" => Action::Release,
        "refundRenewInstance" => Action::RefundRenew,
        "orderPay" => Action::OrderPay,
        _ => return None,
    })
}

/// Takes `action`: its parameters read first, so a call missing one changes nothing.
pub fn act(console: &Console, action: Action, params: Params<'_>) -> Result<Outcome, SpiError> {
    let now = console.now();
    let outcome = match action {
        Action::Expired => {
            let id = params.one("instanceId")?;
            lifecycle::expire(&console.lock(), id, now)?
        }
        Action::Renew => {
            let id = params.one("instanceId")?;
            let expired_on = params.date("expiredOn")?;
            lifecycle::renew(&console.lock(), id, expired_on, now)?
        }
        Action::RefundRenew => {
            let id = params.one("instanceId")?;
            let expired_on = params.date("expiredOn")?;
            lifecycle::refund_renewal(&console.lock(), id, expired_on, now)?
        }
        Action::Upgrade => {
            let id = params.one("instanceId")?;
            let sku = params.one("skuId")?;
            let extras = params.extras(UPGRADE_PARAMS)?;
            lifecycle::upgrade(&console.lock(), console.world(), id, sku, &extras, now)?
        }
        Action::Release => {
            let id = params.one("instanceId")?;
            let is_refund = params.flag("isRefund")?;
            lifecycle::release(&console.lock(), id, is_refund, now)?
        }
        Action::OrderPay => {
            check_product(console, params)?;
            let paid = OrderPaid {
                request_id: params.one("requestId")?,
                order_biz_id: params.one("orderBizId")?,
                order_id: params.one("orderId")?,
                sku_id: params.one("skuId")?,
            };
            lifecycle::record_payment(&console.lock(), paid, now)?
        }
    };
    Ok(outcome)
}

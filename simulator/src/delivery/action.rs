//! The SPI actions the marketplace delivers (contract §1.3, §6.1): their names, the parameters
//! each carries by default, and each one's retry schedule (§1.4, §6.1).

use crate::store::orders::{Instance, Order};
use crate::world::Settings;
use chrono::TimeDelta;

/// An action the marketplace calls a vendor's 生产系统接口地址 with. (`verify`, the eighth, is
/// the buyer's browser's call, not the marketplace's.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateInstance,
    RenewInstance,
    UpgradeInstance,
    ExpiredInstance,
    ReleaseInstance,
    RefundRenewInstance,
    OrderPay,
}

/// orderPay's published schedule: the waits before its 2nd, 3rd, … 12th attempt, after which it is
/// marked failed for DescribeFailedNotifications. They add up to 8 h 38 m after the first attempt
/// (the contract's source writes "about 9 h 38 m", which its own intervals do not add up to).
const ORDER_PAY_WAITS_MINUTES: [i64; 11] = [1, 1, 1, 5, 10, 10, 10, 60, 60, 120, 240];

impl Action {
    pub const ALL: [Action; 7] = [
        Action::CreateInstance,
        Action::RenewInstance,
        Action::UpgradeInstance,
        Action::ExpiredInstance,
        Action::ReleaseInstance,
        Action::RefundRenewInstance,
        Action::OrderPay,
    ];

    /// The `action` parameter's value.
    pub fn name(self) -> &'static str {
        match self {
            Action::CreateInstance => "createInstance",
            Action::RenewInstance => "renewInstance",
            Action::UpgradeInstance => "upgradeInstance",
            Action::ExpiredInstance => "expiredInstance",
            Action::ReleaseInstance => "releaseInstance",
            Action::RefundRenewInstance => "refundRenewInstance",
            Action::OrderPay => "orderPay",
        }
    }

    /// The action named `name`, or an error listing the names there are.
    pub fn parse(name: &str) -> Result<Action, String> {
        Action::ALL.into_iter().find(|a| a.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
            format!(
                "unknown SPI action `{name}` (the marketplace delivers {})",
                names.join(", ")
            )
        })
    }

    /// Whether it names the vendor's `instanceId`, so it can go out only once the vendor answered
    /// createInstance with one (createInstance and orderPay name the marketplace's orderBizId).
    pub fn needs_vendor_instance(self) -> bool {
        !matches!(self, Action::CreateInstance | Action::OrderPay)
    }

    /// How long after attempt `attempt` (1 for the first) the next one goes out, or None when the
    /// message gives up.
    pub fn wait_after(self, attempt: u32, settings: &Settings) -> Option<TimeDelta> {
        let every = |interval: std::time::Duration| {
            (attempt <= settings.spi_max_retries)
                .then(|| TimeDelta::from_std(interval).unwrap_or(TimeDelta::minutes(1)))
        };
        match self {
            Action::CreateInstance => every(settings.spi_retry_interval),
            Action::OrderPay => ORDER_PAY_WAITS_MINUTES
                .get(attempt as usize - 1)
                .map(|m| TimeDelta::minutes(*m)),
            _ => every(settings.notification_retry_interval),
        }
    }

    /// The parameters the action carries for `instance` (token excluded, `action` first), before
    /// the caller's additions. `request_id` is orderPay's, drawn anew for each notification;
    /// `expired_on` the date renewInstance and refundRenewInstance carry.
    pub fn params(
        self,
        instance: &Subject<'_>,
        expired_on: &str,
        request_id: Option<&str>,
    ) -> Vec<(String, String)> {
        let vendor_id = instance.vendor_instance_id.unwrap_or_default();
        let pairs: Vec<(&str, &str)> = match self {
            Action::CreateInstance => vec![
                ("aliUid", instance.ali_uid),
                ("orderBizId", instance.instance_id),
                ("orderId", instance.order_id),
                ("productCode", instance.product_code),
                ("skuId", instance.sku_id),
                ("trial", "false"),
            ],
            Action::RenewInstance => vec![
                ("instanceId", vendor_id),
                ("orderId", instance.order_id),
                ("expiredOn", expired_on),
            ],
            Action::UpgradeInstance => vec![
                ("instanceId", vendor_id),
                ("orderId", instance.order_id),
                ("skuId", instance.sku_id),
            ],
            Action::ExpiredInstance => vec![("instanceId", vendor_id)],
            Action::ReleaseInstance => vec![
                ("instanceId", vendor_id),
                ("isRefund", "false"),
                ("orderId", instance.order_id),
            ],
            Action::RefundRenewInstance => vec![("instanceId", vendor_id), ("expiredOn", expired_on)],
            Action::OrderPay => vec![
                ("requestId", request_id.unwrap_or_default()),
                ("aliUid", instance.ali_uid),
                ("orderBizId", instance.instance_id),
                ("orderId", instance.order_id),
                ("productCode", instance.product_code),
                ("skuId", instance.sku_id),
            ],
        };
        std::iter::once(("action", self.name()))
            .chain(pairs)
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// What an action's parameters are drawn from: an instance, or the order that makes one.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub instance_id: &'a str,
    pub ali_uid: &'a str,
    pub order_id: &'a str,
    pub product_code: &'a str,
    pub sku_id: &'a str,
    /// The vendor's instanceId, once createInstance has been answered.
    pub vendor_instance_id: Option<&'a str>,
}

impl<'a> From<&'a Instance> for Subject<'a> {
    fn from(i: &'a Instance) -> Self {
        Subject {
            instance_id: &i.instance_id,
            ali_uid: &i.ali_uid,
            order_id: &i.order_id,
            product_code: &i.product_code,
            sku_id: &i.sku_id,
            vendor_instance_id: i.vendor_instance_id.as_deref(),
        }
    }
}

impl<'a> From<&'a Order> for Subject<'a> {
    fn from(o: &'a Order) -> Self {
        Subject {
            instance_id: &o.instance_id,
            ali_uid: &o.ali_uid,
            order_id: &o.order_id,
            product_code: &o.product_code,
            sku_id: &o.sku_id,
            vendor_instance_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_pay_is_tried_twelve_times_over_eight_hours_thirty_eight_minutes() {
        let settings = crate::world::World::default_world().settings;
        let waits: Vec<TimeDelta> = (1..)
            .map_while(|attempt| Action::OrderPay.wait_after(attempt, &settings))
            .collect();
        assert_eq!(waits.len(), 11);
        assert_eq!(waits.iter().sum::<TimeDelta>(), TimeDelta::minutes(8 * 60 + 38));
    }

    #[test]
    fn other_actions_are_retried_spi_max_retries_times() {
        let settings = crate::world::World::default_world().settings;
        for action in [
            Action::CreateInstance,
            Action::RenewInstance,
            Action::ReleaseInstance,
        ] {
            let retries = (1..).map_while(|a| action.wait_after(a, &settings)).count();
            assert_eq!(retries as u32, settings.spi_max_retries, "{}", action.name());
        }
        assert_eq!(
            Action::RenewInstance.wait_after(1, &settings),
            Some(TimeDelta::minutes(5))
        );
    }

    #[test]
    fn unknown_names_are_refused_with_the_list() {
        assert_eq!(Action::parse("orderPay"), Ok(Action::OrderPay));
        let e = Action::parse("verify").unwrap_err();
        assert!(
            e.contains("createInstance") && e.contains("refundRenewInstance"),
            "{e}"
        );
    }
}

//! The notifications family: what the marketplace tells the vendor outside the SPI.
//!
//! - [`failed`]: DescribeFailedNotifications / ConfirmNotification (contract §6.2) — orderPay
//!   notifications the marketplace gave up delivering (`crate::delivery`) and the vendor has not
//!   yet acknowledged.
//! - [`cross_account`]: CrossAccountVerifyToken (contract §2.2, §3.3.4) — the vendor exchanges the
//!   one-time token that the cross-account role-authorization page (`pages::cross_account`) handed
//!   the buyer's browser for who the buyer is.
//!
//! The store keeps the family's rows (`store::notifications`), where the delivery engine puts the
//! failed notifications, and `crate::cross_account` holds the rules the page and the operation share.

pub mod cross_account;
pub mod failed;

use super::vendor;
use crate::openapi::call::Operation;

pub const OPS: &[(&str, Operation)] = &[
    (
        "DescribeFailedNotifications",
        Operation(failed::describe_failed_notifications),
    ),
    ("ConfirmNotification", Operation(failed::confirm_notification)),
    (
        "CrossAccountVerifyToken",
        Operation(cross_account::cross_account_verify_token),
    ),
];

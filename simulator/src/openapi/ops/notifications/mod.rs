//! The notifications family: what the marketplace tells the vendor outside the SPI.
//!
//! - [`failed`]: DescribeFailedNotifications / ConfirmNotification (contract §6.2) — orderPay
//!   notifications the vendor never acknowledged (fixtures/openapi/notifications.yaml; the ones the
//!   marketplace's own orderPay delivery gives up on arrive with a later issue).
//! - [`cross_account`]: CrossAccountVerifyToken (contract §2.2, §3.3.4) — the vendor exchanges the
//!   one-time token that the cross-account role-authorization page (`pages::cross_account`) handed
//!   the buyer's browser for who the buyer is.
//!
//! The store keeps the family's rows (`store::notifications`); `seed` puts the fixture's failed
//! notifications there, and `crate::cross_account` holds the rules the page and the operation share.

pub mod cross_account;
pub mod failed;

use super::vendor;
use crate::openapi::Operation;

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

/// This family's tables.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS failed_notifications (
    notification_request_id TEXT PRIMARY KEY, product_code TEXT NOT NULL, action TEXT NOT NULL,
    create_time INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS failed_notifications_by_time ON failed_notifications (create_time);
CREATE TABLE IF NOT EXISTS cross_account_tokens (
    token TEXT PRIMARY KEY, vendor TEXT NOT NULL, ali_uid TEXT NOT NULL, roles TEXT NOT NULL,
    issued_at INTEGER NOT NULL, used_at INTEGER);
";

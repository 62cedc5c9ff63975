//! What the OpenAPI keeps beside a purchase ([`super::orders`] keeps the purchase itself):
//! CreateOrder's client tokens (one purchase per buyer and token), auto-renewal settings, and the
//! ECS instances image purchases run on.

use super::orders::Order;
use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension};

/// A purchase CreateOrder made under a client token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPurchase {
    /// The request the token was first used with, as CreateOrder wrote it down.
    pub request: String,
    pub order_id: String,
}

/// An instance's auto-renewal, when on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoRenewal {
    /// Day, Month or Year.
    pub cycle: String,
    pub duration: i64,
}

impl AutoRenewal {
    /// The term it renews for, in months (Year × 12; 0 for a cycle of days, which no term is).
    pub fn months(&self) -> u32 {
        let duration = u32::try_from(self.duration).unwrap_or(0);
        match self.cycle.as_str() {
            "Year" => duration.saturating_mul(12),
            "Month" => duration,
            _ => 0,
        }
    }

    /// The auto-renewal for a term of `months`: whole years as Year.
    pub fn for_months(months: u32) -> AutoRenewal {
        let (cycle, duration) = if months % 12 == 0 {
            ("Year", months / 12)
        } else {
            ("Month", months)
        };
        AutoRenewal {
            cycle: cycle.into(),
            duration: i64::from(duration),
        }
    }
}

/// The ECS instance and image an image purchase runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub ecs_instance_id: String,
    pub image_id: String,
}

/// What an instance has beside its purchase ([`Store::purchase_extras`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurchaseExtras {
    pub auto_renewal: Option<AutoRenewal>,
    pub image: Option<Image>,
}

impl Store {
    /// The purchase `ali_uid` made with `client_token`, if any.
    pub fn token_purchase(
        &self,
        ali_uid: &str,
        client_token: &str,
    ) -> Result<Option<TokenPurchase>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT request, order_id FROM openapi_client_tokens WHERE ali_uid = ?1 AND client_token = ?2",
                params![ali_uid, client_token],
                |r| {
                    Ok(TokenPurchase {
                        request: r.get(0)?,
                        order_id: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Turns an instance's auto-renewal on (`Some`, as of `at`) or off (`None`).
    pub fn set_auto_renewal(
        &self,
        instance_id: &str,
        renewal: Option<&AutoRenewal>,
        at: i64,
    ) -> Result<(), StoreError> {
        self.transaction(|tx| tx.set_auto_renewal(instance_id, renewal, at))
    }

    /// What an instance has beside its purchase: its auto-renewal, when on, and the image it runs
    /// on, when it is an image purchase; read together.
    pub fn purchase_extras(&self, instance_id: &str) -> Result<PurchaseExtras, StoreError> {
        let conn = self.conn();
        let auto_renewal = conn
            .prepare_cached("SELECT cycle, duration FROM openapi_auto_renewals WHERE instance_id = ?1")?
            .query_row([instance_id], |r| {
                Ok(AutoRenewal {
                    cycle: r.get(0)?,
                    duration: r.get(1)?,
                })
            })
            .optional()?;
        let image = conn
            .prepare_cached(
                "SELECT ecs_instance_id, image_id FROM openapi_instance_images WHERE instance_id = ?1",
            )?
            .query_row([instance_id], |r| {
                Ok(Image {
                    ecs_instance_id: r.get(0)?,
                    image_id: r.get(1)?,
                })
            })
            .optional()?;
        Ok(PurchaseExtras { auto_renewal, image })
    }

    /// The instance an image purchase runs on the ECS instance `ecs_instance_id`.
    pub fn instance_on_ecs(&self, ecs_instance_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT instance_id FROM openapi_instance_images WHERE ecs_instance_id = ?1",
                [ecs_instance_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

impl Tx<'_> {
    /// Keeps `client_token` of the order's buyer with the purchase it made (refused when the
    /// buyer used the token before).
    pub fn remember_client_token(
        &self,
        client_token: &str,
        request: &str,
        order: &Order,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO openapi_client_tokens (ali_uid, client_token, request, order_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                order.ali_uid,
                client_token,
                request,
                order.order_id,
                order.created_at
            ],
        )?;
        Ok(())
    }

    /// [`Store::set_auto_renewal`], inside the transaction.
    pub fn set_auto_renewal(
        &self,
        instance_id: &str,
        renewal: Option<&AutoRenewal>,
        at: i64,
    ) -> Result<(), StoreError> {
        match renewal {
            Some(r) => self.tx.execute(
                "INSERT INTO openapi_auto_renewals (instance_id, cycle, duration, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (instance_id) DO UPDATE SET cycle = excluded.cycle, duration = excluded.duration,
                     updated_at = excluded.updated_at",
                params![instance_id, r.cycle, r.duration, at],
            ),
            None => self.tx.execute(
                "DELETE FROM openapi_auto_renewals WHERE instance_id = ?1",
                [instance_id],
            ),
        }?;
        Ok(())
    }

    pub fn insert_image(&self, instance_id: &str, image: &Image) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO openapi_instance_images (ecs_instance_id, instance_id, image_id) VALUES (?1, ?2, ?3)",
            params![image.ecs_instance_id, instance_id, image.image_id],
        )?;
        Ok(())
    }
}

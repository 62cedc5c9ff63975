//! Making messages: deliver an action to an instance now (the control API's `deliver`, which changes
//! nothing else), the message another rule sends with what it changes (the lifecycle's renewals,
//! expiries, releases; a purchase's createInstance and orderPay), and a message that gave up sent
//! again. Each message gets the action's parameters for the instance ([`Action::params`]) with the
//! caller's additions, and goes out after whatever its instance has pending.

use super::action::{Action, Subject};
use crate::state::Simulator;
use crate::store::messages::{Message, NewMessage, ResendRefusal};
use crate::store::orders::{Instance, Order, Status};
use crate::store::StoreError;
use protocol::time::{epoch_millis, spi_format};

/// Why a message was not made.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("no instance {0}")]
    UnknownInstance(String),
    #[error("{0}")]
    UnknownAction(String),
    #[error("instance {instance} is {status}: {action} names the vendor's instanceId, which only createInstance's answer gives")]
    NotOpened {
        instance: String,
        status: &'static str,
        action: &'static str,
    },
    #[error("instance {instance} is {status}; only an instance that is {allowed} can be {verb}")]
    WrongStatus {
        instance: String,
        status: &'static str,
        allowed: &'static str,
        verb: &'static str,
    },
    #[error("parameter `{0}` is the marketplace's own and cannot be given")]
    ReservedParam(String),
    #[error("parameter name `{0}` is not a name (letters, digits and _, starting with a letter)")]
    BadParamName(String),
    #[error(transparent)]
    Resend(#[from] ResendRefusal),
    #[error("the world was reset while the message was being queued")]
    Reset,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Parameters the marketplace sets itself: a caller cannot give them.
const RESERVED: [&str; 3] = ["action", "token", "key"];

impl Simulator {
    /// Queues `action` to `instance_id`, with `extra` parameters added (or replacing the defaults
    /// of the same name): the control API's and scenarios' `deliver`.
    pub fn deliver(
        &self,
        instance_id: &str,
        action: &str,
        extra: &[(String, String)],
    ) -> Result<Message, QueueError> {
        let action = Action::parse(action).map_err(QueueError::UnknownAction)?;
        let instance = self.instance_for(instance_id)?;
        self.queue(&instance, action, extra)
    }

    /// Sends message `id`, which gave up, once more — with its tries counted from zero again when
    /// `reset` (重置生产次数).
    pub fn resend(&self, id: i64, reset: bool) -> Result<Message, QueueError> {
        let message = self
            .store()
            .resend_message(id, reset, epoch_millis(self.clock().now()))??;
        self.clock().wake();
        Ok(message)
    }

    pub(crate) fn instance_for(&self, instance_id: &str) -> Result<Instance, QueueError> {
        self.store()
            .instance(instance_id)?
            .ok_or_else(|| QueueError::UnknownInstance(instance_id.to_owned()))
    }

    pub(crate) fn check_status(
        &self,
        instance: &Instance,
        allowed: &[Status],
        words: &'static str,
        verb: &'static str,
    ) -> Result<(), QueueError> {
        if allowed.contains(&instance.status) {
            return Ok(());
        }
        Err(QueueError::WrongStatus {
            instance: instance.instance_id.clone(),
            status: instance.status.code(),
            allowed: words,
            verb,
        })
    }

    pub(crate) fn queue(
        &self,
        instance: &Instance,
        action: Action,
        extra: &[(String, String)],
    ) -> Result<Message, QueueError> {
        let message = self.message_to(instance, action, extra)?;
        let id = self.store().transaction(|tx| tx.enqueue_message(&message))?;
        self.clock().wake();
        self.store().message(id)?.ok_or(QueueError::Reset)
    }

    /// The message that takes `action` to `instance` now, with `extra` parameters added (or
    /// replacing the defaults of the same name); the caller stores it.
    pub(crate) fn message_to(
        &self,
        instance: &Instance,
        action: Action,
        extra: &[(String, String)],
    ) -> Result<NewMessage, QueueError> {
        if action.needs_vendor_instance() && instance.vendor_instance_id.is_none() {
            return Err(QueueError::NotOpened {
                instance: instance.instance_id.clone(),
                status: instance.status.code(),
                action: action.name(),
            });
        }
        for (name, _) in extra {
            if RESERVED.contains(&name.as_str()) {
                return Err(QueueError::ReservedParam(name.clone()));
            }
            if !protocol::spi::is_param_name(name) {
                return Err(QueueError::BadParamName(name.clone()));
            }
        }
        let now = self.clock().now();
        let request_id = match action {
            Action::OrderPay => Some(self.with_ids(|ids| ids.hex32())?),
            _ => None,
        };
        // renewInstance's new expiry and refundRenewInstance's rolled-back one, unless given: a
        // year from now, and now.
        let expired_on = match action {
            Action::RenewInstance => spi_format(
                now.checked_add_signed(chrono::TimeDelta::days(365))
                    .unwrap_or(now),
            ),
            _ => spi_format(now),
        };
        let mut params = action.params(&Subject::from(instance), &expired_on, request_id.as_deref());
        for (name, value) in extra {
            match params.iter_mut().find(|(k, _)| k == name) {
                Some(slot) => slot.1 = value.clone(),
                None => params.push((name.clone(), value.clone())),
            }
        }
        let at = epoch_millis(now);
        Ok(NewMessage {
            instance_id: instance.instance_id.clone(),
            action: action.name().to_owned(),
            request_id: params
                .iter()
                .find(|(k, _)| k == "requestId")
                .map(|(_, v)| v.clone())
                .filter(|_| action == Action::OrderPay),
            params,
            created_at: at,
            due_at: at,
        })
    }
}

/// The createInstance message a purchase makes, its first attempt due at `due_at`: with `trial`
/// true for a trial, the term's end as `expiredOn`, and each extra item chosen as a parameter.
pub fn create_instance_message(order: &Order, due_at: i64) -> NewMessage {
    let mut params = Action::CreateInstance.params(&Subject::from(order), "", None);
    if order.order_type == "TRIAL" {
        if let Some(slot) = params.iter_mut().find(|(k, _)| k == "trial") {
            slot.1 = "true".into();
        }
    }
    if let Some(end) = order.ends_at.and_then(chrono::DateTime::from_timestamp_millis) {
        params.push(("expiredOn".into(), spi_format(end)));
    }
    params.extend(order.extras.iter().map(|(k, v)| (k.clone(), v.to_string())));
    NewMessage {
        instance_id: order.instance_id.clone(),
        action: Action::CreateInstance.name().to_owned(),
        params,
        request_id: None,
        created_at: order.created_at,
        due_at,
    }
}

/// The orderPay message that tells the vendor `order` was paid: its own `requestId`, after what
/// the instance has pending.
pub fn order_pay_message(order: &Order, request_id: &str, at: i64) -> NewMessage {
    NewMessage {
        instance_id: order.instance_id.clone(),
        action: Action::OrderPay.name().to_owned(),
        params: Action::OrderPay.params(&Subject::from(order), "", Some(request_id)),
        request_id: Some(request_id.to_owned()),
        created_at: at,
        due_at: at,
    }
}

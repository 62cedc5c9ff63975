//! One attempt of one message: the call (signed with the vendor's key over every parameter,
//! contract §1.2, with any fault armed for it acting in its transport), the answer judged (`judge`), and what it settles — delivered, tried again after
//! the action's wait, or given up — ready for the store to record in one transaction.

use super::action::Action;
use super::judge::{judge, outcome_words, Verdict};
use super::Faults;
use crate::spi_client::{Reply, SpiClient};
use crate::state::Simulator;
use crate::store::deliveries::Delivery;
use crate::store::jobs::Job;
use crate::store::messages::{Message, Opening, Settled};
use crate::store::{StoreError, Tx};
use protocol::time::{epoch_millis, Instant};

/// The longest answer body the journal keeps, in characters.
const JOURNAL_BODY_CHARS: usize = 4096;

/// An attempt made, for the store to record.
pub(super) struct Attempted {
    pub job: Job,
    pub message: Message,
    pub delivery: Delivery,
    pub settled: Settled,
    pub opening: Option<Opening>,
}

impl Attempted {
    /// Writes the attempt and what it settles in `tx`.
    pub(super) fn record(&self, tx: &Tx<'_>) -> Result<(), StoreError> {
        tx.record_delivery(
            self.job.id,
            &self.message,
            &self.delivery,
            &self.settled,
            self.opening.as_ref(),
        )
    }
}

/// Why a job has nothing to deliver.
pub(super) enum Undeliverable {
    /// Its message names an action the engine does not know (a damaged row).
    UnknownAction(String),
    /// The world no longer sells the instance's product, or the instance is gone.
    NoVendor,
}

impl Simulator {
    /// Makes one attempt of `message`, to the vendor of `product_code`, at virtual instant `at`.
    pub(super) async fn attempt(
        &self,
        job: Job,
        message: Message,
        product_code: Option<&str>,
        faults: Faults,
        at: Instant,
    ) -> Result<Attempted, Undeliverable> {
        let action = Action::parse(&message.action).map_err(Undeliverable::UnknownAction)?;
        let vendor = product_code
            .and_then(|code| self.world().product(code).map(|p| p.vendor.clone()))
            .and_then(|v| self.world().vendor(&v).cloned())
            .ok_or(Undeliverable::NoVendor)?;
        let settings = &self.world().settings;
        let url = SpiClient::url(&vendor.spi_url, &message.params, &vendor.spi_key);
        let result = crate::faults::spi::send(
            &*self.shared.spi,
            faults.call.as_ref(),
            &url,
            settings.spi_timeout,
        )
        .await;
        let attempt = message.attempts + 1;
        let verdict = judge(action, &result.reply);
        let next_at = match verdict {
            Verdict::Ok(_) => None,
            Verdict::Failed(_) => action
                .wait_after(attempt, settings)
                .and_then(|wait| at.checked_add_signed(wait))
                .map(epoch_millis),
        };
        let settled = match (&verdict, next_at) {
            (Verdict::Ok(_), _) => Settled::Delivered,
            (Verdict::Failed(_), Some(next_at)) => Settled::Retry { next_at },
            (Verdict::Failed(_), None) => Settled::GaveUp,
        };
        let opening = match (&verdict, &settled) {
            (Verdict::Ok(Some(answer)), _) => Some(Opening::Opened {
                vendor_instance_id: answer.instance_id.trim().to_owned(),
                app_info: answer
                    .app_info
                    .as_ref()
                    .and_then(|v| serde_json::to_string(v).ok()),
                host_info: answer.host_info.as_ref().map(|v| v.to_string()),
                info: answer.info.as_ref().map(|v| v.to_string()),
            }),
            (_, Settled::GaveUp) if action == Action::CreateInstance => Some(Opening::Failed {
                reason: format!(
                    "createInstance 共调用 {attempt} 次（重试 {} 次）均未成功；最后一次：{}",
                    attempt - 1,
                    outcome_words(verdict.outcome())
                ),
            }),
            _ => None,
        };
        let (status, body) = match result.reply {
            Reply::Answered { status, body } => (
                Some(status),
                Some(body.chars().take(JOURNAL_BODY_CHARS).collect()),
            ),
            Reply::TimedOut => (None, None),
            Reply::Unreachable(reason) => (None, Some(reason)),
        };
        let delivery = Delivery {
            message_id: Some(message.id),
            instance_id: message.instance_id.clone(),
            action: message.action.clone(),
            attempt,
            at: epoch_millis(at),
            url: vendor.spi_url.clone(),
            params: message.params.clone(),
            outcome: verdict.outcome().into(),
            status,
            body,
            elapsed_ms: result.elapsed.as_millis() as u64,
            next_at,
            fault: faults.label(),
        };
        Ok(Attempted {
            job,
            message,
            delivery,
            settled,
            opening,
        })
    }
}

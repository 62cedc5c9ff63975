//! Provisioning: the scheduled createInstance calls. Each attempt calls the vendor's SPI, records
//! what happened in the delivery journal, and either opens the instance, schedules the next attempt
//! (after `spi_retry_interval`), or — after `spi_max_retries` retries — marks it 开通失败.
//!
//! "Not yet" is an answer of instanceId `0`, an error status, a timeout, an unreachable vendor, or an
//! answer that is not the JSON createInstance returns (contract §1.3.1, §1.4).

use crate::spi_client::{Reply, SpiClient};
use crate::state::{Shared, Simulator};
use crate::store::deliveries::{Consequence, Delivery};
use crate::store::jobs::Job;
use crate::store::orders::{Instance, Status};
use crate::store::StoreError;
use chrono::TimeDelta;
use protocol::clock::{BoxFuture, Timers};
use protocol::spi::CreateInstanceAnswer;
use protocol::time::{epoch_millis, Instant};
use std::sync::Weak;

/// The simulator's scheduled work, as the clock sees it.
pub(crate) struct JobRunner {
    sim: Weak<Shared>,
}

impl JobRunner {
    pub(crate) fn new(sim: Weak<Shared>) -> Self {
        JobRunner { sim }
    }

    fn simulator(&self) -> Option<Simulator> {
        self.sim.upgrade().map(|shared| Simulator { shared })
    }
}

impl Timers for JobRunner {
    fn next_due(&self) -> Option<Instant> {
        let sim = self.simulator()?;
        let due = sim.store().next_job_due().ok().flatten()?;
        chrono::DateTime::from_timestamp_millis(due)
    }

    fn run_due(&self, now: Instant) -> BoxFuture<'_> {
        Box::pin(async move {
            let Some(sim) = self.simulator() else { return };
            while let Ok(Some(job)) = sim.store().due_job(epoch_millis(now)) {
                if let Err(e) = sim.run_job(&job).await {
                    tracing::error!("scheduled job {} failed: {e}", job.id);
                    return;
                }
            }
        })
    }
}

/// How an answer reads, in the journal's words.
fn classify(reply: &Reply) -> (&'static str, Option<CreateInstanceAnswer>) {
    match reply {
        Reply::TimedOut => ("timeout", None),
        Reply::Unreachable(_) => ("unreachable", None),
        Reply::Answered { status, .. } if !(200..300).contains(status) => ("http_error", None),
        Reply::Answered { body, .. } => match serde_json::from_str::<CreateInstanceAnswer>(body) {
            Ok(answer) if answer.is_ready() => ("ok", Some(answer)),
            Ok(_) => ("not_ready", None),
            Err(_) => ("bad_answer", None),
        },
    }
}

/// The journal's outcome in the buyer's words (详情, 开通失败).
pub fn outcome_words(outcome: &str) -> &'static str {
    match outcome {
        "ok" => "服务商已返回实例",
        "not_ready" => "服务商返回 instanceId 0（尚未就绪）",
        "http_error" => "服务商返回错误状态码",
        "bad_answer" => "服务商的返回不是 createInstance 的 JSON",
        "timeout" => "调用服务商超时",
        _ => "无法连接服务商",
    }
}

impl Simulator {
    async fn run_job(&self, job: &Job) -> Result<(), StoreError> {
        match (job.kind.as_str(), self.store().instance(&job.subject)?) {
            ("create_instance", Some(instance)) if instance.status == Status::Opening => {
                self.attempt_create(job, &instance).await
            }
            _ => self.store().delete_job(job.id),
        }
    }

    /// The createInstance parameters of contract §1.3.1, token excluded.
    pub fn create_instance_params(&self, instance: &Instance) -> Vec<(String, String)> {
        [
            ("action", "createInstance"),
            ("aliUid", &instance.ali_uid),
            ("orderBizId", &instance.instance_id),
            ("orderId", &instance.order_id),
            ("productCode", &instance.product_code),
            ("skuId", &instance.sku_id),
            ("trial", "false"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    async fn attempt_create(&self, job: &Job, instance: &Instance) -> Result<(), StoreError> {
        let settings = self.world().settings.clone();
        let vendor = self
            .world()
            .product(&instance.product_code)
            .and_then(|p| self.world().vendor(&p.vendor))
            .cloned();
        let Some(vendor) = vendor else {
            // The world no longer sells this product (a changed fixture on restart): nothing to call.
            return self.store().delete_job(job.id);
        };
        let at = self.clock().now();
        let params = self.create_instance_params(instance);
        let url = SpiClient::url(&vendor.spi_url, &params, &vendor.spi_key);
        let result = self.shared.spi.call(&url, settings.spi_timeout).await;
        let (outcome, answer) = classify(&result.reply);
        let consequence = match answer {
            Some(answer) => Consequence::Opened {
                vendor_instance_id: answer.instance_id.trim().to_owned(),
                app_info: answer
                    .app_info
                    .as_ref()
                    .map(|v| serde_json::to_string(v).expect("serializes")),
                host_info: answer.host_info.as_ref().map(|v| v.to_string()),
                info: answer.info.as_ref().map(|v| v.to_string()),
            },
            None if job.attempt <= settings.spi_max_retries => {
                let interval =
                    TimeDelta::from_std(settings.spi_retry_interval).unwrap_or(TimeDelta::minutes(1));
                Consequence::Retry {
                    next_at: epoch_millis(at + interval),
                }
            }
            None => Consequence::Failed {
                reason: format!(
                    "createInstance 共调用 {} 次（重试 {} 次）均未成功；最后一次：{}",
                    job.attempt,
                    job.attempt - 1,
                    outcome_words(outcome)
                ),
            },
        };
        let (status, body) = match result.reply {
            Reply::Answered { status, body } => (Some(status), Some(body.chars().take(4096).collect())),
            Reply::TimedOut => (None, None),
            Reply::Unreachable(reason) => (None, Some(reason)),
        };
        let delivery = Delivery {
            instance_id: instance.instance_id.clone(),
            action: "createInstance".into(),
            attempt: job.attempt,
            at: epoch_millis(at),
            url: vendor.spi_url.clone(),
            params: protocol::spi::decode_query(url.split_once('?').map(|(_, q)| q).unwrap_or_default()),
            outcome: outcome.into(),
            status,
            body,
            elapsed_ms: result.elapsed.as_millis() as u64,
        };
        self.store().record_attempt(job.id, &delivery, &consequence)
    }
}

//! The SPI's outbox: every notification the marketplace owes a vendor (`spi_messages`), each
//! delivered by `deliver` jobs until the vendor takes it or its retries run out. An instance's
//! messages go out one at a time in `queue_order`: only its first pending message has a job, and
//! the next one gets its job when that one is settled. Recording an attempt — the journal row, the
//! message's new state, the job retired or moved, what the answer does to the instance, a failed
//! orderPay kept for DescribeFailedNotifications — is one transaction.

use super::deliveries::Delivery;
use super::jobs::{job_from_row, Job, JOB_COLUMNS};
use super::notifications::FailedNotification;
use super::orders::Status;
use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension, Row};

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    /// Waiting for its turn or its next attempt.
    Pending,
    /// The vendor took it.
    Delivered,
    /// Its retries ran out (生产失败).
    Failed,
}

impl MessageState {
    pub fn code(self) -> &'static str {
        match self {
            MessageState::Pending => "pending",
            MessageState::Delivered => "delivered",
            MessageState::Failed => "failed",
        }
    }

    /// The state whose [`code`](MessageState::code) is `code`.
    pub fn from_code(code: &str) -> Option<MessageState> {
        [
            MessageState::Pending,
            MessageState::Delivered,
            MessageState::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// One notification to a vendor.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    /// The marketplace's instance (orderBizId).
    pub instance_id: String,
    pub action: String,
    /// The parameters, token excluded, in the order sent.
    pub params: Vec<(String, String)>,
    /// orderPay's requestId.
    pub request_id: Option<String>,
    pub state: MessageState,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due (epoch ms), while it has a job.
    pub next_at: Option<i64>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub instance_id: String,
    pub action: String,
    pub params: Vec<(String, String)>,
    pub request_id: Option<String>,
    /// When it is made (epoch ms).
    pub created_at: i64,
    /// When its first attempt is due, if its instance has nothing pending before it.
    pub due_at: i64,
}

/// What an attempt settles.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// The vendor took it.
    Delivered,
    /// Not yet: try again at `next_at` (epoch ms).
    Retry { next_at: i64 },
    /// Out of retries.
    GaveUp,
}

/// What a settled createInstance does to its instance.
#[derive(Debug, Clone, PartialEq)]
pub enum Opening {
    /// The vendor answered with an instance: it is open.
    Opened {
        vendor_instance_id: String,
        app_info: Option<String>,
        host_info: Option<String>,
        info: Option<String>,
    },
    /// Out of retries: 开通失败, with why.
    Failed { reason: String },
}

/// A deliver job that is due, with what it delivers and to whom.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub job: Job,
    /// None when the message is gone, or its row is damaged.
    pub message: Option<Message>,
    /// The product of the message's instance, whose vendor is called; None when the instance is
    /// gone.
    pub product_code: Option<String>,
}

/// Why a message could not be sent again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResendRefusal {
    #[error("no message {0}")]
    Unknown(i64),
    #[error("message {0} was delivered; only a message that gave up is sent again")]
    Delivered(i64),
    #[error("message {0} is still being delivered; only a message that gave up is sent again")]
    Pending(i64),
}

const MESSAGE_COLUMNS: &str =
    "id, instance_id, action, params, request_id, state, attempts, next_at, created_at, finished_at";

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    let params: String = r.get(3)?;
    let state: String = r.get(5)?;
    let damaged = |what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!(
                "spi_messages row {}: damaged {what}",
                r.get::<_, i64>(0).unwrap_or(0)
            )
            .into(),
        )
    };
    Ok(Message {
        id: r.get(0)?,
        instance_id: r.get(1)?,
        action: r.get(2)?,
        params: serde_json::from_str(&params).map_err(|_| damaged("params"))?,
        request_id: r.get(4)?,
        state: MessageState::from_code(&state).ok_or_else(|| damaged("state"))?,
        attempts: r.get(6)?,
        next_at: r.get(7)?,
        created_at: r.get(8)?,
        finished_at: r.get(9)?,
    })
}

impl Tx<'_> {
    /// Queues `m`: it gets a job at `due_at` when its instance has no message pending before it,
    /// else when the ones before it are settled. Returns its id.
    pub fn enqueue_message(&self, m: &NewMessage) -> Result<i64, StoreError> {
        let first = self.head_message(&m.instance_id)?.is_none();
        self.execute(
            "INSERT INTO spi_messages (instance_id, action, params, request_id, state, queue_order, created_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5)",
            params![m.instance_id, m.action, serde_json::to_string(&m.params).expect("pairs serialize"),
                m.request_id, m.created_at],
        )?;
        let id = self.tx.last_insert_rowid();
        self.execute("UPDATE spi_messages SET queue_order = id WHERE id = ?1", [id])?;
        if first {
            self.schedule_message(id, m.due_at)?;
        }
        Ok(id)
    }

    /// The instance's first pending message, if any.
    fn head_message(&self, instance_id: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .query_row(
                "SELECT id FROM spi_messages WHERE instance_id = ?1 AND state = 'pending'
                 ORDER BY queue_order LIMIT 1",
                [instance_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Gives message `id` its job, due at `at`.
    fn schedule_message(&self, id: i64, at: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE spi_messages SET next_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        self.execute(
            "INSERT INTO jobs (due_at, kind, subject, attempt)
             SELECT ?2, 'deliver', CAST(id AS TEXT), attempts + 1 FROM spi_messages WHERE id = ?1",
            params![id, at],
        )?;
        Ok(())
    }

    /// Records one attempt of `message` (its journal row `d`), what it settles, and what it does to
    /// the instance, and moves its job to the next attempt or retires it: all in this transaction, which the delivery
    /// engine shares among the answers that came in together.
    pub fn record_delivery(
        &self,
        job_id: i64,
        message: &Message,
        d: &Delivery,
        settled: &Settled,
        opening: Option<&Opening>,
    ) -> Result<(), StoreError> {
        self.insert_delivery(d)?;
        match settled {
            // The message keeps its job, moved to the next attempt.
            Settled::Retry { next_at } => {
                self.execute(
                    "UPDATE spi_messages SET attempts = ?2, next_at = ?3 WHERE id = ?1",
                    params![message.id, d.attempt, next_at],
                )?;
                self.execute(
                    "UPDATE jobs SET due_at = ?2, attempt = ?3 WHERE id = ?1",
                    params![job_id, next_at, d.attempt + 1],
                )?;
            }
            Settled::Delivered | Settled::GaveUp => {
                self.execute("DELETE FROM jobs WHERE id = ?1", [job_id])?;
                let state = if *settled == Settled::Delivered {
                    MessageState::Delivered
                } else {
                    MessageState::Failed
                };
                self.execute(
                    "UPDATE spi_messages SET attempts = ?2, state = ?3, next_at = NULL, finished_at = ?4
                     WHERE id = ?1",
                    params![message.id, d.attempt, state.code(), d.at],
                )?;
                self.settle_notification(message, state)?;
                self.schedule_next_of(&message.instance_id, d.at)?;
            }
        }
        if message.action == "createInstance" {
            self.record_opening(&message.instance_id, d.attempt, settled, opening, d.at)?;
        }
        Ok(())
    }

    /// After an instance's message is settled at `at`, its next pending one (if any) gets its job.
    fn schedule_next_of(&self, instance_id: &str, at: i64) -> Result<(), StoreError> {
        if let Some(next) = self.head_message(instance_id)? {
            let has_job: bool = self.query_row(
                "SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = 'deliver' AND subject = CAST(?1 AS TEXT))",
                [next],
                |r| r.get(0),
            )?;
            if !has_job {
                self.schedule_message(next, at)?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// Up to `limit` deliver jobs due at or before `now`, in (due, id) order, each with its
    /// message (None when the message is gone, or its row is damaged).
    pub fn due_deliveries(&self, now: i64, limit: usize) -> Result<Vec<DueDelivery>, StoreError> {
        let conn = self.conn();
        let mut jobs = conn.prepare_cached(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE kind = 'deliver' AND due_at <= ?1
             ORDER BY due_at, id LIMIT ?2"
        ))?;
        let due: Vec<Job> = jobs
            .query_map(params![now, limit as i64], job_from_row)?
            .collect::<Result<_, _>>()?;
        let mut message = conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS},
             (SELECT product_code FROM instances i WHERE i.instance_id = m.instance_id)
             FROM spi_messages m WHERE id = ?1"
        ))?;
        let read = |r: &Row<'_>| Ok((message_from_row(r)?, r.get::<_, Option<String>>(10)?));
        let mut out = Vec::with_capacity(due.len());
        for job in due {
            let found = match (job.kind.as_str(), job.subject.parse::<i64>()) {
                ("deliver", Ok(id)) => match message.query_row([id], read).optional() {
                    Ok(m) => m,
                    Err(e) => {
                        tracing::error!("job {}: {e}", job.id);
                        None
                    }
                },
                _ => None,
            };
            let (message, product_code) = match found {
                Some((m, product)) => (Some(m), product),
                None => (None, None),
            };
            out.push(DueDelivery {
                job,
                message,
                product_code,
            });
        }
        Ok(out)
    }

    /// Drops a job that has nothing to deliver (its message gone or damaged), letting the
    /// instance's next message go out.
    pub fn drop_delivery_job(&self, job: &Job, now: i64) -> Result<(), StoreError> {
        self.transaction(|tx| {
            tx.execute("DELETE FROM jobs WHERE id = ?1", [job.id])?;
            if let Ok(id) = job.subject.parse::<i64>() {
                let instance: Option<String> = tx
                    .query_row("SELECT instance_id FROM spi_messages WHERE id = ?1", [id], |r| r.get(0))
                    .optional()?;
                tx.execute(
                    "UPDATE spi_messages SET state = 'failed', next_at = NULL, finished_at = ?2 WHERE id = ?1",
                    params![id, now],
                )?;
                if let Some(instance) = instance {
                    tx.schedule_next_of(&instance, now)?;
                }
            }
            Ok(())
        })
    }

    /// Puts the instance's second pending message before its first (a swap fault), moving the
    /// first's job to it. Returns the message now first, or None when there is no second.
    pub fn swap_first_two(&self, job: &Job) -> Result<Option<Message>, StoreError> {
        self.transaction(|tx| {
            let first: i64 = match job.subject.parse() {
                Ok(id) => id,
                Err(_) => return Ok(None),
            };
            let pair: Vec<(i64, i64)> = {
                let mut stmt = tx.tx.prepare(
                    "SELECT m.id, m.queue_order FROM spi_messages m
                     JOIN spi_messages f ON f.id = ?1 AND m.instance_id = f.instance_id
                     WHERE m.state = 'pending' ORDER BY m.queue_order LIMIT 2",
                )?;
                let rows = stmt.query_map([first], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let [(a, a_order), (b, b_order)] = pair[..] else {
                return Ok(None);
            };
            if a != first {
                return Ok(None);
            }
            tx.execute(
                "UPDATE spi_messages SET queue_order = ?2, next_at = NULL WHERE id = ?1",
                params![a, b_order],
            )?;
            tx.execute(
                "UPDATE spi_messages SET queue_order = ?2, next_at = ?3 WHERE id = ?1",
                params![b, a_order, job.due_at],
            )?;
            tx.execute(
                "UPDATE jobs SET subject = CAST(?2 AS TEXT),
                 attempt = (SELECT attempts + 1 FROM spi_messages WHERE id = ?2) WHERE id = ?1",
                params![job.id, b],
            )?;
            Ok(tx
                .query_row(
                    &format!("SELECT {MESSAGE_COLUMNS} FROM spi_messages WHERE id = ?1"),
                    [b],
                    message_from_row,
                )
                .optional()?)
        })
    }

    /// Sends a message that gave up once more: with its try counter back at zero when `reset`
    /// (重置生产次数: the whole retry schedule again), else for one more attempt. It goes out now,
    /// or after the instance's messages already pending.
    pub fn resend_message(
        &self,
        id: i64,
        reset: bool,
        now: i64,
    ) -> Result<Result<Message, ResendRefusal>, StoreError> {
        self.transaction(|tx| {
            let Some(m) = tx.message(id)? else {
                return Ok(Err(ResendRefusal::Unknown(id)));
            };
            match m.state {
                MessageState::Delivered => return Ok(Err(ResendRefusal::Delivered(id))),
                MessageState::Pending => return Ok(Err(ResendRefusal::Pending(id))),
                MessageState::Failed => {}
            }
            // Sent again, it joins the end of its instance's queue, as a new notification would.
            let first = tx.head_message(&m.instance_id)?.is_none();
            tx.execute(
                "UPDATE spi_messages SET state = 'pending', finished_at = NULL,
                 attempts = CASE WHEN ?2 THEN 0 ELSE attempts END,
                 queue_order = (SELECT max(queue_order) + 1 FROM spi_messages WHERE instance_id = ?3)
                 WHERE id = ?1",
                params![id, reset, m.instance_id],
            )?;
            if m.action == "createInstance" {
                tx.execute(
                    "UPDATE instances SET status = 'OPENING', failure = NULL, next_attempt_at = ?2
                     WHERE instance_id = ?1 AND status = 'OPEN_FAILED'",
                    params![m.instance_id, now],
                )?;
            }
            if first {
                tx.schedule_message(id, now)?;
            }
            Ok(tx.message(id)?.ok_or(ResendRefusal::Unknown(id)))
        })
    }

    /// One message.
    pub fn message(&self, id: i64) -> Result<Option<Message>, StoreError> {
        self.transaction(|tx| tx.message(id))
    }

    /// Messages, newest first, narrowed by `filter`; with how many match in all.
    pub fn messages(
        &self,
        filter: &MessageFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Message>, u64), StoreError> {
        let conn = self.conn();
        let wheres = "(?1 IS NULL OR instance_id = ?1) AND (?2 IS NULL OR action = ?2)
             AND (?3 IS NULL OR state = ?3)
             AND (?4 IS NULL OR instance_id IN (SELECT instance_id FROM instances
                  WHERE product_code IN (SELECT value FROM json_each(?4))))";
        let state = filter.state.map(MessageState::code);
        let products = filter
            .products
            .as_ref()
            .map(|codes| serde_json::to_string(codes).expect("strings serialize"));
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM spi_messages WHERE {wheres}"),
            params![filter.instance_id, filter.action, state, products],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM spi_messages WHERE {wheres} ORDER BY id DESC LIMIT ?5 OFFSET ?6"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    filter.instance_id,
                    filter.action,
                    state,
                    products,
                    limit.min(i64::MAX as u64) as i64,
                    offset.min(i64::MAX as u64) as i64
                ],
                message_from_row,
            )?
            .collect::<Result<_, _>>()?;
        Ok((rows, total as u64))
    }

    /// Message `id` if it is to an instance of one of `products`: a vendor's own message.
    pub fn message_of_products(&self, id: i64, products: &[String]) -> Result<Option<Message>, StoreError> {
        let products = serde_json::to_string(products).expect("strings serialize");
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM spi_messages WHERE id = ?1 AND instance_id IN
                     (SELECT instance_id FROM instances WHERE product_code IN (SELECT value FROM json_each(?2)))"
                ),
                params![id, products],
                message_from_row,
            )
            .optional()?)
    }
}

/// Which messages to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageFilter {
    pub instance_id: Option<String>,
    pub action: Option<String>,
    pub state: Option<MessageState>,
    /// Only messages to instances of these products (a vendor's: the world knows whose they are).
    pub products: Option<Vec<String>>,
}

impl Tx<'_> {
    fn message(&self, id: i64) -> Result<Option<Message>, StoreError> {
        Ok(self
            .query_row(
                &format!("SELECT {MESSAGE_COLUMNS} FROM spi_messages WHERE id = ?1"),
                [id],
                message_from_row,
            )
            .optional()?)
    }

    /// A failed orderPay waits for DescribeFailedNotifications; one delivered after all (sent again)
    /// no longer does.
    fn settle_notification(&self, m: &Message, state: MessageState) -> Result<(), StoreError> {
        let Some(request_id) = m.request_id.as_deref() else {
            return Ok(());
        };
        match state {
            MessageState::Failed => {
                let product = m
                    .params
                    .iter()
                    .find(|(k, _)| k == "productCode")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                let message: serde_json::Map<String, serde_json::Value> = m
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                self.insert_failed_notification(&FailedNotification {
                    id: request_id.to_owned(),
                    product_code: product,
                    action: m.action.clone(),
                    create_time: m.created_at,
                    message: serde_json::Value::Object(message).to_string(),
                })
            }
            _ => self.delete_failed_notification(request_id),
        }
    }

    /// What a createInstance attempt does to its instance.
    fn record_opening(
        &self,
        instance_id: &str,
        attempt: u32,
        settled: &Settled,
        opening: Option<&Opening>,
        at: i64,
    ) -> Result<(), StoreError> {
        match (settled, opening) {
            (
                _,
                Some(Opening::Opened {
                    vendor_instance_id,
                    app_info,
                    host_info,
                    info,
                }),
            ) => {
                self.execute(
                    "UPDATE instances SET status = ?2, vendor_instance_id = ?3, app_info = ?4, host_info = ?5,
                     info = ?6, attempts = ?7, next_attempt_at = NULL, failure = NULL, opened_at = ?8
                     WHERE instance_id = ?1",
                    params![instance_id, Status::Opened.code(), vendor_instance_id, app_info, host_info, info,
                        attempt, at],
                )?;
                // A term that ran out while the instance was still opening (its term_end found
                // nothing open and was dropped) ends now that it is open.
                self.execute(
                    "INSERT INTO jobs (due_at, kind, subject, attempt)
                     SELECT max(expires_at, ?2), 'term_end', instance_id, 1 FROM instances
                     WHERE instance_id = ?1 AND expires_at IS NOT NULL AND NOT EXISTS
                         (SELECT 1 FROM jobs WHERE kind IN ('term_end', 'release') AND subject = ?1)",
                    params![instance_id, at],
                )?;
            }
            (_, Some(Opening::Failed { reason })) => {
                self.execute(
                    "UPDATE instances SET status = ?2, attempts = ?3, next_attempt_at = NULL, failure = ?4
                     WHERE instance_id = ?1",
                    params![instance_id, Status::OpenFailed.code(), attempt, reason],
                )?;
            }
            (Settled::Retry { next_at }, None) => {
                self.execute(
                    "UPDATE instances SET attempts = ?2, next_attempt_at = ?3 WHERE instance_id = ?1",
                    params![instance_id, attempt, next_at],
                )?;
            }
            (_, None) => {}
        }
        Ok(())
    }
}

//! The actions after createInstance (contract §1.3.2–§1.3.6, §6.1), each on an instance of its
//! own: renewInstance, upgradeInstance, expiredInstance, releaseInstance, refundRenewInstance and
//! orderPay must answer `success` true, and again when repeated (the marketplace retries and
//! duplicates them); a renewInstance arriving after the release must answer `success` true too, so
//! the marketplace stops retrying. Each flow has a second check, `state.…`, that reads the
//! vendor's record through the probe afterwards: the expiry, SKU or status the action left, the
//! release a late renewal must not undo, one payment per `requestId`.

use super::{pairs, runner, Check, Ctx, Finding, Stop, Trail};
use crate::verify::marketplace::Order;
use serde_json::Value;

/// One action's flow.
#[derive(Debug, Clone, Copy)]
enum Flow {
    Renew,
    Upgrade,
    Expired,
    Release,
    RefundRenew,
    LateRenew,
    OrderPay,
}

/// What the vendor's record must show after a flow.
enum Expect {
    ExpiredOn(String),
    Sku(String),
    Status(&'static str),
    OnePayment(String),
}

const FLOWS: &[(Flow, &str, &str, &str, &str)] = &[
    (
        Flow::Renew,
        "renew.idempotent",
        "state.renew",
        "renewInstance sent twice",
        "the new expiredOn is recorded",
    ),
    (
        Flow::Upgrade,
        "upgrade.idempotent",
        "state.upgrade",
        "upgradeInstance sent twice",
        "the new skuId is applied",
    ),
    (
        Flow::Expired,
        "expired.idempotent",
        "state.expired",
        "expiredInstance sent twice",
        "the instance is frozen",
    ),
    (
        Flow::Release,
        "release.idempotent",
        "state.release",
        "releaseInstance sent twice",
        "the instance is released",
    ),
    (
        Flow::RefundRenew,
        "refund-renew.idempotent",
        "state.refund-renew",
        "refundRenewInstance sent twice",
        "the expiry is rolled back",
    ),
    (
        Flow::LateRenew,
        "late.renew-after-release",
        "state.late-renew",
        "renewInstance after releaseInstance",
        "the release stands",
    ),
    (
        Flow::OrderPay,
        "order-pay.idempotent",
        "state.order-pay",
        "orderPay sent twice",
        "one payment per requestId",
    ),
];

/// The wire check and the state check of every flow.
pub fn checks() -> Vec<Check> {
    let mut checks = Vec::new();
    for &(flow, wire, state_name, what, holds) in FLOWS {
        checks.push(Check {
            name: wire,
            what: format!("{what}: every answer says success true"),
            run: runner(move |ctx, trail| Box::pin(async move { run(ctx, trail, flow).await.map(|_| ()) })),
        });
        checks.push(Check {
            name: state_name,
            what: format!("after {what}, the probe shows {holds}"),
            run: runner(move |ctx, trail| Box::pin(state(ctx, trail, flow))),
        });
    }
    checks
}

/// Runs `flow` on a new instance; what the record must show afterwards, and where.
async fn run(ctx: &Ctx, trail: &mut Trail, flow: Flow) -> Result<(String, Expect), Stop> {
    let order = ctx.order()?;
    let created = ctx.create(trail, &order).await?;
    let id = created.instance_id.as_str();
    let expect = match flow {
        Flow::Renew => {
            let (params, on) = renewal(ctx, &order, id).await;
            twice(ctx, trail, "renewInstance", &params).await?;
            Expect::ExpiredOn(on)
        }
        Flow::Upgrade => {
            let sku = ctx.config.upgrade_sku.clone();
            let order_id = ctx
                .market()
                .upgrade(&order.order_biz_id, &sku)
                .await
                .unwrap_or_else(|| ctx.order_id());
            let params = pairs(&[
                ("action", "upgradeInstance"),
                ("instanceId", id),
                ("skuId", &sku),
                ("orderId", &order_id),
            ]);
            twice(ctx, trail, "upgradeInstance", &params).await?;
            Expect::Sku(sku)
        }
        Flow::Expired => {
            let params = pairs(&[("action", "expiredInstance"), ("instanceId", id)]);
            twice(ctx, trail, "expiredInstance", &params).await?;
            Expect::Status("frozen")
        }
        Flow::Release => {
            let params = release(id);
            twice(ctx, trail, "releaseInstance", &params).await?;
            Expect::Status("released")
        }
        Flow::RefundRenew => {
            let bought = order.expired_on.clone().unwrap_or_else(|| expiry(365));
            let (renewal, _) = renewal(ctx, &order, id).await;
            ctx.act(trail, "renewInstance", &renewal).await?;
            let params = pairs(&[
                ("action", "refundRenewInstance"),
                ("instanceId", id),
                ("expiredOn", &bought),
            ]);
            twice(ctx, trail, "refundRenewInstance", &params).await?;
            Expect::ExpiredOn(bought)
        }
        Flow::LateRenew => {
            // A renewal made before the release, whose renewInstance arrives after it.
            let (params, _) = renewal(ctx, &order, id).await;
            ctx.act(trail, "releaseInstance", &release(id)).await?;
            ctx.act(trail, "renewInstance after the release", &params).await?;
            Expect::Status("released")
        }
        Flow::OrderPay => {
            let request_id = ctx.digits(32);
            let params = pairs(&[
                ("action", "orderPay"),
                ("requestId", &request_id),
                ("aliUid", &ctx.config.ali_uid),
                ("orderBizId", &order.order_biz_id),
                ("orderId", &order.order_id),
                ("productCode", &ctx.config.product_code),
                ("skuId", &ctx.config.sku),
            ]);
            twice(ctx, trail, "orderPay", &params).await?;
            Expect::OnePayment(request_id)
        }
    };
    Ok((created.instance_id, expect))
}

/// The flow, then the vendor's record through the probe.
async fn state(ctx: &Ctx, trail: &mut Trail, flow: Flow) -> Result<(), Stop> {
    if ctx.config.probe.is_none() {
        return ctx.probe(trail, "").await.map(|_| ());
    }
    let (id, expect) = match run(ctx, trail, flow).await {
        Ok(done) => done,
        Err(Finding::Failed(why)) => return Err(Finding::NotRun(format!("the action itself failed: {why}"))),
        Err(other) => return Err(other),
    };
    let record = ctx.probe(trail, &id).await?;
    judge(&record, &expect).map_err(Finding::Failed)
}

fn judge(record: &Value, expect: &Expect) -> Result<(), String> {
    let text = |name: &str| record.get(name).and_then(Value::as_str).map(str::to_owned);
    match expect {
        Expect::ExpiredOn(on) => match text("expiredOn") {
            Some(seen) if same_time(&seen, on) => Ok(()),
            seen => Err(format!("the vendor records expiredOn {seen:?}, not {on:?}")),
        },
        Expect::Sku(sku) => match text("skuId") {
            Some(seen) if &seen == sku => Ok(()),
            seen => Err(format!("the vendor records skuId {seen:?}, not {sku:?}")),
        },
        Expect::Status(status) => match text("status") {
            Some(seen) if status_is(&seen, status) => Ok(()),
            seen => Err(format!("the vendor records status {seen:?}, not {status:?}")),
        },
        Expect::OnePayment(request_id) => {
            let payments = record.get("payments").and_then(Value::as_array);
            let times = payments
                .into_iter()
                .flatten()
                .filter(|p| {
                    p.as_str() == Some(request_id)
                        || p.get("requestId").and_then(Value::as_str) == Some(request_id)
                })
                .count();
            if times == 1 {
                Ok(())
            } else {
                Err(format!(
                    "the vendor records the payment of requestId {request_id} {times} times, not once"
                ))
            }
        }
    }
}

/// Whether two expiries are one instant: as the SPI writes dates, or RFC 3339.
fn same_time(seen: &str, sent: &str) -> bool {
    match (
        protocol::time::parse_instant(seen),
        protocol::time::parse_instant(sent),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => seen == sent,
    }
}

/// Whether the probe's `seen` status is `wanted`, in the probe's words or contract §1.5's
/// (`EXPIRED` for frozen, `CLOSED` for released, `OPENED` for active), any case.
fn status_is(seen: &str, wanted: &str) -> bool {
    let synonym = match wanted {
        "frozen" => "expired",
        "released" => "closed",
        _ => "opened",
    };
    seen.eq_ignore_ascii_case(wanted) || seen.eq_ignore_ascii_case(synonym)
}

/// renewInstance's parameters for a renewal of `order` (the vendor's instance `id`), and the
/// expiry it carries: a paid renewal order of the marketplace's where the SKU sells a term, else
/// (pay-as-you-go: the renewal after arrears) an invented order two years out.
async fn renewal(ctx: &Ctx, order: &Order, id: &str) -> (Vec<(String, String)>, String) {
    let (order_id, on) = match ctx.market().renew(&order.order_biz_id).await {
        Some(renewal) => renewal,
        None => (ctx.order_id(), expiry(730)),
    };
    let params = pairs(&[
        ("action", "renewInstance"),
        ("instanceId", id),
        ("orderId", &order_id),
        ("expiredOn", &on),
    ]);
    (params, on)
}

fn release(id: &str) -> Vec<(String, String)> {
    pairs(&[
        ("action", "releaseInstance"),
        ("instanceId", id),
        ("isRefund", "false"),
    ])
}

/// Sends `params` twice: both must answer success.
async fn twice(ctx: &Ctx, trail: &mut Trail, name: &str, params: &[(String, String)]) -> Result<(), Stop> {
    ctx.act(trail, name, params).await?;
    ctx.act(trail, &format!("{name} again (a duplicate)"), params)
        .await
}

/// `days` from now as the SPI writes dates.
fn expiry(days: i64) -> String {
    protocol::time::spi_format(protocol::clock::wall_now() + chrono::TimeDelta::days(days))
}

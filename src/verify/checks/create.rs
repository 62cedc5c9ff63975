//! createInstance (contract §1.3.1): the answer names a non-empty `instanceId` and an
//! `appInfo.authUrl` to send buyers to; asked again for the same `orderBizId` — one after the
//! other, or two at once — it names the same instance.

use super::{CheckFuture, Ctx, Finding, Row, Trail};

pub const CHECKS: &[Row] = &[
    Row(
        "create.answer",
        "createInstance answers an instanceId and an appInfo.authUrl",
        answer,
    ),
    Row(
        "create.idempotent",
        "createInstance again for the same orderBizId gives the same instanceId",
        idempotent,
    ),
    Row(
        "create.race",
        "two createInstance at once for one orderBizId give one instanceId",
        race,
    ),
];

fn answer<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let created = ctx.create(trail, &ctx.order()?).await?;
        let Some(auth_url) = created.auth_url else {
            return Err(Finding::Failed(
                "the answer has no appInfo.authUrl: the buyer's 免登 link has nowhere to go".into(),
            ));
        };
        match url::Url::parse(&auth_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
            _ => Err(Finding::Failed(format!(
                "appInfo.authUrl `{auth_url}` is not an absolute http(s) URL"
            ))),
        }
    })
}

fn idempotent<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let order = ctx.order()?;
        let first = ctx.create(trail, &order).await?;
        let again = ctx.create(trail, &order).await?;
        same(&first.instance_id, &again.instance_id, "called again")
    })
}

fn race<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let order = ctx.order()?;
        let (mut a_trail, mut b_trail) = (super::Trail::default(), super::Trail::default());
        let (a, b) = tokio::join!(ctx.create(&mut a_trail, &order), ctx.create(&mut b_trail, &order));
        trail.steps.extend(a_trail.steps);
        trail.steps.extend(b_trail.steps);
        same(&a?.instance_id, &b?.instance_id, "called twice at once")
    })
}

fn same(first: &str, again: &str, how: &str) -> Result<(), Finding> {
    if first == again {
        Ok(())
    } else {
        Err(Finding::Failed(format!(
            "createInstance {how} for the same orderBizId answered instanceId `{again}` after `{first}`: \
             the marketplace would see two instances for one purchase"
        )))
    }
}

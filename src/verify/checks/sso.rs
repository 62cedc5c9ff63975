//! 免登 (contract §2.1): the buyer's browser opens `appInfo.authUrl` with `action=verify`, the
//! instance id, a `timeStamp` and the token. A fresh link must land without an error status and
//! without leaving the vendor's host (signed in, or at its sign-in or binding page); the same link
//! with a stale `timeStamp`, or a bad token, must end in an error status or somewhere other than
//! where the good link, fetched the same second, lands. Redirects are followed hop by hop with the
//! cookies they set, as a browser would.

use super::{CheckFuture, Created, Ctx, Finding, Row, Stop, Trail};
use crate::verify::wire::{self, Chain};
use std::time::Duration;

pub const CHECKS: &[Row] = &[
    Row(
        "sso.fresh",
        "a fresh 免登 link lands on the vendor's host without an error",
        fresh,
    ),
    Row(
        "sso.stale",
        "a 免登 link with a stale timeStamp is refused",
        stale,
    ),
    Row(
        "sso.bad-token",
        "a 免登 link with a bad token is refused",
        bad_token,
    ),
];

fn fresh<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let (created, auth_url) = opened(ctx, trail).await?;
        let chain = open(
            ctx,
            trail,
            "the fresh 免登 link",
            &link(&created, &auth_url, 0, &ctx.config.spi_key),
        )
        .await;
        landed(&chain).map_err(|why| Finding::Failed(format!("a fresh 免登 link {why}")))
    })
}

fn stale<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let age = ctx.config.stale_by;
        refused_beside_good(ctx, trail, age, &ctx.config.spi_key, "a timeStamp that old").await
    })
}

fn bad_token<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let other = format!("{}-not-the-key", ctx.config.spi_key);
        refused_beside_good(ctx, trail, Duration::ZERO, &other, "a bad token").await
    })
}

/// A ready instance and its authUrl (a check of 免登 cannot run without one).
async fn opened(ctx: &Ctx, trail: &mut Trail) -> Result<(Created, String), Stop> {
    let created = ctx.create(trail, &ctx.order()?).await?;
    match created.auth_url.clone() {
        Some(url) => Ok((created, url)),
        None => Err(Finding::Failed(
            "createInstance gave no appInfo.authUrl to open".into(),
        )),
    }
}

/// The good link and the bad one, followed one after the other; the bad one must be refused.
async fn refused_beside_good(
    ctx: &Ctx,
    trail: &mut Trail,
    age: Duration,
    key: &str,
    what: &str,
) -> Result<(), Stop> {
    let (created, auth_url) = opened(ctx, trail).await?;
    let good = open(
        ctx,
        trail,
        "the fresh 免登 link",
        &link(&created, &auth_url, 0, &ctx.config.spi_key),
    )
    .await;
    if let Err(why) = landed(&good) {
        return Err(Finding::NotRun(format!(
            "the fresh link itself {why}, so there is nothing to compare with"
        )));
    }
    let seconds = age.as_secs() as i64;
    let bad = open(
        ctx,
        trail,
        &format!("the 免登 link with {what}"),
        &link(&created, &auth_url, seconds, key),
    )
    .await;
    if let Some(why) = bad.stopped.as_ref().filter(|why| why.contains("time budget")) {
        return Err(Finding::Failed(format!("the link with {what}: {why}")));
    }
    let last = bad.last();
    if let Some(why) = last.and_then(|e| e.failure.as_ref()) {
        return Err(Finding::Failed(format!(
            "the link with {what} got no answer: {why}"
        )));
    }
    if last.is_none_or(|e| e.status.is_none_or(|s| s >= 400)) {
        return Ok(());
    }
    if path_of(bad.landing()) != path_of(good.landing()) || bad.stopped.is_some() {
        return Ok(());
    }
    Err(Finding::Failed(format!(
        "a 免登 link with {what} was taken: it landed at {} like the fresh link (status {})",
        bad.landing().unwrap_or_default(),
        last.and_then(|e| e.status).unwrap_or_default()
    )))
}

/// The 免登 link for `created`, stamped `age_seconds` ago, signed with `key`.
fn link(created: &Created, auth_url: &str, age_seconds: i64, key: &str) -> String {
    let stamp = protocol::clock::wall_now() - chrono::TimeDelta::seconds(age_seconds);
    let params = super::pairs(&[
        ("action", "verify"),
        ("instanceId", &created.instance_id),
        ("timeStamp", &protocol::time::spi_format(stamp)),
    ]);
    protocol::spi::append_query(auth_url, &protocol::spi::signed_query(&params, key))
}

async fn open(ctx: &Ctx, trail: &mut Trail, purpose: &str, url: &str) -> Chain {
    let chain = wire::follow(&ctx.client, url, ctx.config.budget).await;
    for (i, hop) in chain.hops.iter().enumerate() {
        let purpose = if i == 0 {
            purpose.to_owned()
        } else {
            format!("{purpose}, redirect {i}")
        };
        trail.call(&purpose, hop.clone());
    }
    if let Some(why) = &chain.stopped {
        trail.note(format!("{purpose}: {why}"));
    }
    chain
}

/// Whether a chain landed: no error, no leaving the host, no loop.
fn landed(chain: &Chain) -> Result<(), String> {
    if let Some(why) = &chain.stopped {
        return Err(why.clone());
    }
    let Some(last) = chain.last() else {
        return Err("was never fetched".into());
    };
    if let Some(why) = &last.failure {
        return Err(why.clone());
    }
    match last.status {
        Some(status) if status < 400 => Ok(()),
        Some(status) => Err(format!("ended in status {status} at {}", last.url)),
        None => Err("got no answer".into()),
    }
}

/// A landing's URL without its query (a sign-in page's one-time parameters differ every time).
fn path_of(url: Option<&str>) -> Option<String> {
    let url = url::Url::parse(url?).ok()?;
    Some(format!("{}{}", url.host_str().unwrap_or_default(), url.path()))
}

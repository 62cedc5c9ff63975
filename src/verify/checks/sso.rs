//! 免登 (contract §2.1): the buyer's browser opens `appInfo.authUrl` with `action=verify`, the
//! instance id, a `timeStamp` and the token (over authUrl's own query parameters too: the vendor
//! receives them). Redirects are followed hop by hop with the cookies they set, as a browser
//! would, staying on the vendor's host (or stopping at a sign-in host the config names).
//!
//! Where a link lands is its [`Place`]: the final status class, the host and path (`;jsessionid=…`
//! dropped), the names of the query parameters (not their one-time values), the names of the
//! cookies the chain set. A fresh link must land without an error status — and somewhere else than
//! a badly signed link lands, or the vendor treats both alike. A stale or badly signed link must
//! end in an error status or land somewhere else than the fresh link; when two fresh links land in
//! different places, only an error status can tell, and the check says so.

use super::{Created, Ctx, Finding, Row, Stop, Trail};
use crate::verify::checks::CheckFuture;
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
        let good = open(
            ctx,
            trail,
            "the fresh 免登 link",
            &link(&created, &auth_url, 0, &ctx.config.spi_key),
        )
        .await;
        landed(&good).map_err(|why| Finding::Failed(format!("the fresh 免登 link {why}")))?;
        let other = other_key(ctx);
        let bad = open(
            ctx,
            trail,
            "the same link with a bad token",
            &link(&created, &auth_url, 0, &other),
        )
        .await;
        if !is_error(&bad) && Place::of(&bad) == Place::of(&good) {
            return Err(Finding::Failed(format!(
                "the fresh 免登 link lands where a badly signed one does ({}): the vendor treats them alike — \
                 it refuses both (a page that says the link is invalid?) or takes both (then sso.bad-token fails too)",
                Place::of(&good)
            )));
        }
        Ok(())
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
        let other = other_key(ctx);
        refused_beside_good(ctx, trail, Duration::ZERO, &other, "a bad token").await
    })
}

fn other_key(ctx: &Ctx) -> String {
    format!("{}-not-the-key", ctx.config.spi_key)
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

/// The good link twice and the bad one between them; the bad one must be refused.
async fn refused_beside_good(
    ctx: &Ctx,
    trail: &mut Trail,
    age: Duration,
    key: &str,
    what: &str,
) -> Result<(), Stop> {
    let (created, auth_url) = opened(ctx, trail).await?;
    let good_link = link(&created, &auth_url, 0, &ctx.config.spi_key);
    let good = open(ctx, trail, "the fresh 免登 link", &good_link).await;
    if let Err(why) = landed(&good) {
        return Err(Finding::NotRun(format!(
            "the fresh link itself {why}, so there is nothing to compare with (see sso.fresh)"
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
    if let Some(why) = no_answer(&bad) {
        return Err(Finding::Failed(format!(
            "the link with {what} got no answer: {why}"
        )));
    }
    if is_error(&bad) {
        return Ok(());
    }
    let again = open(ctx, trail, "the fresh 免登 link again", &good_link).await;
    if Place::of(&again) != Place::of(&good) {
        return Err(Finding::NotRun(format!(
            "two fresh links landed in different places ({} and {}), and the link with {what} got no error \
             status: where it landed cannot tell whether it was refused",
            Place::of(&good),
            Place::of(&again)
        )));
    }
    if Place::of(&bad) != Place::of(&good) {
        return Ok(());
    }
    Err(Finding::Failed(format!(
        "a 免登 link with {what} was taken: it landed where the fresh link does ({})",
        Place::of(&good)
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
    protocol::spi::verify_link(auth_url, &params, key)
}

async fn open(ctx: &Ctx, trail: &mut Trail, purpose: &str, url: &str) -> Chain {
    let chain = wire::follow(&ctx.client, url, ctx.config.budget, &ctx.config.sso_hosts).await;
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
    trail.note(format!("{purpose} landed at {}", Place::of(&chain)));
    chain
}

/// Why a chain did not land (an error, leaving the host, a loop), or Ok.
fn landed(chain: &Chain) -> Result<(), String> {
    if let Some(why) = &chain.stopped {
        return Err(format!("was not followed to its end: {why}"));
    }
    if let Some(why) = no_answer(chain) {
        return Err(format!("got no answer: {why}"));
    }
    match chain.last().and_then(|e| e.status) {
        Some(status) if status < 400 => Ok(()),
        Some(status) => Err(format!(
            "ended in status {status} at {}",
            chain.landing.as_deref().unwrap_or_default()
        )),
        None => Err("got no answer".into()),
    }
}

/// Why the last request got no answer, if it got none.
fn no_answer(chain: &Chain) -> Option<String> {
    match chain.last() {
        None => Some("it was never fetched".into()),
        Some(e) => e.failure.clone(),
    }
}

/// Whether the chain ended in an error status (a refusal).
fn is_error(chain: &Chain) -> bool {
    chain.last().and_then(|e| e.status).is_some_and(|s| s >= 400)
}

/// Where a chain landed, as far as telling a taken link from a refused one goes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    status_class: u16,
    host_and_path: String,
    query_names: Vec<String>,
    cookies: Vec<String>,
    stopped: bool,
}

impl Place {
    fn of(chain: &Chain) -> Place {
        let url = chain.landing.as_deref().and_then(|u| url::Url::parse(u).ok());
        let host_and_path = url.as_ref().map_or_else(String::new, |u| {
            // `;jsessionid=…` and other path parameters differ on every visit.
            let path: Vec<&str> = u
                .path()
                .split('/')
                .map(|s| s.split(';').next().unwrap_or(s))
                .collect();
            format!("{}{}", u.host_str().unwrap_or_default(), path.join("/"))
        });
        let mut query_names: Vec<String> = url
            .as_ref()
            .map(|u| u.query_pairs().map(|(k, _)| k.into_owned()).collect())
            .unwrap_or_default();
        query_names.sort();
        query_names.dedup();
        Place {
            status_class: chain.last().and_then(|e| e.status).unwrap_or_default() / 100,
            host_and_path,
            query_names,
            cookies: chain.cookie_names(),
            stopped: chain.stopped.is_some(),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}xx at {}", self.status_class, self.host_and_path)?;
        if !self.query_names.is_empty() {
            write!(f, "?{}", self.query_names.join("&"))?;
        }
        if !self.cookies.is_empty() {
            write!(f, ", setting cookies {}", self.cookies.join(", "))?;
        }
        Ok(())
    }
}

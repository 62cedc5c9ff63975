//! The SPI token (contract §1.2): a call signed with the vendor's key is taken; one signed with
//! another key, with no token, or changed after signing is refused; a parameter the vendor has
//! never seen is covered by the token like any other — taken when signed, refused when added
//! after signing.

use super::{answered, pairs, refused, CheckFuture, Ctx, Finding, Row, Stop, Trail};

pub const CHECKS: &[Row] = &[
    Row(
        "token.accepted",
        "a createInstance signed with the SPI key is taken",
        accepted,
    ),
    Row(
        "token.wrong-key",
        "a token made with another key is refused",
        wrong_key,
    ),
    Row("token.missing", "a call without a token is refused", missing),
    Row(
        "token.tampered",
        "a parameter changed after signing is refused",
        tampered,
    ),
    Row(
        "token.unknown-param",
        "a parameter the vendor never saw is covered by the token",
        unknown_param,
    ),
];

fn accepted<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let order = ctx.order()?;
        ctx.create(trail, &order).await.map(|_| ())
    })
}

fn wrong_key<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let params = ctx.order()?.create_params;
        let other = format!("{}-not-the-key", ctx.config.spi_key);
        let url = ctx.spi_url(&protocol::spi::signed_query(&params, &other));
        let exchange = ctx
            .send(trail, "createInstance signed with another key", &url)
            .await;
        expect_refused(&exchange, "a token made with another key")
    })
}

fn missing<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let params = ctx.order()?.create_params;
        let url = ctx.spi_url(&query(&params));
        let exchange = ctx.send(trail, "createInstance without a token", &url).await;
        expect_refused(&exchange, "no token")
    })
}

fn tampered<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let mut params = ctx.order()?.create_params;
        let token = protocol::spi::token(&params, &ctx.config.spi_key);
        for (name, value) in &mut params {
            if name == "aliUid" {
                value.push('9');
            }
        }
        params.extend(pairs(&[("token", &token)]));
        let url = ctx.spi_url(&query(&params));
        let exchange = ctx
            .send(trail, "createInstance with aliUid changed after signing", &url)
            .await;
        expect_refused(&exchange, "an aliUid changed after signing")
    })
}

fn unknown_param<'a>(ctx: &'a Ctx, trail: &'a mut Trail) -> CheckFuture<'a> {
    Box::pin(async move {
        let extra = ("marketsimNewParam".to_owned(), "covered".to_owned());
        let mut signed = ctx.order()?.create_params;
        signed.push(extra.clone());
        let exchange = ctx
            .spi(trail, "createInstance with a new parameter, signed", &signed)
            .await;
        if refused(&exchange) {
            return Err(Finding::Failed(format!(
                "a call with a parameter the vendor does not know, covered by the token, was refused \
                 (the token must be computed over every parameter received): {}",
                exchange.summary()
            )));
        }
        let mut params = ctx.order()?.create_params;
        let token = protocol::spi::token(&params, &ctx.config.spi_key);
        params.push(extra);
        params.extend(pairs(&[("token", &token)]));
        let url = ctx.spi_url(&query(&params));
        let exchange = ctx
            .send(
                trail,
                "createInstance with a new parameter added after signing",
                &url,
            )
            .await;
        expect_refused(&exchange, "a parameter added after signing")
    })
}

/// `params` as a query string, as they are (no token added).
fn query(params: &[(String, String)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        query.append_pair(name, value);
    }
    query.finish()
}

fn expect_refused(exchange: &super::Exchange, what: &str) -> Result<(), Stop> {
    answered(exchange)?;
    if refused(exchange) {
        Ok(())
    } else {
        Err(Finding::Failed(format!(
            "a call with {what} was taken (the vendor must recompute the token and refuse it): {}",
            exchange.summary()
        )))
    }
}

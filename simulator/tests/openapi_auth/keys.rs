//! STS credentials over V3 and V1 (their token, a wrong one, none), and which caller each key names.

use super::*;

#[tokio::test]
async fn sts_credentials_pass_with_their_token_over_v3_and_v1() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    for owner in ["zilliz", "buyer-1"] {
        let creds = sts_of(owner);
        let signed = probe().sign(&creds);
        assert!(signed.header("x-acs-security-token").is_some());
        let answer = send_v3(&app, &signed).await;
        assert!(passed_auth(&answer), "{owner}: {}", answer.body);
        let params = v1_probe().sign(&creds);
        let answer = send_v1_query(&app, "POST", &params).await;
        assert!(passed_auth(&answer), "{owner}: {}", answer.body);
    }
}

#[tokio::test]
async fn a_wrong_sts_token_is_invalid_security_token_mismatch() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut creds = sts_of("zilliz");
    creds.security_token = Some("CAIS-forged".into());
    let answer = send_v3(&app, &probe().sign(&creds)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "InvalidSecurityToken.Mismatch");
    let answer = send_v1_query(&app, "POST", &v1_probe().sign(&creds)).await;
    assert_eq!(answer.code(), "InvalidSecurityToken.Mismatch");

    // A token sent with a permanent key does not belong to it either.
    let mut permanent = vendor();
    permanent.security_token = Some("CAIS-zilliz-vendor-sts-token-0001".into());
    let answer = send_v3(&app, &probe().sign(&permanent)).await;
    assert_eq!(answer.code(), "InvalidSecurityToken.Mismatch");
}

#[tokio::test]
async fn an_sts_key_without_its_token_is_missing_security_token() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut creds = sts_of("buyer-1");
    creds.security_token = None;
    let answer = send_v3(&app, &probe().sign(&creds)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "MissingSecurityToken");
}

fn header_map(headers: &[(impl AsRef<str>, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            axum::http::HeaderName::from_bytes(name.as_ref().as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn caller_of<'w>(sim: &'w Simulator, creds: &Credentials) -> (Caller<'w>, bool) {
    let signed = probe().sign(creds);
    let headers = header_map(&signed.headers);
    let params = Params::from_pairs(protocol::spi::decode_query(&signed.query));
    let query = protocol::openapi::decode_form_bytes(signed.query.as_bytes());
    let auth = authenticate_at(
        sim,
        &NonceCache::default(),
        &SignedRequest {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            body: &signed.body,
            params: &params,
        },
        wall_now(),
    )
    .unwrap();
    (auth.caller, auth.sts)
}

#[test]
fn each_key_names_its_caller_and_sts_keys_act_for_their_owner() {
    let sim = Simulator::for_tests();
    let world = sim.world().clone();
    assert_eq!(
        caller_of(&sim, &vendor()),
        (Caller::Vendor(&world.vendors[0]), false)
    );
    assert_eq!(
        caller_of(&sim, &buyer_one()),
        (Caller::Buyer(world.buyer("buyer-1").unwrap()), false)
    );
    let b2 = world.buyer("buyer-2").unwrap();
    assert_eq!(
        caller_of(&sim, &Credentials::new(&b2.access_key_id, &b2.access_key_secret)),
        (Caller::Buyer(b2), false)
    );
    assert_eq!(
        caller_of(&sim, &sts_of("zilliz")),
        (Caller::Vendor(&world.vendors[0]), true)
    );
    assert_eq!(
        caller_of(&sim, &sts_of("buyer-1")),
        (Caller::Buyer(world.buyer("buyer-1").unwrap()), true)
    );
}

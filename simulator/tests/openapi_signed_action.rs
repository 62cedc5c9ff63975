//! The operation that runs is the one that was signed. V3 must sign `host` and every `x-acs-*`
//! header it sends, and runs its signed `x-acs-action`; V1 runs its signed `Action` parameter. A
//! request whose action header and action parameter disagree is refused. Each refusal here is of a
//! request that tries to pause a project, and each test checks that the project was not paused,
//! that nothing was logged, and, for a copy changed in flight, that the genuine request still runs.

mod common;

use common::openapi::*;
use protocol::openapi::{form_encode, v1, v3, Credentials};

const PROJECT: &str = "30062001";
/// The project's current node: what PauseProject names.
const NODE: &str = "102";

fn project(sim: &Simulator) -> Value {
    ok(
        sim,
        &vendor(sim),
        "DescribeProjectInfo",
        &[("InstanceId", PROJECT)],
    )["Result"]
        .clone()
}

fn log_count(sim: &Simulator) -> usize {
    ok(
        sim,
        &vendor(sim),
        "DescribeProjectOperateLogs",
        &[("InstanceId", PROJECT)],
    )["Result"]
        .as_array()
        .map_or(0, Vec::len)
}

/// Asserts the project still runs as the fixture has it and nothing was logged since `logs`.
fn assert_untouched(sim: &Simulator, logs: usize) {
    assert_eq!(project(sim)["ProjectStatus"], "Starting");
    assert_eq!(log_count(sim), logs, "a refused request logged an operation");
}

fn code(answer: &http::Answer) -> (u16, String) {
    (answer.status.as_u16(), answer.code())
}

fn message(answer: &http::Answer) -> String {
    answer.message()
}

fn pause() -> v3::Request {
    v3::Request::new("POST", http::HOST, "PauseProject")
        .query("InstanceId", PROJECT)
        .query("NodeId", NODE)
}

/// `signed`, signed again by `credentials` over all its headers but `left_out`: a genuine signature
/// whose `SignedHeaders` leave those headers free to change in flight.
fn signed_without(signed: &v3::Signed, left_out: &[&str], credentials: &Credentials) -> v3::Signed {
    let mut headers = signed.headers.clone();
    headers.retain(|(name, _)| name != "authorization");
    let names: Vec<&str> = headers
        .iter()
        .map(|(name, _)| name.as_ref())
        .filter(|name| !left_out.contains(name))
        .collect();
    let list = names.join(";");
    let signed_headers = v3::SignedHeaders::parse(&list);
    let to_sign = v3::string_to_sign(
        &v3::Incoming {
            method: &signed.method,
            path: "/",
            query: &protocol::openapi::borrowed_pairs(&protocol::openapi::decode_form_bytes(
                signed.query.as_bytes(),
            )),
            headers: &headers,
            body: &signed.body,
        },
        &signed_headers,
    );
    let signature = v3::signature(&credentials.access_key_secret, &to_sign);
    let authorization = v3::authorization_header(&credentials.access_key_id, &signed_headers, &signature);
    headers.push(("authorization".into(), authorization));
    v3::Signed {
        headers,
        ..signed.clone()
    }
}

/// `signed` with header `name` set to `value`.
fn with_header(signed: &v3::Signed, name: &str, value: &str) -> v3::Signed {
    let mut changed = signed.clone();
    for (n, v) in &mut changed.headers {
        if n == name {
            *v = value.to_owned();
        }
    }
    changed
}

#[tokio::test]
async fn a_v1_request_with_an_added_x_acs_action_header_runs_nothing_and_keeps_its_nonce() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let params = v1::Request::new("POST", "DescribeProjectInfo")
        .param("InstanceId", PROJECT)
        .param("NodeId", NODE)
        .sign(&http::vendor(&sim));
    let swapped = http::send_v1(&app, "POST", &params, &[("x-acs-action", "PauseProject")]).await;
    assert_eq!(
        code(&swapped),
        (400, "InvalidAction.Mismatch".into()),
        "{}",
        swapped.body
    );
    assert!(
        message(&swapped).contains("PauseProject"),
        "{}",
        message(&swapped)
    );
    assert_untouched(&sim, logs);

    // The genuine request, on its way behind the changed copy, is not a used nonce.
    let genuine = http::send_v1(&app, "POST", &params, &[]).await;
    assert_eq!(genuine.status, 200, "{}", genuine.body);
    assert_eq!(genuine.json()["Result"]["ProjectStatus"], "Starting");
    assert_untouched(&sim, logs);
}

#[tokio::test]
async fn a_v1_request_whose_x_acs_action_header_repeats_its_action_runs_as_the_sdk_sends_it() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let params = v1::Request::new("POST", "PauseProject")
        .param("InstanceId", PROJECT)
        .param("NodeId", NODE)
        .sign(&http::vendor(&sim));
    let headers = [("x-acs-action", "PauseProject"), ("x-acs-version", "2015-11-01")];
    let answer = http::send_v1(&app, "POST", &params, &headers).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(project(&sim)["ProjectStatus"], "Pause");
}

#[tokio::test]
async fn a_v1_request_without_an_action_parameter_is_missing_action_whatever_its_header_says() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let mut request = v1::Request::new("POST", "PauseProject")
        .param("InstanceId", PROJECT)
        .param("NodeId", NODE);
    request.params.retain(|(name, _)| name != "Action");
    let params = request.sign(&http::vendor(&sim));
    let answer = http::send_v1(&app, "POST", &params, &[("x-acs-action", "PauseProject")]).await;
    assert_eq!(code(&answer), (400, "MissingAction".into()), "{}", answer.body);
    assert_untouched(&sim, logs);
}

#[tokio::test]
async fn a_v3_request_that_leaves_x_acs_action_unsigned_is_refused_before_it_can_be_swapped() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let creds = http::vendor(&sim);
    let describe = v3::Request::new("POST", http::HOST, "DescribeProjectInfo")
        .query("InstanceId", PROJECT)
        .query("NodeId", NODE)
        .sign(&creds);
    let unsigned = signed_without(&describe, &["x-acs-action"], &creds);
    let swapped = with_header(&unsigned, "x-acs-action", "PauseProject");
    for request in [&unsigned, &swapped] {
        let answer = http::send_v3(&app, request).await;
        assert_eq!(
            code(&answer),
            (400, "IncompleteSignature".into()),
            "{}",
            answer.body
        );
        assert!(message(&answer).contains("x-acs-action"), "{}", message(&answer));
    }
    assert_untouched(&sim, logs);
}

#[tokio::test]
async fn a_v3_request_that_leaves_host_unsigned_is_incomplete_signature() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let creds = http::vendor(&sim);
    let unsigned = signed_without(&pause().sign(&creds), &["host"], &creds);
    let elsewhere = with_header(&unsigned, "host", "market.aliyuncs.com");
    for request in [&unsigned, &elsewhere] {
        let answer = http::send_v3(&app, request).await;
        assert_eq!(
            code(&answer),
            (400, "IncompleteSignature".into()),
            "{}",
            answer.body
        );
        assert!(
            message(&answer).contains("the host header"),
            "{}",
            message(&answer)
        );
    }
    assert_untouched(&sim, logs);
}

#[tokio::test]
async fn every_x_acs_header_a_v3_request_sends_must_be_signed() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let vendor_keys = http::vendor(&sim);
    let sts = http::sts_of(&sim, "zilliz");
    let cases = [
        (&vendor_keys, "x-acs-version"),
        (&vendor_keys, "x-acs-content-sha256"),
        (&vendor_keys, "x-acs-extra"),
        (&sts, "x-acs-accesskey-id"),
    ];
    for (creds, name) in cases {
        let signed = pause().header("x-acs-extra", "v").sign(creds);
        let answer = http::send_v3(&app, &signed_without(&signed, &[name], creds)).await;
        assert_eq!(
            code(&answer),
            (400, "IncompleteSignature".into()),
            "{name}: {}",
            answer.body
        );
        assert!(message(&answer).contains(name), "{}", message(&answer));
    }
    assert_untouched(&sim, logs);
}

#[tokio::test]
async fn a_v3_request_whose_action_parameter_disagrees_with_its_signed_header_is_refused() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let creds = http::vendor(&sim);
    let in_query = pause().query("Action", "DescribeProjectInfo");
    let in_body = pause().form("Action", "DescribeProjectInfo");
    let reversed = v3::Request::new("POST", http::HOST, "DescribeProjectInfo")
        .query("InstanceId", PROJECT)
        .query("NodeId", NODE)
        .query("Action", "PauseProject");
    for request in [in_query, in_body, reversed] {
        let answer = http::v3(&app, request, &creds).await;
        assert_eq!(
            code(&answer),
            (400, "InvalidAction.Mismatch".into()),
            "{}",
            answer.body
        );
    }
    assert_untouched(&sim, logs);

    // The same name in both is no disagreement.
    let agreeing = pause().query("Action", "PauseProject");
    let answer = http::v3(&app, agreeing, &creds).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(project(&sim)["ProjectStatus"], "Pause");
}

#[tokio::test]
async fn a_signed_request_that_names_no_action_is_missing_action_and_not_a_page() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let creds = http::vendor(&sim);
    for method in ["GET", "POST"] {
        let signed = v3::Request::new(method, http::HOST, "PauseProject")
            .query("InstanceId", PROJECT)
            .query("NodeId", NODE)
            .sign(&creds);
        let mut nameless = signed_without(&signed, &["x-acs-action"], &creds);
        nameless.headers.retain(|(name, _)| name != "x-acs-action");
        let answer = http::send_v3(&app, &nameless).await;
        assert_eq!(
            code(&answer),
            (400, "MissingAction".into()),
            "V3 {method}: {}",
            answer.body
        );

        let mut request = v1::Request::new(method, "PauseProject")
            .param("InstanceId", PROJECT)
            .param("NodeId", NODE);
        request.params.retain(|(name, _)| name != "Action");
        let answer = http::send_v1(&app, method, &request.sign(&creds), &[]).await;
        assert_eq!(
            code(&answer),
            (400, "MissingAction".into()),
            "V1 {method}: {}",
            answer.body
        );
    }
    assert_untouched(&sim, logs);
}

#[tokio::test]
async fn a_signed_request_that_a_web_page_sent_runs_nothing_and_keeps_its_nonce() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let params = v1::Request::new("POST", "PauseProject")
        .param("InstanceId", PROJECT)
        .param("NodeId", NODE)
        .sign(&http::vendor(&sim));
    for page in [
        [
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        [("origin", "null"), ("x-page", "sandboxed")],
        [("sec-fetch-site", "same-site"), ("sec-fetch-dest", "image")],
    ] {
        let sent = http::send_v1(&app, "POST", &params, &page).await;
        assert_eq!(
            code(&sent),
            (403, "Forbidden.CrossSiteRequest".into()),
            "{page:?}: {}",
            sent.body
        );
        assert_untouched(&sim, logs);
    }
    let v3_from_a_page = {
        let mut signed = pause().sign(&http::vendor(&sim));
        signed
            .headers
            .push(("origin".into(), "http://evil.example".into()));
        http::send_v3(&app, &signed).await
    };
    assert_eq!(code(&v3_from_a_page), (403, "Forbidden.CrossSiteRequest".into()));
    assert_untouched(&sim, logs);

    // The same signed request from an SDK (no Origin, no Sec-Fetch-Site) runs.
    let genuine = http::send_v1(&app, "POST", &params, &[]).await;
    assert_eq!(genuine.status, 200, "{}", genuine.body);
}

#[tokio::test]
async fn an_action_given_in_both_query_and_body_is_refused_and_runs_nothing() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let logs = log_count(&sim);
    let form = v1::Request::new("POST", "DescribeProjectInfo")
        .param("InstanceId", PROJECT)
        .param("NodeId", NODE)
        .sign(&http::vendor(&sim));
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/?Action=PauseProject")
        .header("host", http::HOST)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(form_encode(&form)))
        .unwrap();
    let sent = http::send(&app, request).await;
    assert_eq!(code(&sent), (400, "InvalidParameter".into()), "{}", sent.body);
    assert!(message(&sent).contains("Action"), "{}", message(&sent));
    assert_untouched(&sim, logs);
}

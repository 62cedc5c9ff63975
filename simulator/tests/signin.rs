//! 登录 and 退出登录 against a hostile web: the return path after sign-in never leaves the site,
//! whatever a crafted link or form puts in it, and neither form works without the CSRF token the
//! browser was given.

mod common;

use axum::http::StatusCode;
use common::{simulator, world_with_vendor, Client, Page};
use marketsim_simulator::Simulator;
use url::Url;

/// Where the marketplace is served; every Location is resolved against a page of it, as a browser
/// does.
const SIGN_IN_PAGE: &str = "http://127.0.0.1:8080/signin";
const DEFAULT_PAGE: &str = "/console/services";

/// Return paths a crafted link or form might carry, as the server reads them (decoded).
const HOSTILE: &[&str] = &[
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\r\n/evil.example/",
    "/\n/evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "\\\\evil.example/",
    "/.//evil.example/",
    "/..//evil.example/",
    "/./\\evil.example/",
    " //evil.example/",
    "\u{1}//evil.example/",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "http://evil.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "http:evil.example",
    "https:evil.example",
    "http:/\\evil.example",
    "\u{FFFD}//evil.example/",
    "",
];

fn sim() -> Simulator {
    simulator(world_with_vendor("http://127.0.0.1:9/"))
}

/// Whether `location`, followed from the sign-in page, stays on the marketplace.
fn stays_on_site(location: &str) -> bool {
    let page = Url::parse(SIGN_IN_PAGE).unwrap();
    page.join(location).is_ok_and(|to| to.origin() == page.origin())
}

/// The return path the form at `/signin?return=<raw>` carries.
async fn return_in_form(raw: &str) -> String {
    let mut client = Client::new(&sim());
    let encoded: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
    let form = client.browser.get(&format!("/signin?return={encoded}")).await;
    assert_eq!(form.status, StatusCode::OK, "{raw:?}");
    form.find_field("return").expect("the form carries a return path")
}

/// Where signing in with the return path `raw` sends the browser (None: a redirect to nowhere).
async fn location_after_sign_in(raw: &str) -> Option<String> {
    let mut client = Client::new(&sim());
    let back = client.sign_in("buyer-1", "buyer-1-pass", raw).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{raw:?}: {}", back.body);
    back.location
}

#[tokio::test]
async fn no_hostile_return_path_in_a_sign_in_link_reaches_the_form_as_another_site() {
    let long = format!("/{}", "a".repeat(10_000));
    let mut escaped = Vec::new();
    for raw in HOSTILE.iter().copied().chain([long.as_str()]) {
        let kept = return_in_form(raw).await;
        if !stays_on_site(&kept) {
            escaped.push((raw, kept));
        }
    }
    assert!(escaped.is_empty(), "left the site: {escaped:?}");
}

#[tokio::test]
async fn no_hostile_return_path_sends_the_browser_to_another_site_after_sign_in() {
    let long = format!("/{}", "a".repeat(10_000));
    let mut escaped = Vec::new();
    for raw in HOSTILE.iter().copied().chain([long.as_str()]) {
        let location = location_after_sign_in(raw).await;
        if !location.as_deref().is_some_and(stays_on_site) {
            escaped.push((raw, location));
        }
    }
    assert!(escaped.is_empty(), "left the site: {escaped:?}");
}

#[tokio::test]
async fn tabs_empty_and_overlong_return_paths_lead_to_the_default_page() {
    let long = format!("/{}", "a".repeat(10_000));
    for raw in ["/\t/evil.example/", "/\r\n/evil.example/", "", long.as_str()] {
        assert_eq!(return_in_form(raw).await, DEFAULT_PAGE, "{raw:?}");
        assert_eq!(
            location_after_sign_in(raw).await.as_deref(),
            Some(DEFAULT_PAGE),
            "{raw:?}"
        );
    }
}

#[tokio::test]
async fn local_return_paths_survive_sign_in_as_they_were() {
    for raw in [
        "/console/services/i-1?x=1",
        "/products/cmgj00061912/open",
        "/console/bills?month=2023-08",
        "/%2F%2Fevil.example",
    ] {
        assert_eq!(return_in_form(raw).await, raw);
        assert_eq!(location_after_sign_in(raw).await.as_deref(), Some(raw));
    }
}

#[tokio::test]
async fn a_return_path_with_bytes_that_are_not_utf8_stays_on_site() {
    let mut client = Client::new(&sim());
    let form = client
        .browser
        .get("/signin?return=%FF%2F%2Fevil.example%2F")
        .await;
    assert!(stays_on_site(&form.find_field("return").unwrap()));
    let csrf = form.find_field("csrf").unwrap_or_default();
    let mut body = format!("csrf={csrf}&login=buyer-1&password=buyer-1-pass&return=").into_bytes();
    body.extend_from_slice(b"\xff\xfe//evil.example/");
    let back = client.browser.post_bytes("/signin", body).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert!(stays_on_site(back.location.as_deref().unwrap_or("//missing")));
}

/// Whether `client` is signed in (the list of services answers instead of asking to sign in).
async fn is_signed_in(client: &mut Client) -> bool {
    client.browser.get(DEFAULT_PAGE).await.status == StatusCode::OK
}

fn refused_as_forged(answer: &Page) -> bool {
    answer.status == StatusCode::FORBIDDEN && answer.text().contains("表单已过期或来源不明")
}

#[tokio::test]
async fn the_sign_in_form_carries_a_csrf_token_of_its_own_browser() {
    let sim = sim();
    let (mut one, mut other) = (Client::new(&sim), Client::new(&sim));
    let first = one.browser.get("/signin").await.find_field("csrf");
    let second = other.browser.get("/signin").await.find_field("csrf");
    assert!(first.is_some() && second.is_some(), "the form has a csrf field");
    assert_ne!(first, second);
    assert_eq!(
        one.browser.get("/signin").await.find_field("csrf"),
        first,
        "kept for the browser"
    );
}

#[tokio::test]
async fn a_sign_in_posted_without_the_csrf_token_is_refused_and_signs_nobody_in() {
    let sim = sim();
    let mut client = Client::new(&sim);
    client.browser.get("/signin").await;
    let forged = client
        .browser
        .post(
            "/signin",
            &[
                ("login", "buyer-1"),
                ("password", "buyer-1-pass"),
                ("return", "/"),
            ],
        )
        .await;
    assert!(refused_as_forged(&forged), "{:?}: {}", forged.status, forged.body);
    assert!(!is_signed_in(&mut client).await);
}

#[tokio::test]
async fn a_sign_in_posted_with_another_browsers_csrf_token_is_refused() {
    let sim = sim();
    let mut attacker = Client::new(&sim);
    let token = attacker
        .browser
        .get("/signin")
        .await
        .find_field("csrf")
        .unwrap_or_default();
    let mut victim = Client::new(&sim);
    victim.browser.get("/signin").await;
    let forged = victim
        .browser
        .post(
            "/signin",
            &[
                ("csrf", &token),
                ("login", "buyer-2"),
                ("password", "buyer-2-pass"),
            ],
        )
        .await;
    assert!(refused_as_forged(&forged), "{:?}: {}", forged.status, forged.body);
    assert!(!is_signed_in(&mut victim).await);
    // A browser that never opened the form has no token to match at all.
    let mut cold = Client::new(&sim);
    let forged = cold
        .browser
        .post(
            "/signin",
            &[
                ("csrf", &token),
                ("login", "buyer-2"),
                ("password", "buyer-2-pass"),
            ],
        )
        .await;
    assert!(refused_as_forged(&forged), "{:?}: {}", forged.status, forged.body);
}

#[tokio::test]
async fn signing_in_ends_the_session_the_browser_had() {
    let sim = sim();
    let mut client = Client::signed_in(&sim, "buyer-1").await;
    let first_cookie = client.browser.cookie.clone();
    let again = client.sign_in("buyer-2", "buyer-2-pass", "/").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_ne!(client.browser.cookie, first_cookie, "a new session");
    assert!(is_signed_in(&mut client).await);
    let mut old = Client::new(&sim);
    old.browser.cookie = first_cookie;
    assert!(!is_signed_in(&mut old).await, "the old session is over");
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_of_the_sign_out_form() {
    let sim = sim();
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let forged = buyer.browser.post("/signout", &[]).await;
    assert!(refused_as_forged(&forged), "{:?}: {}", forged.status, forged.body);
    assert!(is_signed_in(&mut buyer).await, "still signed in");
    let page = buyer.browser.get(DEFAULT_PAGE).await;
    // The sign-out form carries the CSRF token (form_field panics without it).
    let csrf = page.form_field("/signout", "csrf");
    let cookie = buyer.browser.cookie.clone();
    let out = buyer.browser.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.location.as_deref(), Some("/products"));
    buyer.browser.cookie = cookie;
    assert!(!is_signed_in(&mut buyer).await, "the session is over");
}

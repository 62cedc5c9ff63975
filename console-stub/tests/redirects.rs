//! Every request input that feeds a redirect — the hand-off id in the query and in the forms of
//! 登录, 注册, 创建组织 and 绑定组织, and the organisation in the path — is fed what a crafted link
//! or form could carry (tabs, line breaks, backslashes, `//`, other schemes, percent-encoded
//! forms), and every `Location` the console answers must stay on the console.

mod common;

use common::*;
use url::Url;

/// A hand-off id's shape (32 hex digits), to which hostile tails are glued.
const SHAPED: &str = "0123456789abcdef0123456789abcdef";

/// What a crafted link or form might carry, as the server reads it (decoded).
fn hostile() -> Vec<String> {
    let mut values: Vec<String> = [
        "/\t/evil.example/",
        "/%09/evil.example/",
        "/\r\n/evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\/evil.example/",
        "/.//evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "http:evil.example",
        "\u{FFFD}//evil.example/",
        "",
    ]
    .map(String::from)
    .to_vec();
    values.extend(
        [
            "//evil.example/",
            "\t",
            "/../..//evil.example",
            "?next=//evil.example",
        ]
        .map(|tail| format!("{SHAPED}{tail}")),
    );
    values.push(format!("//{SHAPED}"));
    values.push("a".repeat(10_000));
    values
}

fn query(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Where `location`, followed from a console page, leads, unless that is the console.
fn off_site(location: &str) -> Option<String> {
    let page = Url::parse(&format!("{PUBLIC_URL}/login")).unwrap();
    match page.join(location) {
        Ok(to) if to.origin() == page.origin() => None,
        Ok(to) => Some(to.to_string()),
        Err(e) => Some(format!("unparsable {location:?}: {e}")),
    }
}

/// Hostile values that left the site, with the request that carried them.
#[derive(Default)]
struct Escapes(Vec<String>);

impl Escapes {
    fn check(&mut self, request: &str, value: &str, page: &Page) {
        if let Some(to) = page.location.as_deref().and_then(off_site) {
            self.0.push(format!("{request} with {value:?} → {to}"));
        }
        for kept in page.attrs("input[name=\"handoff\"]", "value") {
            if kept.len() != 32 || !kept.bytes().all(|b| b.is_ascii_hexdigit()) {
                self.0
                    .push(format!("{request} with {value:?} kept handoff {kept:?}"));
            }
        }
    }

    fn assert_none(&self) {
        assert!(self.0.is_empty(), "left the site:\n{}", self.0.join("\n"));
    }
}

#[tokio::test]
async fn hostile_handoffs_in_a_signed_out_visitors_links_and_forms_keep_every_location_on_site() {
    let c = console();
    let mut escapes = Escapes::default();
    for (i, value) in hostile().iter().enumerate() {
        for path in ["/login", "/register", "/bind", "/bind/success", "/orgs/new"] {
            let uri = format!("{path}?handoff={}", query(value));
            let page = c.browser().get(&uri).await;
            escapes.check(&format!("GET {path}"), value, &page);
        }
        let mut visitor = c.browser();
        let login = visitor.get("/login").await;
        let csrf = login.field("csrf");
        let fields = [
            ("csrf", csrf.as_str()),
            ("email", ADMIN.0),
            ("password", ADMIN.1),
            ("handoff", value),
        ];
        let signed_in = visitor.post("/login", &fields).await;
        escapes.check("POST /login", value, &signed_in);
        assert_eq!(
            signed_in.location.as_deref(),
            Some("/"),
            "{value:?}: the hand-off is dropped"
        );

        let mut newcomer = c.browser();
        let register = newcomer.get("/register").await;
        let csrf = register.field("csrf");
        let email = format!("newcomer-{i}@example.com");
        let fields = [
            ("csrf", csrf.as_str()),
            ("email", &email),
            ("password", "correct horse 9"),
            ("org", "Newcomer Labs"),
            ("handoff", value),
        ];
        let registered = newcomer.post("/register", &fields).await;
        escapes.check("POST /register", value, &registered);
        let to = registered.location.unwrap_or_default();
        assert!(
            to.starts_with("/orgs/org-") && to.ends_with("/projects"),
            "{value:?}: {to}"
        );
    }
    escapes.assert_none();
}

#[tokio::test]
async fn hostile_handoffs_and_organisations_from_a_signed_in_user_keep_every_location_on_site() {
    let c = console();
    let mut admin = c.browser();
    sign_in(&mut admin, ADMIN).await;
    let csrf = admin.get("/orgs/new").await.field("csrf");
    let mut escapes = Escapes::default();
    for value in hostile() {
        for path in ["/login", "/register", "/bind", "/bind/success", "/orgs/new"] {
            let uri = format!("{path}?handoff={}", query(&value));
            let page = admin.get(&uri).await;
            escapes.check(&format!("GET {path}"), &value, &page);
            if path == "/login" {
                assert_eq!(
                    page.location.as_deref(),
                    Some("/"),
                    "{value:?}: straight on, no hand-off"
                );
            }
        }
        for action in ["/bind", "/orgs"] {
            let fields = [
                ("csrf", csrf.as_str()),
                ("handoff", value.as_str()),
                ("org", ZILLIZ),
                ("name", "Another org"),
            ];
            let page = admin.post(action, &fields).await;
            escapes.check(&format!("POST {action}"), &value, &page);
        }
        for tail in ["", "/projects", "/billing"] {
            let uri = format!("/orgs/{}{tail}", query(&value));
            let page = admin.get(&uri).await;
            escapes.check(&format!("GET /orgs/…{tail}"), &value, &page);
        }
    }
    escapes.assert_none();
}

#[tokio::test]
async fn a_real_handoff_with_a_hostile_tail_is_not_a_handoff() {
    let c = console();
    let instance = c.create_instance("38492017").await;
    let mut browser = c.browser();
    let login = browser.open(&c.verify_link(&instance)).await;
    let handoff = login.field("handoff");
    let mut escapes = Escapes::default();
    for tail in ["//evil.example/", "\t", "%2F%2Fevil.example", "\\evil.example"] {
        let value = format!("{handoff}{tail}");
        let page = c.browser().get(&format!("/bind?handoff={}", query(&value))).await;
        escapes.check("GET /bind", &value, &page);
        assert_eq!(page.location.as_deref(), Some("/login"), "{value:?}");
    }
    escapes.assert_none();
}

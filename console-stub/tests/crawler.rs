//! Walks every page of the default world — as a visitor, as the admin before and after binding,
//! and as the member — following every link, and finds no dead one. Links into the marketplace
//! are outside the console: they must be well-formed URLs under the marketplace's base URL.

mod common;

use axum::http::StatusCode;
use common::*;
use std::collections::{BTreeSet, VecDeque};

/// Whether `action` is one the console's routes take a form at.
fn is_a_form_of_the_console(action: &str) -> bool {
    let clusters = format!("/orgs/{ZILLIZ}/clusters");
    ["/login", "/register", "/logout", "/bind", "/orgs", &clusters].contains(&action)
        || action
            .strip_prefix(&format!("{clusters}/in01-"))
            .is_some_and(|rest| rest.ends_with("/delete"))
}

/// Crawls from `starts`; returns the console paths visited.
async fn crawl(browser: &mut Browser, starts: &[&str]) -> BTreeSet<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = starts.iter().map(|s| s.to_string()).collect();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let page = browser.open(&path).await;
        assert_eq!(page.status, StatusCode::OK, "dead link {path}:\n{}", page.body);
        for href in page.attrs("a[href]", "href") {
            if href.starts_with('/') {
                queue.push_back(href);
            } else {
                let url = url::Url::parse(&href).unwrap_or_else(|e| panic!("{href} on {path}: {e}"));
                assert!(
                    href.starts_with(MARKETPLACE_URL),
                    "{href} on {path} leaves for an unknown site"
                );
                assert_eq!(url.host_str(), Some("127.0.0.1"));
            }
        }
        for action in page.attrs("form", "action") {
            assert!(is_a_form_of_the_console(&action), "form to {action} on {path}");
        }
    }
    seen
}

#[tokio::test]
async fn every_link_of_the_default_world_leads_to_a_page() {
    let c = console();
    let mut visitor = c.browser();
    let public = crawl(&mut visitor, &["/login", "/register", "/docs"]).await;
    assert!(public.contains("/register"));

    let instance = c.create_instance("38492017").await;
    let mut admin = c.browser();
    let login = admin.open(&c.verify_link(&instance)).await;
    let handoff = login.field("handoff");
    admin
        .submit(&login, "/login", &[("email", ADMIN.0), ("password", ADMIN.1)])
        .await;
    let before = crawl(&mut admin, &["/", &format!("/bind?handoff={handoff}")]).await;
    for page in [
        "projects",
        "billing",
        "billing/history",
        "billing/current",
        "billing/usage",
        "members",
        "events",
        "settings",
        "recycle-bin",
        "clusters/new",
    ] {
        assert!(
            before.contains(&format!("/orgs/{ZILLIZ}/{page}")),
            "{page} not reached"
        );
    }

    let step2 = admin.open(&format!("/bind?handoff={handoff}")).await;
    let done = admin.submit(&step2, "/bind", &[]).await;
    assert!(done.text().contains("授权成功"));
    let step3 = format!("/bind/success?handoff={handoff}");
    let after = crawl(&mut admin, &["/", &step3]).await;
    // Binding changes what the pages say, not which pages there are: the two crawls reach the same
    // pages but for the wizard's step each starts from (绑定组织 before, 授权成功 after), which no
    // other page links to.
    let mut expected = before.clone();
    assert!(expected.remove(&format!("/bind?handoff={handoff}")));
    expected.insert(step3.clone());
    assert_eq!(after, expected);

    // With a cluster made and another deleted, 项目 and 回收站 show them, and still link nowhere new.
    let new = admin.open(&format!("/orgs/{ZILLIZ}/clusters/new")).await;
    let clusters = format!("/orgs/{ZILLIZ}/clusters");
    for name in ["kept", "gone"] {
        let made = admin
            .submit(&new, &clusters, &[("name", name), ("plan", "standard-1cu")])
            .await;
        assert!(made.text().contains(name), "{}", made.text());
    }
    let projects = admin.open(&format!("/orgs/{ZILLIZ}/projects")).await;
    let delete = projects.attrs("form", "action").pop().unwrap();
    assert!(delete.ends_with("/delete"), "{delete}");
    admin.submit(&projects, &delete, &[]).await;
    assert_eq!(crawl(&mut admin, &["/", &step3]).await, expected);

    let mut member = c.browser();
    sign_in(&mut member, MEMBER).await;
    crawl(&mut member, &["/", "/orgs/new"]).await;
}

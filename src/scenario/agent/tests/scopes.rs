//! Narrowing a label to a table row, an open dialog or the navigation bar.

use super::*;

const INSTANCES: Reply = Reply::Page(
    "<table><tr><th>商品</th><th>操作</th></tr>\
     <tr><td>Milvus Lite</td><td><a href='/sso?instance=1'>免登</a></td></tr>\
     <tr><td>Zilliz Cloud</td><td><a href='/sso?instance=2'>免登</a></td></tr></table>",
);

#[tokio::test]
async fn a_row_scope_finds_the_link_in_the_row_showing_that_text() {
    let site = serve(&[("/instances", INSTANCES), ("/sso", DONE)]).await;
    let mut agent = agent();
    agent.open(&site.url("/instances")).await.expect("page opens");

    let unscoped = agent.click("免登").await.expect_err("every row has 免登");
    let acted = agent
        .click(Locator::new("免登").in_row("Zilliz Cloud"))
        .await
        .expect("one row has Zilliz Cloud");

    assert!(matches!(unscoped, AgentError::Ambiguous { .. }), "{unscoped}");
    assert_eq!(acted.to_string(), "link \"免登\" (GET /sso?instance=2)");
    assert_eq!(site.last().target, "/sso?instance=2");
}

#[tokio::test]
async fn a_row_that_is_not_there_lists_the_rows_there_are() {
    let site = serve(&[("/instances", INSTANCES)]).await;
    let mut agent = agent();
    agent.open(&site.url("/instances")).await.expect("page opens");

    let error = agent
        .click(Locator::new("免登").in_row("Pinecone"))
        .await
        .expect_err("no such row");

    let AgentError::NotFound {
        what: "row",
        candidates,
        ..
    } = &error
    else {
        panic!("expected no row, got {error}")
    };
    assert_eq!(
        candidates,
        &["商品 操作", "Milvus Lite 免登", "Zilliz Cloud 免登"]
    );
}

#[tokio::test]
async fn a_dialog_scope_finds_the_button_in_that_dialog_and_closed_dialogs_are_not_seen() {
    let site = serve(&[
        (
            "/instances",
            Reply::Page(
                "<dialog open aria-labelledby=t><h2 id=t>提示</h2>\
                 <form method=post action=/sso/go><button>确定</button></form></dialog>\
                 <dialog><h2>删除</h2><form method=post action=/delete><button>确定</button></form></dialog>\
                 <form method=post action=/renew><button>确定</button></form>",
            ),
        ),
        ("/sso/go", DONE),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/instances")).await.expect("page opens");

    let closed = agent
        .click(Locator::new("确定").in_dialog("删除"))
        .await
        .expect_err("that dialog is closed");
    let acted = agent
        .click(Locator::new("确定").in_dialog("提示"))
        .await
        .expect("the open dialog has 确定");

    assert!(
        matches!(&closed, AgentError::NotFound { what: "dialog", candidates, .. } if candidates == &["提示"])
    );
    assert_eq!(acted.to_string(), "button \"确定\" (form POST /sso/go)");
}

#[tokio::test]
async fn a_nav_scope_looks_only_in_the_navigation_bar() {
    let site = serve(&[
        (
            "/",
            Reply::Page("<nav><a href=/bills>账单</a></nav><main><a href=/bills/2023-08>账单</a></main>"),
        ),
        ("/bills", DONE),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/")).await.expect("page opens");

    agent
        .click(Locator::new("账单").in_nav())
        .await
        .expect("the nav has one 账单");

    assert_eq!(site.last().target, "/bills");
}

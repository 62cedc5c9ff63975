//! Following links and redirects, cookies per host, and how a label that is missing or ambiguous
//! is reported.

use super::*;

#[tokio::test]
async fn clicking_a_link_opens_the_page_it_points_to() {
    let site = serve(&[
        (
            "/",
            Reply::Page("<nav><a href='/products/zilliz'>Zilliz  Cloud</a></nav>"),
        ),
        (
            "/products/zilliz",
            Reply::Page("<h1>Zilliz Cloud 向量数据库</h1><script>var hidden = 1;</script>"),
        ),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/")).await.expect("home opens");

    let acted = agent.click("Zilliz Cloud").await.expect("the link is clicked");

    assert_eq!(acted.to_string(), "link \"Zilliz Cloud\" (GET /products/zilliz)");
    assert_eq!(agent.page().expect("a page").url().path(), "/products/zilliz");
    assert_eq!(agent.page_text().expect("a page"), "Zilliz Cloud 向量数据库");
    assert!(agent.page_contains("向量数据库").expect("a page"));
    assert_eq!(
        exchanges(&mut agent),
        ["GET / → 200", "GET /products/zilliz → 200"]
    );
}

#[tokio::test]
async fn a_303_redirect_chain_is_followed_and_every_hop_is_recorded() {
    let site = serve(&[
        (
            "/form",
            Reply::Page(
                "<form method=post action=/a><input type=hidden name=x value=1><button>确定</button></form>",
            ),
        ),
        ("/a", Reply::Redirect(303, "/b")),
        ("/b", Reply::Redirect(302, "c?from=b")),
        ("/c", Reply::Page("<h1>已购买服务列表</h1>")),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/form")).await.expect("form opens");

    agent.click("确定").await.expect("the form is submitted");

    assert_eq!(
        exchanges(&mut agent),
        [
            "GET /form → 200",
            "POST /a → 303 → /b",
            "GET /b → 302 → /c?from=b",
            "GET /c?from=b → 200"
        ]
    );
    let methods: Vec<(String, String)> = site.seen().into_iter().map(|s| (s.method, s.body)).collect();
    assert_eq!(
        methods[2],
        ("GET".to_owned(), String::new()),
        "a 303 turns the POST into a GET without a body"
    );
    assert_eq!(agent.page().expect("a page").url().path(), "/c");
}

#[tokio::test]
async fn a_307_redirect_repeats_the_post_with_its_body() {
    let site = serve(&[
        (
            "/form",
            Reply::Page("<form method=post action=/old><input name=q value=v><button>提交</button></form>"),
        ),
        ("/old", Reply::Redirect(307, "/new")),
        ("/new", DONE),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/form")).await.expect("form opens");

    agent.click("提交").await.expect("the form is submitted");

    let sent = site.last();
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str(), sent.body.as_str()),
        ("POST", "/new", "q=v")
    );
}

#[tokio::test]
async fn a_redirect_loop_stops_with_too_many_redirects() {
    let site = serve(&[("/loop", Reply::Redirect(302, "/loop"))]).await;
    let mut agent = agent().with_max_redirects(3);

    let error = agent
        .open(&site.url("/loop"))
        .await
        .expect_err("the loop never ends");

    assert!(
        matches!(error, AgentError::TooManyRedirects { limit: 3, .. }),
        "{error}"
    );
    assert_eq!(
        agent.take_exchanges().len(),
        4,
        "the first request and three redirects"
    );
}

#[tokio::test]
async fn an_ambiguous_label_lists_every_match() {
    let site = serve(&[(
        "/",
        Reply::Page("<a href=/a>确定</a><form method=post action=/b><button>确定</button></form>"),
    )])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/")).await.expect("page opens");

    let error = agent.click("确定").await.expect_err("two elements say 确定");

    let AgentError::Ambiguous { matches, .. } = &error else {
        panic!("expected ambiguity, got {error}")
    };
    assert_eq!(
        matches,
        &["link \"确定\" (GET /a)", "button \"确定\" (form POST /b)"]
    );
    assert!(
        error.to_string().starts_with("\"确定\" matches 2 elements on /:"),
        "{error}"
    );
}

#[tokio::test]
async fn two_links_with_the_same_text_to_the_same_url_count_as_one() {
    let site = serve(&[
        (
            "/console/home",
            Reply::Page("<a href='/console/orders'>已购买服务</a><a href='orders'> 已购买服务 </a>"),
        ),
        ("/console/orders", DONE),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/console/home")).await.expect("page opens");

    agent
        .click("已购买服务")
        .await
        .expect("both links lead to the same place");

    assert_eq!(site.last().target, "/console/orders");
}

#[tokio::test]
async fn cookies_set_by_one_host_are_not_sent_to_another_host() {
    let site = serve(&[
        (
            "/login",
            Reply::PageSettingCookie("sid=buyer-1; Path=/; HttpOnly", "<p>已登录</p>"),
        ),
        ("/whoami", DONE),
    ])
    .await;
    let mut agent = agent();
    agent
        .open(&site.url("/login"))
        .await
        .expect("signs in on 127.0.0.1");

    agent
        .open(&format!("http://localhost:{}/whoami", site.port))
        .await
        .expect("localhost answers");
    let on_localhost = site.last().cookie;
    agent.open(&site.url("/whoami")).await.expect("127.0.0.1 answers");
    let on_loopback_ip = site.last().cookie;

    assert_eq!(on_localhost, None);
    assert_eq!(on_loopback_ip.as_deref(), Some("sid=buyer-1"));
    let url = Url::parse(&site.url("/")).expect("URL");
    assert_eq!(agent.cookie(&url, "sid"), Some("buyer-1"));
}

#[tokio::test]
async fn a_missing_label_lists_the_labels_the_page_has() {
    let site = serve(&[(
        "/",
        Reply::Page("<a href=/>首页</a><a href=/p hidden>隐藏</a><a href=/p>立即开通</a>"),
    )])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/")).await.expect("page opens");

    let error = agent
        .click("开通")
        .await
        .expect_err("no element says exactly 开通");

    let AgentError::NotFound { candidates, .. } = &error else {
        panic!("expected not found, got {error}")
    };
    assert_eq!(candidates, &["首页", "立即开通"]);
    assert_eq!(
        error.to_string(),
        "no link or button labelled \"开通\" on /; the labels there are: \"首页\", \"立即开通\""
    );
}

#[tokio::test]
async fn acting_before_any_page_is_open_is_an_error() {
    let mut agent = agent();

    let error = agent.click("开通").await.expect_err("nothing to click on");

    assert!(matches!(error, AgentError::NoPage), "{error}");
    assert!(agent.take_exchanges().is_empty());
}

#[tokio::test]
async fn an_agent_can_be_driven_from_another_task() {
    let site = serve(&[("/", Reply::Page("<a href=/next>下一步</a>")), ("/next", DONE)]).await;
    let url = site.url("/");
    let mut agent = agent();

    let driven = tokio::spawn(async move {
        agent.open(&url).await?;
        agent.click("下一步").await?;
        agent.page_text()
    });

    assert_eq!(
        driven
            .await
            .expect("the task finishes")
            .expect("the journey works"),
        "完成"
    );
}

#[tokio::test]
async fn a_page_longer_than_the_agent_reads_ends_the_navigation_with_its_url() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let vendor = MockServer::start().await;
    let endless = "<p>".to_owned() + &"x".repeat(super::super::fetch::MAX_PAGE_BYTES) + "</p>";
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(endless, "text/html"))
        .mount(&vendor)
        .await;
    Mock::given(path("/small"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<h1>欢迎</h1>", "text/html"))
        .mount(&vendor)
        .await;
    let mut agent = agent();

    let error = agent
        .open(&format!("{}/landing", vendor.uri()))
        .await
        .expect_err("a page over the limit is refused");

    assert!(matches!(error, AgentError::PageTooLarge { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(&format!("{}/landing", vendor.uri())),
        "{message}"
    );
    assert!(message.contains("longer than 4 MiB"), "{message}");
    agent
        .open(&format!("{}/small", vendor.uri()))
        .await
        .expect("a page under the limit opens");
    assert_eq!(agent.page_text().expect("a page"), "欢迎");
}

//! Filling, ticking and choosing, then submitting: what the form sends, and what a browser refuses
//! to send.

use super::*;

#[tokio::test]
async fn clicking_a_form_button_posts_the_hidden_csrf_token_and_the_buttons_name_and_value() {
    let site = serve(&[
        (
            "/products/p1",
            Reply::Page(
                "<form method=post action='/products/p1/open'>\
                 <input type=hidden name=csrf value=tok-1><input type=hidden name=plan value=payg>\
                 <button name=op value=open>开通</button><button name=op value=cancel>取消</button></form>",
            ),
        ),
        (
            "/products/p1/open",
            Reply::Page("<p>开通申请已提交，约需要1 - 5分钟完成开通</p>"),
        ),
    ])
    .await;
    let mut agent = agent();
    agent
        .open(&site.url("/products/p1"))
        .await
        .expect("product page opens");

    let acted = agent.click("开通").await.expect("the button is clicked");

    assert_eq!(acted.to_string(), "button \"开通\" (form POST /products/p1/open)");
    let sent = site.last();
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("POST", "/products/p1/open")
    );
    assert_eq!(sent.body, "csrf=tok-1&plan=payg&op=open");
    assert_eq!(sent.origin, Some(format!("http://127.0.0.1:{}", site.port)));
    assert!(agent
        .page_contains("开通申请已提交，约需要1 - 5分钟完成开通")
        .expect("a page"));
}

const AGREEMENT: Reply = Reply::Page(
    "<dialog open><h2>开通按量服务</h2><form method=post action=/open>\
     <label><input type=checkbox name=agree value=yes> 同意商品在线协议及云市场平台服务协议</label>\
     <input type=checkbox id=news name=news checked><label for=news>订阅产品通知</label>\
     <button>开通</button></form></dialog>",
);

#[tokio::test]
async fn a_checkbox_ticked_by_its_label_is_submitted_with_the_form() {
    let site = serve(&[("/buy", AGREEMENT), ("/open", DONE)]).await;
    let mut agent = agent();
    agent.open(&site.url("/buy")).await.expect("dialog page opens");

    let acted = agent
        .check("同意商品在线协议及云市场平台服务协议")
        .expect("the checkbox is found");
    agent
        .uncheck("订阅产品通知")
        .expect("the other checkbox is found");
    agent.click("开通").await.expect("the form is submitted");

    assert_eq!(
        acted.to_string(),
        "checkbox \"同意商品在线协议及云市场平台服务协议\""
    );
    assert_eq!(site.last().body, "agree=yes");
}

#[tokio::test]
async fn an_unticked_checkbox_is_left_out_of_the_form() {
    let site = serve(&[("/buy", AGREEMENT), ("/open", DONE)]).await;
    let mut agent = agent();
    agent.open(&site.url("/buy")).await.expect("dialog page opens");

    agent.click("开通").await.expect("the form is submitted");

    assert_eq!(site.last().body, "news=on");
}

const REGISTER: Reply = Reply::Page(
    "<nav><a href=/register>注册</a> <a href=/login>登录</a></nav>\
     <form method=post action=/register><input type=hidden name=csrf value=c1>\
     <label for=email>企业邮箱：</label><input id=email type=email name=email required>\
     <label>密码 <span>*</span><input type=password name=password required></label>\
     <input name=org placeholder=组织名称>\
     <textarea name=note aria-label=备注></textarea>\
     <label>规模<select name=size><option value=s>1-10 人</option><option value=m>11-100 人</option></select></label>\
     <input name=invite value=none disabled aria-label=邀请码>\
     <button type=submit>注册</button></form>",
);

#[tokio::test]
async fn fill_types_into_fields_found_by_label_placeholder_or_aria_label() {
    let site = serve(&[("/register", REGISTER)]).await;
    let mut agent = agent();
    agent
        .open(&site.url("/register"))
        .await
        .expect("register page opens");

    let acted = agent
        .fill("企业邮箱", "alice@example.com")
        .expect("email by its label");
    agent
        .fill("密码", "correct horse 9")
        .expect("password by its wrapping label");
    agent
        .fill("组织名称", "Alice Labs")
        .expect("org by its placeholder");
    agent.fill("备注", "hi").expect("note by its aria-label");
    agent.fill("规模", "11-100 人").expect("size by its option text");
    let submitted = agent
        .submit("注册")
        .await
        .expect("the button, not the nav link, is pressed");

    assert_eq!(acted.to_string(), "field \"企业邮箱\"");
    assert_eq!(submitted.to_string(), "button \"注册\" (form POST /register)");
    assert_eq!(
        site.last().body,
        "csrf=c1&email=alice%40example.com&password=correct+horse+9&org=Alice+Labs&note=hi&size=m"
    );
}

#[tokio::test]
async fn submitting_with_an_empty_required_field_is_refused_and_names_the_field() {
    let site = serve(&[("/register", REGISTER)]).await;
    let mut agent = agent();
    agent
        .open(&site.url("/register"))
        .await
        .expect("register page opens");
    agent
        .fill("企业邮箱", "alice@example.com")
        .expect("email by its label");

    let error = agent.submit("注册").await.expect_err("the password is missing");

    assert!(
        matches!(&error, AgentError::RequiredMissing { field } if field == "field \"密码\""),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "field \"密码\" is required: fill it in before submitting"
    );
    assert_eq!(site.seen().len(), 1, "nothing was sent after the page was opened");
}

#[tokio::test]
async fn a_disabled_button_cannot_be_clicked_nor_a_disabled_field_filled() {
    let site = serve(&[
        (
            "/bind",
            Reply::Page("<form method=post action=/bind><button disabled>确认绑定</button></form><a href=/orgs/new>创建组织</a>"),
        ),
        ("/register", REGISTER),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/bind")).await.expect("bind page opens");

    let error = agent.click("确认绑定").await.expect_err("the button is disabled");

    assert_eq!(error.to_string(), "button \"确认绑定\" is disabled");
    assert_eq!(site.seen().len(), 1);
    agent
        .open(&site.url("/register"))
        .await
        .expect("register page opens");
    let error = agent.fill("邀请码", "x").expect_err("the field is disabled");
    assert!(matches!(error, AgentError::Disabled { .. }), "{error}");
}

#[tokio::test]
async fn choosing_a_row_by_its_text_selects_its_radio_and_a_disabled_one_is_refused() {
    let site = serve(&[
        (
            "/bind",
            Reply::Page(
                "<form method=post action=/bind><table>\
                 <tr><th></th><th>组织名称</th><th>组织 ID</th><th>成员人数</th></tr>\
                 <tr><td><input type=radio name=org value=org-a></td><td>Alice Labs</td><td>org-aaa</td><td>3</td></tr>\
                 <tr><td><input type=radio name=org value=org-b disabled></td><td>Bob Co</td><td>org-bbb</td><td>9</td></tr>\
                 </table><button>确认绑定</button></form>",
            ),
        ),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/bind")).await.expect("bind page opens");

    let refused = agent.choose("Bob Co").expect_err("Bob Co is not administered");
    let acted = agent.choose("Alice Labs").expect("Alice Labs is chosen");
    agent.click("确认绑定").await.expect("the form is submitted");

    assert_eq!(refused.to_string(), "radio \"Bob Co\" is disabled");
    assert_eq!(acted.to_string(), "radio \"Alice Labs\"");
    assert_eq!(site.last().body, "org=org-a");
}

#[tokio::test]
async fn a_get_form_puts_its_fields_in_the_query() {
    let site = serve(&[
        ("/", Reply::Page("<form action=/search?old=1><input name=q aria-label=搜索><input type=submit value=搜索一下></form>")),
        ("/search", DONE),
    ])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/")).await.expect("page opens");
    agent.fill("搜索", "zilliz cloud").expect("the search field");

    agent.click("搜索一下").await.expect("the form is submitted");

    let sent = site.last();
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("GET", "/search?q=zilliz+cloud")
    );
}

#[tokio::test]
async fn a_button_of_a_dialog_form_closes_the_dialog_without_a_request() {
    let site = serve(&[(
        "/",
        Reply::Page("<dialog open><h2>提示</h2><p>即将跳转</p><form method=dialog><button>取消</button></form></dialog>"),
    )])
    .await;
    let mut agent = agent();
    agent.open(&site.url("/")).await.expect("page opens");

    let acted = agent.click("取消").await.expect("the dialog closes");

    assert_eq!(acted.to_string(), "button \"取消\"");
    assert!(!agent.page_contains("即将跳转").expect("a page"));
    assert_eq!(site.seen().len(), 1);
}

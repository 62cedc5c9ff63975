//! The notifications family: failed orderPay notifications (listing, paging, confirming) and the
//! cross-account role authorization — the link page end to end, then CrossAccountVerifyToken.

mod common;

use axum::http::StatusCode;
use common::openapi::{call, http};
use common::{simulator, Client};

use marketsim_simulator::openapi::ops::notifications::cross_account::TOKEN_LIFETIME_MS;
use marketsim_simulator::openapi::{ApiError, Caller};
use marketsim_simulator::{Simulator, World};
use serde_json::{json, Value};
use std::time::Duration;

const ROLE: &str = "VendorCrossAccountXIAOYUNACCESSSMSRole";

/// The default world, its vendor's SPI refusing every call, plus a vendor selling nothing.
fn world() -> World {
    let mut world = common::world_with_vendor("http://127.0.0.1:9/spi");
    let mut other = world.vendors[0].clone();
    other.id = "other".into();
    other.name = "Other".into();
    other.spi_key = "other-spi-key".into();
    other.access_key_id = "LTAI5tOtherVendor0001".into();
    world.vendors.push(other);
    world
}

/// The seeded open instance of the vendor's product.
const INSTANCE: &str = "15511111";

/// A world where `n` orderPay notifications to [`INSTANCE`], made an hour apart, gave up: one at a
/// time (an instance's notifications go out in order), each fails all 12 attempts against the
/// refusing vendor over 8 h 38 m. Returns the world and their requestIds, oldest first.
async fn with_failed(n: usize) -> (Simulator, Vec<String>) {
    let sim = simulator(world());
    let mut ids = Vec::new();
    for _ in 0..n {
        let message = sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
        ids.push(message.request_id.unwrap());
        sim.clock().advance(Duration::from_secs(3600)).await.unwrap();
    }
    sim.clock()
        .advance(Duration::from_secs(n as u64 * 9 * 3600))
        .await
        .unwrap();
    (sim, ids)
}

fn vendor<'w>(sim: &'w Simulator, id: &str) -> Caller<'w> {
    Caller::Vendor(sim.world().vendor(id).unwrap())
}

fn buyer(sim: &Simulator) -> Caller<'_> {
    Caller::Buyer(&sim.world().buyers[0])
}

fn failed(sim: &Simulator, caller: &Caller<'_>, page: &str, size: &str) -> Result<Value, ApiError> {
    call(
        sim,
        caller,
        "DescribeFailedNotifications",
        &[("PageNumber", page), ("PageSize", size)],
    )
}

#[tokio::test]
async fn an_order_pay_that_gave_up_is_listed_with_its_request_id_and_parameters() {
    let sim = simulator(world());
    let message = sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    let request_id = message.request_id.clone().unwrap();
    let z = vendor(&sim, "zilliz");
    // The 12th and last attempt is 8 h 38 m after the first; until it fails, nothing is listed.
    sim.clock()
        .advance(Duration::from_secs((8 * 60 + 37) * 60))
        .await
        .unwrap();
    assert_eq!(failed(&sim, &z, "1", "10").unwrap()["TotalCount"], 0);
    sim.clock().advance(Duration::from_secs(60)).await.unwrap();
    let a = failed(&sim, &z, "1", "10").unwrap();
    assert_eq!(a["TotalCount"], 1);
    assert_eq!(a["PageNumber"], 1);
    assert_eq!(a["PageSize"], 10);
    let first = &a["NotificationList"][0];
    assert_eq!(first["NotificationRequestId"], request_id.as_str());
    assert!(request_id.len() == 32 && request_id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(first["Action"], "orderPay");
    // When the notification was made: 2023-08-15 10:00:00 +08:00 in epoch milliseconds.
    assert_eq!(first["CreateTime"], json!(1_692_064_800_000_i64));
    let sent: Value = serde_json::from_str(first["Message"].as_str().unwrap()).unwrap();
    let params: serde_json::Map<String, Value> = message
        .params
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    assert_eq!(sent, Value::Object(params));
    assert_eq!(sent["requestId"], request_id.as_str());
    assert_eq!(sent["orderBizId"], INSTANCE);
    assert!(sent.get("token").is_none());
    let attempts = sim.store().deliveries(Some(INSTANCE)).unwrap();
    assert_eq!(attempts.len(), 12);
}

#[tokio::test]
async fn failed_notifications_are_listed_oldest_first_and_paged() {
    let (sim, ids) = with_failed(3).await;
    let z = vendor(&sim, "zilliz");
    let a = failed(&sim, &z, "1", "10").unwrap();
    assert_eq!(a["TotalCount"], 3);
    let listed: Vec<&str> = a["NotificationList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["NotificationRequestId"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids);
    let second = failed(&sim, &z, "2", "2").unwrap();
    assert_eq!(second["TotalCount"], 3);
    assert_eq!(second["NotificationList"].as_array().unwrap().len(), 1);
    assert_eq!(
        second["NotificationList"][0]["NotificationRequestId"],
        ids[2].as_str()
    );
    assert_eq!(failed(&sim, &z, "9", "2").unwrap()["NotificationList"], json!([]));
    let code = |params: &[(&str, &str)]| {
        call(&sim, &z, "DescribeFailedNotifications", params)
            .unwrap_err()
            .code()
            .to_owned()
    };
    assert_eq!(code(&[("PageSize", "10")]), "MissingPageNumber");
    assert_eq!(code(&[("PageNumber", "1")]), "MissingPageSize");
    assert_eq!(
        code(&[("PageNumber", "0"), ("PageSize", "10")]),
        "InvalidPageNumber"
    );
    assert_eq!(
        code(&[("PageNumber", "1"), ("PageSize", "101")]),
        "InvalidPageSize"
    );
    assert_eq!(
        code(&[("PageNumber", "one"), ("PageSize", "10")]),
        "InvalidPageNumber"
    );
}

#[tokio::test]
async fn vendors_see_only_their_products_notifications_and_buyers_none() {
    let (sim, ids) = with_failed(1).await;
    let other = failed(&sim, &vendor(&sim, "other"), "1", "10").unwrap();
    assert_eq!(other["TotalCount"], 0);
    assert_eq!(other["NotificationList"], json!([]));
    let e = failed(&sim, &buyer(&sim), "1", "10").unwrap_err();
    assert_eq!((e.status(), e.code()), (403, "Forbidden.RAM"));
    let e = call(
        &sim,
        &vendor(&sim, "other"),
        "ConfirmNotification",
        &[("NotificationRequestId", &ids[0])],
    )
    .unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (404, "InvalidNotificationRequestId.NotFound")
    );
    let e = call(
        &sim,
        &buyer(&sim),
        "ConfirmNotification",
        &[("NotificationRequestId", &ids[0])],
    )
    .unwrap_err();
    assert_eq!(e.code(), "Forbidden.RAM");
    assert_eq!(
        failed(&sim, &vendor(&sim, "zilliz"), "1", "10").unwrap()["TotalCount"],
        1
    );
}

#[tokio::test]
async fn confirming_removes_the_notification_once_and_a_reset_leaves_none() {
    let (sim, ids) = with_failed(2).await;
    let z = vendor(&sim, "zilliz");
    let confirm = |id: &str| call(&sim, &z, "ConfirmNotification", &[("NotificationRequestId", id)]);
    assert_eq!(confirm(&ids[0]).unwrap(), json!({"Success": true}));
    let after = failed(&sim, &z, "1", "10").unwrap();
    assert_eq!(after["TotalCount"], 1);
    assert!(!after.to_string().contains(&ids[0]));
    let again = confirm(&ids[0]).unwrap_err();
    assert_eq!(again.code(), "InvalidNotificationRequestId.NotFound");
    assert_eq!(
        confirm("ffffffffffffffffffffffffffffffff").unwrap_err().code(),
        "InvalidNotificationRequestId.NotFound"
    );
    assert_eq!(confirm("").unwrap_err().code(), "MissingNotificationRequestId");
    sim.reset().await.unwrap();
    assert_eq!(failed(&sim, &z, "1", "10").unwrap()["TotalCount"], 0);
}

#[tokio::test]
async fn a_notification_sent_again_that_gives_up_again_is_listed_once() {
    let sim = simulator(world());
    let message = sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.clock().advance(Duration::from_secs(10 * 3600)).await.unwrap();
    let z = vendor(&sim, "zilliz");
    assert_eq!(failed(&sim, &z, "1", "10").unwrap()["TotalCount"], 1);
    // Sent again with its tries reset, it gives up again: still one, the same notification.
    sim.resend(message.id, true).unwrap();
    sim.clock().advance(Duration::from_secs(10 * 3600)).await.unwrap();
    let list = failed(&sim, &z, "1", "10").unwrap();
    assert_eq!(list["TotalCount"], 1);
    assert_eq!(
        list["NotificationList"][0]["NotificationRequestId"],
        message.request_id.unwrap().as_str()
    );
}

fn link(sim: &Simulator, role: &str, extra: &[(&str, &str)]) -> String {
    let key = &sim.world().vendors[0].spi_key;
    let token = protocol::spi::token(&[("role", role)], key);
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("role", role);
    for (k, v) in extra {
        query.append_pair(k, v);
    }
    query.append_pair("token", &token);
    format!("/cross-account/authorize?{}", query.finish())
}

/// Authorizes through the page; returns where the browser was sent.
async fn authorize(client: &mut Client, url: &str) -> String {
    let page = client.browser.get(url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let fields: Vec<(String, String)> = ["csrf", "role", "aliyunuid", "returnurl", "token"]
        .iter()
        .filter_map(|n| page.find_field(n).map(|v| (n.to_string(), v)))
        .collect();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let done = client.browser.post("/cross-account/authorize", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    done.location.unwrap()
}

fn token_of(location: &str) -> String {
    let query = location.split_once('?').unwrap().1;
    protocol::spi::decode_query(query)
        .into_iter()
        .find(|(k, _)| k == "token")
        .unwrap()
        .1
}

fn verify(sim: &Simulator, caller: &Caller<'_>, token: &str) -> Result<Value, ApiError> {
    call(sim, caller, "CrossAccountVerifyToken", &[("Token", token)])
}

#[tokio::test]
async fn the_authorization_link_hands_the_vendor_a_token_that_names_the_buyer() {
    let sim = simulator(world());
    let url = link(&sim, ROLE, &[("returnurl", "https://isv.example/cb?state=7")]);
    // Signed out: sign in first, then come back to the same link.
    let mut client = Client::new(&sim);
    let to_sign_in = client.browser.get(&url).await;
    assert_eq!(to_sign_in.status, StatusCode::SEE_OTHER);
    let sign_in = to_sign_in.location.unwrap();
    assert!(sign_in.starts_with("/signin?return="), "{sign_in}");
    let back = client.sign_in("buyer-1", "buyer-1-pass", &url).await;
    assert_eq!(back.location.as_deref(), Some(url.as_str()));
    let page = client.browser.get(&url).await;
    assert!(
        page.text().contains("跨账号授权") && page.text().contains(ROLE) && page.text().contains("Zilliz")
    );
    let to_vendor = authorize(&mut client, &url).await;
    assert!(
        to_vendor.starts_with("https://isv.example/cb?state=7&token="),
        "{to_vendor}"
    );
    let token = token_of(&to_vendor);
    assert!(
        token.len() == 32
            && token
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
    );

    let answer = verify(&sim, &vendor(&sim, "zilliz"), &token).unwrap();
    assert_eq!(answer["Success"], true);
    assert_eq!(answer["Code"], "200");
    assert_eq!(answer["Message"], "successful");
    let result = &answer["Result"];
    assert_eq!(result["Uid"], "1763420985012345");
    assert_eq!(result["Name"], "bu***-1");
    assert_eq!(result["AuthRoles"], json!([ROLE]));
    assert_eq!(
        result["AuthTime"],
        json!(protocol::time::epoch_millis(sim.clock().now()))
    );
    // Once only.
    let again = verify(&sim, &vendor(&sim, "zilliz"), &token).unwrap_err();
    assert_eq!((again.status(), again.code()), (400, "InvalidToken"));
    assert!(again.message().contains("already been used"));
}

#[tokio::test]
async fn several_roles_and_no_returnurl_show_the_token_on_the_page() {
    let sim = simulator(world());
    let roles = format!("{ROLE},VendorCrossAccountOSSRole");
    let url = link(&sim, &roles, &[("aliyunuid", "1763420985012345")]);
    let mut client = Client::signed_in(&sim, "buyer-1").await;
    let page = client.browser.get(&url).await;
    let csrf = page.find_field("csrf").unwrap();
    let shown = client
        .browser
        .post(
            "/cross-account/authorize",
            &[
                ("csrf", &csrf),
                ("role", &roles),
                ("aliyunuid", "1763420985012345"),
                ("token", &page.find_field("token").unwrap()),
            ],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text().contains("授权成功"));
    let token = shown
        .text()
        .split_whitespace()
        .find(|w| w.len() == 32 && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap()
        .to_owned();
    let answer = verify(&sim, &vendor(&sim, "zilliz"), &token).unwrap();
    assert_eq!(
        answer["Result"]["AuthRoles"],
        json!([ROLE, "VendorCrossAccountOSSRole"])
    );
}

#[tokio::test]
async fn bad_links_another_account_and_forged_forms_are_refused() {
    let sim = simulator(world());
    let mut client = Client::signed_in(&sim, "buyer-1").await;
    let forged = format!("/cross-account/authorize?role={ROLE}&token=0123456789abcdef0123456789abcdef");
    let page = client.browser.get(&forged).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text().contains("token 校验失败"));
    let no_role = client.browser.get("/cross-account/authorize?token=abc").await;
    assert_eq!(no_role.status, StatusCode::BAD_REQUEST);
    let someone_else = client
        .browser
        .get(&link(&sim, ROLE, &[("aliyunuid", "1598302174658821")]))
        .await;
    assert_eq!(someone_else.status, StatusCode::FORBIDDEN);
    assert!(someone_else.text().contains("其他阿里云账号"));
    let script = client
        .browser
        .get(&link(&sim, ROLE, &[("returnurl", "javascript:alert(1)")]))
        .await;
    assert_eq!(script.status, StatusCode::BAD_REQUEST);
    // A post without the session's CSRF token issues nothing.
    let url = link(&sim, ROLE, &[("returnurl", "https://isv.example/cb")]);
    let token = client.browser.get(&url).await.find_field("token").unwrap();
    let no_csrf = client
        .browser
        .post(
            "/cross-account/authorize",
            &[
                ("role", ROLE),
                ("returnurl", "https://isv.example/cb"),
                ("token", &token),
            ],
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    assert!(no_csrf.location.is_none());
    // The vendor's own link with a wrong key does not pass either (role tampered after signing).
    let tampered = url.replace(ROLE, "AdministratorAccess");
    assert_eq!(
        client.browser.get(&tampered).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn tokens_expire_are_the_issuing_vendors_and_need_the_parameter() {
    let sim = simulator(world());
    let mut client = Client::signed_in(&sim, "buyer-1").await;
    let url = link(&sim, ROLE, &[("returnurl", "https://isv.example/cb")]);
    let first = token_of(&authorize(&mut client, &url).await);
    let second = token_of(&authorize(&mut client, &url).await);
    assert_ne!(first, second);
    let z = vendor(&sim, "zilliz");
    // Another vendor cannot redeem it: it reads as unknown.
    let e = verify(&sim, &vendor(&sim, "other"), &first).unwrap_err();
    assert_eq!(e.code(), "InvalidToken");
    assert!(e.message().contains("does not exist"));
    let e = verify(&sim, &buyer(&sim), &first).unwrap_err();
    assert_eq!(e.code(), "Forbidden.RAM");
    assert_eq!(verify(&sim, &z, "").unwrap_err().code(), "MissingToken");
    assert!(verify(&sim, &z, "C19D103FEA2D50A584410267CE9FBA56")
        .unwrap_err()
        .message()
        .contains("does not exist"));
    // Within the lifetime it is good; a moment after, it has expired.
    sim.clock()
        .advance(Duration::from_millis(TOKEN_LIFETIME_MS as u64))
        .await
        .unwrap();
    verify(&sim, &z, &first).unwrap();
    sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    let e = verify(&sim, &z, &second).unwrap_err();
    assert_eq!((e.status(), e.code()), (400, "InvalidToken"));
    assert!(e.message().contains("expired"));
}

// Through HTTP, signed as the SDK signs (V3 ACS3-HMAC-SHA256), parameters where the SDK puts them.

#[tokio::test]
async fn failed_notifications_and_their_confirmation_answer_signed_requests() {
    let (sim, _) = with_failed(1).await;
    let app = http::app(&sim);
    let z = vendor(&sim, "zilliz");
    let (status, list) = http::send_as(
        &app,
        &z,
        "DescribeFailedNotifications",
        &[("PageNumber", "1"), ("PageSize", "2")],
        &[],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["TotalCount"], 1);
    assert!(list["RequestId"].is_string());
    let id = list["NotificationList"][0]["NotificationRequestId"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, done) = http::send_as(
        &app,
        &z,
        "ConfirmNotification",
        &[("NotificationRequestId", &id)],
        &[],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["Success"], true);
    let (status, again) = http::send_as(
        &app,
        &z,
        "ConfirmNotification",
        &[("NotificationRequestId", &id)],
        &[],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(again["Code"], "InvalidNotificationRequestId.NotFound");
}

#[tokio::test]
async fn cross_account_verify_token_reads_the_token_from_the_form_body() {
    let sim = simulator(world());
    let app = http::app(&sim);
    let mut client = Client::signed_in(&sim, "buyer-1").await;
    let url = link(&sim, ROLE, &[("returnurl", "https://isv.example/cb")]);
    let token = token_of(&authorize(&mut client, &url).await);
    let z = vendor(&sim, "zilliz");
    let (status, body) = http::send_as(&app, &z, "CrossAccountVerifyToken", &[], &[("Token", &token)])
        .await
        .status_and_json();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Result"]["Uid"], "1763420985012345");
    assert!(body["Result"]["AuthTime"].is_i64());
    let (status, used) = http::send_as(&app, &z, "CrossAccountVerifyToken", &[], &[("Token", &token)])
        .await
        .status_and_json();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(used["Code"], "InvalidToken");
    let (status, by_buyer) = http::send_as(
        &app,
        &buyer(&sim),
        "CrossAccountVerifyToken",
        &[],
        &[("Token", &token)],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(by_buyer["Code"], "Forbidden.RAM");
}

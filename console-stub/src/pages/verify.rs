//! `GET /aliyun/sso?action=verify&instanceId=…&timeStamp=…&token=…`: the 免登 entry (contract
//! §2.1). The token is checked over every parameter, and `timeStamp` (Asia/Shanghai marketplace
//! time) must lie within `ConsoleConfig::verify_window` of the world's clock, either side.
//! A link is not single-use: it works any number of times within its window (the seed's 再次单击该
//! “免登”链接). An instance already bound goes straight into the console, signed in as the user
//! who bound it; a released one leads nowhere (it pays for nothing any more); otherwise the wizard
//! starts — at step 2 for a signed-in visitor, else at 登录. The
//! buyer's browser opens it and its refusals are pages, so it belongs with the pages.

use crate::accounts::sign_in;
use crate::pages::error::PageError;
use crate::pages::session::{redirect_with_cookie, set_cookie, Visitor};
use crate::pages::wizard::{handoff_query, RELEASED};
use crate::state::Console;
use crate::store::instances::InstanceStatus;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use protocol::spi::decode_query;
use protocol::time::spi_parse;

const RETRY_HINT: &str = "请回到阿里云云市场控制台的“已购买服务列表”，重新单击“免登”。";

/// The 免登 entry.
pub async fn handle(
    State(console): State<Console>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let params = decode_query(query.as_deref().unwrap_or(""));
    let refuse = |why: &str| PageError::BadLink(format!("{why}{RETRY_HINT}"));
    if protocol::spi::verify(&params, &console.config().spi_key).is_err() {
        return Err(refuse("免登链接无效：签名校验失败。"));
    }
    let one = |name: &str| {
        let mut values = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
        match (values.next(), values.next()) {
            (Some(v), None) => Some(v),
            _ => None,
        }
    };
    if one("action") != Some("verify") {
        return Err(refuse("免登链接无效：action 不是 verify。"));
    }
    let (Some(instance_id), Some(stamp)) = (one("instanceId"), one("timeStamp")) else {
        return Err(refuse("免登链接无效：缺少 instanceId 或 timeStamp。"));
    };
    let Some(stamped) = spi_parse(stamp) else {
        return Err(refuse("免登链接无效：timeStamp 不是 yyyy-MM-dd HH:mm:ss。"));
    };
    let now = console.now();
    let window = TimeDelta::from_std(console.config().verify_window).unwrap_or(TimeDelta::MAX);
    if (now - stamped).abs() > window {
        return Err(refuse("免登链接已过期。"));
    }

    let mut db = console.lock();
    let Some(instance) = db.instance(instance_id)? else {
        return Err(refuse("免登链接无效：没有这个云市场实例。"));
    };
    if instance.status == InstanceStatus::Released {
        return Err(PageError::BadLink(RELEASED.into()));
    }
    if let (Some(org), Some(user)) = (&instance.org_id, &instance.bound_by) {
        let session = sign_in(&mut db, visitor.session.as_ref(), user, now)?;
        return Ok(redirect_with_cookie(
            &format!("/orgs/{org}/projects"),
            set_cookie(&session.token),
        ));
    }
    let handoff = db.new_handoff(&instance.id, now)?;
    drop(db);
    let next = if visitor.user.is_some() { "/bind" } else { "/login" };
    Ok(Redirect::to(&format!("{next}{}", handoff_query(Some(&handoff.id)))).into_response())
}

//! The console's HTML pages, server-rendered with maud: plain links and forms, no JavaScript, each
//! labelled with the seed's own words. [`layout`] draws the frames (console navigation, wizard
//! steps); [`login`] is 登录 / 注册; [`console`] holds the organisation pages. Every organisation
//! page resolves its organisation through [`org_context`], which refuses (404) anyone who does not
//! belong to it.

pub mod console;
pub mod layout;
pub mod login;

use crate::error::PageError;
use crate::session::Visitor;
use crate::state::Console;
use crate::store::accounts::{Session, User};
use crate::store::orgs::Membership;

/// A signed-in visitor looking at one of their organisations.
#[derive(Debug, Clone)]
pub struct OrgContext {
    pub session: Session,
    pub user: User,
    pub membership: Membership,
}

/// The organisation `org_id` as `visitor` may see it: signed in and a member, else refused.
pub fn org_context(console: &Console, visitor: &Visitor, org_id: &str) -> Result<OrgContext, PageError> {
    let (session, user) = visitor.signed_in()?;
    let membership = console
        .lock()
        .membership(&user.id, org_id)?
        .ok_or(PageError::NotFound)?;
    Ok(OrgContext {
        session: session.clone(),
        user: user.clone(),
        membership,
    })
}

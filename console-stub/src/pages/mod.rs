//! The console's browser interface: HTML pages server-rendered with maud — plain links and forms,
//! no JavaScript, each labelled with the seed's own words — and the 免登 entry the marketplace
//! sends buyers to. [`layout`] draws the frames (console navigation, wizard steps); [`login`] is
//! 登录 / 注册; [`verify`] is the 免登 entry (`GET /aliyun/sso`); [`wizard`] the binding's steps 2
//! and 3; [`clusters`] 项目, 创建集群 and 回收站; [`console`] the other organisation pages,
//! [`billing`] 账单 and [`usage`] its tab 用量明细; [`session`] and [`form`] read cookies, CSRF
//! tokens and posted fields; [`error`] renders every refusal as a page. Every organisation page
//! resolves its organisation through [`org_context`], which refuses (404) anyone who does not
//! belong to it. Floor: an interface, beside the SPI (module `spi`), importing neither it nor the
//! router; beneath it the state handle, the rules and the store.

pub mod billing;
pub mod clusters;
pub mod console;
pub mod error;
pub mod form;
pub mod layout;
pub mod login;
pub mod session;
pub mod usage;
pub mod verify;
pub mod wizard;

use crate::pages::error::PageError;
use crate::pages::layout::{Chrome, Nav};
use crate::pages::session::Visitor;
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

impl OrgContext {
    /// The console frame of a page about this organisation, with `active` highlighted.
    pub fn chrome(&self, active: Nav) -> Chrome<'_> {
        Chrome {
            user: &self.user,
            csrf: &self.session.csrf,
            org_id: Some(&self.membership.org.id),
            active,
        }
    }
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

//! `buyer` steps: the buyer's browser acting by visible label — sign in, open, fill, check,
//! uncheck, choose, click, submit, in that order, each narrowed by `row`, `dialog` or `nav` — and
//! an OpenAPI call signed with the buyer's own AccessKey.

use super::error::StepError;
use super::Run;
use crate::scenario::agent::Locator;
use crate::scenario::api::Keys;
use crate::scenario::model::BuyerStep;
use simulator::world::Buyer;

impl Run {
    pub(super) async fn buyer(&mut self, b: &BuyerStep) -> Result<(), StepError> {
        let scoped = |label: &str| {
            let mut l = Locator::new(label);
            if let Some(row) = &b.row {
                l = l.in_row(row.clone());
            }
            if let Some(dialog) = &b.dialog {
                l = l.in_dialog(dialog.clone());
            }
            if b.nav {
                l = l.in_nav();
            }
            l
        };
        if let Some(login) = &b.sign_in {
            self.sign_in(login).await?;
        }
        if let Some(target) = &b.open {
            self.agent.open(&self.url(target)).await?;
        }
        for (label, value) in b.fill.iter().flatten() {
            let acted = self.agent.fill(scoped(label), value)?;
            self.transcript.note(format!("filled {acted}"));
        }
        if let Some(label) = &b.check {
            let acted = self.agent.check(scoped(label))?;
            self.transcript.note(format!("checked {acted}"));
        }
        if let Some(label) = &b.uncheck {
            let acted = self.agent.uncheck(scoped(label))?;
            self.transcript.note(format!("unchecked {acted}"));
        }
        if let Some(label) = &b.choose {
            let acted = self.agent.choose(scoped(label))?;
            self.transcript.note(format!("chose {acted}"));
        }
        if let Some(label) = &b.click {
            let acted = self.agent.click(scoped(label)).await?;
            self.transcript.note(format!("clicked {acted}"));
        }
        if let Some(label) = &b.submit {
            let acted = self.agent.submit(scoped(label)).await?;
            self.transcript.note(format!("submitted {acted}"));
        }
        if let Some(action) = &b.call {
            let login = b
                .account
                .as_ref()
                .or(self.account.as_ref())
                .ok_or(StepError::NoCallingAccount)?;
            let buyer = self.world_buyer(login)?;
            let keys = Keys {
                access_key_id: buyer.access_key_id,
                secret: buyer.access_key_secret,
                security_token: None,
            };
            self.call(&keys, b.api, action, &b.params).await?;
        }
        Ok(())
    }

    /// Signs in through the marketplace's sign-in page, as a person would.
    async fn sign_in(&mut self, login: &str) -> Result<(), StepError> {
        let buyer = self.world_buyer(login)?;
        self.account = Some(buyer.login.clone());
        self.agent.open(&self.url("marketplace:/signin")).await?;
        self.agent.fill("账号名", &buyer.login)?;
        self.agent.fill("密码", &buyer.password)?;
        self.agent.submit("登录").await?;
        Ok(())
    }

    fn world_buyer(&self, login: &str) -> Result<Buyer, StepError> {
        self.world
            .sim
            .world()
            .buyer(login)
            .cloned()
            .ok_or_else(|| StepError::UnknownBuyer(login.to_owned()))
    }
}

//! `expect` steps: what must be true now — of the last API answer (its status, paths into its
//! JSON), of the current page (text, site, path, status) and of the SPI deliveries so far. Each
//! failure says what was expected and what was there instead.

use super::error::StepError;
use super::Run;
use crate::scenario::api;
use crate::scenario::json;
use crate::scenario::model::{Expect, ExpectSpi};
use protocol::time::spi_format;

impl Run {
    pub(super) fn expect(&mut self, e: &Expect) -> Result<(), StepError> {
        self.expect_answer(e)?;
        self.expect_page(e)?;
        if let Some(spi) = &e.spi {
            self.expect_spi(spi)?;
        }
        Ok(())
    }

    fn expect_page(&self, e: &Expect) -> Result<(), StepError> {
        let about_page = e.page_contains.is_some()
            || e.page_lacks.is_some()
            || e.site.is_some()
            || e.path.is_some()
            || e.status.is_some()
            || e.cookie.is_some();
        if !about_page {
            return Ok(());
        }
        let page = self.agent.page()?;
        let text = page.text();
        let here = self.transcript.site_url(page.url());
        let excerpt = || {
            let cut: String = text.chars().take(400).collect();
            format!("\n  the page ({here}) reads: {cut}")
        };
        if let Some(wanted) = &e.page_contains {
            if !text.contains(wanted.as_str()) {
                return Err(StepError::PageLacksText {
                    wanted: wanted.clone(),
                    excerpt: excerpt(),
                });
            }
        }
        if let Some(unwanted) = &e.page_lacks {
            if text.contains(unwanted.as_str()) {
                return Err(StepError::PageHasText {
                    unwanted: unwanted.clone(),
                    excerpt: excerpt(),
                });
            }
        }
        if let Some(site) = &e.site {
            if !here.starts_with(&format!("{site}:")) {
                return Err(StepError::WrongSite {
                    site: site.clone(),
                    here,
                });
            }
        }
        if let Some(path) = &e.path {
            if page.url().path() != path {
                return Err(StepError::WrongPath {
                    path: path.clone(),
                    here,
                });
            }
        }
        if let Some(wanted) = e.cookie {
            if self.agent.has_cookies_for(page.url()) != wanted {
                return Err(StepError::Cookie { wanted, here });
            }
        }
        if let Some(status) = e.status {
            if page.status() != status {
                return Err(StepError::WrongPageStatus {
                    expected: status,
                    actual: page.status(),
                    here,
                });
            }
        }
        Ok(())
    }

    fn expect_answer(&self, e: &Expect) -> Result<(), StepError> {
        if e.answer_status.is_none() && e.json.is_none() {
            return Ok(());
        }
        let answer = self.answer.as_ref().ok_or(StepError::NoAnswer)?;
        if let Some(status) = e.answer_status {
            if answer.status != status {
                return Err(StepError::WrongAnswerStatus {
                    expected: status,
                    answer: api::summary(answer),
                });
            }
        }
        for (path, expected) in e.json.iter().flatten() {
            json::check(&answer.body, path, expected).map_err(|mismatch| StepError::AnswerMismatch {
                mismatch,
                answer: api::summary(answer),
            })?;
        }
        Ok(())
    }

    fn expect_spi(&self, spi: &ExpectSpi) -> Result<(), StepError> {
        let deliveries = self.world.sim.store().deliveries(None)?;
        let at = |d: &simulator::store::deliveries::Delivery| {
            chrono::DateTime::from_timestamp_millis(d.at)
                .map(spi_format)
                .unwrap_or_default()
        };
        let matching: Vec<_> = deliveries
            .iter()
            .filter(|d| spi.action.as_ref().is_none_or(|a| *a == d.action))
            .filter(|d| spi.outcome.as_ref().is_none_or(|o| *o == d.outcome))
            .filter(|d| spi.instance.as_ref().is_none_or(|i| *i == d.instance_id))
            .collect();
        let found = matching.len();
        let times: Vec<String> = matching.iter().map(|d| at(d)).collect();
        let ok = match (spi.count, &spi.at) {
            (_, Some(wanted)) if *wanted != times => false,
            (Some(n), _) => found == n,
            (None, Some(_)) => true,
            (None, None) => found > 0,
        };
        if ok {
            return Ok(());
        }
        let wanted = format!(
            "{} {} deliver{}{}{}{}",
            spi.count.map(|n| n.to_string()).unwrap_or_else(|| "some".into()),
            spi.action.as_deref().unwrap_or("SPI"),
            if spi.count == Some(1) { "y" } else { "ies" },
            spi.instance
                .as_ref()
                .map(|i| format!(" to instance {i}"))
                .unwrap_or_default(),
            spi.outcome
                .as_ref()
                .map(|o| format!(" with outcome {o}"))
                .unwrap_or_default(),
            spi.at
                .as_ref()
                .map(|t| format!(" at [{}]", t.join(", ")))
                .unwrap_or_default()
        );
        Err(StepError::SpiDeliveries {
            wanted,
            found,
            seen: deliveries
                .iter()
                .map(|d| format!("{} {} at {}", d.action, d.outcome, at(d)))
                .collect(),
        })
    }
}

//! `vendor` steps: OpenAPI calls signed with the vendor's AccessKey (or its STS credentials), raw
//! HTTP requests — with the SPI token appended when asked, to play the marketplace's side — and
//! answers queued for the scripted vendor.

use super::error::StepError;
use super::Run;
use crate::scenario::api;
use crate::scenario::api::Keys;
use crate::scenario::model::{Api, HttpStep, VendorStep};

impl Run {
    pub(super) async fn vendor(&mut self, v: &VendorStep) -> Result<(), StepError> {
        let vendor = self
            .world
            .sim
            .world()
            .vendors
            .first()
            .cloned()
            .ok_or(StepError::NoVendor)?;
        if let Some(action) = &v.call {
            let keys = if v.sts {
                let sts = self
                    .world
                    .sim
                    .world()
                    .sts
                    .iter()
                    .find(|c| c.owner == vendor.id)
                    .cloned()
                    .ok_or_else(|| StepError::NoStsCredentials(vendor.id.clone()))?;
                Keys {
                    access_key_id: sts.access_key_id,
                    secret: sts.access_key_secret,
                    security_token: Some(sts.security_token),
                }
            } else {
                Keys {
                    access_key_id: vendor.access_key_id.clone(),
                    secret: vendor.access_key_secret.clone(),
                    security_token: None,
                }
            };
            self.call(&keys, Api::Market, action, &v.params).await?;
        }
        if let Some(http) = &v.http {
            self.http(http, &vendor.spi_key).await?;
        }
        if let Some(answers) = &v.answers {
            let scripted = self
                .scripted
                .as_ref()
                .ok_or(StepError::AnswersWithoutScriptedVendor)?;
            scripted.push(answers).map_err(StepError::BadDuration)?;
            self.transcript.note(format!(
                "queued {} scripted answer(s)",
                answers.iter().map(|a| a.times.unwrap_or(1)).sum::<u32>()
            ));
        }
        Ok(())
    }

    /// A raw request: GET, or POST when it has a form; the answer kept like an API call's.
    async fn http(&mut self, h: &HttpStep, spi_key: &str) -> Result<(), StepError> {
        let mut url = self.url(&h.url);
        if h.spi_token {
            let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
            let params = protocol::spi::decode_query(query);
            url = protocol::spi::append_query(base, &protocol::spi::signed_query(&params, spi_key));
        }
        let form: Option<Vec<(String, String)>> = h
            .form
            .as_ref()
            .map(|f| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        let method = h.method.clone().unwrap_or_else(|| {
            if form.is_some() {
                "POST".into()
            } else {
                "GET".into()
            }
        });
        let answer = api::raw(&method, &url, form.as_deref()).await?;
        let shown = url::Url::parse(&url)
            .map(|u| self.transcript.site_url(&u))
            .unwrap_or(url.clone());
        self.transcript.note(format!(
            "{} {shown} {}",
            method.to_ascii_uppercase(),
            api::summary(&answer)
        ));
        self.answer = Some(answer);
        Ok(())
    }
}

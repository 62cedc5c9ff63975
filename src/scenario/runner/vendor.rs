//! `vendor` steps: OpenAPI calls signed with the vendor's AccessKey (or its STS credentials), raw
//! HTTP requests — with the SPI token appended when asked, to play the marketplace's side — pages
//! of the billing feed, and answers queued for the scripted vendor.

use super::error::StepError;
use super::Run;
use crate::scenario::api;
use crate::scenario::api::Keys;
use crate::scenario::json::param_text;
use crate::scenario::model::{Api, FeedStep, HttpStep, VendorStep};
use serde_json::Value;

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
        if let Some(feed) = &v.feed {
            let keys = Keys {
                access_key_id: vendor.access_key_id.clone(),
                secret: vendor.access_key_secret.clone(),
                security_token: None,
            };
            self.feed(&keys, feed).await?;
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

    /// A page of the billing feed read with `keys`: the transcript tells how many entries of which
    /// type, and where the page ends; the answer is kept for `expect: { json: … }`.
    async fn feed(&mut self, keys: &Keys, f: &FeedStep) -> Result<(), StepError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in [("offset", &f.offset), ("limit", &f.limit)] {
            if let Some(v) = value {
                pairs.push((name.to_owned(), param_text(v)));
            }
        }
        let answer = api::call(
            &self.world.marketplace_url,
            keys,
            Api::Market,
            "ReadBillingFeed",
            &pairs,
        )
        .await?;
        let told = match answer.body.get("entries").and_then(Value::as_array) {
            Some(entries) if answer.status == 200 => {
                let mut kinds: Vec<(String, usize)> = Vec::new();
                for e in entries {
                    let kind = e.get("type").and_then(Value::as_str).unwrap_or("?").to_owned();
                    match kinds.iter_mut().find(|(k, _)| *k == kind) {
                        Some((_, n)) => *n += 1,
                        None => kinds.push((kind, 1)),
                    }
                }
                let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
                let kinds = if kinds.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", kinds.join(", "))
                };
                format!(
                    "→ 200 {} entries{kinds}, next_offset {}, end_offset {}",
                    entries.len(),
                    answer.body.get("next_offset").unwrap_or(&Value::Null),
                    answer.body.get("end_offset").unwrap_or(&Value::Null)
                )
            }
            _ => api::summary(&answer),
        };
        self.transcript
            .note(format!("GET marketplace:/ ReadBillingFeed {told}"));
        self.answer = Some(answer);
        Ok(())
    }
}

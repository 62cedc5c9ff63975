//! `capture` steps: values remembered for later steps as `${name}` — the first group of a regular
//! expression over the page's text or URL, a path into the last answer, or a parameter of the
//! latest SPI delivery of an action.

use super::error::StepError;
use super::Run;
use crate::scenario::json;
use crate::scenario::model::Capture;
use std::collections::BTreeMap;

impl Run {
    pub(super) fn capture(&mut self, captures: &BTreeMap<String, Capture>) -> Result<(), StepError> {
        for (name, from) in captures {
            let value = self.captured(from)?;
            self.transcript.note(format!("captured {name} = {value}"));
            self.vars.insert(name.clone(), value);
        }
        Ok(())
    }

    fn captured(&self, from: &Capture) -> Result<String, StepError> {
        match from {
            Capture::Page(pattern) => first_group(pattern, &self.agent.page_text()?),
            Capture::Url(pattern) => first_group(pattern, self.agent.page()?.url().as_str()),
            Capture::Json(path) => {
                let answer = self.answer.as_ref().ok_or(StepError::NoAnswerToCapture)?;
                match json::at(&answer.body, path) {
                    Some(serde_json::Value::String(s)) => Ok(s.clone()),
                    Some(other) => Ok(other.to_string()),
                    None => Err(StepError::NothingAtPath(path.clone())),
                }
            }
            Capture::Spi { action, param } => {
                let deliveries = self.world.sim.store().deliveries(None)?;
                let latest = deliveries
                    .iter()
                    .rev()
                    .find(|d| d.action == *action)
                    .ok_or_else(|| StepError::NoDeliveryToCapture(action.clone()))?;
                latest
                    .params
                    .iter()
                    .find(|(k, _)| k == param)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| StepError::NoDeliveryParameter {
                        action: action.clone(),
                        param: param.clone(),
                    })
            }
        }
    }
}

/// The first group of `pattern`'s first match in `text` (the whole match when it has no group).
fn first_group(pattern: &str, text: &str) -> Result<String, StepError> {
    let re = regex::Regex::new(pattern).map_err(|source| StepError::NotARegex {
        pattern: pattern.to_owned(),
        source,
    })?;
    let caps = re.captures(text).ok_or_else(|| StepError::NoMatch {
        pattern: pattern.to_owned(),
        excerpt: text.chars().take(300).collect(),
    })?;
    Ok(caps
        .get(1)
        .or_else(|| caps.get(0))
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default())
}

//! The signed OpenAPI calls `buyer` and `vendor` steps make: parameters sent as the official SDK
//! sends them, the answer summarised in the transcript and kept for later expectations and
//! captures. A call of the Billing OpenAPI is written `bss <action>`.

use super::error::StepError;
use super::Run;
use crate::scenario::api::{self, Keys};
use crate::scenario::json::param_text;
use crate::scenario::model::Api;
use std::collections::BTreeMap;

impl Run {
    pub(super) async fn call(
        &mut self,
        keys: &Keys,
        api: Api,
        action: &str,
        params: &BTreeMap<String, serde_yaml::Value>,
    ) -> Result<(), StepError> {
        let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), param_text(v))).collect();
        let answer = api::call(&self.world.marketplace_url, keys, api, action, &pairs).await?;
        let (method, _) = api::placement(action);
        let named = match api {
            Api::Market => action.to_owned(),
            Api::Bss => format!("bss {action}"),
        };
        self.transcript.note(format!(
            "{method} marketplace:/ {named} {}",
            api::summary(&answer)
        ));
        self.answer = Some(answer);
        Ok(())
    }
}

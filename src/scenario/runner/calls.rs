//! The signed OpenAPI calls `buyer` and `vendor` steps make: parameters sent as the official SDK
//! sends them, the answer summarised in the transcript and kept for later expectations and
//! captures.

use super::error::StepError;
use super::Run;
use crate::scenario::api::{self, Keys};
use crate::scenario::json::param_text;
use std::collections::BTreeMap;

impl Run {
    pub(super) async fn call(
        &mut self,
        keys: &Keys,
        action: &str,
        params: &BTreeMap<String, serde_yaml::Value>,
    ) -> Result<(), StepError> {
        let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), param_text(v))).collect();
        let answer = api::call(&self.world.marketplace_url, keys, action, &pairs).await?;
        let (method, _) = api::placement(action);
        self.transcript.note(format!(
            "{method} marketplace:/ {action} {}",
            api::summary(&answer)
        ));
        self.answer = Some(answer);
        Ok(())
    }
}

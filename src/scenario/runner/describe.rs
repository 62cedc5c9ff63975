//! A step in one line for the transcript: `buyer fill 企业邮箱, 密码, submit 登录`,
//! `clock advance 3m`, `vendor call PushMeteringData Metering=[…]` (long parameters cut).

use crate::scenario::json::param_text;
use crate::scenario::model::{Api, BuyerStep, ClockStep, Step, VendorStep};
use std::collections::BTreeMap;

/// The transcript's line for `step`, after its variables are filled in.
pub(super) fn describe(step: &Step) -> String {
    match step {
        Step::Buyer(b) => buyer(b),
        Step::Vendor(v) => vendor(v),
        Step::Clock(ClockStep::Advance(by)) => format!("clock advance {by}"),
        Step::Clock(ClockStep::AdvanceTo(to)) => format!("clock advance to {to}"),
        Step::Clock(ClockStep::RunUntilIdle(limit)) => format!("clock run until idle (at most {limit})"),
        Step::Expect(_) => "expect".into(),
        Step::Marketplace(m) => format!("marketplace{}", if m.reset { " reset" } else { "" }),
        Step::Capture(c) => format!("capture {}", c.keys().cloned().collect::<Vec<_>>().join(", ")),
        Step::Include(i) => format!("include {}", i.file),
    }
}

fn buyer(b: &BuyerStep) -> String {
    let mut parts = Vec::new();
    if let Some(v) = &b.sign_in {
        parts.push(format!("sign in as {v}"));
    }
    if let Some(v) = &b.open {
        parts.push(format!("open {v}"));
    }
    if let Some(f) = &b.fill {
        parts.push(format!(
            "fill {}",
            f.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let labelled = [
        ("check", &b.check),
        ("uncheck", &b.uncheck),
        ("choose", &b.choose),
        ("click", &b.click),
        ("submit", &b.submit),
        ("in row", &b.row),
        ("in dialog", &b.dialog),
    ];
    for (label, value) in labelled {
        if let Some(v) = value {
            parts.push(format!("{label} {v}"));
        }
    }
    if b.nav {
        parts.push("in nav".into());
    }
    if let Some(v) = &b.call {
        let api = if b.api == Api::Bss { "bss " } else { "" };
        parts.push(format!("call {api}{v}{}", params_text(&b.params)));
    }
    format!("buyer {}", parts.join(", "))
}

fn vendor(v: &VendorStep) -> String {
    let mut parts = Vec::new();
    if let Some(call) = &v.call {
        parts.push(format!(
            "call {call}{}{}",
            if v.sts { " (STS)" } else { "" },
            params_text(&v.params)
        ));
    }
    if let Some(h) = &v.http {
        parts.push(format!(
            "http {} {}",
            h.method
                .as_deref()
                .unwrap_or(if h.form.is_some() { "POST" } else { "GET" }),
            h.url
        ));
    }
    if let Some(f) = &v.feed {
        let mut asked = BTreeMap::new();
        for (name, value) in [("offset", &f.offset), ("limit", &f.limit)] {
            if let Some(value) = value {
                asked.insert(name.to_owned(), value.clone());
            }
        }
        parts.push(format!("feed{}", params_text(&asked)));
    }
    if let Some(a) = &v.answers {
        parts.push(format!(
            "answers ×{}",
            a.iter().map(|a| a.times.unwrap_or(1)).sum::<u32>()
        ));
    }
    format!("vendor {}", parts.join(", "))
}

/// A call's parameters for the step line: ` InstanceId=… PageSize=…` (long values cut).
fn params_text(params: &BTreeMap<String, serde_yaml::Value>) -> String {
    if params.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            let text = param_text(v);
            let cut: String = text.chars().take(80).collect();
            format!("{k}={cut}{}", if text.chars().count() > 80 { "…" } else { "" })
        })
        .collect();
    format!(" {}", shown.join(" "))
}

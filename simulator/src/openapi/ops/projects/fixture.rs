//! The fixture projects (`fixtures/openapi/projects.yaml`), put into a fresh or reset world.

use super::{ATTACHMENT, LOG, MESSAGE};
use crate::state::Simulator;
use crate::store::StoreError;
use protocol::time::{epoch_millis, spi_parse};
use rusqlite::params;
use serde::Deserialize;

const FIXTURE: &str = include_str!("../../../../../fixtures/openapi/projects.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    projects: Vec<FixtureProject>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureProject {
    instance_id: String,
    order_id: i64,
    product: String,
    sku: String,
    sku_name: String,
    customer_ali_uid: String,
    supplier_ali_uid: String,
    template_id: i64,
    template_type: String,
    created: String,
    expires: String,
    current_step: i64,
    nodes: Vec<FixtureNode>,
    #[serde(default)]
    messages: Vec<FixtureEntry>,
    #[serde(default)]
    logs: Vec<FixtureEntry>,
    #[serde(default)]
    attachments: Vec<FixtureAttachment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureNode {
    id: i64,
    name: String,
    operator_role: String,
    allow_rollback: bool,
    need_attachment: bool,
    #[serde(default)]
    started: Option<String>,
    #[serde(default)]
    finished: Option<String>,
    template_form: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureEntry {
    at: String,
    role: String,
    #[serde(alias = "description")]
    content: String,
}

#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct FixtureAttachment {
    at: String,
    node: i64,
    role: String,
    #[serde(rename = "type")]
    kind: String,
    file_name: String,
    file_size: i64,
    token: String,
    content: String,
}

fn millis(date: &str) -> i64 {
    epoch_millis(spi_parse(date).unwrap_or_else(|| panic!("fixture date `{date}` is yyyy-MM-dd HH:mm:ss")))
}

/// Puts the fixture projects of the world's products into a fresh or reset world.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture: Fixture = serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/projects.yaml is valid");
    let mut conn = sim.store().conn();
    let tx = conn.transaction()?;
    for p in fixture.projects {
        if sim.world().product(&p.product).is_none() {
            continue;
        }
        let finished = p.current_step > p.nodes.len() as i64;
        tx.execute(
            "INSERT OR REPLACE INTO market_projects (instance_id, order_id, product_code, sku_id, sku_name,
                customer_ali_uid, supplier_ali_uid, template_id, template_type, status, current_step, finish_type,
                created_at, expires_at, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, ?12, ?13, NULL)",
            params![
                p.instance_id,
                p.order_id,
                p.product,
                p.sku,
                p.sku_name,
                p.customer_ali_uid,
                p.supplier_ali_uid,
                p.template_id,
                p.template_type,
                if finished { "Finish" } else { "Starting" },
                p.current_step.min(p.nodes.len() as i64),
                millis(&p.created),
                millis(&p.expires),
            ],
        )?;
        for (i, n) in p.nodes.iter().enumerate() {
            let step = i as i64 + 1;
            let status = match step.cmp(&p.current_step) {
                std::cmp::Ordering::Less => "Finish",
                std::cmp::Ordering::Equal => "Starting",
                std::cmp::Ordering::Greater => "NotStart",
            };
            tx.execute(
                "INSERT OR REPLACE INTO market_project_nodes (instance_id, node_id, step_no, name, status,
                    operator_role, allow_rollback, need_attachment, template_form, started_at, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    p.instance_id,
                    n.id,
                    step,
                    n.name,
                    status,
                    n.operator_role,
                    n.allow_rollback,
                    n.need_attachment,
                    n.template_form,
                    n.started.as_deref().map(millis),
                    n.finished.as_deref().map(millis),
                ],
            )?;
        }
        let entries = p
            .messages
            .iter()
            .map(|m| (MESSAGE, m))
            .chain(p.logs.iter().map(|l| (LOG, l)));
        for (kind, e) in entries {
            tx.execute(
                "INSERT INTO market_project_entries (instance_id, kind, at, operator_role, text, node_id, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL)",
                params![p.instance_id, kind, millis(&e.at), e.role, e.content],
            )?;
        }
        for a in &p.attachments {
            tx.execute(
                "INSERT INTO market_project_entries (instance_id, kind, at, operator_role, text, node_id, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    p.instance_id,
                    ATTACHMENT,
                    millis(&a.at),
                    a.role,
                    a.content,
                    a.node,
                    serde_json::to_string(a).expect("attachment serializes"),
                ],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

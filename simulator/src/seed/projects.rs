//! The service-delivery projects of the world's products (`fixtures/openapi/projects.yaml`): each
//! with its nodes, the current one started, and its messages, operation log and attachments.

use crate::state::Simulator;
use crate::store::projects::{Entry, EntryKind, Node, Project};
use crate::store::StoreError;
use serde::Deserialize;

const FIXTURE: &str = include_str!("../../../fixtures/openapi/projects.yaml");

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

/// Puts the fixture projects of the world's products into a fresh or reset world.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture: Fixture = serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/projects.yaml is valid");
    let millis = super::millis;
    sim.store().transaction(|tx| {
        for p in fixture.projects {
            if sim.world().product(&p.product).is_none() {
                continue;
            }
            let finished = p.current_step > p.nodes.len() as i64;
            tx.put_project(&Project {
                instance_id: p.instance_id.clone(),
                order_id: p.order_id,
                product_code: p.product,
                sku_id: p.sku,
                sku_name: p.sku_name,
                customer_ali_uid: p.customer_ali_uid,
                supplier_ali_uid: p.supplier_ali_uid,
                template_id: p.template_id,
                template_type: p.template_type,
                status: if finished { "Finish" } else { "Starting" }.to_owned(),
                current_step: p.current_step.min(p.nodes.len() as i64),
                finish_type: None,
                created_at: millis(&p.created),
                expires_at: millis(&p.expires),
                finished_at: None,
            })?;
            for (i, n) in p.nodes.iter().enumerate() {
                let step = i as i64 + 1;
                let status = match step.cmp(&p.current_step) {
                    std::cmp::Ordering::Less => "Finish",
                    std::cmp::Ordering::Equal => "Starting",
                    std::cmp::Ordering::Greater => "NotStart",
                };
                let node = Node {
                    node_id: n.id,
                    step_no: step,
                    name: n.name.clone(),
                    status: status.to_owned(),
                    operator_role: n.operator_role.clone(),
                    allow_rollback: n.allow_rollback,
                    need_attachment: n.need_attachment,
                    template_form: n.template_form.clone(),
                    started_at: n.started.as_deref().map(millis),
                    finished_at: n.finished.as_deref().map(millis),
                };
                tx.put_project_node(&p.instance_id, &node)?;
            }
            let entries = p
                .messages
                .iter()
                .map(|m| (EntryKind::Message, m))
                .chain(p.logs.iter().map(|l| (EntryKind::Log, l)));
            for (kind, e) in entries {
                let entry = Entry {
                    at: millis(&e.at),
                    role: e.role.clone(),
                    text: e.content.clone(),
                    node_id: None,
                    extra: None,
                };
                tx.add_project_entry(&p.instance_id, kind, &entry)?;
            }
            for a in &p.attachments {
                let entry = Entry {
                    at: millis(&a.at),
                    role: a.role.clone(),
                    text: a.content.clone(),
                    node_id: Some(a.node),
                    extra: Some(serde_json::to_string(a).expect("attachment serializes")),
                };
                tx.add_project_entry(&p.instance_id, EntryKind::Attachment, &entry)?;
            }
        }
        Ok(())
    })
}

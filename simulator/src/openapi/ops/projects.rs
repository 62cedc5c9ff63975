//! Service-delivery projects (服务交付): a project per marketplace instance, a chain of nodes each
//! operated by the provider or the customer, its messages, operation log and attachments
//! (`fixtures/openapi/projects.yaml`, kept in `market_projects`, `market_project_nodes` and
//! `market_project_entries`).
//!
//! The vendor of the project's product and the customer who bought it see a project; anyone else
//! gets `InvalidInstanceId.NotFound`. The operator of the current node (Provider → the vendor,
//! Custom → the customer) finishes it or sends it back; only the provider pauses and resumes.

use crate::openapi::{ApiError, Call, Caller, Operation};
use crate::state::Simulator;
use crate::store::StoreError;
use protocol::time::{epoch_millis, spi_parse};
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Value};

pub const OPS: &[(&str, Operation)] = &[
    ("DescribeProjectInfo", Operation::Now(describe_project_info)),
    ("DescribeProjectNodes", Operation::Now(describe_project_nodes)),
    (
        "DescribeCurrentNodeInfo",
        Operation::Now(describe_current_node_info),
    ),
    (
        "DescribeProjectMessages",
        Operation::Now(describe_project_messages),
    ),
    (
        "DescribeProjectOperateLogs",
        Operation::Now(describe_project_operate_logs),
    ),
    (
        "DescribeProjectAttachments",
        Operation::Now(describe_project_attachments),
    ),
    (
        "FinishCurrentProjectNode",
        Operation::Now(finish_current_project_node),
    ),
    (
        "RollbackCurrentProjectNode",
        Operation::Now(rollback_current_project_node),
    ),
    ("PauseProject", Operation::Now(pause_project)),
    ("ResumeProject", Operation::Now(resume_project)),
];

/// This family's tables (`CREATE TABLE IF NOT EXISTS …`).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS market_projects (
    instance_id TEXT PRIMARY KEY, order_id INTEGER NOT NULL, product_code TEXT NOT NULL, sku_id TEXT NOT NULL,
    sku_name TEXT NOT NULL, customer_ali_uid TEXT NOT NULL, supplier_ali_uid TEXT NOT NULL,
    template_id INTEGER NOT NULL, template_type TEXT NOT NULL, status TEXT NOT NULL,
    current_step INTEGER NOT NULL, finish_type TEXT, created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL, finished_at INTEGER);
CREATE TABLE IF NOT EXISTS market_project_nodes (
    instance_id TEXT NOT NULL, node_id INTEGER NOT NULL, step_no INTEGER NOT NULL, name TEXT NOT NULL,
    status TEXT NOT NULL, operator_role TEXT NOT NULL, allow_rollback INTEGER NOT NULL,
    need_attachment INTEGER NOT NULL, template_form TEXT NOT NULL, started_at INTEGER, finished_at INTEGER,
    PRIMARY KEY (instance_id, node_id));
CREATE TABLE IF NOT EXISTS market_project_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL,
    operator_role TEXT NOT NULL, text TEXT NOT NULL, node_id INTEGER, extra TEXT);
CREATE INDEX IF NOT EXISTS market_project_entries_by_instance ON market_project_entries (instance_id, kind, id);
";

const FIXTURE: &str = include_str!("../../../../fixtures/openapi/projects.yaml");

/// Rows in `market_project_entries`.
const LOG: &str = "log";
const MESSAGE: &str = "message";
const ATTACHMENT: &str = "attachment";

/// Messages per page of DescribeProjectMessages.
const MESSAGES_PER_PAGE: i64 = 20;

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

struct Project {
    instance_id: String,
    order_id: i64,
    product_code: String,
    sku_id: String,
    sku_name: String,
    customer_ali_uid: String,
    supplier_ali_uid: String,
    template_id: i64,
    template_type: String,
    status: String,
    current_step: i64,
    finish_type: Option<String>,
    created_at: i64,
    expires_at: i64,
    finished_at: Option<i64>,
}

struct Node {
    node_id: i64,
    step_no: i64,
    name: String,
    status: String,
    operator_role: String,
    allow_rollback: bool,
    need_attachment: bool,
    template_form: String,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

fn illegal(code: &str, message: &str) -> ApiError {
    ApiError::new(400, code, message)
}

fn illegal_parameter(name: &str) -> ApiError {
    illegal("IllegalParameter", &format!("Illegal parameter {name}."))
}

/// The role the caller plays in a project it may see.
fn role(call: &Call<'_>) -> &'static str {
    match call.caller {
        Caller::Vendor(_) => "Provider",
        Caller::Buyer(_) => "Custom",
    }
}

/// The project on `InstanceId`, if the caller is its product's vendor or its customer.
fn project(call: &Call<'_>) -> Result<Project, ApiError> {
    let id = call.params.required("InstanceId")?;
    let project = call
        .sim
        .store()
        .conn()
        .query_row(
            "SELECT instance_id, order_id, product_code, sku_id, sku_name, customer_ali_uid, supplier_ali_uid,
                template_id, template_type, status, current_step, finish_type, created_at, expires_at, finished_at
             FROM market_projects WHERE instance_id = ?1",
            [id],
            |r| {
                Ok(Project {
                    instance_id: r.get(0)?,
                    order_id: r.get(1)?,
                    product_code: r.get(2)?,
                    sku_id: r.get(3)?,
                    sku_name: r.get(4)?,
                    customer_ali_uid: r.get(5)?,
                    supplier_ali_uid: r.get(6)?,
                    template_id: r.get(7)?,
                    template_type: r.get(8)?,
                    status: r.get(9)?,
                    current_step: r.get(10)?,
                    finish_type: r.get(11)?,
                    created_at: r.get(12)?,
                    expires_at: r.get(13)?,
                    finished_at: r.get(14)?,
                })
            },
        )
        .optional()
        .map_err(StoreError::from)?;
    let visible = |p: &Project| match call.caller {
        Caller::Vendor(v) => call
            .sim
            .world()
            .product(&p.product_code)
            .is_some_and(|product| product.vendor == v.id),
        Caller::Buyer(b) => b.ali_uid == p.customer_ali_uid,
    };
    project
        .filter(visible)
        .ok_or_else(|| ApiError::not_found("InstanceId"))
}

fn nodes(call: &Call<'_>, instance_id: &str) -> Result<Vec<Node>, ApiError> {
    let conn = call.sim.store().conn();
    let mut stmt = conn
        .prepare(
            "SELECT node_id, step_no, name, status, operator_role, allow_rollback, need_attachment, template_form,
                started_at, finished_at FROM market_project_nodes WHERE instance_id = ?1 ORDER BY step_no",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([instance_id], |r| {
            Ok(Node {
                node_id: r.get(0)?,
                step_no: r.get(1)?,
                name: r.get(2)?,
                status: r.get(3)?,
                operator_role: r.get(4)?,
                allow_rollback: r.get(5)?,
                need_attachment: r.get(6)?,
                template_form: r.get(7)?,
                started_at: r.get(8)?,
                finished_at: r.get(9)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::from)?;
    Ok(rows)
}

fn node_json(p: &Project, all: &[Node], i: usize) -> Value {
    let n = &all[i];
    let neighbour = |j: Option<usize>| j.and_then(|j| all.get(j)).map_or(0, |n| n.node_id);
    let mut v = json!({
        "NodeId": n.node_id,
        "NodeName": n.name,
        "NodeStatus": n.status,
        "StepNo": n.step_no,
        "FinalStepNo": all.len(),
        "OperatorRole": n.operator_role,
        "AllowRollbackNode": n.allow_rollback,
        "AutoFinishNode": false,
        "NeedAttachment": n.need_attachment,
        "ParentNodeId": 0,
        "PreviousNodeId": neighbour(i.checked_sub(1)),
        "NextNodeId": neighbour(Some(i + 1)),
        "TemplateForm": n.template_form,
        "GmtExpired": p.expires_at,
    });
    if let Some(at) = n.started_at {
        v["GmtStart"] = json!(at);
    }
    if let Some(at) = n.finished_at {
        v["GmtFinished"] = json!(at);
    }
    v
}

fn ok(result: Value) -> Value {
    json!({ "Success": true, "Result": result })
}

fn describe_project_info(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let final_step = nodes(call, &p.instance_id)?.len();
    let product_name = call
        .sim
        .world()
        .product(&p.product_code)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let mut result = json!({
        "InstanceId": p.instance_id,
        "OrderId": p.order_id,
        "ProductCode": p.product_code,
        "ProductName": product_name,
        "ProductSkuCode": p.sku_id,
        "ProductSkuName": p.sku_name,
        "CustomerAliUid": p.customer_ali_uid.parse::<i64>().unwrap_or_default(),
        "SupplierAliUid": p.supplier_ali_uid.parse::<i64>().unwrap_or_default(),
        "TemplateId": p.template_id,
        "TemplateType": p.template_type,
        "ProjectStatus": p.status,
        "CurrentStepNo": p.current_step,
        "FinalStepNo": final_step,
        "GmtCreate": p.created_at,
        "GmtExpired": p.expires_at,
    });
    if let Some(t) = &p.finish_type {
        result["FinishType"] = json!(t);
    }
    if let Some(at) = p.finished_at {
        result["GmtFinished"] = json!(at);
    }
    Ok(ok(result))
}

fn describe_project_nodes(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let list: Vec<Value> = (0..all.len()).map(|i| node_json(&p, &all, i)).collect();
    Ok(ok(json!(list)))
}

/// The index of the project's current node.
fn current(p: &Project, all: &[Node]) -> Result<usize, ApiError> {
    all.iter()
        .position(|n| n.step_no == p.current_step)
        .ok_or_else(ApiError::internal)
}

fn describe_current_node_info(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let i = current(&p, &all)?;
    Ok(ok(node_json(&p, &all, i)))
}

/// Who wrote an entry: the customer, the supplier, or the system (0).
fn operator(call: &Call<'_>, p: &Project, role: &str) -> (i64, String) {
    match role {
        "Custom" => (
            p.customer_ali_uid.parse().unwrap_or_default(),
            call.sim
                .world()
                .buyer_by_uid(&p.customer_ali_uid)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
        ),
        "Provider" => (
            p.supplier_ali_uid.parse().unwrap_or_default(),
            call.sim
                .world()
                .product(&p.product_code)
                .and_then(|x| call.sim.world().vendor(&x.vendor))
                .map(|v| v.name.clone())
                .unwrap_or_default(),
        ),
        _ => (0, "系统".to_owned()),
    }
}

struct Entry {
    at: i64,
    role: String,
    text: String,
    node_id: Option<i64>,
    extra: Option<String>,
}

fn entries(
    call: &Call<'_>,
    p: &Project,
    kind: &str,
    page: Option<(i64, i64)>,
) -> Result<Vec<Entry>, ApiError> {
    let (limit, offset) = page.unwrap_or((-1, 0));
    let conn = call.sim.store().conn();
    let mut stmt = conn
        .prepare(
            "SELECT at, operator_role, text, node_id, extra FROM market_project_entries
             WHERE instance_id = ?1 AND kind = ?2 ORDER BY at, id LIMIT ?3 OFFSET ?4",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map(params![p.instance_id, kind, limit, offset], |r| {
            Ok(Entry {
                at: r.get(0)?,
                role: r.get(1)?,
                text: r.get(2)?,
                node_id: r.get(3)?,
                extra: r.get(4)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::from)?;
    Ok(rows)
}

fn describe_project_messages(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let page = match call.params.get("PageIndex") {
        None => 1,
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| illegal_parameter("PageIndex"))?,
    };
    let total: i64 = call
        .sim
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM market_project_entries WHERE instance_id = ?1 AND kind = ?2",
            params![p.instance_id, MESSAGE],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    let list: Vec<Value> = entries(
        call,
        &p,
        MESSAGE,
        Some((MESSAGES_PER_PAGE, (page - 1) * MESSAGES_PER_PAGE)),
    )?
    .into_iter()
    .map(|e| {
        let (uid, name) = operator(call, &p, &e.role);
        json!({"Content": e.text, "GmtCreate": e.at, "Operator": uid, "OperatorName": name, "OperatorRole": e.role})
    })
    .collect();
    Ok(json!({ "Success": true, "Result": list, "TotalCount": total }))
}

fn describe_project_operate_logs(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let list: Vec<Value> = entries(call, &p, LOG, None)?
        .into_iter()
        .map(|e| {
            let (uid, name) = operator(call, &p, &e.role);
            json!({"Description": e.text, "GmtCreate": e.at, "Operator": uid, "OperatorName": name, "OperatorRole": e.role})
        })
        .collect();
    Ok(ok(json!(list)))
}

fn describe_project_attachments(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let list: Vec<Value> = entries(call, &p, ATTACHMENT, None)?
        .into_iter()
        .map(|e| {
            let (uid, name) = operator(call, &p, &e.role);
            let extra: Value = e
                .extra
                .as_deref()
                .and_then(|x| serde_json::from_str(x).ok())
                .unwrap_or(Value::Null);
            let node = all.iter().find(|n| Some(n.node_id) == e.node_id);
            let file_name = extra["file_name"].as_str().unwrap_or_default().to_owned();
            let suffix = file_name
                .rsplit_once('.')
                .map(|(_, s)| s.to_owned())
                .unwrap_or_default();
            let token = extra["token"].as_str().unwrap_or_default().to_owned();
            let mut v = json!({
                "AttachmentType": extra["type"].as_str().unwrap_or("Form"),
                "Content": e.text,
                "GmtCreate": e.at,
                "NodeId": e.node_id.unwrap_or_default(),
                "NodeName": node.map(|n| n.name.as_str()).unwrap_or_default(),
                "StepNo": node.map_or(0, |n| n.step_no),
                "Operator": uid,
                "OperatorName": name,
                "OperatorRole": e.role,
            });
            if !file_name.is_empty() {
                v["FileName"] = json!(file_name);
                v["FileSuffix"] = json!(suffix);
                v["FileSize"] = json!(extra["file_size"].as_i64().unwrap_or_default());
                v["AttachmentToken"] = json!(token);
                v["FileLink"] = json!(format!(
                    "https://market.aliyun.com/attachments/{}/{token}/{file_name}",
                    p.instance_id
                ));
                v["FileLinkGmtExpired"] = json!(epoch_millis(call.sim.clock().now()) + 3_600_000);
            }
            v
        })
        .collect();
    Ok(ok(json!(list)))
}

/// The checks every change makes: the project is under way, `NodeId` is its current node.
fn current_node_for_change(call: &Call<'_>, p: &Project, all: &[Node]) -> Result<usize, ApiError> {
    let node_id = call.params.required("NodeId")?;
    let node_id: i64 = node_id.trim().parse().map_err(|_| illegal_parameter("NodeId"))?;
    match p.status.as_str() {
        "Starting" => {}
        "Pause" => return Err(illegal("IllegalProjectStatus", "The project is paused.")),
        _ => return Err(illegal("IllegalProjectStatus", "The project is finished.")),
    }
    let i = current(p, all)?;
    if all[i].node_id != node_id {
        return Err(illegal(
            "IllegalCurrentNode",
            "The node is not the project's current node.",
        ));
    }
    Ok(i)
}

fn operator_of(call: &Call<'_>, node: &Node) -> Result<(), ApiError> {
    if node.operator_role != role(call) {
        return Err(illegal(
            "IllegalOperatorRole",
            "The caller does not operate the current node.",
        ));
    }
    Ok(())
}

fn with_remark(text: String, call: &Call<'_>) -> String {
    match call.params.get("Remark") {
        Some(r) => format!("{text}（备注：{r}）"),
        None => text,
    }
}

fn log(tx: &rusqlite::Transaction<'_>, p: &Project, at: i64, role: &str, text: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO market_project_entries (instance_id, kind, at, operator_role, text, node_id, extra)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL)",
        params![p.instance_id, LOG, at, role, text],
    )?;
    Ok(())
}

fn finish_current_project_node(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let i = current_node_for_change(call, &p, &all)?;
    let node = &all[i];
    operator_of(call, node)?;
    let form = match call.params.get("TemplateForm") {
        Some(f) => Some(
            serde_json::from_str::<Value>(f)
                .map(|v| v.to_string())
                .map_err(|_| illegal_parameter("TemplateForm"))?,
        ),
        None => None,
    };
    let now = epoch_millis(call.sim.clock().now());
    let who = role(call);
    let mut conn = call.sim.store().conn();
    let tx = conn.transaction().map_err(StoreError::from)?;
    let write = || -> rusqlite::Result<()> {
        tx.execute(
            "UPDATE market_project_nodes SET status = 'Finish', finished_at = ?3 WHERE instance_id = ?1 AND node_id = ?2",
            params![p.instance_id, node.node_id, now],
        )?;
        if let Some(next) = all.get(i + 1) {
            tx.execute(
                "UPDATE market_project_nodes SET status = 'Starting', started_at = ?3, finished_at = NULL
                 WHERE instance_id = ?1 AND node_id = ?2",
                params![p.instance_id, next.node_id, now],
            )?;
            tx.execute(
                "UPDATE market_projects SET current_step = ?2 WHERE instance_id = ?1",
                params![p.instance_id, next.step_no],
            )?;
        } else {
            let finish_type = if who == "Custom" {
                "CustomerConfirm"
            } else {
                "SystemAutoConfirm"
            };
            tx.execute(
                "UPDATE market_projects SET status = 'Finish', finish_type = ?2, finished_at = ?3 WHERE instance_id = ?1",
                params![p.instance_id, finish_type, now],
            )?;
        }
        if let Some(form) = &form {
            tx.execute(
                "INSERT INTO market_project_entries (instance_id, kind, at, operator_role, text, node_id, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
                params![p.instance_id, ATTACHMENT, now, who, form, node.node_id],
            )?;
        }
        log(
            &tx,
            &p,
            now,
            who,
            &with_remark(format!("完成节点：{}", node.name), call),
        )
    };
    write().map_err(StoreError::from)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(json!({ "Success": true, "Result": true }))
}

fn rollback_current_project_node(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let i = current_node_for_change(call, &p, &all)?;
    let node = &all[i];
    operator_of(call, node)?;
    if i == 0 || !node.allow_rollback {
        return Err(illegal(
            "IllegalCurrentNode",
            "The current node cannot be rolled back.",
        ));
    }
    let previous = &all[i - 1];
    let now = epoch_millis(call.sim.clock().now());
    let mut conn = call.sim.store().conn();
    let tx = conn.transaction().map_err(StoreError::from)?;
    let write = || -> rusqlite::Result<()> {
        tx.execute(
            "UPDATE market_project_nodes SET status = 'NotStart', started_at = NULL, finished_at = NULL
             WHERE instance_id = ?1 AND node_id = ?2",
            params![p.instance_id, node.node_id],
        )?;
        tx.execute(
            "UPDATE market_project_nodes SET status = 'Starting', started_at = ?3, finished_at = NULL
             WHERE instance_id = ?1 AND node_id = ?2",
            params![p.instance_id, previous.node_id, now],
        )?;
        tx.execute(
            "UPDATE market_projects SET current_step = ?2 WHERE instance_id = ?1",
            params![p.instance_id, previous.step_no],
        )?;
        log(
            &tx,
            &p,
            now,
            role(call),
            &with_remark(format!("回退节点：{} → {}", node.name, previous.name), call),
        )
    };
    write().map_err(StoreError::from)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(json!({ "Success": true, "Result": true }))
}

/// PauseProject and ResumeProject: the provider moves the project between Starting and Pause.
fn set_status(call: &Call<'_>, from: &str, to: &str, words: &str) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    if role(call) != "Provider" {
        return Err(illegal(
            "IllegalOperatorRole",
            "Only the service provider may pause or resume a project.",
        ));
    }
    let node_id = call.params.required("NodeId")?;
    let node_id: i64 = node_id.trim().parse().map_err(|_| illegal_parameter("NodeId"))?;
    if p.status != from {
        let message = match p.status.as_str() {
            "Pause" => "The project is already paused.",
            "Starting" => "The project is not paused.",
            _ => "The project is finished.",
        };
        return Err(illegal("IllegalProjectStatus", message));
    }
    let i = current(&p, &all)?;
    if all[i].node_id != node_id {
        return Err(illegal(
            "IllegalCurrentNode",
            "The node is not the project's current node.",
        ));
    }
    let now = epoch_millis(call.sim.clock().now());
    let mut conn = call.sim.store().conn();
    let tx = conn.transaction().map_err(StoreError::from)?;
    tx.execute(
        "UPDATE market_projects SET status = ?2 WHERE instance_id = ?1",
        params![p.instance_id, to],
    )
    .map_err(StoreError::from)?;
    log(&tx, &p, now, "Provider", &with_remark(words.to_owned(), call)).map_err(StoreError::from)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(json!({ "Success": true, "Result": true }))
}

fn pause_project(call: &Call<'_>) -> Result<Value, ApiError> {
    set_status(call, "Starting", "Pause", "暂停项目")
}

fn resume_project(call: &Call<'_>) -> Result<Value, ApiError> {
    set_status(call, "Pause", "Starting", "恢复项目")
}

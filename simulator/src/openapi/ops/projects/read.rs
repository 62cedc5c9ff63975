//! The Describe operations: a project, its nodes, its current node, and its messages, operation
//! log and attachments.

use super::{current, illegal_parameter, node_json, nodes, ok, operator, project};
use crate::openapi::{ApiError, Call};
use crate::store::projects::{Entry, EntryKind, Project};
use protocol::time::epoch_millis;
use serde_json::{json, Value};

/// Messages per page of DescribeProjectMessages.
const MESSAGES_PER_PAGE: i64 = 20;

pub(super) fn describe_project_info(call: &Call<'_>) -> Result<Value, ApiError> {
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

pub(super) fn describe_project_nodes(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let list: Vec<Value> = (0..all.len()).map(|i| node_json(&p, &all, i)).collect();
    Ok(ok(json!(list)))
}

pub(super) fn describe_current_node_info(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let i = current(&p, &all)?;
    Ok(ok(node_json(&p, &all, i)))
}

fn entries(
    call: &Call<'_>,
    p: &Project,
    kind: EntryKind,
    page: Option<(i64, i64)>,
) -> Result<Vec<Entry>, ApiError> {
    Ok(call.sim.store().project_entries(&p.instance_id, kind, page)?)
}

pub(super) fn describe_project_messages(call: &Call<'_>) -> Result<Value, ApiError> {
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
    let total = call
        .sim
        .store()
        .project_entry_count(&p.instance_id, EntryKind::Message)?;
    let list: Vec<Value> = entries(
        call,
        &p,
        EntryKind::Message,
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

pub(super) fn describe_project_operate_logs(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let list: Vec<Value> = entries(call, &p, EntryKind::Log, None)?
        .into_iter()
        .map(|e| {
            let (uid, name) = operator(call, &p, &e.role);
            json!({"Description": e.text, "GmtCreate": e.at, "Operator": uid, "OperatorName": name, "OperatorRole": e.role})
        })
        .collect();
    Ok(ok(json!(list)))
}

pub(super) fn describe_project_attachments(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let list: Vec<Value> = entries(call, &p, EntryKind::Attachment, None)?
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

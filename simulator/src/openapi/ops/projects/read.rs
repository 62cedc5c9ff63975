//! The Describe operations: a project, its nodes, its current node, and its messages, operation
//! log and attachments.

use super::answers::*;
use super::{current, illegal_parameter, node_model, operator, project};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::ApiError;
use crate::store::projects::{Entry, EntryKind, Project};
use protocol::time::epoch_millis;
use serde_json::Value;

/// Messages per page of DescribeProjectMessages.
const MESSAGES_PER_PAGE: i64 = 20;

pub(super) fn describe_project_info(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let final_step = call.sim.store().project_nodes(&p.instance_id)?.len();
    let product_name = call
        .sim
        .world()
        .product(&p.product_code)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    Ok(json(&ResponseBody::ok(DescribeProjectInfoResponseBodyResult {
        instance_id: &p.instance_id,
        order_id: p.order_id,
        product_code: &p.product_code,
        product_name,
        product_sku_code: &p.sku_id,
        product_sku_name: &p.sku_name,
        customer_ali_uid: p.customer_ali_uid.parse::<i64>().unwrap_or_default(),
        supplier_ali_uid: p.supplier_ali_uid.parse::<i64>().unwrap_or_default(),
        template_id: p.template_id,
        template_type: &p.template_type,
        project_status: &p.status,
        current_step_no: p.current_step,
        final_step_no: final_step,
        gmt_create: p.created_at,
        gmt_expired: p.expires_at,
        finish_type: p.finish_type.as_deref(),
        gmt_finished: p.finished_at,
    })))
}

pub(super) fn describe_project_nodes(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = call.sim.store().project_nodes(&p.instance_id)?;
    let list: Vec<_> = (0..all.len()).map(|i| node_model(&p, &all, i)).collect();
    Ok(json(&ResponseBody::ok(list)))
}

pub(super) fn describe_current_node_info(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = call.sim.store().project_nodes(&p.instance_id)?;
    let i = current(&p, &all)?;
    Ok(json(&ResponseBody::ok(node_model(&p, &all, i))))
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
    let result = entries(
        call,
        &p,
        EntryKind::Message,
        Some((MESSAGES_PER_PAGE, (page - 1) * MESSAGES_PER_PAGE)),
    )?
    .into_iter()
    .map(|e| {
        let (uid, name) = operator(call, &p, &e.role);
        DescribeProjectMessagesResponseBodyResult {
            content: e.text,
            gmt_create: e.at,
            operator: uid,
            operator_name: name,
            operator_role: e.role,
        }
    })
    .collect();
    Ok(json(&DescribeProjectMessagesResponseBody {
        success: true,
        result,
        total_count: total,
    }))
}

pub(super) fn describe_project_operate_logs(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let list: Vec<_> = entries(call, &p, EntryKind::Log, None)?
        .into_iter()
        .map(|e| {
            let (uid, name) = operator(call, &p, &e.role);
            DescribeProjectOperateLogsResponseBodyResult {
                description: e.text,
                gmt_create: e.at,
                operator: uid,
                operator_name: name,
                operator_role: e.role,
            }
        })
        .collect();
    Ok(json(&ResponseBody::ok(list)))
}

pub(super) fn describe_project_attachments(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = call.sim.store().project_nodes(&p.instance_id)?;
    let list: Vec<_> = entries(call, &p, EntryKind::Attachment, None)?
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
            let file = (!file_name.is_empty()).then(|| AttachmentFile {
                file_link: format!(
                    "https://market.aliyun.com/attachments/{}/{token}/{file_name}",
                    p.instance_id
                ),
                file_name,
                file_suffix: suffix,
                file_size: extra["file_size"].as_i64().unwrap_or_default(),
                attachment_token: token,
                file_link_gmt_expired: epoch_millis(call.sim.clock().now()) + 3_600_000,
            });
            DescribeProjectAttachmentsResponseBodyResult {
                attachment_type: extra["type"].as_str().unwrap_or("Form").to_owned(),
                content: e.text,
                gmt_create: e.at,
                node_id: e.node_id.unwrap_or_default(),
                node_name: node.map(|n| n.name.as_str()).unwrap_or_default(),
                step_no: node.map_or(0, |n| n.step_no),
                operator: uid,
                operator_name: name,
                operator_role: e.role,
                file,
            }
        })
        .collect();
    Ok(json(&ResponseBody::ok(list)))
}

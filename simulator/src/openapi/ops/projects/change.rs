//! The operations that move a project on: finish or send back the current node, pause and
//! resume; each leaves a line in the operation log.

use super::answers::ResponseBody;
use super::{current, illegal_parameter, nodes, project, role, Node, Project, ATTACHMENT, LOG};
use crate::openapi::answer::json;
use crate::openapi::{ApiError, Call, ErrorCode};
use crate::store::StoreError;
use protocol::time::epoch_millis;
use rusqlite::params;
use serde_json::Value;

/// The checks every change makes: the project is under way, `NodeId` is its current node.
fn current_node_for_change(call: &Call<'_>, p: &Project, all: &[Node]) -> Result<usize, ApiError> {
    let node_id = call.params.required("NodeId")?;
    let node_id: i64 = node_id.trim().parse().map_err(|_| illegal_parameter("NodeId"))?;
    match p.status.as_str() {
        "Starting" => {}
        "Pause" => return Err(ErrorCode::IllegalProjectStatus.with_message("The project is paused.")),
        _ => return Err(ErrorCode::IllegalProjectStatus.with_message("The project is finished.")),
    }
    let i = current(p, all)?;
    if all[i].node_id != node_id {
        return Err(ErrorCode::IllegalCurrentNode.with_message("The node is not the project's current node."));
    }
    Ok(i)
}

fn operator_of(call: &Call<'_>, node: &Node) -> Result<(), ApiError> {
    if node.operator_role != role(call) {
        return Err(
            ErrorCode::IllegalOperatorRole.with_message("The caller does not operate the current node.")
        );
    }
    Ok(())
}

fn with_remark(text: String, call: &Call<'_>) -> String {
    match call.params.get("Remark") {
        Some(r) => format!("{text}（备注：{r}）"),
        None => text,
    }
}

/// Makes `node` the project's current one, started at `at`.
fn start(tx: &rusqlite::Transaction<'_>, p: &Project, node: &Node, at: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE market_project_nodes SET status = 'Starting', started_at = ?3, finished_at = NULL
         WHERE instance_id = ?1 AND node_id = ?2",
        params![p.instance_id, node.node_id, at],
    )?;
    tx.execute(
        "UPDATE market_projects SET current_step = ?2 WHERE instance_id = ?1",
        params![p.instance_id, node.step_no],
    )?;
    Ok(())
}

fn log(tx: &rusqlite::Transaction<'_>, p: &Project, at: i64, role: &str, text: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO market_project_entries (instance_id, kind, at, operator_role, text, node_id, extra)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL)",
        params![p.instance_id, LOG, at, role, text],
    )?;
    Ok(())
}

pub(super) fn finish_current_project_node(call: &Call<'_>) -> Result<Value, ApiError> {
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
            start(&tx, &p, next, now)?;
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
    Ok(json(&ResponseBody::ok(true)))
}

pub(super) fn rollback_current_project_node(call: &Call<'_>) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    let i = current_node_for_change(call, &p, &all)?;
    let node = &all[i];
    operator_of(call, node)?;
    if i == 0 || !node.allow_rollback {
        return Err(ErrorCode::IllegalCurrentNode.with_message("The current node cannot be rolled back."));
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
        start(&tx, &p, previous, now)?;
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
    Ok(json(&ResponseBody::ok(true)))
}

/// PauseProject and ResumeProject: the provider moves the project between Starting and Pause.
fn set_status(call: &Call<'_>, from: &str, to: &str, words: &str) -> Result<Value, ApiError> {
    let p = project(call)?;
    let all = nodes(call, &p.instance_id)?;
    if role(call) != "Provider" {
        return Err(ErrorCode::IllegalOperatorRole
            .with_message("Only the service provider may pause or resume a project."));
    }
    let node_id = call.params.required("NodeId")?;
    let node_id: i64 = node_id.trim().parse().map_err(|_| illegal_parameter("NodeId"))?;
    if p.status != from {
        let message = match p.status.as_str() {
            "Pause" => "The project is already paused.",
            "Starting" => "The project is not paused.",
            _ => "The project is finished.",
        };
        return Err(ErrorCode::IllegalProjectStatus.with_message(message));
    }
    let i = current(&p, &all)?;
    if all[i].node_id != node_id {
        return Err(ErrorCode::IllegalCurrentNode.with_message("The node is not the project's current node."));
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
    Ok(json(&ResponseBody::ok(true)))
}

pub(super) fn pause_project(call: &Call<'_>) -> Result<Value, ApiError> {
    set_status(call, "Starting", "Pause", "暂停项目")
}

pub(super) fn resume_project(call: &Call<'_>) -> Result<Value, ApiError> {
    set_status(call, "Pause", "Starting", "恢复项目")
}

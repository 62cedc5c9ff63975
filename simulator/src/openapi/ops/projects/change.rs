//! The operations that move a project on: finish or send back the current node, pause and
//! resume; each leaves a line in the operation log. Each reads the project and its nodes in the
//! transaction that writes them, so what it checked still holds when it writes.

use super::answers::ResponseBody;
use super::{current, illegal_parameter, project_in, role};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::store::projects::{Entry, EntryKind, Node, Project};
use crate::store::{StoreError, Tx};
use protocol::time::epoch_millis;
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
fn start(tx: &Tx<'_>, p: &Project, node: &Node, at: i64) -> Result<(), StoreError> {
    tx.start_project_node(&p.instance_id, node.node_id, node.step_no, at)
}

fn log(tx: &Tx<'_>, p: &Project, at: i64, role: &str, text: &str) -> Result<(), StoreError> {
    let line = Entry {
        at,
        role: role.to_owned(),
        text: text.to_owned(),
        node_id: None,
        extra: None,
    };
    tx.add_project_entry(&p.instance_id, EntryKind::Log, &line)
}

pub(super) fn finish_current_project_node(call: &Call<'_>) -> Result<Value, ApiError> {
    let now = epoch_millis(call.sim.clock().now());
    let who = role(call);
    call.sim.store().transaction(|tx| {
        let p = project_in(call, tx)?;
        let all = tx.project_nodes(&p.instance_id)?;
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
        tx.finish_project_node(&p.instance_id, node.node_id, now)?;
        if let Some(next) = all.get(i + 1) {
            start(tx, &p, next, now)?;
        } else {
            let finish_type = if who == "Custom" {
                "CustomerConfirm"
            } else {
                "SystemAutoConfirm"
            };
            tx.finish_project(&p.instance_id, finish_type, now)?;
        }
        if let Some(form) = form {
            let attachment = Entry {
                at: now,
                role: who.to_owned(),
                text: form,
                node_id: Some(node.node_id),
                extra: None,
            };
            tx.add_project_entry(&p.instance_id, EntryKind::Attachment, &attachment)?;
        }
        log(
            tx,
            &p,
            now,
            who,
            &with_remark(format!("完成节点：{}", node.name), call),
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(json(&ResponseBody::ok(true)))
}

pub(super) fn rollback_current_project_node(call: &Call<'_>) -> Result<Value, ApiError> {
    let now = epoch_millis(call.sim.clock().now());
    call.sim.store().transaction(|tx| {
        let p = project_in(call, tx)?;
        let all = tx.project_nodes(&p.instance_id)?;
        let i = current_node_for_change(call, &p, &all)?;
        let node = &all[i];
        operator_of(call, node)?;
        if i == 0 || !node.allow_rollback {
            return Err(ErrorCode::IllegalCurrentNode.with_message("The current node cannot be rolled back."));
        }
        let previous = &all[i - 1];
        tx.unstart_project_node(&p.instance_id, node.node_id)?;
        start(tx, &p, previous, now)?;
        log(
            tx,
            &p,
            now,
            role(call),
            &with_remark(format!("回退节点：{} → {}", node.name, previous.name), call),
        )?;
        Ok(())
    })?;
    Ok(json(&ResponseBody::ok(true)))
}

/// PauseProject and ResumeProject: the provider moves the project between Starting and Pause.
fn set_status(call: &Call<'_>, from: &str, to: &str, words: &str) -> Result<Value, ApiError> {
    let now = epoch_millis(call.sim.clock().now());
    call.sim.store().transaction(|tx| {
        let p = project_in(call, tx)?;
        let all = tx.project_nodes(&p.instance_id)?;
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
            return Err(
                ErrorCode::IllegalCurrentNode.with_message("The node is not the project's current node.")
            );
        }
        tx.set_project_status(&p.instance_id, to)?;
        log(tx, &p, now, "Provider", &with_remark(words.to_owned(), call))?;
        Ok(())
    })?;
    Ok(json(&ResponseBody::ok(true)))
}

pub(super) fn pause_project(call: &Call<'_>) -> Result<Value, ApiError> {
    set_status(call, "Starting", "Pause", "暂停项目")
}

pub(super) fn resume_project(call: &Call<'_>) -> Result<Value, ApiError> {
    set_status(call, "Pause", "Starting", "恢复项目")
}

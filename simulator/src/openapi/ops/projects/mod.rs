//! Service-delivery projects (服务交付): a project per marketplace instance, a chain of nodes each
//! operated by the provider or the customer, its messages, operation log and attachments
//! (`fixtures/openapi/projects.yaml`, kept in `market_projects`, `market_project_nodes` and
//! `market_project_entries`).
//!
//! The vendor of the project's product and the customer who bought it see a project; anyone else
//! gets `InvalidInstanceId.NotFound`. The operator of the current node (Provider → the vendor,
//! Custom → the customer) finishes it or sends it back; only the provider pauses and resumes.
//!
//! [`read`] answers the six Describe operations, [`change`] the four that move a project on;
//! [`answers`] holds the SDK's models they answer with. The store keeps the projects
//! (`store::projects`); `seed` puts the fixture's there.

mod answers;
mod change;
mod read;

use crate::openapi::call::{Call, Caller, Operation};
use crate::openapi::error::{ApiError, ErrorCode};
use crate::store::projects::{Node, Project};
use crate::store::Tx;
use answers::DescribeProjectNodesResponseBodyResult;

pub const OPS: &[(&str, Operation)] = &[
    ("DescribeProjectInfo", Operation(read::describe_project_info)),
    ("DescribeProjectNodes", Operation(read::describe_project_nodes)),
    (
        "DescribeCurrentNodeInfo",
        Operation(read::describe_current_node_info),
    ),
    (
        "DescribeProjectMessages",
        Operation(read::describe_project_messages),
    ),
    (
        "DescribeProjectOperateLogs",
        Operation(read::describe_project_operate_logs),
    ),
    (
        "DescribeProjectAttachments",
        Operation(read::describe_project_attachments),
    ),
    (
        "FinishCurrentProjectNode",
        Operation(change::finish_current_project_node),
    ),
    (
        "RollbackCurrentProjectNode",
        Operation(change::rollback_current_project_node),
    ),
    ("PauseProject", Operation(change::pause_project)),
    ("ResumeProject", Operation(change::resume_project)),
];

fn illegal_parameter(name: &str) -> ApiError {
    ErrorCode::IllegalParameter(name.to_owned()).into()
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
    visible(call, call.sim.store().project(id)?)
}

/// [`project`], read in `tx`: a change reads the project in the transaction that writes it.
fn project_in(call: &Call<'_>, tx: &Tx<'_>) -> Result<Project, ApiError> {
    let id = call.params.required("InstanceId")?;
    visible(call, tx.project(id)?)
}

/// `project`, if the caller may see it: its product's vendor or its customer.
fn visible(call: &Call<'_>, project: Option<Project>) -> Result<Project, ApiError> {
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
        .ok_or_else(|| ApiError::from(ErrorCode::NotFound("InstanceId".into())))
}

fn node_model<'a>(p: &Project, all: &'a [Node], i: usize) -> DescribeProjectNodesResponseBodyResult<'a> {
    let n = &all[i];
    let neighbour = |j: Option<usize>| j.and_then(|j| all.get(j)).map_or(0, |n| n.node_id);
    DescribeProjectNodesResponseBodyResult {
        node_id: n.node_id,
        node_name: &n.name,
        node_status: &n.status,
        step_no: n.step_no,
        final_step_no: all.len(),
        operator_role: &n.operator_role,
        allow_rollback_node: n.allow_rollback,
        auto_finish_node: false,
        need_attachment: n.need_attachment,
        parent_node_id: 0,
        previous_node_id: neighbour(i.checked_sub(1)),
        next_node_id: neighbour(Some(i + 1)),
        template_form: &n.template_form,
        gmt_expired: p.expires_at,
        gmt_start: n.started_at,
        gmt_finished: n.finished_at,
    }
}

/// The index of the project's current node.
fn current(p: &Project, all: &[Node]) -> Result<usize, ApiError> {
    all.iter()
        .position(|n| n.step_no == p.current_step)
        .ok_or_else(|| ApiError::from(ErrorCode::Internal))
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

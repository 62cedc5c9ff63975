//! The projects family's answers as the SDK models name them. Every one is `Success` and a
//! `Result` ([`ResponseBody`]); DescribeProjectMessages adds `TotalCount`.

use serde::Serialize;

/// `{Success, Result}`: the shape of every project answer (`DescribeProjectInfoResponseBody`,
/// `FinishCurrentProjectNodeResponseBody` with `Result: true`, …).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponseBody<R> {
    pub success: bool,
    pub result: R,
}

impl<R> ResponseBody<R> {
    pub fn ok(result: R) -> ResponseBody<R> {
        ResponseBody {
            success: true,
            result,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProjectInfoResponseBodyResult<'a> {
    pub instance_id: &'a str,
    pub order_id: i64,
    pub product_code: &'a str,
    pub product_name: String,
    pub product_sku_code: &'a str,
    pub product_sku_name: &'a str,
    pub customer_ali_uid: i64,
    pub supplier_ali_uid: i64,
    pub template_id: i64,
    pub template_type: &'a str,
    pub project_status: &'a str,
    pub current_step_no: i64,
    pub final_step_no: usize,
    pub gmt_create: i64,
    pub gmt_expired: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gmt_finished: Option<i64>,
}

/// A node: an item of DescribeProjectNodes' `Result`, and DescribeCurrentNodeInfo's `Result`
/// (`DescribeCurrentNodeInfoResponseBodyResult`, the same fields).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProjectNodesResponseBodyResult<'a> {
    pub node_id: i64,
    pub node_name: &'a str,
    pub node_status: &'a str,
    pub step_no: i64,
    pub final_step_no: usize,
    pub operator_role: &'a str,
    pub allow_rollback_node: bool,
    pub auto_finish_node: bool,
    pub need_attachment: bool,
    pub parent_node_id: i64,
    pub previous_node_id: i64,
    pub next_node_id: i64,
    pub template_form: &'a str,
    pub gmt_expired: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gmt_start: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gmt_finished: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProjectMessagesResponseBody {
    pub success: bool,
    pub result: Vec<DescribeProjectMessagesResponseBodyResult>,
    pub total_count: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProjectMessagesResponseBodyResult {
    pub content: String,
    pub gmt_create: i64,
    pub operator: i64,
    pub operator_name: String,
    pub operator_role: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProjectOperateLogsResponseBodyResult {
    pub description: String,
    pub gmt_create: i64,
    pub operator: i64,
    pub operator_name: String,
    pub operator_role: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProjectAttachmentsResponseBodyResult<'a> {
    pub attachment_type: String,
    pub content: String,
    pub gmt_create: i64,
    pub node_id: i64,
    pub node_name: &'a str,
    pub step_no: i64,
    pub operator: i64,
    pub operator_name: String,
    pub operator_role: String,
    /// An attachment that is a file (not a form) has these besides.
    #[serde(flatten)]
    pub file: Option<AttachmentFile>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachmentFile {
    pub file_name: String,
    pub file_suffix: String,
    pub file_size: i64,
    pub attachment_token: String,
    pub file_link: String,
    pub file_link_gmt_expired: i64,
}

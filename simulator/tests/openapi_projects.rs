//! Service-delivery projects over the operation table: every Describe shape, the node moves
//! (finish, roll back, pause, resume) and their refusals, and who may see a project.

mod common;

use common::openapi::*;

const PROJECT: &str = "30062001";

fn id() -> (&'static str, &'static str) {
    ("InstanceId", PROJECT)
}

fn info(sim: &Simulator) -> Value {
    ok(sim, &vendor(sim), "DescribeProjectInfo", &[id()])["Result"].clone()
}

fn current_node(sim: &Simulator) -> i64 {
    ok(sim, &vendor(sim), "DescribeCurrentNodeInfo", &[id()])["Result"]["NodeId"]
        .as_i64()
        .unwrap()
}

fn logs(sim: &Simulator) -> Vec<Value> {
    ok(sim, &vendor(sim), "DescribeProjectOperateLogs", &[id()])["Result"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn describe_project_info_answers_the_models_fields() {
    let sim = Simulator::for_tests();
    let v = ok(&sim, &vendor(&sim), "DescribeProjectInfo", &[id()]);
    assert_eq!(v["Success"], true);
    let r = &v["Result"];
    assert_eq!(r["InstanceId"], PROJECT);
    assert_eq!(r["OrderId"], 210062001001_i64);
    assert_eq!(r["ProductCode"], "cmgj00061912");
    assert_eq!(r["ProductName"], "Zilliz Cloud");
    assert_eq!(r["ProductSkuCode"], "cmgj00061912-payg");
    assert_eq!(r["ProductSkuName"], "按量付费");
    assert_eq!(r["CustomerAliUid"], 1763420985012345_i64);
    assert_eq!(r["SupplierAliUid"], 1288760000000001_i64);
    assert_eq!(r["TemplateId"], 7001);
    assert_eq!(r["TemplateType"], "Private");
    assert_eq!(r["ProjectStatus"], "Starting");
    assert_eq!(r["CurrentStepNo"], 2);
    assert_eq!(r["FinalStepNo"], 4);
    assert!(r["GmtCreate"].is_i64() && r["GmtExpired"].is_i64(), "{r}");
    assert!(
        r.get("FinishType").is_none() && r.get("GmtFinished").is_none(),
        "{r}"
    );
}

#[test]
fn describe_project_nodes_lists_every_node_in_order_with_its_neighbours() {
    let sim = Simulator::for_tests();
    let v = ok(&sim, &vendor(&sim), "DescribeProjectNodes", &[id()]);
    let nodes = v["Result"].as_array().unwrap();
    let summary: Vec<(i64, &str, i64, i64, i64)> = nodes
        .iter()
        .map(|n| {
            (
                n["NodeId"].as_i64().unwrap(),
                n["NodeStatus"].as_str().unwrap(),
                n["StepNo"].as_i64().unwrap(),
                n["PreviousNodeId"].as_i64().unwrap(),
                n["NextNodeId"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (101, "Finish", 1, 0, 102),
            (102, "Starting", 2, 101, 103),
            (103, "NotStart", 3, 102, 104),
            (104, "NotStart", 4, 103, 0),
        ]
    );
    let first = &nodes[0];
    assert_eq!(first["NodeName"], "需求确认");
    assert_eq!(first["FinalStepNo"], 4);
    assert_eq!(first["OperatorRole"], "Provider");
    assert_eq!(first["AllowRollbackNode"], false);
    assert_eq!(first["AutoFinishNode"], false);
    assert_eq!(first["ParentNodeId"], 0);
    assert!(first["GmtStart"].is_i64() && first["GmtFinished"].is_i64());
    let form: Value = serde_json::from_str(first["TemplateForm"].as_str().unwrap()).unwrap();
    assert_eq!(form[0]["fieldKey"], "TFD0");
    assert!(
        nodes[2].get("GmtStart").is_none(),
        "a node not started has no start"
    );
    assert_eq!(nodes[3]["OperatorRole"], "Custom");
}

#[test]
fn describe_current_node_info_is_the_node_under_way() {
    let sim = Simulator::for_tests();
    let r = &ok(&sim, &vendor(&sim), "DescribeCurrentNodeInfo", &[id()])["Result"];
    assert_eq!(r["NodeId"], 102);
    assert_eq!(r["NodeName"], "部署实施");
    assert_eq!(r["NodeStatus"], "Starting");
    assert_eq!(r["NeedAttachment"], true);
    assert_eq!(r["StepNo"], 2);
}

#[test]
fn describe_project_messages_pages_twenty_at_a_time_and_counts_them_all() {
    let sim = Simulator::for_tests();
    let v = ok(&sim, &vendor(&sim), "DescribeProjectMessages", &[id()]);
    assert_eq!(v["Success"], true);
    assert_eq!(v["TotalCount"], 2);
    let first = &v["Result"][0];
    assert_eq!(first["Content"], "希望本周内完成部署。");
    assert_eq!(first["OperatorRole"], "Custom");
    assert_eq!(first["Operator"], 1763420985012345_i64);
    assert_eq!(first["OperatorName"], "示例买家一");
    assert!(first["GmtCreate"].is_i64());
    assert_eq!(v["Result"][1]["OperatorName"], "Zilliz");
    let page2 = ok(
        &sim,
        &vendor(&sim),
        "DescribeProjectMessages",
        &[id(), ("PageIndex", "2")],
    );
    assert_eq!(page2["Result"], serde_json::json!([]));
    assert_eq!(page2["TotalCount"], 2);
    let e = err(
        &sim,
        &vendor(&sim),
        "DescribeProjectMessages",
        &[id(), ("PageIndex", "0")],
    );
    assert_eq!((e.status(), e.code()), (400, "IllegalParameter"));
    assert_eq!(e.message(), "Illegal parameter PageIndex.");
}

#[test]
fn describe_project_operate_logs_and_attachments_answer_the_models_fields() {
    let sim = Simulator::for_tests();
    let logs = logs(&sim);
    assert_eq!(logs.len(), 2);
    assert_eq!(logs[0]["Description"], "项目创建");
    assert_eq!(logs[0]["OperatorRole"], "System");
    assert_eq!(logs[0]["Operator"], 0);
    assert!(logs[0]["GmtCreate"].is_i64());
    let v = ok(&sim, &vendor(&sim), "DescribeProjectAttachments", &[id()]);
    assert_eq!(v["Success"], true);
    let a = &v["Result"][0];
    assert_eq!(a["FileName"], "需求说明书.pdf");
    assert_eq!(a["FileSuffix"], "pdf");
    assert_eq!(a["FileSize"], 204800);
    assert_eq!(a["AttachmentType"], "File");
    assert_eq!(a["NodeId"], 101);
    assert_eq!(a["NodeName"], "需求确认");
    assert_eq!(a["StepNo"], 1);
    assert_eq!(a["OperatorName"], "Zilliz");
    assert!(a["FileLink"].as_str().unwrap().starts_with("https://"));
    assert!(a["FileLinkGmtExpired"].is_i64() && a["GmtCreate"].is_i64());
}

#[test]
fn finishing_the_current_node_advances_the_project_and_logs_it() {
    let sim = Simulator::for_tests();
    let v = ok(
        &sim,
        &vendor(&sim),
        "FinishCurrentProjectNode",
        &[
            id(),
            ("NodeId", "102"),
            ("Remark", "已部署"),
            ("TemplateForm", r#"{"TFD0":"https://c.example"}"#),
        ],
    );
    assert_eq!(v, serde_json::json!({"Success": true, "Result": true}));
    assert_eq!(current_node(&sim), 103);
    assert_eq!(info(&sim)["CurrentStepNo"], 3);
    let nodes = ok(&sim, &vendor(&sim), "DescribeProjectNodes", &[id()])["Result"].clone();
    assert_eq!(nodes[1]["NodeStatus"], "Finish");
    assert_eq!(nodes[2]["NodeStatus"], "Starting");
    assert!(nodes[2]["GmtStart"].is_i64());
    let last = logs(&sim).last().unwrap().clone();
    assert_eq!(last["Description"], "完成节点：部署实施（备注：已部署）");
    assert_eq!(last["OperatorRole"], "Provider");
    let attachments = ok(&sim, &vendor(&sim), "DescribeProjectAttachments", &[id()])["Result"].clone();
    let form = attachments.as_array().unwrap().last().unwrap();
    assert_eq!(form["AttachmentType"], "Form");
    assert_eq!(form["NodeId"], 102);
    assert_eq!(form["Content"], r#"{"TFD0":"https://c.example"}"#);
}

#[test]
fn a_node_that_is_not_current_cannot_be_finished() {
    let sim = Simulator::for_tests();
    for node in ["101", "103", "999"] {
        let e = err(
            &sim,
            &vendor(&sim),
            "FinishCurrentProjectNode",
            &[id(), ("NodeId", node)],
        );
        assert_eq!((e.status(), e.code()), (400, "IllegalCurrentNode"));
    }
    assert_eq!(current_node(&sim), 102);
}

#[test]
fn the_customer_accepts_the_last_node_and_the_project_finishes() {
    let sim = Simulator::for_tests();
    ok(
        &sim,
        &vendor(&sim),
        "FinishCurrentProjectNode",
        &[id(), ("NodeId", "102")],
    );
    ok(
        &sim,
        &vendor(&sim),
        "FinishCurrentProjectNode",
        &[id(), ("NodeId", "103")],
    );
    let e = err(
        &sim,
        &vendor(&sim),
        "FinishCurrentProjectNode",
        &[id(), ("NodeId", "104")],
    );
    assert_eq!(e.code(), "IllegalOperatorRole");
    ok(
        &sim,
        &buyer(&sim, "buyer-1"),
        "FinishCurrentProjectNode",
        &[id(), ("NodeId", "104")],
    );
    let r = info(&sim);
    assert_eq!(r["ProjectStatus"], "Finish");
    assert_eq!(r["FinishType"], "CustomerConfirm");
    assert!(r["GmtFinished"].is_i64());
    assert_eq!(current_node(&sim), 104);
    let e = err(&sim, &vendor(&sim), "PauseProject", &[id(), ("NodeId", "104")]);
    assert_eq!(e.code(), "IllegalProjectStatus");
}

#[test]
fn the_customer_cannot_finish_a_providers_node() {
    let sim = Simulator::for_tests();
    let e = err(
        &sim,
        &buyer(&sim, "buyer-1"),
        "FinishCurrentProjectNode",
        &[id(), ("NodeId", "102")],
    );
    assert_eq!((e.status(), e.code()), (400, "IllegalOperatorRole"));
}

#[test]
fn rolling_back_returns_to_the_previous_node_until_the_first() {
    let sim = Simulator::for_tests();
    let v = ok(
        &sim,
        &vendor(&sim),
        "RollbackCurrentProjectNode",
        &[id(), ("NodeId", "102"), ("Remark", "重新确认")],
    );
    assert_eq!(v, serde_json::json!({"Success": true, "Result": true}));
    assert_eq!(current_node(&sim), 101);
    let nodes = ok(&sim, &vendor(&sim), "DescribeProjectNodes", &[id()])["Result"].clone();
    assert_eq!(nodes[0]["NodeStatus"], "Starting");
    assert!(nodes[0].get("GmtFinished").is_none());
    assert_eq!(nodes[1]["NodeStatus"], "NotStart");
    assert_eq!(
        logs(&sim).last().unwrap()["Description"],
        "回退节点：部署实施 → 需求确认（备注：重新确认）"
    );
    let e = err(
        &sim,
        &vendor(&sim),
        "RollbackCurrentProjectNode",
        &[id(), ("NodeId", "101")],
    );
    assert_eq!(e.code(), "IllegalCurrentNode");
    let e = err(
        &sim,
        &vendor(&sim),
        "RollbackCurrentProjectNode",
        &[id(), ("NodeId", "102")],
    );
    assert_eq!(e.code(), "IllegalCurrentNode");
}

#[test]
fn pausing_and_resuming_change_the_status_once_each() {
    let sim = Simulator::for_tests();
    let pause = [id(), ("NodeId", "102")];
    let v = ok(&sim, &vendor(&sim), "PauseProject", &pause);
    assert_eq!(v, serde_json::json!({"Success": true, "Result": true}));
    assert_eq!(info(&sim)["ProjectStatus"], "Pause");
    let e = err(&sim, &vendor(&sim), "PauseProject", &pause);
    assert_eq!((e.status(), e.code()), (400, "IllegalProjectStatus"));
    for action in ["FinishCurrentProjectNode", "RollbackCurrentProjectNode"] {
        assert_eq!(
            err(&sim, &vendor(&sim), action, &pause).code(),
            "IllegalProjectStatus"
        );
    }
    ok(&sim, &vendor(&sim), "ResumeProject", &pause);
    assert_eq!(info(&sim)["ProjectStatus"], "Starting");
    assert_eq!(
        err(&sim, &vendor(&sim), "ResumeProject", &pause).code(),
        "IllegalProjectStatus"
    );
    let descriptions: Vec<Value> = logs(&sim).iter().map(|l| l["Description"].clone()).collect();
    assert!(
        descriptions.ends_with(&["暂停项目".into(), "恢复项目".into()]),
        "{descriptions:?}"
    );
}

#[test]
fn pausing_names_the_current_node_and_only_the_provider_pauses() {
    let sim = Simulator::for_tests();
    let e = err(&sim, &vendor(&sim), "PauseProject", &[id(), ("NodeId", "103")]);
    assert_eq!(e.code(), "IllegalCurrentNode");
    let e = err(
        &sim,
        &buyer(&sim, "buyer-1"),
        "PauseProject",
        &[id(), ("NodeId", "102")],
    );
    assert_eq!(e.code(), "IllegalOperatorRole");
    assert_eq!(info(&sim)["ProjectStatus"], "Starting");
}

#[test]
fn the_customer_sees_the_project_and_nobody_else_does() {
    let sim = Simulator::for_tests();
    let mine = ok(&sim, &buyer(&sim, "buyer-1"), "DescribeProjectInfo", &[id()]);
    assert_eq!(mine["Result"]["InstanceId"], PROJECT);
    for action in [
        "DescribeProjectInfo",
        "DescribeProjectNodes",
        "DescribeCurrentNodeInfo",
        "DescribeProjectMessages",
        "DescribeProjectOperateLogs",
        "DescribeProjectAttachments",
        "FinishCurrentProjectNode",
        "RollbackCurrentProjectNode",
        "PauseProject",
        "ResumeProject",
    ] {
        let params = [id(), ("NodeId", "102")];
        let unknown = err(
            &sim,
            &vendor(&sim),
            action,
            &[("InstanceId", "404"), ("NodeId", "102")],
        );
        assert_eq!(
            (unknown.status(), unknown.code()),
            (404, "InvalidInstanceId.NotFound")
        );
        assert_eq!(err(&sim, &other_vendor(), action, &params), unknown, "{action}");
        assert_eq!(
            err(&sim, &buyer(&sim, "buyer-2"), action, &params),
            unknown,
            "{action}"
        );
        let missing = err(&sim, &vendor(&sim), action, &[]);
        assert_eq!((missing.status(), missing.code()), (400, "MissingInstanceId"));
    }
    assert_eq!(current_node(&sim), 102, "nobody else changed anything");
}

#[test]
fn node_ids_and_forms_that_are_not_valid_are_illegal_parameters() {
    let sim = Simulator::for_tests();
    let e = err(
        &sim,
        &vendor(&sim),
        "FinishCurrentProjectNode",
        &[id(), ("NodeId", "abc")],
    );
    assert_eq!(
        (e.code(), e.message()),
        ("IllegalParameter", "Illegal parameter NodeId.")
    );
    let e = err(&sim, &vendor(&sim), "FinishCurrentProjectNode", &[id()]);
    assert_eq!(e.code(), "MissingNodeId");
    let e = err(
        &sim,
        &vendor(&sim),
        "FinishCurrentProjectNode",
        &[id(), ("NodeId", "102"), ("TemplateForm", "{not json")],
    );
    assert_eq!(e.message(), "Illegal parameter TemplateForm.");
    assert_eq!(current_node(&sim), 102);
}

#[tokio::test]
async fn a_v1_signed_finish_current_project_node_advances_the_project() {
    use protocol::openapi::v1::Request;
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let finish = Request::new("POST", "FinishCurrentProjectNode")
        .param("InstanceId", PROJECT)
        .param("NodeId", "102")
        .param("Remark", "已部署");
    let (status, body) = http::v1(&app, finish, &http::vendor(&sim))
        .await
        .status_and_json();
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["Success"].as_bool(), body["Result"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(body["RequestId"].is_string());
    let current = Request::new("POST", "DescribeCurrentNodeInfo").param("InstanceId", PROJECT);
    let (_, body) = http::v1(&app, current, &http::buyer(&sim, "buyer-1"))
        .await
        .status_and_json();
    assert_eq!(body["Result"]["NodeId"], 103);
    let theirs = Request::new("POST", "DescribeProjectInfo").param("InstanceId", PROJECT);
    let (status, body) = http::v1(&app, theirs, &http::buyer(&sim, "buyer-2"))
        .await
        .status_and_json();
    assert_eq!(
        (status, body["Code"].as_str()),
        (404, Some("InvalidInstanceId.NotFound"))
    );
}

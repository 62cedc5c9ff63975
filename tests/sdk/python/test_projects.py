"""Service-delivery projects: the reads, and FinishCurrentProjectNode / RollbackCurrentProjectNode /
PauseProject / ResumeProject moving the fixture project as DescribeCurrentNodeInfo and
DescribeProjectInfo then show. Each change is made by the node's operator: the vendor for a
Provider node, the customer (buyer-1) for a Custom one."""

import yaml
from alibabacloud_market20151101 import models as m

import market

[PROJECT] = yaml.safe_load((market.REPO / "fixtures" / "openapi" / "projects.yaml").read_text(encoding="utf-8"))["projects"]
INSTANCE = PROJECT["instance_id"]


def current(api):
    return api.describe_current_node_info(m.DescribeCurrentNodeInfoRequest(instance_id=INSTANCE)).result


def operator(node, signing):
    return market.vendor(signing) if node.operator_role == "Provider" else market.buyer(signing)


def test_the_project_reads_answer_the_fixture_project(vendor, buyer):
    for api in (vendor, buyer):
        info = api.describe_project_info(m.DescribeProjectInfoRequest(instance_id=INSTANCE))
        assert info.success is True
        assert (info.result.instance_id, info.result.product_code) == (INSTANCE, PROJECT["product"])
        assert info.result.customer_ali_uid == int(PROJECT["customer_ali_uid"])
        assert info.result.supplier_ali_uid == int(PROJECT["supplier_ali_uid"])
        assert info.result.final_step_no == len(PROJECT["nodes"])

    nodes = vendor.describe_project_nodes(m.DescribeProjectNodesRequest(instance_id=INSTANCE)).result
    assert [(n.node_id, n.node_name, n.operator_role) for n in nodes] == [
        (n["id"], n["name"], n["operator_role"]) for n in PROJECT["nodes"]
    ]
    assert [n.step_no for n in nodes] == list(range(1, len(nodes) + 1))

    messages = vendor.describe_project_messages(m.DescribeProjectMessagesRequest(instance_id=INSTANCE, page_index=1))
    assert messages.total_count == len(messages.result) >= 1
    assert {msg.operator_role for msg in messages.result} <= {"Custom", "Provider", "System"}

    logs = vendor.describe_project_operate_logs(m.DescribeProjectOperateLogsRequest(instance_id=INSTANCE)).result
    assert logs and [entry.gmt_create for entry in logs] == sorted(entry.gmt_create for entry in logs)

    attachments = vendor.describe_project_attachments(m.DescribeProjectAttachmentsRequest(instance_id=INSTANCE)).result
    assert attachments
    assert attachments[0].file_link.startswith("https://")


def test_finish_current_project_node_advances_describe_current_node_info(vendor, signing):
    node = current(vendor)
    assert node.next_node_id != 0, "the fixture project has no node left to finish"

    done = operator(node, signing).finish_current_project_node(
        m.FinishCurrentProjectNodeRequest(instance_id=INSTANCE, node_id=node.node_id, remark=f"SDK {signing}")
    )
    assert (done.success, done.result) == (True, True)

    now = current(vendor)
    assert (now.node_id, now.step_no, now.node_status) == (node.next_node_id, node.step_no + 1, "Starting")
    assert now.previous_node_id == node.node_id
    finished = next(
        n for n in vendor.describe_project_nodes(m.DescribeProjectNodesRequest(instance_id=INSTANCE)).result
        if n.node_id == node.node_id
    )
    assert finished.node_status == "Finish"
    logs = vendor.describe_project_operate_logs(m.DescribeProjectOperateLogsRequest(instance_id=INSTANCE)).result
    assert logs[-1].description.startswith(f"完成节点：{node.node_name}")
    assert f"SDK {signing}" in logs[-1].description


def test_rollback_current_project_node_moves_back_and_finishing_the_previous_node_moves_forward_again(vendor, signing):
    node = current(vendor)
    assert node.allow_rollback_node and node.previous_node_id != 0

    back = operator(node, signing).rollback_current_project_node(
        m.RollbackCurrentProjectNodeRequest(instance_id=INSTANCE, node_id=node.node_id, remark="回退")
    )
    assert (back.success, back.result) == (True, True)
    previous = current(vendor)
    assert (previous.node_id, previous.step_no, previous.node_status) == (node.previous_node_id, node.step_no - 1, "Starting")

    operator(previous, signing).finish_current_project_node(
        m.FinishCurrentProjectNodeRequest(instance_id=INSTANCE, node_id=previous.node_id)
    )
    assert current(vendor).node_id == node.node_id


def test_pause_project_and_resume_project_switch_the_project_status(vendor):
    node = current(vendor)

    def status():
        return vendor.describe_project_info(m.DescribeProjectInfoRequest(instance_id=INSTANCE)).result.project_status

    assert status() == "Starting"
    paused = vendor.pause_project(m.PauseProjectRequest(instance_id=INSTANCE, node_id=node.node_id, remark="暂停"))
    assert (paused.success, paused.result) == (True, True)
    assert status() == "Pause"
    resumed = vendor.resume_project(m.ResumeProjectRequest(instance_id=INSTANCE, node_id=node.node_id))
    assert (resumed.success, resumed.result) == (True, True)
    assert status() == "Starting"

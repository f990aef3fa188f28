//! The texts of the topics that have their own: `{name}` is a parameter of the notice
//! (`penalty`, `severity` and `kind_label` are given in the reader's language).

use registry::identity::Locale;

/// A subject and a body, with `{name}` placeholders.
pub(super) struct Template {
    pub subject: &'static str,
    pub body: &'static str,
}

/// The template of `topic` in `locale`; `None` for topics rendered generically.
pub(super) fn template(topic: &str, locale: Locale) -> Option<Template> {
    let texts = if topic.starts_with("alert.") {
        ALERT
    } else {
        match topic {
            "blacklist.listed" => BLACKLIST_LISTED,
            "blacklist.removed" => BLACKLIST_REMOVED,
            "blacklist.proposed" => BLACKLIST_PROPOSED,
            "blacklist.proposal_rejected" => BLACKLIST_PROPOSAL_REJECTED,
            "enterprise.approved"
            | "enterprise.rejected"
            | "enterprise.suspended"
            | "enterprise.revoked"
            | "enterprise.reinstated" => ENTERPRISE_DECIDED,
            "enterprise.change_approved" | "enterprise.change_rejected" => CHANGE_DECIDED,
            "recall.opened" => RECALL_OPENED,
            "recall.department" => RECALL_DEPARTMENT,
            "recall.reminder" => RECALL_REMINDER,
            "recall.escalated" => RECALL_ESCALATED,
            "recall.requested" => RECALL_REQUESTED,
            "recall.closed" => RECALL_CLOSED,
            "spotcheck.assigned" => SPOTCHECK_ASSIGNED,
            "spotcheck.drawn" => SPOTCHECK_DRAWN,
            "spotcheck.result_due" => SPOTCHECK_RESULT_DUE,
            "spotcheck.publication_due" => SPOTCHECK_PUBLICATION_DUE,
            "spotcheck.published" => SPOTCHECK_PUBLISHED,
            _ => return None,
        }
    };
    let (subject, body) = match locale {
        Locale::ZhCn => texts[0],
        Locale::Vi => texts[1],
        Locale::En => texts[2],
    };
    Some(Template { subject, body })
}

/// (subject, body) in zh-CN, vi and en.
type Texts = [(&'static str, &'static str); 3];

const ALERT: Texts = [
    (
        "【{severity}】预警：{kind_label}",
        "追溯平台发出一条预警，请主管部门核查处理。\n\
         预警编号：{alert_id}\n\
         类型：{kind_label}（{kind}）\n\
         级别：{severity}\n\
         对象：{subject}\n\
         企业编号：{enterprise_id}\n\
         详情：{detail}",
    ),
    (
        "[{severity}] Cảnh báo: {kind_label}",
        "Nền tảng truy xuất đã phát một cảnh báo; đề nghị cơ quan có thẩm quyền kiểm tra và xử lý.\n\
         Số cảnh báo: {alert_id}\n\
         Loại: {kind_label} ({kind})\n\
         Mức độ: {severity}\n\
         Đối tượng: {subject}\n\
         Mã doanh nghiệp: {enterprise_id}\n\
         Chi tiết: {detail}",
    ),
    (
        "[{severity}] Alert: {kind_label}",
        "The traceability hub raised an alert for the competent department to check and handle.\n\
         Alert: {alert_id}\n\
         Kind: {kind_label} ({kind})\n\
         Severity: {severity}\n\
         Subject: {subject}\n\
         Enterprise: {enterprise_id}\n\
         Detail: {detail}",
    ),
];

const BLACKLIST_LISTED: Texts = [
    (
        "严重失信主体名单：{enterprise_name}（{credit_code}）被列入",
        "{department}已将{enterprise_name}（统一社会信用代码 {credit_code}）列入严重失信主体名单。\n\
         处罚：{penalty}\n\
         处罚决定书文号：{decision_number}\n\
         事由：{reason}\n\
         列入日期：{listed_on}\n\
         最早可移出日期：{removable_from}\n\
         列入期间，该企业不得申领新的追溯标识，其备案的产品、批次和事件将被标注。",
    ),
    (
        "Danh sách vi phạm nghiêm trọng: {enterprise_name} ({credit_code}) bị đưa vào",
        "{department} đã đưa {enterprise_name} (mã số tín dụng xã hội thống nhất {credit_code}) vào danh sách chủ thể vi phạm nghiêm trọng về tín nhiệm.\n\
         Hình thức xử phạt: {penalty}\n\
         Số quyết định xử phạt: {decision_number}\n\
         Lý do: {reason}\n\
         Ngày đưa vào danh sách: {listed_on}\n\
         Ngày sớm nhất có thể đưa ra: {removable_from}\n\
         Trong thời gian bị đưa vào danh sách, doanh nghiệp không được cấp tem truy xuất mới; sản phẩm, lô hàng và sự kiện khai báo sẽ bị gắn cờ.",
    ),
    (
        "Blacklist: {enterprise_name} ({credit_code}) listed",
        "{department} has put {enterprise_name} (Unified Social Credit Code {credit_code}) on the serious breach-of-trust blacklist.\n\
         Penalty: {penalty}\n\
         Penalty decision: {decision_number}\n\
         Reason: {reason}\n\
         Listed on: {listed_on}\n\
         Removable from: {removable_from}\n\
         While listed, the enterprise gets no new traceability stamps and its products, batches and events are flagged.",
    ),
];

const BLACKLIST_REMOVED: Texts = [
    (
        "严重失信主体名单：{enterprise_name}（{credit_code}）被移出",
        "{enterprise_name}（统一社会信用代码 {credit_code}）已被移出严重失信主体名单。\n\
         原处罚：{penalty}（{decision_number}）\n\
         列入日期：{listed_on}\n\
         移出日期：{removed_on}\n\
         移出理由：{removal_reason}\n\
         经办部门已确认处罚履行完毕且无新的严重处罚。",
    ),
    (
        "Danh sách vi phạm nghiêm trọng: {enterprise_name} ({credit_code}) được đưa ra",
        "{enterprise_name} (mã số tín dụng xã hội thống nhất {credit_code}) đã được đưa ra khỏi danh sách chủ thể vi phạm nghiêm trọng về tín nhiệm.\n\
         Hình thức xử phạt trước đây: {penalty} ({decision_number})\n\
         Ngày đưa vào danh sách: {listed_on}\n\
         Ngày đưa ra: {removed_on}\n\
         Lý do: {removal_reason}\n\
         Cơ quan xử lý đã xác nhận các hình thức xử phạt đã được chấp hành và không có xử phạt nặng mới.",
    ),
    (
        "Blacklist: {enterprise_name} ({credit_code}) removed",
        "{enterprise_name} (Unified Social Credit Code {credit_code}) has been removed from the serious breach-of-trust blacklist.\n\
         Penalty: {penalty} ({decision_number})\n\
         Listed on: {listed_on}\n\
         Removed on: {removed_on}\n\
         Reason: {removal_reason}\n\
         The department confirmed the penalties were fulfilled and no new heavy penalty was imposed.",
    ),
];

const RECALL_OPENED: Texts = [
    (
        "【{hazard_class}级召回】{title}：请立即确认并控制",
        "{department}已对以下产品启动召回（案件 {case_id}，{hazard_class}级），贵单位持有或经手受影响产品。\n\
         原因：{reason}\n\
         受影响批次：\n{lots}\n\
         请立即停止销售和使用，在期限 {deadline} 前确认本通知，并按批次报告持有、退回、销毁和已售数量及相关单据：{link}\n\
         消费提示：{consumer_tip}\n\
         退回地点：{return_to}",
    ),
    (
        "[Thu hồi cấp {hazard_class}] {title}: xác nhận và kiểm soát ngay",
        "{department} đã mở vụ thu hồi (số {case_id}, cấp {hazard_class}); đơn vị của quý vị đang giữ hoặc đã xử lý sản phẩm bị ảnh hưởng.\n\
         Lý do: {reason}\n\
         Các lô bị ảnh hưởng:\n{lots}\n\
         Đề nghị ngừng bán và sử dụng ngay, xác nhận thông báo này trước {deadline} và báo cáo theo từng lô số lượng đang giữ, đã trả lại, đã tiêu hủy và đã bán kèm chứng từ: {link}\n\
         Khuyến cáo người tiêu dùng: {consumer_tip}\n\
         Nơi trả lại: {return_to}",
    ),
    (
        "[Class {hazard_class} recall] {title}: acknowledge and contain now",
        "{department} has opened a recall (case {case_id}, class {hazard_class}); your enterprise holds or handled affected goods.\n\
         Reason: {reason}\n\
         Affected lots:\n{lots}\n\
         Stop selling and using them now, acknowledge this notice before {deadline}, and report per lot what you held, returned, destroyed and had already sold, with documents: {link}\n\
         Consumer tip: {consumer_tip}\n\
         Return to: {return_to}",
    ),
];

const RECALL_DEPARTMENT: Texts = [
    (
        "【{hazard_class}级召回】{title}：涉及贵辖区",
        "{department}启动的召回（案件 {case_id}，{hazard_class}级）的影响范围涉及贵辖区的企业。\n\
         原因：{reason}\n\
         受影响批次：\n{lots}\n\
         期限：{deadline}\n\
         案件进展：{link}",
    ),
    (
        "[Thu hồi cấp {hazard_class}] {title}: liên quan địa bàn của quý cơ quan",
        "Vụ thu hồi do {department} mở (số {case_id}, cấp {hazard_class}) ảnh hưởng đến doanh nghiệp trên địa bàn của quý cơ quan.\n\
         Lý do: {reason}\n\
         Các lô bị ảnh hưởng:\n{lots}\n\
         Thời hạn: {deadline}\n\
         Tiến độ: {link}",
    ),
    (
        "[Class {hazard_class} recall] {title}: reaches your territory",
        "The recall opened by {department} (case {case_id}, class {hazard_class}) reaches enterprises in your territory.\n\
         Reason: {reason}\n\
         Affected lots:\n{lots}\n\
         Deadline: {deadline}\n\
         Progress: {link}",
    ),
];

const RECALL_REMINDER: Texts = [
    (
        "提醒：请确认召回通知（案件 {case_id}）{title}",
        "贵单位尚未确认召回案件 {case_id}（{hazard_class}级）的通知。请于 {deadline} 前确认并报告处置情况：{link}\n\
         原因：{reason}",
    ),
    (
        "Nhắc nhở: xác nhận thông báo thu hồi (vụ {case_id}) {title}",
        "Đơn vị của quý vị chưa xác nhận thông báo của vụ thu hồi {case_id} (cấp {hazard_class}). Đề nghị xác nhận và báo cáo trước {deadline}: {link}\n\
         Lý do: {reason}",
    ),
    (
        "Reminder: acknowledge the recall notice (case {case_id}) {title}",
        "Your enterprise has not acknowledged the notice of recall case {case_id} (class {hazard_class}). Acknowledge and report before {deadline}: {link}\n\
         Reason: {reason}",
    ),
];

const RECALL_ESCALATED: Texts = [
    (
        "召回逾期未确认：企业 {enterprise_id}（案件 {case_id}）",
        "贵辖区企业（编号 {enterprise_id}，地区 {region_code}）在期限 {deadline} 前未确认召回案件 {case_id}（{hazard_class}级，{title}）的通知，请督促处置。\n\
         原因：{reason}\n\
         案件进展：{link}",
    ),
    (
        "Quá hạn xác nhận thu hồi: doanh nghiệp {enterprise_id} (vụ {case_id})",
        "Doanh nghiệp trên địa bàn (mã {enterprise_id}, khu vực {region_code}) chưa xác nhận thông báo của vụ thu hồi {case_id} (cấp {hazard_class}, {title}) trước {deadline}; đề nghị đôn đốc xử lý.\n\
         Lý do: {reason}\n\
         Tiến độ: {link}",
    ),
    (
        "Recall not acknowledged in time: enterprise {enterprise_id} (case {case_id})",
        "An enterprise in your territory (id {enterprise_id}, region {region_code}) did not acknowledge the notice of recall case {case_id} (class {hazard_class}, {title}) before {deadline}; please see to it.\n\
         Reason: {reason}\n\
         Progress: {link}",
    ),
];

const RECALL_REQUESTED: Texts = [
    (
        "企业申请召回：{title}（案件 {case_id}）",
        "一家企业申请对以下产品启动{hazard_class}级召回，请审核批准：{title}\n\
         原因：{reason}\n\
         案件：/portal/recalls/{case_id}",
    ),
    (
        "Doanh nghiệp đề nghị thu hồi: {title} (vụ {case_id})",
        "Một doanh nghiệp đề nghị mở vụ thu hồi cấp {hazard_class}; đề nghị xem xét phê duyệt: {title}\n\
         Lý do: {reason}\n\
         Vụ việc: /portal/recalls/{case_id}",
    ),
    (
        "An enterprise asks for a recall: {title} (case {case_id})",
        "An enterprise asks for a class {hazard_class} recall; please review and approve: {title}\n\
         Reason: {reason}\n\
         Case: /portal/recalls/{case_id}",
    ),
];

const RECALL_CLOSED: Texts = [
    (
        "召回结案：{title}（案件 {case_id}）",
        "召回案件 {case_id} 已经主管部门评估有效并结案。\n\
         有效性评估：{effectiveness}",
    ),
    (
        "Kết thúc thu hồi: {title} (vụ {case_id})",
        "Vụ thu hồi {case_id} đã được cơ quan có thẩm quyền đánh giá hiệu quả và kết thúc.\n\
         Đánh giá hiệu quả: {effectiveness}",
    ),
    (
        "Recall closed: {title} (case {case_id})",
        "Recall case {case_id} was closed after the department accepted its effectiveness check.\n\
         Effectiveness check: {effectiveness}",
    ),
];

const BLACKLIST_PROPOSED: Texts = [
    (
        "待批准：提议将{enterprise_name}（{credit_code}）列入严重失信主体名单",
        "{proposed_by}提议将{enterprise_name}（统一社会信用代码 {credit_code}）列入严重失信主体名单，须由本部门另一名执法人员批准或驳回。\n\
         处罚：{penalty}\n\
         处罚决定书文号：{decision_number}\n\
         法律依据：{legal_basis}\n\
         事由：{reason}\n\
         提议编号：{proposal_id}",
    ),
    (
        "Chờ phê duyệt: đề nghị đưa {enterprise_name} ({credit_code}) vào danh sách đen",
        "{proposed_by} đề nghị đưa {enterprise_name} (mã số tín dụng xã hội thống nhất {credit_code}) vào danh sách chủ thể vi phạm nghiêm trọng về tín nhiệm; một cán bộ khác của cơ quan phê duyệt hoặc từ chối.\n\
         Hình thức xử phạt: {penalty}\n\
         Số quyết định xử phạt: {decision_number}\n\
         Căn cứ pháp lý: {legal_basis}\n\
         Lý do: {reason}\n\
         Số đề nghị: {proposal_id}",
    ),
    (
        "To approve: {enterprise_name} ({credit_code}) proposed for the blacklist",
        "{proposed_by} proposes to put {enterprise_name} (Unified Social Credit Code {credit_code}) on the serious breach-of-trust blacklist; a second officer of the department approves or rejects it.\n\
         Penalty: {penalty}\n\
         Penalty decision: {decision_number}\n\
         Legal basis: {legal_basis}\n\
         Reason: {reason}\n\
         Proposal: {proposal_id}",
    ),
];

const BLACKLIST_PROPOSAL_REJECTED: Texts = [
    (
        "提议已驳回：{enterprise_name}（{credit_code}）不列入严重失信主体名单",
        "{decided_by}驳回了{proposed_by}将{enterprise_name}（统一社会信用代码 {credit_code}）列入严重失信主体名单的提议。\n\
         理由：{decision_note}\n\
         提议编号：{proposal_id}",
    ),
    (
        "Đề nghị bị từ chối: {enterprise_name} ({credit_code}) không bị đưa vào danh sách đen",
        "{decided_by} đã từ chối đề nghị của {proposed_by} đưa {enterprise_name} (mã số tín dụng xã hội thống nhất {credit_code}) vào danh sách chủ thể vi phạm nghiêm trọng về tín nhiệm.\n\
         Lý do: {decision_note}\n\
         Số đề nghị: {proposal_id}",
    ),
    (
        "Proposal rejected: {enterprise_name} ({credit_code}) not listed",
        "{decided_by} rejected the proposal by {proposed_by} to put {enterprise_name} (Unified Social Credit Code {credit_code}) on the serious breach-of-trust blacklist.\n\
         Reason: {decision_note}\n\
         Proposal: {proposal_id}",
    ),
];

const ENTERPRISE_DECIDED: Texts = [
    (
        "{enterprise_name}：{decision_label}",
        "{department}对{enterprise_name}（统一社会信用代码 {credit_code}）作出决定：{decision_label}。\n\
         日期：{decided_on}\n\
         理由：{reason}\n\
         请登录追溯平台查看详情。",
    ),
    (
        "{enterprise_name}: {decision_label}",
        "{department} đã quyết định đối với {enterprise_name} (mã số tín dụng xã hội thống nhất {credit_code}): {decision_label}.\n\
         Ngày: {decided_on}\n\
         Lý do: {reason}\n\
         Vui lòng đăng nhập nền tảng truy xuất để xem chi tiết.",
    ),
    (
        "{enterprise_name}: {decision_label}",
        "{department} decided on {enterprise_name} (Unified Social Credit Code {credit_code}): {decision_label}.\n\
         Date: {decided_on}\n\
         Reason: {reason}\n\
         Sign in to the traceability hub for the details.",
    ),
];

const CHANGE_DECIDED: Texts = [
    (
        "{enterprise_name}：变更申请{decision_label}",
        "{department}审核了{enterprise_name}（统一社会信用代码 {credit_code}）提交的变更申请（编号 {change_id}）：{decision_label}。\n\
         日期：{decided_on}\n\
         理由：{reason}",
    ),
    (
        "{enterprise_name}: yêu cầu thay đổi {decision_label}",
        "{department} đã xem xét yêu cầu thay đổi số {change_id} của {enterprise_name} (mã số tín dụng xã hội thống nhất {credit_code}): {decision_label}.\n\
         Ngày: {decided_on}\n\
         Lý do: {reason}",
    ),
    (
        "{enterprise_name}: change {decision_label}",
        "{department} reviewed change {change_id} proposed by {enterprise_name} (Unified Social Credit Code {credit_code}): {decision_label}.\n\
         Date: {decided_on}\n\
         Reason: {reason}",
    ),
];

const SPOTCHECK_ASSIGNED: Texts = [
    (
        "【双随机抽查】{title}：您被抽中承担 {tasks} 项检查任务",
        "{department}的抽查计划（编号 {plan_id}）已随机抽取，您被抽中承担以下检查任务：\n{enterprises}\n\
         检查期间：{window_start} 至 {window_end}\n\
         检查事项：{items}\n\
         如与其中任何企业存在利害关系，请立即申报回避。请在期间内完成检查并在平台录入每项结果。",
    ),
    (
        "[Kiểm tra ngẫu nhiên] {title}: quý vị được chọn cho {tasks} nhiệm vụ",
        "Kế hoạch kiểm tra số {plan_id} của {department} đã được bốc thăm; quý vị được chọn thực hiện các nhiệm vụ sau:\n{enterprises}\n\
         Thời gian kiểm tra: {window_start} đến {window_end}\n\
         Hạng mục kiểm tra: {items}\n\
         Nếu có xung đột lợi ích với doanh nghiệp nào, đề nghị khai báo ngay để được thay thế. Hoàn thành kiểm tra trong thời gian trên và ghi kết quả từng hạng mục trên nền tảng.",
    ),
    (
        "[Random spot check] {title}: you were drawn for {tasks} tasks",
        "Plan {plan_id} of {department} has been drawn; you were picked for these tasks:\n{enterprises}\n\
         Window: {window_start} to {window_end}\n\
         Check items: {items}\n\
         If you have a conflict of interest with any of these enterprises, declare it now. Complete the checks within the window and record each item's result on the hub.",
    ),
];

const SPOTCHECK_DRAWN: Texts = [
    (
        "【双随机抽查】贵单位被抽中：{title}",
        "贵单位在{department}的抽查计划（编号 {plan_id}）中被随机抽中。\n\
         检查期间：{window_start} 至 {window_end}\n\
         检查事项：{items}\n\
         检查人员将出示执法证件，请予以配合并准备相关资料。抽取过程可在平台公开核验。",
    ),
    (
        "[Kiểm tra ngẫu nhiên] Doanh nghiệp được chọn: {title}",
        "Doanh nghiệp của quý vị được chọn ngẫu nhiên trong kế hoạch kiểm tra số {plan_id} của {department}.\n\
         Thời gian kiểm tra: {window_start} đến {window_end}\n\
         Hạng mục kiểm tra: {items}\n\
         Kiểm tra viên sẽ xuất trình thẻ; đề nghị phối hợp và chuẩn bị hồ sơ. Việc bốc thăm có thể được kiểm chứng công khai trên nền tảng.",
    ),
    (
        "[Random spot check] Your enterprise was drawn: {title}",
        "Your enterprise was drawn at random in plan {plan_id} of {department}.\n\
         Window: {window_start} to {window_end}\n\
         Check items: {items}\n\
         The inspectors will show their credentials; please cooperate and have your records ready. Anyone can verify the draw on the hub.",
    ),
];

const SPOTCHECK_RESULT_DUE: Texts = [
    (
        "【催办】抽查任务 {task_id} 尚未录入结果（第 {reminder} 次提醒）",
        "抽查计划“{title}”的检查期间已于 {window_end} 结束，任务 {task_id} 尚未录入检查结果。请尽快完成并录入。",
    ),
    (
        "[Nhắc việc] Nhiệm vụ {task_id} chưa có kết quả (lần {reminder})",
        "Thời gian kiểm tra của kế hoạch \"{title}\" đã kết thúc ngày {window_end}; nhiệm vụ {task_id} chưa được ghi kết quả. Đề nghị hoàn thành và ghi kết quả sớm.",
    ),
    (
        "[Reminder] Spot-check task {task_id} has no result (reminder {reminder})",
        "The window of plan \"{title}\" closed on {window_end} and task {task_id} has no result yet. Please complete and record it.",
    ),
];

const SPOTCHECK_PUBLICATION_DUE: Texts = [
    (
        "【催办】抽查结果逾期未公示：任务 {task_id}（第 {reminder} 次提醒）",
        "抽查计划“{title}”任务 {task_id} 的结果已录入，但已超过公示期限。抽查结果应在检查结束后 20 个工作日内公示，请尽快审核公示。",
    ),
    (
        "[Nhắc việc] Kết quả nhiệm vụ {task_id} quá hạn công bố (lần {reminder})",
        "Kết quả nhiệm vụ {task_id} của kế hoạch \"{title}\" đã được ghi nhưng đã quá hạn công bố. Kết quả kiểm tra phải được công khai trong 20 ngày làm việc; đề nghị xem xét và công bố ngay.",
    ),
    (
        "[Reminder] Spot-check result of task {task_id} is past its publication deadline (reminder {reminder})",
        "The result of task {task_id} in plan \"{title}\" is recorded but past the deadline for publication. Results are published within 20 working days; please review and publish it.",
    ),
];

const SPOTCHECK_PUBLISHED: Texts = [
    (
        "【抽查结果公示】{title}：{outcome_label}",
        "{department}已公示贵单位的抽查结果（任务 {task_id}）：{outcome_label}。\n\
         检查结论：{findings}\n\
         结果在平台公示五年；其摘要 SHA-256 {sha256} 已记入证据账本，可公开核验。如有异议，可依法申请复核。",
    ),
    (
        "[Công bố kết quả kiểm tra] {title}: {outcome_label}",
        "{department} đã công bố kết quả kiểm tra doanh nghiệp của quý vị (nhiệm vụ {task_id}): {outcome_label}.\n\
         Kết luận: {findings}\n\
         Kết quả được công khai 5 năm; mã SHA-256 {sha256} đã được ghi vào sổ chứng cứ và có thể kiểm chứng công khai. Nếu không đồng ý, có thể đề nghị xem xét lại theo quy định.",
    ),
    (
        "[Spot-check result published] {title}: {outcome_label}",
        "{department} has published your enterprise's spot-check result (task {task_id}): {outcome_label}.\n\
         Findings: {findings}\n\
         The result stays public for five years; its SHA-256 {sha256} is in the evidence ledger for anyone to verify. You may ask for a review as the law provides.",
    ),
];

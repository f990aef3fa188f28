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

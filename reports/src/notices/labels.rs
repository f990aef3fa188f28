//! Words that notices share: penalties, severities, alert kinds, and the generic texts.

use registry::identity::Locale;

/// Picks the word for `locale` from (zh-CN, vi, en).
fn pick(locale: Locale, words: (&str, &str, &str)) -> String {
    match locale {
        Locale::ZhCn => words.0,
        Locale::Vi => words.1,
        Locale::En => words.2,
    }
    .to_owned()
}

/// A blacklist penalty by its stored name (the name itself when unknown).
pub(super) fn penalty(name: &str, locale: Locale) -> String {
    match name {
        "fine_top_of_range" => pick(
            locale,
            (
                "顶格罚款",
                "Phạt tiền ở mức cao nhất của khung",
                "Fine at the top of the range",
            ),
        ),
        "licence_revoked" => pick(locale, ("吊销许可证", "Tước giấy phép", "Licence revoked")),
        "production_suspended" => pick(
            locale,
            (
                "责令停产停业",
                "Đình chỉ sản xuất, kinh doanh",
                "Production suspended",
            ),
        ),
        other => other.to_owned(),
    }
}

/// A spot check's outcome by its stored name (the name itself when unknown).
pub(super) fn outcome(name: &str, locale: Locale) -> String {
    match name {
        "pass" => pick(locale, ("合格", "Đạt", "Passed")),
        "fail" => pick(locale, ("不合格", "Không đạt", "Failed")),
        other => other.to_owned(),
    }
}

/// A decision on an enterprise by its notice topic (the topic itself when unknown).
pub(super) fn decision(topic: &str, locale: Locale) -> String {
    let words = match topic {
        "enterprise.approved" => (
            "注册已通过审核",
            "đăng ký đã được phê duyệt",
            "registration approved",
        ),
        "enterprise.rejected" => (
            "注册未通过审核",
            "đăng ký bị từ chối",
            "registration rejected",
        ),
        "enterprise.suspended" => ("暂停", "tạm đình chỉ", "suspended"),
        "enterprise.revoked" => ("撤销", "thu hồi", "revoked"),
        "enterprise.reinstated" => ("恢复", "khôi phục", "reinstated"),
        "enterprise.change_approved" => ("已批准", "được chấp thuận", "approved"),
        "enterprise.change_rejected" => ("已驳回", "bị từ chối", "rejected"),
        other => return other.to_owned(),
    };
    pick(locale, words)
}

/// An alert severity by its stored name.
pub(super) fn severity(name: &str, locale: Locale) -> String {
    match name {
        "info" => pick(locale, ("提示", "Thông tin", "Info")),
        "warning" => pick(locale, ("警告", "Cảnh báo", "Warning")),
        "critical" => pick(locale, ("严重", "Nghiêm trọng", "Critical")),
        other => other.to_owned(),
    }
}

/// An alert kind; a kind without a label reads as itself.
pub(super) fn alert_kind(kind: &str, locale: Locale) -> String {
    let words = match kind {
        "stamp.unknown_serial" | "stamp_unknown_serial" => {
            ("未知序列号", "Số sê-ri không tồn tại", "Unknown serial")
        }
        "stamp.revoked" | "stamp_revoked_scanned" => (
            "已注销的标识被扫描",
            "Tem đã bị thu hồi được quét",
            "Revoked stamp scanned",
        ),
        "stamp.wrong_code" | "stamp_wrong_code" => {
            ("防伪码错误", "Mã chống giả không đúng", "Wrong hidden code")
        }
        "stamp.scan_limit" | "stamp_scan_limit" => (
            "扫描次数超出限值",
            "Số lần quét vượt giới hạn",
            "Scan limit exceeded",
        ),
        "stamp.impossible_travel" | "stamp_implausible_travel" => (
            "两次扫描地点相距过远",
            "Hai lần quét cách nhau quá xa trong thời gian ngắn",
            "Scans too far apart for the time between them",
        ),
        "stamp.outside_market" | "stamp_outside_market" => (
            "在申报销售区域外扫描",
            "Quét ngoài thị trường đã khai báo",
            "Scanned outside the declared markets",
        ),
        "stamp_fake_report" => (
            "收到疑似假冒举报",
            "Có báo cáo nghi ngờ hàng giả",
            "Suspected fake reported",
        ),
        "rare_earth.mass_balance" => (
            "产出超过投入（物料平衡）",
            "Đầu ra vượt đầu vào (cân bằng khối lượng)",
            "Output exceeds input (mass balance)",
        ),
        "rare_earth.quota" => (
            "超出生产配额",
            "Vượt hạn ngạch sản xuất",
            "Production quota exceeded",
        ),
        "rare_earth.late_report" => (
            "稀土产品流向月报迟报",
            "Báo cáo luồng sản phẩm đất hiếm nộp muộn",
            "Rare-earth flow report filed late",
        ),
        "rare_earth.not_designated" => (
            "非指定企业报送开采或冶炼分离",
            "Doanh nghiệp không được chỉ định khai thác hoặc tách chiết",
            "Mining or smelting by an enterprise not designated",
        ),
        "equipment.filled_unregistered" => (
            "气瓶由非登记充装单位充装",
            "Bình khí được nạp bởi đơn vị không được đăng ký",
            "Cylinder filled by a company it is not registered to",
        ),
        "equipment.scrapped_reused" => (
            "已报废设备代码再次使用",
            "Mã thiết bị đã hủy bỏ được sử dụng lại",
            "Scrapped equipment code in use again",
        ),
        "equipment.inspection_overdue" => (
            "特种设备定期检验逾期",
            "Thiết bị đặc biệt quá hạn kiểm định định kỳ",
            "Periodic inspection overdue",
        ),
        "agri.banned_input" => (
            "使用禁限用农业投入品",
            "Sử dụng vật tư nông nghiệp bị cấm",
            "Banned or withdrawn input used",
        ),
        "agri.withdrawal_interval" => (
            "安全间隔期或休药期内采收、屠宰",
            "Thu hoạch hoặc giết mổ trong thời gian cách ly",
            "Harvest or slaughter inside a withdrawal interval",
        ),
        "agri.failed_lot_shipped" => (
            "农残检测不合格批次已发出",
            "Lô không đạt kiểm tra dư lượng đã được xuất đi",
            "Lot that failed its residue test shipped",
        ),
        "food.recalled_input" => (
            "使用被召回的原料批次生产",
            "Sản xuất từ lô nguyên liệu bị thu hồi",
            "Batch made from a recalled raw lot",
        ),
        "food.blacklisted_supplier" => (
            "原料供应商在失信名单中",
            "Nhà cung cấp nguyên liệu trong danh sách đen",
            "Raw lot from a blacklisted supplier",
        ),
        "food.failed_released" => (
            "检验不合格批次已放行",
            "Lô không đạt kiểm nghiệm đã được xuất xưởng",
            "Batch that failed its analysis released",
        ),
        "licence.expired" => ("许可证已过期", "Giấy phép đã hết hạn", "Licence expired"),
        "drug_dispensed_twice" => (
            "药品追溯码重复销售或调配",
            "Mã truy xuất thuốc được bán hoặc cấp phát hai lần",
            "Drug code sold or dispensed twice",
        ),
        "drug_after_expiry" => (
            "药品过期后仍销售或调配",
            "Thuốc được bán hoặc cấp phát sau hạn dùng",
            "Drug sold or dispensed after expiry",
        ),
        "drug_batch_mismatch" => (
            "追溯码批号与记录不符",
            "Số lô trong mã không khớp với hồ sơ",
            "Batch in the code differs from the record",
        ),
        "drug_unknown_code" => (
            "未赋码的药品追溯码被销售或调配",
            "Mã thuốc chưa được kích hoạt bị bán hoặc cấp phát",
            "Unknown drug code sold or dispensed",
        ),
        other => return other.to_owned(),
    };
    pick(locale, words)
}

/// The label of the line naming a notice's source.
pub(super) fn source_label(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "来源：",
        Locale::Vi => "Nguồn: ",
        Locale::En => "Source: ",
    }
}

/// The subject prefix of a notice without a template.
pub(super) fn generic_subject(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "通知：",
        Locale::Vi => "Thông báo: ",
        Locale::En => "Notice: ",
    }
}

/// The first line of a notice without a template.
pub(super) fn generic_intro(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "追溯平台有一项事项需要您关注：",
        Locale::Vi => "Nền tảng truy xuất có một sự việc cần bạn lưu ý:",
        Locale::En => "The traceability hub has something that needs your attention:",
    }
}

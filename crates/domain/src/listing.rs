//! Supply and demand listings (T1, T2): the technology demands SMEs post and the patent supplies
//! universities and enterprises offer. Input checking, the lifecycle, staleness and the masking of
//! contact details for the public live here; storage, search and pages elsewhere.

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::district;
use crate::ident::{IdentError, PatentApplicationNumber, PatentType, normalize};
use crate::money::Fen;
use crate::validation::{Errors, FieldError, long_text, text};

/// The eight national high-tech fields (国家重点支持的高新技术领域).
pub const TECH_FIELDS: [&str; 8] = [
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
];

/// Cooperation modes. `许可` is any licence; the four kinds of licence may be named.
pub const MODES: [&str; 9] = [
    "转让",
    "许可",
    "独占许可",
    "排他许可",
    "普通许可",
    "开放许可",
    "作价入股",
    "合作开发",
    "技术服务",
];

/// Technology maturity of a supply.
pub const MATURITY: [&str; 4] = ["研发阶段", "小试", "中试", "产业化"];

/// Does a mode offered satisfy a mode sought? A licence sought (`许可`) is met by any kind of licence,
/// and a specific licence sought is met by `许可` offered in general.
pub fn modes_compatible(sought: &str, offered: &str) -> bool {
    let licence = |m: &str| m.ends_with("许可");
    sought == offered
        || (licence(sought) && licence(offered) && (sought == "许可" || offered == "许可"))
}

/// The modes a listing is found under when browsing: its own, and `许可` for any kind of licence
/// (`许可` is any licence), so the 合作方式 facet does not split 许可 from 普通许可.
pub fn browse_modes(modes: &[String]) -> Vec<String> {
    let mut out = modes.to_vec();
    if modes.iter().any(|m| m.ends_with("许可")) && !modes.iter().any(|m| m == "许可") {
        out.push("许可".to_string());
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingKind {
    /// 技术需求, posted by enterprises.
    Demand,
    /// 专利供给 / 成果, posted by universities, institutes and enterprises.
    Supply,
}

impl ListingKind {
    pub fn parse(s: &str) -> Option<ListingKind> {
        match s.trim() {
            "demand" => Some(ListingKind::Demand),
            "supply" => Some(ListingKind::Supply),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            ListingKind::Demand => "demand",
            ListingKind::Supply => "supply",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListingKind::Demand => "技术需求",
            ListingKind::Supply => "专利供给",
        }
    }

    /// The kind a listing is matched against (T3): supplies for a demand, demands for a supply.
    pub fn other(self) -> ListingKind {
        match self {
            ListingKind::Demand => ListingKind::Supply,
            ListingKind::Supply => ListingKind::Demand,
        }
    }
}

// ---------- IPC ----------

/// An International Patent Classification symbol down to the subclass (`H01M`) or to a group
/// (`H01M 50/40`). Canonical form: subclass, one space, main group `/` subgroup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpcCode {
    canonical: String,
    subclass_len: usize,
    main_group_len: usize,
}

impl IpcCode {
    pub fn parse(s: &str) -> Result<IpcCode, IdentError> {
        let n = normalize(s);
        let bad = |m: String| IdentError::new(Code::BadIpc, m);
        if n.is_empty() {
            return Err(IdentError::new(Code::Empty, "IPC 分类号不能为空"));
        }
        let chars: Vec<char> = n.chars().collect();
        let ok_sub = chars.len() >= 4
            && ('A'..='H').contains(&chars[0])
            && chars[1].is_ascii_digit()
            && chars[2].is_ascii_digit()
            && chars[3].is_ascii_uppercase();
        if !ok_sub {
            return Err(bad(format!(
                "IPC 分类号“{s}”格式不正确：应以部（A—H）、两位数字的大类和一个字母的小类开头，如 H01M 50/40"
            )));
        }
        let subclass: String = chars[..4].iter().collect();
        let rest: String = chars[4..].iter().collect();
        if rest.is_empty() {
            return Ok(IpcCode {
                subclass_len: 4,
                main_group_len: 4,
                canonical: subclass,
            });
        }
        let Some((group, sub)) = rest.split_once('/') else {
            return Err(bad(format!(
                "IPC 分类号“{s}”缺少“/”：大组与小组之间应有斜杠，如 H01M 50/40"
            )));
        };
        let digits = |x: &str, min: usize, max: usize| {
            (min..=max).contains(&x.len()) && x.chars().all(|c| c.is_ascii_digit())
        };
        if !digits(group, 1, 4) || !digits(sub, 2, 6) {
            return Err(bad(format!(
                "IPC 分类号“{s}”格式不正确：大组应为 1—4 位数字，小组应为 2—6 位数字，如 H01M 50/40"
            )));
        }
        let group = group.trim_start_matches('0');
        let group = if group.is_empty() { "0" } else { group };
        let canonical = format!("{subclass} {group}/{sub}");
        Ok(IpcCode {
            subclass_len: 4,
            main_group_len: 5 + group.len(),
            canonical,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// `H01M`
    pub fn subclass(&self) -> &str {
        &self.canonical[..self.subclass_len]
    }

    /// `H01M 50`, or the subclass when no group was given.
    pub fn main_group(&self) -> &str {
        &self.canonical[..self.main_group_len]
    }

    pub fn has_group(&self) -> bool {
        self.canonical.len() > self.subclass_len
    }
}

impl std::fmt::Display for IpcCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl Serialize for IpcCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.canonical)
    }
}

// ---------- contact details ----------

/// A contact phone: a mainland mobile (11 digits starting 1) or a landline with area code
/// (`021-23110892`, `02123110892`, optional extension `-123`). Canonical: digits, `-` after the area code.
pub fn parse_phone(s: &str) -> Result<String, IdentError> {
    let n: String = normalize(s)
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '+'))
        .collect();
    let n = n
        .strip_prefix("86")
        .filter(|r| r.len() == 11 && r.starts_with('1'))
        .unwrap_or(&n)
        .to_string();
    let digits: String = n.chars().filter(|c| c.is_ascii_digit()).collect();
    let bad = || {
        IdentError::new(
            Code::BadPhone,
            format!(
                "联系电话“{s}”格式不正确：应为 11 位手机号，或带区号的座机号（如 021-23110892）"
            ),
        )
    };
    if !n.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(bad());
    }
    if !n.contains('-')
        && digits.len() == 11
        && digits.starts_with('1')
        && digits.as_bytes()[1] >= b'3'
    {
        return Ok(digits);
    }
    // Landline: area code 0 + 2–3 digits, number 7–8 digits, optional extension.
    let parts: Vec<&str> = n.split('-').collect();
    let (area, number, ext) = match parts.as_slice() {
        [joined] if joined.starts_with('0') => {
            // 3-digit area codes for 010 and 02x, 4 digits otherwise.
            let alen = if joined.starts_with("01") || joined.starts_with("02") {
                3
            } else {
                4
            };
            if joined.len() <= alen {
                return Err(bad());
            }
            (&joined[..alen], &joined[alen..], None)
        }
        [a, num] => (*a, *num, None),
        [a, num, e] => (*a, *num, Some(*e)),
        _ => return Err(bad()),
    };
    let all_digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let area_ok = area.starts_with('0') && (3..=4).contains(&area.len()) && all_digits(area);
    let number_ok = (7..=8).contains(&number.len()) && all_digits(number);
    let ext_ok = ext.is_none_or(|e| (1..=6).contains(&e.len()) && all_digits(e));
    if !(area_ok && number_ok && ext_ok) {
        return Err(bad());
    }
    Ok(match ext {
        Some(e) => format!("{area}-{number}-{e}"),
        None => format!("{area}-{number}"),
    })
}

/// The public sees `张**` (personal information protection); partners see the full name.
pub fn mask_name(name: &str) -> String {
    match name.chars().next() {
        Some(first) => format!("{first}**"),
        None => String::new(),
    }
}

/// The public sees `138****5678` for a mobile and `021-****0892` for a landline.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    if let Some((area, rest)) = phone.split_once('-') {
        let rest_digits: Vec<char> = rest.chars().filter(|c| c.is_ascii_digit()).collect();
        let tail: String = rest_digits[rest_digits.len().saturating_sub(4)..]
            .iter()
            .collect();
        return format!("{area}-****{tail}");
    }
    if digits.len() >= 7 {
        let head: String = digits[..3].iter().collect();
        let tail: String = digits[digits.len() - 4..].iter().collect();
        return format!("{head}****{tail}");
    }
    "****".to_string()
}

// ---------- input and checking ----------

/// A listing as received from a form, the API or an import row.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct ListingInput {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub field: Option<String>,
    pub ipc: Vec<String>,
    pub modes: Vec<String>,
    /// 万元; null or absent = 面议 (negotiable).
    pub price_wan: Option<crate::application::serde_json_number::Number>,
    pub district_code: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// YYYY-MM-DD
    pub valid_until: Option<String>,
    /// Supply only: linked patent application numbers.
    pub patents: Vec<String>,
    /// Supply only: 研发阶段 | 小试 | 中试 | 产业化
    pub maturity: Option<String>,
}

/// A linked patent: its number in canonical form and its type from the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedPatent {
    pub number: PatentApplicationNumber,
    pub patent_type: PatentType,
}

/// A checked listing: every field valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub kind: ListingKind,
    pub title: String,
    pub description: String,
    pub field: &'static str,
    pub ipc: Vec<IpcCode>,
    pub modes: Vec<&'static str>,
    /// None = 面议.
    pub price: Option<Fen>,
    pub district_code: &'static str,
    pub contact_name: String,
    pub contact_phone: String,
    pub valid_until: NaiveDate,
    pub patents: Vec<LinkedPatent>,
    pub maturity: Option<&'static str>,
}

fn one_of(
    field: &str,
    label: &str,
    value: &str,
    allowed: &'static [&'static str],
) -> Result<&'static str, FieldError> {
    allowed
        .iter()
        .copied()
        .find(|a| *a == value.trim())
        .ok_or_else(|| {
            FieldError::new(
                field,
                Code::UnknownValue,
                format!(
                    "{label}“{value}”不在可选范围内，应为：{}",
                    allowed.join("、")
                ),
            )
        })
}

/// Check a listing as a whole, reporting every bad field. `today` bounds the valid-until date.
pub fn check_listing(input: &ListingInput, today: NaiveDate) -> Result<Listing, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = match input.kind.as_deref() {
        None => {
            errs.push(FieldError::required("kind", "类型"));
            None
        }
        Some(k) => errs.take(ListingKind::parse(k).ok_or_else(|| {
            FieldError::new(
                "kind",
                Code::UnknownValue,
                format!("类型“{k}”应为 demand（技术需求）或 supply（专利供给）"),
            )
        })),
    };
    let title = errs
        .take(text("title", "标题", input.title.as_deref(), true, 100))
        .flatten();
    let description = errs
        .take(long_text(
            "description",
            "描述",
            input.description.as_deref(),
            true,
            5000,
        ))
        .flatten();
    let field = match input.field.as_deref() {
        None => {
            errs.push(FieldError::required("field", "技术领域"));
            None
        }
        Some(f) => errs.take(one_of("field", "技术领域", f, &TECH_FIELDS)),
    };
    let mut ipc: Vec<IpcCode> = Vec::new();
    for (i, code) in input
        .ipc
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty())
    {
        match IpcCode::parse(code) {
            Ok(c) if !ipc.contains(&c) => ipc.push(c),
            Ok(_) => {}
            Err(e) => errs.push(FieldError::new(format!("ipc.{i}"), e.code, e.message)),
        }
    }
    let mut modes: Vec<&'static str> = Vec::new();
    for (i, m) in input.modes.iter().enumerate() {
        if let Some(m) = errs.take(one_of(&format!("modes.{i}"), "合作方式", m, &MODES))
            && !modes.contains(&m)
        {
            modes.push(m);
        }
    }
    if input.modes.is_empty() {
        errs.push(FieldError::new(
            "modes",
            Code::Required,
            "至少选择一种合作方式",
        ));
    }
    let price = match &input.price_wan {
        None => None,
        Some(n) => errs.take(Fen::parse_wan(&n.0).map_err(|e| {
            let label = match kind {
                Some(ListingKind::Demand) => "预算",
                _ => "参考价格",
            };
            FieldError::new(
                "price_wan",
                e.code(),
                e.wan_message(label, crate::money::WAN_DECIMALS),
            )
        })),
    };
    let district_code = match input.district_code.as_deref() {
        None => {
            errs.push(FieldError::required("district_code", "所在区"));
            None
        }
        Some(d) => errs.take(
            district::current_by_code(d.trim())
                .map(|d| d.code)
                .ok_or_else(|| {
                    FieldError::new(
                        "district_code",
                        Code::UnknownDistrict,
                        format!("“{d}”不是上海市现行的区代码"),
                    )
                }),
        ),
    };
    let contact_name = errs
        .take(text(
            "contact_name",
            "联系人",
            input.contact_name.as_deref(),
            true,
            40,
        ))
        .flatten();
    let contact_phone = match input
        .contact_phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => {
            errs.push(FieldError::required("contact_phone", "联系电话"));
            None
        }
        Some(p) => errs
            .take(parse_phone(p).map_err(|e| FieldError::new("contact_phone", e.code, e.message))),
    };
    let valid_until = match input
        .valid_until
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => {
            errs.push(FieldError::required("valid_until", "有效期至"));
            None
        }
        Some(v) => errs.take(match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Err(_) => Err(FieldError::new(
                "valid_until",
                Code::BadDate,
                format!("有效期“{v}”不是有效日期，应为 YYYY-MM-DD"),
            )),
            Ok(d) if d < today => Err(FieldError::new(
                "valid_until",
                Code::DateInPast,
                format!("有效期 {v} 早于今天（{today}）"),
            )),
            Ok(d) if d > today + chrono::Duration::days(3 * 366) => Err(FieldError::new(
                "valid_until",
                Code::DateTooFar,
                format!("有效期 {v} 超过三年，请定期确认后续期"),
            )),
            Ok(d) => Ok(d),
        }),
    };
    let is_supply = kind == Some(ListingKind::Supply);
    let mut patents: Vec<LinkedPatent> = Vec::new();
    for (i, p) in input
        .patents
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.trim().is_empty())
    {
        if !is_supply && kind.is_some() {
            errs.push(FieldError::new(
                format!("patents.{i}"),
                Code::NotApplicable,
                "技术需求不关联专利",
            ));
            break;
        }
        match PatentApplicationNumber::parse(p) {
            Ok(n) if patents.iter().any(|x| x.number == n) => {}
            Ok(n) => patents.push(LinkedPatent {
                patent_type: n.patent_type(),
                number: n,
            }),
            Err(e) => errs.push(FieldError::new(
                format!("patents.{i}"),
                e.code,
                format!("专利申请号“{p}”：{}", e.message),
            )),
        }
    }
    let maturity = match input
        .maturity
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(_) if !is_supply && kind.is_some() => {
            errs.push(FieldError::new(
                "maturity",
                Code::NotApplicable,
                "技术成熟度只适用于专利供给",
            ));
            None
        }
        Some(m) => errs.take(one_of("maturity", "技术成熟度", m, &MATURITY)),
    };
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Listing {
        kind: kind.expect("checked"),
        title: title.expect("checked"),
        description: description.expect("checked"),
        field: field.expect("checked"),
        ipc,
        modes,
        price,
        district_code: district_code.expect("checked"),
        contact_name: contact_name.expect("checked"),
        contact_phone: contact_phone.expect("checked"),
        valid_until: valid_until.expect("checked"),
        patents,
        maturity,
    })
}

// ---------- lifecycle ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    Draft,
    Submitted,
    Published,
    Withdrawn,
    Expired,
    Fulfilled,
}

impl ListingStatus {
    pub const ALL: [ListingStatus; 6] = [
        ListingStatus::Draft,
        ListingStatus::Submitted,
        ListingStatus::Published,
        ListingStatus::Withdrawn,
        ListingStatus::Expired,
        ListingStatus::Fulfilled,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ListingStatus::Draft => "draft",
            ListingStatus::Submitted => "submitted",
            ListingStatus::Published => "published",
            ListingStatus::Withdrawn => "withdrawn",
            ListingStatus::Expired => "expired",
            ListingStatus::Fulfilled => "fulfilled",
        }
    }

    pub fn parse(s: &str) -> Option<ListingStatus> {
        Self::ALL.into_iter().find(|x| x.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ListingStatus::Draft => "草稿",
            ListingStatus::Submitted => "待审核",
            ListingStatus::Published => "已发布",
            ListingStatus::Withdrawn => "已撤回",
            ListingStatus::Expired => "已过期",
            ListingStatus::Fulfilled => "已对接成功",
        }
    }
}

/// A kind equals its slug (`ListingKind::Demand == "demand"`).
impl PartialEq<&str> for ListingKind {
    fn eq(&self, other: &&str) -> bool {
        self.slug() == *other
    }
}

/// A status equals its slug (`ListingStatus::Draft == "draft"`).
impl PartialEq<&str> for ListingStatus {
    fn eq(&self, other: &&str) -> bool {
        self.slug() == *other
    }
}

/// What may happen to a listing, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Owner: draft → submitted.
    Submit,
    /// Park operator: submitted → published.
    Publish,
    /// Park operator: submitted → draft, with a reason.
    Return,
    /// Owner: submitted or published → withdrawn.
    Withdraw,
    /// Owner: published → fulfilled.
    Fulfil,
}

/// The status after `t`, or a Chinese reason why not.
pub fn transition(from: ListingStatus, t: Transition) -> Result<ListingStatus, String> {
    use ListingStatus::*;
    match (from, t) {
        (Draft, Transition::Submit) => Ok(Submitted),
        (Submitted, Transition::Publish) => Ok(Published),
        (Submitted, Transition::Return) => Ok(Draft),
        (Submitted | Published, Transition::Withdraw) => Ok(Withdrawn),
        (Published, Transition::Fulfil) => Ok(Fulfilled),
        (s, t) => Err(format!(
            "当前状态为“{}”，不能{}",
            s.label(),
            match t {
                Transition::Submit => "提交",
                Transition::Publish => "发布",
                Transition::Return => "退回",
                Transition::Withdraw => "撤回",
                Transition::Fulfil => "标记为对接成功",
            }
        )),
    }
}

/// What a user asks to do with a listing: the owner's `submit`, `withdraw`, `fulfil` and
/// `confirm` (still current), the district operator's `publish` and `return`. Who may is
/// `policy::can_act_on_listing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingAction {
    Submit,
    Withdraw,
    Fulfil,
    Confirm,
    Publish,
    Return,
}

impl ListingAction {
    pub const ALL: [ListingAction; 6] = [
        ListingAction::Submit,
        ListingAction::Withdraw,
        ListingAction::Fulfil,
        ListingAction::Confirm,
        ListingAction::Publish,
        ListingAction::Return,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ListingAction::Submit => "submit",
            ListingAction::Withdraw => "withdraw",
            ListingAction::Fulfil => "fulfil",
            ListingAction::Confirm => "confirm",
            ListingAction::Publish => "publish",
            ListingAction::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<ListingAction> {
        Self::ALL.into_iter().find(|a| a.slug() == s)
    }

    /// The status change it asks for; `confirm` changes no status.
    pub fn transition(self) -> Option<Transition> {
        match self {
            ListingAction::Submit => Some(Transition::Submit),
            ListingAction::Withdraw => Some(Transition::Withdraw),
            ListingAction::Fulfil => Some(Transition::Fulfil),
            ListingAction::Confirm => None,
            ListingAction::Publish => Some(Transition::Publish),
            ListingAction::Return => Some(Transition::Return),
        }
    }

    /// Done by the listing's owner (the others by the district's operator).
    pub fn by_owner(self) -> bool {
        matches!(
            self,
            ListingAction::Submit
                | ListingAction::Withdraw
                | ListingAction::Fulfil
                | ListingAction::Confirm
        )
    }
}

/// How long a published listing stays current without its owner confirming it (T1). A setting.
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 180;

/// A published listing not confirmed for longer than `stale_after_days` is stale: it leaves the
/// public site until its owner confirms it again.
pub fn is_stale(last_confirmed: NaiveDate, today: NaiveDate, stale_after_days: i64) -> bool {
    (today - last_confirmed).num_days() > stale_after_days
}

/// Shown to the public: published, not past its valid-until date, not stale.
pub fn publicly_visible(
    status: ListingStatus,
    valid_until: NaiveDate,
    last_confirmed: NaiveDate,
    today: NaiveDate,
    stale_after_days: i64,
) -> bool {
    status == ListingStatus::Published
        && valid_until >= today
        && !is_stale(last_confirmed, today, stale_after_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn supply() -> ListingInput {
        ListingInput {
            kind: Some("supply".into()),
            title: Some("一种锂离子电池隔膜材料及其制备方法".into()),
            description: Some("采用静电纺丝制备的复合隔膜，耐高温、孔隙率高。".into()),
            field: Some("新材料".into()),
            ipc: vec!["h01m50/40".into(), "H01M 50/40".into()],
            modes: vec!["转让".into(), "普通许可".into()],
            price_wan: Some(crate::application::serde_json_number::Number("50".into())),
            district_code: Some("310110".into()),
            contact_name: Some("张明".into()),
            contact_phone: Some("13812345678".into()),
            valid_until: Some("2027-06-30".into()),
            patents: vec!["ZL 2017 1 0601862.3".into()],
            maturity: Some("中试".into()),
        }
    }

    #[test]
    fn t1_a_valid_supply_is_checked_and_canonical() {
        let l = check_listing(&supply(), d("2026-11-28")).unwrap();
        assert_eq!(l.kind, ListingKind::Supply);
        assert_eq!(l.ipc.len(), 1, "duplicates merged");
        assert_eq!(l.ipc[0].as_str(), "H01M 50/40");
        assert_eq!(l.patents[0].number.as_str(), "201710601862.3");
        assert_eq!(l.patents[0].patent_type, PatentType::Invention);
        assert_eq!(l.price.unwrap().fen(), 50_000_000);
        assert_eq!(l.maturity, Some("中试"));
    }

    #[test]
    fn t1_every_bad_field_is_named() {
        let mut i = supply();
        i.field = Some("新能源".into());
        i.ipc = vec!["H01M50-40".into()];
        i.modes = vec!["赠送".into()];
        i.contact_phone = Some("12345".into());
        i.valid_until = Some("2026-02-30".into());
        i.patents = vec!["202310100002.X".into()];
        let errs = check_listing(&i, d("2026-11-28")).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "field",
                "ipc.0",
                "modes.0",
                "contact_phone",
                "valid_until",
                "patents.0"
            ]
        );
        assert!(
            errs[5].message.contains("校验位应为 7"),
            "{}",
            errs[5].message
        );
        // Demands carry neither patents nor maturity; a past date is refused.
        let mut dm = supply();
        dm.kind = Some("demand".into());
        dm.valid_until = Some("2026-11-27".into());
        let errs = check_listing(&dm, d("2026-11-28")).unwrap_err();
        let codes: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("valid_until", "date_in_past"),
                ("patents.0", "not_applicable"),
                ("maturity", "not_applicable")
            ]
        );
    }

    #[test]
    fn t1_price_is_optional_meaning_negotiable() {
        let mut i = supply();
        i.price_wan = None;
        assert_eq!(check_listing(&i, d("2026-11-28")).unwrap().price, None);
    }

    #[test]
    fn ipc_codes_parse_to_subclass_and_main_group() {
        let c = IpcCode::parse("ｇ06ｆ 16/35").unwrap();
        assert_eq!(
            (c.as_str(), c.subclass(), c.main_group()),
            ("G06F 16/35", "G06F", "G06F 16")
        );
        let s = IpcCode::parse("H04W").unwrap();
        assert_eq!(
            (s.subclass(), s.main_group(), s.has_group()),
            ("H04W", "H04W", false)
        );
        assert_eq!(IpcCode::parse("A01B 001/00").unwrap().as_str(), "A01B 1/00");
        for bad in [
            "",
            "I01M 50/40",
            "H1M 50/40",
            "H01M 50",
            "H01M 50/4",
            "H01M 12345/00",
            "H01m50/40x",
        ] {
            assert!(IpcCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_parse_and_mask() {
        assert_eq!(parse_phone("138 1234 5678").unwrap(), "13812345678");
        assert_eq!(parse_phone("+86 13812345678").unwrap(), "13812345678");
        assert_eq!(parse_phone("021-23110892").unwrap(), "021-23110892");
        assert_eq!(parse_phone("02123110892").unwrap(), "021-23110892");
        assert_eq!(parse_phone("0571-8888888-12").unwrap(), "0571-8888888-12");
        for bad in ["12812345678", "1381234567", "21-23110892", "021-123", "abc"] {
            assert!(parse_phone(bad).is_err(), "{bad}");
        }
        // T2: the public sees masked contacts.
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("021-23110892"), "021-****0892");
        assert_eq!(mask_name("张明"), "张**");
        assert_eq!(mask_name("欧阳明华"), "欧**");
    }

    #[test]
    fn t3_licence_modes_are_compatible() {
        assert!(modes_compatible("许可", "独占许可"));
        let v = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            browse_modes(&v(&["转让", "普通许可"])),
            v(&["转让", "普通许可", "许可"])
        );
        assert_eq!(
            browse_modes(&v(&["许可", "独占许可"])),
            v(&["许可", "独占许可"])
        );
        assert_eq!(browse_modes(&v(&["转让"])), v(&["转让"]));
        assert!(modes_compatible("开放许可", "许可"));
        assert!(!modes_compatible("独占许可", "普通许可"));
        assert!(modes_compatible("转让", "转让"));
        assert!(!modes_compatible("转让", "许可"));
    }

    #[test]
    fn t1_lifecycle_and_staleness() {
        use ListingStatus::*;
        assert_eq!(transition(Draft, Transition::Submit), Ok(Submitted));
        assert_eq!(transition(Submitted, Transition::Publish), Ok(Published));
        assert_eq!(transition(Submitted, Transition::Return), Ok(Draft));
        assert_eq!(transition(Published, Transition::Fulfil), Ok(Fulfilled));
        assert_eq!(transition(Published, Transition::Withdraw), Ok(Withdrawn));
        assert!(
            transition(Draft, Transition::Publish)
                .unwrap_err()
                .contains("草稿")
        );
        assert!(transition(Fulfilled, Transition::Withdraw).is_err());
        // Stale after 180 days without confirmation: day 180 is current, day 181 is stale.
        let confirmed = d("2026-01-01");
        assert!(!is_stale(
            confirmed,
            confirmed + chrono::Duration::days(180),
            DEFAULT_STALE_AFTER_DAYS
        ));
        assert!(is_stale(
            confirmed,
            confirmed + chrono::Duration::days(181),
            DEFAULT_STALE_AFTER_DAYS
        ));
        let today = d("2026-03-01");
        assert!(publicly_visible(
            Published,
            d("2026-12-31"),
            confirmed,
            today,
            180
        ));
        assert!(!publicly_visible(
            Submitted,
            d("2026-12-31"),
            confirmed,
            today,
            180
        ));
        assert!(
            !publicly_visible(Published, d("2026-02-28"), confirmed, today, 180),
            "past valid-until"
        );
        assert!(
            !publicly_visible(Published, d("2027-12-31"), confirmed, d("2026-07-01"), 180),
            "stale"
        );
    }
}

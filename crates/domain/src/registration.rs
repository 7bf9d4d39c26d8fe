//! Self-registration (issue 18): an organisation signs itself up with its USCC, district, a
//! contact and a first user; it is then `pending` until its approver (see
//! `policy::registration_approver`) approves or rejects it. Until approved its users draft but
//! submit nothing for review or publication (`policy::may_go_public`).

use serde::{Deserialize, Serialize};

use crate::account::{check_display_name, check_new_password, check_username};
use crate::code::Code;
use crate::listing::parse_phone;
use crate::org::{OrgInput, OrgKind, OrgRecord, check_org};
use crate::validation::{Errors, FieldError, text};

/// An organisation's approval state. Organisations registered by an administrator or a bureau
/// are approved from the start; self-registered ones begin `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    Pending,
    Approved,
    Rejected,
}

impl Approval {
    pub const ALL: [Approval; 3] = [Approval::Pending, Approval::Approved, Approval::Rejected];

    pub fn slug(self) -> &'static str {
        match self {
            Approval::Pending => "pending",
            Approval::Approved => "approved",
            Approval::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Approval> {
        Self::ALL.into_iter().find(|a| a.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Approval::Pending => "待审核",
            Approval::Approved => "已通过",
            Approval::Rejected => "未通过",
        }
    }
}

/// The kinds an organisation may register itself as (bureaus and park operators are registered
/// by the bureaus: they are appointed, not signed up).
pub const SELF_REGISTERING_KINDS: [OrgKind; 6] = [
    OrgKind::Enterprise,
    OrgKind::University,
    OrgKind::Agency,
    OrgKind::Bank,
    OrgKind::Exchange,
    OrgKind::Insurer,
];

/// May an organisation of this kind register itself?
pub fn may_self_register(kind: OrgKind) -> bool {
    SELF_REGISTERING_KINDS.contains(&kind)
}

/// The public registration form (and `POST /api/v1/registrations`), as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegistrationInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub uscc: Option<String>,
    pub district_code: Option<String>,
    pub size_class: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub confirm: Option<String>,
}

/// A checked registration: the organisation, its contact and its first user.
#[derive(Debug, Clone)]
pub struct Registration {
    pub org: OrgRecord,
    pub contact_name: String,
    pub contact_phone: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// Check a registration as a whole, reporting every bad field at once: the organisation with
/// the registry's own check (USCC check digit, current district, size class for enterprises),
/// plus a USCC and a district for every kind, the contact, and the first user with the account
/// rules (username, password length, the confirmation equal to the password).
pub fn check_registration(input: &RegistrationInput) -> Result<Registration, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = input
        .kind
        .as_deref()
        .map(str::trim)
        .and_then(OrgKind::parse);
    if let Some(k) = kind
        && !may_self_register(k)
    {
        errs.push(FieldError::new(
            "kind",
            Code::UnknownKind,
            format!("“{}”由主管部门登记，不能自行注册", k.label()),
        ));
    }
    let org = check_org(&OrgInput {
        kind: input.kind.clone(),
        name: input.name.clone(),
        uscc: input.uscc.clone(),
        district_code: input.district_code.clone(),
        address: input.address.clone(),
        size_class: input.size_class.clone(),
        ..Default::default()
    });
    let org = match org {
        Ok(o) => Some(o),
        Err(es) => {
            for e in es {
                errs.push(e);
            }
            None
        }
    };
    // check_org asks a USCC and a district only of some kinds; a self-registered organisation
    // is found and approved by both.
    let blank = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").is_empty();
    if blank(&input.uscc) && !errs.0.iter().any(|e| e.field == "uscc") {
        errs.push(FieldError::required("uscc", "统一社会信用代码"));
    }
    if blank(&input.district_code) && !errs.0.iter().any(|e| e.field == "district_code") {
        errs.push(FieldError::required("district_code", "所在区"));
    }
    let contact_name = errs
        .take(text(
            "contact_name",
            "联系人",
            input.contact_name.as_deref(),
            true,
            40,
        ))
        .flatten();
    let contact_phone = match input.contact_phone.as_deref().map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::required("contact_phone", "联系电话"));
            None
        }
        Some(p) => errs
            .take(parse_phone(p).map_err(|e| FieldError::new("contact_phone", e.code, e.message))),
    };
    let username = match input.username.as_deref().map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::required("username", "用户名"));
            None
        }
        Some(u) => errs.take(check_username(u)),
    };
    let display_name = errs
        .take(check_display_name(
            input.display_name.as_deref().unwrap_or(""),
        ))
        .flatten();
    let password = input.password.clone().unwrap_or_default();
    if password.is_empty() {
        errs.push(FieldError::required("password", "密码"));
    } else if let Err(e) = check_new_password("password", &password) {
        errs.push(e);
    } else if input.confirm.as_deref() != Some(password.as_str()) {
        errs.push(FieldError::new(
            "confirm",
            Code::NotConfirmed,
            "两次输入的密码不一致",
        ));
    }
    if !errs.is_empty() {
        return Err(errs.0);
    }
    let username = username.expect("checked");
    Ok(Registration {
        org: org.expect("checked"),
        contact_name: contact_name.expect("checked"),
        contact_phone: contact_phone.expect("checked"),
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username,
        password,
    })
}

/// What keeps the public registration form from being flooded: attempts per client address in
/// a ten-minute window (the survey link's window, `survey::limits`), then 429.
pub mod limits {
    /// Registration attempts per client address in one window.
    pub const RATE_MAX_PER_WINDOW: i64 = 10;

    /// Is this attempt (the `hits`-th of its window, counting it) over the limit?
    pub fn over_limit(hits: i64) -> bool {
        hits > RATE_MAX_PER_WINDOW
    }
}

/// A decision's comment: required when rejecting (the organisation reads it), optional when
/// approving; at most 500 characters.
pub fn check_decision_comment(
    comment: Option<&str>,
    approve: bool,
) -> Result<Option<String>, FieldError> {
    let c = text("comment", "审核意见", comment, false, 500)?;
    if !approve && c.is_none() {
        return Err(FieldError::new(
            "comment",
            Code::ReasonRequired,
            "驳回注册时请填写原因",
        ));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RegistrationInput {
        RegistrationInput {
            name: Some("上海示例科技有限公司".into()),
            kind: Some("enterprise".into()),
            uscc: Some("91310115MA1K3BTP2B".into()),
            district_code: Some("310104".into()),
            size_class: Some("small".into()),
            contact_name: Some("王敏".into()),
            contact_phone: Some("13812345678".into()),
            username: Some("Shili-Tech".into()),
            display_name: Some("王敏".into()),
            password: Some("longenough1".into()),
            confirm: Some("longenough1".into()),
            ..Default::default()
        }
    }

    #[test]
    fn issue18_a_valid_registration_is_checked() {
        let r = check_registration(&input()).unwrap();
        assert_eq!(r.org.kind, OrgKind::Enterprise);
        assert_eq!(r.org.district.unwrap().name, "徐汇区");
        assert_eq!(r.username, "shili-tech");
        assert_eq!(r.contact_phone, "13812345678");
    }

    #[test]
    fn issue18_every_bad_field_is_named_at_once() {
        let mut i = input();
        i.uscc = Some("91310115MA1K3BTP2C".into());
        i.district_code = Some("310103".into());
        i.size_class = None;
        i.contact_phone = Some("12".into());
        i.username = Some("张三".into());
        i.confirm = Some("other".into());
        let errs = check_registration(&i).unwrap_err();
        let got: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("uscc", "bad_check_digit"),
                ("district_code", "unknown_district"),
                ("size_class", "required"),
                ("contact_phone", "bad_phone"),
                ("username", "bad_username"),
                ("confirm", "not_confirmed"),
            ]
        );
    }

    #[test]
    fn issue18_bureaus_and_park_operators_do_not_self_register() {
        for kind in ["municipal_bureau", "district_bureau", "park_operator"] {
            let mut i = input();
            i.kind = Some(kind.into());
            i.size_class = None;
            let errs = check_registration(&i).unwrap_err();
            assert_eq!(
                (errs[0].field.as_str(), errs[0].code),
                ("kind", Code::UnknownKind)
            );
        }
        assert!(may_self_register(OrgKind::Bank) && may_self_register(OrgKind::University));
    }

    #[test]
    fn issue18_a_university_needs_a_uscc_and_district_here() {
        let mut i = input();
        i.kind = Some("university".into());
        i.size_class = None;
        i.uscc = None;
        i.district_code = None;
        let fields: Vec<String> = check_registration(&i)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["uscc", "district_code"]);
    }

    #[test]
    fn issue18_a_rejection_needs_a_reason() {
        assert_eq!(
            check_decision_comment(Some("  "), false).unwrap_err().code,
            Code::ReasonRequired
        );
        assert_eq!(check_decision_comment(None, true).unwrap(), None);
        assert_eq!(
            check_decision_comment(Some("材料不全"), false).unwrap(),
            Some("材料不全".into())
        );
    }
}

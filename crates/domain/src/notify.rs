//! Notifications (issue 18): what each to-do tells whom, and what each user gets by default.
//!
//! A [`Notice`] is one event's message (kind, Chinese title and body, the page it links to) and
//! its [`Audience`]: users, organisations (every active user of it), the cluster operator(s) of a
//! district, the municipal bureau. Each user then gets it in the in-app inbox and/or by e-mail as
//! their preferences say ([`wants`]), the kind's defaults when they chose nothing.

use crate::org::OrgKind;
use crate::policy::{Approver, registration_approver};
use crate::validation::FieldError;

macro_rules! kinds {
    ($($variant:ident = $code:literal, $label:literal, $in_app:literal, $email:literal;)*) => {
        /// A kind of notification, with a stable snake_case code (API, preferences).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum NoticeKind {
            $($variant,)*
        }

        impl NoticeKind {
            pub const ALL: &[NoticeKind] = &[$(NoticeKind::$variant,)*];

            /// The stable code, e.g. `contact_request`.
            pub fn code(self) -> &'static str {
                match self { $(NoticeKind::$variant => $code,)* }
            }

            /// The Chinese name users choose by.
            pub fn label(self) -> &'static str {
                match self { $(NoticeKind::$variant => $label,)* }
            }

            /// In the inbox unless the user turned it off.
            pub fn default_in_app(self) -> bool {
                match self { $(NoticeKind::$variant => $in_app,)* }
            }

            /// By e-mail (when the user has an address) unless the user turned it off.
            pub fn default_email(self) -> bool {
                match self { $(NoticeKind::$variant => $email,)* }
            }
        }
    };
}

kinds! {
    RegistrationPending = "registration_pending", "新单位注册待审核", true, true;
    RegistrationDecided = "registration_decided", "注册审核结果", true, true;
    ListingSubmitted = "listing_submitted", "供需条目待审核", true, false;
    ListingReviewed = "listing_reviewed", "供需条目审核结果", true, false;
    ContactRequest = "contact_request", "对接请求", true, true;
    ContactExchanged = "contact_exchanged", "已交换联系方式", true, true;
    MeetingScheduled = "meeting_scheduled", "一对一洽谈安排", true, true;
    PledgeStep = "pledge_step", "质押融资待处理", true, false;
    DealWaiting = "deal_waiting", "交易进展待处理", true, false;
}

/// Serialises as its code (audit entries, records).
impl serde::Serialize for NoticeKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl NoticeKind {
    pub fn parse(s: &str) -> Option<NoticeKind> {
        Self::ALL.iter().copied().find(|k| k.code() == s.trim())
    }
}

/// Who a notice goes to. The store turns each into users (active ones only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// One user.
    User(i64),
    /// Every active user of an organisation.
    Org(i64),
    /// The users of the cluster operator(s) of a district (by district code).
    DistrictOperators(String),
    /// The users of the municipal bureau.
    MunicipalBureau,
}

/// One event's message to its audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub to: Vec<Audience>,
    pub title: String,
    pub body: String,
    /// The page it is about, a path of this site (`/listings/12`).
    pub href: String,
    /// A user who caused it and does not need telling (the one who acted).
    pub except_user: Option<i64>,
}

/// A user's choice for one kind; `None` where they chose nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub in_app: bool,
    pub email: bool,
}

/// How a user gets a notice of `kind`: (in the inbox, by e-mail). By e-mail only with an address.
pub fn wants(kind: NoticeKind, chosen: Option<Preference>, has_address: bool) -> (bool, bool) {
    let p = chosen.unwrap_or(Preference {
        in_app: kind.default_in_app(),
        email: kind.default_email(),
    });
    (p.in_app, p.email && has_address)
}

/// Limits of an e-mail address (RFC 5321's path length).
pub const EMAIL_MAX_CHARS: usize = 254;

/// An e-mail address as a user types it: blank clears it; otherwise one `@` with a local part and
/// a dotted domain, no spaces or control characters (what mail servers take without surprises).
pub fn check_email(input: &str) -> Result<Option<String>, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        FieldError::new(
            "email",
            crate::code::Code::BadFormat,
            "电子邮箱格式不正确，例如 zhangsan@example.com",
        )
    };
    if s.chars().count() > EMAIL_MAX_CHARS {
        return Err(FieldError::new(
            "email",
            crate::code::Code::TooLong,
            format!("电子邮箱最多 {EMAIL_MAX_CHARS} 个字符"),
        ));
    }
    if s.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
    {
        return Err(bad());
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err(bad());
    };
    let labels_ok = domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
    if local.is_empty() || domain.contains('@') || !labels_ok {
        return Err(bad());
    }
    Ok(Some(s.to_string()))
}

/// How many times the outbox tries a mail before it gives up.
pub const MAIL_MAX_ATTEMPTS: i64 = 5;

/// Seconds to wait before the next try after `attempts` failed ones (30 s, 1, 2, 4 … minutes).
pub fn retry_after_secs(attempts: i64) -> i64 {
    30 * (1_i64 << attempts.clamp(0, 10))
}

// ---- who gets what ----------------------------------------------------------------------------

/// A self-registered organisation waits for its approver (`policy::registration_approver`).
pub fn registration_pending(
    org_id: i64,
    org_name: &str,
    kind: OrgKind,
    district: Option<&str>,
) -> Notice {
    let to = match registration_approver(kind, district) {
        Approver::DistrictOperator(d) => Audience::DistrictOperators(d.to_string()),
        Approver::MunicipalBureau => Audience::MunicipalBureau,
    };
    Notice {
        kind: NoticeKind::RegistrationPending,
        to: vec![to],
        title: format!("新单位注册待审核：{org_name}"),
        body: format!("{org_name}（{}）提交了注册申请，请审核。", kind.label()),
        href: format!("/registrations?org={org_id}"),
        except_user: None,
    }
}

/// The registrant's organisation learns the decision.
pub fn registration_decided(org_id: i64, approved: bool, comment: Option<&str>) -> Notice {
    let (title, mut body) = if approved {
        (
            "本单位注册已通过审核".to_string(),
            "本单位注册已通过审核，现在可以提交供需条目等待发布。".to_string(),
        )
    } else {
        (
            "本单位注册未通过审核".to_string(),
            "本单位注册未通过审核。".to_string(),
        )
    };
    if let Some(c) = comment.map(str::trim).filter(|c| !c.is_empty()) {
        body.push_str(&format!("审核意见：{c}"));
    }
    Notice {
        kind: NoticeKind::RegistrationDecided,
        to: vec![Audience::Org(org_id)],
        title,
        body,
        href: "/home".into(),
        except_user: None,
    }
}

/// A listing submitted for review waits for its district's cluster operator.
pub fn listing_submitted(listing_id: i64, title: &str, owner_name: &str, district: &str) -> Notice {
    Notice {
        kind: NoticeKind::ListingSubmitted,
        to: vec![Audience::DistrictOperators(district.to_string())],
        title: format!("供需条目待审核：{title}"),
        body: format!("{owner_name}提交了供需条目“{title}”，请审核后发布或退回。"),
        href: format!("/listings/{listing_id}"),
        except_user: None,
    }
}

/// The owner learns that its listing was published or returned (with the reason).
pub fn listing_reviewed(
    listing_id: i64,
    title: &str,
    owner_org: i64,
    published: bool,
    reason: Option<&str>,
) -> Notice {
    let (head, mut body) = if published {
        ("已发布", format!("供需条目“{title}”已审核通过并公开发布。"))
    } else {
        (
            "被退回",
            format!("供需条目“{title}”被退回，请修改后重新提交。"),
        )
    };
    if let Some(r) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        body.push_str(&format!("退回原因：{r}"));
    }
    Notice {
        kind: NoticeKind::ListingReviewed,
        to: vec![Audience::Org(owner_org)],
        title: format!("供需条目{head}：{title}"),
        body,
        href: format!("/listings/{listing_id}"),
        except_user: None,
    }
}

/// The other listing's owner is asked for contact.
pub fn contact_request(
    to_org: i64,
    from_name: &str,
    their_title: &str,
    your_title: &str,
    your_listing: i64,
) -> Notice {
    Notice {
        kind: NoticeKind::ContactRequest,
        to: vec![Audience::Org(to_org)],
        title: format!("{from_name}希望与您对接"),
        body: format!(
            "{from_name}对您的条目“{your_title}”感兴趣（对方条目：“{their_title}”），请同意或婉拒对接请求。同意后双方可见完整联系方式。"
        ),
        href: format!("/listings/{your_listing}"),
        except_user: None,
    }
}

/// One side of a pair whose contacts are now exchanged (sent to each side about its own listing).
pub fn contact_exchanged(
    to_org: i64,
    own_listing: i64,
    own_title: &str,
    other_name: &str,
    other_title: &str,
) -> Notice {
    Notice {
        kind: NoticeKind::ContactExchanged,
        to: vec![Audience::Org(to_org)],
        title: format!("已与{other_name}交换联系方式"),
        body: format!(
            "您的条目“{own_title}”与{other_name}的条目“{other_title}”双方已同意对接，完整联系方式已向双方公开。"
        ),
        href: format!("/listings/{own_listing}"),
        except_user: None,
    }
}

/// Both organisations of a 1:1 meeting at an event (`names`: demand side, supply side).
pub fn meeting_scheduled(
    event_id: i64,
    event_title: &str,
    orgs: [i64; 2],
    names: [&str; 2],
    when: &str,
    table: u32,
) -> Notice {
    Notice {
        kind: NoticeKind::MeetingScheduled,
        to: orgs.iter().map(|&o| Audience::Org(o)).collect(),
        title: format!("一对一洽谈已安排：{event_title}"),
        body: format!(
            "活动“{event_title}”已排定一对一洽谈：{}与{}，时间 {when}，第 {table} 桌。",
            names[0], names[1]
        ),
        href: format!("/events/{event_id}"),
        except_user: None,
    }
}

/// Which side of a pledge does the next step after `stage`: the pledgee bank (appraisal, due
/// diligence, approval, disbursement, release, disposal), the pledgor (the registration with the
/// patent office after approval — the bank may file it too —, repayment), or no one (ended).
pub fn pledge_waits_on(stage: crate::pledge::Stage) -> Option<PledgeSide> {
    use crate::pledge::Stage;
    match stage {
        Stage::Applied
        | Stage::Appraisal
        | Stage::DueDiligence
        | Stage::Registered
        | Stage::Repaid
        | Stage::Defaulted => Some(PledgeSide::Pledgee),
        Stage::Approved | Stage::Disbursed => Some(PledgeSide::Pledgor),
        Stage::Declined | Stage::Released | Stage::Disposed | Stage::Withdrawn => None,
    }
}

/// A side of a pledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PledgeSide {
    Pledgor,
    Pledgee,
}

/// The side a pledge now waits on, after it moved to `stage` (`orgs`: pledgor, pledgee).
pub fn pledge_step(
    pledge_id: i64,
    stage: crate::pledge::Stage,
    orgs: [i64; 2],
    names: [&str; 2],
) -> Option<Notice> {
    let to = match pledge_waits_on(stage)? {
        PledgeSide::Pledgor => orgs[0],
        PledgeSide::Pledgee => orgs[1],
    };
    Some(Notice {
        kind: NoticeKind::PledgeStep,
        to: vec![Audience::Org(to)],
        title: format!("质押融资待办理：{}（{}）", names[0], stage.label()),
        body: format!(
            "{}向{}申请的专利质押融资已进入“{}”，下一步由贵单位办理。",
            names[0],
            names[1],
            stage.label()
        ),
        href: format!("/pledges/{pledge_id}"),
        except_user: None,
    })
}

/// T4 (issue 18): a deal moved to `stage`: its parties (giving, receiving, the agency) hear of
/// it, but the user who moved it; a final stage (completed, cancelled) is told as done, any other
/// with the next step waiting.
pub fn deal_moved(
    deal_id: i64,
    kind: crate::deal::DealKind,
    stage: crate::deal::Stage,
    parties: &[i64],
    names: [&str; 2],
    by_user: i64,
) -> Notice {
    let label = stage.label_for(kind);
    let body = if stage.is_final() {
        format!("{}与{}的{}已{label}。", names[0], names[1], kind.label())
    } else {
        format!(
            "{}与{}的{}进入“{label}”阶段，请查看并推进下一步。",
            names[0],
            names[1],
            kind.label()
        )
    };
    let mut to: Vec<Audience> = Vec::new();
    for &o in parties {
        if !to.contains(&Audience::Org(o)) {
            to.push(Audience::Org(o));
        }
    }
    Notice {
        kind: NoticeKind::DealWaiting,
        to,
        title: format!("交易 #{deal_id} {label}"),
        body,
        href: format!("/deals/{deal_id}"),
        except_user: Some(by_user),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue18_t4_a_deal_that_moves_tells_its_parties_but_the_one_who_moved_it() {
        use crate::deal::{DealKind, Stage};
        let n = deal_moved(
            9,
            DealKind::Licence,
            Stage::Filed,
            &[3, 4, 3],
            ["甲大学", "乙公司"],
            21,
        );
        assert_eq!(n.to, vec![Audience::Org(3), Audience::Org(4)]);
        assert_eq!(n.except_user, Some(21));
        assert_eq!(n.href, "/deals/9");
        assert!(n.title.contains("已备案"), "{}", n.title);
        assert!(n.body.contains("请查看并推进下一步"));
        let done = deal_moved(
            9,
            DealKind::Transfer,
            Stage::Completed,
            &[3, 4],
            ["甲", "乙"],
            21,
        );
        assert!(!done.body.contains("下一步"), "{}", done.body);
    }

    #[test]
    fn issue18_every_kind_has_a_stable_code_and_a_chinese_label() {
        let mut codes: Vec<_> = NoticeKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), NoticeKind::ALL.len());
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.code()), Some(*k));
            assert!(k.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(!k.label().is_ascii());
            assert!(k.default_in_app(), "every to-do is in the inbox by default");
        }
        assert_eq!(NoticeKind::parse("nope"), None);
        assert_eq!(
            NoticeKind::ContactRequest.code(),
            "contact_request",
            "codes are published"
        );
    }

    #[test]
    fn issue18_defaults_apply_until_the_user_chooses_and_mail_needs_an_address() {
        let k = NoticeKind::ContactRequest;
        assert_eq!(wants(k, None, true), (true, true));
        assert_eq!(wants(k, None, false), (true, false));
        assert_eq!(
            wants(NoticeKind::ListingSubmitted, None, true),
            (true, false),
            "review to-dos are not mailed unless asked for"
        );
        let off = Preference {
            in_app: false,
            email: false,
        };
        assert_eq!(wants(k, Some(off), true), (false, false));
        let mail_only = Preference {
            in_app: false,
            email: true,
        };
        assert_eq!(wants(k, Some(mail_only), true), (false, true));
        assert_eq!(wants(k, Some(mail_only), false), (false, false));
    }

    #[test]
    fn issue18_a_registration_goes_to_its_approver() {
        let n = registration_pending(7, "甲公司", OrgKind::Enterprise, Some("310104"));
        assert_eq!(n.to, vec![Audience::DistrictOperators("310104".into())]);
        assert_eq!(n.href, "/registrations?org=7");
        let n = registration_pending(8, "乙银行", OrgKind::Bank, Some("310104"));
        assert_eq!(n.to, vec![Audience::MunicipalBureau]);
        let n = registration_decided(7, false, Some("营业执照不清晰"));
        assert_eq!(n.to, vec![Audience::Org(7)]);
        assert!(n.body.contains("营业执照不清晰"));
        assert!(n.title.contains("未通过"));
    }

    #[test]
    fn issue18_listings_go_to_the_district_operator_then_back_to_the_owner() {
        let n = listing_submitted(3, "钠电池隔膜", "甲公司", "310115");
        assert_eq!(n.kind, NoticeKind::ListingSubmitted);
        assert_eq!(n.to, vec![Audience::DistrictOperators("310115".into())]);
        let n = listing_reviewed(3, "钠电池隔膜", 9, false, Some("缺少联系人"));
        assert_eq!(n.to, vec![Audience::Org(9)]);
        assert!(n.body.contains("缺少联系人") && n.title.contains("退回"));
        let n = listing_reviewed(3, "钠电池隔膜", 9, true, None);
        assert!(n.title.contains("已发布"));
    }

    #[test]
    fn issue18_contacts_go_to_the_other_owner_then_to_both() {
        let n = contact_request(5, "甲公司", "钠电池隔膜需求", "隔膜专利", 12);
        assert_eq!(n.to, vec![Audience::Org(5)]);
        assert_eq!(n.href, "/listings/12");
        let n = contact_exchanged(6, 13, "隔膜专利", "甲公司", "钠电池隔膜需求");
        assert_eq!(n.to, vec![Audience::Org(6)]);
        assert_eq!(n.href, "/listings/13");
        let n = meeting_scheduled(2, "对接会", [5, 6], ["甲", "乙"], "2026-12-01 10:00", 3);
        assert!(n.body.contains("第 3 桌"));
        assert_eq!(n.to, vec![Audience::Org(5), Audience::Org(6)]);
    }

    #[test]
    fn issue18_a_pledge_tells_the_side_it_waits_on() {
        use crate::pledge::Stage;
        let n = pledge_step(4, Stage::Appraisal, [10, 20], ["甲公司", "乙银行"]).unwrap();
        assert_eq!(n.to, vec![Audience::Org(20)], "the bank appraises");
        let n = pledge_step(4, Stage::Approved, [10, 20], ["甲公司", "乙银行"]).unwrap();
        assert_eq!(n.to, vec![Audience::Org(10)], "the pledgor registers");
        for ended in [
            Stage::Declined,
            Stage::Released,
            Stage::Disposed,
            Stage::Withdrawn,
        ] {
            assert_eq!(pledge_step(4, ended, [10, 20], ["甲", "乙"]), None);
        }
    }

    #[test]
    fn issue18_email_addresses_are_checked_and_blank_clears() {
        assert_eq!(check_email("  "), Ok(None));
        assert_eq!(
            check_email(" zhang@example.com "),
            Ok(Some("zhang@example.com".into()))
        );
        assert_eq!(
            check_email("张三@例子.中国"),
            Ok(Some("张三@例子.中国".into()))
        );
        for bad in [
            "zhang",
            "@example.com",
            "zhang@",
            "zhang@example",
            "a b@example.com",
            "a@b@example.com",
            "a@.example.com",
            "a@example.com\r\nBcc: x@y.z",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert!(check_email(&format!("{}@example.com", "a".repeat(260))).is_err());
    }

    #[test]
    fn issue18_retries_back_off() {
        assert_eq!(retry_after_secs(0), 30);
        assert_eq!(retry_after_secs(1), 60);
        assert!(retry_after_secs(4) > retry_after_secs(3));
        assert!(retry_after_secs(100) <= 30 * 1024);
    }
}

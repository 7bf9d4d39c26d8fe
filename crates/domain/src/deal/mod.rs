//! The deal ledger (T4, T8; K3, K4): patent transfers 转让, licences 许可 and equity contributions
//! 作价入股, from a matchmaking lead to the signed contract, the exchange's settlement, the CNIPA
//! filing and the money received. Pure rules only: storage, pages and reports build on these.
//!
//! - [`input`]: the deal as `POST /api/v1/deals` receives it, checked into a [`DealDraft`];
//! - [`stage`]: the pipeline negotiating → signed → (settled) → filed → completed, or cancelled;
//! - [`filing`]: CNIPA filings, the licence filing deadline (DOMAIN.md §4.1) and its reminders;
//! - [`checks`]: the pre-checks before signing and filing, each with its evidence;
//! - [`payment`]: payments received against the contracted amount (T8);
//! - [`annual`]: the yearly figures of a benefiting SME (T8).
//!
//! Access (who may create, read, move, pay, file) is in `crate::policy`, section "deals".

use serde::{Deserialize, Serialize};

/// A closed vocabulary of the API: `ALL`, `slug()` (the API word, also its serde form),
/// `label()` (Chinese) and `parse()` (slug or label, surrounding whitespace ignored).
macro_rules! vocabulary {
    (
        $(#[$m:meta])*
        $name:ident { $( $(#[$vm:meta])* $v:ident = $slug:literal, $label:literal; )+ }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vm])* #[serde(rename = $slug)] $v, )+
        }

        impl $name {
            pub const ALL: [$name; [$(stringify!($v)),+].len()] = [$($name::$v),+];

            pub fn slug(self) -> &'static str {
                match self { $( $name::$v => $slug, )+ }
            }

            pub fn label(self) -> &'static str {
                match self { $( $name::$v => $label, )+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.into_iter().find(|x| x.slug() == s || x.label() == s)
            }

            /// `slug（label）` of every value, for messages listing what is allowed.
            pub fn choices() -> String {
                Self::ALL
                    .iter()
                    .map(|x| format!("{}（{}）", x.slug(), x.label()))
                    .collect::<Vec<_>>()
                    .join("、")
            }
        }
    };
}

pub mod annual;
pub mod checks;
mod fields;
pub mod filing;
pub mod input;
pub mod payment;
pub mod stage;

pub use annual::{Annual, AnnualInput, check_annual};
pub use checks::{DealFacts, OverruleInput, RULES, check_overrule, deal_checks, may_file};
pub use filing::{
    Filing, FilingFact, FilingInput, Reminder, ReminderLevel, check_filing, filing_accepted,
    filing_in_hand, filing_reminder, licence_filing_due, transfer_registration_reminder,
};
pub use input::{DealDraft, DealInput, Equity, Instalment, InstalmentInput, check_deal};
pub use payment::{Payment, PaymentInput, Totals, TotalsWan, accepts_payments, check_payment};
pub use stage::{
    MoveError, StageChange, StageHistory, StageMoveInput, StageStep, check_stage_move_input,
    move_stage, next_stages,
};

vocabulary! {
    /// What the deal does with the patent rights (DOMAIN.md §4.3).
    DealKind {
        /// 转让: the patent (or application) changes owner; needs the bibliographic change.
        Transfer = "transfer", "转让";
        /// 许可: the right to use; needs the licence contract record filing within 3 months.
        Licence = "licence", "许可";
        /// 作价入股: the patent is contributed to a company for a share; ownership passes to the
        /// company, so CNIPA treats it as a transfer.
        Equity = "equity", "作价入股";
    }
}

impl DealKind {
    /// The party giving the rights: 转让方 / 许可方 / 出资方.
    pub fn giver_label(self) -> &'static str {
        match self {
            DealKind::Transfer => "转让方",
            DealKind::Licence => "许可方",
            DealKind::Equity => "出资方",
        }
    }

    /// The party receiving them: 受让方 / 被许可方 / 被投资企业.
    pub fn receiver_label(self) -> &'static str {
        match self {
            DealKind::Transfer => "受让方",
            DealKind::Licence => "被许可方",
            DealKind::Equity => "被投资企业",
        }
    }
}

vocabulary! {
    /// The four kinds of licence (DOMAIN.md §4.1).
    LicenceType {
        /// 独占: only the licensee uses it, not even the licensor.
        Exclusive = "exclusive", "独占许可";
        /// 排他: the licensee and the licensor, nobody else.
        Sole = "sole", "排他许可";
        /// 普通: the licensor may license others as well.
        Ordinary = "ordinary", "普通许可";
        /// 开放许可 (Patent Law arts. 50–52): anyone on the published terms.
        Open = "open", "开放许可";
    }
}

impl LicenceType {
    /// Exclusive and sole licences shut third parties out for their term.
    pub fn excludes_others(self) -> bool {
        matches!(self, LicenceType::Exclusive | LicenceType::Sole)
    }
}

vocabulary! {
    /// Where the deal is made (T4: guide deals onto SIPEX or STEX).
    Venue {
        Sipex = "sipex", "上海知识产权交易中心";
        Stex = "stex", "上海技术交易所";
        OffExchange = "off_exchange", "场外";
    }
}

impl Venue {
    pub fn is_exchange(self) -> bool {
        self != Venue::OffExchange
    }
}

vocabulary! {
    /// How a deal is made on an exchange (DOMAIN.md §4.3).
    ExchangeMode {
        Agreement = "agreement", "协议转让";
        Auction = "auction", "拍卖";
        Tender = "tender", "招标";
        Bidding = "bidding", "竞价";
    }
}

vocabulary! {
    /// The deal's stage. The order of the variants is the order of the pipeline; `Cancelled`
    /// ends it from any stage before `Completed`.
    Stage {
        Negotiating = "negotiating", "洽谈中";
        Signed = "signed", "已签约";
        /// Only on an exchange: the exchange has settled the deal (交易凭证 issued).
        Settled = "settled", "交易所已结算";
        /// Filed with CNIPA: 已备案 (licence) / 已登记 (transfer, equity).
        Filed = "filed", "已备案/已登记";
        Completed = "completed", "已完成";
        Cancelled = "cancelled", "已取消";
    }
}

impl Stage {
    /// The label for a deal of this kind: a licence is 已备案, a transfer or equity 已登记.
    pub fn label_for(self, kind: DealKind) -> &'static str {
        match (self, kind) {
            (Stage::Filed, DealKind::Licence) => "已备案",
            (Stage::Filed, _) => "已登记",
            (s, _) => s.label(),
        }
    }

    /// No move leaves this stage.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Completed | Stage::Cancelled)
    }

    /// K3, K4, T8: a deal counts once signed and as long as it is not cancelled.
    pub fn counts_as_deal(self) -> bool {
        !matches!(self, Stage::Negotiating | Stage::Cancelled)
    }
}

vocabulary! {
    /// The CNIPA procedure a deal needs (T4; DOMAIN.md §4.1, §4.3).
    FilingKind {
        /// 专利实施许可合同备案 (cpservice.cnipa.gov.cn), within 3 months of the effective date.
        LicenceRecord = "licence_record", "专利实施许可合同备案";
        /// 著录项目变更（转让）(cponline.cnipa.gov.cn): a transfer takes effect on registration.
        TransferRegistration = "transfer_registration", "著录项目变更（转让）";
    }
}

impl FilingKind {
    /// The filing a deal of this kind needs: a licence its record filing, a transfer or an equity
    /// contribution (the company becomes the patentee) the bibliographic change.
    pub fn for_deal(kind: DealKind) -> FilingKind {
        match kind {
            DealKind::Licence => FilingKind::LicenceRecord,
            DealKind::Transfer | DealKind::Equity => FilingKind::TransferRegistration,
        }
    }
}

vocabulary! {
    /// Where a filing stands at CNIPA.
    FilingStatus {
        /// 已提交: filed, no decision yet.
        Filed = "filed", "已提交";
        /// 已准予: 备案证明 / 手续合格通知书 received.
        Accepted = "accepted", "已准予";
        /// 未准予: 不予备案 / 视为未提出, with the reason.
        Refused = "refused", "未准予";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slugs are the words of issue 12's API contract, and serde speaks the same words.
    #[test]
    fn t4_vocabulary_slugs_are_the_api_words() {
        let words = |all: Vec<&'static str>| all.join(",");
        assert_eq!(
            words(DealKind::ALL.map(DealKind::slug).to_vec()),
            "transfer,licence,equity"
        );
        assert_eq!(
            words(LicenceType::ALL.map(LicenceType::slug).to_vec()),
            "exclusive,sole,ordinary,open"
        );
        assert_eq!(
            words(Venue::ALL.map(Venue::slug).to_vec()),
            "sipex,stex,off_exchange"
        );
        assert_eq!(
            words(ExchangeMode::ALL.map(ExchangeMode::slug).to_vec()),
            "agreement,auction,tender,bidding"
        );
        assert_eq!(
            words(Stage::ALL.map(Stage::slug).to_vec()),
            "negotiating,signed,settled,filed,completed,cancelled"
        );
        assert_eq!(
            words(FilingKind::ALL.map(FilingKind::slug).to_vec()),
            "licence_record,transfer_registration"
        );
        assert_eq!(
            words(FilingStatus::ALL.map(FilingStatus::slug).to_vec()),
            "filed,accepted,refused"
        );
        for s in Stage::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.slug()));
            assert_eq!(serde_json::from_str::<Stage>(&json).unwrap(), s);
            assert_eq!(Stage::parse(s.slug()), Some(s));
            assert_eq!(Stage::parse(s.label()), Some(s));
        }
        assert_eq!(
            serde_json::to_string(&Venue::OffExchange).unwrap(),
            "\"off_exchange\""
        );
        assert_eq!(
            LicenceType::parse(" 独占许可 "),
            Some(LicenceType::Exclusive)
        );
        assert_eq!(LicenceType::parse("Exclusive"), None);
        assert_eq!(DealKind::parse("license"), None, "British spelling only");
    }

    #[test]
    fn t4_filing_kind_follows_the_deal_kind() {
        assert_eq!(
            FilingKind::for_deal(DealKind::Licence),
            FilingKind::LicenceRecord
        );
        assert_eq!(
            FilingKind::for_deal(DealKind::Transfer),
            FilingKind::TransferRegistration
        );
        assert_eq!(
            FilingKind::for_deal(DealKind::Equity),
            FilingKind::TransferRegistration
        );
        assert_eq!(Stage::Filed.label_for(DealKind::Licence), "已备案");
        assert_eq!(Stage::Filed.label_for(DealKind::Equity), "已登记");
        assert_eq!(Stage::Signed.label_for(DealKind::Equity), "已签约");
    }

    #[test]
    fn k3_a_deal_counts_once_signed_and_not_cancelled() {
        let counted: Vec<Stage> = Stage::ALL
            .into_iter()
            .filter(|s| s.counts_as_deal())
            .collect();
        assert_eq!(
            counted,
            [
                Stage::Signed,
                Stage::Settled,
                Stage::Filed,
                Stage::Completed
            ]
        );
        assert!(LicenceType::Exclusive.excludes_others() && LicenceType::Sole.excludes_others());
        assert!(!LicenceType::Ordinary.excludes_others() && !LicenceType::Open.excludes_others());
        assert!(Venue::Sipex.is_exchange() && !Venue::OffExchange.is_exchange());
    }
}

//! Every stable error code the platform answers, in one enum (lemmy's practice): scripts match on
//! these snake_case words (`{"error": {"code": "bad_check_digit"}}`), people read the Chinese
//! message that comes with each. A code, once published, keeps its spelling.

use std::fmt;

use serde::Serialize;

macro_rules! codes {
    ($($variant:ident = $text:literal,)*) => {
        /// A stable error code. Serialises as its snake_case text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as scripts see it, e.g. `bad_check_digit`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    AboveInsuredAmount = "above_insured_amount",
    AbovePremium = "above_premium",
    AfterPatentExpiry = "after_patent_expiry",
    AgencyClusterLimit = "agency_cluster_limit",
    AlreadyClosed = "already_closed",
    AlreadyDecided = "already_decided",
    AlreadyLeading = "already_leading",
    AlreadyPledged = "already_pledged",
    AlreadyRegistered = "already_registered",
    Ambiguous = "ambiguous",
    AmountAboveApplied = "amount_above_applied",
    AmountAboveApproved = "amount_above_approved",
    AmountTooLarge = "amount_too_large",
    BadAmount = "bad_amount",
    BadAuthority = "bad_authority",
    BadCertificateNumber = "bad_certificate_number",
    BadCharacter = "bad_character",
    BadCheckDigit = "bad_check_digit",
    BadClose = "bad_close",
    BadCredentials = "bad_credentials",
    BadDate = "bad_date",
    BadDatetime = "bad_datetime",
    BadFormat = "bad_format",
    BadIpc = "bad_ipc",
    BadJson = "bad_json",
    BadKindCode = "bad_kind_code",
    BadLength = "bad_length",
    BadLine = "bad_line",
    BadNumber = "bad_number",
    BadPatentType = "bad_patent_type",
    BadPercent = "bad_percent",
    BadPhone = "bad_phone",
    BadPrefix = "bad_prefix",
    BadProvince = "bad_province",
    BadRegion = "bad_region",
    BadRequest = "bad_request",
    BadStage = "bad_stage",
    BadTerms = "bad_terms",
    BadTransition = "bad_transition",
    BadType = "bad_type",
    BadUrl = "bad_url",
    BadUsername = "bad_username",
    BadYear = "bad_year",
    BeforePolicyStart = "before_policy_start",
    BidTooLow = "bid_too_low",
    BidiControl = "bidi_control",
    CannotDisableSelf = "cannot_disable_self",
    CannotMove = "cannot_move",
    ChecksBlocking = "checks_blocking",
    CollateralNotAccepted = "collateral_not_accepted",
    CommissionNeedsAgreement = "commission_needs_agreement",
    CreditReportMissing = "credit_report_missing",
    CsrfRejected = "csrf_rejected",
    DateBeforePrevious = "date_before_previous",
    DateInFuture = "date_in_future",
    DateInPast = "date_in_past",
    DateTooEarly = "date_too_early",
    DateTooFar = "date_too_far",
    DeadlinePassed = "deadline_passed",
    DealNotSigned = "deal_not_signed",
    DepositAboveStart = "deposit_above_start",
    Duplicate = "duplicate",
    DuplicateInFile = "duplicate_in_file",
    DuplicateListing = "duplicate_listing",
    DuplicateOption = "duplicate_option",
    DuplicatePatent = "duplicate_patent",
    DuplicateTrademark = "duplicate_trademark",
    DuplicateUscc = "duplicate_uscc",
    EffectiveBeforeSigned = "effective_before_signed",
    Empty = "empty",
    EndsBeforeStart = "ends_before_start",
    EventCancelled = "event_cancelled",
    EventFull = "event_full",
    EventPast = "event_past",
    ExceedsContract = "exceeds_contract",
    ExceedsRevenue = "exceeds_revenue",
    FiledBeforeSigned = "filed_before_signed",
    FiledYearMismatch = "filed_year_mismatch",
    FilingNotAccepted = "filing_not_accepted",
    FilingRequired = "filing_required",
    Forbidden = "forbidden",
    ForbiddenOwner = "forbidden_owner",
    ForbiddenStatus = "forbidden_status",
    GrantedBeforeFiled = "granted_before_filed",
    HteMalformed = "hte_malformed",
    ImportHasErrors = "import_has_errors",
    InThePast = "in_the_past",
    Incomplete = "incomplete",
    IndustryMismatch = "industry_mismatch",
    InstalmentsExceedAmount = "instalments_exceed_amount",
    Internal = "internal",
    Invalid = "invalid",
    InvalidToken = "invalid_token",
    InvalidUscc = "invalid_uscc",
    KindMismatch = "kind_mismatch",
    LeadExists = "lead_exists",
    LotClosed = "lot_closed",
    MethodNotAllowed = "method_not_allowed",
    MinAboveMax = "min_above_max",
    MissingColumns = "missing_columns",
    MissingName = "missing_name",
    MissingUscc = "missing_uscc",
    NegativeAmount = "negative_amount",
    NotAnAgency = "not_an_agency",
    NotAnInsurer = "not_an_insurer",
    NotApplicable = "not_applicable",
    NotConfirmed = "not_confirmed",
    NotEditable = "not_editable",
    NotEligible = "not_eligible",
    NotEnded = "not_ended",
    NotFound = "not_found",
    NotInForce = "not_in_force",
    NotMatchmaking = "not_matchmaking",
    NotStarted = "not_started",
    NotSubmitted = "not_submitted",
    NothingToOverrule = "nothing_to_overrule",
    OptionCount = "option_count",
    OrgCodeCheckMismatch = "org_code_check_mismatch",
    OrganiserCannotBid = "organiser_cannot_bid",
    OutOfRange = "out_of_range",
    OutcomeRequired = "outcome_required",
    OutsideBiddingTime = "outside_bidding_time",
    OverallCount = "overall_count",
    OverallNotRating = "overall_not_rating",
    OverallOptional = "overall_optional",
    OwnerAsCoOwner = "owner_as_co_owner",
    PatentAlreadyListed = "patent_already_listed",
    PayloadTooLarge = "payload_too_large",
    PlaceOrLinkRequired = "place_or_link_required",
    PledgeeNotBank = "pledgee_not_bank",
    ProxyNotRaised = "proxy_not_raised",
    RateLimited = "rate_limited",
    ReasonRequired = "reason_required",
    Required = "required",
    ReserveBelowStart = "reserve_below_start",
    Returned = "returned",
    RoundChanged = "round_changed",
    RoundExists = "round_exists",
    SameParty = "same_party",
    ScheduleHasLeads = "schedule_has_leads",
    SellerCannotBid = "seller_cannot_bid",
    SeqGap = "seq_gap",
    ServerBusy = "server_busy",
    SlotOutsideEvent = "slot_outside_event",
    StatusChanged = "status_changed",
    Store = "store",
    SurveyClosed = "survey_closed",
    SurveyFull = "survey_full",
    SurveyNotOpen = "survey_not_open",
    TableTaken = "table_taken",
    TermEnded = "term_ended",
    TermMismatch = "term_mismatch",
    TermNotEnded = "term_not_ended",
    TermPastExpiry = "term_past_expiry",
    TokenOtherSurvey = "token_other_survey",
    TokenUsed = "token_used",
    TooLong = "too_long",
    TooLongDuration = "too_long_duration",
    TooMany = "too_many",
    TooManyAttempts = "too_many_attempts",
    TooManyRows = "too_many_rows",
    TooShort = "too_short",
    Unauthenticated = "unauthenticated",
    UnknownDecision = "unknown_decision",
    UnknownDistrict = "unknown_district",
    UnknownKind = "unknown_kind",
    UnknownLot = "unknown_lot",
    UnknownOrg = "unknown_org",
    UnknownOrganisation = "unknown_organisation",
    UnknownPatent = "unknown_patent",
    UnknownPart = "unknown_part",
    UnknownReason = "unknown_reason",
    UnknownRound = "unknown_round",
    UnknownRule = "unknown_rule",
    UnknownSize = "unknown_size",
    UnknownSizeClass = "unknown_size_class",
    UnknownStatus = "unknown_status",
    UnknownValue = "unknown_value",
    UnknownVerdict = "unknown_verdict",
    Unreadable = "unreadable",
    UnsupportedFileType = "unsupported_file_type",
    UnsupportedMediaType = "unsupported_media_type",
    UnsupportedType = "unsupported_type",
    UsccTaken = "uscc_taken",
    UsernameTaken = "username_taken",
    ValidUntilMismatch = "valid_until_mismatch",
    WeakPassword = "weak_password",
    WrongFilingKind = "wrong_filing_kind",
    WrongLength = "wrong_length",
    WrongType = "wrong_type",
    // T8 reports to the municipal bureau (issue 16).
    PackageAccepted = "package_accepted",
    PackageNotSubmitted = "package_not_submitted",
    PackageSubmitted = "package_submitted",
    // Contact requests from matching suggestions (issue 18).
    AlreadyExchanged = "already_exchanged",
    AlreadyRequested = "already_requested",
    ContactsNotExchanged = "contacts_not_exchanged",
    RequestDeclined = "request_declined",
}

impl Code {
    pub fn parse(s: &str) -> Option<Code> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_words() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                !s.is_empty()
                    && s.starts_with(|ch: char| ch.is_ascii_lowercase())
                    && s.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                "{s} is not snake_case"
            );
            assert_eq!(Code::parse(s), Some(*c));
        }
    }
}

//! Chinese patent application numbers and publication / grant numbers (DOMAIN.md §1.1).

use crate::code::Code;
use serde::Serialize;

use super::{IdentError, normalize, quote, string_ident};

/// The type digit `T` of an application number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatentType {
    /// 1 发明
    Invention,
    /// 2 实用新型
    UtilityModel,
    /// 3 外观设计
    Design,
    /// 8 PCT invention entering China
    PctInvention,
    /// 9 PCT utility model entering China
    PctUtilityModel,
}

impl PatentType {
    pub const ALL: [PatentType; 5] = [
        PatentType::Invention,
        PatentType::UtilityModel,
        PatentType::Design,
        PatentType::PctInvention,
        PatentType::PctUtilityModel,
    ];

    pub fn from_digit(d: char) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.digit() == d)
    }

    pub fn digit(self) -> char {
        match self {
            PatentType::Invention => '1',
            PatentType::UtilityModel => '2',
            PatentType::Design => '3',
            PatentType::PctInvention => '8',
            PatentType::PctUtilityModel => '9',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PatentType::Invention => "发明",
            PatentType::UtilityModel => "实用新型",
            PatentType::Design => "外观设计",
            PatentType::PctInvention => "进入中国国家阶段的PCT发明",
            PatentType::PctUtilityModel => "进入中国国家阶段的PCT实用新型",
        }
    }

    /// `invention`, `utility_model`, `design`, `pct_invention`, `pct_utility_model`.
    pub fn code(self) -> &'static str {
        match self {
            PatentType::Invention => "invention",
            PatentType::UtilityModel => "utility_model",
            PatentType::Design => "design",
            PatentType::PctInvention => "pct_invention",
            PatentType::PctUtilityModel => "pct_utility_model",
        }
    }
}

const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

/// The check character of an application number's digits (12 for the new form, 8 for the old):
/// r = Σ dᵢ·wᵢ mod 11 with weights 2,3,4,5,6,7,8,9,2,3,4,5; `X` when r = 10 (DOMAIN.md §1.1).
/// `None` unless `digits` is exactly 12 or 8 ASCII digits.
pub fn patent_check_char(digits: &str) -> Option<char> {
    let b = digits.as_bytes();
    if !(b.len() == 12 || b.len() == 8) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(match sum % 11 {
        10 => 'X',
        r => char::from(b'0' + r as u8),
    })
}

/// 专利申请号, e.g. `201710601862.3` (new form, since 2003-10-01) or `95115608.X` (old form).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatentApplicationNumber {
    canonical: String,
    year: u16,
    patent_type: PatentType,
}

const APP_FORMAT: &str =
    "应为 12 位数字加校验位（如 201710601862.3），或 2003 年前的 8 位数字加校验位（如 95115608.X）";

impl PatentApplicationNumber {
    /// Accepts an optional `CN` or `ZL` prefix, spaces anywhere, full-width characters,
    /// a missing `.` and a lowercase `x`.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let n = normalize(s);
        if n.is_empty() {
            return Err(IdentError::empty("201710601862.3"));
        }
        let letters: String = n.chars().take_while(char::is_ascii_alphabetic).collect();
        let rest = match letters.as_str() {
            "" => n.as_str(),
            "CN" | "ZL" => &n[2..],
            other => {
                return Err(IdentError::new(
                    Code::BadPrefix,
                    format!("前缀“{other}”无法识别：只可带 CN 或 ZL 前缀，或不带前缀"),
                ));
            }
        };
        let last = rest.chars().count().saturating_sub(1);
        for (i, c) in rest.chars().enumerate() {
            let fine = c.is_ascii_digit() || c == '.' || (i == last && c.is_ascii_alphabetic());
            if !fine {
                return Err(IdentError::new(
                    Code::BadCharacter,
                    format!(
                        "含有不允许的字符{}：只能是数字和小数点，校验位可为 X",
                        quote(c)
                    ),
                ));
            }
        }
        // `rest` is ASCII from here on.
        let (body, check) = match rest.split_once('.') {
            Some((_, c)) if c.contains('.') => {
                return Err(IdentError::new(
                    Code::BadCharacter,
                    "只能有一个小数点（在校验位之前）",
                ));
            }
            Some((b, c)) => (b, c),
            None if rest.len() == 13 || rest.len() == 9 => rest.split_at(rest.len() - 1),
            None => (rest, ""),
        };
        if body.bytes().any(|b| !b.is_ascii_digit()) {
            return Err(IdentError::new(
                Code::BadCharacter,
                "小数点之前只能是数字（字母 X 只能作校验位）",
            ));
        }
        if body.len() != 12 && body.len() != 8 {
            return Err(IdentError::new(
                Code::BadLength,
                format!("位数不对：{APP_FORMAT}，实为 {} 位数字", body.len()),
            ));
        }
        if check.is_empty() {
            return Err(IdentError::new(
                Code::BadLength,
                format!(
                    "缺少校验位：{} 位数字之后应有“.”和一位校验位（0–9 或 X）",
                    body.len()
                ),
            ));
        }
        if check.len() > 1 {
            return Err(IdentError::new(
                Code::BadLength,
                format!("校验位只有一位（0–9 或 X），实为“{check}”"),
            ));
        }
        let old = body.len() == 8;
        let year = if old {
            let yy: u16 = body[..2].parse().expect("digits");
            match yy {
                85..=99 => 1900 + yy,
                0..=3 => 2000 + yy,
                _ => {
                    return Err(IdentError::new(
                        Code::BadYear,
                        format!(
                            "年份“{yy:02}”不对：8 位旧格式申请号用于 1985 年至 2003 年（85–99、00–03），2003 年 10 月 1 日起为 12 位"
                        ),
                    ));
                }
            }
        } else {
            let y: u16 = body[..4].parse().expect("digits");
            if !(2003..=2100).contains(&y) {
                return Err(IdentError::new(
                    Code::BadYear,
                    format!("年份 {y} 不对：12 位申请号始于 2003 年，年份应在 2003–2100 之间"),
                ));
            }
            y
        };
        let t = char::from(body.as_bytes()[if old { 2 } else { 4 }]);
        let Some(patent_type) = PatentType::from_digit(t) else {
            return Err(IdentError::new(
                Code::BadPatentType,
                format!(
                    "专利类型位（第 {} 位）应为 1 发明、2 实用新型、3 外观设计、8 PCT 发明或 9 PCT 实用新型，实为 {t}",
                    if old { 3 } else { 5 }
                ),
            ));
        };
        let expected = patent_check_char(body).expect("12 or 8 digits");
        let actual = check.chars().next().expect("one char");
        if actual != expected {
            return Err(IdentError::new(
                Code::BadCheckDigit,
                format!("校验位应为 {expected}，实为 {actual}"),
            ));
        }
        Ok(PatentApplicationNumber {
            canonical: format!("{body}.{check}"),
            year,
            patent_type,
        })
    }

    /// The canonical spelling, e.g. `201710601862.3`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The filing year (old form: 85..99 → 19YY, 00..03 → 20YY).
    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn patent_type(&self) -> PatentType {
        self.patent_type
    }

    /// The 8-digit form used before 2003-10-01.
    pub fn is_old_format(&self) -> bool {
        self.canonical.len() == 10
    }

    /// The digits before the `.`: 12, or 8 for the old form.
    pub fn digits(&self) -> &str {
        &self.canonical[..self.canonical.len() - 2]
    }

    /// The serial number after the type digit: 7 digits, or 5 for the old form.
    pub fn serial(&self) -> &str {
        let d = self.digits();
        &d[if self.is_old_format() { 3 } else { 5 }..]
    }

    /// `0`–`9` or `X`.
    pub fn check_char(&self) -> char {
        char::from(*self.canonical.as_bytes().last().expect("non-empty"))
    }
}

string_ident!(PatentApplicationNumber);

/// The kind code at the end of a publication / grant number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PublicationKind {
    /// A 发明专利申请公布
    InventionApplication,
    /// B 发明专利授权公告
    InventionGrant,
    /// U 实用新型专利授权公告
    UtilityModel,
    /// S 外观设计专利授权公告
    Design,
    /// C 发明专利授权公告（2004年前）
    InventionGrantPre2004,
    /// Y 实用新型专利授权公告（2004年前）
    UtilityModelPre2004,
}

impl PublicationKind {
    pub const ALL: [PublicationKind; 6] = [
        PublicationKind::InventionApplication,
        PublicationKind::InventionGrant,
        PublicationKind::UtilityModel,
        PublicationKind::Design,
        PublicationKind::InventionGrantPre2004,
        PublicationKind::UtilityModelPre2004,
    ];

    pub fn from_letter(c: char) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.letter() == c)
    }

    pub fn letter(self) -> char {
        match self {
            PublicationKind::InventionApplication => 'A',
            PublicationKind::InventionGrant => 'B',
            PublicationKind::UtilityModel => 'U',
            PublicationKind::Design => 'S',
            PublicationKind::InventionGrantPre2004 => 'C',
            PublicationKind::UtilityModelPre2004 => 'Y',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PublicationKind::InventionApplication => "发明专利申请公布",
            PublicationKind::InventionGrant => "发明专利授权公告",
            PublicationKind::UtilityModel => "实用新型专利授权公告",
            PublicationKind::Design => "外观设计专利授权公告",
            PublicationKind::InventionGrantPre2004 => "发明专利授权公告（2004年前）",
            PublicationKind::UtilityModelPre2004 => "实用新型专利授权公告（2004年前）",
        }
    }
}

impl Serialize for PublicationKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_char(self.letter())
    }
}

/// 公开号/公告号: `CN` + 9 digits (older: 7) + one kind-code letter, e.g. `CN112345678A`.
/// No check digit (DOMAIN.md §1.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatentPublicationNumber {
    canonical: String,
    kind: PublicationKind,
}

const PUB_KINDS: &str = "A、B、U、S、C 或 Y";

impl PatentPublicationNumber {
    /// Accepts lowercase, spaces anywhere and full-width characters. The `CN` prefix is required
    /// and the kind code is exactly one letter (no `A1`-style digit).
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        Self::parse_inner(s).map_err(|mut e| {
            if PatentApplicationNumber::parse(s).is_ok() {
                e.message
                    .push_str("（这像是专利申请号，不是公开号/公告号）");
            }
            e
        })
    }

    fn parse_inner(s: &str) -> Result<Self, IdentError> {
        let n = normalize(s);
        if n.is_empty() {
            return Err(IdentError::empty("CN112345678A"));
        }
        let Some(rest) = n.strip_prefix("CN") else {
            return Err(IdentError::new(
                Code::BadPrefix,
                "应以 CN 开头，如 CN112345678A",
            ));
        };
        let chars: Vec<char> = rest.chars().collect();
        let Some((&last, digits)) = chars.split_last() else {
            return Err(IdentError::new(
                Code::BadLength,
                "CN 之后应有 9 位（早期为 7 位）数字和一个种类代码字母，如 CN112345678A",
            ));
        };
        let kind = if last.is_ascii_alphabetic() {
            PublicationKind::from_letter(last).ok_or_else(|| {
                IdentError::new(
                    Code::BadKindCode,
                    format!("种类代码“{last}”无效：应为 {PUB_KINDS}"),
                )
            })?
        } else if last.is_ascii_digit() {
            return Err(match digits.last() {
                Some(k) if k.is_ascii_alphabetic() => IdentError::new(
                    Code::BadKindCode,
                    format!("种类代码只有一个字母（{PUB_KINDS}），其后不带数字“{last}”"),
                ),
                _ => IdentError::new(
                    Code::BadKindCode,
                    format!("缺少种类代码：末尾应为一个字母，{PUB_KINDS}"),
                ),
            });
        } else {
            return Err(IdentError::new(
                Code::BadCharacter,
                format!(
                    "含有不允许的字符{}：末尾应为种类代码字母 {PUB_KINDS}",
                    quote(last)
                ),
            ));
        };
        if let Some(c) = digits.iter().copied().find(|c| !c.is_ascii_digit()) {
            return Err(IdentError::new(
                Code::BadCharacter,
                format!(
                    "含有不允许的字符{}：CN 与末尾的种类代码之间只能是数字",
                    quote(c)
                ),
            ));
        }
        if digits.len() != 9 && digits.len() != 7 {
            return Err(IdentError::new(
                Code::BadLength,
                format!(
                    "位数不对：CN 之后应为 9 位数字（早期为 7 位），实为 {} 位",
                    digits.len()
                ),
            ));
        }
        Ok(PatentPublicationNumber { canonical: n, kind })
    }

    /// The canonical spelling, e.g. `CN112345678A`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    pub fn kind(&self) -> PublicationKind {
        self.kind
    }

    /// The digits between `CN` and the kind code.
    pub fn number(&self) -> &str {
        &self.canonical[2..self.canonical.len() - 1]
    }

    /// The older 7-digit numbering.
    pub fn is_old_format(&self) -> bool {
        self.number().len() == 7
    }
}

string_ident!(PatentPublicationNumber);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ident::testutil::{mess, mess_flags};

    fn err(s: &str) -> IdentError {
        PatentApplicationNumber::parse(s).unwrap_err()
    }

    #[test]
    fn dom_1_1_new_form_example_is_valid() {
        // DOMAIN.md §1.1: 201710601862.3, Σ = 157, 157 mod 11 = 3.
        let sum: u32 = "201710601862"
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        assert_eq!(sum, 157);
        let p = PatentApplicationNumber::parse("201710601862.3").unwrap();
        assert_eq!(p.as_str(), "201710601862.3");
        assert_eq!(p.year(), 2017);
        assert_eq!(p.patent_type(), PatentType::Invention);
        assert!(!p.is_old_format());
        assert_eq!(p.check_char(), '3');
        assert_eq!(p.digits(), "201710601862");
        assert_eq!(p.serial(), "0601862");
    }

    #[test]
    fn dom_1_1_old_form_example_is_valid() {
        // DOMAIN.md §1.1: 95115608.X, Σ = 186, 186 mod 11 = 10 → X.
        let sum: u32 = "95115608"
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        assert_eq!(sum, 186);
        let p = PatentApplicationNumber::parse("95115608.X").unwrap();
        assert_eq!(p.year(), 1995);
        assert_eq!(p.patent_type(), PatentType::Invention);
        assert!(p.is_old_format());
        assert_eq!(p.check_char(), 'X');
        assert_eq!(p.serial(), "15608");
        assert_eq!(PatentApplicationNumber::parse("95115608x").unwrap(), p);
    }

    #[test]
    fn dom_1_1_bad_check_example_names_the_expected_check() {
        // DOMAIN.md §1.1: 202310100002.X is invalid (its check must be 7).
        let e = err("202310100002.X");
        assert_eq!(e.code, "bad_check_digit");
        assert_eq!(e.message, "校验位应为 7，实为 X");
        assert!(PatentApplicationNumber::parse("202310100002.7").is_ok());
    }

    #[test]
    fn accepted_spellings() {
        let want = PatentApplicationNumber::parse("201710601862.3").unwrap();
        for s in [
            "CN201710601862.3",
            "ZL201710601862.3",
            "zl 2017 1 0601862.3",
            "cn2017106018623",
            "2017 1 0601862 3",
            "２０１７１０６０１８６２．３",
            "ＺＬ２０１７１０６０１８６２。３",
            "\u{3000}201710601862.3\u{3000}",
        ] {
            assert_eq!(PatentApplicationNumber::parse(s).as_ref(), Ok(&want), "{s}");
        }
    }

    #[test]
    fn error_codes() {
        assert_eq!(err("").code, "empty");
        assert_eq!(err(" \u{3000}").code, "empty");
        assert_eq!(err("US201710601862.3").code, "bad_prefix");
        assert_eq!(err("2017106O1862.3").code, "bad_character");
        assert_eq!(err("201710601862.3号").code, "bad_character");
        assert_eq!(err("2017.10601862.3").code, "bad_character");
        assert_eq!(err("20171060186X.3").code, "bad_character");
        assert_eq!(err("20171060186.3").code, "bad_length");
        assert_eq!(err("201710601862").code, "bad_length");
        assert_eq!(err("201710601862.").code, "bad_length");
        assert_eq!(err("201710601862.33").code, "bad_length");
        assert_eq!(err("CN").code, "bad_length");
        assert_eq!(err("201760601862.3").code, "bad_patent_type");
        assert_eq!(err("200210601862.3").code, "bad_year");
        assert_eq!(err("210110601862.3").code, "bad_year");
        assert_eq!(err("84115608.X").code, "bad_year");
        assert_eq!(err("04115608.X").code, "bad_year");
        assert_eq!(err("201710601862.A").code, "bad_check_digit");
        assert!(err("201710601862.A").message.contains("校验位应为 3"));
    }

    #[test]
    fn every_type_digit() {
        for t in PatentType::ALL {
            let body = format!("2020{}0000001", t.digit());
            let s = format!("{body}.{}", patent_check_char(&body).unwrap());
            let p = PatentApplicationNumber::parse(&s).unwrap();
            assert_eq!(p.patent_type(), t);
            assert_eq!(PatentType::from_digit(t.digit()), Some(t));
        }
        for d in ['0', '4', '5', '6', '7'] {
            assert_eq!(PatentType::from_digit(d), None);
        }
    }

    #[test]
    fn old_form_years() {
        for (yy, year) in [("85", 1985), ("99", 1999), ("00", 2000), ("03", 2003)] {
            let body = format!("{yy}100001");
            let s = format!("{body}.{}", patent_check_char(&body).unwrap());
            assert_eq!(PatentApplicationNumber::parse(&s).unwrap().year(), year);
        }
    }

    #[test]
    fn check_char_helper_rejects_bad_input() {
        assert_eq!(patent_check_char("201710601862"), Some('3'));
        assert_eq!(patent_check_char("95115608"), Some('X'));
        assert_eq!(patent_check_char("2017106018"), None);
        assert_eq!(patent_check_char("20171060186A"), None);
        assert_eq!(patent_check_char(""), None);
    }

    #[test]
    fn every_single_digit_change_of_the_example_is_caught() {
        // DOMAIN.md §1.1 example, exhaustively: every position, every other digit.
        let good = "201710601862.3";
        for (i, orig) in good.char_indices().filter(|(_, c)| *c != '.') {
            for d in ('0'..='9').chain(['X']) {
                if d == orig || (d == 'X' && i != good.len() - 1) {
                    continue;
                }
                let mut s = good.to_string();
                s.replace_range(i..i + 1, &d.to_string());
                assert!(PatentApplicationNumber::parse(&s).is_err(), "{s}");
            }
        }
    }

    #[test]
    fn publication_numbers() {
        let p = PatentPublicationNumber::parse("CN112345678A").unwrap();
        assert_eq!(p.as_str(), "CN112345678A");
        assert_eq!(p.kind(), PublicationKind::InventionApplication);
        assert_eq!(p.kind().label(), "发明专利申请公布");
        assert_eq!(p.number(), "112345678");
        assert!(!p.is_old_format());
        for s in ["cn112345678a", "CN 112345678 A", "ＣＮ１１２３４５６７８Ａ"] {
            assert_eq!(PatentPublicationNumber::parse(s).as_ref(), Ok(&p), "{s}");
        }
        let old = PatentPublicationNumber::parse("CN1234567Y").unwrap();
        assert!(old.is_old_format());
        assert_eq!(old.kind().label(), "实用新型专利授权公告（2004年前）");
        for (letter, label) in [
            ('A', "发明专利申请公布"),
            ('B', "发明专利授权公告"),
            ('U', "实用新型专利授权公告"),
            ('S', "外观设计专利授权公告"),
            ('C', "发明专利授权公告（2004年前）"),
            ('Y', "实用新型专利授权公告（2004年前）"),
        ] {
            let k = PatentPublicationNumber::parse(&format!("CN212345678{letter}"))
                .unwrap()
                .kind();
            assert_eq!((k.letter(), k.label()), (letter, label));
        }
    }

    #[test]
    fn publication_errors() {
        let e = |s: &str| PatentPublicationNumber::parse(s).unwrap_err();
        assert_eq!(e("").code, "empty");
        assert_eq!(e("112345678A").code, "bad_prefix");
        assert_eq!(e("US112345678A").code, "bad_prefix");
        assert_eq!(e("CN").code, "bad_length");
        assert_eq!(e("CN112345678A1").code, "bad_kind_code");
        assert_eq!(e("CN112345678").code, "bad_kind_code");
        assert_eq!(e("CN112345678D").code, "bad_kind_code");
        assert_eq!(e("CN11234567BA").code, "bad_character");
        assert_eq!(e("CN112345678号").code, "bad_character");
        assert_eq!(e("CN12345678A").code, "bad_length");
        assert_eq!(e("CN1123456789A").code, "bad_length");
        let hint = e("CN201710601862.3");
        assert!(hint.message.contains("专利申请号"), "{}", hint.message);
    }

    fn valid_application() -> impl Strategy<Value = PatentApplicationNumber> {
        let new = (2003u16..=2100, 0usize..5, 0u32..10_000_000)
            .prop_map(|(y, t, n)| format!("{y}{}{n:07}", PatentType::ALL[t].digit()));
        let old = (prop_oneof![85u16..=99, 0u16..=3], 0usize..5, 0u32..100_000)
            .prop_map(|(y, t, n)| format!("{y:02}{}{n:05}", PatentType::ALL[t].digit()));
        prop_oneof![3 => new, 1 => old].prop_map(|body| {
            let s = format!("{body}.{}", patent_check_char(&body).unwrap());
            PatentApplicationNumber::parse(&s).unwrap()
        })
    }

    proptest! {
        #[test]
        fn application_round_trips(p in valid_application()) {
            prop_assert_eq!(PatentApplicationNumber::parse(p.as_str()), Ok(p.clone()));
            let shown = p.to_string(); // Display
            prop_assert_eq!(PatentApplicationNumber::parse(&shown), Ok(p.clone()));
            prop_assert_eq!(p.to_string().len(), if p.is_old_format() { 10 } else { 14 });
        }

        #[test]
        fn application_messy_spellings(
            p in valid_application(),
            prefix in prop::sample::select(vec!["", "CN", "cn", "ZL", "zl", "Zl", "ｚｌ", "ＣＮ"]),
            dot in prop::sample::select(vec![".", "", "．", "。"]),
            flags in mess_flags(),
        ) {
            let canon = p.as_str();
            let raw = format!("{prefix}{}{dot}{}", p.digits(), p.check_char());
            let messy = mess(&raw, &flags);
            prop_assert_eq!(PatentApplicationNumber::parse(&messy).map(|x| x.to_string()), Ok(canon.to_string()), "{:?}", messy);
        }

        #[test]
        fn application_single_digit_change_is_caught(
            p in valid_application(),
            pos in any::<prop::sample::Index>(),
            delta in 1u8..10,
        ) {
            let digits = p.digits();
            let i = pos.index(digits.len());
            let mut b = digits.as_bytes().to_vec();
            b[i] = b'0' + (b[i] - b'0' + delta) % 10;
            let changed = String::from_utf8(b).unwrap();
            // The weights are all non-zero mod 11, so the check itself always differs.
            prop_assert_ne!(patent_check_char(&changed), Some(p.check_char()));
            let s = format!("{changed}.{}", p.check_char());
            prop_assert!(PatentApplicationNumber::parse(&s).is_err(), "{}", s);
        }

        #[test]
        fn application_check_change_is_caught(p in valid_application(), c in prop::sample::select(
            "0123456789X".chars().collect::<Vec<_>>()
        )) {
            prop_assume!(c != p.check_char());
            let s = format!("{}.{c}", p.digits());
            let e = PatentApplicationNumber::parse(&s).unwrap_err();
            prop_assert_eq!(e.code, "bad_check_digit");
        }

        #[test]
        fn publication_round_trips(
            old in any::<bool>(),
            n in 0u32..1_000_000_000,
            k in 0usize..6,
            flags in mess_flags(),
        ) {
            let digits = if old { format!("{:07}", n % 10_000_000) } else { format!("{n:09}") };
            let canon = format!("CN{digits}{}", PublicationKind::ALL[k].letter());
            let p = PatentPublicationNumber::parse(&canon).unwrap();
            prop_assert_eq!(p.as_str(), canon.as_str());
            prop_assert_eq!(p.kind(), PublicationKind::ALL[k]);
            let shown = p.to_string(); // Display
            prop_assert_eq!(PatentPublicationNumber::parse(&shown), Ok(p.clone()));
            prop_assert_eq!(PatentPublicationNumber::parse(&mess(&canon, &flags)), Ok(p));
        }
    }
}

//! Unified Social Credit Code (统一社会信用代码, GB 32100-2015; DOMAIN.md §1.2).

use super::{IdentError, IdentWarning, normalize, quote, string_ident};
use crate::code::Code;
use crate::district::{self, District};

/// The 31 characters of the code, in value order 0..30 (no I, O, Z, S, V).
pub(crate) const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Wᵢ = 3^(i−1) mod 31, i = 1..17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the embedded organisation code (GB 11714).
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Registering-authority codes (position 1).
const AUTHORITIES: &str = "123456789ANY";

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character (position 18) for the first 17 characters:
/// C18 = (31 − Σ Cᵢ·Wᵢ mod 31) mod 31 (DOMAIN.md §1.2). Lowercase letters are accepted.
/// `None` unless `first17` is 17 characters from the 31-character set.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    let mut n = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c.to_ascii_uppercase())? * w;
        n += 1;
    }
    if n != 17 || first17.chars().count() != 17 {
        return None;
    }
    CHARSET.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// The check character of a GB 11714 organisation code from its first 8 characters:
/// weights 3,7,9,10,5,8,4,2; digits 0–9, letters A=10 … Z=35; check = 11 − Σ mod 11,
/// 10 → `X`, 11 → `0`. Lowercase letters are accepted; `None` unless 8 ASCII letters or digits.
pub fn org_code_check_char(first8: &str) -> Option<char> {
    let mut sum = 0;
    let mut n = 0;
    for (c, w) in first8.chars().zip(ORG_WEIGHTS) {
        sum += c.to_ascii_uppercase().to_digit(36)? * w;
        n += 1;
    }
    if n != 8 || first8.chars().count() != 8 {
        return None;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        r => char::from_digit(r, 10).expect("0..=9"),
    })
}

/// Where in Shanghai a code was registered (positions 3–8 starting with `31`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShanghaiRegion {
    /// `310000` 上海市: a municipal-level registering authority.
    Municipal,
    /// `310100` 上海市市辖区: also municipal level, no district.
    MunicipalDistricts,
    /// A district, current or merged (e.g. 310103 卢湾区, now part of 黄浦区).
    District(&'static District),
    /// Starts with `31` but is not a code we know.
    Unknown,
}

impl ShanghaiRegion {
    pub fn label(self) -> &'static str {
        match self {
            ShanghaiRegion::Municipal => "上海市",
            ShanghaiRegion::MunicipalDistricts => "上海市市辖区",
            ShanghaiRegion::District(d) => d.name,
            ShanghaiRegion::Unknown => "上海市（未知区划代码）",
        }
    }
}

/// 统一社会信用代码, e.g. `91310115MA1K3BTP2B`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc {
    canonical: String,
}

impl Uscc {
    /// Accepts lowercase, spaces anywhere and full-width characters; the canonical form is
    /// uppercase. Merged or unknown region codes are accepted (DOMAIN.md §1.2); a wrong
    /// organisation-code check is only a warning (see [`Uscc::warnings`]).
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let n = normalize(s);
        if n.is_empty() {
            return Err(IdentError::empty("91310115MA1K3BTP2B"));
        }
        for (i, c) in n.chars().enumerate() {
            // Position 18 may be any letter or digit here: a wrong one is reported as a wrong
            // check character, with the right one.
            if value(c).is_some() || (i == 17 && c.is_ascii_alphanumeric()) {
                continue;
            }
            let hint = match c {
                'O' => "（字母 O 可能应为数字 0）",
                'I' => "（字母 I 可能应为数字 1）",
                _ => "",
            };
            let why = if matches!(c, 'I' | 'O' | 'Z' | 'S' | 'V') {
                "统一社会信用代码不使用字母 I、O、Z、S、V"
            } else {
                "只能是数字和大写字母（不含 I、O、Z、S、V）"
            };
            return Err(IdentError::new(
                Code::BadCharacter,
                format!("第 {} 位{}不是允许的字符：{why}{hint}", i + 1, quote(c)),
            ));
        }
        let len = n.chars().count();
        if len != 18 {
            return Err(IdentError::new(
                Code::BadLength,
                format!("应为 18 位，实为 {len} 位"),
            ));
        }
        let b = n.as_bytes(); // ASCII from here on
        let authority = char::from(b[0]);
        if !AUTHORITIES.contains(authority) {
            return Err(IdentError::new(
                Code::BadAuthority,
                format!("第 1 位登记管理部门代码应为 1–9、A、N 或 Y，实为 {authority}"),
            ));
        }
        let region = &n[2..8];
        if !region.bytes().all(|c| c.is_ascii_digit()) {
            return Err(IdentError::new(
                Code::BadRegion,
                format!("第 3–8 位登记管理机关行政区划码应为 6 位数字，实为 {region}"),
            ));
        }
        let expected = uscc_check_char(&n[..17]).expect("17 characters from the set");
        let actual = char::from(b[17]);
        if actual != expected {
            return Err(IdentError::new(
                Code::BadCheckDigit,
                format!("校验位应为 {expected}，实为 {actual}（第 18 位）"),
            ));
        }
        Ok(Uscc { canonical: n })
    }

    /// The canonical spelling, uppercase, e.g. `91310115MA1K3BTP2B`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    fn at(&self, i: usize) -> char {
        char::from(self.canonical.as_bytes()[i])
    }

    /// Position 1, the registering authority: 1–9, A, N or Y.
    pub fn authority(&self) -> char {
        self.at(0)
    }

    pub fn authority_label(&self) -> &'static str {
        match self.authority() {
            '1' => "机构编制",
            '2' => "登记管理部门代码2",
            '3' => "登记管理部门代码3",
            '4' => "登记管理部门代码4",
            '5' => "民政",
            '6' => "登记管理部门代码6",
            '7' => "登记管理部门代码7",
            '8' => "登记管理部门代码8",
            '9' => "工商",
            'A' => "登记管理部门代码A",
            'N' => "登记管理部门代码N",
            _ => "其他",
        }
    }

    /// Position 2, the category of organisation (its meaning depends on the authority).
    pub fn category(&self) -> char {
        self.at(1)
    }

    pub fn category_label(&self) -> &'static str {
        match (self.authority(), self.category()) {
            ('9', '1') => "企业",
            ('9', '2') => "个体工商户",
            ('9', '3') => "农民专业合作社",
            ('1', '1') => "机关",
            ('1', '2') => "事业单位",
            ('1', '3') => "中央编办直接管理机构编制的群众团体",
            ('5', '1') => "社会团体",
            ('5', '2') => "民办非企业单位",
            ('5', '3') => "基金会",
            _ => "其他",
        }
    }

    /// Positions 3–8, the GB/T 2260 code of the registering authority's region (6 digits).
    pub fn region_code(&self) -> &str {
        &self.canonical[2..8]
    }

    /// Positions 9–17, the embedded organisation code (8 characters + its check).
    pub fn org_code(&self) -> &str {
        &self.canonical[8..17]
    }

    /// Position 18.
    pub fn check_char(&self) -> char {
        self.at(17)
    }

    /// The organisation-code check character the first 8 characters of [`Uscc::org_code`] call for.
    pub fn org_code_expected_check(&self) -> char {
        org_code_check_char(&self.canonical[8..16]).expect("characters from the set")
    }

    /// Whether the embedded organisation code passes its own check (GB 11714).
    pub fn org_code_check_ok(&self) -> bool {
        self.org_code_expected_check() == self.at(16)
    }

    /// Warnings about a valid code: the organisation-code check (DOMAIN.md §1.2: not an error).
    pub fn warnings(&self) -> Vec<IdentWarning> {
        if self.org_code_check_ok() {
            return Vec::new();
        }
        vec![IdentError::new(
            Code::OrgCodeCheckMismatch,
            format!(
                "第 9–17 位组织机构代码 {} 的校验位应为 {}，实为 {}（仅提示，国家标准不要求，代码仍有效）",
                self.org_code(),
                self.org_code_expected_check(),
                self.at(16)
            ),
        )]
    }

    /// Registered in Shanghai: the region code starts with `31`.
    pub fn is_shanghai(&self) -> bool {
        self.region_code().starts_with("31")
    }

    /// Where in Shanghai, or `None` outside Shanghai.
    pub fn shanghai_region(&self) -> Option<ShanghaiRegion> {
        if !self.is_shanghai() {
            return None;
        }
        Some(match self.region_code() {
            "310000" => ShanghaiRegion::Municipal,
            "310100" => ShanghaiRegion::MunicipalDistricts,
            code => district::by_code(code)
                .map(ShanghaiRegion::District)
                .unwrap_or(ShanghaiRegion::Unknown),
        })
    }

    /// The Shanghai district (current or merged) of the registering authority; `None` outside
    /// Shanghai, for municipal-level codes (310000, 310100) and for unknown codes.
    pub fn shanghai_district(&self) -> Option<&'static District> {
        match self.shanghai_region()? {
            ShanghaiRegion::District(d) => Some(d),
            _ => None,
        }
    }
}

string_ident!(Uscc);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ident::testutil::{mess, mess_flags};

    fn err(s: &str) -> IdentError {
        Uscc::parse(s).unwrap_err()
    }

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", uscc_check_char(first17).unwrap())
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        // DOMAIN.md §1.2: Wᵢ = 3^(i−1) mod 31.
        let mut w = 1;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
        assert_eq!(CHARSET.len(), 31);
    }

    #[test]
    fn dom_1_2_pudong_example_is_valid() {
        // DOMAIN.md §1.2: 91310115MA1K3BTP2B, Σ = 2469, 2469 mod 31 = 20, 31 − 20 = 11 → B.
        let sum: u32 = "91310115MA1K3BTP2"
            .chars()
            .zip(WEIGHTS)
            .map(|(c, w)| value(c).unwrap() * w)
            .sum();
        assert_eq!(sum, 2469);
        let u = Uscc::parse("91310115MA1K3BTP2B").unwrap();
        assert_eq!(u.as_str(), "91310115MA1K3BTP2B");
        assert_eq!(u.authority(), '9');
        assert_eq!(u.authority_label(), "工商");
        assert_eq!(u.category(), '1');
        assert_eq!(u.category_label(), "企业");
        assert_eq!(u.region_code(), "310115");
        assert_eq!(u.org_code(), "MA1K3BTP2");
        assert_eq!(u.check_char(), 'B');
        assert!(u.org_code_check_ok());
        assert!(u.warnings().is_empty());
        assert!(u.is_shanghai());
        assert_eq!(u.shanghai_district().unwrap().name, "浦东新区");
    }

    #[test]
    fn dom_1_2_fujian_examples() {
        // DOMAIN.md §1.2: 91350100M000100Y4Z is invalid; 91350100M000100Y43 is valid.
        let e = err("91350100M000100Y4Z");
        assert_eq!(e.code, "bad_check_digit");
        assert!(e.message.contains("应为 3，实为 Z"), "{}", e.message);
        let u = Uscc::parse("91350100M000100Y43").unwrap();
        assert!(u.org_code_check_ok());
        assert!(!u.is_shanghai());
        assert_eq!(u.shanghai_region(), None);
        assert_eq!(u.shanghai_district(), None);
    }

    #[test]
    fn accepted_spellings() {
        let want = Uscc::parse("91310115MA1K3BTP2B").unwrap();
        for s in [
            "91310115ma1k3btp2b",
            "9131 0115 MA1K 3BTP 2B",
            "９１３１０１１５ＭＡ１Ｋ３ＢＴＰ２Ｂ",
            "\u{3000}91310115MA1K3BTP2B\n",
        ] {
            assert_eq!(Uscc::parse(s).as_ref(), Ok(&want), "{s}");
        }
    }

    #[test]
    fn error_codes() {
        assert_eq!(err("").code, "empty");
        assert_eq!(err("9131011SMA1K3BTP2B").code, "bad_character");
        assert!(err("91310115MA1K3BTP2B号").message.contains("第 19 位"));
        let o = err("91310115MA1K3BTPOB");
        assert_eq!(o.code, "bad_character");
        assert!(o.message.contains("数字 0"), "{}", o.message);
        assert_eq!(err("91310115MA1K3BTP2").code, "bad_length");
        assert_eq!(err("91310115MA1K3BTP2BB").code, "bad_length");
        assert_eq!(err(&with_check("B1310115MA1K3BTP2")).code, "bad_authority");
        assert_eq!(err(&with_check("913101A5MA1K3BTP2")).code, "bad_region");
        assert_eq!(err("91310115MA1K3BTP2C").code, "bad_check_digit");
        assert!(err("91310115MA1K3BTP2C").message.contains("应为 B，实为 C"));
    }

    #[test]
    fn first_positions_may_be_letters() {
        // DOMAIN.md §1.2: A, N, Y occur in position 1.
        for a in ['A', 'N', 'Y'] {
            let u = Uscc::parse(&with_check(&format!("{a}1310115MA1K3BTP2"))).unwrap();
            assert_eq!(u.authority(), a);
        }
        let y = Uscc::parse(&with_check("Y1310115MA1K3BTP2")).unwrap();
        assert_eq!(y.authority_label(), "其他");
        assert_eq!(y.category_label(), "其他");
        let n = Uscc::parse(&with_check("N2310115MA1K3BTP2")).unwrap();
        assert_eq!(n.authority_label(), "登记管理部门代码N");
    }

    #[test]
    fn category_labels() {
        for (ac, label) in [
            ("91", "企业"),
            ("92", "个体工商户"),
            ("93", "农民专业合作社"),
            ("99", "其他"),
            ("11", "机关"),
            ("12", "事业单位"),
            ("13", "中央编办直接管理机构编制的群众团体"),
            ("19", "其他"),
            ("51", "社会团体"),
            ("52", "民办非企业单位"),
            ("53", "基金会"),
            ("59", "其他"),
            ("31", "其他"),
        ] {
            let u = Uscc::parse(&with_check(&format!("{ac}310115MA1K3BTP2"))).unwrap();
            assert_eq!(u.category_label(), label, "{ac}");
        }
        let u = Uscc::parse(&with_check("12310115MA1K3BTP2")).unwrap();
        assert_eq!(u.authority_label(), "机构编制");
        let u = Uscc::parse(&with_check("52310115MA1K3BTP2")).unwrap();
        assert_eq!(u.authority_label(), "民政");
    }

    #[test]
    fn merged_and_municipal_regions() {
        // DOMAIN.md §1.2: merged districts still appear in valid codes.
        for (code, name, current) in [
            ("310103", "卢湾区", false),
            ("310108", "闸北区", false),
            ("310119", "南汇区", false),
            ("310230", "崇明县", false),
            ("310151", "崇明区", true),
        ] {
            let u = Uscc::parse(&with_check(&format!("91{code}MA1K3BTP2"))).unwrap();
            let d = u.shanghai_district().unwrap();
            assert_eq!((d.name, d.current), (name, current));
        }
        let m = Uscc::parse(&with_check("91310000MA1K3BTP2")).unwrap();
        assert_eq!(m.shanghai_region(), Some(ShanghaiRegion::Municipal));
        assert_eq!(m.shanghai_region().unwrap().label(), "上海市");
        assert_eq!(m.shanghai_district(), None);
        let m = Uscc::parse(&with_check("91310100MA1K3BTP2")).unwrap();
        assert_eq!(
            m.shanghai_region(),
            Some(ShanghaiRegion::MunicipalDistricts)
        );
        assert_eq!(m.shanghai_district(), None);
        let unknown = Uscc::parse(&with_check("91310199MA1K3BTP2")).unwrap();
        assert_eq!(unknown.shanghai_region(), Some(ShanghaiRegion::Unknown));
        // Not a real region anywhere: still accepted (only 6 digits are required).
        assert!(Uscc::parse(&with_check("91999999MA1K3BTP2")).is_ok());
    }

    #[test]
    fn org_code_check() {
        // MA1K3BTP: Σ = 614, 614 mod 11 = 9, 11 − 9 = 2.
        assert_eq!(org_code_check_char("MA1K3BTP"), Some('2'));
        assert_eq!(org_code_check_char("M000100Y"), Some('4'));
        assert_eq!(org_code_check_char("ma1k3btp"), Some('2'));
        assert_eq!(org_code_check_char("MA1K3BT"), None);
        assert_eq!(org_code_check_char("MA1K3BT-"), None);
        // 10 → X and 11 → 0.
        let find = |want: char| {
            (0..100_000_000u32)
                .map(|n| format!("{n:08}"))
                .find(|s| org_code_check_char(s) == Some(want))
                .unwrap()
        };
        let x = find('X');
        let zero = find('0');
        let sum = |s: &str| -> u32 {
            s.chars()
                .zip(ORG_WEIGHTS)
                .map(|(c, w)| c.to_digit(10).unwrap() * w)
                .sum()
        };
        assert_eq!(sum(&x) % 11, 1);
        assert_eq!(sum(&zero) % 11, 0);
        // A mismatch is a warning, not an error.
        let u = Uscc::parse(&with_check("91310115MA1K3BTP7")).unwrap();
        assert!(!u.org_code_check_ok());
        assert_eq!(u.warnings()[0].code, "org_code_check_mismatch");
    }

    #[test]
    fn check_char_helper() {
        assert_eq!(uscc_check_char("91310115MA1K3BTP2"), Some('B'));
        assert_eq!(uscc_check_char("91310115ma1k3btp2"), Some('B'));
        assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(uscc_check_char("91310115MA1K3BTP"), None);
        assert_eq!(uscc_check_char("91310115MA1K3BTP2B"), None);
        assert_eq!(uscc_check_char("91310115MA1K3BTO2"), None);
    }

    #[test]
    fn every_single_substitution_of_the_example_is_caught() {
        // DOMAIN.md §1.2 example, exhaustively: 18 positions × 30 other characters.
        let good = "91310115MA1K3BTP2B";
        for i in 0..18 {
            for c in CHARSET.chars().filter(|&c| c != good.as_bytes()[i] as char) {
                let mut s = good.to_string();
                s.replace_range(i..i + 1, &c.to_string());
                assert!(Uscc::parse(&s).is_err(), "{s}");
                if i < 17 {
                    assert_ne!(uscc_check_char(&s[..17]), Some('B'), "{s}");
                }
            }
        }
    }

    fn charset_char() -> impl Strategy<Value = char> {
        prop::sample::select(CHARSET.chars().collect::<Vec<_>>())
    }

    fn valid_uscc() -> impl Strategy<Value = Uscc> {
        (
            prop::sample::select(AUTHORITIES.chars().collect::<Vec<_>>()),
            charset_char(),
            0u32..1_000_000,
            prop::collection::vec(charset_char(), 8),
            any::<bool>(),
            charset_char(),
        )
            .prop_map(|(a, c, region, org8, right_org_check, other)| {
                let org8: String = org8.into_iter().collect();
                let org_check = if right_org_check {
                    org_code_check_char(&org8).unwrap()
                } else {
                    other
                };
                let first17 = format!("{a}{c}{region:06}{org8}{org_check}");
                Uscc::parse(&with_check(&first17)).unwrap()
            })
    }

    proptest! {
        #[test]
        fn round_trips(u in valid_uscc(), flags in mess_flags()) {
            prop_assert_eq!(Uscc::parse(u.as_str()), Ok(u.clone()));
            let shown = u.to_string(); // Display
            prop_assert_eq!(Uscc::parse(&shown), Ok(u.clone()));
            prop_assert_eq!(Uscc::parse(&mess(u.as_str(), &flags)), Ok(u.clone()));
            prop_assert_eq!(u.warnings().is_empty(), u.org_code_check_ok());
        }

        #[test]
        fn single_substitution_is_caught(
            u in valid_uscc(),
            pos in 0usize..18,
            c in charset_char(),
        ) {
            let orig = u.as_str().as_bytes()[pos] as char;
            prop_assume!(c != orig);
            let mut s = u.to_string();
            s.replace_range(pos..pos + 1, &c.to_string());
            // Every weight is non-zero mod 31 and 31 is prime, so the check always moves.
            if pos < 17 {
                prop_assert_ne!(uscc_check_char(&s[..17]), Some(u.check_char()));
            }
            prop_assert!(Uscc::parse(&s).is_err(), "{}", s);
        }
    }
}

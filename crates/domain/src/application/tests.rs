//! Tests of the input checks and of the rules A1–A6.

use super::input::*;
use super::rules::*;
use super::serde_json_number::Number;
use super::*;
use crate::district;
use crate::ident::uscc_check_char;

const YEAR: i32 = 2024;

fn uscc(n: u32) -> String {
    let first17 = format!("91310104MA{n:07}");
    let c = uscc_check_char(&first17).expect("17 characters from the set");
    format!("{first17}{c}")
}

fn cert(year: i32, n: u32) -> String {
    format!("GR{year}31{n:06}")
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
}

fn ctx() -> Context<'static> {
    Context {
        as_of: as_of(),
        other_applications: &[],
        reviews: &[],
    }
}

fn dual(n: u32) -> PractitionerInputRow {
    PractitionerInputRow {
        name: Some(format!("从业人员{n}")),
        patent_attorney_cert: Some(format!("PA{n:06}")),
        tech_broker_cert: Some(format!("TB{n:06}")),
    }
}

fn partner_input(
    kind: &str,
    name: &str,
    n: u32,
    practitioners: Vec<PractitionerInputRow>,
) -> PartnerInput {
    PartnerInput {
        kind: Some(kind.into()),
        name: Some(name.into()),
        uscc: Some(uscc(n)),
        agreement_date: Some("2024-01-15".into()),
        practitioners,
    }
}

/// `ht` large high-tech enterprises and `smes` small ones without certificate.
fn enterprise_inputs(ht: u32, smes: u32) -> Vec<EnterpriseInput> {
    (0..ht + smes)
        .map(|i| EnterpriseInput {
            name: Some(format!("企业{i}")),
            uscc: Some(uscc(i)),
            size: Some(if i < ht { "large" } else { "small" }.into()),
            hte_certificate: (i < ht).then(|| cert(YEAR - 1, i)),
        })
        .collect()
}

fn rows(ht: u32, smes: u32) -> Vec<EnterpriseRow> {
    check_input(&ApplicationInput {
        round_year: Some(YEAR),
        enterprises: enterprise_inputs(ht, smes),
        ..Default::default()
    })
    .unwrap()
    .enterprises
}

/// A complete application that passes A1, A2, A4 and A5; A3 and A6 need review.
fn complete_input() -> ApplicationInput {
    ApplicationInput {
        round_year: Some(YEAR),
        park: ParkInput {
            name: Some("漕河泾新兴技术开发区".into()),
            district_code: Some("310104".into()),
            kind: Some("high_tech_zone".into()),
            level: Some("municipal".into()),
            ip_park_status: Some("municipal_pilot".into()),
            leading_industries: vec!["人工智能".into(), "  ".into(), "集成电路".into()],
            management_body: ManagementBodyInput {
                name: Some("上海漕河泾开发区管理委员会".into()),
                uscc: Some(uscc(999_999)),
            },
        },
        enterprises: enterprise_inputs(20, 200),
        ip_office: IpOfficeInput {
            department: Some("知识产权办公室".into()),
            staff: Some(3),
            policies: vec!["园区专利资助办法".into()],
            annual_budget_wan: Some(Number("200.5".into())),
            serves_district: Some(true),
        },
        partners: vec![
            partner_input("exchange", "上海技术交易所", 900_001, vec![]),
            partner_input("bank", "甲银行上海分行", 900_002, vec![]),
            partner_input("bank", "乙银行上海分行", 900_003, vec![]),
            partner_input("insurer", "丙保险上海分公司", 900_004, vec![]),
            partner_input(
                "agency",
                "丁知识产权代理有限公司",
                900_005,
                vec![dual(1), dual(2)],
            ),
            partner_input("agency", "戊专利事务所", 900_006, vec![dual(3), dual(4)]),
        ],
        declarations: DeclarationsInput {
            bad_credit_last_3_years: Some(false),
            mass_infringement_cases: Some(false),
        },
    }
}

fn complete() -> Application {
    check_input(&complete_input()).expect("the complete input is valid")
}

fn partner(kind: PartnerKind, name: &str, n: u32) -> Partner {
    Partner {
        kind,
        name: name.into(),
        uscc: Uscc::parse(&uscc(n)).unwrap(),
        agreement_date: Some(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap()),
        practitioners: Vec::new(),
    }
}

fn practitioner(name: &str, pa: Option<&str>, tb: Option<&str>) -> PractitionerRecord {
    PractitionerRecord {
        name: name.into(),
        patent_attorney_cert: pa.map(Into::into),
        tech_broker_cert: tb.map(Into::into),
    }
}

fn agency(name: &str, n: u32, practitioners: Vec<PractitionerRecord>) -> Partner {
    Partner {
        practitioners,
        ..partner(PartnerKind::Agency, name, n)
    }
}

fn two_dual(base: u32) -> Vec<PractitionerRecord> {
    (base..base + 2)
        .map(|i| {
            practitioner(
                &format!("人员{i}"),
                Some(&format!("PA{i:06}")),
                Some(&format!("TB{i:06}")),
            )
        })
        .collect()
}

fn fields(errs: &[FieldError]) -> Vec<&str> {
    errs.iter().map(|e| e.field.as_str()).collect()
}

fn a2_counts(c: &Check) -> (u32, u32, &[NotCounted]) {
    match &c.evidence {
        Evidence::A2 {
            high_tech,
            smes,
            not_counted,
            ..
        } => (*high_tech, *smes, not_counted),
        other => panic!("not A2 evidence: {other:?}"),
    }
}

/// exchanges, banks, insurers, agencies, not_counted
type A4Lists<'a> = (
    &'a [String],
    &'a [String],
    &'a [String],
    &'a [String],
    &'a [String],
);

fn a4_evidence(c: &Check) -> A4Lists<'_> {
    match &c.evidence {
        Evidence::A4 {
            exchanges,
            banks,
            insurers,
            agencies,
            not_counted,
            ..
        } => (exchanges, banks, insurers, agencies, not_counted),
        other => panic!("not A4 evidence: {other:?}"),
    }
}

// ---------- A1 ----------

#[test]
fn a1_national_and_municipal_pass_district_and_missing_fail() {
    let mut park = complete().park;
    for (level, status) in [
        (Some(ParkLevel::National), Status::Pass),
        (Some(ParkLevel::Municipal), Status::Pass),
        (Some(ParkLevel::District), Status::Fail),
        (None, Status::Fail),
    ] {
        park.level = level;
        let c = a1(&park);
        assert_eq!(c.rule, Rule::A1);
        assert_eq!(c.status, status, "{level:?}");
        if status == Status::Fail {
            assert!(
                c.message.contains("区级园区或未认定的园区不符合"),
                "{}",
                c.message
            );
        }
    }
}

#[test]
fn a1_priority_for_every_pilot_or_demonstration_status() {
    let mut park = complete().park;
    for (status, expected) in [
        (Some(IpParkStatus::NationalDemonstration), true),
        (Some(IpParkStatus::NationalPilot), true),
        (Some(IpParkStatus::MunicipalDemonstration), true),
        (Some(IpParkStatus::MunicipalPilot), true),
        (Some(IpParkStatus::None), false),
        (None, false),
    ] {
        park.ip_park_status = status;
        let c = a1(&park);
        assert_eq!(
            c.evidence,
            Evidence::A1 {
                level: Some(ParkLevel::Municipal),
                ip_park_status: status,
                priority: expected,
            }
        );
        assert_eq!(c.message.contains("优先"), expected);
        assert_eq!(priority(&park), expected);
    }
}

// ---------- A2 ----------

fn a2_at(district: &str, ht: u32, smes: u32) -> Check {
    let mut app = complete();
    app.park.district = district::current_by_code(district);
    app.enterprises = rows(ht, smes);
    a2(&app)
}

fn assert_a2_thresholds(district: &str, ht_min: u32, sme_min: u32, group: &str) {
    for (ht, expected) in [
        (ht_min - 1, Status::Fail),
        (ht_min, Status::Pass),
        (ht_min + 1, Status::Pass),
    ] {
        let c = a2_at(district, ht, sme_min);
        assert_eq!(c.status, expected, "{district}: {ht} high-tech");
        assert_eq!(a2_counts(&c).0, ht);
        assert_eq!(a2_counts(&c).1, sme_min);
        assert!(
            c.message.contains(&format!("高新技术企业 {ht} 家")),
            "{}",
            c.message
        );
    }
    for (smes, expected) in [
        (sme_min - 1, Status::Fail),
        (sme_min, Status::Pass),
        (sme_min + 1, Status::Pass),
    ] {
        let c = a2_at(district, ht_min, smes);
        assert_eq!(c.status, expected, "{district}: {smes} SMEs");
        assert_eq!(a2_counts(&c).1, smes);
        assert!(
            c.message.contains(&format!("中小微企业 {smes} 家")),
            "{}",
            c.message
        );
    }
    let c = a2_at(district, ht_min, sme_min);
    match c.evidence {
        Evidence::A2 {
            threshold_group,
            high_tech_threshold,
            sme_threshold,
            district: name,
            not_counted,
            ..
        } => {
            assert_eq!(threshold_group.as_deref(), Some(group));
            assert_eq!((high_tech_threshold, sme_threshold), (ht_min, sme_min));
            assert_eq!(
                name,
                district::current_by_code(district).map(|d| d.name.to_string())
            );
            assert!(not_counted.is_empty(), "large enterprises are not listed");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a2_lower_thresholds_in_xuhui_and_chongming() {
    assert_a2_thresholds("310104", 20, 200, "lower");
    assert_a2_thresholds("310151", 20, 200, "lower");
}

#[test]
fn a2_standard_thresholds_in_pudong_and_minhang() {
    assert_a2_thresholds("310115", 50, 300, "standard");
    assert_a2_thresholds("310112", 50, 300, "standard");
}

#[test]
fn a2_fail_message_names_each_shortfall() {
    let c = a2_at("310115", 49, 299);
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.message.contains("高新技术企业 49 家，需 50 家以上"),
        "{}",
        c.message
    );
    assert!(
        c.message.contains("中小微企业 299 家，需 300 家以上"),
        "{}",
        c.message
    );
}

#[test]
fn a2_missing_district_fails() {
    let mut app = complete();
    app.park.district = None;
    let c = a2(&app);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("未填写园区所在区，无法确定门槛"));
    assert_eq!(a2_counts(&c).0, 20);
}

#[test]
fn a2_duplicates_and_invalid_usccs_not_counted_and_listed() {
    let mut app = complete();
    let row = |u: Option<String>, size: &str, c: Option<String>| EnterpriseRow {
        name: Some("某企业".into()),
        uscc: u,
        size: Some(size.into()),
        hte_certificate: c,
    };
    let mut bad_check = uscc(1);
    bad_check.pop();
    bad_check.push(if uscc(1).ends_with('0') { '1' } else { '0' });
    app.enterprises = vec![
        row(Some(uscc(1)), "small", Some(cert(YEAR, 1))),
        // Same code, lowercase: a duplicate after canonicalisation.
        row(Some(uscc(1).to_lowercase()), "small", Some(cert(YEAR, 1))),
        row(Some(bad_check), "small", Some(cert(YEAR, 2))),
        row(None, "micro", None),
        row(Some(uscc(2)), "medium", None),
    ];
    let c = a2(&app);
    let (ht, smes, nc) = a2_counts(&c);
    assert_eq!((ht, smes), (1, 2));
    let listed: Vec<(usize, &str)> = nc.iter().map(|n| (n.row, n.reason.as_str())).collect();
    assert_eq!(
        listed,
        [
            (2, "duplicate_uscc"),
            (3, "invalid_uscc"),
            (4, "invalid_uscc")
        ]
    );
    assert!(nc[0].message.contains("第 1 行"), "{}", nc[0].message);
    assert!(c.message.contains("另有 3 处"), "{}", c.message);
}

#[test]
fn a2_certificate_years_and_province() {
    let mut app = complete();
    let row = |n: u32, c: String| EnterpriseRow {
        name: Some(format!("企业{n}")),
        uscc: Some(uscc(n)),
        size: Some("small".into()),
        hte_certificate: Some(c),
    };
    app.round_year = YEAR;
    app.enterprises = vec![
        row(1, cert(YEAR, 1)),               // counts
        row(2, cert(YEAR - 2, 2)),           // counts: third year
        row(3, cert(YEAR - 3, 3)),           // expired
        row(4, cert(YEAR + 1, 4)),           // issued after the round year
        row(5, format!("GR{YEAR}11000005")), // Beijing
        row(6, "GR2022".into()),             // malformed
    ];
    let c = a2(&app);
    let (ht, smes, nc) = a2_counts(&c);
    assert_eq!(ht, 2);
    assert_eq!(smes, 6, "every row is still a small enterprise");
    let listed: Vec<(usize, &str)> = nc.iter().map(|n| (n.row, n.reason.as_str())).collect();
    assert_eq!(
        listed,
        [
            (3, "hte_expired"),
            (4, "hte_expired"),
            (5, "hte_not_shanghai"),
            (6, "hte_malformed")
        ]
    );
    // Agrees with the census helper.
    for r in &app.enterprises {
        let counted = !nc.iter().any(|n| n.uscc == r.uscc);
        assert_eq!(
            crate::census::hte_counts_in(r.hte_certificate.as_deref(), YEAR),
            counted
        );
    }
}

#[test]
fn a2_large_is_not_an_sme_and_unknown_size_still_counts_as_high_tech() {
    let mut app = complete();
    app.enterprises = vec![
        EnterpriseRow {
            name: None,
            uscc: Some(uscc(1)),
            size: Some("large".into()),
            hte_certificate: Some(cert(YEAR, 1)),
        },
        EnterpriseRow {
            name: None,
            uscc: Some(uscc(2)),
            size: Some("huge".into()),
            hte_certificate: Some(cert(YEAR, 2)),
        },
        EnterpriseRow {
            name: None,
            uscc: Some(uscc(3)),
            size: None,
            hte_certificate: None,
        },
    ];
    let c = a2(&app);
    let (ht, smes, nc) = a2_counts(&c);
    assert_eq!((ht, smes), (2, 0));
    let listed: Vec<(usize, &str)> = nc.iter().map(|n| (n.row, n.reason.as_str())).collect();
    assert_eq!(listed, [(2, "unknown_size"), (3, "unknown_size")]);
}

// ---------- A3 ----------

#[test]
fn a3_complete_needs_review() {
    let c = a3(&complete().ip_office);
    assert_eq!(c.status, Status::NeedsReview);
    assert_eq!(c.message, "材料齐全，待审核人员确认");
    assert_eq!(c.evidence, Evidence::A3 { missing: vec![] });
}

#[test]
fn a3_each_missing_item_fails() {
    type Edit = fn(&mut IpOffice);
    let cases: [(Edit, &str); 8] = [
        (|o| o.department = None, "知识产权管理部门"),
        (|o| o.department = Some("  ".into()), "知识产权管理部门"),
        (|o| o.staff = None, "知识产权工作人员"),
        (|o| o.staff = Some(0), "知识产权工作人员"),
        (|o| o.policies.clear(), "知识产权政策措施"),
        (|o| o.annual_budget = None, "知识产权工作经费"),
        (|o| o.annual_budget = Some(Fen::ZERO), "知识产权工作经费"),
        (|o| o.serves_district = Some(false), "服务全区中小微企业"),
    ];
    for (edit, name) in cases {
        let mut o = complete().ip_office;
        edit(&mut o);
        let c = a3(&o);
        assert_eq!(c.status, Status::Fail, "{name}");
        match &c.evidence {
            Evidence::A3 { missing } => {
                assert_eq!(missing.len(), 1, "{missing:?}");
                assert!(missing[0].contains(name), "{missing:?}");
            }
            other => panic!("{other:?}"),
        }
        assert!(c.message.contains(name));
    }
    let mut o = complete().ip_office;
    o.serves_district = None;
    assert_eq!(a3(&o).status, Status::Fail);
}

// ---------- A4 ----------

fn a4_partners() -> Vec<Partner> {
    vec![
        partner(PartnerKind::Exchange, "上海知识产权交易中心", 1),
        partner(PartnerKind::Bank, "甲银行", 2),
        partner(PartnerKind::Bank, "乙银行", 3),
        partner(PartnerKind::Insurer, "丙保险", 4),
        partner(PartnerKind::Agency, "丁代理", 5),
        partner(PartnerKind::Agency, "戊代理", 6),
    ]
}

#[test]
fn a4_complete_ecosystem_passes() {
    let c = a4(&a4_partners(), as_of());
    assert_eq!(c.status, Status::Pass, "{}", c.message);
    let (ex, banks, ins, ag, nc) = a4_evidence(&c);
    assert_eq!(ex, ["上海知识产权交易中心"]);
    assert_eq!(banks, ["甲银行", "乙银行"]);
    assert_eq!(ins, ["丙保险"]);
    assert_eq!(ag, ["丁代理", "戊代理"]);
    assert!(nc.is_empty());
    match &c.evidence {
        Evidence::A4 { as_of, .. } => assert_eq!(as_of, "2024-06-01"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a4_one_bank_fails_two_pass() {
    let mut ps = a4_partners();
    ps.remove(2);
    let c = a4(&ps, as_of());
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.message.contains("商业银行 1 家，需 2 家以上"),
        "{}",
        c.message
    );
    ps.push(partner(PartnerKind::Bank, "己银行", 7));
    assert_eq!(a4(&ps, as_of()).status, Status::Pass);
}

#[test]
fn a4_one_agency_fails_two_pass() {
    let mut ps = a4_partners();
    ps.pop();
    let c = a4(&ps, as_of());
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.message.contains("知识产权服务机构 1 家，需 2 家以上"),
        "{}",
        c.message
    );
    ps.push(partner(PartnerKind::Agency, "己代理", 7));
    assert_eq!(a4(&ps, as_of()).status, Status::Pass);
}

#[test]
fn a4_zero_insurers_fails_one_passes() {
    let mut ps = a4_partners();
    ps.retain(|p| p.kind != PartnerKind::Insurer);
    let c = a4(&ps, as_of());
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.message.contains("保险机构 0 家，需 1 家以上"),
        "{}",
        c.message
    );
    ps.push(partner(PartnerKind::Insurer, "庚保险", 8));
    assert_eq!(a4(&ps, as_of()).status, Status::Pass);
}

#[test]
fn a4_exchange_with_another_name_does_not_count() {
    let mut ps = a4_partners();
    ps[0].name = "北京知识产权交易中心".into();
    let c = a4(&ps, as_of());
    assert_eq!(c.status, Status::Fail);
    let (ex, _, _, _, nc) = a4_evidence(&c);
    assert!(ex.is_empty());
    assert_eq!(
        nc,
        ["北京知识产权交易中心（非上海知识产权交易中心或上海技术交易所）"]
    );
    ps[0].name = " 上海技术交易所 ".into();
    assert_eq!(a4(&ps, as_of()).status, Status::Pass);
}

#[test]
fn a4_agreement_dated_as_of_counts_the_day_after_does_not() {
    let mut ps = a4_partners();
    ps[3].agreement_date = Some(as_of());
    assert_eq!(a4(&ps, as_of()).status, Status::Pass);
    ps[3].agreement_date = as_of().succ_opt();
    let c = a4(&ps, as_of());
    assert_eq!(c.status, Status::Fail);
    let (_, _, ins, _, nc) = a4_evidence(&c);
    assert!(ins.is_empty());
    assert_eq!(nc, ["丙保险（协议签订日期 2024-06-02 晚于 2024-06-01）"]);
    ps[3].agreement_date = None;
    let c = a4(&ps, as_of());
    assert_eq!(c.status, Status::Fail);
    assert_eq!(a4_evidence(&c).4, ["丙保险（未填写协议签订日期）"]);
}

#[test]
fn a4_duplicate_bank_uscc_counted_once() {
    let mut ps = a4_partners();
    ps[2] = partner(PartnerKind::Bank, "甲银行浦东支行", 2);
    let c = a4(&ps, as_of());
    assert_eq!(c.status, Status::Fail);
    let (_, banks, _, _, nc) = a4_evidence(&c);
    assert_eq!(banks, ["甲银行"]);
    assert_eq!(nc.len(), 1);
    assert!(nc[0].starts_with("甲银行浦东支行（"), "{nc:?}");
}

// ---------- A5 ----------

#[test]
fn a5_one_dual_certified_fails_two_pass() {
    let mut practitioners = two_dual(1);
    practitioners.pop();
    let ps = vec![
        agency("丁代理", 5, practitioners),
        agency("戊代理", 6, two_dual(10)),
    ];
    let c = a5(&ps, &[]);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("丁代理"), "{}", c.message);
    assert!(!c.message.contains("戊代理"), "{}", c.message);
    let ps = vec![
        agency("丁代理", 5, two_dual(1)),
        agency("戊代理", 6, two_dual(10)),
    ];
    let c = a5(&ps, &[]);
    assert_eq!(c.status, Status::Pass, "{}", c.message);
    match &c.evidence {
        Evidence::A5 { agencies } => {
            assert_eq!(agencies.len(), 2);
            assert!(agencies.iter().all(|a| a.dual_certified == 2));
            assert_eq!(agencies[0].uscc, uscc(5));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a5_same_certificate_twice_counts_once_and_one_certificate_does_not_count() {
    let ps = vec![agency(
        "丁代理",
        5,
        vec![
            practitioner("张三", Some("PA000001"), Some("TB000001")),
            practitioner("张三（重复）", Some("PA000001"), Some("TB000009")),
            practitioner("李四", Some("PA000002"), None),
            practitioner("王五", None, Some("TB000003")),
        ],
    )];
    let c = a5(&ps, &[]);
    assert_eq!(c.status, Status::Fail);
    match &c.evidence {
        Evidence::A5 { agencies } => assert_eq!(agencies[0].dual_certified, 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a5_duplicate_agency_entries_are_merged() {
    let mut first = two_dual(1);
    let second = vec![first.pop().unwrap()];
    let ps = vec![
        agency("丁代理", 5, first),
        agency("丁代理（分所）", 5, second),
    ];
    let c = a5(&ps, &[]);
    assert_eq!(c.status, Status::Pass, "{}", c.message);
    match &c.evidence {
        Evidence::A5 { agencies } => {
            assert_eq!(agencies.len(), 1);
            assert_eq!(agencies[0].dual_certified, 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a5_agency_in_one_other_application_passes_in_two_fails() {
    let ps = vec![
        agency("丁代理", 5, two_dual(1)),
        agency("戊代理", 6, two_dual(10)),
    ];
    let other = |id: i64, park: &str, n: u32| OtherApplication {
        id,
        park_name: park.into(),
        agency_uscc: uscc(n),
    };
    let one = [other(11, "张江科学城", 5), other(12, "临港新片区", 99)];
    let c = a5(&ps, &one);
    assert_eq!(c.status, Status::Pass, "{}", c.message);
    match &c.evidence {
        Evidence::A5 { agencies } => {
            assert_eq!(agencies[0].other_applications, [one[0].clone()]);
            assert!(agencies[1].other_applications.is_empty());
        }
        other => panic!("{other:?}"),
    }

    let mut two = one.to_vec();
    // Lowercase spelling of the same code still matches.
    two.push(OtherApplication {
        agency_uscc: uscc(5).to_lowercase(),
        ..other(13, "紫竹高新区", 5)
    });
    let c = a5(&ps, &two);
    assert_eq!(c.status, Status::Fail);
    for needle in ["丁代理", "#11", "张江科学城", "#13", "紫竹高新区"] {
        assert!(c.message.contains(needle), "{needle}: {}", c.message);
    }
    assert!(!c.message.contains("临港新片区"));
}

#[test]
fn a5_no_agency_fails() {
    let c = a5(&[partner(PartnerKind::Bank, "甲银行", 2)], &[]);
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("未填写服务机构"));
}

// ---------- A6 ----------

#[test]
fn a6_each_declaration() {
    let d = |a, b| Declarations {
        bad_credit_last_3_years: a,
        mass_infringement_cases: b,
    };
    let c = a6(&d(Some(false), Some(false)));
    assert_eq!(c.status, Status::NeedsReview);
    assert_eq!(
        c.message,
        "已声明无不良信用记录和群体性侵权案件，待审核人员核对信用报告后确认"
    );
    assert_eq!(
        c.evidence,
        Evidence::A6 {
            bad_credit_last_3_years: Some(false),
            mass_infringement_cases: Some(false)
        }
    );

    let c = a6(&d(Some(true), Some(false)));
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("不良信用记录") && !c.message.contains("侵权"));

    let c = a6(&d(Some(false), Some(true)));
    assert_eq!(c.status, Status::Fail);
    assert!(c.message.contains("群体性知识产权侵权案件") && !c.message.contains("信用"));

    let c = a6(&d(Some(true), None));
    assert_eq!(c.status, Status::Fail);

    for (a, b) in [(None, Some(false)), (Some(false), None), (None, None)] {
        let c = a6(&d(a, b));
        assert_eq!(c.status, Status::NeedsReview);
        assert!(c.message.starts_with("未声明"), "{}", c.message);
    }
}

// ---------- evaluate ----------

#[test]
fn evaluate_eligible_is_none_while_any_needs_review() {
    let v = evaluate(&complete(), &ctx());
    let statuses: Vec<Status> = v.checks.iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Pass,
            Status::Pass,
            Status::NeedsReview,
            Status::Pass,
            Status::Pass,
            Status::NeedsReview
        ]
    );
    let rules: Vec<Rule> = v.checks.iter().map(|c| c.rule).collect();
    assert_eq!(rules, Rule::ALL);
    assert_eq!(v.eligible, None);
    assert!(v.priority);
}

#[test]
fn evaluate_reviewer_confirming_a3_and_a6_makes_eligible() {
    let reviews = [
        RuleReview {
            rule: Rule::A3,
            status: Status::Pass,
            comment: "已核实".into(),
        },
        RuleReview {
            rule: Rule::A6,
            status: Status::Pass,
            comment: "信用报告无异常".into(),
        },
    ];
    let v = evaluate(
        &complete(),
        &Context {
            reviews: &reviews,
            ..ctx()
        },
    );
    assert_eq!(v.eligible, Some(true));
    assert!(v.checks.iter().all(|c| c.status == Status::Pass));
    assert_eq!(
        v.checks[2].message,
        "材料齐全，待审核人员确认 （审核意见：已核实）"
    );
    assert!(
        v.checks[5]
            .message
            .ends_with(" （审核意见：信用报告无异常）")
    );
}

#[test]
fn evaluate_reviewer_overruling_to_fail_and_latest_review_wins() {
    let reviews = [
        RuleReview {
            rule: Rule::A3,
            status: Status::Pass,
            comment: "初审通过".into(),
        },
        RuleReview {
            rule: Rule::A6,
            status: Status::Pass,
            comment: "".into(),
        },
        RuleReview {
            rule: Rule::A3,
            status: Status::Fail,
            comment: "工作人员均为兼职".into(),
        },
    ];
    let v = evaluate(
        &complete(),
        &Context {
            reviews: &reviews,
            ..ctx()
        },
    );
    assert_eq!(v.eligible, Some(false));
    assert_eq!(v.checks[2].status, Status::Fail);
    assert!(
        v.checks[2]
            .message
            .ends_with("（审核意见：工作人员均为兼职）")
    );
    assert!(!v.checks[2].message.contains("初审通过"));
    assert_eq!(v.checks[5].status, Status::Pass);
}

#[test]
fn evaluate_any_automatic_fail_makes_ineligible() {
    let mut app = complete();
    app.park.level = Some(ParkLevel::District);
    let v = evaluate(&app, &ctx());
    assert_eq!(v.eligible, Some(false));
    assert!(
        v.priority,
        "priority comes from the status, not the verdict"
    );
}

// ---------- check_input ----------

#[test]
fn check_input_accepts_the_complete_application() {
    let app = complete();
    assert_eq!(app.round_year, YEAR);
    assert_eq!(app.park.district.unwrap().name, "徐汇区");
    assert_eq!(app.park.kind, Some(ParkKind::HighTechZone));
    assert_eq!(app.park.leading_industries, ["人工智能", "集成电路"]);
    assert_eq!(app.ip_office.annual_budget.unwrap().fen(), 200_500_000);
    assert_eq!(app.partners.len(), 6);
    assert_eq!(app.partners[4].practitioners.len(), 2);
    assert_eq!(app.enterprises.len(), 220);
}

#[test]
fn check_input_reports_every_bad_field_with_its_path() {
    let mut i = complete_input();
    i.park.level = Some("provincial".into());
    i.park.district_code = Some("310103".into()); // merged into 黄浦区: not current
    let mut bad = uscc(900_002);
    bad.pop();
    bad.push('Z');
    i.partners[1].uscc = Some(bad);
    i.partners[0].agreement_date = Some("2024-02-30".into());
    let errs = check_input(&i).unwrap_err();
    assert_eq!(
        fields(&errs),
        [
            "park.district_code",
            "park.level",
            "partners.0.agreement_date",
            "partners.1.uscc"
        ]
    );
    let codes: Vec<&str> = errs.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes[..3],
        ["unknown_district", "unknown_value", "bad_date"]
    );
    assert!(errs[1].message.contains("national、municipal、district"));
    assert!(errs[1].message.contains("园区级别"));
    assert!(errs[3].message.contains("统一社会信用代码"));
}

#[test]
fn check_input_dates_must_be_yyyy_mm_dd() {
    for bad in [
        "2024/01/15",
        "2024-1-15",
        "15-01-2024",
        "2023-02-29",
        "2024-13-01",
    ] {
        let mut i = complete_input();
        i.partners[0].agreement_date = Some(bad.into());
        let errs = check_input(&i).unwrap_err();
        assert_eq!(fields(&errs), ["partners.0.agreement_date"], "{bad}");
        assert_eq!(errs[0].code, "bad_date");
    }
    let mut i = complete_input();
    i.partners[0].agreement_date = Some(" 2024-02-29 ".into());
    assert_eq!(
        check_input(&i).unwrap().partners[0].agreement_date,
        NaiveDate::from_ymd_opt(2024, 2, 29)
    );
}

#[test]
fn check_input_keeps_invalid_enterprise_rows() {
    let mut i = complete_input();
    i.enterprises = vec![
        EnterpriseInput {
            name: Some("  坏代码企业 ".into()),
            uscc: Some("12345".into()),
            size: Some("huge".into()),
            hte_certificate: Some("GR".into()),
        },
        EnterpriseInput {
            name: Some("   ".into()),
            ..Default::default()
        },
    ];
    let app = check_input(&i).unwrap();
    assert_eq!(
        app.enterprises,
        [
            EnterpriseRow {
                name: Some("坏代码企业".into()),
                uscc: Some("12345".into()),
                size: Some("huge".into()),
                hte_certificate: Some("GR".into()),
            },
            EnterpriseRow {
                name: None,
                uscc: None,
                size: None,
                hte_certificate: None,
            },
        ]
    );
}

#[test]
fn check_input_caps_the_enterprise_list() {
    let mut i = complete_input();
    i.enterprises = vec![EnterpriseInput::default(); MAX_ENTERPRISE_ROWS];
    assert!(check_input(&i).is_ok());
    i.enterprises.push(EnterpriseInput::default());
    let errs = check_input(&i).unwrap_err();
    assert_eq!(fields(&errs), ["enterprises"]);
    assert_eq!(errs[0].code, "too_many_rows");
}

#[test]
fn check_input_round_year() {
    let mut i = complete_input();
    i.round_year = None;
    let errs = check_input(&i).unwrap_err();
    assert_eq!(
        (errs[0].field.as_str(), errs[0].code.as_str()),
        ("round_year", "required")
    );
    for y in [1999, 2101] {
        i.round_year = Some(y);
        let errs = check_input(&i).unwrap_err();
        assert_eq!(
            (errs[0].field.as_str(), errs[0].code.as_str()),
            ("round_year", "bad_year")
        );
    }
    i.round_year = Some(2000);
    assert!(check_input(&i).is_ok());
}

#[test]
fn check_input_park_fields() {
    let mut i = complete_input();
    i.park.kind = Some("science_city".into());
    i.park.ip_park_status = Some("pilot".into());
    i.park.leading_industries = vec!["人".repeat(41)];
    i.park.name = Some("园".repeat(101));
    i.park.management_body.uscc = Some("91310115MA1K3BTP2C".into());
    let errs = check_input(&i).unwrap_err();
    assert_eq!(
        fields(&errs),
        [
            "park.name",
            "park.kind",
            "park.ip_park_status",
            "park.leading_industries.0",
            "park.management_body.uscc"
        ]
    );
    assert_eq!(errs[4].code, "bad_check_digit");
    // Optional in a draft.
    let app = check_input(&ApplicationInput {
        round_year: Some(YEAR),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(app.park.level, None);
    assert_eq!(app.park.district, None);
}

#[test]
fn check_input_ip_office_fields() {
    let mut i = complete_input();
    i.ip_office.annual_budget_wan = Some(Number("-5".into()));
    i.ip_office.department = Some("部".repeat(101));
    i.ip_office.policies = vec!["".into(), "策".repeat(201)];
    let errs = check_input(&i).unwrap_err();
    assert_eq!(
        fields(&errs),
        [
            "ip_office.department",
            "ip_office.policies.1",
            "ip_office.annual_budget_wan"
        ]
    );
    assert_eq!(errs[2].code, "negative_amount");
    i.ip_office.annual_budget_wan = Some(Number("abc".into()));
    let errs = check_input(&i).unwrap_err();
    assert_eq!(errs[2].code, "bad_amount");
}

#[test]
fn check_input_partner_fields() {
    let mut i = complete_input();
    i.partners[0].kind = None;
    i.partners[1].kind = Some("fund".into());
    i.partners[2].name = Some(" ".into());
    i.partners[3].uscc = None;
    // Practitioners are only for agencies.
    i.partners[3].practitioners = vec![dual(9)];
    i.partners[4].practitioners[1].name = None;
    i.partners[5].practitioners[0].patent_attorney_cert = Some("P!".into());
    // An entirely blank practitioner row is dropped.
    i.partners[5]
        .practitioners
        .push(PractitionerInputRow::default());
    let errs = check_input(&i).unwrap_err();
    assert_eq!(
        fields(&errs),
        [
            "partners.0.kind",
            "partners.1.kind",
            "partners.2.name",
            "partners.3.uscc",
            "partners.3.practitioners",
            "partners.4.practitioners.1.name",
            "partners.5.practitioners.0.patent_attorney_cert",
        ]
    );
    let codes: Vec<&str> = errs.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "required",
            "unknown_value",
            "required",
            "required",
            "not_applicable",
            "required",
            "bad_certificate_number"
        ]
    );
    assert!(errs[1].message.contains("exchange、bank、insurer、agency"));
}

// ---------- missing_for_submission ----------

#[test]
fn missing_for_submission_lists_what_an_empty_draft_lacks() {
    let app = check_input(&ApplicationInput {
        round_year: Some(YEAR),
        ..Default::default()
    })
    .unwrap();
    let errs = missing_for_submission(&app);
    assert_eq!(
        fields(&errs),
        [
            "park.name",
            "park.district_code",
            "park.kind",
            "park.level",
            "park.ip_park_status",
            "park.management_body.name",
            "park.management_body.uscc",
            "park.leading_industries",
            "enterprises",
            "ip_office.department",
            "ip_office.staff",
            "ip_office.annual_budget_wan",
            "ip_office.serves_district",
            "partners",
            "declarations.bad_credit_last_3_years",
            "declarations.mass_infringement_cases",
        ]
    );
    assert!(errs.iter().all(|e| e.code == "required"));
    assert_eq!(errs[0].message, "园区名称不能为空");
}

#[test]
fn missing_for_submission_is_empty_when_complete() {
    assert!(missing_for_submission(&complete()).is_empty());
}

#[test]
fn missing_for_submission_names_undated_partners_not_failing_values() {
    let mut app = complete();
    app.partners[2].agreement_date = None;
    app.ip_office.serves_district = Some(false);
    app.ip_office.staff = Some(0);
    app.declarations.bad_credit_last_3_years = Some(true);
    let errs = missing_for_submission(&app);
    assert_eq!(fields(&errs), ["partners.2.agreement_date"]);
    assert!(errs[0].message.contains("乙银行上海分行"));
}

#[test]
fn a_an_empty_draft_is_unfilled_rule_by_rule_until_each_part_is_entered() {
    let empty = check_input(&ApplicationInput {
        round_year: Some(2025),
        ..Default::default()
    })
    .unwrap();
    for rule in Rule::ALL {
        assert!(empty.unfilled(rule), "{rule:?}");
    }
    let mut input = ApplicationInput {
        round_year: Some(2025),
        ..Default::default()
    };
    input.park.level = Some("municipal".into());
    input.declarations.bad_credit_last_3_years = Some(false);
    let app = check_input(&input).unwrap();
    assert!(!app.unfilled(Rule::A1) && !app.unfilled(Rule::A6));
    assert!(app.unfilled(Rule::A2) && app.unfilled(Rule::A4));
}

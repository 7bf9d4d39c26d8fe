//! The yearly work report (年度工作报告, T8) drafted from the records: the year's figures against
//! the targets (a table and a chart per indicator), the work under each task T1–T8 (counts and a
//! few examples from the listings, matches, events, deals, filings, pledges and surveys), then the
//! two sections the operator wrote.

use chrono::Datelike;
use zhiyun_domain::bureau_report::Sections;
use zhiyun_domain::district::District;
use zhiyun_domain::event::EventKind;
use zhiyun_domain::kpi::{Indicator, Scale};
use zhiyun_domain::money::Fen;
use zhiyun_domain::time::fmt_time;
use zhiyun_reports::chart::{BarChart, ChartBar};
use zhiyun_reports::{IndicatorPart, TaskPart, WorkReportDoc, work_report_docx};

use super::{ReportFile, year_bounds};
use crate::deals::{self, DealQuery};
use crate::kpis::{IndicatorFigures, KpiReport};
use crate::pledges::{self, PledgeQuery};
use crate::{Ctx, Error, Principal, Result};

fn pct(v: Option<zhiyun_domain::decimal::Dec2>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v}%"))
}

fn indicator_part(r: &KpiReport, f: &IndicatorFigures) -> IndicatorPart {
    let k = f.indicator;
    let j = &f.judgement;
    let years: Vec<i32> = (r.base_year..=r.to)
        .filter(|y| f.values.contains_key(y) || j.yoy_pct.contains_key(y))
        .collect();
    let rows = years
        .iter()
        .map(|y| {
            [
                y.to_string(),
                f.values
                    .get(y)
                    .map_or_else(|| "—".to_string(), |v| k.figure(*v).to_string()),
                pct(j.yoy_pct.get(y).copied().flatten()),
            ]
        })
        .collect();
    let growth = match (j.growth_pct, &j.growth_note) {
        (Some(g), _) => format!("{}–{} 年年均增幅 {g}%", j.base_year, r.to),
        (None, Some(n)) => format!("年均增幅无法计算（{n}）"),
        (None, None) => "年均增幅无法计算".to_string(),
    };
    let mut verdict = match j.met {
        Some(true) => "已达标".to_string(),
        Some(false) => "未达标".to_string(),
        None => j.status.label().to_string(),
    };
    if let Some(n) = &j.note {
        verdict = format!("{verdict}（{n}）");
    }
    // Bars where the figure is a whole number or an amount; K5, K6 are read from the table.
    let chart = matches!(k.scale(), Scale::Fen | Scale::Count).then(|| BarChart {
        title: format!("{} {}", k.code(), k.label()),
        unit: k.unit().to_string(),
        bars: years
            .iter()
            .filter_map(|y| {
                let v = *f.values.get(y)?;
                let shown = match k.scale() {
                    Scale::Fen => (v + 500_000) / 1_000_000,
                    _ => v,
                };
                Some(ChartBar {
                    label: y.to_string(),
                    count: u64::try_from(shown).unwrap_or(u64::MAX),
                    pct: None,
                    highlight: *y == r.to,
                })
            })
            .collect(),
    });
    IndicatorPart {
        code: k.code().to_string(),
        label: k.label().to_string(),
        unit: k.unit().to_string(),
        definition: k.definition().to_string(),
        target: k.target().label(),
        rows,
        growth,
        verdict,
        chart,
    }
}

fn value_in(r: &KpiReport, k: Indicator, year: i32) -> Option<String> {
    let f = r.indicators.iter().find(|f| f.indicator == k)?;
    Some(k.figure(*f.values.get(&year)?).to_string())
}

fn sum(a: Fen, b: Fen) -> Fen {
    a.checked_add(b).unwrap_or(a)
}

/// The tasks T1–T8 with the year's counts and examples.
async fn tasks(
    ctx: &Ctx,
    user: &Principal,
    d: &District,
    year: i32,
    report: &KpiReport,
) -> Result<Vec<TaskPart>> {
    let (from, to) = year_bounds(year);
    let a = ctx.db.bureau_activity(d.code, year, from, to).await?;
    let ledger = deals::list(
        ctx,
        user,
        DealQuery {
            district: Some(d.code.to_string()),
            year: Some(year),
            ..Default::default()
        },
    )
    .await?;
    let pledges_all = pledges::list(
        ctx,
        user,
        &PledgeQuery {
            district: Some(d.code.to_string()),
            year: Some(year),
            ..Default::default()
        },
    )
    .await?;
    let events_of = |k: EventKind| a.events.iter().filter(move |e| e.kind == k.slug());

    // T1, T2
    let t1 = TaskPart {
        code: "T1".into(),
        title: "征集专利技术供需".into(),
        lines: vec![format!(
            "全年在平台征集并发布技术需求 {} 条、专利供给 {} 条，供需清单按期更新确认。",
            a.demand_published, a.supply_published
        )],
        examples: a
            .listing_examples
            .iter()
            .map(|(k, t)| {
                let kind = if k == "demand" {
                    "技术需求"
                } else {
                    "专利供给"
                };
                format!("{kind}：{t}")
            })
            .collect(),
    };
    let t2 = TaskPart {
        code: "T2".into(),
        title: "发布专利供需信息".into(),
        lines: vec![format!(
            "供需信息经审核后在平台公开发布（本年度 {} 条），可按区、技术领域检索，并导出供需清单用于线下发布。",
            a.demand_published + a.supply_published
        )],
        examples: Vec::new(),
    };

    // T3
    let matchmaking: Vec<_> = events_of(EventKind::Matchmaking).collect();
    let t3 = TaskPart {
        code: "T3".into(),
        title: "开展供需对接".into(),
        lines: vec![format!(
            "举办技术对接会 {} 场，安排一对一洽谈 {} 场，出席单位 {} 家次；供需双方对平台推荐的匹配结果表示有意向 {} 对。",
            matchmaking.len(),
            matchmaking.iter().map(|e| e.meetings).sum::<i64>(),
            matchmaking.iter().map(|e| e.attended).sum::<i64>(),
            a.interested_pairs
        )],
        examples: matchmaking
            .iter()
            .take(3)
            .map(|e| {
                format!(
                    "{}（{}，出席 {} 家）",
                    e.title,
                    &e.starts_at[..10.min(e.starts_at.len())],
                    e.attended
                )
            })
            .collect(),
    };

    // T4
    let counted: Vec<_> = ledger
        .items
        .iter()
        .filter(|i| i.record.deal.stage.counts_as_deal())
        .collect();
    let filings = ledger
        .items
        .iter()
        .flat_map(|i| i.record.filings.iter())
        .filter(|f| f.filing.filed_on.year() == year)
        .count();
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for i in &counted {
        *kinds.entry(i.record.deal.kind.label()).or_default() += 1;
    }
    let kinds_text = if kinds.is_empty() {
        "无".to_string()
    } else {
        kinds
            .iter()
            .map(|(k, n)| format!("{k} {n} 笔"))
            .collect::<Vec<_>>()
            .join("、")
    };
    let t4 = TaskPart {
        code: "T4".into(),
        title: "专利许可备案与转让登记".into(),
        lines: vec![
            format!(
                "全年签订专利交易 {} 笔（{kinds_text}），合同金额 {} 万元，实际到账 {} 万元。",
                counted.len(),
                ledger.totals.contracted.to_wan_2dp(),
                ledger.totals.received.to_wan_2dp()
            ),
            format!("协助办理许可备案、转让变更登记 {filings} 件。"),
        ],
        examples: counted
            .iter()
            .take(3)
            .map(|i| {
                let deal = &i.record.deal;
                format!(
                    "{}{}{}专利 {} 件（合同金额 {} 万元）",
                    i.from_name,
                    match deal.kind.label() {
                        "转让" => "向",
                        _ => "与",
                    },
                    i.to_name,
                    deal.patents.len(),
                    deal.amount.to_wan_2dp()
                )
            })
            .collect(),
    };

    // T5
    let registered: Vec<_> = pledges_all
        .iter()
        .filter(|p| p.registered_on.map(|d| d.year()) == Some(year))
        .collect();
    let registered_amount = registered
        .iter()
        .fold(Fen::ZERO, |s, p| sum(s, pledges::amount_of(p)));
    let bank_events: Vec<_> = events_of(EventKind::BankEnterprise).collect();
    let t5 = TaskPart {
        code: "T5".into(),
        title: "专利商标质押融资".into(),
        lines: vec![
            format!(
                "全年受理质押融资申请 {} 笔，完成质押登记 {} 笔、担保金额 {} 万元（K1 {} 万元，K2 {} 项）。",
                pledges_all.len(),
                registered.len(),
                registered_amount.to_wan_2dp(),
                value_in(report, Indicator::K1, year).unwrap_or_else(|| "—".into()),
                value_in(report, Indicator::K2, year).unwrap_or_else(|| "—".into()),
            ),
            format!(
                "举办银企对接会 {} 场，出席单位 {} 家次。",
                bank_events.len(),
                bank_events.iter().map(|e| e.attended).sum::<i64>()
            ),
        ],
        examples: registered
            .iter()
            .take(3)
            .map(|p| {
                format!(
                    "{}以{}向{}质押融资 {} 万元",
                    p.pledgor_name,
                    p.pledge.kind.label(),
                    p.pledgee_name,
                    pledges::amount_of(p).to_wan_2dp()
                )
            })
            .collect(),
    };

    // T6
    let overseas = report
        .indicators
        .iter()
        .find(|f| f.indicator == Indicator::K5)
        .and_then(|f| f.overseas_filings.get(&year).copied());
    let t6 = TaskPart {
        code: "T6".into(),
        title: "高价值专利培育".into(),
        lines: vec![format!(
            "年末每万人口高价值发明专利拥有量 {} 件，当年海外专利申请 {} 件。",
            value_in(report, Indicator::K5, year).unwrap_or_else(|| "—".into()),
            overseas.map_or_else(|| "—".to_string(), |n| n.to_string())
        )],
        examples: Vec::new(),
    };

    // T7
    let trainings: Vec<_> = events_of(EventKind::Training).collect();
    let surveys = ctx
        .db
        .survey_list(&zhiyun_store::surveys::SurveyFilter {
            year: Some(year),
            district: Some(Some(d.code.to_string())),
            event_id: None,
            limit: 100,
        })
        .await?;
    let t7 = TaskPart {
        code: "T7".into(),
        title: "宣传培训与满意度调查".into(),
        lines: vec![
            format!(
                "举办宣传培训活动 {} 场，出席单位 {} 家次。",
                trainings.len(),
                trainings.iter().map(|e| e.attended).sum::<i64>()
            ),
            format!(
                "开展满意度调查 {} 项，收回有效问卷 {} 份，服务对象满意度 {}%（K6，前两项占比法）。",
                surveys.len(),
                surveys.iter().map(|s| s.responses).sum::<u64>(),
                value_in(report, Indicator::K6, year).unwrap_or_else(|| "—".into())
            ),
        ],
        examples: trainings
            .iter()
            .take(3)
            .map(|e| format!("{}（出席 {} 家）", e.title, e.attended))
            .collect(),
    };

    // T8
    let smes = ledger.smes.iter().find(|s| s.year == year);
    let t8 = TaskPart {
        code: "T8".into(),
        title: "绩效管理与统计报送".into(),
        lines: vec![
            match smes {
                Some(s) => format!(
                    "受益中小企业 {} 家，其中 {} 家填报年度数据：营业收入合计 {} 万元，从业人员 {} 人。",
                    s.smes,
                    s.reported,
                    s.revenue.to_wan_2dp(),
                    s.headcount
                ),
                None => "本年度暂无受益中小企业记录。".to_string(),
            },
            "按要求报送年度工作报告、满意度调查报告和数据统计报表，报表数据均由平台根据业务记录生成。"
                .to_string(),
        ],
        examples: Vec::new(),
    };
    Ok(vec![t1, t2, t3, t4, t5, t6, t7, t8])
}

/// The work report as DOCX.
pub async fn build(
    ctx: &Ctx,
    user: &Principal,
    d: &District,
    year: i32,
    report: &KpiReport,
    sections: &Sections,
) -> Result<ReportFile> {
    let operator = ctx
        .db
        .bureau_operator_name(d.code)
        .await?
        .unwrap_or_else(|| format!("{}知识产权运营服务集聚区运营单位", d.name));
    let doc = WorkReportDoc {
        year,
        district: d.name.to_string(),
        organiser: operator,
        period: format!(
            "{}–{} 年（基期 {} 年）",
            report.from, report.to, report.base_year
        ),
        figures_note: format!("数据统计截至 {}。", report.as_of.format("%Y年%-m月%-d日")),
        indicators: report
            .indicators
            .iter()
            .map(|f| indicator_part(report, f))
            .collect(),
        tasks: tasks(ctx, user, d, year, report).await?,
        problems: sections.problems.clone(),
        plan: sections.plan.clone(),
        generated_at: fmt_time(ctx.clock.now()),
    };
    let bytes = work_report_docx(&doc).map_err(Error::internal)?;
    Ok(ReportFile {
        filename: format!("{}{year}年度工作报告.docx", d.name),
        bytes,
    })
}

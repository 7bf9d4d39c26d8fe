//! The statistics report (数据统计报表, T8) as XLSX: one sheet per indicator K1–K6 (yearly values,
//! year-on-year rates, the target path, 年均增幅, target, verdict and definition), the deal list
//! (contracted vs received, by kind), the pledge list, the benefiting SMEs with revenue and
//! headcount, and the events and trainings with attendance. Numbers are written as numbers.

use std::collections::BTreeMap;

use chrono::Datelike;
use zhiyun_domain::district::District;
use zhiyun_domain::kpi::{Indicator, Scale};
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_reports::{StatCell as Cell, StatSheet, statistics_xlsx};

use super::{ReportFile, year_bounds};
use crate::deals::{self, DealQuery};
use crate::kpis::{IndicatorFigures, KpiReport};
use crate::pledges::{self, PledgeQuery};
use crate::{Ctx, Error, Principal, Result};

/// Hundredths of 万元 from fen, half up (1 万元 = 1,000,000 fen).
pub fn wan_hundredths(f: Fen) -> i128 {
    let v = i128::from(f.fen());
    if v >= 0 {
        (v + 5_000) / 10_000
    } else {
        (v - 5_000) / 10_000
    }
}

fn wan(f: Fen) -> Cell {
    Cell::Hundredths(wan_hundredths(f))
}

fn int(n: impl TryInto<i64>) -> Cell {
    Cell::Int(n.try_into().unwrap_or(i64::MAX))
}

/// An indicator's value as a cell on its scale (万元 with two places, counts, hundredths).
pub fn value_cell(k: Indicator, v: u128) -> Cell {
    match k.scale() {
        Scale::Fen => Cell::Hundredths(i128::try_from((v + 5_000) / 10_000).unwrap_or(i128::MAX)),
        Scale::Count => int(v),
        Scale::Hundredths => Cell::Hundredths(i128::try_from(v).unwrap_or(i128::MAX)),
    }
}

/// A short name for an indicator's sheet.
pub fn sheet_name(k: Indicator) -> &'static str {
    match k {
        Indicator::K1 => "K1 质押融资金额",
        Indicator::K2 => "K2 质押融资项目数",
        Indicator::K3 => "K3 专利转让许可数",
        Indicator::K4 => "K4 受益中小企业数",
        Indicator::K5 => "K5 高价值发明专利",
        Indicator::K6 => "K6 服务对象满意度",
    }
}

fn indicator_sheet(r: &KpiReport, f: &IndicatorFigures) -> StatSheet {
    let k = f.indicator;
    let value_h = format!("数值（{}）", k.unit());
    let extra = match k {
        Indicator::K3 => Some("合同份数"),
        Indicator::K5 => Some("人口数据年份"),
        Indicator::K6 => Some("有效回答数"),
        _ => None,
    };
    let mut headers: Vec<(&str, f64)> = vec![
        ("年度", 8.0),
        (value_h.as_str(), 16.0),
        ("同比增幅（%）", 14.0),
        ("目标路径值", 14.0),
    ];
    if let Some(e) = extra {
        headers.push((e, 14.0));
    }
    if k == Indicator::K5 {
        headers.push(("海外专利申请（件）", 16.0));
    }
    let mut s = StatSheet::new(
        sheet_name(k),
        &format!(
            "{} {} {}（{}）",
            r.district_name,
            k.code(),
            k.label(),
            k.unit()
        ),
        &headers,
    );
    let path: BTreeMap<i32, u128> = f.target_path.iter().map(|p| (p.year, p.value)).collect();
    let years: std::collections::BTreeSet<i32> = (r.base_year..=r.to)
        .filter(|y| f.values.contains_key(y) || f.judgement.yoy_pct.contains_key(y))
        .collect();
    for y in years {
        let mut row = vec![
            Cell::Int(i64::from(y)),
            f.values.get(&y).map_or(Cell::Empty, |v| value_cell(k, *v)),
            f.judgement
                .yoy_pct
                .get(&y)
                .copied()
                .flatten()
                .map_or(Cell::Empty, |p| Cell::Hundredths(p.hundredths())),
            path.get(&y).map_or(Cell::Empty, |v| value_cell(k, *v)),
        ];
        match k {
            Indicator::K3 => row.push(f.contracts.get(&y).map_or(Cell::Empty, |n| int(*n))),
            Indicator::K5 => {
                row.push(
                    f.population_year
                        .get(&y)
                        .map_or(Cell::Empty, |n| Cell::Int(i64::from(*n))),
                );
                row.push(f.overseas_filings.get(&y).map_or(Cell::Empty, |n| int(*n)));
            }
            Indicator::K6 => row.push(f.responses.get(&y).map_or(Cell::Empty, |n| int(*n))),
            _ => {}
        }
        s.rows.push(row);
    }
    let j = &f.judgement;
    s.notes.push((
        "统计期".into(),
        Cell::text(format!("{}–{} 年（基期 {} 年）", r.from, r.to, j.base_year)),
    ));
    match (j.growth_pct, &j.growth_note) {
        (Some(g), _) => s
            .notes
            .push(("年均增幅（%）".into(), Cell::Hundredths(g.hundredths()))),
        (None, note) => s.notes.push((
            "年均增幅（%）".into(),
            Cell::text(note.clone().unwrap_or_else(|| "无法计算".into())),
        )),
    }
    s.notes
        .push(("目标".into(), Cell::text(k.target().label())));
    let verdict = match j.met {
        Some(true) => "达标".to_string(),
        Some(false) => "未达标".to_string(),
        None => j.status.label().to_string(),
    };
    s.notes.push(("结论".into(), Cell::text(verdict)));
    if let Some(n) = &j.note {
        s.notes.push(("说明".into(), Cell::text(n.clone())));
    }
    if let Some(m) = f.method {
        s.notes.push(("计算方法".into(), Cell::text(m)));
    }
    s.notes
        .push(("口径说明".into(), Cell::text(k.definition())));
    s.notes.push((
        "统计日期".into(),
        Cell::text(r.as_of.format("%Y-%m-%d").to_string()),
    ));
    s
}

/// Every sheet of the statistics report.
pub async fn sheets(
    ctx: &Ctx,
    user: &Principal,
    d: &District,
    year: i32,
    report: &KpiReport,
) -> Result<Vec<StatSheet>> {
    let mut out: Vec<StatSheet> = report
        .indicators
        .iter()
        .map(|f| indicator_sheet(report, f))
        .collect();

    // Deals signed in the year.
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
    let mut list = StatSheet::new(
        "交易清单",
        &format!("{}{year} 年度专利转让、许可、作价入股交易清单", d.name),
        &[
            ("编号", 8.0),
            ("类型", 10.0),
            ("提供方", 28.0),
            ("接受方", 28.0),
            ("专利件数", 10.0),
            ("阶段", 10.0),
            ("签订日期", 12.0),
            ("生效日期", 12.0),
            ("合同金额（万元）", 14.0),
            ("已到账（万元）", 14.0),
            ("未到账（万元）", 14.0),
        ],
    );
    let mut by_kind: BTreeMap<&'static str, (i64, Fen, Fen)> = BTreeMap::new();
    for i in &ledger.items {
        let deal = &i.record.deal;
        let opt =
            |x: Option<chrono::NaiveDate>| x.map_or(Cell::Empty, |x| Cell::text(x.to_string()));
        list.rows.push(vec![
            Cell::Int(i.record.id),
            Cell::text(deal.kind.label()),
            Cell::text(i.from_name.clone()),
            Cell::text(i.to_name.clone()),
            int(deal.patents.len()),
            Cell::text(deal.stage.label_for(deal.kind)),
            opt(deal.signed_on),
            opt(deal.effective_on),
            wan(i.totals.contracted),
            wan(i.totals.received),
            wan(i.totals.outstanding),
        ]);
        if deal.stage.counts_as_deal() {
            let e = by_kind
                .entry(deal.kind.label())
                .or_insert((0, Fen::ZERO, Fen::ZERO));
            e.0 += 1;
            e.1 = e.1.checked_add(i.totals.contracted).unwrap_or(e.1);
            e.2 = e.2.checked_add(i.totals.received).unwrap_or(e.2);
        }
    }
    let mut kinds = StatSheet::new(
        "交易汇总",
        &format!(
            "{}{year} 年度交易金额汇总（合同金额与实际到账，按类型）",
            d.name
        ),
        &[
            ("交易类型", 14.0),
            ("交易数", 10.0),
            ("合同金额（万元）", 16.0),
            ("实际到账（万元）", 16.0),
        ],
    );
    for (k, (n, c, r)) in &by_kind {
        kinds
            .rows
            .push(vec![Cell::text(*k), Cell::Int(*n), wan(*c), wan(*r)]);
    }
    let t = ledger.totals;
    kinds.rows.push(vec![
        Cell::text("合计"),
        Cell::Int(by_kind.values().map(|v| v.0).sum()),
        wan(t.contracted),
        wan(t.received),
    ]);
    kinds.notes.push((
        "口径说明".into(),
        Cell::text("已签订及其后阶段、未撤销的交易；实际到账为已登记的到账金额合计。"),
    ));

    // Pledges registered in the year.
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
    let mut pl = StatSheet::new(
        "质押清单",
        &format!("{}{year} 年度专利商标质押融资清单", d.name),
        &[
            ("编号", 8.0),
            ("出质人", 28.0),
            ("质权人", 24.0),
            ("质押类型", 12.0),
            ("专利件数", 10.0),
            ("商标件数", 10.0),
            ("申请金额（万元）", 14.0),
            ("担保金额（万元）", 14.0),
            ("申请日期", 12.0),
            ("当前阶段", 12.0),
            ("质押登记日", 12.0),
            ("质押登记号", 18.0),
        ],
    );
    for r in &pledges_all {
        pl.rows.push(vec![
            Cell::Int(r.id),
            Cell::text(r.pledgor_name.clone()),
            Cell::text(r.pledgee_name.clone()),
            Cell::text(r.pledge.kind.label()),
            int(r.pledge.patents.len()),
            int(r.pledge.trademarks.len()),
            wan(r.pledge.amount),
            wan(pledges::amount_of(r)),
            Cell::text(r.pledge.applied_on.to_string()),
            Cell::text(r.stage.label()),
            r.registered_on
                .map_or(Cell::Empty, |x| Cell::text(x.to_string())),
            r.registration_number
                .clone()
                .map_or(Cell::Empty, Cell::Text),
        ]);
    }

    // Benefiting SMEs: receiving parties (enterprises, not large) of the deals signed that year.
    let mut received: BTreeMap<i64, (String, i64, i64)> = BTreeMap::new();
    for i in &ledger.items {
        let deal = &i.record.deal;
        if !deal.stage.counts_as_deal() || deal.signed_on.map(|s| s.year()) != Some(year) {
            continue;
        }
        let e = received
            .entry(deal.to_org_id)
            .or_insert((i.to_name.clone(), 0, 0));
        e.1 += 1;
        e.2 += i64::try_from(deal.patents.len()).unwrap_or(0);
    }
    let ids: Vec<i64> = received.keys().copied().collect();
    let annual = ctx.db.annual_of(&ids).await?;
    let mut smes = StatSheet::new(
        "受益中小企业",
        &format!("{}{year} 年度受益中小企业（营业收入与从业人数）", d.name),
        &[
            ("企业名称", 30.0),
            ("企业规模", 10.0),
            ("获得交易数", 12.0),
            ("获得专利件数", 12.0),
            ("营业收入（万元）", 16.0),
            ("从业人数", 10.0),
            ("专利产品收入（万元）", 18.0),
        ],
    );
    for (id, (name, deals_n, patents_n)) in &received {
        let org = ctx.db.org_get(*id).await?;
        if org.kind != OrgKind::Enterprise || org.size_class == Some(SizeClass::Large) {
            continue;
        }
        let a = annual.iter().find(|a| a.org_id == *id && a.year == year);
        smes.rows.push(vec![
            Cell::text(name.clone()),
            org.size_class
                .map_or(Cell::text("未登记"), |s| Cell::text(s.label())),
            Cell::Int(*deals_n),
            Cell::Int(*patents_n),
            a.map_or(Cell::Empty, |a| wan(a.revenue)),
            a.map_or(Cell::Empty, |a| Cell::Int(i64::from(a.headcount))),
            a.map_or(Cell::Empty, |a| wan(a.patent_product_revenue)),
        ]);
    }
    if let Some(y) = ledger.smes.iter().find(|s| s.year == year) {
        smes.notes.push(("受益中小企业数".into(), int(y.smes)));
        smes.notes
            .push(("其中填报年度数据".into(), int(y.reported)));
        smes.notes
            .push(("营业收入合计（万元）".into(), wan(y.revenue)));
        smes.notes.push(("从业人数合计".into(), int(y.headcount)));
    }

    // Events and trainings with attendance.
    let (from, to) = year_bounds(year);
    let activity = ctx.db.bureau_activity(d.code, year, from, to).await?;
    let mut ev = StatSheet::new(
        "活动与培训",
        &format!("{}{year} 年度对接活动与培训（报名与出席）", d.name),
        &[
            ("编号", 8.0),
            ("类型", 12.0),
            ("名称", 36.0),
            ("举办时间", 18.0),
            ("主办单位", 28.0),
            ("报名单位数", 12.0),
            ("出席单位数", 12.0),
            ("一对一洽谈（场）", 14.0),
        ],
    );
    for e in &activity.events {
        ev.rows.push(vec![
            Cell::Int(e.id),
            Cell::text(event_kind_label(&e.kind)),
            Cell::text(e.title.clone()),
            Cell::text(
                e.starts_at
                    .replace('T', " ")
                    .chars()
                    .take(16)
                    .collect::<String>(),
            ),
            Cell::text(e.organiser.clone()),
            Cell::Int(e.registered),
            Cell::Int(e.attended),
            Cell::Int(e.meetings),
        ]);
    }

    out.extend([kinds, list, pl, smes, ev]);
    Ok(out)
}

/// The Chinese name of an event kind as stored.
pub fn event_kind_label(kind: &str) -> &'static str {
    zhiyun_domain::event::EventKind::parse(kind).map_or("活动", |k| k.label())
}

/// The statistics report as XLSX.
pub async fn build(
    ctx: &Ctx,
    user: &Principal,
    d: &District,
    year: i32,
    report: &KpiReport,
) -> Result<ReportFile> {
    let sheets = sheets(ctx, user, d, year, report).await?;
    let bytes = statistics_xlsx(&sheets).map_err(Error::internal)?;
    Ok(ReportFile {
        filename: format!("{}{year}年度数据统计报表.xlsx", d.name),
        bytes,
    })
}

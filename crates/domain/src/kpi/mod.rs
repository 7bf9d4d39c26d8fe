//! The cluster's performance indicators K1–K6 (MISSION.md 工作绩效, issue 16): their definitions
//! as shown beside each figure, their targets, and the judgement of a period against them. The
//! yearly values themselves are counted by the store from the records; this module gets them as
//! integers on each indicator's scale ([`Scale`]) and never reads the clock.
//!
//! How a period is judged ([`judge`]):
//! - A finished period (`to` < today's year): K1–K4 by the level-method 年均增幅 from the base year
//!   (`from − 1`) to `to` against the target; K5 rising in every year of the period (the first year
//!   against the base year); K6 at least 90 % in every year. `met` is judged on the figures as
//!   published (two places), so the flag never contradicts the number beside it.
//! - A running period (`from` ≤ today's year ≤ `to`): the current year's value is year to date and
//!   the growth shown runs from the base year to this year, with the note “截至 <date>”. `met` stays
//!   `None` unless the verdict can no longer change (a past year of K5/K6 already failed → missed).
//!   K1–K4 are `on_track` when the year-to-date value reaches the target path's value for this year
//!   pro rata by days elapsed (linear within the year), `at_risk` otherwise; K5/K6 are `at_risk` when
//!   this year's value so far fails the yearly test, `on_track` otherwise (no value yet is not a
//!   failure).
//! - A period not yet begun, or `from` > `to`: `unknown`, with a note.
//! - `met` is `None` and the status `unknown` whenever a year the verdict needs has no value.

use crate::code::Code;
pub mod deals;
pub mod growth;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::decimal::Dec2;
use crate::decimal::big::Big;
use crate::district::{self, District};
use crate::validation::{Errors, FieldError};
pub use growth::{
    Growth, GrowthNote, MAX_YEARS, growth_level_method, mean_of_yearly_rates, yoy_pct,
};

/// K1–K6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Indicator {
    K1,
    K2,
    K3,
    K4,
    K5,
    K6,
}

/// The integer scale an indicator's values come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Money in fen, shown in 万元 with two places.
    Fen,
    /// A whole count, shown as an integer.
    Count,
    /// Hundredths, shown with two places (K5 `19` = 0.19 件/万人, K6 `9250` = 92.50 %).
    Hundredths,
}

/// What an indicator is judged against (MISSION.md K1–K6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Target {
    /// 年均增幅 (level method) at least `pct` percent over the period.
    AnnualGrowth { pct: Dec2 },
    /// Higher than the year before, in every year of the period.
    RisingEveryYear,
    /// At least `pct` (on the value's own scale, percent for K6) in every year of the period.
    AtLeastEveryYear { pct: Dec2 },
}

impl Target {
    /// The percentage the API shows as `target_pct` (`"30"`, `"90"`); `None` for K5.
    pub fn target_pct(self) -> Option<String> {
        match self {
            Target::AnnualGrowth { pct } | Target::AtLeastEveryYear { pct } => {
                Some(if pct.hundredths() % 100 == 0 {
                    (pct.hundredths() / 100).to_string()
                } else {
                    pct.to_string()
                })
            }
            Target::RisingEveryYear => None,
        }
    }

    pub fn label(self) -> String {
        match self {
            Target::AnnualGrowth { .. } => {
                format!("年均增幅 ≥ {}%", self.target_pct().unwrap_or_default())
            }
            Target::RisingEveryYear => "逐年提高".to_string(),
            Target::AtLeastEveryYear { .. } => {
                format!("每年 ≥ {}%", self.target_pct().unwrap_or_default())
            }
        }
    }
}

/// A value as the API answers it: counts as JSON integers, everything else as a two-place string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Count(u128),
    Decimal(Dec2),
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Figure::Count(n) => write!(f, "{n}"),
            Figure::Decimal(d) => write!(f, "{d}"),
        }
    }
}

impl Indicator {
    pub const ALL: [Indicator; 6] = [
        Indicator::K1,
        Indicator::K2,
        Indicator::K3,
        Indicator::K4,
        Indicator::K5,
        Indicator::K6,
    ];

    /// `K1` … `K6`, as in the API.
    pub fn code(self) -> &'static str {
        match self {
            Indicator::K1 => "K1",
            Indicator::K2 => "K2",
            Indicator::K3 => "K3",
            Indicator::K4 => "K4",
            Indicator::K5 => "K5",
            Indicator::K6 => "K6",
        }
    }

    /// The code; the API word is the code itself.
    pub fn slug(self) -> &'static str {
        self.code()
    }

    /// `K1` or `k1`.
    pub fn parse(s: &str) -> Option<Indicator> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(s))
    }

    pub fn label(self) -> &'static str {
        match self {
            Indicator::K1 => "专利商标质押融资金额",
            Indicator::K2 => "专利商标质押融资项目数",
            Indicator::K3 => "中小企业获得专利转让许可数",
            Indicator::K4 => "从高校院所获得专利转让许可的中小企业数",
            Indicator::K5 => "每万人口高价值发明专利拥有量",
            Indicator::K6 => "服务对象满意度",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Indicator::K1 => "万元",
            Indicator::K2 => "项",
            Indicator::K3 => "件",
            Indicator::K4 => "家",
            Indicator::K5 => "件/万人",
            Indicator::K6 => "%",
        }
    }

    /// The definition shown beside each figure (issue 16: definitions are part of the contract).
    pub fn definition(self) -> &'static str {
        match self {
            Indicator::K1 => {
                "统计年度内在国家知识产权局登记、出质人位于本区（全市口径为上海市）的专利权和商标专用权质押的担保债权金额之和；登记后解除的质押仍计入登记年度，未获登记或撤回的不计。目标：年均增幅 ≥ 30%。"
            }
            Indicator::K2 => {
                "统计年度内在国家知识产权局登记、出质人位于本区的专利权和商标专用权质押笔数，口径同质押融资金额（登记后解除的仍计入，未获登记或撤回的不计）。目标：年均增幅 ≥ 20%。"
            }
            Indicator::K3 => {
                "生效日期在统计年度内、受让方或被许可方为本区中小微企业（中型、小型、微型）的专利转让、许可和作价入股交易（已签约及其后阶段，未撤销）所涉专利件数，每笔交易中的每件专利计一次，合同份数另列。目标：年均增幅 ≥ 20%。"
            }
            Indicator::K4 => {
                "统计年度内至少获得一笔来自高校或科研院所的专利转让、许可或作价入股交易（口径同 K3）的本区中小微企业家数，同一企业只计一次。目标：年均增幅 ≥ 20%。"
            }
            Indicator::K5 => {
                "统计年度末本区拥有的有效国内高价值发明专利件数除以常住人口（万人），注明所用人口数据的年份；同时列示当年海外专利申请量及其增长。目标：逐年提高。"
            }
            Indicator::K6 => {
                "本区当年满意度调查（全市：各区和市级调查合并）中总体满意度题的有效回答里选择“非常满意”或“满意”的比例（前两项占比法，方法随数字标明）。目标：每年 ≥ 90%。"
            }
        }
    }

    /// The targets of the notice for 2021–2023 (MISSION.md K1–K6).
    pub fn target(self) -> Target {
        match self {
            Indicator::K1 => Target::AnnualGrowth {
                pct: Dec2::from_int(30),
            },
            Indicator::K2 | Indicator::K3 | Indicator::K4 => Target::AnnualGrowth {
                pct: Dec2::from_int(20),
            },
            Indicator::K5 => Target::RisingEveryYear,
            Indicator::K6 => Target::AtLeastEveryYear {
                pct: Dec2::from_int(90),
            },
        }
    }

    pub fn scale(self) -> Scale {
        match self {
            Indicator::K1 => Scale::Fen,
            Indicator::K2 | Indicator::K3 | Indicator::K4 => Scale::Count,
            Indicator::K5 | Indicator::K6 => Scale::Hundredths,
        }
    }

    /// A value on this indicator's scale as shown: `2180.00` (万元), `5`, `0.16`, `92.50`.
    pub fn figure(self, value: u128) -> Figure {
        match self.scale() {
            // 万元 = fen / 1,000,000, rounded half up like Fen::to_wan_2dp.
            Scale::Fen => Figure::Decimal(Dec2::ratio(value, 1_000_000).expect("non-zero")),
            Scale::Count => Figure::Count(value),
            Scale::Hundredths => Figure::Decimal(Dec2::ratio(value, 100).expect("non-zero")),
        }
    }
}

/// K5: 每万人口高价值发明专利拥有量 = patents ÷ (population ÷ 10,000), two places half up
/// (DOMAIN.md §3.2). `population` in persons; `None` when it is zero. Its hundredths are K5's value.
pub fn per_10k_residents(patents: u64, population: u64) -> Option<Dec2> {
    Dec2::ratio(u128::from(patents) * 10_000, u128::from(population))
}

/// Verdict of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Finished and the target reached.
    Met,
    /// Still running and on course for the target so far.
    OnTrack,
    /// Still running and behind the target so far.
    AtRisk,
    /// The target was not reached (or can no longer be).
    Missed,
    /// Cannot be judged: data missing, or the period has not begun.
    Unknown,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Met,
        Status::OnTrack,
        Status::AtRisk,
        Status::Missed,
        Status::Unknown,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::Missed => "missed",
            Status::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "已达标",
            Status::OnTrack => "进展正常",
            Status::AtRisk => "存在风险",
            Status::Missed => "未达标",
            Status::Unknown => "无法判断",
        }
    }
}

/// One indicator over one period, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgement {
    /// The year before the period (2020 for 2021–2023).
    pub base_year: i32,
    /// 年均增幅 (level method) from the base year to the period's last year begun; `None` with
    /// `growth_note` when it cannot be computed.
    pub growth_pct: Option<Dec2>,
    pub growth_note: Option<String>,
    /// Arithmetic mean of the yearly rates: for display beside `growth_pct`, not the official figure.
    pub mean_yoy_pct: Option<Dec2>,
    /// Year-on-year rate of each year of the period begun; `None` where a year or its previous year
    /// has no value or the previous year is zero.
    pub yoy_pct: BTreeMap<i32, Option<Dec2>>,
    /// `None` when the target cannot be judged (yet).
    pub met: Option<bool>,
    pub status: Status,
    /// Today, when the period is still running (the figures are year to date).
    pub as_of: Option<NaiveDate>,
    /// Why: “截至 2024年6月30日，2024 年为年初至今数据”, missing years, failed years.
    pub note: Option<String>,
}

/// Judge `indicator` over `from..=to` against its target; `values` by year on its [`Scale`].
pub fn judge(
    indicator: Indicator,
    values: &BTreeMap<i32, u128>,
    from: i32,
    to: i32,
    today: NaiveDate,
) -> Judgement {
    judge_target(indicator.target(), values, from, to, today)
}

fn years_list(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join("、")
}

/// [`judge`] against any target (e.g. a target the bureau set differently for a later period).
pub fn judge_target(
    target: Target,
    values: &BTreeMap<i32, u128>,
    from: i32,
    to: i32,
    today: NaiveDate,
) -> Judgement {
    let base_year = from.saturating_sub(1);
    let mut j = Judgement {
        base_year,
        growth_pct: None,
        growth_note: None,
        mean_yoy_pct: None,
        yoy_pct: BTreeMap::new(),
        met: None,
        status: Status::Unknown,
        as_of: None,
        note: None,
    };
    let this_year = today.year();
    if from > to {
        j.note = Some(format!("统计期无效：起始年份 {from} 晚于结束年份 {to}"));
        return j;
    }
    if this_year < from {
        j.note = Some(format!("统计期 {from}–{to} 年尚未开始"));
        return j;
    }
    let running = this_year <= to;
    let last = if running { this_year } else { to };
    let mut notes = Vec::new();
    if running {
        j.as_of = Some(today);
        notes.push(format!(
            "截至 {}，{last} 年为年初至今数据",
            today.format("%Y年%-m月%-d日")
        ));
    }
    let v = |y: i32| values.get(&y).copied();
    for y in from..=last {
        j.yoy_pct.insert(y, yoy_pct(v(y - 1), v(y)).pct);
    }
    let n = u32::try_from(i64::from(last) - i64::from(base_year)).unwrap_or(u32::MAX);
    let g = growth_level_method(v(base_year), v(last), n);
    j.growth_pct = g.pct;
    j.growth_note = g.note.map(|note| match note {
        GrowthNote::MissingBase => format!("缺少基期（{base_year} 年）数据"),
        GrowthNote::MissingEnd => format!("缺少末期（{last} 年）数据"),
        other => other.label().to_string(),
    });
    if n <= MAX_YEARS {
        let series: Vec<Option<u128>> = (base_year..=last).map(v).collect();
        j.mean_yoy_pct = mean_of_yearly_rates(&series);
    }
    match target {
        Target::AnnualGrowth { pct } if !running => {
            j.met = j.growth_pct.map(|g| g >= pct);
        }
        Target::AnnualGrowth { pct } => {
            j.status = match (v(base_year), v(last)) {
                (Some(b), Some(c)) if b > 0 => {
                    if reaches_path_to_date(b, c, pct, n, today) {
                        Status::OnTrack
                    } else {
                        Status::AtRisk
                    }
                }
                _ => Status::Unknown,
            };
        }
        Target::RisingEveryYear | Target::AtLeastEveryYear { .. } => {
            let ok = |y: i32| -> Option<bool> {
                match target {
                    Target::AtLeastEveryYear { pct } => {
                        Some(Dec2::from_hundredths(i128::try_from(v(y)?).ok()?) >= pct)
                    }
                    _ => Some(v(y)? > v(y - 1)?),
                }
            };
            let completed_to = if running { this_year - 1 } else { to };
            let failed: Vec<i32> = (from..=completed_to)
                .filter(|y| ok(*y) == Some(false))
                .collect();
            let missing: Vec<i32> = (from..=completed_to).filter(|y| ok(*y).is_none()).collect();
            if !failed.is_empty() {
                // A past year that failed decides the period: the target is every year.
                j.met = Some(false);
                j.status = Status::Missed;
                notes.push(format!("{} 年未达到目标", years_list(&failed)));
            } else if !missing.is_empty() {
                notes.push(format!("缺少 {} 年数据，无法判断", years_list(&missing)));
            } else if !running {
                j.met = Some(true);
            } else {
                j.status = if ok(this_year) == Some(false) {
                    Status::AtRisk
                } else {
                    Status::OnTrack
                };
            }
        }
    }
    if !running && j.status == Status::Unknown {
        j.status = match j.met {
            Some(true) => Status::Met,
            Some(false) => Status::Missed,
            None => Status::Unknown,
        };
    }
    if !notes.is_empty() {
        j.note = Some(notes.join("；"));
    }
    j
}

/// Running period: has the year-to-date value `c` reached the target path's value for this year
/// (`k` years after the base `b`) pro rata by the days elapsed? Exactly:
/// c · days · 10000^k ≥ b · (10000 + t)^k · day_of_year, t the target in hundredths of a percent.
fn reaches_path_to_date(b: u128, c: u128, target: Dec2, k: u32, today: NaiveDate) -> bool {
    let days = if today.leap_year() { 366 } else { 365 };
    let factor = u128::try_from(10_000 + target.hundredths()).unwrap_or(0);
    let lhs = Big::from_u128(c)
        .mul(&Big::from_u128(days))
        .mul(&Big::from_u128(10_000).pow(k));
    let rhs = Big::from_u128(b)
        .mul(&Big::from_u128(factor).pow(k))
        .mul(&Big::from_u128(u128::from(today.ordinal())));
    lhs >= rhs
}

/// A point of the target path: the least whole value (on the indicator's scale) that keeps to
/// the target growth in that year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TargetPoint {
    pub year: i32,
    pub value: u128,
}

/// The value each year needs for the target growth, for the chart's line:
/// ⌈base · (1 + target)^(year − base_year)⌉ for every year from `base_year` to `to`, exact.
/// Rounding up makes each point the least value that meets the path (5 pledges growing 20 %: 5, 6,
/// 8, 9). Empty when `to` < `base_year` or the span exceeds [`MAX_YEARS`].
pub fn target_path(
    base_value: u128,
    target_pct: Dec2,
    base_year: i32,
    to: i32,
) -> Vec<TargetPoint> {
    let span = i64::from(to) - i64::from(base_year);
    if !(0..=i64::from(MAX_YEARS)).contains(&span) {
        return Vec::new();
    }
    let factor = Big::from_u128(u128::try_from(10_000 + target_pct.hundredths()).unwrap_or(0));
    let base = Big::from_u128(base_value);
    (0..=span as u32)
        .filter_map(|k| {
            let value = base
                .mul(&factor.pow(k))
                .div_ceil(&Big::from_u128(10_000).pow(k))?
                .to_u128()?;
            Some(TargetPoint {
                year: base_year + k as i32,
                value,
            })
        })
        .collect()
}

// ---------- the period a KPI query asks for ----------

/// The period of the notice's targets; a query without years asks for it.
pub const DEFAULT_FROM: i32 = 2021;
pub const DEFAULT_TO: i32 = 2023;
/// Years a query may name, and the longest period.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
pub const MAX_PERIOD_YEARS: i32 = 20;

/// `GET /api/v1/kpis?district=310104&from=2021&to=2023` as received (query strings).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct KpiQueryInput {
    /// Absent or empty: city-wide.
    pub district: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiQuery {
    /// `None` = the whole city.
    pub district: Option<&'static District>,
    pub from: i32,
    pub to: i32,
}

/// Check a KPI query. Defaults: no years → 2021–2023; only `from` → a three-year period from it;
/// only `to` → the three years ending with it. Codes: `unknown_district` (`district`), `bad_year`
/// (`from`, `to`: not a year in 2000–2100), `ends_before_start` (`to` < `from`), `out_of_range`
/// (`to`: more than 20 years).
pub fn check_kpi_query(input: &KpiQueryInput) -> Result<KpiQuery, Vec<FieldError>> {
    let mut errs = Errors::default();
    let district = match input.district.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let d = district::current_by_code(code);
            if d.is_none() {
                errs.push(FieldError::new(
                    "district",
                    Code::UnknownDistrict,
                    format!("“{code}”不是上海市现行的区代码"),
                ));
            }
            d
        }
    };
    let year = |field: &str, label: &str, v: Option<&str>| -> Result<Option<i32>, FieldError> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => match s.parse::<i32>() {
                Ok(y) if YEARS.contains(&y) => Ok(Some(y)),
                _ => Err(FieldError::new(
                    field,
                    Code::BadYear,
                    format!(
                        "{label}“{s}”应为 {}–{} 之间的年份",
                        YEARS.start(),
                        YEARS.end()
                    ),
                )),
            },
        }
    };
    let from = errs.take(year("from", "起始年份", input.from.as_deref()));
    let to = errs.take(year("to", "结束年份", input.to.as_deref()));
    let (Some(from), Some(to)) = (from, to) else {
        return Err(errs.0);
    };
    let (from, to) = match (from, to) {
        (None, None) => (DEFAULT_FROM, DEFAULT_TO),
        (Some(f), None) => (f, f + 2),
        (None, Some(t)) => (t - 2, t),
        (Some(f), Some(t)) => (f, t),
    };
    if to < from {
        errs.push(FieldError::new(
            "to",
            Code::EndsBeforeStart,
            format!("结束年份 {to} 早于起始年份 {from}"),
        ));
    } else if to - from + 1 > MAX_PERIOD_YEARS {
        errs.push(FieldError::new(
            "to",
            Code::OutOfRange,
            format!(
                "统计期最长 {MAX_PERIOD_YEARS} 年，{from}–{to} 年共 {} 年",
                to - from + 1
            ),
        ));
    }
    errs.into_result(|| KpiQuery { district, from, to })
}

#[cfg(test)]
mod tests;

//! T8: the reports to the municipal bureau (issue 16). A cluster operator writes the two sections
//! of its yearly work report (存在问题, 下一年度工作计划), downloads the drafts — the work report
//! ([`work_report`]) and the statistics report ([`statistics`]) drawn from the records — and submits
//! the year's package with the survey report; at submission the KPI figures are frozen as a
//! snapshot, and later changes to the records show as differences against it. The municipal
//! bureau sets a deadline per year, sees every district submitted / late / missing, opens the
//! files, returns a package with comments or accepts it; after a return the operator submits again.
//!
//! Who may do what: `policy::can_submit_bureau_report` (the district's operator),
//! `can_read_bureau_report` (its bureaus and operator), `can_review_bureau_report` and
//! `can_list_bureau_reports` (the municipal bureau). The rules are `domain::bureau_report`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use zhiyun_domain::bureau_report::{
    self as rules, DeadlineInput, Decision, FigureDiff, Figures, ReviewInput, Sections,
    SectionsInput, Standing,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::district::{self, District};
use zhiyun_domain::kpi::{Indicator, KpiQueryInput};
use zhiyun_domain::policy;
use zhiyun_store::bureau_reports::{NewSubmission, PackageFile};

use crate::kpis::{self, KpiReport};
use crate::{Ctx, Error, Principal, Result};

pub mod statistics;
pub mod work_report;

pub use zhiyun_store::bureau_reports::{Activity, EventLine, PackageRecord};

/// A generated or stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The kinds of file in a package, in order, with their Chinese names.
pub const FILE_KINDS: [(&str, &str); 3] = [
    ("work_report", "年度工作报告"),
    ("statistics", "数据统计报表"),
    ("survey_report", "满意度调查报告"),
];

/// The Chinese name of a file kind.
pub fn file_label(kind: &str) -> &'static str {
    FILE_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("附件", |(_, l)| l)
}

/// The district asked for (`district`), or the caller's own; `unknown_district` for a code that
/// is not a current district, 403 when neither is given and the caller has none.
pub fn district_for(user: &Principal, district: Option<&str>) -> Result<&'static District> {
    let code = match district.map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => c.to_string(),
        None => user.district_code.clone().ok_or_else(Error::forbidden)?,
    };
    district::current_by_code(&code).ok_or_else(|| {
        Error::field(
            "district",
            Code::UnknownDistrict,
            format!("区划代码“{code}”不是上海市现行的区"),
        )
    })
}

fn check_year(year: i32) -> Result<i32> {
    rules::check_year("year", year).map_err(|e| Error::invalid(vec![e]))
}

fn may_read(user: &Principal, d: &District) -> Result<()> {
    if policy::can_read_bureau_report(&user.actor(), d.code) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

fn may_submit(user: &Principal, d: &District) -> Result<()> {
    if policy::can_submit_bureau_report(&user.actor(), d.code) {
        Ok(())
    } else {
        Err(Error::forbidden_because(
            "只有本区集聚区运营单位可以填写和报送年度材料",
        ))
    }
}

fn state_error(code: Code) -> Error {
    let message = match code {
        Code::PackageSubmitted => "该年度材料已报送，等待市局审核；退回后方可修改并重新报送",
        Code::PackageAccepted => "该年度材料已通过审核，不能再修改",
        _ => "该年度材料尚未报送或已退回，无可审核的材料",
    };
    Error::conflict(code, message)
}

/// The KPI figures a year's package reports (the period of `rules::report_period`).
pub async fn figures(ctx: &Ctx, user: &Principal, d: &District, year: i32) -> Result<KpiReport> {
    let (from, to) = rules::report_period(year);
    kpis::report(
        ctx,
        user,
        &KpiQueryInput {
            district: Some(d.code.to_string()),
            from: Some(from.to_string()),
            to: Some(to.to_string()),
        },
    )
    .await
}

/// The figures of a report by indicator and year.
pub fn figures_of(r: &KpiReport) -> Figures {
    let mut out = Figures::new();
    for i in &r.indicators {
        for (y, v) in &i.values {
            out.insert((i.indicator, *y), *v);
        }
    }
    out
}

/// The figures of a snapshot as stored (a `KpiReport` as JSON).
pub fn figures_of_snapshot(json: &str) -> Figures {
    let mut out = Figures::new();
    let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else {
        return out;
    };
    for i in v["indicators"].as_array().into_iter().flatten() {
        let Some(k) = i["indicator"].as_str().and_then(Indicator::parse) else {
            continue;
        };
        for (y, n) in i["values"].as_object().into_iter().flatten() {
            if let (Ok(y), Some(n)) = (y.parse::<i32>(), n.as_u64()) {
                out.insert((k, y), u128::from(n));
            }
        }
    }
    out
}

/// A district's year as its operator's page shows it.
#[derive(Debug, Clone)]
pub struct YearView {
    pub district: &'static District,
    pub year: i32,
    pub deadline: Option<NaiveDate>,
    pub sections: Sections,
    pub package: Option<PackageRecord>,
    pub standing: Standing,
    /// The caller may write the sections and submit now.
    pub may_submit: bool,
    /// The municipal bureau may accept or return now.
    pub may_review: bool,
}

/// A district's year: sections, deadline, package and its standing.
pub async fn year_view(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<YearView> {
    let d = district_for(user, district)?;
    let year = check_year(year)?;
    may_read(user, d)?;
    let deadline = ctx.db.bureau_deadline(year).await?;
    let sections = ctx.db.bureau_sections(d.code, year).await?;
    let package = ctx.db.bureau_package(d.code, year).await?;
    let status = package.as_ref().map(|p| p.status);
    let standing = rules::standing(
        package.as_ref().map(|p| (p.status, p.late)),
        deadline,
        ctx.clock.today(),
    );
    let actor = user.actor();
    Ok(YearView {
        district: d,
        year,
        deadline,
        sections,
        may_submit: policy::can_submit_bureau_report(&actor, d.code)
            && rules::check_submit(status).is_ok(),
        may_review: policy::can_review_bureau_report(&actor) && rules::check_review(status).is_ok(),
        package,
        standing,
    })
}

/// Save the operator's sections (while the package is not waiting for the bureau or accepted).
pub async fn save_sections(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
    input: &SectionsInput,
) -> Result<Sections> {
    let d = district_for(user, district)?;
    let year = check_year(year)?;
    may_submit(user, d)?;
    let s = rules::check_sections(input)?;
    let status = ctx.db.bureau_package(d.code, year).await?.map(|p| p.status);
    rules::check_submit(status).map_err(state_error)?;
    ctx.db
        .bureau_sections_put(d.code, year, &s, ctx.clock.now(), &user.who())
        .await?;
    Ok(s)
}

/// The district's survey report of the year, if it ran a district survey: the one with the
/// most responses (an event's rating survey only when there is no other).
async fn survey_report(
    ctx: &Ctx,
    user: &Principal,
    d: &District,
    year: i32,
) -> Result<Option<ReportFile>> {
    let list = ctx
        .db
        .survey_list(&zhiyun_store::surveys::SurveyFilter {
            year: Some(year),
            district: Some(Some(d.code.to_string())),
            event_id: None,
            limit: 100,
        })
        .await?;
    let best = list
        .iter()
        .max_by_key(|s| (s.event_id.is_none(), s.responses, std::cmp::Reverse(s.id)));
    match best {
        Some(s) => {
            let f = crate::surveys::report_docx(ctx, user, s.id).await?;
            Ok(Some(ReportFile {
                filename: f.filename,
                bytes: f.bytes,
            }))
        }
        None => Ok(None),
    }
}

/// Submit the year's package: the work report and the statistics report as drafted now, the
/// survey report (when the district ran a survey that year), and the KPI figures frozen. 409
/// `package_submitted` while the bureau has it, `package_accepted` once accepted; 422 `required`
/// for a section not written.
pub async fn submit(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<PackageRecord> {
    let d = district_for(user, district)?;
    let year = check_year(year)?;
    may_submit(user, d)?;
    let status = ctx.db.bureau_package(d.code, year).await?.map(|p| p.status);
    rules::check_submit(status).map_err(state_error)?;
    let sections = ctx.db.bureau_sections(d.code, year).await?;
    rules::check_complete(&sections)?;
    let report = figures(ctx, user, d, year).await?;
    let snapshot = serde_json::to_string(&report).map_err(Error::internal)?;
    let work = work_report::build(ctx, user, d, year, &report, &sections).await?;
    let stats = statistics::build(ctx, user, d, year, &report).await?;
    let mut files = vec![
        PackageFile {
            kind: "work_report".into(),
            filename: work.filename,
            bytes: work.bytes,
        },
        PackageFile {
            kind: "statistics".into(),
            filename: stats.filename,
            bytes: stats.bytes,
        },
    ];
    if let Some(s) = survey_report(ctx, user, d, year).await? {
        files.push(PackageFile {
            kind: "survey_report".into(),
            filename: s.filename,
            bytes: s.bytes,
        });
    }
    let deadline = ctx.db.bureau_deadline(year).await?;
    let record = ctx
        .db
        .bureau_submit(
            &NewSubmission {
                district_code: d.code,
                year,
                late: rules::is_late(ctx.clock.today(), deadline),
                at: ctx.clock.now(),
                snapshot_json: &snapshot,
                files: &files,
            },
            &user.who(),
        )
        .await?;
    Ok(record)
}

/// One district's line in the bureau's list.
#[derive(Debug, Clone)]
pub struct DistrictLine {
    pub district: &'static District,
    pub standing: Standing,
    pub package: Option<PackageRecord>,
}

/// Every district's package of a year, for the municipal bureau.
#[derive(Debug, Clone)]
pub struct YearList {
    pub year: i32,
    pub deadline: Option<NaiveDate>,
    pub lines: Vec<DistrictLine>,
    /// How many stand at each standing, in `Standing::ALL` order.
    pub counts: Vec<(Standing, usize)>,
}

/// The bureau's list of a year: all 16 districts, submitted / late / missing.
pub async fn submissions(ctx: &Ctx, user: &Principal, year: i32) -> Result<YearList> {
    let year = check_year(year)?;
    if !policy::can_list_bureau_reports(&user.actor()) {
        return Err(Error::forbidden());
    }
    let deadline = ctx.db.bureau_deadline(year).await?;
    let mut packages: BTreeMap<&str, PackageRecord> = ctx
        .db
        .bureau_packages(year)
        .await?
        .into_iter()
        .map(|p| (p.district_code, p))
        .collect();
    let today = ctx.clock.today();
    let lines: Vec<DistrictLine> = district::all()
        .map(|d| {
            let package = packages.remove(d.code);
            DistrictLine {
                district: d,
                standing: rules::standing(
                    package.as_ref().map(|p| (p.status, p.late)),
                    deadline,
                    today,
                ),
                package,
            }
        })
        .collect();
    let counts = Standing::ALL
        .iter()
        .map(|s| (*s, lines.iter().filter(|l| l.standing == *s).count()))
        .collect();
    Ok(YearList {
        year,
        deadline,
        lines,
        counts,
    })
}

/// The municipal bureau accepts a submitted package or returns it with comments.
pub async fn review(
    ctx: &Ctx,
    user: &Principal,
    district: &str,
    year: i32,
    decision: Decision,
    input: &ReviewInput,
) -> Result<PackageRecord> {
    let d = district_for(user, Some(district))?;
    let year = check_year(year)?;
    if !policy::can_review_bureau_report(&user.actor()) {
        return Err(Error::forbidden_because(
            "只有市知识产权局可以审核年度报送材料",
        ));
    }
    let comment = rules::check_review_comment(decision, input)?;
    let package = ctx.db.bureau_package(d.code, year).await?;
    rules::check_review(package.as_ref().map(|p| p.status)).map_err(state_error)?;
    let Some(package) = package else {
        return Err(state_error(Code::PackageNotSubmitted));
    };
    ctx.db
        .bureau_review(
            package.id,
            decision.status(),
            comment.as_deref(),
            ctx.clock.now(),
            &user.who(),
        )
        .await?;
    ctx.db
        .bureau_package(d.code, year)
        .await?
        .ok_or_else(Error::not_found)
}

/// The municipal bureau sets (or moves) the deadline of a year's packages.
pub async fn set_deadline(
    ctx: &Ctx,
    user: &Principal,
    year: i32,
    input: &DeadlineInput,
) -> Result<NaiveDate> {
    let year = check_year(year)?;
    if !policy::can_review_bureau_report(&user.actor()) {
        return Err(Error::forbidden_because(
            "只有市知识产权局可以设定报送截止日期",
        ));
    }
    let due = rules::check_deadline(year, input)?;
    ctx.db
        .bureau_deadline_set(year, due, ctx.clock.now(), &user.who())
        .await?;
    Ok(due)
}

/// The deadline of a year (anyone who reads a district's package may see it).
pub async fn deadline(ctx: &Ctx, year: i32) -> Result<Option<NaiveDate>> {
    let year = check_year(year)?;
    Ok(ctx.db.bureau_deadline(year).await?)
}

/// A file of a submitted package, as sent.
pub async fn package_file(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
    kind: &str,
) -> Result<ReportFile> {
    let d = district_for(user, district)?;
    let year = check_year(year)?;
    may_read(user, d)?;
    let package = ctx
        .db
        .bureau_package(d.code, year)
        .await?
        .ok_or_else(Error::not_found)?;
    let f = ctx.db.bureau_package_file(package.id, kind).await?;
    Ok(ReportFile {
        filename: f.filename,
        bytes: f.bytes,
    })
}

/// The figures that changed since the package was submitted (`None`: nothing submitted).
pub async fn differences(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<Option<Vec<FigureDiff>>> {
    let d = district_for(user, district)?;
    let year = check_year(year)?;
    may_read(user, d)?;
    let Some(package) = ctx.db.bureau_package(d.code, year).await? else {
        return Ok(None);
    };
    let frozen = figures_of_snapshot(&package.snapshot_json);
    let now = figures_of(&figures(ctx, user, d, year).await?);
    Ok(Some(rules::diff(&frozen, &now)))
}

/// The statistics report drafted now from the records.
pub async fn statistics_xlsx(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<ReportFile> {
    let d = district_for(user, district)?;
    let year = check_year(year)?;
    may_read(user, d)?;
    let report = figures(ctx, user, d, year).await?;
    statistics::build(ctx, user, d, year, &report).await
}

/// The work report drafted now from the records, with the operator's sections as saved.
pub async fn work_report_docx(
    ctx: &Ctx,
    user: &Principal,
    district: Option<&str>,
    year: i32,
) -> Result<ReportFile> {
    let d = district_for(user, district)?;
    let year = check_year(year)?;
    may_read(user, d)?;
    let report = figures(ctx, user, d, year).await?;
    let sections = ctx.db.bureau_sections(d.code, year).await?;
    work_report::build(ctx, user, d, year, &report, &sections).await
}

/// The unix-second bounds of a Beijing calendar year: [1 January, next 1 January).
pub(crate) fn year_bounds(year: i32) -> (i64, i64) {
    let day = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    (
        zhiyun_domain::time::start_of_day(day(year)),
        zhiyun_domain::time::start_of_day(day(year + 1)),
    )
}

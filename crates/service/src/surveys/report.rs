//! The yearly survey report (满意度调查报告) as DOCX: the survey's results by the top-two method
//! (K6), its free-text themes, and last year's survey of the same district to compare with.

use zhiyun_domain::survey::{Method, ResponseWindow};
use zhiyun_domain::time::fmt_time;
use zhiyun_reports::{PreviousYear, SurveyReportDoc, ThemeLine, survey_report_docx};

use super::results::{compute, themes_of};
use super::{previous_year, readable, window};
use crate::{Ctx, Error, Principal, Result};

/// A generated document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The report of a survey, for its owner and the overseers of its district.
pub async fn report_docx(ctx: &Ctx, user: &Principal, survey_id: i64) -> Result<ReportFile> {
    let s = readable(ctx, user, survey_id).await?;
    let responses = ctx.db.survey_responses(survey_id).await?;
    let result = compute(&s, &responses, Method::TopTwo);
    let count = |via| responses.iter().filter(|r| r.via == via).count() as u64;
    let previous = previous_year(ctx, &s).await?;
    let previous_result = match &previous {
        Some(p) => Some(compute(
            p,
            &ctx.db.survey_responses(p.id).await?,
            Method::TopTwo,
        )),
        None => None,
    };
    let event = match s.event_id {
        Some(id) => Some(ctx.db.event_get(id).await?.title),
        None => None,
    };
    let period = match (s.opens_on, s.closes_on) {
        (Some(o), Some(c)) => format!("{o} 至 {c}"),
        (Some(o), None) => format!("{o} 起"),
        (None, Some(c)) => format!("截至 {c}"),
        (None, None) => format!("{} 年度（未设定起止日期）", s.year),
    };
    let period = if window(ctx, &s) == ResponseWindow::Open {
        format!("{period}，调查仍在进行，本报告为截至生成时的结果")
    } else {
        period
    };
    let doc = SurveyReportDoc {
        title: s.title.clone(),
        year: s.year,
        district: s.district_name().to_string(),
        organiser: s.owner_name.clone(),
        audience: s.audience.label().to_string(),
        event,
        period,
        result: &result,
        invited_platform: s.invitations,
        invited_outside: s.invited_stated.unwrap_or(0),
        by_invitation: count(zhiyun_store::surveys::Via::Invitation),
        by_link: count(zhiyun_store::surveys::Via::Link),
        named: responses.iter().filter(|r| r.org_name.is_some()).count() as u64,
        themes: themes_of(&result)
            .into_iter()
            .map(|t| ThemeLine {
                word: t.word,
                answers: t.answers,
                examples: t.examples,
            })
            .collect(),
        previous: previous
            .as_ref()
            .zip(previous_result.as_ref())
            .map(|(p, r)| PreviousYear {
                title: p.title.clone(),
                year: p.year,
                result: r,
            }),
        generated_at: fmt_time(ctx.clock.now()),
    };
    let bytes = survey_report_docx(&doc).map_err(Error::internal)?;
    Ok(ReportFile {
        filename: format!("{}报告.docx", s.title.trim_end_matches("报告")),
        bytes,
    })
}

//! The exports: one application's 申报书 as DOCX (with its checks, reviews and documents), and a
//! round's submitted applications side by side as XLSX (the bureaus' 申报汇总表).

use zhiyun_domain::application::AppStatus;
use zhiyun_domain::code::Code;
use zhiyun_domain::policy;
use zhiyun_domain::time::fmt_time;

use super::{AttachmentRecord, ListApplications, ReviewRecord, judge, judged, list, load_for};
use crate::{Ctx, Error, Kind, Principal, Result};

/// A generated file.
#[derive(Debug, Clone)]
pub struct Download {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A review as one line, e.g. `2021-06-01 10:00 张三（上海市知识产权局）：A3 符合 — 意见`.
pub fn review_line(r: &ReviewRecord) -> String {
    format!(
        "{} {}（{}）：{} — {}",
        fmt_time(r.at),
        r.username,
        r.org_name,
        r.action.label(),
        r.comment
    )
}

/// A document as one line, e.g. `信用报告.pdf（信用报告，120 KB）`.
pub fn attachment_line(a: &AttachmentRecord) -> String {
    format!(
        "{}（{}，{} KB）",
        a.filename,
        a.part.label(),
        (a.size + 1023) / 1024
    )
}

async fn org_name(ctx: &Ctx, id: i64) -> String {
    ctx.db.org_get(id).await.map(|o| o.name).unwrap_or_default()
}

fn failed(what: &str, e: impl std::fmt::Display) -> Error {
    tracing::error!(error = %e, "{what}");
    Error::new(Kind::Internal, Code::Internal, what)
}

/// The 申报书 of application `id` as DOCX, for whoever may read it.
pub async fn docx(ctx: &Ctx, user: &Principal, id: i64) -> Result<Download> {
    let r = load_for(ctx, user, id).await?;
    let reviews = ctx.db.review_list(id).await?;
    let verdict = judge(ctx, &r, &reviews).await?;
    let attachments = ctx.db.attachment_list(id).await?;
    let doc = zhiyun_reports::ApplicationDoc {
        id: r.id,
        round_year: r.round_year,
        status: r.status.label().to_string(),
        operator: org_name(ctx, r.operator_org_id).await,
        submitted_at: r.submitted_at.map(fmt_time).unwrap_or_default(),
        generated_at: fmt_time(ctx.clock.now()),
        app: &r.app,
        verdict: &verdict,
        reviews: reviews.iter().map(review_line).collect(),
        attachments: attachments.iter().map(attachment_line).collect(),
    };
    let bytes = zhiyun_reports::application_docx(&doc).map_err(|e| failed("生成申报书失败", e))?;
    Ok(Download {
        filename: format!(
            "申报书-{}-{}.docx",
            r.round_year,
            r.park_name.as_deref().unwrap_or("未命名")
        ),
        bytes,
    })
}

/// Every submitted application of round `year` the caller may read, side by side, as XLSX (the
/// municipal bureau gets all; a district bureau its district's). Drafts never appear.
pub async fn round_xlsx(ctx: &Ctx, user: &Principal, year: i32) -> Result<Download> {
    if !policy::can_compare_applications(&user.actor()) {
        return Err(Error::forbidden());
    }
    let mut rows = Vec::new();
    for r in list(
        ctx,
        user,
        ListApplications {
            round_year: Some(year),
        },
    )
    .await?
    {
        if r.status == AppStatus::Draft {
            continue;
        }
        let j = judged(ctx, r).await?;
        let r = j.record;
        rows.push(zhiyun_reports::RoundRow {
            id: r.id,
            park_name: r.park_name.clone().unwrap_or_default(),
            district: r
                .app
                .park
                .district
                .map(|d| d.name.to_string())
                .unwrap_or_default(),
            operator: org_name(ctx, r.operator_org_id).await,
            status: r.status.label().to_string(),
            submitted_at: r.submitted_at.map(fmt_time).unwrap_or_default(),
            verdict: j.verdict,
        });
    }
    let bytes = zhiyun_reports::round_xlsx(year, &rows).map_err(|e| failed("生成汇总表失败", e))?;
    Ok(Download {
        filename: format!("{year}年度集聚区申报汇总表.xlsx"),
        bytes,
    })
}

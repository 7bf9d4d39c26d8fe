//! Bulk import of supply and demand listings (T1) from XLSX or CSV: the one procedure behind the
//! upload page, `POST /api/v1/listings/import` and `zhiyun import`. A dry run reports every bad
//! cell and every duplicate and writes nothing; then all-or-nothing or valid-rows-only. What is
//! written is indexed before the import returns.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{ListingKind, ListingStatus};
use zhiyun_domain::org::Role;
use zhiyun_domain::policy::{self, Actor};
use zhiyun_reports::listing_import::{self, COL_OWNER_USCC, COL_PATENTS, COL_TITLE};
use zhiyun_store::Who;
use zhiyun_store::listings::{ImportWrite, NewListing};

use zhiyun_domain::registration::Approval;

use crate::{Ctx, Error, Kind, Principal, Result};

/// Who imports: their permissions and their name in the audit log.
#[derive(Debug, Clone)]
pub struct Importer {
    pub actor: Actor,
    pub who: Who,
    /// The importer's organisation's registration (issue 18): a pending one imports drafts only.
    pub approval: Approval,
}

impl Importer {
    /// The command line acts as a platform administrator: every row must name its organisation.
    pub fn cli() -> Importer {
        Importer {
            actor: Actor {
                user_id: 0,
                org_id: 0,
                role: Role::Municipal,
                district: None,
                admin: true,
            },
            who: Who::cli(),
            approval: Approval::Approved,
        }
    }

    /// A logged-in user.
    pub fn of(user: &Principal) -> Importer {
        Importer {
            actor: user.actor(),
            who: user.who(),
            approval: user.org_approval,
        }
    }

    /// The command line acting as the user `username` (`zhiyun import --as`): not found without
    /// such a user, forbidden when the account is disabled.
    pub async fn by_username(ctx: &Ctx, username: &str) -> Result<Importer> {
        let u = ctx
            .db
            .user_by_username(username)
            .await?
            .ok_or_else(Error::not_found)?;
        let p = ctx
            .db
            .principal(u.id)
            .await?
            .ok_or_else(|| Error::forbidden_because("该账号已停用"))?;
        Ok(Importer {
            actor: p.actor(),
            who: Who::user(p.id, &format!("{}（命令行）", p.username)),
            approval: p.org_approval,
        })
    }
}

/// One problem with one cell (or one row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportIssue {
    /// Spreadsheet row number (the header is row 1 in the template).
    pub row: usize,
    /// Chinese column name, e.g. 关联专利申请号.
    pub column: String,
    pub code: Code,
    /// Chinese: the column, the value and the reason.
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// demand | supply
    pub kind: String,
    /// dry_run | all_or_nothing | valid_rows_only
    pub mode: String,
    /// The status imported rows get: draft | submitted | published.
    pub status: String,
    /// Data rows in the file (blank rows not counted).
    pub total_rows: usize,
    /// Rows without any issue, duplicates included.
    pub valid_rows: usize,
    /// Rows written (0 for a dry run or a refused all-or-nothing import).
    pub imported: usize,
    /// Whether anything was written.
    pub written: bool,
    /// Every issue, by row.
    pub issues: Vec<ImportIssue>,
    /// Ids of the listings written, in row order.
    pub ids: Vec<i64>,
}

/// Where an import is, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// 读取文件 | 核对机构 | 查重 | 写入
    pub phase: &'static str,
    pub done: usize,
    pub total: usize,
}

pub type ProgressFn = dyn Fn(Progress) + Send + Sync;

pub fn mode_slug(w: ImportWrite) -> &'static str {
    match w {
        ImportWrite::DryRun => "dry_run",
        ImportWrite::AllOrNothing => "all_or_nothing",
        ImportWrite::ValidRowsOnly => "valid_rows_only",
    }
}

pub fn parse_mode(s: &str) -> Option<ImportWrite> {
    match s.trim() {
        "dry_run" => Some(ImportWrite::DryRun),
        "all_or_nothing" => Some(ImportWrite::AllOrNothing),
        "valid_rows_only" => Some(ImportWrite::ValidRowsOnly),
        _ => None,
    }
}

/// A file to import.
#[derive(Debug, Clone)]
pub struct ImportFile {
    pub kind: ListingKind,
    /// Its extension (`.xlsx` or `.csv`) decides the format.
    pub filename: String,
    pub bytes: Arc<Vec<u8>>,
    pub write: ImportWrite,
    /// The status the imported rows get.
    pub status: ListingStatus,
}

/// Read, check and (as `file.write` says) store a listings file, then index what was written.
/// A file that cannot be read as a listings table at all is invalid (its code says why); an
/// importer who may not give rows `file.status` is forbidden (`forbidden_status`).
pub async fn import(
    ctx: &Ctx,
    importer: &Importer,
    file: ImportFile,
    progress: &ProgressFn,
) -> Result<ImportReport> {
    let (report, change) = check_and_write(ctx, importer, file, progress).await?;
    super::index::index_ids(ctx, &report.ids, change).await;
    Ok(report)
}

/// [`import`] for a process that does not hold the search index (`zhiyun import` while `zhiyun
/// serve` runs): the rows are written but not indexed here; every index takes them in with its
/// catch-up every few seconds (`index::catch_up`).
pub async fn import_unindexed(
    ctx: &Ctx,
    importer: &Importer,
    file: ImportFile,
    progress: &ProgressFn,
) -> Result<ImportReport> {
    Ok(check_and_write(ctx, importer, file, progress).await?.0)
}

/// The report, and the change that wrote its rows.
async fn check_and_write(
    ctx: &Ctx,
    importer: &Importer,
    file: ImportFile,
    progress: &ProgressFn,
) -> Result<(ImportReport, i64)> {
    let ImportFile {
        kind,
        filename,
        bytes,
        write,
        status,
    } = file;
    // The upload pages refuse these before keeping the file; the API and the command line too
    // (found by the refusal matrix, issue 19: a bank's file was read and every row refused).
    if !policy::can_import_listings(&importer.actor, kind) {
        return Err(Error::forbidden());
    }
    if !policy::can_import_as(&importer.actor, status) {
        return Err(Error::new(
            Kind::Forbidden,
            Code::ForbiddenStatus,
            format!("您不能将导入的条目直接设为“{}”", status.label()),
        ));
    }
    if status != ListingStatus::Draft
        && let Some(why) = policy::not_approved_reason(importer.approval)
    {
        return Err(Error::forbidden_because(why));
    }
    progress(Progress {
        phase: "读取文件",
        done: 0,
        total: 0,
    });
    let today = ctx.clock.today();
    let parsed = tokio::task::spawn_blocking(move || {
        listing_import::parse_listings(kind, &filename, &bytes, today)
    })
    .await
    .map_err(Error::internal)?
    .map_err(|e| Error::new(Kind::Invalid, e.code(), e.to_string()))?;
    let total = parsed.len();
    let mut report = ImportReport {
        kind: kind.slug().into(),
        mode: mode_slug(write).into(),
        status: status.slug().into(),
        total_rows: total,
        ..Default::default()
    };
    let mut issues: Vec<ImportIssue> = parsed
        .iter()
        .flat_map(|r| &r.issues)
        .map(|i| ImportIssue {
            row: i.row,
            column: i.column.clone(),
            code: i.code,
            message: i.message.clone(),
        })
        .collect();

    // Owners: by the row's USCC, else the importer's own organisation.
    let mut owners: HashMap<String, Option<(i64, Role, String)>> = HashMap::new();
    let mut items: Vec<NewListing<'_>> = Vec::with_capacity(total);
    for (i, r) in parsed.iter().enumerate() {
        if i % 1000 == 0 {
            progress(Progress {
                phase: "核对机构",
                done: i,
                total,
            });
        }
        let Some(listing) = &r.listing else { continue };
        let owner = match &r.owner_uscc {
            Some(uscc) => {
                if !owners.contains_key(uscc) {
                    let found = ctx
                        .db
                        .org_by_uscc(uscc)
                        .await?
                        .map(|o| (o.id, o.kind.role(), o.name));
                    owners.insert(uscc.clone(), found);
                }
                match &owners[uscc] {
                    Some(o) => Some(o.clone()),
                    None => {
                        issues.push(ImportIssue {
                            row: r.row,
                            column: COL_OWNER_USCC.into(),
                            code: Code::UnknownOrg,
                            message: format!(
                                "{COL_OWNER_USCC}“{uscc}”：该机构未在平台机构名录中登记，请先登记机构"
                            ),
                        });
                        None
                    }
                }
            }
            None if importer.actor.org_id > 0 && !importer.actor.admin => {
                Some((importer.actor.org_id, importer.actor.role, String::new()))
            }
            None => {
                issues.push(ImportIssue {
                    row: r.row,
                    column: COL_OWNER_USCC.into(),
                    code: Code::Required,
                    message: format!("{COL_OWNER_USCC}：代机构导入时必须填写发布机构的信用代码"),
                });
                None
            }
        };
        let Some((org_id, role, org_name)) = owner else {
            continue;
        };
        if !policy::can_import_listing(&importer.actor, org_id, role, kind, listing.district_code) {
            let who = if org_name.is_empty() {
                "本机构".to_string()
            } else {
                format!("“{org_name}”")
            };
            issues.push(ImportIssue {
                row: r.row,
                column: COL_OWNER_USCC.into(),
                code: Code::ForbiddenOwner,
                message: format!(
                    "无权为{who}导入该{}：企业和高校只能导入本机构的条目（技术需求限企业），运营机构只能代录本区的条目",
                    kind.label()
                ),
            });
            continue;
        }
        items.push(NewListing {
            row: r.row,
            owner_org_id: org_id,
            listing,
        });
    }

    // All-or-nothing with bad rows already: still look for duplicates, but write nothing.
    let store_write = if write == ImportWrite::AllOrNothing && !issues.is_empty() {
        ImportWrite::DryRun
    } else {
        write
    };
    let n = items.len();
    let outcome = ctx
        .db
        .listing_import(
            &items,
            status,
            store_write,
            ctx.clock.now(),
            &importer.who,
            &|done| {
                let (phase, done) = if done <= n {
                    ("查重", done)
                } else {
                    ("写入", done - n)
                };
                progress(Progress {
                    phase,
                    done,
                    total: n,
                })
            },
        )
        .await?;
    for c in &outcome.conflicts {
        issues.push(ImportIssue {
            row: c.row,
            column: if c.field == "patents" {
                COL_PATENTS
            } else {
                COL_TITLE
            }
            .into(),
            code: c.code,
            message: c.message.clone(),
        });
    }
    issues.sort_by_key(|i| i.row);
    let mut bad_rows: Vec<usize> = issues.iter().map(|i| i.row).collect();
    bad_rows.dedup();
    report.valid_rows = total - bad_rows.len();
    report.imported = outcome.created.len();
    report.written = outcome.written;
    report.ids = outcome.created.iter().map(|c| c.1).collect();
    report.issues = issues;
    Ok((report, outcome.change_seq))
}

/// The downloadable template of a kind's import file (XLSX, headers and an example row).
pub fn template_xlsx(kind: ListingKind) -> Result<Vec<u8>> {
    listing_import::listing_template_xlsx(kind).map_err(Error::internal)
}

/// An import's issues as a CSV that Excel on Chinese Windows opens (UTF-8 with BOM).
pub fn issues_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    zhiyun_reports::sheet::csv_for_excel(header, rows)
}

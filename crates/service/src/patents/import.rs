//! Bulk import of a patent portfolio from XLSX or CSV (issue 11), the one procedure behind
//! `POST /api/v1/patents/import`, the upload page and `zhiyun import patents`: the file is read and
//! every row checked by the patent rule (`zhiyun_reports::patent_import`), owners resolved by
//! USCC and checked against the policy row by row, numbers compared with the register; then, as
//! the mode says, nothing is written (dry run), all rows or none, or the valid rows only — in one
//! transaction either way, so nothing is ever half-written.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::org::Role;
use zhiyun_domain::policy::{self, Actor};
use zhiyun_reports::patent_import::{self, COL_CO_OWNERS, COL_NUMBER, COL_OWNER_USCC, PatentRow};
/// The form's text of overseas members and awards, read and written the way the import file does.
pub use zhiyun_reports::patent_import::{awards_text, overseas_text, parse_awards, parse_overseas};
use zhiyun_store::Who;
pub use zhiyun_store::listings::ImportWrite;
use zhiyun_store::patents::{NewPatent, OrgBrief, PatentWrite};

use super::{profile, scope};
use crate::{Ctx, Error, Kind, Principal, Result};

/// Who imports: their permissions, their name in the audit log, and the organisation rows
/// without an owner belong to.
#[derive(Debug, Clone)]
pub struct Importer {
    pub actor: Actor,
    pub who: Who,
    /// Rows that leave the owner blank belong to it (an enterprise's or university's own users).
    pub own_org_id: Option<i64>,
}

impl Importer {
    pub fn of(user: &Principal) -> Importer {
        Importer {
            actor: user.actor(),
            who: user.who(),
            own_org_id: (!user.is_admin).then_some(user.org_id),
        }
    }

    /// The command line without `--as`: a platform administrator; every row names its owner.
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
            own_org_id: None,
        }
    }
}

/// `dry_run` | `all_or_nothing` | `valid_rows_only`.
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

/// One problem with one cell (or one row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportIssue {
    /// Spreadsheet row number (the header is row 1 in the template).
    pub row: usize,
    /// Chinese column name, e.g. 专利申请号.
    pub column: String,
    pub code: Code,
    /// Chinese: the column, the value and the reason.
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// dry_run | all_or_nothing | valid_rows_only
    pub mode: &'static str,
    /// Data rows in the file (blank rows not counted).
    pub total_rows: usize,
    /// Rows without any issue.
    pub valid_rows: usize,
    /// Rows written (0 for a dry run or a refused all-or-nothing import).
    pub imported: usize,
    pub written: bool,
    /// Every issue, by row.
    pub issues: Vec<ImportIssue>,
    /// Ids of the patents written, in row order.
    pub ids: Vec<i64>,
}

/// Where an import is, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// 读取文件 | 核对权利人 | 校验 | 查重 | 写入
    pub phase: &'static str,
    pub done: usize,
    pub total: usize,
}

pub type ProgressFn = dyn Fn(Progress) + Send + Sync;

/// Read, check and (as `write` says) store a patents file. A file that cannot be read as a
/// patents table at all is 422 with its code (`missing_columns`, `unreadable`, `empty`,
/// `too_many_rows`, `unsupported_type`); otherwise the report lists every issue.
pub async fn import(
    ctx: &Ctx,
    importer: &Importer,
    filename: &str,
    bytes: Arc<Vec<u8>>,
    write: ImportWrite,
    progress: &ProgressFn,
) -> Result<ImportReport> {
    if !policy::can_import_patents(&importer.actor) {
        return Err(Error::forbidden());
    }
    progress(Progress {
        phase: "读取文件",
        done: 0,
        total: 0,
    });
    let name = filename.to_string();
    let mut rows = tokio::task::spawn_blocking(move || patent_import::read_patents(&name, &bytes))
        .await
        .map_err(Error::internal)?
        .map_err(|e| Error::new(Kind::Invalid, e.code(), e.to_string()))?;
    let total = rows.len();

    // Owners by USCC, once each; blank: the importer's own organisation.
    progress(Progress {
        phase: "核对权利人",
        done: 0,
        total,
    });
    let usccs: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.owner_uscc.iter().chain(&r.co_owner_usccs))
        .map(String::as_str)
        .collect();
    let usccs: Vec<&str> = usccs.into_iter().collect();
    let by_uscc = ctx.db.orgs_by_usccs(&usccs).await?;
    let own: Option<OrgBrief> = match importer.own_org_id {
        Some(id) => ctx.db.org_briefs(&[id]).await?.remove(&id),
        None => None,
    };
    for r in &mut rows {
        resolve(r, importer, &by_uscc, own.as_ref());
    }

    progress(Progress {
        phase: "校验",
        done: 0,
        total,
    });
    let today = ctx.clock.today();
    let rows = tokio::task::spawn_blocking(move || {
        patent_import::check_rows(&mut rows, today);
        rows
    })
    .await
    .map_err(Error::internal)?;
    let mut issues: Vec<ImportIssue> = rows
        .iter()
        .flat_map(|r| &r.issues)
        .map(|i| ImportIssue {
            row: i.row,
            column: i.column.clone(),
            code: i.code,
            message: i.message.clone(),
        })
        .collect();
    let items: Vec<NewPatent<'_>> = rows
        .iter()
        .filter_map(|r| {
            r.patent.as_ref().map(|p| NewPatent {
                row: r.row,
                write: PatentWrite {
                    patent: p,
                    profile: profile(p),
                },
            })
        })
        .collect();

    // All-or-nothing with bad rows already: still compare with the register, write nothing.
    let store_write = if write == ImportWrite::AllOrNothing && !issues.is_empty() {
        ImportWrite::DryRun
    } else {
        write
    };
    let n = items.len();
    let outcome = ctx
        .db
        .patent_import(
            &items,
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
            column: COL_NUMBER.into(),
            code: Code::DuplicatePatent,
            message: format!(
                "{COL_NUMBER}“{}”：该专利已在专利库中登记（第 {} 号），不能重复导入",
                c.number, c.existing_id
            ),
        });
    }
    issues.sort_by_key(|i| i.row);
    let mut bad_rows: Vec<usize> = issues.iter().map(|i| i.row).collect();
    bad_rows.dedup();
    Ok(ImportReport {
        mode: mode_slug(write),
        total_rows: total,
        valid_rows: total - bad_rows.len(),
        imported: outcome.created.len(),
        written: outcome.written,
        issues,
        ids: outcome.created.iter().map(|c| c.1).collect(),
    })
}

/// Fill in a row's owner and co-owners, or note why not (`unknown_org`, `required`,
/// `forbidden_owner`).
fn resolve(
    r: &mut PatentRow,
    importer: &Importer,
    by_uscc: &HashMap<String, OrgBrief>,
    own: Option<&OrgBrief>,
) {
    let owner = match &r.owner_uscc {
        Some(u) => match by_uscc.get(u) {
            Some(o) => Some(o.clone()),
            None => {
                let msg =
                    format!("{COL_OWNER_USCC}“{u}”：该机构未在平台机构名录中登记，请先登记机构");
                r.issue(COL_OWNER_USCC, Code::UnknownOrg, msg);
                None
            }
        },
        None if r.issues.iter().any(|i| i.column == COL_OWNER_USCC) => None,
        None => match own {
            Some(o) => Some(o.clone()),
            None => {
                let msg =
                    format!("{COL_OWNER_USCC}：代机构导入时必须填写专利权人的统一社会信用代码");
                r.issue(COL_OWNER_USCC, Code::Required, msg);
                None
            }
        },
    };
    if let Some(o) = &owner {
        if policy::can_manage_patents(&importer.actor, &scope(o)) {
            r.input.owner_org_id = Some(o.id);
        } else {
            let msg = format!(
                "无权为“{}”导入专利：企业和高校只能导入本机构的专利，集聚区运营方和服务机构只能代录本区企业的专利",
                o.name
            );
            r.issue(COL_OWNER_USCC, Code::ForbiddenOwner, msg);
        }
    }
    let mut co = Vec::with_capacity(r.co_owner_usccs.len());
    for u in r.co_owner_usccs.clone() {
        match by_uscc.get(&u) {
            Some(o) => co.push(o.id),
            None => {
                let msg =
                    format!("{COL_CO_OWNERS}“{u}”：该机构未在平台机构名录中登记，请先登记机构");
                r.issue(COL_CO_OWNERS, Code::UnknownOrg, msg);
            }
        }
    }
    r.input.co_owner_org_ids = co;
}

/// The downloadable template of the patent import file (XLSX).
pub fn template_xlsx() -> Result<Vec<u8>> {
    patent_import::patent_template_xlsx().map_err(Error::internal)
}

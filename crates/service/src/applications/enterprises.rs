//! A park's enterprise list from a spreadsheet (XLSX or CSV): a dry run that keeps the file with
//! the application as evidence and reports every cell's problems, then the import of all rows or
//! of the valid ones only, replacing the list or appended to it.

use zhiyun_domain::application::{OperatorAction, Part, check_input};
use zhiyun_domain::policy;
use zhiyun_reports::enterprise_import::{CellIssue, ImportError};
use zhiyun_store::applications::{AppSave, NewAttachment};

use super::{ApplicationRecord, AttachmentRecord, load_for};
use crate::{Ctx, Error, Kind, Principal, Result};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The application, if the caller may change it now.
async fn editable(ctx: &Ctx, user: &Principal, id: i64) -> Result<ApplicationRecord> {
    let r = load_for(ctx, user, id).await?;
    if !policy::can_edit_application(&user.actor(), &r.scope()) {
        return Err(Error::forbidden());
    }
    r.status.allows(OperatorAction::Edit)?;
    Ok(r)
}

fn unreadable(e: ImportError) -> Error {
    Error::new(Kind::Invalid, e.code(), e.to_string())
}

/// The blank list to fill in.
pub fn template(_user: &Principal) -> Result<Vec<u8>> {
    zhiyun_reports::enterprise_template_xlsx().map_err(Error::internal)
}

/// A spreadsheet for application `id`.
#[derive(Debug, Clone)]
pub struct ImportFile {
    pub id: i64,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What the dry run found.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// The file, kept with the application.
    pub attachment: AttachmentRecord,
    pub total: usize,
    pub valid: usize,
    pub issues: Vec<CellIssue>,
}

/// Dry run: the file is kept as evidence and its report returned; nothing is imported yet. 422
/// (`missing_columns`, `unreadable`, …) when it cannot be read as an enterprise list.
pub async fn preview(ctx: &Ctx, user: &Principal, cmd: ImportFile) -> Result<ImportPreview> {
    let r = editable(ctx, user, cmd.id).await?;
    let parsed =
        zhiyun_reports::parse_enterprise_list(&cmd.filename, &cmd.bytes).map_err(unreadable)?;
    let content_type = if cmd.filename.to_lowercase().ends_with(".csv") {
        "text/csv"
    } else {
        XLSX
    };
    let attachment = ctx
        .db
        .attachment_add(
            r.id,
            NewAttachment {
                part: Part::EnterpriseList,
                filename: &cmd.filename,
                content_type,
                data: &cmd.bytes,
            },
            ctx.clock.now(),
            &user.who(),
        )
        .await?;
    Ok(ImportPreview {
        attachment,
        total: parsed.rows.len(),
        valid: parsed.valid_count(),
        issues: parsed.issues().cloned().collect(),
    })
}

/// Import a file kept by [`preview`].
#[derive(Debug, Clone, Copy)]
pub struct ConfirmImport {
    pub id: i64,
    pub attachment_id: i64,
    /// Only the rows without any problem (else every row, as evidence).
    pub valid_only: bool,
    /// Append to the list (else replace it).
    pub append: bool,
}

pub async fn confirm(ctx: &Ctx, user: &Principal, cmd: ConfirmImport) -> Result<ApplicationRecord> {
    let r = editable(ctx, user, cmd.id).await?;
    let (meta, bytes) = ctx.db.attachment_get(cmd.id, cmd.attachment_id).await?;
    let parsed =
        zhiyun_reports::parse_enterprise_list(&meta.filename, &bytes).map_err(unreadable)?;
    let rows = parsed
        .rows
        .into_iter()
        .filter(|row| !cmd.valid_only || row.issues.is_empty())
        .map(|row| row.input);
    let mut input = r.input;
    if cmd.append {
        input.enterprises.extend(rows);
    } else {
        input.enterprises = rows.collect();
    }
    let app = check_input(&input)?;
    Ok(ctx
        .db
        .application_update(
            cmd.id,
            &AppSave::new(&input, &app),
            ctx.clock.now(),
            &user.who(),
        )
        .await?)
}

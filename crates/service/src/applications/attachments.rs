//! Supporting documents (证明材料): PDF, PNG or JPEG, recognised by their bytes, at most 10 MiB,
//! added by the operator until a decision is made; read by whoever may read the application.

use zhiyun_domain::application::OperatorAction;
use zhiyun_domain::application::attachment::{check_upload, sniff, unsupported};
use zhiyun_domain::policy;
use zhiyun_store::applications::NewAttachment;

use super::{AttachmentRecord, load_for};
use crate::{Ctx, Error, Kind, Principal, Result};

/// A file for application `id`.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    /// `park`, `ip_office`, `partners`, `credit_report`, `enterprise_list` or `other`.
    pub part: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Attach a document: 404/403 for others, 409 `already_decided` once decided, 422 for an
/// unknown part or a bad file name, 415 `unsupported_file_type` unless PDF, PNG or JPEG.
pub async fn upload(ctx: &Ctx, user: &Principal, cmd: Upload) -> Result<AttachmentRecord> {
    let r = load_for(ctx, user, cmd.id).await?;
    if !policy::can_edit_application(&user.actor(), &r.scope()) {
        return Err(Error::forbidden());
    }
    r.status.allows(OperatorAction::Attach)?;
    let (part, filename) =
        check_upload(&cmd.part, &cmd.filename).map_err(|e| Error::invalid(vec![e]))?;
    let Some(content_type) = sniff(&cmd.bytes) else {
        let e = unsupported(&filename);
        return Err(Error::new(Kind::UnsupportedType, e.code, e.message).with_field(e.field));
    };
    Ok(ctx
        .db
        .attachment_add(
            r.id,
            NewAttachment {
                part,
                filename: &filename,
                content_type,
                data: &cmd.bytes,
            },
            ctx.clock.now(),
            &user.who(),
        )
        .await?)
}

/// The documents of an application (without their bytes).
pub async fn list(ctx: &Ctx, user: &Principal, id: i64) -> Result<Vec<AttachmentRecord>> {
    load_for(ctx, user, id).await?;
    Ok(ctx.db.attachment_list(id).await?)
}

/// One document with its bytes.
pub async fn download(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    attachment_id: i64,
) -> Result<(AttachmentRecord, Vec<u8>)> {
    load_for(ctx, user, id).await?;
    Ok(ctx.db.attachment_get(id, attachment_id).await?)
}

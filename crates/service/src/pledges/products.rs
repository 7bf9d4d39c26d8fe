//! Banks' IP pledge-loan products (T5): a bank creates, edits, publishes and withdraws its own;
//! published products are public (enterprises and operators compare them, the public may see
//! them).

use zhiyun_domain::pledge::{ProductInput, check_product};
use zhiyun_domain::policy;
pub use zhiyun_store::pledges::ProductRecord;

use crate::{Ctx, Error, Principal, Result};

/// Create a product of the caller's bank, published at once when `publish`. 403 for anyone but a
/// bank; 422 with every bad field.
pub async fn create(
    ctx: &Ctx,
    user: &Principal,
    input: &ProductInput,
    publish: bool,
) -> Result<ProductRecord> {
    if !policy::can_publish_product(&user.actor()) {
        return Err(Error::forbidden_because(
            "只有银行可以发布知识产权质押融资产品",
        ));
    }
    if publish {
        crate::registrations::require_approved(user)?;
    }
    let p = check_product(input)?;
    Ok(ctx
        .db
        .product_create(&p, user.org_id, publish, &user.who())
        .await?)
}

async fn own(ctx: &Ctx, user: &Principal, id: i64) -> Result<ProductRecord> {
    let r = get(ctx, Some(user), id).await?;
    if !policy::can_edit_product(&user.actor(), r.bank_org_id) {
        return Err(Error::forbidden_because("只有发布该产品的银行可以修改它"));
    }
    Ok(r)
}

/// Replace a product as a whole (its bank only).
pub async fn replace(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    input: &ProductInput,
) -> Result<ProductRecord> {
    own(ctx, user, id).await?;
    let p = check_product(input)?;
    Ok(ctx.db.product_replace(id, &p, &user.who()).await?)
}

/// Publish or withdraw a product (its bank only).
pub async fn set_published(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    published: bool,
) -> Result<ProductRecord> {
    own(ctx, user, id).await?;
    if published {
        crate::registrations::require_approved(user)?;
    }
    Ok(ctx
        .db
        .product_set_published(id, published, &user.who())
        .await?)
}

/// One product: published ones for anyone, drafts for their bank (404 otherwise).
pub async fn get(ctx: &Ctx, user: Option<&Principal>, id: i64) -> Result<ProductRecord> {
    let r = ctx.db.product_get(id).await?;
    let actor = user.map(|u| u.actor());
    if !policy::can_read_product(actor.as_ref(), r.bank_org_id, r.published) {
        return Err(Error::not_found());
    }
    Ok(r)
}

/// Published products (of one bank when `bank` is given), and the caller's own drafts.
pub async fn list(
    ctx: &Ctx,
    user: Option<&Principal>,
    bank: Option<i64>,
) -> Result<Vec<ProductRecord>> {
    let actor = user.map(|u| u.actor());
    Ok(ctx
        .db
        .product_list(bank, false)
        .await?
        .into_iter()
        .filter(|r| policy::can_read_product(actor.as_ref(), r.bank_org_id, r.published))
        .collect())
}

//! High-value patent cultivation (培育; T6): the cluster operator marks patents of its district's
//! organisations with a goal, notes and a target date; the list shows which projects moved, from
//! the platform's own records (overseas filings on the patent, and its engagements: listings
//! today, deals as they arrive).

use zhiyun_domain::patent::cultivation::{
    CultivationProgress, check_cultivation, cultivation_eligible, cultivation_progress,
};
use zhiyun_domain::patent::{CultivationInput, HighValue};
use zhiyun_domain::policy::{self, DistrictView};
use zhiyun_store::patents::PatentRecord;
use zhiyun_store::trademarks::CultivationRecord;

use super::verdict;
use crate::{Ctx, Error, Principal, Result};

/// The district of a patent's owner.
async fn owner_district(ctx: &Ctx, p: &PatentRecord) -> Result<Option<String>> {
    let id = p.patent.owner_org_id;
    Ok(ctx
        .db
        .org_briefs(&[id])
        .await?
        .remove(&id)
        .and_then(|o| o.district_code))
}

/// Mark patent `patent_id` as a cultivation project, or change its goal, notes or target date.
/// The district's operator only (403); a lapsed, expired or invalidated patent is refused (422
/// `not_in_force` on `patent`).
pub async fn mark(
    ctx: &Ctx,
    user: &Principal,
    patent_id: i64,
    input: CultivationInput,
) -> Result<CultivationRecord> {
    let record = ctx.db.patent_get(patent_id).await?;
    let district = owner_district(ctx, &record).await?;
    if !policy::can_mark_cultivation(&user.actor(), district.as_deref()) {
        return Err(Error::forbidden_because(
            "只有专利权人所在区的集聚区运营方可以将专利列为培育项目",
        ));
    }
    let today = ctx.clock.today();
    let c = match (
        check_cultivation(&input, today),
        cultivation_eligible(&record.patent, today),
    ) {
        (Ok(c), Ok(())) => c,
        (Ok(_), Err(e)) => return Err(Error::invalid(vec![e])),
        (Err(errs), Ok(())) => return Err(Error::invalid(errs)),
        (Err(mut errs), Err(e)) => {
            errs.push(e);
            return Err(Error::invalid(errs));
        }
    };
    Ok(ctx
        .db
        .cultivation_set(
            patent_id,
            &c,
            today,
            user.org_id,
            ctx.clock.now(),
            &user.who(),
        )
        .await?)
}

/// End a cultivation project.
pub async fn unmark(ctx: &Ctx, user: &Principal, patent_id: i64) -> Result<()> {
    let record = ctx.db.patent_get(patent_id).await?;
    let district = owner_district(ctx, &record).await?;
    if !policy::can_mark_cultivation(&user.actor(), district.as_deref()) {
        return Err(Error::forbidden());
    }
    Ok(ctx.db.cultivation_remove(patent_id, &user.who()).await?)
}

/// One project with its patent and what moved.
#[derive(Debug, Clone)]
pub struct CultivationItem {
    pub record: CultivationRecord,
    pub patent: PatentRecord,
    pub owner_name: String,
    pub progress: CultivationProgress,
    pub high_value: HighValue,
}

/// The projects of a district: the operator's and district bureau's own, any for the municipal
/// bureau (`None`: all districts). Others are refused.
pub async fn list(
    ctx: &Ctx,
    user: &Principal,
    district: Option<String>,
) -> Result<Vec<CultivationItem>> {
    let district = match (policy::district_view(&user.actor()), district) {
        (DistrictView::All, d) => d,
        (DistrictView::One(own), None) => Some(own),
        (DistrictView::One(own), Some(d)) if own == d => Some(d),
        _ => return Err(Error::forbidden()),
    };
    let records = ctx.db.cultivation_list(district.as_deref()).await?;
    let ids: Vec<i64> = records.iter().map(|r| r.patent_id).collect();
    let patents = ctx.db.patents_by_ids(&ids).await?;
    let numbers: Vec<&str> = patents.iter().map(|p| p.patent.number.as_str()).collect();
    let engaged = ctx.db.patent_engagements(&numbers).await?;
    let owner_ids: Vec<i64> = patents.iter().map(|p| p.patent.owner_org_id).collect();
    let orgs = ctx.db.org_briefs(&owner_ids).await?;
    let today = ctx.clock.today();
    let mut out = Vec::with_capacity(records.len());
    for (record, patent) in records.into_iter().zip(patents) {
        let p = &patent.patent;
        let engagements = engaged.get(p.number.as_str()).cloned().unwrap_or_default();
        let progress = cultivation_progress(
            &record.cultivation,
            record.marked_on,
            p,
            &engagements,
            today,
        );
        out.push(CultivationItem {
            owner_name: orgs
                .get(&p.owner_org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            high_value: verdict(p, today),
            progress,
            record,
            patent,
        });
    }
    Ok(out)
}

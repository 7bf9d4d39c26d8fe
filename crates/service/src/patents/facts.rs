//! What the register knows of patents, for the pre-checks of deals and pledges (T4, T5;
//! DOMAIN.md §4.1, §4.2): owner and co-owners, status, term, fees, and what other records hold
//! on each patent — the licences granted in the deal ledger and the live pledges. A number not in
//! the register has no entry: the checks then say "register it first" rather than pass.

use std::collections::HashMap;

use zhiyun_domain::precheck::{LicenceFact, PatentFacts, PledgeFact};

use crate::{Ctx, Result};

/// The register's facts of each number found, keyed by the canonical number.
pub async fn facts(ctx: &Ctx, numbers: &[String]) -> Result<HashMap<String, PatentFacts>> {
    let mut patents = Vec::with_capacity(numbers.len());
    for n in numbers {
        if let Some(p) = ctx.db.patent_by_number(n).await? {
            patents.push(p);
        }
    }
    let mut org_ids: Vec<i64> = patents
        .iter()
        .flat_map(|p| {
            std::iter::once(p.patent.owner_org_id).chain(p.patent.co_owner_org_ids.clone())
        })
        .collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let names = ctx.db.org_briefs(&org_ids).await?;
    let found: Vec<String> = patents
        .iter()
        .map(|p| p.patent.number.to_string())
        .collect();
    let mut licences = licences(ctx, &found).await?;
    let mut pledges = live_pledges(ctx, &found).await?;
    Ok(patents
        .into_iter()
        .map(|r| {
            let p = r.patent;
            let number = p.number.to_string();
            let facts = PatentFacts {
                number: number.clone(),
                title: p.title.clone(),
                kind: p.kind,
                owner_org_id: p.owner_org_id,
                owner_name: names
                    .get(&p.owner_org_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                co_owner_org_ids: p.co_owner_org_ids.clone(),
                legal_status: p.legal_status,
                filed_on: p.filed_on,
                granted_on: p.granted_on,
                expires_on: p.expires_on(),
                fee_paid_until: p.fee_paid_until,
                live_pledges: pledges.remove(&number).unwrap_or_default(),
                licences: licences.remove(&number).unwrap_or_default(),
            };
            (number, facts)
        })
        .collect())
}

/// Licences granted on these patents (deals signed or later, not cancelled), from the deal ledger.
async fn licences(ctx: &Ctx, numbers: &[String]) -> Result<HashMap<String, Vec<LicenceFact>>> {
    Ok(ctx.db.deal_licences_on(numbers).await?)
}

/// Live pledges on these patents (registered and not yet released), from the pledge pipeline.
async fn live_pledges(ctx: &Ctx, numbers: &[String]) -> Result<HashMap<String, Vec<PledgeFact>>> {
    let mut out: HashMap<String, Vec<PledgeFact>> = HashMap::new();
    for l in ctx.db.live_pledges(numbers).await? {
        out.entry(l.number).or_default().push(PledgeFact {
            pledge_id: l.pledge_id,
            pledgee_org_id: l.pledgee_org_id,
            pledgee_name: l.pledgee_name,
        });
    }
    Ok(out)
}

//! The demo's contact requests (issue 18): 上海芯联微电子 asked 上海交通大学 about a liquid-cooling
//! supply for its chip-overheating demand three weeks ago and the university accepted (the
//! contacts are exchanged; the pair shows on both homes and the 徐汇 operator's); and the
//! university asked about a moulding-compound supply three days ago, still waiting for the
//! enterprise's answer. The interface-material supply the matchmaking story pairs with the same
//! demand is left without a request, for the browser story to ask.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use zhiyun_domain::listing::{ListingInput, ListingKind, ListingStatus, check_listing};
use zhiyun_domain::matching::contact::ContactState;
use zhiyun_store::match_contacts::ContactRow;
use zhiyun_store::{Db, Who};

/// The demand of the demo enterprise the matchmaking story uses (see `demo::listings`).
pub const CHIP_DEMAND: &str = "芯片发热降频，求封装散热方案";

const DAY: i64 = 86_400;

async fn supply(
    db: &Db,
    owner: i64,
    (title, description, field, ipc, wan): (&str, &str, &str, &str, Option<&str>),
    (name, phone): (&str, &str),
    who: &Who,
) -> Result<i64> {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let input = ListingInput {
        kind: Some("supply".into()),
        title: Some(title.into()),
        description: Some(description.into()),
        field: Some(field.into()),
        ipc: vec![ipc.into()],
        modes: vec!["许可".into(), "转让".into()],
        price_wan: wan.map(|w| zhiyun_domain::application::serde_json_number::Number(w.into())),
        district_code: Some("310104".into()),
        contact_name: Some(name.into()),
        contact_phone: Some(phone.into()),
        valid_until: Some(
            (today + chrono::Duration::days(365))
                .format("%Y-%m-%d")
                .to_string(),
        ),
        patents: vec![],
        maturity: Some("小试".into()),
    };
    let listing =
        check_listing(&input, today).map_err(|e| anyhow!("demo listing {title}: {e:?}"))?;
    let row = db
        .listing_create(owner, &listing, zhiyun_store::now(), who)
        .await?;
    for (from, to) in [
        (ListingStatus::Draft, ListingStatus::Submitted),
        (ListingStatus::Submitted, ListingStatus::Published),
    ] {
        db.listing_set_status(row.id, from, to, None, zhiyun_store::now(), who)
            .await?;
    }
    Ok(row.id)
}

pub async fn load(db: &Db, ids: &HashMap<String, i64>, who: &Who) -> Result<()> {
    let org = |name: &str| {
        ids.get(name)
            .copied()
            .ok_or_else(|| anyhow!("demo organisation {name} missing"))
    };
    let (chip, sjtu) = (
        org(crate::demo::ENTERPRISE_LOGIN_ORG)?,
        org("上海交通大学")?,
    );
    let user = async |name: &str| -> Result<i64> {
        Ok(db
            .user_by_username(name)
            .await?
            .ok_or_else(|| anyhow!("demo login {name} missing"))?
            .id)
    };
    let (ent_user, uni_user) = (
        user("demo-enterprise").await?,
        user("demo-university").await?,
    );
    let demand = db
        .listings_published(ListingKind::Demand)
        .await?
        .into_iter()
        .find(|l| l.owner_org_id == chip && l.title == CHIP_DEMAND)
        .ok_or_else(|| anyhow!("demo demand {CHIP_DEMAND} missing"))?
        .id;
    let liquid = supply(
        db,
        sjtu,
        (
            "一种芯片级微通道液冷散热结构及其加工方法",
            "在芯片封装基板内加工微通道，冷却液直接流经热源下方，热阻比风冷降低 60%，适用于功率芯片和高算力芯片的封装散热，已完成样件验证。",
            "电子信息",
            "H01L 23/473",
            Some("60"),
        ),
        ("周立新", "13916820033"),
        who,
    )
    .await?;
    let moulding = supply(
        db,
        sjtu,
        (
            "一种低应力芯片封装用环氧塑封料",
            "以改性环氧树脂和球形硅微粉制备的塑封料，热膨胀系数低、导热性好，可减少功率芯片封装翘曲和分层，提高散热和可靠性。",
            "新材料",
            "C08L 63/00",
            None,
        ),
        ("吴敏", "13916820045"),
        who,
    )
    .await?;
    let now = zhiyun_store::now();
    let row = |supply_id, by_org, by_user, at| ContactRow {
        id: 0,
        demand_id: demand,
        supply_id,
        requested_by_org: by_org,
        requested_by_user: by_user,
        requested_at: at,
        state: ContactState::Requested.slug().into(),
        answered_by_user: None,
        answered_at: None,
        lead_id: None,
    };
    // Asked three weeks ago, accepted two days later: the contacts are exchanged.
    let exchanged = db
        .contact_insert(&row(liquid, chip, ent_user, now - 21 * DAY), who)
        .await?;
    db.contact_answer(
        exchanged.id,
        ContactState::Accepted,
        uni_user,
        now - 19 * DAY,
        who,
    )
    .await?;
    // Asked by the university three days ago, waiting for the enterprise.
    db.contact_insert(&row(moulding, sjtu, uni_user, now - 3 * DAY), who)
        .await?;
    Ok(())
}

//! The ledger as XLSX and one deal's prefilled CNIPA filing sheet as DOCX.

use zhiyun_domain::deal::{DealKind, FilingKind};
use zhiyun_reports::deals::{FilingSheet, deals_xlsx, filing_sheet_docx};

use super::{DealQuery, get, list};
use crate::{Ctx, Error, Principal, Result};

const HEADERS: [&str; 14] = [
    "编号",
    "类型",
    "许可类型",
    "提供方",
    "接受方",
    "专利",
    "交易场所",
    "阶段",
    "签订日期",
    "生效日期",
    "备案期限",
    "合同金额（万元）",
    "已到账（万元）",
    "未到账（万元）",
];

/// The deals the caller may read, filtered as the ledger is, as XLSX: (file title, bytes).
pub async fn ledger_xlsx(ctx: &Ctx, user: &Principal, q: DealQuery) -> Result<(String, Vec<u8>)> {
    let ledger = list(ctx, user, q).await?;
    let opt = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = ledger
        .items
        .iter()
        .map(|s| {
            let d = &s.record.deal;
            vec![
                s.record.id.to_string(),
                d.kind.label().to_string(),
                d.licence_type
                    .map(|t| t.label().to_string())
                    .unwrap_or_default(),
                s.from_name.clone(),
                s.to_name.clone(),
                d.patents
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("、"),
                d.venue.label().to_string(),
                d.stage.label_for(d.kind).to_string(),
                opt(d.signed_on),
                opt(d.effective_on),
                opt(d.filing_due_on),
                s.totals.contracted.to_wan_2dp(),
                s.totals.received.to_wan_2dp(),
                s.totals.outstanding.to_wan_2dp(),
            ]
        })
        .collect();
    let t = ledger.totals.wan();
    let mut total = vec![String::new(); HEADERS.len()];
    total[0] = "合计".into();
    total[11] = t.contracted_wan;
    total[12] = t.received_wan;
    total[13] = t.outstanding_wan;
    rows.push(total);
    let title = format!("专利交易台账（{}）", ctx.clock.today());
    let bytes = deals_xlsx(&title, &HEADERS, &rows).map_err(Error::internal)?;
    Ok((title, bytes))
}

/// The prefilled filing sheet of deal `id`: (file name, bytes).
pub async fn filing_sheet(ctx: &Ctx, user: &Principal, id: i64) -> Result<(String, Vec<u8>)> {
    let d = get(ctx, user, id).await?;
    let deal = &d.record.deal;
    let need = FilingKind::for_deal(deal.kind);
    let opt = |x: Option<chrono::NaiveDate>| {
        x.map(|x| x.to_string())
            .unwrap_or_else(|| "（未填写）".into())
    };
    let mut terms = vec![
        ("交易编号".to_string(), format!("#{}", d.record.id)),
        ("办理事项".to_string(), need.label().to_string()),
        ("交易类型".to_string(), deal.kind.label().to_string()),
        (deal.kind.giver_label().to_string(), d.from.name.clone()),
        (deal.kind.receiver_label().to_string(), d.to.name.clone()),
    ];
    if deal.kind == DealKind::Licence {
        terms.push((
            "许可类型".into(),
            deal.licence_type
                .map(|t| t.label().to_string())
                .unwrap_or_default(),
        ));
        terms.push((
            "许可期限".into(),
            format!("{} 至 {}", opt(deal.effective_on), opt(deal.term_until)),
        ));
        terms.push((
            "许可地域".into(),
            deal.territory.clone().unwrap_or_else(|| "中国大陆".into()),
        ));
        terms.push(("备案期限".into(), opt(deal.filing_due_on)));
    }
    terms.push(("合同签订日期".into(), opt(deal.signed_on)));
    terms.push(("合同生效日期".into(), opt(deal.effective_on)));
    terms.push(("合同金额（万元）".into(), deal.amount.to_wan_2dp()));
    terms.push(("交易场所".into(), deal.venue.label().to_string()));
    if let Some(n) = &deal.exchange_deal_number {
        terms.push(("交易所成交编号".into(), n.clone()));
    }
    let facts = crate::patents::facts::facts(
        ctx,
        &deal
            .patents
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
    )
    .await?;
    let patents = deal
        .patents
        .iter()
        .map(|n| match facts.get(n.as_str()) {
            Some(f) => [
                n.to_string(),
                f.title.clone(),
                f.legal_status.label().to_string(),
                f.expires_on.to_string(),
            ],
            None => [
                n.to_string(),
                "（未在专利库登记）".into(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    let notes = vec![
        match need {
            FilingKind::LicenceRecord => "专利实施许可合同备案：合同生效之日起 3 个月内，通过专利业务办理系统（cpservice.cnipa.gov.cn）提交。".to_string(),
            FilingKind::TransferRegistration => "著录项目变更（转让）：通过专利业务办理系统（cponline.cnipa.gov.cn）提交，转让自登记之日起生效。".to_string(),
        },
        "本表由知运平台根据交易台账预填，提交前请与合同原件核对。".to_string(),
    ];
    let sheet = FilingSheet {
        title: format!("{}（预填）", need.label()),
        terms,
        patents,
        notes,
    };
    let bytes = filing_sheet_docx(&sheet).map_err(Error::internal)?;
    Ok((format!("交易{}-{}.docx", d.record.id, need.label()), bytes))
}

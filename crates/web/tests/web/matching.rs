//! Matching over HTTP (T3): who sees a listing's suggestions, their reasons, the owner's verdicts
//! and the operator's counts of declines.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common;

use common::Api as T;

fn in_a_year() -> String {
    (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

fn listing(
    kind: &str,
    title: &str,
    description: &str,
    field: &str,
    ipc: &[&str],
    wan: i64,
) -> Value {
    json!({"kind": kind, "title": title, "description": description, "field": field, "ipc": ipc,
           "modes": ["转让"], "price_wan": wan, "district_code": "310110", "contact_name": "张明",
           "contact_phone": "13812345678", "valid_until": in_a_year(), "patents": [],
           "maturity": if kind == "supply" { Some("中试") } else { None }})
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn t3_suggestions_with_reasons_verdicts_and_decline_counts() {
    let (router, tokens, _) = common::fixture(vec![
        ("uni", "university", "某大学", Some("310110"), None),
        ("uni2", "university", "另一大学", Some("310110"), None),
        (
            "ent",
            "enterprise",
            "某企业",
            Some("310110"),
            Some(common::uscc("310110", 1)),
        ),
        (
            "ent2",
            "enterprise",
            "别的企业",
            Some("310110"),
            Some(common::uscc("310110", 2)),
        ),
        (
            "op",
            "park_operator",
            "杨浦园区运营",
            Some("310110"),
            Some(common::uscc("310110", 3)),
        ),
        (
            "op_mh",
            "park_operator",
            "闵行园区运营",
            Some("310112"),
            Some(common::uscc("310112", 4)),
        ),
    ])
    .await;
    let t = T { router, tokens };
    let separator = t
        .published(
            "uni",
            listing(
                "supply",
                "一种锂离子电池用陶瓷涂覆隔膜及其制备方法",
                "在聚乙烯隔膜表面涂覆氧化铝陶瓷层，提高隔膜耐热性，降低电池鼓包和热失控风险。",
                "新能源与节能",
                &["H01M 50/40"],
                50,
            ),
        )
        .await;
    let heat_proof = t
        .published(
            "uni2",
            listing(
                "supply",
                "一种耐高温锂电池隔膜",
                "芳纶涂覆隔膜，180℃热收缩率低于 2%，适用于动力电池。",
                "新能源与节能",
                &["H01M 50/44"],
                120,
            ),
        )
        .await;
    let vision = t
        .published(
            "uni",
            listing(
                "supply",
                "基于深度学习的带钢表面缺陷在线检测方法",
                "工业相机采集图像，卷积神经网络识别划痕等缺陷，替代人工目检。",
                "电子信息",
                &["G06T 7/00"],
                30,
            ),
        )
        .await;
    let demand = t
        .published(
            "ent",
            listing(
                "demand",
                "锂电池鼓包客诉多",
                "我们做锂电 pack，夏天电池鼓包、起火投诉多，想改进隔膜耐热性。",
                "新能源与节能",
                &[],
                80,
            ),
        )
        .await;
    let matches = format!("/api/v1/demands/{demand}/matches");

    // The owner: both separators first, each explained in Chinese.
    let (s, v) = t.call(Some("ent"), Method::GET, &matches, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let found = ids(&v);
    assert_eq!(
        found[..2]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        [separator, heat_proof].into()
    );
    let first = &v[0];
    assert!(first["score"].as_f64().unwrap() > 0.0 && first["score"].as_f64().unwrap() <= 100.0);
    let separator_view = v
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == separator)
        .unwrap();
    let reasons: Vec<&str> = separator_view["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    // Shared key terms, without the parts of a longer shared word (耐热 in 耐热性).
    let terms: Vec<&str> = reasons[0]
        .strip_prefix("共同关键词：")
        .unwrap_or_else(|| panic!("{reasons:?}"))
        .split('、')
        .collect();
    assert!(
        terms.contains(&"鼓包") && terms.contains(&"耐热性"),
        "{terms:?}"
    );
    assert!(terms.iter().any(|t| t.contains("隔膜")), "{terms:?}");
    assert!(
        !terms.contains(&"耐热") && !terms.contains(&"热性"),
        "{terms:?}"
    );
    assert!(
        reasons.contains(&"技术领域相同：新能源与节能"),
        "{reasons:?}"
    );
    if let Some(at) = found.iter().position(|&id| id == vision) {
        assert!(at >= 2, "{found:?}");
    }
    // The 50 万 separator is within the 80 万 budget; the 120 万 one is not.
    assert!(
        separator_view["reasons"]
            .to_string()
            .contains("参考价格 50 万元在预算 80 万元以内"),
        "{separator_view}"
    );

    // Who may see them: the owner and operators (any district); nobody else.
    assert_eq!(
        t.call(Some("op"), Method::GET, &matches, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        t.call(Some("op_mh"), Method::GET, &matches, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        t.call(Some("ent2"), Method::GET, &matches, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.call(None, Method::GET, &matches, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A demand is not a supply; limits are bounded.
    let (s, _) = t
        .call(
            Some("ent"),
            Method::GET,
            &format!("/api/v1/supplies/{demand}/matches"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = t
        .call(
            Some("ent"),
            Method::GET,
            &format!("{matches}?limit=0"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["errors"][0]["field"], "limit", "{v}");
    let (_, v) = t
        .call(
            Some("ent"),
            Method::GET,
            &format!("{matches}?limit=1"),
            None,
        )
        .await;
    assert_eq!(ids(&v).len(), 1);

    // Verdicts: a decline needs a known reason; only the owner gives one.
    let feedback = format!("{matches}/{separator}/feedback");
    let (s, v) = t
        .call(
            Some("ent"),
            Method::POST,
            &feedback,
            Some(json!({"verdict": "not_relevant"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["errors"][0]["code"], "reason_required", "{v}");
    let (s, v) = t
        .call(
            Some("ent"),
            Method::POST,
            &feedback,
            Some(json!({"verdict": "not_relevant", "reason": "太贵"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["errors"][0]["code"], "unknown_reason", "{v}");
    let (s, _) = t
        .call(
            Some("op"),
            Method::POST,
            &feedback,
            Some(json!({"verdict": "interested"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = t
        .call(
            Some("ent"),
            Method::POST,
            &feedback,
            Some(json!({"verdict": "not_relevant", "reason": "价格过高"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["reason"], "too_expensive");
    let (s, v) = t
        .call(
            Some("ent"),
            Method::POST,
            &format!("{matches}/{heat_proof}/feedback"),
            Some(json!({"verdict": "interested"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The declined supply is no longer suggested; the interesting one says so.
    let (_, v) = t.call(Some("ent"), Method::GET, &matches, None).await;
    assert!(!ids(&v).contains(&separator), "{v}");
    assert_eq!(v[0]["id"], heat_proof);
    assert_eq!(v[0]["verdict"], "interested");

    // The operator sees the declines per supplying organisation; an enterprise does not.
    let (s, v) = t
        .call(Some("op"), Method::GET, "/api/v1/matching/declines", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v[0]["org_name"], "某大学");
    assert_eq!(v[0]["total"], 1);
    let expensive = v[0]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reason"] == "too_expensive")
        .unwrap();
    assert_eq!(expensive["count"], 1);
    assert_eq!(expensive["label"], "价格过高");
    assert_eq!(
        t.call(Some("ent"), Method::GET, "/api/v1/matching/declines", None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    // The other direction: the supply's owner sees the demand.
    let (s, v) = t
        .call(
            Some("uni2"),
            Method::GET,
            &format!("/api/v1/supplies/{heat_proof}/matches"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(ids(&v), vec![demand]);

    // The owner's page shows the suggestions with their reasons and the feedback forms.
    let (s, page) = t
        .call(
            Some("ent"),
            Method::GET,
            &format!("/listings/{demand}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let page = page.as_str().unwrap().to_string();
    assert!(page.contains("推荐匹配"), "{page}");
    assert!(page.contains("一种耐高温锂电池隔膜"));
    assert!(page.contains("共同关键词："));
    assert!(page.contains(&format!("/listings/{demand}/matches/{heat_proof}/feedback")));
    assert!(page.contains("价格过高"));
    // A visitor's page has none of it.
    let (_, public) = t
        .call(None, Method::GET, &format!("/listings/{demand}"), None)
        .await;
    assert!(!public.as_str().unwrap().contains("推荐匹配"));
}

/// Issue 19, finding 4: a listing's matches follow the listing's own read policy — a draft's
/// are its owner's alone, a listing under review is seen by its own district's operator only;
/// anyone else gets 404, as for the listing itself (never `[]` with 200, never the reasons).
#[tokio::test]
async fn matches_of_a_listing_one_may_not_read_are_not_found() {
    let (router, tokens, _) = common::fixture(vec![
        ("uni", "university", "某大学", Some("310110"), None),
        (
            "ent",
            "enterprise",
            "某企业",
            Some("310110"),
            Some(common::uscc("310110", 1)),
        ),
        (
            "op",
            "park_operator",
            "杨浦园区运营",
            Some("310110"),
            Some(common::uscc("310110", 3)),
        ),
        (
            "op_mh",
            "park_operator",
            "闵行园区运营",
            Some("310112"),
            Some(common::uscc("310112", 4)),
        ),
    ])
    .await;
    let t = T { router, tokens };
    t.published(
        "uni",
        listing(
            "supply",
            "一种耐高温锂电池隔膜",
            "芳纶涂覆隔膜，180℃热收缩率低于 2%，适用于动力电池。",
            "新能源与节能",
            &["H01M 50/44"],
            120,
        ),
    )
    .await;
    let (s, v) = t
        .call(
            Some("ent"),
            Method::POST,
            "/api/v1/listings",
            Some(listing(
                "demand",
                "锂电池隔膜耐热改进（草稿）",
                "夏天电池鼓包，想改进隔膜耐热性。",
                "新能源与节能",
                &[],
                80,
            )),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let draft = v["id"].as_i64().unwrap();
    let matches = format!("/api/v1/demands/{draft}/matches");
    let status = |who: &'static str| {
        let (t, m) = (&t, matches.clone());
        async move { t.call(Some(who), Method::GET, &m, None).await.0 }
    };
    // The draft: its owner only.
    assert_eq!(status("ent").await, StatusCode::OK);
    assert_eq!(status("op").await, StatusCode::NOT_FOUND);
    assert_eq!(status("op_mh").await, StatusCode::NOT_FOUND);
    let (s, _) = t
        .call(
            Some("op_mh"),
            Method::GET,
            &format!("/api/v1/listings/{draft}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Submitted for review: the owner and its district's operator; not another district's.
    let (s, v) = t
        .call(
            Some("ent"),
            Method::POST,
            &format!("/api/v1/listings/{draft}/submit"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(status("ent").await, StatusCode::OK);
    assert_eq!(status("op").await, StatusCode::OK);
    assert_eq!(status("op_mh").await, StatusCode::NOT_FOUND);
}

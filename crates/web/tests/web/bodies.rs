//! Issue 19, fuzzing the JSON request bodies: proptest-generated bodies (random values, wrong
//! types in a valid body's fields, huge numbers, deep nesting, odd Unicode such as U+202E, broken
//! JSON) posted through the router to representative endpoints. Never a 5xx or a panic: a 4xx
//! with a stable error code (or, for a body that happens to be valid, a success).

use axum::body::Body;
use axum::http::{Request, header};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

use crate::common::{self, TestApp};

/// A JSON text: any value, with numbers and strings JSON allows but Rust types may not hold.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        prop::sample::select(vec![
            "1e400",
            "-1e400",
            "123456789012345678901234567890",
            "-0",
            "0.0000000000000000000000001",
            "9223372036854775808",
        ])
        .prop_map(str::to_string),
        any::<String>().prop_map(|s| Value::String(s).to_string()),
        prop::sample::select(vec![
            "\u{202E}gnp.exe",
            "\u{0000}",
            "\u{FEFF}标题",
            "\u{200B}",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉",
            "\u{D7FF}\u{E000}",
            "2026-02-30",
            "-1",
            "",
        ])
        .prop_map(|s| Value::String(s.into()).to_string()),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z_]{1,12}", inner), 0..6).prop_map(|kv| {
                let fields: Vec<String> = kv
                    .into_iter()
                    .map(|(k, v)| format!("{}:{v}", Value::String(k)))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

/// A body: a valid one with one field given a random value, a random value, nesting deeper than
/// the parser allows, or broken JSON.
fn body(valid: Value) -> impl Strategy<Value = String> {
    let keys: Vec<String> = valid.as_object().unwrap().keys().cloned().collect();
    let base = valid.clone();
    prop_oneof![
        4 => (prop::sample::select(keys), json_text()).prop_map(move |(k, v)| {
            let mut b = base.clone();
            b[&k] = serde_json::from_str(&v).unwrap_or(Value::String(v));
            b.to_string()
        }),
        3 => json_text(),
        1 => (1usize..400).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        1 => (1usize..400).prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))),
        1 => prop::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        1 => json_text().prop_map(|t| t.chars().take(t.chars().count() / 2).collect()),
    ]
}

fn in_a_year() -> String {
    (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn random_json_bodies_get_a_stable_4xx_never_a_5xx() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let d = Some("310104");
    let app: TestApp = rt.block_on(TestApp::with_users(vec![
        (
            "operator",
            "park_operator",
            "徐汇集聚区运营",
            d,
            Some(common::uscc("310104", 1)),
        ),
        (
            "enterprise",
            "enterprise",
            "徐汇甲科技",
            d,
            Some(common::uscc("310104", 2)),
        ),
        (
            "bank",
            "bank",
            "某银行徐汇支行",
            d,
            Some(common::uscc("310104", 3)),
        ),
    ]));
    let ent = app.org_of["enterprise"];
    let bank = app.org_of["bank"];
    let listing = json!({"kind": "supply", "title": "电池回收", "description": "测试条目。",
        "field": "新能源与节能", "ipc": ["H01M"], "modes": ["许可"], "price_wan": 50,
        "district_code": "310104", "contact_name": "张明", "contact_phone": "13812345678",
        "valid_until": in_a_year(), "patents": [], "maturity": "中试"});
    let deal = json!({"kind": "transfer", "from_org_id": ent, "to_org_id": ent,
        "patents": ["202310123456.7"], "amount_wan": "10", "signed_on": "2026-01-05"});
    let pledge = json!({"pledgor_org_id": ent, "pledgee_org_id": bank, "amount_wan": "100",
        "patents": ["202310123456.7"], "term_months": 12});
    let bid = json!({"amount_wan": "10"});
    let answer = json!({"answers": {"q1": 5, "q2": "很好"}, "org_name": "徐汇甲科技"});
    // (path, caller, a valid-looking body)
    let endpoints: Vec<(&str, Option<&str>, Value)> = vec![
        ("/api/v1/listings", Some("enterprise"), listing),
        ("/api/v1/deals", Some("enterprise"), deal),
        ("/api/v1/pledges", Some("enterprise"), pledge),
        ("/api/v1/lots/1/bids", Some("enterprise"), bid),
        ("/api/v1/surveys/1/responses", None, answer),
    ];
    let calls = std::cell::Cell::new(0);
    for (path, who, valid) in endpoints {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&body(valid), |text| {
                calls.set(calls.get() + 1);
                let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
                if let Some(w) = who {
                    req = req.header(header::AUTHORIZATION, format!("Bearer {}", app.tokens[w]));
                }
                let res = rt.block_on(app.send(req.body(Body::from(text.clone())).unwrap()));
                let status = res.status.as_u16();
                if status >= 500 {
                    return Err(TestCaseError::fail(format!(
                        "{path}: {status} for {text}: {}",
                        res.text()
                    )));
                }
                if (400..500).contains(&status) {
                    let v: Value = serde_json::from_slice(&res.body).map_err(|e| {
                        TestCaseError::fail(format!(
                            "{path}: {status} not JSON ({e}): {}",
                            res.text()
                        ))
                    })?;
                    let code = v["error"]["code"].as_str().unwrap_or("");
                    prop_assert!(
                        !code.is_empty()
                            && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                        "{}: {} without a stable code: {}",
                        path,
                        status,
                        v
                    );
                    prop_assert!(
                        v["error"]["message"]
                            .as_str()
                            .is_some_and(|m| !m.is_empty()),
                        "{}: {}",
                        path,
                        v
                    );
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(calls.get() >= 5 * 64, "{} bodies posted", calls.get());
}

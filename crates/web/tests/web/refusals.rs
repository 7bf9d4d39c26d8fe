//! Issue 19, "refusal matrix": every API operation called as every role, against an explicit
//! table of who may use it.
//!
//! The operations are enumerated twice and the two lists must agree:
//! - the router's own declarations: every `.route("…", …)` in `crates/web/src` is read from the
//!   source (axum cannot list its routes; a route whose path is not a string literal, or a
//!   `nest`, fails this test so nothing can slip past the scan);
//! - the OpenAPI document (`zhiyun_web::openapi::spec()`).
//!
//! Every operation of the document must then have a row in [`EXPECT`]: a new endpoint without
//! one fails here, with the list of what is missing. Each row names the roles that may use the
//! operation; every other role must be refused (401 for a visitor, 403, or 404 where the record
//! is hidden), never 2xx and never 500. A role that may use it never gets 401/403 (a 404, 409 or
//! 422 from the placeholder ids and the body is fine). The bodies pass the input rules where
//! that is cheap ([`Fixture::body`]), so that it is the policy that answers; for each operation
//! the refused roles are called first, before an allowed call changes a record.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::{self, TestApp};

/// The roles, in calling order: the user names of the fixture (`visitor` sends no credentials).
const ROLES: [&str; 11] = [
    "visitor",
    "muni",
    "district",
    "operator",
    "enterprise",
    "university",
    "bank",
    "insurer",
    "agency",
    "exchange",
    "admin",
];

/// Short names used in [`EXPECT`]: `V`isitor, `M`unicipal bureau, `D`istrict bureau, park
/// `O`perator, `E`nterprise, `U`niversity, `B`ank, `I`nsurer, `A`gency, e`X`change, admin `R`oot.
/// `*` is everyone including a visitor, `+` every signed-in role.
fn role_code(role: &str) -> char {
    match role {
        "visitor" => 'V',
        "muni" => 'M',
        "district" => 'D',
        "operator" => 'O',
        "enterprise" => 'E',
        "university" => 'U',
        "bank" => 'B',
        "insurer" => 'I',
        "agency" => 'A',
        "exchange" => 'X',
        "admin" => 'R',
        other => panic!("unknown role {other}"),
    }
}

fn allowed(spec: &str, role: &str) -> bool {
    spec == "*" || spec == "+" && role != "visitor" || spec.contains(role_code(role))
}

/// Operations served on purpose outside the OpenAPI document.
const UNDOCUMENTED: [(&str, &str); 1] = [("GET", "/api/openapi.json")];

/// Who may use each operation (method, path as declared, roles). The placeholder records (see
/// [`Fixture`]) are all in 徐汇 (310104), the district of the district bureau and the operator;
/// "may use" means the policy lets the role through for those records.
const EXPECT: &[(&str, &str, &str)] = &[
    ("GET", "/healthz", "*"),
    ("GET", "/api/openapi.json", "*"),
    // session and accounts
    ("POST", "/api/v1/session", "*"),
    ("DELETE", "/api/v1/session", "*"),
    ("GET", "/api/v1/me", "+"),
    ("POST", "/api/v1/validate/{kind}", "*"),
    ("GET", "/api/v1/users", "R"),
    ("POST", "/api/v1/users", "R"),
    ("POST", "/api/v1/users/{username}/{action}", "R"),
    ("GET", "/api/v1/tokens", "+"),
    ("POST", "/api/v1/tokens", "+"),
    ("DELETE", "/api/v1/tokens/{id}", "+"),
    ("GET", "/api/v1/audit", "R"),
    // organisations
    ("GET", "/api/v1/districts", "*"),
    ("GET", "/api/v1/orgs", "+"),
    ("POST", "/api/v1/orgs", "MDOR"),
    ("GET", "/api/v1/orgs/{id}", "+"),
    ("PUT", "/api/v1/orgs/{id}", "MDOER"),
    ("PUT", "/api/v1/orgs/{id}/annual/{year}", "OER"),
    ("GET", "/api/v1/orgs/{id}/practitioners", "+"),
    ("POST", "/api/v1/orgs/{id}/practitioners", "MDAR"),
    ("DELETE", "/api/v1/orgs/{id}/practitioners/{pid}", "MDAR"),
    // applications (A1–A6)
    ("GET", "/api/v1/rounds", "+"),
    ("POST", "/api/v1/rounds", "MR"),
    ("GET", "/api/v1/rounds/{year}/applications.xlsx", "MDR"),
    ("GET", "/api/v1/applications", "+"),
    ("POST", "/api/v1/applications", "O"),
    ("GET", "/api/v1/applications/{id}", "MDOR"),
    ("PUT", "/api/v1/applications/{id}", "O"),
    ("POST", "/api/v1/applications/{id}/submit", "O"),
    ("GET", "/api/v1/applications/{id}/checks", "MDOR"),
    ("GET", "/api/v1/applications/{id}/reviews", "MDOR"),
    ("POST", "/api/v1/applications/{id}/reviews", "MDR"),
    ("GET", "/api/v1/applications/{id}/docx", "MDOR"),
    ("GET", "/api/v1/applications/{id}/attachments", "MDOR"),
    ("POST", "/api/v1/applications/{id}/attachments", "O"),
    // listings and matching (T1–T3)
    ("GET", "/api/v1/listings", "*"),
    ("POST", "/api/v1/listings", "EU"),
    ("POST", "/api/v1/listings/import", "OEUR"),
    ("GET", "/api/v1/listings/{id}", "*"),
    ("POST", "/api/v1/listings/{id}/{action}", "E"),
    ("GET", "/api/v1/demands/{id}/matches", "ER"),
    ("GET", "/api/v1/supplies/{id}/matches", "OUR"),
    ("POST", "/api/v1/demands/{id}/matches/{other}/feedback", "E"),
    (
        "POST",
        "/api/v1/supplies/{id}/matches/{other}/feedback",
        "U",
    ),
    ("GET", "/api/v1/matching/declines", "MDOR"),
    // contact requests between the owners of a suggested pair (issue 18)
    ("GET", "/api/v1/matches/contact-requests", "+"),
    ("POST", "/api/v1/matches/contact-requests", "EU"),
    ("POST", "/api/v1/matches/contact-requests/{id}/accept", "U"),
    ("POST", "/api/v1/matches/contact-requests/{id}/decline", "U"),
    ("POST", "/api/v1/matches/contact-requests/{id}/lead", "OR"),
    (
        "POST",
        "/api/v1/matches/contact-requests/{id}/meeting",
        "OR",
    ),
    ("GET", "/api/v1/workbench", "+"),
    // events (T3, T5, T7)
    ("GET", "/api/v1/events", "*"),
    ("POST", "/api/v1/events", "MDOR"),
    ("GET", "/api/v1/events/{id}", "*"),
    ("POST", "/api/v1/events/{id}/register", "EU"),
    ("POST", "/api/v1/events/{id}/attendance", "OR"),
    ("GET", "/api/v1/events/{id}/schedule", "+"),
    ("POST", "/api/v1/events/{id}/schedule", "OR"),
    ("POST", "/api/v1/events/{id}/meetings/{mid}/{action}", "+"),
    // patents and trademarks (T6, K5)
    ("GET", "/api/v1/patents", "+"),
    ("POST", "/api/v1/patents", "OEAR"),
    ("POST", "/api/v1/patents/import", "OEUAR"),
    ("GET", "/api/v1/patents/reminders", "+"),
    ("GET", "/api/v1/patents/{id}", "+"),
    ("PUT", "/api/v1/patents/{id}", "OEAR"),
    ("PUT", "/api/v1/patents/{id}/cultivation", "OR"),
    ("DELETE", "/api/v1/patents/{id}/cultivation", "OR"),
    ("GET", "/api/v1/cultivation", "MDOR"),
    ("GET", "/api/v1/indicators/high-value", "MDOR"),
    ("GET", "/api/v1/indicators/overseas-filings", "MDOR"),
    ("GET", "/api/v1/populations", "MDOR"),
    ("PUT", "/api/v1/districts/{code}/population/{year}", "MR"),
    ("GET", "/api/v1/trademarks", "+"),
    ("POST", "/api/v1/trademarks", "OEAR"),
    ("GET", "/api/v1/trademarks/{id}", "+"),
    ("PUT", "/api/v1/trademarks/{id}", "OEAR"),
    ("DELETE", "/api/v1/trademarks/{id}", "OEAR"),
    // deals (T4, T8)
    ("GET", "/api/v1/deals", "+"),
    ("POST", "/api/v1/deals", "OEUR"),
    ("GET", "/api/v1/deals.xlsx", "+"),
    ("GET", "/api/v1/deals/{id}", "+"),
    ("POST", "/api/v1/deals/{id}/payments", "OEUR"),
    ("POST", "/api/v1/deals/{id}/filings", "OEUAR"),
    ("POST", "/api/v1/deals/{id}/stage", "OEUR"),
    ("POST", "/api/v1/deals/{id}/overrules", "OR"),
    // pledges and insurance (T5, K1, K2)
    ("GET", "/api/v1/pledges", "+"),
    ("POST", "/api/v1/pledges", "OEB"),
    ("GET", "/api/v1/pledges.xlsx", "+"),
    ("GET", "/api/v1/pledges/{id}", "+"),
    ("POST", "/api/v1/pledges/{id}/stage", "OE"),
    ("POST", "/api/v1/pledges/{id}/checks/{rule}/overrule", "OB"),
    ("GET", "/api/v1/pledge-products", "*"),
    ("POST", "/api/v1/pledge-products", "B"),
    ("GET", "/api/v1/pledge-products/{id}", "*"),
    ("PUT", "/api/v1/pledge-products/{id}", "B"),
    ("POST", "/api/v1/pledge-products/{id}/publish", "B"),
    ("GET", "/api/v1/insurance-policies", "+"),
    ("POST", "/api/v1/insurance-policies", "I"),
    ("GET", "/api/v1/insurance-policies/{id}", "+"),
    ("POST", "/api/v1/insurance-policies/{id}/claims", "I"),
    // surveys (K6, T7)
    ("GET", "/api/v1/surveys", "MDOR"),
    ("POST", "/api/v1/surveys", "MDOR"),
    ("GET", "/api/v1/surveys/{id}", "*"),
    ("POST", "/api/v1/surveys/{id}/responses", "*"),
    ("GET", "/api/v1/surveys/{id}/results", "MDOR"),
    ("GET", "/api/v1/surveys/{id}/report.docx", "MDOR"),
    ("POST", "/api/v1/surveys/{id}/invitations", "OR"),
    ("POST", "/api/v1/surveys/{id}/copy", "OR"),
    ("POST", "/api/v1/surveys/{id}/open", "OR"),
    ("POST", "/api/v1/surveys/{id}/close", "OR"),
    // KPIs
    ("GET", "/api/v1/kpis", "MDOR"),
    ("GET", "/api/v1/kpis/{code}/evidence", "MDOR"),
    // auctions (T3)
    ("GET", "/api/v1/auctions", "*"),
    ("POST", "/api/v1/auctions", "OR"),
    ("GET", "/api/v1/auctions/{id}", "*"),
    ("POST", "/api/v1/auctions/{id}/bidders", "EUA"),
    (
        "POST",
        "/api/v1/auctions/{id}/bidders/{org_id}/confirm",
        "OXR",
    ),
    ("GET", "/api/v1/lots/{id}", "*"),
    ("POST", "/api/v1/lots/{id}/bids", "EUA"),
    ("GET", "/api/v1/lots/{id}/stream", "*"),
    ("POST", "/api/v1/lots/{id}/route", "OR"),
    // reports to the municipal bureau (T8)
    ("GET", "/api/v1/reports/{year}", "MDOR"),
    ("PUT", "/api/v1/reports/{year}/sections", "O"),
    ("GET", "/api/v1/reports/{year}/statistics.xlsx", "MDOR"),
    ("GET", "/api/v1/reports/{year}/work-report.docx", "MDOR"),
    ("POST", "/api/v1/reports/{year}/submission", "O"),
    ("GET", "/api/v1/reports/{year}/submissions", "MR"),
    (
        "GET",
        "/api/v1/reports/{year}/submissions/{district}",
        "MDOR",
    ),
    (
        "GET",
        "/api/v1/reports/{year}/submissions/{district}/files/{kind}",
        "MDOR",
    ),
    (
        "POST",
        "/api/v1/reports/{year}/submissions/{district}/accept",
        "MR",
    ),
    (
        "POST",
        "/api/v1/reports/{year}/submissions/{district}/return",
        "MR",
    ),
    ("PUT", "/api/v1/reports/{year}/deadline", "MR"),
    // self-registration (issue 18): anyone registers; the district's operator and the municipal
    // bureau decide (the placeholder organisation did not register itself: 404 to them)
    ("POST", "/api/v1/registrations", "*"),
    ("GET", "/api/v1/registrations", "MOR"),
    ("POST", "/api/v1/registrations/{org_id}/approve", "MOR"),
    ("POST", "/api/v1/registrations/{org_id}/reject", "MOR"),
    // notifications (issue 18): every signed-in user, their own only (another's item is 404)
    ("GET", "/api/v1/notifications", "+"),
    ("POST", "/api/v1/notifications/{id}/read", "+"),
    ("POST", "/api/v1/notifications/read-all", "+"),
    ("GET", "/api/v1/notifications/preferences", "+"),
    ("PUT", "/api/v1/notifications/preferences", "+"),
];

// ---------- enumerating the routes ----------

/// (method, path) of every route declared in `crates/web/src` under `/api/` or at `/healthz`,
/// and the declarations the scan could not read.
fn declared_routes() -> (BTreeSet<(String, String)>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                files.push(p);
            }
        }
    }
    let mut routes = BTreeSet::new();
    let mut unreadable = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.display().to_string();
        for needle in [".nest(", ".nest_service(", ".route_service("] {
            if text.contains(needle) {
                unreadable.push(format!("{name}: `{needle}` hides routes from the scan"));
            }
        }
        let mut from = 0;
        while let Some(at) = text[from..].find(".route(") {
            let start = from + at + ".route(".len();
            from = start;
            let line = text[..start].lines().count();
            let rest = text[start..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                unreadable.push(format!("{name}:{line}: the path is not a string literal"));
                continue;
            };
            let path = &rest[..rest.find('"').unwrap()];
            let after = &rest[path.len() + 1..];
            // The method router: up to the parenthesis closing `.route(`.
            let mut depth = 1;
            let mut end = after.len();
            for (i, c) in after.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if !(path.starts_with("/api/") || path == "/healthz") {
                continue;
            }
            let methods = route_methods(&after[..end]);
            if methods.is_empty() {
                unreadable.push(format!("{name}:{line}: no method found for {path}"));
            }
            for m in methods {
                routes.insert((m.to_string(), path.to_string()));
            }
        }
    }
    (routes, unreadable)
}

/// The HTTP methods of a method router expression (`get(a).post(b)`, `post(x).layer(…)`).
fn route_methods(expr: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (name, method) in [
        ("get", "GET"),
        ("post", "POST"),
        ("put", "PUT"),
        ("delete", "DELETE"),
        ("patch", "PATCH"),
    ] {
        let pat = format!("{name}(");
        let mut from = 0;
        while let Some(at) = expr[from..].find(&pat) {
            let i = from + at;
            let before = expr[..i].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                out.push(method);
                break;
            }
            from = i + pat.len();
        }
    }
    out
}

/// (method, path) of every operation in the OpenAPI document.
fn documented() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(zhiyun_web::openapi::spec()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in ["get", "put", "post", "delete", "patch"] {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The router, the OpenAPI document and [`EXPECT`] list the same operations.
#[test]
fn every_route_is_documented_and_has_an_expectation() {
    let (routes, unreadable) = declared_routes();
    assert!(
        unreadable.is_empty(),
        "route declarations the refusal matrix cannot read:\n{}",
        unreadable.join("\n")
    );
    assert!(routes.len() > 100, "the scan found the routes: {routes:?}");
    let documented = documented();
    let undocumented: BTreeSet<_> = UNDOCUMENTED
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let missing_in_doc: Vec<_> = routes
        .difference(&documented)
        .filter(|op| !undocumented.contains(*op))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing_in_doc.is_empty(),
        "routes missing from the OpenAPI document (add them to `paths(...)` in \
         crates/web/src/openapi.rs):\n{}",
        missing_in_doc.join("\n")
    );
    let not_routed: Vec<_> = documented
        .difference(&routes)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        not_routed.is_empty(),
        "documented but not routed:\n{}",
        not_routed.join("\n")
    );
    let expected: BTreeSet<_> = EXPECT
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(expected.len(), EXPECT.len(), "EXPECT has a duplicate row");
    let no_expectation: Vec<_> = routes
        .union(&documented)
        .filter(|op| !expected.contains(*op))
        .map(|(m, p)| format!("(\"{m}\", \"{p}\", \"<roles>\"),"))
        .collect();
    assert!(
        no_expectation.is_empty(),
        "operations without a row in the refusal matrix (crates/web/tests/web/refusals.rs, \
         EXPECT): say which roles may use each one\n{}",
        no_expectation.join("\n")
    );
    let stale: Vec<_> = expected
        .difference(&routes.union(&documented).cloned().collect())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        stale.is_empty(),
        "rows in EXPECT for no route:\n{}",
        stale.join("\n")
    );
}

// ---------- calling every operation as every role ----------

/// One organisation per kind (all in 徐汇 but the municipal bureau), one user each, an
/// administrator (of the municipal bureau), and the records the placeholders point at: the
/// enterprise's published demand, draft demand, patent, trademark, deal (to the university),
/// pledge (to the bank); the university's published supply; the insurer's policy; the operator's
/// survey and matchmaking event. Other ids (applications, auctions, lots, products, meetings)
/// are well-formed ids of nothing, where only "never 2xx/5xx" and the visitor's 401 are checked.
struct Fixture {
    app: TestApp,
    ids: BTreeMap<&'static str, i64>,
}

const DISTRICT: &str = "310104";

fn in_a_year() -> String {
    (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string()
}

fn listing(kind: &str, title: &str) -> Value {
    json!({"kind": kind, "title": title, "description": "用于拒绝矩阵的测试条目。",
        "field": "新能源与节能", "ipc": [], "modes": ["许可"], "price_wan": 50,
        "district_code": DISTRICT, "contact_name": "张明", "contact_phone": "13812345678",
        "valid_until": in_a_year(), "patents": [],
        "maturity": if kind == "supply" { Some("中试") } else { None }})
}

async fn fixture() -> Fixture {
    let usc = |n| Some(common::uscc(DISTRICT, n));
    let d = Some(DISTRICT);
    let mut app = TestApp::with_users(vec![
        ("muni", "municipal_bureau", "上海市知识产权局", None, None),
        ("district", "district_bureau", "徐汇区知识产权局", d, None),
        ("operator", "park_operator", "徐汇集聚区运营", d, usc(1)),
        ("enterprise", "enterprise", "徐汇甲科技", d, usc(2)),
        ("university", "university", "徐汇大学", d, None),
        ("bank", "bank", "某银行徐汇支行", d, usc(3)),
        ("insurer", "insurer", "某保险徐汇支公司", d, usc(4)),
        ("agency", "agency", "某专利代理事务所", d, usc(5)),
        ("exchange", "exchange", "某技术交易所", d, usc(6)),
    ])
    .await;
    let muni = app.org_of["muni"];
    app.add_user("admin", "管理员", muni, true).await;
    app.add_token("admin").await;
    // Disabled and enabled by the matrix, so no caller's own account.
    app.add_user("victim", "被操作的用户", app.org_of["enterprise"], false)
        .await;

    let mut ids = BTreeMap::new();
    ids.insert(
        "demand",
        app.published_by("enterprise", "operator", listing("demand", "电池回收"))
            .await,
    );
    ids.insert(
        "supply",
        app.published_by("university", "operator", listing("supply", "电池回收"))
            .await,
    );
    let (s, v) = app
        .call(
            Some("enterprise"),
            Method::POST,
            "/api/v1/listings",
            Some(listing("demand", "未提交的需求")),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    ids.insert("draft", v["id"].as_i64().unwrap());
    let mut fx = Fixture { app, ids };
    // One record of each kind the placeholders point at, made as the API would.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%d");
    let event = json!({"kind": "matchmaking", "title": "矩阵对接会",
        "starts_at": format!("{tomorrow}T14:00"), "ends_at": format!("{tomorrow}T15:00"),
        "place": "徐汇区漕溪北路 1 号", "capacity": 4, "slot_minutes": 20, "tables": 1,
        "theme_fields": ["新能源与节能"]});
    for (name, who, path, body) in [
        (
            "patent",
            "enterprise",
            "/api/v1/patents",
            fx.body("POST", "/api/v1/patents"),
        ),
        (
            "trademark",
            "enterprise",
            "/api/v1/trademarks",
            fx.body("POST", "/api/v1/trademarks"),
        ),
        (
            "deal",
            "enterprise",
            "/api/v1/deals",
            fx.body("POST", "/api/v1/deals"),
        ),
        (
            "pledge",
            "enterprise",
            "/api/v1/pledges",
            fx.body("POST", "/api/v1/pledges"),
        ),
        (
            "policy",
            "insurer",
            "/api/v1/insurance-policies",
            fx.body("POST", "/api/v1/insurance-policies"),
        ),
        (
            "survey",
            "operator",
            "/api/v1/surveys",
            fx.body("POST", "/api/v1/surveys"),
        ),
        ("event", "operator", "/api/v1/events", event),
    ] {
        let (s, v) = fx.app.call(Some(who), Method::POST, path, Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{name}: {v}");
        fx.ids.insert(name, v["id"].as_i64().unwrap());
    }
    // The enterprise asks the university for contact about their pair (issue 18).
    let pair = json!({"demand_id": fx.ids["demand"], "supply_id": fx.ids["supply"]});
    let (s, v) = fx
        .app
        .call(
            Some("enterprise"),
            Method::POST,
            "/api/v1/matches/contact-requests",
            Some(pair),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "contact request: {v}");
    fx.ids.insert("contact", v["id"].as_i64().unwrap());
    fx
}

impl Fixture {
    fn org(&self, role: &str) -> i64 {
        self.app.org_of[role]
    }

    /// The path with its parameters filled in.
    fn fill(&self, path: &str) -> String {
        let segs: Vec<&str> = path.split('/').collect();
        let mut out = Vec::new();
        for (i, seg) in segs.iter().enumerate() {
            let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                out.push(seg.to_string());
                continue;
            };
            let parent = if i > 0 { segs[i - 1] } else { "" };
            let value = match (param, parent) {
                ("id", "orgs") if path.contains("practitioners") => self.org("agency").to_string(),
                ("id", "orgs") => self.org("enterprise").to_string(),
                ("id", "listings") => self.ids["demand"].to_string(),
                // A draft: only its owner (and an administrator) sees its matches (finding 4).
                ("id", "demands") if !path.ends_with("feedback") => self.ids["draft"].to_string(),
                ("id", "demands") => self.ids["demand"].to_string(),
                ("id", "supplies") => self.ids["supply"].to_string(),
                ("other", _) if parent == "matches" && path.starts_with("/api/v1/demands") => {
                    self.ids["supply"].to_string()
                }
                ("other", _) => self.ids["demand"].to_string(),
                ("org_id", _) => self.org("enterprise").to_string(),
                ("year", _) => "2025".into(),
                ("district", _) => DISTRICT.into(),
                ("code", "kpis") => "K1".into(),
                ("code", _) => DISTRICT.into(),
                ("kind", "validate") => "patent".into(),
                ("kind", _) => "work-report".into(),
                ("username", _) => "victim".into(),
                ("action", _) if path.starts_with("/api/v1/users") => "disable".into(),
                ("action", _) if path.starts_with("/api/v1/listings") => "submit".into(),
                ("action", _) => "accept".into(),
                ("rule", _) => "pledgor_owns".into(),
                ("id", "patents") => self.ids["patent"].to_string(),
                ("id", "trademarks") => self.ids["trademark"].to_string(),
                ("id", "deals") => self.ids["deal"].to_string(),
                ("id", "pledges") => self.ids["pledge"].to_string(),
                ("id", "insurance-policies") => self.ids["policy"].to_string(),
                ("id", "surveys") => self.ids["survey"].to_string(),
                ("id", "events") => self.ids["event"].to_string(),
                ("id", "contact-requests") => self.ids["contact"].to_string(),
                // Records the fixture does not make: well-formed ids of nothing.
                _ => "999999".into(),
            };
            out.push(value);
        }
        let query = match path {
            "/api/v1/kpis"
            | "/api/v1/indicators/high-value"
            | "/api/v1/indicators/overseas-filings" => "?district=310104&year=2025",
            "/api/v1/kpis/{code}/evidence" => "?district=310104&year=2025",
            "/api/v1/reports/{year}"
            | "/api/v1/reports/{year}/statistics.xlsx"
            | "/api/v1/reports/{year}/work-report.docx" => "?district=310104",
            "/api/v1/listings/import" => "?kind=supply&filename=a.csv",
            "/api/v1/patents/import" => "?filename=a.csv",
            "/api/v1/applications/{id}/attachments" => "?part=a1&filename=a.pdf",
            _ => "",
        };
        out.join("/") + query
    }

    /// A body that passes the input rules where that is cheap, so the policy is what answers.
    fn body(&self, method: &str, path: &str) -> Value {
        let ent = self.org("enterprise");
        let patent = {
            let digits = "202310123456";
            format!(
                "{digits}.{}",
                zhiyun_domain::ident::patent_check_char(digits).unwrap()
            )
        };
        match (method, path) {
            ("POST", "/api/v1/users") => {
                json!({"username": "matrix.user", "org_id": ent, "password": "longenough1"})
            }
            ("POST", "/api/v1/orgs") => json!({"kind": "enterprise", "name": "矩阵新企业",
                "uscc": common::uscc(DISTRICT, 77), "district_code": DISTRICT,
                "size_class": "micro"}),
            ("PUT", "/api/v1/orgs/{id}") => json!({"kind": "enterprise", "name": "徐汇甲科技",
                "uscc": common::uscc(DISTRICT, 2), "district_code": DISTRICT,
                "size_class": "small"}),
            ("POST", "/api/v1/orgs/{id}/practitioners") => {
                json!({"name": "王律"})
            }
            ("POST", "/api/v1/rounds") => json!({"year": 2031, "deadline": "2031-06-30"}),
            ("POST", "/api/v1/listings") => listing("supply", "矩阵供给"),
            ("POST", "/api/v1/patents") | ("PUT", "/api/v1/patents/{id}") => {
                json!({"number": patent, "title": "包装盒",
                "owner_org_id": ent, "filed_on": "2023-01-05", "legal_status": "pending"})
            }
            ("POST", "/api/v1/trademarks") | ("PUT", "/api/v1/trademarks/{id}") => {
                json!({"number": "12345678", "name": "知运",
                "nice_class": 9, "owner_org_id": ent, "valid_until": "2031-05-06",
                "registered_on": "2021-05-07"})
            }
            ("POST", "/api/v1/deals") => json!({"kind": "transfer",
                "from_org_id": ent, "to_org_id": self.org("university"), "patents": [patent],
                "venue": "sipex", "exchange_mode": "agreement", "amount_wan": "300",
                "signed_on": "2025-05-06"}),
            ("POST", "/api/v1/pledges") => json!({"kind": "patent", "pledgor_org_id": ent,
                "pledgee_org_id": self.org("bank"), "patents": [patent], "trademarks": [],
                "amount_wan": "500", "loan_start": "2026-12-01", "repay_by": "2027-11-30",
                "applied_on": "2026-10-25"}),
            ("POST", "/api/v1/insurance-policies") => json!({"kind": "enforcement",
                "insurer_org_id": self.org("insurer"), "insured_org_id": ent,
                "patents": [patent], "insured_amount_wan": "100", "premium_wan": "1.2",
                "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
            ("POST", "/api/v1/surveys") => json!({"title": "矩阵调查", "year": 2025,
                "district_code": DISTRICT,
                "items": [{"kind": "rating", "text": "总体满意度", "overall": true}],
                "invited": 10}),
            ("POST", "/api/v1/events/{id}/attendance") => json!({"org_id": ent, "attended": true}),
            ("POST", "/api/v1/matches/contact-requests") => {
                json!({"demand_id": self.ids["demand"], "supply_id": self.ids["supply"]})
            }
            ("POST", "/api/v1/deals/{id}/stage") => json!({"stage": "signed", "on": "2025-06-01"}),
            ("POST", "/api/v1/pledges/{id}/stage") => {
                json!({"stage": "withdrawn", "on": "2026-10-30"})
            }
            ("POST", "/api/v1/lots/{id}/bids") => json!({"amount_wan": "10"}),
            ("PUT", "/api/v1/notifications/preferences") => {
                json!({"kinds": [{"kind": "contact_request", "in_app": true, "email": false}]})
            }
            ("POST", "/api/v1/lots/{id}/route") => json!({"route": "later_session"}),
            ("POST", "/api/v1/reports/{year}/submissions/{district}/return") => {
                json!({"comment": "请补充材料"})
            }
            _ => json!({}),
        }
    }
}

/// A one-row file for the import endpoints (their body is the file).
fn import_csv(path: &str) -> Option<String> {
    let patent = {
        let digits = "202310123457";
        format!(
            "{digits}.{}",
            zhiyun_domain::ident::patent_check_char(digits).unwrap()
        )
    };
    match path {
        "/api/v1/listings/import" => Some(format!(
            "标题,描述,技术领域,合作方式,所在区,联系人,联系电话,有效期至\n\
             矩阵导入,用于拒绝矩阵的测试条目。,新能源与节能,许可,徐汇区,张明,13812345678,{}\n",
            in_a_year()
        )),
        "/api/v1/patents/import" => Some(format!(
            "专利申请号,专利名称,申请日,法律状态\n{patent},包装盒,2023-01-05,审中\n"
        )),
        _ => None,
    }
}

/// Statuses for a role the row lets through, and for one it does not.
fn acceptable(inside: bool, role: &str, status: StatusCode) -> bool {
    let s = status.as_u16();
    if s >= 500 {
        return false;
    }
    if inside {
        return s != 401 && s != 403;
    }
    if role == "visitor" {
        return s == 401 || s == 404;
    }
    s == 403 || s == 404
}

/// One call of `method path` as `role`: what is wrong with its answer, if anything.
async fn check(
    fx: &Fixture,
    method: &str,
    path: &str,
    uri: &str,
    spec: &str,
    role: &str,
) -> Option<String> {
    let mut req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri);
    if role != "visitor" {
        req = req.header(
            header::AUTHORIZATION,
            format!("Bearer {}", fx.app.tokens[role]),
        );
    }
    let req = if method == "GET" || method == "DELETE" {
        req.body(Body::empty())
    } else if let Some(csv) = import_csv(path) {
        req.header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv))
    } else {
        req.header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(fx.body(method, path).to_string()))
    }
    .unwrap();
    let res = fx.app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let inside = allowed(spec, role);
    if acceptable(inside, role, status) {
        return None;
    }
    let streaming = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"text/event-stream"));
    let body = if streaming {
        "(a stream)".to_string()
    } else {
        let bytes = axum::body::to_bytes(res.into_body(), 4096)
            .await
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).chars().take(200).collect()
    };
    Some(format!(
        "{method} {path} as {role} ({}): {status} {body}",
        if inside { "may use" } else { "must be refused" }
    ))
}

#[tokio::test]
async fn every_role_is_refused_where_the_policy_says() {
    let started = std::time::Instant::now();
    let fx = fixture().await;
    let mut failures = Vec::new();
    let mut calls = 0;
    // The logout last, not to end a caller's credentials before its other calls.
    let mut rows: Vec<_> = EXPECT.iter().collect();
    rows.sort_by_key(|(m, p, _)| (*m == "DELETE" && *p == "/api/v1/session") as u8);
    for &(method, path, spec) in rows {
        let uri = fx.fill(path);
        // The refused roles first, while the records are as the fixture made them (an allowed
        // call may move one on, and a later refusal would then be a conflict).
        // Each group at once (the refused ones change nothing; the allowed ones may race for a
        // record, which only turns a success into a 404 or 409).
        let (refused, inside): (Vec<&str>, Vec<&str>) =
            ROLES.iter().partition(|r| !allowed(spec, r));
        for group in [refused, inside] {
            calls += group.len();
            let answers = futures_util::future::join_all(
                group
                    .iter()
                    .map(|role| check(&fx, method, path, &uri, spec, role)),
            )
            .await;
            failures.extend(answers.into_iter().flatten());
        }
    }
    eprintln!(
        "refusal matrix: {} operations × {} roles = {calls} calls in {:?}",
        EXPECT.len(),
        ROLES.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {calls} calls answered against the refusal matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

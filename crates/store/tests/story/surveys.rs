//! The surveys' part of the store story (K6, T7): a survey and its items read back, invitations
//! with hashed tokens, a response and its answers in one transaction (the cap and a used token
//! refuse it whole), the rate limit's counters, and corrupt rows refused loudly.

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::org::{OrgKind, check_org};
use zhiyun_domain::survey::{Answer, Audience, SurveyInput, check_survey};
use zhiyun_store::password::secret_hash;
use zhiyun_store::surveys::{NewResponse, SurveyFilter, Via};
use zhiyun_store::{Db, StoreError, Who, testing};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn survey_story(db: Db) {
    let backend = db.backend();
    let who = Who::cli();
    let mk = |kind: &str, name: &str, district: &str| {
        check_org(&super::org(kind, name, None, Some(district))).unwrap()
    };
    let op = db
        .org_create(
            &check_org(&super::org(
                "park_operator",
                "徐汇园区运营",
                Some("91310115MA1K3BTP2B"),
                Some("310104"),
            ))
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    let e1 = db
        .org_create(&mk("university", "徐汇大学", "310104"), &who)
        .await
        .unwrap();
    let e2 = db
        .org_create(&mk("university", "徐汇学院", "310104"), &who)
        .await
        .unwrap();
    db.org_create(&mk("university", "闵行大学", "310112"), &who)
        .await
        .unwrap();

    let input: SurveyInput = serde_json::from_value(serde_json::json!({
        "title": "2023年度满意度调查", "year": 2023, "district_code": "310104",
        "audience": "universities",
        "items": [{"kind": "rating", "text": "总体满意度", "overall": true},
                  {"kind": "multi_choice", "text": "渠道", "options": ["网站", "活动"]},
                  {"kind": "text", "text": "意见"}],
        "invited": 100, "closes_on": "2023-12-31"}))
    .unwrap();
    let checked = check_survey(&input, day("2024-01-10")).unwrap();
    let s = db.survey_create(&checked, op.id, &who).await.unwrap();
    assert_eq!(s.items, checked.items, "{backend}");
    assert_eq!(
        (s.year, s.district_code, s.audience, s.invited_stated),
        (2023, Some("310104"), Audience::Universities, Some(100))
    );
    assert_eq!(
        (s.owner_name.as_str(), s.closed, s.responses),
        ("徐汇园区运营", false, 0)
    );
    assert_eq!(s.closes_on, Some(day("2023-12-31")));
    assert_eq!(s.survey(), checked);

    // The audience: universities of 徐汇 only.
    let audience = db
        .survey_audience(Audience::Universities.org_kinds(), Some("310104"), None)
        .await
        .unwrap();
    assert_eq!(
        audience,
        [
            (e1.id, "徐汇大学".to_string()),
            (e2.id, "徐汇学院".to_string())
        ]
    );
    assert!(
        db.survey_audience(&[OrgKind::Enterprise], Some("310104"), None)
            .await
            .unwrap()
            .is_empty()
    );
    let tokens = [("tok-a", e1.id), ("tok-b", e2.id)];
    let invited = db
        .survey_invite(
            s.id,
            &tokens
                .iter()
                .map(|(t, o)| (*o, secret_hash(t)))
                .collect::<Vec<_>>(),
            10,
            &who,
        )
        .await
        .unwrap();
    assert_eq!(invited, [e1.id, e2.id]);
    // Again: nobody new (an organisation is invited once), and the cap holds.
    let again = db
        .survey_invite(s.id, &[(e1.id, secret_hash("tok-c"))], 10, &who)
        .await
        .unwrap();
    assert!(again.is_empty());
    let over = db
        .survey_invite(s.id, &[(op.id, secret_hash("tok-d"))], 2, &who)
        .await;
    assert!(matches!(
        over,
        Err(StoreError::Conflict {
            code: Code::TooMany,
            ..
        })
    ));
    assert_eq!(db.survey_invitations(s.id).await.unwrap().len(), 2);
    assert_eq!(db.survey_get(s.id).await.unwrap().invited(), 102);
    let t = db
        .survey_token(&secret_hash("tok-a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((t.survey_id, t.used), (s.id, false));
    assert!(
        db.survey_token(&secret_hash("nope"))
            .await
            .unwrap()
            .is_none()
    );

    // A response with a token: stored with its answers, the token used.
    let answers = [
        Answer::Rating(5),
        Answer::Choices(vec![1, 2]),
        Answer::Text("多办活动".into()),
    ];
    let hash_a = secret_hash("tok-a");
    let r = NewResponse {
        via: Via::Invitation,
        token_hash: Some(&hash_a),
        org_name: Some("徐汇大学"),
        answers: &answers,
        received_on: day("2023-12-01"),
    };
    db.survey_respond(s.id, &r, 10, &who).await.unwrap();
    assert!(db.survey_token(&hash_a).await.unwrap().unwrap().used);
    // The same token again: refused whole, nothing written.
    let again = db.survey_respond(s.id, &r, 10, &who).await;
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict {
                code: Code::TokenUsed,
                ..
            })
        ),
        "{backend}: {again:?}"
    );
    // An anonymous link response with a skipped item; then the cap (2) refuses a third.
    let skipped = [Answer::Rating(2), Answer::Choices(vec![2]), Answer::Skipped];
    let link = NewResponse {
        via: Via::Link,
        token_hash: None,
        org_name: None,
        answers: &skipped,
        received_on: day("2023-12-02"),
    };
    db.survey_respond(s.id, &link, 2, &who).await.unwrap();
    let full = db.survey_respond(s.id, &link, 2, &who).await;
    assert!(matches!(
        full,
        Err(StoreError::Conflict {
            code: Code::SurveyFull,
            ..
        })
    ));
    let got = db.survey_responses(s.id).await.unwrap();
    assert_eq!(got.len(), 2, "{backend}");
    assert_eq!(got[0].answers, answers);
    assert_eq!(got[0].org_name.as_deref(), Some("徐汇大学"));
    assert_eq!((got[1].via, got[1].org_name.as_deref()), (Via::Link, None));
    assert_eq!(got[1].answers, skipped);
    let rec = db.survey_get(s.id).await.unwrap();
    assert_eq!((rec.responses, rec.invitations_used), (2, 1));

    // Listing by year and district; closing by hand and opening again.
    let city = check_survey(
        &SurveyInput {
            district_code: None,
            title: Some("全市满意度调查".into()),
            ..input.clone()
        },
        day("2024-01-10"),
    )
    .unwrap();
    db.survey_create(&city, op.id, &who).await.unwrap();
    let list = |year, district| SurveyFilter {
        year,
        district,
        ..Default::default()
    };
    assert_eq!(
        db.survey_list(&list(Some(2023), None)).await.unwrap().len(),
        2
    );
    let xuhui = db
        .survey_list(&list(Some(2023), Some(Some("310104".into()))))
        .await
        .unwrap();
    assert_eq!(xuhui.len(), 1);
    assert_eq!(xuhui[0].id, s.id);
    let citywide = db.survey_list(&list(None, Some(None))).await.unwrap();
    assert_eq!(citywide.len(), 1);
    assert_eq!(citywide[0].district_name(), "全市");
    assert!(
        db.survey_list(&list(Some(2022), None))
            .await
            .unwrap()
            .is_empty()
    );
    let closed = db.survey_set_closed(s.id, true, false, &who).await.unwrap();
    assert!(closed.closed && closed.closes_on.is_some());
    let open = db.survey_set_closed(s.id, false, true, &who).await.unwrap();
    assert!(!open.closed && open.closes_on.is_none());
    assert!(matches!(
        db.survey_set_closed(9999, true, false, &who).await,
        Err(StoreError::NotFound)
    ));

    // The rate limit's counters: per client and window; old windows forgotten.
    assert_eq!(db.survey_rate_hit("k1", 600, 0).await.unwrap(), 1);
    assert_eq!(db.survey_rate_hit("k1", 600, 0).await.unwrap(), 2);
    assert_eq!(db.survey_rate_hit("k2", 600, 0).await.unwrap(), 1);
    assert_eq!(db.survey_rate_hit("k1", 1200, 1200).await.unwrap(), 1);
    assert_eq!(
        db.survey_rate_hit("k1", 600, 0).await.unwrap(),
        1,
        "forgotten"
    );

    // Stored values nobody can read are corrupt data, not defaults.
    testing::execute(
        &db,
        &format!(
            "UPDATE surveys SET audience = 'martians' WHERE id = {}",
            s.id
        ),
    )
    .await
    .unwrap();
    let r = db.survey_get(s.id).await;
    assert!(
        matches!(&r, Err(StoreError::Corrupt { entity: "survey", id, .. }) if *id == s.id),
        "{backend}: {r:?}"
    );
    testing::execute(
        &db,
        "UPDATE survey_answers SET rating = 5 WHERE item_no = 2",
    )
    .await
    .unwrap();
    let r = db.survey_responses(s.id).await;
    assert!(
        matches!(
            &r,
            Err(StoreError::Corrupt {
                entity: "survey_answer",
                ..
            })
        ),
        "{backend}: {r:?}"
    );
}

#[tokio::test]
async fn survey_story_on_every_backend() {
    for db in testing::all_backends().await {
        survey_story(db).await;
    }
}

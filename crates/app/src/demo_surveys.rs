//! The demo's satisfaction surveys (K6, T7): 徐汇's yearly surveys of 2021–2024, back-filled with
//! their responses (2022 below the 90 % target, the other years above), and a training event of
//! 2024 with its participants' rating. Deterministic: a fixed seed, fixed dates.

use anyhow::{Result, anyhow};
use chrono::{NaiveDate, NaiveDateTime};
use zhiyun_domain::event::{EventInput, check_event};
use zhiyun_domain::survey::{Answer, SurveyInput, check_survey};
use zhiyun_store::surveys::{NewResponse, Via};
use zhiyun_store::{Db, Who};

/// The 徐汇 operator that runs the surveys.
pub const OPERATOR: &str = "上海徐汇科创走廊园区运营有限公司";

/// splitmix64, as in the rest of the demo.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// (year, invited, overall ratings 5/4/3/2/1): 2021 92.71 %, 2022 86.36 % (missed), 2023
/// 92.97 %, 2024 94.29 %.
const YEARS: [(i32, i64, [u32; 5]); 4] = [
    (2021, 150, [52, 37, 5, 2, 0]),
    (2022, 160, [48, 47, 11, 3, 1]),
    (2023, 180, [70, 49, 6, 2, 1]),
    (2024, 200, [82, 50, 6, 2, 0]),
];

const COMMENTS: [&str; 12] = [
    "希望多举办技术对接会，对接再精准一些",
    "质押融资流程再简化，放款速度再快一些",
    "培训内容很实用，希望增加专利布局方面的课程",
    "服务人员响应及时，专业能力强",
    "平台供需信息更新不够及时",
    "希望提供知识产权保险的政策解读",
    "技术对接会很有收获，已与高校达成合作意向",
    "质押融资额度偏低，希望扩大评估范围",
    "希望技术对接会提前发布参会企业名单",
    "培训时间安排在工作日下午比较合适",
    "专利转让许可的合同模板很有用",
    "服务响应不及时，电话难打通",
];

fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| anyhow!("demo date {s}: {e}"))
}

fn yearly_input(year: i32) -> SurveyInput {
    serde_json::from_value(serde_json::json!({
        "title": format!("{year}年度徐汇区知识产权运营服务满意度调查"),
        "year": year, "district_code": "310104", "audience": "everyone",
        "items": [
            {"kind": "rating", "text": "总体而言，您对本集聚区知识产权运营服务的满意程度", "overall": true},
            {"kind": "rating", "text": "供需对接与技术转移服务"},
            {"kind": "rating", "text": "知识产权质押融资服务"},
            {"kind": "rating", "text": "培训与宣传活动"},
            {"kind": "rating", "text": "服务人员的专业能力与态度"},
            {"kind": "choice", "text": "您主要通过哪种渠道了解集聚区服务",
             "options": ["平台网站", "活动现场", "微信公众号", "园区推荐"]},
            {"kind": "multi_choice", "text": "您希望加强哪些服务（可多选）",
             "options": ["专利转让许可对接", "质押融资", "知识产权保险", "培训", "维权援助"]},
            {"kind": "text", "text": "您对集聚区运营服务的意见和建议"}
        ],
        "invited": YEARS.iter().find(|y| y.0 == year).map(|y| y.1),
        "opens_on": format!("{year}-11-15"), "closes_on": format!("{year}-12-20")
    }))
    .expect("the demo survey is valid JSON")
}

/// The overall ratings in a shuffled order.
fn ratings(rng: &mut Rng, counts: [u32; 5]) -> Vec<u8> {
    let mut out: Vec<u8> = counts
        .iter()
        .zip([5u8, 4, 3, 2, 1])
        .flat_map(|(n, r)| std::iter::repeat_n(r, *n as usize))
        .collect();
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i as u64 + 1) as usize);
    }
    out
}

/// Load the demo surveys (called once by the demo loader). `operator` is the 徐汇 operator's id.
pub async fn load(db: &Db, operator: i64, who: &Who) -> Result<()> {
    let mut rng = Rng(20_241_120);
    let today = day("2025-01-10")?;
    for (year, _, counts) in YEARS {
        let survey = check_survey(&yearly_input(year), today)
            .map_err(|e| anyhow!("demo survey {year}: {e:?}"))?;
        let s = db.survey_create(&survey, operator, who).await?;
        for (n, overall) in ratings(&mut rng, counts).into_iter().enumerate() {
            let near = |rng: &mut Rng| -> u8 {
                let d = rng.below(3) as i8 - 1;
                (overall as i8 + d).clamp(1, 5) as u8
            };
            let mut picks: Vec<u16> = (1..=5).filter(|_| rng.below(3) == 0).collect();
            if picks.is_empty() {
                picks.push(1 + rng.below(5) as u16);
            }
            let comment = if rng.below(4) == 0 {
                // The year that missed the target heard more about slow service.
                let pool = if year == 2022 && rng.below(2) == 0 {
                    &COMMENTS[10..]
                } else {
                    &COMMENTS[..]
                };
                Answer::Text(pool[rng.below(pool.len() as u64) as usize].to_string())
            } else {
                Answer::Skipped
            };
            let answers = [
                Answer::Rating(overall),
                Answer::Rating(near(&mut rng)),
                Answer::Rating(near(&mut rng)),
                Answer::Rating(near(&mut rng)),
                Answer::Rating(near(&mut rng)),
                Answer::Choice(1 + rng.below(4) as u16),
                Answer::Choices(picks),
                comment,
            ];
            let received = day(&format!("{year}-11-15"))? + chrono::Duration::days((n % 30) as i64);
            db.survey_respond(
                s.id,
                &NewResponse {
                    via: Via::Link,
                    token_hash: None,
                    org_name: (n % 11 == 3).then_some("上海芯联微电子科技有限公司"),
                    answers: &answers,
                    received_on: received,
                },
                u64::MAX,
                &Who::system("respondent"),
            )
            .await?;
        }
        db.survey_set_closed(s.id, true, false, who).await?;
    }

    // A training event of 2024 and its participants' rating: 33 of 35 satisfied (94.29 %).
    let at = |s: &str| {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").map_err(|e| anyhow!("demo time: {e}"))
    };
    let event = check_event(
        &EventInput {
            kind: Some("training".into()),
            title: Some("专利质押融资实务培训".into()),
            description: Some(
                "讲解专利权质押登记流程、评估与风险补偿政策，银行与评估机构现场答疑。".into(),
            ),
            starts_at: Some("2024-11-20T14:00".into()),
            ends_at: Some("2024-11-20T16:30".into()),
            place: Some("徐汇区虹漕路 88 号 3 楼报告厅".into()),
            capacity: Some(80),
            ..Default::default()
        },
        at("2024-11-01 09:00")?,
    )
    .map_err(|e| anyhow!("demo event: {e:?}"))?;
    let event = db.event_create(&event, operator, who).await?;
    let rating: SurveyInput = serde_json::from_value(serde_json::json!({
        "title": "“专利质押融资实务培训”参会评价", "year": 2024, "district_code": "310104",
        "audience": "event_participants", "event_id": event.id,
        "items": [
            {"kind": "rating", "text": "总体而言，您对本次活动的满意程度", "overall": true},
            {"kind": "rating", "text": "活动内容的实用性"},
            {"kind": "rating", "text": "组织安排（时间、地点、流程）"},
            {"kind": "text", "text": "您对今后活动的意见和建议"}
        ],
        "invited": 40, "opens_on": "2024-11-20", "closes_on": "2024-11-27"
    }))?;
    let rating = check_survey(&rating, today).map_err(|e| anyhow!("demo rating: {e:?}"))?;
    let s = db.survey_create(&rating, operator, who).await?;
    for (n, overall) in ratings(&mut rng, [20, 13, 2, 0, 0]).into_iter().enumerate() {
        let text = match n % 7 {
            0 => Answer::Text("案例讲解很实用，希望多举办".into()),
            3 => Answer::Text("希望提供课件下载".into()),
            _ => Answer::Skipped,
        };
        let answers = [
            Answer::Rating(overall),
            Answer::Rating(overall.max(3)),
            Answer::Rating(5 - (n % 2) as u8),
            text,
        ];
        db.survey_respond(
            s.id,
            &NewResponse {
                via: Via::Link,
                token_hash: None,
                org_name: None,
                answers: &answers,
                received_on: day("2024-11-20")?,
            },
            u64::MAX,
            &Who::system("respondent"),
        )
        .await?;
    }
    db.survey_set_closed(s.id, true, false, who).await?;
    Ok(())
}

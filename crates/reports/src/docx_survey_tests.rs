use docx_rs::{
    DocumentChild, ParagraphChild, RunChild, TableCellContent, TableChild, TableRowChild, read_docx,
};
use zhiyun_domain::survey::{
    Answer, Method, SurveyInput, check_survey, survey_results, themes::keywords,
};

use super::*;

fn items() -> Vec<zhiyun_domain::survey::SurveyItem> {
    let input: SurveyInput = serde_json::from_value(serde_json::json!({
        "title": "2023年度徐汇区知识产权运营服务满意度调查", "year": 2023, "district_code": "310104",
        "items": [{"kind": "rating", "text": "总体满意度", "overall": true},
                  {"kind": "choice", "text": "您参加过哪类活动", "options": ["技术对接会", "培训"]},
                  {"kind": "text", "text": "意见建议"}],
        "invited": 120}))
    .unwrap();
    check_survey(
        &input,
        chrono::NaiveDate::from_ymd_opt(2024, 1, 10).unwrap(),
    )
    .unwrap()
    .items
}

/// The worked example: ratings 5,5,4,4,4,3,5,2,4,5 of 120 invited.
fn worked() -> SurveyResult {
    let texts = [
        "希望多举办技术对接会",
        "技术对接会很有收获",
        "",
        "质押流程再简化",
        "",
        "",
        "",
        "",
        "",
        "",
    ];
    let responses: Vec<Vec<Answer>> = [5u8, 5, 4, 4, 4, 3, 5, 2, 4, 5]
        .iter()
        .zip(texts)
        .enumerate()
        .map(|(i, (r, t))| {
            vec![
                Answer::Rating(*r),
                Answer::Choice(1 + (i % 2) as u16),
                if t.is_empty() {
                    Answer::Skipped
                } else {
                    Answer::Text(t.into())
                },
            ]
        })
        .collect();
    survey_results(&items(), &responses, 120, Method::TopTwo)
}

/// Every paragraph's text in document order, table cells included; and the number of images.
fn texts(bytes: &[u8]) -> (Vec<String>, usize) {
    let docx = read_docx(bytes).unwrap();
    let mut out = Vec::new();
    let mut images = 0;
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                for c in &p.children {
                    if let ParagraphChild::Run(r) = c {
                        images += r
                            .children
                            .iter()
                            .filter(|c| matches!(c, RunChild::Drawing(_)))
                            .count();
                    }
                }
                out.push(p.raw_text());
            }
            DocumentChild::Table(t) => {
                for TableChild::TableRow(r) in &t.rows {
                    for TableRowChild::TableCell(c) in &r.cells {
                        for content in &c.children {
                            if let TableCellContent::Paragraph(p) = content {
                                out.push(p.raw_text());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (out, images)
}

fn doc<'a>(result: &'a SurveyResult, previous: Option<PreviousYear<'a>>) -> SurveyReportDoc<'a> {
    let all_texts: Vec<String> = result.items[2].texts.clone();
    SurveyReportDoc {
        title: "2023年度徐汇区知识产权运营服务满意度调查".into(),
        year: 2023,
        district: "徐汇区".into(),
        organiser: "上海徐汇科创走廊园区运营有限公司".into(),
        audience: "全部服务对象".into(),
        event: None,
        period: "2023-11-01 至 2023-12-31".into(),
        result,
        invited_platform: 20,
        invited_outside: 100,
        by_invitation: 4,
        by_link: 6,
        named: 1,
        themes: keywords(&all_texts, 5)
            .into_iter()
            .map(|k| ThemeLine {
                word: k.word,
                answers: k.answers,
                examples: k.examples.iter().map(|&i| all_texts[i].clone()).collect(),
            })
            .collect(),
        previous,
        generated_at: "2024-01-10 09:00".into(),
    }
}

#[test]
fn k6_the_survey_report_reads_back_with_both_methods_the_verdict_and_charts() {
    let result = worked();
    assert_eq!(
        result
            .satisfaction
            .top_two_pct
            .map(|d| d.to_string())
            .as_deref(),
        Some("80.00")
    );
    let bytes = survey_report_docx(&doc(&result, None)).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let (t, images) = texts(&bytes);
    let has = |s: &str| t.iter().any(|x| x == s);
    let contains = |s: &str| t.iter().any(|x| x.contains(s));
    // The long title breaks before 满意度 (the run holds a line break there).
    assert_eq!(t[0], "2023年度徐汇区知识产权运营服务\n满意度调查报告");
    for h in [
        "一、调查概况",
        "二、调查方法",
        "三、样本情况",
        "四、总体满意度",
        "五、分项结果",
        "六、意见建议归纳",
        "七、与上年比较",
    ] {
        assert!(has(h), "heading {h} in {t:#?}");
    }
    // Both methods named, the top-two one as K6's figure.
    assert!(contains("满意率（前两项占比法）：满意率 = "));
    assert!(contains("满意度得分（加权平均法）：满意度得分 = "));
    // Sample: valid, invited, response rate.
    assert!(contains(
        "共邀请 120 家（平台邀请 20 家，平台外邀请 100 家），收回有效问卷 10 份，问卷回收率 8.33%"
    ));
    // The overall result with its method and the verdict.
    assert!(has(
        "按满意率（前两项占比法）计算，总体满意度为 80.00%，低于 90% 的目标，未达标。"
    ));
    assert!(contains("总体满意度得分为 81.00 分"));
    assert!(has("80.00%") && has("81.00 分") && has("未达标"));
    // Per item: the distributions in tables; charts as images (overall + the choice item).
    assert!(has("非常满意") && has("40.00%") && has("技术对接会"));
    assert_eq!(images, 2, "{t:#?}");
    // Free-text themes and every answer.
    assert!(has("技术对接会") && contains("“希望多举办技术对接会”"));
    assert!(has("1. 希望多举办技术对接会") && has("3. 质押流程再简化"));
    // No survey last year.
    assert!(contains("未开展 2022 年度满意度调查"));
    assert!(has("生成时间：2024-01-10 09:00"));
}

#[test]
fn k6_the_report_compares_with_last_year() {
    let result = worked();
    // Last year: nine of ten satisfied, 90.00 % — met.
    let last: Vec<Vec<Answer>> = [5u8, 5, 4, 4, 4, 4, 5, 5, 4, 2]
        .iter()
        .map(|r| vec![Answer::Rating(*r), Answer::Choice(1), Answer::Skipped])
        .collect();
    let prev = survey_results(&items(), &last, 100, Method::TopTwo);
    assert_eq!(prev.met, Some(true));
    let bytes = survey_report_docx(&doc(
        &result,
        Some(PreviousYear {
            title: "2022年度徐汇区知识产权运营服务满意度调查".into(),
            year: 2022,
            result: &prev,
        }),
    ))
    .unwrap();
    // `ZHIYUN_REPORT_OUT=DIR` keeps the document, to convert it to PDF and look at the pages.
    if let Ok(dir) = std::env::var("ZHIYUN_REPORT_OUT") {
        std::fs::write(format!("{dir}/survey-report.docx"), &bytes).unwrap();
    }
    let (t, _) = texts(&bytes);
    let has = |s: &str| t.iter().any(|x| x == s);
    assert!(
        has("与上年（2022年度徐汇区知识产权运营服务满意度调查）相比，满意率下降 10.00 个百分点。"),
        "{t:#?}"
    );
    assert!(has("2022 年度") && has("2023 年度"));
    assert!(has("90.00%") && has("-10.00 百分点") && has("达标") && has("未达标"));
    assert!(
        has("10.00%") && has("8.33%"),
        "response rates of both years"
    );
}

#[test]
fn report_titles() {
    assert_eq!(report_title("2023年度满意度调查"), "2023年度满意度调查报告");
    assert_eq!(report_title("满意度调查报告"), "满意度调查报告");
    assert_eq!(title_lines("满意度调查报告"), "满意度调查报告");
    assert_eq!(
        title_lines("“专利质押融资实务培训”参会评价报告"),
        "“专利质押融资实务培训”参会评价报告"
    );
}

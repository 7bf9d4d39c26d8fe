//! The cluster's yearly work report to the municipal bureau (T8, 年度工作报告) as DOCX, in the
//! layout of the 申报书 ([`crate::docx_application`]: A4, GB/T 9704 margins, title in 方正小标宋
//! 二号, headings 黑体 / 楷体 三号, body 仿宋 三号 at a fixed pitch, page numbers `— 1 —`).
//!
//! Sections: 一、年度绩效指标完成情况 (a table per indicator K1–K6 with its definition, target and
//! verdict, and a bar chart of the yearly values where it helps); 二、重点任务完成情况 (T1–T8: counts
//! and examples drawn from the records); 三、存在问题 and 四、下一年度工作计划 (written by the
//! operator in the browser). Everything arrives formatted for people; this module lays it out.

use std::io::Cursor;

use docx_rs::{AlignmentType, LineSpacing, LineSpacingType, Paragraph, Pic, Run};

use crate::ReportError;
use crate::chart::BarChart;
use crate::docx_application::{
    BODY_LINE, FONT_BODY, FONT_SUBHEADING, FONT_TITLE, SIZE_BODY, SIZE_TABLE, SIZE_TITLE,
    blank_line, body, body_spacing, chinese_number, gbt9704_page, heading, run, subheading, table,
    widths,
};

/// One indicator's part of section 一.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorPart {
    /// `K1`
    pub code: String,
    pub label: String,
    pub unit: String,
    pub definition: String,
    /// `年均增幅 ≥ 30%`
    pub target: String,
    /// (年度, 数值, 同比增幅) per year, formatted.
    pub rows: Vec<[String; 3]>,
    /// `年均增幅 57.64%` or why none.
    pub growth: String,
    /// `已达标`, `未达标` …, with a note.
    pub verdict: String,
    /// The yearly values as bars (numbered in the table's order), when a chart helps.
    pub chart: Option<BarChart>,
}

/// One task's part of section 二.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPart {
    /// `T1`
    pub code: String,
    pub title: String,
    /// Sentences with the year's counts.
    pub lines: Vec<String>,
    /// A few records as examples.
    pub examples: Vec<String>,
}

/// What the report says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkReportDoc {
    pub year: i32,
    /// 徐汇区
    pub district: String,
    /// The operator organisation, signing the report.
    pub organiser: String,
    /// `2021–2023 年（基期 2020 年）`
    pub period: String,
    /// When the figures were counted, or that they are the frozen figures of a submission.
    pub figures_note: String,
    pub indicators: Vec<IndicatorPart>,
    pub tasks: Vec<TaskPart>,
    /// 存在问题 (paragraphs separated by line breaks; empty: not written yet).
    pub problems: String,
    /// 下一年度工作计划
    pub plan: String,
    /// `YYYY-MM-DD HH:MM`
    pub generated_at: String,
}

/// The report's title.
pub fn work_report_title(district: &str, year: i32) -> String {
    format!("{district}知识产权运营服务集聚区\n{year} 年度工作报告")
}

const CHART_EMU_W: u32 = 13 * 360_000;
const CHART_PX_W: u32 = 1100;
const NOT_WRITTEN: &str = "（尚未填写）";

fn chart_paragraph(chart: &BarChart) -> Paragraph {
    let (w, h, _) = chart.raster(CHART_PX_W);
    let png = chart.png(CHART_PX_W);
    let emu_h = (u64::from(CHART_EMU_W) * u64::from(h) / u64::from(w.max(1))) as u32;
    Paragraph::new()
        .add_run(Run::new().add_image(Pic::new_with_dimensions(png, w, h).size(CHART_EMU_W, emu_h)))
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(120).after(60))
        .keep_next(true)
}

fn caption(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_BODY, SIZE_TABLE))
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(60).after(120))
}

/// Paragraphs of an operator's section, one per line written.
fn written(text: &str) -> Vec<Paragraph> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return vec![body(NOT_WRITTEN)];
    }
    lines.into_iter().map(body).collect()
}

/// The work report as DOCX.
pub fn work_report_docx(doc: &WorkReportDoc) -> Result<Vec<u8>, ReportError> {
    let mut docx = gbt9704_page();
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .add_run(run(
                    &work_report_title(&doc.district, doc.year),
                    FONT_TITLE,
                    SIZE_TITLE,
                ))
                .align(AlignmentType::Center)
                .line_spacing(
                    LineSpacing::new()
                        .line(BODY_LINE * 2)
                        .line_rule(LineSpacingType::AtLeast),
                ),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&format!("（{}）", doc.organiser), FONT_SUBHEADING, SIZE_BODY))
                .align(AlignmentType::Center)
                .line_spacing(body_spacing()),
        )
        .add_paragraph(blank_line())
        .add_paragraph(body(&format!(
            "根据《上海市知识产权运营服务集聚区建设工作方案》的要求，现将{}知识产权运营服务集聚区 {} 年度工作情况报告如下。",
            doc.district, doc.year
        )));

    // 一、绩效指标
    docx = docx
        .add_paragraph(heading("一、年度绩效指标完成情况"))
        .add_paragraph(body(&format!(
            "统计期为 {}。{}以下数据均由平台根据登记在册的质押、交易、专利、调查等记录自动统计，每个数据均可追溯至具体记录。",
            doc.period, doc.figures_note
        )));
    for (i, k) in doc.indicators.iter().enumerate() {
        let value_h = format!("数值（{}）", k.unit);
        docx = docx
            .add_paragraph(subheading(&format!(
                "（{}）{} {}",
                chinese_number(i + 1),
                k.code,
                k.label
            )))
            .add_paragraph(body(&format!("指标口径：{}", k.definition)))
            .add_paragraph(body(&format!(
                "目标：{}。{}；{}。",
                k.target, k.growth, k.verdict
            )))
            .add_table(table(
                &widths(&[2, 3, 3]),
                &["年度", value_h.as_str(), "同比增幅"],
                k.rows.iter().map(|r| r.to_vec()).collect(),
            ));
        if let Some(chart) = &k.chart
            && !chart.bars.is_empty()
        {
            docx = docx
                .add_paragraph(chart_paragraph(chart))
                .add_paragraph(caption(&format!(
                    "图 {}　{}（{}，柱序同上表年度顺序）",
                    i + 1,
                    k.label,
                    k.unit
                )));
        } else {
            docx = docx.add_paragraph(blank_line());
        }
    }

    // 二、重点任务
    docx = docx.add_paragraph(heading("二、重点任务完成情况"));
    for (i, t) in doc.tasks.iter().enumerate() {
        docx = docx.add_paragraph(subheading(&format!(
            "（{}）{} {}",
            chinese_number(i + 1),
            t.code,
            t.title
        )));
        for l in &t.lines {
            docx = docx.add_paragraph(body(l));
        }
        if !t.examples.is_empty() {
            docx = docx.add_paragraph(body("典型事例："));
            for (j, e) in t.examples.iter().enumerate() {
                docx = docx.add_paragraph(body(&format!("{}. {e}", j + 1)));
            }
        }
    }

    // 三、四、由运营单位撰写
    docx = docx.add_paragraph(heading("三、存在问题"));
    for p in written(&doc.problems) {
        docx = docx.add_paragraph(p);
    }
    docx = docx.add_paragraph(heading("四、下一年度工作计划"));
    for p in written(&doc.plan) {
        docx = docx.add_paragraph(p);
    }

    docx = docx
        .add_paragraph(blank_line().keep_next(true))
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&doc.organiser, FONT_BODY, SIZE_BODY))
                .align(AlignmentType::Right)
                .line_spacing(body_spacing())
                .keep_next(true),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(run(
                    &format!("生成时间：{}", doc.generated_at),
                    FONT_BODY,
                    SIZE_BODY,
                ))
                .align(AlignmentType::Right)
                .line_spacing(body_spacing()),
        );
    let mut cursor = Cursor::new(Vec::new());
    docx.pack(&mut cursor)
        .map_err(|e| ReportError::Docx(format!("生成 DOCX 文件失败：{e}")))?;
    Ok(cursor.into_inner())
}

/// The text of a DOCX's main part (`word/document.xml`) with the tags removed: what a test reads.
pub fn docx_text(bytes: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .ok()?
        .read_to_string(&mut xml)
        .ok()?;
    let mut out = String::with_capacity(xml.len() / 3);
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::ChartBar;

    fn doc() -> WorkReportDoc {
        WorkReportDoc {
            year: 2025,
            district: "徐汇区".into(),
            organiser: "上海徐汇知识产权运营有限公司".into(),
            period: "2023–2025 年（基期 2022 年）".into(),
            figures_note: "数据截至 2026 年 1 月 10 日。".into(),
            indicators: vec![IndicatorPart {
                code: "K2".into(),
                label: "专利商标质押融资项目数".into(),
                unit: "项".into(),
                definition: "统计年度内……".into(),
                target: "年均增幅 ≥ 20%".into(),
                rows: vec![
                    ["2024".into(), "5".into(), "—".into()],
                    ["2025".into(), "8".into(), "60.00%".into()],
                ],
                growth: "年均增幅 26.49%".into(),
                verdict: "已达标".into(),
                chart: Some(BarChart {
                    title: "K2".into(),
                    unit: "项".into(),
                    bars: vec![ChartBar {
                        label: "2025".into(),
                        count: 8,
                        pct: None,
                        highlight: false,
                    }],
                }),
            }],
            tasks: vec![TaskPart {
                code: "T4".into(),
                title: "促进专利转移转化".into(),
                lines: vec!["全年登记交易 12 笔。".into()],
                examples: vec!["某大学向某公司转让专利 3 件".into()],
            }],
            problems: "一是质押融资规模仍偏小。\n二是服务覆盖面不足。".into(),
            plan: String::new(),
            generated_at: "2026-01-10 09:00".into(),
        }
    }

    #[test]
    fn t8_work_report_holds_the_figures_the_tasks_and_the_operators_sections() {
        let bytes = work_report_docx(&doc()).unwrap();
        assert!(bytes.starts_with(b"PK"));
        let text = docx_text(&bytes).unwrap();
        for want in [
            "2025 年度工作报告",
            "一、年度绩效指标完成情况",
            "K2 专利商标质押融资项目数",
            "60.00%",
            "年均增幅 26.49%",
            "T4 促进专利转移转化",
            "全年登记交易 12 笔。",
            "三、存在问题",
            "一是质押融资规模仍偏小。",
            "二是服务覆盖面不足。",
            "四、下一年度工作计划",
            NOT_WRITTEN,
        ] {
            assert!(text.contains(want), "missing {want}");
        }
    }
}

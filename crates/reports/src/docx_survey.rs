//! The yearly survey report (满意度调查报告, K6) as DOCX, in the layout of the 申报书
//! ([`crate::docx_application`]: A4, GB/T 9704 margins, title in 方正小标宋 二号, headings 黑体 /
//! 楷体 三号, body 仿宋 三号 at a fixed 28.95 pt pitch, page numbers `— 1 —`).
//!
//! Sections: 一、调查概况; 二、调查方法 (both methods named, the top-two share is the K6 figure);
//! 三、样本情况 (valid responses, invited, response rate); 四、总体满意度 (the overall item's
//! figures by both methods, the ≥ 90 % verdict, its chart and table); 五、分项结果 (every item's
//! table and chart as a PNG image); 六、意见建议归纳 (the free-text themes and every answer);
//! 七、与上年比较 (last year's survey of the same district, when there is one).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, LineSpacing, LineSpacingType, Paragraph, Pic, Run, Shading, TableAlignmentType,
    TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};
use zhiyun_domain::decimal::Dec2;
use zhiyun_domain::survey::{ItemKind, ItemResult, Method, SurveyResult};

use crate::ReportError;
use crate::chart::BarChart;
use crate::docx_application::{
    BODY_LINE, FILL_FAIL, FILL_HEADER, FILL_PASS, FONT_BODY, FONT_SUBHEADING, FONT_TITLE,
    SIZE_BODY, SIZE_TABLE, SIZE_TITLE, blank_line, body, body_spacing, chinese_number,
    gbt9704_page, heading, run, subheading, widths,
};

/// A frequent phrase of the free-text answers with a few answers that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeLine {
    pub word: String,
    pub answers: usize,
    pub examples: Vec<String>,
}

/// Last year's survey of the same district, for the comparison.
#[derive(Debug, Clone)]
pub struct PreviousYear<'a> {
    pub title: String,
    pub year: i32,
    pub result: &'a SurveyResult,
}

/// What the report says. `result` is computed with the top-two method (K6).
#[derive(Debug, Clone)]
pub struct SurveyReportDoc<'a> {
    pub title: String,
    pub year: i32,
    /// 徐汇区, or 全市.
    pub district: String,
    pub organiser: String,
    /// 服务企业 …
    pub audience: String,
    /// The linked event's title (an event's rating survey).
    pub event: Option<String>,
    /// `2023-11-01 至 2023-12-31`, or a sentence when no dates were set.
    pub period: String,
    pub result: &'a SurveyResult,
    /// Invitations sent through the platform, and invited outside it as stated.
    pub invited_platform: u32,
    pub invited_outside: u32,
    /// Valid responses by invitation token, by the public link, and naming their organisation.
    pub by_invitation: u64,
    pub by_link: u64,
    pub named: u64,
    pub themes: Vec<ThemeLine>,
    pub previous: Option<PreviousYear<'a>>,
    /// `YYYY-MM-DD HH:MM`.
    pub generated_at: String,
}

/// Free-text answers listed in full up to this many per item; the rest are counted.
pub const TEXTS_LISTED: usize = 200;
/// The charts' width in the document: 14 cm in EMU (1 cm = 360,000 EMU).
const CHART_EMU_W: u32 = 14 * 360_000;
/// The charts' width in pixels.
const CHART_PX_W: u32 = 1200;

fn pct(v: Option<Dec2>) -> String {
    v.map(|v| format!("{v}%")).unwrap_or_else(|| "—".into())
}

fn score(v: Option<Dec2>) -> String {
    v.map(|v| format!("{v} 分")).unwrap_or_else(|| "—".into())
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "无法判断",
    }
}

/// The report's title: the survey's title followed by 报告 (unless it says so already).
pub fn report_title(survey_title: &str) -> String {
    let t = survey_title.trim();
    if t.ends_with("报告") {
        t.to_string()
    } else {
        format!("{t}报告")
    }
}

/// Characters of 二号 that fit a line of the text block.
const TITLE_LINE_CHARS: usize = 20;

/// A long title broken where it reads well — before 满意度… — rather than wherever the line
/// ends (GB/T 9704: a title of several lines is broken at a word).
pub fn title_lines(title: &str) -> String {
    let n = title.chars().count();
    if n <= TITLE_LINE_CHARS {
        return title.to_string();
    }
    match title.find("满意度") {
        Some(at)
            if at > 0
                && title[at..].chars().count() <= TITLE_LINE_CHARS
                && title[..at].chars().count() <= TITLE_LINE_CHARS =>
        {
            format!("{}\n{}", &title[..at], &title[at..])
        }
        _ => title.to_string(),
    }
}

enum Block {
    P(Box<Paragraph>),
    T(Box<docx_rs::Table>),
}

fn p(par: Paragraph) -> Block {
    Block::P(Box::new(par))
}

fn t(table: docx_rs::Table) -> Block {
    Block::T(Box::new(table))
}

// ---------- tables: padded cells, kept on one page ----------

/// A cell's paragraph (仿宋 小四) with a little air above and below; `keep` keeps the row with
/// the next one, so a small table does not break across pages.
fn cell_par(text: &str, bold: bool, align: AlignmentType, keep: bool) -> Paragraph {
    let mut r = run(text, FONT_BODY, SIZE_TABLE);
    if bold {
        r = r.bold();
    }
    Paragraph::new()
        .add_run(r)
        .align(align)
        .line_spacing(LineSpacing::new().line(300).before(50).after(50))
        .keep_next(keep)
}

fn cell(text: &str, width: usize, keep: bool) -> TableCell {
    TableCell::new()
        .add_paragraph(cell_par(text, false, AlignmentType::Left, keep))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

fn header_cell(text: &str, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(cell_par(text, true, AlignmentType::Center, true))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .shading(Shading::new().fill(FILL_HEADER))
}

/// Tables this long or shorter are kept on one page.
const KEEP_ROWS: usize = 15;

fn table_of(widths: &[usize], rows: Vec<TableRow>) -> docx_rs::Table {
    docx_rs::Table::new(rows)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
        .margins(TableCellMargins::new().margin(0, 100, 0, 100))
}

/// A table with a shaded header row.
fn table(widths: &[usize], header: &[&str], rows: Vec<Vec<String>>) -> docx_rs::Table {
    table_keeping(widths, header, rows, false)
}

/// `with_next`: the last row keeps with what follows too (the report's closing lines).
fn table_keeping(
    widths: &[usize],
    header: &[&str],
    rows: Vec<Vec<String>>,
    with_next: bool,
) -> docx_rs::Table {
    let n = rows.len();
    let mut out = vec![
        TableRow::new(
            header
                .iter()
                .zip(widths)
                .map(|(h, &w)| header_cell(h, w))
                .collect(),
        )
        .cant_split(),
    ];
    for (i, row) in rows.into_iter().enumerate() {
        let keep = n <= KEEP_ROWS && (with_next || i + 1 < n);
        out.push(
            TableRow::new(
                row.iter()
                    .zip(widths)
                    .map(|(t, &w)| cell(t, w, keep))
                    .collect(),
            )
            .cant_split(),
        );
    }
    table_of(widths, out)
}

/// A chart as an inline image, centred, 14 cm wide.
fn chart_paragraph(chart: &BarChart) -> Paragraph {
    let (w, h, _) = chart.raster(CHART_PX_W);
    let png = chart.png(CHART_PX_W);
    let emu_h = (u64::from(CHART_EMU_W) * u64::from(h) / u64::from(w)) as u32;
    Paragraph::new()
        .add_run(Run::new().add_image(Pic::new_with_dimensions(png, w, h).size(CHART_EMU_W, emu_h)))
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(120).after(60))
        .keep_next(true)
}

/// A small centred caption under a chart or table (仿宋 小四).
fn caption(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_BODY, SIZE_TABLE))
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(0).after(120))
        .keep_next(true)
}

/// An item's data table: 序号 (as numbered on the chart), 选项, 份数, 占比.
fn item_table(item: &ItemResult) -> docx_rs::Table {
    let rows = item
        .bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            vec![
                (i + 1).to_string(),
                b.label.clone(),
                b.count.to_string(),
                pct(b.pct),
            ]
        })
        .collect();
    table(
        &widths(&[10, 50, 18, 22]),
        &["序号", "选项", "份数", "占比"],
        rows,
    )
}

fn section_overview(doc: &SurveyReportDoc) -> Vec<Block> {
    let mut out = vec![
        p(heading("一、调查概况")),
        p(body(&format!(
            "为了解{}知识产权运营服务对象对集聚区服务的满意程度，{}组织开展了{} 年度满意度问卷调查（{}）。",
            doc.district, doc.organiser, doc.year, doc.title
        ))),
        p(body(&format!("调查对象：{}。", doc.audience))),
    ];
    if let Some(e) = &doc.event {
        out.push(p(body(&format!("本次调查为“{e}”活动的参会评价。"))));
    }
    out.push(p(body(&format!("调查时间：{}。", doc.period))));
    out.push(p(body(
        "调查方式：通过平台向登记在册的服务对象发送一次性邀请链接，并在活动现场和平台公开问卷链接（二维码）；作答无需登录，除作答人自愿填写单位名称外均为匿名作答。",
    )));
    out
}

fn section_method(doc: &SurveyReportDoc) -> Vec<Block> {
    let r = doc.result;
    let n = r.items.len();
    let overall = r.items.iter().find(|i| i.overall);
    let count = |k: ItemKind| r.items.iter().filter(|i| i.kind == k).count();
    let mut out = vec![
        p(heading("二、调查方法")),
        p(body(&format!(
            "问卷共 {n} 道题：满意度评分题 {} 道，单选题 {} 道，多选题 {} 道，开放题 {} 道。评分题采用五级量表（非常满意、满意、一般、不满意、非常不满意）。",
            count(ItemKind::Rating),
            count(ItemKind::Choice),
            count(ItemKind::MultiChoice),
            count(ItemKind::Text)
        ))),
    ];
    if let Some(o) = overall {
        out.push(p(body(&format!(
            "第 {} 题“{}”为总体满意度题，是本报告判断满意度目标的依据。",
            o.number, o.text
        ))));
    }
    out.push(p(body(
        "满意度按以下两种通行方法计算，并在每个数值旁注明所用方法：",
    )));
    for (i, m) in Method::ALL.iter().enumerate() {
        out.push(p(body(&format!(
            "{}. {}：{}",
            i + 1,
            m.label(),
            m.description()
        ))));
    }
    let target = &doc.result.target_pct;
    out.push(p(body(&format!(
        "按集聚区绩效要求（K6），服务对象满意度应不低于 {target}%，以{}为准；{}作为参考一并列出。百分比和得分均按四舍五入保留两位小数。",
        Method::TopTwo.label(),
        Method::Weighted.label()
    ))));
    out
}

fn section_sample(doc: &SurveyReportDoc) -> Vec<Block> {
    let r = doc.result;
    let invited = format!(
        "{} 家（平台邀请 {} 家，平台外邀请 {} 家）",
        r.invited, doc.invited_platform, doc.invited_outside
    );
    let rate = match r.response_rate {
        Some(v) => format!("{v}%"),
        None => "—（未记录邀请数，无法计算）".into(),
    };
    let mut out = vec![
        p(heading("三、样本情况")),
        p(body(&format!(
            "共邀请 {invited}，收回有效问卷 {} 份，问卷回收率 {rate}（有效问卷数 ÷ 邀请数）。",
            r.valid
        ))
        .keep_next(true)),
    ];
    if r.invalid > 0 {
        out.push(p(body(&format!(
            "另有 {} 份问卷与现行题目不一致，未计入统计。",
            r.invalid
        ))));
    }
    out.push(t(table(
        &widths(&[40, 30, 30]),
        &["项目", "数量", "说明"],
        vec![
            vec![
                "邀请数".into(),
                r.invited.to_string(),
                "回收率的分母".into(),
            ],
            vec![
                "有效问卷".into(),
                r.valid.to_string(),
                "回收率的分子".into(),
            ],
            vec![
                "其中：凭邀请作答".into(),
                doc.by_invitation.to_string(),
                "一次性链接".into(),
            ],
            vec![
                "其中：公开链接作答".into(),
                doc.by_link.to_string(),
                "含活动现场二维码".into(),
            ],
            vec![
                "其中：自愿署名".into(),
                doc.named.to_string(),
                "其余为匿名".into(),
            ],
            vec![
                "问卷回收率".into(),
                rate.clone(),
                "有效问卷 ÷ 邀请数".into(),
            ],
        ],
    )));
    out.push(p(blank_line()));
    out
}

fn verdict_cell(met: Option<bool>, width: usize) -> TableCell {
    let mut c = TableCell::new()
        .add_paragraph(cell_par(verdict(met), true, AlignmentType::Center, true))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center);
    match met {
        Some(true) => c = c.shading(Shading::new().fill(FILL_PASS)),
        Some(false) => c = c.shading(Shading::new().fill(FILL_FAIL)),
        None => {}
    }
    c
}

fn section_overall(doc: &SurveyReportDoc) -> Vec<Block> {
    let r = doc.result;
    let s = r.satisfaction;
    let target = &r.target_pct;
    let mut out = vec![p(heading("四、总体满意度"))];
    let sentence = match (s.top_two_pct, r.met) {
        (Some(v), Some(true)) => format!(
            "按{}计算，总体满意度为 {v}%，达到不低于 {target}% 的目标。",
            Method::TopTwo.label()
        ),
        (Some(v), _) => format!(
            "按{}计算，总体满意度为 {v}%，低于 {target}% 的目标，未达标。",
            Method::TopTwo.label()
        ),
        (None, _) => "总体满意度题没有有效回答，无法计算满意度，也无法判断是否达标。".into(),
    };
    out.push(p(body(&sentence)));
    if let Some(w) = s.weighted_score {
        out.push(p(body(&format!(
            "按{}计算，总体满意度得分为 {w} 分（满分 100 分），供参考。",
            Method::Weighted.label()
        ))));
    }
    let w = widths(&[26, 18, 40, 16]);
    let rows = vec![
        TableRow::new(vec![
            header_cell("指标", w[0]),
            header_cell("数值", w[1]),
            header_cell("计算方法", w[2]),
            header_cell("目标", w[3]),
        ])
        .cant_split(),
        TableRow::new(vec![
            cell("满意率（K6 口径）", w[0], true),
            cell(&pct(s.top_two_pct), w[1], true),
            cell(Method::TopTwo.label(), w[2], true),
            verdict_cell(r.met, w[3]),
        ])
        .cant_split(),
        TableRow::new(vec![
            cell("满意度得分", w[0], true),
            cell(&score(s.weighted_score), w[1], true),
            cell(Method::Weighted.label(), w[2], true),
            cell("参考", w[3], true),
        ])
        .cant_split(),
        TableRow::new(vec![
            cell("有效回答", w[0], false),
            cell(&format!("{} 份", r.overall.total()), w[1], false),
            cell("总体满意度题", w[2], false),
            cell("—", w[3], false),
        ])
        .cant_split(),
    ];
    out.push(t(table_of(&w, rows)));
    if let Some(item) = r.items.iter().find(|i| i.overall)
        && let Some(chart) = BarChart::of_item(item)
    {
        out.push(p(chart_paragraph(&chart)));
        out.push(p(caption(
            "图 1  总体满意度分布（绿色为满意及以上，横轴为回答份数）",
        )));
        out.push(p(caption("表 1  总体满意度分布（序号与图 1 对应）")));
        out.push(t(item_table(item)));
        out.push(p(blank_line()));
    }
    out
}

fn section_items(doc: &SurveyReportDoc) -> Vec<Block> {
    let mut out = vec![p(heading("五、分项结果"))];
    let mut figure = 2;
    for (i, item) in doc.result.items.iter().enumerate() {
        out.push(p(subheading(&format!(
            "（{}）{}（{}）",
            chinese_number(i + 1),
            item.text,
            if item.overall {
                "总体满意度题"
            } else {
                item.kind.label()
            }
        ))));
        let skipped = if item.skipped > 0 {
            format!("，未作答 {} 份", item.skipped)
        } else {
            String::new()
        };
        match item.kind {
            ItemKind::Text => {
                out.push(p(body(&format!(
                    "共收到 {} 条文字意见{skipped}，归纳见第六部分。",
                    item.texts.len()
                ))));
            }
            kind => {
                let mut line = format!("作答 {} 份{skipped}。", item.answered);
                if kind == ItemKind::Rating
                    && let Some(s) = item.satisfaction
                {
                    line.push_str(&format!(
                        "{}为 {}，{}为 {}。",
                        Method::TopTwo.label(),
                        pct(s.top_two_pct),
                        Method::Weighted.label(),
                        score(s.weighted_score)
                    ));
                }
                if kind == ItemKind::MultiChoice {
                    line.push_str("多选题各选项占比之和可超过 100%。");
                }
                out.push(p(body(&line)));
                if item.overall {
                    out.push(p(body("分布见第四部分图 1、表 1。")));
                    continue;
                }
                if let Some(chart) = BarChart::of_item(item) {
                    out.push(p(chart_paragraph(&chart)));
                    out.push(p(caption(&format!(
                        "图 {figure}  第 {} 题回答分布（横轴为回答份数）",
                        item.number
                    ))));
                }
                out.push(p(caption(&format!(
                    "表 {figure}  第 {} 题回答分布（序号与图 {figure} 对应）",
                    item.number
                ))));
                out.push(t(item_table(item)));
                out.push(p(blank_line()));
                figure += 1;
            }
        }
    }
    out
}

fn section_themes(doc: &SurveyReportDoc) -> Vec<Block> {
    let mut out = vec![p(heading("六、意见建议归纳"))];
    let texts: Vec<&ItemResult> = doc
        .result
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Text)
        .collect();
    let total: usize = texts.iter().map(|i| i.texts.len()).sum();
    if total == 0 {
        out.push(p(body("本次调查未收到文字意见。")));
        return out;
    }
    if doc.themes.is_empty() {
        out.push(p(body(&format!(
            "共收到文字意见 {total} 条，未发现在两条以上意见中重复出现的词语。"
        ))));
    } else {
        out.push(p(body(&format!(
            "共收到文字意见 {total} 条。按意见中重复出现的词语归纳，提及较多的主题如下（同一条意见可涉及多个主题）："
        ))
        .keep_next(true)));
        let rows = doc
            .themes
            .iter()
            .map(|th| {
                vec![
                    th.word.clone(),
                    format!("{} 条", th.answers),
                    th.examples
                        .iter()
                        .map(|e| format!("“{e}”"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ]
            })
            .collect();
        out.push(t(table(
            &widths(&[18, 14, 68]),
            &["主题词", "提及", "意见示例"],
            rows,
        )));
        out.push(p(blank_line()));
    }
    for item in texts {
        if item.texts.is_empty() {
            continue;
        }
        out.push(p(subheading(&format!(
            "第 {} 题“{}”全部意见",
            item.number, item.text
        ))));
        for (k, text) in item.texts.iter().take(TEXTS_LISTED).enumerate() {
            out.push(p(body(&format!("{}. {text}", k + 1))));
        }
        if item.texts.len() > TEXTS_LISTED {
            out.push(p(body(&format!(
                "另有 {} 条意见未列出，可在平台的调查结果页查阅和检索。",
                item.texts.len() - TEXTS_LISTED
            ))));
        }
    }
    out
}

fn change(now: Option<Dec2>, before: Option<Dec2>, unit: &str) -> String {
    match (now, before) {
        (Some(a), Some(b)) => {
            let d = Dec2::from_hundredths(a.hundredths() - b.hundredths());
            let sign = if d.hundredths() > 0 { "+" } else { "" };
            format!("{sign}{d}{unit}")
        }
        _ => "—".into(),
    }
}

fn section_comparison(doc: &SurveyReportDoc) -> Vec<Block> {
    let mut out = vec![p(heading("七、与上年比较"))];
    let Some(prev) = &doc.previous else {
        out.push(p(body(&format!(
            "{}未开展 {} 年度满意度调查（或未在平台登记），本年度暂无可比数据。",
            doc.district,
            doc.year - 1
        ))
        .keep_next(true)));
        return out;
    };
    let (a, b) = (doc.result, prev.result);
    let diff_count = |x: u64, y: u64| {
        let d = i128::from(x) - i128::from(y);
        if d > 0 {
            format!("+{d}")
        } else {
            d.to_string()
        }
    };
    let rows = vec![
        vec![
            "有效问卷（份）".into(),
            b.valid.to_string(),
            a.valid.to_string(),
            diff_count(a.valid, b.valid),
        ],
        vec![
            "邀请数（家）".into(),
            b.invited.to_string(),
            a.invited.to_string(),
            diff_count(u64::from(a.invited), u64::from(b.invited)),
        ],
        vec![
            "问卷回收率".into(),
            pct(b.response_rate),
            pct(a.response_rate),
            change(a.response_rate, b.response_rate, " 百分点"),
        ],
        vec![
            Method::TopTwo.label().to_string(),
            pct(b.satisfaction.top_two_pct),
            pct(a.satisfaction.top_two_pct),
            change(
                a.satisfaction.top_two_pct,
                b.satisfaction.top_two_pct,
                " 百分点",
            ),
        ],
        vec![
            Method::Weighted.label().to_string(),
            score(b.satisfaction.weighted_score),
            score(a.satisfaction.weighted_score),
            change(
                a.satisfaction.weighted_score,
                b.satisfaction.weighted_score,
                " 分",
            ),
        ],
        vec![
            format!("是否达到 {}% 目标", a.target_pct),
            verdict(b.met).into(),
            verdict(a.met).into(),
            "—".into(),
        ],
    ];
    let summary = match (a.satisfaction.top_two_pct, b.satisfaction.top_two_pct) {
        (Some(x), Some(y)) if x > y => format!(
            "与上年（{}）相比，满意率提高 {}。",
            prev.title,
            change(Some(x), Some(y), " 个百分点").trim_start_matches('+')
        ),
        (Some(x), Some(y)) if x < y => format!(
            "与上年（{}）相比，满意率下降 {}。",
            prev.title,
            change(Some(y), Some(x), " 个百分点").trim_start_matches('+')
        ),
        (Some(_), Some(_)) => format!("与上年（{}）相比，满意率持平。", prev.title),
        _ => format!("上年调查为“{}”，满意率无法比较。", prev.title),
    };
    out.push(p(body(&summary).keep_next(true)));
    out.push(t(table_keeping(
        &widths(&[38, 19, 19, 24]),
        &[
            "指标",
            &format!("{} 年度", prev.year),
            &format!("{} 年度", doc.year),
            "变化",
        ],
        rows,
        true,
    )));
    out
}

/// The yearly survey report as DOCX.
pub fn survey_report_docx(doc: &SurveyReportDoc) -> Result<Vec<u8>, ReportError> {
    let mut docx = gbt9704_page();
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .add_run(run(
                    &title_lines(&report_title(&doc.title)),
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
                .add_run(run(
                    &format!("（{}　{} 年度）", doc.district, doc.year),
                    FONT_SUBHEADING,
                    SIZE_BODY,
                ))
                .align(AlignmentType::Center)
                .line_spacing(body_spacing()),
        )
        .add_paragraph(blank_line());
    let mut blocks = Vec::new();
    blocks.extend(section_overview(doc));
    blocks.extend(section_method(doc));
    blocks.extend(section_sample(doc));
    blocks.extend(section_overall(doc));
    blocks.extend(section_items(doc));
    blocks.extend(section_themes(doc));
    blocks.extend(section_comparison(doc));
    for b in blocks {
        docx = match b {
            Block::P(par) => docx.add_paragraph(*par),
            Block::T(table) => docx.add_table(*table),
        };
    }
    // The closing lines stay on the page of the last section (GB/T 9704: no page of signature
    // alone).
    docx = docx
        .add_paragraph(blank_line().keep_next(true))
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&doc.organiser, FONT_BODY, SIZE_BODY))
                .align(AlignmentType::Right)
                .line_spacing(body_spacing())
                .keep_next(true),
        );
    docx = docx.add_paragraph(
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

#[cfg(test)]
#[path = "docx_survey_tests.rs"]
mod tests;

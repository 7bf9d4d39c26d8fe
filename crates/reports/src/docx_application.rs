//! The 申报书 as DOCX, laid out in the spirit of GB/T 9704 (党政机关公文格式): A4, margins 37 mm
//! top, 35 mm bottom, 28 mm left, 26 mm right; title in 方正小标宋简体 二号; headings in 黑体 三号;
//! body in 仿宋 三号 with a fixed 28.95 pt line pitch (22 lines a page); page numbers `— 1 —`.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum,
    Paragraph, Run, RunFonts, Shading, SpecialIndentType, Table, TableAlignmentType, TableCell,
    TableLayoutType, TableRow, VAlignType, WidthType,
};
use zhiyun_domain::application::{
    Application, Check, Evidence, IpParkStatus, ParkKind, ParkLevel, PartnerKind, Rule, Status,
    Verdict,
};

use crate::ReportError;
use crate::xlsx_round::eligible_label;

/// The 申报书 as DOCX, with the checks and an evidence summary.
#[derive(Debug, Clone)]
pub struct ApplicationDoc<'a> {
    pub id: i64,
    pub round_year: i32,
    /// Chinese label, e.g. 审核中.
    pub status: String,
    /// Operator organisation name.
    pub operator: String,
    /// `YYYY-MM-DD HH:MM` or empty.
    pub submitted_at: String,
    /// `YYYY-MM-DD HH:MM`.
    pub generated_at: String,
    pub app: &'a Application,
    pub verdict: &'a Verdict,
    /// Already formatted lines, e.g. `2021-06-01 10:00 张三（上海市知识产权局）：A3 符合 — 意见`.
    pub reviews: Vec<String>,
    /// E.g. `信用报告.pdf（信用报告，120 KB）`.
    pub attachments: Vec<String>,
}

pub const DOC_TITLE: &str = "上海市知识产权运营服务集聚区申报书";

// ---------- labels ----------

pub fn park_kind_label(k: ParkKind) -> &'static str {
    match k {
        ParkKind::HighTechZone => "高新技术产业开发区",
        ParkKind::EconomicDevelopmentZone => "经济技术开发区",
        ParkKind::Other => "其他",
    }
}

pub fn park_level_label(l: ParkLevel) -> &'static str {
    match l {
        ParkLevel::National => "国家级",
        ParkLevel::Municipal => "市级",
        ParkLevel::District => "区级",
    }
}

pub fn ip_park_status_label(s: IpParkStatus) -> &'static str {
    match s {
        IpParkStatus::NationalDemonstration => "国家知识产权示范园区",
        IpParkStatus::NationalPilot => "国家知识产权试点园区",
        IpParkStatus::MunicipalDemonstration => "市知识产权示范园区",
        IpParkStatus::MunicipalPilot => "市知识产权试点园区",
        IpParkStatus::None => "无",
    }
}

pub fn partner_kind_label(k: PartnerKind) -> &'static str {
    match k {
        PartnerKind::Exchange => "交易机构",
        PartnerKind::Bank => "商业银行",
        PartnerKind::Insurer => "保险机构",
        PartnerKind::Agency => "服务机构",
    }
}

// ---------- layout ----------

/// A4 in twips (1/20 pt).
pub(crate) const PAGE_W: u32 = 11906;
pub(crate) const PAGE_H: u32 = 16838;
/// mm → twips.
pub(crate) const fn mm(v: u32) -> i32 {
    (v * 1440 * 10 / 254) as i32
}
pub(crate) const MARGIN_TOP: i32 = mm(37);
pub(crate) const MARGIN_BOTTOM: i32 = mm(35);
pub(crate) const MARGIN_LEFT: i32 = mm(28);
pub(crate) const MARGIN_RIGHT: i32 = mm(26);
/// The text block's width in twips.
pub(crate) const TEXT_W: usize = (PAGE_W as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;

pub(crate) const FONT_TITLE: &str = "方正小标宋简体";
pub(crate) const FONT_HEADING: &str = "黑体";
pub(crate) const FONT_SUBHEADING: &str = "楷体";
pub(crate) const FONT_BODY: &str = "仿宋";
pub(crate) const FONT_LATIN: &str = "Times New Roman";
const FONT_PAGE_NUMBER: &str = "宋体";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 小四 12 pt. Page numbers take the default
/// 三号 (the number's own run cannot be styled), so the dashes around them do too.
pub(crate) const SIZE_TITLE: usize = 44;
pub(crate) const SIZE_BODY: usize = 32;
pub(crate) const SIZE_TABLE: usize = 24;
/// 28.95 pt: 22 lines on the GB/T 9704 text block.
pub(crate) const BODY_LINE: i32 = 579;
/// Two characters of 三号 text.
pub(crate) const INDENT_2: i32 = 640;

pub(crate) const FILL_HEADER: &str = "E7E6E6";
pub(crate) const FILL_PASS: &str = "C6EFCE";
pub(crate) const FILL_FAIL: &str = "FFC7CE";
const FILL_REVIEW: &str = "FFEB9C";

const NOT_GIVEN: &str = "未填写";

pub(crate) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(FONT_LATIN)
        .hi_ansi(FONT_LATIN)
        .cs(FONT_LATIN)
}

/// Characters XML 1.0 cannot carry are dropped; line breaks become real breaks.
pub(crate) fn run(text: &str, font: &str, size: usize) -> Run {
    let mut r = Run::new().fonts(fonts(font)).size(size);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        let clean: String = line
            .chars()
            .filter(|&c| c == '\t' || !c.is_control())
            .collect();
        r = r.add_text(clean);
    }
    r
}

pub(crate) fn body_spacing() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(BODY_LINE)
        .before(0)
        .after(0)
}

/// A body paragraph: 仿宋 三号, first line indented two characters.
pub(crate) fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_BODY, SIZE_BODY))
        .line_spacing(body_spacing())
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(INDENT_2)),
            None,
            None,
        )
        .align(AlignmentType::Both)
}

pub(crate) fn kv(label: &str, value: &str) -> Paragraph {
    body(&format!("{label}：{value}"))
}

/// A first-level heading (一、…): 黑体 三号.
pub(crate) fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_HEADING, SIZE_BODY))
        .line_spacing(body_spacing())
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(INDENT_2)),
            None,
            None,
        )
        .keep_next(true)
}

/// A second-level heading (（一）…): 楷体 三号.
pub(crate) fn subheading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_SUBHEADING, SIZE_BODY))
        .line_spacing(body_spacing())
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(INDENT_2)),
            None,
            None,
        )
        .keep_next(true)
}

pub(crate) fn blank_line() -> Paragraph {
    Paragraph::new().line_spacing(body_spacing())
}

pub(crate) fn cell_paragraph(text: &str, bold: bool, align: AlignmentType) -> Paragraph {
    let mut r = run(text, FONT_BODY, SIZE_TABLE);
    if bold {
        r = r.bold();
    }
    Paragraph::new()
        .add_run(r)
        .align(align)
        .line_spacing(LineSpacing::new().line(276).before(0).after(0))
}

pub(crate) fn cell(text: &str, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(cell_paragraph(text, false, AlignmentType::Left))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

pub(crate) fn header_cell(text: &str, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(cell_paragraph(text, true, AlignmentType::Center))
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .shading(Shading::new().fill(FILL_HEADER))
}

pub(crate) fn table_of(widths: &[usize], rows: Vec<TableRow>) -> Table {
    Table::new(rows)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
}

/// A table with a shaded header row; every row has `widths.len()` cells.
pub(crate) fn table(widths: &[usize], header: &[&str], rows: Vec<Vec<String>>) -> Table {
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
    for row in rows {
        out.push(
            TableRow::new(row.iter().zip(widths).map(|(t, &w)| cell(t, w)).collect()).cant_split(),
        );
    }
    table_of(widths, out)
}

/// Column widths (twips) that add up to the text block, from relative weights.
pub(crate) fn widths(weights: &[usize]) -> Vec<usize> {
    let total: usize = weights.iter().sum();
    let mut w: Vec<usize> = weights.iter().map(|x| TEXT_W * x / total).collect();
    let used: usize = w.iter().sum();
    if let Some(last) = w.last_mut() {
        *last += TEXT_W - used;
    }
    w
}

/// 1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99; larger numbers in digits).
pub(crate) fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => n.to_string(),
    }
}

fn or_not_given(v: Option<&str>) -> &str {
    match v.map(str::trim) {
        Some(s) if !s.is_empty() => s,
        _ => NOT_GIVEN,
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "是",
        Some(false) => "否",
        None => NOT_GIVEN,
    }
}

fn find_check(verdict: &Verdict, rule: Rule) -> Option<&Check> {
    verdict.checks.iter().find(|c| c.rule == rule)
}

// ---------- sections ----------

fn cover(doc: &ApplicationDoc) -> Vec<Paragraph> {
    vec![
        Paragraph::new()
            .add_run(run(DOC_TITLE, FONT_TITLE, SIZE_TITLE).bold())
            .align(AlignmentType::Center)
            .line_spacing(
                LineSpacing::new()
                    .line(BODY_LINE * 2)
                    .line_rule(LineSpacingType::AtLeast),
            ),
        Paragraph::new()
            .add_run(run(
                &format!("（{} 年度）", doc.round_year),
                FONT_SUBHEADING,
                SIZE_BODY,
            ))
            .align(AlignmentType::Center)
            .line_spacing(body_spacing()),
        blank_line(),
    ]
}

fn cover_table(doc: &ApplicationDoc) -> Table {
    let w = widths(&[20, 30, 20, 30]);
    let label = |t: &str, w: usize| header_cell(t, w);
    let submitted = if doc.submitted_at.trim().is_empty() {
        "未提交"
    } else {
        doc.submitted_at.as_str()
    };
    let rows = vec![
        TableRow::new(vec![
            label("申报编号", w[0]),
            cell(&doc.id.to_string(), w[1]),
            label("申报年度", w[2]),
            cell(&format!("{} 年度", doc.round_year), w[3]),
        ]),
        TableRow::new(vec![
            label("运营单位", w[0]),
            cell(or_not_given(Some(&doc.operator)), w[1] + w[2] + w[3]).grid_span(3),
        ]),
        TableRow::new(vec![
            label("当前状态", w[0]),
            cell(or_not_given(Some(&doc.status)), w[1]),
            label("提交时间", w[2]),
            cell(submitted, w[3]),
        ]),
    ];
    table_of(&w, rows)
}

fn section_park(app: &Application) -> Vec<Paragraph> {
    let p = &app.park;
    let industries = if p.leading_industries.iter().all(|s| s.trim().is_empty()) {
        NOT_GIVEN.to_string()
    } else {
        p.leading_industries
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("、")
    };
    let uscc = p
        .management_body_uscc
        .as_ref()
        .map(|u| u.as_str())
        .unwrap_or(NOT_GIVEN);
    vec![
        heading("一、园区基本情况"),
        kv("园区名称", or_not_given(p.name.as_deref())),
        kv("所在区", p.district.map(|d| d.name).unwrap_or(NOT_GIVEN)),
        kv("园区类型", p.kind.map(park_kind_label).unwrap_or(NOT_GIVEN)),
        kv(
            "园区级别",
            p.level.map(park_level_label).unwrap_or(NOT_GIVEN),
        ),
        kv(
            "知识产权园区称号",
            p.ip_park_status
                .map(ip_park_status_label)
                .unwrap_or(NOT_GIVEN),
        ),
        kv("主导产业", &industries),
        kv(
            "管理机构",
            &format!(
                "{}（统一社会信用代码：{uscc}）",
                or_not_given(p.management_body_name.as_deref())
            ),
        ),
    ]
}

fn para(p: Paragraph) -> Block {
    Block::P(Box::new(p))
}

enum Block {
    P(Box<Paragraph>),
    T(Box<Table>),
}

fn section_enterprises(app: &Application, verdict: &Verdict) -> Vec<Block> {
    let mut out = vec![
        para(heading("二、创新主体")),
        para(body(&format!(
            "园区报送的企业名单共 {} 家。",
            app.enterprises.len()
        ))),
    ];
    let evidence = find_check(verdict, Rule::A2).map(|c| &c.evidence);
    let Some(Evidence::A2 {
        threshold_group,
        high_tech,
        smes,
        high_tech_threshold,
        sme_threshold,
        not_counted,
        ..
    }) = evidence
    else {
        out.push(para(body("尚无创新主体（A2）审查结果。")));
        return out;
    };
    let group = match threshold_group.as_deref() {
        Some("lower") => "中心城区及崇明区标准",
        Some("standard") => "其他区标准",
        Some(other) => other,
        None => "未确定（所在区未填写）",
    };
    out.push(para(body(&format!(
        "经审查，计入有效高新技术企业 {high_tech} 家（要求不少于 {high_tech_threshold} 家），\
         中小微企业 {smes} 家（要求不少于 {sme_threshold} 家）；适用{group}。"
    ))));
    if not_counted.is_empty() {
        out.push(para(body("名单中的企业均已计入。")));
        return out;
    }
    out.push(para(body(&format!(
        "以下 {} 行未计入：",
        not_counted.len()
    ))));
    let rows = not_counted
        .iter()
        .map(|n| {
            vec![
                n.row.to_string(),
                or_not_given(n.name.as_deref()).to_string(),
                or_not_given(n.uscc.as_deref()).to_string(),
                n.message.clone(),
            ]
        })
        .collect();
    out.push(Block::T(Box::new(table(
        &widths(&[10, 32, 29, 40]),
        &["行号", "企业名称", "统一社会信用代码", "原因"],
        rows,
    ))));
    out
}

fn section_ip_office(app: &Application) -> Vec<Paragraph> {
    let o = &app.ip_office;
    let mut out = vec![
        heading("三、知识产权工作基础"),
        kv("知识产权工作部门", or_not_given(o.department.as_deref())),
        kv(
            "专职工作人员",
            &o.staff
                .map(|n| format!("{n} 人"))
                .unwrap_or_else(|| NOT_GIVEN.into()),
        ),
    ];
    let policies: Vec<&str> = o
        .policies
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if policies.is_empty() {
        out.push(kv("知识产权政策措施", NOT_GIVEN));
    } else {
        out.push(body("知识产权政策措施："));
        for (i, p) in policies.iter().enumerate() {
            out.push(body(&format!("{}. {p}", i + 1)));
        }
    }
    out.push(kv(
        "年度知识产权工作经费",
        &o.annual_budget
            .map(|f| format!("{} 万元", f.to_wan_string()))
            .unwrap_or_else(|| NOT_GIVEN.into()),
    ));
    out.push(kv("面向全区中小企业提供服务", yes_no(o.serves_district)));
    out
}

fn section_partners(app: &Application) -> Vec<Block> {
    let mut out = vec![para(heading("四、运营生态合作"))];
    if app.partners.is_empty() {
        out.push(para(body("未填写合作机构。")));
        return out;
    }
    out.push(para(body(&format!(
        "已签订战略合作协议的机构共 {} 家：",
        app.partners.len()
    ))));
    let rows = app
        .partners
        .iter()
        .map(|p| {
            vec![
                partner_kind_label(p.kind).to_string(),
                p.name.clone(),
                p.uscc.to_string(),
                p.agreement_date
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| NOT_GIVEN.into()),
            ]
        })
        .collect();
    out.push(Block::T(Box::new(table(
        &widths(&[14, 40, 29, 17]),
        &["类型", "名称", "统一社会信用代码", "协议日期"],
        rows,
    ))));
    let practitioner_w = widths(&[24, 38, 38]);
    let agencies = app
        .partners
        .iter()
        .filter(|p| p.kind == PartnerKind::Agency);
    for (i, agency) in agencies.enumerate() {
        out.push(para(subheading(&format!(
            "（{}）{}从业人员",
            chinese_number(i + 1),
            agency.name
        ))));
        if agency.practitioners.is_empty() {
            out.push(para(body("未填写从业人员。")));
            continue;
        }
        let rows = agency
            .practitioners
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.patent_attorney_cert.clone().unwrap_or_else(|| "—".into()),
                    p.tech_broker_cert.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        out.push(Block::T(Box::new(table(
            &practitioner_w,
            &["姓名", "专利代理师证书", "技术经纪人证书"],
            rows,
        ))));
    }
    out
}

fn section_declarations(app: &Application) -> Vec<Paragraph> {
    let d = &app.declarations;
    let credit = match d.bad_credit_last_3_years {
        Some(false) => "园区管理机构近三年内无不良信用记录。",
        Some(true) => "园区管理机构近三年内存在不良信用记录。",
        None => "园区管理机构近三年内有无不良信用记录：未声明。",
    };
    let infringement = match d.mass_infringement_cases {
        Some(false) => "园区管理机构无群体性知识产权侵权案件。",
        Some(true) => "园区管理机构存在群体性知识产权侵权案件。",
        None => "园区管理机构有无群体性知识产权侵权案件：未声明。",
    };
    vec![
        heading("五、信用承诺"),
        body(&format!("1. {credit}")),
        body(&format!("2. {infringement}")),
    ]
}

fn section_checks(verdict: &Verdict) -> Vec<Block> {
    let mut out = vec![para(heading("六、资格审查结果"))];
    let checks: Vec<&Check> = Rule::ALL
        .iter()
        .filter_map(|&r| find_check(verdict, r))
        .collect();
    if checks.is_empty() {
        out.push(para(body("尚无审查结果。")));
    } else {
        let w = widths(&[34, 14, 52]);
        let mut rows = vec![
            TableRow::new(vec![
                header_cell("条件", w[0]),
                header_cell("结论", w[1]),
                header_cell("说明", w[2]),
            ])
            .cant_split(),
        ];
        for c in checks {
            let fill = match c.status {
                Status::Pass => FILL_PASS,
                Status::Fail => FILL_FAIL,
                Status::NeedsReview => FILL_REVIEW,
            };
            rows.push(
                TableRow::new(vec![
                    cell(&format!("{} {}", c.rule.code(), c.rule.title()), w[0]),
                    TableCell::new()
                        .add_paragraph(cell_paragraph(
                            c.status.label(),
                            false,
                            AlignmentType::Center,
                        ))
                        .width(w[1], WidthType::Dxa)
                        .vertical_align(VAlignType::Center)
                        .shading(Shading::new().fill(fill)),
                    cell(&c.message, w[2]),
                ])
                .cant_split(),
            );
        }
        out.push(Block::T(Box::new(table_of(&w, rows))));
    }
    out.push(para(kv("综合结论", eligible_label(verdict.eligible))));
    out.push(para(kv("优先", if verdict.priority { "是" } else { "否" })));
    out
}

fn section_lines(title: &str, lines: &[String], none: &str, numbered: bool) -> Vec<Paragraph> {
    let mut out = vec![heading(title)];
    let lines: Vec<&str> = lines
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if lines.is_empty() {
        out.push(body(none));
    }
    for (i, l) in lines.iter().enumerate() {
        out.push(body(&if numbered {
            format!("{}. {l}", i + 1)
        } else {
            l.to_string()
        }));
    }
    out
}

pub(crate) fn footer() -> Footer {
    let dash = |t: &str| run(t, FONT_PAGE_NUMBER, SIZE_BODY);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(dash("— "))
            .add_page_num(PageNum::new())
            .add_run(dash(" —")),
    )
}

/// An empty document laid out as GB/T 9704 asks: A4, the standard margins, the body font and
/// size, the page number in the footer. Every DOCX report in GB/T 9704 style starts from it.
pub(crate) fn gbt9704_page() -> Docx {
    Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(mm(15))
                .footer(mm(18)),
        )
        .default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_BODY)
        .footer(footer())
}

/// The 申报书 as DOCX: title, a cover table (编号, 年度, 运营单位, 状态, 提交时间), then sections
/// 一、园区基本情况 … 七、审核意见 and 附件, closing with the generation time.
pub fn application_docx(doc: &ApplicationDoc) -> Result<Vec<u8>, ReportError> {
    let mut docx = gbt9704_page();

    for p in cover(doc) {
        docx = docx.add_paragraph(p);
    }
    docx = docx.add_table(cover_table(doc)).add_paragraph(blank_line());

    let mut blocks: Vec<Block> = Vec::new();
    blocks.extend(section_park(doc.app).into_iter().map(para));
    blocks.extend(section_enterprises(doc.app, doc.verdict));
    blocks.extend(section_ip_office(doc.app).into_iter().map(para));
    blocks.extend(section_partners(doc.app));
    blocks.extend(section_declarations(doc.app).into_iter().map(para));
    blocks.extend(section_checks(doc.verdict));
    blocks.extend(
        section_lines("七、审核意见", &doc.reviews, "暂无", false)
            .into_iter()
            .map(para),
    );
    blocks.extend(
        section_lines("附件", &doc.attachments, "无", true)
            .into_iter()
            .map(para),
    );
    for b in blocks {
        docx = match b {
            Block::P(p) => docx.add_paragraph(*p),
            // A table directly before a heading looks cramped; a table right after another would merge.
            Block::T(t) => docx.add_table(*t).add_paragraph(blank_line()),
        };
    }
    docx = docx.add_paragraph(blank_line()).add_paragraph(
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
mod tests {
    use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild, read_docx};
    use zhiyun_domain::application::{
        Declarations, EnterpriseRow, IpOffice, NotCounted, Park, Partner,
    };
    use zhiyun_domain::district;
    use zhiyun_domain::ident::Uscc;
    use zhiyun_domain::money::Fen;
    use zhiyun_domain::org::PractitionerRecord;

    use super::*;

    fn app() -> Application {
        let uscc = |s: &str| Uscc::parse(s).unwrap();
        Application {
            round_year: 2021,
            park: Park {
                name: Some("漕河泾新兴技术开发区".into()),
                district: district::by_code("310104"),
                kind: Some(ParkKind::HighTechZone),
                level: Some(ParkLevel::National),
                ip_park_status: Some(IpParkStatus::NationalDemonstration),
                leading_industries: vec!["集成电路".into(), "人工智能".into()],
                management_body_name: Some("上海漕河泾开发区管理委员会".into()),
                management_body_uscc: Some(uscc("91310115MA1K3BTP2B")),
            },
            enterprises: vec![
                EnterpriseRow {
                    name: Some("上海示例科技有限公司".into()),
                    uscc: Some("91310115MA1K3BTP2B".into()),
                    size: Some("small".into()),
                    hte_certificate: Some("GR202231005683".into()),
                },
                EnterpriseRow {
                    name: Some("上海错误代码有限公司".into()),
                    uscc: Some("91310115MA1K3BTP2C".into()),
                    size: Some("micro".into()),
                    hte_certificate: None,
                },
            ],
            ip_office: IpOffice {
                department: Some("知识产权服务中心".into()),
                staff: Some(5),
                policies: vec!["《园区知识产权资助办法》".into()],
                annual_budget: Some(Fen::parse_wan("200.5").unwrap()),
                serves_district: Some(true),
            },
            partners: vec![
                Partner {
                    kind: PartnerKind::Exchange,
                    name: "上海知识产权交易中心".into(),
                    uscc: uscc("91350100M000100Y43"),
                    agreement_date: "2021-03-01".parse().ok(),
                    practitioners: vec![],
                },
                Partner {
                    kind: PartnerKind::Agency,
                    name: "上海示例专利代理事务所".into(),
                    uscc: uscc("91310115MA1K3BTP2B"),
                    agreement_date: None,
                    practitioners: vec![PractitionerRecord {
                        name: "李四".into(),
                        patent_attorney_cert: Some("PA-12345".into()),
                        tech_broker_cert: None,
                    }],
                },
            ],
            declarations: Declarations {
                bad_credit_last_3_years: Some(false),
                mass_infringement_cases: None,
            },
        }
    }

    fn verdict() -> Verdict {
        Verdict {
            eligible: None,
            priority: true,
            checks: vec![
                Check {
                    rule: Rule::A2,
                    status: Status::Fail,
                    message: "高新技术企业 1 家，少于 20 家".into(),
                    evidence: Evidence::A2 {
                        district: Some("徐汇区".into()),
                        threshold_group: Some("lower".into()),
                        high_tech: 1,
                        smes: 1,
                        high_tech_threshold: 20,
                        sme_threshold: 200,
                        not_counted: vec![NotCounted {
                            row: 3,
                            name: Some("上海错误代码有限公司".into()),
                            uscc: Some("91310115MA1K3BTP2C".into()),
                            reason: "invalid_uscc".into(),
                            message: "校验位应为 B，实为 C（第 18 位）".into(),
                        }],
                    },
                },
                Check {
                    rule: Rule::A1,
                    status: Status::Pass,
                    message: "国家级高新区".into(),
                    evidence: Evidence::A1 {
                        level: Some(ParkLevel::National),
                        ip_park_status: Some(IpParkStatus::NationalDemonstration),
                        priority: true,
                    },
                },
                Check {
                    rule: Rule::A6,
                    status: Status::NeedsReview,
                    message: "未声明有无群体性侵权案件".into(),
                    evidence: Evidence::A6 {
                        bad_credit_last_3_years: Some(false),
                        mass_infringement_cases: None,
                    },
                },
            ],
        }
    }

    /// Every paragraph's text in document order, table cells included.
    fn texts(bytes: &[u8]) -> Vec<String> {
        let docx = read_docx(bytes).unwrap();
        let mut out = Vec::new();
        for child in &docx.document.children {
            match child {
                DocumentChild::Paragraph(p) => out.push(p.raw_text()),
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
        out
    }

    #[test]
    fn application_docx_reads_back() {
        let app = app();
        let verdict = verdict();
        let doc = ApplicationDoc {
            id: 42,
            round_year: 2021,
            status: "审核中".into(),
            operator: "上海漕河泾开发区经济技术发展有限公司".into(),
            submitted_at: "2021-06-01 09:30".into(),
            generated_at: "2021-06-02 08:00".into(),
            app: &app,
            verdict: &verdict,
            reviews: vec!["2021-06-01 10:00 张三（上海市知识产权局）：A3 符合 — 材料齐全".into()],
            attachments: vec!["信用报告.pdf（信用报告，120 KB）".into()],
        };
        let bytes = application_docx(&doc).unwrap();
        assert!(bytes.starts_with(b"PK"));
        assert!(bytes.len() > 1000);

        let t = texts(&bytes);
        let has = |s: &str| t.iter().any(|x| x == s);
        let contains = |s: &str| t.iter().any(|x| x.contains(s));
        assert_eq!(t[0], DOC_TITLE);
        assert!(has("（2021 年度）"));
        assert!(has("42") && has("上海漕河泾开发区经济技术发展有限公司"));
        for h in [
            "一、园区基本情况",
            "二、创新主体",
            "三、知识产权工作基础",
            "四、运营生态合作",
            "五、信用承诺",
            "六、资格审查结果",
            "七、审核意见",
            "附件",
        ] {
            assert!(has(h), "heading {h} in {t:#?}");
        }
        assert!(has("园区名称：漕河泾新兴技术开发区"));
        assert!(has("所在区：徐汇区"));
        assert!(has("园区类型：高新技术产业开发区"));
        assert!(has("园区级别：国家级"));
        assert!(has("知识产权园区称号：国家知识产权示范园区"));
        assert!(has("主导产业：集成电路、人工智能"));
        assert!(contains("统一社会信用代码：91310115MA1K3BTP2B"));
        // 二: counts, thresholds, the row that did not count.
        assert!(has("园区报送的企业名单共 2 家。"));
        assert!(contains("高新技术企业 1 家（要求不少于 20 家）"));
        assert!(has("校验位应为 B，实为 C（第 18 位）") && has("3"));
        // 三
        assert!(has("专职工作人员：5 人"));
        assert!(has("1. 《园区知识产权资助办法》"));
        assert!(has("年度知识产权工作经费：200.5 万元"));
        assert!(has("面向全区中小企业提供服务：是"));
        // 四
        assert!(has("交易机构") && has("服务机构") && has("2021-03-01"));
        assert!(has("91350100M000100Y43"));
        assert!(has("（一）上海示例专利代理事务所从业人员"));
        assert!(has("李四") && has("PA-12345") && has("—"));
        // 五
        assert!(has("1. 园区管理机构近三年内无不良信用记录。"));
        assert!(contains("群体性知识产权侵权案件：未声明"));
        // 六: checks in rule order with labels and messages.
        let a1 = t.iter().position(|x| x.starts_with("A1 ")).unwrap();
        let a2 = t.iter().position(|x| x.starts_with("A2 ")).unwrap();
        assert!(a1 < a2);
        assert_eq!(t[a1], "A1 申报对象：市级以上产业园区");
        assert_eq!(t[a1 + 1], "符合");
        assert_eq!(t[a2 + 1], "不符合");
        assert!(has("待人工审核") && has("国家级高新区"));
        assert!(has("综合结论：待审核") && has("优先：是"));
        // 七 and 附件
        assert!(contains("张三（上海市知识产权局）：A3 符合"));
        assert!(has("1. 信用报告.pdf（信用报告，120 KB）"));
        assert!(has("生成时间：2021-06-02 08:00"));
    }

    #[test]
    fn application_docx_empty_draft() {
        let mut app = app();
        app.park = Park {
            name: None,
            district: None,
            kind: None,
            level: None,
            ip_park_status: None,
            leading_industries: vec![],
            management_body_name: None,
            management_body_uscc: None,
        };
        app.enterprises.clear();
        app.partners.clear();
        let verdict = Verdict {
            eligible: Some(false),
            priority: false,
            checks: vec![],
        };
        let doc = ApplicationDoc {
            id: 1,
            round_year: 2022,
            status: "草稿".into(),
            operator: "某运营单位".into(),
            submitted_at: String::new(),
            generated_at: "2022-01-01 00:00".into(),
            app: &app,
            verdict: &verdict,
            reviews: vec![],
            attachments: vec![],
        };
        let t = texts(&application_docx(&doc).unwrap());
        let has = |s: &str| t.iter().any(|x| x == s);
        assert!(has("园区名称：未填写") && has("未提交"));
        assert!(has("尚无创新主体（A2）审查结果。"));
        assert!(has("未填写合作机构。") && has("尚无审查结果。"));
        assert!(has("综合结论：不符合") && has("优先：否"));
        assert!(has("暂无") && has("无"));
    }

    #[test]
    fn numbers_and_widths() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(35), "三十五");
        assert_eq!(chinese_number(100), "100");
        assert_eq!(widths(&[1, 1, 1]).iter().sum::<usize>(), TEXT_W);
        assert_eq!(MARGIN_TOP, 2097);
    }
}

//! A round's comparison table (申报汇总表): one row per application, one column per check.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use zhiyun_domain::application::{Evidence, Rule, Status, Verdict};

use crate::{ReportError, XLSX_FONT};

/// One application in a round's comparison table (the bureau's 申报汇总表).
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRow {
    pub id: i64,
    pub park_name: String,
    /// District name, e.g. 徐汇区.
    pub district: String,
    /// Operator organisation name.
    pub operator: String,
    /// Chinese label, e.g. 审核中.
    pub status: String,
    /// `YYYY-MM-DD HH:MM` or empty.
    pub submitted_at: String,
    pub verdict: Verdict,
}

const SHEET_NAME: &str = "申报汇总";

/// Columns before the six checks.
const LEADING: [(&str, f64); 6] = [
    ("编号", 7.0),
    ("园区名称", 30.0),
    ("所在区", 10.0),
    ("运营单位", 30.0),
    ("状态", 10.0),
    ("提交时间", 17.0),
];
const CHECK_WIDTH: f64 = 15.0;
/// Columns after the six checks.
const TRAILING: [(&str, f64); 4] = [
    ("高新技术企业数", 10.0),
    ("中小微企业数", 10.0),
    ("优先", 7.0),
    ("综合结论", 10.0),
];
const COLUMNS: u16 = (LEADING.len() + Rule::ALL.len() + TRAILING.len()) as u16;

/// The header of a check column, e.g. `A1 申报对象：市级以上产业园区`.
pub fn check_header(rule: Rule) -> String {
    format!("{} {}", rule.code(), rule.title())
}

/// The overall conclusion's label: 符合 / 不符合 / 待审核.
pub fn eligible_label(eligible: Option<bool>) -> &'static str {
    match eligible {
        Some(true) => "符合",
        Some(false) => "不符合",
        None => "待审核",
    }
}

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    center: Format,
    number: Format,
    pass: Format,
    fail: Format,
    review: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new()
            .set_font_name(XLSX_FONT)
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let center = base.clone().set_align(FormatAlign::Center);
        let fill = |bg: u32, fg: u32| {
            center
                .clone()
                .set_background_color(Color::RGB(bg))
                .set_font_color(Color::RGB(fg))
        };
        Formats {
            title: Format::new()
                .set_font_name(XLSX_FONT)
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: center
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: base.clone().set_text_wrap(),
            number: base.clone().set_align(FormatAlign::Right),
            center: center.clone(),
            // Excel's own "good", "bad" and "neutral" colours.
            pass: fill(0xC6EFCE, 0x006100),
            fail: fill(0xFFC7CE, 0x9C0006),
            review: fill(0xFFEB9C, 0x9C5700),
        }
    }

    fn status(&self, s: Status) -> &Format {
        match s {
            Status::Pass => &self.pass,
            Status::Fail => &self.fail,
            Status::NeedsReview => &self.review,
        }
    }

    fn eligible(&self, e: Option<bool>) -> &Format {
        match e {
            Some(true) => &self.pass,
            Some(false) => &self.fail,
            None => &self.review,
        }
    }
}

/// XLSX with one sheet 申报汇总: a title row, a header row, then one row per application with each
/// check's conclusion coloured (符合 green, 不符合 red, 待人工审核 amber), the A2 counts, 优先 and the
/// overall conclusion. Panes are frozen below the header and beside the park name; the header
/// carries an autofilter; the sheet prints landscape on A4, one page wide.
pub fn round_xlsx(year: i32, rows: &[RoundRow]) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    write_round(sheet, year, rows)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_round(
    sheet: &mut Worksheet,
    year: i32,
    rows: &[RoundRow],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let f = Formats::new();
    let last_col = COLUMNS - 1;

    sheet.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{year} 年度上海市知识产权运营服务集聚区申报汇总表"),
        &f.title,
    )?;
    sheet.set_row_height(0, 32)?;

    let headers = LEADING
        .iter()
        .map(|&(h, w)| (h.to_string(), w))
        .chain(Rule::ALL.iter().map(|&r| (check_header(r), CHECK_WIDTH)))
        .chain(TRAILING.iter().map(|&(h, w)| (h.to_string(), w)));
    for (col, (header, width)) in (0u16..).zip(headers) {
        sheet.write_string_with_format(1, col, header, &f.header)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_row_height(1, 48)?;

    for (r, row) in (2u32..).zip(rows) {
        sheet.write_number_with_format(r, 0, row.id as f64, &f.center)?;
        sheet.write_string_with_format(r, 1, &row.park_name, &f.text)?;
        sheet.write_string_with_format(r, 2, &row.district, &f.center)?;
        sheet.write_string_with_format(r, 3, &row.operator, &f.text)?;
        sheet.write_string_with_format(r, 4, &row.status, &f.center)?;
        sheet.write_string_with_format(r, 5, &row.submitted_at, &f.center)?;

        let mut col = LEADING.len() as u16;
        for rule in Rule::ALL {
            match row.verdict.checks.iter().find(|c| c.rule == rule) {
                Some(check) => sheet.write_string_with_format(
                    r,
                    col,
                    check.status.label(),
                    f.status(check.status),
                )?,
                None => sheet.write_string_with_format(r, col, "—", &f.center)?,
            };
            col += 1;
        }

        let a2 = row.verdict.checks.iter().find_map(|c| match &c.evidence {
            Evidence::A2 {
                high_tech, smes, ..
            } if c.rule == Rule::A2 => Some((*high_tech, *smes)),
            _ => None,
        });
        match a2 {
            Some((high_tech, smes)) => {
                sheet.write_number_with_format(r, col, high_tech, &f.number)?;
                sheet.write_number_with_format(r, col + 1, smes, &f.number)?;
            }
            None => {
                sheet.write_blank(r, col, &f.number)?;
                sheet.write_blank(r, col + 1, &f.number)?;
            }
        }
        let priority = if row.verdict.priority { "是" } else { "否" };
        sheet.write_string_with_format(r, col + 2, priority, &f.center)?;
        let eligible = row.verdict.eligible;
        sheet.write_string_with_format(
            r,
            col + 3,
            eligible_label(eligible),
            f.eligible(eligible),
        )?;
    }

    let last_row = 1 + rows.len() as u32;
    sheet.set_freeze_panes(2, 2)?;
    sheet.autofilter(1, 0, last_row, last_col)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use zhiyun_domain::application::{Check, IpParkStatus, ParkLevel};

    use super::*;

    fn check(rule: Rule, status: Status, evidence: Evidence) -> Check {
        Check {
            rule,
            status,
            message: format!("{} 的说明", rule.code()),
            evidence,
        }
    }

    fn a2(high_tech: u32, smes: u32) -> Evidence {
        Evidence::A2 {
            district: Some("徐汇区".into()),
            threshold_group: Some("lower".into()),
            high_tech,
            smes,
            high_tech_threshold: 20,
            sme_threshold: 200,
            not_counted: Vec::new(),
        }
    }

    fn a6() -> Evidence {
        Evidence::A6 {
            bad_credit_last_3_years: Some(false),
            mass_infringement_cases: Some(false),
        }
    }

    fn rows() -> Vec<RoundRow> {
        let good = Verdict {
            eligible: Some(true),
            priority: true,
            checks: vec![
                check(
                    Rule::A1,
                    Status::Pass,
                    Evidence::A1 {
                        level: Some(ParkLevel::National),
                        ip_park_status: Some(IpParkStatus::NationalDemonstration),
                        priority: true,
                    },
                ),
                check(Rule::A2, Status::Pass, a2(35, 420)),
                check(Rule::A6, Status::Pass, a6()),
            ],
        };
        let bad = Verdict {
            eligible: Some(false),
            priority: false,
            checks: vec![
                check(Rule::A2, Status::Fail, a2(12, 150)),
                check(
                    Rule::A3,
                    Status::NeedsReview,
                    Evidence::A3 {
                        missing: vec!["staff".into()],
                    },
                ),
            ],
        };
        vec![
            RoundRow {
                id: 7,
                park_name: "漕河泾新兴技术开发区".into(),
                district: "徐汇区".into(),
                operator: "上海漕河泾开发区经济技术发展有限公司".into(),
                status: "审核中".into(),
                submitted_at: "2021-06-01 10:00".into(),
                verdict: good,
            },
            RoundRow {
                id: 9,
                park_name: "示例科技园".into(),
                district: "崇明区".into(),
                operator: "上海示例园区管理有限公司".into(),
                status: "已提交".into(),
                submitted_at: String::new(),
                verdict: bad,
            },
        ]
    }

    fn text(d: &Data) -> String {
        d.to_string()
    }

    #[test]
    fn round_xlsx_reads_back() {
        let bytes = round_xlsx(2021, &rows()).unwrap();
        assert!(bytes.starts_with(b"PK"));
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), vec![SHEET_NAME.to_string()]);
        let range = wb.worksheet_range(SHEET_NAME).unwrap();
        assert_eq!(range.start(), Some((0, 0)));
        let cell = |r: u32, c: u32| text(range.get_value((r, c)).unwrap_or(&Data::Empty));

        assert_eq!(
            cell(0, 0),
            "2021 年度上海市知识产权运营服务集聚区申报汇总表"
        );
        let header: Vec<String> = (0..COLUMNS as u32).map(|c| cell(1, c)).collect();
        assert_eq!(header[0], "编号");
        assert_eq!(header[6], "A1 申报对象：市级以上产业园区");
        assert!(header.iter().any(|h| h.starts_with("A6 ")));
        assert_eq!(
            &header[12..],
            &["高新技术企业数", "中小微企业数", "优先", "综合结论"]
        );

        // First application.
        assert_eq!(range.get_value((2, 0)), Some(&Data::Float(7.0)));
        assert_eq!(cell(2, 1), "漕河泾新兴技术开发区");
        assert_eq!(cell(2, 2), "徐汇区");
        assert_eq!(cell(2, 5), "2021-06-01 10:00");
        assert_eq!(cell(2, 6), "符合"); // A1
        assert_eq!(cell(2, 7), "符合"); // A2
        assert_eq!(cell(2, 8), "—"); // A3 absent
        assert_eq!(range.get_value((2, 12)), Some(&Data::Float(35.0)));
        assert_eq!(range.get_value((2, 13)), Some(&Data::Float(420.0)));
        assert_eq!(cell(2, 14), "是");
        assert_eq!(cell(2, 15), "符合");

        // Second application.
        assert_eq!(cell(3, 1), "示例科技园");
        assert_eq!(cell(3, 7), "不符合"); // A2
        assert_eq!(cell(3, 8), "待人工审核"); // A3
        assert_eq!(range.get_value((3, 12)), Some(&Data::Float(12.0)));
        assert_eq!(range.get_value((3, 13)), Some(&Data::Float(150.0)));
        assert_eq!(cell(3, 14), "否");
        assert_eq!(cell(3, 15), "不符合");
    }

    #[test]
    fn round_xlsx_without_rows_and_pending_verdict() {
        let bytes = round_xlsx(2022, &[]).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range(SHEET_NAME).unwrap();
        assert_eq!(range.height(), 2);

        let mut r = rows();
        r.truncate(1);
        r[0].verdict.eligible = None;
        r[0].verdict.checks.clear();
        let bytes = round_xlsx(2022, &r).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range(SHEET_NAME).unwrap();
        assert_eq!(
            range.get_value((2, 15)),
            Some(&Data::String("待审核".into()))
        );
        assert_eq!(eligible_label(None), "待审核");
    }
}

//! The statistics report to the municipal bureau (T8, 统计报表) as XLSX: a workbook of sheets,
//! each a title row, one header row (frozen with the title) and typed rows — numbers are written
//! as numbers (counts as integers, amounts and percentages with two decimals), never as text —
//! followed by labelled lines (an indicator's 年均增幅, target, verdict and definition).
//!
//! The caller (the service) decides the sheets; this module only lays them out.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::{ReportError, XLSX_FONT};

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A whole number (a count, a year, an id).
    Int(i64),
    /// A number with two decimals given in hundredths (万元 from fen, a percentage, K5's figure).
    Hundredths(i128),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
}

/// One sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct StatSheet {
    /// The tab's name (at most 31 characters, no `[]:*?/\`).
    pub name: String,
    /// The title row above the header.
    pub title: String,
    /// Column headers with their widths in characters.
    pub headers: Vec<(String, f64)>,
    pub rows: Vec<Vec<Cell>>,
    /// Labelled lines after the rows (label in the first column, the value in the second).
    pub notes: Vec<(String, Cell)>,
}

impl StatSheet {
    pub fn new(name: &str, title: &str, headers: &[(&str, f64)]) -> StatSheet {
        StatSheet {
            name: name.to_string(),
            title: title.to_string(),
            headers: headers.iter().map(|(h, w)| (h.to_string(), *w)).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Rows the title and header take; data starts below them.
pub const HEADER_ROWS: u32 = 2;

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    int: Format,
    dec: Format,
    label: Format,
}

fn formats() -> Formats {
    let base = Format::new()
        .set_font_name(XLSX_FONT)
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    Formats {
        title: Format::new()
            .set_font_name(XLSX_FONT)
            .set_font_size(16)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        header: base
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_background_color(0xD9E1F2),
        text: base.clone().set_text_wrap(),
        int: base.clone().set_num_format("0"),
        dec: base.clone().set_num_format("0.00"),
        label: base.set_bold().set_background_color(0xF2F2F2),
    }
}

fn write_cell(
    ws: &mut Worksheet,
    f: &Formats,
    r: u32,
    c: u16,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(s) => ws.write_string_with_format(r, c, s, &f.text)?,
        // Counts and amounts of a cluster stay far below 2^53: exact as f64.
        Cell::Int(n) => ws.write_number_with_format(r, c, *n as f64, &f.int)?,
        Cell::Hundredths(h) => ws.write_number_with_format(r, c, *h as f64 / 100.0, &f.dec)?,
        Cell::Empty => ws.write_blank(r, c, &f.text)?,
    };
    Ok(())
}

fn write_sheet(ws: &mut Worksheet, f: &Formats, s: &StatSheet) -> Result<(), XlsxError> {
    ws.set_name(&s.name)?;
    let last_col = u16::try_from(s.headers.len().max(1) - 1).unwrap_or(0);
    if last_col > 0 {
        ws.merge_range(0, 0, 0, last_col, &s.title, &f.title)?;
    } else {
        ws.write_string_with_format(0, 0, &s.title, &f.title)?;
    }
    ws.set_row_height(0, 30)?;
    for (c, (h, w)) in (0u16..).zip(&s.headers) {
        ws.write_string_with_format(1, c, h, &f.header)?;
        ws.set_column_width(c, *w)?;
    }
    for (r, row) in (HEADER_ROWS..).zip(&s.rows) {
        for (c, cell) in (0u16..).zip(row) {
            write_cell(ws, f, r, c, cell)?;
        }
    }
    let mut r = HEADER_ROWS + u32::try_from(s.rows.len()).unwrap_or(u32::MAX - 10);
    if !s.notes.is_empty() {
        r += 1;
        for (label, value) in &s.notes {
            ws.write_string_with_format(r, 0, label, &f.label)?;
            match value {
                // A text (a definition may be long) spans the rest of the table.
                Cell::Text(t) if last_col > 1 => {
                    ws.merge_range(r, 1, r, last_col, t, &f.text)?;
                    let lines = t.chars().count() / 50 + 1;
                    ws.set_row_height(r, 16.0 * lines.min(8) as f64)?;
                }
                v => write_cell(ws, f, r, 1, v)?,
            }
            r += 1;
        }
    }
    ws.set_freeze_panes(HEADER_ROWS, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 1)?;
    Ok(())
}

/// The workbook of `sheets`, in order.
pub fn statistics_xlsx(sheets: &[StatSheet]) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let f = formats();
    for s in sheets {
        let ws = wb.add_worksheet();
        write_sheet(ws, &f, s)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;

    fn sheets() -> Vec<StatSheet> {
        let mut k1 = StatSheet::new(
            "K1 质押融资金额",
            "徐汇区 K1 专利商标质押融资金额",
            &[
                ("年度", 8.0),
                ("数值（万元）", 14.0),
                ("同比增幅（%）", 14.0),
            ],
        );
        k1.rows.push(vec![
            Cell::Int(2020),
            Cell::Hundredths(218_000),
            Cell::Empty,
        ]);
        k1.rows.push(vec![
            Cell::Int(2021),
            Cell::Hundredths(309_800),
            Cell::Hundredths(4211),
        ]);
        k1.notes
            .push(("年均增幅（%）".into(), Cell::Hundredths(5764)));
        k1.notes
            .push(("口径说明".into(), Cell::text("统计年度内……")));
        let mut deals = StatSheet::new("交易清单", "交易清单", &[("编号", 8.0), ("受让方", 30.0)]);
        deals
            .rows
            .push(vec![Cell::Int(7), Cell::text("上海某某科技有限公司")]);
        vec![k1, deals]
    }

    #[test]
    fn t8_statistics_xlsx_reads_back_with_numbers_as_numbers() {
        let bytes = statistics_xlsx(&sheets()).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(wb.sheet_names(), vec!["K1 质押融资金额", "交易清单"]);
        let r = wb.worksheet_range("K1 质押融资金额").unwrap();
        assert_eq!(
            r.get_value((1, 1)),
            Some(&Data::String("数值（万元）".into()))
        );
        assert_eq!(r.get_value((2, 0)), Some(&Data::Float(2020.0)));
        assert_eq!(r.get_value((2, 1)), Some(&Data::Float(2180.0)));
        assert_eq!(r.get_value((3, 2)), Some(&Data::Float(42.11)));
        assert_eq!(
            r.get_value((5, 0)),
            Some(&Data::String("年均增幅（%）".into()))
        );
        assert_eq!(r.get_value((5, 1)), Some(&Data::Float(57.64)));
        let d = wb.worksheet_range("交易清单").unwrap();
        assert_eq!(d.get_value((2, 0)), Some(&Data::Float(7.0)));

        // The header rows are frozen on every sheet.
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        for i in 1..=2 {
            let mut xml = String::new();
            zip.by_name(&format!("xl/worksheets/sheet{i}.xml"))
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            assert!(
                xml.contains(r#"ySplit="2""#) && xml.contains(r#"state="frozen""#),
                "{xml}"
            );
        }
    }
}

//! The deal ledger's documents (issue 12): the ledger as XLSX, and the prefilled CNIPA filing
//! sheet of one deal as DOCX (the parties, patents and terms the filing asks for).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::{ReportError, XLSX_FONT};

/// The ledger as XLSX: a title row, one header row, then `rows` (cells formatted for people).
pub fn deals_xlsx(
    title: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("交易台账")?;
    let title_f = Format::new()
        .set_font_name(XLSX_FONT)
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let head_f = Format::new()
        .set_font_name(XLSX_FONT)
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(0xEEF2F7)
        .set_align(FormatAlign::Center);
    let cell_f = Format::new()
        .set_font_name(XLSX_FONT)
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let last = u16::try_from(headers.len().max(1) - 1).unwrap_or(0);
    sheet.merge_range(0, 0, 0, last, title, &title_f)?;
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(1, c, *h, &head_f)?;
        sheet.set_column_width(c, 16.0)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 2).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.write_string_with_format(r, c, v, &cell_f)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// One deal's filing sheet: `(label, value)` lines of the terms, then the patents.
#[derive(Debug, Clone, Default)]
pub struct FilingSheet {
    /// E.g. 专利实施许可合同备案申请表（预填）.
    pub title: String,
    pub terms: Vec<(String, String)>,
    /// (number, title, status, expiry).
    pub patents: Vec<[String; 4]>,
    /// Guidance lines printed at the end.
    pub notes: Vec<String>,
}

const FONT: &str = "仿宋_GB2312";

fn run(text: &str, bold: bool, size: usize) -> Run {
    let r = Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(FONT).ascii(FONT).hi_ansi(FONT));
    if bold { r.bold() } else { r }
}

fn cell(text: &str, bold: bool) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(run(text, bold, 24)))
}

pub fn filing_sheet_docx(s: &FilingSheet) -> Result<Vec<u8>, ReportError> {
    let mut docx = Docx::new().add_paragraph(
        Paragraph::new()
            .add_run(run(&s.title, true, 36))
            .align(AlignmentType::Center),
    );
    let rows: Vec<TableRow> = s
        .terms
        .iter()
        .map(|(k, v)| TableRow::new(vec![cell(k, true), cell(v, false)]))
        .collect();
    docx = docx
        .add_table(Table::new(rows).width(9000, WidthType::Dxa))
        .add_paragraph(Paragraph::new().add_run(run("涉及专利", true, 28)));
    let mut rows = vec![TableRow::new(vec![
        cell("申请号/专利号", true),
        cell("名称", true),
        cell("法律状态", true),
        cell("届满日", true),
    ])];
    rows.extend(
        s.patents
            .iter()
            .map(|p| TableRow::new(p.iter().map(|x| cell(x, false)).collect())),
    );
    docx = docx.add_table(Table::new(rows).width(9000, WidthType::Dxa));
    for n in &s.notes {
        docx = docx.add_paragraph(Paragraph::new().add_run(run(n, false, 21)));
    }
    let mut cursor = Cursor::new(Vec::new());
    docx.pack(&mut cursor)
        .map_err(|e| ReportError::Docx(format!("生成 DOCX 文件失败：{e}")))?;
    Ok(cursor.into_inner())
}

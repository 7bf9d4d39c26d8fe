//! Reading a table out of a spreadsheet the user uploaded: XLSX (any sheet that carries the header)
//! or CSV in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 as Excel on Chinese
//! Windows saves it. The header is the first non-empty row (a title line or two above it are
//! tolerated); columns may come in any order and extra columns are ignored. Row numbers are the
//! spreadsheet's own, so a message can say "第 7 行".

use std::io::Cursor;
use zhiyun_domain::code::Code;

use calamine::{DataRef, Reader, Xlsx};

/// A row of text cells with its 1-based spreadsheet row number.
pub type RawRow = (usize, Vec<String>);

/// How many non-empty rows at the top may precede the header (a title line, a note).
const HEADER_SEARCH_ROWS: usize = 10;

/// The most a worksheet's XML may take uncompressed (a 510 KB file of zero-filled rows unpacks to
/// gigabytes: issue 19, finding 2). Rows past the cap are not read anyway; this bounds one row.
pub const MAX_SHEET_XML_BYTES: u64 = 512 * 1024 * 1024;
/// The most the shared-strings table may take uncompressed (it is read whole when the workbook
/// opens).
pub const MAX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("无法读取文件：{0}")]
    Unreadable(String),
    /// Lists every missing header, joined with 、.
    #[error("缺少表头列：{0}")]
    MissingColumns(String),
    #[error("文件中没有数据行")]
    Empty,
    /// `more`: reading stopped at `rows` (the file has at least that many).
    #[error("数据行过多：{}{rows} 行，最多 {max} 行", if *more { "超过 " } else { "" })]
    TooManyRows { rows: usize, max: usize, more: bool },
    #[error("不支持的文件类型：{0}（请上传 .xlsx 或 .csv）")]
    UnsupportedType(String),
}

impl ImportError {
    /// Stable snake_case for scripts and the API.
    pub fn code(&self) -> Code {
        match self {
            ImportError::Unreadable(_) => Code::Unreadable,
            ImportError::MissingColumns(_) => Code::MissingColumns,
            ImportError::Empty => Code::Empty,
            ImportError::TooManyRows { .. } => Code::TooManyRows,
            ImportError::UnsupportedType(_) => Code::UnsupportedType,
        }
    }
}

/// The data rows under a header, blank rows dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    header: Vec<String>,
    pub rows: Vec<RawRow>,
}

impl Table {
    /// The position of a column by its header name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| clean(c) == name)
    }
}

/// A cell of a row, trimmed; `None` when the row has no such cell or it is blank.
pub fn cell(cells: &[String], i: Option<usize>) -> Option<&str> {
    let v = clean(cells.get(i?).map(String::as_str).unwrap_or(""));
    (!v.is_empty()).then_some(v)
}

/// Read the table whose header names every column in `required` (and, in an XLSX workbook, the
/// first sheet that has such a header). `filename` decides the format by its extension.
pub fn read_table(
    filename: &str,
    bytes: &[u8],
    required: &[&str],
    max_rows: usize,
) -> Result<Table, ImportError> {
    let ext = filename
        .trim()
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    // Enough non-blank rows for the title lines, the header and one row past the cap: reading
    // stops there (a file of millions of rows is refused without holding them).
    let keep = max_rows.saturating_add(HEADER_SEARCH_ROWS + 2);
    let (rows, more) = match ext.as_deref() {
        // The XLSX reader panics on some malformed cell references (an arithmetic overflow in
        // debug builds, found by the fuzz tests): such a file is unreadable, not a crash.
        Some("xlsx") => std::panic::catch_unwind(|| read_xlsx(bytes, required, keep))
            .unwrap_or_else(|_| {
                Err(ImportError::Unreadable(
                    "不是有效的 XLSX 文件（单元格位置无法解析）".into(),
                ))
            })?,
        Some("csv") => read_csv(bytes, keep)?,
        Some(e) => return Err(ImportError::UnsupportedType(format!(".{e}"))),
        None => return Err(ImportError::UnsupportedType(filename.trim().to_string())),
    };
    let header = find_header(&rows, required)?;
    let mut rows = rows.into_iter().skip(header);
    let header = rows.next().map(|(_, cells)| cells).unwrap_or_default();
    let data: Vec<RawRow> = rows.filter(|(_, cells)| !is_blank(cells)).collect();
    if data.is_empty() {
        return Err(ImportError::Empty);
    }
    if data.len() > max_rows || more {
        return Err(ImportError::TooManyRows {
            rows: data.len(),
            max: max_rows,
            more,
        });
    }
    Ok(Table { header, rows: data })
}

pub(crate) fn cell_text(d: DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s,
        DataRef::SharedString(s) => s.to_string(),
        // A whole number typed into a cell comes back as a float: show it as Excel does.
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        // A date cell: as the ISO date a user would type (the time only when there is one).
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
            }
        }
        other => calamine::Data::from(other).to_string(),
    }
}

/// Cells streamed sheet by sheet (memory: the shared strings and the rows as text, not a grid of
/// every cell twice).
fn read_xlsx(
    bytes: &[u8],
    required: &[&str],
    keep: usize,
) -> Result<(Vec<RawRow>, bool), ImportError> {
    check_unpacked_sizes(bytes)?;
    let mut wb = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ImportError::Unreadable(format!("不是有效的 XLSX 文件（{e}）")))?;
    let names = wb.sheet_names();
    if names.is_empty() {
        return Err(ImportError::Unreadable("XLSX 文件中没有工作表".into()));
    }
    // The first sheet with the whole header, else the first readable sheet (which then reports
    // what is missing). A sheet calamine cannot read (a chart sheet, say) is passed over.
    let mut first: Option<(Vec<RawRow>, bool)> = None;
    let mut error: Option<String> = None;
    for name in &names {
        let rows = match sheet_rows(&mut wb, name, keep) {
            Ok(r) => r,
            Err(e) => {
                error.get_or_insert_with(|| format!("工作表“{name}”无法读取（{e}）"));
                continue;
            }
        };
        if find_header(&rows.0, required).is_ok() {
            return Ok(rows);
        }
        if first.is_none() {
            first = Some(rows);
        }
    }
    match (first, error) {
        (Some(rows), _) => Ok(rows),
        (None, Some(e)) => Err(ImportError::Unreadable(e)),
        (None, None) => Ok((Vec::new(), false)),
    }
}

/// Refuse a workbook whose worksheets or shared strings unpack to more than the bounds (as the
/// archive declares them; reading stops at the row cap whatever they say).
fn check_unpacked_sizes(bytes: &[u8]) -> Result<(), ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::Unreadable(format!("不是有效的 XLSX 文件（{e}）")))?;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::Unreadable(format!("不是有效的 XLSX 文件（{e}）")))?;
        let name = f.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        let limit = if name.ends_with("sharedstrings.xml") {
            MAX_SHARED_STRINGS_BYTES
        } else if name.starts_with("xl/worksheets/") {
            MAX_SHEET_XML_BYTES
        } else {
            continue;
        };
        if f.size() > limit {
            return Err(ImportError::Unreadable(format!(
                "文件解压后过大（{name} 解压后 {} MB，最多 {} MB）：请删除空行、拆分后再上传",
                f.size() / 1024 / 1024,
                limit / 1024 / 1024
            )));
        }
        if limit == MAX_SHARED_STRINGS_BYTES {
            drop(f);
            check_shared_strings_count(&mut zip, i)?;
        }
    }
    Ok(())
}

/// The reader reserves room for as many strings as the table's `uniqueCount` declares before
/// reading one, so a few bytes declaring billions abort the server (found by the fuzz tests,
/// issue 19). Every string takes at least `<si></si>` (9 bytes): refuse a count the table's
/// size cannot hold.
fn check_shared_strings_count(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
) -> Result<(), ImportError> {
    use std::io::Read;
    let unreadable =
        |e: &dyn std::fmt::Display| ImportError::Unreadable(format!("不是有效的 XLSX 文件（{e}）"));
    let f = zip.by_index(index).map_err(|e| unreadable(&e))?;
    let size = f.size();
    let mut head = Vec::with_capacity(4096);
    // A read error is the reader's to report (a truncated or corrupt table).
    let _ = f.take(4096).read_to_end(&mut head);
    let head = String::from_utf8_lossy(&head);
    let Some(at) = head.find("uniqueCount=") else {
        return Ok(());
    };
    let digits: String = head[at + "uniqueCount=".len()..]
        .chars()
        .skip(1)
        .take_while(|c| !matches!(c, '"' | '\''))
        .collect();
    let n = digits.trim();
    let n = n.strip_prefix('+').unwrap_or(n);
    // Not a number: the reader ignores it; too many digits for a u64: too many strings.
    let too_many = !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && n.parse::<u64>().map_or(true, |n| n > size / 9 + 1);
    if !too_many {
        Ok(())
    } else {
        Err(ImportError::Unreadable(format!(
            "不是有效的 XLSX 文件（共享字符串表声明 {} 个字符串，超出其大小所能容纳的数量）",
            digits.trim()
        )))
    }
}

/// The non-blank rows of a sheet, at most `keep` (then `true`: there are more).
fn sheet_rows(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    keep: usize,
) -> Result<(Vec<RawRow>, bool), calamine::XlsxError> {
    let mut reader = wb.worksheet_cells_reader(name)?;
    let mut rows: Vec<RawRow> = Vec::new();
    while let Some(c) = reader.next_cell()? {
        let (r, col) = c.get_position();
        let (r, col) = (r as usize + 1, col as usize);
        let text = cell_text(c.get_value().clone());
        if text.is_empty() {
            continue;
        }
        if rows.last().is_none_or(|(n, _)| *n != r) {
            // A finished row of blanks is dropped as it ends, so they cost nothing.
            if rows.last().is_some_and(|(_, cells)| is_blank(cells)) {
                rows.pop();
            }
            if rows.len() >= keep {
                return Ok((rows, true));
            }
            rows.push((r, Vec::new()));
        }
        let cells = &mut rows.last_mut().expect("pushed above").1;
        if cells.len() <= col {
            // Columns past the last of a sheet (XFD) are no real cell.
            if col >= 16_384 {
                continue;
            }
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
    }
    Ok((rows, false))
}

/// Decode CSV bytes: a BOM decides; else UTF-8 if valid; else GB18030 (a superset of GBK).
fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(ImportError::Unreadable(format!(
                "文件以 {} 的字节顺序标记开头，但内容不是有效的 {} 文本",
                enc.name(),
                enc.name()
            )));
        }
        return Ok(text.into_owned());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ImportError::Unreadable(
            "无法识别文件编码：请将 CSV 另存为 UTF-8 或 GBK 编码".into(),
        ));
    }
    Ok(text.into_owned())
}

/// Comma, unless the first non-empty line has more tabs or semicolons than commas.
fn sniff_delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| line.matches(c).count();
    let (commas, tabs, semis) = (count(','), count('\t'), count(';'));
    if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas && semis > tabs {
        b';'
    } else {
        b','
    }
}

fn read_csv(bytes: &[u8], keep: usize) -> Result<(Vec<RawRow>, bool), ImportError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    // A spreadsheet shows every line as a row (an empty one too) except that a line break inside a
    // quoted cell stays within its row. The csv reader skips empty lines and its positions point
    // before the terminators it skipped, so count lines here: row = physical line of the record's
    // first character − line breaks inside earlier cells.
    let mut scanned = 0usize;
    let mut newlines = 0usize;
    let mut breaks_in_cells = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => ImportError::Unreadable(format!("CSV 第 {} 行附近格式有误", p.line())),
            None => ImportError::Unreadable(format!("CSV 格式有误（{e}）")),
        })?;
        let start = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(scanned)
            .clamp(scanned, bytes.len());
        newlines += bytes[scanned..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let mut i = start;
        while i < bytes.len() && matches!(bytes[i], b'\r' | b'\n') {
            newlines += usize::from(bytes[i] == b'\n');
            i += 1;
        }
        scanned = i;
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if !is_blank(&cells) {
            if rows.len() >= keep {
                return Ok((rows, true));
            }
            rows.push((newlines + 1 - breaks_in_cells, cells));
        }
        breaks_in_cells += record
            .iter()
            .map(|f| f.matches('\n').count())
            .sum::<usize>();
    }
    Ok((rows, false))
}

/// Trim whitespace (the ideographic space included) and invisible marks (BOM, zero-width).
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}'..='\u{200D}'))
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| clean(c).is_empty())
}

/// The index (into `rows`) of the header: among the first non-empty rows, the first naming every
/// required column, else the one naming most (and then the error lists what is missing).
fn find_header(rows: &[RawRow], required: &[&str]) -> Result<usize, ImportError> {
    let mut best: Option<(usize, usize)> = None; // (rows index, matched count)
    let candidates = rows
        .iter()
        .enumerate()
        .filter(|(_, (_, cells))| !is_blank(cells))
        .take(HEADER_SEARCH_ROWS);
    for (i, (_, cells)) in candidates {
        let matched = required
            .iter()
            .filter(|name| cells.iter().any(|c| clean(c) == **name))
            .count();
        if best.is_none_or(|(_, m)| matched > m) {
            best = Some((i, matched));
        }
        if matched == required.len() {
            break;
        }
    }
    let Some((i, _)) = best else {
        return Err(ImportError::Empty);
    };
    let cells = &rows[i].1;
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|n| !cells.iter().any(|c| clean(c) == *n))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing.join("、")));
    }
    Ok(i)
}

/// A value quoted for a message, shortened if long.
pub fn quoted(v: &str) -> String {
    const MAX: usize = 40;
    if v.chars().count() > MAX {
        format!("“{}…”", v.chars().take(MAX).collect::<String>())
    } else {
        format!("“{v}”")
    }
}

/// A table as CSV that Excel opens correctly in Chinese: UTF-8 with BOM, CRLF, quoted as needed.
pub fn csv_for_excel(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

/// The cell formats of the downloadable import templates: body text, the header row, text cells
/// (codes stay as typed) and wrapped notes.
pub(crate) struct TemplateFormats {
    pub base: rust_xlsxwriter::Format,
    pub header: rust_xlsxwriter::Format,
    pub text: rust_xlsxwriter::Format,
    pub wrap: rust_xlsxwriter::Format,
}

impl TemplateFormats {
    pub fn new() -> TemplateFormats {
        use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};
        let base = Format::new()
            .set_font_name(crate::XLSX_FONT)
            .set_font_size(11)
            .set_align(FormatAlign::VerticalCenter);
        TemplateFormats {
            header: base
                .clone()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_background_color(0xD9E1F2),
            text: base.clone().set_num_format("@"),
            wrap: base.clone().set_text_wrap().set_border(FormatBorder::Thin),
            base,
        }
    }
}

/// A plain table as XLSX: one sheet, a header row, text cells (for generated import files).
pub fn table_xlsx(
    sheet: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, crate::ReportError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    for (c, h) in (0u16..).zip(header) {
        ws.write_string(0, c, *h)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, v) in (0u16..).zip(row) {
            if !v.is_empty() {
                ws.write_string(r, c, v)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_for_excel_reads_back_through_read_table() {
        let bytes = csv_for_excel(
            &["行号", "问题"],
            &[vec!["2".into(), "标题：含,逗号与\"引号\"".into()]],
        );
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let t = read_table("x.csv", &bytes, &["行号", "问题"], 10).unwrap();
        assert_eq!(t.rows[0].1[1], "标题：含,逗号与\"引号\"");
    }

    /// Issue 19, finding 2: reading stops one row past the cap (a compressed file of millions of
    /// zero-filled rows is refused without holding them); blank rows cost nothing.
    #[test]
    fn reading_stops_at_the_row_cap() {
        let rows: Vec<Vec<String>> = (0..20_000).map(|_| vec!["0".into(), "0".into()]).collect();
        let bytes = table_xlsx("Sheet1", &["行号", "问题"], &rows).unwrap();
        let e = read_table("bomb.xlsx", &bytes, &["行号", "问题"], 100).unwrap_err();
        match e {
            ImportError::TooManyRows { rows, max, more } => {
                assert!(more && rows <= max + HEADER_SEARCH_ROWS + 2, "{rows}");
            }
            other => panic!("{other}"),
        }
        assert!(e_text(&bytes).starts_with("数据行过多：超过 "));
        // The same as CSV.
        let mut csv = String::from("行号,问题\n");
        for _ in 0..20_000 {
            csv.push_str("0,0\n");
        }
        let e = read_table("bomb.csv", csv.as_bytes(), &["行号", "问题"], 100).unwrap_err();
        assert!(
            matches!(e, ImportError::TooManyRows { more: true, .. }),
            "{e}"
        );
        // Blank rows between data rows do not count.
        let mut csv = String::from("行号,问题\n");
        for i in 0..50 {
            csv.push_str(&format!("{i},x\n,\n , \n"));
        }
        let t = read_table("gaps.csv", csv.as_bytes(), &["行号", "问题"], 50).unwrap();
        assert_eq!(t.rows.len(), 50);
    }

    fn e_text(bytes: &[u8]) -> String {
        read_table("bomb.xlsx", bytes, &["行号", "问题"], 100)
            .unwrap_err()
            .to_string()
    }

    /// Random and truncated bytes never panic: an error, or a table.
    #[test]
    fn truncated_workbooks_are_errors_not_panics() {
        let rows: Vec<Vec<String>> = (0..50)
            .map(|i| vec![i.to_string(), "问题".into()])
            .collect();
        let bytes = table_xlsx("Sheet1", &["行号", "问题"], &rows).unwrap();
        for cut in (0..bytes.len()).step_by(97) {
            let _ = read_table("cut.xlsx", &bytes[..cut], &["行号", "问题"], 100);
        }
    }
}

//! A park's enterprise list (企业名单) from XLSX or CSV, and the template to fill in.
//!
//! CSV may be UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 as Excel on Chinese
//! Windows saves it; the delimiter is a comma unless the header line clearly uses tabs or
//! semicolons. Every data row is kept, with its problems listed cell by cell: the list is evidence
//! (A2 judges each row), so a bad row is reported, not refused.

use std::collections::HashMap;
use zhiyun_domain::code::Code;

use rust_xlsxwriter::{DataValidation, Workbook};
use zhiyun_domain::application::EnterpriseInput;
use zhiyun_domain::ident::{HteCertificate, IdentError, Uscc};
use zhiyun_domain::org::SizeClass;

use crate::ReportError;
pub use crate::sheet::ImportError;
use crate::sheet::{Table, cell, quoted, read_table};

/// At most this many data rows per file.
pub const MAX_DATA_ROWS: usize = 20_000;

pub const COL_NAME: &str = "企业名称";
pub const COL_USCC: &str = "统一社会信用代码";
pub const COL_SIZE: &str = "企业规模";
pub const COL_HTE: &str = "高新技术企业证书编号";
/// The required header names, in template order.
pub const COLUMNS: [&str; 4] = [COL_NAME, COL_USCC, COL_SIZE, COL_HTE];

/// Every data row of the file, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEnterprises {
    pub rows: Vec<ParsedRow>,
}

impl ParsedEnterprises {
    /// Rows without any issue.
    pub fn valid_count(&self) -> usize {
        self.rows.iter().filter(|r| r.issues.is_empty()).count()
    }

    /// Every issue of every row, in row order.
    pub fn issues(&self) -> impl Iterator<Item = &CellIssue> {
        self.rows.iter().flat_map(|r| r.issues.iter())
    }

    /// The inputs, in order (what an application's enterprise list takes).
    pub fn inputs(&self) -> Vec<EnterpriseInput> {
        self.rows.iter().map(|r| r.input.clone()).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    /// 1-based spreadsheet row number (the header is e.g. row 1, the first data row 2).
    pub row: usize,
    /// Trimmed cells; a valid USCC or certificate in canonical spelling, a recognised size as its
    /// English slug (`large`, `medium`, `small`, `micro`), anything else as given.
    pub input: EnterpriseInput,
    /// Empty when the row is fully valid.
    pub issues: Vec<CellIssue>,
}

/// One problem with one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellIssue {
    pub row: usize,
    /// The Chinese header name, e.g. 统一社会信用代码.
    pub column: String,
    /// Stable snake_case: `missing_name`, `missing_uscc`, `invalid_uscc`, `duplicate_uscc`,
    /// `unknown_size`, `hte_malformed`.
    pub code: Code,
    /// Chinese; names the column, the value and the reason.
    pub message: String,
}

/// Read a park's enterprise list. `filename` decides the format by its extension
/// (`.xlsx` or `.csv`, any case). The header is the first non-empty row (a title line or two
/// above it are tolerated) and must name the four columns 企业名称, 统一社会信用代码, 企业规模,
/// 高新技术企业证书编号, in any order; other columns are ignored. Blank rows are skipped.
pub fn parse_enterprise_list(
    filename: &str,
    bytes: &[u8],
) -> Result<ParsedEnterprises, ImportError> {
    let table = read_table(filename, bytes, &COLUMNS, MAX_DATA_ROWS)?;
    parse_rows(table)
}

// ---------- checking ----------

/// `大型`/`中型`/`小型`/`微型` (optionally followed by 企业) or the English slug, any case.
fn parse_size(s: &str) -> Option<SizeClass> {
    let s = s.trim();
    let s = s.strip_suffix("企业").unwrap_or(s).trim();
    SizeClass::ALL
        .into_iter()
        .find(|k| s == k.label() || s.eq_ignore_ascii_case(k.slug()))
}

fn parse_rows(table: Table) -> Result<ParsedEnterprises, ImportError> {
    let [c_name, c_uscc, c_size, c_hte] = COLUMNS.map(|n| table.column(n));
    let data = table.rows;

    let mut seen: HashMap<String, usize> = HashMap::new();
    let rows = data
        .into_iter()
        .map(|(row, cells)| {
            let get = |i: Option<usize>| cell(&cells, i).map(str::to_string);
            let mut issues = Vec::new();
            let mut issue = |column: &str, code: Code, message: String| {
                issues.push(CellIssue {
                    row,
                    column: column.to_string(),
                    code,
                    message,
                })
            };

            let name = get(c_name);
            if name.is_none() {
                issue(COL_NAME, Code::MissingName, format!("{COL_NAME}：不能为空"));
            }

            let mut uscc = get(c_uscc);
            match uscc.as_deref().map(Uscc::parse) {
                None => issue(
                    COL_USCC,
                    Code::MissingUscc,
                    format!(
                        "{COL_USCC}：{}",
                        Uscc::parse("").err().map(|e| e.message).unwrap_or_default()
                    ),
                ),
                Some(Err(IdentError { message, .. })) => issue(
                    COL_USCC,
                    Code::InvalidUscc,
                    format!(
                        "{COL_USCC}{}：{message}",
                        quoted(uscc.as_deref().unwrap_or(""))
                    ),
                ),
                Some(Ok(code)) => {
                    let canonical = code.as_str().to_string();
                    match seen.get(&canonical) {
                        Some(first) => issue(
                            COL_USCC,
                            Code::DuplicateUscc,
                            format!("{COL_USCC}{}：与第 {first} 行重复", quoted(&canonical)),
                        ),
                        None => {
                            seen.insert(canonical.clone(), row);
                        }
                    }
                    uscc = Some(canonical);
                }
            }

            let mut size = get(c_size);
            match size.as_deref() {
                None => issue(
                    COL_SIZE,
                    Code::UnknownSize,
                    format!("{COL_SIZE}：不能为空，应为大型、中型、小型或微型"),
                ),
                Some(s) => match parse_size(s) {
                    Some(k) => size = Some(k.slug().to_string()),
                    None => issue(
                        COL_SIZE,
                        Code::UnknownSize,
                        format!(
                            "{COL_SIZE}{}：无法识别，应为大型、中型、小型或微型",
                            quoted(s)
                        ),
                    ),
                },
            }

            let mut hte = get(c_hte);
            if let Some(v) = hte.as_deref() {
                match HteCertificate::parse(v) {
                    Ok(c) => hte = Some(c.as_str().to_string()),
                    Err(e) => issue(
                        COL_HTE,
                        Code::HteMalformed,
                        format!("{COL_HTE}{}：{}", quoted(v), e.message),
                    ),
                }
            }

            ParsedRow {
                row,
                input: EnterpriseInput {
                    name,
                    uscc,
                    size,
                    hte_certificate: hte,
                },
                issues,
            }
        })
        .collect();
    Ok(ParsedEnterprises { rows })
}

// ---------- template ----------

pub const TEMPLATE_SHEET: &str = "企业名单";
pub const TEMPLATE_NOTES_SHEET: &str = "填写说明";

/// A downloadable template: sheet 企业名单 with the four headers and one example row (the 企业规模
/// column offers a drop-down list; code columns are text so Excel keeps them as typed), and sheet
/// 填写说明 explaining each column.
pub fn enterprise_template_xlsx() -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let crate::sheet::TemplateFormats {
        base,
        header,
        text,
        wrap,
    } = crate::sheet::TemplateFormats::new();

    let sheet = wb.add_worksheet();
    sheet.set_name(TEMPLATE_SHEET)?;
    let example = [
        "上海示例科技有限公司",
        "91310115MA1K3BTP2B",
        "小型",
        "GR202231005683",
    ];
    let widths = [36.0, 24.0, 12.0, 24.0];
    for (col, ((h, v), w)) in (0u16..).zip(COLUMNS.iter().zip(example).zip(widths)) {
        sheet.set_column_width(col, w)?;
        sheet.set_column_format(col, &text)?;
        sheet.write_string_with_format(0, col, *h, &header)?;
        sheet.write_string_with_format(1, col, v, &text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let sizes = DataValidation::new()
        .allow_list_strings(&["大型", "中型", "小型", "微型"])?
        .set_input_title("企业规模")?
        .set_input_message("请选择：大型、中型、小型或微型")?
        .set_error_title("企业规模")?
        .set_error_message("应为大型、中型、小型或微型")?;
    sheet.add_data_validation(1, 2, MAX_DATA_ROWS as u32, 2, &sizes)?;

    let notes = wb.add_worksheet();
    notes.set_name(TEMPLATE_NOTES_SHEET)?;
    let rows: [[&str; 4]; 5] = [
        ["列名", "是否必填", "说明", "示例"],
        [
            COL_NAME,
            "必填",
            "企业在营业执照上登记的全称。",
            "上海示例科技有限公司",
        ],
        [
            COL_USCC,
            "必填",
            "18 位统一社会信用代码，系统按 GB 32100 校验第 18 位校验位；同一名单内不得重复。",
            "91310115MA1K3BTP2B",
        ],
        [
            COL_SIZE,
            "必填",
            "按工信部中小企业划型标准填写：大型、中型、小型或微型（也可填 large、medium、small、micro）。中型、小型、微型计为中小微企业。",
            "小型",
        ],
        [
            COL_HTE,
            "选填",
            "仅高新技术企业填写：GR + 4 位发证年份 + 2 位省份代码 + 6 位序号，共 14 位；证书自发证当年起三年内有效。非高新技术企业留空。",
            "GR202231005683",
        ],
    ];
    for (r, row) in (0u32..).zip(rows) {
        for (c, v) in (0u16..).zip(row) {
            let f = if r == 0 { &header } else { &wrap };
            notes.write_string_with_format(r, c, v, f)?;
        }
    }
    let general = [
        "填写要求：",
        "1. 请在“企业名单”工作表填写，第一行为表头，请勿修改或删除列名；列的顺序可以调整，可增加其他列（系统不读取）。",
        "2. 每行填写一家企业，示例行请替换为实际企业；空行将被忽略。",
        "3. 每个文件最多 20000 行企业数据。",
        "4. 也可上传 CSV 文件（UTF-8 或 GBK 编码，逗号分隔），第一行同样为上述四个列名。",
        "5. 上传后系统逐行校验，并列出有问题的单元格（行号、列名和原因）。",
    ];
    for (r, line) in (rows.len() as u32 + 1..).zip(general) {
        notes.write_string_with_format(r, 0, line, &base)?;
    }
    for (col, w) in (0u16..).zip([22.0, 10.0, 70.0, 22.0]) {
        notes.set_column_width(col, w)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID_1: &str = "91310115MA1K3BTP2B";
    const VALID_2: &str = "91350100M000100Y43";
    /// VALID_1 with a wrong check character.
    const BAD: &str = "91310115MA1K3BTP2C";

    /// Header, then: valid; invalid USCC; duplicate of row 2; 中型 with a malformed certificate;
    /// a blank row; a valid row with a certificate and an English size.
    fn table() -> Vec<Vec<String>> {
        let rows: [[&str; 4]; 7] = [
            [COL_NAME, COL_USCC, COL_SIZE, COL_HTE],
            ["上海甲科技有限公司", VALID_1, "小型", ""],
            ["上海乙科技有限公司", BAD, "微型", ""],
            ["上海丙科技有限公司", VALID_1, "小型", ""],
            ["上海丁科技有限公司", "", "中型", "GR2022"],
            ["", "", "", ""],
            ["福建戊科技有限公司", VALID_2, "Medium", "gr 2022 31 005683"],
        ];
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn csv_text(rows: &[Vec<String>]) -> String {
        rows.iter()
            .map(|r| r.join(","))
            .collect::<Vec<_>>()
            .join("\r\n")
    }

    fn xlsx_bytes(rows: &[Vec<String>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (r, row) in (0u32..).zip(rows) {
            for (c, v) in (0u16..).zip(row) {
                if !v.is_empty() {
                    sheet.write_string(r, c, v).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn codes(r: &ParsedRow) -> Vec<&str> {
        r.issues.iter().map(|i| i.code.as_str()).collect()
    }

    fn assert_table(p: &ParsedEnterprises) {
        let rows: Vec<usize> = p.rows.iter().map(|r| r.row).collect();
        assert_eq!(rows, [2, 3, 4, 5, 7]);

        let r = &p.rows[0];
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(
            r.input,
            EnterpriseInput {
                name: Some("上海甲科技有限公司".into()),
                uscc: Some(VALID_1.into()),
                size: Some("small".into()),
                hte_certificate: None,
            }
        );

        let r = &p.rows[1];
        assert_eq!(codes(r), ["invalid_uscc"]);
        let i = &r.issues[0];
        assert_eq!((i.row, i.column.as_str()), (3, COL_USCC));
        assert_eq!(
            i.message,
            format!("统一社会信用代码“{BAD}”：校验位应为 B，实为 C（第 18 位）")
        );
        assert_eq!(r.input.uscc.as_deref(), Some(BAD));
        assert_eq!(r.input.size.as_deref(), Some("micro"));

        let r = &p.rows[2];
        assert_eq!(codes(r), ["duplicate_uscc"]);
        assert_eq!(r.issues[0].row, 4);
        assert!(r.issues[0].message.starts_with(COL_USCC));
        assert!(
            r.issues[0].message.contains("与第 2 行重复"),
            "{}",
            r.issues[0].message
        );

        let r = &p.rows[3];
        assert_eq!(codes(r), ["missing_uscc", "hte_malformed"]);
        assert_eq!(r.input.size.as_deref(), Some("medium"));
        assert_eq!(r.issues[0].column, COL_USCC);
        assert!(
            r.issues[0]
                .message
                .starts_with("统一社会信用代码：不能为空")
        );
        assert_eq!(r.issues[1].column, COL_HTE);
        assert!(
            r.issues[1]
                .message
                .starts_with("高新技术企业证书编号“GR2022”：应为 14 位"),
            "{}",
            r.issues[1].message
        );
        assert_eq!(r.input.hte_certificate.as_deref(), Some("GR2022"));

        let r = &p.rows[4];
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.input.uscc.as_deref(), Some(VALID_2));
        assert_eq!(r.input.size.as_deref(), Some("medium"));
        assert_eq!(r.input.hte_certificate.as_deref(), Some("GR202231005683"));

        assert_eq!(p.valid_count(), 2);
        for i in p.issues() {
            assert!(i.message.contains(&i.column), "{i:?}");
        }
    }

    #[test]
    fn csv_utf8_with_bom() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(csv_text(&table()).as_bytes());
        assert_table(&parse_enterprise_list("名单.csv", &bytes).unwrap());
    }

    #[test]
    fn csv_utf8_without_bom_and_upper_case_extension() {
        let bytes = csv_text(&table()).into_bytes();
        assert_table(&parse_enterprise_list("名单.CSV", &bytes).unwrap());
    }

    #[test]
    fn csv_gbk() {
        let text = csv_text(&table());
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_table(&parse_enterprise_list("qiye.csv", &bytes).unwrap());
    }

    #[test]
    fn xlsx() {
        let bytes = xlsx_bytes(&table());
        assert_table(&parse_enterprise_list("名单.Xlsx", &bytes).unwrap());
    }

    #[test]
    fn columns_in_any_order_with_extra_columns_and_title_row() {
        let rows = vec![
            vec!["上海市某园区企业名单".to_string()],
            vec![
                " 序号".into(),
                COL_HTE.into(),
                COL_SIZE.into(),
                format!("{COL_USCC}\u{3000}"),
                COL_NAME.into(),
            ],
            vec![
                "1".into(),
                "".into(),
                "大型企业".into(),
                VALID_2.to_lowercase(),
                "某公司".into(),
            ],
        ];
        for p in [
            parse_enterprise_list("a.xlsx", &xlsx_bytes(&rows)).unwrap(),
            parse_enterprise_list("a.csv", csv_text(&rows).as_bytes()).unwrap(),
        ] {
            assert_eq!(p.rows.len(), 1);
            assert_eq!(p.rows[0].row, 3);
            assert!(p.rows[0].issues.is_empty(), "{:?}", p.rows[0].issues);
            assert_eq!(p.rows[0].input.uscc.as_deref(), Some(VALID_2));
            assert_eq!(p.rows[0].input.size.as_deref(), Some("large"));
        }
    }

    #[test]
    fn numeric_cells_and_unknown_size() {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (c, h) in (0u16..).zip(COLUMNS) {
            sheet.write_string(0, c, h).unwrap();
        }
        sheet.write_number(1, 0, 12345678.0).unwrap();
        sheet.write_string(1, 1, VALID_1).unwrap();
        sheet.write_string(1, 2, "特大型").unwrap();
        let p = parse_enterprise_list("n.xlsx", &wb.save_to_buffer().unwrap()).unwrap();
        let r = &p.rows[0];
        assert_eq!(r.input.name.as_deref(), Some("12345678"));
        assert_eq!(r.input.size.as_deref(), Some("特大型"));
        assert_eq!(codes(r), ["unknown_size"]);
        assert_eq!(
            r.issues[0].message,
            "企业规模“特大型”：无法识别，应为大型、中型、小型或微型"
        );
        assert_eq!(
            crate::sheet::cell_text(calamine::DataRef::Float(1.5)),
            "1.5"
        );
    }

    #[test]
    fn missing_name_and_size() {
        let text = format!("{}\n,{VALID_1},,\n", COLUMNS.join(","));
        let p = parse_enterprise_list("a.csv", text.as_bytes()).unwrap();
        assert_eq!(codes(&p.rows[0]), ["missing_name", "unknown_size"]);
        assert_eq!(p.rows[0].issues[0].column, COL_NAME);
        assert_eq!(p.rows[0].input.name, None);
        assert_eq!(p.rows[0].input.size, None);
    }

    #[test]
    fn missing_columns() {
        let text = format!("{COL_NAME},{COL_SIZE},其他\n某公司,小型,x\n");
        for (name, bytes) in [
            ("a.csv", text.clone().into_bytes()),
            (
                "a.xlsx",
                xlsx_bytes(&[vec![COL_NAME.into(), COL_SIZE.into(), "其他".into()]]),
            ),
        ] {
            let e = parse_enterprise_list(name, &bytes).unwrap_err();
            assert!(
                matches!(&e, ImportError::MissingColumns(m) if m == "统一社会信用代码、高新技术企业证书编号"),
                "{e:?}"
            );
            assert_eq!(
                e.to_string(),
                "缺少表头列：统一社会信用代码、高新技术企业证书编号"
            );
            assert_eq!(e.code(), "missing_columns");
        }
    }

    #[test]
    fn unsupported_unreadable_empty() {
        let e = parse_enterprise_list("名单.txt", b"x").unwrap_err();
        assert!(
            matches!(&e, ImportError::UnsupportedType(t) if t == ".txt"),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "不支持的文件类型：.txt（请上传 .xlsx 或 .csv）"
        );
        assert!(matches!(
            parse_enterprise_list("名单", b"x"),
            Err(ImportError::UnsupportedType(_))
        ));
        assert!(matches!(
            parse_enterprise_list("a.xls", b"x"),
            Err(ImportError::UnsupportedType(_))
        ));

        assert!(matches!(
            parse_enterprise_list("a.xlsx", b"not a zip"),
            Err(ImportError::Unreadable(_))
        ));
        // Invalid as UTF-8 and as GB18030.
        assert!(matches!(
            parse_enterprise_list("a.csv", b"\x81\x20\xff"),
            Err(ImportError::Unreadable(_))
        ));

        assert!(matches!(
            parse_enterprise_list("a.csv", b""),
            Err(ImportError::Empty)
        ));
        assert!(matches!(
            parse_enterprise_list("a.csv", b"\n ,,\n"),
            Err(ImportError::Empty)
        ));
        let header_only = format!("{}\n,,,\n", COLUMNS.join(","));
        assert!(matches!(
            parse_enterprise_list("a.csv", header_only.as_bytes()),
            Err(ImportError::Empty)
        ));
    }

    #[test]
    fn too_many_rows() {
        let mut text = COLUMNS.join(",");
        for i in 0..=MAX_DATA_ROWS {
            text.push_str(&format!("\n企业{i},{VALID_1},小型,"));
        }
        let e = parse_enterprise_list("a.csv", text.as_bytes()).unwrap_err();
        assert!(matches!(e, ImportError::TooManyRows { rows, .. } if rows == MAX_DATA_ROWS + 1));
        assert_eq!(e.to_string(), "数据行过多：20001 行，最多 20000 行");
    }

    #[test]
    fn csv_row_numbers_follow_the_spreadsheet() {
        // An empty line is a row; a line break inside a quoted cell is not.
        let text = format!(
            "{}\n\n\"上海\n甲公司\",{VALID_1},小型,\n乙公司,{VALID_1},小型,\n",
            COLUMNS.join(",")
        );
        let p = parse_enterprise_list("a.csv", text.as_bytes()).unwrap();
        let rows: Vec<usize> = p.rows.iter().map(|r| r.row).collect();
        assert_eq!(rows, [3, 4]);
        assert!(p.rows[1].issues[0].message.contains("与第 3 行重复"));

        // CRLF, empty lines before the header and between rows, a line of spaces.
        let text = format!(
            "\r\n\r\n{}\r\n甲公司,{VALID_1},小型,\r\n\r\n   \r\n乙公司,{VALID_2},小型,\r\n",
            COLUMNS.join(",")
        );
        let p = parse_enterprise_list("a.csv", text.as_bytes()).unwrap();
        let rows: Vec<usize> = p.rows.iter().map(|r| r.row).collect();
        assert_eq!(rows, [4, 7]);
    }

    #[test]
    fn csv_delimiters_and_utf16() {
        let text = format!("{}\n某公司;{VALID_1};小型;\n", COLUMNS.join(";"));
        let p = parse_enterprise_list("a.csv", text.as_bytes()).unwrap();
        assert!(p.rows[0].issues.is_empty());

        let text = format!("{}\r\n某公司\t{VALID_1}\t小型\t\r\n", COLUMNS.join("\t"));
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let p = parse_enterprise_list("a.csv", &bytes).unwrap();
        assert_eq!(p.rows[0].input.name.as_deref(), Some("某公司"));
        assert!(p.rows[0].issues.is_empty());
    }

    #[test]
    fn template_parses_back() {
        let bytes = enterprise_template_xlsx().unwrap();
        let p = parse_enterprise_list("企业名单模板.xlsx", &bytes).unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].row, 2);
        assert!(p.rows[0].issues.is_empty(), "{:?}", p.rows[0].issues);
        assert_eq!(p.rows[0].input.size.as_deref(), Some("small"));
        assert_eq!(
            p.rows[0].input.hte_certificate.as_deref(),
            Some("GR202231005683")
        );

        use calamine::Reader;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), [TEMPLATE_SHEET, TEMPLATE_NOTES_SHEET]);
        let notes = wb.worksheet_range(TEMPLATE_NOTES_SHEET).unwrap();
        let all: Vec<String> = notes.cells().map(|(_, _, d)| d.to_string()).collect();
        for c in COLUMNS {
            assert!(all.iter().any(|s| s == c), "{c}");
        }
    }
}

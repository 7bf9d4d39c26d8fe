//! Supply and demand listings from XLSX or CSV (T1 bulk import), and the template to fill in.
//!
//! Each row becomes a [`ListingInput`] and is checked by the same rule as a form or the API
//! ([`check_listing`]); every problem is reported with the spreadsheet row, the Chinese column name
//! and the reason. Duplicates inside the file (the same organisation and title, or a patent on two
//! rows) are reported here; duplicates against what is already stored are the caller's to check.

use std::collections::HashMap;
use zhiyun_domain::code::Code;

use chrono::NaiveDate;
use rust_xlsxwriter::{DataValidation, Workbook};
use zhiyun_domain::application::serde_json_number::Number;
use zhiyun_domain::district;
use zhiyun_domain::ident::Uscc;
use zhiyun_domain::listing::{
    Listing, ListingInput, ListingKind, MATURITY, MODES, TECH_FIELDS, check_listing,
};

use crate::ReportError;
use crate::enterprise_import::CellIssue;
use crate::sheet::{ImportError, cell, quoted, read_table};

/// At most this many data rows per file.
pub const MAX_LISTING_ROWS: usize = 200_000;

pub const COL_TITLE: &str = "标题";
pub const COL_DESCRIPTION: &str = "描述";
pub const COL_FIELD: &str = "技术领域";
pub const COL_MODES: &str = "合作方式";
pub const COL_IPC: &str = "IPC分类号";
pub const COL_BUDGET: &str = "预算（万元）";
pub const COL_PRICE: &str = "参考价格（万元）";
pub const COL_DISTRICT: &str = "所在区";
pub const COL_CONTACT: &str = "联系人";
pub const COL_PHONE: &str = "联系电话";
pub const COL_VALID_UNTIL: &str = "有效期至";
pub const COL_OWNER_USCC: &str = "机构统一社会信用代码";
pub const COL_OWNER_NAME: &str = "机构名称";
pub const COL_PATENTS: &str = "关联专利申请号";
pub const COL_MATURITY: &str = "技术成熟度";

/// Columns every file must have.
pub const REQUIRED: [&str; 8] = [
    COL_TITLE,
    COL_DESCRIPTION,
    COL_FIELD,
    COL_MODES,
    COL_DISTRICT,
    COL_CONTACT,
    COL_PHONE,
    COL_VALID_UNTIL,
];

fn price_column(kind: ListingKind) -> &'static str {
    match kind {
        ListingKind::Demand => COL_BUDGET,
        ListingKind::Supply => COL_PRICE,
    }
}

/// The template's columns, in order, for a kind.
pub fn template_columns(kind: ListingKind) -> Vec<&'static str> {
    let mut c = vec![
        COL_OWNER_NAME,
        COL_OWNER_USCC,
        COL_TITLE,
        COL_DESCRIPTION,
        COL_FIELD,
        COL_MODES,
        COL_IPC,
        price_column(kind),
        COL_DISTRICT,
        COL_CONTACT,
        COL_PHONE,
        COL_VALID_UNTIL,
    ];
    if kind == ListingKind::Supply {
        c.extend([COL_PATENTS, COL_MATURITY]);
    }
    c
}

/// One data row: what it says, and either the checked listing or its problems.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingRow {
    /// 1-based spreadsheet row number.
    pub row: usize,
    /// The owner organisation's USCC in canonical form, when the row names one.
    pub owner_uscc: Option<String>,
    /// The owner's name as written in the row (for messages).
    pub owner_name: Option<String>,
    pub input: ListingInput,
    /// `Some` when the row has no issue.
    pub listing: Option<Listing>,
    pub issues: Vec<CellIssue>,
}

/// Split a cell listing several values (`转让、许可`, `H01M 50/40；H01M 4/13`).
fn split_list(v: Option<&str>, also_slash_and_space: bool) -> Vec<String> {
    v.unwrap_or("")
        .split(|c: char| {
            matches!(c, ',' | '，' | '、' | ';' | '；' | '\n')
                || also_slash_and_space && (c == '/' || c.is_whitespace())
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `徐汇区`, `徐汇` or `310104` → the current district code; anything else is passed on unchanged
/// (and then reported by the listing check).
fn district_code(v: &str) -> String {
    let v = v.trim();
    district::all()
        .find(|d| d.code == v || d.name == v || d.name.strip_suffix('区') == Some(v))
        .map(|d| d.code.to_string())
        .unwrap_or_else(|| v.to_string())
}

/// Dates as people type them: `2027-03-01`, `2027/3/1`, `2027.3.1`, `2027年3月1日`, and a date
/// cell read with a time of day. Unparseable text is passed on for the check to report.
fn iso_date(v: &str) -> String {
    let v = v.trim();
    let v = v.split_once(' ').map(|(d, _)| d).unwrap_or(v);
    let normalised: String = v
        .replace(['/', '.', '年', '月'], "-")
        .trim_end_matches('日')
        .to_string();
    match NaiveDate::parse_from_str(&normalised, "%Y-%m-%d") {
        Ok(d) => d.format("%Y-%m-%d").to_string(),
        Err(_) => v.to_string(),
    }
}

/// `面议` or blank → negotiable; `50`, `50万`, `50 万元` → 50.
fn price(v: Option<&str>) -> Option<Number> {
    let v = v?.trim();
    if v.is_empty() || v == "面议" {
        return None;
    }
    let v = v
        .strip_suffix("万元")
        .or_else(|| v.strip_suffix('万'))
        .unwrap_or(v)
        .trim();
    Some(Number(v.replace(',', "")))
}

/// The column a field path of [`check_listing`] belongs to.
fn column_of(field: &str, kind: ListingKind) -> &'static str {
    let head = field.split('.').next().unwrap_or(field);
    match head {
        "title" => COL_TITLE,
        "description" => COL_DESCRIPTION,
        "field" => COL_FIELD,
        "ipc" => COL_IPC,
        "modes" => COL_MODES,
        "price_wan" => price_column(kind),
        "district_code" => COL_DISTRICT,
        "contact_name" => COL_CONTACT,
        "contact_phone" => COL_PHONE,
        "valid_until" => COL_VALID_UNTIL,
        "patents" => COL_PATENTS,
        "maturity" => COL_MATURITY,
        _ => COL_TITLE,
    }
}

/// Read and check every row of a listings file. `today` bounds the valid-until dates.
pub fn parse_listings(
    kind: ListingKind,
    filename: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<Vec<ListingRow>, ImportError> {
    let table = read_table(filename, bytes, &REQUIRED, MAX_LISTING_ROWS)?;
    let col = |name: &str| table.column(name);
    let (c_title, c_desc, c_field, c_modes, c_ipc, c_price) = (
        col(COL_TITLE),
        col(COL_DESCRIPTION),
        col(COL_FIELD),
        col(COL_MODES),
        col(COL_IPC),
        col(price_column(kind)),
    );
    let (c_district, c_contact, c_phone, c_valid, c_uscc, c_owner, c_patents, c_maturity) = (
        col(COL_DISTRICT),
        col(COL_CONTACT),
        col(COL_PHONE),
        col(COL_VALID_UNTIL),
        col(COL_OWNER_USCC),
        col(COL_OWNER_NAME),
        col(COL_PATENTS),
        col(COL_MATURITY),
    );

    // (owner, title) → first row; patent → first row.
    let mut titles: HashMap<(String, String), usize> = HashMap::new();
    let mut patents_seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for (row, cells) in table.rows {
        let get = |c: Option<usize>| cell(&cells, c).map(str::to_string);
        let mut issues = Vec::new();
        let mut issue = |column: &str, code: Code, message: String| {
            issues.push(CellIssue {
                row,
                column: column.to_string(),
                code,
                message,
            })
        };

        let owner_name = get(c_owner);
        let owner_uscc = match cell(&cells, c_uscc) {
            None => None,
            Some(v) => match Uscc::parse(v) {
                Ok(u) => Some(u.as_str().to_string()),
                Err(e) => {
                    issue(
                        COL_OWNER_USCC,
                        e.code,
                        format!("{COL_OWNER_USCC}{}：{}", quoted(v), e.message),
                    );
                    None
                }
            },
        };
        let input = ListingInput {
            kind: Some(kind.slug().to_string()),
            title: get(c_title),
            description: get(c_desc),
            field: get(c_field),
            ipc: split_list(cell(&cells, c_ipc), false),
            modes: split_list(cell(&cells, c_modes), true),
            price_wan: price(cell(&cells, c_price)),
            district_code: cell(&cells, c_district).map(district_code),
            contact_name: get(c_contact),
            contact_phone: get(c_phone),
            valid_until: cell(&cells, c_valid).map(iso_date),
            patents: split_list(cell(&cells, c_patents), false),
            maturity: get(c_maturity),
        };
        let listing = match check_listing(&input, today) {
            Ok(l) => Some(l),
            Err(errors) => {
                for e in errors {
                    let column = column_of(&e.field, kind);
                    let message = if e.message.starts_with(column) {
                        e.message
                    } else {
                        format!("{column}：{}", e.message)
                    };
                    issue(column, e.code, message);
                }
                None
            }
        };
        if let Some(l) = &listing {
            let owner_key = owner_uscc.clone().unwrap_or_default();
            match titles.get(&(owner_key.clone(), l.title.clone())) {
                Some(first) => issue(
                    COL_TITLE,
                    Code::DuplicateInFile,
                    format!(
                        "{COL_TITLE}{}：与第 {first} 行同一机构、同一标题，重复",
                        quoted(&l.title)
                    ),
                ),
                None => {
                    titles.insert((owner_key, l.title.clone()), row);
                }
            }
            for p in &l.patents {
                match patents_seen.get(p.number.as_str()) {
                    Some(first) => issue(
                        COL_PATENTS,
                        Code::DuplicateInFile,
                        format!(
                            "{COL_PATENTS}“{}”：已在第 {first} 行关联，同一专利只能出现在一个条目中",
                            p.number
                        ),
                    ),
                    None => {
                        patents_seen.insert(p.number.as_str().to_string(), row);
                    }
                }
            }
        }
        let listing = if issues.is_empty() { listing } else { None };
        out.push(ListingRow {
            row,
            owner_uscc,
            owner_name,
            input,
            listing,
            issues,
        });
    }
    Ok(out)
}

// ---------- template ----------

/// The downloadable template: a sheet with the headers and an example row (drop-down lists for
/// the field and maturity; text format so codes stay as typed), and a sheet 填写说明.
pub fn listing_template_xlsx(kind: ListingKind) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let crate::sheet::TemplateFormats {
        base,
        header,
        text,
        wrap,
    } = crate::sheet::TemplateFormats::new();

    let columns = template_columns(kind);
    let sheet = wb.add_worksheet();
    sheet.set_name(kind.label())?;
    let example = |c: &str| -> &str {
        match (c, kind) {
            (COL_OWNER_NAME, ListingKind::Demand) => "上海示例精密制造有限公司",
            (COL_OWNER_NAME, ListingKind::Supply) => "上海示例大学",
            (COL_OWNER_USCC, _) => "91310115MA1K3BTP2B",
            (COL_TITLE, ListingKind::Demand) => "动力电池极片涂布厚度在线检测技术",
            (COL_TITLE, ListingKind::Supply) => "一种锂离子电池隔膜材料及其制备方法",
            (COL_DESCRIPTION, ListingKind::Demand) => {
                "现有涂布线靠人工抽检，极片厚度波动导致电芯一致性差、客户投诉多；希望引进在线测厚与闭环控制技术。"
            }
            (COL_DESCRIPTION, ListingKind::Supply) => {
                "提出一种耐高温复合隔膜及其制备方法，热收缩率低，可用于动力电池，已完成中试验证。"
            }
            (COL_FIELD, ListingKind::Demand) => "先进制造与自动化",
            (COL_FIELD, ListingKind::Supply) => "新材料",
            (COL_MODES, ListingKind::Demand) => "许可、合作开发",
            (COL_MODES, ListingKind::Supply) => "转让、普通许可",
            (COL_IPC, ListingKind::Demand) => "",
            (COL_IPC, ListingKind::Supply) => "H01M 50/40",
            (COL_BUDGET, _) => "50",
            (COL_PRICE, _) => "面议",
            (COL_DISTRICT, _) => "徐汇区",
            (COL_CONTACT, _) => "张伟",
            (COL_PHONE, _) => "021-64870000",
            (COL_VALID_UNTIL, _) => "2027-12-31",
            (COL_PATENTS, _) => "201710601862.3",
            (COL_MATURITY, _) => "中试",
            _ => "",
        }
    };
    let width = |c: &str| -> f64 {
        match c {
            COL_OWNER_NAME | COL_TITLE => 32.0,
            COL_DESCRIPTION => 60.0,
            COL_OWNER_USCC | COL_PATENTS => 24.0,
            _ => 16.0,
        }
    };
    for (i, c) in (0u16..).zip(&columns) {
        sheet.set_column_width(i, width(c))?;
        sheet.set_column_format(i, &text)?;
        sheet.write_string_with_format(0, i, *c, &header)?;
        sheet.write_string_with_format(1, i, example(c), &text)?;
        let list: Option<&[&str]> = match *c {
            COL_FIELD => Some(&TECH_FIELDS),
            COL_MATURITY => Some(&MATURITY),
            _ => None,
        };
        if let Some(list) = list {
            let v = DataValidation::new()
                .allow_list_strings(list)?
                .set_error_title(*c)?
                .set_error_message(format!("应为：{}", list.join("、")))?;
            sheet.add_data_validation(1, i, 100_000, i, &v)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;

    let notes = wb.add_worksheet();
    notes.set_name("填写说明")?;
    let fields = TECH_FIELDS.join("、");
    let modes = MODES.join("、");
    let maturity = MATURITY.join("、");
    let explain = |c: &str| -> (&str, String) {
        match c {
            COL_OWNER_NAME => ("选填", "发布机构全称，仅供核对。".into()),
            COL_OWNER_USCC => (
                "运营机构代录时必填",
                "发布机构的 18 位统一社会信用代码，机构须已在平台机构名录中登记。企业、高校用户导入本机构条目时可留空。".into(),
            ),
            COL_TITLE => ("必填", "不超过 100 字；同一机构的条目标题不得重复。".into()),
            COL_DESCRIPTION => ("必填", "不超过 5000 字：技术内容、应用场景、希望解决的问题等。".into()),
            COL_FIELD => ("必填", format!("八大高新技术领域之一：{fields}。")),
            COL_MODES => (
                "必填",
                format!("一种或多种，用顿号或逗号分隔：{modes}。"),
            ),
            COL_IPC => ("选填", "国际专利分类号，如 H01M 50/40 或 H01M；多个用分号分隔。".into()),
            COL_BUDGET | COL_PRICE => ("选填", "单位万元，最多两位小数；留空或填“面议”表示面议。".into()),
            COL_DISTRICT => ("必填", "上海市现行区名（如 徐汇区）或 6 位区划代码（如 310104）。".into()),
            COL_CONTACT => ("必填", "联系人姓名；公开页面显示为“张**”。".into()),
            COL_PHONE => ("必填", "11 位手机号或带区号的座机号（如 021-64870000）；公开页面部分隐藏。".into()),
            COL_VALID_UNTIL => ("必填", "YYYY-MM-DD，不早于今天，不超过三年。".into()),
            COL_PATENTS => (
                "选填",
                "专利申请号，如 201710601862.3（系统校验校验位）；多个用分号分隔；同一专利只能在一个有效条目中出现。".into(),
            ),
            COL_MATURITY => ("选填", format!("{maturity}。")),
            _ => ("", String::new()),
        }
    };
    for (c, h) in (0u16..).zip(["列名", "是否必填", "说明"]) {
        notes.write_string_with_format(0, c, h, &header)?;
    }
    for (r, c) in (1u32..).zip(&columns) {
        let (required, note) = explain(c);
        notes.write_string_with_format(r, 0, *c, &wrap)?;
        notes.write_string_with_format(r, 1, required, &wrap)?;
        notes.write_string_with_format(r, 2, &note, &wrap)?;
    }
    let general = [
        "填写要求：",
        "1. 第一行为表头，请勿修改列名；列的顺序可以调整，可增加其他列（系统不读取）。示例行请替换或删除。",
        "2. 每行一个条目，空行将被忽略；每个文件最多 200000 行。也可上传 CSV（UTF-8 或 GBK 编码），表头相同。",
        "3. 上传后先试导入：系统逐行校验，列出每个有问题的单元格（行号、列名、原因）以及重复条目，此时不写入任何数据。",
        "4. 然后选择“全部导入”（有任何错误则一条也不导入）或“仅导入有效行”。",
    ];
    for (r, line) in (columns.len() as u32 + 2..).zip(general) {
        notes.write_string_with_format(r, 0, line, &base)?;
    }
    for (col, w) in (0u16..).zip([22.0, 18.0, 90.0]) {
        notes.set_column_width(col, w)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (r, row) in (0u32..).zip(rows) {
            for (c, v) in (0u16..).zip(row) {
                if !v.is_empty() {
                    sheet.write_string(r, c, *v).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    const HEAD: [&str; 14] = [
        COL_OWNER_NAME,
        COL_OWNER_USCC,
        COL_TITLE,
        COL_DESCRIPTION,
        COL_FIELD,
        COL_MODES,
        COL_IPC,
        COL_PRICE,
        COL_DISTRICT,
        COL_CONTACT,
        COL_PHONE,
        COL_VALID_UNTIL,
        COL_PATENTS,
        COL_MATURITY,
    ];

    fn good<'a>(title: &'a str, patent: &'a str) -> Vec<&'a str> {
        vec![
            "上海示例大学",
            "91310115MA1K3BTP2B",
            title,
            "一种耐高温复合隔膜",
            "新材料",
            "转让、普通许可",
            "H01M 50/40；H01M",
            "50万",
            "徐汇",
            "张伟",
            "13812345678",
            "2027/3/1",
            patent,
            "中试",
        ]
    }

    #[test]
    fn t1_good_rows_parse_and_normalise() {
        let bytes = xlsx(&[HEAD.to_vec(), good("隔膜甲", "201710601862.3")]);
        let rows = parse_listings(ListingKind::Supply, "供给.xlsx", &bytes, today()).unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.row, 2);
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        let l = r.listing.as_ref().unwrap();
        assert_eq!(l.district_code, "310104");
        assert_eq!(l.modes, ["转让", "普通许可"]);
        assert_eq!(l.ipc.len(), 2);
        assert_eq!(l.valid_until.to_string(), "2027-03-01");
        assert_eq!(l.price.unwrap().fen(), 50 * 10_000 * 100);
        assert_eq!(l.patents[0].number.as_str(), "201710601862.3");
        assert_eq!(r.owner_uscc.as_deref(), Some("91310115MA1K3BTP2B"));
    }

    #[test]
    fn t1_every_bad_cell_is_reported_with_row_column_and_reason() {
        let mut bad = good("隔膜乙", "201710601862.4"); // wrong check digit
        bad[1] = "91310115MA1K3BTP2C"; // wrong check character
        bad[4] = "纳米技术"; // not one of the eight fields
        bad[11] = "2027-02-30"; // no such date
        let mut no_title = good("", "");
        no_title[5] = "赠送";
        let bytes = xlsx(&[HEAD.to_vec(), bad, vec![], no_title]);
        let rows = parse_listings(ListingKind::Supply, "a.xlsx", &bytes, today()).unwrap();
        let issues: Vec<(usize, &str, &str)> = rows
            .iter()
            .flat_map(|r| &r.issues)
            .map(|i| (i.row, i.column.as_str(), i.code.as_str()))
            .collect();
        assert!(
            issues.contains(&(2, COL_OWNER_USCC, "bad_check_digit")),
            "{issues:?}"
        );
        assert!(issues.contains(&(2, COL_FIELD, "unknown_value")));
        assert!(issues.contains(&(2, COL_VALID_UNTIL, "bad_date")));
        assert!(issues.iter().any(|i| i.0 == 2 && i.1 == COL_PATENTS));
        assert!(issues.contains(&(4, COL_TITLE, "required")));
        assert!(issues.contains(&(4, COL_MODES, "unknown_value")));
        let patent = rows[0]
            .issues
            .iter()
            .find(|i| i.column == COL_PATENTS)
            .unwrap();
        assert!(patent.message.contains("校验位"), "{}", patent.message);
        assert!(rows.iter().all(|r| r.listing.is_none()));
    }

    #[test]
    fn t1_duplicates_inside_the_file_are_reported_not_merged() {
        let bytes = xlsx(&[
            HEAD.to_vec(),
            good("隔膜甲", "201710601862.3"),
            good("隔膜甲", ""),
            good("隔膜丙", "201710601862.3"),
        ]);
        let rows = parse_listings(ListingKind::Supply, "a.xlsx", &bytes, today()).unwrap();
        assert!(rows[0].issues.is_empty());
        assert_eq!(rows[1].issues[0].code, "duplicate_in_file");
        assert!(rows[1].issues[0].message.contains("第 2 行"));
        assert_eq!(rows[2].issues[0].column, COL_PATENTS);
        assert_eq!(rows[2].issues[0].code, "duplicate_in_file");
    }

    #[test]
    fn t1_gbk_csv_and_demand_columns() {
        let text = format!(
            "{}\n上海示例精密制造有限公司,91310115MA1K3BTP2B,涂布测厚,极片厚度波动,先进制造与自动化,许可/合作开发,,面议,310104,张伟,021-64870000,2027年12月31日\n",
            template_columns(ListingKind::Demand).join(",")
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let rows = parse_listings(ListingKind::Demand, "需求.CSV", &gbk, today()).unwrap();
        assert!(rows[0].issues.is_empty(), "{:?}", rows[0].issues);
        let l = rows[0].listing.as_ref().unwrap();
        assert_eq!(l.modes, ["许可", "合作开发"]);
        assert_eq!(l.price, None);
        assert_eq!(l.valid_until.to_string(), "2027-12-31");
    }

    #[test]
    fn t1_missing_columns_are_named() {
        let bytes = xlsx(&[vec![COL_TITLE, COL_DESCRIPTION], vec!["a", "b"]]);
        let e = parse_listings(ListingKind::Demand, "a.xlsx", &bytes, today()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "缺少表头列：技术领域、合作方式、所在区、联系人、联系电话、有效期至"
        );
    }

    #[test]
    fn t1_templates_parse_back_with_their_example_row() {
        for kind in [ListingKind::Demand, ListingKind::Supply] {
            let bytes = listing_template_xlsx(kind).unwrap();
            let rows = parse_listings(kind, "模板.xlsx", &bytes, today()).unwrap();
            assert_eq!(rows.len(), 1);
            assert!(rows[0].issues.is_empty(), "{kind:?}: {:?}", rows[0].issues);
        }
    }
}

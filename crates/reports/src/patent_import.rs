//! A patent portfolio from XLSX or CSV (issue 11: the same import experience as listings), and the
//! template to fill in.
//!
//! Reading ([`read_patents`]) turns each row into a [`PatentInput`] and notes the owners' USCCs;
//! the caller resolves those to registered organisations and then [`check_rows`] runs the same
//! rule as a form or the API ([`check_patent`]) and reports every problem with the spreadsheet
//! row, the Chinese column name and the reason. A number on two rows of the file is reported here;
//! numbers already registered are the caller's to check.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_xlsxwriter::{DataValidation, Workbook};
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::Uscc;
use zhiyun_domain::patent::{
    Award, AwardInput, LegalStatus, OverseasInput, OverseasMember, Patent, PatentInput, PatentKind,
    check_patent,
};

use crate::ReportError;
use crate::enterprise_import::CellIssue;
use crate::sheet::{ImportError, cell, quoted, read_table};

/// At most this many data rows per file.
pub const MAX_PATENT_ROWS: usize = 200_000;

pub const COL_NUMBER: &str = "专利申请号";
pub const COL_TITLE: &str = "专利名称";
pub const COL_KIND: &str = "专利类型";
pub const COL_OWNER_NAME: &str = "专利权人";
pub const COL_OWNER_USCC: &str = "专利权人统一社会信用代码";
pub const COL_CO_OWNERS: &str = "共有人统一社会信用代码";
pub const COL_IPC: &str = "IPC分类号";
pub const COL_FILED: &str = "申请日";
pub const COL_GRANTED: &str = "授权公告日";
pub const COL_STATUS: &str = "法律状态";
pub const COL_ENDED: &str = "失效日";
pub const COL_FEE_PAID: &str = "年费缴至";
pub const COL_EXTENSION: &str = "期限补偿天数";
pub const COL_OVERSEAS: &str = "海外同族";
pub const COL_AWARDS: &str = "获奖";

/// Columns every file must have.
pub const REQUIRED: [&str; 4] = [COL_NUMBER, COL_TITLE, COL_FILED, COL_STATUS];

/// The template's columns, in order.
pub const TEMPLATE_COLUMNS: [&str; 15] = [
    COL_NUMBER,
    COL_TITLE,
    COL_KIND,
    COL_OWNER_NAME,
    COL_OWNER_USCC,
    COL_CO_OWNERS,
    COL_IPC,
    COL_FILED,
    COL_GRANTED,
    COL_STATUS,
    COL_ENDED,
    COL_FEE_PAID,
    COL_EXTENSION,
    COL_OVERSEAS,
    COL_AWARDS,
];

/// One data row: the owners it names, the input it makes, and either the checked patent or its
/// problems.
#[derive(Debug, Clone, PartialEq)]
pub struct PatentRow {
    /// 1-based spreadsheet row number.
    pub row: usize,
    /// The owner's USCC in canonical form, when the row names one (blank: the importer's own).
    pub owner_uscc: Option<String>,
    /// The owner's name as written, for messages.
    pub owner_name: Option<String>,
    /// Co-owners' USCCs in canonical form.
    pub co_owner_usccs: Vec<String>,
    /// `owner_org_id` and `co_owner_org_ids` are the caller's to fill in before [`check_rows`];
    /// emptied by it (the checked patent is what is kept).
    pub input: PatentInput,
    /// `Some` when the row has no issue (after [`check_rows`]).
    pub patent: Option<Patent>,
    pub issues: Vec<CellIssue>,
}

impl PatentRow {
    pub fn issue(&mut self, column: &str, code: Code, message: String) {
        self.issues.push(CellIssue {
            row: self.row,
            column: column.to_string(),
            code,
            message,
        });
    }
}

/// Split a cell listing several values (`H01M 50/40；H01M 4/13`).
fn split_list(v: Option<&str>) -> Vec<String> {
    v.unwrap_or("")
        .split([',', '，', '、', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Dates as people type them: `2021-03-01`, `2021/3/1`, `2021.3.1`, `2021年3月1日`, and a date
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

fn is_date(v: &str) -> bool {
    NaiveDate::parse_from_str(&iso_date(v), "%Y-%m-%d").is_ok()
}

/// `发明` or `invention` → `invention`; anything else is passed on for the check to report.
fn kind_slug(v: &str) -> String {
    PatentKind::ALL
        .into_iter()
        .find(|k| k.label() == v || k.slug() == v)
        .map(|k| k.slug().to_string())
        .unwrap_or_else(|| v.to_string())
}

/// `有效`, `授权` or `granted` → `granted`; anything else is passed on for the check to report.
fn status_slug(v: &str) -> String {
    let v = v.trim();
    let alias = match v {
        "授权" | "已授权" | "有效专利" => Some(LegalStatus::Granted),
        "审中" | "实审" | "在审" => Some(LegalStatus::Pending),
        "无效" | "全部无效" => Some(LegalStatus::Invalidated),
        "期满" | "期限届满" => Some(LegalStatus::Expired),
        "权利终止" | "未缴年费" => Some(LegalStatus::Lapsed),
        _ => None,
    };
    alias
        .or_else(|| {
            LegalStatus::ALL
                .into_iter()
                .find(|s| s.label() == v || s.slug() == v)
        })
        .map(|s| s.slug().to_string())
        .unwrap_or_else(|| v.to_string())
}

/// `US US11223344B2 已授权 2019-05-02；WO PCT/CN2018/123456 2018-06-01；EP EP3812345A1 PCT进入`:
/// members separated by semicolons or lines; in each, the office, the number, then in any order
/// 已授权 / 未授权, the member's filing date, and PCT进入 for a national phase entered from a PCT
/// application. The office list and the rest are checked by the patent rule.
pub fn parse_overseas(v: &str) -> Result<Vec<OverseasInput>, String> {
    let mut out = Vec::new();
    for member in v
        .split([';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let tokens: Vec<&str> = member
            .split(|c: char| c.is_whitespace() || c == '，' || c == ',')
            .filter(|s| !s.is_empty())
            .collect();
        let [office, number, rest @ ..] = tokens.as_slice() else {
            return Err(format!(
                "{}：应写成“受理局 号码 [已授权] [申请日] [PCT进入]”，如 US US11223344B2 已授权",
                quoted(member)
            ));
        };
        let mut m = OverseasInput {
            office: Some((*office).to_string()),
            number: Some((*number).to_string()),
            ..Default::default()
        };
        for t in rest {
            match *t {
                "已授权" | "授权" => m.granted = Some(true),
                "未授权" | "审查中" | "申请中" => m.granted = Some(false),
                "PCT进入" | "PCT" | "经PCT进入" => m.via_pct = Some(true),
                d if is_date(d) => m.filed_on = Some(iso_date(d)),
                other => {
                    return Err(format!(
                        "{}：无法识别“{other}”（可写 已授权、未授权、申请日 YYYY-MM-DD 或 PCT进入）",
                        quoted(member)
                    ));
                }
            }
        }
        out.push(m);
    }
    Ok(out)
}

/// `2022 中国专利银奖；国家技术发明奖二等奖（2019）`: awards separated by semicolons or lines,
/// each a name with its four-digit year before or after it.
pub fn parse_awards(v: &str) -> Vec<AwardInput> {
    v.split([';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let chars: Vec<char> = entry.chars().collect();
            let year_at = (0..chars.len().saturating_sub(3)).find(|&i| {
                chars[i..i + 4].iter().all(char::is_ascii_digit)
                    && (i == 0 || !chars[i - 1].is_ascii_digit())
                    && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            });
            match year_at {
                Some(i) => {
                    let year: String = chars[i..i + 4].iter().collect();
                    let name: String = chars[..i]
                        .iter()
                        .chain(&chars[i + 4..])
                        .collect::<String>()
                        .replace(['（', '）', '(', ')'], " ")
                        .trim_start_matches('年')
                        .trim()
                        .trim_start_matches('年')
                        .trim()
                        .to_string();
                    AwardInput {
                        name: Some(name),
                        year: year.parse().ok(),
                    }
                }
                None => AwardInput {
                    name: Some(entry.to_string()),
                    year: None,
                },
            }
        })
        .collect()
}

/// Overseas members in the cell format [`parse_overseas`] reads, one per line.
pub fn overseas_text(members: &[OverseasMember]) -> String {
    members
        .iter()
        .map(|m| {
            let mut t = format!("{} {}", m.office.slug(), m.number);
            if m.granted {
                t.push_str(" 已授权");
            }
            if let Some(d) = m.filed_on {
                t.push_str(&format!(" {d}"));
            }
            if m.via_pct {
                t.push_str(" PCT进入");
            }
            t
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Awards in the cell format [`parse_awards`] reads, one per line.
pub fn awards_text(awards: &[Award]) -> String {
    awards
        .iter()
        .map(|a| format!("{} {}", a.year, a.name))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Read every row of a patents file. Cells are normalised (dates, kinds and statuses as people
/// write them); what cannot be read at all (a USCC with a bad check character, an overseas cell
/// that does not follow the format) is an issue already.
pub fn read_patents(filename: &str, bytes: &[u8]) -> Result<Vec<PatentRow>, ImportError> {
    let table = read_table(filename, bytes, &REQUIRED, MAX_PATENT_ROWS)?;
    let cols: Vec<Option<usize>> = TEMPLATE_COLUMNS.iter().map(|c| table.column(c)).collect();
    let col = |name: &str| {
        TEMPLATE_COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|i| cols[i])
    };
    let (c_number, c_title, c_kind, c_owner, c_uscc, c_co) = (
        col(COL_NUMBER),
        col(COL_TITLE),
        col(COL_KIND),
        col(COL_OWNER_NAME),
        col(COL_OWNER_USCC),
        col(COL_CO_OWNERS),
    );
    let (c_ipc, c_filed, c_granted, c_status, c_ended, c_fee, c_ext, c_ov, c_aw) = (
        col(COL_IPC),
        col(COL_FILED),
        col(COL_GRANTED),
        col(COL_STATUS),
        col(COL_ENDED),
        col(COL_FEE_PAID),
        col(COL_EXTENSION),
        col(COL_OVERSEAS),
        col(COL_AWARDS),
    );
    let mut out = Vec::with_capacity(table.rows.len());
    for (row, cells) in table.rows {
        let get = |c: Option<usize>| cell(&cells, c).map(str::to_string);
        let mut r = PatentRow {
            row,
            owner_uscc: None,
            owner_name: get(c_owner),
            co_owner_usccs: Vec::new(),
            input: PatentInput::default(),
            patent: None,
            issues: Vec::new(),
        };
        if let Some(v) = cell(&cells, c_uscc) {
            match Uscc::parse(v) {
                Ok(u) => r.owner_uscc = Some(u.as_str().to_string()),
                Err(e) => r.issue(
                    COL_OWNER_USCC,
                    e.code,
                    format!("{COL_OWNER_USCC}{}：{}", quoted(v), e.message),
                ),
            }
        }
        for v in split_list(cell(&cells, c_co)) {
            match Uscc::parse(&v) {
                Ok(u) => r.co_owner_usccs.push(u.as_str().to_string()),
                Err(e) => r.issue(
                    COL_CO_OWNERS,
                    e.code,
                    format!("{COL_CO_OWNERS}{}：{}", quoted(&v), e.message),
                ),
            }
        }
        let term_extension_days = match cell(&cells, c_ext) {
            None => None,
            Some(v) => match v.trim_end_matches('天').trim().parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    r.issue(
                        COL_EXTENSION,
                        Code::BadNumber,
                        format!("{COL_EXTENSION}{}：应为整数天数", quoted(v)),
                    );
                    None
                }
            },
        };
        let overseas = match cell(&cells, c_ov).map(parse_overseas) {
            None => Vec::new(),
            Some(Ok(m)) => m,
            Some(Err(msg)) => {
                r.issue(
                    COL_OVERSEAS,
                    Code::BadFormat,
                    format!("{COL_OVERSEAS}{msg}"),
                );
                Vec::new()
            }
        };
        r.input = PatentInput {
            number: get(c_number),
            title: get(c_title),
            kind: cell(&cells, c_kind).map(kind_slug),
            owner_org_id: None,
            co_owner_org_ids: Vec::new(),
            ipc: split_list(cell(&cells, c_ipc)),
            filed_on: cell(&cells, c_filed).map(iso_date),
            granted_on: cell(&cells, c_granted).map(iso_date),
            legal_status: cell(&cells, c_status).map(status_slug),
            ended_on: cell(&cells, c_ended).map(iso_date),
            fee_paid_until: cell(&cells, c_fee).map(iso_date),
            term_extension_days,
            overseas,
            awards: cell(&cells, c_aw).map(parse_awards).unwrap_or_default(),
        };
        out.push(r);
    }
    Ok(out)
}

/// The column a field path of [`check_patent`] belongs to.
pub fn column_of(field: &str) -> &'static str {
    match field.split('.').next().unwrap_or(field) {
        "number" => COL_NUMBER,
        "title" => COL_TITLE,
        "kind" => COL_KIND,
        "owner_org_id" => COL_OWNER_USCC,
        "co_owner_org_ids" => COL_CO_OWNERS,
        "ipc" => COL_IPC,
        "filed_on" => COL_FILED,
        "granted_on" => COL_GRANTED,
        "legal_status" => COL_STATUS,
        "ended_on" => COL_ENDED,
        "fee_paid_until" => COL_FEE_PAID,
        "term_extension_days" => COL_EXTENSION,
        "overseas" => COL_OVERSEAS,
        "awards" => COL_AWARDS,
        _ => COL_NUMBER,
    }
}

/// Check every row whose owners the caller resolved (`input.owner_org_id` and
/// `input.co_owner_org_ids` filled in): the patent rule's errors by column, and a number on two
/// rows of the file. Errors on a column that already has an issue (an owner not found, say) are
/// not repeated. Keeps the checked patent of each row without issues; empties the inputs.
pub fn check_rows(rows: &mut [PatentRow], today: NaiveDate) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in rows.iter_mut() {
        let input = std::mem::take(&mut r.input);
        let checked = check_patent(&input, today);
        drop(input);
        match checked {
            Ok(p) => {
                match seen.get(p.number.as_str()) {
                    Some(first) => {
                        let msg = format!(
                            "{COL_NUMBER}“{}”：与第 {first} 行重复，同一专利只能导入一次",
                            p.number
                        );
                        r.issue(COL_NUMBER, Code::DuplicateInFile, msg);
                    }
                    None => {
                        seen.insert(p.number.to_string(), r.row);
                    }
                }
                if r.issues.is_empty() {
                    r.patent = Some(p);
                }
            }
            Err(errors) => {
                let before: Vec<String> = r.issues.iter().map(|i| i.column.clone()).collect();
                for e in errors {
                    let column = column_of(&e.field);
                    if before.iter().any(|c| c == column) {
                        continue;
                    }
                    let message = if e.message.starts_with(column) {
                        e.message
                    } else {
                        format!("{column}：{}", e.message)
                    };
                    r.issue(column, e.code, message);
                }
            }
        }
    }
}

// ---------- template ----------

/// The downloadable template: a sheet with the headers and example rows (drop-down lists for the
/// kind and the legal status; text format so numbers and dates stay as typed), and a sheet
/// 填写说明 explaining every column.
pub fn patent_template_xlsx() -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let crate::sheet::TemplateFormats {
        base,
        header,
        text,
        wrap,
    } = crate::sheet::TemplateFormats::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("专利")?;
    let examples: [[&str; 15]; 2] = [
        [
            "201710601862.3",
            "一种锂离子电池隔膜及其制备方法",
            "发明",
            "上海示例大学",
            "",
            "",
            "H01M 50/409；H01M 10/0525",
            "2017-07-20",
            "2020-03-10",
            "有效",
            "",
            "2026-07-20",
            "",
            "US US11223344B2 已授权 2018-07-18；WO PCT/CN2018/096123 2018-07-18",
            "2022 中国专利银奖",
        ],
        [
            "202120345678.9",
            "一种电池包散热结构",
            "实用新型",
            "上海示例大学",
            "",
            "",
            "H01M 10/613",
            "2021-02-20",
            "2021-10-15",
            "有效",
            "",
            "2026-02-20",
            "",
            "",
            "",
        ],
    ];
    let width = |c: &str| -> f64 {
        match c {
            COL_TITLE | COL_OVERSEAS => 40.0,
            COL_OWNER_NAME | COL_IPC | COL_AWARDS => 26.0,
            COL_OWNER_USCC | COL_CO_OWNERS | COL_NUMBER => 22.0,
            _ => 14.0,
        }
    };
    for (i, c) in (0u16..).zip(TEMPLATE_COLUMNS) {
        sheet.set_column_width(i, width(c))?;
        sheet.set_column_format(i, &text)?;
        sheet.write_string_with_format(0, i, c, &header)?;
        for (r, ex) in (1u32..).zip(&examples) {
            sheet.write_string_with_format(r, i, ex[usize::from(i)], &text)?;
        }
        let list: Option<Vec<&str>> = match c {
            COL_KIND => Some(PatentKind::ALL.iter().map(|k| k.label()).collect()),
            COL_STATUS => Some(LegalStatus::ALL.iter().map(|s| s.label()).collect()),
            _ => None,
        };
        if let Some(list) = list {
            let v = DataValidation::new()
                .allow_list_strings(&list)?
                .set_error_title(c)?
                .set_error_message(format!("应为：{}", list.join("、")))?;
            sheet.add_data_validation(1, i, 200_000, i, &v)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;

    let notes = wb.add_worksheet();
    notes.set_name("填写说明")?;
    let explain = |c: &str| -> (&str, &str) {
        match c {
            COL_NUMBER => (
                "必填",
                "专利申请号（如 201710601862.3），可带 ZL 或 CN 前缀，系统校验校验位；类型位决定专利类型。同一专利只能登记一次。",
            ),
            COL_TITLE => ("必填", "专利名称，不超过 200 字。"),
            COL_KIND => (
                "选填",
                "发明、实用新型或外观设计；填写时须与申请号的类型位一致。",
            ),
            COL_OWNER_NAME => ("选填", "专利权人全称，仅供核对。"),
            COL_OWNER_USCC => (
                "代录时必填",
                "专利权人的 18 位统一社会信用代码，机构须已在平台机构名录中登记。企业、高校用户导入本机构的专利时可留空。",
            ),
            COL_CO_OWNERS => (
                "选填",
                "共有人的统一社会信用代码，多个用分号分隔；须已在机构名录中登记。",
            ),
            COL_IPC => (
                "选填",
                "IPC 分类号，如 H01M 50/409 或 H01M；多个用分号分隔，第一个为主分类号。外观设计不填。",
            ),
            COL_FILED => (
                "必填",
                "YYYY-MM-DD。保护期和年费年度均自申请日起算（PCT 进入中国的为国际申请日）。",
            ),
            COL_GRANTED => (
                "授权后必填",
                "授权公告日，YYYY-MM-DD，不早于申请日、不晚于今天。",
            ),
            COL_STATUS => ("必填", "审查中、有效、失效、届满或已宣告无效。"),
            COL_ENDED => (
                "选填",
                "失效或被宣告无效的专利：权利终止之日。因欠缴年费失效的可不填（按欠费年度的缴费日计）。",
            ),
            COL_FEE_PAID => (
                "选填",
                "已缴年费所覆盖年度的截止日，或下一年度的起始日（申请日的周年日），如 2026-07-20。",
            ),
            COL_EXTENSION => ("选填", "专利权期限补偿的天数（仅发明专利）。"),
            COL_OVERSEAS => (
                "选填",
                "每个同族一段，用分号分隔：受理局 号码 [已授权] [申请日] [PCT进入]，如“US US11223344B2 已授权 2018-07-18；WO PCT/CN2018/096123 2018-07-18”。受理局：WO（PCT）、US、EP、JP、KR、GB、DE、FR、CA、AU、RU、IN、SG。",
            ),
            COL_AWARDS => (
                "选填",
                "年份和奖项名称，多个用分号分隔，如“2022 中国专利银奖；2019 国家技术发明奖二等奖”。",
            ),
            _ => ("", ""),
        }
    };
    for (c, h) in (0u16..).zip(["列名", "是否必填", "说明"]) {
        notes.write_string_with_format(0, c, h, &header)?;
    }
    for (r, c) in (1u32..).zip(TEMPLATE_COLUMNS) {
        let (required, note) = explain(c);
        notes.write_string_with_format(r, 0, c, &wrap)?;
        notes.write_string_with_format(r, 1, required, &wrap)?;
        notes.write_string_with_format(r, 2, note, &wrap)?;
    }
    let general = [
        "填写要求：",
        "1. 第一行为表头，请勿修改列名；列的顺序可以调整，可增加其他列（系统不读取）。示例行请替换或删除。",
        "2. 每行一件专利，空行将被忽略；每个文件最多 200000 行。也可上传 CSV（UTF-8 或 GBK 编码），表头相同。",
        "3. 上传后先试导入：系统逐行校验，列出每个有问题的单元格（行号、列名、原因），以及已登记过的专利，此时不写入任何数据。",
        "4. 然后选择“全部导入”（有任何问题则一件也不导入）或“仅导入有效行”。",
    ];
    for (r, line) in (TEMPLATE_COLUMNS.len() as u32 + 2..).zip(general) {
        notes.write_string_with_format(r, 0, line, &base)?;
    }
    for (col, w) in (0u16..).zip([24.0, 14.0, 100.0]) {
        notes.set_column_width(col, w)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    fn csv(rows: &[&str]) -> Vec<u8> {
        format!("{}\n{}\n", TEMPLATE_COLUMNS.join(","), rows.join("\n")).into_bytes()
    }

    fn resolve(rows: &mut [PatentRow]) {
        for r in rows.iter_mut() {
            r.input.owner_org_id = Some(7);
            r.input.co_owner_org_ids = (0..r.co_owner_usccs.len() as i64)
                .map(|i| 100 + i)
                .collect();
        }
    }

    #[test]
    fn t6_a_good_row_reads_and_normalises() {
        let bytes = csv(&[
            "ZL201710601862.3,一种隔膜,发明,某大学,,,H01M 50/409；H01M,2017/7/20,2020年3月10日,有效,,2026-07-20,,US US11223344B2 已授权 2018-07-18；WO PCT/CN2018/096123 2018-07-18；EP EP3812345A1 PCT进入,2022 中国专利银奖；国家技术发明奖二等奖（2019）",
        ]);
        let mut rows = read_patents("p.csv", &bytes).unwrap();
        assert!(rows[0].issues.is_empty(), "{:?}", rows[0].issues);
        resolve(&mut rows);
        check_rows(&mut rows, today());
        let r = &rows[0];
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        let p = r.patent.as_ref().unwrap();
        assert_eq!(p.number.as_str(), "201710601862.3");
        assert_eq!(p.kind, PatentKind::Invention);
        assert_eq!(p.ipc.len(), 2);
        assert_eq!(p.granted_on.unwrap().to_string(), "2020-03-10");
        assert_eq!(p.overseas.len(), 3);
        assert!(p.overseas[0].granted && p.overseas[2].via_pct);
        assert_eq!(p.awards.len(), 2);
        assert!(p.awards.iter().all(|a| a.is_national()), "{:?}", p.awards);
        assert_eq!(p.awards[1].year, 2019);
        assert_eq!(r.input, PatentInput::default(), "inputs are emptied");
    }

    #[test]
    fn t6_every_bad_cell_is_named_by_row_and_column() {
        let bytes = csv(&[
            // check digit wrong; grant before filing; unknown status
            "201710601862.4,甲,,,,,,2017-07-20,2016-01-01,有效力,,,,,",
            // kind disagrees with the number; a bad USCC; an overseas cell without a number
            "202120345678.9,乙,发明,,91310115MA1K3BTP2C,,,2021-02-20,2021-10-15,有效,,,,US,",
            // an IPC that is not a code; an unknown office; a future grant
            "201710601863.8,丙,,,,,XYZ,2017-07-20,2099-01-01,有效,,,,ZZ 123 已授权,",
        ]);
        let mut rows = read_patents("p.csv", &bytes).unwrap();
        resolve(&mut rows);
        check_rows(&mut rows, today());
        let found: Vec<(usize, &str, &str)> = rows
            .iter()
            .flat_map(|r| &r.issues)
            .map(|i| (i.row, i.column.as_str(), i.code.as_str()))
            .collect();
        for want in [
            (2, COL_NUMBER, "bad_check_digit"),
            (2, COL_GRANTED, "granted_before_filed"),
            (2, COL_STATUS, "unknown_value"),
            (3, COL_KIND, "kind_mismatch"),
            (3, COL_OWNER_USCC, "bad_check_digit"),
            (3, COL_OVERSEAS, "bad_format"),
            (4, COL_OVERSEAS, "unknown_value"),
            (4, COL_GRANTED, "date_in_future"),
        ] {
            assert!(found.contains(&want), "{want:?} not in {found:?}");
        }
        assert!(
            found.iter().any(|f| f.0 == 4 && f.1 == COL_IPC),
            "{found:?}"
        );
        assert!(rows.iter().all(|r| r.patent.is_none()));
        let msg = &rows[0].issues[0].message;
        assert!(msg.starts_with(COL_NUMBER) && msg.contains("校验"), "{msg}");
    }

    #[test]
    fn t6_a_number_twice_in_the_file_is_reported_on_the_second_row() {
        let row = "201710601862.3,甲,,,,,,2017-07-20,,审查中,,,,,";
        let bytes = csv(&[row, row]);
        let mut rows = read_patents("p.csv", &bytes).unwrap();
        resolve(&mut rows);
        check_rows(&mut rows, today());
        assert!(rows[0].patent.is_some());
        assert_eq!(rows[1].issues[0].code, Code::DuplicateInFile);
        assert!(rows[1].issues[0].message.contains("第 2 行"));
    }

    #[test]
    fn t6_the_template_parses_back_with_its_examples() {
        let bytes = patent_template_xlsx().unwrap();
        let mut rows = read_patents("模板.xlsx", &bytes).unwrap();
        assert_eq!(rows.len(), 2);
        resolve(&mut rows);
        check_rows(&mut rows, today());
        for r in &rows {
            assert!(r.issues.is_empty(), "{:?}", r.issues);
        }
    }

    #[test]
    fn t6_missing_columns_are_named() {
        let e = read_patents("p.csv", "专利申请号,专利名称\n1,2\n".as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "缺少表头列：申请日、法律状态");
    }
}

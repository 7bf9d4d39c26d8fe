//! The 供需清单: a filtered list of supply or demand listings as XLSX, for publishing offline (T2).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::{ReportError, XLSX_FONT};

/// One listing as a row of the 供需清单; every cell already formatted for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingLine {
    pub id: i64,
    /// 技术需求 / 专利供给
    pub kind: String,
    pub title: String,
    pub field: String,
    /// e.g. `转让、许可`
    pub modes: String,
    pub ipc: String,
    /// `50 万元` or `面议`
    pub price: String,
    pub owner: String,
    pub district: String,
    /// Masked or full, as the exporting user may see it.
    pub contact: String,
    pub valid_until: String,
    pub patents: String,
    pub description: String,
}

const HEADERS: [(&str, f64); 13] = [
    ("编号", 8.0),
    ("类型", 10.0),
    ("标题", 40.0),
    ("技术领域", 16.0),
    ("合作方式", 18.0),
    ("IPC 分类号", 16.0),
    ("价格 / 预算", 12.0),
    ("发布机构", 30.0),
    ("所在区", 10.0),
    ("联系人与电话", 22.0),
    ("有效期至", 12.0),
    ("关联专利", 22.0),
    ("描述", 60.0),
];

/// `title` heads the sheet, e.g. `上海市徐汇区专利技术供需清单（2026-11-28）`.
pub fn listings_xlsx(title: &str, lines: &[ListingLine]) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("供需清单")?;
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
    sheet.merge_range(0, 0, 0, HEADERS.len() as u16 - 1, title, &title_f)?;
    for (c, (h, w)) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, *h, &head_f)?;
        sheet.set_column_width(c as u16, *w)?;
    }
    for (i, l) in lines.iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write_number_with_format(r, 0, l.id as f64, &cell_f)?;
        for (c, v) in [
            &l.kind,
            &l.title,
            &l.field,
            &l.modes,
            &l.ipc,
            &l.price,
            &l.owner,
            &l.district,
            &l.contact,
            &l.valid_until,
            &l.patents,
            &l.description,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_string_with_format(r, c as u16 + 1, v, &cell_f)?;
        }
    }
    sheet.set_freeze_panes(2, 3)?;
    sheet.autofilter(
        1,
        0,
        (lines.len() as u32 + 1).max(2),
        HEADERS.len() as u16 - 1,
    )?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn t2_the_list_reads_back_with_its_rows() {
        let line = ListingLine {
            id: 7,
            kind: "专利供给".into(),
            title: "一种锂离子电池隔膜材料及其制备方法".into(),
            field: "新材料".into(),
            modes: "转让、许可".into(),
            ipc: "H01M 50/40".into(),
            price: "50 万元".into(),
            owner: "某大学".into(),
            district: "杨浦区".into(),
            contact: "张** 138****5678".into(),
            valid_until: "2027-06-30".into(),
            patents: "201710601862.3".into(),
            description: "静电纺丝复合隔膜".into(),
        };
        let bytes = listings_xlsx("供需清单（测试）", &[line]).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("供需清单").unwrap();
        let cell = |r: u32, c: u32| {
            range
                .get_value((r, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        assert_eq!(cell(0, 0), "供需清单（测试）");
        assert_eq!(cell(1, 2), "标题");
        assert_eq!(cell(2, 2), "一种锂离子电池隔膜材料及其制备方法");
        assert_eq!(cell(2, 9), "张** 138****5678");
        assert_eq!(cell(2, 0), "7");
    }
}

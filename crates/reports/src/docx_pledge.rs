//! The prefilled registration sheet of a pledge (专利权/商标专用权质押登记申请信息表) as DOCX, laid
//! out like the 申报书 (`docx_application`): the parties, the loan, the items pledged, and where
//! and how to register. The applicant checks it, signs it and files it with CNIPA.

use std::io::Cursor;

use docx_rs::{AlignmentType, Paragraph};

use crate::ReportError;
use crate::docx_application::{
    FONT_BODY, FONT_TITLE, SIZE_BODY, SIZE_TITLE, blank_line, body, body_spacing, gbt9704_page,
    heading, kv, run, table, widths,
};

/// Everything on the sheet, already formatted for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PledgeSheet {
    /// e.g. `专利权质押登记申请信息表`
    pub title: String,
    pub pledge_id: i64,
    pub pledgor: String,
    pub pledgor_district: String,
    pub pledgee: String,
    pub kind: String,
    pub amount_wan: String,
    pub loan_start: String,
    pub repay_by: String,
    pub term_months: u32,
    /// (number, title, patentee, expiry) per patent.
    pub patents: Vec<[String; 4]>,
    pub trademarks: Vec<String>,
    /// `质押登记号` once registered.
    pub registration_number: Option<String>,
    /// Where to register, one line each.
    pub guidance: Vec<String>,
    pub generated_at: String,
}

/// The sheet as DOCX.
pub fn pledge_sheet_docx(s: &PledgeSheet) -> Result<Vec<u8>, ReportError> {
    let mut docx = gbt9704_page();
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&s.title, FONT_TITLE, SIZE_TITLE).bold())
                .align(AlignmentType::Center),
        )
        .add_paragraph(blank_line())
        .add_paragraph(heading("一、当事人"))
        .add_paragraph(kv("出质人", &s.pledgor))
        .add_paragraph(kv("出质人所在区", &s.pledgor_district))
        .add_paragraph(kv("质权人", &s.pledgee))
        .add_paragraph(heading("二、主合同"))
        .add_paragraph(kv("质押类型", &s.kind))
        .add_paragraph(kv("被担保债权数额", &format!("{} 万元", s.amount_wan)))
        .add_paragraph(kv(
            "债务履行期限",
            &format!(
                "{} 至 {}（{} 个月）",
                s.loan_start, s.repay_by, s.term_months
            ),
        ))
        .add_paragraph(kv(
            "质押登记号",
            s.registration_number
                .as_deref()
                .unwrap_or("（登记后由国家知识产权局填写）"),
        ))
        .add_paragraph(kv("平台质押编号", &format!("#{}", s.pledge_id)));
    if !s.patents.is_empty() {
        docx = docx
            .add_paragraph(heading("三、出质专利清单"))
            .add_table(table(
                &widths(&[1, 4, 6, 4, 3]),
                &["序号", "专利申请号", "名称", "专利权人", "届满日"],
                s.patents
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        vec![
                            (i + 1).to_string(),
                            p[0].clone(),
                            p[1].clone(),
                            p[2].clone(),
                            p[3].clone(),
                        ]
                    })
                    .collect(),
            ));
    }
    if !s.trademarks.is_empty() {
        docx = docx
            .add_paragraph(blank_line())
            .add_paragraph(heading("四、出质商标清单"))
            .add_table(table(
                &widths(&[1, 6]),
                &["序号", "商标注册号"],
                s.trademarks
                    .iter()
                    .enumerate()
                    .map(|(i, t)| vec![(i + 1).to_string(), t.clone()])
                    .collect(),
            ));
    }
    docx = docx
        .add_paragraph(blank_line())
        .add_paragraph(heading("办理指引"));
    for g in &s.guidance {
        docx = docx.add_paragraph(body(g));
    }
    docx = docx
        .add_paragraph(blank_line())
        .add_paragraph(body("出质人（盖章）：                质权人（盖章）："))
        .add_paragraph(
            Paragraph::new()
                .add_run(run(
                    &format!("生成时间：{}", s.generated_at),
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

//! 知运 documents: bytes in, bytes out. No file system, no network.
//!
//! - [`round_xlsx`]: a round's comparison table (申报汇总表) as XLSX.
//! - [`application_docx`]: one application's 申报书 as DOCX, laid out in the spirit of GB/T 9704.
//! - [`survey_report_docx`]: the yearly satisfaction survey report (满意度调查报告) as DOCX, with
//!   its charts as PNG images drawn by [`chart`] (which also draws them as SVG for the pages).
//! - [`parse_enterprise_list`]: a park's enterprise list from XLSX or CSV (UTF-8, with or without
//!   BOM, or GBK/GB18030), every row checked cell by cell.
//! - [`enterprise_template_xlsx`]: the downloadable template for that list.
//! - [`listing_import::parse_listings`]: supply or demand listings from XLSX or CSV, each row
//!   checked by the listing rule; [`listing_import::listing_template_xlsx`] its template.
//! - [`patent_import::read_patents`] and [`patent_import::check_rows`]: a patent portfolio from
//!   XLSX or CSV, checked by the patent rule; [`patent_import::patent_template_xlsx`] its template.

pub mod chart;
pub mod deals;
pub mod docx_application;
pub mod docx_pledge;
pub mod docx_survey;
pub mod docx_work_report;
pub mod enterprise_import;
pub mod listing_import;
pub mod patent_import;
pub mod sheet;
#[cfg(test)]
mod sheet_fuzz;
pub mod xlsx_listings;
pub mod xlsx_round;
pub mod xlsx_statistics;

pub use chart::{BarChart, ChartBar};
pub use docx_application::{ApplicationDoc, application_docx};
pub use docx_pledge::{PledgeSheet, pledge_sheet_docx};
pub use docx_survey::{PreviousYear, SurveyReportDoc, ThemeLine, survey_report_docx};
pub use enterprise_import::{
    CellIssue, ImportError, MAX_DATA_ROWS, ParsedEnterprises, ParsedRow, enterprise_template_xlsx,
    parse_enterprise_list,
};
pub use xlsx_listings::{ListingLine, listings_xlsx};
pub use xlsx_round::{RoundRow, round_xlsx};
// T8 reports to the municipal bureau.
pub use docx_work_report::{IndicatorPart, TaskPart, WorkReportDoc, docx_text, work_report_docx};
pub use xlsx_statistics::{Cell as StatCell, StatSheet, statistics_xlsx};

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Xlsx(String),
    #[error("{0}")]
    Docx(String),
}

impl From<rust_xlsxwriter::XlsxError> for ReportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ReportError::Xlsx(format!("生成 XLSX 文件失败：{e}"))
    }
}

/// The font set on every cell of the spreadsheets we write (present on every Chinese Windows).
pub(crate) const XLSX_FONT: &str = "宋体";

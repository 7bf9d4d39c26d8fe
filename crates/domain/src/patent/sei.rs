//! Strategic emerging industries by IPC (DOMAIN.md §3.2 category 1; issue 11): CNIPA's
//! 战略性新兴产业分类与国际专利分类参照关系表, shipped as an extract in `reference/sei_ipc.csv`
//! (its header says what the extract is and where it comes from), extendable with an operator's
//! extra entries in the same format.

use crate::code::Code;
use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

use crate::listing::IpcCode;
use crate::validation::FieldError;

/// The nine first-level industries of 国家统计局《战略性新兴产业分类（2018）》.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeiIndustry {
    NextGenerationIt,
    HighEndEquipment,
    NewMaterials,
    Biotechnology,
    NewEnergyVehicles,
    NewEnergy,
    EnergySavingEnvironment,
    DigitalCreative,
    RelatedServices,
}

impl SeiIndustry {
    pub const ALL: [SeiIndustry; 9] = [
        SeiIndustry::NextGenerationIt,
        SeiIndustry::HighEndEquipment,
        SeiIndustry::NewMaterials,
        SeiIndustry::Biotechnology,
        SeiIndustry::NewEnergyVehicles,
        SeiIndustry::NewEnergy,
        SeiIndustry::EnergySavingEnvironment,
        SeiIndustry::DigitalCreative,
        SeiIndustry::RelatedServices,
    ];

    /// The classification's code, 1–9.
    pub fn code(self) -> u8 {
        self as u8 + 1
    }

    pub fn slug(self) -> &'static str {
        match self {
            SeiIndustry::NextGenerationIt => "next_generation_it",
            SeiIndustry::HighEndEquipment => "high_end_equipment",
            SeiIndustry::NewMaterials => "new_materials",
            SeiIndustry::Biotechnology => "biotechnology",
            SeiIndustry::NewEnergyVehicles => "new_energy_vehicles",
            SeiIndustry::NewEnergy => "new_energy",
            SeiIndustry::EnergySavingEnvironment => "energy_saving_environment",
            SeiIndustry::DigitalCreative => "digital_creative",
            SeiIndustry::RelatedServices => "related_services",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SeiIndustry::NextGenerationIt => "新一代信息技术产业",
            SeiIndustry::HighEndEquipment => "高端装备制造产业",
            SeiIndustry::NewMaterials => "新材料产业",
            SeiIndustry::Biotechnology => "生物产业",
            SeiIndustry::NewEnergyVehicles => "新能源汽车产业",
            SeiIndustry::NewEnergy => "新能源产业",
            SeiIndustry::EnergySavingEnvironment => "节能环保产业",
            SeiIndustry::DigitalCreative => "数字创意产业",
            SeiIndustry::RelatedServices => "相关服务业",
        }
    }

    /// By code (`5`), slug or label.
    pub fn parse(s: &str) -> Option<SeiIndustry> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|i| i.code().to_string() == s || i.slug() == s || i.label() == s)
    }
}

/// How much of the IPC an entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeiLevel {
    /// `H01M`: every group of the subclass.
    Subclass,
    /// `H01M 10/00`: every subgroup of the main group.
    MainGroup,
    /// `H01M 10/54`: the subgroups numbered under it (`H01M 10/54x`).
    Subgroup,
}

/// One correspondence of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeiEntry {
    pub industry: SeiIndustry,
    pub ipc: IpcCode,
    pub level: SeiLevel,
    pub note: String,
    /// Added by an operator, not shipped.
    pub extra: bool,
}

impl SeiEntry {
    fn new(industry: SeiIndustry, ipc: IpcCode, note: String, extra: bool) -> SeiEntry {
        let level = if !ipc.has_group() {
            SeiLevel::Subclass
        } else if ipc.as_str().ends_with("/00") {
            SeiLevel::MainGroup
        } else {
            SeiLevel::Subgroup
        };
        SeiEntry {
            industry,
            ipc,
            level,
            note,
            extra,
        }
    }

    /// Does this entry cover `code`? A code given only as a subclass is covered by subclass entries
    /// alone (it says too little to place it in a group).
    pub fn covers(&self, code: &IpcCode) -> bool {
        match self.level {
            SeiLevel::Subclass => self.ipc.subclass() == code.subclass(),
            SeiLevel::MainGroup => code.has_group() && self.ipc.main_group() == code.main_group(),
            SeiLevel::Subgroup => {
                code.has_group()
                    && self.ipc.main_group() == code.main_group()
                    && subgroup_digits(code).starts_with(subgroup_digits(&self.ipc))
            }
        }
    }

    /// How specific the match is: deeper levels and longer subgroup numbers win.
    fn specificity(&self) -> (SeiLevel, usize) {
        (self.level, subgroup_digits(&self.ipc).len())
    }
}

fn subgroup_digits(c: &IpcCode) -> &str {
    c.as_str().split_once('/').map_or("", |(_, s)| s)
}

/// The table: the shipped extract, possibly with an operator's extra entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeiTable {
    entries: Vec<SeiEntry>,
    #[serde(skip)]
    by_subclass: HashMap<String, Vec<usize>>,
}

pub const SEI_CSV: &str = include_str!("../../reference/sei_ipc.csv");
pub const SEI_HEADER: &str = "industry_code,industry_name,ipc,note";
/// Extra entries an operator may add at once.
pub const MAX_EXTRA_LINES: usize = 5000;

static BUILTIN: LazyLock<SeiTable> = LazyLock::new(|| {
    let entries = parse_lines(SEI_CSV, false).unwrap_or_else(|e| panic!("sei_ipc.csv: {e:?}"));
    SeiTable::from_entries(entries.into_iter().map(|(_, e)| e).collect())
});

impl SeiTable {
    /// The shipped extract.
    pub fn builtin() -> &'static SeiTable {
        &BUILTIN
    }

    fn from_entries(entries: Vec<SeiEntry>) -> SeiTable {
        let mut by_subclass: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_subclass
                .entry(e.ipc.subclass().to_string())
                .or_default()
                .push(i);
        }
        SeiTable {
            entries,
            by_subclass,
        }
    }

    pub fn entries(&self) -> &[SeiEntry] {
        &self.entries
    }

    /// This table plus an operator's extra entries (the same CSV format; the header line, comment
    /// lines starting `#` and blank lines may appear). All or nothing: any bad line refuses the
    /// whole text, with one error per bad line (field `lines.N`, N counted from 1; codes
    /// `bad_line`, `unknown_value`, `industry_mismatch`, the IPC parser's codes, `duplicate`,
    /// `too_many`).
    pub fn with_extra(&self, extra: &str) -> Result<SeiTable, Vec<FieldError>> {
        let new = parse_lines(extra, true)?;
        let mut errs = Vec::new();
        let mut entries = self.entries.clone();
        for (line, e) in new {
            if entries
                .iter()
                .any(|x| x.ipc == e.ipc && x.industry == e.industry)
            {
                errs.push(FieldError::new(
                    format!("lines.{line}"),
                    Code::Duplicate,
                    format!("第 {line} 行：{} 已对应{}", e.ipc, e.industry.label()),
                ));
            } else {
                entries.push(e);
            }
        }
        if errs.is_empty() {
            Ok(SeiTable::from_entries(entries))
        } else {
            Err(errs)
        }
    }

    /// The most specific entry covering `code` (ties: the lower industry code, then file order).
    pub fn entry_for(&self, code: &IpcCode) -> Option<&SeiEntry> {
        self.by_subclass
            .get(code.subclass())?
            .iter()
            .map(|&i| &self.entries[i])
            .filter(|e| e.covers(code))
            .max_by(|a, b| {
                a.specificity()
                    .cmp(&b.specificity())
                    .then(b.industry.cmp(&a.industry))
            })
    }

    pub fn industry_of(&self, code: &IpcCode) -> Option<SeiIndustry> {
        self.entry_for(code).map(|e| e.industry)
    }
}

impl Default for SeiTable {
    fn default() -> Self {
        SeiTable::builtin().clone()
    }
}

/// The industry of `ipc` in the shipped extract.
pub fn strategic_industry_of(ipc: &IpcCode) -> Option<SeiIndustry> {
    SeiTable::builtin().industry_of(ipc)
}

/// Lines of the CSV format into entries, each with its 1-based line number in `text`.
fn parse_lines(text: &str, extra: bool) -> Result<Vec<(usize, SeiEntry)>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errs = Vec::new();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim().trim_start_matches('\u{FEFF}')))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && *l != SEI_HEADER)
        .collect();
    if lines.len() > MAX_EXTRA_LINES {
        return Err(vec![FieldError::new(
            "lines",
            Code::TooMany,
            format!("一次最多 {MAX_EXTRA_LINES} 行，实为 {} 行", lines.len()),
        )]);
    }
    for (n, line) in lines {
        let field = format!("lines.{n}");
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if !(3..=4).contains(&f.len()) {
            errs.push(FieldError::new(
                field,
                Code::BadLine,
                format!(
                    "第 {n} 行应有 3 或 4 列（{SEI_HEADER}），实为 {} 列",
                    f.len()
                ),
            ));
            continue;
        }
        let Some(industry) = f[0]
            .parse::<u8>()
            .ok()
            .and_then(|c| SeiIndustry::ALL.into_iter().find(|i| i.code() == c))
        else {
            errs.push(FieldError::new(
                field,
                Code::UnknownValue,
                format!("第 {n} 行：产业代码“{}”应为 1–9", f[0]),
            ));
            continue;
        };
        if !f[1].is_empty() && f[1] != industry.label() {
            errs.push(FieldError::new(
                field,
                Code::IndustryMismatch,
                format!(
                    "第 {n} 行：产业代码 {} 是“{}”，不是“{}”",
                    industry.code(),
                    industry.label(),
                    f[1]
                ),
            ));
            continue;
        }
        match IpcCode::parse(f[2]) {
            Ok(ipc) => out.push((
                n,
                SeiEntry::new(
                    industry,
                    ipc,
                    f.get(3).copied().unwrap_or("").to_string(),
                    extra,
                ),
            )),
            Err(e) => errs.push(FieldError::new(
                field,
                e.code,
                format!("第 {n} 行：{}", e.message),
            )),
        }
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipc(s: &str) -> IpcCode {
        IpcCode::parse(s).unwrap()
    }

    #[test]
    fn k5_the_shipped_extract_loads_and_names_every_industry_but_services() {
        let t = SeiTable::builtin();
        assert!(t.entries().len() >= 80, "{}", t.entries().len());
        for i in SeiIndustry::ALL {
            let n = t.entries().iter().filter(|e| e.industry == i).count();
            if i == SeiIndustry::RelatedServices {
                assert_eq!(n, 0);
            } else {
                assert!(n > 0, "{i:?}");
            }
            assert_eq!(SeiIndustry::parse(&i.code().to_string()), Some(i));
            assert_eq!(SeiIndustry::parse(i.label()), Some(i));
        }
        assert!(t.entries().iter().all(|e| !e.extra));
    }

    #[test]
    fn k5_a_subclass_entry_covers_all_its_groups() {
        assert_eq!(
            strategic_industry_of(&ipc("G06N 3/08")),
            Some(SeiIndustry::NextGenerationIt)
        );
        assert_eq!(
            strategic_industry_of(&ipc("H04W")),
            Some(SeiIndustry::NextGenerationIt)
        );
        assert_eq!(
            strategic_industry_of(&ipc("C12N 15/11")),
            Some(SeiIndustry::Biotechnology)
        );
        assert_eq!(
            strategic_industry_of(&ipc("F03D 7/02")),
            Some(SeiIndustry::NewEnergy)
        );
        // A61K 8/00 is cosmetics: the table lists A61K by group, and not that one.
        assert_eq!(strategic_industry_of(&ipc("A61K 8/02")), None);
        assert_eq!(
            strategic_industry_of(&ipc("A61K 39/395")),
            Some(SeiIndustry::Biotechnology)
        );
        // Not in the extract at all.
        assert_eq!(strategic_industry_of(&ipc("A47J 27/00")), None);
    }

    #[test]
    fn k5_a_group_entry_covers_its_subgroups_and_the_most_specific_entry_wins() {
        // H01L is next-generation IT; its main group 31 (solar cells) is new energy.
        assert_eq!(
            strategic_industry_of(&ipc("H01L 21/02")),
            Some(SeiIndustry::NextGenerationIt)
        );
        assert_eq!(
            strategic_industry_of(&ipc("H01L 31/18")),
            Some(SeiIndustry::NewEnergy)
        );
        // The example: a separator, H01M 50/409.
        assert_eq!(
            strategic_industry_of(&ipc("H01M 50/409")),
            Some(SeiIndustry::NewEnergyVehicles)
        );
        assert_eq!(
            strategic_industry_of(&ipc("H01M 10/0525")),
            Some(SeiIndustry::NewEnergyVehicles)
        );
        // H01M 10/54 (recycling batteries) is its own subgroup entry, and covers 10/54x.
        assert_eq!(
            strategic_industry_of(&ipc("H01M 10/54")),
            Some(SeiIndustry::EnergySavingEnvironment)
        );
        assert_eq!(
            strategic_industry_of(&ipc("H01M 10/542")),
            Some(SeiIndustry::EnergySavingEnvironment)
        );
        // A primary cell (H01M 6) is in no entry; a bare H01M is too coarse for group entries.
        assert_eq!(strategic_industry_of(&ipc("H01M 6/04")), None);
        assert_eq!(strategic_industry_of(&ipc("H01M")), None);
        // Subgroup prefix: G02B 27/0172 is under 27/01; 27/10 is not.
        assert_eq!(
            strategic_industry_of(&ipc("G02B 27/0172")),
            Some(SeiIndustry::DigitalCreative)
        );
        assert_eq!(strategic_industry_of(&ipc("G02B 27/10")), None);
        // B60L 13 (maglev) is rail equipment within the EV subclass.
        assert_eq!(
            strategic_industry_of(&ipc("B60L 13/04")),
            Some(SeiIndustry::HighEndEquipment)
        );
        assert_eq!(
            strategic_industry_of(&ipc("B60L 53/10")),
            Some(SeiIndustry::NewEnergyVehicles)
        );
    }

    #[test]
    fn k5_an_operator_extends_the_table_and_bad_lines_are_each_reported() {
        let t = SeiTable::builtin();
        let extra = "industry_code,industry_name,ipc,note\n# 本地补充\n4,生物产业,C07D 487/04,吡咯并嘧啶类药物\n\n6,,C25B 1/04,电解水制氢\n";
        let t2 = t.with_extra(extra).unwrap();
        assert_eq!(t2.entries().len(), t.entries().len() + 2);
        assert_eq!(
            t2.industry_of(&ipc("C25B 1/04")),
            Some(SeiIndustry::NewEnergy)
        );
        assert_eq!(t.industry_of(&ipc("C25B 1/04")), None);
        assert!(t2.entry_for(&ipc("C07D 487/04")).unwrap().extra);

        let bad = "4,生物产业\n10,新产业,G06F\n5,新能源产业,H01M\n3,新材料产业,Q99Z\n1,新一代信息技术产业,G06F,重复\n2,高端装备制造产业,B25J 9/16\n";
        let e = t.with_extra(bad).unwrap_err();
        let got: Vec<(&str, &str)> = e
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("lines.1", "bad_line"),
                ("lines.2", "unknown_value"),
                ("lines.3", "industry_mismatch"),
                ("lines.4", "bad_ipc"),
            ]
        );
        let e = t
            .with_extra("1,新一代信息技术产业,G06F,重复\n")
            .unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("lines.1", "duplicate")
        );
    }
}

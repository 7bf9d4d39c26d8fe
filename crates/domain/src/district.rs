//! Shanghai districts (DOMAIN.md §2), loaded from `reference/districts.csv` so the data stays data.
//!
//! A2's threshold group is a column of that file, not a rule: the rule asks [`District::a2_group`].

use std::sync::LazyLock;

use serde::Serialize;

/// The census grouping of a district (DOMAIN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DistrictGroup {
    /// 中心城区
    Central,
    /// 浦东新区
    Pudong,
    /// 郊区
    Suburb,
}

impl DistrictGroup {
    pub fn label(self) -> &'static str {
        match self {
            DistrictGroup::Central => "中心城区",
            DistrictGroup::Pudong => "浦东新区",
            DistrictGroup::Suburb => "郊区",
        }
    }
}

/// Which A2 thresholds apply to a park in this district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum A2Group {
    /// 中心城区 and 崇明区: ≥ 20 high-tech enterprises, ≥ 200 SMEs.
    Lower,
    /// Every other district: ≥ 50 and ≥ 300.
    Standard,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct District {
    /// GB/T 2260 code, e.g. `310104`.
    pub code: &'static str,
    pub name: &'static str,
    pub group: DistrictGroup,
    /// 2020 census population; `None` for merged (historical) codes.
    pub population_2020: Option<u64>,
    pub a2_group: A2Group,
    /// One of today's 16 districts.
    pub current: bool,
    /// For a historical code: the code of the district it became part of.
    pub merged_into: Option<&'static str>,
}

const DISTRICTS_CSV: &str = include_str!("../reference/districts.csv");

static DISTRICTS: LazyLock<Vec<District>> = LazyLock::new(|| parse_csv(DISTRICTS_CSV));

fn parse_csv(text: &'static str) -> Vec<District> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1) // header
        .map(|line| {
            let f: Vec<&'static str> = line.split(',').collect();
            assert_eq!(f.len(), 7, "districts.csv: bad line {line}");
            District {
                code: f[0],
                name: f[1],
                group: match f[2] {
                    "中心城区" => DistrictGroup::Central,
                    "浦东新区" => DistrictGroup::Pudong,
                    "郊区" => DistrictGroup::Suburb,
                    other => panic!("districts.csv: unknown group {other}"),
                },
                population_2020: (!f[3].is_empty())
                    .then(|| f[3].parse().expect("districts.csv: population")),
                a2_group: match f[4] {
                    "lower" => A2Group::Lower,
                    "standard" => A2Group::Standard,
                    other => panic!("districts.csv: unknown a2_group {other}"),
                },
                current: f[5] == "yes",
                merged_into: (!f[6].is_empty()).then_some(f[6]),
            }
        })
        .collect()
}

/// Today's 16 districts, in the order of the census table.
pub fn all() -> impl Iterator<Item = &'static District> {
    DISTRICTS.iter().filter(|d| d.current)
}

/// Every known code, current and merged, in file order.
pub fn by_code_all() -> impl Iterator<Item = &'static District> {
    DISTRICTS.iter()
}

/// Any known code, current or merged.
pub fn by_code(code: &str) -> Option<&'static District> {
    DISTRICTS.iter().find(|d| d.code == code)
}

/// A current district by code: what a form or an API field accepts.
pub fn current_by_code(code: &str) -> Option<&'static District> {
    by_code(code).filter(|d| d.current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_current_districts_with_census_totals() {
        assert_eq!(all().count(), 16);
        let sum = |g| -> u64 {
            all()
                .filter(|d| d.group == g)
                .map(|d| d.population_2020.unwrap())
                .sum()
        };
        // DOMAIN.md §2 totals.
        assert_eq!(sum(DistrictGroup::Central), 6_683_712);
        assert_eq!(sum(DistrictGroup::Pudong), 5_681_512);
        assert_eq!(sum(DistrictGroup::Suburb), 12_505_671);
        assert_eq!(
            all().map(|d| d.population_2020.unwrap()).sum::<u64>(),
            24_870_895
        );
    }

    #[test]
    fn a2_lower_group_is_central_plus_chongming() {
        // A2: 中心城区 and 崇明区 use the lower thresholds; Pudong and the other suburbs do not.
        let lower: Vec<&str> = all()
            .filter(|d| d.a2_group == A2Group::Lower)
            .map(|d| d.name)
            .collect();
        assert_eq!(
            lower,
            [
                "黄浦区",
                "徐汇区",
                "长宁区",
                "静安区",
                "普陀区",
                "虹口区",
                "杨浦区",
                "崇明区"
            ]
        );
        assert_eq!(by_code("310115").unwrap().a2_group, A2Group::Standard);
        assert_eq!(by_code("310112").unwrap().a2_group, A2Group::Standard);
    }

    #[test]
    fn merged_codes_are_known_but_not_current() {
        let luwan = by_code("310103").unwrap();
        assert!(!luwan.current);
        assert_eq!(luwan.merged_into, Some("310101"));
        assert!(current_by_code("310103").is_none());
        assert!(current_by_code("310230").is_none());
        assert_eq!(current_by_code("310151").unwrap().name, "崇明区");
        assert!(by_code("110101").is_none());
    }
}

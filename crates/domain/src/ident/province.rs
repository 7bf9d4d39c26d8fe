//! Province-level divisions of mainland China (GB/T 2260, first two digits).

const PROVINCES: [(&str, &str); 31] = [
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
];

/// The Chinese name of a two-digit province-level code, e.g. `31` → 上海市.
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// All 31 province-level divisions as (code, name), in code order.
pub fn provinces() -> impl Iterator<Item = (&'static str, &'static str)> {
    PROVINCES.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes() {
        assert_eq!(province_name("31"), Some("上海市"));
        assert_eq!(province_name("11"), Some("北京市"));
        assert_eq!(province_name("45"), Some("广西壮族自治区"));
        assert_eq!(province_name("71"), None);
        assert_eq!(province_name("3"), None);
        assert_eq!(provinces().count(), 31);
        let mut sorted: Vec<_> = provinces().map(|(c, _)| c).collect();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 31);
    }
}

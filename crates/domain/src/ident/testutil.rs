//! Test helpers: messy spellings of a canonical identifier.

use proptest::prelude::*;

/// Per character: (lowercase it, make it full-width, which whitespace to put before it).
pub type MessFlags = Vec<(bool, bool, u8)>;

pub fn mess_flags() -> impl Strategy<Value = MessFlags> {
    prop::collection::vec((any::<bool>(), any::<bool>(), 0u8..6), 24)
}

/// Full-width form of a printable ASCII character.
pub fn fullwidth(c: char) -> char {
    match c {
        '!'..='~' => char::from_u32(u32::from(c) + 0xFEE0).expect("full-width"),
        ' ' => '\u{3000}',
        _ => c,
    }
}

/// Spell `s` messily: random lowercase, full-width characters and whitespace between characters.
pub fn mess(s: &str, flags: &[(bool, bool, u8)]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let (lower, wide, space) = flags.get(i % flags.len()).copied().unwrap_or_default();
        match space {
            1 => out.push(' '),
            2 => out.push('\u{3000}'),
            3 => out.push('\t'),
            _ => {}
        }
        let c = if lower { c.to_ascii_lowercase() } else { c };
        out.push(if wide { fullwidth(c) } else { c });
    }
    if flags.first().is_some_and(|f| f.2 == 5) {
        out.push(' ');
    }
    out
}

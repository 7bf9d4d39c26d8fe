//! Character classes and the one normalisation every side of the search applies (index, query,
//! synonyms, highlighting), so that `５Ｇ`, `5G` and `5g` are one thing everywhere.

/// Full-width ASCII (common in Chinese input) to ASCII, the ideographic space to a space, then lower case.
/// A character whose lower case is more than one character is kept as it is.
pub(crate) fn normalize_char(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// A Han character (CJK unified ideographs, extension A, compatibility ideographs, extensions B and
/// later) or `〇`.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// A character that can be searched for: Han, or a letter or digit of any script.
pub(crate) fn is_word_char(c: char) -> bool {
    is_cjk(c) || c.is_alphanumeric()
}

/// Normalised text with a map back to byte offsets in the original.
pub(crate) struct Normalized {
    pub text: String,
    /// Original byte offset of each normalised byte (plus one past the end); `None` when every
    /// character kept its UTF-8 length, so offsets are the same.
    offsets: Option<Vec<usize>>,
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        let mut text = String::with_capacity(original.len());
        let mut same_lengths = true;
        for c in original.chars() {
            let n = normalize_char(c);
            same_lengths &= n.len_utf8() == c.len_utf8();
            text.push(n);
        }
        let offsets = (!same_lengths).then(|| {
            let mut map = Vec::with_capacity(text.len() + 1);
            for (at, c) in original.char_indices() {
                map.extend(std::iter::repeat_n(at, normalize_char(c).len_utf8()));
            }
            map.push(original.len());
            map
        });
        Normalized { text, offsets }
    }

    /// The original byte offset of a normalised byte offset (at a character boundary).
    pub fn original_offset(&self, at: usize) -> usize {
        match &self.offsets {
            None => at,
            Some(map) => map[at],
        }
    }
}

/// Normalise a whole string (no offsets kept).
pub(crate) fn normalize(s: &str) -> String {
    s.chars().map(normalize_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(normalize("５Ｇ基站　ＡＧＶ"), "5g基站 agv");
        assert_eq!(normalize("PCT"), "pct");
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let n = Normalized::new("５Ｇ基站");
        assert_eq!(n.text, "5g基站");
        // "基" starts at byte 2 normalised, byte 6 in the original.
        assert_eq!(n.original_offset(2), 6);
        assert_eq!(n.original_offset(n.text.len()), "５Ｇ基站".len());
        let same = Normalized::new("AGV小车");
        assert_eq!(same.original_offset(3), 3);
    }

    #[test]
    fn classes() {
        assert!(is_cjk('膜') && is_cjk('〇') && !is_cjk('a') && !is_cjk('，'));
        assert!(
            is_word_char('5') && is_word_char('膜') && !is_word_char('-') && !is_word_char(' ')
        );
    }
}

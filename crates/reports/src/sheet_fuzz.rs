//! Issue 19, fuzzing the spreadsheet reader and the imports built on it: random bytes, truncated
//! and corrupted workbooks, huge declared dimensions and shared-string tables, CSV in broken
//! encodings. Whatever comes in: no panic, a clear error with its stable code, and work bounded
//! by the caps (a handful of rows past the row cap at most).

use std::io::Write;
use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use zhiyun_domain::listing::ListingKind;

use crate::sheet::{ImportError, read_table, table_xlsx};
use crate::{enterprise_import, listing_import, patent_import};

const CASES: u32 = 64;

/// Every reader over the same upload; each may refuse it, none may panic, and a refusal says why.
fn read_everywhere(filename: &str, bytes: &[u8]) -> Vec<Result<usize, ImportError>> {
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let out = vec![
        read_table(filename, bytes, &["名称", "数量"], 50).map(|t| t.rows.len()),
        enterprise_import::parse_enterprise_list(filename, bytes).map(|p| p.rows.len()),
        listing_import::parse_listings(ListingKind::Supply, filename, bytes, today)
            .map(|r| r.len()),
        patent_import::read_patents(filename, bytes).map(|r| r.len()),
    ];
    for r in &out {
        if let Err(e) = r {
            assert!(!e.to_string().is_empty() && !e.code().to_string().is_empty());
        }
    }
    // The generic table keeps to its cap of 50 rows.
    if let Ok(n) = out[0] {
        assert!(n <= 50, "{n} rows past the cap");
    }
    out
}

/// A small valid workbook (shared strings, a header the generic table looks for, a few rows).
fn sample_xlsx() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let rows: Vec<Vec<String>> = (0..20)
            .map(|i| vec![format!("名称{i}"), i.to_string()])
            .collect();
        table_xlsx("Sheet1", &["名称", "数量"], &rows).unwrap()
    })
}

/// A workbook written by hand, so its parts may say anything.
fn workbook(sheet_xml: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut part = |name: &str, text: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    part("xl/worksheets/sheet1.xml", sheet_xml);
    if let Some(sst) = shared_strings {
        part("xl/sharedStrings.xml", sst);
    }
    zip.finish().unwrap().into_inner()
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// Issue 19, finding 2: a part may declare a small unpacked size and hold much more. The
/// size check trusts the declaration, which is safe only because unpacking stops with an error
/// at the declared size (the zip library's guarantee, pinned here): such a workbook is
/// refused, never unpacked past what it declares.
#[test]
fn a_part_that_lies_about_its_unpacked_size_is_refused() {
    let sheet = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2"><v>3</v></c></row></sheetData></worksheet>"#
    );
    let filler = "<si><t>甲</t></si>".repeat(20_000);
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>名称</t></si><si><t>数量</t></si>{filler}</sst>"#
    );
    let mut bytes = workbook(&sheet, Some(&sst));
    let honest = read_table("a.xlsx", &bytes, &["名称", "数量"], 50);
    assert!(honest.is_ok(), "{honest:?}");
    // Declare 100 bytes unpacked for the shared strings, in the local header (offset 22)
    // and the central directory (offset 24) alike.
    let name = b"xl/sharedStrings.xml";
    for (sig, at, name_at) in [(*b"PK\x03\x04", 22, 30), (*b"PK\x01\x02", 24, 46)] {
        let h = (0..bytes.len() - name.len() - name_at)
            .find(|&i| bytes[i..i + 4] == sig && bytes[i + name_at..].starts_with(name))
            .expect("the part's header");
        bytes[h + at..h + at + 4].copy_from_slice(&100u32.to_le_bytes());
    }
    let e = read_table("a.xlsx", &bytes, &["名称", "数量"], 50).unwrap_err();
    assert!(matches!(e, ImportError::Unreadable(_)), "{e:?}");
}

/// Column letters of a 0-based column number (any size: the reader must cope).
fn column_letters(mut n: u64) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// The workbooks the reader already accepts: the hand-written one is read like a real one.
#[test]
fn the_hand_written_workbook_reads() {
    let sheet = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2"><v>3</v></c></row></sheetData></worksheet>"#
    );
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>名称</t></si><si><t>数量</t></si></sst>"#;
    let t = read_table(
        "a.xlsx",
        &workbook(&sheet, Some(sst)),
        &["名称", "数量"],
        50,
    )
    .unwrap();
    assert_eq!(t.rows, vec![(2, vec!["甲".to_string(), "3".to_string()])]);
    assert_eq!(
        read_table("a.xlsx", sample_xlsx(), &["名称", "数量"], 50)
            .unwrap()
            .rows
            .len(),
        20
    );
}

/// A shared-strings table declaring billions of strings in a few bytes is refused before the
/// reader reserves room for them (it aborted the process: out of memory, or a capacity overflow).
#[test]
fn a_huge_declared_shared_strings_count_is_refused() {
    let sheet = format!(r#"{SHEET_HEAD}<sheetData/></worksheet>"#);
    for count in [
        "4000000000",
        "18446744073709551615",
        "99999999999999999999999",
    ] {
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="{count}"><si><t>名称</t></si></sst>"#
        );
        let e = read_table("a.xlsx", &workbook(&sheet, Some(&sst)), &["名称"], 50).unwrap_err();
        assert!(
            matches!(&e, ImportError::Unreadable(m) if m.contains("共享字符串表")),
            "{count}: {e}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Random bytes under every name, and random bytes behind a zip signature.
    #[test]
    fn random_bytes_are_refused_cleanly(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        zip_magic in any::<bool>(),
        name in prop::sample::select(vec!["a.xlsx", "a.csv", "A.XLSX", "a.txt", "noext", " .csv "]),
    ) {
        let mut bytes = bytes;
        if zip_magic {
            bytes.splice(0..0, *b"PK\x03\x04");
        }
        read_everywhere(name, &bytes);
    }

    /// A valid workbook cut anywhere is refused as unreadable.
    #[test]
    fn truncated_workbooks_are_unreadable(cut in any::<prop::sample::Index>()) {
        let full = sample_xlsx();
        let bytes = &full[..cut.index(full.len())];
        for r in read_everywhere("cut.xlsx", bytes) {
            prop_assert!(matches!(r, Err(ImportError::Unreadable(_))), "{:?}", r);
        }
    }

    /// A valid workbook with a few bytes overwritten: read or refused, never a panic.
    #[test]
    fn corrupted_workbooks_do_not_panic(
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = sample_xlsx().to_vec();
        for (at, b) in changes {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        read_everywhere("bad.xlsx", &bytes);
    }

    /// Declared dimensions and cell positions far out (past XFD1048576, past u32): the reader
    /// keeps to real cells, and rows stop at the cap.
    #[test]
    fn huge_dimensions_and_far_cells_stay_bounded(
        dim_col in any::<u64>(),
        dim_row in any::<u64>(),
        cells in prop::collection::vec((0u64..1 << 40, 0u64..1 << 40), 0..20),
        many_rows in 0usize..200,
    ) {
        let mut xml = format!(
            r#"{SHEET_HEAD}<dimension ref="A1:{}{}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t>数量</t></is></c></row>"#,
            column_letters(dim_col % (1 << 40)),
            dim_row
        );
        for i in 0..many_rows {
            let r = i + 2;
            xml.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{i}</v></c></row>"#));
        }
        for (col, row) in cells {
            let r = row + 1;
            xml.push_str(&format!(
                r#"<row r="{r}"><c r="{}{r}" t="inlineStr"><is><t>x</t></is></c></row>"#,
                column_letters(col)
            ));
        }
        xml.push_str("</sheetData></worksheet>");
        let bytes = workbook(&xml, None);
        let r = read_table("far.xlsx", &bytes, &["名称", "数量"], 50);
        match r {
            Ok(t) => prop_assert!(t.rows.len() <= 50),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        read_everywhere("far.xlsx", &bytes);
    }

    /// Shared-string tables declaring any count, with few or many strings: never a panic or an
    /// abort; a count the table cannot hold is refused as unreadable.
    #[test]
    fn shared_string_counts_are_bounded(
        count in prop_oneof![
            (0u64..100).prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            "[0-9]{20,30}",
            "[-+ a-z0-9]{0,6}",
        ],
        strings in 0usize..300,
    ) {
        let mut sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{count}"><si><t>名称</t></si><si><t>数量</t></si>"#
        );
        for i in 0..strings {
            sst.push_str(&format!("<si><t>{i}</t></si>"));
        }
        sst.push_str("</sst>");
        let sheet = format!(
            r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>{}</v></c><c r="B2" t="s"><v>99999999</v></c></row></sheetData></worksheet>"#,
            strings + 1
        );
        let r = read_table("sst.xlsx", &workbook(&sheet, Some(&sst)), &["名称", "数量"], 50);
        let size = sst.len() as u64;
        // The reader reads the declared count with the spaces around it trimmed (` 600` is 600).
        let count = count.trim();
        let too_many = match count.parse::<u64>() {
            Ok(n) => n > size / 9 + 1,
            Err(_) => {
                let n = count.strip_prefix('+').unwrap_or(count);
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
            }
        };
        let refused = matches!(&r, Err(ImportError::Unreadable(m)) if m.contains("共享字符串表"));
        prop_assert_eq!(refused, too_many, "{:?}", r);
    }

    /// CSV made of pieces in broken encodings: BOMs (of the wrong kind too), GBK, invalid UTF-8,
    /// NULs, unbalanced quotes, long lines.
    #[test]
    fn csv_in_any_encoding_is_read_or_refused(
        pieces in prop::collection::vec(prop_oneof![
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(b"\xFF\xFE".to_vec()),
            Just(b"\xFE\xFF".to_vec()),
            Just(encoding_rs::GBK.encode("名称,数量\n").0.into_owned()),
            Just(encoding_rs::GBK.encode("上海徐汇,12\n").0.into_owned()),
            Just("名称,数量\r\n".as_bytes().to_vec()),
            Just(b"\xC3".to_vec()),
            Just(b"\xFF\x00\x80".to_vec()),
            Just(b"\0\0".to_vec()),
            Just(b"\"".to_vec()),
            Just(b",;\t\n".to_vec()),
            Just("\u{202E}甲\u{200B}".as_bytes().to_vec()),
            prop::collection::vec(any::<u8>(), 0..16),
            "[a-z0-9,\"\n]{0,200}".prop_map(String::into_bytes),
        ], 0..24),
    ) {
        let bytes = pieces.concat();
        read_everywhere("a.csv", &bytes);
    }
}

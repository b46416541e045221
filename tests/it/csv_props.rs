//! Property tests of the CSV loader: no panics on any bytes; written tables read back exactly,
//! from bytes in memory and from files large enough to be streamed from disk.
//!
//! The reference for the round trips is the generated table itself: numbers are written with
//! Rust's `{}` formatting (shortest representation that round-trips), so reading them back
//! must give the very same bits.

use proptest::prelude::*;
use ridgeline::data::ColumnData;
use ridgeline::data::csv::{CsvOptions, parse_csv, read_csv_file};
use ridgeline::progress::Progress;

fn parse(bytes: &[u8]) -> Result<ridgeline::data::Table, ridgeline::data::csv::LoadError> {
    parse_csv(bytes, "p.csv", &CsvOptions::default(), &Progress::new())
}

/// Bytes drawn mostly from CSV's own alphabet, so that the parser's corners get exercised.
fn csvish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        Just(b','),
        Just(b';'),
        Just(b'\t'),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b' '),
        Just(b'1'),
        Just(b'.'),
        Just(b'e'),
        Just(b'-'),
        Just(b'a'),
        Just(b'N'),
        Just(b'A'),
        Just(0xEF),
        Just(0xBB),
        Just(0xBF),
        Just(0xE9),
        any::<u8>(),
    ];
    prop::collection::vec(byte, 0..400)
}

/// Finite f64 values of every kind: normal, subnormal, zero, signs, huge and tiny.
fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-1000i32..1000).prop_map(f64::from),
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        Just(f64::MAX),
        Just(f64::MIN),
    ]
}

#[derive(Debug, Clone)]
struct Layout {
    delimiter: u8,
    crlf: bool,
    bom: bool,
    trailing_newline: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        prop::sample::select(vec![b',', b';', b'\t']),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(delimiter, crlf, bom, trailing_newline)| Layout {
            delimiter,
            crlf,
            bom,
            trailing_newline,
        })
}

fn write_table(names: &[String], rows: &[Vec<String>], l: &Layout) -> Vec<u8> {
    let nl = if l.crlf { "\r\n" } else { "\n" };
    let d = (l.delimiter as char).to_string();
    let mut lines = vec![names.join(&d)];
    lines.extend(rows.iter().map(|r| r.join(&d)));
    let mut out = String::new();
    if l.bom {
        out.push('\u{feff}');
    }
    out.push_str(&lines.join(nl));
    if l.trailing_newline {
        out.push_str(nl);
    }
    out.into_bytes()
}

/// Distinct column names that are not numbers: a letter, then letters, digits or `_`.
fn names(ncols: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::hash_set("[a-zA-Z][a-zA-Z0-9_]{0,6}", ncols)
        .prop_map(|set| set.into_iter().collect::<Vec<_>>())
        .prop_filter("not a missing token or number", |v| {
            v.iter().all(|n| {
                !matches!(
                    n.as_str(),
                    "NA" | "NaN" | "nan" | "null" | "NULL" | "None" | "inf" | "infinity"
                ) && n.parse::<f64>().is_err()
            })
        })
}

/// A text cell: starts with a letter, ends with a letter or a quote (so trimming keeps it as
/// is), may hold delimiters, quotes and line breaks; never a number or a missing token.
fn text_cell() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9 ,;\t\"\n\r]{0,10}[a-zA-Z\"]".prop_filter("not a number", |s| {
        s.parse::<f64>().is_err() && !matches!(s.as_str(), "NA" | "null" | "NULL" | "None")
    })
}

/// Quote a text cell the way a careful CSV writer would: when it holds a quote, a line break
/// or any of the delimiters a reader might sniff.
fn quote(cell: &str) -> String {
    let special = cell.contains(['"', '\n', '\r', ',', ';', '\t']);
    if special {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn csvish_bytes_never_panic(bytes in csvish_bytes()) {
        if let Ok(t) = parse(&bytes) {
            // A loaded table is consistent.
            prop_assert!(t.n_rows > 0);
            prop_assert!(!t.columns.is_empty());
            for c in &t.columns {
                prop_assert_eq!(c.data.len(), t.n_rows);
            }
        }
    }

    #[test]
    fn numeric_tables_round_trip(
        (names, rows) in (1usize..8, 1usize..25).prop_flat_map(|(ncols, nrows)| (
            names(ncols),
            prop::collection::vec(prop::collection::vec(finite_f64(), ncols), nrows),
        )),
        l in layout(),
    ) {
        let text: Vec<Vec<String>> =
            rows.iter().map(|r| r.iter().map(|v| format!("{v}")).collect()).collect();
        let bytes = write_table(&names, &text, &l);
        let t = parse(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(t.column_names(), names.clone());
        prop_assert_eq!(t.n_rows, rows.len());
        let fmt = t.format.clone().unwrap();
        // A single column has no delimiter to detect.
        if names.len() > 1 {
            prop_assert_eq!(fmt.delimiter, l.delimiter as char);
        }
        prop_assert_eq!(fmt.had_bom, l.bom);
        prop_assert!(fmt.has_header);
        for (j, c) in t.columns.iter().enumerate() {
            match &c.data {
                ColumnData::Numeric(v) => {
                    for (i, x) in v.iter().enumerate() {
                        prop_assert_eq!(x.to_bits(), rows[i][j].to_bits(),
                            "row {} col {}: {} vs {}", i, j, x, rows[i][j]);
                    }
                }
                other => prop_assert!(false, "column {} not numeric: {:?}", j, other),
            }
        }
    }

    #[test]
    fn numeric_tables_without_header_round_trip(
        rows in (1usize..6, 1usize..20).prop_flat_map(|(ncols, nrows)|
            prop::collection::vec(prop::collection::vec(finite_f64(), ncols), nrows)),
        l in layout(),
    ) {
        let text: Vec<Vec<String>> =
            rows.iter().map(|r| r.iter().map(|v| format!("{v}")).collect()).collect();
        let d = (l.delimiter as char).to_string();
        let nl = if l.crlf { "\r\n" } else { "\n" };
        let body: Vec<String> = text.iter().map(|r| r.join(&d)).collect();
        let mut s = if l.bom { "\u{feff}".to_string() } else { String::new() };
        s.push_str(&body.join(nl));
        let t = parse(s.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!t.format.as_ref().unwrap().has_header);
        prop_assert_eq!(t.n_rows, rows.len());
        let ncols = rows[0].len();
        let expected: Vec<String> = (1..=ncols).map(|j| format!("col{j}")).collect();
        prop_assert_eq!(t.column_names(), expected);
        for (j, c) in t.columns.iter().enumerate() {
            let ColumnData::Numeric(v) = &c.data else {
                return Err(TestCaseError::fail(format!("column {j} not numeric")));
            };
            for (i, x) in v.iter().enumerate() {
                prop_assert_eq!(x.to_bits(), rows[i][j].to_bits());
            }
        }
    }

    #[test]
    fn tables_with_quoted_text_round_trip(
        (names, kinds, rows) in (1usize..6, 1usize..15).prop_flat_map(|(ncols, nrows)| (
            names(ncols),
            prop::collection::vec(any::<bool>(), ncols),
            prop::collection::vec(
                prop::collection::vec(
                    (finite_f64(), text_cell()),
                    ncols,
                ),
                nrows,
            ),
        )),
        l in layout(),
    ) {
        // kinds[j]: true = text column, false = numeric column.
        let text: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().zip(&kinds).map(|((v, s), &is_text)| {
                if is_text { quote(s) } else { format!("{v}") }
            }).collect())
            .collect();
        let bytes = write_table(&names, &text, &l);
        let t = parse(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(t.column_names(), names.clone());
        prop_assert_eq!(t.n_rows, rows.len());
        if names.len() > 1 {
            prop_assert_eq!(t.format.as_ref().unwrap().delimiter, l.delimiter as char);
        }
        for (j, c) in t.columns.iter().enumerate() {
            match (&c.data, kinds[j]) {
                (ColumnData::Numeric(v), false) => {
                    for (i, x) in v.iter().enumerate() {
                        prop_assert_eq!(x.to_bits(), rows[i][j].0.to_bits());
                    }
                }
                (ColumnData::Text { values, first_non_numeric }, true) => {
                    for (i, x) in values.iter().enumerate() {
                        prop_assert_eq!(x.as_deref(), Some(rows[i][j].1.as_str()));
                    }
                    // Row 0 is on line 2, after the header; every text cell starts with a letter.
                    let (line, cell) = first_non_numeric.clone().unwrap();
                    prop_assert_eq!(line, 2);
                    prop_assert_eq!(cell, rows[0][j].1.clone());
                }
                (other, is_text) => prop_assert!(false, "column {} (text: {}) read as {:?}", j, is_text, other),
            }
        }
    }
}

proptest! {
    // Each case writes and reads a file of over 1 MB: few cases.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// A block of rows repeated until the file is over 1 MB (so it is streamed in chunks from
    /// disk), optionally with one text cell somewhere, which makes its column text: every
    /// cell must read back as written, in order.
    #[test]
    fn streamed_files_round_trip(
        (names, block) in (1usize..5, 1usize..30).prop_flat_map(|(ncols, nrows)| (
            names(ncols),
            prop::collection::vec(prop::collection::vec(finite_f64(), ncols), nrows),
        )),
        l in layout(),
        text_at in prop::option::of((0.0f64..1.0, 0usize..5)),
    ) {
        let ncols = names.len();
        let block_text: Vec<Vec<String>> =
            block.iter().map(|r| r.iter().map(|v| format!("{v}")).collect()).collect();
        let block_bytes: usize = block_text.iter().map(|r| r.join(",").len() + 2).sum();
        let reps = (1_300_000 / block_bytes).max(1) + 1;
        let mut text: Vec<Vec<String>> = Vec::new();
        for _ in 0..reps {
            text.extend(block_text.iter().cloned());
        }
        let n = text.len();
        let text_cell = text_at.map(|(f, j)| (((n as f64 * f) as usize).min(n - 1), j % ncols));
        if let Some((i, j)) = text_cell {
            text[i][j] = format!("t{i}");
        }
        let bytes = write_table(&names, &text, &l);
        prop_assert!(bytes.len() > 1 << 20);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        std::fs::write(&path, &bytes).unwrap();
        let t = read_csv_file(&path, &CsvOptions::default(), &Progress::new())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(t.column_names(), names.clone());
        prop_assert_eq!(t.n_rows, n);
        let fmt = t.format.clone().unwrap();
        if ncols > 1 {
            prop_assert_eq!(fmt.delimiter, l.delimiter as char);
        }
        prop_assert_eq!((fmt.had_bom, fmt.bytes), (l.bom, bytes.len() as u64));
        let nb = block.len();
        for (j, c) in t.columns.iter().enumerate() {
            match &c.data {
                ColumnData::Numeric(v) => {
                    prop_assert!(text_cell.is_none_or(|(_, tj)| tj != j));
                    for (i, x) in v.iter().enumerate() {
                        prop_assert_eq!(x.to_bits(), block[i % nb][j].to_bits(), "row {} col {}", i, j);
                    }
                }
                ColumnData::Text { values, first_non_numeric } => {
                    let Some((ti, tj)) = text_cell else {
                        return Err(TestCaseError::fail(format!("column {j} read as text")));
                    };
                    prop_assert_eq!(tj, j);
                    for (i, x) in values.iter().enumerate() {
                        prop_assert_eq!(x.as_deref(), Some(text[i][j].as_str()), "row {}", i);
                    }
                    // Row i is on line i + 2, after the header.
                    prop_assert_eq!(first_non_numeric.clone(), Some((ti + 2, format!("t{ti}"))));
                }
            }
        }
    }
}

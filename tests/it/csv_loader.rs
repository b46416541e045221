//! The CSV/TSV loader on every kind of input the brief lists. Expected values are written by
//! hand from the input text in each test.

use std::io::Write;

use ridgeline::data::csv::{CsvOptions, LoadError, MAX_LINE, parse_csv, read_csv_file};
use ridgeline::data::{ColumnData, Table};
use ridgeline::progress::Progress;

fn parse(text: &str, name: &str) -> Result<Table, LoadError> {
    parse_csv(
        text.as_bytes(),
        name,
        &CsvOptions::default(),
        &Progress::new(),
    )
}

fn ok(text: &str) -> Table {
    parse(text, "data.csv").unwrap_or_else(|e| panic!("should load: {e}"))
}

fn err(text: &str) -> String {
    match parse(text, "data.csv") {
        Ok(t) => panic!("should fail, got {t:?}"),
        Err(e) => e.to_string(),
    }
}

fn num(t: &Table, name: &str) -> Vec<f64> {
    let j = t
        .column_index(name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", t.column_names()));
    match &t.columns[j].data {
        ColumnData::Numeric(v) => v.clone(),
        other => panic!("column {name} is not numeric: {other:?}"),
    }
}

/// Values, with NaN shown as `None` so that vectors compare with `==`.
fn num_opt(t: &Table, name: &str) -> Vec<Option<f64>> {
    num(t, name)
        .into_iter()
        .map(|x| if x.is_nan() { None } else { Some(x) })
        .collect()
}

fn text(t: &Table, name: &str) -> (Vec<Option<String>>, Option<(usize, String)>) {
    let j = t.column_index(name).expect("column");
    match &t.columns[j].data {
        ColumnData::Text {
            values,
            first_non_numeric,
        } => (values.clone(), first_non_numeric.clone()),
        other => panic!("column {name} is not text: {other:?}"),
    }
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

// --- Basics and detection -------------------------------------------------------------------

#[test]
fn comma_file_with_header() {
    let t = ok("x,y,label\n1,2.5,a\n-3,4e2,b\n");
    assert_eq!(t.name, "data.csv");
    assert_eq!(t.column_names(), ["x", "y", "label"]);
    assert_eq!(t.n_rows, 2);
    assert_eq!(num(&t, "x"), [1.0, -3.0]);
    assert_eq!(num(&t, "y"), [2.5, 400.0]);
    assert_eq!(text(&t, "label").0, [s("a"), s("b")]);
    let f = t.format.as_ref().expect("format");
    assert_eq!(f.delimiter, ',');
    assert!(f.has_header);
    assert!(!f.had_bom);
    assert_eq!(f.bytes, 27);
    assert!(t.notes.is_empty(), "{:?}", t.notes);
}

#[test]
fn number_syntaxes() {
    // Forms pandas also reads as numbers: sign, exponent, leading/trailing dot, whitespace.
    let t = ok("v\n+1.5\n-.5\n3.\n1E-3\n 7 \n0.1\n");
    assert_eq!(num(&t, "v"), [1.5, -0.5, 3.0, 0.001, 7.0, 0.1]);
}

#[test]
fn semicolon_is_sniffed() {
    let t = ok("a;b;c\n1;2;3\n4;5;6\n");
    assert_eq!(t.format.as_ref().unwrap().delimiter, ';');
    assert_eq!(t.column_names(), ["a", "b", "c"]);
    assert_eq!(num(&t, "c"), [3.0, 6.0]);
}

#[test]
fn semicolon_with_decimal_commas_is_sniffed_by_the_header() {
    // Commas: 0 on the header, 2 on each row -> inconsistent; semicolons: 1 everywhere.
    let t = ok("p;q\n1,5;2,5\n3,0;4,0\n");
    assert_eq!(t.format.as_ref().unwrap().delimiter, ';');
    assert_eq!(text(&t, "p").0, [s("1,5"), s("3,0")]);
}

#[test]
fn tab_is_sniffed() {
    let t = ok("a\tb\n1\t2\n");
    assert_eq!(t.format.as_ref().unwrap().delimiter, '\t');
    assert_eq!(num(&t, "b"), [2.0]);
}

#[test]
fn tsv_extension_prefers_tab_when_both_fit() {
    // One comma and one tab on every line: both are consistent.
    let body = "a,b\tc\n1,2\t3\n";
    let csv = parse(body, "x.csv").unwrap();
    assert_eq!(csv.format.as_ref().unwrap().delimiter, ',');
    assert_eq!(csv.column_names(), ["a", "b\tc"]);
    let tsv = parse(body, "x.tsv").unwrap();
    assert_eq!(tsv.format.as_ref().unwrap().delimiter, '\t');
    assert_eq!(tsv.column_names(), ["a,b", "c"]);
    assert_eq!(num(&tsv, "c"), [3.0]);
    let tab = parse(body, "X.TAB").unwrap();
    assert_eq!(tab.format.as_ref().unwrap().delimiter, '\t');
}

#[test]
fn sniffing_ignores_delimiters_inside_quotes() {
    // Outside quotes: 1 semicolon per line; commas only inside quotes.
    let t = ok("name;v\n\"a,b,c\";1\n\"d,e\";2\n");
    assert_eq!(t.format.as_ref().unwrap().delimiter, ';');
    assert_eq!(text(&t, "name").0, [s("a,b,c"), s("d,e")]);
    assert_eq!(num(&t, "v"), [1.0, 2.0]);
}

#[test]
fn explicit_options_win() {
    let opts = CsvOptions {
        delimiter: Some(b';'),
        has_header: Some(true),
    };
    let t = parse_csv(b"1;2\n3;4\n", "d.csv", &opts, &Progress::new()).unwrap();
    assert_eq!(t.column_names(), ["1", "2"]);
    assert_eq!(num(&t, "2"), [4.0]);
    assert!(t.format.as_ref().unwrap().has_header);

    let opts = CsvOptions {
        delimiter: Some(b','),
        has_header: Some(false),
    };
    let t = parse_csv(b"a,b\nc,d\n", "d.csv", &opts, &Progress::new()).unwrap();
    assert_eq!(t.column_names(), ["col1", "col2"]);
    assert_eq!(t.n_rows, 2);
    assert_eq!(text(&t, "col1").0, [s("a"), s("c")]);
    assert_eq!(text(&t, "col1").1, Some((1, "a".to_string())));
}

#[test]
fn a_delimiter_that_can_be_part_of_a_number() {
    // With `.` as the delimiter "1.5" is two fields, never the number 1.5.
    let opts = CsvOptions {
        delimiter: Some(b'.'),
        has_header: None,
    };
    let t = parse_csv(b"a.b\n1.5\n-2.e3\n", "d.csv", &opts, &Progress::new()).unwrap();
    assert_eq!(num(&t, "a"), [1.0, -2.0]);
    assert_eq!(text(&t, "b").0, [s("5"), s("e3")]);
}

#[test]
fn trailing_delimiter_and_junk_after_numbers() {
    // A trailing delimiter makes an unnamed, empty last column: it is dropped, with a note
    // (and no note on its missing name).
    let t = ok("a,b,\n1,2,\n3,4,");
    assert_eq!(t.column_names(), ["a", "b"]);
    assert_eq!(num(&t, "b"), [2.0, 4.0]);
    assert_eq!(
        t.notes,
        [
            "Column 3 (no name) is empty (every line ends with a delimiter): no cell holds a \
          value, so it was dropped."
        ]
    );
    // A number followed by other characters is text.
    let t = ok("a,b\n1,2\n1.5x,3\n2 ,4\r\n");
    assert_eq!(text(&t, "a").0, [s("1"), s("1.5x"), s("2")]);
    assert_eq!(text(&t, "a").1, Some((3, "1.5x".to_string())));
    assert_eq!(num(&t, "b"), [2.0, 3.0, 4.0]);
}

#[test]
fn quote_or_line_break_is_not_a_delimiter() {
    for d in [b'"', b'\n', b'\r'] {
        let opts = CsvOptions {
            delimiter: Some(d),
            has_header: None,
        };
        let e = parse_csv(b"a\n1\n", "d.csv", &opts, &Progress::new()).unwrap_err();
        assert!(matches!(e, LoadError::BadDelimiter { .. }), "{e}");
        assert!(e.to_string().contains("delimiter"), "{e}");
    }
}

#[test]
fn numeric_first_line_is_data() {
    let t = ok("1,2\n3,4\n");
    assert_eq!(t.column_names(), ["col1", "col2"]);
    assert_eq!(t.n_rows, 2);
    assert_eq!(num(&t, "col1"), [1.0, 3.0]);
    assert_eq!(num(&t, "col2"), [2.0, 4.0]);
    assert!(!t.format.as_ref().unwrap().has_header);
    assert_eq!(t.notes.len(), 1);
    assert!(t.notes[0].contains("col1"), "{:?}", t.notes);
}

#[test]
fn first_line_with_numbers_and_missing_is_data() {
    let t = ok("1,NA\n3,4\n");
    assert_eq!(t.column_names(), ["col1", "col2"]);
    assert_eq!(num_opt(&t, "col2"), [None, Some(4.0)]);
}

#[test]
fn first_line_with_one_word_is_a_header() {
    let t = ok("1,b\n3,4\n");
    assert_eq!(t.column_names(), ["1", "b"]);
    assert_eq!(t.n_rows, 1);
}

// --- Quotes, line endings, BOM ----------------------------------------------------------------

#[test]
fn quoted_fields() {
    let text_in = "id,text,value\n\
                   1,\"hello, world\",1.5\n\
                   2,\"say \"\"hi\"\"\",2.5\n\
                   3,\"two\nlines\",3.5\n\
                   4,plain,\"4.5\"\n";
    let t = ok(text_in);
    assert_eq!(t.n_rows, 4);
    assert_eq!(num(&t, "id"), [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(num(&t, "value"), [1.5, 2.5, 3.5, 4.5]);
    let (values, first) = text(&t, "text");
    assert_eq!(
        values,
        [
            s("hello, world"),
            s("say \"hi\""),
            s("two\nlines"),
            s("plain")
        ]
    );
    assert_eq!(first, Some((2, "hello, world".to_string())));
}

#[test]
fn quoted_file_line_numbers_count_embedded_newlines() {
    // Line 1 header, lines 2-4 one record (two embedded newlines), line 5 a record, line 6 bad.
    let e = err("a,b\n\"x\ny\nz\",1\nq,2\nr\n");
    assert_eq!(e, "data.csv line 6: expected 2 fields, found 1");
    // first_non_numeric on a line after a multi-line record.
    let t = ok("a,b\n\"1\n2\",1\n3,2\n4,oops\n");
    assert_eq!(text(&t, "b").1, Some((5, "oops".to_string())));
}

#[test]
fn crlf_line_endings() {
    let t = ok("a,b\r\n1,2\r\n3,x\r\n");
    assert_eq!(t.column_names(), ["a", "b"]);
    assert_eq!(num(&t, "a"), [1.0, 3.0]);
    assert_eq!(text(&t, "b").0, [s("2"), s("x")]);
    // Quoted path too.
    let t = ok("a,b\r\n\"1\",2\r\n3,\"x\r\ny\"\r\n");
    assert_eq!(num(&t, "a"), [1.0, 3.0]);
    assert_eq!(text(&t, "b").0, [s("2"), s("x\r\ny")]);
}

#[test]
fn old_mac_line_endings() {
    let t = ok("a,b\r1,2\r3,4\r");
    assert_eq!(num(&t, "b"), [2.0, 4.0]);
    assert_eq!(
        err("a,b\r1,2\r\r3\r"),
        "data.csv line 4: expected 2 fields, found 1"
    );
    let t = ok("a,b\r1,2\r3,x\r");
    assert_eq!(text(&t, "b").1, Some((3, "x".to_string())));
}

#[test]
fn utf8_bom_is_skipped() {
    let t = ok("\u{feff}a,b\n1,2\n");
    assert_eq!(t.column_names(), ["a", "b"]);
    let f = t.format.as_ref().unwrap();
    assert!(f.had_bom);
    assert_eq!(f.bytes, 3 + 8);
    // BOM before a numeric first line: still read as data.
    let t = ok("\u{feff}1,2\n3,4\n");
    assert_eq!(num(&t, "col1"), [1.0, 3.0]);
}

#[test]
fn trailing_newline_or_not_and_blank_lines() {
    for body in [
        "a,b\n1,2\n3,4",
        "a,b\n1,2\n3,4\n",
        "a,b\n1,2\n3,4\n\n\n",
        "a,b\r\n1,2\r\n3,4\r\n\r\n",
        "\n\na,b\n1,2\n\n3,4\n  \n",
        "a,b\n\"1\",2\n3,4\n\n",
    ] {
        let t = ok(body);
        assert_eq!(t.column_names(), ["a", "b"], "{body:?}");
        assert_eq!(num(&t, "a"), [1.0, 3.0], "{body:?}");
        assert_eq!(num(&t, "b"), [2.0, 4.0], "{body:?}");
    }
}

#[test]
fn blank_lines_still_count_for_line_numbers() {
    // Lines: 1 blank, 2 header, 3 row, 4 blank, 5 bad row.
    assert_eq!(
        err("\na,b\n1,2\n\n1,2,3\n"),
        "data.csv line 5: expected 2 fields, found 3"
    );
    assert_eq!(
        err("\na,b\n\"1\",2\n\n1,2,3\n"),
        "data.csv line 5: expected 2 fields, found 3"
    );
}

// --- Types and missing values ---------------------------------------------------------------

#[test]
fn missing_tokens_and_non_finite_are_nan() {
    let t = ok(
        "v,w\n1,a\n,b\nNA,NA\nN/A,c\nNaN,\nnan,d\nnull,e\nNULL,f\nNone,g\n?,h\n  NA  ,i\ninf,inf\n-inf,j\n2,k\n",
    );
    assert_eq!(
        num_opt(&t, "v"),
        [
            Some(1.0),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            Some(2.0)
        ]
    );
    let j = t.column_index("v").unwrap();
    assert_eq!(t.columns[j].data.missing(), 12);
    // In a text column missing tokens are None; `inf` is a number, kept as text.
    let (values, first) = text(&t, "w");
    assert_eq!(values[0], s("a"));
    assert_eq!(values[2], None);
    assert_eq!(values[4], None);
    assert_eq!(values[11], s("inf"));
    assert_eq!(first, Some((2, "a".to_string())));
    assert_eq!(t.columns[t.column_index("w").unwrap()].data.missing(), 2);
}

#[test]
fn all_missing_column_is_dropped_with_a_note() {
    // Every row would be unusable with b as a feature: b is dropped, and the note names it.
    let t = ok("a,b\n1,\n2,NA\n");
    assert_eq!(t.column_names(), ["a"]);
    assert_eq!(num(&t, "a"), [1.0, 2.0]);
    assert_eq!(
        t.notes,
        ["Column 'b' is empty: no cell holds a value, so it was dropped."]
    );
    // Several, named or not, in one note; a column with one value stays.
    let t = ok("a,,c,d,e\n1,,NA,,\n2,,,,x\n");
    assert_eq!(t.column_names(), ["a", "e"]);
    assert_eq!(
        t.notes,
        [
            "3 columns are empty: no cell holds a value, so they were dropped: column 2 (no \
          name), 'c', 'd'."
        ]
    );
    // When every column is empty none is dropped: they stay numeric, all missing.
    let t = ok("a,b\n,\nNA,\n");
    assert_eq!(t.column_names(), ["a", "b"]);
    assert_eq!(num_opt(&t, "b"), [None, None]);
}

#[test]
fn text_column_keeps_cell_text_and_first_non_numeric() {
    // Numbers in a text column keep their text as written ("1.0", not "1").
    let t = ok("id,grade\n1,1.0\n2,NA\n3, B+ \n4,2\n5,C\n");
    let (values, first) = text(&t, "grade");
    assert_eq!(values, [s("1.0"), None, s("B+"), s("2"), s("C")]);
    assert_eq!(first, Some((4, "B+".to_string())));
    assert_eq!(num(&t, "id"), [1.0, 2.0, 3.0, 4.0, 5.0]);
}

// --- Errors ---------------------------------------------------------------------------------

#[test]
fn empty_and_blank_files() {
    assert_eq!(err(""), "data.csv is empty");
    assert_eq!(err("\n\n\r\n  \n"), "data.csv is empty");
    assert_eq!(err("\u{feff}"), "data.csv is empty");
}

#[test]
fn header_only() {
    assert_eq!(err("a,b,c\n"), "data.csv has a header but no data rows");
    assert_eq!(err("a,b,c"), "data.csv has a header but no data rows");
    assert_eq!(err("a,b,c\n\n\n"), "data.csv has a header but no data rows");
    assert_eq!(
        err("\"a\",b,c\r\n"),
        "data.csv has a header but no data rows"
    );
}

#[test]
fn ragged_rows_name_the_line() {
    let body = "a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4\n";
    assert_eq!(err(body), "data.csv line 7: expected 5 fields, found 4");
    let body = "a,b\n1,2\n1,2,3\n";
    assert_eq!(err(body), "data.csv line 3: expected 2 fields, found 3");
    // Quoted path.
    let body = "a,b,c,d,e\n\"1\",2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4\n";
    assert_eq!(err(body), "data.csv line 7: expected 5 fields, found 4");
    // Without a header the first line sets the count.
    assert_eq!(
        err("1,2\n3\n"),
        "data.csv line 2: expected 2 fields, found 1"
    );
}

#[test]
fn non_utf8_names_line_and_column() {
    // 0xE9 is "é" in Latin-1, invalid alone in UTF-8.
    let mut body = b"name,v\nabc,1\n".to_vec();
    body.extend_from_slice(b"caf\xE9,2\n");
    let e = parse_csv(&body, "data.csv", &CsvOptions::default(), &Progress::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("data.csv line 3"), "{e}");
    assert!(e.contains("\"name\""), "{e}");
    assert!(e.contains("UTF-8"), "{e}");

    // In a column that was numeric so far.
    let body = b"name,v\nabc,1\nd,\xE9\n".to_vec();
    let e = parse_csv(&body, "data.csv", &CsvOptions::default(), &Progress::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3, column 2 (\"v\")"), "{e}");

    // In the header.
    let body = b"n\xE9,v\n1,2\n".to_vec();
    let e = parse_csv(&body, "data.csv", &CsvOptions::default(), &Progress::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 1, the header"), "{e}");

    // Quoted path.
    let body = b"name,v\n\"abc\",1\n\n\"caf\xE9\",2\n".to_vec();
    let e = parse_csv(&body, "data.csv", &CsvOptions::default(), &Progress::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("data.csv line 4, column 1 (\"name\")"), "{e}");
    assert!(e.contains("re-save"), "{e}");
}

#[test]
fn missing_file_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    let e = read_csv_file(&missing, &CsvOptions::default(), &Progress::new()).unwrap_err();
    assert!(matches!(e, LoadError::NotFound { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("nope.csv") && msg.contains("no such file"),
        "{msg}"
    );

    let e = read_csv_file(dir.path(), &CsvOptions::default(), &Progress::new()).unwrap_err();
    assert!(matches!(e, LoadError::IsDirectory { .. }), "{e:?}");
    assert!(e.to_string().contains("is a folder"), "{e}");
}

#[test]
fn file_table_is_named_after_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("measurements.tsv");
    std::fs::write(&path, "a,b\tc\n1,2\t3\n").unwrap();
    let t = read_csv_file(&path, &CsvOptions::default(), &Progress::new()).unwrap();
    assert_eq!(t.name, "measurements.tsv");
    assert_eq!(t.column_names(), ["a,b", "c"]);

    // Errors name the file, not the full path.
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "a,b\n1\n").unwrap();
    let e = read_csv_file(&path, &CsvOptions::default(), &Progress::new()).unwrap_err();
    assert_eq!(e.to_string(), "bad.csv line 2: expected 2 fields, found 1");
}

// --- Shapes and names -----------------------------------------------------------------------

#[test]
fn five_thousand_columns() {
    let ncols = 5000;
    let mut body = (0..ncols)
        .map(|j| format!("c{j}"))
        .collect::<Vec<_>>()
        .join(",");
    body.push('\n');
    for i in 0..20 {
        let row: Vec<String> = (0..ncols).map(|j| format!("{}", i * 10_000 + j)).collect();
        body.push_str(&row.join(","));
        body.push('\n');
    }
    let t = ok(&body);
    assert_eq!(t.columns.len(), 5000);
    assert_eq!(t.n_rows, 20);
    assert_eq!(t.columns[4999].name, "c4999");
    // Row i, column j holds i*10000 + j.
    assert_eq!(num(&t, "c4999")[19], 194_999.0);
    assert_eq!(num(&t, "c0")[3], 30_000.0);
    assert!(t.columns.iter().all(|c| c.data.is_numeric()));
}

#[test]
fn duplicate_names_are_renamed_with_a_note() {
    let t = ok("a,a,b,a\n1,2,3,4\n");
    assert_eq!(t.column_names(), ["a", "a.1", "b", "a.2"]);
    assert_eq!(num(&t, "a.2"), [4.0]);
    assert_eq!(t.notes.len(), 1);
    assert!(
        t.notes[0].contains("a.1") && t.notes[0].contains("a.2"),
        "{:?}",
        t.notes
    );
    // A renamed column never takes a name that exists elsewhere in the header.
    let t = ok("a,a,a.1\n1,2,3\n");
    assert_eq!(t.column_names(), ["a", "a.2", "a.1"]);
}

#[test]
fn empty_header_names_are_named_by_position_with_a_note() {
    let t = ok("a,,c, \n1,2,3,4\n");
    assert_eq!(t.column_names(), ["a", "col2", "c", "col4"]);
    assert_eq!(num(&t, "col2"), [2.0]);
    assert_eq!(t.notes.len(), 1);
    assert!(
        t.notes[0].contains("col2") && t.notes[0].contains("col4"),
        "{:?}",
        t.notes
    );
    // Names are trimmed.
    let t = ok(" x , y\n1,2\n");
    assert_eq!(t.column_names(), ["x", "y"]);
}

#[test]
fn one_text_column_with_unquoted_commas() {
    // No delimiter on the header: one column; the least-seen candidate (tab, never seen) is used.
    let t = ok("city\nParis, France\nLima; Peru\nOslo\n");
    assert_eq!(t.column_names(), ["city"]);
    assert_eq!(t.format.as_ref().unwrap().delimiter, '\t');
    assert_eq!(
        text(&t, "city").0,
        [s("Paris, France"), s("Lima; Peru"), s("Oslo")]
    );
}

#[test]
fn single_data_row() {
    let t = ok("a,b\n1,2\n");
    assert_eq!(t.n_rows, 1);
    assert_eq!(num(&t, "b"), [2.0]);
}

#[test]
fn one_column_only() {
    let t = ok("y\n1\n2\nNA\n3\n");
    assert_eq!(t.column_names(), ["y"]);
    assert_eq!(num_opt(&t, "y"), [Some(1.0), Some(2.0), None, Some(3.0)]);
    let t = ok("5\n6\n");
    assert_eq!(t.column_names(), ["col1"]);
    assert_eq!(num(&t, "col1"), [5.0, 6.0]);
}

// --- Large inputs: chunk boundaries, line numbers, progress, cancellation --------------------

/// `rows` numeric rows `i,i*0.5` (lines 2..=rows+1) under a header `a,b`.
fn numeric_body(rows: usize) -> String {
    let mut body = String::from("a,b\n");
    for i in 0..rows {
        body.push_str(&format!("{i},{}\n", i as f64 * 0.5));
    }
    body
}

#[test]
fn many_chunks_keep_order_and_values() {
    let rows = 300_000; // ~4 MB: several chunks
    let t = ok(&numeric_body(rows));
    assert_eq!(t.n_rows, rows);
    let a = num(&t, "a");
    let b = num(&t, "b");
    assert!(a.iter().enumerate().all(|(i, &x)| x == i as f64));
    assert!(b.iter().enumerate().all(|(i, &x)| x == i as f64 * 0.5));
}

#[test]
fn late_error_line_is_exact_across_chunks() {
    let rows = 250_000;
    let mut body = numeric_body(rows);
    // Header is line 1, row i is line i+2: the next line is rows + 2.
    body.push_str("1,2,3\n");
    assert_eq!(
        err(&body),
        format!("data.csv line {}: expected 2 fields, found 3", rows + 2)
    );
    // With blank lines sprinkled in early chunks, counted too.
    let mut body = String::from("a,b\n");
    let mut line = 1;
    for i in 0..rows {
        body.push_str(&format!("{i},{i}\n"));
        line += 1;
        if i % 1000 == 0 {
            body.push('\n');
            line += 1;
        }
    }
    body.push_str("7\n");
    line += 1;
    assert_eq!(
        err(&body),
        format!("data.csv line {line}: expected 2 fields, found 1")
    );
}

#[test]
fn column_turning_text_in_a_late_chunk_keeps_early_texts() {
    let rows = 250_000;
    let mut body = String::from("a,b\n");
    for i in 0..rows {
        body.push_str(&format!("{i},{i}.0\n"));
    }
    body.push_str("-1,late\n");
    let t = ok(&body);
    assert_eq!(t.n_rows, rows + 1);
    let (values, first) = text(&t, "b");
    assert_eq!(values[0], s("0.0"));
    assert_eq!(values[123_456], s("123456.0"));
    assert_eq!(values[rows], s("late"));
    assert_eq!(first, Some((rows + 2, "late".to_string())));
    assert_eq!(num(&t, "a")[rows], -1.0);
}

#[test]
fn non_utf8_in_a_late_chunk() {
    let rows = 250_000;
    let mut body = numeric_body(rows).into_bytes();
    body.extend_from_slice(b"1,\xFF\n");
    let e = parse_csv(&body, "data.csv", &CsvOptions::default(), &Progress::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("data.csv line {}, column 2 (\"b\")", rows + 2)),
        "{e}"
    );
}

#[test]
fn progress_reaches_the_end_and_cancel_stops() {
    let body = numeric_body(100_000);
    let p = Progress::new();
    parse_csv(body.as_bytes(), "d.csv", &CsvOptions::default(), &p).unwrap();
    assert_eq!(p.fraction(), Some(1.0));

    let p = Progress::new();
    p.cancel();
    let e = parse_csv(body.as_bytes(), "d.csv", &CsvOptions::default(), &p).unwrap_err();
    assert!(matches!(e, LoadError::Cancelled), "{e:?}");
    // Quoted path.
    let quoted = body.replacen("a,b", "\"a\",b", 1);
    let e = parse_csv(quoted.as_bytes(), "d.csv", &CsvOptions::default(), &p).unwrap_err();
    assert!(matches!(e, LoadError::Cancelled), "{e:?}");
}

#[test]
fn file_on_disk_loads_like_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"\xEF\xBB\xBFx;y\r\n1;2\r\n3;NA\r\n").unwrap();
    drop(f);
    let t = read_csv_file(&path, &CsvOptions::default(), &Progress::new()).unwrap();
    assert_eq!(t.name, "d.csv");
    assert_eq!(num_opt(&t, "y"), [Some(2.0), None]);
    let fmt = t.format.unwrap();
    assert_eq!((fmt.delimiter, fmt.had_bom, fmt.bytes), (';', true, 19));
}

#[test]
fn large_file_on_disk_is_read_whole() {
    // Over 8 MB: streamed from disk chunk by chunk (the name is older than the streaming).
    let rows = 800_000;
    let body = numeric_body(rows);
    assert!(body.len() > 8 << 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, &body).unwrap();
    let t = read_csv_file(&path, &CsvOptions::default(), &Progress::new()).unwrap();
    assert_eq!(t.n_rows, rows);
    assert_eq!(t.format.as_ref().unwrap().bytes, body.len() as u64);
    let b = num(&t, "b");
    assert!(b.iter().enumerate().all(|(i, &x)| x == i as f64 * 0.5));
}

// --- Files streamed from disk (over the ~1 MB first block) ----------------------------------
// Files larger than the first block are read chunk by chunk straight from the file. These
// tests repeat the chunk-boundary cases of the in-memory tests on such files; the expected
// values come from the formulas that wrote the files.

/// Write `bytes` to `dir/name` and load it.
fn load_file(bytes: &[u8], name: &str, progress: &Progress) -> Result<Table, LoadError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    read_csv_file(&path, &CsvOptions::default(), progress)
}

fn file_ok(bytes: &[u8]) -> Table {
    load_file(bytes, "f.csv", &Progress::new()).unwrap_or_else(|e| panic!("should load: {e}"))
}

fn file_err(bytes: &[u8]) -> String {
    match load_file(bytes, "f.csv", &Progress::new()) {
        Ok(t) => panic!("should fail, got {} rows", t.n_rows),
        Err(e) => e.to_string(),
    }
}

#[test]
fn streamed_file_keeps_order_values_and_format() {
    // BOM, blank lines before the header, `;` and CRLF, no newline at the end: ~3 MB.
    let rows = 150_000;
    let mut body = String::from("\u{feff}\r\n  \r\nx;y;z\r\n");
    for i in 0..rows {
        body.push_str(&format!("{i};{};{}", i as f64 * 0.25, -(i as f64) / 8.0));
        if i + 1 < rows {
            body.push_str("\r\n");
        }
    }
    assert!(body.len() > 2 << 20);
    let p = Progress::new();
    let t = load_file(body.as_bytes(), "f.csv", &p).unwrap();
    assert_eq!(p.fraction(), Some(1.0));
    assert_eq!(t.n_rows, rows);
    assert_eq!(t.column_names(), ["x", "y", "z"]);
    let fmt = t.format.clone().unwrap();
    assert_eq!(
        (fmt.delimiter, fmt.has_header, fmt.had_bom, fmt.bytes),
        (';', true, true, body.len() as u64)
    );
    let (x, y, z) = (num(&t, "x"), num(&t, "y"), num(&t, "z"));
    assert!((0..rows).all(|i| x[i] == i as f64));
    assert!((0..rows).all(|i| y[i] == i as f64 * 0.25));
    assert!((0..rows).all(|i| z[i] == -(i as f64) / 8.0));
}

#[test]
fn streamed_file_without_header_and_with_missing_cells() {
    // Row i (line i+1): `i,<empty or NA every 7th row>`; ~1.5 MB.
    let rows = 150_000;
    let mut body = String::new();
    for i in 0..rows {
        match i % 7 {
            3 => body.push_str(&format!("{i},\n")),
            5 => body.push_str(&format!("{i},NA\n")),
            _ => body.push_str(&format!("{i},{}\n", i * 2)),
        }
    }
    assert!(body.len() > 1 << 20);
    let t = file_ok(body.as_bytes());
    assert!(!t.format.as_ref().unwrap().has_header);
    assert_eq!(t.n_rows, rows);
    let b = num_opt(&t, "col2");
    for (i, v) in b.iter().enumerate() {
        let expected = if matches!(i % 7, 3 | 5) {
            None
        } else {
            Some((i * 2) as f64)
        };
        assert_eq!(*v, expected, "row {i}");
    }
}

#[test]
fn streamed_file_late_errors_name_the_exact_line() {
    // Header on line 1, a blank line after every 1000th row.
    let rows = 200_000;
    let mut body = String::from("a,b\n");
    let mut line = 1;
    for i in 0..rows {
        body.push_str(&format!("{i},{i}\n"));
        line += 1;
        if i % 1000 == 0 {
            body.push_str("  \n");
            line += 1;
        }
    }
    assert!(body.len() > 2 << 20);
    let mut ragged = body.clone();
    ragged.push_str("1,2,3\n9,9\n");
    assert_eq!(
        file_err(ragged.as_bytes()),
        format!("f.csv line {}: expected 2 fields, found 3", line + 1)
    );
    let mut bad = body.clone().into_bytes();
    bad.extend_from_slice(b"5,caf\xE9\n");
    let e = file_err(&bad);
    assert!(
        e.contains(&format!("f.csv line {}, column 2 (\"b\")", line + 1)),
        "{e}"
    );
    // A ragged row early wins over a text cell late.
    let mut early = String::from("a,b\n1\n");
    early.push_str(&body[4..]);
    early.push_str("x,y\n");
    assert_eq!(
        file_err(early.as_bytes()),
        "f.csv line 2: expected 2 fields, found 1"
    );
}

#[test]
fn streamed_file_columns_turning_text_late_keep_every_text() {
    // Column b turns text in the middle, column c at the very end; a stays numeric.
    let rows = 200_000;
    let mut body = String::from("a,b,c\n");
    for i in 0..rows {
        let b = if i == rows / 2 {
            "mid".to_string()
        } else {
            format!("{i}.50")
        };
        let c = if i == rows - 1 {
            "end".to_string()
        } else if i % 10 == 0 {
            "NA".to_string()
        } else {
            format!("{}", i % 3)
        };
        body.push_str(&format!("{i},{b},{c}\n"));
    }
    assert!(body.len() > 2 << 20);
    let t = file_ok(body.as_bytes());
    assert_eq!(t.n_rows, rows);
    assert!((0..rows).all(|i| num(&t, "a")[i] == i as f64));
    let (b, b_first) = text(&t, "b");
    let (c, c_first) = text(&t, "c");
    for i in 0..rows {
        let eb = if i == rows / 2 {
            s("mid")
        } else {
            Some(format!("{i}.50"))
        };
        assert_eq!(b[i], eb, "b row {i}");
        let ec = if i == rows - 1 {
            s("end")
        } else if i % 10 == 0 {
            None
        } else {
            Some(format!("{}", i % 3))
        };
        assert_eq!(c[i], ec, "c row {i}");
    }
    // Row i is on line i + 2.
    assert_eq!(b_first, Some((rows / 2 + 2, "mid".to_string())));
    assert_eq!(c_first, Some((rows + 1, "end".to_string())));
}

#[test]
fn streamed_file_with_a_quote_late_is_read_by_the_quoted_path() {
    let rows = 150_000;
    let mut body = String::from("id,name\n");
    for i in 0..rows {
        body.push_str(&format!("{i},n{i}\n"));
    }
    body.push_str("-1,\"Smith, J\"\n");
    let t = file_ok(body.as_bytes());
    assert_eq!(t.n_rows, rows + 1);
    let (names, first) = text(&t, "name");
    assert_eq!(names[7], s("n7"));
    assert_eq!(names[rows], s("Smith, J"));
    assert_eq!(first, Some((2, "n0".to_string())));
    assert_eq!(num(&t, "id")[rows], -1.0);
}

#[test]
fn streamed_file_with_lines_longer_than_a_chunk() {
    // A text cell on line 3 that makes the line exactly MAX_LINE bytes long (the longest
    // allowed), over several chunks: chunks that start inside it hold no line.
    let long = "w".repeat(MAX_LINE - 2);
    let mut body = String::from("k,v\n1,short\n2,");
    body.push_str(&long);
    body.push('\n');
    for i in 3..20_000 {
        body.push_str(&format!("{i},v{i}\n"));
    }
    let t = file_ok(body.as_bytes());
    assert_eq!(t.n_rows, 19_999);
    let (v, _) = text(&t, "v");
    assert_eq!(v[0], s("short"));
    assert_eq!(v[1].as_deref(), Some(long.as_str()));
    assert_eq!(v[2], s("v3"));
    assert_eq!(v[19_998], s("v19999"));
    assert!((0..19_999).all(|i| num(&t, "k")[i] == (i + 1) as f64));

    // One byte more, and line 3 is refused, streamed or not.
    let body = body.replacen(&long, &format!("{long}w"), 1);
    let e = load_file(body.as_bytes(), "f.csv", &Progress::new()).unwrap_err();
    assert!(matches!(e, LoadError::LineTooLong { line: 3, .. }), "{e:?}");
    let e = parse_csv(
        body.as_bytes(),
        "f.csv",
        &CsvOptions::default(),
        &Progress::new(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "f.csv line 3 is longer than 1 MiB: is this a CSV file?"
    );
}

#[test]
fn streamed_file_cancel_stops() {
    let body = numeric_body(150_000);
    assert!(body.len() > 1 << 20);
    let p = Progress::new();
    p.cancel();
    let e = load_file(body.as_bytes(), "f.csv", &p).unwrap_err();
    assert!(matches!(e, LoadError::Cancelled), "{e:?}");
}

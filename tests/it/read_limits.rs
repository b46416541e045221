//! Reading never takes unbounded memory or time: special files are refused before they are
//! opened, a line longer than `MAX_LINE` stops the read where it is seen (streamed from disk
//! or in memory), a file that grows while it is read is read to the size it had, and an
//! unclosed quote is named. Every read runs under a wall-clock guard (a thread and a channel
//! timeout): a read that hangs fails the test instead of hanging it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use ridgeline::data::Table;
use ridgeline::data::csv::{CsvOptions, LoadError, MAX_LINE, parse_csv, read_csv_file};
use ridgeline::progress::Progress;

/// Generous: a read that finishes does so in well under a second; one that hangs never does.
const GUARD: Duration = Duration::from_secs(60);

/// Run `f` on its own thread; panic if it has not returned within [`GUARD`].
fn guarded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(GUARD) {
        Ok(v) => v,
        Err(_) => panic!("{what}: did not return within {GUARD:?}"),
    }
}

fn read_guarded(path: &Path) -> Result<Table, LoadError> {
    let p: PathBuf = path.to_path_buf();
    guarded(&format!("reading {}", path.display()), move || {
        read_csv_file(&p, &CsvOptions::default(), &Progress::new())
    })
}

fn parse_guarded(bytes: Vec<u8>) -> Result<Table, LoadError> {
    guarded("parsing bytes", move || {
        parse_csv(&bytes, "m.csv", &CsvOptions::default(), &Progress::new())
    })
}

// --- What is not a regular file ----------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_being_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    // Opening a FIFO for reading blocks until a writer comes: none ever does here.
    let e = read_guarded(&fifo).unwrap_err();
    assert!(
        matches!(
            e,
            LoadError::NotRegular {
                kind: "a FIFO (named pipe)",
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{} is a FIFO (named pipe), not a regular file: only files can be read",
            fifo.display()
        )
    );
}

#[cfg(unix)]
#[test]
fn character_devices_are_refused() {
    // /dev/zero never ends; /dev/null is empty: both are devices, not files.
    for dev in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        if !Path::new(dev).exists() {
            continue;
        }
        let e = read_guarded(Path::new(dev)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{dev} is a character device, not a regular file: only files can be read")
        );
    }
}

#[cfg(unix)]
#[test]
fn a_socket_and_a_symlink_to_a_device_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("s.csv");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let e = read_guarded(&sock).unwrap_err();
    assert!(
        matches!(
            e,
            LoadError::NotRegular {
                kind: "a socket",
                ..
            }
        ),
        "{e:?}"
    );
    if Path::new("/dev/zero").exists() {
        let link = dir.path().join("zero.csv");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_guarded(&link).unwrap_err();
        assert!(
            matches!(
                e,
                LoadError::NotRegular {
                    kind: "a character device",
                    ..
                }
            ),
            "{e:?}"
        );
    }
}

// --- Long lines --------------------------------------------------------------------------

/// Write `head`, then `len` bytes of `fill` (no line break), then `tail`, to a file.
fn file_with_run(
    dir: &Path,
    name: &str,
    head: &[u8],
    fill: u8,
    len: usize,
    tail: &[u8],
) -> PathBuf {
    let path = dir.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(head).unwrap();
    let block = vec![fill; 1 << 16];
    let mut left = len;
    while left > 0 {
        let k = left.min(block.len());
        f.write_all(&block[..k]).unwrap();
        left -= k;
    }
    f.write_all(tail).unwrap();
    f.flush().unwrap();
    path
}

fn assert_too_long(e: &LoadError, name: &str, line: usize) {
    assert_eq!(
        e.to_string(),
        format!("{name} line {line} is longer than 1 MiB: is this a CSV file?")
    );
}

#[test]
fn a_50_mb_line_fails_with_the_line_length_message_on_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let fifty = 50_000_000;
    // Streamed from disk: a header and a row, then line 3 of 50 MB of digits.
    let p = file_with_run(dir.path(), "s.csv", b"a,b\n1,2\n", b'7', fifty, b"\n3,4\n");
    assert_too_long(&read_guarded(&p).unwrap_err(), "s.csv", 3);
    // A quote in the first block sends the file to the in-memory path.
    let p = file_with_run(dir.path(), "q.csv", b"\"a\",b\n1,2\n", b'7', fifty, b"\n");
    assert_too_long(&read_guarded(&p).unwrap_err(), "q.csv", 3);
    // The whole file one line, no line break at all: the header itself.
    let p = file_with_run(dir.path(), "one.csv", b"", b'x', fifty, b"");
    assert_too_long(&read_guarded(&p).unwrap_err(), "one.csv", 1);
    // Bytes already in memory.
    let mut bytes = b"a,b\n".to_vec();
    bytes.resize(4 + fifty, b'1');
    assert_too_long(&parse_guarded(bytes).unwrap_err(), "m.csv", 2);
}

/// A file of 8 GB of zero bytes after two short lines (sparse: it takes no disk space). Read
/// whole, it would take 8 GB of memory and many seconds; refused at the line, it takes
/// ~1 MB more than the line allows.
#[test]
fn an_8_gb_line_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    for (name, head) in [
        ("s.csv", &b"a,b\n1,2\n"[..]),
        ("q.csv", &b"\"a\",b\n1,2\n"[..]),
    ] {
        let path = dir.path().join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(head).unwrap();
        if f.set_len(8 << 30).is_err() {
            eprintln!("no sparse files here: skipped");
            return;
        }
        drop(f);
        assert_too_long(&read_guarded(&path).unwrap_err(), name, 3);
    }
}

#[test]
fn a_line_of_exactly_max_line_bytes_is_read() {
    // The limit is on the line's bytes without its line break; the header is 3 bytes.
    let dir = tempfile::tempdir().unwrap();
    for (fill, what) in [(b'5', "digits"), (b'w', "text")] {
        let p = file_with_run(dir.path(), "x.csv", b"v\n", fill, MAX_LINE, b"\n");
        let t = read_guarded(&p).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(t.n_rows, 1);
        let p = file_with_run(dir.path(), "x.csv", b"v\n", fill, MAX_LINE + 1, b"\n");
        assert_too_long(&read_guarded(&p).unwrap_err(), "x.csv", 2);
    }
    // Old Mac files end lines with a lone CR, and their lines are counted by it.
    let mut mac = b"a,b\r1,2\r".to_vec();
    mac.resize(mac.len() + MAX_LINE + 1, b'3');
    assert_too_long(&parse_guarded(mac).unwrap_err(), "m.csv", 3);
}

#[test]
fn a_quoted_record_longer_than_max_line_is_refused() {
    // Every physical line is short, but the quoted cell spans 20,000 of them (~1.2 MB).
    let mut body = b"id,note\n1,\"".to_vec();
    for _ in 0..20_000 {
        body.extend_from_slice(b"sixty bytes of text in a cell that goes on and on and on..\n");
    }
    body.extend_from_slice(b"\"\n2,ok\n");
    let e = parse_guarded(body).unwrap_err();
    assert_eq!(
        e.to_string(),
        "m.csv: the record starting on line 2 is longer than 1 MiB: is this a CSV file?"
    );
}

// --- Unclosed quotes ---------------------------------------------------------------------

#[test]
fn an_unterminated_quote_is_named_with_its_line() {
    // Without the check, the csv reader takes everything after the quote as one cell.
    let cases: [(&str, usize); 5] = [
        ("a,b\n1,2\n3,\"4\n5,6\n7,8\n", 3),
        ("a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n", 3),
        ("\"a,b\n1,2\n", 1),
        // A closed quoted cell with an escaped quote, then an unclosed one on line 4.
        ("a,b\n\"x \"\"y\"\"\",1\n\"ok\",2\n\"z,3\n", 4),
        // Lone-CR line ends: lines are counted by CR.
        ("a,b\r1,2\r\"3,4\r", 3),
    ];
    for (text, line) in cases {
        let e = parse_guarded(text.as_bytes().to_vec()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "m.csv line {line}: a quoted field starts here and is never closed (a closing \" is missing)"
            ),
            "{text:?}"
        );
    }
    // Quotes that are closed, or inside an unquoted cell, are fine.
    for text in ["a,b\n\"1\",\"x\"\"\"\n", "a,b\n5\",2\n", "a,b\n\"x\"y,2\n"] {
        assert!(parse_guarded(text.as_bytes().to_vec()).is_ok(), "{text:?}");
    }
}

// --- Files that change -------------------------------------------------------------------

/// A writer appends rows `i,2i` as fast as it can while the file is read three times: each
/// read ends, and reads whole rows only (every `b` is twice its `a`).
#[test]
fn a_file_that_grows_while_it_is_read_is_read_to_an_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grow.csv");
    let mut start = String::from("a,b\n");
    for i in 0..200_000u64 {
        start.push_str(&format!("{i},{}\n", 2 * i));
    }
    std::fs::write(&path, &start).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (path, stop) = (path.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
            let mut i = 200_000u64;
            while !stop.load(Ordering::Relaxed) {
                // Two writes per row: a reader can see half a row.
                write!(f, "{i},").unwrap();
                writeln!(f, "{}", 2 * i).unwrap();
                i += 1;
            }
            i
        })
    };
    let mut seen = Vec::new();
    for _ in 0..3 {
        let t = read_guarded(&path).unwrap_or_else(|e| panic!("{e}"));
        let col = |k: usize| match &t.columns[k].data {
            ridgeline::data::ColumnData::Numeric(v) => v.clone(),
            other => panic!("not numeric: {other:?}"),
        };
        let (a, b) = (col(0), col(1));
        assert!(t.n_rows >= 200_000);
        for i in 0..t.n_rows {
            assert_eq!(a[i], i as f64, "row {i}");
            assert_eq!(b[i], 2.0 * i as f64, "row {i}");
        }
        seen.push(t.n_rows);
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(seen.iter().all(|&n| n as u64 <= written));
}

// --- Cancellation --------------------------------------------------------------------------

#[test]
fn cancel_stops_the_in_memory_read_of_a_file() {
    // A quote in the first block: the file is read into memory (and parsed by the quoted
    // path). A cancelled progress stops it before the first bytes.
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::from("\"a\",b\n");
    for i in 0..300_000 {
        body.push_str(&format!("{i},{i}\n"));
    }
    let path = dir.path().join("q.csv");
    std::fs::write(&path, body).unwrap();
    let p = Progress::new();
    p.cancel();
    let e = read_csv_file(&path, &CsvOptions::default(), &p).unwrap_err();
    assert!(matches!(e, LoadError::Cancelled), "{e:?}");
}

// --- Random files ----------------------------------------------------------------------------

/// One line of a generated file: short CSV-ish bytes (any byte but `\n`), or a run of one
/// byte (never a line break) whose length is chosen around and beyond the limit.
#[derive(Clone, Debug)]
enum Line {
    Short(Vec<u8>),
    Run(u8, usize),
}

impl Line {
    fn len(&self) -> usize {
        match self {
            Line::Short(b) => b.len(),
            Line::Run(_, n) => *n,
        }
    }
}

fn line() -> impl Strategy<Value = Line> {
    let byte = prop_oneof![
        Just(b','),
        Just(b';'),
        Just(b'\t'),
        Just(b'"'),
        Just(b'\r'),
        Just(b' '),
        Just(b'1'),
        Just(b'.'),
        Just(b'a'),
        any::<u8>().prop_filter("not a line break", |b| *b != b'\n'),
    ];
    let run_len = prop_oneof![
        Just(MAX_LINE - 1),
        Just(MAX_LINE),
        Just(MAX_LINE + 1),
        MAX_LINE / 2..3 * MAX_LINE,
    ];
    let run_byte = prop::sample::select(vec![b'1', b'x', b',', b'"', b' ', 0u8, 0xFF]);
    prop_oneof![
        6 => prop::collection::vec(byte, 0..40).prop_map(Line::Short),
        1 => (run_byte, run_len).prop_map(|(b, n)| Line::Run(b, n)),
    ]
}

/// The file's lines joined by `\n`, after a byte-order mark (not part of line 1) when `bom`;
/// line 1 never holds a `\r` (so lines are counted by `\n` from the start, as in a file with
/// `\n` line ends).
fn render(lines: &[Line], trailing: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        match l {
            Line::Short(b) if i == 0 => {
                out.extend(b.iter().map(|&c| if c == b'\r' { b'r' } else { c }))
            }
            Line::Short(b) => out.extend_from_slice(b),
            Line::Run(c, n) => out.resize(out.len() + n, *c),
        }
    }
    if trailing {
        out.push(b'\n');
    }
    out
}

fn line_of(e: &LoadError) -> Option<usize> {
    match e {
        LoadError::Ragged { line, .. }
        | LoadError::NotUtf8 { line, .. }
        | LoadError::Malformed { line, .. }
        | LoadError::LineTooLong { line, .. }
        | LoadError::RecordTooLong { line, .. }
        | LoadError::UnterminatedQuote { line, .. } => Some(*line),
        _ => None,
    }
}

proptest! {
    // Each case writes a file of up to ~20 MB and reads it twice (~20 ms a case).
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Random lines, some of them runs around and far beyond the limit. The first line over
    /// the limit is known from how the file was made: reading from memory reports exactly it
    /// (lines are checked before anything is parsed); streaming from disk reports it or an
    /// error on an earlier line (it reports errors in file order). Without a long line, the
    /// two read the same table (or both refuse) and neither speaks of line length.
    #[test]
    fn long_lines_are_found_on_every_path(
        lines in prop::collection::vec(line(), 1..8),
        trailing in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let bytes = render(&lines, trailing, bom);
        let first_long = lines.iter().position(|l| l.len() > MAX_LINE).map(|i| i + 1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, &bytes).unwrap();
        let from_file = read_guarded(&path);
        let from_memory = parse_guarded(bytes);
        match first_long {
            Some(long) => {
                let e = from_memory.expect_err("a long line is an error");
                prop_assert!(matches!(e, LoadError::LineTooLong { .. }), "{:?}", e);
                prop_assert_eq!(line_of(&e), Some(long));
                let e = from_file.expect_err("a long line is an error");
                let at = line_of(&e);
                prop_assert!(at.is_some_and(|l| l < long) || matches!(e, LoadError::LineTooLong { line, .. } if line == long), "{:?}", e);
            }
            None => {
                for r in [&from_file, &from_memory] {
                    if let Err(e) = r {
                        prop_assert!(!matches!(e, LoadError::LineTooLong { .. }), "{:?}", e);
                    }
                }
                match (&from_file, &from_memory) {
                    (Ok(a), Ok(b)) => {
                        // Debug text: NaN (a missing cell) equals itself there.
                        prop_assert_eq!(format!("{:?}", a.columns), format!("{:?}", b.columns));
                        prop_assert_eq!(a.n_rows, b.n_rows);
                    }
                    // Both refuse (not always for the same reason: streaming reports the first
                    // error in file order, the quoted path an unclosed quote first).
                    (Err(_), Err(_)) => {}
                    (a, b) => prop_assert!(false, "file {:?} vs memory {:?}", a.as_ref().err(), b.as_ref().err()),
                }
            }
        }
    }
}

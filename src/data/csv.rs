//! CSV / TSV reading: delimiter and header detection, type inference, clear errors.
//!
//! Two paths produce the same [`Table`]:
//! - **Fast path** (the file has no `"` byte): the whole file is in memory, the body is cut
//!   into ~1 MB chunks at newline boundaries and the chunks are parsed in parallel (rayon),
//!   numbers with `fast-float2`. Each chunk counts its own lines, so error lines are exact
//!   once the chunks are put back in order.
//! - **Quoted path** (the file has a `"`): the `csv` crate's reader, sequentially, which handles
//!   quoted fields with delimiters, doubled quotes and newlines inside.
//!
//! Type inference (see [`ColumnData`]): a column starts out numeric. When a chunk meets a cell
//! that is neither a number nor a missing token, the column becomes text; the chunk is parsed
//! again with that column kept as text (the original cell texts are needed, and numbers
//! already parsed cannot give them back). After all chunks, chunks that still hold a column as
//! numbers that another chunk found to be text are parsed once more. Every chunk is parsed at
//! most three times and, for a purely numeric file, once.
//!
//! Blank lines (empty or whitespace only) are skipped wherever they are, as pandas does; their
//! line numbers still count. Header names and text cells are trimmed of surrounding ASCII
//! whitespace.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::data::{Column, ColumnData, CsvFormat, Table};
use crate::progress::Progress;

/// How to read a file; `None` means "detect it".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Field delimiter; `None` sniffs among `,`, `;` and tab.
    pub delimiter: Option<u8>,
    /// Whether the first non-blank line is a header; `None` detects it (it is a header unless
    /// every field of it is a number or a missing token).
    pub has_header: Option<bool>,
}

/// Why a file could not be read. `Display` names the file and, where it applies, the 1-based
/// line and the column.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path} is a folder, not a CSV file")]
    IsDirectory { path: String },
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("{name} is empty")]
    Empty { name: String },
    #[error("{name} has a header but no data rows")]
    NoDataRows { name: String },
    #[error("{name} line {line}: expected {expected} fields, found {found}")]
    Ragged {
        name: String,
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("{name} line {line}, {place}: the text is not valid UTF-8; re-save the file as UTF-8")]
    NotUtf8 {
        name: String,
        line: usize,
        /// `the header` or `column 3 ("price")`.
        place: String,
    },
    #[error(
        "invalid delimiter {delimiter:?}: use a single character other than a quote or a line break"
    )]
    BadDelimiter { delimiter: char },
    #[error("{name} line {line}: {message}")]
    Malformed {
        name: String,
        line: usize,
        message: String,
    },
    #[error("cancelled")]
    Cancelled,
}

/// Read a CSV/TSV file. The table is named after the file name (not the full path).
pub fn read_csv_file(
    path: &Path,
    opts: &CsvOptions,
    progress: &Progress,
) -> Result<Table, LoadError> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(LoadError::IsDirectory { path: shown });
    }
    let bytes = read_bytes(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound {
            path: shown.clone(),
        },
        std::io::ErrorKind::IsADirectory => LoadError::IsDirectory {
            path: shown.clone(),
        },
        _ => LoadError::Io {
            path: shown.clone(),
            message: e.to_string(),
        },
    })?;
    let name = path
        .file_name()
        .map_or_else(|| shown.clone(), |f| f.to_string_lossy().into_owned());
    let parts = parse_parts(&bytes, &name, opts, progress)?;
    // The file's bytes are no longer needed: free them before the columns are assembled, so
    // the peak memory is the file plus one copy of the numbers, not both copies.
    drop(bytes);
    Ok(parts.into_table())
}

/// Read a whole file. Large files are read by all threads at once, each into its own part of
/// the buffer: the copy and the page faults of a fresh buffer are a third of the load time of
/// a 200 MB file when done by one thread.
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        const PART: usize = 4 << 20;
        let file = std::fs::File::open(path)?;
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if (2 * PART..usize::MAX).contains(&len) {
            let mut buf = vec![0u8; len];
            let parallel = buf
                .par_chunks_mut(PART)
                .enumerate()
                .try_for_each(|(i, part)| file.read_exact_at(part, (i * PART) as u64));
            // A file that changed size while being read is read again the plain way.
            let grew = file.metadata().map_or(true, |m| m.len() != len as u64);
            if parallel.is_ok() && !grew {
                return Ok(buf);
            }
        }
    }
    std::fs::read(path)
}

/// Parse CSV/TSV bytes. `name` is the table's name and appears in error messages; a name
/// ending in `.tsv` or `.tab` makes tab the preferred delimiter.
pub fn parse_csv(
    bytes: &[u8],
    name: &str,
    opts: &CsvOptions,
    progress: &Progress,
) -> Result<Table, LoadError> {
    Ok(parse_parts(bytes, name, opts, progress)?.into_table())
}

/// Cells that mean "missing" (after trimming ASCII whitespace). `NaN`/`nan` and friends are
/// also caught by the number parser, which reads them as NaN.
const MISSING_TOKENS: [&[u8]; 9] = [
    b"", b"NA", b"N/A", b"NaN", b"nan", b"null", b"NULL", b"None", b"?",
];

/// Bytes the sniffer looks at.
const SNIFF_BYTES: usize = 1 << 20;
/// Records the sniffer looks at.
const SNIFF_RECORDS: usize = 50;
/// Largest chunk of the fast path, so cancellation is seen at least every ~1 MB.
const MAX_CHUNK: usize = 1 << 20;
const MIN_CHUNK: usize = 64 << 10;

/// What one cell is, for type inference.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cell {
    /// A number (non-finite numbers are already NaN: they count as missing).
    Num(f64),
    Missing,
    Other,
}

fn classify(field: &[u8]) -> Cell {
    let t = field.trim_ascii();
    match fast_float2::parse::<f64, _>(t) {
        Ok(v) if v.is_finite() => Cell::Num(v),
        Ok(_) => Cell::Missing,
        Err(_) if MISSING_TOKENS.contains(&t) => Cell::Missing,
        Err(_) => Cell::Other,
    }
}

fn is_missing_token(t: &[u8]) -> bool {
    MISSING_TOKENS.contains(&t) || matches!(fast_float2::parse::<f64, _>(t), Ok(v) if v.is_nan())
}

// ---------------------------------------------------------------------------------------------
// Column buffers and the row sink shared by both paths.

/// The cells of one column within one chunk.
#[derive(Debug)]
enum ColBuf {
    Num(Vec<f64>),
    Text {
        values: Vec<Option<String>>,
        /// Chunk-local line and text of the first non-numeric cell.
        first: Option<(usize, String)>,
    },
    /// Was numeric, met a non-numeric cell in this pass: the chunk will be parsed again with
    /// this column as text, so its cells are skipped until then.
    Dead,
}

/// A chunk-level failure; lines are chunk-local until [`Parts`] fixes them.
#[derive(Debug)]
enum ChunkErr {
    Ragged {
        line: usize,
        found: usize,
    },
    Utf8 {
        line: usize,
        col: usize,
    },
    Cancelled,
    /// An earlier chunk failed: this one was not parsed.
    Skipped,
}

/// A parsed chunk: its rows and its number of lines.
type ChunkResult = Result<(Sink, usize), ChunkErr>;
/// A parsed chunk of the fast path, with the text columns it was parsed with.
type Parsed = (Sink, usize, Vec<bool>);

/// Receives the rows of one chunk (or of the whole file on the quoted path).
struct Sink {
    cols: Vec<ColBuf>,
    rows: usize,
    any_dead: bool,
}

impl Sink {
    fn new(is_text: &[bool], capacity: usize) -> Self {
        let cols = is_text
            .iter()
            .map(|&t| {
                if t {
                    ColBuf::Text {
                        values: Vec::new(),
                        first: None,
                    }
                } else {
                    ColBuf::Num(Vec::with_capacity(capacity))
                }
            })
            .collect();
        Sink {
            cols,
            rows: 0,
            any_dead: false,
        }
    }

    /// Store cell `j` of a row on (chunk-local) line `line`. `j` must be < the column count.
    #[inline]
    fn push(&mut self, j: usize, field: &[u8], line: usize) -> Result<(), ChunkErr> {
        match &mut self.cols[j] {
            ColBuf::Num(v) => match classify(field) {
                Cell::Num(x) => v.push(x),
                Cell::Missing => v.push(f64::NAN),
                Cell::Other => {
                    self.cols[j] = ColBuf::Dead;
                    self.any_dead = true;
                }
            },
            ColBuf::Text { values, first } => {
                let t = field.trim_ascii();
                if is_missing_token(t) {
                    values.push(None);
                } else {
                    let s = std::str::from_utf8(t).map_err(|_| ChunkErr::Utf8 { line, col: j })?;
                    if first.is_none() && classify(t) == Cell::Other {
                        *first = Some((line, s.to_string()));
                    }
                    values.push(Some(s.to_string()));
                }
            }
            ColBuf::Dead => {}
        }
        Ok(())
    }

    /// Columns that turned to text in this pass.
    fn dead_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.cols
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, ColBuf::Dead))
            .map(|(j, _)| j)
    }
}

// ---------------------------------------------------------------------------------------------
// Detection.

/// Sniff the delimiter among `,`, `;` and tab: the one whose count per record (outside quotes)
/// is the same, and not zero, on the first records. Ties go to the larger count, then to
/// `,`, tab, `;` in that order (tab first when `prefer_tab`).
fn sniff_delimiter(bytes: &[u8], prefer_tab: bool) -> u8 {
    let candidates: [u8; 3] = if prefer_tab {
        [b'\t', b',', b';']
    } else {
        [b',', b'\t', b';']
    };
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let truncated = sample.len() < bytes.len();

    // Counts per record of each candidate, outside quotes.
    let mut records: Vec<[usize; 3]> = Vec::new();
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut blank = true;
    let mut complete_end = true;
    for &b in sample {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                blank = false;
            }
            b'\n' if !in_quotes => {
                if !blank {
                    records.push(counts);
                    if records.len() >= SNIFF_RECORDS {
                        break;
                    }
                }
                counts = [0; 3];
                blank = true;
                complete_end = true;
                continue;
            }
            _ if in_quotes => {}
            _ => {
                if let Some(k) = candidates.iter().position(|&c| c == b) {
                    counts[k] += 1;
                }
                if !b.is_ascii_whitespace() {
                    blank = false;
                }
            }
        }
        complete_end = false;
    }
    // The last record counts when the file ended there (not when the sample cut it), or when
    // it is the only one.
    if !blank
        && !complete_end
        && records.len() < SNIFF_RECORDS
        && (!truncated || records.is_empty())
    {
        records.push(counts);
    }
    if records.is_empty() {
        return candidates[0];
    }

    // Consistent candidates: same non-zero count on every record.
    let mut best: Option<(usize, usize)> = None; // (candidate index, count)
    for k in 0..3 {
        let c = records[0][k];
        if c > 0 && records.iter().all(|r| r[k] == c) && best.is_none_or(|(_, bc)| c > bc) {
            best = Some((k, c));
        }
    }
    if let Some((k, _)) = best {
        return candidates[k];
    }
    // No candidate on the first record: a single column. Take the candidate seen least (best
    // not at all), so that the cells are not cut.
    if records[0].iter().all(|&c| c == 0) {
        let total = |k: usize| records.iter().map(|r| r[k]).sum::<usize>();
        let k = (0..3).min_by_key(|&k| (total(k), k)).unwrap_or(0);
        return candidates[k];
    }
    // None is consistent: take the one whose first-record count (non-zero) is repeated on the
    // most records, so that a ragged row is reported with the right delimiter.
    let mut best: Option<(usize, usize)> = None; // (candidate index, agreeing records)
    for k in 0..3 {
        let c = records[0][k];
        if c == 0 {
            continue;
        }
        let agree = records.iter().filter(|r| r[k] == c).count();
        if best.is_none_or(|(_, ba)| agree > ba) {
            best = Some((k, agree));
        }
    }
    best.map_or(candidates[0], |(k, _)| candidates[k])
}

/// A row is data (not a header) when every field is a number or a missing token and at least
/// one is a number.
fn looks_like_data(fields: &[&[u8]]) -> bool {
    let mut any_number = false;
    for f in fields {
        match classify(f) {
            Cell::Num(_) => any_number = true,
            Cell::Missing => {
                // `inf` parses but is stored as missing: it still counts as a number here.
                if fast_float2::parse::<f64, _>(f.trim_ascii()).is_ok_and(|v| v.is_infinite()) {
                    any_number = true;
                }
            }
            Cell::Other => return false,
        }
    }
    any_number
}

/// The column names: trimmed, empty ones named `colN`, duplicates renamed `a.1`, `a.2`, …
fn column_names(
    fields: &[&[u8]],
    has_header: bool,
    header_line: usize,
    name: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<String>, LoadError> {
    if !has_header {
        return Ok((1..=fields.len()).map(|j| format!("col{j}")).collect());
    }
    let mut raw = Vec::with_capacity(fields.len());
    let mut unnamed = Vec::new();
    for (j, f) in fields.iter().enumerate() {
        let s = std::str::from_utf8(f.trim_ascii()).map_err(|_| LoadError::NotUtf8 {
            name: name.to_string(),
            line: header_line,
            place: "the header".to_string(),
        })?;
        if s.is_empty() {
            unnamed.push(j + 1);
            raw.push(format!("col{}", j + 1));
        } else {
            raw.push(s.to_string());
        }
    }
    if !unnamed.is_empty() {
        let list: Vec<String> = unnamed.iter().map(|j| format!("col{j}")).collect();
        notes.push(if unnamed.len() == 1 {
            format!(
                "Column {} has no name in the header; it is called {}.",
                unnamed[0], list[0]
            )
        } else {
            format!(
                "{} columns have no name in the header; they are called {}.",
                unnamed.len(),
                abbreviated(&list)
            )
        });
    }

    let mut taken: std::collections::HashSet<String> = raw.iter().cloned().collect();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut names = Vec::with_capacity(raw.len());
    // (original, renamed) for the note, in order of appearance.
    let mut renamed: Vec<(String, String)> = Vec::new();
    for r in &raw {
        if seen.insert(r.as_str()) {
            names.push(r.clone());
            continue;
        }
        let mut k = 1;
        let new = loop {
            let candidate = format!("{r}.{k}");
            if !taken.contains(&candidate) {
                break candidate;
            }
            k += 1;
        };
        taken.insert(new.clone());
        renamed.push((r.clone(), new.clone()));
        names.push(new);
    }
    if !renamed.is_empty() {
        let list: Vec<String> = renamed
            .iter()
            .map(|(o, n)| format!("\"{o}\" → {n}"))
            .collect();
        notes.push(format!(
            "Duplicate column names were renamed: {}.",
            abbreviated(&list)
        ));
    }
    Ok(names)
}

/// `a, b, c` or `a, b, c, … (12 more)` for long lists.
fn abbreviated(items: &[String]) -> String {
    const SHOWN: usize = 8;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!(
            "{}, … ({} more)",
            items[..SHOWN].join(", "),
            items.len() - SHOWN
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/// The parsed pieces, before the columns are assembled.
struct Parts {
    name: String,
    names: Vec<String>,
    /// Chunks in file order, each with the 1-based file line of its first line.
    chunks: Vec<(usize, Sink)>,
    n_rows: usize,
    format: CsvFormat,
    notes: Vec<String>,
}

/// Validate the options and detect the format; then parse on the fast or the quoted path.
fn parse_parts(
    bytes: &[u8],
    name: &str,
    opts: &CsvOptions,
    progress: &Progress,
) -> Result<Parts, LoadError> {
    progress.set_total(bytes.len() as u64);
    if let Some(d) = opts.delimiter
        && matches!(d, b'"' | b'\n' | b'\r')
    {
        return Err(LoadError::BadDelimiter {
            delimiter: d as char,
        });
    }
    let (body, had_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            name: name.to_string(),
        });
    }
    let lower = name.to_ascii_lowercase();
    let prefer_tab = lower.ends_with(".tsv") || lower.ends_with(".tab");
    let delimiter = opts
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(body, prefer_tab));
    let mut format = CsvFormat {
        delimiter: delimiter as char,
        has_header: true,
        had_bom,
        bytes: bytes.len() as u64,
    };

    // Old Mac files end lines with a lone `\r`: only the csv crate reads those.
    let quoted = memchr::memchr(b'"', body).is_some()
        || (memchr::memchr(b'\n', body).is_none() && memchr::memchr(b'\r', body).is_some());
    let mut parts = if quoted {
        parse_quoted(body, name, delimiter, opts.has_header, progress)?
    } else {
        parse_fast(body, name, delimiter, opts.has_header, progress)?
    };
    if parts.n_rows == 0 {
        // Only possible with a header: without one the first row is data.
        return Err(LoadError::NoDataRows {
            name: name.to_string(),
        });
    }
    format.has_header = parts.format.has_header;
    parts.format = format;
    progress.set(bytes.len() as u64);
    Ok(parts)
}

/// The header decision and the names, shared by both paths.
struct Header {
    names: Vec<String>,
    has_header: bool,
    notes: Vec<String>,
}

fn read_header(
    fields: &[&[u8]],
    line: usize,
    name: &str,
    has_header: Option<bool>,
) -> Result<Header, LoadError> {
    let mut notes = Vec::new();
    let has_header = match has_header {
        Some(h) => h,
        None => {
            let data = looks_like_data(fields);
            if data {
                notes.push(format!(
                    "The first line holds only numbers, so it was read as data, not as a \
                     header; the columns are named col1…col{}.",
                    fields.len()
                ));
            }
            !data
        }
    };
    let names = column_names(fields, has_header, line, name, &mut notes)?;
    Ok(Header {
        names,
        has_header,
        notes,
    })
}

fn chunk_error(e: ChunkErr, line_base: usize, name: &str, names: &[String]) -> LoadError {
    let name = name.to_string();
    match e {
        ChunkErr::Ragged { line, found } => LoadError::Ragged {
            name,
            line: line_base + line,
            expected: names.len(),
            found,
        },
        ChunkErr::Utf8 { line, col } => LoadError::NotUtf8 {
            name,
            line: line_base + line,
            place: format!("column {} (\"{}\")", col + 1, names[col]),
        },
        ChunkErr::Cancelled | ChunkErr::Skipped => LoadError::Cancelled,
    }
}

/// The fast path: no quote anywhere in the file.
fn parse_fast(
    body: &[u8],
    name: &str,
    delimiter: u8,
    has_header: Option<bool>,
    progress: &Progress,
) -> Result<Parts, LoadError> {
    // The first non-blank line (there is one: the file is not blank).
    let mut start = 0;
    let mut line = 1;
    let (first_end, next) = loop {
        let end = memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |i| start + i);
        if !body[start..end].trim_ascii().is_empty() {
            break (end, (end + 1).min(body.len()));
        }
        start = end + 1;
        line += 1;
    };
    let first = strip_cr(&body[start..first_end]);
    let fields: Vec<&[u8]> = first.split(|&b| b == delimiter).collect();
    let header = read_header(&fields, line, name, has_header)?;
    let (data, data_line) = if header.has_header {
        (&body[next..], line + 1)
    } else {
        (&body[start..], line)
    };
    progress.add((body.len() - data.len()) as u64);

    let ncols = header.names.len();
    let threads = rayon::current_num_threads().max(1);
    let target = (data.len() / (4 * threads)).clamp(MIN_CHUNK, MAX_CHUNK);
    let pieces = split_at_newlines(data, target);

    // Columns known to be text, shared between chunks so later chunks start right.
    let known_text: Vec<AtomicBool> = (0..ncols).map(|_| AtomicBool::new(false)).collect();
    let first_failed = AtomicUsize::new(usize::MAX);
    let snapshot =
        |kt: &[AtomicBool]| -> Vec<bool> { kt.iter().map(|b| b.load(Ordering::Relaxed)).collect() };

    let results: Vec<Result<Parsed, ChunkErr>> = pieces
        .par_iter()
        .enumerate()
        .map(|(i, piece)| {
            if progress.is_cancelled() {
                return Err(ChunkErr::Cancelled);
            }
            if first_failed.load(Ordering::Relaxed) < i {
                return Err(ChunkErr::Skipped);
            }
            let mut is_text = snapshot(&known_text);
            let res = (|| {
                let (mut sink, mut lines) = parse_chunk(piece, delimiter, &is_text)?;
                if sink.any_dead {
                    for j in sink.dead_columns() {
                        is_text[j] = true;
                        known_text[j].store(true, Ordering::Relaxed);
                    }
                    (sink, lines) = parse_chunk(piece, delimiter, &is_text)?;
                    debug_assert!(!sink.any_dead);
                }
                Ok((sink, lines, is_text))
            })();
            if res.is_err() {
                first_failed.fetch_min(i, Ordering::Relaxed);
            }
            progress.add(piece.len() as u64);
            res
        })
        .collect();
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled);
    }

    // Put the chunks in order, giving each its first line.
    let mut chunks = Vec::with_capacity(results.len());
    let mut to_redo = Vec::new();
    let mut line_base = data_line;
    let final_text = snapshot(&known_text);
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok((sink, lines, is_text)) => {
                if is_text != final_text {
                    to_redo.push(i);
                }
                chunks.push((line_base, sink));
                line_base += lines;
            }
            Err(e) => return Err(chunk_error(e, line_base, name, &header.names)),
        }
    }
    // Chunks parsed before another chunk found a column to be text: parse them again.
    // (This cannot fail: their new text columns held only numbers and missing tokens.)
    let redone: Vec<(usize, ChunkResult)> = to_redo
        .par_iter()
        .map(|&i| (i, parse_chunk(pieces[i], delimiter, &final_text)))
        .collect();
    for (i, res) in redone {
        match res {
            Ok((sink, _)) => chunks[i].1 = sink,
            Err(e) => return Err(chunk_error(e, chunks[i].0, name, &header.names)),
        }
    }

    let n_rows = chunks.iter().map(|(_, s)| s.rows).sum();
    Ok(Parts {
        name: name.to_string(),
        names: header.names,
        chunks,
        n_rows,
        format: CsvFormat {
            delimiter: delimiter as char,
            has_header: header.has_header,
            had_bom: false,
            bytes: 0,
        },
        notes: header.notes,
    })
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Cut `data` into pieces of about `target` bytes, each ending just after a `\n` (the last
/// one at the end of the data).
fn split_at_newlines(data: &[u8], target: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(data.len() / target.max(1) + 1);
    let mut start = 0;
    while start < data.len() {
        let mut end = (start + target).min(data.len());
        if end < data.len() {
            end = memchr::memchr(b'\n', &data[end - 1..]).map_or(data.len(), |i| end + i);
        }
        pieces.push(&data[start..end]);
        start = end;
    }
    pieces
}

/// Parse one chunk of unquoted lines. Returns the rows and the number of `\n` in the chunk.
/// Lines in errors and in the sink are chunk-local, starting at 0.
///
/// Numeric cells take a shortcut: the number is parsed straight from the cursor and the byte
/// after it must end the field; anything else (spaces, missing tokens, text) takes the general
/// route, which finds the field's end first.
fn parse_chunk(chunk: &[u8], delimiter: u8, is_text: &[bool]) -> ChunkResult {
    let ncols = is_text.len();
    // A guess of the row count from the first line's length, for the numeric columns.
    let first_len = memchr::memchr(b'\n', chunk).map_or(chunk.len(), |i| i + 1);
    let mut sink = Sink::new(is_text, chunk.len() / first_len.max(1) * 9 / 8 + 1);
    // A delimiter that can be part of a number (a user's choice) rules the shortcut out.
    let shortcut = !(delimiter.is_ascii_alphanumeric() || matches!(delimiter, b'+' | b'-' | b'.'));
    let n = chunk.len();
    let mut line = 0usize;
    let mut j = 0usize; // field index within the current row
    let mut pos = 0usize; // start of the current field
    // A field starts at `pos`; after a delimiter at the very end one more (empty) field does.
    while pos < n || j > 0 {
        let mut end = None;
        if shortcut
            && j < ncols
            && let ColBuf::Num(v) = &mut sink.cols[j]
            && let Ok((x, k)) = fast_float2::parse_partial::<f64, _>(&chunk[pos..])
        {
            let e = pos + k;
            end = match chunk.get(e) {
                None => Some(e),
                Some(&b) if b == delimiter || b == b'\n' => Some(e),
                Some(b'\r') if matches!(chunk.get(e + 1), None | Some(b'\n')) => Some(e + 1),
                _ => None,
            };
            if end.is_some() {
                v.push(if x.is_finite() { x } else { f64::NAN });
            }
        }
        let end = match end {
            Some(e) => e,
            None => {
                let e = memchr::memchr2(delimiter, b'\n', &chunk[pos..]).map_or(n, |i| pos + i);
                let mut field = &chunk[pos..e];
                if e == n || chunk[e] == b'\n' {
                    field = strip_cr(field);
                    if j == 0 && field.trim_ascii().is_empty() {
                        // A blank line.
                        line += 1;
                        pos = e + 1;
                        continue;
                    }
                }
                if j < ncols {
                    sink.push(j, field, line)?;
                }
                e
            }
        };
        j += 1;
        pos = end + 1;
        if end == n || chunk[end] == b'\n' {
            if j != ncols {
                return Err(ChunkErr::Ragged { line, found: j });
            }
            sink.rows += 1;
            j = 0;
            line += 1;
        }
    }
    Ok((sink, line))
}

/// The quoted path: the csv crate's reader over the whole file, in one pass (two when a column
/// turns out to be text after it was read as numbers).
fn parse_quoted(
    body: &[u8],
    name: &str,
    delimiter: u8,
    has_header: Option<bool>,
    progress: &Progress,
) -> Result<Parts, LoadError> {
    let reader = || {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(body)
    };
    let malformed = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line() as usize);
        LoadError::Malformed {
            name: name.to_string(),
            line,
            message: e.to_string(),
        }
    };
    let is_blank = |r: &csv::ByteRecord| r.len() == 1 && r[0].trim_ascii().is_empty();

    // The header (or first data row): the first non-blank record.
    let mut rdr = reader();
    let mut rec = csv::ByteRecord::new();
    loop {
        if !rdr.read_byte_record(&mut rec).map_err(malformed)? {
            return Err(LoadError::Empty {
                name: name.to_string(),
            });
        }
        if !is_blank(&rec) {
            break;
        }
    }
    let first_line = rec
        .position()
        .map_or(1, |p| LineCounter::new(body).record_line(p));
    let fields: Vec<&[u8]> = rec.iter().collect();
    let header = read_header(&fields, first_line, name, has_header)?;
    let ncols = header.names.len();
    let skip_records = rec.position().map_or(0, |p| p.record()) + u64::from(header.has_header);

    let mut is_text = vec![false; ncols];
    let sink = loop {
        let mut rdr = reader();
        let mut sink = Sink::new(&is_text, 0);
        let mut next_check = 0;
        let mut lines = LineCounter::new(body);
        while rdr.read_byte_record(&mut rec).map_err(malformed)? {
            let pos = rec.position().cloned().unwrap_or_else(csv::Position::new);
            if pos.record() < skip_records || is_blank(&rec) {
                continue;
            }
            if pos.byte() >= next_check {
                progress.set(pos.byte());
                if progress.is_cancelled() {
                    return Err(LoadError::Cancelled);
                }
                next_check = pos.byte() + MAX_CHUNK as u64;
            }
            let line = lines.record_line(&pos);
            let res = if rec.len() == ncols {
                rec.iter()
                    .enumerate()
                    .try_for_each(|(j, f)| sink.push(j, f, line))
            } else {
                Err(ChunkErr::Ragged {
                    line,
                    found: rec.len(),
                })
            };
            res.map_err(|e| chunk_error(e, 0, name, &header.names))?;
            sink.rows += 1;
        }
        if !sink.any_dead {
            break sink;
        }
        for j in sink.dead_columns() {
            is_text[j] = true;
        }
    };
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled);
    }
    Ok(Parts {
        name: name.to_string(),
        names: header.names,
        n_rows: sink.rows,
        chunks: vec![(0, sink)],
        format: CsvFormat {
            delimiter: delimiter as char,
            has_header: header.has_header,
            had_bom: false,
            bytes: 0,
        },
        notes: header.notes,
    })
}

/// Finds the 1-based line where each record of the csv crate's reader starts, for records
/// met in file order. The reader's own position is where it began to read, before the empty
/// lines it skips, and it counts only `\n`: files whose lines end with a lone `\r` count `\r`.
struct LineCounter<'a> {
    body: &'a [u8],
    terminator: u8,
    byte: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(body: &'a [u8]) -> Self {
        let terminator = if memchr::memchr(b'\n', body).is_none() {
            b'\r'
        } else {
            b'\n'
        };
        LineCounter {
            body,
            terminator,
            byte: 0,
            line: 1,
        }
    }

    fn record_line(&mut self, pos: &csv::Position) -> usize {
        // Step over the empty lines the reader skipped.
        let mut start = (pos.byte() as usize).clamp(self.byte, self.body.len());
        while start < self.body.len() && matches!(self.body[start], b'\n' | b'\r') {
            start += 1;
        }
        self.line += memchr::memchr_iter(self.terminator, &self.body[self.byte..start]).count();
        self.byte = start;
        self.line
    }
}

// ---------------------------------------------------------------------------------------------
// Assembly.

impl Parts {
    fn into_table(self) -> Table {
        let Parts {
            name,
            names,
            chunks,
            n_rows,
            format,
            notes,
        } = self;
        // Transpose: per column, its buffers in chunk order with each chunk's first line.
        let ncols = names.len();
        let mut per_col: Vec<Vec<(usize, ColBuf)>> = (0..ncols)
            .map(|_| Vec::with_capacity(chunks.len()))
            .collect();
        for (base, sink) in chunks {
            for (j, buf) in sink.cols.into_iter().enumerate() {
                per_col[j].push((base, buf));
            }
        }
        let columns = names
            .into_par_iter()
            .zip(per_col.into_par_iter())
            .map(|(name, bufs)| Column {
                name,
                data: concat(bufs, n_rows),
            })
            .collect();
        Table {
            name,
            columns,
            n_rows,
            format: Some(format),
            notes,
        }
    }
}

fn concat(bufs: Vec<(usize, ColBuf)>, n_rows: usize) -> ColumnData {
    let numeric = bufs.iter().all(|(_, b)| matches!(b, ColBuf::Num(_)));
    if numeric {
        let mut out = Vec::with_capacity(n_rows);
        for (_, b) in bufs {
            if let ColBuf::Num(v) = b {
                if out.is_empty() {
                    out = v;
                    out.reserve(n_rows - out.len());
                } else {
                    out.extend_from_slice(&v);
                }
            }
        }
        ColumnData::Numeric(out)
    } else {
        let mut values = Vec::with_capacity(n_rows);
        let mut first_non_numeric = None;
        for (base, b) in bufs {
            if let ColBuf::Text { values: v, first } = b {
                if first_non_numeric.is_none() {
                    first_non_numeric = first.map(|(line, s)| (base + line, s));
                }
                values.extend(v);
            }
        }
        ColumnData::Text {
            values,
            first_non_numeric,
        }
    }
}

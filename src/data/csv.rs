//! CSV / TSV reading: delimiter and header detection, type inference, clear errors.
//!
//! Two paths produce the same [`Table`]:
//! - **Fast path** (the file has no `"` byte): the body is cut into chunks of at most ~1 MB at
//!   newline boundaries and the chunks are parsed in parallel (rayon), numbers with
//!   `fast-float2`. Each chunk counts its own lines; finished chunks are appended to the
//!   table's columns strictly in file order, so error lines are exact and the columns are
//!   built in place (no per-chunk copy to assemble afterwards).
//!   A file is not read into memory first: each worker reads its chunk with a positioned read
//!   into a buffer it reuses (see [`read_csv_file`]). Only the first block (the header and the
//!   sniffer's sample) is read ahead.
//! - **Quoted path** (the file has a `"`): the `csv` crate's reader, sequentially, over the
//!   whole file in memory, which handles quoted fields with delimiters, doubled quotes and
//!   newlines inside.
//!
//! Type inference (see [`ColumnData`]): a column starts out numeric. When a chunk meets a cell
//! that is neither a number nor a missing token, the column becomes text; the chunk is parsed
//! again with that column kept as text (the original cell texts are needed, and numbers
//! already parsed cannot give them back). After all chunks, chunks that still hold a column as
//! numbers that another chunk found to be text are parsed once more (read again from the file
//! when streaming). Every chunk is parsed at most three times and, for a purely numeric file,
//! once.
//!
//! Blank lines (empty or whitespace only) are skipped wherever they are, as pandas does; their
//! line numbers still count. Header names and text cells are trimmed of surrounding ASCII
//! whitespace.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
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
    /// A device, a FIFO (named pipe) or a socket: reading it could block or never end.
    #[error("{path} is {kind}, not a regular file: only files can be read")]
    NotRegular { path: String, kind: &'static str },
    /// A line longer than [`MAX_LINE`] bytes.
    #[error("{name} line {line} is longer than 1 MiB: is this a CSV file?")]
    LineTooLong { name: String, line: usize },
    /// A record (a quoted field can span lines) longer than [`MAX_LINE`] bytes.
    #[error("{name}: the record starting on line {line} is longer than 1 MiB: is this a CSV file?")]
    RecordTooLong { name: String, line: usize },
    /// A quoted field whose closing quote never comes: everything after it would be one cell.
    #[error(
        "{name} line {line}: a quoted field starts here and is never closed (a closing \" is missing)"
    )]
    UnterminatedQuote { name: String, line: usize },
    /// The file is too large to be read into memory.
    #[error("{path} is too large to read into memory ({bytes} bytes)")]
    TooLarge { path: String, bytes: u64 },
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
///
/// A file larger than its first block (~1 MB) with no quote in that block is streamed: the
/// workers read their chunks straight from the file into reused buffers (no buffer the size of
/// the file, whose page faults and release cost a quarter of the load time of a 200 MB file).
/// The file is not memory-mapped: a mapped file truncated by another program would crash the
/// app. When streaming cannot go on (a quote further on, the file changing size while being
/// read), the whole file is read into memory and parsed the ordinary way.
///
/// Reading is bounded whatever the path holds: only regular files are opened (a FIFO would
/// block the open, a device such as `/dev/zero` never ends); no more than the size the file had
/// when it was opened is read (a file that grows meanwhile cannot keep the reading going); and
/// a line longer than [`MAX_LINE`] stops the reading as soon as it is seen.
pub fn read_csv_file(
    path: &Path,
    opts: &CsvOptions,
    progress: &Progress,
) -> Result<Table, LoadError> {
    let shown = path.display().to_string();
    let io_error = |e: std::io::Error| match e.kind() {
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
    };
    // What the path is, before it is opened: opening a FIFO blocks until a writer comes.
    let kind = std::fs::metadata(path).map_err(io_error)?.file_type();
    if kind.is_dir() {
        return Err(LoadError::IsDirectory { path: shown });
    }
    if !kind.is_file() {
        return Err(LoadError::NotRegular {
            kind: special_file_kind(&kind),
            path: shown,
        });
    }
    let file = std::fs::File::open(path).map_err(io_error)?;
    // The path may have been replaced between the two looks: ask the open file itself.
    let meta = file.metadata().map_err(io_error)?;
    if !meta.is_file() {
        return Err(LoadError::NotRegular {
            kind: special_file_kind(&meta.file_type()),
            path: shown,
        });
    }
    let len = meta.len();
    let name = path
        .file_name()
        .map_or_else(|| shown.clone(), |f| f.to_string_lossy().into_owned());
    match stream_file(&file, len, &name, opts, progress) {
        Ok(Some(parts)) => return Ok(parts.into_table()),
        Ok(None) => {}
        Err(Failure::Load(e)) => return Err(e),
        Err(Failure::Io(e)) => return Err(io_error(e)),
        Err(Failure::Fallback) => progress.set(0),
    }
    let (bytes, changed) = match read_bytes(&file, len, &name, progress) {
        Ok(read) => read,
        Err(Failure::Load(e)) => return Err(e),
        Err(Failure::Io(e)) if e.kind() == std::io::ErrorKind::OutOfMemory => {
            return Err(LoadError::TooLarge {
                path: shown,
                bytes: len,
            });
        }
        Err(Failure::Io(e)) => return Err(io_error(e)),
        Err(Failure::Fallback) => unreachable!("read_bytes does not fall back"),
    };
    // A file being written may end in the middle of a line: keep the whole lines.
    let kept = match changed {
        Some(_) => memchr::memrchr(b'\n', &bytes).map_or(bytes.len(), |i| i + 1),
        None => bytes.len(),
    };
    let mut parts = parse_parts(&bytes[..kept], &name, opts, progress)?;
    if let Some(now) = changed {
        parts.notes.push(format!(
            "{name} changed size while it was being read (from {len} to {now} bytes): its \
             first {kept} bytes were read."
        ));
    }
    Ok(parts.into_table())
}

/// What a path that is neither a file nor a folder is, for the message.
fn special_file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = kind;
    "a special file"
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Longest line (and quoted record) read, in bytes. Longer ones are refused as soon as they
/// are seen: a file that is one 50 MB line is not a table, and reading it would hold it all.
pub const MAX_LINE: usize = 1 << 20;

/// Finds the first line longer than [`MAX_LINE`] in bytes fed in order. Lines end at `\n`;
/// until a `\n` is seen (old Mac files have none) they also end at `\r`, and are counted so.
#[derive(Debug, Default)]
struct LineCheck {
    /// Where the current line starts, counting `\n` only / `\r` too.
    start_lf: usize,
    start_cr: usize,
    /// Line breaks seen.
    lf: usize,
    cr: usize,
}

impl LineCheck {
    /// Feed `bytes`, which sit at `offset` in the whole (offsets continue from the last call).
    /// `Err(line)`: the 1-based line that is too long.
    fn feed(&mut self, bytes: &[u8], offset: usize) -> Result<(), usize> {
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let at = offset + i;
            if bytes[i] == b'\n' {
                if at - self.start_lf > MAX_LINE {
                    return Err(self.lf + 1);
                }
                self.lf += 1;
                self.start_lf = at + 1;
            } else if self.lf == 0 {
                if at - self.start_cr > MAX_LINE {
                    return Err(self.cr + 1);
                }
                self.cr += 1;
                self.start_cr = at + 1;
            }
        }
        // The current line has not ended yet, but it is already too long.
        let end = offset + bytes.len();
        if self.lf > 0 && end - self.start_lf > MAX_LINE {
            return Err(self.lf + 1);
        }
        if self.lf == 0 && end - self.start_cr > MAX_LINE {
            return Err(self.cr + 1);
        }
        Ok(())
    }
}

/// `Err(LineTooLong)` when a line of `bytes` is longer than [`MAX_LINE`].
fn check_line_lengths(bytes: &[u8], name: &str) -> Result<(), LoadError> {
    LineCheck::default()
        .feed(bytes.strip_prefix(BOM).unwrap_or(bytes), 0)
        .map_err(|line| LoadError::LineTooLong {
            name: name.to_string(),
            line,
        })
}

/// Why the fast path stopped early.
#[derive(Debug)]
enum Failure {
    /// A real error, reported as is.
    Load(LoadError),
    /// A read failed.
    Io(std::io::Error),
    /// The file changed while it was being read, or it turned out to need the quoted path:
    /// read it whole and parse it the ordinary way.
    Fallback,
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::Load(e)
    }
}

/// Stream a file on the fast path. `Ok(None)` means "read it whole instead": the file fits
/// in its first block, or that block shows the fast path does not apply.
fn stream_file(
    file: &std::fs::File,
    len: u64,
    name: &str,
    opts: &CsvOptions,
    progress: &Progress,
) -> Result<Option<Parts>, Failure> {
    let Ok(len) = usize::try_from(len) else {
        return Ok(None);
    };
    // The BOM, the sniffer's whole sample and one byte more (so the sniffer knows whether
    // its sample is the whole file).
    let head_len = 3 + SNIFF_BYTES + 1;
    if len <= head_len || !POSITIONED_READS {
        return Ok(None);
    }
    let mut head = vec![0u8; head_len];
    read_at(file, &mut head, 0)?;

    if let Some(d) = opts.delimiter
        && matches!(d, b'"' | b'\n' | b'\r')
    {
        return Err(LoadError::BadDelimiter {
            delimiter: d as char,
        }
        .into());
    }
    let (body, had_bom) = match head.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (&head[..], false),
    };
    let bom = head.len() - body.len();
    if memchr::memchr(b'"', body).is_some() {
        return Ok(None);
    }
    let lower = name.to_ascii_lowercase();
    let prefer_tab = lower.ends_with(".tsv") || lower.ends_with(".tab");
    let delimiter = opts
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(body, prefer_tab));
    // The block is a few bytes longer than a line may be: a line too long is found in it
    // before its text is looked at.
    check_line_lengths(body, name)?;
    // The first non-blank line must end within the block.
    let Some(head_info) = read_head(body, false, name, delimiter, opts.has_header)? else {
        return Ok(None);
    };
    progress.set_total(len as u64);
    let source = Source::File { file, len };
    let estimate = estimate_rows(
        &body[head_info.data_start..],
        len - bom - head_info.data_start,
    );
    let parsed = parse_chunks(
        &source,
        bom + head_info.data_start,
        head_info,
        name,
        delimiter,
        progress,
        estimate,
    );
    // A file that changed size while being read (its last line may be cut, which reads as
    // an error) is read again the plain way, to the size it has then.
    let now = file.metadata().map_err(Failure::Io)?.len();
    if now != len as u64 && !matches!(parsed, Err(Failure::Load(LoadError::Cancelled))) {
        return Err(Failure::Fallback);
    }
    let mut parts = parsed?;
    if parts.n_rows == 0 {
        return Err(LoadError::NoDataRows {
            name: name.to_string(),
        }
        .into());
    }
    parts.format = CsvFormat {
        delimiter: delimiter as char,
        has_header: parts.format.has_header,
        had_bom,
        bytes: len as u64,
    };
    progress.set(len as u64);
    Ok(Some(parts))
}

/// Whether this platform has positioned reads (`pread`), which streaming needs.
const POSITIONED_READS: bool = cfg!(any(unix, windows));

/// Fill `buf` from the file at `offset`; a file that ended early has changed.
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: usize) -> Result<(), Failure> {
    let res = {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            file.read_exact_at(buf, offset as u64)
        }
        #[cfg(windows)]
        {
            use std::os::windows::fs::FileExt;
            let mut done = 0;
            let mut res = Ok(());
            while done < buf.len() {
                match file.seek_read(&mut buf[done..], (offset + done) as u64) {
                    Ok(0) => {
                        res = Err(std::io::ErrorKind::UnexpectedEof.into());
                        break;
                    }
                    Ok(n) => done += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        res = Err(e);
                        break;
                    }
                }
            }
            res
        }
        #[cfg(not(any(unix, windows)))]
        {
            let _ = (file, buf, offset);
            Err::<(), std::io::Error>(std::io::ErrorKind::Unsupported.into())
        }
    };
    match res {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(Failure::Fallback),
        Err(e) => Err(Failure::Io(e)),
    }
}

/// Read a whole file: its first `len` bytes, the size it had when it was opened, never more
/// (a file that grows while it is read cannot keep the reading going). Returns the bytes and,
/// when the file's size is no longer `len`, its size now.
///
/// The file is read in waves of a few parts at once, each part by its own thread: the copy
/// and the page faults of a fresh buffer are a third of the load time of a 200 MB file when
/// done by one thread. The lines are checked after each wave, so a file that is one huge line
/// stops after ~[`MAX_LINE`] plus one wave of bytes, and the buffer only ever holds what was
/// read. Cancellation is seen between waves. (Only used for files that cannot be streamed.)
fn read_bytes(
    file: &std::fs::File,
    len: u64,
    name: &str,
    progress: &Progress,
) -> Result<(Vec<u8>, Option<u64>), Failure> {
    const PART: usize = 4 << 20;
    let len =
        usize::try_from(len).map_err(|_| Failure::Io(std::io::ErrorKind::OutOfMemory.into()))?;
    let mut buf: Vec<u8> = Vec::new();
    let parts_per_wave = rayon::current_num_threads().clamp(1, 4);
    let mut lines = LineCheck::default();
    let mut shrank = false;
    while buf.len() < len && !shrank {
        if progress.is_cancelled() {
            return Err(Failure::Load(LoadError::Cancelled));
        }
        let from = buf.len();
        let to = (from + parts_per_wave * PART).min(len);
        // Grown wave by wave (a large buffer grows in place), so a read stopped early never
        // asked for the whole file's size.
        buf.try_reserve(to - from)
            .map_err(|_| Failure::Io(std::io::ErrorKind::OutOfMemory.into()))?;
        buf.resize(to, 0);
        let got: Vec<usize> = if POSITIONED_READS {
            buf[from..to]
                .par_chunks_mut(PART)
                .enumerate()
                .map(|(i, part)| read_up_to(file, part, from + i * PART))
                .collect::<std::io::Result<_>>()
                .map_err(Failure::Io)?
        } else {
            vec![read_up_to(file, &mut buf[from..to], from).map_err(Failure::Io)?]
        };
        // A part that came back short: the file ended early (it shrank). Keep what precedes.
        let mut end = from;
        for (part, &n) in buf[from..to].chunks(PART).zip(&got) {
            end += n;
            if n < part.len() {
                shrank = true;
                break;
            }
        }
        buf.truncate(end);
        if from == 0 && buf.starts_with(BOM) {
            // The byte-order mark is not part of the first line.
            lines.start_lf = BOM.len();
            lines.start_cr = BOM.len();
        }
        lines
            .feed(&buf[from..end], from)
            .map_err(|line| LoadError::LineTooLong {
                name: name.to_string(),
                line,
            })?;
    }
    let now = file.metadata().map_err(Failure::Io)?.len();
    let changed = (now != len as u64 || shrank).then_some(now);
    Ok((buf, changed))
}

/// Fill `buf` from the file at `offset` as far as the file goes; the number of bytes read
/// (less than `buf.len()` only at the end of the file).
fn read_up_to(file: &std::fs::File, buf: &mut [u8], offset: usize) -> std::io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        let res = {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileExt;
                file.read_at(&mut buf[done..], (offset + done) as u64)
            }
            #[cfg(windows)]
            {
                use std::os::windows::fs::FileExt;
                file.seek_read(&mut buf[done..], (offset + done) as u64)
            }
            #[cfg(not(any(unix, windows)))]
            {
                // Sequential reads only (see `POSITIONED_READS`): one call covers the file.
                use std::io::{Read, Seek, SeekFrom};
                let mut f = file;
                f.seek(SeekFrom::Start((offset + done) as u64))
                    .and_then(|_| f.read(&mut buf[done..]))
            }
        };
        match res {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Parse CSV/TSV bytes. `name` is the table's name and appears in error messages; a name
/// ending in `.tsv` or `.tab` makes tab the preferred delimiter.
pub fn parse_csv(
    bytes: &[u8],
    name: &str,
    opts: &CsvOptions,
    progress: &Progress,
) -> Result<Table, LoadError> {
    check_line_lengths(bytes, name)?;
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
/// Bytes read past a chunk's end at first, to finish its last line without a second read.
const READ_SLACK: usize = 16 << 10;

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

/// A chunk-level failure; lines are chunk-local until the chunk is appended in order.
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
    /// Longer than [`MAX_LINE`].
    TooLong {
        line: usize,
    },
}

/// A parsed chunk of the fast path: its rows, its number of lines and the text columns it
/// was parsed with.
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

    /// Empty the sink for a chunk with these text columns, keeping the numeric buffers.
    fn reset(&mut self, is_text: &[bool], capacity: usize) {
        self.cols.resize_with(is_text.len(), || ColBuf::Dead);
        for (col, &t) in self.cols.iter_mut().zip(is_text) {
            match col {
                ColBuf::Num(v) if !t => {
                    v.clear();
                    v.reserve(capacity);
                }
                _ if t => {
                    *col = ColBuf::Text {
                        values: Vec::new(),
                        first: None,
                    }
                }
                _ => *col = ColBuf::Num(Vec::with_capacity(capacity)),
            }
        }
        self.rows = 0;
        self.any_dead = false;
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
    unnamed_out: &mut Vec<usize>,
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
    // The note on unnamed columns is written with the table (see `Parts::into_table`): an
    // unnamed column that is empty too is dropped, and is not worth a note of its own.
    notes.push(UNNAMED_NOTE.to_string());
    *unnamed_out = unnamed;

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

/// Where the note on unnamed header cells goes among the notes, until it is written.
const UNNAMED_NOTE: &str = "\u{0}unnamed";

/// The note on the header cells without a name (1-based positions), or `None`.
fn unnamed_note(unnamed: &[usize]) -> Option<String> {
    let list: Vec<String> = unnamed.iter().map(|j| format!("col{j}")).collect();
    match unnamed {
        [] => None,
        [j] => Some(format!(
            "Column {j} has no name in the header; it is called {}.",
            list[0]
        )),
        _ => Some(format!(
            "{} columns have no name in the header; they are called {}.",
            unnamed.len(),
            abbreviated(&list)
        )),
    }
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

/// The parsed table, before it is put into a [`Table`].
struct Parts {
    /// 1-based positions of the header cells that had no name.
    unnamed: Vec<usize>,
    name: String,
    names: Vec<String>,
    columns: Vec<ColumnData>,
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
        // The first non-blank line is there: the body is not blank.
        let Some(head) = read_head(body, true, name, delimiter, opts.has_header)? else {
            return Err(LoadError::Empty {
                name: name.to_string(),
            });
        };
        let estimate = estimate_rows(&body[head.data_start..], body.len() - head.data_start);
        let data_start = head.data_start;
        parse_chunks(
            &Source::Mem(body),
            data_start,
            head,
            name,
            delimiter,
            progress,
            estimate,
        )
        .map_err(|f| match f {
            Failure::Load(e) => e,
            // Bytes in memory neither change nor fail to be read.
            Failure::Io(_) | Failure::Fallback => LoadError::Malformed {
                name: name.to_string(),
                line: 0,
                message: "internal error: the bytes changed while being read".to_string(),
            },
        })?
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
    /// 1-based positions of the header cells that were empty.
    unnamed: Vec<usize>,
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
    let mut unnamed = Vec::new();
    let names = column_names(fields, has_header, line, name, &mut notes, &mut unnamed)?;
    Ok(Header {
        unnamed,
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
        ChunkErr::TooLong { line } => LoadError::LineTooLong {
            name,
            line: line_base + line,
        },
    }
}

/// Where the header ends and the data begins.
struct Head {
    header: Header,
    /// Offset of the first data line in the body.
    data_start: usize,
    /// Its 1-based line number.
    data_line: usize,
}

/// Find the first non-blank line of `body` and read it as the header or the first data row.
/// `complete` says `body` is the whole body; otherwise it is only the start of it, and
/// `Ok(None)` means that line does not end within it.
fn read_head(
    body: &[u8],
    complete: bool,
    name: &str,
    delimiter: u8,
    has_header: Option<bool>,
) -> Result<Option<Head>, LoadError> {
    let mut start = 0;
    let mut line = 1;
    let (first_end, next) = loop {
        let end = match memchr::memchr(b'\n', &body[start..]) {
            Some(i) => start + i,
            None if complete => body.len(),
            None => return Ok(None),
        };
        if !body[start..end].trim_ascii().is_empty() {
            break (end, (end + 1).min(body.len()));
        }
        if end == body.len() {
            return Ok(None);
        }
        start = end + 1;
        line += 1;
    };
    let first = strip_cr(&body[start..first_end]);
    let fields: Vec<&[u8]> = first.split(|&b| b == delimiter).collect();
    let header = read_header(&fields, line, name, has_header)?;
    let (data_start, data_line) = if header.has_header {
        (next, line + 1)
    } else {
        (start, line)
    };
    Ok(Some(Head {
        header,
        data_start,
        data_line,
    }))
}

/// A generous guess of the number of rows in `total` bytes of data from the lines of
/// `sample` (the data's start), to reserve the numeric columns once. Reserved memory that is
/// never written costs nothing; a guess too small only makes a column grow.
fn estimate_rows(sample: &[u8], total: usize) -> usize {
    let sample = &sample[..sample.len().min(SNIFF_BYTES)];
    let Some(last) = memchr::memrchr(b'\n', sample) else {
        return 0;
    };
    let lines = memchr::memchr_iter(b'\n', &sample[..=last]).count();
    let mean = (last + 1) / lines.max(1);
    let rows = total / mean.max(1);
    rows + rows / 8 + 64
}

/// Where the chunks' bytes come from. Offsets are in the source: the body (after the BOM)
/// for bytes in memory, the whole file for a file.
enum Source<'a> {
    Mem(&'a [u8]),
    File { file: &'a std::fs::File, len: usize },
}

impl Source<'_> {
    fn len(&self) -> usize {
        match self {
            Source::Mem(m) => m.len(),
            Source::File { len, .. } => *len,
        }
    }

    /// The bytes of the lines that start in `[lo, hi)` (`lo` is a line start when `first`).
    /// Consecutive ranges give consecutive lines, each in exactly one chunk; a chunk may be
    /// empty when a long line started before it.
    ///
    /// From a file, a last line longer than [`MAX_LINE`] is not read to its end: the bytes
    /// before it come back with `true` (only the last line can be that long, as a chunk is at
    /// most [`MAX_CHUNK`] = [`MAX_LINE`] bytes). Bytes in memory were checked when read.
    fn chunk<'b>(
        &'b self,
        lo: usize,
        hi: usize,
        first: bool,
        buf: &'b mut Vec<u8>,
    ) -> Result<(&'b [u8], bool), Failure> {
        debug_assert!(lo < hi && (first || lo > 0));
        match self {
            Source::Mem(m) => {
                let start = if first {
                    lo
                } else {
                    match memchr::memchr(b'\n', &m[lo - 1..hi - 1]) {
                        Some(i) => lo + i,
                        None => return Ok((&[], false)),
                    }
                };
                let end = memchr::memchr(b'\n', &m[hi - 1..]).map_or(m.len(), |i| hi + i);
                Ok((&m[start..end], false))
            }
            &Source::File { file, len } => {
                // Read from the byte before `lo`, to see whether a line starts at `lo`.
                let r0 = if first { lo } else { lo - 1 };
                let mut n = (hi - r0 + READ_SLACK).min(len - r0);
                if buf.len() < n {
                    buf.resize(n, 0);
                }
                read_at(file, &mut buf[..n], r0)?;
                let start = if first {
                    0
                } else {
                    match memchr::memchr(b'\n', &buf[..hi - 1 - r0]) {
                        Some(i) => i + 1,
                        None => return Ok((&[], false)),
                    }
                };
                // The last line that starts before `hi`, and the furthest its `\n` may be.
                let last = memchr::memrchr(b'\n', &buf[..hi - 1 - r0]).map_or(start, |i| i + 1);
                let limit = last + MAX_LINE + 1;
                // The end of the line holding byte `hi - 1`: read on until it is found (or
                // the line is known to be too long).
                let mut from = hi - 1 - r0;
                let end = loop {
                    if let Some(i) = memchr::memchr(b'\n', &buf[from..n]) {
                        break from + i + 1;
                    }
                    if r0 + n == len || n >= limit {
                        break n;
                    }
                    from = n;
                    let more = (n + n.max(READ_SLACK)).min(len - r0).min(limit);
                    if buf.len() < more {
                        buf.resize(more, 0);
                    }
                    read_at(file, &mut buf[n..more], r0 + n)?;
                    n = more;
                };
                let text_end = if buf[end - 1] == b'\n' { end - 1 } else { end };
                if text_end - last > MAX_LINE {
                    return Ok((&buf[start..last], true));
                }
                Ok((&buf[start..end], false))
            }
        }
    }
}

/// The fast path (no quote in the file): parse the data, which starts at `data_start` in the
/// source, in chunks on all threads, appending finished chunks to the columns in file order.
fn parse_chunks(
    source: &Source,
    data_start: usize,
    head: Head,
    name: &str,
    delimiter: u8,
    progress: &Progress,
    estimate: usize,
) -> Result<Parts, Failure> {
    let Head {
        header, data_line, ..
    } = head;
    progress.add(data_start as u64);
    let end = source.len();
    let ncols = header.names.len();
    let data_len = end - data_start;
    let threads = rayon::current_num_threads().max(1);
    let size = (data_len / (4 * threads)).clamp(MIN_CHUNK, MAX_CHUNK);
    let count = data_len.div_ceil(size);
    let is_file = matches!(source, Source::File { .. });
    // A row has at least one byte per column.
    let capacity = estimate.min(data_len / ncols.max(1) + 1);

    // Columns known to be text, shared between chunks so later chunks start right.
    let known_text: Vec<AtomicBool> = (0..ncols).map(|_| AtomicBool::new(false)).collect();
    let next_chunk = AtomicUsize::new(0);
    // The first chunk with a parse error: later chunks need not be parsed.
    let first_failed = AtomicUsize::new(usize::MAX);
    let halted = AtomicBool::new(false);
    let halt_reason: Mutex<Option<Failure>> = Mutex::new(None);
    let halt = |f: Failure| {
        let mut reason = halt_reason.lock().unwrap_or_else(|e| e.into_inner());
        reason.get_or_insert(f);
        halted.store(true, Ordering::Relaxed);
    };
    let assembly = Mutex::new(Assembly::new(ncols, capacity, data_line));

    let work = || {
        let mut buf = Vec::new();
        let mut sink = Sink::new(&[], 0);
        loop {
            let k = next_chunk.fetch_add(1, Ordering::Relaxed);
            if k >= count
                || halted.load(Ordering::Relaxed)
                || k > first_failed.load(Ordering::Relaxed)
            {
                break;
            }
            if progress.is_cancelled() {
                halt(Failure::Load(LoadError::Cancelled));
                break;
            }
            let lo = data_start + k * size;
            let hi = (lo + size).min(end);
            let (piece, overlong) = match source.chunk(lo, hi, k == 0, &mut buf) {
                Ok(p) => p,
                Err(f) => {
                    halt(f);
                    break;
                }
            };
            if is_file && memchr::memchr(b'"', piece).is_some() {
                // Quoted fields need the csv crate's reader.
                halt(Failure::Fallback);
                break;
            }
            let mut outcome = parse_one(piece, delimiter, &known_text, &mut sink);
            if overlong && let Ok((lines, _)) = outcome {
                // The line after the chunk's whole lines.
                outcome = Err(ChunkErr::TooLong { line: lines });
            }
            if outcome.is_err() {
                first_failed.fetch_min(k, Ordering::Relaxed);
            }
            progress.add(piece.len() as u64);
            let outcome = outcome.map(|(lines, is_text)| {
                let parsed = std::mem::replace(&mut sink, Sink::new(&[], 0));
                (parsed, lines, is_text)
            });
            let mut asm = assembly.lock().unwrap_or_else(|e| e.into_inner());
            asm.commit(k, outcome);
            if let Some(spare) = asm.spare.pop() {
                sink = spare;
            }
        }
    };
    (0..threads).into_par_iter().for_each(|_| work());

    if progress.is_cancelled() {
        return Err(Failure::Load(LoadError::Cancelled));
    }
    if let Some(f) = halt_reason.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(f);
    }
    let mut asm = assembly.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some((e, line_base)) = asm.error.take() {
        return Err(chunk_error(e, line_base, name, &header.names).into());
    }
    if asm.next != count {
        return Err(Failure::Fallback);
    }

    // Chunks parsed before another chunk found a column to be text: parse them again, and
    // put the texts of those columns in place of the placeholders. (This cannot fail unless
    // the file changed: their new text columns held only numbers and missing tokens.)
    let final_text: Vec<bool> = known_text
        .iter()
        .map(|b| b.load(Ordering::Relaxed))
        .collect();
    let redo: Vec<&Committed> = asm
        .committed
        .iter()
        .filter(|c| c.is_text != final_text)
        .collect();
    let redone: Vec<Result<Sink, Failure>> = redo
        .par_iter()
        .map_init(Vec::new, |buf, c| {
            let lo = data_start + c.chunk * size;
            let hi = (lo + size).min(end);
            if progress.is_cancelled() {
                return Err(Failure::Load(LoadError::Cancelled));
            }
            let (piece, overlong) = source.chunk(lo, hi, c.chunk == 0, buf)?;
            if overlong {
                // It was not too long the first time: the file changed.
                return Err(Failure::Fallback);
            }
            let mut sink = Sink::new(&final_text, c.rows);
            match parse_chunk(piece, delimiter, &mut sink) {
                Ok(lines) if lines == c.lines && sink.rows == c.rows && !sink.any_dead => Ok(sink),
                _ => Err(Failure::Fallback),
            }
        })
        .collect();
    let redo: Vec<(usize, Vec<bool>)> = redo.iter().map(|c| (c.row, c.is_text.clone())).collect();
    for ((row, was_text), sink) in redo.into_iter().zip(redone) {
        for (j, buf) in sink?.cols.into_iter().enumerate() {
            if was_text[j] {
                continue;
            }
            if let (ColBuf::Text { values: out, .. }, ColBuf::Text { values, .. }) =
                (&mut asm.cols[j], buf)
            {
                for (slot, v) in out[row..].iter_mut().zip(values) {
                    *slot = v;
                }
            }
        }
    }

    let columns: Option<Vec<ColumnData>> = asm.cols.into_iter().map(into_column).collect();
    Ok(Parts {
        name: name.to_string(),
        names: header.names,
        columns: columns.ok_or(Failure::Fallback)?,
        n_rows: asm.rows,
        format: CsvFormat {
            delimiter: delimiter as char,
            has_header: header.has_header,
            had_bom: false,
            bytes: 0,
        },
        notes: header.notes,
        unnamed: header.unnamed,
    })
}

/// Parse one chunk into `sink`, with the columns known to be text as text; a column that
/// turns out to be text makes the chunk parsed again. Returns the chunk's number of lines and
/// the text columns it was parsed with.
fn parse_one(
    piece: &[u8],
    delimiter: u8,
    known_text: &[AtomicBool],
    sink: &mut Sink,
) -> Result<(usize, Vec<bool>), ChunkErr> {
    let mut is_text: Vec<bool> = known_text
        .iter()
        .map(|b| b.load(Ordering::Relaxed))
        .collect();
    // A guess of the row count from the first line's length, for the numeric columns.
    let first_len = memchr::memchr(b'\n', piece).map_or(piece.len(), |i| i + 1);
    let capacity = piece.len() / first_len.max(1) * 9 / 8 + 1;
    loop {
        sink.reset(&is_text, capacity);
        let lines = parse_chunk(piece, delimiter, sink)?;
        if !sink.any_dead {
            return Ok((lines, is_text));
        }
        // Each round adds a text column: this ends.
        for j in sink.dead_columns() {
            is_text[j] = true;
            known_text[j].store(true, Ordering::Relaxed);
        }
    }
}

/// A chunk appended to the columns.
struct Committed {
    chunk: usize,
    /// Its first row in the columns.
    row: usize,
    rows: usize,
    lines: usize,
    /// The text columns it was parsed with.
    is_text: Vec<bool>,
}

/// The columns being built: chunks are appended strictly in file order, whichever thread
/// finishes them.
struct Assembly {
    /// The next chunk to append.
    next: usize,
    /// Chunks finished before the ones before them.
    pending: BTreeMap<usize, Result<Parsed, ChunkErr>>,
    /// The columns; a text column holds `None` placeholders for the rows of chunks that had
    /// it as numbers (they are parsed again at the end).
    cols: Vec<ColBuf>,
    rows: usize,
    /// The 1-based file line of the next chunk's first line.
    line_base: usize,
    committed: Vec<Committed>,
    /// The first chunk error, with the line its chunk started at.
    error: Option<(ChunkErr, usize)>,
    /// Sinks whose rows were appended, for the workers to reuse.
    spare: Vec<Sink>,
}

impl Assembly {
    fn new(ncols: usize, capacity: usize, data_line: usize) -> Self {
        Assembly {
            next: 0,
            pending: BTreeMap::new(),
            cols: (0..ncols)
                .map(|_| ColBuf::Num(Vec::with_capacity(capacity)))
                .collect(),
            rows: 0,
            line_base: data_line,
            committed: Vec::new(),
            error: None,
            spare: Vec::new(),
        }
    }

    fn commit(&mut self, k: usize, outcome: Result<Parsed, ChunkErr>) {
        self.pending.insert(k, outcome);
        while self.error.is_none()
            && let Some(outcome) = self.pending.remove(&self.next)
        {
            match outcome {
                Ok((sink, lines, is_text)) => self.append(sink, lines, is_text),
                Err(e) => self.error = Some((e, self.line_base)),
            }
            self.next += 1;
        }
    }

    fn append(&mut self, mut sink: Sink, lines: usize, is_text: Vec<bool>) {
        let row = self.rows;
        for (out, buf) in self.cols.iter_mut().zip(&mut sink.cols) {
            if matches!(out, ColBuf::Num(_)) && matches!(buf, ColBuf::Text { .. }) {
                *out = ColBuf::Text {
                    values: vec![None; row],
                    first: None,
                };
            }
            match (out, buf) {
                (ColBuf::Num(out), ColBuf::Num(v)) => out.extend_from_slice(v),
                (
                    ColBuf::Text {
                        values: out,
                        first: out_first,
                    },
                    ColBuf::Text { values, first },
                ) => {
                    if out_first.is_none() {
                        *out_first = first.take().map(|(l, s)| (self.line_base + l, s));
                    }
                    out.append(values);
                }
                // Parsed before the column was known to be text: a placeholder for now.
                (ColBuf::Text { values: out, .. }, ColBuf::Num(v)) => {
                    out.resize(out.len() + v.len(), None);
                }
                // Not possible: `parse_one` leaves no dead column.
                _ => {}
            }
        }
        self.committed.push(Committed {
            chunk: self.next,
            row,
            rows: sink.rows,
            lines,
            is_text,
        });
        self.rows += sink.rows;
        self.line_base += lines;
        self.spare.push(sink);
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Parse one chunk of unquoted lines into `sink` (already reset for the chunk). Returns the
/// number of `\n` in the chunk. Lines in errors and in the sink are chunk-local, starting at 0.
///
/// Numeric cells take a shortcut: the number is parsed straight from the cursor and the byte
/// after it must end the field; anything else (spaces, missing tokens, text) takes the general
/// route, which finds the field's end first.
fn parse_chunk(chunk: &[u8], delimiter: u8, sink: &mut Sink) -> Result<usize, ChunkErr> {
    let ncols = sink.cols.len();
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
    Ok(line)
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
    // The csv crate reads an unclosed quote to the end of the file as one cell: say so instead.
    if let Some(at) = unterminated_quote(body, delimiter) {
        return Err(LoadError::UnterminatedQuote {
            name: name.to_string(),
            line: line_at(body, at),
        });
    }

    // The header (or first data row): the first non-blank record.
    let mut rdr = reader();
    let mut rec = csv::ByteRecord::new();
    loop {
        progress.check().map_err(|_| LoadError::Cancelled)?;
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
            if rec.as_slice().len() > MAX_LINE {
                return Err(LoadError::RecordTooLong {
                    name: name.to_string(),
                    line,
                });
            }
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
        columns: sink
            .cols
            .into_iter()
            .map(into_column)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| LoadError::Malformed {
                name: name.to_string(),
                line: 0,
                message: "internal error: a column was left unread".to_string(),
            })?,
        format: CsvFormat {
            delimiter: delimiter as char,
            has_header: header.has_header,
            had_bom: false,
            bytes: 0,
        },
        notes: header.notes,
        unnamed: header.unnamed,
    })
}

/// Where a quoted field opens that is never closed, read as the csv crate reads: a quote opens
/// a quoted field only at the start of a field, `""` inside it is a quote, and the field ends
/// at its closing quote (anything up to the next delimiter or line break is kept with it).
fn unterminated_quote(body: &[u8], delimiter: u8) -> Option<usize> {
    let mut i = 0;
    while i < body.len() {
        // `i` is at the start of a field.
        if body[i] == b'"' {
            let open = i;
            let mut j = i + 1;
            loop {
                let Some(k) = memchr::memchr(b'"', &body[j..]) else {
                    return Some(open);
                };
                let q = j + k;
                if body.get(q + 1) == Some(&b'"') {
                    j = q + 2;
                } else {
                    i = q + 1;
                    break;
                }
            }
        }
        // The rest of the field: up to the next delimiter or line break.
        match memchr::memchr3(delimiter, b'\n', b'\r', &body[i..]) {
            Some(k) => i += k + 1,
            None => return None,
        }
    }
    None
}

/// The 1-based line of byte `at` (lines end at `\n`, or at `\r` in a file without `\n`).
fn line_at(body: &[u8], at: usize) -> usize {
    let before = &body[..at.min(body.len())];
    let terminator = if memchr::memchr(b'\n', body).is_none() {
        b'\r'
    } else {
        b'\n'
    };
    1 + memchr::memchr_iter(terminator, before).count()
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
    /// The table, without its empty columns: a column where no cell holds a value (a
    /// delimiter at the end of every line, a column left blank) would make every row
    /// unusable, so it is dropped with a note naming it. (When every column is empty, none
    /// is dropped: the table is then simply without data, and says so when used.)
    fn into_table(self) -> Table {
        let Parts {
            name,
            names,
            columns,
            n_rows,
            format,
            mut notes,
            unnamed,
        } = self;
        let ncols = columns.len();
        let empty: Vec<bool> = columns
            .iter()
            .map(|c| n_rows > 0 && c.missing() == c.len())
            .collect();
        let drop = |j: usize| empty[j] && !empty.iter().all(|&e| e);
        let mut kept = Vec::with_capacity(ncols);
        let mut dropped = Vec::new();
        for (j, (col_name, data)) in names.into_iter().zip(columns).enumerate() {
            if drop(j) {
                dropped.push(if unnamed.contains(&(j + 1)) {
                    format!("column {} (no name)", j + 1)
                } else {
                    format!("'{col_name}'")
                });
            } else {
                kept.push(Column {
                    name: col_name,
                    data,
                });
            }
        }
        let unnamed_kept: Vec<usize> = unnamed.iter().copied().filter(|&j| !drop(j - 1)).collect();
        if let Some(at) = notes.iter().position(|n| n == UNNAMED_NOTE) {
            match unnamed_note(&unnamed_kept) {
                Some(note) => notes[at] = note,
                None => {
                    notes.remove(at);
                }
            }
        }
        if !dropped.is_empty() {
            let trailing = ncols > 0 && drop(ncols - 1) && unnamed.contains(&ncols);
            let why = if trailing {
                " (every line ends with a delimiter)"
            } else {
                ""
            };
            notes.push(if dropped.len() == 1 {
                format!(
                    "Column {} is empty{why}: no cell holds a value, so it was dropped.",
                    dropped[0].strip_prefix("column ").unwrap_or(&dropped[0])
                )
            } else {
                format!(
                    "{} columns are empty{why}: no cell holds a value, so they were dropped: {}.",
                    dropped.len(),
                    abbreviated(&dropped)
                )
            });
        }
        let columns = kept;
        Table {
            name,
            columns,
            n_rows,
            format: Some(format),
            notes,
        }
    }
}

/// A finished column; `None` for a dead one (which a finished parse never leaves).
fn into_column(buf: ColBuf) -> Option<ColumnData> {
    match buf {
        ColBuf::Num(mut v) => {
            // Give back what the row estimate reserved too much.
            v.shrink_to_fit();
            Some(ColumnData::Numeric(v))
        }
        ColBuf::Text { values, first } => Some(ColumnData::Text {
            values,
            first_non_numeric: first,
        }),
        ColBuf::Dead => None,
    }
}

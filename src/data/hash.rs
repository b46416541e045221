//! A fingerprint of a [`Table`]'s content, so a saved session can tell whether the data it was
//! saved with is still the data it is opened on.
//!
//! The hash is **FNV-1a, 64 bits** (Fowler–Noll–Vo; offset basis `0xcbf29ce484222325`, prime
//! `0x100000001b3`), written here rather than taken from a crate: it is five lines, and it is
//! a check against accidents (an edited or replaced file), not against an adversary.
//!
//! It runs over the table's *content* as read, in this byte layout (integers little-endian):
//!
//! ```text
//! n_rows: u64, n_columns: u64, then for every column in order:
//!   name length: u64, name: UTF-8 bytes,
//!   b'N' and every cell as the f64's IEEE-754 bits: u64 (every missing value as the one
//!        quiet NaN 0x7ff8000000000000), or
//!   b'T' and every cell as 0x00 (missing) or 0x01, text length: u64, text: UTF-8 bytes.
//! ```
//!
//! So the hash follows the values and names, not the file's spelling: re-saving a CSV with
//! `1.0` for `1`, another delimiter or CRLF line ends keeps it; changing, adding, removing or
//! reordering a value, a row or a column changes it. The table's display name (the file name)
//! is not hashed.

use crate::data::{ColumnData, Table};

/// How the hash is written in a session file: `fnv1a64:` and 16 lowercase hex digits.
pub const PREFIX: &str = "fnv1a64:";

/// FNV-1a, 64 bits.
#[derive(Clone, Copy, Debug)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// FNV-1a-64 of some bytes.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a64::default();
    h.write(bytes);
    h.finish()
}

/// The bits a missing numeric cell is hashed as.
const MISSING_BITS: u64 = 0x7ff8_0000_0000_0000;

/// Feed the table's content, in the layout of the module's documentation, to `sink`.
pub fn write_table(table: &Table, sink: &mut impl FnMut(&[u8])) {
    let len = |n: usize| (n as u64).to_le_bytes();
    sink(&len(table.n_rows));
    sink(&len(table.columns.len()));
    for column in &table.columns {
        sink(&len(column.name.len()));
        sink(column.name.as_bytes());
        match &column.data {
            ColumnData::Numeric(values) => {
                sink(b"N");
                for &x in values {
                    let bits = if x.is_nan() {
                        MISSING_BITS
                    } else {
                        x.to_bits()
                    };
                    sink(&bits.to_le_bytes());
                }
            }
            ColumnData::Text { values, .. } => {
                sink(b"T");
                for cell in values {
                    match cell {
                        None => sink(&[0]),
                        Some(text) => {
                            sink(&[1]);
                            sink(&len(text.len()));
                            sink(text.as_bytes());
                        }
                    }
                }
            }
        }
    }
}

/// The bytes [`table_hash`] hashes (for tests and for checking the layout by hand).
pub fn table_bytes(table: &Table) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_table(table, &mut |b| bytes.extend_from_slice(b));
    bytes
}

/// The table's fingerprint as a session file writes it: `fnv1a64:` and 16 hex digits.
pub fn table_hash(table: &Table) -> String {
    let mut h = Fnv1a64::default();
    write_table(table, &mut |b| h.write(b));
    format!("{PREFIX}{:016x}", h.finish())
}

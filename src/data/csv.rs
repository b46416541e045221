//! CSV / TSV reading (being written).

use std::path::Path;

use crate::data::Table;
use crate::progress::Progress;

/// How to read a file; `None` means "detect it".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: Option<u8>,
    pub has_header: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Other(String),
    #[error("cancelled")]
    Cancelled,
}

pub fn read_csv_file(
    path: &Path,
    opts: &CsvOptions,
    progress: &Progress,
) -> Result<Table, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Other(e.to_string()))?;
    parse_csv(&bytes, &path.display().to_string(), opts, progress)
}

pub fn parse_csv(
    _bytes: &[u8],
    _name: &str,
    _opts: &CsvOptions,
    _progress: &Progress,
) -> Result<Table, LoadError> {
    Err(LoadError::Other("CSV reading is being written".into()))
}

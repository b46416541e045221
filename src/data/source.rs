//! Where a table comes from: a built-in dataset or a file of the user's. The one loader that
//! the window and the command line share.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::data::Table;
use crate::data::builtin::Builtin;
use crate::data::csv::{CsvOptions, LoadError, read_csv_file};
use crate::data::points::Points;
use crate::progress::Progress;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Source {
    Builtin(Builtin),
    File(PathBuf),
    /// Points placed and moved in the window ([`crate::data::points`]).
    Points(Points),
}

impl Default for Source {
    fn default() -> Self {
        Source::Builtin(Builtin::default_dataset())
    }
}

impl Source {
    /// Short name for titles and the status line.
    pub fn label(&self) -> String {
        match self {
            Source::Builtin(b) => b.name().to_string(),
            Source::File(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            ),
            Source::Points(p) => format!("points edited from {}", p.from),
        }
    }
}

/// Why a source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}")]
    Builtin(String),
    #[error(transparent)]
    File(#[from] LoadError),
}

impl SourceError {
    pub fn is_cancelled(&self) -> bool {
        matches!(self, SourceError::File(LoadError::Cancelled))
    }
}

/// Read the table of a source. Files are only ever read, never written.
pub fn load_source(source: &Source, progress: &Progress) -> Result<Table, SourceError> {
    match source {
        Source::Builtin(b) => b.load().map_err(SourceError::Builtin),
        Source::File(path) => Ok(read_csv_file(path, &CsvOptions::default(), progress)?),
        Source::Points(p) => {
            p.check().map_err(SourceError::Builtin)?;
            Ok(p.to_table())
        }
    }
}

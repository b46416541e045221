//! The raw, column-oriented table every data source produces (CSV files, built-ins and
//! generators alike), before any column is given a role.

use serde::Serialize;

/// One column of a [`Table`].
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
}

/// The cells of a column, after type inference.
///
/// Policy (documented in the README): a column is `Numeric` when every non-missing cell parses
/// as a number; missing cells (empty, `NA`, `NaN`, `null`, `?`, …) and non-finite values are
/// stored as `f64::NAN`. A column with at least one cell that is neither missing nor a number is
/// `Text`; it can serve as a class target but never as a feature.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnData {
    Numeric(Vec<f64>),
    Text {
        /// One entry per row; `None` where the cell was missing.
        values: Vec<Option<String>>,
        /// Where the first non-numeric cell was seen: 1-based file line and the cell's text.
        /// Shown to the user to explain why the column is not a feature.
        first_non_numeric: Option<(usize, String)>,
    },
}

impl ColumnData {
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Text { values, .. } => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, ColumnData::Numeric(_))
    }

    /// Number of missing (or non-finite) cells.
    pub fn missing(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.iter().filter(|x| !x.is_finite()).count(),
            ColumnData::Text { values, .. } => values.iter().filter(|x| x.is_none()).count(),
        }
    }
}

/// A table as read from its source: named columns of equal length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Display name: the file name, or the built-in dataset's name.
    pub name: String,
    pub columns: Vec<Column>,
    /// Number of data rows (header excluded).
    pub n_rows: usize,
    /// How the file was read; `None` for built-in and generated data.
    pub format: Option<CsvFormat>,
    /// Things the user should know that did not stop the load (renamed duplicate columns, …).
    pub notes: Vec<String>,
}

impl Table {
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Build a table from numeric columns (used by built-ins and generators).
    pub fn from_numeric(name: &str, columns: Vec<(String, Vec<f64>)>) -> Self {
        let n_rows = columns.first().map_or(0, |c| c.1.len());
        debug_assert!(columns.iter().all(|c| c.1.len() == n_rows));
        Table {
            name: name.to_string(),
            columns: columns
                .into_iter()
                .map(|(name, v)| Column {
                    name,
                    data: ColumnData::Numeric(v),
                })
                .collect(),
            n_rows,
            format: None,
            notes: Vec::new(),
        }
    }
}

/// What the CSV reader detected about a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CsvFormat {
    /// The field delimiter, as a character (`,`, `;` or tab).
    pub delimiter: char,
    /// Whether the first line was taken as a header.
    pub has_header: bool,
    /// Whether a UTF-8 byte-order mark was skipped.
    pub had_bom: bool,
    /// Bytes in the file.
    pub bytes: u64,
}

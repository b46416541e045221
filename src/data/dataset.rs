//! Column roles (which column is the target, which are features) and the numeric dataset that
//! estimators consume.
//!
//! Policy for imperfect data, applied here and reported to the user:
//! - Text columns (see [`ColumnData`]) are excluded from the features, with the first
//!   offending cell named; they can be a classification target.
//! - Rows with a missing or non-finite value in a used feature or in the target are dropped,
//!   and counted in [`BuildReport::dropped_rows`].

use std::collections::{BTreeMap, BTreeSet};

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::data::{ColumnData, Table};

/// Most distinct values a target may have to be treated as classes.
pub const MAX_CLASSES: usize = 50;
/// A numeric target with at most this many distinct integer values is classes by default.
const AUTO_CLASS_LIMIT: usize = 20;

/// Classification or regression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    Classification,
    Regression,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        }
    }
}

/// What the user asked for the target's task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskChoice {
    /// Text targets and numeric targets with few integer values are classes; else regression.
    #[default]
    Auto,
    Classification,
    Regression,
}

/// The roles the user gave the columns, by name (names survive reloading a changed file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Roles {
    /// Target column; `None` means the last column.
    pub target: Option<String>,
    /// Columns the user switched off as features.
    pub excluded: BTreeSet<String>,
    pub task: TaskChoice,
}

/// The target of a dataset.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Class indices into `names`.
    Classes {
        y: Vec<usize>,
        names: Vec<String>,
    },
    Values(Vec<f64>),
}

impl Target {
    pub fn task(&self) -> Task {
        match self {
            Target::Classes { .. } => Task::Classification,
            Target::Values(_) => Task::Regression,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Target::Classes { y, .. } => y.len(),
            Target::Values(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn class_names(&self) -> &[String] {
        match self {
            Target::Classes { names, .. } => names,
            Target::Values(_) => &[],
        }
    }

    /// The target as numbers: class index or value (for colouring a scatter plot).
    pub fn as_f64(&self, i: usize) -> f64 {
        match self {
            Target::Classes { y, .. } => y[i] as f64,
            Target::Values(v) => v[i],
        }
    }
}

/// How the dataset was made from the table.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BuildReport {
    pub dropped_rows: usize,
    /// `(column, reason)` for every column that is not a feature, the target aside.
    pub excluded_columns: Vec<(String, String)>,
}

/// A numeric dataset: features and a target, rows aligned.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub feature_names: Vec<String>,
    pub target_name: String,
    /// `n × p` features.
    pub x: Array2<f64>,
    pub target: Target,
    /// Row of the source table each dataset row came from.
    pub source_rows: Vec<usize>,
    pub report: BuildReport,
}

impl Dataset {
    pub fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    pub fn n_features(&self) -> usize {
        self.x.ncols()
    }
}

/// Why a dataset could not be built from a table.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("the table has no columns")]
    NoColumns,
    #[error("no column named '{name}' (columns: {available})")]
    UnknownColumn { name: String, available: String },
    #[error(
        "column index {index} is out of range: the table has {count} column(s), numbered 0 to {} ({available})",
        count.saturating_sub(1)
    )]
    IndexOutOfRange {
        index: usize,
        count: usize,
        available: String,
    },
    #[error(
        "'{target}' is the only usable column: at least one numeric feature column is needed besides the target{why}"
    )]
    NoFeatures { target: String, why: String },
    #[error("{0}")]
    Target(String),
    #[error(
        "feature '{column}' has values as large as {value:.3e}: beyond ±1e100 the models' sums of squares overflow; standardise the features or rescale '{column}'"
    )]
    TooLarge { column: String, value: f64 },
    #[error(
        "only {kept} usable row(s) (of {total}; {dropped} dropped for missing or non-numeric values): at least 2 are needed"
    )]
    TooFewRows {
        kept: usize,
        total: usize,
        dropped: usize,
    },
}

/// Resolve a command-line target spec: a column name, or else a 0-based column index.
pub fn resolve_column(table: &Table, spec: &str) -> Result<String, DataError> {
    if table.column_index(spec).is_some() {
        return Ok(spec.to_string());
    }
    if let Ok(i) = spec.trim().parse::<usize>() {
        return match table.columns.get(i) {
            Some(c) => Ok(c.name.clone()),
            None => Err(DataError::IndexOutOfRange {
                index: i,
                count: table.columns.len(),
                available: match unknown_column(table, spec) {
                    DataError::UnknownColumn { available, .. } => available,
                    _ => String::new(),
                },
            }),
        };
    }
    Err(unknown_column(table, spec))
}

fn unknown_column(table: &Table, name: &str) -> DataError {
    let mut names = table.column_names();
    if names.len() > 12 {
        let more = names.len() - 10;
        names.truncate(10);
        names.push(format!("… {more} more"));
    }
    DataError::UnknownColumn {
        name: name.to_string(),
        available: names.join(", "),
    }
}

/// The index of the target column the roles name (the last column by default).
pub fn target_index(table: &Table, roles: &Roles) -> Result<usize, DataError> {
    if table.columns.is_empty() {
        return Err(DataError::NoColumns);
    }
    match &roles.target {
        None => Ok(table.columns.len() - 1),
        Some(name) => table
            .column_index(name)
            .ok_or_else(|| unknown_column(table, name)),
    }
}

/// What a dataset is for: a supervised model learns the target, so the target must be
/// learnable (2 to [`MAX_CLASSES`] classes, or numbers for regression); PCA never looks at it,
/// so any target will do (it only colours the points).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Purpose {
    #[default]
    Supervised,
    Unsupervised,
}

/// Build the numeric dataset the roles describe, for a supervised model.
pub fn build_dataset(table: &Table, roles: &Roles) -> Result<Dataset, DataError> {
    build_dataset_for(table, roles, Purpose::Supervised)
}

/// Build the numeric dataset the roles describe. For [`Purpose::Unsupervised`] a target
/// that no supervised model could learn (one class, more than [`MAX_CLASSES`], text asked to
/// be a regression target) is kept as classes instead of refused.
pub fn build_dataset_for(
    table: &Table,
    roles: &Roles,
    purpose: Purpose,
) -> Result<Dataset, DataError> {
    let t = target_index(table, roles)?;
    let target_col = &table.columns[t];
    let mut report = BuildReport::default();
    let mut features = Vec::new();
    for (j, c) in table.columns.iter().enumerate() {
        if j == t {
            continue;
        }
        if roles.excluded.contains(&c.name) {
            report
                .excluded_columns
                .push((c.name.clone(), "switched off".into()));
            continue;
        }
        match &c.data {
            ColumnData::Numeric(_) => features.push(j),
            ColumnData::Text {
                first_non_numeric, ..
            } => {
                let why = match first_non_numeric {
                    Some((line, cell)) => format!("not numeric ('{cell}' on line {line})"),
                    None => "not numeric".to_string(),
                };
                report.excluded_columns.push((c.name.clone(), why));
            }
        }
    }
    if features.is_empty() {
        let why = if report.excluded_columns.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = report
                .excluded_columns
                .iter()
                .take(5)
                .map(|(n, r)| format!("'{n}' {r}"))
                .collect();
            format!(" (excluded: {})", list.join("; "))
        };
        return Err(DataError::NoFeatures {
            target: target_col.name.clone(),
            why,
        });
    }

    // Rows usable: every feature finite and the target present.
    let n = table.n_rows;
    let target_present = |i: usize| match &target_col.data {
        ColumnData::Numeric(v) => v[i].is_finite(),
        ColumnData::Text { values, .. } => values[i].is_some(),
    };
    let rows: Vec<usize> = (0..n)
        .filter(|&i| {
            target_present(i)
                && features.iter().all(|&j| match &table.columns[j].data {
                    ColumnData::Numeric(v) => v[i].is_finite(),
                    ColumnData::Text { .. } => false,
                })
        })
        .collect();
    report.dropped_rows = n - rows.len();
    if rows.len() < 2 {
        return Err(DataError::TooFewRows {
            kept: rows.len(),
            total: n,
            dropped: report.dropped_rows,
        });
    }

    let mut x = Array2::zeros((rows.len(), features.len()));
    for (k, &j) in features.iter().enumerate() {
        if let ColumnData::Numeric(v) = &table.columns[j].data {
            for (r, &i) in rows.iter().enumerate() {
                x[[r, k]] = v[i];
            }
        }
    }
    let target = match make_target(&target_col.name, &target_col.data, &rows, roles.task) {
        Err(DataError::Target(_)) if purpose == Purpose::Unsupervised => {
            any_classes(&target_col.data, &rows)
        }
        other => other?,
    };
    Ok(Dataset {
        name: table.name.clone(),
        feature_names: features
            .iter()
            .map(|&j| table.columns[j].name.clone())
            .collect(),
        target_name: target_col.name.clone(),
        x,
        target,
        source_rows: rows,
        report,
    })
}

fn make_target(
    name: &str,
    data: &ColumnData,
    rows: &[usize],
    choice: TaskChoice,
) -> Result<Target, DataError> {
    match data {
        ColumnData::Text { values, .. } => {
            if choice == TaskChoice::Regression {
                return Err(DataError::Target(format!(
                    "target '{name}' holds text, so it can only be classes, not a regression target"
                )));
            }
            let labels: Vec<&str> = rows
                .iter()
                .map(|&i| values[i].as_deref().unwrap_or_default())
                .collect();
            let distinct: BTreeSet<&str> = labels.iter().copied().collect();
            check_class_count(name, distinct.len())?;
            let index: BTreeMap<&str, usize> =
                distinct.iter().enumerate().map(|(k, &s)| (s, k)).collect();
            Ok(Target::Classes {
                y: labels.iter().map(|s| index[s]).collect(),
                names: distinct.into_iter().map(str::to_string).collect(),
            })
        }
        ColumnData::Numeric(v) => {
            let values: Vec<f64> = rows.iter().map(|&i| v[i]).collect();
            let mut distinct: Vec<f64> = values.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let as_classes = match choice {
                TaskChoice::Classification => true,
                TaskChoice::Regression => false,
                TaskChoice::Auto => {
                    distinct.len() <= AUTO_CLASS_LIMIT && distinct.iter().all(|x| x.fract() == 0.0)
                }
            };
            if !as_classes {
                return Ok(Target::Values(values));
            }
            check_class_count(name, distinct.len())?;
            let y = values
                .iter()
                .map(|x| distinct.partition_point(|d| d < x))
                .collect();
            Ok(Target::Classes {
                y,
                names: distinct.iter().map(|d| format!("{d}")).collect(),
            })
        }
    }
}

/// The target as classes, however many (for a dataset no model learns the target of).
fn any_classes(data: &ColumnData, rows: &[usize]) -> Target {
    match data {
        ColumnData::Text { values, .. } => {
            let labels: Vec<&str> = rows
                .iter()
                .map(|&i| values[i].as_deref().unwrap_or_default())
                .collect();
            let distinct: BTreeSet<&str> = labels.iter().copied().collect();
            let index: BTreeMap<&str, usize> =
                distinct.iter().enumerate().map(|(k, &s)| (s, k)).collect();
            Target::Classes {
                y: labels.iter().map(|s| index[s]).collect(),
                names: distinct.into_iter().map(str::to_string).collect(),
            }
        }
        ColumnData::Numeric(v) => {
            let mut distinct: Vec<f64> = rows.iter().map(|&i| v[i]).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            Target::Classes {
                y: rows
                    .iter()
                    .map(|&i| distinct.partition_point(|d| *d < v[i]))
                    .collect(),
                names: distinct.iter().map(|d| format!("{d}")).collect(),
            }
        }
    }
}

fn check_class_count(name: &str, k: usize) -> Result<(), DataError> {
    if k < 2 {
        return Err(DataError::Target(format!(
            "target '{name}' has a single class: classification needs at least 2"
        )));
    }
    if k > MAX_CLASSES {
        return Err(DataError::Target(format!(
            "target '{name}' has {k} distinct values: too many classes (at most {MAX_CLASSES}); treat it as a regression target"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Column;

    fn text(values: &[Option<&str>]) -> ColumnData {
        ColumnData::Text {
            values: values.iter().map(|v| v.map(str::to_string)).collect(),
            first_non_numeric: Some((2, "x".into())),
        }
    }

    fn table(cols: Vec<(&str, ColumnData)>) -> Table {
        let n_rows = cols[0].1.len();
        Table {
            name: "t".into(),
            columns: cols
                .into_iter()
                .map(|(n, data)| Column {
                    name: n.into(),
                    data,
                })
                .collect(),
            n_rows,
            ..Default::default()
        }
    }

    #[test]
    fn drops_rows_with_missing_cells_and_excludes_text_features() {
        let nan = f64::NAN;
        let t = table(vec![
            ("a", ColumnData::Numeric(vec![1.0, nan, 3.0, 4.0])),
            ("name", text(&[Some("p"), Some("q"), Some("r"), Some("s")])),
            ("b", ColumnData::Numeric(vec![10.0, 20.0, 30.0, 40.0])),
            ("y", text(&[Some("cat"), Some("dog"), None, Some("dog")])),
        ]);
        let d = build_dataset(&t, &Roles::default()).unwrap();
        assert_eq!(d.feature_names, vec!["a", "b"]);
        assert_eq!(d.source_rows, vec![0, 3]);
        assert_eq!(d.report.dropped_rows, 2);
        assert_eq!(d.x, ndarray::array![[1.0, 10.0], [4.0, 40.0]]);
        assert_eq!(
            d.report.excluded_columns,
            vec![(
                "name".to_string(),
                "not numeric ('x' on line 2)".to_string()
            )]
        );
        assert_eq!(
            d.target,
            Target::Classes {
                y: vec![0, 1],
                names: vec!["cat".into(), "dog".into()]
            }
        );
    }

    #[test]
    fn numeric_targets_auto_detect_classes_or_regression() {
        let t = table(vec![
            ("x", ColumnData::Numeric(vec![0.0, 1.0, 2.0, 3.0])),
            ("y", ColumnData::Numeric(vec![5.0, 2.0, 5.0, 2.0])),
        ]);
        let d = build_dataset(&t, &Roles::default()).unwrap();
        assert_eq!(
            d.target,
            Target::Classes {
                y: vec![1, 0, 1, 0],
                names: vec!["2".into(), "5".into()]
            }
        );
        let roles = Roles {
            task: TaskChoice::Regression,
            ..Default::default()
        };
        let d = build_dataset(&t, &roles).unwrap();
        assert_eq!(d.target, Target::Values(vec![5.0, 2.0, 5.0, 2.0]));

        let t = table(vec![
            ("x", ColumnData::Numeric(vec![0.0, 1.0, 2.0])),
            ("y", ColumnData::Numeric(vec![0.5, 1.5, 2.5])),
        ]);
        let d = build_dataset(&t, &Roles::default()).unwrap();
        assert_eq!(d.target.task(), Task::Regression);
    }

    #[test]
    fn readable_errors_for_impossible_roles() {
        let one = table(vec![("y", ColumnData::Numeric(vec![1.0, 2.0]))]);
        let e = build_dataset(&one, &Roles::default()).unwrap_err();
        assert!(
            e.to_string().contains("'y' is the only usable column"),
            "{e}"
        );

        let t = table(vec![
            ("x", ColumnData::Numeric(vec![1.0])),
            ("y", ColumnData::Numeric(vec![1.0])),
        ]);
        let e = build_dataset(&t, &Roles::default()).unwrap_err();
        assert_eq!(
            e,
            DataError::TooFewRows {
                kept: 1,
                total: 1,
                dropped: 0
            }
        );

        let roles = Roles {
            target: Some("nope".into()),
            ..Default::default()
        };
        let e = build_dataset(&t, &roles).unwrap_err();
        assert_eq!(e.to_string(), "no column named 'nope' (columns: x, y)");

        let t = table(vec![
            ("x", ColumnData::Numeric(vec![1.0, 2.0])),
            ("y", text(&[Some("a"), Some("b")])),
        ]);
        let roles = Roles {
            task: TaskChoice::Regression,
            ..Default::default()
        };
        assert!(
            build_dataset(&t, &roles)
                .unwrap_err()
                .to_string()
                .contains("holds text")
        );
    }

    #[test]
    fn too_many_or_too_few_classes_are_explained() {
        // 60 distinct labels: more than the 50 classes allowed.
        let labels: Vec<String> = (0..60).map(|i| format!("k{i}")).collect();
        let t = table(vec![
            ("x", ColumnData::Numeric((0..60).map(f64::from).collect())),
            (
                "y",
                text(&labels.iter().map(|s| Some(s.as_str())).collect::<Vec<_>>()),
            ),
        ]);
        let e = build_dataset(&t, &Roles::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("60 distinct values: too many classes (at most 50)"),
            "{e}"
        );

        let t = table(vec![
            ("x", ColumnData::Numeric(vec![1.0, 2.0, 3.0])),
            ("y", text(&[Some("same"), Some("same"), Some("same")])),
        ]);
        let e = build_dataset(&t, &Roles::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("single class"), "{e}");
    }

    #[test]
    fn resolve_column_accepts_names_and_indices() {
        let t = table(vec![
            ("a", ColumnData::Numeric(vec![1.0])),
            ("b", ColumnData::Numeric(vec![1.0])),
        ]);
        assert_eq!(resolve_column(&t, "b").unwrap(), "b");
        assert_eq!(resolve_column(&t, "0").unwrap(), "a");
        assert!(resolve_column(&t, "2").is_err());
    }
}

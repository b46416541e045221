//! What the user meant, not what the parser saw: property tests over many tables and
//! settings. The expected outcome of each case is known from how the case was made.

use std::collections::BTreeSet;

use proptest::prelude::*;
use ridgeline::data::csv::{CsvOptions, parse_csv};
use ridgeline::data::dataset::resolve_column;
use ridgeline::data::{
    ColumnData, DataError, Purpose, Roles, Table, Target, TaskChoice, build_dataset_for,
};
use ridgeline::estimators::svm::{Gamma, Kernel, SvmParams};
use ridgeline::progress::Progress;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Numbers,
    Text,
    /// No cell holds a value.
    Empty,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![3 => Just(Kind::Numbers), 1 => Just(Kind::Text), 2 => Just(Kind::Empty)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Columns where no cell holds a value (any missing token, or a delimiter at the end of
    /// every line) are dropped and named in one note; the others are kept in order. When
    /// every column is empty, none is dropped.
    #[test]
    fn empty_columns_are_dropped_and_named(
        kinds in prop::collection::vec(kind(), 1..7),
        rows in 1usize..15,
        trailing in any::<bool>(),
        missing in prop::collection::vec(prop::sample::select(vec!["", "NA", "null", "?", "NaN"]), 1..4),
        delimiter in prop::sample::select(vec![',', ';', '\t']),
    ) {
        let d = delimiter.to_string();
        let names: Vec<String> = (0..kinds.len()).map(|j| format!("c{j}")).collect();
        let mut text = names.join(&d);
        if trailing {
            text.push_str(&d);
        }
        text.push('\n');
        for i in 0..rows {
            let cells: Vec<String> = kinds
                .iter()
                .enumerate()
                .map(|(j, k)| match k {
                    Kind::Numbers => format!("{}", i * 7 + j),
                    Kind::Text => format!("t{i}x{j}"),
                    Kind::Empty => missing[(i + j) % missing.len()].to_string(),
                })
                .collect();
            let line = cells.join(&d);
            // A blank line is skipped wherever it is (as pandas does): not this test's subject.
            prop_assume!(trailing || !line.trim().is_empty());
            text.push_str(&line);
            if trailing {
                text.push_str(&d);
            }
            text.push('\n');
        }
        let t = parse_csv(text.as_bytes(), "e.csv", &CsvOptions { delimiter: Some(delimiter as u8), ..CsvOptions::default() }, &Progress::new())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut all_kinds = kinds.clone();
        let mut all_names = names.clone();
        if trailing {
            all_kinds.push(Kind::Empty);
            all_names.push(format!("col{}", kinds.len() + 1));
        }
        let every_empty = all_kinds.iter().all(|&k| k == Kind::Empty);
        let kept: Vec<String> = all_names
            .iter()
            .zip(&all_kinds)
            .filter(|(_, k)| every_empty || **k != Kind::Empty)
            .map(|(n, _)| n.clone())
            .collect();
        prop_assert_eq!(t.column_names(), kept);
        prop_assert_eq!(t.n_rows, rows);
        let dropped: Vec<String> = all_names
            .iter()
            .zip(&all_kinds)
            .enumerate()
            .filter(|(_, (_, k))| !every_empty && **k == Kind::Empty)
            .map(|(j, (n, _))| {
                if trailing && j == kinds.len() {
                    format!("column {} (no name)", j + 1)
                } else {
                    format!("'{n}'")
                }
            })
            .collect();
        let notes: Vec<&String> = t.notes.iter().filter(|n| n.contains("empty")).collect();
        if dropped.is_empty() {
            prop_assert!(notes.is_empty(), "{:?}", t.notes);
        } else {
            prop_assert_eq!(notes.len(), 1, "{:?}", t.notes);
            for name in dropped.iter().take(8) {
                // "Column 3 (no name) is empty" names a single column without "column ".
                let shown = name.strip_prefix("column ").unwrap_or(name);
                prop_assert!(notes[0].contains(shown), "{} not in {:?}", name, notes[0]);
            }
        }
        // An unnamed trailing column that was dropped is not also noted for its missing name.
        if trailing && !every_empty {
            prop_assert!(!t.notes.iter().any(|n| n.contains("no name in the header")), "{:?}", t.notes);
        }
    }

    /// The SVM checks only what its kernel uses: degree and coef0 under the polynomial kernel,
    /// γ under RBF and polynomial. Valid: C > 0, γ > 0, degree in 1..=10, finite coef0.
    #[test]
    fn svm_parameters_block_only_where_the_kernel_uses_them(
        kernel in prop::sample::select(vec![Kernel::Linear, Kernel::Rbf, Kernel::Poly]),
        gamma in prop_oneof![Just(f64::NAN), Just(-1.0), Just(0.0), Just(0.5), -10.0f64..10.0],
        degree in 0u32..40,
        coef0 in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), -5.0f64..5.0],
    ) {
        let p = SvmParams { kernel, gamma: Gamma::Value(gamma), degree, coef0, ..SvmParams::default() };
        let gamma_ok = kernel == Kernel::Linear || (gamma.is_finite() && gamma > 0.0);
        let poly_ok = kernel != Kernel::Poly || ((1..=10).contains(&degree) && coef0.is_finite());
        prop_assert_eq!(p.validate().is_ok(), gamma_ok && poly_ok, "{:?}", p);
    }

    /// PCA takes any target (k distinct labels, k from 1 to 80); a supervised model only one
    /// with 2 to 50 classes.
    #[test]
    fn pca_takes_any_target(k in 1usize..80, extra in 0usize..40, numeric in any::<bool>()) {
        // A data set needs two rows (one row is refused with a message: another test's subject).
        let n = (k + extra).max(2);
        let labels: Vec<usize> = (0..n).map(|i| i % k).collect();
        let target = if numeric {
            ColumnData::Numeric(labels.iter().map(|&l| l as f64).collect())
        } else {
            ColumnData::Text {
                values: labels.iter().map(|l| Some(format!("L{l}"))).collect(),
                first_non_numeric: Some((2, "L0".into())),
            }
        };
        let mut table = Table::from_numeric("t", vec![
            ("a".into(), (0..n).map(|i| i as f64).collect()),
            ("b".into(), (0..n).map(|i| (i * i % 7) as f64).collect()),
        ]);
        table.columns.push(ridgeline::data::Column { name: "y".into(), data: target });
        let roles = Roles { task: TaskChoice::Classification, ..Roles::default() };
        let ds = build_dataset_for(&table, &roles, Purpose::Unsupervised)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(ds.n_rows(), n);
        prop_assert_eq!(&ds.feature_names, &["a".to_string(), "b".to_string()]);
        match &ds.target {
            Target::Classes { y, names } => {
                prop_assert_eq!(names.len(), k);
                let distinct: BTreeSet<usize> = y.iter().copied().collect();
                prop_assert_eq!(distinct.len(), k);
            }
            other => prop_assert!(false, "{:?}", other),
        }
        let supervised = build_dataset_for(&table, &roles, Purpose::Supervised);
        prop_assert_eq!(supervised.is_ok(), (2..=50).contains(&k), "{:?}", supervised.err());
    }

    /// A column given by index: its name when in range, else the range said.
    #[test]
    fn column_indices_are_resolved_or_said_to_be_out_of_range(ncols in 1usize..12, i in 0usize..30) {
        let table = Table::from_numeric(
            "t",
            (0..ncols).map(|j| (format!("v{j}"), vec![1.0])).collect(),
        );
        match resolve_column(&table, &i.to_string()) {
            Ok(name) => prop_assert_eq!(name, format!("v{i}")),
            Err(e) => {
                prop_assert!(i >= ncols);
                let fits = matches!(
                    &e,
                    DataError::IndexOutOfRange { index, count, .. } if *index == i && *count == ncols
                );
                prop_assert!(fits, "{:?}", e);
                let msg = e.to_string();
                let prefix = format!(
                    "column index {i} is out of range: the table has {ncols} column(s), numbered 0 to {} (",
                    ncols - 1
                );
                prop_assert!(msg.starts_with(&prefix), "{}", msg);
            }
        }
        prop_assert_eq!(resolve_column(&table, &i.to_string()).is_ok(), i < ncols);
    }
}

//! The command line, run as a user runs it: the real binary, its stdout, stderr and exit code.

use serde_json::Value;
use std::time::{Duration, Instant};

use crate::common::{assert_one_line_error, json, ridgeline};

#[test]
fn datasets_lists_every_builtin() {
    let out = ridgeline(&["datasets"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "iris",
        "diabetes",
        "winequality",
        "blobs",
        "moons",
        "circles",
        "xor",
        "spiral",
        "curve",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "{name} missing from:\n{text}"
        );
    }
}

#[test]
fn inspect_iris_describes_the_table() {
    let v = json(&ridgeline(&["inspect", "--dataset", "iris"]));
    assert_eq!(v["n_rows"], 150);
    assert_eq!(v["n_features"], 4);
    assert_eq!(v["target"], "species");
    assert_eq!(v["task"], "classification");
    assert_eq!(
        v["classes"],
        serde_json::json!(["setosa", "versicolor", "virginica"])
    );
    assert_eq!(v["dropped_rows"], 0);
    assert!(v["load_ms"].as_f64().unwrap() >= 0.0);
}

#[test]
fn inspect_with_another_target_by_index() {
    // Column 0 of iris is "sepal length": continuous, so a regression target.
    let v = json(&ridgeline(&[
        "inspect",
        "--dataset",
        "iris",
        "--target",
        "0",
    ]));
    assert_eq!(v["target"], "sepal length");
    assert_eq!(v["task"], "regression");
    assert_eq!(v["n_features"], 3);
    assert_eq!(v["excluded_columns"][0]["name"], "species");
}

#[test]
fn inspect_a_generated_dataset_with_its_parameters() {
    let v = json(&ridgeline(&[
        "inspect",
        "--dataset",
        "spiral",
        "--n",
        "90",
        "--noise",
        "0.1",
        "--seed",
        "3",
    ]));
    assert_eq!(v["n_rows"], 90);
    assert_eq!(v["features"], serde_json::json!(["x1", "x2"]));
    assert_eq!(v["classes"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    assert_one_line_error(
        &ridgeline(&["inspect", "--dataset", "nope"]),
        "no built-in dataset named 'nope'",
    );
    assert_one_line_error(
        &ridgeline(&["inspect", "--dataset", "iris", "--target", "petals"]),
        "no column named 'petals'",
    );
    assert_one_line_error(
        &ridgeline(&["inspect", "--dataset", "moons", "--n", "1"]),
        "sample count",
    );
    assert_one_line_error(&ridgeline(&["inspect", "--bogus"]), "--bogus");
    assert_one_line_error(&ridgeline(&["inspect"]), "--dataset");
}

#[test]
fn a_missing_file_is_one_line_and_exit_2() {
    assert_one_line_error(
        &ridgeline(&["inspect", "--data", "/nonexistent/dir/data.csv"]),
        "data.csv",
    );
}

#[test]
fn a_directory_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = ridgeline(&["inspect", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
}

fn write_csv(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn fit_ridge_and_lasso_match_their_closed_forms() {
    // y = 2x on x = 1..4. Centred: Sxx = Σ(x − x̄)² = 5, Sxy = 10, n = 4.
    // Ridge (objective 1/(2n)‖y − Xw − b‖² + α/2 w²): w = Sxy / (Sxx + nα).
    // Lasso (α‖w‖₁): w = S(Sxy/n, α) / (Sxx/n), S the soft threshold. b = ȳ − w·x̄.
    let dir = tempfile::tempdir().unwrap();
    let data = write_csv(&dir, "line.csv", "x,y\n1,2\n2,4\n3,6\n4,8\n");
    let v = json(&ridgeline(&[
        "fit",
        "--data",
        &data,
        "--model",
        "ridge",
        "--alpha",
        "0.5",
        "--no-standardize",
        "--task",
        "regression",
    ]));
    let w = 10.0 / (5.0 + 4.0 * 0.5);
    assert!(close(v["coef"][0].as_f64().unwrap(), w, 1e-5), "{v}");
    assert!(
        close(v["intercept"].as_f64().unwrap(), 5.0 - w * 2.5, 1e-5),
        "{v}"
    );

    let v = json(&ridgeline(&[
        "fit",
        "--data",
        &data,
        "--model",
        "lasso",
        "--alpha",
        "0.5",
        "--no-standardize",
        "--task",
        "regression",
    ]));
    let w = (10.0 / 4.0 - 0.5) / (5.0 / 4.0);
    assert!(close(v["coef"][0].as_f64().unwrap(), w, 1e-5), "{v}");
    assert!(
        close(v["intercept"].as_f64().unwrap(), 5.0 - w * 2.5, 1e-5),
        "{v}"
    );
    assert_eq!(v["n_nonzero"], 1);
    // R² by hand: ŷ = 1.6x + 1 gives 2.6, 4.2, 5.8, 7.4 against 2, 4, 6, 8:
    // SSE = 0.36 + 0.04 + 0.04 + 0.36 = 0.8, SST = 20, so R² = 0.96 and MSE = 0.2.
    assert!(close(v["r2"].as_f64().unwrap(), 0.96, 1e-6), "{v}");
    assert!(close(v["mse"].as_f64().unwrap(), 0.2, 1e-6), "{v}");
}

#[test]
fn fit_pca_of_a_known_cross() {
    // Points (±3, 0) and (0, ±1): sample variances 18/3 = 6 and 2/3, total 20/3.
    let dir = tempfile::tempdir().unwrap();
    let data = write_csv(
        &dir,
        "cross.csv",
        "a,b,label\n3,0,p\n-3,0,p\n0,1,q\n0,-1,q\n",
    );
    let v = json(&ridgeline(&[
        "fit",
        "--data",
        &data,
        "--model",
        "pca",
        "--components",
        "2",
        "--no-standardize",
    ]));
    let ev: Vec<f64> = serde_json::from_value(v["explained_variance"].clone()).unwrap();
    let ratio: Vec<f64> = serde_json::from_value(v["explained_variance_ratio"].clone()).unwrap();
    assert!(
        close(ev[0], 6.0, 1e-9) && close(ev[1], 2.0 / 3.0, 1e-9),
        "{ev:?}"
    );
    assert!(
        close(ratio[0], 0.9, 1e-9) && close(ratio[1], 0.1, 1e-9),
        "{ratio:?}"
    );
    // Singular values of the centred data: √(λ·(n − 1)) = √18 and √2.
    let sv: Vec<f64> = serde_json::from_value(v["singular_values"].clone()).unwrap();
    assert!(close(sv[0], 18f64.sqrt(), 1e-9) && close(sv[1], 2f64.sqrt(), 1e-9));
    assert_eq!(v["components"][0], serde_json::json!([1.0, 0.0]));
}

#[test]
fn fit_a_linear_svm_on_two_points() {
    // Two points at x = ±1: the maximum-margin separator is x = 0 and both are support vectors.
    let dir = tempfile::tempdir().unwrap();
    let data = write_csv(&dir, "two.csv", "x,y\n-1,neg\n1,pos\n");
    let v = json(&ridgeline(&[
        "fit",
        "--data",
        &data,
        "--model",
        "svm",
        "--kernel",
        "linear",
        "--c",
        "10",
        "--no-standardize",
    ]));
    assert_eq!(v["n_support"], 2);
    assert_eq!(v["accuracy"], 1.0);
    assert_eq!(v["classes"], serde_json::json!(["neg", "pos"]));
}

#[test]
fn fit_with_a_split_and_cross_validation() {
    let v = json(&ridgeline(&[
        "fit",
        "--dataset",
        "iris",
        "--model",
        "logistic",
        "--c",
        "1",
        "--test-size",
        "0.2",
        "--cv",
        "5",
    ]));
    // 150 rows, 20 % stratified: round(0.2 · 50) = 10 per species held out.
    assert_eq!(v["n_samples"], 120);
    assert_eq!(v["n_test"], 30);
    assert_eq!(
        v["coef"].as_array().unwrap().len(),
        3,
        "softmax: one row per class"
    );
    let folds: Vec<f64> = serde_json::from_value(v["cv"]["folds"].clone()).unwrap();
    assert_eq!(folds.len(), 5);
    let mean = folds.iter().sum::<f64>() / 5.0;
    assert!(close(v["cv"]["mean"].as_f64().unwrap(), mean, 1e-12));
    let (lo, hi) = (
        v["cv"]["ci95"][0].as_f64().unwrap(),
        v["cv"]["ci95"][1].as_f64().unwrap(),
    );
    assert!(lo <= mean && mean <= hi);
    // Logistic regression separates iris well (published accuracies are ~0.95+).
    assert!(v["test_accuracy"].as_f64().unwrap() > 0.85, "{v}");
    assert!(v["log_loss"].as_f64().unwrap() > 0.0);
}

#[test]
fn fit_errors_are_one_line_and_exit_2() {
    assert_one_line_error(
        &ridgeline(&["fit", "--dataset", "diabetes", "--model", "svm"]),
        "needs class labels",
    );
    assert_one_line_error(
        &ridgeline(&["fit", "--dataset", "iris", "--model", "svm", "--c", "0"]),
        "C must be",
    );
    assert_one_line_error(
        &ridgeline(&[
            "fit",
            "--dataset",
            "iris",
            "--model",
            "logistic",
            "--test-size",
            "2",
        ]),
        "--test-size",
    );
    assert_one_line_error(
        &ridgeline(&[
            "fit",
            "--dataset",
            "iris",
            "--model",
            "pca",
            "--components",
            "9",
        ]),
        "n_components",
    );
    assert_one_line_error(
        &ridgeline(&[
            "fit",
            "--dataset",
            "iris",
            "--model",
            "svm",
            "--gamma",
            "wide",
        ]),
        "--gamma",
    );
    assert_one_line_error(
        &ridgeline(&["fit", "--dataset", "iris", "--model", "knn"]),
        "knn",
    );
}

#[test]
fn a_bad_window_argument_is_one_line_and_exit_2() {
    // Checked before any window opens (this test needs no display).
    assert_one_line_error(
        &ridgeline(&["--dataset", "nope"]),
        "no built-in dataset named 'nope'",
    );
    assert_one_line_error(&ridgeline(&["--view", "bogus"]), "bogus");
}

/// A 4-row file whose lasso α_max is worked out by hand: with population-σ z-scores,
/// z₁ = (x₁ − 2.5)/√1.25 and centred y = (−2, 0, −1, 3), z₁ᵀy = (3 + 0 − 0.5 + 4.5)/√1.25 =
/// 7/√1.25, z₂ᵀy = 2 + 0 + 1 + 3 = 6 < 7/√1.25, so α_max = max|zⱼᵀy|/(n·ρ) = 7/(4√1.25).
fn tiny_regression() -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::io::Write::write_all(&mut f, b"x1,x2,y\n1,0,1\n2,1,3\n3,0,2\n4,1,6\n").unwrap();
    f
}

#[test]
fn path_starts_at_the_hand_worked_alpha_max_on_a_log_grid() {
    let f = tiny_regression();
    let file = f.path().to_str().unwrap();
    let v = json(&ridgeline(&[
        "path",
        "--data",
        file,
        "--task",
        "regression",
        "--model",
        "lasso",
        "--n-alphas",
        "5",
    ]));
    let alpha_max = 7.0 / (4.0 * 1.25f64.sqrt());
    let alphas: Vec<f64> = serde_json::from_value(v["alphas"].clone()).unwrap();
    assert_eq!(alphas.len(), 5);
    for (k, a) in alphas.iter().enumerate() {
        // α_max down to α_max·1e-3, evenly spaced in log10: a factor 10^-0.75 per step.
        let expected = alpha_max * 10f64.powf(-0.75 * k as f64);
        assert!(
            (a / expected - 1.0).abs() < 1e-9,
            "α[{k}] = {a}, not {expected}"
        );
    }
    assert_eq!(v["coefs"][0], serde_json::json!([0.0, 0.0]));
    assert_eq!(v["n_nonzero"][0], 0);
    assert!(v["path_ms"].as_f64().unwrap() >= 0.0);
    assert!(v.get("cv_mean").is_none(), "no CV unless asked");

    // Just below α_max only x₁ (the larger |zⱼᵀy|) has left zero.
    let just = format!("{},{}", alpha_max * 1.0001, alpha_max * 0.9999);
    let v = json(&ridgeline(&[
        "path",
        "--data",
        file,
        "--task",
        "regression",
        "--model",
        "lasso",
        "--alphas",
        &just,
        "--tol",
        "1e-10",
    ]));
    assert_eq!(v["coefs"][0], serde_json::json!([0.0, 0.0]));
    let w = v["coefs"][1].as_array().unwrap();
    assert!(
        w[0].as_f64().unwrap() > 0.0 && w[1].as_f64().unwrap() == 0.0,
        "{w:?}"
    );
}

#[test]
fn path_with_cv_reports_the_band_and_the_chosen_alphas_and_csv_has_a_row_per_alpha() {
    let v = json(&ridgeline(&[
        "path",
        "--dataset",
        "diabetes",
        "--model",
        "elasticnet",
        "--l1-ratio",
        "0.5",
        "--n-alphas",
        "20",
        "--cv",
        "5",
    ]));
    let mean: Vec<f64> = serde_json::from_value(v["cv_mean"].clone()).unwrap();
    let lo: Vec<f64> = serde_json::from_value(v["cv_lo"].clone()).unwrap();
    let hi: Vec<f64> = serde_json::from_value(v["cv_hi"].clone()).unwrap();
    let alphas: Vec<f64> = serde_json::from_value(v["alphas"].clone()).unwrap();
    assert_eq!((mean.len(), lo.len(), hi.len()), (20, 20, 20));
    assert!((0..20).all(|i| lo[i] <= mean[i] && mean[i] <= hi[i]));
    // The best α has the smallest mean CV error; the 1-SE α is at least as large.
    let best = v["alpha_best"].as_f64().unwrap();
    let i_best = alphas.iter().position(|&a| a == best).unwrap();
    assert!(mean.iter().all(|&m| m >= mean[i_best]));
    assert!(v["alpha_1se"].as_f64().unwrap() >= best);
    assert_eq!(v["cv_metric"], "mse");
    assert_eq!(v["l1_ratio"], 0.5);

    let out = ridgeline(&[
        "path",
        "--dataset",
        "diabetes",
        "--model",
        "ridge",
        "--n-alphas",
        "7",
        "--format",
        "csv",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "a header and one row per α");
    assert!(lines[0].starts_with("alpha,n_nonzero,age,sex,"));
    assert_eq!(lines[1].split(',').count(), 2 + 10);
}

#[test]
fn path_bad_input_is_one_line() {
    assert_one_line_error(
        &ridgeline(&[
            "path",
            "--dataset",
            "diabetes",
            "--model",
            "ridge",
            "--l1-ratio",
            "0.5",
        ]),
        "--l1-ratio is fixed",
    );
    assert_one_line_error(
        &ridgeline(&[
            "path",
            "--dataset",
            "diabetes",
            "--model",
            "lasso",
            "--cv",
            "1",
        ]),
        "at least 2",
    );
    assert_one_line_error(
        &ridgeline(&[
            "path",
            "--dataset",
            "diabetes",
            "--model",
            "lasso",
            "--alphas",
            "1,-1",
        ]),
        ">= 0",
    );
    assert_one_line_error(
        &ridgeline(&["path", "--dataset", "iris", "--model", "lasso"]),
        "regression",
    );
    assert_one_line_error(
        &ridgeline(&["path", "--dataset", "diabetes", "--model", "svm"]),
        "svm",
    );
}

fn floats(v: &Value, key: &str) -> Vec<f64> {
    serde_json::from_value(v[key].clone()).unwrap_or_else(|_| panic!("{key} in {v}"))
}

#[test]
fn fit_with_cv_reports_its_time() {
    let v = json(&ridgeline(&[
        "fit",
        "--dataset",
        "iris",
        "--model",
        "logistic",
        "--cv",
        "3",
    ]));
    assert!(v["cv_ms"].as_f64().unwrap() >= 0.0, "{v}");
    assert_eq!(v["cv"]["folds"].as_array().unwrap().len(), 3);
}

#[test]
fn curve_validation_json_agrees_with_fit_cv() {
    let v = json(&ridgeline(&[
        "curve",
        "--dataset",
        "iris",
        "--model",
        "logistic",
        "--kind",
        "validation",
        "--param",
        "c",
        "--values",
        "0.1,1,10",
        "--cv",
        "3",
    ]));
    assert_eq!(floats(&v, "values"), vec![0.1, 1.0, 10.0]);
    assert_eq!(v["metric"], "accuracy");
    assert_eq!(v["param"], "c");
    for key in [
        "train_mean",
        "train_lo",
        "train_hi",
        "cv_mean",
        "cv_lo",
        "cv_hi",
    ] {
        assert_eq!(floats(&v, key).len(), 3, "{key}");
    }
    let (mean, lo, hi) = (
        floats(&v, "cv_mean"),
        floats(&v, "cv_lo"),
        floats(&v, "cv_hi"),
    );
    assert!((0..3).all(|i| lo[i] <= mean[i] && mean[i] <= hi[i]));
    assert!(v["curve_ms"].as_f64().unwrap() >= 0.0);
    // At C = 1 the curve is what `fit --cv 3` reports (same seed, same folds).
    let fit = json(&ridgeline(&[
        "fit",
        "--dataset",
        "iris",
        "--model",
        "logistic",
        "--c",
        "1",
        "--cv",
        "3",
    ]));
    assert_eq!(v["cv_folds"][1], fit["cv"]["folds"]);
    assert_eq!(mean[1], fit["cv"]["mean"].as_f64().unwrap());
}

#[test]
fn curve_learning_json_has_the_sizes() {
    // iris, 4 folds of 38, 38, 37, 37 rows: training parts of at least 112 rows.
    let v = json(&ridgeline(&[
        "curve",
        "--dataset",
        "iris",
        "--model",
        "logistic",
        "--kind",
        "learning",
        "--sizes",
        "0.25,0.5,1",
        "--cv",
        "4",
    ]));
    assert_eq!(v["sizes"], serde_json::json!([28, 56, 112]));
    assert_eq!(floats(&v, "cv_mean").len(), 3);
    assert_eq!(v["metric"], "accuracy");
    assert!(v.get("values").is_none());
}

#[test]
fn curve_csv_is_a_header_and_one_row_per_value() {
    let out = ridgeline(&[
        "curve",
        "--dataset",
        "diabetes",
        "--model",
        "lasso",
        "--kind",
        "validation",
        "--param",
        "alpha",
        "--values",
        "0.1,1",
        "--cv",
        "3",
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("value,train_mean,train_lo,train_hi,cv_mean,cv_lo,cv_hi"));
    let cols = lines[0].split(',').count();
    for (line, value) in lines[1..].iter().zip(["0.1", "1.0"]) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), cols, "{line}");
        assert_eq!(cells[0], value);
        assert_eq!(*cells.last().unwrap(), "r2");
        let r2: f64 = cells[4].parse().unwrap();
        assert!(r2 > 0.0 && r2 < 1.0, "{line}");
    }
}

#[test]
fn curve_errors_are_one_line_and_exit_2() {
    let curve = |extra: &[&str]| {
        let mut args = vec!["curve", "--dataset", "iris", "--model", "logistic"];
        args.extend_from_slice(extra);
        ridgeline(&args)
    };
    assert_one_line_error(
        &curve(&["--kind", "validation", "--param", "gamma", "--values", "1"]),
        "gamma is not a parameter of Logistic regression",
    );
    assert_one_line_error(
        &curve(&["--kind", "validation", "--param", "bogus", "--values", "1"]),
        "bogus",
    );
    assert_one_line_error(
        &curve(&["--kind", "validation", "--param", "c", "--values", "1,abc"]),
        "abc",
    );
    assert_one_line_error(
        &curve(&["--kind", "validation", "--param", "c", "--values", "1,-2"]),
        "C must be",
    );
    assert_one_line_error(&curve(&["--kind", "validation"]), "--param");
    assert_one_line_error(
        &curve(&["--kind", "learning", "--sizes", "0.5,1.5"]),
        "fractions must be in (0, 1]",
    );
    assert_one_line_error(&curve(&["--kind", "learning", "--cv", "1"]), "cv folds");
}

#[test]
fn a_bare_file_argument_is_the_window_s_data_and_conflicts_are_one_line() {
    // What a file manager's "Open with" passes; with a built-in dataset it is a conflict.
    assert_one_line_error(
        &ridgeline(&["some.csv", "--dataset", "iris"]),
        "cannot be used with",
    );
    assert_one_line_error(
        &ridgeline(&["--target", "y"]),
        "--target names a column of a file",
    );
    // Subcommands are still subcommands.
    let v = json(&ridgeline(&["inspect", "--dataset", "iris"]));
    assert_eq!(v["n_rows"], 150);
}

// --- Numbers are finite and honest; what the user meant ----------------------------------

/// A built-in dataset as a CSV file, its feature columns multiplied by `scale`.
fn scaled_copy(dir: &tempfile::TempDir, dataset: &str, scale: f64) -> (String, Vec<String>) {
    use ridgeline::data::ColumnData;
    use ridgeline::data::builtin::Builtin;
    let table = Builtin::from_name(dataset, 300, None, 0)
        .unwrap()
        .load()
        .unwrap();
    let last = table.columns.len() - 1;
    let mut text = table.column_names().join(",");
    text.push('\n');
    for i in 0..table.n_rows {
        let cells: Vec<String> = table
            .columns
            .iter()
            .enumerate()
            .map(|(j, c)| match &c.data {
                ColumnData::Numeric(v) if j < last => format!("{:e}", v[i] * scale),
                ColumnData::Numeric(v) => format!("{}", v[i]),
                ColumnData::Text { values, .. } => values[i].clone().unwrap_or_default(),
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    let name = format!("{dataset}-{scale:e}.csv");
    (write_csv(dir, &name, &text), table.column_names())
}

/// Every number of `v` (recursively), with its key path; panics on a null.
fn numbers(v: &Value, path: &str, out: &mut Vec<(String, f64)>) {
    match v {
        Value::Null => panic!("{path} is null (a number that is not finite)"),
        Value::Number(n) => out.push((path.to_string(), n.as_f64().unwrap())),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| numbers(x, &format!("{path}[{i}]"), out)),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| numbers(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

#[test]
fn fit_on_a_1e300_copy_gives_the_unscaled_answers_or_one_line() {
    // Standardised, a model cannot tell x from 1e300·x: every number it reports (save the
    // timings) is the one it reports on x itself. Unstandardised, 1e300 is refused with the
    // column named.
    let dir = tempfile::tempdir().unwrap();
    for (dataset, models) in [
        ("iris", &["svm", "logistic", "pca"][..]),
        ("diabetes", &["elasticnet", "lasso", "ridge", "pca"][..]),
    ] {
        let (plain, names) = scaled_copy(&dir, dataset, 1.0);
        let (huge, _) = scaled_copy(&dir, dataset, 1e300);
        let (tiny, _) = scaled_copy(&dir, dataset, 1e-300);
        for model in models {
            let args = |data: &str| {
                let mut a = vec!["fit", "--data"];
                a.push(Box::leak(data.to_string().into_boxed_str()));
                a.extend(["--model", model, "--test-size", "0.25", "--cv", "3"]);
                if *model == "logistic" {
                    // linfa's line search looped on these at once.
                    a.extend(["--max-iter", "5"]);
                }
                a
            };
            let mut reference = Vec::new();
            numbers(&json(&ridgeline(&args(&plain))), "", &mut reference);
            for data in [&huge, &tiny] {
                let mut got = Vec::new();
                numbers(&json(&ridgeline(&args(data))), "", &mut got);
                assert_eq!(got.len(), reference.len(), "{dataset} {model}");
                for ((key, a), (_, b)) in got.iter().zip(&reference) {
                    // Timings differ, and so may the solvers' step counts and the SVM's ρ,
                    // which SMO pins down only to its tol (10^300 is not a power of two: the
                    // z-scores differ in their last bits).
                    if key.ends_with("_ms") || key.ends_with("n_iter") || key.contains("rho") {
                        continue;
                    }
                    assert!(
                        (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                        "{dataset} {model} {key}: {a} vs {b}"
                    );
                }
            }
            let raw = ridgeline(&["fit", "--data", &huge, "--model", model, "--no-standardize"]);
            assert_one_line_error(
                &raw,
                &format!("feature '{}' has values as large as", names[0]),
            );
        }
    }
}

#[test]
fn pca_takes_any_target_and_the_classifiers_say_why_they_cannot() {
    // The cross (±3, 0), (0, ±1): sample variances 6 and 2/3 whatever the last column holds.
    let dir = tempfile::tempdir().unwrap();
    let one = write_csv(&dir, "one.csv", "a,b,kind\n3,0,x\n-3,0,x\n0,1,x\n0,-1,x\n");
    let labels: String = (0..60)
        .map(|i| format!("{},{},k{i}\n", [3, -3, 0, 0][i % 4], [0, 0, 1, -1][i % 4]))
        .collect();
    let many = write_csv(&dir, "many.csv", &format!("a,b,kind\n{labels}"));
    for (data, classes) in [(&one, 1), (&many, 60)] {
        let v = json(&ridgeline(&[
            "fit",
            "--data",
            data,
            "--model",
            "pca",
            "--no-standardize",
        ]));
        let ev = floats(&v, "explained_variance");
        // 60 rows: Σa² = 15·18 = 270 over 59, Σb² = 30 over 59.
        let (l1, l2) = if classes == 1 {
            (6.0, 2.0 / 3.0)
        } else {
            (270.0 / 59.0, 30.0 / 59.0)
        };
        assert!(close(ev[0], l1, 1e-9) && close(ev[1], l2, 1e-9), "{ev:?}");
        assert_eq!(v["classes"].as_array().unwrap().len(), classes);
    }
    assert_one_line_error(
        &ridgeline(&["fit", "--data", &one, "--model", "svm"]),
        "target 'kind' has a single class",
    );
    assert_one_line_error(
        &ridgeline(&["fit", "--data", &many, "--model", "logistic"]),
        "60 distinct values: too many classes",
    );
}

#[test]
fn a_parameter_the_kernel_does_not_use_does_not_block_the_fit() {
    let fit = |extra: &[&str]| {
        let mut a = vec!["fit", "--dataset", "iris", "--model", "svm"];
        a.extend(extra);
        ridgeline(&a)
    };
    for extra in [
        &["--kernel", "rbf", "--degree", "0"][..],
        &["--kernel", "rbf", "--coef0", "nan"][..],
        &["--kernel", "linear", "--gamma=-1", "--degree", "99"][..],
    ] {
        let v = json(&fit(extra));
        assert!(v["accuracy"].as_f64().unwrap() > 0.9, "{extra:?}: {v}");
    }
    assert_one_line_error(
        &fit(&["--kernel", "poly", "--degree", "0"]),
        "degree must be",
    );
    assert_one_line_error(&fit(&["--kernel", "rbf", "--gamma=-1"]), "gamma must be");
}

#[test]
fn errors_speak_the_command_line() {
    for (args, needs, hint) in [
        (
            ["--dataset", "diabetes", "--model", "svm"],
            "SVM (C-SVC) needs class labels, not a numeric target",
            "--task classification",
        ),
        (
            ["--dataset", "iris", "--model", "ridge"],
            "Elastic net needs a numeric (regression) target, not class labels",
            "--task regression",
        ),
    ] {
        let mut a = vec!["fit"];
        a.extend(args);
        let out = ridgeline(&a);
        assert_one_line_error(&out, needs);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--target COL") && err.contains(hint), "{err}");
        assert!(!err.contains("panel"), "{err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let data = write_csv(&dir, "abc.csv", "a,b,y\n1,2,0\n3,4,1\n");
    assert_one_line_error(
        &ridgeline(&["inspect", "--data", &data, "--target", "9"]),
        "column index 9 is out of range: the table has 3 column(s), numbered 0 to 2 (a, b, y)",
    );
    let quoted = write_csv(&dir, "q.csv", "a,b,y\n1,2,0\n3,\"4,1\n5,6,0\n");
    assert_one_line_error(
        &ridgeline(&["inspect", "--data", &quoted]),
        "q.csv line 3: a quoted field starts here and is never closed",
    );
}

#[test]
fn fit_reports_dropped_rows_excluded_columns_and_notes_as_inspect_does() {
    // Line 3 has a = NA, line 4 has b empty: 2 of 6 rows dropped. "name" is text (its first
    // cell 'x' on line 2). A delimiter ends every line: an empty unnamed column, dropped.
    let dir = tempfile::tempdir().unwrap();
    let data = write_csv(
        &dir,
        "d.csv",
        "a,name,b,y,\n1,x,2,0,\nNA,y,3,1,\n3,z,,0,\n4,w,5,1,\n5,v,6,0,\n6,u,7,1,\n",
    );
    let inspect = json(&ridgeline(&["inspect", "--data", &data, "--target", "y"]));
    let fit = json(&ridgeline(&[
        "fit", "--data", &data, "--target", "y", "--model", "logistic",
    ]));
    for v in [&inspect, &fit] {
        assert_eq!(v["dropped_rows"], 2, "{v}");
        assert_eq!(
            v["excluded_columns"],
            serde_json::json!([{ "name": "name", "reason": "not numeric ('x' on line 2)" }])
        );
        assert_eq!(
            v["notes"],
            serde_json::json!([
                "Column 5 (no name) is empty (every line ends with a delimiter): no cell holds \
                 a value, so it was dropped."
            ])
        );
    }
    assert_eq!(fit["n_samples"], 4);
}

#[test]
fn a_test_size_that_leaves_no_test_row_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let reg = write_csv(
        &dir,
        "r.csv",
        "x,y\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n5,5.5\n6,6.5\n",
    );
    let cls = write_csv(&dir, "c.csv", "x,y\n1,a\n2,a\n3,a\n4,b\n5,b\n6,b\n");
    let fit = |data: &str, model: &str, f: &str| {
        ridgeline(&["fit", "--data", data, "--model", model, "--test-size", f])
    };
    // round(0.05 · 6) = 0 test rows; 0.5/6 = 0.0833… is the least that rounds to one row.
    assert_one_line_error(
        &fit(&reg, "ridge", "0.05"),
        "--test-size 0.05 leaves no test row (6 rows): use at least 0.0834",
    );
    // Per class: round(0.1 · 3) = 0; 0.5/3 rounds up to 0.167.
    assert_one_line_error(
        &fit(&cls, "logistic", "0.1"),
        "--test-size 0.1 leaves no test row (6 rows, held out within each class): use at least 0.167",
    );
    // round(0.2 · 6) = 1 row: R² needs 2 (1.5/6 = 0.25).
    assert_one_line_error(
        &fit(&reg, "ridge", "0.2"),
        "--test-size 0.2 leaves 1 test row, and R² is not defined on one row: use at least 0.25",
    );
    // Found by the fuzz test: a tiny share was printed with its 300 digits.
    let tiny = format!("0.{}13", "0".repeat(300));
    assert_one_line_error(
        &fit(&cls, "logistic", &tiny),
        "--test-size 1.3e-301 leaves no test row",
    );
    let v = json(&fit(&reg, "ridge", "0.25"));
    assert_eq!(v["n_test"], 2);
    assert_eq!(json(&fit(&cls, "logistic", "0.167"))["n_test"], 2);
    // Cross-validated R² on folds of one row is refused too.
    assert_one_line_error(
        &ridgeline(&["fit", "--data", &reg, "--model", "ridge", "--cv", "6"]),
        "R² is not defined on a held-out fold of one row: 6 folds of 6 rows leave some folds with a single row; use at most 3 folds",
    );
}

#[test]
fn path_stops_at_its_time_limit_with_what_it_has_and_says_so() {
    // A finished path is complete and has nothing to say.
    let v = json(&ridgeline(&[
        "path",
        "--dataset",
        "diabetes",
        "--model",
        "lasso",
        "--cv",
        "3",
    ]));
    assert_eq!(v["complete"], true);
    assert_eq!(v["notes"].as_array().unwrap().len(), 0);

    // Ten-fold logistic CV on wine quality takes seconds; a millisecond's budget stops it
    // either before the first α (a one-line error) or part-way (what it has, said).
    let stopped_path = [
        "path",
        "--dataset",
        "winequality",
        "--model",
        "logistic",
        "--cv",
        "10",
        "--time-limit",
        "0.001",
    ];
    let start = Instant::now();
    let out = ridgeline(&stopped_path);
    assert!(start.elapsed() < Duration::from_secs(30), "it stopped");
    if out.status.code() == Some(2) {
        assert_one_line_error(
            &out,
            "the time limit (0.001 s) was reached before the first α",
        );
    } else {
        let v = json(&out);
        assert_eq!(v["complete"], false);
        let note = v["notes"][0].as_str().unwrap();
        assert!(
            note.starts_with("the time limit (0.001 s) was reached"),
            "{note}"
        );
        // The whole grid, and the results of the α computed before the limit.
        let grid = v["alphas"].as_array().unwrap().len();
        let done = v["coefs"].as_array().unwrap().len();
        assert!(done >= 1 && done <= grid, "{done} of {grid}");
        assert_eq!(v["n_nonzero"].as_array().unwrap().len(), done);
        assert!(
            note.contains(&format!("{done} of {grid} α on the path")),
            "{note}"
        );
    }
    // The table of a stopped path has a row per α computed (it once indexed past them).
    let csv = ridgeline(&[&stopped_path[..], &["--format", "csv"]].concat());
    let err = String::from_utf8_lossy(&csv.stderr);
    assert!(!err.contains("panicked"), "{err}");
    match csv.status.code() {
        Some(0) => {
            assert!(
                err.starts_with("warning: the time limit (0.001 s) was reached"),
                "{err}"
            );
            let text = String::from_utf8_lossy(&csv.stdout);
            assert!(
                text.lines().count() >= 2,
                "a header and at least one α: {text}"
            );
        }
        Some(2) => assert_one_line_error(&csv, "before the first α"),
        other => panic!("exit {other:?}: {err}"),
    }
}

#[test]
fn one_engine_flag_is_checked_per_model() {
    // Both SVM engines fit two moons to the same support set size.
    let fit = |engine: &str| {
        json(&ridgeline(&[
            "fit",
            "--dataset",
            "moons",
            "--model",
            "svm",
            "--engine",
            engine,
        ]))
    };
    let (smo, linfa) = (fit("smo"), fit("linfa"));
    assert_eq!(smo["engine"], "smo");
    assert_eq!(linfa["engine"], "linfa");
    assert_eq!(smo["n_support"], linfa["n_support"]);
    // A PCA engine for the SVM is refused in the SVM's own terms.
    assert_one_line_error(
        &ridgeline(&[
            "fit",
            "--dataset",
            "moons",
            "--model",
            "svm",
            "--engine",
            "ridgeline",
        ]),
        "--engine for --model svm is smo or linfa, got \"ridgeline\"",
    );
}

#[test]
fn every_subcommand_takes_the_data_as_its_first_argument() {
    // A file given positionally is the same as --data FILE; a built-in's name the same as
    // --dataset NAME; anything else is one line naming both kinds.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiny.csv");
    std::fs::write(
        &file,
        "a,b,y\n1,2,3.5\n2,1,2.0\n3,5,8.1\n4,3,6.9\n5,8,13.2\n6,2,7.7\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let path_args = ["--model", "ridge", "--alphas", "10,1,0.1"];
    let positional = json(&ridgeline(&[&["path", f][..], &path_args].concat()));
    let flagged = json(&ridgeline(
        &[&["path", "--data", f][..], &path_args].concat(),
    ));
    assert_eq!(positional["coefs"], flagged["coefs"]);
    assert_eq!(positional["alphas"], serde_json::json!([10.0, 1.0, 0.1]));
    let by_name = json(&ridgeline(&["fit", "iris", "--model", "logistic"]));
    let by_flag = json(&ridgeline(&[
        "fit",
        "--dataset",
        "iris",
        "--model",
        "logistic",
    ]));
    assert_eq!(by_name["coef"], by_flag["coef"]);
    assert_eq!(by_name["n_samples"], 150);
    let out = ridgeline(&[
        "curve",
        "no-such-thing",
        "--model",
        "lasso",
        "--kind",
        "learning",
    ]);
    assert_one_line_error(&out, "neither a file nor a built-in dataset");
    let out = ridgeline(&["inspect", "iris", "--dataset", "iris"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_window_size_that_cannot_be_is_refused_before_any_window() {
    for bad in ["1920", "10x10", "axb", "1920x99999"] {
        let out = ridgeline(&["--size", bad, "--dataset", "iris"]);
        assert_one_line_error(&out, bad);
    }
}

//! The command line, run as a user runs it: the real binary, its stdout, stderr and exit code.

use std::process::{Command, Output};

use serde_json::Value;

fn ridgeline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ridgeline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

/// Bad input: exit code 2 and exactly one line on stderr that says what is wrong.
fn assert_one_line_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "exit code");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
}

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

//! Random parameters through every subcommand of the real binary, on small built-in data. Each
//! run is guarded by a timeout (killed past it: a failure): it must end with either exit 0 and
//! one JSON object whose numbers are all finite, or exit 2 and exactly one line on stderr.
//! `RIDGELINE_FUZZ_CASES=N` runs N cases instead of 64; `RIDGELINE_FUZZ_LOG=1` prints each run.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde_json::Value;

/// Longest a single run may take.
const TIMEOUT: Duration = Duration::from_secs(30);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run the binary; `None` when it had to be killed after [`TIMEOUT`].
fn run_guarded(args: &[String], timeout: Duration) -> Option<Run> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ridgeline"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let reader_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = String::from_utf8_lossy(&reader_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&reader_err.join().unwrap()).into_owned();
    status.map(|s| Run {
        code: s.code(),
        stdout,
        stderr,
    })
}

/// Keys whose null means "does not apply" (`inspect`'s classes of a regression target).
const NULL_MEANS_NONE: &[&str] = &[".classes"];

/// The path of the first null (a non-finite number serialised as JSON can only be null) or
/// non-finite number.
fn first_non_finite(v: &Value, path: &str) -> Option<String> {
    match v {
        Value::Null => (!NULL_MEANS_NONE.contains(&path)).then(|| path.to_string()),
        Value::Number(n) => (!n.as_f64().is_some_and(f64::is_finite)).then(|| path.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| first_non_finite(x, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .find_map(|(k, x)| first_non_finite(x, &format!("{path}.{k}"))),
        _ => None,
    }
}

/// A number as a user might type one: ordinary, zero, negative, tiny, huge, not finite, not a
/// number at all.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0.01f64..10.0).prop_map(|v| format!("{v}")),
        1 => (-10.0f64..10.0).prop_map(|v| format!("{v}")),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
        1 => prop::sample::select(vec![
            "0", "-0", "-1", "1e-12", "1e-308", "5e-324", "1e308", "1.7976931348623157e308", "1e309",
            "NaN", "nan", "inf", "-inf", "infinity", "abc", "", "0x10",
        ])
        .prop_map(str::to_string),
    ]
}

/// A count as a user might type one.
fn count() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0u64..12).prop_map(|v| v.to_string()),
        1 => (0u64..200).prop_map(|v| v.to_string()),
        1 => prop::sample::select(vec![
            "-1", "4294967295", "4294967296", "18446744073709551615", "18446744073709551616",
            "1e3", "1.5", "nan", "inf",
        ])
        .prop_map(str::to_string),
    ]
}

/// A comma-separated list of 1 to 4 numbers.
fn list() -> impl Strategy<Value = String> {
    prop::collection::vec(number(), 1..4).prop_map(|v| v.join(","))
}

/// The data: a small built-in or generated dataset that suits the model (`class`: a
/// classifier; `None`: any), and sometimes one that does not.
fn data(class: Option<bool>) -> impl Strategy<Value = Vec<String>> {
    let names: Vec<&'static str> = match class {
        Some(true) => vec!["iris", "moons", "blobs", "xor", "circles", "spiral"],
        Some(false) => vec!["diabetes", "curve"],
        None => vec!["iris", "diabetes", "moons", "blobs", "curve"],
    };
    let any = vec!["iris", "diabetes", "winequality", "moons", "curve"];
    (
        prop_oneof![6 => prop::sample::select(names), 1 => prop::sample::select(any)],
        prop_oneof![3 => (20u64..200).prop_map(|v| v.to_string()), 1 => count()],
        prop_oneof![3 => (0.0f64..0.5).prop_map(|v| v.to_string()), 1 => number()],
        prop::bool::weighted(0.8),
    )
        .prop_map(|(name, n, noise, sized)| {
            let mut a = vec!["--dataset".to_string(), name.to_string()];
            let generated = !matches!(name, "iris" | "diabetes" | "winequality");
            if generated && sized {
                a.extend([format!("--n={n}"), format!("--noise={noise}")]);
            }
            a
        })
}

/// Each flag with probability `p`, with a random value (`--name=value`, so that negative
/// numbers reach the program).
fn flags(names: &'static [(&'static str, u8)], p: f64) -> impl Strategy<Value = Vec<String>> {
    let each: Vec<_> = names
        .iter()
        .map(|&(name, kind)| {
            let value: BoxedStrategy<String> = match kind {
                0 => number().boxed(),
                1 => count().boxed(),
                2 => list().boxed(),
                _ => Just(String::new()).boxed(),
            };
            prop::option::weighted(p, value).prop_map(move |v| match v {
                None => vec![],
                Some(_) if kind == 3 => vec![format!("--{name}")],
                Some(v) => vec![format!("--{name}={v}")],
            })
        })
        .collect();
    each.prop_map(|v| v.concat())
}

/// A model, its own flags (each with probability ½) and, rarely, another model's.
fn model() -> impl Strategy<Value = Vec<String>> {
    const SVM: &[(&str, u8)] = &[
        ("c", 0),
        ("gamma", 0),
        ("degree", 1),
        ("coef0", 0),
        ("tol", 0),
    ];
    const LOGISTIC: &[(&str, u8)] = &[("c", 0), ("alpha", 0), ("max-iter", 1), ("tol", 0)];
    const ENET: &[(&str, u8)] = &[("alpha", 0), ("l1-ratio", 0), ("max-iter", 1), ("tol", 0)];
    const LASSO: &[(&str, u8)] = &[("alpha", 0), ("max-iter", 1), ("tol", 0)];
    const PCA: &[(&str, u8)] = &[("components", 1), ("whiten", 3)];
    const ANY: &[(&str, u8)] = &[
        ("c", 0),
        ("gamma", 0),
        ("alpha", 0),
        ("l1-ratio", 0),
        ("components", 1),
    ];
    let kernel = prop::option::of(prop::sample::select(vec!["linear", "rbf", "poly"]))
        .prop_map(|k| k.map_or(vec![], |k| vec![format!("--kernel={k}")]));
    let with = |name: &'static str, own: &'static [(&'static str, u8)]| {
        (
            flags(own, 0.5),
            flags(ANY, 0.03),
            flags(&[("seed", 1), ("no-standardize", 3)], 0.2),
        )
            .prop_map(move |(a, b, c)| [vec![format!("--model={name}")], a, b, c].concat())
    };
    prop_oneof![
        (with("svm", SVM), kernel).prop_map(|(a, k)| [a, k].concat()),
        with("logistic", LOGISTIC),
        with("elasticnet", ENET),
        with("lasso", LASSO),
        with("ridge", LASSO),
        with("pca", PCA),
    ]
}

/// Whether the model (its `--model=` argument) is a classifier, a regression, or either.
fn kind_of(model: &[String]) -> Option<bool> {
    match model[0].as_str() {
        "--model=svm" | "--model=logistic" => Some(true),
        "--model=pca" => None,
        _ => Some(false),
    }
}

/// One command line: a subcommand, its data and random parameters.
fn command() -> impl Strategy<Value = Vec<String>> {
    let inspect = data(None).prop_map(|d| [vec!["inspect".into()], d].concat());
    let fit = model()
        .prop_flat_map(|m| {
            let class = kind_of(&m);
            (
                Just(m),
                data(class),
                flags(&[("cv", 1), ("test-size", 0)], 0.3),
            )
        })
        .prop_map(|(m, d, f)| {
            [
                vec!["fit".into()],
                m,
                d,
                f,
                // Guard the SVM's extreme C / tol: the fit stops (unconverged) in 5 s.
                vec!["--time-limit=5".into()],
            ]
            .concat()
        });
    let path = prop::sample::select(vec!["elasticnet", "lasso", "ridge", "logistic"])
        .prop_flat_map(|m| {
            let class = Some(m == "logistic");
            (
                Just(m),
                data(class),
                flags(
                    &[
                        ("l1-ratio", 0),
                        ("n-alphas", 1),
                        ("eps", 0),
                        ("alphas", 2),
                        ("cv", 1),
                        ("max-iter", 1),
                        ("tol", 0),
                        ("test-size", 0),
                        ("seed", 1),
                    ],
                    0.3,
                ),
            )
        })
        .prop_map(|(m, d, f)| [vec!["path".into(), format!("--model={m}")], d, f].concat());
    let kind = prop_oneof![
        (
            prop::sample::select(vec![
                "c",
                "gamma",
                "alpha",
                "l1-ratio",
                "degree",
                "n-components"
            ]),
            prop::option::of(list()),
        )
            .prop_map(|(p, v)| {
                let mut a = vec!["--kind=validation".to_string(), format!("--param={p}")];
                if let Some(v) = v {
                    a.push(format!("--values={v}"));
                }
                a
            }),
        prop::option::of(list()).prop_map(|s| {
            let mut a = vec!["--kind=learning".to_string()];
            if let Some(s) = s {
                a.push(format!("--sizes={s}"));
            }
            a
        }),
    ];
    let curve = (model(), kind)
        .prop_flat_map(|(m, k)| {
            let class = kind_of(&m);
            (Just(m), Just(k), data(class), flags(&[("cv", 1)], 0.3))
        })
        .prop_map(|(m, k, d, f)| {
            [
                vec!["curve".into()],
                m,
                k,
                d,
                f,
                vec!["--time-limit=5".into()],
            ]
            .concat()
        });
    prop_oneof![1 => inspect, 3 => fit, 2 => path, 2 => curve]
}

/// The longest run of consecutive digits (and '.') in `text`.
fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

fn check(args: &[String]) -> Result<(), TestCaseError> {
    let Some(run) = run_guarded(args, TIMEOUT) else {
        return Err(TestCaseError::fail(format!(
            "still running after {TIMEOUT:?}: {args:?}"
        )));
    };
    prop_assert!(
        !run.stderr.contains("panicked"),
        "panic: {args:?}\n{}",
        run.stderr
    );
    if std::env::var_os("RIDGELINE_FUZZ_LOG").is_some() {
        eprintln!("FUZZ {:?} {:?} {}", run.code, args, run.stderr.trim_end());
    }
    match run.code {
        Some(0) => {
            let v: Value = serde_json::from_str(&run.stdout).map_err(|e| {
                TestCaseError::fail(format!(
                    "stdout is not JSON ({e}): {args:?}\n{}",
                    run.stdout
                ))
            })?;
            prop_assert!(v.is_object(), "not an object: {args:?}");
            if let Some(at) = first_non_finite(&v, "") {
                return Err(TestCaseError::fail(format!(
                    "non-finite number at {at}: {args:?}"
                )));
            }
        }
        Some(2) => {
            let lines = run.stderr.trim_end().lines().count();
            prop_assert_eq!(lines, 1, "{:?}: {}", args, run.stderr);
            // Found by this test: numbers in messages were printed with up to 330 digits.
            prop_assert!(
                longest_digit_run(&run.stderr) <= 25,
                "a number too long to read: {}",
                run.stderr
            );
            prop_assert!(run.stdout.is_empty(), "{:?}: {}", args, run.stdout);
        }
        other => {
            return Err(TestCaseError::fail(format!(
                "exit {other:?}: {args:?}\n{}",
                run.stderr
            )));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("RIDGELINE_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_subcommand_ends_with_json_or_one_line(args in command()) {
        check(&args)?;
    }
}

/// An SVM whose C makes SMO crawl, with a one-second budget: the process ends within a few
/// seconds and reports the model unconverged.
#[test]
fn fit_stops_on_its_time_limit_unconverged() {
    let args: Vec<String> = [
        "fit",
        "--dataset",
        "moons",
        "--n",
        "3000",
        "--model",
        "svm",
        "--kernel",
        "linear",
        "--c",
        "1e12",
        "--time-limit",
        "1",
    ]
    .map(String::from)
    .to_vec();
    let run = run_guarded(&args, Duration::from_secs(20)).expect("ended on its time limit");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["converged"], Value::Bool(false), "{v}");
    assert!(v["n_iter"].as_u64().unwrap() > 0);
    assert!(v["fit_ms"].as_f64().unwrap() >= 1000.0, "{v}");

    // A limit that is not a positive finite number of seconds is refused in one line.
    for bad in ["0", "-1", "nan", "inf", "x"] {
        let mut a = args.clone();
        *a.last_mut().unwrap() = bad.into();
        let run = run_guarded(&a, Duration::from_secs(20)).unwrap();
        assert_eq!(run.code, Some(2), "{bad}");
        assert_eq!(run.stderr.trim_end().lines().count(), 1, "{}", run.stderr);
    }
}

/// Found by the fuzzing: `--alpha=-0` passed our checks (−0 ≥ 0) and linfa then refused it
/// ("solver failed: invalid penalty -0"). It is the same fit as `--alpha=0`.
#[test]
fn a_negative_zero_penalty_is_zero() {
    for (model, extra) in [("ridge", None), ("elasticnet", Some("--l1-ratio=-0"))] {
        let fit = |alpha: &str| {
            let mut a: Vec<String> = ["fit", "--dataset", "diabetes", "--model", model]
                .map(String::from)
                .to_vec();
            a.push(format!("--alpha={alpha}"));
            a.extend(extra.map(String::from));
            let run = run_guarded(&a, TIMEOUT).expect("ends");
            assert_eq!(run.code, Some(0), "{model} {alpha}: {}", run.stderr);
            let v: Value = serde_json::from_str(&run.stdout).unwrap();
            v["coef"].clone()
        };
        assert_eq!(fit("-0"), fit("0"), "{model}");
    }
}

/// Every fit is bounded: `--max-iter` past 1,000,000 (linfa's fits cannot be interrupted) is
/// refused in one line; 1,000,000 itself is taken.
#[test]
fn max_iter_is_bounded() {
    let run = |max_iter: &str, model: &str, data: &str| {
        let a: Vec<String> = [
            "fit",
            "--dataset",
            data,
            "--model",
            model,
            &format!("--max-iter={max_iter}"),
        ]
        .map(String::from)
        .to_vec();
        run_guarded(&a, TIMEOUT).expect("ends")
    };
    for (model, data) in [("logistic", "iris"), ("lasso", "diabetes")] {
        let r = run("1000001", model, data);
        assert_eq!(r.code, Some(2), "{model}");
        assert!(r.stderr.contains("1..=1000000"), "{}", r.stderr);
        assert_eq!(run("1000000", model, data).code, Some(0), "{model}");
    }
    let r = run("18446744073709551615", "logistic", "iris");
    assert_eq!(r.code, Some(2));
    assert_eq!(r.stderr.trim_end().lines().count(), 1, "{}", r.stderr);
}

/// `curve` with an SVM whose C makes SMO crawl: bounded by `--time-limit`, said in `notes`.
#[test]
fn curve_stops_on_its_time_limit_and_says_so() {
    let args: Vec<String> = [
        "curve",
        "--dataset",
        "moons",
        "--n",
        "1000",
        "--model",
        "svm",
        "--kernel",
        "linear",
        "--kind",
        "validation",
        "--param",
        "c",
        "--values",
        "1,1e12",
        "--cv",
        "2",
        "--time-limit",
        "1",
    ]
    .map(String::from)
    .to_vec();
    let run = run_guarded(&args, Duration::from_secs(20)).expect("ended on its time limit");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let notes = v["notes"].to_string();
    assert!(notes.contains("time limit (1 s) was reached"), "{notes}");
    assert_eq!(v["values"].as_array().unwrap().len(), 2);
}

//! Sessions: one readable file that brings an analysis back, and says so when its data changed.
//! The library API (capture, save, open, check) and the command line (`fit --save-session`,
//! `fit --session`).

use std::path::{Path, PathBuf};

use ridgeline::analysis::live::FitOn;
use ridgeline::data::builtin::{Builtin, RealDataset};
use ridgeline::data::hash::{fnv1a64, table_bytes, table_hash};
use ridgeline::data::{Column, ColumnData, Source, Table, load_source};
use ridgeline::error::Error;
use ridgeline::estimators::ModelKind;
use ridgeline::estimators::svm::{Gamma, Kernel};
use ridgeline::progress::Progress;
use ridgeline::state::settings::CurveKind;
use ridgeline::state::{Session, Settings, Tab};
use serde_json::Value;

use crate::common::{assert_one_line_error, json, ridgeline};

/// `fit`'s output without its timings (the only keys that may differ between two runs).
fn without_times(mut v: Value) -> Value {
    let map = v.as_object_mut().expect("an object");
    map.retain(|k, _| !k.ends_with("_ms"));
    v
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// 40 rows of four numeric features and a yes/no label, written with Rust's shortest
/// round-trip formatting (so a copy of some columns reads back the same numbers).
fn rows() -> Vec<[f64; 4]> {
    (0..40)
        .map(|i| {
            let i = f64::from(i);
            [
                (i * 0.37) % 5.0,
                i.sin(),
                (i * i % 17.0) / 3.0,
                (i * 0.5).cos(),
            ]
        })
        .collect()
}

fn label(r: &[f64; 4]) -> &'static str {
    if r[0] + r[2] + 0.8 * r[1] > 4.5 {
        "yes"
    } else {
        "no"
    }
}

fn write_features_csv(path: &Path) {
    let mut text = String::from("a,b,c,d,label\n");
    for r in rows() {
        text += &format!("{},{},{},{},{}\n", r[0], r[1], r[2], r[3], label(&r));
    }
    std::fs::write(path, text).unwrap();
}

fn settings_on(source: Source) -> Settings {
    Settings {
        source,
        ..Settings::default()
    }
}

fn iris_settings() -> Settings {
    let mut settings = settings_on(Source::Builtin(Builtin::Real(RealDataset::Iris)));
    settings.prep.test_fraction = 0.3;
    settings.prep.seed = 7;
    let spec = &mut settings.model.spec;
    spec.kind = ModelKind::Svm;
    spec.svm.c = 3.5;
    spec.svm.kernel = Kernel::Poly;
    spec.svm.gamma = Gamma::Value(0.25);
    spec.svm.degree = 2;
    settings.model.cv_folds = 7;
    settings.model.pinned = Some(Default::default());
    settings.view.tab = Tab::Curves;
    settings.view.curve = CurveKind::Learning;
    settings.view.x_feature = Some("petal length".into());
    settings.view.y_feature = Some("sepal width".into());
    settings
}

fn load(settings: &Settings) -> Table {
    load_source(&settings.source, &Progress::new()).unwrap()
}

#[test]
fn capture_save_open_gives_the_same_settings_and_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iris.session.json");
    let settings = iris_settings();
    let table = load(&settings);
    Session::capture(&settings, &table).save(&path).unwrap();

    let opened = Session::open(&path).unwrap();
    assert_eq!(opened.to_settings(), settings);
    assert_eq!(opened.version, 1);
    opened.check_data(&table).unwrap();
    assert_eq!(opened.load_data(&Progress::new()).unwrap(), table);
    // Saving what was opened writes the same text.
    let again = dir.path().join("again.json");
    opened.save(&again).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );
}

#[test]
fn the_file_is_json_a_person_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let settings = iris_settings();
    Session::capture(&settings, &load(&settings))
        .save(&path)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.lines().count() > 40,
        "pretty-printed, one value a line"
    );
    assert!(text.ends_with("}\n"));
    assert!(
        text.contains("\n  \"format\": \"ridgeline-session\",\n"),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["data"]["name"], "iris");
    assert_eq!(v["data"]["rows"], 150);
    assert_eq!(v["data"]["columns"], 5);
    assert_eq!(v["source"]["Builtin"]["Real"], "Iris");
    let hash = v["data_hash"].as_str().unwrap();
    assert!(
        hash.starts_with("fnv1a64:") && hash.len() == 8 + 16,
        "{hash}"
    );
    let svm = &v["settings"]["model"]["spec"]["svm"];
    assert_eq!(svm["c"], 3.5);
    assert_eq!(svm["kernel"], "Poly");
    assert_eq!(svm["gamma"]["Value"], 0.25);
    assert_eq!(svm["degree"], 2);
    assert_eq!(v["settings"]["model"]["spec"]["kind"], "Svm");
    assert_eq!(v["settings"]["model"]["cv_folds"], 7);
    assert_eq!(v["settings"]["prep"]["test_fraction"], 0.3);
    assert_eq!(v["settings"]["prep"]["seed"], 7);
    assert_eq!(v["settings"]["view"]["tab"], "Curves");
    assert_eq!(v["settings"]["view"]["x_feature"], "petal length");
    assert!(v["settings"].get("recent_files").is_none());
}

#[test]
fn a_generated_dataset_is_saved_with_its_parameters_and_seed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let settings = settings_on(Source::Builtin(Builtin::Generated {
        kind: ridgeline::data::generate::Generator::Spiral,
        n: 123,
        noise: 0.3,
        seed: 99,
    }));
    Session::capture(&settings, &load(&settings))
        .save(&path)
        .unwrap();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let g = &v["source"]["Builtin"]["Generated"];
    assert_eq!(
        (&g["kind"], &g["n"], &g["noise"], &g["seed"]),
        (
            &Value::from("Spiral"),
            &Value::from(123),
            &Value::from(0.3),
            &Value::from(99)
        )
    );
    assert_eq!(v["data"]["name"], "spiral");
    assert_eq!(v["data"]["rows"], 123);
    // The same parameters and seed give the same points, so the hash holds.
    let opened = Session::open(&path).unwrap();
    opened.load_data(&Progress::new()).unwrap();
}

#[test]
fn saving_leaves_no_temporary_file_and_a_reader_never_sees_half_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let settings = iris_settings();
    let table = load(&settings);
    // Two sessions of different lengths, saved in turn while another thread reads.
    let long = Session::capture(&settings, &table);
    let mut short_settings = settings.clone();
    short_settings.model.pinned = None;
    short_settings.view.x_feature = None;
    let short = Session::capture(&short_settings, &table);
    assert_ne!(
        serde_json::to_string(&long).unwrap().len(),
        serde_json::to_string(&short).unwrap().len()
    );
    long.save(&path).unwrap();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut reads = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let opened = Session::open(&path).expect("always a whole session");
                assert!(opened == long || opened == short);
                reads += 1;
            }
            reads
        });
        for i in 0..150 {
            let next = if i % 2 == 0 { &short } else { &long };
            next.save(&path).unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
    });
    assert_eq!(files_in(dir.path()), ["s.json"]);
}

#[test]
fn a_failed_save_says_why_and_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let settings = iris_settings();
    let table = load(&settings);
    let session = Session::capture(&settings, &table);

    // A directory that does not exist.
    let e = session
        .save(&dir.path().join("no such dir").join("s.json"))
        .unwrap_err();
    assert!(
        e.to_string().starts_with("cannot save the session to "),
        "{e}"
    );
    assert!(!e.to_string().contains('\n'));

    // A read-only directory with an older session in it.
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let path = ro.join("s.json");
    let mut older = settings.clone();
    older.model.spec.svm.c = 0.5;
    Session::capture(&older, &table).save(&path).unwrap();
    let old_text = std::fs::read(&path).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let root = std::fs::write(ro.join("probe"), "").is_ok();
    if root {
        // Root writes anywhere: the unit tests make a save fail halfway instead.
        eprintln!("running as root: the read-only directory cannot refuse a write");
        let _ = std::fs::remove_file(ro.join("probe"));
    } else {
        let e = session.save(&path).unwrap_err();
        assert!(matches!(e, Error::Load(_)), "{e:?}");
        assert!(e.to_string().contains("ermission denied"), "{e}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            old_text,
            "the old file is intact"
        );
        assert_eq!(files_in(&ro), ["s.json"], "no temporary file");
        assert_eq!(Session::open(&path).unwrap().settings.model.spec.svm.c, 0.5);
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_changed_data_file_is_a_hash_mismatch_and_a_missing_one_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    write_features_csv(&data);
    let settings = settings_on(Source::File(data.clone()));
    let table = load(&settings);
    let path = dir.path().join("s.json");
    let session = Session::capture(&settings, &table);
    session.save(&path).unwrap();
    let saved_hash = session.data_hash.clone();

    // The same values spelled otherwise (';' for ',', CRLF line ends) are the same data.
    let text = std::fs::read_to_string(&data).unwrap();
    let respelled = text.replace(',', ";").replace('\n', "\r\n");
    std::fs::write(&data, respelled).unwrap();
    Session::open(&path)
        .unwrap()
        .load_data(&Progress::new())
        .expect("the same values");

    // One cell changed.
    let changed = text.replacen("yes", "no", 1);
    assert_ne!(changed, text);
    std::fs::write(&data, changed).unwrap();
    let e = Session::open(&path)
        .unwrap()
        .load_data(&Progress::new())
        .unwrap_err();
    let now = table_hash(&load(&settings));
    assert_ne!(now, saved_hash);
    assert_eq!(
        e,
        Error::Data(format!(
            "the data has changed since the session was saved: hash {saved_hash} ≠ {now} \
             (d.csv: 40 rows × 5 columns when saved, 40 × 5 now)"
        ))
    );

    std::fs::remove_file(&data).unwrap();
    let e = Session::open(&path)
        .unwrap()
        .load_data(&Progress::new())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("the session's data file {} is missing", data.display())
    );
}

#[test]
fn fnv1a_64_matches_its_published_test_vectors() {
    // From the FNV reference (Fowler, Noll, Vo: "FNV-1a 64-bit" test vectors).
    assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
}

#[test]
fn the_hash_of_a_tiny_table_is_the_hand_laid_out_bytes_hashed() {
    // x = [1, missing] (numeric), y = ["a", missing] (text): 2 rows, 2 columns.
    let table = Table {
        name: "tiny".into(),
        columns: vec![
            Column {
                name: "x".into(),
                data: ColumnData::Numeric(vec![1.0, f64::NAN]),
            },
            Column {
                name: "y".into(),
                data: ColumnData::Text {
                    values: vec![Some("a".into()), None],
                    first_non_numeric: Some((2, "a".into())),
                },
            },
        ],
        n_rows: 2,
        format: None,
        notes: vec![],
    };
    let u64le = |n: u64| n.to_le_bytes().to_vec();
    let mut expected = Vec::new();
    expected.extend(u64le(2)); // rows
    expected.extend(u64le(2)); // columns
    expected.extend(u64le(1)); // "x": its length, its bytes
    expected.push(b'x');
    expected.push(b'N'); // numeric
    expected.extend([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]); // 1.0 = 0x3ff0000000000000, LE
    expected.extend([0, 0, 0, 0, 0, 0, 0xf8, 0x7f]); // missing: the quiet NaN 0x7ff8…0
    expected.extend(u64le(1)); // "y"
    expected.push(b'y');
    expected.push(b'T'); // text
    expected.push(1); // present: 1, its length, its bytes
    expected.extend(u64le(1));
    expected.push(b'a');
    expected.push(0); // missing
    assert_eq!(expected.len(), 63);
    assert_eq!(table_bytes(&table), expected);
    // FNV-1a-64 of those 63 bytes, computed apart from this crate (a three-line Python
    // loop: h = 0xcbf29ce484222325; for b: h ^= b; h = h * 0x100000001b3 mod 2⁶⁴).
    assert_eq!(table_hash(&table), "fnv1a64:b9392c5d956d4fd9");

    // Any NaN is the same missing value; the display name is not hashed.
    let mut other = table.clone();
    other.name = "renamed.csv".into();
    other.columns[0].data = ColumnData::Numeric(vec![1.0, -f64::NAN]);
    assert_eq!(table_hash(&other), table_hash(&table));
    // A value, a name, or a cell's type changed is another hash.
    let mut changed = table.clone();
    changed.columns[0].data = ColumnData::Numeric(vec![1.0000000000000002, f64::NAN]);
    assert_ne!(table_hash(&changed), table_hash(&table));
    let mut renamed = table.clone();
    renamed.columns[1].name = "z".into();
    assert_ne!(table_hash(&renamed), table_hash(&table));
}

#[test]
fn files_that_are_not_sessions_are_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("d.csv");
    write_features_csv(&csv);
    let e = Session::open(&csv).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{} is not a Ridgeline session file (",
            csv.display()
        )),
        "{e}"
    );

    let other_json = dir.path().join("o.json");
    std::fs::write(&other_json, r#"{"name": "x", "version": 1}"#).unwrap();
    let e = Session::open(&other_json).unwrap_err().to_string();
    assert!(
        e.contains("is not a Ridgeline session file (no \"format\""),
        "{e}"
    );

    let e = Session::open(dir.path()).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let e = Session::open(&dir.path().join("nowhere.json"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not found"), "{e}");

    // A newer layout is refused with a reason, before its fields are looked at.
    let newer = dir.path().join("newer.json");
    std::fs::write(
        &newer,
        r#"{"format": "ridgeline-session", "version": 2, "something": "new"}"#,
    )
    .unwrap();
    let e = Session::open(&newer).unwrap_err().to_string();
    assert!(
        e.contains("saved by a newer Ridgeline (session version 2"),
        "{e}"
    );

    // A session with a damaged field names it and its line.
    let settings = iris_settings();
    let good = dir.path().join("good.json");
    Session::capture(&settings, &load(&settings))
        .save(&good)
        .unwrap();
    let text = std::fs::read_to_string(&good)
        .unwrap()
        .replace("\"c\": 3.5", "\"c\": \"lots\"");
    let damaged = dir.path().join("damaged.json");
    std::fs::write(&damaged, text).unwrap();
    let e = Session::open(&damaged).unwrap_err().to_string();
    assert!(e.contains("is damaged") && e.contains("line"), "{e}");
}

// ---- the command line ----

#[test]
fn fit_session_prints_the_numbers_of_the_direct_fit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    write_features_csv(&data);
    let cases: Vec<Vec<String>> = vec![
        // A file, its target by index, a split, no standardisation, an elastic net.
        [
            "--data",
            s(&data),
            "--target",
            "2",
            "--task",
            "regression",
            "--model",
            "elasticnet",
            "--alpha",
            "0.05",
            "--l1-ratio",
            "0.3",
            "--test-size",
            "0.25",
            "--seed",
            "5",
            "--no-standardize",
        ]
        .map(String::from)
        .to_vec(),
        // A generated dataset with its parameters, an SVM.
        [
            "--dataset",
            "circles",
            "--n",
            "120",
            "--noise",
            "0.15",
            "--seed",
            "3",
            "--model",
            "svm",
            "--c",
            "2",
            "--kernel",
            "poly",
            "--gamma",
            "0.5",
            "--degree",
            "2",
            "--test-size",
            "0.2",
        ]
        .map(String::from)
        .to_vec(),
        [
            "--dataset",
            "iris",
            "--model",
            "pca",
            "--components",
            "3",
            "--whiten",
        ]
        .map(String::from)
        .to_vec(),
        [
            "--data",
            s(&data),
            "--model",
            "lasso",
            "--target",
            "a",
            "--alpha",
            "0.01",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (i, flags) in cases.iter().enumerate() {
        let session = dir.path().join(format!("s{i}.json"));
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let direct = json(&ridgeline(&[&["fit"], &flags[..]].concat()));
        let saving = json(&ridgeline(
            &[&["fit"], &flags[..], &["--save-session", s(&session)]].concat(),
        ));
        assert_eq!(
            without_times(saving),
            without_times(direct.clone()),
            "{flags:?}"
        );
        let replayed = json(&ridgeline(&["fit", "--session", s(&session)]));
        assert_eq!(
            without_times(replayed),
            without_times(direct.clone()),
            "{flags:?}"
        );
        // --cv K runs on the same folds either way.
        let with_cv = json(&ridgeline(&[&["fit"], &flags[..], &["--cv", "3"]].concat()));
        let replayed = json(&ridgeline(&["fit", "--session", s(&session), "--cv", "3"]));
        assert_eq!(without_times(replayed), without_times(with_cv), "{flags:?}");
        // The session is the one the library reads.
        let opened = Session::open(&session).unwrap();
        assert_eq!(opened.settings.model.fit_on, FitOn::AllFeatures);
    }
}

#[test]
fn a_window_session_on_the_shown_pair_fits_those_two_features() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    write_features_csv(&data);
    // As the window saves it: fitted on the pair shown (c across, a up), default split.
    let mut settings = settings_on(Source::File(data.clone()));
    settings.model.spec.kind = ModelKind::Logistic;
    settings.model.spec.logistic.alpha = 0.1;
    settings.model.fit_on = FitOn::ShownPair;
    settings.view.x_feature = Some("c".into());
    settings.view.y_feature = Some("a".into());
    let session = dir.path().join("s.json");
    Session::capture(&settings, &load(&settings))
        .save(&session)
        .unwrap();
    let replayed = json(&ridgeline(&["fit", "--session", s(&session)]));
    assert_eq!(replayed["features"], serde_json::json!(["c", "a"]));

    // The same as `fit` on a file of only those two columns, with the window's split.
    let pair = dir.path().join("pair.csv");
    let mut text = String::from("c,a,label\n");
    for r in rows() {
        text += &format!("{},{},{}\n", r[2], r[0], label(&r));
    }
    std::fs::write(&pair, text).unwrap();
    let direct = json(&ridgeline(&[
        "fit",
        "--data",
        s(&pair),
        "--model",
        "logistic",
        "--alpha",
        "0.1",
        "--test-size",
        "0.25",
    ]));
    assert_eq!(without_times(replayed), without_times(direct));
}

#[test]
fn fit_session_on_changed_or_missing_data_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    write_features_csv(&data);
    let session = dir.path().join("s.json");
    json(&ridgeline(&[
        "fit",
        "--data",
        s(&data),
        "--model",
        "logistic",
        "--save-session",
        s(&session),
    ]));
    // One number edited by a tenth.
    let text = std::fs::read_to_string(&data).unwrap();
    let line = text.lines().nth(3).unwrap();
    let first: f64 = line.split(',').next().unwrap().parse().unwrap();
    let edited = text.replacen(
        line,
        &line.replacen(&first.to_string(), &(first + 0.1).to_string(), 1),
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&data, edited).unwrap();
    let out = ridgeline(&["fit", "--session", s(&session)]);
    assert_one_line_error(
        &out,
        "the data has changed since the session was saved: hash fnv1a64:",
    );

    std::fs::remove_file(&data).unwrap();
    let out = ridgeline(&["fit", "--session", s(&session)]);
    assert_one_line_error(
        &out,
        &format!("the session's data file {} is missing", s(&data)),
    );
}

#[test]
fn fit_session_on_a_file_that_is_not_a_session_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    write_features_csv(&data);
    let out = ridgeline(&["fit", "--session", s(&data)]);
    assert_one_line_error(&out, "is not a Ridgeline session file");
    let out = ridgeline(&["fit", "--session", s(&dir.path().join("none.json"))]);
    assert_one_line_error(&out, "not found");
    // A session takes no data or model flags.
    let out = ridgeline(&["fit", "--session", s(&data), "--model", "svm"]);
    assert_one_line_error(&out, "cannot be used with");
    let out = ridgeline(&["fit", "--session", s(&data), "--dataset", "iris"]);
    assert_one_line_error(&out, "cannot be used with");
}

#[test]
fn a_fit_that_fails_saves_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let session: PathBuf = dir.path().join("s.json");
    let out = ridgeline(&[
        "fit",
        "--dataset",
        "iris",
        "--model",
        "elasticnet",
        "--save-session",
        s(&session),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!session.exists());
    assert!(files_in(dir.path()).is_empty());
}

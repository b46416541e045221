//! The app without a window: jobs, panics, persistence.

use super::*;
use crate::data::Source;
use crate::estimators::ModelKind;
use crate::state::{DataView, ModelView};
use crate::worker::JobError;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// eframe's storage, in memory.
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

fn settle(app: &mut RidgelineApp, ctx: &egui::Context) {
    let start = Instant::now();
    loop {
        app.step(ctx);
        if !app.is_busy() && app.data().is_some() && app.rt.commands.is_empty() {
            app.step(ctx);
            if !app.is_busy() {
                return;
            }
        }
        assert!(start.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_panicking_job_is_reported_and_the_data_and_settings_stay() {
    let ctx = egui::Context::default();
    let mut app = RidgelineApp::new(&ctx, Startup::default());
    app.settings.prep.test_fraction = 0.4;
    settle(&mut app, &ctx);
    let settings = app.settings.clone();
    let rows = app.data().unwrap().table.n_rows;

    let key = app.settings.data_request();
    app.rt
        .jobs
        .data
        .submit(key, |_| -> Result<DataView, JobError> {
            panic!("a bug in a data job")
        });
    settle(&mut app, &ctx);
    let status = app.rt.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert_eq!(
        status.text,
        "internal error (please report it): a bug in a data job"
    );
    assert_eq!(app.settings, settings);
    assert_eq!(app.data().unwrap().table.n_rows, rows);

    // The model lane too: the message is shown and the last picture stays.
    let had_model = app.model().is_some();
    let key = app.rt.jobs.model.submitted().unwrap().clone();
    app.rt
        .jobs
        .model
        .submit(key, |_| -> Result<ModelView, JobError> {
            panic!("a bug in a fit")
        });
    settle(&mut app, &ctx);
    assert_eq!(
        app.model_error().as_deref(),
        Some("internal error (please report it): a bug in a fit")
    );
    assert_eq!(app.model().is_some(), had_model);
    // …and the app goes on working: a new change is computed as usual.
    app.settings.prep.test_fraction = 0.2;
    settle(&mut app, &ctx);
    let p = app.data().unwrap().prepared.clone().unwrap();
    assert_eq!(p.split.test.len(), 60, "20 % of 300 moons");
}

#[test]
fn settings_are_saved_and_restored_through_eframe_storage() {
    let ctx = egui::Context::default();
    let mut app = RidgelineApp::new(&ctx, Startup::default());
    app.settings.prep.seed = 42;
    app.settings.model.spec.kind = ModelKind::Pca;
    app.settings.view.tab = Tab::Table;
    let mut storage = MemoryStorage::default();
    eframe::App::save(&mut app, &mut storage);
    let restored: Settings = eframe::get_value(&storage, SETTINGS_KEY).unwrap();
    assert_eq!(restored, app.settings);

    let again = RidgelineApp::new(
        &ctx,
        Startup {
            restored: Some(restored),
            ..Default::default()
        },
    );
    assert_eq!(again.settings.prep.seed, 42);
    assert_eq!(again.settings.model.spec.kind, ModelKind::Pca);
    assert_eq!(again.settings.view.tab, Tab::Table);

    // A screenshot run never writes the user's settings.
    let mut shot = RidgelineApp::new(
        &ctx,
        Startup {
            screenshot: Some("/tmp/x.png".into()),
            ..Default::default()
        },
    );
    let mut untouched = MemoryStorage::default();
    eframe::App::save(&mut shot, &mut untouched);
    assert!(untouched.0.is_empty());
}

#[test]
fn settings_out_of_range_are_reset_with_a_notice_and_the_app_runs() {
    use crate::data::builtin::Builtin;
    use crate::data::generate::Generator;
    let ctx = egui::Context::default();
    let mut bad = Settings {
        source: Source::Builtin(Builtin::Generated {
            kind: Generator::Moons,
            n: 0,
            noise: f64::NAN,
            seed: 3,
        }),
        ..Default::default()
    };
    bad.prep.test_fraction = f64::INFINITY;
    bad.model.spec.svm.c = -1.0;
    bad.model.spec.elastic_net.l1_ratio = 7.0;
    bad.model.cv_folds = 0;
    bad.recent_files = (0..100_000)
        .map(|i| format!("/tmp/f{i}.csv").into())
        .collect();
    let mut app = RidgelineApp::new(
        &ctx,
        Startup {
            restored: Some(bad),
            ..Default::default()
        },
    );
    let s = &app.settings;
    assert_eq!(
        s.source,
        Source::Builtin(Builtin::Generated {
            kind: Generator::Moons,
            n: 20,
            noise: Generator::Moons.default_noise(),
            seed: 3,
        })
    );
    assert_eq!(s.prep.test_fraction, 0.25);
    assert_eq!(s.model.spec.svm.c, 1.0);
    assert_eq!(s.model.spec.elastic_net.l1_ratio, 0.5);
    assert_eq!(s.model.cv_folds, 5);
    assert_eq!(s.recent_files.len(), crate::state::settings::MAX_RECENT);
    let status = app.rt.status.clone().expect("a notice");
    assert_eq!(status.level, Level::Warning);
    for word in [
        "sample count 0",
        "noise NaN",
        "test share inf",
        "SVM: C",
        "100000 recent",
    ] {
        assert!(
            status.text.contains(word),
            "{word} missing from {}",
            status.text
        );
    }
    // …and the app runs on the repaired settings, the notice staying visible.
    settle(&mut app, &ctx);
    assert_eq!(app.prepared().unwrap().dataset.n_rows(), 20);
    assert!(
        app.rt
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("reset to defaults")
    );
}

#[test]
fn unreadable_settings_are_kept_aside_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut storage = MemoryStorage::default();
    let garbage = "(source: Builtin(Generated(kind: Moons, n: ))) ]] not ron";
    eframe::Storage::set_string(&mut storage, SETTINGS_KEY, garbage.to_string());
    let (restored, notice) =
        super::startup::restore(Some(&storage), Some(dir.path().to_path_buf()));
    assert!(restored.is_none());
    let notice = notice.unwrap();
    assert!(notice.contains("could not be read"), "{notice}");
    let kept: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(kept.len(), 1);
    let path = kept[0].as_ref().unwrap().path();
    assert!(notice.contains(&path.display().to_string()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), garbage);
    // Nothing saved at all: nothing to say.
    let (none, quiet) = super::startup::restore(Some(&MemoryStorage::default()), None);
    assert!(none.is_none() && quiet.is_none());
}

#[test]
fn pca_takes_a_target_no_classifier_could_learn() {
    // The last column holds one class: a classifier cannot learn it, PCA does not look at it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.csv");
    std::fs::write(&path, "a,b,kind\n3,0,x\n-3,0,x\n0,1,x\n0,-1,x\n").unwrap();
    let ctx = egui::Context::default();
    let mut app = RidgelineApp::new(&ctx, Startup::default());
    app.rt.persist = false;
    app.settings.source = Source::File(path);
    app.settings.forget_columns();
    app.settings.prep.test_fraction = 0.0;
    app.settings.model.spec.kind = ModelKind::Pca;
    settle(&mut app, &ctx);
    let prepared = app
        .data()
        .unwrap()
        .prepared
        .clone()
        .expect("a dataset for PCA");
    assert_eq!(prepared.dataset.target.class_names(), ["x"]);
    app.settings.model.spec.kind = ModelKind::Svm;
    settle(&mut app, &ctx);
    let err = app.data().unwrap().prepared.clone().unwrap_err();
    assert_eq!(
        err,
        "target 'kind' has a single class: classification needs at least 2"
    );
}

/// Random settings (every numeric field reachable, with NaN, ±∞, negative and huge values) and
/// random or corrupted stored text, through start-up: nothing panics, every value is in range
/// afterwards, and whatever was reset is said in the status line.
mod startup_props {
    use super::*;
    use crate::data::builtin::{Builtin, MAX_GENERATED, RealDataset};
    use crate::data::generate::Generator;
    use crate::estimators::svm::{Gamma, Kernel};
    use crate::state::settings::{MAX_CV_FOLDS, MAX_RECENT};
    use proptest::prelude::*;

    fn float() -> impl Strategy<Value = f64> {
        prop_oneof![
            3 => 0.0f64..2.0,
            1 => -10.0f64..10.0,
            1 => any::<f64>(),
            1 => prop::sample::select(vec![
                f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, -0.0, 1e308, 5e-324,
                f64::MAX, f64::MIN,
            ]),
        ]
    }

    fn size() -> impl Strategy<Value = usize> {
        prop_oneof![
            4 => 0usize..400,
            1 => prop::sample::select(vec![0, 1, 19, 21, 1000, MAX_GENERATED + 1, usize::MAX]),
        ]
    }

    fn source() -> impl Strategy<Value = Source> {
        let generators = vec![
            Generator::Blobs,
            Generator::Moons,
            Generator::Circles,
            Generator::Xor,
            Generator::Spiral,
            Generator::Curve,
        ];
        prop_oneof![
            4 => (prop::sample::select(generators), size(), float(), any::<u64>()).prop_map(
                |(kind, n, noise, seed)| Source::Builtin(Builtin::Generated {
                    kind,
                    n,
                    noise,
                    seed
                })
            ),
            1 => prop::sample::select(vec![
                RealDataset::Iris,
                RealDataset::Diabetes,
                RealDataset::WineQuality
            ])
            .prop_map(|d| Source::Builtin(Builtin::Real(d))),
            1 => Just(Source::File("/nonexistent/ridgeline-props/gone.csv".into())),
        ]
    }

    fn settings() -> impl Strategy<Value = Settings> {
        (
            source(),
            (float(), any::<u64>(), any::<bool>(), any::<bool>()),
            (
                prop::sample::select(vec![
                    ModelKind::Svm,
                    ModelKind::Logistic,
                    ModelKind::ElasticNet,
                    ModelKind::Pca,
                ]),
                (
                    float(),
                    float(),
                    any::<u32>(),
                    float(),
                    float(),
                    any::<bool>(),
                ),
                (float(), any::<u64>(), float()),
                (float(), float(), any::<u32>(), float()),
                (size(), any::<bool>()),
            ),
            (size(), any::<bool>(), size(), size(), size()),
        )
            .prop_map(
                |(source, prep, model, (cv, pin, recent, first_column, path_output))| {
                    let mut s = Settings {
                        source,
                        ..Default::default()
                    };
                    (
                        s.prep.test_fraction,
                        s.prep.seed,
                        s.prep.stratify,
                        s.prep.standardize,
                    ) = prep;
                    let (kind, svm, logistic, enet, pca) = model;
                    let spec = &mut s.model.spec;
                    spec.kind = kind;
                    let (c, gamma, degree, coef0, tol, scale) = svm;
                    spec.svm.c = c;
                    spec.svm.gamma = if scale {
                        Gamma::Scale
                    } else {
                        Gamma::Value(gamma)
                    };
                    spec.svm.kernel =
                        [Kernel::Linear, Kernel::Rbf, Kernel::Poly][degree as usize % 3];
                    spec.svm.degree = degree % 16;
                    spec.svm.coef0 = coef0;
                    spec.svm.tol = tol;
                    (
                        spec.logistic.alpha,
                        spec.logistic.max_iter,
                        spec.logistic.tol,
                    ) = logistic;
                    (
                        spec.elastic_net.alpha,
                        spec.elastic_net.l1_ratio,
                        spec.elastic_net.max_iter,
                        spec.elastic_net.tol,
                    ) = enet;
                    (spec.pca.n_components, spec.pca.whiten) = pca;
                    s.model.cv_folds = cv;
                    if pin {
                        let mut a = spec.clone();
                        a.svm.c = -a.svm.c;
                        a.elastic_net.alpha = -a.elastic_net.alpha;
                        s.model.pinned = Some(a);
                    }
                    s.recent_files = (0..recent.min(5000))
                        .map(|i| format!("/tmp/r{i}.csv").into())
                        .collect();
                    s.view.first_column = first_column;
                    s.view.path_output = path_output;
                    s
                },
            )
    }

    /// Every value the app uses, checked here independently of `Settings::sanitize`.
    fn out_of_range(s: &Settings) -> Vec<&'static str> {
        let mut bad = Vec::new();
        if let Source::Builtin(Builtin::Generated { n, noise, .. }) = &s.source {
            if !(20..=MAX_GENERATED).contains(n) {
                bad.push("n");
            }
            if !(noise.is_finite() && (0.0..=4.0).contains(noise)) {
                bad.push("noise");
            }
        }
        let f = s.prep.test_fraction;
        if !(f.is_finite() && (0.0..=0.9).contains(&f)) {
            bad.push("test_fraction");
        }
        let spec = &s.model.spec;
        if spec.svm.validate().is_err() {
            bad.push("svm");
        }
        if spec.logistic.validate().is_err() {
            bad.push("logistic");
        }
        if spec.elastic_net.validate().is_err() {
            bad.push("elastic_net");
        }
        if spec.pca.validate().is_err() {
            bad.push("pca");
        }
        if s.model
            .pinned
            .as_ref()
            .is_some_and(|p| p.validate().is_err())
        {
            bad.push("pinned");
        }
        if !(2..=MAX_CV_FOLDS).contains(&s.model.cv_folds) {
            bad.push("cv_folds");
        }
        if s.recent_files.len() > MAX_RECENT {
            bad.push("recent_files");
        }
        bad
    }

    /// Start the app on `restored`, step it a few times, then stop its jobs.
    fn start(restored: Option<Settings>) -> Result<(), TestCaseError> {
        let ctx = egui::Context::default();
        let before = restored.as_ref().map(out_of_range).unwrap_or_default();
        let mut app = RidgelineApp::new(
            &ctx,
            Startup {
                restored,
                ..Default::default()
            },
        );
        let after = out_of_range(&app.settings);
        prop_assert!(after.is_empty(), "still out of range: {:?}", after);
        let status = app.rt.status.as_ref().map(|s| s.text.clone());
        if !before.is_empty() {
            let text = status.clone().unwrap_or_default();
            prop_assert!(
                text.contains("reset to defaults"),
                "{:?} were reset without a notice: {:?}",
                before,
                status
            );
        }
        // Sanitising again changes nothing.
        prop_assert_eq!(app.settings.clone().sanitize(), Vec::<String>::new());
        // Until the data is in (at most a second), then a few more steps: the model's jobs start.
        let start = Instant::now();
        while app.data().is_none() && start.elapsed() < Duration::from_secs(1) {
            app.step(&ctx);
            std::thread::sleep(Duration::from_millis(5));
        }
        for _ in 0..4 {
            app.step(&ctx);
            std::thread::sleep(Duration::from_millis(2));
        }
        if !before.is_empty() {
            // The notice stays on screen while the data and the model come in.
            let text = app
                .rt
                .status
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default();
            prop_assert!(text.contains("reset to defaults"), "{}", text);
            // Readable: no number printed with hundreds of digits.
            let longest = text
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map(str::len)
                .max()
                .unwrap_or(0);
            prop_assert!(longest <= 25, "{}", text);
        }
        let jobs = &mut app.rt.jobs;
        jobs.data.cancel();
        jobs.model.cancel();
        jobs.loss.cancel();
        jobs.path.cancel();
        jobs.validation.cancel();
        jobs.learning.cancel();
        jobs.bias_variance.cancel();
        jobs.compare.cancel();
        jobs.svm_path.cancel();
        jobs.cv.cancel();
        Ok(())
    }

    /// Stored settings text: random bytes, or the text of valid settings with a random splice.
    fn stored_text() -> impl Strategy<Value = String> {
        let mut storage = MemoryStorage::default();
        eframe::set_value(&mut storage, SETTINGS_KEY, &Settings::default());
        let valid = eframe::Storage::get_string(&storage, SETTINGS_KEY).unwrap();
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..200)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            (
                0..valid.len(),
                0usize..8,
                prop::sample::select(vec![
                    "",
                    "NaN",
                    "inf",
                    "-inf",
                    "-1",
                    "1e308",
                    "18446744073709551616",
                    ")",
                    "(",
                    "\"",
                    "Some(",
                    "[",
                    "99999999999",
                    "-0",
                    "None",
                    "true",
                ])
            )
                .prop_map(move |(at, cut, junk)| {
                    let mut at = at;
                    while !valid.is_char_boundary(at) {
                        at -= 1;
                    }
                    let mut end = (at + cut).min(valid.len());
                    while !valid.is_char_boundary(end) {
                        end -= 1;
                    }
                    format!("{}{}{}", &valid[..at], junk, &valid[end..])
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn random_settings_start_in_range_with_a_notice(s in settings()) {
            start(Some(s))?;
        }

        #[test]
        fn random_stored_text_starts_or_is_kept_aside(text in stored_text()) {
            let dir = tempfile::tempdir().unwrap();
            let mut storage = MemoryStorage::default();
            eframe::Storage::set_string(&mut storage, SETTINGS_KEY, text.clone());
            let (restored, notice) =
                super::super::startup::restore(Some(&storage), Some(dir.path().to_path_buf()));
            match &restored {
                Some(_) => prop_assert!(notice.is_none()),
                None => {
                    let notice = notice.unwrap_or_default();
                    prop_assert!(notice.contains("could not be read"), "{}", notice);
                    let kept: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
                    prop_assert_eq!(kept.len(), 1);
                    let path = kept[0].as_ref().unwrap().path();
                    prop_assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
                }
            }
            start(restored)?;
        }
    }
}

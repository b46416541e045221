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

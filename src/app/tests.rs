//! The app without a window: jobs, panics, persistence.

use super::*;
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

//! Shared by the UI tests: a harness around the real app, and waiting for its worker threads.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use ridgeline::app::{Prepared, RidgelineApp, Startup};

/// The real app in a kittest harness, not writing settings anywhere.
pub fn harness(startup: Startup, size: egui::Vec2) -> Harness<'static, RidgelineApp> {
    Harness::builder().with_size(size).build_eframe(move |cc| {
        let mut app = RidgelineApp::new(&cc.egui_ctx, startup);
        app.rt.persist = false;
        app
    })
}

/// The real app started on `settings` (as if restored from the last run), settled.
pub fn settled_on(
    settings: ridgeline::app::Settings,
    size: egui::Vec2,
) -> Harness<'static, RidgelineApp> {
    let mut h = harness(
        Startup {
            restored: Some(settings),
            ..Default::default()
        },
        size,
    );
    settle(&mut h);
    h
}

/// Step frames until every job is done and its result applied and drawn (at most 60 s). When
/// the model view is shown, that includes a fine (not coarse) model or a model error.
pub fn settle(h: &mut Harness<'static, RidgelineApp>) {
    let start = Instant::now();
    let mut idle = 0;
    while idle < 3 {
        h.step();
        let app = h.state();
        let model_ready = app.settings.view.tab != ridgeline::app::Tab::Model
            || app.model().is_some_and(|m| !m.coarse)
            || app.model_error().is_some()
            || app.data().is_some_and(|d| d.prepared.is_err());
        if !app.is_busy() && app.rt.commands.is_empty() && app.data().is_some() && model_ready {
            idle += 1;
        } else {
            idle = 0;
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the jobs did not finish"
        );
    }
}

/// The dataset on screen.
pub fn prepared(h: &Harness<'static, RidgelineApp>) -> Arc<Prepared> {
    let data = h.state().data().expect("data is loaded");
    data.prepared.clone().expect("a dataset")
}

/// With `UPDATE_SCREENSHOTS=1`, render the window (Mesa's software drivers) and save it as
/// `screenshots/NAME.png`: for the views a screenshot run cannot reach without clicking
/// (`scripts/screenshots.sh` sets it). Otherwise nothing.
pub fn save_screenshot(h: &mut Harness<'static, RidgelineApp>, name: &str) {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    h.remove_cursor();
    h.run_steps(3);
    let image = h
        .render()
        .expect("rendering needs Mesa's Vulkan or GL drivers");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("screenshots")
        .join(format!("{name}.png"));
    image.save(&path).expect("writing the screenshot");
}

/// Step frames until `done` holds (at most `limit`; `what` names it in the failure).
pub fn step_until(
    h: &mut Harness<'static, RidgelineApp>,
    limit: Duration,
    what: &str,
    done: impl Fn(&RidgelineApp) -> bool,
) {
    let start = Instant::now();
    while !done(h.state()) {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
    }
}

/// The real binary, run with `args` (the command-line tests).
pub fn ridgeline(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ridgeline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A successful run's stdout as one JSON object.
pub fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

/// Bad input: exit code 2, exactly one line on stderr that says what is wrong, nothing on
/// stdout.
pub fn assert_one_line_error(out: &std::process::Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "exit code");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
}

/// A dataset of `x` and `target` with features named x0, x1, … (the tests' own data).
pub fn dataset(
    x: ndarray::Array2<f64>,
    target: ridgeline::data::Target,
) -> ridgeline::data::Dataset {
    let n = x.nrows();
    ridgeline::data::Dataset {
        name: "test".into(),
        feature_names: (0..x.ncols()).map(|j| format!("x{j}")).collect(),
        target_name: "y".into(),
        x,
        target,
        source_rows: (0..n).collect(),
        report: ridgeline::data::dataset::BuildReport::default(),
    }
}

//! The loss view, driven through egui_kittest: a long solver streams its curve into the window,
//! a slider dragged meanwhile cancels the stale jobs (the live fit follows the hand), and the
//! user can cancel and run again.
//!
//! The long job: an RBF SVM with C = 1000 on 1,000 noisy moons takes about 20 s in a debug
//! build (571,153 SMO iterations), so a result for another C that arrives within seconds
//! proves the stale jobs were cancelled rather than waited for.

use std::time::{Duration, Instant};

use crate::common::step_until;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ridgeline::app::{RidgelineApp, Settings, Startup, Tab};
use ridgeline::data::Source;
use ridgeline::data::builtin::Builtin;
use ridgeline::data::generate::Generator;
use ridgeline::estimators::ModelKind;

fn long_svm() -> Startup {
    let mut s = Settings {
        source: Source::Builtin(Builtin::Generated {
            kind: Generator::Moons,
            n: 1000,
            noise: 0.35,
            seed: 0,
        }),
        ..Default::default()
    };
    s.view.tab = Tab::Loss;
    s.model.spec.kind = ModelKind::Svm;
    s.model.spec.svm.c = 1000.0;
    s.model.spec.svm.tol = 1e-5;
    Startup {
        restored: Some(s),
        ..Default::default()
    }
}

/// The newest partial curve's iteration numbers (empty without one).
fn partial_iterations(app: &RidgelineApp) -> Vec<f64> {
    app.rt
        .jobs
        .loss
        .shown()
        .partial
        .as_ref()
        .map_or_else(Vec::new, |c| c.iterations.clone())
}

fn partial_len(app: &RidgelineApp) -> usize {
    partial_iterations(app).len()
}

/// The last iteration the newest partial curve reaches (0 without one).
fn partial_reach(app: &RidgelineApp) -> f64 {
    partial_iterations(app).last().copied().unwrap_or(0.0)
}

/// Wait for the long loss job to have streamed at least two partial curves; returns the last
/// iteration the curve reaches.
fn wait_for_streaming(h: &mut Harness<'static, RidgelineApp>) -> f64 {
    step_until(h, Duration::from_secs(60), "a partial loss curve", |a| {
        partial_len(a) >= 2
    });
    let first = partial_reach(h.state());
    step_until(h, Duration::from_secs(30), "the curve to grow", |a| {
        partial_reach(a) > first
    });
    assert!(
        h.state().rt.jobs.loss.is_busy(),
        "the solver is still running"
    );
    assert!(h.state().rt.jobs.loss.shown().result.is_none());
    partial_reach(h.state())
}

#[test]
fn a_long_solver_streams_its_curve_and_a_dragged_slider_cancels_the_stale_jobs() {
    let mut h = crate::common::harness(long_svm(), egui::vec2(1280.0, 800.0));
    wait_for_streaming(&mut h);
    h.step();
    h.get_by_label_contains("— running…");

    // Drag C to the left end (C = 0.001) and keep the hand down.
    let rect = h.get_by_role_and_label(Role::Slider, "C").rect();
    h.drag_at(rect.center());
    h.step();
    h.hover_at(rect.left_center() - egui::vec2(60.0, 0.0));
    h.step();
    let dragged_at = Instant::now();
    // While the hand is down the live fit follows it: a (coarse) model for the new C arrives
    // although the stale C = 1000 fit would have taken ~20 s.
    step_until(
        &mut h,
        Duration::from_secs(15),
        "the live fit for the new C",
        |a| {
            a.rt.jobs
                .model
                .result_key()
                .is_some_and(|k| k.request.spec.svm.c == 1e-3)
        },
    );
    assert_eq!(h.state().settings.model.spec.svm.c, 1e-3);
    h.drop_at(rect.left_center() - egui::vec2(60.0, 0.0));
    // The loss curve of the new C, complete: the stale 20-second job was cancelled.
    step_until(&mut h, Duration::from_secs(15), "the new loss curve", |a| {
        let loss = &a.rt.jobs.loss;
        loss.shown().current
            && loss
                .result_key()
                .is_some_and(|k| k.request.spec.svm.c == 1e-3)
    });
    assert!(dragged_at.elapsed() < Duration::from_secs(15));
    let curve = h.state().rt.jobs.loss.shown().result.clone().unwrap();
    assert!(curve.done && curve.converged == Some(true));
    // The dual objective of a C-SVC is 0 at α = 0 and never rises under SMO.
    assert_eq!(curve.train[0], 0.0);
    assert!(curve.train.windows(2).all(|w| w[1] <= w[0] + 1e-12));
    h.step();
    h.get_by_label_contains("— converged");
}

#[test]
fn cancel_stops_the_solver_keeps_the_curve_and_run_again_restarts_it() {
    let mut h = crate::common::harness(long_svm(), egui::vec2(1280.0, 800.0));
    let before = h.state().settings.clone();
    let streamed = wait_for_streaming(&mut h);
    h.get_by_label("Cancel").click();
    step_until(&mut h, Duration::from_secs(5), "the solver to stop", |a| {
        !a.rt.jobs.loss.is_busy()
    });
    h.step();
    let shown = h.state().rt.jobs.loss.shown();
    assert!(shown.cancelled);
    // (Its number of points may have fallen: a long curve is thinned to at most 400 points,
    // keeping its ends. How far it reaches cannot fall.)
    assert!(
        partial_reach(h.state()) >= streamed,
        "the curve drawn so far stays: it reached iteration {streamed}, now {}",
        partial_reach(h.state())
    );
    h.get_by_label_contains("— cancelled");
    // Nothing the user chose changed, and the job does not restart by itself.
    assert_eq!(h.state().settings, before);
    for _ in 0..20 {
        h.step();
    }
    assert!(!h.state().rt.jobs.loss.is_busy());
    // Run again: the solver starts from the beginning.
    h.get_by_label("Run again").click();
    h.step();
    h.step();
    assert!(h.state().rt.jobs.loss.is_busy());
    assert!(!h.state().rt.jobs.loss.shown().cancelled);
}

//! The path view, driven through egui_kittest: the path streams α by α while the α slider is
//! dragged (the live fit follows the hand, the path is never recomputed), dragging in the path
//! moves the α slider and the model, and a long cross-validation can be cancelled.

use std::time::Duration;

use crate::common::step_until;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ridgeline::app::{RidgelineApp, Settings, Startup, Tab};
use ridgeline::data::builtin::Builtin;
use ridgeline::data::{RealDataset, Source};
use ridgeline::estimators::ModelKind;

fn on(dataset: RealDataset, kind: ModelKind) -> Settings {
    let mut s = Settings {
        source: Source::Builtin(Builtin::Real(dataset)),
        ..Default::default()
    };
    s.view.tab = Tab::Path;
    s.model.spec.kind = kind;
    s.model.fit_on = ridgeline::analysis::live::FitOn::AllFeatures;
    s
}

fn harness(settings: Settings) -> Harness<'static, RidgelineApp> {
    crate::common::harness(
        Startup {
            restored: Some(settings),
            ..Default::default()
        },
        egui::vec2(1280.0, 800.0),
    )
}

fn alphas_done(app: &RidgelineApp) -> usize {
    let shown = app.rt.jobs.path.shown();
    shown
        .partial
        .as_ref()
        .or(shown.result.as_ref())
        .map_or(0, |r| r.coefs.len())
}

fn model_alpha(app: &RidgelineApp) -> Option<f64> {
    app.rt
        .jobs
        .model
        .result_key()
        .map(|k| k.request.spec.logistic.alpha)
}

#[test]
fn the_path_streams_while_alpha_is_dragged_and_the_live_fit_follows_without_a_new_path() {
    // Logistic regression on iris: 100 L-BFGS fits and 5 folds of them, seconds in a debug
    // build, streamed α by α.
    let mut h = harness(on(RealDataset::Iris, ModelKind::Logistic));
    step_until(&mut h, Duration::from_secs(60), "a partial path", |a| {
        a.rt.jobs.path.is_busy() && alphas_done(a) >= 2
    });
    let path_job = h.state().rt.jobs.path.latest_generation();
    let before = alphas_done(h.state());

    // Drag the α slider to its right end (1000) and keep the hand down.
    let rect = h.get_by_role_and_label(Role::Slider, "alpha").rect();
    h.drag_at(rect.center());
    h.step();
    h.hover_at(rect.right_center() + egui::vec2(60.0, 0.0));
    h.step();
    step_until(
        &mut h,
        Duration::from_secs(30),
        "the live fit at α = 1000",
        |a| model_alpha(a) == Some(1000.0),
    );
    // Meanwhile the path went on filling, in the same job.
    step_until(&mut h, Duration::from_secs(30), "the path to grow", |a| {
        alphas_done(a) > before
    });
    assert_eq!(h.state().rt.jobs.path.latest_generation(), path_job);
    h.drop_at(rect.right_center() + egui::vec2(60.0, 0.0));
    step_until(&mut h, Duration::from_secs(120), "the whole path", |a| {
        a.rt.jobs.path.shown().result.is_some()
    });
    assert_eq!(
        h.state().rt.jobs.path.latest_generation(),
        path_job,
        "moving α never recomputes the path"
    );
    let r = h.state().rt.jobs.path.shown().result.clone().unwrap();
    assert_eq!(r.coefs.len(), 100);
    assert_eq!(r.cv.as_ref().unwrap().folds_done, 5);
    // The marker stands at the new α: the CV plot's legend names it, and so does the list of
    // coefficients beside their plot (which is that plot's legend).
    h.step();
    assert_eq!(h.get_all_by_label("α = 1000").count(), 1);
    h.get_by_label("w at α = 1000");
}

#[test]
fn dragging_in_the_path_moves_the_alpha_slider_and_the_model() {
    let mut s = on(RealDataset::Diabetes, ModelKind::ElasticNet);
    s.model.spec.elastic_net.l1_ratio = 1.0;
    let mut h = harness(s);
    step_until(&mut h, Duration::from_secs(60), "the path", |a| {
        a.rt.jobs.path.shown().result.is_some() && !a.is_busy()
    });
    h.step();
    let plot = h.get_by_label("plot: Coefficients").rect();
    let alpha =
        |h: &Harness<'static, RidgelineApp>| h.state().settings.model.spec.elastic_net.alpha;
    // The lasso grid on diabetes runs from α_max ≈ 45 down to α_max/1000 ≈ 0.045: the left
    // part of the plot is small α, the right part large α.
    for (at, check) in [
        (0.08, (|a: f64| a < 0.2) as fn(f64) -> bool),
        (0.92, |a: f64| a > 10.0),
    ] {
        let x = plot.left() + at * plot.width();
        let from = egui::pos2(plot.center().x, plot.center().y);
        let to = egui::pos2(x, plot.center().y);
        h.drag_at(from);
        h.step();
        h.hover_at(to);
        h.step();
        h.drop_at(to);
        step_until(
            &mut h,
            Duration::from_secs(30),
            "the model at the new α",
            |a| {
                a.rt.jobs.model.result_key().is_some_and(|k| {
                    k.request.spec.elastic_net.alpha == a.settings.model.spec.elastic_net.alpha
                }) && !a.is_busy()
            },
        );
        let a = alpha(&h);
        assert!(check(a), "α = {a} after dragging to {at} of the plot");
        // The slider shows the same α, and the fitted model is the lasso at that α: fewer
        // non-zero coefficients at large α.
        h.step();
        let nnz = match &h.state().model().unwrap().result.fitted {
            ridgeline::estimators::Fitted::ElasticNet(m) => m.n_nonzero(),
            _ => panic!("elastic net"),
        };
        if a > 10.0 {
            assert!(nnz <= 3, "{nnz} non-zero at α = {a}");
        } else {
            assert!(nnz >= 8, "{nnz} non-zero at α = {a}");
        }
        // Beside the plot, the legend reads the path at the marker: its heading follows α,
        // and it names every feature (each name is also a checkbox in the data panel).
        let heading = format!("w at α = {}", ridgeline::ui::fmt_num(a));
        h.get_by_label(&heading);
        for name in ["age", "body mass index", "lamotrigine", "blood sugar level"] {
            let n = h.query_all_by_label(name).count();
            assert!(n >= 2, "'{name}' shown {n} times at α = {a}");
        }
    }
    // One undo brings back the α before the last drag.
    let last = alpha(&h);
    h.get_by_label("Undo").click();
    h.step();
    h.step();
    assert_ne!(alpha(&h), last);
}

#[test]
fn a_long_cross_validation_can_be_cancelled_and_the_app_goes_on() {
    let settings = on(RealDataset::Iris, ModelKind::Logistic);
    let mut h = harness(settings);
    step_until(&mut h, Duration::from_secs(60), "a partial path", |a| {
        a.rt.jobs.path.is_busy() && alphas_done(a) >= 1
    });
    let before = h.state().settings.clone();
    h.get_by_label("Cancel").click();
    step_until(&mut h, Duration::from_secs(5), "the path to stop", |a| {
        !a.rt.jobs.path.is_busy()
    });
    assert!(h.state().rt.jobs.path.shown().cancelled);
    assert_eq!(h.state().settings, before, "nothing the user chose changed");
    // Responsive: the live model is there, and another view works at once.
    step_until(&mut h, Duration::from_secs(30), "the live model", |a| {
        a.model().is_some()
    });
    h.get_by_role_and_label(Role::Button, "Model").click();
    h.step();
    assert_eq!(h.state().settings.view.tab, Tab::Model);
    assert!(h.get_all_by_label_contains("accuracy").count() >= 1);
}

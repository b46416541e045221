//! The Curves view and the SVM path, driven through egui_kittest: the validation curve's marker
//! moves C without recomputing the curve, and pinning A then changing the model gives a verdict.

use std::time::Duration;

use crate::common::step_until;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ridgeline::app::{RidgelineApp, Settings, Startup, Tab};
use ridgeline::state::settings::CurveKind;

fn harness(curve: CurveKind) -> Harness<'static, RidgelineApp> {
    let mut s = Settings::default();
    s.view.tab = Tab::Curves;
    s.view.curve = curve;
    crate::common::harness(
        Startup {
            restored: Some(s),
            ..Default::default()
        },
        egui::vec2(1280.0, 800.0),
    )
}

/// Press in a plot at a share of its width, move a little and let go.
fn drag_in(h: &mut Harness<'static, RidgelineApp>, plot: egui::Rect, at: f32) {
    let to = egui::pos2(plot.left() + at * plot.width(), plot.center().y);
    h.drag_at(to - egui::vec2(10.0, 0.0));
    h.step();
    h.hover_at(to);
    h.step();
    h.drop_at(to);
    h.step();
}

#[test]
fn the_validation_markers_drag_sets_c_and_keeps_the_curve() {
    // The default: an RBF SVM on two moons; the curve sweeps C from 10⁻³ to 10³.
    let mut h = harness(CurveKind::Validation);
    step_until(
        &mut h,
        Duration::from_secs(120),
        "the validation curve",
        |a| a.rt.jobs.validation.shown().result.is_some() && !a.is_busy(),
    );
    let job = h.state().rt.jobs.validation.latest_generation();
    h.step();
    let plot = h.get_by_label_contains("plot: Validation curve").rect();
    // The plot spans C = 10⁻³ … 10³ (plus a margin): near its right edge C is large.
    drag_in(&mut h, plot, 0.9);
    let c = h.state().settings.model.spec.svm.c;
    assert!(c > 30.0 && c <= 1000.0, "C = {c}");
    // The live model follows, the curve is not computed again.
    step_until(
        &mut h,
        Duration::from_secs(60),
        "the model at the new C",
        |a| {
            a.rt.jobs
                .model
                .result_key()
                .is_some_and(|k| k.request.spec.svm.c == c)
                && !a.is_busy()
        },
    );
    assert_eq!(h.state().rt.jobs.validation.latest_generation(), job);
    h.step();
    assert!(h.get_all_by_label_contains("C = ").count() >= 1);
}

#[test]
fn pinning_a_and_changing_the_model_gives_a_verdict_in_words() {
    let mut h = harness(CurveKind::Compare);
    step_until(&mut h, Duration::from_secs(60), "the model", |a| {
        a.model().is_some() && !a.is_busy()
    });
    h.step();
    h.get_by_label_contains("Pin the current model as A");
    h.get_by_label("Pin current as A").click();
    h.step();
    assert!(h.state().settings.model.pinned.is_some());
    // B: the same SVM with C dragged to its left end (10⁻³): it underfits the moons badly.
    let rect = h.get_by_role_and_label(Role::Slider, "C").rect();
    h.drag_at(rect.center());
    h.step();
    h.drop_at(rect.left_center() - egui::vec2(60.0, 0.0));
    step_until(&mut h, Duration::from_secs(120), "the comparison", |a| {
        a.rt.jobs.compare.shown().result.is_some() && !a.is_busy()
    });
    let c = h.state().rt.jobs.compare.shown().result.clone().unwrap();
    assert_eq!(c.a.folds.len(), 5);
    assert!(
        c.a.mean < c.b.mean,
        "A (C = 1) errs less than B (C = 0.001)"
    );
    assert!(c.text.starts_with("A is better than B"), "{}", c.text);
    h.step();
    h.get_by_label_contains("A is better than B");
    h.get_by_label_contains("A: SVM, C = 1, RBF");
    h.get_by_label_contains("B: SVM, C = 0.001, RBF");
    crate::common::save_screenshot(&mut h, "compare-svm-moons");
}

#[test]
fn the_shrinkage_tab_draws_the_ridge_factors_and_its_marker_moves_alpha_only() {
    use ridgeline::data::builtin::{Builtin, RealDataset};
    let mut s = Settings {
        source: ridgeline::data::Source::Builtin(Builtin::Real(RealDataset::Diabetes)),
        ..Default::default()
    };
    s.view.tab = Tab::Curves;
    s.model.spec.kind = ridgeline::estimators::ModelKind::ElasticNet;
    s.model.spec.elastic_net.l1_ratio = 0.0;
    let mut h = crate::common::harness(
        Startup {
            restored: Some(s),
            ..Default::default()
        },
        egui::vec2(1280.0, 800.0),
    );
    // From the validation curve, a click on the tab.
    h.step();
    h.get_by_label("Shrinkage").click();
    step_until(
        &mut h,
        Duration::from_secs(120),
        "the shrinkage fits",
        |a| {
            a.settings.view.curve == CurveKind::Shrinkage
                && a.rt.jobs.shrinkage.shown().result.is_some()
                && !a.is_busy()
        },
    );
    let job = h.state().rt.jobs.shrinkage.latest_generation();
    let result = h.state().rt.jobs.shrinkage.shown().result.clone().unwrap();
    assert_eq!(result.eigenvalues.len(), 10, "diabetes has 10 features");
    assert_eq!(result.fit_alphas.len(), 13);
    h.step();
    // α = 1 at the start: its effective number of parameters is written above the plot.
    let df = result.degrees_of_freedom(1.0);
    h.get_by_label_contains(&format!("= {} of 10", ridgeline::ui::fmt_num(df)));
    // The plot spans α = 10⁻³ … 10³: near its right edge α is large. The model follows; the
    // factors are not computed again.
    let plot = h.get_by_label_contains("plot: L2 shrinkage").rect();
    drag_in(&mut h, plot, 0.9);
    let alpha = h.state().settings.model.spec.elastic_net.alpha;
    assert!(alpha > 30.0, "α = {alpha}");
    step_until(
        &mut h,
        Duration::from_secs(60),
        "the model at the new α",
        |a| {
            a.rt.jobs
                .model
                .result_key()
                .is_some_and(|k| k.request.spec.elastic_net.alpha == alpha)
                && !a.is_busy()
        },
    );
    assert_eq!(h.state().rt.jobs.shrinkage.latest_generation(), job);
    h.step();
    h.get_by_label_contains(&format!(
        "= {} of 10",
        ridgeline::ui::fmt_num(result.degrees_of_freedom(alpha))
    ));
}

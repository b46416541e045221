//! The curves the theory asks for, on the live fit's rows and features, with the same seeded
//! k folds: a validation curve (train and CV score against one parameter, the current value a
//! marker the hand can drag), a learning curve (train and CV error against m: consistency and
//! the variance gap), the bias–variance decomposition against α (regression), and a pinned
//! configuration A against the current one B.

use egui::RichText;

use crate::analysis::compare::Verdict;
use crate::analysis::curves::Param;
use crate::estimators::ModelKind;
use crate::figure::builders::{
    bias_variance_figure, compare_figure, fmt_num, learning_figure, validation_figure,
};
use crate::state::Command;
use crate::state::settings::{CurveKind, MAX_CV_FOLDS};
use crate::ui::figure::{figure_ui, pick_x_ui};
use crate::ui::{Ctx, View, theme};
use crate::worker::Shown;

const VALIDATION_TIP: &str = "Train and k-fold cross-validated score at each value of one \
parameter, everything else as set. Where the train score is high and the CV score low the \
model overfits (variance); where both are low it underfits (bias). Drag in the plot to set the \
parameter.";
const LEARNING_TIP: &str = "Train and CV error as the training set grows to m rows. Consistency: \
as m grows the CV error falls towards the train error; the gap between them is the variance \
the model has at this size. Two curves that meet high up mean bias: more data will not help.";
const BIAS_VARIANCE_TIP: &str = "B bootstrap resamples of the training rows, one fit each, \
predicted on the test rows. bias² = mean over test points of (mean prediction − y)²; variance = \
mean over test points of the predictions' variance across fits. Their sum is the measured test \
MSE exactly (the noise of y sits inside the bias² term). L2 trades variance for bias as α grows.";
const COMPARE_TIP: &str = "Pin a configuration as A, change the model (B), and both are \
cross-validated on the same folds. Each mean error has its 95 % normal interval mean ± \
1.96·s/√k. A is better than B if A's upper 95 % bound on error is below B's lower bound. The \
paired difference A − B uses the Nadeau–Bengio corrected variance (1/k + n_test/n_train)·s²_d, \
since the folds' training sets overlap.";

#[derive(Default)]
pub struct CurvesView;

/// The progress, Cancel and Run again of one slot; `true` when it has something to draw.
pub(crate) fn slot_bar_ui<P, O>(
    ui: &mut egui::Ui,
    shown: &Shown<P, O>,
    commands: &mut Vec<Command>,
) {
    if shown.is_busy() {
        ui.add(
            egui::ProgressBar::new(shown.fraction().unwrap_or(0.0))
                .desired_width(120.0)
                .show_percentage(),
        );
        if ui
            .button("Cancel")
            .on_hover_text("Stop; what is drawn stays")
            .clicked()
        {
            commands.push(Command::CancelCurve);
        }
    } else if shown.cancelled
        && ui
            .button("Run again")
            .on_hover_text("Compute it again")
            .clicked()
    {
        commands.push(Command::RestartCurve);
    }
}

fn state_ui<P, O>(ui: &mut egui::Ui, shown: &Shown<P, O>) {
    if let Some(e) = shown.error_text() {
        ui.label(RichText::new(e).color(theme::ERROR));
    }
    if shown.result.is_some() && !shown.current && !shown.is_busy() {
        ui.label(RichText::new("from earlier settings").color(theme::WARNING));
    }
}

impl View for CurvesView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        ui.horizontal_wrapped(|ui| {
            let kind = &mut cx.settings.view.curve;
            ui.selectable_value(kind, CurveKind::Validation, "Validation")
                .on_hover_text(VALIDATION_TIP);
            ui.selectable_value(kind, CurveKind::Learning, "Learning")
                .on_hover_text(LEARNING_TIP);
            ui.selectable_value(kind, CurveKind::BiasVariance, "Bias–variance")
                .on_hover_text(BIAS_VARIANCE_TIP);
            ui.selectable_value(kind, CurveKind::Compare, "A vs B")
                .on_hover_text(COMPARE_TIP);
            ui.selectable_value(kind, CurveKind::Shrinkage, "Shrinkage")
                .on_hover_text(super::shrinkage::SHRINKAGE_TIP);
            // A slider does not wrap as one piece: start a new row when it would not fit
            // (its value and name would otherwise run under the model panel).
            if ui.available_size_before_wrap().x < 260.0 {
                ui.end_row();
            } else {
                ui.separator();
            }
            ui.add(
                egui::Slider::new(&mut cx.settings.model.cv_folds, 2..=MAX_CV_FOLDS)
                    .text("CV folds"),
            )
            .on_hover_text("k of the k-fold cross-validation (shuffled with the split seed)");
        });
        if let Some(err) = cx.model_error() {
            ui.label(RichText::new(err).color(theme::ERROR));
        }
        match cx.settings.view.curve {
            CurveKind::Validation => validation_ui(ui, cx),
            CurveKind::Learning => learning_ui(ui, cx),
            CurveKind::BiasVariance => bias_variance_ui(ui, cx),
            CurveKind::Compare => compare_ui(ui, cx),
            CurveKind::Shrinkage => super::shrinkage::shrinkage_ui(ui, cx),
        }
    }
}

fn validation_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    let params = Param::of(&cx.settings.model.spec);
    let Some(mut param) = cx
        .settings
        .view
        .curve_param
        .filter(|p| params.contains(p))
        .or_else(|| params.first().copied())
    else {
        ui.label("This model has no parameter to sweep.");
        return;
    };
    let shown = cx.validation;
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_label("parameter")
            .selected_text(param.label())
            .show_ui(ui, |ui| {
                for p in &params {
                    ui.selectable_value(&mut param, *p, p.label());
                }
            });
        slot_bar_ui(ui, shown, cx.commands);
    });
    cx.settings.view.curve_param = Some(param);
    state_ui(ui, shown);
    let Some(curve) = shown.partial.clone().or_else(|| shown.result.clone()) else {
        return;
    };
    if curve.param != param {
        return;
    }
    let current = param.current(&cx.settings.model.spec).unwrap_or(f64::NAN);
    let fig = validation_figure(&curve, current);
    let plot = crate::ui::plot(ui, &fig.id).height(ui.available_height() - 24.0);
    if let Some(x) = pick_x_ui(ui, &fig, plot) {
        let lo = curve.values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = curve
            .values
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let mut v = x.clamp(lo, hi);
        if param.is_integer() {
            v = v.round();
        }
        // A value the model refuses is simply not taken.
        let mut spec = cx.settings.model.spec.clone();
        if param.apply(&mut spec, v).is_ok() {
            cx.settings.model.spec = spec;
        }
    }
    notes_ui(ui, &curve.notes);
}

fn learning_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    let shown = cx.learning;
    ui.horizontal(|ui| slot_bar_ui(ui, shown, cx.commands));
    state_ui(ui, shown);
    let Some(curve) = shown.partial.clone().or_else(|| shown.result.clone()) else {
        return;
    };
    let fig = learning_figure(&curve);
    let plot = crate::ui::plot(ui, &fig.id).height(ui.available_height() - 24.0);
    figure_ui(ui, &fig, plot, |_| {}, |_| {});
    notes_ui(ui, &curve.notes);
}

fn bias_variance_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    if cx.settings.model.spec.kind != ModelKind::ElasticNet {
        ui.label(
            "The bias–variance decomposition is drawn for regression: choose the elastic net \
             (ridge, lasso) and a numeric target.",
        );
        return;
    }
    let shown = cx.bias_variance;
    ui.horizontal(|ui| slot_bar_ui(ui, shown, cx.commands));
    state_ui(ui, shown);
    let Some(curve) = shown.partial.clone().or_else(|| shown.result.clone()) else {
        return;
    };
    let alpha = cx.settings.model.spec.elastic_net.alpha;
    let fig = bias_variance_figure(&curve, alpha);
    let plot = crate::ui::plot(ui, &fig.id).height(ui.available_height() - 24.0);
    if let Some(a) = pick_x_ui(ui, &fig, plot).filter(|a| *a > 0.0) {
        cx.settings.model.spec.elastic_net.alpha = a;
    }
    if let Some(i) = curve.mse.len().checked_sub(1) {
        ui.label(
            RichText::new(format!(
                "at α = {}: bias² {} + variance {} = {}; measured test MSE {}",
                fmt_num(curve.alphas[i]),
                fmt_num(curve.bias2[i]),
                fmt_num(curve.variance[i]),
                fmt_num(curve.sum[i]),
                fmt_num(curve.mse[i])
            ))
            .weak(),
        );
    }
}

fn compare_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    let shown = cx.compare;
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Pin current as A")
            .on_hover_text("Remember the current model as A; then change it (B) and compare")
            .clicked()
        {
            cx.settings.model.pinned = Some(cx.settings.model.spec.clone());
        }
        if cx.settings.model.pinned.is_some() && ui.button("Unpin").clicked() {
            cx.settings.model.pinned = None;
        }
        slot_bar_ui(ui, shown, cx.commands);
    });
    let Some(a) = &cx.settings.model.pinned else {
        ui.label("Pin the current model as A, then change it: B is always the current model.");
        return;
    };
    ui.label(format!("A: {}", describe(a)));
    ui.label(format!("B: {}", describe(&cx.settings.model.spec)));
    state_ui(ui, shown);
    let Some(c) = shown.partial.clone().or_else(|| shown.result.clone()) else {
        return;
    };
    let color = match c.verdict {
        Verdict::NoDifference => ui.visuals().text_color(),
        _ => theme::OK,
    };
    ui.label(RichText::new(&c.text).color(color).strong())
        .on_hover_text(COMPARE_TIP);
    ui.label(
        RichText::new(format!(
            "A {} [{}, {}] · B {} [{}, {}] · A − B {} [{}, {}] (Nadeau–Bengio, {} dof)",
            fmt_num(c.a.mean),
            fmt_num(c.a.ci95[0]),
            fmt_num(c.a.ci95[1]),
            fmt_num(c.b.mean),
            fmt_num(c.b.ci95[0]),
            fmt_num(c.b.ci95[1]),
            fmt_num(c.diff.mean),
            fmt_num(c.diff.ci95[0]),
            fmt_num(c.diff.ci95[1]),
            c.diff.dof
        ))
        .weak(),
    );
    let fig = compare_figure(&c);
    let plot = crate::ui::plot(ui, &fig.id).height(ui.available_height());
    figure_ui(ui, &fig, plot, |_| {}, |_| {});
}

/// A configuration in a few words, in scikit-learn's names.
fn describe(spec: &crate::estimators::ModelSpec) -> String {
    use crate::estimators::svm::{Gamma, Kernel};
    match spec.kind {
        ModelKind::Svm => {
            let p = &spec.svm;
            let kernel = match p.kernel {
                Kernel::Linear => "linear".to_string(),
                Kernel::Rbf | Kernel::Poly => {
                    let g = match p.gamma {
                        Gamma::Scale => "scale".to_string(),
                        Gamma::Value(g) => fmt_num(g),
                    };
                    if p.kernel == Kernel::Rbf {
                        format!("RBF, γ = {g}")
                    } else {
                        format!("poly, degree {}, γ = {g}, coef0 = {}", p.degree, p.coef0)
                    }
                }
            };
            format!("SVM, C = {}, {kernel}", fmt_num(p.c))
        }
        ModelKind::Logistic => format!(
            "logistic regression, α = {} (C = {})",
            fmt_num(spec.logistic.alpha),
            fmt_num(1.0 / spec.logistic.alpha)
        ),
        ModelKind::ElasticNet => format!(
            "elastic net, α = {}, l1_ratio = {}",
            fmt_num(spec.elastic_net.alpha),
            fmt_num(spec.elastic_net.l1_ratio)
        ),
        ModelKind::Pca => format!("PCA, {} components", spec.pca.n_components),
    }
}

fn notes_ui(ui: &mut egui::Ui, notes: &[String]) {
    for note in notes.iter().take(3) {
        ui.label(RichText::new(note).small().color(theme::WARNING));
    }
    if notes.len() > 3 {
        ui.label(RichText::new(format!("… and {} more", notes.len() - 3)).small());
    }
}

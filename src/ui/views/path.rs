//! The regularisation path, linked to the α slider: coefficients against α (one line per
//! feature), the non-zero count, and the k-fold cross-validated error with its 95 % band, the
//! best α and the one-standard-error α. A vertical marker stands at the model's α: drag (or
//! click) in any of the plots to move it, and the α slider and the live model follow; move
//! the slider and the marker follows, with no recomputation of the path.

use egui::RichText;

use crate::estimators::ModelKind;
use crate::figure::builders::{fmt_num, path_figures};
use crate::state::Command;
use crate::state::settings::MAX_CV_FOLDS;
use crate::ui::figure::{alpha_hover, pick_x_ui};
use crate::ui::{Ctx, View, theme};

const ALPHA_TIP: &str = "Drag or click in a plot to set α: the slider and the model follow.\n\
Elastic net: 1/(2n)‖y − Xw‖² + α·ρ‖w‖₁ + α(1 − ρ)/2‖w‖². Ridge shrinks each eigen-direction by \
λᵢ/(λᵢ + α); the lasso sets coefficients to exactly 0 one after another as α grows.\n\
Logistic: Σ log-loss + α/2‖w‖², α = 1/C.";
const CV_TIP: &str = "k-fold cross-validation on the training rows (shuffled with the split seed, \
stratified for classes): the mean held-out error and its 95 % t-interval mean ± t·s/√k.\n\
Best α: the smallest mean error. 1-SE α: the largest α whose mean error is within one standard \
error of the best — the simplest model the data cannot tell apart from the best.\n\
A beats B when A's upper 95 % bound is below B's lower bound.";

#[derive(Default)]
pub struct PathView;

/// The α of the current model, if the estimator has a path.
fn alpha_of<'a>(cx: &'a mut Ctx<'_>) -> Option<&'a mut f64> {
    let spec = &mut cx.settings.model.spec;
    match spec.kind {
        ModelKind::ElasticNet => Some(&mut spec.elastic_net.alpha),
        ModelKind::Logistic => Some(&mut spec.logistic.alpha),
        _ => None,
    }
}

impl View for PathView {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
        if cx.settings.model.spec.kind == ModelKind::Svm {
            return svm_path_ui(ui, cx);
        }
        let Some(alpha_now) = alpha_of(cx).map(|a| *a) else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    "A regularisation path is drawn for the elastic net (lasso, ridge), \
                     logistic regression and the SVM: PCA has no penalty.",
                )
            });
            return;
        };
        let running = cx.path.is_busy();
        let result = cx.path.partial.clone().or_else(|| cx.path.result.clone());
        let mut new_alpha = None;
        ui.horizontal_wrapped(|ui| {
            let folds = &mut cx.settings.model.cv_folds;
            ui.add(egui::Slider::new(folds, 2..=MAX_CV_FOLDS).text("CV folds"))
                .on_hover_text(CV_TIP);
            if let Some(cv) = result.as_ref().and_then(|r| r.cv.as_ref()) {
                if let Some(a) = cv.alpha_best
                    && ui
                        .button(format!("best α = {}", fmt_num(a)))
                        .on_hover_text("Set α to the one with the smallest mean CV error")
                        .clicked()
                {
                    new_alpha = Some(a);
                }
                if let Some(a) = cv.alpha_1se
                    && ui
                        .button(format!("1-SE α = {}", fmt_num(a)))
                        .on_hover_text(
                            "Set α to the largest one within one standard error of the best",
                        )
                        .clicked()
                {
                    new_alpha = Some(a);
                }
            }
            if running {
                let fraction = cx.path.fraction().unwrap_or(0.0);
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(120.0)
                        .show_percentage(),
                );
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop computing the path; what is drawn stays")
                    .clicked()
                {
                    cx.commands.push(Command::CancelPath);
                }
            } else if cx.path.cancelled
                && ui
                    .button("Run again")
                    .on_hover_text("Compute the path again")
                    .clicked()
            {
                cx.commands.push(Command::RestartPath);
            }
        });
        if let Some(err) = cx.path.error_text() {
            ui.label(RichText::new(err).color(theme::ERROR));
        }
        let Some(r) = result else {
            if running {
                ui.centered_and_justified(|ui| ui.spinner());
            }
            return;
        };
        let n_outputs = r.outputs.len();
        if n_outputs > 1 {
            let output = &mut cx.settings.view.path_output;
            *output = (*output).min(n_outputs - 1);
            egui::ComboBox::from_label("coefficients of")
                .selected_text(r.outputs[*output].as_str())
                .show_ui(ui, |ui| {
                    for (k, name) in r.outputs.iter().enumerate() {
                        ui.selectable_value(output, k, name.as_str());
                    }
                });
        }
        let unconverged = r.converged.iter().filter(|c| !**c).count();
        let mut summary = format!(
            "{} α from {} to {} · {} of {} computed · path {:.0} ms",
            r.alphas.len(),
            fmt_num(r.alphas.first().copied().unwrap_or(f64::NAN)),
            fmt_num(r.alphas.last().copied().unwrap_or(f64::NAN)),
            r.coefs.len(),
            r.alphas.len(),
            r.path_ms
        );
        if let Some(cv) = &r.cv {
            summary += &format!(
                " · {}-fold CV {}/{} folds, {:.0} ms",
                cv.n_folds, cv.folds_done, cv.n_folds, r.cv_ms
            );
        }
        ui.label(RichText::new(summary).weak())
            .on_hover_text(ALPHA_TIP);
        if unconverged > 0 {
            ui.label(
                RichText::new(format!(
                    "{unconverged} α stopped at max_iter without meeting tol: raise max_iter"
                ))
                .color(theme::WARNING),
            );
        }
        if !cx.path.current && !running {
            ui.label(RichText::new("from earlier settings").color(theme::WARNING));
        }
        let mut figs = path_figures(&r, alpha_now, cx.settings.view.path_output);
        let height = ui.available_height();
        let link = egui::Id::unique("path-alpha-axis");
        let cv_h = if figs.cv.is_some() { 0.38 } else { 0.0 };
        let heights = [height * 0.14, height * (0.84 - cv_h), height * cv_h];
        // Beside the coefficients, when there is room: each feature's colour, name and
        // coefficient at the marker's α, largest first (the legend, and what the marker reads).
        let legend_w = if ui.available_width() >= 640.0 {
            LEGEND_WIDTH
        } else {
            0.0
        };
        let coefs_now = r.coefs_at(alpha_now, cx.settings.view.path_output);
        if legend_w > 0.0 {
            // The list beside it is the legend.
            figs.coefs.legend = false;
        }
        for (k, (fig, h)) in [Some(&figs.nonzero), Some(&figs.coefs), figs.cv.as_ref()]
            .into_iter()
            .zip(heights)
            .enumerate()
        {
            let Some(fig) = fig else { continue };
            let beside = k == 1 && legend_w > 0.0;
            let plot_w = ui.available_width() - legend_w;
            let plot = crate::ui::plot(ui, &fig.id)
                .height(h.max(60.0))
                .width(plot_w)
                // The same room for every y axis, so that one α is at one x in all three.
                .y_axis_min_width(60.0)
                .link_axis(link, [true, false])
                .label_formatter(|pos| alpha_hover(pos, ""));
            let picked = if beside {
                ui.horizontal_top(|ui| {
                    let picked = pick_x_ui(ui, fig, plot);
                    coefficient_list_ui(ui, &r.features, coefs_now.as_deref(), alpha_now, h);
                    picked
                })
                .inner
            } else {
                pick_x_ui(ui, fig, plot)
            };
            if let Some(a) = picked.filter(|a| *a > 0.0) {
                new_alpha = Some(a);
            }
        }
        if let Some(a) = new_alpha
            && let Some(alpha) = alpha_of(cx)
        {
            *alpha = a;
        }
    }
}

/// Width of the list of coefficients beside the path.
const LEGEND_WIDTH: f32 = 215.0;

/// The path's legend: each feature's colour and name with its coefficient at the marker's α
/// (read off the path, linear between computed α), largest magnitude first; zeros greyed.
fn coefficient_list_ui(
    ui: &mut egui::Ui,
    features: &[String],
    coefs: Option<&[f64]>,
    alpha: f64,
    height: f32,
) {
    let Some(coefs) = coefs else { return };
    ui.vertical(|ui| {
        ui.set_width(LEGEND_WIDTH - 12.0);
        ui.label(RichText::new(format!("w at α = {}", fmt_num(alpha))).strong())
            .on_hover_text(
                "Each feature's coefficient where the marker stands, read off the path \
                 (linear between the two computed α around it): no refit",
            );
        let mut order: Vec<usize> = (0..features.len().min(coefs.len())).collect();
        order.sort_by(|&a, &b| coefs[b].abs().total_cmp(&coefs[a].abs()).then(a.cmp(&b)));
        egui::ScrollArea::vertical()
            .id_salt("path-coefficient-list")
            .max_height((height - 24.0).max(40.0))
            .show_rows(ui, 18.0, order.len(), |ui, rows| {
                for &j in &order[rows] {
                    ui.horizontal(|ui| {
                        let (rect, _) =
                            ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                        let colour = theme::tone(crate::figure::Tone::Class(j));
                        ui.painter().rect_filled(rect, 2.0, colour);
                        let value = coefs[j];
                        // The value in a column of its own, then the name (cut to fit;
                        // whole on hover).
                        let mut text = RichText::new(fmt_num(value)).monospace();
                        if value == 0.0 {
                            text = text.weak();
                        }
                        ui.add_sized([58.0, 16.0], egui::Label::new(text));
                        let mut name = RichText::new(features[j].as_str());
                        if value == 0.0 {
                            name = name.weak();
                        }
                        ui.add(egui::Label::new(name).truncate())
                            .on_hover_text(features[j].as_str());
                    });
                }
            });
    });
}

const SVM_PATH_TIP: &str = "C-SVC: ½‖w‖² + C·Σᵢ ξᵢ. Small C: a wide margin 2/‖w‖ that tolerates \
errors, many support vectors (bias). Large C: few errors on the training rows, a narrow margin, \
fewer support vectors (variance). γ (RBF): the kernel's reach, exp(−γ‖x − x'‖²). Drag in a \
plot to set the value.";

/// The SVM's path: support vectors, margin and errors against C (or γ).
fn svm_path_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    use crate::analysis::curves::Param;
    use crate::figure::builders::svm_path_figures;
    let spec = &cx.settings.model.spec;
    let mut param = match cx.settings.view.svm_path_param {
        Some(Param::Gamma) if Param::Gamma.check(spec).is_ok() => Param::Gamma,
        _ => Param::C,
    };
    let shown = cx.svm_path;
    ui.horizontal_wrapped(|ui| {
        ui.label("against").on_hover_text(SVM_PATH_TIP);
        ui.selectable_value(&mut param, Param::C, "C");
        if Param::Gamma.check(spec).is_ok() {
            ui.selectable_value(&mut param, Param::Gamma, "γ");
        }
        let folds = &mut cx.settings.model.cv_folds;
        ui.add(egui::Slider::new(folds, 2..=MAX_CV_FOLDS).text("CV folds"))
            .on_hover_text(CV_TIP);
        if shown.is_busy() {
            ui.add(
                egui::ProgressBar::new(shown.fraction().unwrap_or(0.0))
                    .desired_width(120.0)
                    .show_percentage(),
            );
            if ui.button("Cancel").clicked() {
                cx.commands.push(Command::CancelPath);
            }
        } else if shown.cancelled && ui.button("Run again").clicked() {
            cx.commands.push(Command::RestartPath);
        }
    });
    cx.settings.view.svm_path_param = Some(param);
    if let Some(err) = shown.error_text() {
        ui.label(RichText::new(err).color(theme::ERROR));
    }
    let Some(p) = shown.partial.clone().or_else(|| shown.result.clone()) else {
        if shown.is_busy() {
            ui.centered_and_justified(|ui| ui.spinner());
        }
        return;
    };
    if p.param != param {
        return;
    }
    let current = param.current(&cx.settings.model.spec).unwrap_or(f64::NAN);
    let figs = svm_path_figures(&p, current);
    let height = (ui.available_height() - 8.0) / figs.len() as f32;
    let link = egui::Id::unique("svm-path-axis");
    let mut picked = None;
    for fig in &figs {
        let plot = crate::ui::plot(ui, &fig.id)
            .height(height.max(60.0))
            .link_axis(link, [true, false]);
        if let Some(v) = pick_x_ui(ui, fig, plot).filter(|v| *v > 0.0) {
            picked = Some(v);
        }
    }
    if let Some(v) = picked {
        let (lo, hi) = (
            p.values.iter().copied().fold(f64::INFINITY, f64::min),
            p.values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let mut spec = cx.settings.model.spec.clone();
        if param.apply(&mut spec, v.clamp(lo, hi)).is_ok() {
            cx.settings.model.spec = spec;
        }
    }
}

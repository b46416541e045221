//! The metrics of the model on screen: scores on train and test, the confusion matrix, and
//! what each estimator reports of its fit.

use egui::RichText;

use crate::analysis::live::{MapKind, Scores};
use crate::estimators::Fitted;
use crate::state::{ModelView, Prepared};
use crate::ui::{Ctx, fmt_num, theme};

/// Metrics of the model on screen, for the side panel.
pub fn metrics_panel_ui(ui: &mut egui::Ui, cx: &Ctx<'_>) {
    use crate::ui::views::{Showing, shown_as};
    if cx.model.is_busy() && cx.settings.model.spec.kind == crate::estimators::ModelKind::Svm {
        // A long SVM fit says how far it is (its KKT gap's fall towards tol, per binary
        // problem); a newer setting cancels it.
        if let Some(f) = cx.model.fraction() {
            ui.add(egui::ProgressBar::new(f).text(format!("fitting the SVM… {:.0} %", 100.0 * f)))
                .on_hover_text(
                    "How far the KKT gap has fallen towards tol, per binary problem; moving any \
                 setting cancels this fit and starts the new one",
                );
        }
    }
    let Some(view) = &cx.model.result else {
        return;
    };
    match shown_as(view, cx) {
        // Another estimator's numbers are not this one's.
        Showing::Other => return,
        Showing::Stale => {
            ui.label(RichText::new("from earlier settings").color(theme::WARNING));
            ui.scope(|ui| {
                ui.multiply_opacity(0.45);
                metrics_ui(ui, &view.prepared, view);
            });
        }
        Showing::Current => metrics_ui(ui, &view.prepared, view),
    }
    ui.separator();
    cv_ui(ui, cx);
}

const CV_TIP: &str = "k-fold cross-validation on the training rows (shuffled with the split \
seed, stratified for classes; each fold standardised with its own training part): the held-out \
score of each fold, their mean and its 95 % interval mean ± t₀.₉₇₅,ₖ₋₁·s/√k. Set k in the \
Path or Curves view.";

/// The k-fold CV of the current model, streamed fold by fold.
fn cv_ui(ui: &mut egui::Ui, cx: &Ctx<'_>) {
    let shown = cx.cv;
    let run = shown.partial.clone().or_else(|| shown.result.clone());
    ui.horizontal(|ui| {
        ui.strong("Cross-validation").on_hover_text(CV_TIP);
        if shown.is_busy() {
            ui.spinner();
        }
    });
    if let Some(e) = shown.error_text() {
        ui.label(RichText::new(e).color(theme::ERROR));
    }
    let Some(run) = run else { return };
    // Accuracy, R² and the explained-variance share are at most 1: so is an honest bound.
    let hi = run.cv_ci95[1].min(1.0);
    let clamped = hi < run.cv_ci95[1];
    let text = format!(
        "{}-fold {} {:.3} [{:.3}, {:.3}]{}",
        run.k,
        run.metric,
        run.cv_mean,
        run.cv_ci95[0],
        hi,
        if run.done {
            String::new()
        } else {
            format!(" ({} of {} folds)", run.cv.len(), run.k)
        }
    );
    let label = if shown.current || shown.is_busy() {
        RichText::new(text)
    } else {
        RichText::new(text).weak()
    };
    let tip = format!(
        "{CV_TIP}\nFolds: {}\nTrain (mean of folds): {:.3}{}",
        run.cv
            .iter()
            .map(|s| format!("{s:.3}"))
            .collect::<Vec<_>>()
            .join(", "),
        run.train_mean,
        if clamped {
            "\nThe upper bound is clamped to 1, the largest possible score."
        } else {
            ""
        }
    );
    ui.label(label).on_hover_text(tip);
}

fn metrics_ui(ui: &mut egui::Ui, p: &Prepared, view: &ModelView) {
    let r = &view.result;
    ui.heading("Metrics");
    let scores = |ui: &mut egui::Ui, name: &str, s: &Scores| {
        ui.strong(format!("{name} ({} rows)", s.n));
        if let Some(a) = s.accuracy {
            ui.label(format!("accuracy {:.3}", a));
        }
        if let Some(l) = s.log_loss {
            ui.label(format!("log-loss {:.4}", l)).on_hover_text(
                "Mean cross-entropy −(1/n) Σ log p(yᵢ | xᵢ): what maximum likelihood minimises",
            );
        }
        if let Some(v) = s.r2 {
            let text = if v.is_finite() {
                format!("R² {v:.4}")
            } else {
                format!("R² undefined on {} row(s)", s.n)
            };
            ui.label(text)
                .on_hover_text("1 − Σ(y − ŷ)² / Σ(y − ȳ)²: needs at least 2 rows");
        }
        if let Some(v) = s.mse {
            ui.label(format!("MSE {}", fmt_num(v)))
                .on_hover_text("(1/n) Σ (y − ŷ)² = bias² + variance + noise, in expectation");
        }
    };
    scores(ui, "train", &r.train);
    if let Some(t) = &r.test {
        scores(ui, "test", t);
    } else {
        ui.label(RichText::new("no test rows (test share 0)").weak());
    }
    let confusion = r
        .test
        .as_ref()
        .and_then(|t| t.confusion.as_ref())
        .or(r.train.confusion.as_ref());
    if let Some(m) = confusion {
        ui.separator();
        ui.strong(if r.test.is_some() {
            "Confusion (test): rows true, columns predicted"
        } else {
            "Confusion (train)"
        });
        let names = p.dataset.target.class_names();
        egui::Grid::new("confusion").striped(true).show(ui, |ui| {
            ui.label("");
            for n in names {
                ui.label(RichText::new(n).small());
            }
            ui.end_row();
            for (i, n) in names.iter().enumerate() {
                ui.label(RichText::new(n).small());
                for j in 0..names.len() {
                    let v = m[[i, j]];
                    ui.label(if i == j {
                        RichText::new(v.to_string()).strong()
                    } else {
                        RichText::new(v.to_string())
                    });
                }
                ui.end_row();
            }
        });
    }
    ui.separator();
    match &r.fitted {
        Fitted::Svm(m) => {
            let fitted_rows = r.subsampled.map_or(p.split.train.len(), |(used, _)| used);
            if let Some((used, total)) = r.subsampled {
                ui.label(
                    RichText::new(format!(
                        "fitted on a random {used} of {total} training rows"
                    ))
                    .color(theme::WARNING),
                )
                .on_hover_text(
                    "The window fits the SVM on a seeded sample so the picture follows the \
                     hand. `ridgeline fit` fits every row (the SMO engine has no row limit).",
                );
            }
            ui.label(format!("engine {}", m.engine().label()))
                .on_hover_text("Chosen under the model's controls; fit time below");
            ui.label(format!(
                "support vectors {} of {}",
                m.n_support(),
                fitted_rows
            ))
            .on_hover_text(
                "Training points with αᵢ > 0: only they enter f(x) = Σ αᵢ yᵢ k(xᵢ, x) − ρ",
            );
            if m.n_classes() > 2 {
                let names = p.dataset.target.class_names();
                let per: Vec<String> = m
                    .n_support_per_class()
                    .iter()
                    .enumerate()
                    .map(|(c, k)| format!("{} {k}", names.get(c).map_or("?", |s| s.as_str())))
                    .collect();
                ui.label(RichText::new(format!("per class: {}", per.join(", "))).small())
                    .on_hover_text(format!(
                        "One-vs-one: {} binary SVMs, one per pair of classes, each on the rows \
                         of its two classes; a point's class is the one with the most votes \
                         (ties to the first)",
                        m.rho().len()
                    ));
            }
            if view.spec.svm.kernel != crate::estimators::svm::Kernel::Linear {
                ui.label(format!("γ used {}", fmt_num(m.gamma())));
            }
            let worst_gap = m.kkt_gap().iter().copied().fold(f64::NAN, f64::max);
            let objective: f64 = m.dual_objective().iter().sum();
            let status = if m.converged() {
                format!("converged in {} iterations", m.n_iter())
            } else {
                format!("not converged: stopped after {} iterations", m.n_iter())
            };
            let text = if worst_gap.is_finite() {
                format!("{status} (KKT gap {})", fmt_num(worst_gap))
            } else {
                status
            };
            let label = if m.converged() {
                RichText::new(text)
            } else {
                RichText::new(text).color(theme::WARNING)
            };
            ui.label(label).on_hover_text(format!(
                "SMO stops when the largest KKT violation m(α) − M(α) is below tol = {} \
                 (the largest over the binary problems is shown). Dual objective \
                 ½αᵀQα − Σα = {}{}",
                fmt_num(view.spec.svm.tol),
                fmt_num(objective),
                if m.rho().len() > 1 {
                    " (summed over the binary problems)"
                } else {
                    ""
                }
            ));
        }
        Fitted::Logistic(m) => {
            ui.label(format!(
                "{} in {} L-BFGS iterations (max |∇| = {})",
                if m.converged() {
                    "converged"
                } else {
                    "not converged: raise max_iter"
                },
                m.n_iter(),
                fmt_num(m.grad_norm())
            ))
            .on_hover_text(
                "The largest component of the gradient of the mean objective (mean log-loss + \
                 α/(2n)‖w‖²) at the fitted weights: the fit stops when it is ≤ tol, as \
                 scikit-learn's lbfgs does",
            );
            ui.label(format!(
                "classes {} ({})",
                m.n_classes(),
                if m.n_classes() == 2 {
                    "sigmoid"
                } else {
                    "softmax"
                }
            ));
        }
        Fitted::ElasticNet(m) => {
            ui.label(format!(
                "non-zero coefficients {} of {}",
                m.n_nonzero(),
                m.coef().len()
            ));
            ui.label(format!("intercept {}", fmt_num(m.intercept())));
            let max_iter = view.spec.elastic_net.max_iter as usize;
            if m.n_iter() >= max_iter {
                let why = ": raise max_iter or tol";
                ui.label(
                    RichText::new(format!(
                        "not converged: stopped at max_iter = {max_iter} (duality gap {}){why}",
                        fmt_num(m.duality_gap())
                    ))
                    .color(theme::WARNING),
                );
            } else {
                ui.label(format!(
                    "converged in {} sweeps (duality gap {})",
                    m.n_iter(),
                    fmt_num(m.duality_gap())
                ));
            }
        }
        Fitted::Pca(m) => {
            for (k, (l, q)) in m
                .explained_variance()
                .iter()
                .zip(m.explained_variance_ratio().iter())
                .enumerate()
            {
                ui.label(format!(
                    "PC{}: λ = {}, {:.1} % of the variance",
                    k + 1,
                    fmt_num(*l),
                    100.0 * q
                ));
            }
        }
    }
    ui.label(format!("fit {:.1} ms, map {:.1} ms", r.fit_ms, r.grid_ms))
        .on_hover_text("Measured on the worker thread");
    if r.map.as_ref().is_some_and(|m| m.pairwise.is_some()) {
        ui.label(
            RichText::new(
                "shading: the one-vs-one vote; lines where a class stops beating every other",
            )
            .weak(),
        );
    } else if let Some(MapKind::Decision) = r.map.as_ref().map(|m| m.kind) {
        ui.label(
            RichText::new("shading: decision value f(x); solid line f = 0, dashed f = ±1").weak(),
        );
    } else if r.map.is_some() {
        ui.label(RichText::new("shading: class probability; solid line p = ½").weak());
    }
}

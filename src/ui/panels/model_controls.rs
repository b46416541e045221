//! The model controls: estimator choice and its parameters, each with a tooltip that gives
//! its meaning and formula. Sliders for C, γ and α are logarithmic.

use egui::RichText;

use crate::analysis::live::FitOn;
use crate::estimators::ModelKind;
use crate::estimators::elastic_net::ElasticNetParams;
use crate::estimators::pca::PcaEngine;
use crate::estimators::svm::{Gamma, Kernel, MAX_CACHE_MB, SvmEngine};
use crate::state::ModelSettings;
use crate::ui::Ctx;
use crate::ui::theme;

const C_TIP: &str = "C-SVC minimises ½‖w‖² + C·Σᵢ ξᵢ subject to yᵢ f(xᵢ) ≥ 1 − ξᵢ.\n\
Small C: a wide margin that tolerates errors (more bias, more support vectors).\n\
Large C: fit the training points (more variance).";
const KERNEL_TIP: &str = "The kernel trick: f(x) = Σᵢ αᵢ yᵢ k(xᵢ, x) − ρ, a sum over the support vectors only.\n\
linear: k(x, x') = ⟨x, x'⟩\n\
RBF: k(x, x') = exp(−γ‖x − x'‖²)\n\
polynomial: k(x, x') = (γ⟨x, x'⟩ + coef0)^degree";
const GAMMA_TIP: &str = "Kernel width: k(x, x') = exp(−γ‖x − x'‖²).\n\
Large γ: each point's influence is local — a wiggly boundary, high variance.\n\
Small γ: smooth boundary, more bias.";
const SCALE_TIP: &str = "γ = 1 / (p · Var X), scikit-learn's \"scale\"";
const DEGREE_TIP: &str = "Degree d of the polynomial kernel (γ⟨x, x'⟩ + coef0)^d";
const COEF0_TIP: &str =
    "The constant coef0 in (γ⟨x, x'⟩ + coef0)^d: how much lower-order terms count";
const TOL_TIP: &str =
    "Stopping tolerance of the solver (KKT violation); scikit-learn's default is 1e-3";
const ENGINE_TIP: &str = "Which solver fits the SVM (both solve the same C-SVC dual, so they agree to tol):\n\
Ridgeline SMO: our port of libsvm's solver (as scikit-learn's SVC): second-order working sets, \
shrinking, kernel columns kept in a cache of cache_mb; any number of rows; progress and Cancel \
inside the solve.\n\
linfa-svm: linfa's own estimator; it builds the whole n × n kernel matrix first, so at most \
10,000 rows per binary problem, and it stops only between its binary fits.\n\
The metrics show the fit's time for each.";
const CACHE_TIP: &str = "Ridgeline SMO's kernel cache, in MB: the kernel columns the solver \
reuses, the least recently used dropped first (scikit-learn's cache_size). More is faster on \
large data, never different.";
const LOGISTIC_ALPHA_TIP: &str = "Logistic regression maximises the likelihood, i.e. minimises the cross-entropy\n\
−Σᵢ log p(yᵢ | xᵢ) + α/2 ‖w‖²   (the intercept is not penalised).\n\
Two classes: p(y = 1 | x) = σ(wᵀx + b) = 1 / (1 + e^−(wᵀx + b)), the sigmoid.\n\
More classes: p(y = k | x) = softmax(Wx + b)ₖ = e^zₖ / Σⱼ e^zⱼ.\n\
α = 1/C: larger α shrinks w (more bias, less variance).";
const MAX_ITER_TIP: &str = "Most iterations of the solver";
const ENET_ALPHA_TIP: &str = "Elastic net minimises\n\
1/(2n)‖y − Xw‖² + α·ρ·‖w‖₁ + α(1 − ρ)/2·‖w‖²   (ρ = l1_ratio).\n\
L2 (ridge) shrinks the coefficient along each eigen-direction of XᵀX/n by λᵢ / (λᵢ + α).\n\
L1 (lasso) soft-thresholds: w = sign(z)·max(|z| − α, 0), so small coefficients become exactly 0.";
const L1_TIP: &str = "ρ = l1_ratio: 1 is the lasso (sparse), 0 is ridge (shrinks, never exactly 0)";
const COMPONENTS_TIP: &str = "PCA is the SVD of the centred data X = UΣVᵀ.\n\
The components are the rows of Vᵀ; their variances are λᵢ = σᵢ² / (n − 1).\n\
The projection z = (x − μ)V has a diagonal covariance: the components are uncorrelated.";
const WHITEN_TIP: &str = "Divide each zᵢ by √λᵢ, so every component has unit variance";
const PCA_ENGINE_TIP: &str = "ridgeline: faer's exact decompositions, the method chosen by the \
    data's shape as scikit-learn's svd_solver=\"auto\" (covariance, Gram matrix, SVD or \
    randomized; the result says which). linfa: linfa-reduction's Pca (LOBPCG), for comparison; \
    inaccurate past about min(n, p)/5 components and not cancellable mid-solve";
const FIT_ON_TIP: &str = "The two shown features: the map is the model itself (teaching view).\n\
All features: the map is a slice through the model, the other features held at their mean.";

pub fn model_controls_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    ui.heading("Model");
    let n_features = cx.prepared().map_or(2, |p| p.dataset.n_features());
    // The γ the last SVM fit used, shown while "scale" chooses it.
    let gamma_used = match cx.model.result.as_ref().map(|m| &m.result.fitted) {
        Some(crate::estimators::Fitted::Svm(m)) => Some(m.gamma()),
        _ => None,
    };
    let ModelSettings { spec, fit_on, .. } = &mut cx.settings.model;
    egui::ComboBox::from_label("Estimator")
        .selected_text(spec.kind.label())
        .show_ui(ui, |ui| {
            for kind in ModelKind::ALL {
                ui.selectable_value(&mut spec.kind, kind, kind.label());
            }
        });
    if spec.kind != ModelKind::ElasticNet {
        ui.horizontal(|ui| {
            ui.label("fit on");
            ui.selectable_value(fit_on, FitOn::ShownPair, "shown pair")
                .on_hover_text(FIT_ON_TIP);
            ui.selectable_value(fit_on, FitOn::AllFeatures, "all features")
                .on_hover_text(FIT_ON_TIP);
        });
    }
    ui.separator();
    match spec.kind {
        ModelKind::Svm => {
            let p = &mut spec.svm;
            ui.add(log_slider(&mut p.c, 1e-3, 1e3, "C"))
                .on_hover_text(C_TIP);
            ui.horizontal(|ui| {
                ui.label("kernel").on_hover_text(KERNEL_TIP);
                ui.selectable_value(&mut p.kernel, Kernel::Linear, "linear")
                    .on_hover_text(KERNEL_TIP);
                ui.selectable_value(&mut p.kernel, Kernel::Rbf, "RBF")
                    .on_hover_text(KERNEL_TIP);
                ui.selectable_value(&mut p.kernel, Kernel::Poly, "poly")
                    .on_hover_text(KERNEL_TIP);
            });
            if p.kernel != Kernel::Linear {
                let mut scale = p.gamma == Gamma::Scale;
                let mut g = match p.gamma {
                    Gamma::Value(g) => g,
                    Gamma::Scale => gamma_used.unwrap_or(1.0 / n_features.max(1) as f64),
                };
                ui.horizontal(|ui| {
                    let r = ui.add_enabled(!scale, log_slider(&mut g, 1e-3, 1e2, "gamma"));
                    r.on_hover_text(GAMMA_TIP).on_disabled_hover_text(GAMMA_TIP);
                });
                ui.checkbox(&mut scale, "gamma = scale")
                    .on_hover_text(SCALE_TIP);
                p.gamma = if scale { Gamma::Scale } else { Gamma::Value(g) };
            }
            if p.kernel == Kernel::Poly {
                ui.add(egui::Slider::new(&mut p.degree, 1..=6).text("degree"))
                    .on_hover_text(DEGREE_TIP);
                ui.add(egui::Slider::new(&mut p.coef0, -2.0..=5.0).text("coef0"))
                    .on_hover_text(COEF0_TIP);
            }
            ui.add(log_slider(&mut p.tol, 1e-6, 1e-1, "tol"))
                .on_hover_text(TOL_TIP);
            egui::ComboBox::from_label("engine")
                .selected_text(p.engine.label())
                .show_ui(ui, |ui| {
                    for e in SvmEngine::ALL {
                        ui.selectable_value(&mut p.engine, e, e.label())
                            .on_hover_text(ENGINE_TIP);
                    }
                })
                .response
                .on_hover_text(ENGINE_TIP);
            if p.engine == SvmEngine::Smo {
                ui.add(
                    egui::Slider::new(&mut p.cache_mb, 1..=MAX_CACHE_MB.min(8192))
                        .logarithmic(true)
                        .text("cache_mb"),
                )
                .on_hover_text(CACHE_TIP);
            }
        }
        ModelKind::Logistic => {
            let p = &mut spec.logistic;
            ui.add(log_slider(&mut p.alpha, 1e-4, 1e3, "alpha"))
                .on_hover_text(LOGISTIC_ALPHA_TIP);
            ui.label(
                RichText::new(format!("C = 1/α = {}", crate::ui::fmt_num(1.0 / p.alpha))).weak(),
            )
            .on_hover_text("scikit-learn's C is the inverse of α");
            ui.add(
                egui::Slider::new(&mut p.max_iter, 1..=1000)
                    .logarithmic(true)
                    .text("max_iter"),
            )
            .on_hover_text(MAX_ITER_TIP);
            ui.add(log_slider(&mut p.tol, 1e-8, 1e-1, "tol"))
                .on_hover_text(
                    "L-BFGS stops when max |∂f/∂wᵢ| ≤ tol for the mean objective \
                     f = mean log-loss + α/(2n)‖w‖² (scikit-learn's lbfgs rule), or when f \
                     stops decreasing",
                );
        }
        ModelKind::ElasticNet => {
            let p = &mut spec.elastic_net;
            ui.horizontal(|ui| {
                if ui
                    .button("Lasso")
                    .on_hover_text("l1_ratio = 1: L1 only, sparse coefficients")
                    .clicked()
                {
                    *p = ElasticNetParams {
                        l1_ratio: 1.0,
                        ..p.clone()
                    };
                }
                if ui
                    .button("Ridge")
                    .on_hover_text("l1_ratio = 0: L2 only, shrinkage λᵢ/(λᵢ+α)")
                    .clicked()
                {
                    *p = ElasticNetParams {
                        l1_ratio: 0.0,
                        ..p.clone()
                    };
                }
            });
            ui.add(log_slider(&mut p.alpha, 1e-4, 1e2, "alpha"))
                .on_hover_text(ENET_ALPHA_TIP);
            ui.add(egui::Slider::new(&mut p.l1_ratio, 0.0..=1.0).text("l1_ratio"))
                .on_hover_text(L1_TIP);
            ui.add(
                egui::Slider::new(&mut p.max_iter, 1..=10_000)
                    .logarithmic(true)
                    .text("max_iter"),
            )
            .on_hover_text(MAX_ITER_TIP);
            ui.add(log_slider(&mut p.tol, 1e-8, 1e-1, "tol"))
                .on_hover_text(
                    "Coordinate descent stops when its duality gap is ≤ tol·‖y − ȳ‖²/n \
                     (checked once the largest update is small: scikit-learn's rule)",
                );
        }
        ModelKind::Pca => {
            let p = &mut spec.pca;
            let max = n_features.max(1);
            // Shown within this data's range, but written back only when the hand moves it: a
            // clamp written here would be a change of its own (and would undo an Undo).
            let mut k = p.n_components.clamp(1, max);
            if ui
                .add(egui::Slider::new(&mut k, 1..=max).text("n_components"))
                .on_hover_text(COMPONENTS_TIP)
                .changed()
            {
                p.n_components = k;
            }
            ui.checkbox(&mut p.whiten, "whiten")
                .on_hover_text(WHITEN_TIP);
            egui::ComboBox::from_label("engine")
                .selected_text(p.engine.name())
                .show_ui(ui, |ui| {
                    for e in PcaEngine::ALL {
                        ui.selectable_value(&mut p.engine, e, e.name());
                    }
                })
                .response
                .on_hover_text(PCA_ENGINE_TIP);
        }
    }
    if let Err(e) = spec.validate() {
        ui.label(RichText::new(e.to_string()).color(theme::ERROR));
    }
}

/// A logarithmic slider with scikit-learn's name as its text.
fn log_slider<'a>(value: &'a mut f64, lo: f64, hi: f64, name: &str) -> egui::Slider<'a> {
    egui::Slider::new(value, lo..=hi)
        .logarithmic(true)
        .text(name)
        .custom_formatter(|v, _| crate::ui::fmt_num(v))
}

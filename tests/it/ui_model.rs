//! The model view driven through egui_kittest: choose estimators, drag their sliders, and check
//! the pictures and metrics that result.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ridgeline::app::{RidgelineApp, Settings, Startup, Tab};
use ridgeline::data::builtin::Builtin;
use ridgeline::data::{RealDataset, Source};
use ridgeline::estimators::{Fitted, ModelKind};
use std::time::Duration;

use crate::common::{prepared, settle};

fn harness(startup: Startup) -> Harness<'static, RidgelineApp> {
    crate::common::harness(startup, egui::vec2(1400.0, 900.0))
}

fn on(dataset: RealDataset) -> Startup {
    Startup {
        source: Some(Source::Builtin(Builtin::Real(dataset))),
        ..Default::default()
    }
}

fn fitted(h: &Harness<'static, RidgelineApp>) -> Fitted {
    h.state().model().expect("a model").result.fitted.clone()
}

fn train_scores(h: &Harness<'static, RidgelineApp>) -> ridgeline::analysis::live::Scores {
    h.state().model().expect("a model").result.train.clone()
}

/// Drag a slider's handle to the right end of its track (the slider is found by its text).
fn drag_slider_to_max(h: &mut Harness<'static, RidgelineApp>, name: &str) {
    let rect = h.get_by_role_and_label(Role::Slider, name).rect();
    h.drag_at(rect.center());
    h.step();
    h.hover_at(rect.right_center() + egui::vec2(40.0, 0.0));
    h.step();
    // While the hand is down the update is coarse.
    h.drop_at(rect.right_center() + egui::vec2(40.0, 0.0));
}

fn choose_estimator(h: &mut Harness<'static, RidgelineApp>, label: &str) {
    h.get_by_role_and_label(Role::ComboBox, "Estimator").click();
    h.run_steps(2);
    h.get_by_label(label).click();
    settle(h);
}

#[test]
fn svm_boundary_with_margins_and_fewer_support_vectors_as_c_grows() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    let view = h.state().model().unwrap();
    assert!(
        !view.result.boundary.is_empty(),
        "a decision boundary is drawn"
    );
    assert!(!view.result.margins.is_empty(), "the ±1 margins are drawn");
    assert!(view.result.map.is_some() && h.state().has_map_texture());
    let Fitted::Svm(m) = fitted(&h) else {
        panic!("SVM by default")
    };
    let sv_small_c = m.n_support();
    h.get_by_label_contains(&format!("support vectors {sv_small_c} of 224"));

    drag_slider_to_max(&mut h, "C");
    settle(&mut h);
    assert_eq!(h.state().settings.model.spec.svm.c, 1000.0);
    let Fitted::Svm(m) = fitted(&h) else { panic!() };
    // Larger C penalises margin violations harder: fewer points sit inside the margin.
    assert!(
        m.n_support() < sv_small_c,
        "{} ≥ {sv_small_c}",
        m.n_support()
    );
    h.get_by_label_contains(&format!("support vectors {} of 224", m.n_support()));
}

#[test]
fn switching_to_a_linear_kernel_gives_a_straight_boundary() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    h.get_by_label("linear").click();
    settle(&mut h);
    let view = h.state().model().unwrap();
    // f(x) = w·x − ρ is linear: its zero set is one straight line.
    assert_eq!(view.result.boundary.len(), 1);
    let line = &view.result.boundary[0];
    let (p, q) = (line[0], line[line.len() - 1]);
    for r in line {
        let cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
        assert!(cross.abs() < 1e-6, "off the line by {cross}");
    }
}

#[test]
fn logistic_regression_probabilities_and_shrinkage_with_alpha() {
    let mut h = harness(on(RealDataset::Iris));
    settle(&mut h);
    choose_estimator(&mut h, "Logistic regression");
    assert_eq!(h.state().settings.model.spec.kind, ModelKind::Logistic);
    let Fitted::Logistic(m) = fitted(&h) else {
        panic!("logistic")
    };
    let norm_small_alpha: f64 = m.coef().iter().map(|w| w * w).sum();
    let loss_small_alpha = train_scores(&h).log_loss.unwrap();
    h.get_by_label_contains("shading: class probability");

    drag_slider_to_max(&mut h, "alpha");
    settle(&mut h);
    assert_eq!(h.state().settings.model.spec.logistic.alpha, 1000.0);
    let Fitted::Logistic(m) = fitted(&h) else {
        panic!()
    };
    let norm_big_alpha: f64 = m.coef().iter().map(|w| w * w).sum();
    let loss_big_alpha = train_scores(&h).log_loss.unwrap();
    // The L2 penalty α/2‖w‖² shrinks the weights and costs likelihood on the training rows.
    assert!(norm_big_alpha < 0.01 * norm_small_alpha);
    assert!(loss_big_alpha > loss_small_alpha);
    // With w ≈ 0 the three species get about ⅓ each: log-loss near ln 3 = 1.0986.
    assert!(
        (loss_big_alpha - 3f64.ln()).abs() < 0.05,
        "{loss_big_alpha}"
    );
    h.get_by_label_contains("C = 1/α = 0.001");
}

#[test]
fn lasso_on_diabetes_zeroes_coefficients_as_alpha_grows() {
    let mut h = harness(on(RealDataset::Diabetes));
    settle(&mut h);
    choose_estimator(&mut h, "Elastic net");
    h.get_by_label("Lasso").click();
    settle(&mut h);
    // Regression uses every feature (the coefficient chart is the point).
    assert_eq!(h.state().model().unwrap().result.features.len(), 10);
    assert_eq!(h.state().settings.model.spec.elastic_net.l1_ratio, 1.0);
    let Fitted::ElasticNet(m) = fitted(&h) else {
        panic!("elastic net")
    };
    let nonzero_at_1 = m.n_nonzero();
    let r2 = train_scores(&h).r2.unwrap();
    assert!(r2 > 0.3 && r2 < 0.7, "diabetes R² is about 0.5: {r2}");
    h.get_by_label_contains(&format!("({nonzero_at_1} of 10 non-zero)"));

    drag_slider_to_max(&mut h, "alpha");
    settle(&mut h);
    let Fitted::ElasticNet(m) = fitted(&h) else {
        panic!()
    };
    // α = 100 is far above α_max = max|Xᵀy|/n on standardised diabetes (about 45): all zero.
    assert_eq!(m.n_nonzero(), 0);
    assert!(nonzero_at_1 > 0);
    h.get_by_label_contains("(0 of 10 non-zero)");
}

#[test]
fn pca_on_standardised_iris_matches_numpy_and_has_a_diagonal_covariance() {
    let mut h = harness(on(RealDataset::Iris));
    settle(&mut h);
    choose_estimator(&mut h, "PCA");
    h.get_by_label("all features").click();
    // Fit on every row: drag the test share to 0.
    let rect = h.get_by_role_and_label(Role::Slider, "test share").rect();
    h.drag_at(rect.center());
    h.step();
    h.drop_at(rect.left_center() - egui::vec2(40.0, 0.0));
    settle(&mut h);
    assert_eq!(h.state().settings.prep.test_fraction, 0.0);
    let Fitted::Pca(m) = fitted(&h) else {
        panic!("pca")
    };
    // Reference, computed with numpy on linfa-datasets' iris file (the UCI version, whose rows
    // 35 and 38 differ from scikit-learn's corrected copy, hence not sklearn's 0.7296, 0.2285):
    //   Z = (X - X.mean(0)) / X.std(0); ev = eigvalsh(cov(Z.T))[::-1]; ev / ev.sum()
    //   → [0.72770452, 0.23030523, 0.03683832, 0.00515193]
    let r = m.explained_variance_ratio();
    assert!((r[0] - 0.72770452).abs() < 1e-6, "{r}");
    assert!((r[1] - 0.23030523).abs() < 1e-6, "{r}");
    let view = h.state().model().unwrap();
    let cov = view.result.z_covariance.as_ref().unwrap();
    assert!(
        cov[[0, 1]].abs() < 1e-10 && cov[[1, 0]].abs() < 1e-10,
        "{cov}"
    );
    assert!((cov[[0, 0]] - m.explained_variance()[0]).abs() < 1e-9);
    assert_eq!(view.result.axis_segments.len(), 2);
    h.get_by_label_contains("PC1: λ = ");
    h.get_by_label_contains("72.8 % of the variance");
}

#[test]
fn a_model_that_cannot_fit_the_target_says_why_and_keeps_running() {
    let mut h = harness(on(RealDataset::Diabetes));
    settle(&mut h);
    // SVM (the default) on a regression target.
    let err = h.state().model_error().expect("an error");
    assert!(err.contains("needs class labels"), "{err}");
    // The window says where to choose another target (the command line names its options).
    assert!(err.ends_with("in the Columns panel"), "{err}");
    assert!(!err.contains("--target"), "{err}");
    h.get_by_label_contains("needs class labels");
    // The app still works: choose elastic net and get a model.
    choose_estimator(&mut h, "Elastic net");
    assert!(h.state().model_error().is_none());
    assert!(matches!(fitted(&h), Fitted::ElasticNet(_)));
}

#[test]
fn undo_restores_a_dragged_model_parameter() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    let Fitted::Svm(before) = fitted(&h) else {
        panic!()
    };
    drag_slider_to_max(&mut h, "C");
    settle(&mut h);
    assert_eq!(h.state().settings.model.spec.svm.c, 1000.0);
    h.get_by_label("Undo").click();
    settle(&mut h);
    assert_eq!(h.state().settings.model.spec.svm.c, 1.0);
    // The model on screen is the C = 1 one again.
    let Fitted::Svm(after) = fitted(&h) else {
        panic!()
    };
    assert_eq!(after.n_support(), before.n_support());
    assert_eq!(after.support_indices(), before.support_indices());
}

#[test]
fn a_fit_that_stopped_at_max_iter_says_so_and_gamma_is_shown_only_where_it_applies() {
    use ridgeline::app::Settings;
    // The elastic net on diabetes allowed 2 sweeps cannot meet tol = 1e-4.
    let mut s = Settings {
        source: Source::Builtin(Builtin::Real(RealDataset::Diabetes)),
        ..Default::default()
    };
    s.model.spec.kind = ModelKind::ElasticNet;
    s.model.spec.elastic_net.l1_ratio = 0.5;
    s.model.spec.elastic_net.alpha = 0.01;
    s.model.spec.elastic_net.max_iter = 2;
    let mut h = harness(Startup {
        restored: Some(s),
        ..Default::default()
    });
    settle(&mut h);
    h.get_by_label_contains("not converged: stopped at max_iter = 2");
    h.get_by_label_contains("raise max_iter or tol");
    // Pure ridge with room to converge does (linfa's own gap never let it), and so does the
    // lasso; each says in how many sweeps.
    for preset in ["Ridge", "Lasso"] {
        h.state_mut().settings.model.spec.elastic_net.max_iter = 1000;
        h.get_by_label(preset).click();
        settle(&mut h);
        h.get_by_label_contains("converged in");
        assert!(
            h.query_by_label_contains("not converged").is_none(),
            "{preset} met its tolerance"
        );
    }

    // A linear SVM has no γ: none is shown.
    let mut s = Settings::default();
    s.model.spec.svm.kernel = ridgeline::estimators::svm::Kernel::Linear;
    let mut h = harness(Startup {
        restored: Some(s),
        ..Default::default()
    });
    settle(&mut h);
    assert!(h.query_by_label_contains("γ used").is_none());
    h.get_by_label("RBF").click();
    settle(&mut h);
    h.get_by_label_contains("γ used");
}

#[test]
fn another_models_picture_is_never_shown_as_the_current_one() {
    let mut h = harness(Startup::default());
    settle(&mut h);
    h.get_by_label("plot: boundary");
    assert!(h.query_all_by_label_contains("support vectors").count() >= 1);
    // Elastic net on two moons (classes): it cannot be fitted. The SVM's map and metrics must
    // not stay under the error as if they were the elastic net's.
    choose_estimator(&mut h, "Elastic net");
    h.get_by_label_contains("needs a numeric (regression) target");
    assert!(h.query_by_label("plot: boundary").is_none());
    assert_eq!(h.query_all_by_label_contains("support vectors").count(), 0);
    assert_eq!(h.query_all_by_label_contains("accuracy").count(), 0);

    // Back to the SVM, then a regression dataset: the SVM says why it cannot, and the moons'
    // map and accuracy are gone rather than shown over the new data.
    choose_estimator(&mut h, "SVM (C-SVC)");
    h.get_by_label("plot: boundary");
    // (What the Dataset list sends when "curve" is picked.)
    h.state_mut()
        .rt
        .commands
        .push(ridgeline::app::Command::OpenBuiltin(Builtin::generated(
            ridgeline::data::generate::Generator::Curve,
        )));
    settle(&mut h);
    h.get_by_label_contains("needs class labels");
    assert!(h.query_by_label("plot: boundary").is_none());
    assert_eq!(h.query_all_by_label_contains("accuracy").count(), 0);
}

#[test]
fn while_a_slow_refit_runs_the_last_picture_is_greyed_and_says_so() {
    use ridgeline::app::Settings;
    use ridgeline::data::generate::Generator;
    let mut s = Settings {
        source: Source::Builtin(Builtin::Generated {
            kind: Generator::Moons,
            n: 1000,
            noise: 0.35,
            seed: 0,
        }),
        ..Default::default()
    };
    s.model.spec.svm.tol = 1e-5;
    let mut h = harness(Startup {
        restored: Some(s),
        ..Default::default()
    });
    settle(&mut h);
    assert_eq!(h.query_all_by_label_contains("updating…").count(), 0);
    // C = 1000 takes ~20 s to fit here (debug build): meanwhile the C = 1 picture stays,
    // greyed and marked, and so do its metrics.
    h.state_mut().settings.model.spec.svm.c = 1000.0;
    h.step();
    h.step();
    h.get_by_label_contains("updating… (the previous result meanwhile)");
    h.get_by_label("plot: boundary");
    h.get_by_label_contains("from earlier settings");
}

#[test]
fn pca_axes_are_drawn_in_the_standardised_space_it_was_fitted_in() {
    use ridgeline::figure::Item;
    use ridgeline::figure::builders::pca_figures;
    let mut h = harness(Startup {
        source: Some(Source::Builtin(Builtin::Real(RealDataset::WineQuality))),
        model: Some(ModelKind::Pca),
        all_features: true,
        ..Default::default()
    });
    settle(&mut h);
    let (axes, _) = pca_figures(h.state().model().unwrap()).unwrap();
    assert_eq!(axes.x.label, "fixed acidity (z-score)");
    // Standardised with the training rows' mean: the axes cross at the origin, the mean.
    let Some(Item::Line(pc1)) = axes.item("PC1") else {
        panic!("a PC1 axis")
    };
    let mid = [
        (pc1.points[0][0] + pc1.points[1][0]) / 2.0,
        (pc1.points[0][1] + pc1.points[1][1]) / 2.0,
    ];
    assert!(mid[0].abs() < 1e-9 && mid[1].abs() < 1e-9, "{mid:?}");
    assert!(
        h.get_all_by_label_contains("over the standardised data")
            .count()
            >= 1
    );
}

#[test]
fn undo_after_a_switch_to_narrower_data_brings_back_every_component() {
    use ridgeline::app::{Command, Settings};
    let mut s = Settings {
        source: Source::Builtin(Builtin::Real(RealDataset::Iris)),
        ..Default::default()
    };
    s.model.spec.kind = ModelKind::Pca;
    s.model.spec.pca.n_components = 4;
    s.model.fit_on = ridgeline::analysis::live::FitOn::AllFeatures;
    let mut h = harness(Startup {
        restored: Some(s),
        ..Default::default()
    });
    settle(&mut h);
    let components = |h: &Harness<'static, RidgelineApp>| match &fitted(h) {
        Fitted::Pca(m) => m.explained_variance().len(),
        _ => panic!("PCA"),
    };
    assert_eq!(components(&h), 4);
    // Two moons have 2 features: 2 components are fitted, and the setting stays 4.
    h.state_mut()
        .rt
        .commands
        .push(Command::OpenBuiltin(Builtin::generated(
            ridgeline::data::generate::Generator::Moons,
        )));
    settle(&mut h);
    assert_eq!(components(&h), 2);
    assert_eq!(h.state().settings.model.spec.pca.n_components, 4);
    // Undo: iris and its 4 components again, for real.
    h.get_by_label("Undo").click();
    h.step();
    settle(&mut h);
    assert_eq!(
        h.state().settings.source,
        Source::Builtin(Builtin::Real(RealDataset::Iris))
    );
    assert_eq!(components(&h), 4);
    assert!(
        !h.state().can_undo(),
        "nothing left to undo: the undo made no new change"
    );
}

#[test]
fn a_large_svm_follows_the_hand_on_a_sample_then_fits_every_row_and_can_be_cancelled() {
    // 4,400 points: 3,300 training rows, more than the 3,000 the hand's fits use.
    let mut settings = Settings {
        source: Source::Builtin(Builtin::Generated {
            kind: ridgeline::data::generate::Generator::Moons,
            n: 4400,
            noise: 0.2,
            seed: 0,
        }),
        ..Default::default()
    };
    settings.view.tab = Tab::Model;
    let mut h = crate::common::harness(
        Startup {
            restored: Some(settings),
            ..Default::default()
        },
        egui::vec2(1280.0, 800.0),
    );
    settle(&mut h);
    let train = prepared(&h).split.train.len();
    assert_eq!(train, 3300);
    let fitted = |h: &Harness<'static, RidgelineApp>| h.state().model().unwrap().result.subsampled;
    assert_eq!(fitted(&h), None, "at rest every training row is fitted");

    // Hand down on the C slider: a sample of 3,000 rows, coarse.
    let rect = h.get_by_role_and_label(Role::Slider, "C").rect();
    h.drag_at(rect.center());
    h.step();
    h.hover_at(rect.center() + egui::vec2(30.0, 0.0));
    crate::common::step_until(
        &mut h,
        Duration::from_secs(60),
        "a fit on the sample",
        |a| {
            a.model()
                .is_some_and(|m| m.coarse && m.result.subsampled == Some((3000, 3300)))
        },
    );
    h.drop_at(rect.center() + egui::vec2(30.0, 0.0));
    settle(&mut h);
    assert_eq!(fitted(&h), None, "the hand stopped: every row again");

    // A fit that runs long (a degree-6 polynomial kernel at the sliders' largest C and
    // smallest tol: seconds) can be cancelled: the last picture stays, marked, and the same
    // fit can be started again.
    {
        let svm = &mut h.state_mut().settings.model.spec.svm;
        svm.kernel = ridgeline::estimators::svm::Kernel::Poly;
        svm.degree = 6;
        svm.c = 1000.0;
        svm.tol = 1e-6;
    }
    h.run_steps(2);
    assert!(h.state().model_busy());
    h.get_by_label("Cancel").click();
    crate::common::step_until(&mut h, Duration::from_secs(30), "the cancel", |a| {
        !a.model_busy()
    });
    h.run_steps(2);
    assert!(h.state().rt.jobs.model.shown().cancelled);
    assert_ne!(h.state().model().unwrap().asked.svm.c, 1000.0);
    h.get_by_label_contains("fit cancelled");
    h.get_by_label("Fit again").click();
    h.run_steps(2);
    assert!(h.state().model_busy(), "fitting again");
    assert!(!h.state().rt.jobs.model.shown().cancelled);
    h.get_by_label("Cancel").click();
    crate::common::step_until(&mut h, Duration::from_secs(30), "the second cancel", |a| {
        !a.model_busy()
    });
    // Back to a quick setting: a current fit on every row.
    {
        let svm = &mut h.state_mut().settings.model.spec.svm;
        svm.kernel = ridgeline::estimators::svm::Kernel::Rbf;
        svm.c = 1.0;
        svm.tol = 1e-3;
    }
    settle(&mut h);
    assert_eq!(h.state().model().unwrap().asked.svm.c, 1.0);
    assert_eq!(fitted(&h), None);
}

//! Loss curves against values computed here by hand: objectives from their formulas at the
//! normal fit's coefficients, a one-feature elastic net solved in closed form, the SVM dual
//! objective recomputed from the dual coefficients and the kernel.

// Index loops over the kernel matrix read more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, array};
use ridgeline::analysis::loss::{LossCurve, MAX_POINTS, loss_curve, loss_curve_and_model};
use ridgeline::data::generate::{Generator, generate};
use ridgeline::estimators::elastic_net::{ElasticNetParams, fit_elastic_net};
use ridgeline::estimators::logistic::{LogisticParams, fit_logistic};
use ridgeline::estimators::svm::{Gamma, Kernel, SvmModel, SvmParams, fit_svm};
use ridgeline::estimators::{Error, Fitted, ModelKind, ModelSpec, TargetView};
use ridgeline::progress::Progress;

// ---------------------------------------------------------------------------------------------
// Helpers

fn classes(y: &Array1<usize>, k: usize) -> TargetView<'_> {
    TargetView::Classes {
        y: y.view(),
        n_classes: k,
    }
}

/// The curve and every partial curve `emit` saw.
fn run(
    spec: &ModelSpec,
    x: ArrayView2<f64>,
    t: TargetView,
    test: Option<(ArrayView2<f64>, TargetView)>,
) -> (LossCurve, Fitted, Vec<LossCurve>) {
    let mut seen = Vec::new();
    let (curve, model) = loss_curve_and_model(spec, x, t, test, &Progress::new(), &mut |c| {
        seen.push(c.clone())
    })
    .expect("loss curve");
    (curve, model, seen)
}

/// Values never rise by more than rounding.
fn assert_non_increasing(v: &[f64], what: &str) {
    for (i, w) in v.windows(2).enumerate() {
        let slack = 1e-12 * w[0].abs().max(1.0);
        assert!(
            w[1] <= w[0] + slack,
            "{what} rose at {i}: {} -> {}",
            w[0],
            w[1]
        );
    }
}

fn assert_close(a: f64, b: f64, rel: f64, what: &str) {
    assert!(
        (a - b).abs() <= rel * b.abs().max(1.0),
        "{what}: {a} vs {b} (diff {})",
        (a - b).abs()
    );
}

/// What every finished curve satisfies, and the streaming protocol: `emit` saw several
/// partial curves reaching further and further, then the final one.
fn assert_well_formed(curve: &LossCurve, seen: &[LossCurve]) {
    assert!(curve.done);
    assert!(curve.converged.is_some());
    let n = curve.iterations.len();
    assert!((2..=MAX_POINTS + 1).contains(&n), "{n} points");
    assert_eq!(curve.train.len(), n);
    if let Some(h) = &curve.held_out {
        assert_eq!(h.len(), n);
    }
    if let Some(g) = &curve.gap {
        assert_eq!(g.len(), n);
    }
    assert_eq!(curve.iterations[0], 0.0);
    assert!(curve.iterations.windows(2).all(|w| w[1] > w[0]));
    assert!(!curve.how.is_empty() && !curve.what.is_empty());
    assert!(seen.len() >= 3, "emit called {} times", seen.len());
    let (last, partial) = seen.split_last().unwrap();
    assert_eq!(last, curve);
    assert!(partial.iter().all(|c| !c.done && c.converged.is_none()));
    let ends: Vec<f64> = seen.iter().map(|c| *c.iterations.last().unwrap()).collect();
    assert!(ends.windows(2).all(|w| w[1] >= w[0]), "{ends:?}");
    assert!(ends[ends.len() - 1] > ends[0]);
    // Serialisable for the window and the CLI.
    let json = serde_json::to_string(curve).unwrap();
    assert!(json.contains("\"iterations\""));
}

fn moons(n: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let g = generate(Generator::Moons, n, 0.25, seed);
    (g.x, g.y.iter().map(|&v| v as usize).collect())
}

fn split<T: Clone>(
    x: &Array2<f64>,
    y: &Array1<T>,
    test_every: usize,
) -> (Array2<f64>, Array1<T>, Array2<f64>, Array1<T>) {
    let (tr, te): (Vec<usize>, Vec<usize>) = (0..x.nrows()).partition(|i| i % test_every != 0);
    (
        x.select(Axis(0), &tr),
        tr.iter().map(|&i| y[i].clone()).collect(),
        x.select(Axis(0), &te),
        te.iter().map(|&i| y[i].clone()).collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Logistic regression

/// Σ ln(1 + exp(−s(x·w + b))) + α/2‖w‖², s = ±1, by hand.
fn binary_objective(x: ArrayView2<f64>, y: &[usize], w: ArrayView1<f64>, b: f64, a: f64) -> f64 {
    let data: f64 = x
        .rows()
        .into_iter()
        .zip(y)
        .map(|(r, &c)| {
            let s = if c == 1 { 1.0 } else { -1.0 };
            (1.0 + (-s * (r.dot(&w) + b)).exp()).ln()
        })
        .sum();
    data + 0.5 * a * w.dot(&w)
}

/// Per-row −ln softmax(Wx + b)[y], by hand (coef k × p).
fn multinomial_losses(
    x: ArrayView2<f64>,
    y: &[usize],
    w: &Array2<f64>,
    b: &Array1<f64>,
) -> Vec<f64> {
    x.rows()
        .into_iter()
        .zip(y)
        .map(|(r, &c)| {
            let z: Vec<f64> = (0..w.nrows()).map(|k| r.dot(&w.row(k)) + b[k]).collect();
            let denom: f64 = z.iter().map(|v| v.exp()).sum();
            -(z[c].exp() / denom).ln()
        })
        .collect()
}

fn logistic_spec(alpha: f64, tol: f64) -> ModelSpec {
    ModelSpec {
        kind: ModelKind::Logistic,
        logistic: LogisticParams {
            alpha,
            max_iter: 1000,
            tol,
        },
        ..ModelSpec::default()
    }
}

#[test]
fn logistic_on_moons_streams_lbfgs_and_ends_at_the_fit() {
    let (x, y) = moons(300, 7);
    let (xtr, ytr, xte, yte) = split(&x, &y, 4);
    let spec = logistic_spec(0.5, 1e-8);
    let (curve, model, seen) = run(
        &spec,
        xtr.view(),
        classes(&ytr, 2),
        Some((xte.view(), classes(&yte, 2))),
    );
    assert_well_formed(&curve, &seen);
    assert_eq!(curve.converged, Some(true));
    assert_eq!(curve.what, "L-BFGS iteration");
    // The curve is the objective L-BFGS minimises: the MEAN log-loss + α/(2n)‖w‖² (scikit-learn's
    // scale, the held-out mean log-loss's too). Start: w = 0 gives every probability ½, so ln 2
    // on both.
    let n = ytr.len() as f64;
    assert_close(curve.train[0], 2f64.ln(), 1e-14, "start");
    let held = curve.held_out.as_ref().expect("held-out loss");
    assert_close(held[0], 2f64.ln(), 1e-14, "held-out start");
    assert_non_increasing(&curve.train, "L-BFGS cost");
    assert!(curve.train.len() >= 5);
    // The end is the normal fit: same weights, and the objective by hand at them.
    let fit = fit_logistic(&spec.logistic, xtr.view(), ytr.view(), 2, &Progress::new()).unwrap();
    let Fitted::Logistic(m) = model else {
        panic!("not logistic")
    };
    for (a, b) in m.coef().iter().zip(fit.coef()) {
        assert_close(*a, *b, 1e-9, "weight");
    }
    assert_close(m.intercept()[0], fit.intercept()[0], 1e-9, "intercept");
    let ytr_v = ytr.to_vec();
    let w = fit.coef().row(0);
    let b = fit.intercept()[0];
    let obj = binary_objective(xtr.view(), &ytr_v, w, b, 0.5) / n;
    assert_close(*curve.train.last().unwrap(), obj, 1e-9, "final objective");
    // Held-out: the mean log-loss of the fitted model on the test rows, by hand.
    let yte_v = yte.to_vec();
    let test_loss = binary_objective(xte.view(), &yte_v, w, b, 0.0) / yte.len() as f64;
    assert_close(
        *held.last().unwrap(),
        test_loss,
        1e-7,
        "final held-out loss",
    );
}

#[test]
fn multinomial_iris_streams_lbfgs_and_ends_at_the_fit() {
    let iris = linfa_datasets::iris();
    let x = iris.records().to_owned();
    let y = iris.targets().to_owned();
    // iris is sorted by class: every 5th row is a test row, so all classes are in both parts.
    let (xtr, ytr, xte, yte) = split(&x, &y, 5);
    let spec = logistic_spec(1.0, 1e-7);
    let (curve, model, seen) = run(
        &spec,
        xtr.view(),
        classes(&ytr, 3),
        Some((xte.view(), classes(&yte, 3))),
    );
    assert_well_formed(&curve, &seen);
    let n = ytr.len() as f64;
    // The mean objective (see the binary test): ln 3 at W = 0.
    assert_close(curve.train[0], 3f64.ln(), 1e-14, "start = ln 3");
    assert_non_increasing(&curve.train, "L-BFGS cost");
    let fit = fit_logistic(&spec.logistic, xtr.view(), ytr.view(), 3, &Progress::new()).unwrap();
    let Fitted::Logistic(m) = model else {
        panic!("not logistic")
    };
    for (a, b) in m.coef().iter().zip(fit.coef()) {
        assert_close(*a, *b, 1e-9, "weight");
    }
    for (a, b) in m.intercept().iter().zip(fit.intercept()) {
        assert_close(*a, *b, 1e-9, "intercept");
    }
    let (w, b) = (fit.coef().clone(), fit.intercept().clone());
    let data: f64 = multinomial_losses(xtr.view(), &ytr.to_vec(), &w, &b)
        .iter()
        .sum();
    let obj = (data + 0.5 * w.iter().map(|v| v * v).sum::<f64>()) / n;
    assert_close(*curve.train.last().unwrap(), obj, 1e-9, "final objective");
    let test = multinomial_losses(xte.view(), &yte.to_vec(), &w, &b);
    let test_mean = test.iter().sum::<f64>() / test.len() as f64;
    let held = curve.held_out.as_ref().unwrap();
    assert_close(
        *held.last().unwrap(),
        test_mean,
        1e-7,
        "final held-out loss",
    );
    assert_close(held[0], 3f64.ln(), 1e-14, "held-out start");
}

#[test]
fn logistic_without_test_rows_has_no_held_out_and_respects_max_iter() {
    let (x, y) = moons(120, 3);
    let mut spec = logistic_spec(0.1, 1e-12);
    spec.logistic.max_iter = 4;
    let (curve, _, seen) = run(&spec, x.view(), classes(&y, 2), None);
    assert_well_formed(&curve, &seen);
    assert!(curve.held_out.is_none());
    assert_eq!(curve.iterations, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(curve.converged, Some(false));
    // Four iterations of L-BFGS: the same point as fit_logistic with max_iter 4, and the mean
    // objective there.
    let fit = fit_logistic(&spec.logistic, x.view(), y.view(), 2, &Progress::new()).unwrap();
    assert_eq!(fit.n_iter(), 4);
    let yv = y.to_vec();
    let obj = binary_objective(x.view(), &yv, fit.coef().row(0), fit.intercept()[0], 0.1)
        / y.len() as f64;
    assert_close(curve.train[4], obj, 1e-9, "objective after 4 iterations");
}

// ---------------------------------------------------------------------------------------------
// Elastic net

fn en_spec(alpha: f64, l1_ratio: f64, tol: f64) -> ModelSpec {
    ModelSpec {
        kind: ModelKind::ElasticNet,
        elastic_net: ElasticNetParams {
            alpha,
            l1_ratio,
            max_iter: 100_000,
            tol,
        },
        ..ModelSpec::default()
    }
}

/// 1/(2n)‖y − Xw − b‖² + αρ‖w‖₁ + α(1−ρ)/2‖w‖², by hand.
fn en_objective(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    w: ArrayView1<f64>,
    b: f64,
    alpha: f64,
    rho: f64,
) -> f64 {
    let mut sq = 0.0;
    for (r, &t) in x.rows().into_iter().zip(y) {
        let e = t - r.dot(&w) - b;
        sq += e * e;
    }
    let l1: f64 = w.iter().map(|v| v.abs()).sum();
    sq / (2.0 * y.len() as f64) + alpha * rho * l1 + 0.5 * alpha * (1.0 - rho) * w.dot(&w)
}

#[test]
fn one_feature_elastic_net_is_solved_by_the_first_sweep() {
    // x = (−1, 0, 1), y = (−2, 1, 4): ȳ = 1, centred y = (−3, 0, 3), xᵀy = 6, xᵀx = 2, n = 3.
    // α = 1, ρ = ½: w* = S(6, nαρ = 1.5) / (2 + nα(1−ρ) = 1.5) = 4.5 / 3.5 = 9/7, b = 1.
    // obj(0) = 18/6 = 3; obj(w*) = (288/49)/6 + ½·9/7 + ¼·81/49 = 399/196.
    // The second sweep changes nothing, which is when the duality gap is checked (it is 0).
    let x = array![[-1.0], [0.0], [1.0]];
    let y = array![-2.0, 1.0, 4.0];
    let spec = en_spec(1.0, 0.5, 1e-6);
    let mut seen = Vec::new();
    let (curve, model) = loss_curve_and_model(
        &spec,
        x.view(),
        TargetView::Values(y.view()),
        None,
        &Progress::new(),
        &mut |c| seen.push(c.clone()),
    )
    .unwrap();
    assert_eq!(curve.iterations, vec![0.0, 1.0, 2.0]);
    assert_eq!(curve.train[0], 3.0);
    assert_close(curve.train[1], 399.0 / 196.0, 1e-14, "after one sweep");
    assert_close(curve.train[2], 399.0 / 196.0, 1e-14, "after two sweeps");
    assert_eq!(curve.converged, Some(true));
    assert_eq!(seen.len(), 4); // the start, two sweeps, the final curve
    let Fitted::ElasticNet(m) = model else {
        panic!("not elastic net")
    };
    assert_close(m.coef()[0], 9.0 / 7.0, 1e-14, "w*");
    assert_close(m.intercept(), 1.0, 1e-14, "b");
    assert_eq!(m.n_iter(), 2);
}

#[test]
fn elastic_net_on_diabetes_decreases_and_ends_at_the_fit() {
    let d = linfa_datasets::diabetes();
    let (x, y) = (d.records().to_owned(), d.targets().to_owned());
    let (xtr, ytr, xte, yte) = split(&x, &y, 4);
    for (alpha, rho) in [(0.01, 0.5), (0.05, 1.0), (0.1, 0.1)] {
        let spec = en_spec(alpha, rho, 1e-10);
        let (curve, model, seen) = run(
            &spec,
            xtr.view(),
            TargetView::Values(ytr.view()),
            Some((xte.view(), TargetView::Values(yte.view()))),
        );
        assert_well_formed(&curve, &seen);
        assert_eq!(curve.converged, Some(true));
        assert_non_increasing(&curve.train, "coordinate-descent objective");
        let fit =
            fit_elastic_net(&spec.elastic_net, xtr.view(), ytr.view(), &Progress::new()).unwrap();
        let Fitted::ElasticNet(m) = model else {
            panic!("not elastic net")
        };
        for (a, b) in m.coef().iter().zip(fit.coef()) {
            assert_close(*a, *b, 1e-9, "weight");
        }
        assert_close(m.intercept(), fit.intercept(), 1e-9, "intercept");
        assert_eq!(m.n_iter(), fit.n_iter());
        assert_eq!(*curve.iterations.last().unwrap(), fit.n_iter() as f64);
        // Start: w = 0, b = ȳ: the variance of y over 2.
        let ym = ytr.mean().unwrap();
        let var = ytr.iter().map(|v| (v - ym).powi(2)).sum::<f64>() / ytr.len() as f64;
        assert_close(curve.train[0], var / 2.0, 1e-12, "start");
        let obj = en_objective(
            xtr.view(),
            ytr.view(),
            fit.coef().view(),
            fit.intercept(),
            alpha,
            rho,
        );
        assert_close(*curve.train.last().unwrap(), obj, 1e-10, "final objective");
        let test_half_mse = en_objective(
            xte.view(),
            yte.view(),
            fit.coef().view(),
            fit.intercept(),
            0.0,
            0.0,
        );
        let held = curve.held_out.as_ref().unwrap();
        assert_close(
            *held.last().unwrap(),
            test_half_mse,
            1e-10,
            "held-out MSE/2",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SVM

fn svm_spec(c: f64, gamma: Gamma, tol: f64) -> ModelSpec {
    ModelSpec {
        kind: ModelKind::Svm,
        svm: SvmParams {
            c,
            kernel: Kernel::Rbf,
            gamma,
            tol,
            ..SvmParams::default()
        },
        ..ModelSpec::default()
    }
}

/// ½αᵀQα − eᵀα of sub-model `col`, from the model's dual coefficients yᵢαᵢ and the RBF kernel
/// on its support vectors (Qᵢⱼαᵢαⱼ = (yᵢαᵢ)(yⱼαⱼ)Kᵢⱼ, αᵢ = |yᵢαᵢ|).
fn dual_objective_by_hand(m: &SvmModel, x: &Array2<f64>, col: usize) -> f64 {
    let sv = m.support_indices();
    let c = m.dual_coef();
    let g = m.gamma();
    let mut quad = 0.0;
    for a in 0..sv.len() {
        for b in 0..sv.len() {
            let d2: f64 = (&x.row(sv[a]) - &x.row(sv[b])).mapv(|v| v * v).sum();
            quad += c[[a, col]] * c[[b, col]] * (-g * d2).exp();
        }
    }
    0.5 * quad - c.column(col).iter().map(|v| v.abs()).sum::<f64>()
}

#[test]
fn svm_dual_objective_streams_and_ends_at_the_dual_of_the_fit() {
    let (x, y) = moons(200, 11);
    let spec = svm_spec(1.0, Gamma::Scale, 1e-3);
    let (curve, model, seen) = run(&spec, x.view(), classes(&y, 2), None);
    assert_well_formed(&curve, &seen);
    assert!(curve.held_out.is_none());
    assert_eq!(curve.converged, Some(true));
    assert_eq!(curve.train[0], 0.0); // α = 0
    assert_non_increasing(&curve.train, "SMO dual objective");
    let gap = curve.gap.as_ref().expect("KKT gap");
    assert!(*gap.last().unwrap() < 1e-3, "final gap {gap:?}");
    assert!(gap[0] >= 1e-3);
    // The same model as the plain fit, and its dual objective recomputed here.
    let fit = fit_svm(&spec.svm, x.view(), y.view(), 2, &Progress::new()).unwrap();
    let Fitted::Svm(m) = model else {
        panic!("not svm")
    };
    assert_eq!(m.support_indices(), fit.support_indices());
    assert_eq!(m.dual_coef(), fit.dual_coef());
    assert_eq!(*curve.iterations.last().unwrap(), fit.n_iter() as f64);
    let by_hand = dual_objective_by_hand(&fit, &x, 0);
    assert_close(
        *curve.train.last().unwrap(),
        by_hand,
        1e-9,
        "final dual objective",
    );
    assert!(by_hand < 0.0);
}

#[test]
fn svm_curve_is_thinned_on_long_runs() {
    // A hard margin on noisy moons takes thousands of SMO iterations.
    let (x, y) = moons(400, 5);
    let spec = svm_spec(1e4, Gamma::Value(5.0), 1e-3);
    let (curve, model, seen) = run(&spec, x.view(), classes(&y, 2), None);
    let Fitted::Svm(m) = model else {
        panic!("not svm")
    };
    assert!(
        m.n_iter() > 2 * MAX_POINTS,
        "only {} iterations",
        m.n_iter()
    );
    assert_well_formed(&curve, &seen);
    assert!(curve.len() > MAX_POINTS / 2, "{} points", curve.len());
    assert_eq!(*curve.iterations.last().unwrap(), m.n_iter() as f64);
    assert_non_increasing(&curve.train, "SMO dual objective");
    assert_close(
        *curve.train.last().unwrap(),
        dual_objective_by_hand(&m, &x, 0),
        1e-9,
        "final dual objective",
    );
}

#[test]
fn svm_several_classes_curve_is_the_first_one_vs_one_pair() {
    let g = generate(Generator::Blobs, 90, 1.5, 3);
    let y: Array1<usize> = g.y.iter().map(|&v| v as usize).collect();
    let spec = svm_spec(1.0, Gamma::Scale, 1e-3);
    let (curve, model, seen) = run(&spec, g.x.view(), classes(&y, 3), None);
    assert_well_formed(&curve, &seen);
    assert!(
        curve.how.contains("class 0 against class 1"),
        "{}",
        curve.how
    );
    let Fitted::Svm(m) = model else {
        panic!("not svm")
    };
    assert_eq!(m.dual_objective().len(), 3);
    let first = dual_objective_by_hand(&m, &g.x, 0);
    assert_close(*curve.train.last().unwrap(), first, 1e-9, "sub-model 0");
    assert_close(m.dual_objective()[0], first, 1e-9, "model's own record");
    assert_non_increasing(&curve.train, "SMO dual objective");
}

// ---------------------------------------------------------------------------------------------
// Cancellation, PCA, wrong targets

#[test]
fn cancelling_mid_run_returns_cancelled() {
    let (x, y) = moons(400, 5);
    let yf: Array1<f64> = y.mapv(|c| c as f64 + 0.1);
    let cases: Vec<(ModelSpec, TargetView)> = vec![
        (svm_spec(1e4, Gamma::Value(5.0), 1e-3), classes(&y, 2)),
        (logistic_spec(0.001, 1e-12), classes(&y, 2)),
        (en_spec(1e-6, 0.5, 1e-14), TargetView::Values(yf.view())),
    ];
    for (spec, t) in cases {
        let progress = Progress::new();
        let mut calls = 0;
        let r = loss_curve(&spec, x.view(), t, None, &progress, &mut |_| {
            calls += 1;
            if calls == 2 {
                progress.cancel();
            }
        });
        assert!(matches!(r, Err(Error::Cancelled)), "{:?}: {r:?}", spec.kind);
        assert!(calls >= 2);
        // Cancelled before the start: no curve at all.
        let progress = Progress::new();
        progress.cancel();
        let r = loss_curve(&spec, x.view(), t, None, &progress, &mut |_| {});
        assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    }
}

#[test]
fn pca_and_wrong_targets_are_readable_errors() {
    let (x, y) = moons(50, 1);
    let spec = ModelSpec {
        kind: ModelKind::Pca,
        ..ModelSpec::default()
    };
    let mut calls = 0;
    match loss_curve(
        &spec,
        x.view(),
        classes(&y, 2),
        None,
        &Progress::new(),
        &mut |_| calls += 1,
    ) {
        Err(Error::Data(m)) => assert!(m.contains("no iterations"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls, 0);
    let yf = y.mapv(|c| c as f64);
    let en = en_spec(0.1, 0.5, 1e-4);
    let r = loss_curve(
        &en,
        x.view(),
        classes(&y, 2),
        None,
        &Progress::new(),
        &mut |_| {},
    );
    assert!(matches!(r, Err(Error::Data(_))), "{r:?}");
    let lg = logistic_spec(1.0, 1e-4);
    let r = loss_curve(
        &lg,
        x.view(),
        TargetView::Values(yf.view()),
        None,
        &Progress::new(),
        &mut |_| {},
    );
    assert!(matches!(r, Err(Error::Data(_))), "{r:?}");
    // Test rows of the wrong width.
    let narrow = x.slice(ndarray::s![.., ..1]).to_owned();
    let r = loss_curve(
        &lg,
        x.view(),
        classes(&y, 2),
        Some((narrow.view(), classes(&y, 2))),
        &Progress::new(),
        &mut |_| {},
    );
    assert!(matches!(r, Err(Error::Data(_))), "{r:?}");
    // Bad parameters are caught before anything runs.
    let mut bad = lg.clone();
    bad.logistic.alpha = -1.0;
    let r = loss_curve(
        &bad,
        x.view(),
        classes(&y, 2),
        None,
        &Progress::new(),
        &mut |_| {},
    );
    assert!(matches!(r, Err(Error::Param(_))), "{r:?}");
}

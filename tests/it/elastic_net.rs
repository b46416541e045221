//! Elastic net against closed forms, optimality conditions and scikit-learn.
//! Objective: 1/(2n)‖y - Xw - b‖² + α·ρ‖w‖₁ + α(1-ρ)/2‖w‖².

// Index loops over parallel reference tables read more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, array};
use ridgeline::estimators::Error;
use ridgeline::estimators::elastic_net::{ElasticNetParams, fit_elastic_net};
use ridgeline::progress::Progress;

fn tight(mut p: ElasticNetParams) -> ElasticNetParams {
    p.tol = 1e-12;
    p.max_iter = 100_000;
    p
}

/// Solve A w = b by Gaussian elimination with partial pivoting (test-only, independent of the
/// crate under test).
fn solve(mut a: Array2<f64>, mut b: Array1<f64>) -> Array1<f64> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&i, &j| a[[i, col]].abs().total_cmp(&a[[j, col]].abs()))
            .unwrap();
        for k in 0..n {
            a.swap([col, k], [piv, k]);
        }
        b.swap(col, piv);
        for r in (col + 1)..n {
            let f = a[[r, col]] / a[[col, col]];
            for k in col..n {
                a[[r, k]] -= f * a[[col, k]];
            }
            b[r] -= f * b[col];
        }
    }
    let mut w = Array1::zeros(n);
    for r in (0..n).rev() {
        let s: f64 = ((r + 1)..n).map(|k| a[[r, k]] * w[k]).sum();
        w[r] = (b[r] - s) / a[[r, r]];
    }
    w
}

fn small_data() -> (Array2<f64>, Array1<f64>) {
    // 8 rows, 3 correlated features, y with noise-like deterministic wiggles
    let x = array![
        [1.0, 2.0, 0.5],
        [2.0, 1.0, 1.5],
        [3.0, 4.0, -0.5],
        [4.0, 3.0, 2.0],
        [5.0, 6.0, 0.0],
        [6.0, 5.5, 1.0],
        [7.0, 8.0, -1.0],
        [8.0, 7.0, 3.0]
    ];
    let y = array![3.1, 4.2, 6.8, 9.9, 10.1, 13.5, 13.9, 18.2];
    (x, y)
}

#[test]
fn ridge_matches_the_closed_form_on_centred_data() {
    // Zero gradient of 1/(2n)‖yc - Xc w‖² + α/2‖w‖²:  (XcᵀXc + nαI) w = Xcᵀ yc,  b = ȳ - x̄·w.
    let (x, y) = small_data();
    let n = x.nrows() as f64;
    for alpha in [0.01, 0.5, 3.0] {
        let m = fit_elastic_net(
            &tight(ElasticNetParams::ridge(alpha)),
            x.view(),
            y.view(),
            &Progress::new(),
        )
        .unwrap();
        let xm = x.mean_axis(Axis(0)).unwrap();
        let ym = y.mean().unwrap();
        let xc = &x - &xm;
        let yc = &y - ym;
        let a = xc.t().dot(&xc) + Array2::<f64>::eye(3) * (n * alpha);
        let w = solve(a, xc.t().dot(&yc));
        let b = ym - xm.dot(&w);
        for j in 0..3 {
            assert!(
                (m.coef()[j] - w[j]).abs() < 1e-7,
                "alpha {alpha}: {} vs {}",
                m.coef()[j],
                w[j]
            );
        }
        assert!((m.intercept() - b).abs() < 1e-6);
    }
}

#[test]
fn one_dimensional_lasso_is_a_soft_threshold() {
    // Centred and scaled x: w = S(xᵀy/n, α) / (xᵀx/n), S(z, a) = sign(z)·max(|z| - a, 0).
    let xs = [-1.5, -1.0, -0.2, 0.1, 0.4, 0.9, 1.3];
    let xm = xs.iter().sum::<f64>() / 7.0;
    let sd = (xs.iter().map(|v| (v - xm) * (v - xm)).sum::<f64>() / 7.0).sqrt();
    let x = Array2::from_shape_fn((7, 1), |(i, _)| (xs[i] - xm) / sd);
    let y = array![-2.0, -1.1, 0.3, 0.1, 0.9, 1.4, 2.6];
    let n = 7.0;
    let xy = x.column(0).dot(&(&y - y.mean().unwrap())) / n;
    let xx = x.column(0).dot(&x.column(0)) / n; // = 1 after scaling
    assert!((xx - 1.0).abs() < 1e-12);
    for alpha in [0.0, 0.3, 0.9, xy.abs() + 0.01] {
        let want = xy.signum() * (xy.abs() - alpha).max(0.0) / xx;
        let m = fit_elastic_net(
            &tight(ElasticNetParams::lasso(alpha)),
            x.view(),
            y.view(),
            &Progress::new(),
        )
        .unwrap();
        assert!(
            (m.coef()[0] - want).abs() < 1e-10,
            "alpha {alpha}: {} vs {want}",
            m.coef()[0]
        );
        assert!((m.intercept() - y.mean().unwrap()).abs() < 1e-10); // x is centred: b = ȳ
    }
}

#[test]
fn uncentred_line_recovers_slope_and_intercept() {
    // y = 3x + 100 on x far from 0: linfa alone gives w ≈ 0.11 here (LINFA_NOTES).
    let x = Array2::from_shape_fn((20, 1), |(i, _)| 50.0 + i as f64);
    let y = x.column(0).mapv(|v| 3.0 * v + 100.0);
    let p = tight(ElasticNetParams {
        alpha: 1e-6,
        l1_ratio: 0.5,
        ..Default::default()
    });
    let m = fit_elastic_net(&p, x.view(), y.view(), &Progress::new()).unwrap();
    assert!((m.coef()[0] - 3.0).abs() < 1e-4, "{}", m.coef()[0]);
    assert!((m.intercept() - 100.0).abs() < 1e-2, "{}", m.intercept());
    let pred = m.predict(array![[0.0], [10.0]].view());
    assert!((pred[0] - 100.0).abs() < 1e-2 && (pred[1] - 130.0).abs() < 1e-2);
}

fn diabetes() -> (Array2<f64>, Array1<f64>) {
    let d = linfa_datasets::diabetes();
    (d.records().to_owned(), d.targets().to_owned())
}

/// KKT conditions of the elastic net, checked with our own arithmetic: with
/// g_j = x_jᵀ(y - Xw - b)/n - α(1-ρ)w_j, optimality is g_j = αρ·sign(w_j) for w_j ≠ 0 and
/// |g_j| ≤ αρ for w_j = 0; and Σ(y - Xw - b) = 0 for the unpenalised intercept.
fn assert_kkt(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    w: &Array1<f64>,
    b: f64,
    alpha: f64,
    rho: f64,
    tol: f64,
) {
    let n = x.nrows() as f64;
    let r = &y - &(x.dot(w) + b);
    assert!(
        r.sum().abs() / n < tol,
        "intercept condition {}",
        r.sum() / n
    );
    for j in 0..w.len() {
        let g = x.column(j).dot(&r) / n - alpha * (1.0 - rho) * w[j];
        if w[j] != 0.0 {
            assert!(
                (g - alpha * rho * w[j].signum()).abs() < tol,
                "feature {j}: g = {g}, w = {}",
                w[j]
            );
        } else {
            assert!(
                g.abs() <= alpha * rho + tol,
                "feature {j}: |g| = {} > {}",
                g.abs(),
                alpha * rho
            );
        }
    }
}

#[test]
fn diabetes_satisfies_kkt_and_matches_scikit_learn() {
    // scikit-learn 1.9.1 on linfa-datasets' diabetes files (441 rows: linfa's loader skips the
    // first data row as a header, so this is sklearn's load_diabetes() without row 0):
    //   dx = np.loadtxt(gzip.open(".../diabetes_data.csv.gz"), delimiter=",", skiprows=1)
    //   dy = np.loadtxt(gzip.open(".../diabetes_target.csv.gz"), delimiter=",", skiprows=1)
    //   e = ElasticNet(alpha=0.1, l1_ratio=0.5, tol=1e-12, max_iter=100000).fit(dx, dy)
    const COEF: [f64; 10] = [
        10.315109423692,
        0.295899477427,
        37.555883355886,
        27.606256369595,
        11.1199681399,
        8.362856390133,
        -24.179036062569,
        25.55455953687,
        35.542432511373,
        22.936589214623,
    ];
    const B: f64 = 152.14474298431816;
    let (x, y) = diabetes();
    let p = tight(ElasticNetParams {
        alpha: 0.1,
        l1_ratio: 0.5,
        ..Default::default()
    });
    let m = fit_elastic_net(&p, x.view(), y.view(), &Progress::new()).unwrap();
    for j in 0..10 {
        assert!(
            (m.coef()[j] - COEF[j]).abs() < 1e-6,
            "coef {j}: {} vs {}",
            m.coef()[j],
            COEF[j]
        );
    }
    assert!((m.intercept() - B).abs() < 1e-6);
    assert_kkt(x.view(), y.view(), m.coef(), m.intercept(), 0.1, 0.5, 1e-6);
    assert!(m.duality_gap() >= -1e-12 && m.duality_gap() < 1e-6);
    assert!(m.n_iter() >= 1);
}

#[test]
fn diabetes_lasso_matches_scikit_learn_with_an_exact_zero() {
    //   e = ElasticNet(alpha=0.01, l1_ratio=1.0, tol=1e-12, max_iter=100000).fit(dx, dy)
    const COEF: [f64; 10] = [
        0.0,
        -225.882862347141,
        529.747001349163,
        315.796404194712,
        -323.352285833916,
        101.636554747987,
        -101.728974221145,
        116.118527941376,
        579.317570325351,
        61.967662567387,
    ];
    let (x, y) = diabetes();
    let m = fit_elastic_net(
        &tight(ElasticNetParams::lasso(0.01)),
        x.view(),
        y.view(),
        &Progress::new(),
    )
    .unwrap();
    assert_eq!(m.coef()[0], 0.0);
    assert_eq!(m.n_nonzero(), 9);
    for j in 0..10 {
        assert!(
            (m.coef()[j] - COEF[j]).abs() < 1e-4,
            "coef {j}: {} vs {}",
            m.coef()[j],
            COEF[j]
        );
    }
    assert!((m.intercept() - 152.25727313117721).abs() < 1e-5);
    assert_kkt(x.view(), y.view(), m.coef(), m.intercept(), 0.01, 1.0, 1e-6);
}

#[test]
fn sparsity_grows_with_alpha_and_vanishes_above_alpha_max() {
    let (x, y) = diabetes();
    let n = x.nrows() as f64;
    let xc = &x - &x.mean_axis(Axis(0)).unwrap();
    let yc = &y - y.mean().unwrap();
    // Smallest α with w = 0 for l1_ratio ρ: α_max = max_j |x_jᵀ y_c| / (n ρ) (from the KKT
    // condition at w = 0).
    let rho = 0.5;
    let alpha_max = xc.t().dot(&yc).iter().fold(0.0f64, |a, v| a.max(v.abs())) / (n * rho);
    let mut last = usize::MAX;
    for f in [1e-4, 1e-3, 1e-2, 0.1, 0.5, 0.99] {
        let p = tight(ElasticNetParams {
            alpha: alpha_max * f,
            l1_ratio: rho,
            ..Default::default()
        });
        let m = fit_elastic_net(&p, x.view(), y.view(), &Progress::new()).unwrap();
        assert!(m.n_nonzero() <= last, "n_nonzero went up at {f}");
        last = m.n_nonzero();
    }
    assert!(last >= 1);
    let p = tight(ElasticNetParams {
        alpha: alpha_max * 1.01,
        l1_ratio: rho,
        ..Default::default()
    });
    let m = fit_elastic_net(&p, x.view(), y.view(), &Progress::new()).unwrap();
    assert_eq!(m.n_nonzero(), 0);
    assert!((m.intercept() - y.mean().unwrap()).abs() < 1e-9);
    let m = fit_elastic_net(
        &ElasticNetParams::lasso(1e6),
        x.view(),
        y.view(),
        &Progress::new(),
    )
    .unwrap();
    assert_eq!(m.n_nonzero(), 0);
}

#[test]
fn constant_target_and_bad_input() {
    let pr = Progress::new();
    let (x, _) = small_data();
    let y = Array1::from_elem(8, 4.5);
    let m = fit_elastic_net(&ElasticNetParams::default(), x.view(), y.view(), &pr).unwrap();
    assert_eq!(m.n_nonzero(), 0);
    assert_eq!(m.intercept(), 4.5);

    let (x, y) = small_data();
    for (p, word) in [
        (
            ElasticNetParams {
                alpha: -1.0,
                ..Default::default()
            },
            "alpha",
        ),
        (
            ElasticNetParams {
                l1_ratio: 1.5,
                ..Default::default()
            },
            "l1_ratio",
        ),
        (
            ElasticNetParams {
                max_iter: 0,
                ..Default::default()
            },
            "max_iter",
        ),
        (
            ElasticNetParams {
                tol: f64::NAN,
                ..Default::default()
            },
            "tol",
        ),
    ] {
        let e = fit_elastic_net(&p, x.view(), y.view(), &pr).unwrap_err();
        assert!(
            matches!(e, Error::Param(_)) && e.to_string().contains(word),
            "{e}"
        );
    }
    let short = y.slice(ndarray::s![..5]);
    assert!(matches!(
        fit_elastic_net(&Default::default(), x.view(), short, &pr),
        Err(Error::Data(_))
    ));
    let mut bad = x.clone();
    bad[[0, 0]] = f64::INFINITY;
    assert!(matches!(
        fit_elastic_net(&Default::default(), bad.view(), y.view(), &pr),
        Err(Error::Data(_))
    ));
    assert!(matches!(
        fit_elastic_net(
            &Default::default(),
            x.slice(ndarray::s![..1, ..]),
            y.slice(ndarray::s![..1]),
            &pr
        ),
        Err(Error::Data(_))
    ));
    pr.cancel();
    assert!(matches!(
        fit_elastic_net(&Default::default(), x.view(), y.view(), &pr),
        Err(Error::Cancelled)
    ));
}

#[test]
fn params_defaults_and_serde() {
    let p: ElasticNetParams = serde_json::from_str(r#"{"alpha": 0.3}"#).unwrap();
    assert_eq!(
        p,
        ElasticNetParams {
            alpha: 0.3,
            l1_ratio: 0.5,
            max_iter: 1000,
            tol: 1e-4
        }
    );
    assert_eq!(ElasticNetParams::lasso(2.0).l1_ratio, 1.0);
    assert_eq!(ElasticNetParams::ridge(2.0).l1_ratio, 0.0);
}

/// The window's fit (linfa's cyclic coordinate descent, run on the Gram matrix here since
/// rows outnumber columns) and linfa-elasticnet's own fit follow the same steps: the same
/// coefficients, intercept and sweep count on diabetes at several penalties, to rounding.
#[test]
fn our_coordinate_descent_agrees_with_linfa_step_for_step() {
    use ridgeline::estimators::elastic_net::fit_elastic_net_linfa;
    let (x, y) = diabetes();
    for (alpha, l1_ratio) in [(0.1, 0.5), (1.0, 1.0), (0.01, 0.2), (5.0, 0.9)] {
        let p = ElasticNetParams {
            alpha,
            l1_ratio,
            ..Default::default()
        };
        let ours = fit_elastic_net(&p, x.view(), y.view(), &Progress::new()).unwrap();
        let linfa = fit_elastic_net_linfa(&p, x.view(), y.view(), &Progress::new()).unwrap();
        assert_eq!(ours.n_iter(), linfa.n_iter(), "α {alpha}, ρ {l1_ratio}");
        for (a, b) in ours.coef().iter().zip(linfa.coef().iter()) {
            assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{a} vs {b}");
        }
        assert!((ours.intercept() - linfa.intercept()).abs() < 1e-9);
    }
    // A cancelled fit stops (linfa's cannot).
    let stop = Progress::new();
    stop.cancel();
    assert!(matches!(
        fit_elastic_net(&ElasticNetParams::default(), x.view(), y.view(), &stop),
        Err(Error::Cancelled)
    ));
}

/// Pure ridge (ρ = 0) stops when it has converged, at the closed form: with centred X and y,
/// (XᵀX/n + αI) w = Xᵀy/n, solved here by Gaussian elimination. linfa's own duality gap is the
/// objective itself for ρ = 0 and never met `tol`: every ridge fit ran to `max_iter`.
#[test]
fn pure_ridge_converges_to_the_closed_form_and_says_so() {
    let (x, y) = diabetes();
    let n = x.nrows() as f64;
    let xc = &x - &x.mean_axis(Axis(0)).unwrap();
    let yc = &y - y.mean().unwrap();
    for alpha in [1e-3, 0.1, 1.0] {
        let p = ElasticNetParams {
            alpha,
            l1_ratio: 0.0,
            tol: 1e-10,
            max_iter: 100_000,
        };
        let m = fit_elastic_net(&p, x.view(), y.view(), &Progress::new()).unwrap();
        let a = xc.t().dot(&xc) / n + Array2::<f64>::eye(x.ncols()) * alpha;
        let w = crate::path::solve(a, xc.t().dot(&yc) / n);
        for (got, want) in m.coef().iter().zip(w.iter()) {
            assert!(
                (got - want).abs() <= 1e-4 * (1.0 + want.abs()),
                "α {alpha}: {got} vs {want}"
            );
        }
        assert!(m.n_iter() < 100_000, "α {alpha}: ran to max_iter");
        assert!(
            m.duality_gap() >= 0.0 && m.duality_gap() < 1e-6,
            "gap {}",
            m.duality_gap()
        );
    }
    // At the default tol (1e-4), a ridge fit on diabetes stops long before 1000 sweeps.
    let m = fit_elastic_net(
        &ElasticNetParams {
            alpha: 1.0,
            l1_ratio: 0.0,
            ..Default::default()
        },
        x.view(),
        y.view(),
        &Progress::new(),
    )
    .unwrap();
    assert!(m.n_iter() < 1000, "{} sweeps", m.n_iter());
}

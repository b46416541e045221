//! PCA against independent references: a data set built with a known covariance, scikit-learn's
//! iris numbers, and properties that hold for any correct PCA.

// Index loops over parallel reference tables read more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use ndarray::{Array1, Array2, Axis, array};
use ridgeline::estimators::Error;
use ridgeline::estimators::pca::{
    PcaEngine, PcaParams, PcaSolver, choose_solver, fit_pca, fit_pca_with,
};
use ridgeline::progress::Progress;

fn params(k: usize) -> PcaParams {
    PcaParams {
        n_components: k,
        whiten: false,
        ..PcaParams::default()
    }
}

/// A 3-D rotation R = Rz(0.7)·Rx(0.4), built by hand (orthonormal by construction).
fn rotation() -> Array2<f64> {
    let (a, b) = (0.7f64, 0.4f64);
    let rz = array![
        [a.cos(), -a.sin(), 0.0],
        [a.sin(), a.cos(), 0.0],
        [0.0, 0.0, 1.0]
    ];
    let rx = array![
        [1.0, 0.0, 0.0],
        [0.0, b.cos(), -b.sin()],
        [0.0, b.sin(), b.cos()]
    ];
    rz.dot(&rx)
}

/// Rows Z = all 8 sign patterns (±3, ±2, ±1): columns have mean 0, zero sample covariance and
/// sample variances 8·s²/7 = [72/7, 32/7, 8/7]. X = Z Rᵀ + μ therefore has covariance
/// R diag(72/7, 32/7, 8/7) Rᵀ: its principal axes are R's columns, in that order.
fn rotated_box() -> Array2<f64> {
    let r = rotation();
    let mu = array![10.0, -5.0, 2.0];
    let mut x = Array2::zeros((8, 3));
    for i in 0..8 {
        let z = array![
            if i & 1 == 0 { 3.0 } else { -3.0 },
            if i & 2 == 0 { 2.0 } else { -2.0 },
            if i & 4 == 0 { 1.0 } else { -1.0 }
        ];
        x.row_mut(i).assign(&(r.dot(&z) + &mu));
    }
    x
}

#[test]
fn known_covariance_gives_the_rotation_axes_and_variances() {
    let x = rotated_box();
    let m = fit_pca(&params(3), x.view(), &Progress::new()).unwrap();
    let want_var = [72.0 / 7.0, 32.0 / 7.0, 8.0 / 7.0];
    let total = 112.0 / 7.0;
    let r = rotation();
    for i in 0..3 {
        assert!((m.explained_variance()[i] - want_var[i]).abs() < 1e-12);
        assert!((m.explained_variance_ratio()[i] - want_var[i] / total).abs() < 1e-12);
        // σ = √(λ (n-1)) = √(8 s²) with s = 3, 2, 1
        let s = [3.0, 2.0, 1.0][i];
        assert!((m.singular_values()[i] - (8.0f64 * s * s).sqrt()).abs() < 1e-12);
        // component i = ± column i of R; compare up to sign via |dot| = 1
        let dot: f64 = m.components().row(i).dot(&r.column(i));
        assert!((dot.abs() - 1.0).abs() < 1e-12, "component {i}: {dot}");
    }
    assert!((m.total_variance() - total).abs() < 1e-12);
    assert!(
        (m.mean() - &array![10.0, -5.0, 2.0])
            .iter()
            .all(|d| d.abs() < 1e-12)
    );
}

#[test]
fn ratio_is_over_the_total_variance_not_the_kept_components() {
    let m = fit_pca(&params(1), rotated_box().view(), &Progress::new()).unwrap();
    // 72/7 over 112/7 = 0.642857…, not 1 (linfa's ratio would be 1 here)
    assert!((m.explained_variance_ratio()[0] - 72.0 / 112.0).abs() < 1e-12);
}

// scikit-learn 1.9.1 on linfa-datasets' iris.csv.gz (150×4, raw, unscaled):
//   X = np.loadtxt(gzip.open(".../linfa-datasets-0.8.1/data/iris.csv.gz"), delimiter=",",
//                  skiprows=1)[:, :4]
//   p = PCA(n_components=4, svd_solver="full").fit(X)
//   C = p.components_; for r in C: r *= np.sign(r[np.argmax(np.abs(r))])   # our sign rule
//   print(p.explained_variance_, p.explained_variance_ratio_, p.singular_values_, C)
const IRIS_EV: [f64; 4] = [
    4.22484076832,
    0.242243571628,
    0.078523908094,
    0.023683027126,
];
const IRIS_RATIO: [f64; 4] = [
    0.924616207174,
    0.053015567851,
    0.017185139525,
    0.00518308545,
];
const IRIS_SV: [f64; 4] = [
    25.0898639789,
    6.007852542506,
    3.420535382952,
    1.878502340103,
];
const IRIS_COMP: [[f64; 4]; 4] = [
    [
        0.361589677381,
        -0.082268889892,
        0.856572105291,
        0.358843926248,
    ],
    [
        0.656539883286,
        0.729712371326,
        -0.175767403429,
        -0.074706470135,
    ],
    [
        -0.580997279828,
        0.596418087938,
        0.072524075487,
        0.549060910727,
    ],
    [
        0.317254547169,
        -0.324094352418,
        -0.47971898733,
        0.751120560381,
    ],
];

#[test]
fn iris_matches_scikit_learn() {
    let iris = linfa_datasets::iris();
    let x = iris.records();
    let m = fit_pca(&params(4), x.view(), &Progress::new()).unwrap();
    for i in 0..4 {
        assert!((m.explained_variance()[i] - IRIS_EV[i]).abs() < 1e-9);
        assert!((m.explained_variance_ratio()[i] - IRIS_RATIO[i]).abs() < 1e-9);
        assert!((m.singular_values()[i] - IRIS_SV[i]).abs() < 1e-8);
        for j in 0..4 {
            assert!(
                (m.components()[[i, j]] - IRIS_COMP[i][j]).abs() < 1e-8,
                "component {i} loading {j}: {} vs {}",
                m.components()[[i, j]],
                IRIS_COMP[i][j]
            );
        }
    }
    // the ratios of all p components sum to 1
    assert!((m.explained_variance_ratio().sum() - 1.0).abs() < 1e-12);
}

#[test]
fn sign_convention_largest_loading_positive_and_unit_rows() {
    let iris = linfa_datasets::iris();
    let m = fit_pca(&params(3), iris.records().view(), &Progress::new()).unwrap();
    for row in m.components().rows() {
        assert!((row.dot(&row) - 1.0).abs() < 1e-12);
        let big = row
            .iter()
            .copied()
            .fold(0.0f64, |a, v| if v.abs() > a.abs() { v } else { a });
        assert!(big > 0.0);
    }
    // the same data negated gives the same components (the sign rule fixes them)
    let neg = iris.records().mapv(|v| -v);
    let m2 = fit_pca(&params(3), neg.view(), &Progress::new()).unwrap();
    assert!(
        (m.components() - m2.components())
            .iter()
            .all(|d| d.abs() < 1e-10)
    );
}

#[test]
fn transformed_data_has_diagonal_covariance_and_whitening_gives_unit_variance() {
    let iris = linfa_datasets::iris();
    let x = iris.records();
    let n = x.nrows() as f64;
    for whiten in [false, true] {
        let p = PcaParams {
            n_components: 3,
            whiten,
            ..PcaParams::default()
        };
        let m = fit_pca(&p, x.view(), &Progress::new()).unwrap();
        let z = m.transform(x.view());
        // scores of the training data are centred
        let mean = z.mean_axis(Axis(0)).unwrap();
        assert!(mean.iter().all(|v| v.abs() < 1e-12));
        let cov = z.t().dot(&z) / (n - 1.0);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i != j {
                    0.0
                } else if whiten {
                    1.0
                } else {
                    IRIS_EV[i]
                };
                assert!(
                    (cov[[i, j]] - want).abs() < 1e-9,
                    "cov[{i},{j}] = {}",
                    cov[[i, j]]
                );
            }
        }
    }
}

#[test]
fn rank_deficient_data_does_not_panic() {
    // column 2 duplicates column 0 and column 3 is constant: rank 2 out of 4.
    let x = array![
        [1.0, 2.0, 1.0, 5.0],
        [2.0, 1.0, 2.0, 5.0],
        [3.0, 5.0, 3.0, 5.0],
        [4.0, 3.0, 4.0, 5.0],
        [6.0, 4.0, 6.0, 5.0]
    ];
    let p = PcaParams {
        n_components: 4,
        whiten: true,
        ..PcaParams::default()
    };
    let m = fit_pca(&p, x.view(), &Progress::new()).unwrap();
    let ev = m.explained_variance();
    // total variance = var(c0)·2 + var(c1) = 3.7·2 + 2.5 = 9.9 (var with divisor n-1:
    // c0 = 1,2,3,4,6: mean 3.2, SS = 4.84+1.44+0.04+0.64+7.84 = 14.8 → 3.7;
    // c1 = 2,1,5,3,4: mean 3, SS = 1+4+4+0+1 = 10 → 2.5)
    assert!((m.total_variance() - 9.9).abs() < 1e-12);
    assert!((ev.sum() - 9.9).abs() < 1e-10);
    assert!(ev[2].abs() < 1e-10 && ev[3].abs() < 1e-10);
    assert!(ev.iter().all(|v| *v >= 0.0));
    let z = m.transform(x.view());
    assert!(z.iter().all(|v| v.is_finite()));
    // whitening leaves zero-variance components at 0
    assert!(z.column(3).iter().all(|v| *v == 0.0));
    // the first axis lies in the span of (1,0,1,0)/√2 and (0,1,0,0): no weight on column 3
    assert!(m.components()[[0, 3]].abs() < 1e-10);
    assert!((m.components()[[0, 0]] - m.components()[[0, 2]]).abs() < 1e-10);
}

#[test]
fn tied_spectrum_does_not_panic() {
    // the four corners of a square: both axes have variance 4/3; any orthonormal pair is right
    let x = array![[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]];
    let m = fit_pca(&params(2), x.view(), &Progress::new()).unwrap();
    assert!(
        (m.explained_variance() - &Array1::from_elem(2, 4.0 / 3.0))
            .iter()
            .all(|d| d.abs() < 1e-12)
    );
    let c = m.components();
    assert!(c.row(0).dot(&c.row(1)).abs() < 1e-12);
}

#[test]
fn bad_input_is_an_error() {
    let pr = Progress::new();
    let x = rotated_box();
    assert!(matches!(
        fit_pca(&params(0), x.view(), &pr),
        Err(Error::Param(_))
    ));
    let e = fit_pca(&params(4), x.view(), &pr).unwrap_err();
    assert!(e.to_string().contains("n_components"), "{e}");
    assert!(matches!(
        fit_pca(&params(1), x.slice(ndarray::s![..1, ..]), &pr),
        Err(Error::Data(_))
    ));
    let mut bad = x.clone();
    bad[[3, 1]] = f64::NAN;
    assert!(matches!(
        fit_pca(&params(2), bad.view(), &pr),
        Err(Error::Data(_))
    ));
    pr.cancel();
    assert!(matches!(
        fit_pca(&params(2), x.view(), &pr),
        Err(Error::Cancelled)
    ));
}

#[test]
fn params_round_trip_through_serde_with_defaults() {
    let p: PcaParams = serde_json::from_str(r#"{"whiten": true}"#).unwrap();
    assert_eq!(
        p,
        PcaParams {
            n_components: 2,
            whiten: true,
            engine: PcaEngine::Ridgeline,
        }
    );
    let p: PcaParams = serde_json::from_str(r#"{"engine": "Linfa"}"#).unwrap();
    assert_eq!(p.engine, PcaEngine::Linfa);
}

/// The test matrix of `/tmp/pcaref/ref.py` (below): a sum of `rank` products of sines and
/// cosines with weights 10, 5, 2.5, 1.25, 0.6 (well-separated singular values) plus a
/// deterministic pseudo-noise of amplitude `noise`.
fn structured(n: usize, p: usize, rank: usize, noise: f64) -> Array2<f64> {
    let c = [10.0, 5.0, 2.5, 1.25, 0.6];
    Array2::from_shape_fn((n, p), |(i, j)| {
        let (fi, fj) = (i as f64, j as f64);
        let mut v = 0.0;
        for r in 0..rank {
            let fr = r as f64;
            v += c[r]
                * (0.3 * (fr + 1.0) * (fi + 1.0) + fr).sin()
                * (0.17 * (fr + 1.0) * (fj + 1.0) + 0.5 * fr).cos();
        }
        v + noise * (12.9898 * fi + 78.233 * fj).sin()
    })
}

// numpy 2 / scikit-learn 1.9.1 reference, produced by this script:
//   import numpy as np, math
//   def data(n, p, rank, noise):            # the same formula as `structured`
//       c = [10.0, 5.0, 2.5, 1.25, 0.6]
//       x = np.zeros((n, p))
//       for i in range(n):
//           for j in range(p):
//               v = sum(c[r] * math.sin(0.3*(r+1)*(i+1) + r) * math.cos(0.17*(r+1)*(j+1) + 0.5*r)
//                       for r in range(rank))
//               x[i, j] = v + noise * math.sin(12.9898*i + 78.233*j)
//       return x
//   x = data(30, 200, 5, 0.01)              # (then data(30, 200, 4, 0.0))
//   xc = x - x.mean(0); u, s, vt = np.linalg.svd(xc, full_matrices=False)
//   # sign rule: largest |loading| positive
//   for i in range(len(vt)):
//       if vt[i, np.argmax(np.abs(vt[i]))] < 0: vt[i] = -vt[i]
//   tot = (xc**2).sum() / (n-1); print(s[:6], s[:6]**2/(n-1)/tot, tot, vt[:4, :5])
const WIDE_S: [f64; 6] = [
    376.42130129324903,
    190.61430909464832,
    93.46828403184924,
    47.9340441758248,
    22.880100581387353,
    0.38419485116869984,
];
const WIDE_RATIO: [f64; 6] = [
    0.7473867819074977,
    0.1916496488544597,
    0.04608138977450454,
    0.012119513111898527,
    0.00276129551745747,
    7.785743824126342e-07,
];
const WIDE_TOTAL: f64 = 6537.3987069467075;
const WIDE_C: [[f64; 5]; 4] = [
    [
        -0.09298122443549556,
        -0.09095293620155195,
        -0.08671731945052642,
        -0.07999060403957803,
        -0.07095633263913387,
    ],
    [
        -0.07598209665294388,
        -0.05299167374399541,
        -0.023747759719065457,
        0.00902923904084786,
        0.041572996209656654,
    ],
    [
        -0.02474450590332139,
        0.022301428074126387,
        0.06448895143825265,
        0.09189794752789604,
        0.09741310023305658,
    ],
    [
        -0.040273581410691754,
        -0.08855619882402062,
        -0.09964843418182127,
        -0.06868690396629755,
        -0.008103111252478245,
    ],
];
const RANK4_S: [f64; 4] = [
    376.424687361231,
    190.60905150946556,
    93.47648034221461,
    47.64953393076018,
];
const RANK4_TOTAL: f64 = 6518.471939080194;
const RANK4_C: [[f64; 5]; 4] = [
    [
        -0.09303716910041451,
        -0.09102155690734784,
        -0.08669936853841301,
        -0.07998757502105498,
        -0.07085056924977594,
    ],
    [
        -0.07570473030143146,
        -0.052737037334696084,
        -0.02368861755426351,
        0.008796237098850739,
        0.04130191568436147,
    ],
    [
        -0.025884023043966878,
        0.021335337552146758,
        0.06430545088621394,
        0.09264107995043225,
        0.09861768365460673,
    ],
    [
        -0.05111321005701951,
        -0.09853011345068437,
        -0.10214113295504887,
        -0.06199043058404651,
        0.0029929974673665065,
    ],
];

/// The components are orthonormal rows.
fn assert_orthonormal(c: &Array2<f64>, tol: f64) {
    let g = c.dot(&c.t());
    for i in 0..g.nrows() {
        for j in 0..g.ncols() {
            let want = if i == j { 1.0 } else { 0.0 };
            assert!(
                (g[[i, j]] - want).abs() < tol,
                "CCᵀ[{i},{j}] = {}",
                g[[i, j]]
            );
        }
    }
}

const EXACT_AND_RANDOMIZED: [PcaSolver; 4] = [
    PcaSolver::CovarianceEigh,
    PcaSolver::GramEigh,
    PcaSolver::FullSvd,
    PcaSolver::Randomized,
];

#[test]
fn wide_data_matches_numpy_svd_with_every_solver() {
    let x = structured(30, 200, 5, 0.01);
    // 30 × 200 is small for the rule: the exact Gram eigendecomposition.
    assert_eq!(choose_solver(30, 200, 6), PcaSolver::GramEigh);
    assert_eq!(
        fit_pca(&params(6), x.view(), &Progress::new())
            .unwrap()
            .solver(),
        PcaSolver::GramEigh
    );
    for solver in EXACT_AND_RANDOMIZED {
        let m = fit_pca_with(&params(6), x.view(), Some(solver), &Progress::new()).unwrap();
        assert_eq!(m.solver(), solver);
        assert!(
            (m.total_variance() - WIDE_TOTAL).abs() < 1e-9 * WIDE_TOTAL,
            "{solver:?}"
        );
        for i in 0..6 {
            let s = m.singular_values()[i];
            // the 6th singular value is the noise floor, 1000× smaller: absolute tolerance
            assert!(
                (s - WIDE_S[i]).abs() < 1e-9 * WIDE_S[0],
                "{solver:?} σ{i} = {s}"
            );
            assert!(
                (m.explained_variance_ratio()[i] - WIDE_RATIO[i]).abs() < 1e-10,
                "{solver:?}"
            );
            let l = WIDE_S[i] * WIDE_S[i] / 29.0;
            assert!((m.explained_variance()[i] - l).abs() < 1e-8 * WIDE_S[0].powi(2) / 29.0);
        }
        for i in 0..4 {
            for j in 0..5 {
                let c = m.components()[[i, j]];
                assert!(
                    (c - WIDE_C[i][j]).abs() < 1e-8,
                    "{solver:?} c[{i},{j}] = {c}"
                );
            }
        }
        assert_orthonormal(m.components(), 1e-10);
    }
}

#[test]
fn rank_deficient_wide_data_matches_numpy_and_completes_the_axes() {
    // rank 4 before centring; 6 components asked for: two have zero variance
    let x = structured(30, 200, 4, 0.0);
    for solver in EXACT_AND_RANDOMIZED {
        let m = fit_pca_with(&params(6), x.view(), Some(solver), &Progress::new()).unwrap();
        assert!((m.total_variance() - RANK4_TOTAL).abs() < 1e-9 * RANK4_TOTAL);
        for i in 0..4 {
            let s = m.singular_values()[i];
            assert!(
                (s - RANK4_S[i]).abs() < 1e-9 * RANK4_S[0],
                "{solver:?} σ{i} = {s}"
            );
            for j in 0..5 {
                assert!(
                    (m.components()[[i, j]] - RANK4_C[i][j]).abs() < 1e-8,
                    "{solver:?}"
                );
            }
        }
        // numpy: σ₅, σ₆ ≈ 7e-14, 3e-14 (round-off). The covariance method squares the data, so
        // its zero singular values are only zero to about √(p·ε)·σ₁ (as scikit-learn's
        // covariance_eigh, which the rule does not pick for such a shape).
        let zero = if solver == PcaSolver::CovarianceEigh {
            1e-6 * RANK4_S[0]
        } else {
            1e-6
        };
        for i in 4..6 {
            let s = m.singular_values()[i];
            assert!(s < zero, "{solver:?} σ{i} = {s}");
        }
        assert!(
            m.explained_variance()
                .iter()
                .all(|v| v.is_finite() && *v >= 0.0)
        );
        // the null axes are still unit length and orthogonal to the others
        assert_orthonormal(m.components(), 1e-8);
    }
}

#[test]
fn every_solver_gives_the_same_components_on_tall_data() {
    // 400 × 40: rank-5 signal plus noise; k = 3 and k = 40 (every component)
    let x = structured(400, 40, 5, 0.01);
    assert_eq!(choose_solver(400, 40, 3), PcaSolver::CovarianceEigh);
    for k in [3, 40] {
        let reference = fit_pca_with(
            &params(k),
            x.view(),
            Some(PcaSolver::FullSvd),
            &Progress::new(),
        )
        .unwrap();
        for solver in EXACT_AND_RANDOMIZED {
            if solver == PcaSolver::Randomized && k == 40 {
                continue; // all the noise components: not what a randomized solver is for
            }
            let m = fit_pca_with(&params(k), x.view(), Some(solver), &Progress::new()).unwrap();
            let ev0 = reference.explained_variance()[0];
            for i in 0..k {
                let (a, b) = (m.explained_variance()[i], reference.explained_variance()[i]);
                assert!(
                    (a - b).abs() < 1e-9 * ev0,
                    "{solver:?} k={k} λ{i}: {a} vs {b}"
                );
            }
            // axes of the separated (signal) components agree entry by entry, sign included
            for i in 0..k.min(5) {
                for j in 0..40 {
                    let (a, b) = (m.components()[[i, j]], reference.components()[[i, j]]);
                    assert!(
                        (a - b).abs() < 1e-7,
                        "{solver:?} k={k} c[{i},{j}]: {a} vs {b}"
                    );
                }
            }
            assert_orthonormal(m.components(), 1e-9);
        }
    }
}

#[test]
fn the_rule_picks_by_shape_as_scikit_learn_auto() {
    assert_eq!(choose_solver(100_000, 50, 2), PcaSolver::CovarianceEigh);
    assert_eq!(choose_solver(710, 200, 2), PcaSolver::Randomized);
    assert_eq!(choose_solver(710, 5000, 2), PcaSolver::Randomized);
    assert_eq!(choose_solver(710, 5000, 700), PcaSolver::GramEigh);
    assert_eq!(choose_solver(2000, 300, 250), PcaSolver::FullSvd);
    assert_eq!(choose_solver(150, 4, 2), PcaSolver::CovarianceEigh);
    assert_eq!(choose_solver(8, 3, 3), PcaSolver::FullSvd);
}

#[test]
fn randomized_solver_is_cancellable() {
    let x = structured(60, 700, 5, 0.01);
    let pr = Progress::new();
    pr.cancel();
    assert!(matches!(
        fit_pca_with(&params(2), x.view(), Some(PcaSolver::Randomized), &pr),
        Err(Error::Cancelled)
    ));
}

#[test]
fn linfa_engine_agrees_on_the_leading_component() {
    // linfa-reduction's LOBPCG is accurate for the first few of many components
    // (LINFA_NOTES); the numbers still follow our definitions and sign rule.
    let x = structured(30, 200, 5, 0.01);
    let p = PcaParams {
        n_components: 1,
        whiten: false,
        engine: PcaEngine::Linfa,
    };
    let m = fit_pca(&p, x.view(), &Progress::new()).unwrap();
    assert_eq!(m.solver(), PcaSolver::LinfaLobpcg);
    assert!((m.singular_values()[0] - WIDE_S[0]).abs() < 1e-6 * WIDE_S[0]);
    assert!((m.explained_variance_ratio()[0] - WIDE_RATIO[0]).abs() < 1e-6);
    for j in 0..5 {
        assert!((m.components()[[0, j]] - WIDE_C[0][j]).abs() < 1e-5);
    }
}

#[test]
fn cli_engine_flag_picks_the_engine_and_reports_the_solver() {
    use crate::common::{assert_one_line_error, json, ridgeline};
    // Points (±3, 0) and (0, ±1): sample variances 6 and 2/3 along the axes (by hand).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cross.csv");
    std::fs::write(&path, "a,b,label\n3,0,p\n-3,0,p\n0,1,q\n0,-1,q\n").unwrap();
    let data = path.to_str().unwrap();
    let fit = |extra: &[&str]| {
        let mut args = vec!["fit", "--data", data, "--model", "pca", "--no-standardize"];
        args.extend_from_slice(extra);
        ridgeline(&args)
    };
    for (engine, solver) in [("ridgeline", "full_svd"), ("linfa", "linfa_lobpcg")] {
        let v = json(&fit(&["--components", "1", "--engine", engine]));
        assert_eq!(v["solver"], solver, "{v}");
        let ev = v["explained_variance"][0].as_f64().unwrap();
        assert!((ev - 6.0).abs() < 1e-6, "{engine}: {v}");
        let c = &v["components"][0];
        assert!((c[0].as_f64().unwrap() - 1.0).abs() < 1e-6, "{engine}: {v}");
    }
    // the default is ours
    assert_eq!(json(&fit(&[]))["solver"], "full_svd");
    assert_one_line_error(&fit(&["--engine", "smo"]), "ridgeline or linfa");
    assert_one_line_error(
        &ridgeline(&[
            "fit", "--data", data, "--model", "logistic", "--engine", "linfa",
        ]),
        "--engine",
    );
}

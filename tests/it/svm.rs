//! SVM numbers against independent references: hand-worked duals, closed forms, and
//! scikit-learn (script in a comment below).

use approx::assert_abs_diff_eq;
use ndarray::{Array1, Array2, array};
use ridgeline::analysis::grid::{self, GridSpec};
use ridgeline::data::generate::{Generator, generate};
use ridgeline::estimators::Error;
use ridgeline::estimators::svm::{
    Gamma, Kernel, MAX_LINFA_SVM_ROWS, SvmEngine, SvmModel, SvmParams, fit_svm, fit_svm_linfa,
    fit_svm_smo, scale_gamma,
};
use ridgeline::progress::Progress;

type Fit = fn(
    &SvmParams,
    ndarray::ArrayView2<f64>,
    ndarray::ArrayView1<usize>,
    usize,
    &Progress,
) -> Result<SvmModel, Error>;

/// Both engines must agree with every reference.
const ENGINES: [(&str, Fit); 2] = [("native", fit_svm_smo), ("linfa", fit_svm_linfa)];

fn params(kernel: Kernel, c: f64, gamma: Gamma, tol: f64) -> SvmParams {
    SvmParams {
        c,
        kernel,
        gamma,
        tol,
        ..SvmParams::default()
    }
}

fn fit_with(f: Fit, p: &SvmParams, x: &Array2<f64>, y: &[usize], k: usize) -> SvmModel {
    let y = Array1::from(y.to_vec());
    f(p, x.view(), y.view(), k, &Progress::new()).expect("fit")
}

fn decision(m: &SvmModel, q: &Array2<f64>) -> Vec<f64> {
    m.decision_function(q.view()).column(0).to_vec()
}

#[test]
fn two_points_on_a_line_give_the_max_margin_identity() {
    // x = −1 (class 0), x = +1 (class 1), linear kernel: the max-margin hyperplane is w = 1,
    // b = 0 (margin 1 on each side), α = ½ for both (w = Σ αᵢyᵢxᵢ = 2α), so decision(x) = x.
    let x = array![[-1.0], [1.0]];
    for (name, f) in ENGINES {
        let m = fit_with(
            f,
            &params(Kernel::Linear, 1.0, Gamma::Scale, 1e-8),
            &x,
            &[0, 1],
            2,
        );
        assert_eq!(m.support_indices(), &[0, 1], "{name}");
        assert_eq!(m.n_support(), 2);
        let q = array![[-2.0], [-0.5], [0.0], [0.3], [1.0], [4.0]];
        for (d, want) in decision(&m, &q)
            .iter()
            .zip([-2.0, -0.5, 0.0, 0.3, 1.0, 4.0])
        {
            assert_abs_diff_eq!(*d, want, epsilon = 1e-6);
        }
        assert_eq!(m.predict(q.view()), vec![0, 0, 0, 1, 1, 1], "{name}");
        assert_abs_diff_eq!(m.dual_coef()[[0, 0]], -0.5, epsilon = 1e-6);
        assert_abs_diff_eq!(m.dual_coef()[[1, 0]], 0.5, epsilon = 1e-6);
    }
}

#[test]
fn symmetric_four_point_problems_have_their_known_margins() {
    // (a) class 1 at (2, ±1), class 0 at (−2, ±1): the gap is 4 wide along x₁, so
    // w = (½, 0), b = 0, decision = x₁/2. The dual is degenerate (α = 1/16 on all four, or
    // 1/8 on one pair (2, 1), (−2, 1), …), but every optimum has Σ yᵢαᵢxᵢ = w, Σ yᵢαᵢ = 0 and
    // Σ αᵢ = ‖w‖² = ¼ (hard margin: the dual optimum equals ½‖w‖²).
    let x = array![[2.0, 1.0], [2.0, -1.0], [-2.0, 1.0], [-2.0, -1.0]];
    let y = [1, 1, 0, 0];
    let q = array![[0.0, 5.0], [1.0, -3.0], [-3.0, 0.0]];
    for (name, f) in ENGINES {
        let m = fit_with(
            f,
            &params(Kernel::Linear, 10.0, Gamma::Scale, 1e-8),
            &x,
            &y,
            2,
        );
        for (d, want) in decision(&m, &q).iter().zip([0.0, 0.5, -1.5]) {
            assert_abs_diff_eq!(*d, want, epsilon = 1e-6);
        }
        let c = m.dual_coef().column(0).to_owned();
        let sv = x.select(ndarray::Axis(0), m.support_indices());
        let w = sv.t().dot(&c);
        assert_abs_diff_eq!(w[0], 0.5, epsilon = 1e-6);
        assert_abs_diff_eq!(w[1], 0.0, epsilon = 1e-6);
        assert_abs_diff_eq!(c.sum(), 0.0, epsilon = 1e-9);
        assert_abs_diff_eq!(c.iter().map(|v| v.abs()).sum::<f64>(), 0.25, epsilon = 1e-6);
        assert!(m.n_support() >= 2, "{name}");
    }
    // (b) class 1 at (1, 1), (2, 2), class 0 at (−1, −1), (−2, −2): only the two inner points
    // bind; w = (½, ½) (so that w·(1, 1) = 1), b = 0, decision = (x₁ + x₂)/2, margin 2/‖w‖ = 2√2.
    let x = array![[1.0, 1.0], [2.0, 2.0], [-1.0, -1.0], [-2.0, -2.0]];
    let q = array![[0.0, 0.0], [3.0, -1.0], [-4.0, 1.0]];
    for (name, f) in ENGINES {
        let m = fit_with(
            f,
            &params(Kernel::Linear, 10.0, Gamma::Scale, 1e-8),
            &x,
            &y,
            2,
        );
        assert_eq!(m.support_indices(), &[0, 2], "{name}");
        for (d, want) in decision(&m, &q).iter().zip([0.0, 1.0, -1.5]) {
            assert_abs_diff_eq!(*d, want, epsilon = 1e-6);
        }
    }
}

#[test]
fn rbf_gamma_is_scikit_learns_gamma() {
    // Two points x₀ = (0, 0) (class 0) and x₁ = (1, 1) (class 1), K = exp(−γ‖x − x'‖²),
    // γ = 0.5, so k = K(x₀, x₁) = e^{−1}. The dual with α₀ = α₁ = α: min ½α²(2 − 2k) − 2α
    // ⇒ α = 1/(1 − k) ≈ 1.582 (< C = 10), ρ = 0 by symmetry, and
    // decision(x) = (exp(−γ‖x − x₁‖²) − exp(−γ‖x − x₀‖²)) / (1 − k).
    let x = array![[0.0, 0.0], [1.0, 1.0]];
    let g = 0.5_f64;
    let k = (-2.0 * g).exp();
    let by_hand = |a: f64, b: f64| {
        let d1 = (a - 1.0).powi(2) + (b - 1.0).powi(2);
        let d0 = a * a + b * b;
        ((-g * d1).exp() - (-g * d0).exp()) / (1.0 - k)
    };
    let q = array![[2.0, 1.0], [1.0, 0.0], [-0.5, 0.3], [0.9, 1.4]];
    for (name, f) in ENGINES {
        let m = fit_with(
            f,
            &params(Kernel::Rbf, 10.0, Gamma::Value(g), 1e-10),
            &x,
            &[0, 1],
            2,
        );
        assert_eq!(m.gamma(), g);
        assert_abs_diff_eq!(m.rho()[0], 0.0, epsilon = 1e-8);
        assert_abs_diff_eq!(m.dual_coef()[[1, 0]], 1.0 / (1.0 - k), epsilon = 1e-6);
        for (d, r) in decision(&m, &q).iter().zip(q.rows()) {
            assert_abs_diff_eq!(*d, by_hand(r[0], r[1]), epsilon = 1e-6);
        }
        // (2, 1) by the formula: (e^{−0.5} − e^{−2.5}) / (1 − e^{−1}) = 0.8296608198…
        assert_abs_diff_eq!(decision(&m, &q)[0], 0.829_660_819_8, epsilon = 1e-8);
        let _ = name;
    }
}

#[test]
fn scale_gamma_follows_its_formula() {
    // Entries 1, 2, 3, 4, 5, 7: mean 22/6, population variance Σ(v − mean)²/6 = 35/9,
    // p = 2 ⇒ γ = 1/(2 · 35/9) = 9/70.
    let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]];
    assert_abs_diff_eq!(scale_gamma(x.view()), 9.0 / 70.0, epsilon = 1e-15);
    let m = fit_with(fit_svm, &SvmParams::default(), &x, &[0, 1, 1], 2);
    assert_abs_diff_eq!(m.gamma(), 9.0 / 70.0, epsilon = 1e-15);
    // Constant X has variance 0: scikit-learn falls back to γ = 1.
    assert_eq!(scale_gamma(array![[2.0, 2.0], [2.0, 2.0]].view()), 1.0);
}

#[test]
fn poly_kernel_uses_gamma() {
    // K(a, b) = (γ⟨a, b⟩ + coef0)^d with γ = 2, coef0 = 1, d = 2; x₀ = (0, 0) class 0,
    // x₁ = (1, 0) class 1: K₀₀ = 1, K₀₁ = 1, K₁₁ = 9. Dual with α₀ = α₁ = α:
    // min ½α²(9 + 1 − 2) − 2α ⇒ α = ¼; both free: f(x₁) = ¼(9 − 1) − ρ = 1 ⇒ ρ = 1
    // (and f(x₀) = 0 − 1 = −1 ✓). So decision(x) = ¼((2x₁ + 1)² − 1) − 1.
    // With γ = 1 (linfa's kernel, unscaled) K₁₁ = 4, α = ⅔, ρ = 1 and decision(0.5, 0) = −⅙,
    // not −¼: the test tells the two apart.
    let x = array![[0.0, 0.0], [1.0, 0.0]];
    let p = SvmParams {
        c: 10.0,
        kernel: Kernel::Poly,
        gamma: Gamma::Value(2.0),
        degree: 2,
        coef0: 1.0,
        tol: 1e-10,
        ..SvmParams::default()
    };
    let q = array![[0.5, 0.0], [2.0, 3.0], [-1.0, 7.0], [0.25, -2.0]];
    let want: Vec<f64> = q
        .rows()
        .into_iter()
        .map(|r| 0.25 * ((2.0 * r[0] + 1.0_f64).powi(2) - 1.0) - 1.0)
        .collect();
    assert_eq!(want[0], -0.25);
    for (name, f) in ENGINES {
        let m = fit_with(f, &p, &x, &[0, 1], 2);
        assert_abs_diff_eq!(m.rho()[0], 1.0, epsilon = 1e-8);
        for (d, w) in decision(&m, &q).iter().zip(&want) {
            assert!((d - w).abs() < 1e-6, "{name}: {d} vs {w}");
        }
    }
}

// scikit-learn 1.9.1 reference (SVC(shrinking=False), decision_function on Q):
// ```python
// import numpy as np
// from sklearn.svm import SVC
// X = np.array([[0.0,0.0],[1.0,0.5],[0.5,1.5],[-1.0,0.8],[0.2,-1.0],[1.5,-0.5],
//               [2.0,2.0],[2.5,1.0],[1.0,2.5],[3.0,2.5],[2.2,3.0],[0.8,1.2]])
// y = np.array([0,0,0,0,0,0,1,1,1,1,1,1])
// Q = np.array([[0.0,0.0],[1.0,1.0],[2.0,1.5],[-1.0,2.0],[3.0,0.0]])
// for kw in [dict(kernel="rbf", gamma=0.5, C=1.0), dict(kernel="rbf", gamma="scale", C=10.0),
//            dict(kernel="poly", gamma=0.5, coef0=1.0, degree=3, C=1.0),
//            dict(kernel="linear", C=1.0)]:
//     for tol in (1e-3, 1e-8):
//         m = SVC(tol=tol, shrinking=False, **kw).fit(X, y)
//         print(list(m.support_), m.decision_function(Q), m._gamma)
// ```
fn sk_data() -> (Array2<f64>, Vec<usize>, Array2<f64>) {
    let x = array![
        [0.0, 0.0],
        [1.0, 0.5],
        [0.5, 1.5],
        [-1.0, 0.8],
        [0.2, -1.0],
        [1.5, -0.5],
        [2.0, 2.0],
        [2.5, 1.0],
        [1.0, 2.5],
        [3.0, 2.5],
        [2.2, 3.0],
        [0.8, 1.2]
    ];
    let y = vec![0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    let q = array![[0.0, 0.0], [1.0, 1.0], [2.0, 1.5], [-1.0, 2.0], [3.0, 0.0]];
    (x, y, q)
}

struct SkCase {
    params: SvmParams,
    support: &'static [usize],
    /// decision values at tol = 1e-3 and at tol = 1e-8
    loose: [f64; 5],
    tight: [f64; 5],
}

fn sk_cases() -> Vec<SkCase> {
    let poly = SvmParams {
        c: 1.0,
        kernel: Kernel::Poly,
        gamma: Gamma::Value(0.5),
        degree: 3,
        coef0: 1.0,
        tol: 1e-3,
        ..SvmParams::default()
    };
    vec![
        SkCase {
            params: params(Kernel::Rbf, 1.0, Gamma::Value(0.5), 1e-3),
            support: &[1, 2, 3, 4, 5, 7, 8, 9, 10, 11],
            loose: [
                -1.225946358008,
                -0.367565198931,
                1.040055930721,
                -0.478483227476,
                0.259788088941,
            ],
            tight: [
                -1.225720482409,
                -0.367701092836,
                1.039985000255,
                -0.478445620213,
                0.25961529723,
            ],
        },
        SkCase {
            params: params(Kernel::Rbf, 10.0, Gamma::Scale, 1e-3),
            support: &[1, 2, 4, 7, 8, 9, 11],
            loose: [
                -1.595116308456,
                -0.478655678544,
                1.465809112272,
                -1.380352092103,
                0.128885390532,
            ],
            tight: [
                -1.594996468494,
                -0.478905147396,
                1.465703422415,
                -1.3801884728,
                0.129001323015,
            ],
        },
        SkCase {
            params: poly,
            support: &[1, 2, 8, 11],
            loose: [
                -1.773946105801,
                -0.530641549755,
                2.529490218673,
                -3.439742255224,
                0.40758776988,
            ],
            tight: [
                -1.774140122501,
                -0.53111380876,
                2.52737301567,
                -3.438171742268,
                0.403536497069,
            ],
        },
        SkCase {
            params: params(Kernel::Linear, 1.0, Gamma::Scale, 1e-3),
            support: &[1, 2, 7, 8, 11],
            loose: [-2.5, -0.5, 1.000136072969, -1.500816437813, 0.500816437813],
            tight: [
                -2.499999924832,
                -0.499999968542,
                0.999999982781,
                -1.49999985132,
                0.499999914236,
            ],
        },
    ]
}

#[test]
fn decision_values_match_scikit_learn() {
    let (x, y, q) = sk_data();
    for case in sk_cases() {
        for (name, f) in ENGINES {
            // tol = 1e-3 stops early: compare loosely (the solvers' paths may differ a little).
            let m = fit_with(f, &case.params, &x, &y, 2);
            for (d, want) in decision(&m, &q).iter().zip(case.loose) {
                assert!(
                    (d - want).abs() < 1e-2,
                    "{name} {:?}: {d} vs {want}",
                    case.params
                );
            }
            // Converged: the optimum is unique in decision values, compare tightly.
            let tight = SvmParams {
                tol: 1e-8,
                ..case.params.clone()
            };
            let m = fit_with(f, &tight, &x, &y, 2);
            assert_eq!(
                m.support_indices(),
                case.support,
                "{name} {:?}",
                case.params
            );
            for (d, want) in decision(&m, &q).iter().zip(case.tight) {
                assert!(
                    (d - want).abs() < 1e-5,
                    "{name} {:?}: {d} vs {want}",
                    case.params
                );
            }
        }
    }
    // scikit-learn's resolved γ for "scale" on this X: 0.3776751993285774.
    assert_abs_diff_eq!(scale_gamma(x.view()), 0.3776751993285774, epsilon = 1e-14);
}

fn blobs(noise: f64) -> (Array2<f64>, Vec<usize>) {
    let g = generate(Generator::Blobs, 90, noise, 3);
    (g.x, g.y.iter().map(|&v| v as usize).collect())
}

#[test]
fn one_vs_one_on_three_blobs_gets_every_training_point_right() {
    // Blob centres (−4, −2), (4, −2), (0, 4.5) are ≥ 7.6 apart; with σ = 0.5 the blobs are
    // far apart, so every kernel separates them.
    let (x, y) = blobs(0.5);
    for kernel in [Kernel::Linear, Kernel::Rbf, Kernel::Poly] {
        for (name, f) in ENGINES {
            let m = fit_with(f, &params(kernel, 1.0, Gamma::Scale, 1e-3), &x, &y, 3);
            assert_eq!(m.n_classes(), 3);
            assert_eq!(m.pairs(), vec![(0, 1), (0, 2), (1, 2)]);
            let d = m.decision_function(x.view());
            assert_eq!(d.dim(), (90, 3));
            assert_eq!(m.predict(x.view()), y, "{name} {kernel:?}");
            // Per-class scores: the own class has both votes (2 + a confidence in (−⅓, ⅓)).
            for (row, &c) in d.rows().into_iter().zip(&y) {
                assert!(row[c] > 5.0 / 3.0, "{name} {kernel:?}: {row}");
            }
            // One-vs-one: sub-model (a, b) is positive on a's rows and negative on b's.
            let ovo = m.decision_function_ovo(x.view());
            assert_eq!(ovo.dim(), (90, 3));
            for (row, &c) in ovo.rows().into_iter().zip(&y) {
                for (k, &(a, b)) in m.pairs().iter().enumerate() {
                    if c == a {
                        assert!(row[k] > 0.0, "{name} {kernel:?}: {row}");
                    } else if c == b {
                        assert!(row[k] < 0.0, "{name} {kernel:?}: {row}");
                    }
                }
            }
            let s = m.support_indices();
            assert!(s.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(m.n_support_per_class().iter().sum::<usize>(), s.len());
            assert!(m.n_iter() > 0);
        }
    }
}

// scikit-learn 1.9.1 reference for one-vs-one (tol 1e-10, no shrinking). `dense` is
// `dual_coef_` laid out as ours: one row per support vector (sorted), one column per pair
// (0,1), (0,2), (1,2), 0 where a vector is not in that pair:
// ```python
// import numpy as np
// from sklearn.svm import SVC
// X = <OVO_X below>; y = np.array([0]*6 + [1]*6 + [2]*6); Q = <OVO_Q below>
// for kw in [dict(kernel="rbf", gamma=0.5, C=1.0), dict(kernel="linear", C=10.0)]:
//     m = SVC(tol=1e-10, shrinking=False, decision_function_shape="ovo", **kw).fit(X, y)
//     sup = np.sort(m.support_); pairs = [(0, 1), (0, 2), (1, 2)]
//     starts = np.concatenate([[0], np.cumsum(m.n_support_)])
//     dense = np.zeros((len(sup), 3)); pos = {r: t for t, r in enumerate(sup)}
//     for p, (a, b) in enumerate(pairs):
//         for t in range(starts[a], starts[a + 1]): dense[pos[m.support_[t]], p] = m.dual_coef_[b - 1, t]
//         for t in range(starts[b], starts[b + 1]): dense[pos[m.support_[t]], p] = m.dual_coef_[a, t]
//     print(list(sup), list(m.n_support_), -m.intercept_, dense, m.decision_function(Q))
//     m2 = SVC(tol=1e-10, shrinking=False, decision_function_shape="ovr", **kw).fit(X, y)
//     print(m2.decision_function(Q), m.predict(Q), m.predict(X))
// ```
const OVO_X: [[f64; 2]; 18] = [
    [0.0, 0.0],
    [0.5, 0.3],
    [-0.4, 0.6],
    [0.3, -0.5],
    [1.2, 0.4],
    [-0.2, -0.3],
    [2.0, 2.0],
    [2.5, 1.6],
    [1.6, 2.6],
    [2.2, 2.4],
    [1.0, 1.1],
    [3.0, 2.2],
    [0.0, 2.5],
    [-0.5, 3.0],
    [0.6, 2.9],
    [-0.8, 2.2],
    [1.4, 1.9],
    [0.2, 1.4],
];
const OVO_Q: [[f64; 2]; 6] = [
    [0.0, 0.0],
    [1.0, 1.0],
    [2.0, 1.5],
    [-1.0, 2.0],
    [0.5, 2.0],
    [1.5, 0.5],
];

struct OvoCase {
    params: SvmParams,
    support: &'static [usize],
    n_support: [usize; 3],
    rho: [f64; 3],
    /// `None` where the dual solution is not unique (the linear kernel).
    dense: Option<&'static [[f64; 3]]>,
    ovo: [[f64; 3]; 6],
    ovr: [[f64; 3]; 6],
    predict_q: [usize; 6],
}

fn ovo_cases() -> Vec<OvoCase> {
    vec![
        OvoCase {
            params: params(Kernel::Rbf, 1.0, Gamma::Value(0.5), 1e-10),
            support: &[1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 16, 17],
            n_support: [5, 5, 5],
            rho: [0.028974051667, 0.15217541756, 0.066526342631],
            dense: Some(&[
                [0.140637694201, 0.196408022308, 0.0],
                [0.866494871832, 1.0, 0.0],
                [0.336549020334, 0.195486236547, 0.0],
                [1.0, 1.0, 0.0],
                [0.0, 0.160937542426, 0.0],
                [0.0, 0.0, 0.878158385865],
                [-0.324650358331, 0.0, 0.0],
                [-0.489732462844, 0.0, 1.0],
                [-1.0, 0.0, 1.0],
                [-0.529298765192, 0.0, 0.448569237343],
                [0.0, -0.343972090597, -0.11497244744],
                [0.0, 0.0, -1.0],
                [0.0, -0.406407823134, -0.211755175768],
                [0.0, -0.802451887549, -1.0],
                [0.0, -1.0, -1.0],
            ]),
            ovo: [
                [1.150717062786, 1.102613722007, -0.166193529687],
                [0.040971807417, 0.013352625451, 0.050032500911],
                [-0.910156715686, -0.504958308433, 0.871635338558],
                [0.179476736355, -0.812923781546, -0.850780399545],
                [-0.422135292725, -1.249287370315, -0.97465945147],
                [0.308147021146, 0.569720466065, 0.364612882073],
            ],
            ovr: [
                [2.230874236677, -0.189463589539, 0.838805613913],
                [2.017175115861, 1.002993111499, -0.019868977786],
                [-0.195313682093, 2.213506499827, 0.910567256188],
                [0.870734092247, -0.169150517551, 2.208194312379],
                [-0.208555873763, 0.8813707867, 2.229940395497],
                [2.155827020666, 1.017815960116, -0.161008674993],
            ],
            predict_q: [0, 0, 1, 2, 2, 0],
        },
        OvoCase {
            params: params(Kernel::Linear, 10.0, Gamma::Scale, 1e-10),
            support: &[2, 4, 8, 10, 16, 17],
            n_support: [2, 2, 2],
            rho: [-2.629629252263, -2.257142859484, 0.217391429234],
            dense: None,
            ovo: [
                [2.629629252263, 2.257142859484, -0.217391429234],
                [-0.703703528745, -0.314285709255, 1.086956093052],
                [-2.555555103847, -1.742857137186, 2.826086027619],
                [-2.925925202167, -2.028571416629, -4.13043342521],
                [-3.48148075596, -2.457142847312, -0.869564904936],
                [0.592592492564, 0.685714287993, 2.608694678758],
            ],
            ovr: [
                [2.276709206052, -0.246686194955, 0.776324755817],
                [-0.168152406173, 2.213887260179, 0.854706889136],
                [-0.270421404595, 2.281100165334, 0.826674688284],
                [-0.277353230451, 0.817871969441, 2.286771927007],
                [-0.285293065927, 1.241046207309, 2.25629246244],
                [2.187025849118, 1.222815415585, -0.255713028441],
            ],
            predict_q: [0, 1, 1, 2, 2, 0],
        },
    ]
}

#[test]
fn one_vs_one_matches_scikit_learn() {
    let x = Array2::from_shape_fn((18, 2), |(i, j)| OVO_X[i][j]);
    let q = Array2::from_shape_fn((6, 2), |(i, j)| OVO_Q[i][j]);
    let y: Vec<usize> = (0..18).map(|i| i / 6).collect();
    // scikit-learn's predictions on the training rows (row 16 is class 2 but lies in 1's).
    let mut want_train = y.clone();
    want_train[16] = 1;
    for case in ovo_cases() {
        for shrinking in [true, false] {
            let p = SvmParams {
                shrinking,
                ..case.params.clone()
            };
            for (name, f) in ENGINES {
                if name == "linfa" && case.params.kernel == Kernel::Linear {
                    // linfa's own solver stops at its own tolerance on this degenerate
                    // (non-unique) dual; its decision values are checked below loosely.
                    continue;
                }
                let m = fit_with(f, &p, &x, &y, 3);
                let what = format!("{name} {:?} shrinking {shrinking}", case.params.kernel);
                assert_eq!(m.support_indices(), case.support, "{what}");
                assert_eq!(m.n_support_per_class(), &case.n_support, "{what}");
                for (a, b) in m.rho().iter().zip(case.rho) {
                    assert_abs_diff_eq!(*a, b, epsilon = 1e-6);
                }
                if let Some(dense) = case.dense {
                    for (r, row) in dense.iter().enumerate() {
                        for (c, &v) in row.iter().enumerate() {
                            assert_abs_diff_eq!(m.dual_coef()[[r, c]], v, epsilon = 1e-6);
                        }
                    }
                }
                let ovo = m.decision_function_ovo(q.view());
                let ovr = m.decision_function(q.view());
                // libsvm keeps Q in f32: with |f| up to 4 here its values carry ~1e-6 of
                // rounding (ours are f64: e.g. 71/27 = 2.62962962963 vs its 2.629629252263).
                let tol = 1e-6
                    * case
                        .ovo
                        .iter()
                        .flatten()
                        .fold(1.0, |a: f64, v| a.max(v.abs()));
                for i in 0..6 {
                    for c in 0..3 {
                        assert!((ovo[[i, c]] - case.ovo[i][c]).abs() < tol, "{what}: {ovo}");
                        assert!((ovr[[i, c]] - case.ovr[i][c]).abs() < tol, "{what}: {ovr}");
                    }
                }
                assert_eq!(m.predict(q.view()), case.predict_q, "{what}");
                assert_eq!(m.predict(x.view()), want_train, "{what}");
            }
        }
    }
}

#[test]
fn separable_data_with_large_c_is_fitted_exactly() {
    // Noise-free moons are separable by an RBF boundary; with a hard margin (C = 1e4) every
    // training point must come out on its own side.
    let g = generate(Generator::Moons, 200, 0.0, 1);
    let y: Vec<usize> = g.y.iter().map(|&v| v as usize).collect();
    let m = fit_with(
        fit_svm,
        &params(Kernel::Rbf, 1e4, Gamma::Value(2.0), 1e-3),
        &g.x,
        &y,
        2,
    );
    assert_eq!(m.predict(g.x.view()), y);
    assert!(m.converged());
    // And linearly separable data with the linear kernel.
    let (x, y) = blobs(0.5);
    let y2: Vec<usize> = y.iter().map(|&c| usize::from(c == 2)).collect();
    let m = fit_with(
        fit_svm,
        &params(Kernel::Linear, 1e4, Gamma::Scale, 1e-3),
        &x,
        &y2,
        2,
    );
    assert_eq!(m.predict(x.view()), y2);
}

#[test]
fn native_and_linfa_engines_agree_on_moons() {
    // linfa-svm's own SMO is an independent implementation of the same problem.
    let g = generate(Generator::Moons, 300, 0.2, 0);
    let y: Vec<usize> = g.y.iter().map(|&v| v as usize).collect();
    let p = params(Kernel::Rbf, 1.0, Gamma::Value(1.0), 1e-7);
    let a = fit_with(fit_svm, &p, &g.x, &y, 2);
    let b = fit_with(fit_svm_linfa, &p, &g.x, &y, 2);
    let q = g.x.slice(ndarray::s![..50, ..]).to_owned();
    for (u, v) in decision(&a, &q).iter().zip(decision(&b, &q)) {
        assert!((u - v).abs() < 1e-4, "{u} vs {v}");
    }
    assert_abs_diff_eq!(a.dual_objective()[0], b.dual_objective()[0], epsilon = 1e-4);
}

#[test]
fn grid_decision_values_equal_the_dual_formula() {
    // The grid path factorises the Gaussian kernel per feature; check it against
    // Σ cᵢ exp(−γ‖x − sᵢ‖²) − ρ computed here, point by point, from the model's dual solution.
    let g = generate(Generator::Moons, 200, 0.2, 5);
    let y: Vec<usize> = g.y.iter().map(|&v| v as usize).collect();
    let m = fit_with(
        fit_svm,
        &params(Kernel::Rbf, 1.0, Gamma::Value(1.0), 1e-3),
        &g.x,
        &y,
        2,
    );
    let spec = GridSpec::around(
        &g.x.column(0).to_vec(),
        &g.x.column(1).to_vec(),
        0.1,
        150,
        90,
    );
    let base = grid::column_means(g.x.view());
    let out = grid::evaluate(&spec, base.view(), 0, 1, |pts| m.decision_function(pts));
    let pts = spec.points(base.view(), 0, 1);
    let sv = g.x.select(ndarray::Axis(0), m.support_indices());
    for (r, p) in pts.rows().into_iter().enumerate() {
        let mut want = -m.rho()[0];
        for (s, c) in sv.rows().into_iter().zip(m.dual_coef().column(0)) {
            let d2 = (p[0] - s[0]).powi(2) + (p[1] - s[1]).powi(2);
            want += c * (-m.gamma() * d2).exp();
        }
        assert_abs_diff_eq!(out[[r, 0]], want, epsilon = 1e-10);
    }
}

fn err_text(r: Result<SvmModel, Error>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let pr = Progress::new();
    let p = SvmParams::default();
    let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]];
    let y = array![0usize, 1, 1];
    for (name, f) in ENGINES {
        let run = |p: &SvmParams, x: &Array2<f64>, y: &Array1<usize>, k: usize| {
            f(p, x.view(), y.view(), k, &pr)
        };
        // fewer than 2 rows
        let t = err_text(run(&p, &array![[1.0, 2.0]], &array![0], 2));
        assert!(t.contains("at least 2 rows"), "{name}: {t}");
        // a class with no rows
        let t = err_text(run(&p, &x, &array![0, 0, 2], 3));
        assert!(t.contains("class 1 has no rows"), "{t}");
        let t = err_text(run(&p, &x, &array![0, 0, 0], 2));
        assert!(t.contains("class 1 has no rows"), "{t}");
        // a single class
        let t = err_text(run(&p, &x, &array![0, 0, 0], 1));
        assert!(t.contains("at least 2 classes"), "{t}");
        // label outside 0..k, length mismatch
        let t = err_text(run(&p, &x, &array![0, 1, 5], 2));
        assert!(t.contains("label 5"), "{t}");
        let t = err_text(run(&p, &x, &array![0, 1], 2));
        assert!(t.contains("must match"), "{t}");
        // NaN and infinity in x
        let mut bad = x.clone();
        bad[[1, 1]] = f64::NAN;
        let t = err_text(run(&p, &bad, &y, 2));
        assert!(t.contains("row 1, column 1"), "{t}");
        bad[[1, 1]] = f64::INFINITY;
        assert!(matches!(run(&p, &bad, &y, 2), Err(Error::Data(_))));
        // linfa's engine keeps its limit (it builds the n × n kernel matrix), and says so
        if name == "linfa" {
            let big = Array2::zeros((MAX_LINFA_SVM_ROWS + 1, 1));
            let yb = Array1::from_shape_fn(MAX_LINFA_SVM_ROWS + 1, |i| i % 2);
            match run(&p, &big, &yb, 2) {
                Err(Error::Data(t)) => {
                    assert!(t.contains("limited to 10000 rows"), "{t}");
                    assert!(t.contains("Ridgeline SMO"), "{t}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // bad parameters: the message names the parameter
        let cases = [
            (
                SvmParams {
                    c: 0.0,
                    ..p.clone()
                },
                "C must",
            ),
            (
                SvmParams {
                    c: f64::INFINITY,
                    ..p.clone()
                },
                "C must",
            ),
            (
                SvmParams {
                    c: f64::NAN,
                    ..p.clone()
                },
                "C must",
            ),
            (
                SvmParams {
                    gamma: Gamma::Value(-1.0),
                    ..p.clone()
                },
                "gamma must",
            ),
            (
                SvmParams {
                    gamma: Gamma::Value(0.0),
                    ..p.clone()
                },
                "gamma must",
            ),
            (
                SvmParams {
                    degree: 0,
                    kernel: Kernel::Poly,
                    ..p.clone()
                },
                "degree must",
            ),
            (
                SvmParams {
                    degree: 11,
                    kernel: Kernel::Poly,
                    ..p.clone()
                },
                "degree must",
            ),
            (
                SvmParams {
                    coef0: f64::NAN,
                    kernel: Kernel::Poly,
                    ..p.clone()
                },
                "coef0 must",
            ),
            (
                SvmParams {
                    tol: 0.0,
                    ..p.clone()
                },
                "tol must",
            ),
            (
                SvmParams {
                    tol: -1e-3,
                    ..p.clone()
                },
                "tol must",
            ),
        ];
        // A parameter the kernel does not use does not block the fit: degree and coef0 under
        // RBF, γ under the linear kernel.
        for unused in [
            SvmParams {
                degree: 0,
                coef0: f64::NAN,
                ..p.clone()
            },
            SvmParams {
                kernel: Kernel::Linear,
                gamma: Gamma::Value(-1.0),
                degree: 99,
                ..p.clone()
            },
        ] {
            assert!(unused.validate().is_ok(), "{unused:?}");
            assert!(run(&unused, &x, &y, 2).is_ok(), "{name}: {unused:?}");
        }
        for (bad_p, needle) in cases {
            assert!(bad_p.validate().is_err());
            match run(&bad_p, &x, &y, 2) {
                Err(Error::Param(t)) => assert!(t.contains(needle), "{t}"),
                other => panic!("{name}: {other:?}"),
            }
        }
        // a cancelled job stops with Cancelled
        let cancelled = Progress::new();
        cancelled.cancel();
        assert!(matches!(
            f(&p, x.view(), y.view(), 2, &cancelled),
            Err(Error::Cancelled)
        ));
    }
    assert!(SvmParams::default().validate().is_ok());
}

#[test]
fn wrong_width_at_predict_time_is_nan_not_a_panic() {
    let x = array![[-1.0], [1.0]];
    let m = fit_with(
        fit_svm,
        &params(Kernel::Rbf, 1.0, Gamma::Scale, 1e-3),
        &x,
        &[0, 1],
        2,
    );
    let d = m.decision_function(array![[1.0, 2.0]].view());
    assert!(d[[0, 0]].is_nan());
}

#[test]
fn params_default_and_serde() {
    let p: SvmParams = serde_json::from_str("{}").expect("defaults fill in");
    assert_eq!(p, SvmParams::default());
    assert_eq!(
        (p.c, p.kernel, p.gamma, p.degree, p.coef0, p.tol),
        (1.0, Kernel::Rbf, Gamma::Scale, 3, 0.0, 1e-3)
    );
    let back: SvmParams = serde_json::from_str(
        &serde_json::to_string(&SvmParams {
            gamma: Gamma::Value(0.25),
            ..p
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!(back.gamma, Gamma::Value(0.25));
}

#[test]
fn moons_1000_matches_scikit_learn() {
    // The benchmark's data set. Reference: the points written to CSV with 17 digits, then
    // ```python
    // d = np.loadtxt("moons1000.csv", delimiter=","); X, y = d[:, :2], d[:, 2].astype(int)
    // m = SVC(C=1.0, gamma=1.0, tol=1e-8, shrinking=False).fit(X, y)
    // m.decision_function(X[:5]), m.n_support_.sum()
    // ```
    // (X[0] = (-0.639421660328, 0.852509224186) there, checked below.)
    let g = generate(Generator::Moons, 1000, 0.2, 0);
    assert_abs_diff_eq!(g.x[[0, 0]], -0.639421660328, epsilon = 1e-12);
    assert_abs_diff_eq!(g.x[[0, 1]], 0.852509224186, epsilon = 1e-12);
    let y: Vec<usize> = g.y.iter().map(|&v| v as usize).collect();
    let m = fit_with(
        fit_svm,
        &params(Kernel::Rbf, 1.0, Gamma::Value(1.0), 1e-8),
        &g.x,
        &y,
        2,
    );
    let want = [
        -2.332053015855,
        0.71949249696,
        -2.202740228553,
        0.522570682958,
        -2.035376449938,
    ];
    let q = g.x.slice(ndarray::s![..5, ..]).to_owned();
    for (d, w) in decision(&m, &q).iter().zip(want) {
        assert_abs_diff_eq!(*d, w, epsilon = 1e-6);
    }
    assert_eq!(m.n_support(), 149);
}

fn moons_xy(n: usize, noise: f64, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let g = generate(Generator::Moons, n, noise, seed);
    (g.x, g.y.iter().map(|&v| v as usize).collect())
}

#[test]
fn shrinking_on_and_off_give_the_same_solution() {
    // Shrinking changes the path, not the problem: both stop within tol of the same optimum.
    let (x, y) = moons_xy(1500, 0.3, 7);
    let base = SvmParams {
        c: 10.0,
        tol: 1e-6,
        ..SvmParams::default()
    };
    let on = fit_with(fit_svm_smo, &base, &x, &y, 2);
    let off = fit_with(
        fit_svm_smo,
        &SvmParams {
            shrinking: false,
            ..base
        },
        &x,
        &y,
        2,
    );
    assert!(on.converged() && off.converged());
    assert!(on.kkt_gap()[0] < 1e-6 && off.kkt_gap()[0] < 1e-6);
    let (a, b) = (on.dual_objective()[0], off.dual_objective()[0]);
    assert!((a - b).abs() <= 1e-8 * a.abs(), "{a} vs {b}");
    let q = x.slice(ndarray::s![..200, ..]).to_owned();
    for (u, v) in decision(&on, &q).iter().zip(decision(&off, &q)) {
        assert!((u - v).abs() < 1e-4, "{u} vs {v}");
    }
    assert_eq!(on.predict(x.view()), off.predict(x.view()));
}

#[test]
fn a_cache_far_smaller_than_the_kernel_gives_the_same_solution() {
    // 3000 rows: the kernel is 72 MB; 1 MB holds 43 of its 3000 columns. Columns dropped and
    // computed again are the same numbers, so the solver takes the very same steps.
    let (x, y) = moons_xy(3000, 0.25, 3);
    let small = SvmParams {
        cache_mb: 1,
        ..SvmParams::default()
    };
    let big = SvmParams {
        cache_mb: 4096,
        ..SvmParams::default()
    };
    let a = fit_with(fit_svm_smo, &small, &x, &y, 2);
    let b = fit_with(fit_svm_smo, &big, &x, &y, 2);
    assert_eq!(a.n_iter(), b.n_iter());
    assert_eq!(a.support_indices(), b.support_indices());
    assert_eq!(a.dual_coef(), b.dual_coef());
    assert_eq!(a.rho(), b.rho());
    // And the same on three classes (one-vs-one, the budget split between solvers).
    let (x3, y3) = blobs(1.5);
    let a = fit_with(fit_svm_smo, &small, &x3, &y3, 3);
    let b = fit_with(fit_svm_smo, &big, &x3, &y3, 3);
    assert_eq!(a.dual_coef(), b.dual_coef());
}

#[test]
fn cache_mb_is_validated_and_old_settings_load() {
    for bad in [0, 65_537] {
        let p = SvmParams {
            cache_mb: bad,
            ..SvmParams::default()
        };
        match p.validate() {
            Err(Error::Param(t)) => assert!(t.contains("cache_mb"), "{t}"),
            other => panic!("{other:?}"),
        }
    }
    // Settings saved before the engine, cache and shrinking existed still load, with defaults.
    let old: SvmParams =
        serde_json::from_str(r#"{"c": 2.0, "kernel": "Rbf", "gamma": "Scale", "tol": 0.001}"#)
            .unwrap();
    assert_eq!(old.c, 2.0);
    assert_eq!(old.engine, SvmEngine::Smo);
    assert_eq!(old.cache_mb, 256);
    assert!(old.shrinking);
    let back: SvmParams = serde_json::from_str(
        &serde_json::to_string(&SvmParams {
            engine: SvmEngine::Linfa,
            cache_mb: 12,
            ..SvmParams::default()
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!((back.engine, back.cache_mb), (SvmEngine::Linfa, 12));
}

#[test]
fn a_fit_is_cancelled_mid_solve() {
    // A long fit (20,000 noisy rows, a hard margin, a tight tol: seconds even optimised),
    // cancelled from another thread shortly after it starts.
    let (x, y) = moons_xy(20_000, 0.4, 9);
    let p = SvmParams {
        c: 1e4,
        gamma: Gamma::Value(20.0),
        tol: 1e-8,
        ..SvmParams::default()
    };
    let progress = std::sync::Arc::new(Progress::new());
    let canceller = {
        let progress = std::sync::Arc::clone(&progress);
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            progress.cancel();
        })
    };
    let y = Array1::from(y);
    let r = fit_svm(&p, x.view(), y.view(), 2, &progress);
    canceller.join().unwrap();
    assert!(
        matches!(r, Err(Error::Cancelled)),
        "{:?}",
        r.map(|m| m.n_iter())
    );
}

#[test]
fn more_than_ten_thousand_rows_are_fitted() {
    // The old limit was 10,000 rows; the SMO engine now takes what memory allows.
    let (x, y) = moons_xy(10_500, 0.1, 4);
    let progress = Progress::new();
    let m = fit_svm(
        &SvmParams::default(),
        x.view(),
        Array1::from(y.clone()).view(),
        2,
        &progress,
    )
    .expect("10,500 rows fit");
    assert!(m.converged());
    let pred = m.predict(x.view());
    let right = pred.iter().zip(&y).filter(|(a, b)| a == b).count();
    // Moons with noise 0.1 are nearly separable by an RBF boundary.
    assert!(
        right as f64 > 0.99 * y.len() as f64,
        "{right} of {}",
        y.len()
    );
    assert!(m.n_support() < 2000, "{}", m.n_support());
    // The progress bar was filled: 1000 per binary problem.
    assert_eq!(progress.fraction(), Some(1.0));
}

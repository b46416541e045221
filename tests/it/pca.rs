//! PCA against independent references: a data set built with a known covariance, scikit-learn's
//! iris numbers, and properties that hold for any correct PCA.

// Index loops over parallel reference tables read more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use ndarray::{Array1, Array2, Axis, array};
use ridgeline::estimators::Error;
use ridgeline::estimators::pca::{PcaParams, fit_pca};
use ridgeline::progress::Progress;

fn params(k: usize) -> PcaParams {
    PcaParams {
        n_components: k,
        whiten: false,
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
            whiten: true
        }
    );
}

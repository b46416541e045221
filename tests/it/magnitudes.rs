//! Numbers are finite and honest at any magnitude: standardisation, every estimator and the
//! scores give the same answers on data scaled by 1e-300 … 1e300 (standardisation alone:
//! 1e-308 … 1e308) as the hand-worked values for the unscaled data; raw (unstandardised)
//! features too large for the estimators are refused with the column named; R² is not scored
//! on folds of one row.

use std::sync::mpsc;
use std::time::Duration;

use ndarray::{Array2, array};
use proptest::prelude::*;
use ridgeline::analysis::cv::cross_validate;
use ridgeline::analysis::live::{self, FitOn, LiveRequest};
use ridgeline::analysis::metrics::r2;
use ridgeline::data::prep::{PrepSettings, Split, Standardizer, split};
use ridgeline::data::stats::column_stats;
use ridgeline::data::{Dataset, Roles, Table, Target, TaskChoice, build_dataset};
use ridgeline::estimators::elastic_net::ElasticNetParams;
use ridgeline::estimators::logistic::{LogisticParams, fit_logistic};
use ridgeline::estimators::pca::{PcaParams, fit_pca};
use ridgeline::estimators::{Error, Fitted, ModelKind, ModelSpec};
use ridgeline::progress::Progress;

/// Run `f` on its own thread; panic if it has not returned within a minute (a fit that loops
/// forever fails the test instead of hanging it).
fn guarded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what}: did not return within 60 s"))
}

/// Mean and population σ of a column, by the textbook two-pass formulas.
fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// z-scores of x·10^e equal the z-scores of x worked out by hand, for every e in
    /// −307..=306 (down to 1e-308, up to 1e308) (constant columns map to 0), and transforming back gives x·10^e.
    #[test]
    fn standardising_is_scale_free(
        cols in (2usize..30, 1usize..4).prop_flat_map(|(n, p)| prop::collection::vec(
            prop_oneof![
                4 => prop::collection::vec(-1000i32..1000, n),
                1 => (-1000i32..1000).prop_map(move |c| vec![c; n]),
            ],
            p,
        )),
        e in -307i32..=306,
        sign in prop::sample::select(vec![1.0, -1.0]),
    ) {
        let n = cols[0].len();
        let p = cols.len();
        let unit: Vec<Vec<f64>> =
            cols.iter().map(|c| c.iter().map(|&k| f64::from(k) / 10.0).collect()).collect();
        let factor = sign * 10f64.powi(e);
        let x = Array2::from_shape_fn((n, p), |(i, j)| unit[j][i] * factor);
        let rows: Vec<usize> = (0..n).collect();
        let s = Standardizer::fit(x.view(), &rows);
        let z = s.transform(x.view());
        for j in 0..p {
            let (mean, sd) = mean_sd(&unit[j]);
            let constant = cols[j].iter().all(|&k| k == cols[j][0]);
            for i in 0..n {
                let expected = if constant { 0.0 } else { sign * (unit[j][i] - mean) / sd };
                prop_assert!(
                    (z[[i, j]] - expected).abs() <= 1e-9,
                    "e = {}: z[{}, {}] = {} vs {}", e, i, j, z[[i, j]], expected
                );
            }
        }
        let back = s.inverse_transform(z.view());
        for (a, b) in back.iter().zip(x.iter()) {
            prop_assert!((a - b).abs() <= 1e-9 * b.abs().max(factor.abs()), "{} vs {}", a, b);
        }
    }
}

#[test]
fn pca_variances_scale_with_the_square_of_the_data() {
    // x = (1,1), (2,3), (3,2), (4,4): deviations (−1.5, −.5, .5, 1.5) and (−1.5, .5, −.5,
    // 1.5); sample covariance [[5/3, 4/3], [4/3, 5/3]]: λ = 3 and 1/3 along (1,1)/√2 and
    // (1,−1)/√2; ratios 0.9 and 0.1; σ = √(3λ) = 3 and 1.
    let x = array![[1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [4.0, 4.0]];
    let params = PcaParams {
        n_components: 2,
        whiten: false,
        ..PcaParams::default()
    };
    for c in [1e-150, 1e-100, 1e-10, 1.0, 1e10, 1e100, 1e120, 1e150] {
        let m = fit_pca(&params, (&x * c).view(), &Progress::new())
            .unwrap_or_else(|e| panic!("c = {c:e}: {e}"));
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
        let ev = m.explained_variance();
        assert!(
            close(ev[0], 3.0 * c * c) && close(ev[1], c * c / 3.0),
            "c = {c:e}: {ev}"
        );
        let r = m.explained_variance_ratio();
        assert!(
            (r[0] - 0.9).abs() < 1e-12 && (r[1] - 0.1).abs() < 1e-12,
            "{r}"
        );
        let sv = m.singular_values();
        assert!(close(sv[0], 3.0 * c) && close(sv[1], c), "{sv}");
        assert!(close(m.mean()[0], 2.5 * c) && close(m.mean()[1], 2.5 * c));
        let h = 0.5f64.sqrt();
        for v in m.components().iter() {
            assert!((v.abs() - h).abs() < 1e-12, "c = {c:e}: {}", m.components());
        }
        // The projection of row 1 onto axis 1: (−1.5 − 1.5)/√2 · c = −3c/√2.
        let z = m.transform((&x * c).view());
        assert!(close(z[[0, 0]], -3.0 * h * c), "{z}");
    }
    // 3·(1e160)² does not fit in a double: refused, not null.
    let e = fit_pca(&params, (&x * 1e160).view(), &Progress::new()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("PCA: the variance of these values"),
        "{e}"
    );
}

/// A table of `columns` (names, values) and a target column, with `roles`' task.
fn dataset(columns: Vec<(&str, Vec<f64>)>, target: Vec<f64>, task: TaskChoice) -> Dataset {
    let mut cols: Vec<(String, Vec<f64>)> = columns
        .into_iter()
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    cols.push(("y".to_string(), target));
    let table = Table::from_numeric("t", cols);
    let roles = Roles {
        task,
        ..Roles::default()
    };
    build_dataset(&table, &roles).unwrap()
}

fn every_row(ds: &Dataset) -> Split {
    split(
        &ds.target,
        &PrepSettings {
            test_fraction: 0.0,
            ..PrepSettings::default()
        },
    )
}

fn request(spec: ModelSpec, standardize: bool) -> LiveRequest {
    LiveRequest {
        spec,
        fit_on: FitOn::AllFeatures,
        axes: (0, 0),
        grid_size: 0,
        standardize,
        max_svm_rows: None,
    }
}

const SCALES: [i32; 7] = [-300, -200, -100, 0, 100, 200, 300];

/// Two features, classes far apart: class k around (4k, −4k) with offsets in [−1, 1].
fn blobs(k: usize, per: usize, scale: f64) -> (Vec<(&'static str, Vec<f64>)>, Vec<f64>) {
    let (mut a, mut b, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for c in 0..k {
        for i in 0..per {
            let u = (i % 5) as f64 / 2.0 - 1.0;
            let v = ((i * 3) % 7) as f64 / 3.0 - 1.0;
            a.push((4.0 * c as f64 + u) * scale);
            b.push((-4.0 * c as f64 + v) * scale);
            y.push(c as f64);
        }
    }
    (vec![("a", a), ("b", b)], y)
}

#[test]
fn classifiers_separate_separable_classes_at_every_scale() {
    for e in SCALES {
        let scale = 10f64.powi(e);
        for k in [2, 3] {
            let (cols, y) = blobs(k, 20, scale);
            let ds = dataset(cols, y, TaskChoice::Classification);
            let sp = every_row(&ds);
            for kind in [ModelKind::Svm, ModelKind::Logistic] {
                let mut spec = ModelSpec {
                    kind,
                    ..ModelSpec::default()
                };
                // Few iterations: the fit that looped in linfa's line search did so at once.
                spec.logistic.max_iter = 5;
                let (ds, sp) = (ds.clone(), sp.clone());
                let r = guarded(&format!("{kind:?} at 1e{e}, {k} classes"), move || {
                    live::run(&ds, &sp, &request(spec, true), &Progress::new())
                })
                .unwrap_or_else(|err| panic!("{kind:?} at 1e{e}: {err}"));
                // Classes 4 apart with offsets of at most 1: a straight line separates them.
                assert_eq!(
                    r.train.accuracy,
                    Some(1.0),
                    "{kind:?} at 1e{e}, {k} classes"
                );
                if let Fitted::Logistic(m) = &r.fitted {
                    assert!(m.coef().iter().all(|w| w.is_finite() && *w != 0.0));
                    assert!(r.train.log_loss.is_some_and(|l| l.is_finite() && l < 0.5));
                }
            }
        }
    }
}

/// Ridge on y = 3a − 2b + r (r a fixed wiggle) in z-scores, solved by hand:
/// w = (ZᵀZ/n + αI)⁻¹ Zᵀ(y − ȳ)/n, a 2 × 2 system.
fn ridge_by_hand(a: &[f64], b: &[f64], y: &[f64], alpha: f64) -> [f64; 2] {
    let n = a.len() as f64;
    let ((ma, sa), (mb, sb)) = (mean_sd(a), mean_sd(b));
    let my = y.iter().sum::<f64>() / n;
    let za: Vec<f64> = a.iter().map(|v| (v - ma) / sa).collect();
    let zb: Vec<f64> = b.iter().map(|v| (v - mb) / sb).collect();
    let dot = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(p, q)| p * q).sum::<f64>() / n;
    let yc: Vec<f64> = y.iter().map(|v| v - my).collect();
    let (g11, g12, g22) = (dot(&za, &za) + alpha, dot(&za, &zb), dot(&zb, &zb) + alpha);
    let (r1, r2) = (dot(&za, &yc), dot(&zb, &yc));
    let det = g11 * g22 - g12 * g12;
    [(g22 * r1 - g12 * r2) / det, (g11 * r2 - g12 * r1) / det]
}

#[test]
fn ridge_and_r2_do_not_depend_on_the_features_scale() {
    let a: Vec<f64> = (0..30).map(|i| f64::from(i % 7) - 3.0).collect();
    let b: Vec<f64> = (0..30).map(|i| f64::from((i * 5) % 11) / 2.0).collect();
    let y: Vec<f64> = (0..30)
        .map(|i| 3.0 * a[i] - 2.0 * b[i] + (i % 3) as f64 - 1.0)
        .collect();
    let alpha = 0.1;
    let w = ridge_by_hand(&a, &b, &y, alpha);
    for e in SCALES {
        let s = 10f64.powi(e);
        let cols = vec![
            ("a", a.iter().map(|v| v * s).collect()),
            ("b", b.iter().map(|v| v * s).collect()),
        ];
        let ds = dataset(cols, y.clone(), TaskChoice::Regression);
        let mut spec = ModelSpec {
            kind: ModelKind::ElasticNet,
            elastic_net: ElasticNetParams::ridge(alpha),
            ..ModelSpec::default()
        };
        spec.elastic_net.tol = 1e-10;
        let r = live::run(&ds, &every_row(&ds), &request(spec, true), &Progress::new())
            .unwrap_or_else(|err| panic!("1e{e}: {err}"));
        let Fitted::ElasticNet(m) = &r.fitted else {
            panic!()
        };
        for j in 0..2 {
            assert!(
                (m.coef()[j] - w[j]).abs() < 1e-6 * w[j].abs(),
                "1e{e}: w = {} vs {w:?}",
                m.coef()
            );
        }
        let r2 = r.train.r2.unwrap();
        assert!(r2.is_finite() && r2 > 0.9, "1e{e}: R² {r2}");
    }
}

#[test]
fn pca_on_standardised_features_at_every_scale() {
    // The rows of the PCA test above: correlation ρ = 4/5. Standardised (population σ), the
    // sample covariance is [[1, ρ], [ρ, 1]]·4/3: λ = (1 ± ρ)·4/3 = 2.4 and 0.2667.
    let a = [1.0, 2.0, 3.0, 4.0];
    let b = [1.0, 3.0, 2.0, 4.0];
    for e in SCALES {
        let s = 10f64.powi(e);
        let cols = vec![
            ("a", a.iter().map(|v| v * s).collect()),
            ("b", b.iter().map(|v| v * s).collect()),
        ];
        let ds = dataset(cols, vec![0.0, 1.0, 0.0, 1.0], TaskChoice::Auto);
        let spec = ModelSpec {
            kind: ModelKind::Pca,
            ..ModelSpec::default()
        };
        let r = live::run(&ds, &every_row(&ds), &request(spec, true), &Progress::new())
            .unwrap_or_else(|err| panic!("1e{e}: {err}"));
        let Fitted::Pca(m) = &r.fitted else { panic!() };
        let ev = m.explained_variance();
        assert!(
            (ev[0] - 2.4).abs() < 1e-12 && (ev[1] - 0.8 / 3.0).abs() < 1e-12,
            "{ev}"
        );
        let ratio = m.explained_variance_ratio();
        assert!((ratio[0] - 0.9).abs() < 1e-12, "{ratio}");
    }
}

#[test]
fn raw_features_too_large_are_refused_with_the_column_named() {
    let (mut cols, y) = blobs(2, 20, 1.0);
    cols[1].0 = "huge";
    cols[1].1.iter_mut().for_each(|v| *v *= 1e150);
    let largest = cols[1].1.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let ds = dataset(cols, y, TaskChoice::Classification);
    for kind in [
        ModelKind::Svm,
        ModelKind::Logistic,
        ModelKind::Pca,
        ModelKind::ElasticNet,
    ] {
        let spec = ModelSpec {
            kind,
            ..ModelSpec::default()
        };
        let (ds, sp) = (ds.clone(), every_row(&ds));
        let e = guarded(&format!("{kind:?} raw"), move || {
            live::run(&ds, &sp, &request(spec, false), &Progress::new())
        })
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "feature 'huge' has values as large as {largest:.3e}: beyond ±1e100 the \
                 models' sums of squares overflow; standardise the features or rescale 'huge'"
            )
        );
    }
    // Called directly, an estimator names the cell (it knows no column names).
    let x = array![[0.0, 1.0], [1.0, 2e200], [2.0, 0.5], [3.0, 0.0]];
    let y = array![0usize, 1, 0, 1];
    let e = guarded("logistic on 2e200", move || {
        fit_logistic(
            &LogisticParams::default(),
            x.view(),
            y.view(),
            2,
            &Progress::new(),
        )
    })
    .unwrap_err();
    assert_eq!(
        e,
        Error::Data(
            "logistic regression: x holds 2.000e200 at row 1, column 1: beyond ±1e100 the sums \
             of squares overflow; standardise the features or rescale that column"
                .into()
        )
    );
}

#[test]
fn r2_is_undefined_on_one_row_and_does_not_depend_on_the_unit() {
    assert!(r2(&[5.0], &[5.0]).is_nan());
    assert!(r2(&[5.0], &[4.0]).is_nan());
    // y = 1, 2, 3, 4 and ŷ = 1.5, 1.5, 3.5, 3.5: SS_res = 4 · 0.25 = 1, SS_tot = 5: R² = 0.8.
    for s in [1e-300, 1e-200, 1.0, 1e200, 1e300] {
        let y: Vec<f64> = [1.0, 2.0, 3.0, 4.0].iter().map(|v| v * s).collect();
        let p: Vec<f64> = [1.5, 1.5, 3.5, 3.5].iter().map(|v| v * s).collect();
        assert!(
            (r2(&y, &p) - 0.8).abs() < 1e-12,
            "scale {s:e}: {}",
            r2(&y, &p)
        );
    }
}

#[test]
fn column_statistics_of_huge_values_are_finite() {
    // 1, 2, 3 (× 1e300): mean 2e300, population σ √(2/3)·1e300.
    let t = Table::from_numeric("t", vec![("a".into(), vec![1e300, 2e300, 3e300])]);
    let s = &column_stats(&t)[0];
    assert!((s.mean.unwrap() / 2e300 - 1.0).abs() < 1e-15);
    assert!((s.std.unwrap() / ((2.0f64 / 3.0).sqrt() * 1e300) - 1.0).abs() < 1e-15);
}

#[test]
fn cross_validated_r2_refuses_folds_of_one_row() {
    let x: Vec<f64> = (0..7).map(f64::from).collect();
    let y: Vec<f64> = x.iter().map(|v| 2.0 * v + 0.5).collect();
    let ds = dataset(vec![("x", x)], y, TaskChoice::Regression);
    let spec = ModelSpec {
        kind: ModelKind::ElasticNet,
        elastic_net: ElasticNetParams::ridge(0.01),
        ..ModelSpec::default()
    };
    // 7 rows in 4 folds: three folds of 2 rows and one of 1.
    let e = cross_validate(&ds, &spec, 4, 0, true, &Progress::new()).unwrap_err();
    assert_eq!(
        e,
        Error::Param(
            "R² is not defined on a held-out fold of one row: 4 folds of 7 rows leave some \
             folds with a single row; use at most 3 folds"
                .into()
        )
    );
    // 3 folds of 2, 2 and 3 rows: scored, and a near-perfect line scores near 1 on each.
    let cv = cross_validate(&ds, &spec, 3, 0, true, &Progress::new()).unwrap();
    assert!(cv.folds.iter().all(|&s| s > 0.99), "{:?}", cv.folds);
    // Classes: accuracy is defined on one row, so folds of one row are fine.
    let x: Vec<f64> = (0..6).map(f64::from).collect();
    let ds = dataset(
        vec![("x", x)],
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
        TaskChoice::Classification,
    );
    let spec = ModelSpec {
        kind: ModelKind::Logistic,
        ..ModelSpec::default()
    };
    let cv = cross_validate(&ds, &spec, 6, 0, true, &Progress::new()).unwrap();
    assert_eq!(cv.folds.len(), 6);
    assert!(matches!(ds.target, Target::Classes { .. }));
}

//! Regularisation paths against optimality conditions, closed forms, our single fits and
//! hand-recomputed cross-validation. Objective: 1/(2n)‖y - Xw - b‖² + α·ρ‖w‖₁ + α(1-ρ)/2‖w‖².

// Index loops over parallel reference tables read more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use ndarray::{Array1, Array2, Axis, array};
use ridgeline::analysis::cv::fold_of_rows;
use ridgeline::analysis::path::{
    AlphaGrid, PathModel, PathRequest, PathResult, regularization_path,
};
use ridgeline::data::prep::Standardizer;
use ridgeline::data::{BuildReport, Builtin, Dataset, RealDataset, Roles, Target, build_dataset};
use ridgeline::estimators::Error;
use ridgeline::estimators::elastic_net::{ElasticNetParams, fit_elastic_net};
use ridgeline::progress::Progress;

fn diabetes() -> Dataset {
    build_dataset(
        &Builtin::Real(RealDataset::Diabetes).load().unwrap(),
        &Roles::default(),
    )
    .unwrap()
}

fn iris() -> Dataset {
    build_dataset(
        &Builtin::Real(RealDataset::Iris).load().unwrap(),
        &Roles::default(),
    )
    .unwrap()
}

fn values(ds: &Dataset) -> Vec<f64> {
    match &ds.target {
        Target::Values(v) => v.clone(),
        Target::Classes { .. } => panic!("regression target expected"),
    }
}

fn all_rows(ds: &Dataset) -> Vec<usize> {
    (0..ds.n_rows()).collect()
}

/// Standardise by hand (mean, population σ) and centre y: independent of the crate.
fn standardised(ds: &Dataset) -> (Array2<f64>, Array1<f64>) {
    let x = &ds.x;
    let n = x.nrows() as f64;
    let mean = x.mean_axis(Axis(0)).unwrap();
    let mut z = x - &mean;
    for mut col in z.columns_mut() {
        let sd = (col.iter().map(|v| v * v).sum::<f64>() / n).sqrt();
        col.mapv_inplace(|v| v / sd);
    }
    let y = Array1::from(values(ds));
    let ym = y.mean().unwrap();
    (z, y - ym)
}

fn tight(model: PathModel, grid: AlphaGrid) -> PathRequest {
    PathRequest {
        grid,
        tol: 1e-16,
        max_iter: 1_000_000,
        ..PathRequest::new(model)
    }
}

fn run(ds: &Dataset, req: &PathRequest) -> PathResult {
    regularization_path(ds, &all_rows(ds), req, &Progress::new(), &mut |_| {}).unwrap()
}

/// Solve A w = b by Gaussian elimination with partial pivoting (test-only).
pub(crate) fn solve(mut a: Array2<f64>, mut b: Array1<f64>) -> Array1<f64> {
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

/// max_j |x_jᵀy| / n on the hand-standardised data, and its argmax.
fn max_correlation(z: &Array2<f64>, yc: &Array1<f64>) -> (f64, usize) {
    let g = z.t().dot(yc) / z.nrows() as f64;
    let j = (0..g.len())
        .max_by(|&a, &b| g[a].abs().total_cmp(&g[b].abs()))
        .unwrap();
    (g[j].abs(), j)
}

#[test]
fn lasso_grid_starts_at_alpha_max_where_every_coefficient_is_zero() {
    let ds = diabetes();
    let (z, yc) = standardised(&ds);
    let (alpha_max, j_max) = max_correlation(&z, &yc);
    let r = run(
        &ds,
        &tight(
            PathModel::lasso(),
            AlphaGrid::Auto {
                n_alphas: 5,
                eps: 1e-2,
            },
        ),
    );
    assert!(
        (r.alphas[0] / alpha_max - 1.0).abs() < 1e-12,
        "{}",
        r.alphas[0]
    );
    assert!((r.alphas[4] / (alpha_max * 1e-2) - 1.0).abs() < 1e-12);
    assert!(r.coefs[0].iter().all(|&w| w == 0.0), "{:?}", r.coefs[0]);
    assert_eq!(r.n_nonzero[0], 0);

    // Just below α_max exactly one coefficient enters: the most correlated feature's.
    let r = run(
        &ds,
        &tight(
            PathModel::lasso(),
            AlphaGrid::Given(vec![alpha_max * 1.000_001, alpha_max * 0.999]),
        ),
    );
    assert_eq!(r.n_nonzero, vec![0, 1]);
    assert!(r.coefs[1][j_max] != 0.0, "{:?}", r.coefs[1]);
    // 1-D soft threshold on the entering feature (σ = 1 after standardising): (α_max − α).
    let want = (alpha_max - alpha_max * 0.999) * (z.column(j_max).dot(&yc)).signum();
    assert!(
        (r.coefs[1][j_max] - want).abs() < 1e-9,
        "{}",
        r.coefs[1][j_max]
    );
}

#[test]
fn kkt_conditions_hold_along_the_lasso_and_elastic_net_paths() {
    // At the optimum, with g = Xᵀ(y − Xw)/n: g_j − α(1−ρ)w_j = αρ·sign(w_j) where w_j ≠ 0,
    // |g_j| ≤ αρ where w_j = 0. Checked to 1e-6 on diabetes with y scaled to unit variance
    // (so 1e-6 is relative to the data's scale).
    let mut ds = diabetes();
    let y = values(&ds);
    let n = y.len() as f64;
    let ym = y.iter().sum::<f64>() / n;
    let sd = (y.iter().map(|v| (v - ym).powi(2)).sum::<f64>() / n).sqrt();
    ds.target = Target::Values(y.iter().map(|v| v / sd).collect());
    let (z, yc) = standardised(&ds);
    for rho in [1.0, 0.5, 0.1] {
        let r = run(
            &ds,
            &tight(
                PathModel::ElasticNet { l1_ratio: rho },
                AlphaGrid::Auto {
                    n_alphas: 30,
                    eps: 1e-4,
                },
            ),
        );
        assert_eq!(r.coefs.len(), 30);
        assert!(r.converged.iter().all(|&c| c), "ρ {rho}: {:?}", r.n_iter);
        let mut active_seen = 0;
        for i in (0..30).step_by(4) {
            let alpha = r.alphas[i];
            let w = Array1::from(r.coefs[i].clone());
            let g = z.t().dot(&(&yc - &z.dot(&w))) / n;
            for j in 0..w.len() {
                if w[j] != 0.0 {
                    active_seen += 1;
                    let lhs = g[j] - alpha * (1.0 - rho) * w[j];
                    assert!(
                        (lhs - alpha * rho * w[j].signum()).abs() < 1e-6,
                        "ρ {rho} α {alpha} j {j}: {lhs}"
                    );
                } else {
                    assert!(g[j].abs() <= alpha * rho + 1e-6, "ρ {rho} α {alpha} j {j}");
                }
            }
            // b = ȳ since the standardised columns have mean 0
            assert!((r.intercepts[i][0] - ym / sd).abs() < 1e-9);
        }
        assert!(active_seen > 20, "the path reaches dense models");
    }
}

#[test]
fn ridge_path_matches_the_closed_form() {
    // (XᵀX + nαI) w = Xᵀy on centred, standardised data, along the automatic ridge grid
    // (from s/eps down to s·eps with s = 1 after standardising).
    let ds = diabetes();
    let (z, yc) = standardised(&ds);
    let n = z.nrows() as f64;
    let p = z.ncols();
    let r = run(
        &ds,
        &tight(
            PathModel::ridge(),
            AlphaGrid::Auto {
                n_alphas: 13,
                eps: 1e-3,
            },
        ),
    );
    assert!((r.alphas[0] - 1e3).abs() < 1e-9 && (r.alphas[12] - 1e-3).abs() < 1e-15);
    for i in 0..13 {
        let alpha = r.alphas[i];
        let a = z.t().dot(&z) + Array2::<f64>::eye(p) * (n * alpha);
        let want = solve(a, z.t().dot(&yc));
        let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for j in 0..p {
            assert!(
                (r.coefs[i][j] - want[j]).abs() <= 1e-7 * scale,
                "α {alpha} j {j}: {} vs {}",
                r.coefs[i][j],
                want[j]
            );
        }
        assert_eq!(r.n_nonzero[i], p);
    }
}

#[test]
fn path_agrees_with_single_fits_of_linfa() {
    // Unstandardised, uncentred data: the path centres X itself, as fit_elastic_net does
    // around linfa. Compare coefficients and intercepts at several α.
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
    let y = vec![3.1, 4.2, 6.8, 9.9, 10.1, 13.5, 13.9, 18.2];
    let ds = Dataset {
        name: "small".into(),
        feature_names: vec!["a".into(), "b".into(), "c".into()],
        target_name: "y".into(),
        x: x.clone(),
        target: Target::Values(y.clone()),
        source_rows: (0..8).collect(),
        report: BuildReport::default(),
    };
    let alphas = vec![2.0, 0.5, 0.1, 0.01];
    for rho in [1.0, 0.5, 0.0] {
        let req = PathRequest {
            standardize: false,
            ..tight(
                PathModel::ElasticNet { l1_ratio: rho },
                AlphaGrid::Given(alphas.clone()),
            )
        };
        let r = run(&ds, &req);
        for (i, &alpha) in alphas.iter().enumerate() {
            // (linfa's gap never closes for ridge: 20,000 sweeps are plenty on 8 × 3 data)
            let m = fit_elastic_net(
                &ElasticNetParams {
                    alpha,
                    l1_ratio: rho,
                    max_iter: 20_000,
                    tol: 1e-14,
                },
                x.view(),
                Array1::from(y.clone()).view(),
                &Progress::new(),
            )
            .unwrap();
            for j in 0..3 {
                assert!(
                    (r.coefs[i][j] - m.coef()[j]).abs() < 1e-6,
                    "ρ {rho} α {alpha} j {j}: {} vs {}",
                    r.coefs[i][j],
                    m.coef()[j]
                );
            }
            assert!((r.intercepts[i][0] - m.intercept()).abs() < 1e-5);
        }
    }
}

#[test]
fn cross_validation_folds_scores_and_choices() {
    let ds = diabetes();
    let n = ds.n_rows();
    assert_eq!(n, 441); // linfa-datasets drops the first of the 442 published rows
    let req = PathRequest {
        cv_folds: Some(5),
        seed: 3,
        ..tight(
            PathModel::ElasticNet { l1_ratio: 0.5 },
            AlphaGrid::Auto {
                n_alphas: 20,
                eps: 1e-3,
            },
        )
    };
    let r = run(&ds, &req);
    let cv = r.cv.as_ref().unwrap();
    assert_eq!(cv.metric, "mse");
    assert_eq!((cv.n_folds, cv.folds_done), (5, 5));
    // 441 = 5·88 + 1: one fold of 89 held-out rows, four of 88.
    let mut sizes = cv.fold_sizes.clone();
    sizes.sort_unstable();
    assert_eq!(sizes, vec![88, 88, 88, 88, 89]);
    assert_eq!(cv.fold_scores.len(), 20);
    assert!(cv.fold_scores.iter().all(|s| s.len() == 5));

    // The mean is over the folds; alpha_best is its argmin; alpha_1se the largest α within
    // one standard error of the best mean.
    let mean: Vec<f64> = cv
        .fold_scores
        .iter()
        .map(|s| s.iter().sum::<f64>() / 5.0)
        .collect();
    let best = (0..20)
        .min_by(|&a, &b| mean[a].total_cmp(&mean[b]))
        .unwrap();
    assert_eq!(cv.index_best, Some(best));
    assert_eq!(cv.alpha_best, Some(r.alphas[best]));
    let s = &cv.fold_scores[best];
    let sd = (s.iter().map(|v| (v - mean[best]).powi(2)).sum::<f64>() / 4.0).sqrt();
    let one_se = (0..20)
        .find(|&i| mean[i] <= mean[best] + sd / 5f64.sqrt())
        .unwrap();
    assert_eq!(cv.alpha_1se, Some(r.alphas[one_se]));
    assert!(cv.alpha_1se.unwrap() >= cv.alpha_best.unwrap());
    // The prediction error of diabetes is near 3000 (R² ≈ 0.5 on σ² ≈ 5900).
    assert!(mean[best] > 2500.0 && mean[best] < 3500.0, "{}", mean[best]);
    // Shrinking everything (α_max) predicts ȳ_train: the error is about Var(y).
    assert!(mean[0] > 5000.0, "{}", mean[0]);

    // Recompute fold scores at two α independently: the fold's training rows standardised on
    // themselves, fit_elastic_net (linfa), MSE on the held-out rows.
    let fold = fold_of_rows(&ds.target, 5, 3);
    let y = values(&ds);
    for f in [0, 3] {
        let train: Vec<usize> = (0..n).filter(|&i| fold[i] != f).collect();
        let test: Vec<usize> = (0..n).filter(|&i| fold[i] == f).collect();
        let sc = Standardizer::fit(ds.x.view(), &train);
        let zt = sc.transform(ds.x.select(Axis(0), &train).view());
        let zv = sc.transform(ds.x.select(Axis(0), &test).view());
        let yt = Array1::from(train.iter().map(|&i| y[i]).collect::<Vec<_>>());
        for i in [best, 19] {
            let m = fit_elastic_net(
                &ElasticNetParams {
                    alpha: r.alphas[i],
                    l1_ratio: 0.5,
                    max_iter: 1_000_000,
                    tol: 1e-14,
                },
                zt.view(),
                yt.view(),
                &Progress::new(),
            )
            .unwrap();
            let pred = m.predict(zv.view());
            let mse = test
                .iter()
                .zip(pred.iter())
                .map(|(&t, p)| (y[t] - p).powi(2))
                .sum::<f64>()
                / test.len() as f64;
            let got = cv.fold_scores[i][f];
            assert!(
                (got / mse - 1.0).abs() < 1e-8,
                "fold {f} α {i}: {got} vs {mse}"
            );
        }
    }
}

#[test]
fn emit_streams_each_alpha_then_each_fold() {
    let ds = diabetes();
    let mut req = PathRequest::new(PathModel::lasso());
    req.grid = AlphaGrid::Auto {
        n_alphas: 25,
        eps: 1e-3,
    };
    let mut lengths = Vec::new();
    let r = regularization_path(&ds, &all_rows(&ds), &req, &Progress::new(), &mut |r| {
        assert_eq!(r.alphas.len(), 25, "the whole grid is known from the start");
        lengths.push(r.coefs.len());
    })
    .unwrap();
    assert_eq!(lengths, (1..=25).collect::<Vec<_>>());
    assert!(r.is_complete());

    // With CV: 25 path emits and 4 fold emits, interleaved; folds_done grows to 4.
    req.cv_folds = Some(4);
    let mut done = Vec::new();
    let mut count = 0;
    let progress = Progress::new();
    let r = regularization_path(&ds, &all_rows(&ds), &req, &progress, &mut |r| {
        count += 1;
        done.push(r.cv.as_ref().unwrap().folds_done);
    })
    .unwrap();
    assert_eq!(count, 25 + 4);
    assert!(done.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(done.last(), Some(&4));
    assert_eq!(progress.fraction(), Some(1.0));
    assert!(r.path_ms > 0.0 && r.cv_ms > 0.0);
    // JSON: the fields the command line prints
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["alphas"].as_array().unwrap().len(), 25);
    assert!(json["cv"]["alpha_best"].is_f64());
}

#[test]
fn cancelled_progress_stops_promptly() {
    let ds = diabetes();
    // Already cancelled: nothing is emitted.
    let progress = Progress::new();
    progress.cancel();
    let mut emitted = 0;
    let req = PathRequest {
        cv_folds: Some(5),
        ..PathRequest::new(PathModel::lasso())
    };
    let e = regularization_path(&ds, &all_rows(&ds), &req, &progress, &mut |_| emitted += 1)
        .unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert_eq!(emitted, 0);

    // Cancelled from the view after the 3rd α: no 4th emit.
    let progress = Progress::new();
    let mut emitted = 0;
    let e = regularization_path(&ds, &all_rows(&ds), &req, &progress, &mut |_| {
        emitted += 1;
        if emitted == 3 {
            progress.cancel();
        }
    })
    .unwrap_err();
    assert!(matches!(e, Error::Cancelled));
    assert!(emitted <= 3 + 5, "{emitted}"); // fold emits may already be queued
    assert!(emitted >= 3);

    // Cancelled from another thread inside a solve that would run for hours (tol can never
    // be met, a huge sweep budget): it returns within a fraction of a second.
    let progress = Arc::new(Progress::new());
    let slow = PathRequest {
        tol: 1e-300,
        max_iter: ridgeline::estimators::MAX_ITER,
        cv_folds: Some(5),
        ..PathRequest::new(PathModel::ElasticNet { l1_ratio: 0.5 })
    };
    let canceller = {
        let progress = progress.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            progress.cancel();
        })
    };
    let t = Instant::now();
    let e = regularization_path(&ds, &all_rows(&ds), &slow, &progress, &mut |_| {}).unwrap_err();
    let waited = t.elapsed();
    canceller.join().unwrap();
    assert!(matches!(e, Error::Cancelled));
    assert!(waited < Duration::from_secs(2), "{waited:?}");
}

#[test]
fn bad_requests_are_explained() {
    let ds = diabetes();
    let rows = all_rows(&ds);
    let check = |req: PathRequest, want: &str| {
        let e = regularization_path(&ds, &rows, &req, &Progress::new(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{e}");
    };
    check(PathRequest::new(PathModel::Logistic), "needs class labels");
    check(
        PathRequest::new(PathModel::ElasticNet { l1_ratio: 1.5 }),
        "l1_ratio",
    );
    check(
        PathRequest {
            cv_folds: Some(1),
            ..PathRequest::new(PathModel::lasso())
        },
        "at least 2",
    );
    check(
        PathRequest {
            grid: AlphaGrid::Given(vec![1.0, f64::NAN]),
            ..PathRequest::new(PathModel::lasso())
        },
        "finite",
    );
    check(
        PathRequest {
            grid: AlphaGrid::Auto {
                n_alphas: 10,
                eps: 0.0,
            },
            ..PathRequest::new(PathModel::lasso())
        },
        "eps",
    );
    let e = regularization_path(
        &iris(),
        &[0, 1, 2],
        &PathRequest::new(PathModel::lasso()),
        &Progress::new(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("numeric"), "{e}");
}

/// Logistic gradient in the standardised space: Xᵀ(p − y) + αw (binary, class-1 logit).
fn binary_gradient(z: &Array2<f64>, y: &[usize], w: &[f64], b: f64, alpha: f64) -> Vec<f64> {
    let mut g: Vec<f64> = w.iter().map(|wj| alpha * wj).collect();
    for (i, row) in z.rows().into_iter().enumerate() {
        let s: f64 = b + row.iter().zip(w).map(|(a, c)| a * c).sum::<f64>();
        let p = 1.0 / (1.0 + (-s).exp());
        let d = p - if y[i] == 1 { 1.0 } else { 0.0 };
        for j in 0..w.len() {
            g[j] += d * row[j];
        }
    }
    g
}

#[test]
fn logistic_path_is_stationary_and_shrinks_with_alpha() {
    // versicolor vs virginica (not separable): class 1 = virginica.
    let all = iris();
    let Target::Classes { y, .. } = &all.target else {
        unreachable!()
    };
    let rows: Vec<usize> = (0..150).filter(|&i| y[i] >= 1).collect();
    let x = all.x.select(Axis(0), &rows);
    let yb: Vec<usize> = rows.iter().map(|&i| y[i] - 1).collect();
    let ds = Dataset {
        name: "iris2".into(),
        feature_names: all.feature_names.clone(),
        target_name: "species".into(),
        x: x.clone(),
        target: Target::Classes {
            y: yb.clone(),
            names: vec!["versicolor".into(), "virginica".into()],
        },
        source_rows: rows.clone(),
        report: BuildReport::default(),
    };
    let req = PathRequest {
        grid: AlphaGrid::Auto {
            n_alphas: 9,
            eps: 1e-3,
        },
        tol: 1e-8,
        max_iter: 10_000,
        cv_folds: Some(5),
        ..PathRequest::new(PathModel::Logistic)
    };
    let r = run(&ds, &req);
    // C = logspace(-4, 4, 9) → α = 1/C from 1e4 down to 1e-4
    assert!((r.alphas[0] - 1e4).abs() < 1e-8 && (r.alphas[8] - 1e-4).abs() < 1e-16);
    assert_eq!(r.outputs, vec!["virginica"]);
    let z = {
        let mean = x.mean_axis(Axis(0)).unwrap();
        let sd = x.std_axis(Axis(0), 0.0);
        (&x - &mean) / &sd
    };
    let mut norms = Vec::new();
    for i in 0..9 {
        let w = &r.coefs[i];
        assert_eq!(w.len(), 4);
        let g = binary_gradient(&z, &yb, w, r.intercepts[i][0], r.alphas[i]);
        let gn = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!(gn < 1e-4, "α {}: gradient {gn}", r.alphas[i]);
        norms.push(w.iter().map(|v| v * v).sum::<f64>().sqrt());
    }
    // ‖w(α)‖ grows as α falls (an L2 path); at α = 1e4 the model is nearly flat.
    assert!(norms.windows(2).all(|p| p[0] <= p[1] + 1e-9), "{norms:?}");
    assert!(norms[0] < 1e-2 && norms[8] > 5.0, "{norms:?}");
    let cv = r.cv.unwrap();
    assert_eq!(cv.metric, "log_loss");
    // A flat model has log-loss ln 2 on balanced classes; the best is far below.
    assert!((cv.mean[0] - 2f64.ln()).abs() < 0.01, "{}", cv.mean[0]);
    assert!(cv.mean[cv.index_best.unwrap()] < 0.3);
}

#[test]
fn multinomial_logistic_path_has_a_block_per_class() {
    let ds = iris();
    let req = PathRequest {
        grid: AlphaGrid::Given(vec![0.1, 10.0, 1.0]),
        tol: 1e-8,
        max_iter: 10_000,
        ..PathRequest::new(PathModel::Logistic)
    };
    let r = run(&ds, &req);
    assert_eq!(r.alphas, vec![10.0, 1.0, 0.1]);
    assert_eq!(r.outputs, vec!["setosa", "versicolor", "virginica"]);
    for i in 0..3 {
        assert_eq!(r.coefs[i].len(), 12);
        assert_eq!(r.intercepts[i].len(), 3);
        // Softmax with an L2 penalty: the class coefficients sum to 0 per feature.
        for j in 0..4 {
            let s: f64 = (0..3).map(|c| r.coef(i, c).unwrap()[j]).sum();
            assert!(s.abs() < 1e-3, "α {} feature {j}: {s}", r.alphas[i]);
        }
    }
    // petal length (feature 2) pushes towards virginica and away from setosa
    assert!(r.coef(2, 2).unwrap()[2] > 0.0 && r.coef(2, 0).unwrap()[2] < 0.0);
}

#[test]
fn called_from_a_one_thread_rayon_pool_the_folds_still_run() {
    // The caller is the pool's only worker: waiting on the folds must run them there rather
    // than block (a deadlock otherwise). The result is the same as from an ordinary thread.
    let ds = diabetes();
    let req = PathRequest {
        cv_folds: Some(3),
        grid: AlphaGrid::Auto {
            n_alphas: 10,
            eps: 1e-3,
        },
        ..PathRequest::new(PathModel::ElasticNet { l1_ratio: 0.7 })
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut emits = 0;
    let inside = pool.install(|| {
        regularization_path(&ds, &all_rows(&ds), &req, &Progress::new(), &mut |_| {
            emits += 1
        })
        .unwrap()
    });
    let outside = run(&ds, &req);
    assert_eq!(emits, 10 + 3);
    assert_eq!(inside.coefs, outside.coefs);
    let (a, b) = (inside.cv.unwrap(), outside.cv.unwrap());
    assert_eq!(a.fold_scores, b.fold_scores);
    assert_eq!(a.folds_done, 3);
}

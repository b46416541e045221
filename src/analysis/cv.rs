//! k-fold cross-validation with a 95 % confidence interval of the mean score.
//!
//! Folds are shuffled with a seed and, for classes, stratified (linfa's `fold` and
//! `cross_validate` never shuffle: on iris, sorted by class, that puts one class per fold).
//! The interval is mean ± t₀.₉₇₅,ₖ₋₁ · s / √k over the k fold scores. "A beats B" when A's
//! upper bound is below B's lower bound (for an error) — the rule the path view shows.

use ndarray::Axis;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::analysis::metrics;
use crate::data::prep;
use crate::data::{Dataset, Target};
use crate::estimators::{self, Error, ModelSpec, TargetView};
use crate::progress::Progress;

/// The score of each fold, their mean and its 95 % confidence interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CvSummary {
    /// `accuracy` for classifiers, `r2` for regression, `explained_variance_ratio` for PCA.
    pub metric: &'static str,
    pub folds: Vec<f64>,
    pub mean: f64,
    pub ci95: [f64; 2],
}

/// The mean of `scores` and its two-sided 95 % Student-t interval.
pub fn mean_ci95(scores: &[f64]) -> (f64, [f64; 2]) {
    let k = scores.len();
    if k == 0 {
        return (f64::NAN, [f64::NAN, f64::NAN]);
    }
    let mean = scores.iter().sum::<f64>() / k as f64;
    if k < 2 {
        return (mean, [mean, mean]);
    }
    let var = scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
    let half = t975(k - 1) * (var / k as f64).sqrt();
    (mean, [mean - half, mean + half])
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (NaN for df = 0).
pub fn t975(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|d| d.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// R² compares a fold's errors with its own spread: on one row there is none, and R² is not
/// defined (scikit-learn returns NaN). With `n` rows dealt into `k` folds the smallest fold
/// holds ⌊n/k⌋ rows: for R² that must be at least 2, else the folds are refused (rather than
/// scored 0, which reads as "no better than the mean").
pub fn check_fold_sizes(n: usize, k: usize, metric: &str) -> Result<(), Error> {
    if metric != "r2" || k == 0 || n / k >= 2 {
        return Ok(());
    }
    Err(Error::Param(if n >= 4 {
        format!(
            "R² is not defined on a held-out fold of one row: {k} folds of {n} rows leave some \
             folds with a single row; use at most {} folds",
            n / 2
        )
    } else {
        format!(
            "R² is not defined on a held-out fold of one row: {n} rows are too few to \
             cross-validate R² (2 folds of 2 rows need 4)"
        )
    }))
}

/// Assign each of `n` rows to one of `k` folds: shuffled with `seed`, and for classes dealt
/// class by class so each fold holds each class's share.
pub fn fold_of_rows(target: &Target, k: usize, seed: u64) -> Vec<usize> {
    let n = target.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    if let Target::Classes { y, .. } = target {
        // Stable sort by class keeps the shuffle within each class.
        order.sort_by_key(|&i| y[i]);
    }
    let mut fold = vec![0; n];
    for (pos, &i) in order.iter().enumerate() {
        fold[i] = pos % k;
    }
    fold
}

/// Cross-validate `spec` on `rows` of the dataset (standardising inside each fold when asked).
pub fn cross_validate(
    ds: &Dataset,
    spec: &ModelSpec,
    k: usize,
    seed: u64,
    standardize: bool,
    progress: &Progress,
) -> Result<CvSummary, Error> {
    let n = ds.n_rows();
    if k < 2 || k > n {
        return Err(Error::Param(format!(
            "cv folds must be between 2 and the number of rows ({n}), got {k}"
        )));
    }
    let metric = match (&ds.target, spec.kind) {
        (_, estimators::ModelKind::Pca) => "explained_variance_ratio",
        (Target::Classes { .. }, _) => "accuracy",
        (Target::Values(_), _) => "r2",
    };
    check_fold_sizes(n, k, metric)?;
    let fold = fold_of_rows(&ds.target, k, seed);
    // Unstandardised, every fold uses the data as it is: the range check of the raw values
    // (over every row) is made once, and the folds' rows are only selected, not transformed
    // (on 100,000 × 50 the check per fold and two copies per fold for the identity were a
    // third of the cross-validation).
    if !standardize {
        prep::check_raw_magnitude(ds.x.view(), &ds.feature_names)?;
    }
    // The folds are independent: they run in parallel on rayon's pool (2 threads here), each
    // with its own progress (sharing the cancel flag). The scores come back in fold order, so
    // the result is the same as one fold after the other.
    let one_fold = |f: usize| -> Result<f64, Error> {
        let progress = &progress.child();
        progress.check()?;
        let train: Vec<usize> = (0..n).filter(|&i| fold[i] != f).collect();
        let test: Vec<usize> = (0..n).filter(|&i| fold[i] == f).collect();
        let (z_train, z_test) = if !standardize {
            (ds.x.select(Axis(0), &train), ds.x.select(Axis(0), &test))
        } else {
            let scaler = prep::scaler_for(ds.x.view(), &train, true, &ds.feature_names)?;
            (
                scaler.transform(ds.x.select(Axis(0), &train).view()),
                scaler.transform(ds.x.select(Axis(0), &test).view()),
            )
        };
        let score = match &ds.target {
            Target::Classes { y, names } => {
                let yt: Vec<usize> = train.iter().map(|&i| y[i]).collect();
                let fitted = estimators::fit(
                    spec,
                    z_train.view(),
                    TargetView::Classes {
                        y: ndarray::ArrayView1::from(&yt[..]),
                        n_classes: names.len(),
                    },
                    progress,
                )?;
                match fitted.predict_classes(z_test.view()) {
                    Some(pred) => {
                        let truth: Vec<usize> = test.iter().map(|&i| y[i]).collect();
                        metrics::accuracy(&truth, &pred)
                    }
                    None => pca_score(&fitted),
                }
            }
            Target::Values(v) => {
                let yt: Vec<f64> = train.iter().map(|&i| v[i]).collect();
                let fitted = estimators::fit(
                    spec,
                    z_train.view(),
                    TargetView::Values(ndarray::ArrayView1::from(&yt[..])),
                    progress,
                )?;
                match fitted.predict_values(z_test.view()) {
                    Some(pred) => {
                        let truth: Vec<f64> = test.iter().map(|&i| v[i]).collect();
                        metrics::r2(&truth, &pred.to_vec())
                    }
                    None => pca_score(&fitted),
                }
            }
        };
        Ok(score)
    };
    let scores = (0..k)
        .into_par_iter()
        .map(one_fold)
        .collect::<Result<Vec<f64>, Error>>()?;
    let (mean, ci95) = mean_ci95(&scores);
    Ok(CvSummary {
        metric,
        folds: scores,
        mean,
        ci95,
    })
}

fn pca_score(fitted: &estimators::Fitted) -> f64 {
    match fitted {
        estimators::Fitted::Pca(m) => m.explained_variance_ratio().sum(),
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_of_known_scores() {
        // scores 1..=5: mean 3, s² = 2.5, s/√5 = 0.7071; t(0.975, 4) = 2.776445 (table value).
        let (mean, [lo, hi]) = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mean, 3.0);
        let half = 2.776_445 * (2.5f64 / 5.0).sqrt();
        assert!((hi - 3.0 - half).abs() < 1e-5, "{hi}");
        assert!((3.0 - lo - half).abs() < 1e-5, "{lo}");
    }

    #[test]
    fn folds_are_stratified_and_cover_every_row_once() {
        let y: Vec<usize> = (0..30).map(|i| i / 10).collect(); // sorted: 10 of each class
        let t = Target::Classes {
            y: y.clone(),
            names: vec!["a".into(), "b".into(), "c".into()],
        };
        let fold = fold_of_rows(&t, 5, 0);
        for f in 0..5 {
            for c in 0..3 {
                let count = (0..30).filter(|&i| fold[i] == f && y[i] == c).count();
                assert_eq!(count, 2, "fold {f} class {c}");
            }
        }
    }
}

//! What the curves, the bias–variance decomposition and the comparison share: the data they
//! run on (the features and rows the live view fits on), the score and the error of a fit,
//! and one fit scored on several sets of rows. No egui here.
//!
//! A fit here is exactly [`crate::analysis::cv::cross_validate`]'s: the scaler is fitted on
//! the training rows only (or is the identity), the estimator on those rows in z-scores, and
//! the model is scored on each set of rows standardised with the same scaler.

use ndarray::{ArrayView1, Axis};
use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::live::{self, LiveRequest};
use crate::analysis::metrics;
use crate::data::prep::{self, Split};
use crate::data::{Dataset, Target};
use crate::estimators::{self, Error, Fitted, ModelKind, ModelSpec};
use crate::progress::Progress;

/// How the folds of a cross-validation are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CvSettings {
    /// Number of folds k, `2..=n`.
    pub folds: usize,
    /// Seed of the shuffle ([`crate::analysis::cv::fold_of_rows`]).
    pub seed: u64,
    /// z-score the features with each training part's mean and σ.
    pub standardize: bool,
}

impl Default for CvSettings {
    fn default() -> Self {
        Self {
            folds: 5,
            seed: 0,
            standardize: true,
        }
    }
}

impl CvSettings {
    /// `2 <= k <= n` (the message of `cross_validate`).
    pub fn check(&self, n: usize) -> Result<(), Error> {
        if self.folds < 2 || self.folds > n {
            return Err(Error::Param(format!(
                "cv folds must be between 2 and the number of rows ({n}), got {}",
                self.folds
            )));
        }
        Ok(())
    }

    /// [`Self::check`], and held-out folds large enough for the score of `kind` on `ds`
    /// ([`crate::analysis::cv::check_fold_sizes`]).
    pub fn check_for(&self, ds: &Dataset, kind: ModelKind) -> Result<(), Error> {
        let n = ds.n_rows();
        self.check(n)?;
        crate::analysis::cv::check_fold_sizes(n, self.folds, Scoring::of(ds, kind).metric())
    }
}

/// The dataset restricted to `rows` (in that order) and `features` (in that order).
pub fn subset(ds: &Dataset, rows: &[usize], features: &[usize]) -> Dataset {
    let x = ds.x.select(Axis(0), rows).select(Axis(1), features);
    let target = match &ds.target {
        Target::Classes { y, names } => Target::Classes {
            y: rows.iter().map(|&i| y[i]).collect(),
            names: names.clone(),
        },
        Target::Values(v) => Target::Values(rows.iter().map(|&i| v[i]).collect()),
    };
    Dataset {
        name: ds.name.clone(),
        feature_names: features
            .iter()
            .map(|&j| ds.feature_names[j].clone())
            .collect(),
        target_name: ds.target_name.clone(),
        x,
        target,
        source_rows: rows.iter().map(|&i| ds.source_rows[i]).collect(),
        report: ds.report.clone(),
    }
}

/// The rows and features the live view fits on ([`live::design`]: the shown pair or every
/// feature; the training rows, or a seeded sample of them for a large SVM), as a dataset of
/// their own, unscaled (each fold standardises with its own training part).
pub fn live_subset(ds: &Dataset, split: &Split, req: &LiveRequest) -> Result<Dataset, Error> {
    let d = live::design(ds, split, req)?;
    Ok(subset(ds, &d.fit_rows, &d.features))
}

/// What a fit is scored with, and its error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// Classes: accuracy; error 1 − accuracy.
    Accuracy,
    /// Regression: R²; error the MSE.
    R2,
    /// PCA: the share of the rows' variance (about the training mean) the components keep;
    /// error the share they lose.
    ExplainedVariance,
}

impl Scoring {
    /// The score of `kind` on `ds`'s target.
    pub fn of(ds: &Dataset, kind: ModelKind) -> Scoring {
        match (kind, &ds.target) {
            (ModelKind::Pca, _) => Scoring::ExplainedVariance,
            (_, Target::Classes { .. }) => Scoring::Accuracy,
            (_, Target::Values(_)) => Scoring::R2,
        }
    }

    /// The score's name, as `cross_validate` names it.
    pub fn metric(self) -> &'static str {
        match self {
            Scoring::Accuracy => "accuracy",
            Scoring::R2 => "r2",
            Scoring::ExplainedVariance => "explained_variance_ratio",
        }
    }

    /// The error's name.
    pub fn error_metric(self) -> &'static str {
        match self {
            Scoring::Accuracy => "1 - accuracy",
            Scoring::R2 => "mse",
            Scoring::ExplainedVariance => "1 - explained_variance_ratio",
        }
    }
}

/// A score and its error on one set of rows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Eval {
    pub score: f64,
    pub error: f64,
}

impl Eval {
    pub const NAN: Eval = Eval {
        score: f64::NAN,
        error: f64::NAN,
    };
}

/// The training rows and the held-out rows of fold `f` (each in ascending order).
pub fn fold_rows(fold: &[usize], f: usize) -> (Vec<usize>, Vec<usize>) {
    let train = (0..fold.len()).filter(|&i| fold[i] != f).collect();
    let test = (0..fold.len()).filter(|&i| fold[i] == f).collect();
    (train, test)
}

/// The scaler fitted on `train` rows (or the identity) and `spec` fitted on those rows in its
/// space.
pub(crate) fn fit_scaled(
    ds: &Dataset,
    spec: &ModelSpec,
    train: &[usize],
    standardize: bool,
    progress: &Progress,
) -> Result<(prep::Standardizer, Fitted), Error> {
    progress.check()?;
    let scaler = prep::scaler_for(ds.x.view(), train, standardize, &ds.feature_names)?;
    let z_train = scaler.transform(ds.x.select(Axis(0), train).view());
    let target = live::Design::target_of(ds, train);
    let fitted = estimators::fit(spec, z_train.view(), target.view(), progress)?;
    Ok((scaler, fitted))
}

/// Fit `spec` on `train` rows of `ds` (the scaler fitted on them when `standardize`) and score
/// the model on each set of rows in `evals`. `progress` is passed to the estimator (which sets
/// its counters: pass a [`Progress::child`] of a job's progress).
pub fn fit_and_evaluate(
    ds: &Dataset,
    spec: &ModelSpec,
    train: &[usize],
    evals: &[&[usize]],
    standardize: bool,
    progress: &Progress,
) -> Result<Vec<Eval>, Error> {
    let (scaler, fitted) = fit_scaled(ds, spec, train, standardize, progress)?;
    Ok(evals
        .iter()
        .map(|rows| {
            let z = scaler.transform(ds.x.select(Axis(0), rows).view());
            evaluate(&fitted, ds, rows, z.view())
        })
        .collect())
}

/// Predictions of a regression model fitted on `train` rows, at `at` rows (standardised as in
/// [`fit_and_evaluate`]).
pub fn fit_and_predict_values(
    ds: &Dataset,
    spec: &ModelSpec,
    train: &[usize],
    at: &[usize],
    standardize: bool,
    progress: &Progress,
) -> Result<Vec<f64>, Error> {
    let (scaler, fitted) = fit_scaled(ds, spec, train, standardize, progress)?;
    let z = scaler.transform(ds.x.select(Axis(0), at).view());
    fitted
        .predict_values(z.view())
        .map(|p| p.to_vec())
        .ok_or_else(|| Error::Data(format!("{} does not predict values", spec.kind.label())))
}

/// The k-fold cross-validation of one configuration, fold by fold: the window's "CV of this
/// model". Scores as [`Scoring`]; the interval is the mean's 95 % Student-t interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CvRun {
    pub metric: &'static str,
    /// Folds asked for.
    pub k: usize,
    /// Score of each finished fold: on its training part, and on its held-out rows.
    pub train: Vec<f64>,
    pub cv: Vec<f64>,
    /// Over the finished folds (NaN bounds below 2 folds).
    pub cv_mean: f64,
    pub cv_ci95: [f64; 2],
    pub train_mean: f64,
    pub done: bool,
}

/// Cross-validate `spec` on `ds` with the seeded folds of `cv`, one fold after the other;
/// `emit` receives the run after each fold.
pub fn cross_validate_run(
    ds: &Dataset,
    spec: &ModelSpec,
    cv: &CvSettings,
    progress: &Progress,
    emit: &mut dyn FnMut(&CvRun),
) -> Result<CvRun, Error> {
    cv.check(ds.n_rows())?;
    spec.validate()?;
    let fold = crate::analysis::cv::fold_of_rows(&ds.target, cv.folds, cv.seed);
    let mut run = CvRun {
        metric: Scoring::of(ds, spec.kind).metric(),
        k: cv.folds,
        train: Vec::with_capacity(cv.folds),
        cv: Vec::with_capacity(cv.folds),
        cv_mean: f64::NAN,
        cv_ci95: [f64::NAN; 2],
        train_mean: f64::NAN,
        done: false,
    };
    progress.set_total(cv.folds as u64);
    progress.set(0);
    // Folds run in parallel, as many at a time as rayon has threads (2 here); each batch is
    // emitted in fold order when it is done, so `emit` still sees 1, 2, … folds and the result
    // is the same as one fold after the other.
    let batch = rayon::current_num_threads().max(1);
    let folds: Vec<usize> = (0..cv.folds).collect();
    for chunk in folds.chunks(batch) {
        progress.check()?;
        let evals = chunk
            .par_iter()
            .map(|&f| {
                let (train, test) = fold_rows(&fold, f);
                fit_and_evaluate(
                    ds,
                    spec,
                    &train,
                    &[&train, &test],
                    cv.standardize,
                    &progress.child(),
                )
            })
            .collect::<Result<Vec<_>, Error>>()?;
        for e in evals {
            run.train.push(e[0].score);
            run.cv.push(e[1].score);
            let (mean, ci) = crate::analysis::cv::mean_ci95(&run.cv);
            run.cv_mean = mean;
            run.cv_ci95 = ci;
            run.train_mean = run.train.iter().sum::<f64>() / run.train.len() as f64;
            progress.add(1);
            emit(&run);
        }
    }
    run.done = true;
    Ok(run)
}

fn evaluate(fitted: &Fitted, ds: &Dataset, rows: &[usize], z: ndarray::ArrayView2<f64>) -> Eval {
    if let Fitted::Pca(m) = fitted {
        return pca_eval(m, z);
    }
    match &ds.target {
        Target::Classes { y, .. } => match fitted.predict_classes(z) {
            Some(pred) => {
                let truth: Vec<usize> = rows.iter().map(|&i| y[i]).collect();
                let acc = metrics::accuracy(&truth, &pred);
                Eval {
                    score: acc,
                    error: 1.0 - acc,
                }
            }
            None => Eval::NAN,
        },
        Target::Values(v) => match fitted.predict_values(z) {
            Some(pred) => {
                let truth: Vec<f64> = rows.iter().map(|&i| v[i]).collect();
                let pred = pred.to_vec();
                Eval {
                    score: metrics::r2(&truth, &pred),
                    error: metrics::mse(&truth, &pred),
                }
            }
            None => Eval::NAN,
        },
    }
}

/// Share of the rows' squared distance to the training mean that the components keep:
/// Σ‖W(z − μ)‖² / Σ‖z − μ‖² (the rows of W are orthonormal). On the training rows this is the
/// model's total explained variance ratio; on held-out rows it is its honest counterpart.
fn pca_eval(m: &estimators::pca::PcaModel, z: ndarray::ArrayView2<f64>) -> Eval {
    let mean: ArrayView1<f64> = m.mean().view();
    let c = &z - &mean;
    let total: f64 = c.iter().map(|v| v * v).sum();
    let kept: f64 = c.dot(&m.components().t()).iter().map(|v| v * v).sum();
    let score = if total > 0.0 { kept / total } else { f64::NAN };
    Eval {
        score,
        error: 1.0 - score,
    }
}

/// Is this error one to report as a gap in a curve (a solver that failed at one setting) rather
/// than to stop the whole computation?
pub(crate) fn is_local(e: &Error) -> bool {
    matches!(e, Error::Solver(_))
}

/// A band over a curve's x values: the mean of the fold scores at each x and its 95 %
/// Student-t interval ([`crate::analysis::cv::mean_ci95`]), and the fold scores themselves.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Band {
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    /// `folds[i][f]`: the score of fold `f` at the i-th x.
    pub folds: Vec<Vec<f64>>,
}

impl Band {
    /// Add the next x's fold scores.
    pub fn push(&mut self, scores: Vec<f64>) {
        let (mean, [lo, hi]) = crate::analysis::cv::mean_ci95(&scores);
        self.mean.push(mean);
        self.lo.push(lo);
        self.hi.push(hi);
        self.folds.push(scores);
    }

    pub fn len(&self) -> usize {
        self.mean.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mean.is_empty()
    }
}

/// Train and held-out score and error bands of a curve, filled x by x.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Bands {
    pub train: Band,
    pub cv: Band,
    pub train_error: Band,
    pub cv_error: Band,
}

impl Bands {
    /// Add one x from the `(train, held-out)` evaluations of each fold.
    pub fn push(&mut self, per_fold: &[(Eval, Eval)]) {
        self.train
            .push(per_fold.iter().map(|p| p.0.score).collect());
        self.cv.push(per_fold.iter().map(|p| p.1.score).collect());
        self.train_error
            .push(per_fold.iter().map(|p| p.0.error).collect());
        self.cv_error
            .push(per_fold.iter().map(|p| p.1.error).collect());
    }
}

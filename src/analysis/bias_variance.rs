//! The bias–variance decomposition of a regression model's test error, by the bootstrap.
//! No egui here.
//!
//! The test rows are held fixed. The training rows are resampled with replacement B times
//! (seeded); the model (standardisation included, fitted on each resample) is fitted on each
//! resample and predicts every test row. With ŷ_b(x) the prediction of fit b and
//! ȳ(x) = (1/B) Σ_b ŷ_b(x) their mean, over the T test rows:
//!
//! - bias² = (1/T) Σ_x (ȳ(x) − y(x))²
//! - variance = (1/T) Σ_x (1/B) Σ_b (ŷ_b(x) − ȳ(x))² (divisor B, not B − 1: the spread of these
//!   B fits, which makes the identity below exact)
//! - measured MSE = (1/T) Σ_x (1/B) Σ_b (ŷ_b(x) − y(x))²
//!
//! and MSE = bias² + variance exactly (expand (ŷ_b − y) = (ŷ_b − ȳ) + (ȳ − y); the cross term
//! sums to zero over b). The truth here is the observed y, not the unknown noise-free f(x): the
//! irreducible noise σ² of y about f(x) is therefore *inside* bias² (bias² here is the squared
//! bias about f plus the noise, on average), and there is no separate noise term.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::folds;
use crate::data::prep::Split;
use crate::data::{Dataset, Target};
use crate::estimators::{Error, ModelKind, ModelSpec};
use crate::progress::Progress;

/// How the bootstrap is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BootstrapSettings {
    /// Number of resamples B, ≥ 1.
    pub boots: usize,
    pub seed: u64,
    /// z-score the features with each resample's mean and σ.
    pub standardize: bool,
}

impl Default for BootstrapSettings {
    fn default() -> Self {
        Self {
            boots: 50,
            seed: 0,
            standardize: true,
        }
    }
}

/// One decomposition (at one α).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BiasVariance {
    /// The elastic net's α the models were fitted with.
    pub alpha: f64,
    /// (1/T) Σ_x (ȳ(x) − y(x))²: squared bias, with the noise of y inside it.
    pub bias2: f64,
    /// (1/T) Σ_x (1/B) Σ_b (ŷ_b(x) − ȳ(x))².
    pub variance: f64,
    /// The test MSE averaged over the B fits; equals `bias2 + variance`.
    pub mse: f64,
    pub boots: usize,
    pub n_train: usize,
    pub n_test: usize,
}

/// The B bootstrap resamples of `train`: each `train.len()` rows drawn with replacement, in
/// draw order, from one seeded stream (the same resamples for every α).
pub fn bootstrap_samples(train: &[usize], boots: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = train.len();
    (0..boots)
        .map(|_| (0..n).map(|_| train[rng.gen_range(0..n)]).collect())
        .collect()
}

/// bias², variance and MSE of `predictions` (`B` rows of one prediction per test row) against
/// the test targets `truth` (see the module's formulas).
pub fn decompose_predictions(predictions: &[Vec<f64>], truth: &[f64]) -> (f64, f64, f64) {
    let b = predictions.len() as f64;
    let t = truth.len() as f64;
    let (mut bias2, mut variance, mut mse) = (0.0, 0.0, 0.0);
    for (x, &y) in truth.iter().enumerate() {
        let mean = predictions.iter().map(|p| p[x]).sum::<f64>() / b;
        bias2 += (mean - y).powi(2);
        variance += predictions
            .iter()
            .map(|p| (p[x] - mean).powi(2))
            .sum::<f64>()
            / b;
        mse += predictions.iter().map(|p| (p[x] - y).powi(2)).sum::<f64>() / b;
    }
    (bias2 / t, variance / t, mse / t)
}

fn check(ds: &Dataset, split: &Split, spec: &ModelSpec, boots: usize) -> Result<Vec<f64>, Error> {
    if spec.kind != ModelKind::ElasticNet {
        return Err(Error::Param(format!(
            "the bias–variance decomposition is for regression (elastic net, ridge, lasso), \
             not {}",
            spec.kind.label()
        )));
    }
    let Target::Values(v) = &ds.target else {
        return Err(Error::Data(
            "the bias–variance decomposition needs a numeric (regression) target".into(),
        ));
    };
    if boots == 0 {
        return Err(Error::Param(
            "the number of bootstrap resamples must be at least 1".into(),
        ));
    }
    if split.test.is_empty() {
        return Err(Error::Data(
            "the bias–variance decomposition needs test rows: raise the test share".into(),
        ));
    }
    if split.train.len() < 2 {
        return Err(Error::Data(
            "fewer than 2 training rows: lower the test share".into(),
        ));
    }
    spec.validate()?;
    Ok(split.test.iter().map(|&i| v[i]).collect())
}

/// Fit on every resample (in parallel, results in order) and decompose the test error.
fn run(
    ds: &Dataset,
    split: &Split,
    spec: &ModelSpec,
    samples: &[Vec<usize>],
    truth: &[f64],
    standardize: bool,
    progress: &Progress,
) -> Result<BiasVariance, Error> {
    let predictions: Vec<Vec<f64>> = samples
        .par_iter()
        .map(|sample| {
            let p = folds::fit_and_predict_values(
                ds,
                spec,
                sample,
                &split.test,
                standardize,
                &progress.child(),
            );
            progress.add(1);
            p
        })
        .collect::<Result<_, _>>()?;
    progress.check()?;
    let (bias2, variance, mse) = decompose_predictions(&predictions, truth);
    Ok(BiasVariance {
        alpha: spec.elastic_net.alpha,
        bias2,
        variance,
        mse,
        boots: samples.len(),
        n_train: split.train.len(),
        n_test: split.test.len(),
    })
}

/// Decompose the test error of `spec` (an elastic net) trained on `split.train` and tested on
/// `split.test`, over `settings.boots` bootstrap resamples.
pub fn decompose(
    ds: &Dataset,
    split: &Split,
    spec: &ModelSpec,
    settings: &BootstrapSettings,
    progress: &Progress,
) -> Result<BiasVariance, Error> {
    let truth = check(ds, split, spec, settings.boots)?;
    let samples = bootstrap_samples(&split.train, settings.boots, settings.seed);
    progress.set_total(settings.boots as u64);
    progress.set(0);
    run(
        ds,
        split,
        spec,
        &samples,
        &truth,
        settings.standardize,
        progress,
    )
}

/// One decomposition per α, in the order given; partial (`done == false`) while computed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BiasVarianceCurve {
    pub alphas: Vec<f64>,
    pub bias2: Vec<f64>,
    pub variance: Vec<f64>,
    /// bias² + variance.
    pub sum: Vec<f64>,
    /// The measured test MSE (equal to `sum` up to rounding).
    pub mse: Vec<f64>,
    pub boots: usize,
    pub n_train: usize,
    pub n_test: usize,
    pub done: bool,
}

/// The default α grid: half-decades from 10⁻³ to 10².
pub fn default_alphas() -> Vec<f64> {
    crate::analysis::curves::log_grid(-3.0, 2.0, 11)
}

/// [`decompose`] at each α of `alphas` (the elastic net's other parameters from `spec`), the
/// same resamples for every α; `emit` receives the curve after each α.
pub fn bias_variance_curve(
    ds: &Dataset,
    split: &Split,
    spec: &ModelSpec,
    alphas: &[f64],
    settings: &BootstrapSettings,
    progress: &Progress,
    emit: &mut dyn FnMut(&BiasVarianceCurve),
) -> Result<BiasVarianceCurve, Error> {
    let truth = check(ds, split, spec, settings.boots)?;
    if alphas.is_empty() {
        return Err(Error::Param("give at least one alpha".into()));
    }
    let specs = alphas
        .iter()
        .map(|&a| {
            let mut s = spec.clone();
            s.elastic_net.alpha = a;
            s.validate().map(|()| s)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let samples = bootstrap_samples(&split.train, settings.boots, settings.seed);
    progress.set_total((settings.boots * alphas.len()) as u64);
    progress.set(0);
    let mut curve = BiasVarianceCurve {
        boots: settings.boots,
        n_train: split.train.len(),
        n_test: split.test.len(),
        ..Default::default()
    };
    for s in &specs {
        progress.check()?;
        let d = run(
            ds,
            split,
            s,
            &samples,
            &truth,
            settings.standardize,
            progress,
        )?;
        curve.alphas.push(d.alpha);
        curve.bias2.push(d.bias2);
        curve.variance.push(d.variance);
        curve.sum.push(d.bias2 + d.variance);
        curve.mse.push(d.mse);
        emit(&curve);
    }
    curve.done = true;
    Ok(curve)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decomposition_of_given_predictions_by_hand() {
        // Two fits, two test points with y = 0 and 1.
        // point 0: predictions 1, 3 → mean 2, bias² 4, variance 1, mse (1 + 9)/2 = 5.
        // point 1: predictions 1, 1 → mean 1, bias² 0, variance 0, mse 0.
        let (b2, var, mse) = decompose_predictions(&[vec![1.0, 1.0], vec![3.0, 1.0]], &[0.0, 1.0]);
        assert_eq!((b2, var, mse), (2.0, 0.5, 2.5));
    }

    #[test]
    fn bootstrap_samples_are_seeded_draws_from_the_training_rows() {
        let train = [3, 5, 8, 13];
        let s = bootstrap_samples(&train, 20, 1);
        assert_eq!(s.len(), 20);
        assert!(
            s.iter()
                .all(|b| b.len() == 4 && b.iter().all(|i| train.contains(i)))
        );
        assert_eq!(s, bootstrap_samples(&train, 20, 1));
        assert_ne!(s, bootstrap_samples(&train, 20, 2));
        // With replacement: some resample repeats a row.
        assert!(s.iter().any(|b| {
            let mut u = b.clone();
            u.sort_unstable();
            u.dedup();
            u.len() < 4
        }));
    }
}

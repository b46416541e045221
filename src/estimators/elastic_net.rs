//! Elastic net (lasso, ridge) regression on linfa-elasticnet's coordinate descent.
//!
//! The objective is scikit-learn's, which linfa's equals term for term (LINFA_NOTES table):
//!
//! ```text
//! 1/(2n) ‖y - Xw - b‖² + α·ρ‖w‖₁ + α(1-ρ)/2 ‖w‖²      α = alpha (linfa: penalty), ρ = l1_ratio
//! ```
//!
//! The fit ([`fit_elastic_net`]) runs linfa's (and scikit-learn's) cyclic coordinate descent
//! in [`super::enet_cd`] rather than linfa-elasticnet's `fit`, which is kept as a cross-check
//! ([`fit_elastic_net_linfa`]). Defects of linfa 0.8.1 this avoids, each also marked where it
//! is worked around:
//! - linfa's intercept is wrong unless X is centred (it centres y only; y = 3x + 100 gives
//!   w = 0.11): X and y are centred here, and b = ȳ − x̄·w.
//! - linfa's stopping test is `gap < tol·‖y_c‖²`, which can never hold for a constant y
//!   (‖y_c‖ = 0, gap = 0): it then spins through all `max_iter` sweeps. Ours is `gap ≤ …`,
//!   met at once there.
//! - linfa accepts l1_ratio = 0 (pure ridge), but its duality gap for ρ = 0 is the objective
//!   itself and never meets `tol`: every ridge fit ran to `max_iter`. Ours also takes the ridge
//!   dual's gap, 0 at the solution.
//! - linfa's duality gap is on the scale of n × the objective above; ours is on the
//!   objective's scale (as scikit-learn's `dual_gap_`).
//! - linfa's fit cannot be interrupted, and computes parameter variances by inverting XᵀX
//!   after every fit (storing the error in the model when that fails, still returning `Ok`).

use linfa::prelude::*;
use linfa_elasticnet::ElasticNetParams as LinfaElasticNet;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::Error;
use super::enet_cd::{EnData, dot};
use crate::progress::Progress;

/// Elastic net parameters (scikit-learn names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElasticNetParams {
    /// Overall penalty α ≥ 0 (linfa's `penalty`).
    pub alpha: f64,
    /// Share of the L1 penalty ρ ∈ [0, 1]: 1 = lasso, 0 = ridge.
    pub l1_ratio: f64,
    /// Maximum number of coordinate-descent sweeps, ≥ 1.
    pub max_iter: u32,
    /// Stopping tolerance on the duality gap, relative to ‖y - ȳ‖² (as scikit-learn), > 0.
    pub tol: f64,
}

impl Default for ElasticNetParams {
    fn default() -> Self {
        Self {
            alpha: 1.0,
            l1_ratio: 0.5,
            max_iter: 1000,
            tol: 1e-4,
        }
    }
}

impl ElasticNetParams {
    /// Lasso: l1_ratio = 1.
    pub fn lasso(alpha: f64) -> Self {
        Self {
            alpha,
            l1_ratio: 1.0,
            ..Self::default()
        }
    }

    /// Ridge: l1_ratio = 0 (objective 1/(2n)‖y - Xw - b‖² + α/2‖w‖²).
    pub fn ridge(alpha: f64) -> Self {
        Self {
            alpha,
            l1_ratio: 0.0,
            ..Self::default()
        }
    }

    pub fn validate(&self) -> Result<(), Error> {
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(Error::Param(format!(
                "alpha must be a finite number >= 0, got {}",
                crate::error::Num(self.alpha)
            )));
        }
        if !(0.0..=1.0).contains(&self.l1_ratio) {
            return Err(Error::Param(format!(
                "l1_ratio must be between 0 and 1, got {}",
                crate::error::Num(self.l1_ratio)
            )));
        }
        super::check_max_iter(u64::from(self.max_iter))?;
        super::check_tol(self.tol)
    }
}

/// A fitted elastic net: plain data, predicting with our own arithmetic.
#[derive(Clone, Debug, PartialEq)]
pub struct ElasticNetModel {
    coef: Array1<f64>,
    intercept: f64,
    n_iter: usize,
    duality_gap: f64,
}

impl ElasticNetModel {
    /// `x · w + b` for every row of `x`; a column count other than p gives NaN rows instead
    /// of a panic.
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        if x.ncols() != self.coef.len() {
            return Array1::from_elem(x.nrows(), f64::NAN);
        }
        x.dot(&self.coef) + self.intercept
    }

    /// Coefficients w (length p), in the space of the features the model was fitted on.
    pub fn coef(&self) -> &Array1<f64> {
        &self.coef
    }

    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Number of coefficients that are exactly nonzero.
    pub fn n_nonzero(&self) -> usize {
        self.coef.iter().filter(|w| **w != 0.0).count()
    }

    /// Coordinate-descent sweeps done (linfa's `n_steps`); 0 when y was constant.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Duality gap at the solution, on the scale of the objective (linfa's gap / n).
    pub fn duality_gap(&self) -> f64 {
        self.duality_gap
    }

    /// The objective `1/(2n)‖y - Xw - b‖² + αρ‖w‖₁ + α(1-ρ)/2‖w‖²` of this model on `(x, y)`.
    pub fn objective(&self, p: &ElasticNetParams, x: ArrayView2<f64>, y: ArrayView1<f64>) -> f64 {
        let r = &y - &self.predict(x);
        let n = y.len().max(1) as f64;
        let l1: f64 = self.coef.iter().map(|w| w.abs()).sum();
        let l2: f64 = self.coef.dot(&self.coef);
        r.dot(&r) / (2.0 * n) + p.alpha * p.l1_ratio * l1 + 0.5 * p.alpha * (1.0 - p.l1_ratio) * l2
    }
}

impl ElasticNetModel {
    /// A model from coefficients found by another run of the same coordinate descent (the
    /// streamed one of `analysis::loss`); `duality_gap` on the objective's scale.
    pub(crate) fn from_parts(
        coef: Array1<f64>,
        intercept: f64,
        n_iter: usize,
        duality_gap: f64,
    ) -> Self {
        Self {
            coef,
            intercept,
            n_iter,
            duality_gap,
        }
    }
}

/// The input checks of [`fit_elastic_net`].
pub(crate) fn check_inputs(
    p: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(), Error> {
    p.validate()?;
    // One vectorisable pass decides that every value is finite and within range (NaN fails the
    // comparison); the shared check, an indexed scan that names the bad cell, runs only when
    // this one fails or the shape is too small. On 100,000 × 50 the shared scan alone was a
    // quarter of the fit.
    let fine = x.nrows() >= 2
        && x.ncols() >= 1
        && x.iter().all(|v| v.abs() <= super::input::MAX_MAGNITUDE);
    if !fine {
        super::input::check_x("elastic net", x)?;
    }
    super::input::check_values(x.nrows(), y)
}

/// Fit the elastic net on `x` (`n × p`) and `y` (length n).
pub fn fit_elastic_net(
    p: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    progress: &Progress,
) -> Result<ElasticNetModel, Error> {
    Ok(fit_elastic_net_streamed(p, x, y, progress, &mut |_, _, _, _| {})?.0)
}

/// What [`fit_elastic_net_streamed`] calls after each sweep: `(k, w, objective, last)`.
pub type OnSweep<'a> = dyn FnMut(usize, &[f64], f64, bool) + 'a;

/// [`fit_elastic_net`], handing `on_sweep(k, w, objective, last)` the coefficients and the
/// objective after sweep k (0 = the start, w = 0); `last` marks the start and the final sweep
/// (the Loss view draws them). Returns the model and whether the gap test was met.
///
/// linfa-elasticnet's own fit (`fit_elastic_net_linfa`) cannot be interrupted and computes
/// parameter variances after every fit. This runs the same cyclic coordinate descent and
/// stopping rule as linfa's and scikit-learn's ([`super::enet_cd`]), on X and y that it
/// centres itself (linfa's intercept is wrong otherwise; b = ȳ − x̄·w after), on the Gram
/// matrix when rows outnumber columns, with a cancel check before every sweep and a gap that
/// pure ridge can meet.
pub fn fit_elastic_net_streamed(
    p: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    progress: &Progress,
    on_sweep: &mut OnSweep<'_>,
) -> Result<(ElasticNetModel, bool), Error> {
    check_inputs(p, x, y)?;
    let max_steps = u64::from(p.max_iter).min(super::ITERATION_CAP);
    progress.set_total(max_steps);
    progress.set(0);
    let y = y.to_vec();
    let data = EnData::for_fit(x, &y, &|| progress.is_cancelled());
    progress.check()?;
    let (a, b) = (p.alpha * p.l1_ratio, p.alpha * (1.0 - p.l1_ratio));
    let mut st = data.start();
    on_sweep(0, &st.w, data.objective(&st, a, b), true);
    let out = data.solve(
        &mut st,
        a,
        b,
        p.tol,
        max_steps,
        &|| Ok(progress.check()?),
        &mut |k, st, last| {
            progress.set(k as u64);
            on_sweep(k, &st.w, data.objective(st, a, b), last);
        },
    )?;
    let gap = data.gap(&st, a, b);
    let intercept = data.y_mean - dot(&data.x_mean, &st.w);
    let model = ElasticNetModel::from_parts(Array1::from(st.w), intercept, out.n_iter, gap);
    Ok((model, out.converged))
}

/// The same fit by linfa-elasticnet itself, with its defects worked around: kept as a
/// cross-check of [`fit_elastic_net`] (they agree to rounding) and as a fallback.
pub fn fit_elastic_net_linfa(
    p: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    progress: &Progress,
) -> Result<ElasticNetModel, Error> {
    check_inputs(p, x, y)?;
    let (n, n_features) = x.dim();
    progress.set_total(1);
    progress.set(0);
    progress.check()?;

    // Workaround (linfa intercept defect): centre X and y ourselves and fit without intercept.
    let x_mean = x.mean_axis(ndarray::Axis(0)).expect("rows (checked)");
    let xc = &x - &x_mean;
    let y_mean = y.sum() / n as f64;
    let yc = y.mapv(|v| v - y_mean);

    // Workaround (linfa never stops on a constant y): the solution is w = 0, b = ȳ.
    if yc.iter().all(|v| *v == 0.0) {
        progress.set(1);
        return Ok(ElasticNetModel {
            coef: Array1::zeros(n_features),
            intercept: y_mean,
            n_iter: 0,
            duality_gap: 0.0,
        });
    }

    let dataset = DatasetBase::new(xc, yc);
    let fitted = LinfaElasticNet::<f64>::new()
        // `abs`: linfa refuses a penalty of −0 ("invalid penalty -0"), which validate accepts.
        .penalty(p.alpha.abs())
        .l1_ratio(p.l1_ratio.abs())
        .max_iterations(p.max_iter)
        .tolerance(p.tol)
        .with_intercept(false)
        .fit(&dataset)
        .map_err(|e| Error::Solver(e.to_string()))?;
    progress.check()?;

    let coef = fitted.hyperplane().to_owned();
    if coef.iter().any(|w| !w.is_finite()) {
        return Err(Error::Solver(
            "coordinate descent diverged (non-finite coefficients)".into(),
        ));
    }
    // Intercept of the uncentred problem: b = ȳ - x̄·w.
    let intercept = y_mean - x_mean.dot(&coef);
    progress.set(1);
    Ok(ElasticNetModel {
        coef,
        intercept,
        n_iter: fitted.n_steps() as usize,
        duality_gap: fitted.duality_gap() / n as f64,
    })
}

// ---------------------------------------------------------------------------------------------
// Our coordinate descent

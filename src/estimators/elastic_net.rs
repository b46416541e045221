//! Elastic net (lasso, ridge) regression on linfa-elasticnet's coordinate descent.
//!
//! The objective is scikit-learn's, which linfa's equals term for term (LINFA_NOTES table):
//!
//! ```text
//! 1/(2n) ‖y - Xw - b‖² + α·ρ‖w‖₁ + α(1-ρ)/2 ‖w‖²      α = alpha (linfa: penalty), ρ = l1_ratio
//! ```
//!
//! Workarounds for linfa 0.8.1, each also marked where it is done:
//! - linfa's intercept is wrong unless X is centred (it centres y only; y = 3x + 100 gives
//!   w = 0.11). We centre X and y ourselves, fit without intercept, and set b = ȳ - x̄·w.
//! - linfa's stopping test is `gap < tol·‖y_c‖²`, which can never hold for a constant y
//!   (‖y_c‖ = 0, gap = 0): it then spins through all `max_iter` sweeps. The solution is known
//!   (w = 0, b = ȳ), so we return it directly.
//! - linfa accepts l1_ratio = 0 (pure ridge; checked in its `ParamGuard`: ρ ∈ [0, 1]), but its
//!   duality gap for ρ = 0 is the objective itself and never meets `tol`: our coordinate
//!   descent uses the ridge dual's gap there ([`duality_gap`]) and stops when it is met.
//! - linfa's duality gap is on the scale of n × the objective above; we divide it by n so it is
//!   on the objective's scale (as scikit-learn's `dual_gap_`).
//! - the fit also computes parameter variances by inverting XᵀX; when that fails (n ≤ p or a
//!   singular XᵀX) linfa stores the error in the model and still returns `Ok`: harmless here.

use linfa::prelude::*;
use linfa_elasticnet::ElasticNetParams as LinfaElasticNet;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, ShapeBuilder, s};
use serde::{Deserialize, Serialize};

use super::Error;
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
    check_inputs(p, x, y)?;
    // linfa-elasticnet's own fit (`fit_elastic_net_linfa`) cannot be interrupted and computes
    // parameter variances after every fit: the same coordinate descent, step for step
    // (`coordinate_descent`, which the Loss view streams), checks for a cancel every sweep.
    let max_steps = u64::from(p.max_iter).min(super::ITERATION_CAP) as u32;
    Ok(coordinate_descent(p, x, y, max_steps, progress, &mut |_, _, _, _| {})?.0)
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
    let x_mean = x
        .mean_axis(Axis(0))
        .ok_or_else(|| Error::Data("no rows".into()))?;
    let y_mean = y.sum() / n as f64;
    // Column-major (Fortran) layout: linfa's coordinate descent walks X column by column
    // (`x.slice(s![.., j])`, a dot product and an axpy per coordinate), which on a row-major
    // matrix strides through memory; scikit-learn also hands its solver Fortran order. The
    // arithmetic is the same; on 100,000 × 50 the solve is several times faster.
    let mut xc = Array2::<f64>::zeros((n, n_features).f());
    for ((mut dst, src), m) in xc.columns_mut().into_iter().zip(x.columns()).zip(&x_mean) {
        dst.zip_mut_with(&src, |d, v| *d = v - m);
    }
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

/// `|v| <= ε`, approx's `abs_diff_eq!(v, 0.0)` as linfa uses it.
fn is_zero(v: f64) -> bool {
    v.abs() <= f64::EPSILON
}

/// linfa-elasticnet 0.8.1's duality gap (on n × the objective's scale), except for pure ridge.
///
/// With P(w) = ½‖r‖² + λ₁‖w‖₁ + ½λ₂‖w‖² (r = y − Xw; λ₁ = nαρ, λ₂ = nα(1 − ρ)), linfa (as
/// scikit-learn) takes the dual point θ = c·r with c = min(1, λ₁ / ‖Xᵀr − λ₂w‖∞). For ρ = 0
/// that makes c = 0 and the "gap" P(w) itself, which never falls below `tol`: every ridge fit
/// ran to `max_iter`. For λ₁ = 0 < λ₂ we use the ridge dual
/// D(θ) = θᵀy − ½‖θ‖² − ‖Xᵀθ‖²/(2λ₂) at θ = r: P − D = ‖r‖² − rᵀy + ½λ₂‖w‖² + ‖Xᵀr‖²/(2λ₂),
/// ≥ 0 by weak duality and 0 exactly at the ridge solution (there Xᵀr = λ₂w).
pub(crate) fn duality_gap(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    w: ArrayView1<f64>,
    r: ArrayView1<f64>,
    l1_ratio: f64,
    penalty: f64,
) -> f64 {
    let n = x.nrows() as f64;
    let l1_reg = l1_ratio * penalty * n;
    let l2_reg = (1.0 - l1_ratio) * penalty * n;
    let xtr = x.t().dot(&r);
    if l1_reg == 0.0 && l2_reg > 0.0 {
        let gap = r.dot(&r) - r.dot(&y) + 0.5 * l2_reg * w.dot(&w) + xtr.dot(&xtr) / (2.0 * l2_reg);
        // Rounding can leave a hair below 0 at the solution.
        return gap.max(0.0);
    }
    let xta = xtr - &w * l2_reg;
    let dual_norm_xta = xta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let r_norm2 = r.dot(&r);
    let w_norm2 = w.dot(&w);
    let (c, mut gap) = if dual_norm_xta > l1_reg {
        let c = l1_reg / dual_norm_xta;
        (c, 0.5 * (r_norm2 + r_norm2 * c * c))
    } else {
        (1.0, r_norm2)
    };
    let l1_norm: f64 = w.iter().map(|v| v.abs()).sum();
    gap += l1_reg * l1_norm - c * r.dot(&y) + 0.5 * l2_reg * (1.0 + c * c) * w_norm2;
    gap
}

/// What [`coordinate_descent`] calls after each sweep: `(k, w, r, keep)`.
pub type OnSweep<'a> = dyn FnMut(usize, &Array1<f64>, &Array1<f64>, bool) + 'a;

/// linfa-elasticnet 0.8.1's cyclic coordinate descent, operation for operation (same sweeps,
/// same duality-gap test), on centred X (column-major) and y, with `b = ȳ − x̄·w` after. It
/// checks for a cancel before every sweep (linfa's fit cannot be interrupted) and skips the
/// parameter variances linfa computes after every fit. `on_sweep(k, w, r, keep)` sees the
/// coefficients and the centred residual after sweep k (0 = the start); `keep` marks the
/// start and the last sweep. Returns the model and whether the gap test was met.
pub fn coordinate_descent(
    ep: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    max_steps: u32,
    progress: &Progress,
    on_sweep: &mut OnSweep<'_>,
) -> Result<(ElasticNetModel, bool), Error> {
    let (n_rows, n_features) = x.dim();
    let n = n_rows as f64;
    // As fit_elastic_net: centre X and y (linfa's intercept is wrong otherwise), b = ȳ − x̄·w.
    let x_mean = x
        .mean_axis(Axis(0))
        .ok_or_else(|| Error::Data("no rows".into()))?;
    let y_mean = y.sum() / n;
    // Column-major, as fit_elastic_net hands linfa: every coordinate step walks one column.
    let mut xc = Array2::<f64>::zeros((n_rows, n_features).f());
    for ((mut dst, src), m) in xc.columns_mut().into_iter().zip(x.columns()).zip(&x_mean) {
        dst.zip_mut_with(&src, |d, v| *d = v - m);
    }
    let yc = y.mapv(|v| v - y_mean);
    let (alpha, rho) = (ep.alpha, ep.l1_ratio);

    let mut w = Array1::<f64>::zeros(n_features);
    let mut r = yc.clone();
    on_sweep(0, &w, &r, true);

    // As fit_elastic_net: a constant y is solved (w = 0) and linfa would never stop on it.
    if yc.iter().all(|v| *v == 0.0) {
        return Ok((ElasticNetModel::from_parts(w, y_mean, 0, 0.0), true));
    }

    progress.set_total(u64::from(max_steps));
    progress.set(0);
    // linfa-elasticnet's `coordinate_descent`, operation for operation.
    let norm_cols_x = xc.map_axis(Axis(0), |col| col.dot(&col));
    let mut gap = 1.0 + ep.tol;
    let d_w_tol = ep.tol;
    let tol = ep.tol * yc.dot(&yc);
    let mut n_steps = 0u32;
    while n_steps < max_steps {
        progress.check()?;
        let mut w_max = 0.0f64;
        let mut d_w_max = 0.0f64;
        for j in 0..n_features {
            if is_zero(norm_cols_x[j]) {
                continue;
            }
            let old_w_j = w[j];
            let x_j = xc.slice(s![.., j]);
            if !is_zero(old_w_j) {
                r.scaled_add(old_w_j, &x_j);
            }
            let tmp = x_j.dot(&r);
            w[j] = tmp.signum() * f64::max(tmp.abs() - n * rho * alpha, 0.0)
                / (norm_cols_x[j] + n * (1.0 - rho) * alpha);
            if !is_zero(w[j]) {
                r.scaled_add(-w[j], &x_j);
            }
            d_w_max = d_w_max.max((w[j] - old_w_j).abs());
            w_max = w_max.max(w[j].abs());
        }
        n_steps += 1;
        progress.set(u64::from(n_steps));
        let k = n_steps as usize;
        let mut stop = false;
        if n_steps == max_steps - 1 || is_zero(w_max) || d_w_max / w_max < d_w_tol {
            gap = duality_gap(xc.view(), yc.view(), w.view(), r.view(), rho, alpha);
            stop = gap < tol;
        }
        on_sweep(k, &w, &r, stop || n_steps == max_steps);
        if stop {
            break;
        }
    }
    if w.iter().any(|v| !v.is_finite()) {
        return Err(Error::Solver(
            "coordinate descent diverged (non-finite coefficients)".into(),
        ));
    }
    let intercept = y_mean - x_mean.dot(&w);
    let model = ElasticNetModel::from_parts(w, intercept, n_steps as usize, gap / n);
    Ok((model, gap < tol))
}

//! L2-regularised logistic regression, fitted as scikit-learn fits it (L-BFGS on the mean loss,
//! [`super::logistic_lbfgs`]).
//!
//! Objective, intercept not penalised (α = 1/C):
//!
//! ```text
//! binary:       (1/n) Σᵢ ln(1 + exp(-sᵢ(xᵢ·w + b))) + α/(2n) ‖w‖²          sᵢ = ±1
//! multinomial:  -(1/n) Σᵢ ln softmax(xᵢW + b)[yᵢ]     + α/(2n) ‖W‖²_F
//! ```
//!
//! scikit-learn minimises `C·Σ loss + ½‖w‖²` scaled by 1/(Cn), and linfa-logistic
//! `Σ loss + α/2‖w‖²`: the same minimiser with C = 1/α. `tol` is scikit-learn's: L-BFGS stops
//! when the largest |component| of the gradient of the objective above is at most `tol` (or
//! when f stops decreasing, or after `max_iter` iterations).
//!
//! linfa-logistic's own fit (`fit_checked`, kept for [`loss_curve`]) has these defects, each
//! worked around where it is used:
//! - binary: linfa makes the MORE FREQUENT label its positive class (#393), so its
//!   probabilities can mean P(class 0) or P(class 1) depending on the data. We read
//!   `labels().pos` and store the coefficients of P(class 1) (negating w and b when the positive
//!   class is 0), so column 1 of [`LogisticModel::predict_proba`] is always P(class 1).
//! - multinomial can fail with "Search direction must be a descent direction" (#334): it comes
//!   back as a readable `Error::Solver`, never a panic.
//! - linfa's multinomial labels only the classes that occur; we require every class
//!   `0..n_classes` to occur, so its class order is ours.
//! - linfa does not report the number of L-BFGS iterations.
//! - linfa's `convert_params` panics on a parameter shape mismatch; we never pass initial
//!   parameters, so that cannot happen.

use linfa::prelude::*;
use linfa_logistic::{LogisticRegression, MultiLogisticRegression};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::Error;
use super::logistic_lbfgs::sigmoid;
use crate::progress::Progress;

/// Logistic regression parameters. `alpha` is linfa's L2 weight; scikit-learn's C = 1/alpha.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogisticParams {
    /// L2 penalty α ≥ 0 (C = 1/α).
    pub alpha: f64,
    /// Maximum number of L-BFGS iterations, ≥ 1.
    pub max_iter: u64,
    /// Stopping tolerance of L-BFGS, > 0: the largest |component| of the gradient of the mean
    /// objective (module docs) at which it stops, as scikit-learn's `tol`.
    pub tol: f64,
}

impl Default for LogisticParams {
    fn default() -> Self {
        Self {
            alpha: 1.0,
            max_iter: 100,
            tol: 1e-4,
        }
    }
}

impl LogisticParams {
    /// Parameters from scikit-learn's C (α = 1/C).
    pub fn from_c(c: f64) -> Self {
        Self {
            alpha: 1.0 / c,
            ..Self::default()
        }
    }

    /// scikit-learn's C = 1/α (infinite for α = 0).
    pub fn c(&self) -> f64 {
        1.0 / self.alpha
    }

    pub fn validate(&self) -> Result<(), Error> {
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(Error::Param(format!(
                "alpha must be a finite number >= 0 (C = 1/alpha > 0), got {}",
                crate::error::Num(self.alpha)
            )));
        }
        super::check_max_iter(self.max_iter)?;
        super::check_tol(self.tol)
    }
}

/// A fitted logistic regression: plain data, predicting with our own arithmetic.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticModel {
    /// 1 × p (binary, for class 1) or k × p (multinomial).
    coef: Array2<f64>,
    /// length 1 (binary) or k.
    intercept: Array1<f64>,
    n_classes: usize,
    alpha: f64,
    tol: f64,
    grad_norm: f64,
    n_iter: u64,
}

impl LogisticModel {
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Linear scores: `n × 1` (binary, logit of class 1) or `n × k`.
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Array2<f64> {
        if x.ncols() != self.coef.ncols() {
            return Array2::from_elem((x.nrows(), self.coef.nrows()), f64::NAN);
        }
        x.dot(&self.coef.t()) + &self.intercept
    }

    /// `n × k` probabilities, column c = P(class c); rows sum to 1. Binary: sigmoid of the
    /// class-1 logit; k > 2: softmax. A column count other than p gives NaN rows.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let z = self.decision_function(x);
        if self.n_classes == 2 {
            let mut out = Array2::zeros((z.nrows(), 2));
            for (i, &zi) in z.column(0).iter().enumerate() {
                let p1 = sigmoid(zi);
                out[[i, 0]] = 1.0 - p1;
                out[[i, 1]] = p1;
            }
            out
        } else {
            let mut out = z;
            for mut row in out.rows_mut() {
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                row.mapv_inplace(|v| (v - max).exp());
                let sum = row.sum();
                row /= sum;
            }
            out
        }
    }

    /// The most probable class of each row (the first on ties; class 1 at exactly 0.5 for
    /// binary, as linfa's threshold `>= 0.5`).
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<usize> {
        super::classes_from_scores(self.decision_function(x).view())
    }

    /// Coefficients: 1 × p for binary (of class 1's logit), k × p for multinomial.
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    /// Intercepts: length 1 (binary) or k.
    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// Number of L-BFGS iterations of the fit (scikit-learn's `n_iter_`); 0 for a model from
    /// linfa-logistic's own fit, which does not report it.
    pub fn n_iter(&self) -> u64 {
        self.n_iter
    }

    /// The largest |component| of the gradient of the mean objective (module docs; w.r.t.
    /// coefficients and intercepts) at the fitted parameters on the training data: what `tol`
    /// bounds.
    pub fn grad_norm(&self) -> f64 {
        self.grad_norm
    }

    /// Whether [`Self::grad_norm`] is within the tolerance the model was fitted with. L-BFGS
    /// also stops when the objective stops decreasing (relative change ≤ 64·ε, as
    /// scikit-learn), so a `false` here with a small gradient means "stopped on the
    /// objective", while a large one means max_iter was hit.
    pub fn converged(&self) -> bool {
        self.grad_norm <= self.tol
    }

    /// linfa-logistic's objective `Σ loss + α/2‖w‖²` (n × the mean objective of the module
    /// docs) of this model on `(x, y)`, with this model's alpha. Labels outside `0..k` count
    /// as probability 0 (infinite loss is clipped at 1e-15).
    pub fn objective(&self, x: ArrayView2<f64>, y: ArrayView1<usize>) -> f64 {
        objective_value(self, x, y)
    }
}

/// ln(1 + exp(z)) without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

fn objective_value(m: &LogisticModel, x: ArrayView2<f64>, y: ArrayView1<usize>) -> f64 {
    let z = m.decision_function(x);
    let data_term: f64 = if m.n_classes == 2 {
        // -ln σ(s z) = softplus(-s z), s = +1 for class 1, -1 for class 0.
        z.column(0)
            .iter()
            .zip(y)
            .map(|(&zi, &yi)| if yi == 1 { softplus(-zi) } else { softplus(zi) })
            .sum()
    } else {
        z.rows()
            .into_iter()
            .zip(y)
            .map(|(row, &yi)| {
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lse = max + row.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
                let zy = row.get(yi).copied().unwrap_or(lse + 1e-15f64.ln());
                lse - zy
            })
            .sum()
    };
    data_term + 0.5 * m.alpha * m.coef.iter().map(|w| w * w).sum::<f64>()
}

/// The largest |component| of the gradient of the mean objective at the model's parameters
/// (for [`LogisticModel::converged`]).
fn gradient_norm(m: &LogisticModel, x: ArrayView2<f64>, y: ArrayView1<usize>) -> f64 {
    let n = x.nrows().max(1) as f64;
    let proba = m.predict_proba(x);
    if m.n_classes == 2 {
        // d/dz of the loss is p1 - [y = 1].
        let resid: Array1<f64> = proba
            .column(1)
            .iter()
            .zip(y)
            .map(|(p, &yi)| p - f64::from(u8::from(yi == 1)))
            .collect();
        let gw = x.t().dot(&resid) + &(m.coef.row(0).to_owned() * m.alpha);
        let gb = resid.sum();
        gw.iter().fold(gb.abs(), |acc, g| acc.max(g.abs())) / n
    } else {
        let mut resid = proba;
        for (mut row, &yi) in resid.rows_mut().into_iter().zip(y) {
            if yi < row.len() {
                row[yi] -= 1.0;
            }
        }
        let gw = resid.t().dot(&x) + &(&m.coef * m.alpha); // k × p
        let gb = resid.sum_axis(Axis(0));
        gw.iter().chain(&gb).fold(0.0f64, |acc, g| acc.max(g.abs())) / n
    }
}

fn check_inputs(
    p: &LogisticParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
) -> Result<(), Error> {
    p.validate()?;
    // One vectorisable pass (NaN fails the comparison); the shared indexed scan, which names
    // the bad cell, only when it fails or the shape is too small (see elastic_net.rs).
    let fine = x.nrows() >= 2
        && x.ncols() >= 1
        && x.iter().all(|v| v.abs() <= super::input::MAX_MAGNITUDE);
    if !fine {
        super::input::check_x("logistic regression", x)?;
    }
    super::input::check_classes("logistic regression", x.nrows(), y, n_classes)
}

/// Fit with a given iteration budget; inputs already checked.
fn fit_checked(
    p: &LogisticParams,
    max_iter: u64,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
) -> Result<LogisticModel, Error> {
    let dataset = DatasetBase::new(x, y);
    let (coef, intercept) = if n_classes == 2 {
        // Class indices 0/1 are `usize: Ord`, which linfa's binary labelling accepts directly.
        let fitted = LogisticRegression::<f64>::default()
            .alpha(p.alpha)
            .max_iterations(max_iter)
            .gradient_tolerance(p.tol)
            .fit(&dataset)
            .map_err(solver_error)?;
        // Workaround (#393): linfa's positive class is the MORE FREQUENT label. Its
        // probabilities are P(labels().pos.class); make ours P(class 1).
        let sign = if fitted.labels().pos.class == 1 {
            1.0
        } else {
            -1.0
        };
        let w = fitted.params().mapv(|v| sign * v);
        let b = sign * fitted.intercept();
        (w.insert_axis(Axis(0)), Array1::from_elem(1, b))
    } else {
        let fitted = MultiLogisticRegression::<f64>::default()
            .alpha(p.alpha)
            .max_iterations(max_iter)
            .gradient_tolerance(p.tol)
            .fit(&dataset)
            .map_err(solver_error)?;
        // linfa's classes are the sorted distinct labels; check_inputs made them 0..k.
        if fitted.classes() != (0..n_classes).collect::<Vec<_>>().as_slice() {
            return Err(Error::Solver("unexpected class order from linfa".into()));
        }
        (fitted.params().t().to_owned(), fitted.intercept().clone())
    };
    if coef.iter().chain(intercept.iter()).any(|v| !v.is_finite()) {
        return Err(Error::Solver(
            "L-BFGS diverged (non-finite coefficients); try a larger alpha (smaller C) or \
             standardised features"
                .into(),
        ));
    }
    let mut model = LogisticModel {
        coef,
        intercept,
        n_classes,
        alpha: p.alpha,
        tol: p.tol,
        grad_norm: f64::NAN,
        n_iter: 0,
    };
    model.grad_norm = gradient_norm(&model, x, y);
    Ok(model)
}

/// A model from the parameters L-BFGS found ([`super::logistic_lbfgs::minimise`]): `coef` is
/// 1 × p (binary, class 1's logit) or k × p, `intercept` length 1 or k; `grad_norm` the largest
/// |component| of the mean objective's gradient there, after `n_iter` iterations.
pub(crate) fn model_from_parts(
    p: &LogisticParams,
    coef: Array2<f64>,
    intercept: Array1<f64>,
    n_classes: usize,
    n_iter: u64,
    grad_norm: f64,
) -> LogisticModel {
    LogisticModel {
        coef,
        intercept,
        n_classes,
        alpha: p.alpha,
        tol: p.tol,
        grad_norm,
        n_iter,
    }
}

/// The input checks of [`fit_logistic`].
pub(crate) fn check_logistic_inputs(
    p: &LogisticParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
) -> Result<(), Error> {
    check_inputs(p, x, y, n_classes)
}

/// linfa/argmin errors made readable (#334: "Search direction must be a descent direction").
fn solver_error(e: linfa_logistic::error::Error) -> Error {
    let msg = e.to_string();
    if msg.contains("descent direction") {
        Error::Solver(format!(
            "L-BFGS line search failed ({msg}); try a larger alpha (smaller C), standardised \
             features or fewer iterations"
        ))
    } else {
        Error::Solver(msg)
    }
}

/// Fit logistic regression: binary (sigmoid) for `n_classes == 2`, multinomial (softmax) for
/// more. `y` holds class indices `0..n_classes`, each present at least once.
pub fn fit_logistic(
    p: &LogisticParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
) -> Result<LogisticModel, Error> {
    check_inputs(p, x, y, n_classes)?;
    // Not linfa-logistic's own fit (`fit_checked`): it cannot be interrupted, with a tolerance
    // far below what f64 can reach its line search ran for minutes, and its stopping rule
    // (the norm of the summed objective's gradient) took ~16× scikit-learn's iterations on
    // 10,000 rows. The same minimiser, found by scikit-learn's rules with a cancellation check
    // in every evaluation (the Loss view streams the same run).
    let max_iter = p.max_iter.min(super::ITERATION_CAP);
    Ok(super::logistic_lbfgs::minimise(p, x, y, n_classes, max_iter, progress, &mut |_| {})?.model)
}

/// The objective after k L-BFGS iterations, for up to `max_points` values of k in
/// `0..=p.max_iter` (k = 0 is the starting point w = 0, objective n·ln 2 for binary and n·ln k
/// for multinomial). linfa exposes no iteration history, so each point refits from scratch with
/// `max_iterations(k)`: L-BFGS is deterministic, so this reproduces the one optimisation path
/// (LINFA_NOTES "Loss curves"). The ks are spread evenly over `1..=max_iter`; the curve stops
/// once two consecutive points have the same objective (converged). Cancellation is checked
/// between refits.
pub fn loss_curve(
    p: &LogisticParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    max_points: usize,
    progress: &Progress,
) -> Result<Vec<(u64, f64)>, Error> {
    check_inputs(p, x, y, n_classes)?;
    if max_points < 2 {
        return Err(Error::Param(format!(
            "max_points must be at least 2, got {max_points}"
        )));
    }
    let ks = curve_iterations(p.max_iter, max_points - 1);
    progress.set_total(ks.len() as u64);
    progress.set(0);
    let start = LogisticModel {
        coef: Array2::zeros((if n_classes == 2 { 1 } else { n_classes }, x.ncols())),
        intercept: Array1::zeros(if n_classes == 2 { 1 } else { n_classes }),
        n_classes,
        alpha: p.alpha,
        tol: p.tol,
        grad_norm: f64::NAN,
        n_iter: 0,
    };
    let mut curve = vec![(0, objective_value(&start, x, y))];
    for (i, &k) in ks.iter().enumerate() {
        progress.check()?;
        let model = fit_checked(p, k, x, y, n_classes)?;
        let obj = objective_value(&model, x, y);
        let same = curve.last().is_some_and(|&(_, last)| last == obj);
        curve.push((k, obj));
        progress.set(i as u64 + 1);
        if same {
            break;
        }
    }
    progress.set(ks.len() as u64);
    Ok(curve)
}

/// Up to `m` distinct iteration counts spread evenly over `1..=max_iter`, ascending.
fn curve_iterations(max_iter: u64, m: usize) -> Vec<u64> {
    let m = (m as u64).clamp(1, max_iter);
    let mut ks: Vec<u64> = (1..=m)
        .map(|i| ((i as f64 * max_iter as f64 / m as f64).round() as u64).max(1))
        .collect();
    ks.dedup();
    ks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_iterations_cover_the_budget() {
        assert_eq!(curve_iterations(5, 10), vec![1, 2, 3, 4, 5]);
        assert_eq!(curve_iterations(100, 4), vec![25, 50, 75, 100]);
    }

    #[test]
    fn softplus_and_sigmoid_are_stable() {
        assert!((softplus(0.0) - 2f64.ln()).abs() < 1e-15);
        assert!((softplus(800.0) - 800.0).abs() < 1e-12);
        assert!(softplus(-800.0) >= 0.0);
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
    }
}

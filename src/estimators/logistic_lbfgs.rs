//! Logistic regression by L-BFGS, as scikit-learn fits it: the objective scaled to the MEAN
//! loss and scipy's L-BFGS-B stopping rules, on a small L-BFGS written here (two-loop recursion,
//! memory 10, MINPACK-2's Moré–Thuente line search `dcsrch` as L-BFGS-B calls it).
//!
//! Objective (θ = the weights and intercepts; the intercepts are not penalised):
//!
//! ```text
//! binary:       f(θ) = (1/n) Σᵢ ln(1 + exp(−sᵢ(xᵢ·w + b)))  + α/(2n) ‖w‖²        sᵢ = ±1
//! multinomial:  f(θ) = −(1/n) Σᵢ ln softmax(xᵢW + b)[yᵢ]    + α/(2n) ‖W‖²_F
//! ```
//!
//! that is linfa-logistic's objective (Σ loss + α/2‖w‖²) divided by n, and scikit-learn's
//! (mean loss + 1/(2Cn)‖w‖², C = 1/α): the same minimiser. The run stops, as scikit-learn's
//! `LogisticRegression(solver="lbfgs")` (scipy L-BFGS-B with `gtol = tol`,
//! `ftol = 64·ε`, `maxls = 50`, `maxiter = max_iter`), when
//! - `max |∂f/∂θⱼ| ≤ tol` (converged), or
//! - `(f_{k−1} − f_k) ≤ 64·ε · max(|f_{k−1}|, |f_k|, 1)` (converged: f stopped decreasing), or
//! - `max_iter` iterations are done (not converged).
//!
//! linfa's rule (the Euclidean norm of the gradient of the SUMMED objective ≤ tol) asked for a
//! gradient n times smaller than scikit-learn's at the same `tol` and took ~16× the
//! iterations on 10,000 rows. Every evaluation checks for a cancel, the time limit and an
//! evaluation budget, and every iteration is handed to the caller (the Loss view draws them).
//! One evaluation computes f and ∇f together (X·W, the log-softmax, Xᵀ·(P − Y)).
//! [`super::logistic::fit_logistic`] fits through [`minimise`].

use std::collections::VecDeque;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;

use super::Error;
use super::logistic::{self, LogisticModel, LogisticParams};
use crate::progress::Progress;

/// `ln σ(z)` without overflow (linfa-logistic's `log_logistic`).
pub(crate) fn log_logistic(z: f64) -> f64 {
    if z > 0.0 {
        -(1.0 + (-z).exp()).ln()
    } else {
        z - (1.0 + z.exp()).ln()
    }
}

/// σ(z) without overflow.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// L-BFGS memory (scipy's `maxcor` default, which scikit-learn keeps).
const MEMORY: usize = 10;
/// Most line-search evaluations per iteration (scikit-learn passes `maxls = 50`).
const MAX_LINE_SEARCH: usize = 50;
/// scikit-learn's `ftol = 64 · ε`: the relative decrease of f below which L-BFGS-B stops.
pub const F_TOL: f64 = 64.0 * f64::EPSILON;

/// The objective and its gradient (module docs), with scratch space for the scores.
struct Objective<'a> {
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, usize>,
    n_classes: usize,
    alpha: f64,
    progress: &'a Progress,
    /// Evaluations so far, and the most allowed: a line search that cannot satisfy a tolerance
    /// below f64's reach would otherwise never end.
    evaluations: u64,
    max_evaluations: u64,
}

/// Why a run stopped before converging, short of a cancel: answered with the last iterate,
/// marked unconverged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoppedEarly {
    OutOfTime,
    Budget,
}

impl StoppedEarly {
    fn message(self) -> &'static str {
        match self {
            Self::OutOfTime => "the time limit was reached",
            Self::Budget => "the evaluation budget was spent",
        }
    }
}

enum EvalStop {
    Cancelled,
    Early(StoppedEarly),
}

impl<'a> Objective<'a> {
    fn new(
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, usize>,
        n_classes: usize,
        alpha: f64,
        progress: &'a Progress,
        max_evaluations: u64,
    ) -> Self {
        Self {
            x,
            y,
            n_classes,
            alpha,
            progress,
            evaluations: 0,
            max_evaluations,
        }
    }

    fn n_params(&self) -> usize {
        let k = if self.n_classes == 2 {
            1
        } else {
            self.n_classes
        };
        (self.x.ncols() + 1) * k
    }

    /// Cancel, time limit and budget, checked before each evaluation.
    fn may_evaluate(&mut self) -> Result<(), EvalStop> {
        if self.progress.check().is_err() {
            return Err(EvalStop::Cancelled);
        }
        if self.progress.out_of_time() {
            return Err(EvalStop::Early(StoppedEarly::OutOfTime));
        }
        self.evaluations += 1;
        if self.evaluations > self.max_evaluations {
            return Err(EvalStop::Early(StoppedEarly::Budget));
        }
        Ok(())
    }

    /// f(θ), writing ∇f(θ) into `grad`. θ is (w₁…w_p, b) for binary and the (p+1) × k matrix
    /// [W; b] flattened row-major for k > 2 (the layout [`split_params`] reads).
    fn evaluate(&mut self, theta: &Array1<f64>, grad: &mut Array1<f64>) -> Result<f64, EvalStop> {
        self.may_evaluate()?;
        Ok(self.value_and_gradient(theta, grad))
    }

    fn value_and_gradient(&mut self, theta: &Array1<f64>, grad: &mut Array1<f64>) -> f64 {
        let (n, p) = self.x.dim();
        let k = if self.n_classes == 2 {
            1
        } else {
            self.n_classes
        };
        let inv_n = 1.0 / n as f64;
        let wb = theta
            .view()
            .into_shape_with_order((p + 1, k))
            .expect("parameter length is (p+1)·k");
        let w = wb.slice(s![..p, ..]);
        let b = wb.row(p);
        // Blocks of rows, on rayon's pool when there are several; the blocks do not depend on
        // the number of threads and are summed in order, so the result does not either.
        let blocks = n.div_ceil(BLOCK_ROWS);
        let block = |i: usize| {
            let rows = i * BLOCK_ROWS..((i + 1) * BLOCK_ROWS).min(n);
            block_value_and_gradient(
                self.x.slice(s![rows.clone(), ..]),
                self.y.slice(s![rows]),
                w,
                b,
            )
        };
        let parts: Vec<Block> = if blocks > 1 {
            (0..blocks).into_par_iter().map(block).collect()
        } else {
            vec![block(0)]
        };
        let mut loss = 0.0;
        let mut g = grad
            .view_mut()
            .into_shape_with_order((p + 1, k))
            .expect("gradient length is (p+1)·k");
        g.fill(0.0);
        for part in &parts {
            loss += part.loss;
            g.slice_mut(s![..p, ..])
                .zip_mut_with(&part.gw, |a, v| *a += v);
            g.row_mut(p).zip_mut_with(&part.gb, |a, v| *a += v);
        }
        // ∇: [Xᵀ·D / n + α/n · W; Σᵢ Dᵢ / n].
        g.mapv_inplace(|v| v * inv_n);
        g.slice_mut(s![..p, ..])
            .zip_mut_with(&w, |a, v| *a += self.alpha * inv_n * v);
        let penalty = 0.5 * self.alpha * inv_n * w.iter().map(|v| v * v).sum::<f64>();
        loss * inv_n + penalty
    }
}

/// Rows per block of an evaluation.
const BLOCK_ROWS: usize = 2048;

/// One block's share of an evaluation: Σ loss, Xᵀ·D (p × k') and Σ D over its rows, where D is
/// ∂loss/∂score (σ(z) − [y = 1] for binary, softmax − one-hot for k > 2).
struct Block {
    loss: f64,
    gw: Array2<f64>,
    gb: Array1<f64>,
}

fn block_value_and_gradient(
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    w: ArrayView2<f64>,
    b: ArrayView1<f64>,
) -> Block {
    let (m, p) = x.dim();
    let k = w.ncols();
    let mut scores = Array2::<f64>::zeros((m, k));
    general_mat_mul(1.0, &x, &w, 0.0, &mut scores);
    let mut loss = 0.0;
    let mut gb = Array1::<f64>::zeros(k);
    let flat = scores.as_slice_mut().expect("a fresh array is contiguous");
    if k == 1 {
        let bias = b[0];
        let mut sum_d = 0.0;
        for (z, &c) in flat.iter_mut().zip(y) {
            let zi = *z + bias;
            // loss = −ln σ(s z); ∂loss/∂z = σ(z) − [y = 1].
            if c == 1 {
                loss -= log_logistic(zi);
                *z = sigmoid(zi) - 1.0;
            } else {
                loss -= log_logistic(-zi);
                *z = sigmoid(zi);
            }
            sum_d += *z;
        }
        gb[0] = sum_d;
    } else {
        let b = b.to_vec();
        let gb_s = gb.as_slice_mut().expect("contiguous");
        for (row, &c) in flat.chunks_exact_mut(k).zip(y) {
            for (v, bc) in row.iter_mut().zip(&b) {
                *v += bc;
            }
            // Log-sum-exp with the row's maximum; the row becomes softmax − one-hot.
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let hc = row[c] - max;
            let mut sum = 0.0;
            for v in row.iter_mut() {
                *v = (*v - max).exp();
                sum += *v;
            }
            // −ln softmax[c] = ln Σ exp(h − max) − (h_c − max); the sum is ≥ 1.
            loss += sum.ln() - hc;
            let inv = 1.0 / sum;
            for v in row.iter_mut() {
                *v *= inv;
            }
            row[c] -= 1.0;
            for (a, v) in gb_s.iter_mut().zip(row.iter()) {
                *a += v;
            }
        }
    }
    let mut gw = Array2::<f64>::zeros((p, k));
    general_mat_mul(1.0, &x.t(), &scores, 0.0, &mut gw);
    Block { loss, gw, gb }
}

/// The gradient's largest |component| (scipy's projected-gradient norm when nothing is bound).
fn max_abs(g: &Array1<f64>) -> f64 {
    g.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

// ---------------------------------------------------------------------------------------------
// Moré–Thuente line search: MINPACK-2's dcsrch / dcstep (as in scipy's `_dcsrch.py` and
// L-BFGS-B's `lnsrlb`, which calls it with ftol 1e-3, gtol 0.9, xtol 0.1).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Task {
    /// Evaluate f and f' at the returned step.
    Evaluate,
    /// Sufficient decrease and curvature hold.
    Converged,
    /// No further progress possible; the step is the last one evaluated.
    Warning,
    /// Bad input (e.g. not a descent direction).
    Error,
}

struct Dcsrch {
    ftol: f64,
    gtol: f64,
    xtol: f64,
    stpmin: f64,
    stpmax: f64,
    brackt: bool,
    stage: u8,
    ginit: f64,
    gtest: f64,
    finit: f64,
    width: f64,
    width1: f64,
    stx: f64,
    fx: f64,
    gx: f64,
    sty: f64,
    fy: f64,
    gy: f64,
    stmin: f64,
    stmax: f64,
}

impl Dcsrch {
    /// Start at step `stp` with f(0) = `f`, f'(0) = `g`: the first step to evaluate is `stp`.
    fn start(stp: f64, f: f64, g: f64, stpmax: f64) -> (Self, Task) {
        let mut ls = Self {
            ftol: 1e-3,
            gtol: 0.9,
            xtol: 0.1,
            stpmin: 0.0,
            stpmax,
            brackt: false,
            stage: 1,
            ginit: g,
            gtest: 0.0,
            finit: f,
            width: 0.0,
            width1: 0.0,
            stx: 0.0,
            fx: f,
            gx: g,
            sty: 0.0,
            fy: f,
            gy: g,
            stmin: 0.0,
            stmax: 0.0,
        };
        if stp < ls.stpmin || stp > ls.stpmax || g >= 0.0 || !stp.is_finite() {
            return (ls, Task::Error);
        }
        ls.gtest = ls.ftol * ls.ginit;
        ls.width = ls.stpmax - ls.stpmin;
        ls.width1 = ls.width / 0.5;
        ls.stmax = stp + 4.0 * stp;
        (ls, Task::Evaluate)
    }

    /// f and f' at `stp` given; returns the next step and what to do.
    fn iterate(&mut self, mut stp: f64, f: f64, g: f64) -> (f64, Task) {
        let ftest = self.finit + stp * self.gtest;
        if self.stage == 1 && f <= ftest && g >= 0.0 {
            self.stage = 2;
        }
        let mut task = Task::Evaluate;
        if (self.brackt
            && (stp <= self.stmin
                || stp >= self.stmax
                || self.stmax - self.stmin <= self.xtol * self.stmax))
            || (stp == self.stpmax && f <= ftest && g <= self.gtest)
            || (stp == self.stpmin && (f > ftest || g >= self.gtest))
        {
            task = Task::Warning;
        }
        if f <= ftest && g.abs() <= self.gtol * -self.ginit {
            task = Task::Converged;
        }
        if task != Task::Evaluate {
            return (stp, task);
        }
        if self.stage == 1 && f <= self.fx && f > ftest {
            // The modified function ψ(stp) = f(stp) − f(0) − stp·gtest.
            let mut fxm = self.fx - self.stx * self.gtest;
            let mut fym = self.fy - self.sty * self.gtest;
            let mut gxm = self.gx - self.gtest;
            let mut gym = self.gy - self.gtest;
            let fm = f - stp * self.gtest;
            let gm = g - self.gtest;
            dcstep(
                &mut self.stx,
                &mut fxm,
                &mut gxm,
                &mut self.sty,
                &mut fym,
                &mut gym,
                &mut stp,
                fm,
                gm,
                &mut self.brackt,
                self.stmin,
                self.stmax,
            );
            self.fx = fxm + self.stx * self.gtest;
            self.fy = fym + self.sty * self.gtest;
            self.gx = gxm + self.gtest;
            self.gy = gym + self.gtest;
        } else {
            dcstep(
                &mut self.stx,
                &mut self.fx,
                &mut self.gx,
                &mut self.sty,
                &mut self.fy,
                &mut self.gy,
                &mut stp,
                f,
                g,
                &mut self.brackt,
                self.stmin,
                self.stmax,
            );
        }
        if self.brackt {
            if (self.sty - self.stx).abs() >= 0.66 * self.width1 {
                stp = self.stx + 0.5 * (self.sty - self.stx);
            }
            self.width1 = self.width;
            self.width = (self.sty - self.stx).abs();
            self.stmin = self.stx.min(self.sty);
            self.stmax = self.stx.max(self.sty);
        } else {
            self.stmin = stp + 1.1 * (stp - self.stx);
            self.stmax = stp + 4.0 * (stp - self.stx);
        }
        stp = stp.clamp(self.stpmin, self.stpmax);
        if self.brackt
            && (stp <= self.stmin
                || stp >= self.stmax
                || self.stmax - self.stmin <= self.xtol * self.stmax)
        {
            stp = self.stx;
        }
        if !stp.is_finite() {
            return (stp, Task::Warning);
        }
        (stp, Task::Evaluate)
    }
}

/// MINPACK-2's dcstep: a safeguarded cubic/quadratic step, and the bracket's update.
#[allow(clippy::too_many_arguments)]
fn dcstep(
    stx: &mut f64,
    fx: &mut f64,
    dx: &mut f64,
    sty: &mut f64,
    fy: &mut f64,
    dy: &mut f64,
    stp: &mut f64,
    fp: f64,
    dp: f64,
    brackt: &mut bool,
    stpmin: f64,
    stpmax: f64,
) {
    let sgnd = dp * (*dx / dx.abs());
    let stpf;
    if fp > *fx {
        // A higher function value: the minimum is bracketed.
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (*dx / s) * (dp / s)).sqrt();
        if *stp < *stx {
            gamma = -gamma;
        }
        let p = (gamma - *dx) + theta;
        let q = ((gamma - *dx) + gamma) + dp;
        let r = p / q;
        let stpc = *stx + r * (*stp - *stx);
        let stpq = *stx + ((*dx / ((*fx - fp) / (*stp - *stx) + *dx)) / 2.0) * (*stp - *stx);
        stpf = if (stpc - *stx).abs() <= (stpq - *stx).abs() {
            stpc
        } else {
            stpc + (stpq - stpc) / 2.0
        };
        *brackt = true;
    } else if sgnd < 0.0 {
        // A lower value and derivatives of opposite sign: bracketed.
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (*dx / s) * (dp / s)).sqrt();
        if *stp > *stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + *dx;
        let r = p / q;
        let stpc = *stp + r * (*stx - *stp);
        let stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        stpf = if (stpc - *stp).abs() > (stpq - *stp).abs() {
            stpc
        } else {
            stpq
        };
        *brackt = true;
    } else if dp.abs() < dx.abs() {
        // A lower value, same-sign derivatives, and |f'| decreases.
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (*dx / s) * (dp / s)).max(0.0).sqrt();
        if *stp > *stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = (gamma + (*dx - dp)) + gamma;
        let r = p / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            *stp + r * (*stx - *stp)
        } else if *stp > *stx {
            stpmax
        } else {
            stpmin
        };
        let stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        if *brackt {
            let mut f = if (stpc - *stp).abs() < (stpq - *stp).abs() {
                stpc
            } else {
                stpq
            };
            if *stp > *stx {
                f = f.min(*stp + 0.66 * (*sty - *stp));
            } else {
                f = f.max(*stp + 0.66 * (*sty - *stp));
            }
            stpf = f;
        } else {
            let f = if (stpc - *stp).abs() > (stpq - *stp).abs() {
                stpc
            } else {
                stpq
            };
            stpf = f.clamp(stpmin, stpmax);
        }
    } else {
        // A lower value, same-sign derivatives, |f'| does not decrease.
        stpf = if *brackt {
            let theta = 3.0 * (fp - *fy) / (*sty - *stp) + *dy + dp;
            let s = theta.abs().max(dy.abs()).max(dp.abs());
            let mut gamma = s * ((theta / s).powi(2) - (*dy / s) * (dp / s)).sqrt();
            if *stp > *sty {
                gamma = -gamma;
            }
            let p = (gamma - dp) + theta;
            let q = ((gamma - dp) + gamma) + *dy;
            let r = p / q;
            *stp + r * (*sty - *stp)
        } else if *stp > *stx {
            stpmax
        } else {
            stpmin
        };
    }
    if fp > *fx {
        *sty = *stp;
        *fy = fp;
        *dy = dp;
    } else {
        if sgnd < 0.0 {
            *sty = *stx;
            *fy = *fx;
            *dy = *dx;
        }
        *stx = *stp;
        *fx = fp;
        *dx = dp;
    }
    *stp = stpf;
}

// ---------------------------------------------------------------------------------------------
// L-BFGS

/// One L-BFGS iteration as the caller sees it: after `k` iterations (0 = the start, w = 0).
pub struct LbfgsStep {
    pub k: usize,
    /// The objective f (the MEAN loss plus α/(2n)‖w‖², module docs) at `param`.
    pub cost: f64,
    pub param: Array1<f64>,
}

/// (coef k' × p, intercept k') from the flat parameters, k' = 1 for binary.
pub(crate) fn split_params(
    param: &Array1<f64>,
    p: usize,
    n_classes: usize,
) -> (Array2<f64>, Array1<f64>) {
    if n_classes == 2 {
        let w = param.slice(s![..p]).to_owned().insert_axis(Axis(0));
        (w, Array1::from_elem(1, param[p]))
    } else {
        let wb = Array2::from_shape_vec((p + 1, n_classes), param.to_vec())
            .expect("parameter length is (p+1)·k");
        (wb.slice(s![..p, ..]).t().to_owned(), wb.row(p).to_owned())
    }
}

/// A finished run: the model, whether L-BFGS met one of its convergence rules (the gradient
/// or the relative decrease of f), and its last iterate.
pub struct Minimised {
    pub model: LogisticModel,
    pub converged: bool,
    pub last: Option<LbfgsStep>,
}

/// The search direction −H·g by the two-loop recursion, H₀ = (sᵀy / yᵀy)·I from the newest
/// pair (L-BFGS-B's θ⁻¹).
fn direction(g: &Array1<f64>, memory: &VecDeque<(Array1<f64>, Array1<f64>, f64)>) -> Array1<f64> {
    let mut q = g.clone();
    let mut a = vec![0.0; memory.len()];
    for (i, (s, y, rho)) in memory.iter().enumerate().rev() {
        a[i] = rho * s.dot(&q);
        q.scaled_add(-a[i], y);
    }
    if let Some((s, y, _)) = memory.back() {
        q *= s.dot(y) / y.dot(y);
    }
    for (i, (s, y, rho)) in memory.iter().enumerate() {
        let beta = rho * y.dot(&q);
        q.scaled_add(a[i] - beta, s);
    }
    q.mapv_inplace(|v| -v);
    q
}

/// How the iterations ended.
enum Ending {
    Converged,
    MaxIter,
    /// The line search could not make progress even along −g.
    LineSearchFailed,
    /// Out of time or of the evaluation budget.
    Early,
}

/// Minimise the objective from θ = 0 for at most `max_iter` iterations, handing `on_step`
/// every iteration (0 = the start) as it happens. Out of time or of its evaluation budget, the
/// last iterate is the answer, unconverged; cancelled, [`Error::Cancelled`].
pub fn minimise(
    lp: &LogisticParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    max_iter: u64,
    progress: &Progress,
    on_step: &mut dyn FnMut(&LbfgsStep),
) -> Result<Minimised, Error> {
    let p = x.ncols();
    let mut obj = Objective::new(
        x.view(),
        y.view(),
        n_classes,
        lp.alpha,
        progress,
        // About 20 line-search evaluations per iteration at the most (Moré–Thuente needs one
        // or two when all is well).
        20 * max_iter + 100,
    );
    let n_params = obj.n_params();
    progress.set_total(max_iter);
    progress.set(0);

    let mut theta = Array1::<f64>::zeros(n_params);
    let mut grad = Array1::<f64>::zeros(n_params);
    let mut f = match obj.evaluate(&theta, &mut grad) {
        Ok(f) => f,
        Err(EvalStop::Cancelled) => return Err(Error::Cancelled),
        Err(EvalStop::Early(why)) => {
            return Err(Error::Solver(format!(
                "L-BFGS stopped before its first iteration: {}",
                why.message()
            )));
        }
    };
    let mut k = 0usize;
    let mut last = LbfgsStep {
        k,
        cost: f,
        param: theta.clone(),
    };
    on_step(&last);

    let mut memory: VecDeque<(Array1<f64>, Array1<f64>, f64)> = VecDeque::with_capacity(MEMORY);
    let mut trial = Array1::<f64>::zeros(n_params);
    let mut trial_grad = Array1::<f64>::zeros(n_params);
    let ending = 'run: {
        if max_abs(&grad) <= lp.tol {
            break 'run Ending::Converged;
        }
        loop {
            if k as u64 >= max_iter {
                break 'run Ending::MaxIter;
            }
            // One iteration; a failed line search restarts once along −g with no memory
            // (L-BFGS-B's reset), and ends the run when even that fails. The accepted point
            // is left in `trial`, `trial_grad`.
            let f_new = loop {
                let mut d = direction(&grad, &memory);
                let mut gd = grad.dot(&d);
                if gd.is_nan() || gd >= 0.0 {
                    // Not a descent direction (rounding): forget the curvature pairs.
                    memory.clear();
                    d = grad.mapv(|v| -v);
                    gd = -grad.dot(&grad);
                }
                // L-BFGS-B's first step is 1/‖d‖ (a unit move), then 1.
                let stp0 = if k == 0 && memory.is_empty() {
                    (1.0 / d.dot(&d).sqrt()).min(1e10)
                } else {
                    1.0
                };
                let (mut ls, mut task) = Dcsrch::start(stp0, f, gd, 1e10);
                let mut stp = stp0;
                let mut found = None;
                let mut evaluations = 0;
                while task == Task::Evaluate && evaluations < MAX_LINE_SEARCH {
                    trial.assign(&theta);
                    trial.scaled_add(stp, &d);
                    let ft = match obj.evaluate(&trial, &mut trial_grad) {
                        Ok(v) => v,
                        Err(EvalStop::Cancelled) => return Err(Error::Cancelled),
                        Err(EvalStop::Early(_)) => break 'run Ending::Early,
                    };
                    evaluations += 1;
                    if !ft.is_finite() || trial_grad.iter().any(|v| !v.is_finite()) {
                        break; // overflow along d: a failed search
                    }
                    let gt = trial_grad.dot(&d);
                    let (next, t) = ls.iterate(stp, ft, gt);
                    task = t;
                    // dcsrch's warnings (no further progress) are accepted as L-BFGS-B does,
                    // unless f rose.
                    if task == Task::Converged || (task == Task::Warning && ft <= f) {
                        found = Some(ft);
                        break;
                    }
                    stp = next;
                }
                match found {
                    Some(ft) => break ft,
                    None if memory.is_empty() => break 'run Ending::LineSearchFailed,
                    None => memory.clear(),
                }
            };
            // Accept: s = θ_new − θ, y = g_new − g.
            let s = &trial - &theta;
            let yv = &trial_grad - &grad;
            let gd_old = grad.dot(&s);
            std::mem::swap(&mut theta, &mut trial);
            std::mem::swap(&mut grad, &mut trial_grad);
            let f_old = f;
            f = f_new;
            k += 1;
            progress.set(k as u64);
            last = LbfgsStep {
                k,
                cost: f,
                param: theta.clone(),
            };
            on_step(&last);
            if max_abs(&grad) <= lp.tol {
                break 'run Ending::Converged;
            }
            if f_old - f <= F_TOL * f_old.abs().max(f.abs()).max(1.0) {
                break 'run Ending::Converged;
            }
            // The curvature pair, skipped when sᵀy is not safely positive (L-BFGS-B's test).
            let sy = s.dot(&yv);
            if sy > f64::EPSILON * -gd_old {
                if memory.len() == MEMORY {
                    memory.pop_front();
                }
                memory.push_back((s, yv, 1.0 / sy));
            }
        }
    };
    // Out of iterations, time or evaluations, or stuck: the last accepted iterate,
    // unconverged (as an SVM that hits its limit). Its gradient is `grad`.
    let converged = match ending {
        Ending::Converged => true,
        Ending::MaxIter | Ending::LineSearchFailed | Ending::Early => false,
    };
    let (coef, intercept) = split_params(&theta, p, n_classes);
    if coef.iter().chain(intercept.iter()).any(|v| !v.is_finite()) {
        return Err(Error::Solver(
            "L-BFGS diverged (non-finite coefficients); try a larger alpha (smaller C) or \
             standardised features"
                .into(),
        ));
    }
    let model =
        logistic::model_from_parts(lp, coef, intercept, n_classes, k as u64, max_abs(&grad));
    progress.set(max_iter);
    Ok(Minimised {
        model,
        converged,
        last: Some(last),
    })
}

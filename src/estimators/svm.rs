//! Support vector classification (C-SVC) with scikit-learn's parameter names.
//!
//! Two engines produce the same [`SvmModel`]:
//! - [`fit_svm`] (the one the app uses): our own port of libsvm's SMO solver (second-order
//!   working-set selection, as linfa-svm's and libsvm's) over a kernel matrix whose columns are
//!   computed on demand, once, and shared by the one-vs-rest sub-models, which are solved in
//!   parallel. It exists because linfa-svm 0.8.1 has no public way to hand its solver a
//!   precomputed kernel: `Fit` always rebuilds the dense n×n matrix element by element
//!   (`linfa_kernel::dense_from_fn`), and that alone costs more than libsvm's whole fit.
//! - [`fit_svm_linfa`]: the same model fitted by linfa-svm itself, with every linfa 0.8.1 defect
//!   from LINFA_NOTES.md worked around. Kept as a cross-check and a fallback.
//!
//! Decision values are evaluated by us over the support vectors only (`Σ αᵢyᵢ k(xᵢ, x) − ρ`),
//! in blocks with matrix products; on a decision grid the Gaussian kernel factorises per
//! feature, which turns the grid into one small matrix product per band (see
//! [`SvmModel::decision_function`]).

use std::sync::OnceLock;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Error;
use crate::progress::Progress;

/// The largest training set accepted. The kernel matrix is dense (8·n² bytes): 800 MB at this
/// size if every column is needed (linfa's engine always builds all of it).
pub const MAX_SVM_ROWS: usize = 10_000;

/// The most SMO iterations per binary sub-model, as libsvm's (its `max_iter` is
/// max(10⁷, 100n), which is 10⁷ for every n ≤ [`MAX_SVM_ROWS`]). A fit that stops here, or on
/// its [`Progress`]'s time limit, returns its model with `converged() == false`.
pub const MAX_SVM_ITER: usize = 10_000_000;

/// The kernel function, in scikit-learn's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kernel {
    /// ⟨x, x'⟩
    Linear,
    /// exp(−γ‖x − x'‖²)
    Rbf,
    /// (γ⟨x, x'⟩ + coef0)^degree
    Poly,
}

/// The kernel coefficient γ of the RBF and polynomial kernels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Gamma {
    /// 1 / (p · Var(X)), the variance over all entries of X (scikit-learn's `gamma="scale"`);
    /// 1 when X is constant.
    Scale,
    Value(f64),
}

/// C-SVC parameters with scikit-learn's names and defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SvmParams {
    pub c: f64,
    pub kernel: Kernel,
    pub gamma: Gamma,
    pub degree: u32,
    pub coef0: f64,
    pub tol: f64,
}

impl Default for SvmParams {
    fn default() -> Self {
        Self {
            c: 1.0,
            kernel: Kernel::Rbf,
            gamma: Gamma::Scale,
            degree: 3,
            coef0: 0.0,
            tol: 1e-3,
        }
    }
}

impl SvmParams {
    /// Check every parameter the kernel uses (γ for RBF and polynomial, degree and coef0 for
    /// polynomial only: a value the kernel ignores does not block the fit); the message names
    /// the parameter and its valid range.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Param(m));
        if !(self.c.is_finite() && self.c > 0.0) {
            return bad(format!(
                "C must be a finite number > 0 (got {})",
                crate::error::Num(self.c)
            ));
        }
        if let Gamma::Value(g) = self.gamma
            && self.kernel != Kernel::Linear
            && !(g.is_finite() && g > 0.0)
        {
            return bad(format!(
                "gamma must be a finite number > 0 (got {})",
                crate::error::Num(g)
            ));
        }
        if self.kernel != Kernel::Poly {
            return super::check_tol(self.tol);
        }
        if !(1..=10).contains(&self.degree) {
            return bad(format!(
                "degree must be an integer in 1..=10 (got {})",
                self.degree
            ));
        }
        if !self.coef0.is_finite() {
            return bad(format!(
                "coef0 must be a finite number (got {})",
                crate::error::Num(self.coef0)
            ));
        }
        super::check_tol(self.tol)
    }

    /// γ as used by the kernel: `Scale` resolved on `x` (scikit-learn's formula).
    pub fn resolve_gamma(&self, x: ArrayView2<f64>) -> f64 {
        match self.gamma {
            Gamma::Value(g) => g,
            Gamma::Scale => scale_gamma(x),
        }
    }
}

/// scikit-learn's `gamma="scale"`: 1 / (n_features · X.var()), the population variance over
/// all entries; 1 when that variance is 0 (or X is empty).
pub fn scale_gamma(x: ArrayView2<f64>) -> f64 {
    let n = x.len();
    if n == 0 {
        return 1.0;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
    if var > 0.0 && var.is_finite() {
        1.0 / (x.ncols() as f64 * var)
    } else {
        1.0
    }
}

/// A fitted C-SVC: one binary model for 2 classes, one-vs-rest models for more.
/// Plain data: `Send + Sync + Clone`.
#[derive(Clone, Debug)]
pub struct SvmModel {
    kernel: Kernel,
    gamma: f64,
    degree: u32,
    coef0: f64,
    n_classes: usize,
    n_features: usize,
    /// The support vectors (union over the sub-models), rows of the training `x`, in
    /// `support` order.
    sv: Array2<f64>,
    /// ‖sv‖² per support vector.
    sv_sq: Array1<f64>,
    /// Dual coefficients yᵢαᵢ: one row per support vector, one column per sub-model.
    dual_coef: Array2<f64>,
    /// ρ per sub-model: decision(x) = Σ dual_coef·k(sv, x) − ρ.
    rho: Array1<f64>,
    /// Linear kernel only: w = svᵀ·dual_coef (p × models).
    linear_w: Option<Array2<f64>>,
    support: Vec<usize>,
    n_iter: usize,
    objective: Vec<f64>,
    converged: bool,
}

impl SvmModel {
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// Decision values: `n × 1` for 2 classes (> 0 ⇒ class 1), `n × k` one-vs-rest scores for
    /// k > 2 (column c > 0 ⇒ "class c rather than the rest").
    ///
    /// `x` must have [`Self::n_features`] columns; any other width gives a matrix of NaN
    /// (never a panic).
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let k = self.rho.len();
        let m = x.nrows();
        if x.ncols() != self.n_features {
            return Array2::from_elem((m, k), f64::NAN);
        }
        if m == 0 {
            return Array2::zeros((0, k));
        }
        if let Some(w) = &self.linear_w {
            return x.dot(w) - &self.rho;
        }
        if self.kernel == Kernel::Rbf
            && let Some(out) = self.rbf_factorised(x)
        {
            return out;
        }
        const BLOCK: usize = 1024;
        if m <= BLOCK {
            return self.kernel_block(x);
        }
        let blocks: Vec<Array2<f64>> = (0..m)
            .step_by(BLOCK)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|at| self.kernel_block(x.slice(s![at..(at + BLOCK).min(m), ..])))
            .collect();
        let views: Vec<ArrayView2<f64>> = blocks.iter().map(|b| b.view()).collect();
        ndarray::concatenate(Axis(0), &views).unwrap_or_else(|_| Array2::zeros((m, k)))
    }

    /// Class indices: the sign of the decision value for 2 classes, the largest one-vs-rest
    /// score for more.
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<usize> {
        let d = self.decision_function(x);
        if self.n_classes == 2 {
            return d.column(0).iter().map(|&v| usize::from(v > 0.0)).collect();
        }
        d.rows()
            .into_iter()
            .map(|r| {
                let mut best = 0;
                for (c, &v) in r.iter().enumerate() {
                    if v > r[best] {
                        best = c;
                    }
                }
                best
            })
            .collect()
    }

    /// Sorted training-row indices that are support vectors (α > 0) in any sub-model.
    pub fn support_indices(&self) -> &[usize] {
        &self.support
    }

    /// Linear kernel: the weight vector w = Σᵢ yᵢαᵢ xᵢ of each sub-model (`p × models`), in
    /// the space the model was fitted in; `None` for other kernels.
    pub fn linear_weights(&self) -> Option<ArrayView2<'_, f64>> {
        self.linear_w.as_ref().map(|w| w.view())
    }

    pub fn n_support(&self) -> usize {
        self.support.len()
    }

    /// Solver iterations, summed over the sub-models.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The γ actually used (`Scale` resolved); for the linear kernel, what `Scale` or the value
    /// resolved to although the kernel does not use it.
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// Dual objective ½αᵀQα − Σα per sub-model (libsvm's `obj`).
    pub fn dual_objective(&self) -> &[f64] {
        &self.objective
    }

    /// ρ per sub-model (decision = Σ yᵢαᵢ k(xᵢ, x) − ρ; scikit-learn's `intercept_` is −ρ).
    pub fn rho(&self) -> ArrayView1<'_, f64> {
        self.rho.view()
    }

    /// Dual coefficients yᵢαᵢ, one row per support vector (in [`Self::support_indices`]
    /// order), one column per sub-model; 0 where a row is not a support vector of that model.
    pub fn dual_coef(&self) -> ArrayView2<'_, f64> {
        self.dual_coef.view()
    }

    /// `false` when a sub-model stopped at the iteration limit before reaching `tol`.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Kernel values between a block of points and every support vector: `m × n_sv`.
    fn kernel_rows(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut g = x.dot(&self.sv.t());
        match self.kernel {
            Kernel::Linear => {}
            Kernel::Poly => {
                let (gamma, c0, d) = (self.gamma, self.coef0, self.degree as i32);
                g.mapv_inplace(|v| (gamma * v + c0).powi(d));
            }
            Kernel::Rbf => {
                let gamma = self.gamma;
                for (mut row, xr) in g.rows_mut().into_iter().zip(x.rows()) {
                    let xx = xr.dot(&xr);
                    for (v, &ss) in row.iter_mut().zip(self.sv_sq.iter()) {
                        // ‖x − s‖² = ‖x‖² + ‖s‖² − 2⟨x, s⟩, clamped against rounding.
                        let d2 = (xx + ss - 2.0 * *v).max(0.0);
                        *v = (-gamma * d2).exp();
                    }
                }
            }
        }
        g
    }

    fn kernel_block(&self, x: ArrayView2<f64>) -> Array2<f64> {
        self.kernel_rows(x).dot(&self.dual_coef) - &self.rho
    }

    /// Exact shortcut for the Gaussian kernel on batches with few distinct values per feature
    /// (a band of a decision grid): exp(−γ‖x − s‖²) = Π_f exp(−γ(x_f − s_f)²), so the factor of
    /// a constant feature folds into the coefficients and two varying features give
    /// `A · diag(c) · Bᵀ`, with one exponential per distinct value and support vector instead
    /// of one per point and support vector. `None` when the batch has no such structure.
    fn rbf_factorised(&self, x: ArrayView2<f64>) -> Option<Array2<f64>> {
        let (m, p) = x.dim();
        let n_sv = self.sv.nrows();
        if m < 64 || n_sv == 0 {
            return None;
        }
        // Distinct values per feature, and each point's index among them.
        let mut varying: Vec<(Vec<f64>, Vec<usize>, usize)> = Vec::new();
        let mut constant: Vec<(usize, f64)> = Vec::new();
        for f in 0..p {
            let col = x.column(f);
            let first = col[0];
            if col.iter().all(|&v| v == first) {
                constant.push((f, first));
                continue;
            }
            if varying.len() == 2 {
                return None;
            }
            let mut vals: Vec<f64> = col.to_vec();
            vals.sort_by(f64::total_cmp);
            vals.dedup();
            if vals.len() * 2 > m {
                return None;
            }
            let idx = col
                .iter()
                .map(|v| vals.binary_search_by(|u| u.total_cmp(v)).unwrap_or(0))
                .collect();
            varying.push((vals, idx, f));
        }
        let gamma = self.gamma;
        // Coefficients with the constant features' factors folded in: n_sv × models.
        let mut coef = self.dual_coef.clone();
        for (i, mut row) in coef.rows_mut().into_iter().enumerate() {
            let d2: f64 = constant
                .iter()
                .map(|&(f, v)| (v - self.sv[[i, f]]).powi(2))
                .sum();
            let w = (-gamma * d2).exp();
            row.mapv_inplace(|c| c * w);
        }
        let factor = |vals: &[f64], f: usize| -> Array2<f64> {
            Array2::from_shape_fn((vals.len(), n_sv), |(u, i)| {
                (-gamma * (vals[u] - self.sv[[i, f]]).powi(2)).exp()
            })
        };
        let k = self.rho.len();
        let mut out = Array2::zeros((m, k));
        match varying.as_slice() {
            [] => {
                let v = coef.sum_axis(Axis(0)) - &self.rho;
                for mut r in out.rows_mut() {
                    r.assign(&v);
                }
            }
            [(vals, idx, f)] => {
                let table = factor(vals, *f).dot(&coef) - &self.rho;
                for (mut r, &u) in out.rows_mut().into_iter().zip(idx) {
                    r.assign(&table.row(u));
                }
            }
            [(va, ia, fa), (vb, ib, fb)] => {
                if (va.len() + vb.len()) * 2 > m || va.len() * vb.len() > 4 * m {
                    return None;
                }
                let a = factor(va, *fa);
                let b = factor(vb, *fb);
                for c in 0..k {
                    let bc = &b * &coef.column(c);
                    let table = a.dot(&bc.t()); // |va| × |vb|
                    let rho = self.rho[c];
                    for (p_i, (&u, &w)) in ia.iter().zip(ib).enumerate() {
                        out[[p_i, c]] = table[[u, w]] - rho;
                    }
                }
            }
            _ => return None,
        }
        Some(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Input checks shared by both engines

fn check_input(
    params: &SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
) -> Result<(), Error> {
    params.validate()?;
    let n = x.nrows();
    if y.len() == n && n > MAX_SVM_ROWS {
        return Err(Error::Data(format!(
            "SVM is limited to {MAX_SVM_ROWS} rows (got {n}): its kernel matrix needs 8·n² \
             bytes ({:.1} GB here); subsample the data",
            8.0 * (n as f64).powi(2) / 1e9
        )));
    }
    super::input::check_x("SVM", x)?;
    super::input::check_classes("SVM", n, y, n_classes)
}

/// ±1 targets of the sub-models: class 1 vs 0 for two classes, class c vs rest for more.
fn sub_targets(y: ArrayView1<usize>, n_classes: usize) -> Vec<Vec<f64>> {
    let pos: Vec<usize> = if n_classes == 2 {
        vec![1]
    } else {
        (0..n_classes).collect()
    };
    pos.into_iter()
        .map(|c| y.iter().map(|&l| if l == c { 1.0 } else { -1.0 }).collect())
        .collect()
}

/// One solved sub-model: signed coefficients yᵢαᵢ per training row.
struct SubModel {
    coef: Vec<f64>,
    rho: f64,
    obj: f64,
    iter: usize,
    converged: bool,
}

fn assemble(
    params: &SvmParams,
    gamma: f64,
    x: ArrayView2<f64>,
    n_classes: usize,
    subs: Vec<SubModel>,
    threshold: f64,
) -> SvmModel {
    let n = x.nrows();
    let support: Vec<usize> = (0..n)
        .filter(|&i| subs.iter().any(|s| s.coef[i].abs() > threshold))
        .collect();
    let sv = x.select(Axis(0), &support);
    let sv_sq = sv.rows().into_iter().map(|r| r.dot(&r)).collect();
    let dual_coef = Array2::from_shape_fn((support.len(), subs.len()), |(r, c)| {
        let v = subs[c].coef[support[r]];
        if v.abs() > threshold { v } else { 0.0 }
    });
    let linear_w = (params.kernel == Kernel::Linear).then(|| sv.t().dot(&dual_coef));
    SvmModel {
        kernel: params.kernel,
        gamma,
        degree: params.degree,
        coef0: params.coef0,
        n_classes,
        n_features: x.ncols(),
        sv,
        sv_sq,
        dual_coef,
        rho: subs.iter().map(|s| s.rho).collect(),
        linear_w,
        support,
        n_iter: subs.iter().map(|s| s.iter).sum(),
        objective: subs.iter().map(|s| s.obj).collect(),
        converged: subs.iter().all(|s| s.converged),
    }
}

// ---------------------------------------------------------------------------------------------
// The native engine

/// Fit a C-SVC (one-vs-rest for more than 2 classes). `y` holds class indices `0..n_classes`.
pub fn fit_svm(
    params: &SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
) -> Result<SvmModel, Error> {
    check_input(params, x, y, n_classes)?;
    let gamma = params.resolve_gamma(x);
    let km = KernelMatrix::new(params, gamma, x);
    let targets = sub_targets(y, n_classes);
    progress.set_total(targets.len() as u64);
    let subs = targets
        .par_iter()
        .map(|t| {
            let s = solve_c_svc(&km, t, params.c, params.tol, progress, &mut NoObserver)?;
            progress.add(1);
            Ok(s)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(assemble(params, gamma, x, n_classes, subs, 0.0))
}

/// One report of the SMO solver to an [`SmoObserver`]: the state after `iteration` updates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmoStep {
    /// Updates (pairs of α changed) done so far; 0 is the start α = 0.
    pub iteration: usize,
    /// Dual objective ½αᵀQα − eᵀα at this α (0 at the start, negative after).
    pub dual_objective: f64,
    /// Maximal KKT violation m(α) − M(α) at this α; the solver stops once it is below `tol`.
    /// 0 when one of the two index sets is empty (nothing left to optimise).
    pub kkt_gap: f64,
    /// The solver's last report (converged or stopped at its iteration limit).
    pub last: bool,
}

/// Watches the SMO solver while it runs (loss curves). The solver asks [`Self::every`] before
/// each iteration and reports the iterations that are multiples of it, and always the last
/// state; the O(n) dual objective is computed only for reported iterations. An observer may
/// raise `every` as it goes (to keep a bounded number of points).
pub trait SmoObserver {
    /// `false` for the no-op observer of the plain fit: then no report costs anything.
    const ACTIVE: bool = true;
    /// Report every this many iterations (≥ 1).
    fn every(&self) -> usize;
    fn observe(&mut self, step: SmoStep);
}

/// The observer of the plain fit: nothing is computed for it.
struct NoObserver;

impl SmoObserver for NoObserver {
    const ACTIVE: bool = false;
    fn every(&self) -> usize {
        usize::MAX
    }
    fn observe(&mut self, _: SmoStep) {}
}

/// [`fit_svm`] with an observer on the solver of the FIRST sub-model (class 1 vs 0 for two
/// classes, class 0 vs the rest for more), which is solved on the calling thread while the
/// other one-vs-rest sub-models are solved in parallel. The model is the one [`fit_svm`]
/// returns (the solver is deterministic; the observer does not change it).
pub fn fit_svm_observed<O: SmoObserver>(
    params: &SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
    observer: &mut O,
) -> Result<SvmModel, Error> {
    check_input(params, x, y, n_classes)?;
    let gamma = params.resolve_gamma(x);
    let km = KernelMatrix::new(params, gamma, x);
    let targets = sub_targets(y, n_classes);
    progress.set_total(targets.len() as u64);
    let (first, rest) = targets.split_first().expect("at least one sub-model");
    let mut others: Vec<Option<Result<SubModel, Error>>> = (0..rest.len()).map(|_| None).collect();
    let km_ref = &km;
    let first = rayon::in_place_scope(|scope| {
        for (t, slot) in rest.iter().zip(others.iter_mut()) {
            scope.spawn(move |_| {
                let s = solve_c_svc(km_ref, t, params.c, params.tol, progress, &mut NoObserver);
                if s.is_ok() {
                    progress.add(1);
                }
                *slot = Some(s);
            });
        }
        let s = solve_c_svc(km_ref, first, params.c, params.tol, progress, observer);
        if s.is_ok() {
            progress.add(1);
        }
        s
    });
    let mut subs = vec![first?];
    for s in others {
        subs.push(s.ok_or_else(|| Error::Solver("a sub-model was not solved".into()))??);
    }
    Ok(assemble(params, gamma, x, n_classes, subs, 0.0))
}

/// The training kernel matrix K (not Q = yyᵀ∘K: the sub-models share it), column by column on
/// first use.
struct KernelMatrix {
    kernel: Kernel,
    gamma: f64,
    degree: i32,
    coef0: f64,
    n: usize,
    p: usize,
    /// Training rows, row-major.
    data: Vec<f64>,
    diag: Vec<f64>,
    cols: Vec<OnceLock<Box<[f64]>>>,
}

impl KernelMatrix {
    fn new(params: &SvmParams, gamma: f64, x: ArrayView2<f64>) -> Self {
        let (n, p) = x.dim();
        let data: Vec<f64> = x.iter().copied().collect(); // logical (row-major) order
        let mut km = KernelMatrix {
            kernel: params.kernel,
            gamma,
            degree: params.degree as i32,
            coef0: params.coef0,
            n,
            p,
            data,
            diag: Vec::new(),
            cols: (0..n).map(|_| OnceLock::new()).collect(),
        };
        km.diag = (0..n).map(|i| km.eval(km.row(i), km.row(i))).collect();
        km
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.p..(i + 1) * self.p]
    }

    #[inline]
    fn eval(&self, a: &[f64], b: &[f64]) -> f64 {
        match self.kernel {
            Kernel::Linear => dot(a, b),
            Kernel::Poly => (self.gamma * dot(a, b) + self.coef0).powi(self.degree),
            Kernel::Rbf => {
                let d2: f64 = a.iter().zip(b).map(|(u, v)| (u - v) * (u - v)).sum();
                (-self.gamma * d2).exp()
            }
        }
    }

    fn column(&self, i: usize) -> &[f64] {
        self.cols[i].get_or_init(|| {
            let xi = self.row(i);
            (0..self.n).map(|k| self.eval(xi, self.row(k))).collect()
        })
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(u, v)| u * v).sum()
}

/// libsvm's C-SVC solver (Fan, Chen & Lin 2005: SMO with second-order working-set selection),
/// without shrinking: min ½αᵀQα − eᵀα s.t. yᵀα = 0, 0 ≤ αᵢ ≤ C, Qᵢⱼ = yᵢyⱼKᵢⱼ. Stops when the
/// maximal KKT violation m(α) − M(α) < tol, as libsvm's `eps`.
fn solve_c_svc<O: SmoObserver>(
    km: &KernelMatrix,
    y: &[f64],
    c: f64,
    tol: f64,
    progress: &Progress,
    observer: &mut O,
) -> Result<SubModel, Error> {
    const TAU: f64 = 1e-12;
    let n = y.len();
    let max_iter = MAX_SVM_ITER;
    let mut alpha = vec![0.0; n];
    // Gradient of the dual: G = Qα − e.
    let mut g = vec![-1.0; n];
    let mut iter = 0;
    let mut converged = false;
    let qd = &km.diag;
    // Dual objective ½αᵀQα − eᵀα = ½ Σ αᵢ(Gᵢ − 1).
    let objective = |alpha: &[f64], g: &[f64]| {
        alpha
            .iter()
            .zip(g)
            .map(|(a, gi)| a * (gi - 1.0))
            .sum::<f64>()
            / 2.0
    };
    loop {
        // Every 1024 iterations: a cancel ends the fit, the time limit ends it unconverged.
        let out_of_time = iter % 1024 == 0 && {
            progress.check()?;
            iter > 0 && progress.out_of_time()
        };
        // Working set: i maximises −yᵢGᵢ over I_up, j minimises the second-order objective
        // decrease over I_low.
        let mut gmax = f64::NEG_INFINITY;
        let mut i_sel = usize::MAX;
        for t in 0..n {
            let yg = -y[t] * g[t];
            let in_up = if y[t] > 0.0 {
                alpha[t] < c
            } else {
                alpha[t] > 0.0
            };
            if in_up && yg >= gmax {
                gmax = yg;
                i_sel = t;
            }
        }
        if i_sel == usize::MAX {
            converged = true;
            if O::ACTIVE {
                observer.observe(SmoStep {
                    iteration: iter,
                    dual_objective: objective(&alpha, &g),
                    kkt_gap: 0.0,
                    last: true,
                });
            }
            break;
        }
        let ki = km.column(i_sel);
        let kii = qd[i_sel];
        let mut gmax2 = f64::NEG_INFINITY;
        let mut j_sel = usize::MAX;
        let mut obj_min = f64::INFINITY;
        for t in 0..n {
            let in_low = if y[t] > 0.0 {
                alpha[t] > 0.0
            } else {
                alpha[t] < c
            };
            if !in_low {
                continue;
            }
            let yg = y[t] * g[t];
            if yg >= gmax2 {
                gmax2 = yg;
            }
            let grad_diff = gmax + yg;
            if grad_diff > 0.0 {
                let quad = kii + qd[t] - 2.0 * ki[t];
                let quad = if quad > 0.0 { quad } else { TAU };
                let obj = -(grad_diff * grad_diff) / quad;
                if obj <= obj_min {
                    obj_min = obj;
                    j_sel = t;
                }
            }
        }
        let stop = gmax + gmax2 < tol || j_sel == usize::MAX;
        let bounded = iter >= max_iter || out_of_time;
        if O::ACTIVE && (stop || bounded || iter.is_multiple_of(observer.every().max(1))) {
            let gap = gmax + gmax2;
            observer.observe(SmoStep {
                iteration: iter,
                dual_objective: objective(&alpha, &g),
                kkt_gap: if gap.is_finite() { gap } else { 0.0 },
                last: stop || bounded,
            });
        }
        if stop {
            converged = true;
            break;
        }
        if bounded {
            break;
        }
        iter += 1;
        let (i, j) = (i_sel, j_sel);
        let kj = km.column(j);
        let (old_i, old_j) = (alpha[i], alpha[j]);
        let quad = kii + qd[j] - 2.0 * ki[j];
        let quad = if quad > 0.0 { quad } else { TAU };
        let (mut ai, mut aj) = (old_i, old_j);
        if y[i] != y[j] {
            let delta = (-g[i] - g[j]) / quad;
            let diff = ai - aj;
            ai += delta;
            aj += delta;
            if diff > 0.0 {
                if aj < 0.0 {
                    aj = 0.0;
                    ai = diff;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = -diff;
            }
            // Equal bounds C for both: libsvm's `diff > C_i − C_j` is `diff > 0`.
            if diff > 0.0 {
                if ai > c {
                    ai = c;
                    aj = c - diff;
                }
            } else if aj > c {
                aj = c;
                ai = c + diff;
            }
        } else {
            let delta = (g[i] - g[j]) / quad;
            let sum = ai + aj;
            ai -= delta;
            aj += delta;
            if sum > c {
                if ai > c {
                    ai = c;
                    aj = sum - c;
                }
            } else if aj < 0.0 {
                aj = 0.0;
                ai = sum;
            }
            if sum > c {
                if aj > c {
                    aj = c;
                    ai = sum - c;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = sum;
            }
        }
        alpha[i] = ai;
        alpha[j] = aj;
        // G_t += Q_ti Δα_i + Q_tj Δα_j, with Q_ti = y_t y_i K_ti.
        let di = y[i] * (ai - old_i);
        let dj = y[j] * (aj - old_j);
        for t in 0..n {
            g[t] += y[t] * (ki[t] * di + kj[t] * dj);
        }
    }
    // ρ: the average of yᵢGᵢ over free αᵢ, or the middle of the feasible interval.
    let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut sum_free, mut n_free) = (0.0, 0usize);
    for t in 0..n {
        let yg = y[t] * g[t];
        let at_upper = alpha[t] >= c;
        let at_lower = alpha[t] <= 0.0;
        if at_upper {
            if y[t] < 0.0 {
                ub = ub.min(yg);
            } else {
                lb = lb.max(yg);
            }
        } else if at_lower {
            if y[t] > 0.0 {
                ub = ub.min(yg);
            } else {
                lb = lb.max(yg);
            }
        } else {
            sum_free += yg;
            n_free += 1;
        }
    }
    let rho = if n_free > 0 {
        sum_free / n_free as f64
    } else {
        (ub + lb) / 2.0
    };
    let obj = objective(&alpha, &g);
    Ok(SubModel {
        coef: alpha.iter().zip(y).map(|(a, yi)| a * yi).collect(),
        rho,
        obj,
        iter,
        converged,
    })
}

// ---------------------------------------------------------------------------------------------
// The linfa engine

/// The same C-SVC fitted by linfa-svm 0.8.1, working around its defects (see LINFA_NOTES.md):
/// - scikit-learn's γ → linfa's knobs: Gaussian `eps = 1/γ`; the polynomial kernel has no γ
///   (it is (⟨x, x'⟩ + c)^d), so rows are scaled by √γ before fitting;
/// - `eps(tol)` (linfa's default is 1e-7), `shrinking(false)` (true panics in 0.8.1),
///   `pos_neg_weights(C, C)`, C-SVC only (its ν-SVC is broken);
/// - binary only, and `MultiClassModel` is not `Send`: one-vs-rest is built here;
/// - iterations are only in its `Display` text, parsed here.
pub fn fit_svm_linfa(
    params: &SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
) -> Result<SvmModel, Error> {
    use linfa::prelude::{DatasetBase, Fit, ParamGuard};
    use linfa_svm::Svm;

    check_input(params, x, y, n_classes)?;
    let gamma = params.resolve_gamma(x);
    let base = Svm::<f64, bool>::params()
        .pos_neg_weights(params.c, params.c)
        .eps(params.tol)
        .shrinking(false);
    let (lp, records) = match params.kernel {
        Kernel::Linear => (base.linear_kernel(), x.to_owned()),
        Kernel::Rbf => (base.gaussian_kernel(1.0 / gamma), x.to_owned()),
        Kernel::Poly => (
            base.polynomial_kernel(params.coef0, f64::from(params.degree)),
            x.mapv(|v| v * gamma.sqrt()),
        ),
    };
    let lp = lp.check().map_err(|e| Error::Solver(e.to_string()))?;
    let targets = sub_targets(y, n_classes);
    progress.set_total(targets.len() as u64);
    let mut subs = Vec::with_capacity(targets.len());
    for t in &targets {
        progress.check()?;
        let labels: Array1<bool> = t.iter().map(|&v| v > 0.0).collect();
        let ds = DatasetBase::new(records.view(), labels.view());
        let m = lp.fit(&ds).map_err(|e| Error::Solver(e.to_string()))?;
        let text = m.to_string();
        let iter = parse_iterations(&text).ok_or_else(|| {
            Error::Solver(format!("cannot read linfa's iteration count from {text:?}"))
        })?;
        subs.push(SubModel {
            coef: m.alpha.clone(),
            rho: m.rho,
            obj: parse_objective(&text).unwrap_or(f64::NAN),
            iter,
            converged: text.starts_with("Exited"),
        });
        progress.add(1);
    }
    // linfa counts |α| > 100·ε as a support vector (`Svm::nsupport`).
    Ok(assemble(
        params,
        gamma,
        x,
        n_classes,
        subs,
        100.0 * f64::EPSILON,
    ))
}

/// "Exited after N iterations with obj = …" or "Reached maximal iterations N with obj = …".
fn parse_iterations(text: &str) -> Option<usize> {
    let rest = text
        .strip_prefix("Exited after ")
        .or_else(|| text.strip_prefix("Reached maximal iterations "))?;
    rest.split_whitespace().next()?.parse().ok()
}

fn parse_objective(text: &str) -> Option<f64> {
    let rest = text.split("obj = ").nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linfa_display_is_parsed() {
        let t = "Exited after 123 iterations with obj = -4.5 and 7 support vectors";
        assert_eq!(parse_iterations(t), Some(123));
        assert_eq!(parse_objective(t), Some(-4.5));
        let t = "Reached maximal iterations 10000000 with obj = 2 and 1 support vectors";
        assert_eq!(parse_iterations(t), Some(10_000_000));
        assert_eq!(parse_iterations("something else"), None);
    }

    #[test]
    fn model_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<SvmModel>();
    }
}

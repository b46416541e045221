//! Support vector classification (C-SVC) with scikit-learn's parameter names.
//!
//! Two engines produce the same [`SvmModel`], chosen by [`SvmParams::engine`]:
//! - [`SvmEngine::Smo`] ("Ridgeline SMO", [`fit_svm_smo`]): our port of libsvm's solver
//!   ([`solver`]: SMO with second-order working-set selection and shrinking) over kernel
//!   columns from an LRU cache with a memory budget ([`cache`], [`SvmParams::cache_mb`]), so
//!   the training set is limited only by memory for the data (no n × n matrix). It exists
//!   because linfa-svm 0.8.1 has no public way to hand its solver a kernel cache: `Fit` always
//!   builds the dense n×n matrix element by element (`linfa_kernel::dense_from_fn`), and that
//!   alone costs more than libsvm's whole fit. Cancellable mid-solve, with progress.
//! - [`SvmEngine::Linfa`] ("linfa-svm", [`fit_svm_linfa`]): the same model fitted by
//!   linfa-svm itself, with every linfa 0.8.1 defect from LINFA_NOTES.md worked around. It
//!   keeps linfa's limits ([`MAX_LINFA_SVM_ROWS`]), and is cancellable only between its
//!   binary fits.
//!
//! More than two classes: one-vs-one, as libsvm and scikit-learn: k(k−1)/2 binary problems,
//! each on the rows of its two classes, solved in parallel; prediction by votes (ties to the
//! lower class index, as libsvm). Decision values are evaluated by us over the support vectors
//! only (`Σ αᵢyᵢ k(xᵢ, x) − ρ`), in blocks with matrix products; on a decision grid the
//! Gaussian kernel factorises per feature, which turns the grid into one small matrix product
//! per band (see [`SvmModel::decision_function_ovo`]).

mod cache;
mod solver;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Error;
use crate::progress::Progress;

/// The largest training set linfa-svm's engine accepts: it builds the dense kernel matrix
/// (8·n² bytes, 800 MB at this size). The SMO engine has no such limit.
pub const MAX_LINFA_SVM_ROWS: usize = 10_000;

/// The fewest SMO iterations allowed per binary problem, as libsvm's (its `max_iter` is
/// max(10⁷, 100n)). A fit that stops there, or on its [`Progress`]'s time limit, returns its
/// model with `converged() == false`.
pub const MAX_SVM_ITER: usize = 10_000_000;

/// The kernel cache's default budget, in MB (scikit-learn's `cache_size` is 200).
pub const DEFAULT_CACHE_MB: u32 = 256;
/// The largest kernel cache one may ask for, in MB.
pub const MAX_CACHE_MB: u32 = 65_536;

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

/// Which solver fits the SVM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SvmEngine {
    /// Our port of libsvm's SMO (shrinking, kernel cache with a budget).
    #[default]
    Smo,
    /// linfa-svm 0.8.1's own estimator.
    Linfa,
}

impl SvmEngine {
    pub const ALL: [SvmEngine; 2] = [SvmEngine::Smo, SvmEngine::Linfa];

    pub fn label(self) -> &'static str {
        match self {
            SvmEngine::Smo => "Ridgeline SMO",
            SvmEngine::Linfa => "linfa-svm",
        }
    }

    /// The name on the command line (`--engine`) and in its JSON.
    pub fn name(self) -> &'static str {
        match self {
            SvmEngine::Smo => "smo",
            SvmEngine::Linfa => "linfa",
        }
    }
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
    /// The solver.
    pub engine: SvmEngine,
    /// Kernel cache budget of the SMO engine, in MB (scikit-learn's `cache_size`).
    pub cache_mb: u32,
    /// libsvm's shrinking heuristic (scikit-learn's `shrinking`), SMO engine only.
    pub shrinking: bool,
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
            engine: SvmEngine::Smo,
            cache_mb: DEFAULT_CACHE_MB,
            shrinking: true,
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
        if !(1..=MAX_CACHE_MB).contains(&self.cache_mb) {
            return bad(format!(
                "cache_mb (the kernel cache, in MB) must be an integer in 1..={MAX_CACHE_MB} \
                 (got {})",
                self.cache_mb
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

/// The binary problems of `n_classes` classes, in libsvm's order: (0, 1), (0, 2), …,
/// (1, 2), …; one pair (0, 1) for two classes.
pub fn class_pairs(n_classes: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for a in 0..n_classes {
        for b in a + 1..n_classes {
            out.push((a, b));
        }
    }
    out
}

/// A fitted C-SVC: one binary model for 2 classes, k(k−1)/2 one-vs-one models for more.
/// Plain data: `Send + Sync + Clone`.
#[derive(Clone, Debug)]
pub struct SvmModel {
    kernel: Kernel,
    gamma: f64,
    degree: u32,
    coef0: f64,
    n_classes: usize,
    n_features: usize,
    engine: SvmEngine,
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
    n_support_per_class: Vec<usize>,
    n_iter: usize,
    objective: Vec<f64>,
    kkt_gap: Vec<f64>,
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

    /// The engine that fitted the model.
    pub fn engine(&self) -> SvmEngine {
        self.engine
    }

    /// The binary sub-models' classes, one per column of [`Self::dual_coef`],
    /// [`Self::rho`] and [`Self::decision_function_ovo`]: (0, 1) for two classes, else
    /// (a, b) for every a < b in libsvm's order, positive meaning `a`.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        class_pairs(self.n_classes)
    }

    /// Decision values: `n × 1` for 2 classes (> 0 ⇒ class 1). For k > 2 classes, `n × k`
    /// per-class scores, scikit-learn's `decision_function_shape="ovr"` of a one-vs-one SVC:
    /// the votes each class gets plus its summed one-vs-one confidences squashed into
    /// (−⅓, ⅓) — the largest is the voted class (ties apart), the gap to the runner-up how
    /// sure the vote is.
    ///
    /// `x` must have [`Self::n_features`] columns; any other width gives a matrix of NaN
    /// (never a panic).
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let d = self.decision_function_ovo(x);
        if self.n_classes == 2 {
            return d;
        }
        self.ovr_from_ovo(d.view())
    }

    /// [`Self::decision_function`]'s per-class scores from the one-vs-one values `d` of
    /// [`Self::decision_function_ovo`] (for a caller that needs both without evaluating the
    /// kernel twice). `d` is returned as it is for two classes.
    pub fn ovr_from_ovo(&self, d: ArrayView2<f64>) -> Array2<f64> {
        if self.n_classes == 2 {
            return d.to_owned();
        }
        let k = self.n_classes;
        let mut out = Array2::zeros((d.nrows(), k));
        let pairs = self.pairs();
        for (mut o, r) in out.rows_mut().into_iter().zip(d.rows()) {
            let mut votes = vec![0.0; k];
            let mut conf = vec![0.0; k];
            for (&(a, b), &v) in pairs.iter().zip(r.iter()) {
                // scikit-learn's `_ovr_decision_function(dec < 0, -dec, k)`.
                conf[a] += v;
                conf[b] -= v;
                if v < 0.0 {
                    votes[b] += 1.0;
                } else {
                    votes[a] += 1.0;
                }
                if v.is_nan() {
                    votes[a] = f64::NAN;
                }
            }
            for c in 0..k {
                o[c] = votes[c] + conf[c] / (3.0 * (conf[c].abs() + 1.0));
            }
        }
        out
    }

    /// The sub-models' own decision values, `n × pairs` (scikit-learn's
    /// `decision_function_shape="ovo"` for k > 2; for 2 classes the same as
    /// [`Self::decision_function`]).
    pub fn decision_function_ovo(&self, x: ArrayView2<f64>) -> Array2<f64> {
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

    /// Class indices: the sign of the decision value for 2 classes; for more, libsvm's vote
    /// (sub-model (a, b) votes a when its value is > 0, else b; most votes wins, ties to the
    /// lower class index).
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<usize> {
        let d = self.decision_function_ovo(x);
        if self.n_classes == 2 {
            return d.column(0).iter().map(|&v| usize::from(v > 0.0)).collect();
        }
        let pairs = self.pairs();
        let k = self.n_classes;
        d.rows()
            .into_iter()
            .map(|r| {
                let mut votes = vec![0usize; k];
                for (&(a, b), &v) in pairs.iter().zip(r.iter()) {
                    votes[if v > 0.0 { a } else { b }] += 1;
                }
                let mut best = 0;
                for c in 1..k {
                    if votes[c] > votes[best] {
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

    /// Support vectors per class (scikit-learn's `n_support_`).
    pub fn n_support_per_class(&self) -> &[usize] {
        &self.n_support_per_class
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

    /// The maximal KKT violation m(α) − M(α) per sub-model at the returned α (below `tol`
    /// when converged; NaN where the engine does not say, as linfa's).
    pub fn kkt_gap(&self) -> &[f64] {
        &self.kkt_gap
    }

    /// ρ per sub-model (decision = Σ yᵢαᵢ k(xᵢ, x) − ρ; scikit-learn's `intercept_` is −ρ).
    pub fn rho(&self) -> ArrayView1<'_, f64> {
        self.rho.view()
    }

    /// Dual coefficients yᵢαᵢ, one row per support vector (in [`Self::support_indices`]
    /// order), one column per sub-model (see [`Self::pairs`]); 0 where a row is not a
    /// support vector of that model.
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
    super::input::check_x("SVM", x)?;
    super::input::check_classes("SVM", x.nrows(), y, n_classes)
}

/// One binary sub-problem: its classes, its rows (sorted) and their ±1 targets.
struct SubProblem {
    rows: Vec<usize>,
    y: Vec<f64>,
}

/// The sub-problems: for two classes every row, +1 for class 1; for more, one per pair
/// (a, b) on the rows of a and b, +1 for a (libsvm's sign).
fn sub_problems(y: ArrayView1<usize>, n_classes: usize) -> Vec<SubProblem> {
    if n_classes == 2 {
        return vec![SubProblem {
            rows: (0..y.len()).collect(),
            y: y.iter().map(|&l| if l == 1 { 1.0 } else { -1.0 }).collect(),
        }];
    }
    class_pairs(n_classes)
        .into_iter()
        .map(|(a, b)| {
            let rows: Vec<usize> = (0..y.len()).filter(|&i| y[i] == a || y[i] == b).collect();
            let t = rows
                .iter()
                .map(|&i| if y[i] == a { 1.0 } else { -1.0 })
                .collect();
            SubProblem { rows, y: t }
        })
        .collect()
}

/// One solved sub-model: signed coefficients yᵢαᵢ per training row (0 off its rows).
struct SubModel {
    coef: Vec<f64>,
    rho: f64,
    obj: f64,
    iter: usize,
    converged: bool,
    gap: f64,
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    params: &SvmParams,
    engine: SvmEngine,
    gamma: f64,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    subs: Vec<SubModel>,
    threshold: f64,
) -> SvmModel {
    let n = x.nrows();
    let support: Vec<usize> = (0..n)
        .filter(|&i| subs.iter().any(|s| s.coef[i].abs() > threshold))
        .collect();
    let mut n_support_per_class = vec![0; n_classes];
    for &i in &support {
        n_support_per_class[y[i]] += 1;
    }
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
        engine,
        sv,
        sv_sq,
        dual_coef,
        rho: subs.iter().map(|s| s.rho).collect(),
        linear_w,
        support,
        n_support_per_class,
        n_iter: subs.iter().map(|s| s.iter).sum(),
        objective: subs.iter().map(|s| s.obj).collect(),
        kkt_gap: subs.iter().map(|s| s.gap).collect(),
        converged: subs.iter().all(|s| s.converged),
    }
}

// ---------------------------------------------------------------------------------------------
// The engines

/// Fit a C-SVC with the engine [`SvmParams::engine`] names. `y` holds class indices
/// `0..n_classes`.
pub fn fit_svm(
    params: &SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
) -> Result<SvmModel, Error> {
    match params.engine {
        SvmEngine::Smo => fit_svm_smo(params, x, y, n_classes, progress),
        SvmEngine::Linfa => fit_svm_linfa(params, x, y, n_classes, progress),
    }
}

/// Fit a C-SVC with our SMO solver, whatever [`SvmParams::engine`] says.
pub fn fit_svm_smo(
    params: &SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
) -> Result<SvmModel, Error> {
    fit_svm_observed(params, x, y, n_classes, progress, &mut NoObserver)
}

/// One report of the SMO solver to an [`SmoObserver`]: the state after `iteration` updates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmoStep {
    /// Updates (pairs of α changed) done so far; 0 is the start α = 0.
    pub iteration: usize,
    /// Dual objective ½αᵀQα − eᵀα at this α (0 at the start, negative after).
    pub dual_objective: f64,
    /// Maximal KKT violation m(α) − M(α) at this α (over the rows still active while the
    /// solver shrinks; over every row in the last report); the solver stops once it is below
    /// `tol`. 0 when one of the two index sets is empty (nothing left to optimise).
    pub kkt_gap: f64,
    /// The solver's last report (converged or stopped at its iteration limit).
    pub last: bool,
}

/// Watches the SMO solver while it runs (loss curves). The solver asks [`Self::every`] before
/// each iteration and reports the iterations that are multiples of it, and always the last
/// state. An observer may raise `every` as it goes (to keep a bounded number of points).
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

/// The SMO fit ([`fit_svm_smo`]) with an observer on the solver of the FIRST sub-model
/// (class 1 vs 0 for two classes, class 0 vs class 1 for more), which is solved on the
/// calling thread while the other one-vs-one sub-models are solved in parallel. The model is
/// the one [`fit_svm_smo`] returns (the solver is deterministic; the observer does not change
/// it).
///
/// Progress: 1000 per sub-model, advanced as its KKT gap falls towards `tol` (on a log
/// scale), so a long fit's bar moves.
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
    let problems = sub_problems(y, n_classes);
    progress.set_total(1000 * problems.len() as u64);
    // The cache budget is shared by the solvers running at once.
    let at_once = problems.len().min(rayon::current_num_threads()).max(1);
    let budget = (params.cache_mb as usize) << 20;
    let settings = |rows: usize| solver::SolverSettings {
        kernel: solver::KernelFn {
            kind: params.kernel,
            gamma,
            coef0: params.coef0,
            degree: params.degree as i32,
        },
        c: params.c,
        eps: params.tol,
        shrinking: params.shrinking,
        cache_bytes: budget / at_once,
        max_iter: MAX_SVM_ITER.max(rows.saturating_mul(100)),
    };
    let solve = |pb: &SubProblem| -> Result<SubModel, Error> {
        let s = settings(pb.rows.len());
        let sol = solver::solve(x, &pb.rows, &pb.y, &s, progress, &mut NoObserver)?;
        Ok(to_sub(sol, pb, x.nrows()))
    };
    let (first, rest) = problems.split_first().expect("at least one sub-model");
    let mut others: Vec<Option<Result<SubModel, Error>>> = (0..rest.len()).map(|_| None).collect();
    // Largest problems first (rayon's pool takes them in order), so the longest one does not
    // start last and leave a thread idle at the end.
    let mut order: Vec<(&SubProblem, &mut Option<Result<SubModel, Error>>)> =
        rest.iter().zip(others.iter_mut()).collect();
    order.sort_by_key(|(pb, _)| std::cmp::Reverse(pb.rows.len()));
    let first = rayon::in_place_scope(|scope| {
        for (pb, slot) in order {
            let solve = &solve;
            scope.spawn(move |_| {
                *slot = Some(solve(pb));
            });
        }
        let s = settings(first.rows.len());
        solver::solve(x, &first.rows, &first.y, &s, progress, observer)
            .map(|sol| to_sub(sol, first, x.nrows()))
    });
    let mut subs = vec![first?];
    for s in others {
        subs.push(s.ok_or_else(|| Error::Solver("a sub-model was not solved".into()))??);
    }
    Ok(assemble(
        params,
        SvmEngine::Smo,
        gamma,
        x,
        y,
        n_classes,
        subs,
        0.0,
    ))
}

fn to_sub(sol: solver::Solution, pb: &SubProblem, n: usize) -> SubModel {
    let mut coef = vec![0.0; n];
    for ((&r, &t), &a) in pb.rows.iter().zip(&pb.y).zip(&sol.alpha) {
        coef[r] = a * t;
    }
    SubModel {
        coef,
        rho: sol.rho,
        obj: sol.obj,
        iter: sol.iter,
        converged: sol.converged,
        gap: sol.gap,
    }
}

// ---------------------------------------------------------------------------------------------
// The linfa engine

/// The same C-SVC fitted by linfa-svm 0.8.1, working around its defects (see LINFA_NOTES.md):
/// - scikit-learn's γ → linfa's knobs: Gaussian `eps = 1/γ`; the polynomial kernel has no γ
///   (it is (⟨x, x'⟩ + c)^d), so rows are scaled by √γ before fitting;
/// - `eps(tol)` (linfa's default is 1e-7), `shrinking(false)` (true panics in 0.8.1),
///   `pos_neg_weights(C, C)`, C-SVC only (its ν-SVC is broken);
/// - binary only, and `MultiClassModel` is not `Send`: one-vs-one is built here, as for SMO;
/// - iterations are only in its `Display` text, parsed here;
/// - it builds the dense n × n kernel matrix: at most [`MAX_LINFA_SVM_ROWS`] rows per binary
///   problem; it cannot be cancelled inside one binary fit.
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
    let problems = sub_problems(y, n_classes);
    if let Some(pb) = problems
        .iter()
        .find(|pb| pb.rows.len() > MAX_LINFA_SVM_ROWS)
    {
        let n = pb.rows.len();
        return Err(Error::Data(format!(
            "the linfa-svm engine is limited to {MAX_LINFA_SVM_ROWS} rows per binary problem \
             (got {n}): it builds the whole kernel matrix, 8·n² bytes ({:.1} GB here); choose \
             the Ridgeline SMO engine (--engine smo), which has no such limit",
            8.0 * (n as f64).powi(2) / 1e9
        )));
    }
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
    progress.set_total(problems.len() as u64);
    let mut subs = Vec::with_capacity(problems.len());
    for pb in &problems {
        progress.check()?;
        let labels: Array1<bool> = pb.y.iter().map(|&v| v > 0.0).collect();
        let sub_x = records.select(Axis(0), &pb.rows);
        let ds = DatasetBase::new(sub_x.view(), labels.view());
        let m = lp.fit(&ds).map_err(|e| Error::Solver(e.to_string()))?;
        let text = m.to_string();
        let iter = parse_iterations(&text).ok_or_else(|| {
            Error::Solver(format!("cannot read linfa's iteration count from {text:?}"))
        })?;
        let mut coef = vec![0.0; x.nrows()];
        for (&r, &a) in pb.rows.iter().zip(m.alpha.iter()) {
            coef[r] = a;
        }
        subs.push(SubModel {
            coef,
            rho: m.rho,
            obj: parse_objective(&text).unwrap_or(f64::NAN),
            iter,
            converged: text.starts_with("Exited"),
            gap: f64::NAN,
        });
        progress.add(1);
    }
    // linfa counts |α| > 100·ε as a support vector (`Svm::nsupport`).
    Ok(assemble(
        params,
        SvmEngine::Linfa,
        gamma,
        x,
        y,
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

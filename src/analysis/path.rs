//! Regularisation paths (elastic net / lasso / ridge, logistic) with k-fold cross-validation.
//!
//! [`regularization_path`] fits one model per α of a descending grid on the given rows and,
//! when asked, the same grid on each of k folds, and reports the coefficients per α and the
//! cross-validated error per α with its 95 % Student-t interval, `alpha_best` and `alpha_1se`.
//! Results stream through a callback: after each α of the main path and after each fold.
//!
//! # Grids ([`AlphaGrid::Auto`])
//! - elastic net, ρ = l1_ratio > 0: scikit-learn's: α_max = max|Xᵀy|/(n·ρ) on the centred (and
//!   standardised) rows, the smallest α at which every coefficient is 0, down to α_max·eps,
//!   `n_alphas` values evenly spaced on a log scale, descending. The same grid is used by every
//!   fold (as `ElasticNetCV`). If α_max ≤ 1e-15 (constant y), every α is 1e-15 (numpy's float64
//!   resolution), as scikit-learn.
//! - ridge (ρ = 0) has no α_max (no α makes the coefficients exactly 0). Its grid is centred on
//!   the data's scale s = trace(XcᵀXc/n)/p, the mean feature variance (1 after standardising):
//!   from s/eps down to s·eps (eps = 1e-3: from 1000·s to 0.001·s). At the top every direction
//!   is shrunk by d/(d+α) ≤ p/(p+1000) (d an eigenvalue of XcᵀXc/n, d ≤ p·s); at the bottom
//!   every direction with d ≫ 0.001·s is close to least squares. (glmnet's α_max "as if ρ = 0.001" reaches only strongly
//!   shrunk models with the default eps, so it is not used.)
//! - logistic: α = 1/C with C = logspace(-4, 4, n_alphas), `LogisticRegressionCV`'s default
//!   C range; `eps` is ignored. α descends from 1e4 to 1e-4.
//!
//! # Coefficient layout
//! Coefficients are in the standardised space (when `standardize`) and `coefs[i]` holds
//! `n_outputs × p` numbers, output-major: output `o`'s coefficients are
//! `coefs[i][o*p .. (o+1)*p]`. Outputs are named in [`PathResult::outputs`]: the target for the
//! elastic net (1 output), class 1 for binary logistic (1 output, the logit of class 1), every
//! class for multinomial logistic (k outputs). `intercepts[i]` has `n_outputs` values.
//!
//! # Solver
//! The elastic net uses the warm-started coordinate descent below, not linfa: linfa 0.8.1's
//! `ElasticNet` has no warm start (every fit starts from w = 0), and a path is 100 neighbouring
//! problems where the previous solution is an excellent start. The objective is linfa's and
//! scikit-learn's, `1/(2n)‖y−Xw‖² + αρ‖w‖₁ + α(1−ρ)/2‖w‖²` on centred data (intercept
//! b = ȳ − x̄·w), cyclic coordinate order, stopping when the duality gap ≤ tol·‖y−ȳ‖²/n
//! (scikit-learn's rule on the scale of this objective). The gap takes the better of two dual
//! points: scikit-learn's (the lasso dual of the augmented problem, good for ρ near 1) and the
//! Fenchel dual of the L2 part (valid for ρ < 1; for ridge the first gives no useful bound, which
//! is why linfa's ridge fits never meet their tolerance). The gap is written so that no term of
//! the size of ‖y‖² cancels, and the incremental Xᵀr (or r) is recomputed every 16 sweeps and
//! before declaring convergence: rounding drift otherwise stalls tolerances below ~1e-12.
//! Plain least squares (α = 0) has no usable gap: it runs `max_iter`
//! sweeps and reports `converged = false`. With p ≤ 2048 and n ≥ p the sweeps use the Gram matrix XᵀX/n (O(p²) per sweep),
//! otherwise a residual vector (O(n·p)). Logistic paths call [`fit_logistic`] (linfa's L-BFGS)
//! once per α, without warm start.
//!
//! # Threads
//! The main path runs on the calling thread (which also calls `emit`); folds run on rayon's
//! pool. Cancellation ([`Progress::cancel`]) is checked every sweep and every α.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, TryRecvError};
use ndarray::{Array2, Axis};

use crate::estimators::enet_cd::{EnData, dot};
use serde::{Deserialize, Serialize};

use crate::analysis::cv::{fold_of_rows, t975};
use crate::analysis::metrics;
use crate::data::prep::{self, Standardizer};
use crate::data::{Dataset, Target};
use crate::estimators::Error;
use crate::estimators::logistic::{LogisticModel, LogisticParams, fit_logistic};
use crate::progress::Progress;

/// Which model's path.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum PathModel {
    /// Elastic net with mixing ρ = `l1_ratio`: 1 = lasso, 0 = ridge.
    ElasticNet { l1_ratio: f64 },
    /// L2 logistic regression, α = 1/C (binary or multinomial).
    Logistic,
}

impl PathModel {
    pub fn lasso() -> Self {
        PathModel::ElasticNet { l1_ratio: 1.0 }
    }

    pub fn ridge() -> Self {
        PathModel::ElasticNet { l1_ratio: 0.0 }
    }

    /// `lasso`, `ridge`, `elasticnet` or `logistic`.
    pub fn name(self) -> &'static str {
        match self {
            PathModel::ElasticNet { l1_ratio: 1.0 } => "lasso",
            PathModel::ElasticNet { l1_ratio: 0.0 } => "ridge",
            PathModel::ElasticNet { .. } => "elasticnet",
            PathModel::Logistic => "logistic",
        }
    }
}

/// The α values (see the module docs for the automatic grids).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AlphaGrid {
    Auto {
        n_alphas: usize,
        eps: f64,
    },
    /// Any order; they are sorted descending.
    Given(Vec<f64>),
}

impl Default for AlphaGrid {
    fn default() -> Self {
        AlphaGrid::Auto {
            n_alphas: 100,
            eps: 1e-3,
        }
    }
}

/// What to compute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathRequest {
    pub model: PathModel,
    pub grid: AlphaGrid,
    /// k-fold cross-validation over the rows (shuffled with `seed`, stratified for classes).
    pub cv_folds: Option<usize>,
    pub seed: u64,
    /// z-score the features (fitted on the rows used, and inside each fold on its training
    /// rows only).
    pub standardize: bool,
    /// Cap on coordinate-descent sweeps (elastic net) or L-BFGS iterations (logistic) per α.
    pub max_iter: u64,
    /// Elastic net: duality-gap tolerance relative to ‖y−ȳ‖²/n; logistic: gradient norm.
    pub tol: f64,
}

impl PathRequest {
    /// scikit-learn's defaults: 100 α, eps 1e-3, max_iter 1000, tol 1e-4; no CV; standardised.
    pub fn new(model: PathModel) -> Self {
        Self {
            model,
            grid: AlphaGrid::default(),
            cv_folds: None,
            seed: 0,
            standardize: true,
            max_iter: 1000,
            tol: 1e-4,
        }
    }

    pub fn validate(&self) -> Result<(), Error> {
        let bad = |s: String| Err(Error::Param(s));
        if let PathModel::ElasticNet { l1_ratio } = self.model
            && !(0.0..=1.0).contains(&l1_ratio)
        {
            return bad(format!(
                "l1_ratio must be between 0 and 1, got {}",
                crate::error::Num(l1_ratio)
            ));
        }
        match &self.grid {
            AlphaGrid::Auto { n_alphas, eps } => {
                if !(1..=MAX_ALPHAS).contains(n_alphas) {
                    return bad(format!(
                        "n_alphas must be between 1 and {MAX_ALPHAS}, got {n_alphas}"
                    ));
                }
                if !(*eps > 0.0 && *eps < 1.0) {
                    return bad(format!(
                        "eps must be between 0 and 1 (exclusive), got {}",
                        crate::error::Num(*eps)
                    ));
                }
            }
            AlphaGrid::Given(a) => {
                if a.is_empty() || a.len() > MAX_ALPHAS {
                    return bad(format!(
                        "give between 1 and {MAX_ALPHAS} alphas, got {}",
                        a.len()
                    ));
                }
                if let Some(v) = a.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                    return bad(format!(
                        "alphas must be finite numbers >= 0, got {}",
                        crate::error::Num(*v)
                    ));
                }
            }
        }
        if let Some(k) = self.cv_folds
            && k < 2
        {
            return bad(format!("cv folds must be at least 2, got {k}"));
        }
        crate::estimators::check_max_iter(self.max_iter)?;
        crate::estimators::check_tol(self.tol)
    }
}

/// Most α values a grid may have.
pub const MAX_ALPHAS: usize = 10_000;

/// The path computed so far (all of it once [`regularization_path`] returns).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathResult {
    /// `lasso`, `ridge`, `elasticnet` or `logistic`.
    pub model: &'static str,
    /// ρ for the elastic net family.
    pub l1_ratio: Option<f64>,
    pub features: Vec<String>,
    /// What each block of p coefficients is for (see the module docs).
    pub outputs: Vec<String>,
    /// The whole grid, descending, known from the first emit.
    pub alphas: Vec<f64>,
    /// One row per α computed so far: `outputs.len() × p` values, output-major.
    pub coefs: Vec<Vec<f64>>,
    /// One row per α computed so far: `outputs.len()` values.
    pub intercepts: Vec<Vec<f64>>,
    /// Features with a nonzero coefficient (for some output), per α.
    pub n_nonzero: Vec<usize>,
    /// Coordinate-descent sweeps (elastic net) or L-BFGS iterations (logistic) per α.
    pub n_iter: Vec<usize>,
    /// Whether the stopping rule was met (not merely `max_iter`), per α.
    pub converged: Vec<bool>,
    pub cv: Option<PathCv>,
    /// Wall time of the main path (from the call until its last α).
    pub path_ms: f64,
    /// Wall time from starting the folds until the last fold finished (overlaps `path_ms`).
    pub cv_ms: f64,
}

impl PathResult {
    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    /// Coefficients of output `o` at α number `i` (if computed).
    pub fn coef(&self, i: usize, o: usize) -> Option<&[f64]> {
        let p = self.features.len();
        self.coefs
            .get(i)
            .and_then(|row| row.get(o * p..(o + 1) * p))
    }

    /// Coefficients of output `o` at any α inside the computed part of the path, linear in α
    /// between the two computed α around it (exact for the lasso between two kinks, where
    /// the path is a straight line in α); clamped to the ends outside it. What the path
    /// view lists beside the plot as the marker moves, with no refit.
    pub fn coefs_at(&self, alpha: f64, o: usize) -> Option<Vec<f64>> {
        let done = self.coefs.len().min(self.alphas.len());
        if done == 0 || !alpha.is_finite() {
            return None;
        }
        let alphas = &self.alphas[..done];
        // Descending: the first computed α at or below `alpha`.
        let below = alphas.iter().position(|&a| a <= alpha);
        let (i, j) = match below {
            None => (done - 1, done - 1),
            Some(0) => (0, 0),
            Some(k) => (k - 1, k),
        };
        let (hi, lo) = (self.coef(i, o)?, self.coef(j, o)?);
        if i == j || alphas[i] == alphas[j] {
            return Some(hi.to_vec());
        }
        let t = (alphas[i] - alpha) / (alphas[i] - alphas[j]);
        Some(hi.iter().zip(lo).map(|(&a, &b)| a + t * (b - a)).collect())
    }

    /// Every α of the main path and every fold are done.
    pub fn is_complete(&self) -> bool {
        self.coefs.len() == self.alphas.len()
            && self
                .cv
                .as_ref()
                .is_none_or(|cv| cv.folds_done == cv.n_folds)
    }
}

/// Cross-validated error along the path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathCv {
    /// `mse` (elastic net) or `log_loss` (logistic, mean per held-out row): lower is better.
    pub metric: &'static str,
    pub n_folds: usize,
    /// Held-out rows of each fold.
    pub fold_sizes: Vec<usize>,
    pub folds_done: usize,
    /// Per fold: its scores have arrived.
    pub fold_done: Vec<bool>,
    /// `[α][fold]`; NaN (null in JSON) for folds not finished yet.
    pub fold_scores: Vec<Vec<f64>>,
    /// Per α: every finished fold met its stopping rule.
    pub converged: Vec<bool>,
    /// Per α, over the finished folds: mean, 95 % t-interval, standard error s/√k. Empty
    /// until a fold is done.
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    pub se: Vec<f64>,
    /// α of the smallest mean error (the largest such α on ties).
    pub index_best: Option<usize>,
    pub alpha_best: Option<f64>,
    /// The largest α whose mean error ≤ best mean + the best α's standard error.
    pub index_1se: Option<usize>,
    pub alpha_1se: Option<f64>,
}

/// Summary of fold scores along a descending α grid (see [`summarize_cv`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CvCurve {
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    /// Standard error of the mean, s/√k (sample s, k − 1 denominator); 0 for one fold.
    pub se: Vec<f64>,
    /// Index of the smallest mean (the first, i.e. the largest α, on ties; NaN means never win).
    pub index_best: usize,
    /// Smallest index (largest α) whose mean ≤ mean[best] + se[best].
    pub index_1se: usize,
}

/// Summarise `scores[i]` = the fold errors at α number i (α descending): mean, 95 % Student-t
/// interval (as [`crate::analysis::cv::mean_ci95`]), standard error, the best α and the
/// one-standard-error α. `None` for no α, no folds, or rows of different lengths.
pub fn summarize_cv(scores: &[Vec<f64>]) -> Option<CvCurve> {
    if scores.is_empty()
        || scores
            .iter()
            .any(|s| s.is_empty() || s.len() != scores[0].len())
    {
        return None;
    }
    let m = scores.len();
    let mut c = CvCurve {
        mean: Vec::with_capacity(m),
        lo: Vec::with_capacity(m),
        hi: Vec::with_capacity(m),
        se: Vec::with_capacity(m),
        index_best: 0,
        index_1se: 0,
    };
    // mean_ci95's interval, with the t quantile computed once (all α have the same k).
    let k = scores[0].len();
    let t = if k < 2 { 0.0 } else { t975(k - 1) };
    for s in scores {
        let k = s.len();
        let mean = s.iter().sum::<f64>() / k as f64;
        let se = if k < 2 {
            0.0
        } else {
            (s.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1) as f64 / k as f64).sqrt()
        };
        c.mean.push(mean);
        c.lo.push(mean - t * se);
        c.hi.push(mean + t * se);
        c.se.push(se);
    }
    let key = |v: f64| if v.is_nan() { f64::INFINITY } else { v };
    for i in 1..m {
        if key(c.mean[i]) < key(c.mean[c.index_best]) {
            c.index_best = i;
        }
    }
    let threshold = c.mean[c.index_best] + c.se[c.index_best];
    c.index_1se = (0..=c.index_best)
        .find(|&i| c.mean[i] <= threshold)
        .unwrap_or(c.index_best);
    Some(c)
}

/// Compute the regularisation path of `req.model` on `rows` of `ds` (and k-fold CV over those
/// rows), calling `emit` with the result so far after each α of the main path and after each
/// finished fold (`alphas.len() + k` calls in all). `emit` runs on the calling thread and is
/// given a reference: clone what you keep.
pub fn regularization_path(
    ds: &Dataset,
    rows: &[usize],
    req: &PathRequest,
    progress: &Progress,
    emit: &mut dyn FnMut(&PathResult),
) -> Result<PathResult, Error> {
    let start = Instant::now();
    req.validate()?;
    let n = rows.len();
    if n < 2 {
        return Err(Error::Data(format!(
            "a path needs at least 2 rows, got {n}"
        )));
    }
    if let Some(&r) = rows.iter().find(|&&r| r >= ds.n_rows()) {
        return Err(Error::Data(format!(
            "row {r} is out of range for {} rows",
            ds.n_rows()
        )));
    }
    if ds.n_features() == 0 {
        return Err(Error::Data("a path needs at least 1 feature".into()));
    }
    if rows
        .iter()
        .any(|&r| ds.x.row(r).iter().any(|v| !v.is_finite()))
    {
        return Err(Error::Data(
            "a path needs finite feature values (found NaN or infinity)".into(),
        ));
    }
    let target = sub_target(&ds.target, rows);
    let (outputs, metric) = match (req.model, &target) {
        (PathModel::ElasticNet { .. }, Target::Values(v)) => {
            if v.iter().any(|y| !y.is_finite()) {
                return Err(Error::Data("the target has NaN or infinite values".into()));
            }
            (vec![ds.target_name.clone()], "mse")
        }
        (PathModel::Logistic, Target::Classes { names, .. }) => {
            let outputs = if names.len() == 2 {
                vec![names[1].clone()]
            } else {
                names.clone()
            };
            (outputs, "log_loss")
        }
        (PathModel::ElasticNet { .. }, Target::Classes { .. }) => {
            return Err(Error::Data(
                "an elastic net path needs a numeric (regression) target".into(),
            ));
        }
        (PathModel::Logistic, Target::Values(_)) => {
            return Err(Error::Data(
                "a logistic path needs class labels, not a numeric target".into(),
            ));
        }
    };
    if let Some(k) = req.cv_folds
        && k > n
    {
        return Err(Error::Param(format!(
            "cv folds must be between 2 and the number of rows ({n}), got {k}"
        )));
    }

    // The main problem: the rows, standardised on themselves.
    let scaler = scaler_for(ds, rows, req.standardize)?;
    let x = scaler.transform(ds.x.select(Axis(0), rows).view());
    let main = Problem::new(x, &target, req)?;
    let alphas = alpha_grid(req, &main);
    let m = alphas.len();
    let k = req.cv_folds.unwrap_or(0);
    progress.set_total((m * (1 + k)) as u64);
    progress.set(0);

    let fold = (k > 0).then(|| fold_of_rows(&target, k, req.seed));
    let mut result = PathResult {
        model: req.model.name(),
        l1_ratio: match req.model {
            PathModel::ElasticNet { l1_ratio } => Some(l1_ratio),
            PathModel::Logistic => None,
        },
        features: ds.feature_names.clone(),
        outputs,
        alphas: alphas.clone(),
        coefs: Vec::with_capacity(m),
        intercepts: Vec::with_capacity(m),
        n_nonzero: Vec::with_capacity(m),
        n_iter: Vec::with_capacity(m),
        converged: Vec::with_capacity(m),
        cv: fold.as_ref().map(|f| PathCv {
            metric,
            n_folds: k,
            fold_sizes: (0..k)
                .map(|j| f.iter().filter(|&&g| g == j).count())
                .collect(),
            folds_done: 0,
            fold_done: vec![false; k],
            fold_scores: vec![vec![f64::NAN; k]; m],
            converged: vec![true; m],
            mean: Vec::new(),
            lo: Vec::new(),
            hi: Vec::new(),
            se: Vec::new(),
            index_best: None,
            alpha_best: None,
            index_1se: None,
            alpha_1se: None,
        }),
        path_ms: 0.0,
        cv_ms: 0.0,
    };

    let abort = AtomicBool::new(false);
    let stop = Stop {
        progress,
        abort: &abort,
    };
    let (tx, rx) = crossbeam_channel::unbounded::<FoldMessage>();
    let cv_start = Instant::now();
    let outcome = rayon::in_place_scope(|scope| {
        if let Some(fold) = &fold {
            for f in 0..k {
                let tx = tx.clone();
                let (fold, alphas, stop, target) = (fold, &alphas, stop, &target);
                scope.spawn(move |_| {
                    let out = run_fold(ds, rows, target, fold, f, alphas, req, stop);
                    if out.is_err() {
                        stop.abort.store(true, Ordering::Relaxed);
                    }
                    // The receiver outlives every sender in this scope.
                    let _ = tx.send(FoldMessage { fold: f, out });
                });
            }
        }
        drop(tx);
        let mut first_error: Option<Error> = None;
        let p = main.p();
        let main_outcome = main.path(&alphas, req, stop, &mut |fit| {
            result.n_nonzero.push(fit.n_nonzero(p));
            result.coefs.push(fit.coef);
            result.intercepts.push(fit.intercept);
            result.n_iter.push(fit.n_iter);
            result.converged.push(fit.converged);
            progress.add(1);
            emit(&result);
            while let Ok(msg) = rx.try_recv() {
                if take(msg, &mut result, &mut first_error, cv_start) {
                    emit(&result);
                }
            }
            Ok(())
        });
        result.path_ms = start.elapsed().as_secs_f64() * 1e3;
        if let Err(e) = main_outcome {
            abort.store(true, Ordering::Relaxed);
            keep_first(&mut first_error, e);
        }
        while let Some(msg) = next_message(&rx) {
            if take(msg, &mut result, &mut first_error, cv_start) {
                emit(&result);
            }
        }
        first_error
    });
    if let Some(e) = outcome {
        // A user's cancel wins over the errors it caused.
        return Err(if progress.is_cancelled() {
            Error::Cancelled
        } else {
            e
        });
    }
    Ok(result)
}

/// Record a fold's message: `true` when the result changed (a fold's scores arrived).
fn take(
    msg: FoldMessage,
    result: &mut PathResult,
    first_error: &mut Option<Error>,
    cv_start: Instant,
) -> bool {
    match msg.out {
        Ok(out) => {
            result.cv_ms = cv_start.elapsed().as_secs_f64() * 1e3;
            record_fold(result, msg.fold, &out);
            true
        }
        Err(e) => {
            keep_first(first_error, e);
            false
        }
    }
}

/// The first real error; `Cancelled` caused by a sibling's abort is replaced by the real one.
fn keep_first(slot: &mut Option<Error>, e: Error) {
    match slot {
        None => *slot = Some(e),
        Some(Error::Cancelled) if !matches!(e, Error::Cancelled) => *slot = Some(e),
        Some(_) => {}
    }
}

/// Wait for the next fold message; `None` once every fold has sent. On a rayon worker thread,
/// run pool jobs while waiting (blocking there could starve a one-thread pool of the folds).
fn next_message(rx: &Receiver<FoldMessage>) -> Option<FoldMessage> {
    if rayon::current_thread_index().is_none() {
        return rx.recv().ok();
    }
    loop {
        match rx.try_recv() {
            Ok(m) => return Some(m),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        if !matches!(rayon::yield_now(), Some(rayon::Yield::Executed)) {
            match rx.recv_timeout(Duration::from_millis(1)) {
                Ok(m) => return Some(m),
                Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }
}

fn record_fold(result: &mut PathResult, fold: usize, out: &FoldOut) {
    let Some(cv) = result.cv.as_mut() else {
        return;
    };
    for (i, (&s, &c)) in out.scores.iter().zip(&out.converged).enumerate() {
        cv.fold_scores[i][fold] = s;
        cv.converged[i] &= c;
    }
    cv.folds_done += 1;
    cv.fold_done[fold] = true;
    let finished: Vec<usize> = (0..cv.n_folds).filter(|&f| cv.fold_done[f]).collect();
    let rows: Vec<Vec<f64>> = cv
        .fold_scores
        .iter()
        .map(|row| finished.iter().map(|&f| row[f]).collect())
        .collect();
    if let Some(c) = summarize_cv(&rows) {
        cv.index_best = Some(c.index_best);
        cv.alpha_best = Some(result.alphas[c.index_best]);
        cv.index_1se = Some(c.index_1se);
        cv.alpha_1se = Some(result.alphas[c.index_1se]);
        (cv.mean, cv.lo, cv.hi, cv.se) = (c.mean, c.lo, c.hi, c.se);
    }
}

struct FoldMessage {
    fold: usize,
    out: Result<FoldOut, Error>,
}

struct FoldOut {
    /// Held-out error per α.
    scores: Vec<f64>,
    converged: Vec<bool>,
}

/// The user's cancel, and a shared abort flag raised when a sibling job failed.
#[derive(Clone, Copy)]
struct Stop<'a> {
    progress: &'a Progress,
    abort: &'a AtomicBool,
}

impl Stop<'_> {
    fn check(&self) -> Result<(), Error> {
        self.progress.check()?;
        if self.abort.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        Ok(())
    }
}

fn scaler_for(ds: &Dataset, rows: &[usize], standardize: bool) -> Result<Standardizer, Error> {
    Ok(prep::scaler_for(
        ds.x.view(),
        rows,
        standardize,
        &ds.feature_names,
    )?)
}

fn sub_target(t: &Target, rows: &[usize]) -> Target {
    match t {
        Target::Classes { y, names } => Target::Classes {
            y: rows.iter().map(|&r| y[r]).collect(),
            names: names.clone(),
        },
        Target::Values(v) => Target::Values(rows.iter().map(|&r| v[r]).collect()),
    }
}

/// Fit fold `f` (training rows standardised on themselves) along the grid and score each α
/// on the held-out rows. `target` and `fold` are indexed by position in `rows`.
#[allow(clippy::too_many_arguments)]
fn run_fold(
    ds: &Dataset,
    rows: &[usize],
    target: &Target,
    fold: &[usize],
    f: usize,
    alphas: &[f64],
    req: &PathRequest,
    stop: Stop,
) -> Result<FoldOut, Error> {
    stop.check()?;
    let train: Vec<usize> = (0..rows.len()).filter(|&i| fold[i] != f).collect();
    let test: Vec<usize> = (0..rows.len()).filter(|&i| fold[i] == f).collect();
    let train_rows: Vec<usize> = train.iter().map(|&i| rows[i]).collect();
    let test_rows: Vec<usize> = test.iter().map(|&i| rows[i]).collect();
    let scaler = scaler_for(ds, &train_rows, req.standardize)?;
    let x_train = scaler.transform(ds.x.select(Axis(0), &train_rows).view());
    let x_test = scaler.transform(ds.x.select(Axis(0), &test_rows).view());
    let problem = Problem::new(x_train, &sub_target(target, &train), req)?;
    let test = TestFold {
        xt: x_test.t().as_standard_layout().into_owned(),
        x: x_test,
        y: sub_target(target, &test),
    };
    let mut out = FoldOut {
        scores: Vec::with_capacity(alphas.len()),
        converged: Vec::with_capacity(alphas.len()),
    };
    problem.path(alphas, req, stop, &mut |fit| {
        out.scores.push(fit.score(&test));
        out.converged.push(fit.converged);
        stop.progress.add(1);
        Ok(())
    })?;
    Ok(out)
}

/// One α's fit.
struct AlphaFit {
    coef: Vec<f64>,
    intercept: Vec<f64>,
    n_iter: usize,
    converged: bool,
    /// The logistic model (for scoring); `None` for the elastic net.
    logistic: Option<LogisticModel>,
}

impl AlphaFit {
    fn n_nonzero(&self, p: usize) -> usize {
        (0..p)
            .filter(|&j| self.coef.iter().skip(j).step_by(p).any(|&w| w != 0.0))
            .count()
    }

    /// Held-out error: MSE for the elastic net, mean log-loss for logistic.
    fn score(&self, test: &TestFold) -> f64 {
        match (&test.y, &self.logistic) {
            (Target::Values(v), _) => {
                // r = y − b − Σⱼ wⱼ·xⱼ over contiguous test columns (this runs k × |grid| times).
                let mut r: Vec<f64> = v.iter().map(|y| y - self.intercept[0]).collect();
                let m = r.len();
                let xt = test.xt.as_slice().unwrap_or(&[]);
                for (col, &w) in xt.chunks_exact(m.max(1)).zip(&self.coef) {
                    if w != 0.0 {
                        for (ri, x) in r.iter_mut().zip(col) {
                            *ri -= w * x;
                        }
                    }
                }
                if r.is_empty() {
                    return f64::NAN;
                }
                r.iter().map(|e| e * e).sum::<f64>() / r.len() as f64
            }
            (Target::Classes { y, .. }, Some(model)) => {
                metrics::log_loss(y, model.predict_proba(test.x.view()).view())
            }
            (Target::Classes { .. }, None) => f64::NAN,
        }
    }
}

/// A fold's held-out rows, standardised with the fold's training statistics.
struct TestFold {
    /// m × p.
    x: Array2<f64>,
    /// p × m, row-major: each feature's test values contiguous.
    xt: Array2<f64>,
    y: Target,
}

/// One problem along the grid: the elastic net's prepared data, or logistic's.
enum Problem {
    ElasticNet {
        data: EnData,
        l1_ratio: f64,
    },
    Logistic {
        x: Array2<f64>,
        y: Vec<usize>,
        n_classes: usize,
    },
}

impl Problem {
    fn new(x: Array2<f64>, target: &Target, req: &PathRequest) -> Result<Self, Error> {
        match (req.model, target) {
            (PathModel::ElasticNet { l1_ratio }, Target::Values(v)) => Ok(Problem::ElasticNet {
                data: EnData::new(x.view(), v),
                l1_ratio,
            }),
            (PathModel::Logistic, Target::Classes { y, names }) => Ok(Problem::Logistic {
                x,
                y: y.clone(),
                n_classes: names.len(),
            }),
            _ => Err(Error::Data("the target does not suit the model".into())),
        }
    }

    fn p(&self) -> usize {
        match self {
            Problem::ElasticNet { data, .. } => data.p,
            Problem::Logistic { x, .. } => x.ncols(),
        }
    }

    /// Fit every α in order, handing each fit to `each`.
    fn path(
        &self,
        alphas: &[f64],
        req: &PathRequest,
        stop: Stop,
        each: &mut dyn FnMut(AlphaFit) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match self {
            Problem::ElasticNet { data, l1_ratio } => {
                let mut state = data.start();
                for &alpha in alphas {
                    stop.check()?;
                    let a = alpha * l1_ratio;
                    let b = alpha * (1.0 - l1_ratio);
                    let sol = data.solve(
                        &mut state,
                        a,
                        b,
                        req.tol,
                        req.max_iter,
                        &|| stop.check(),
                        &mut |_, _, _| {},
                    )?;
                    each(AlphaFit {
                        intercept: vec![data.y_mean - dot(&data.x_mean, &state.w)],
                        coef: state.w.clone(),
                        n_iter: sol.n_iter,
                        converged: sol.converged,
                        logistic: None,
                    })?;
                }
                Ok(())
            }
            Problem::Logistic { x, y, n_classes } => {
                for &alpha in alphas {
                    stop.check()?;
                    let params = LogisticParams {
                        alpha,
                        max_iter: req.max_iter,
                        tol: req.tol,
                    };
                    // A private Progress: fit_logistic resets its counters, which would clobber
                    // the path's; cancellation is checked here between α.
                    let model = fit_logistic(
                        &params,
                        x.view(),
                        ndarray::ArrayView1::from(&y[..]),
                        *n_classes,
                        &Progress::new(),
                    )?;
                    each(AlphaFit {
                        coef: model.coef().iter().copied().collect(),
                        intercept: model.intercept().to_vec(),
                        n_iter: model.n_iter() as usize,
                        converged: model.converged(),
                        logistic: Some(model),
                    })?;
                }
                Ok(())
            }
        }
    }
}

/// The grid for `req` (descending), the automatic one computed on the main problem.
fn alpha_grid(req: &PathRequest, main: &Problem) -> Vec<f64> {
    let (n_alphas, eps) = match &req.grid {
        AlphaGrid::Given(a) => {
            let mut a = a.clone();
            a.sort_by(|x, y| y.total_cmp(x));
            return a;
        }
        AlphaGrid::Auto { n_alphas, eps } => (*n_alphas, *eps),
    };
    match main {
        Problem::Logistic { .. } => {
            // C = logspace(-4, 4, n): α = 1/C from 1e4 down to 1e-4.
            geomspace(1e4, 1e-4, n_alphas)
        }
        Problem::ElasticNet { data, l1_ratio } => {
            let (top, bottom) = if *l1_ratio > 0.0 {
                let top = data.q.iter().fold(0.0f64, |m, v| m.max(v.abs())) / l1_ratio;
                (top, top * eps)
            } else {
                let s = data.diag.iter().sum::<f64>() / data.p as f64;
                (s / eps, s * eps)
            };
            if top.is_nan() || top <= F64_RESOLUTION {
                return vec![F64_RESOLUTION; n_alphas];
            }
            geomspace(top, bottom, n_alphas)
        }
    }
}

/// numpy's `finfo(float64).resolution`, scikit-learn's grid when α_max is 0.
const F64_RESOLUTION: f64 = 1e-15;

/// `n` values from `from` to `to`, evenly spaced on a log scale, endpoints exact.
fn geomspace(from: f64, to: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![from];
    }
    let (l0, l1) = (from.ln(), to.ln());
    (0..n)
        .map(|i| match i {
            0 => from,
            _ if i == n - 1 => to,
            _ => (l0 + (l1 - l0) * i as f64 / (n - 1) as f64).exp(),
        })
        .collect()
}

/// The path the window shows beside the live fit: the model family and penalty mix of `spec`,
/// on the same features as the live fit (`features`, dataset column indices) and on the
/// training rows, with `cv_folds`-fold cross-validation inside them (seeded with `seed`).
pub fn path_of_fit(
    ds: &Dataset,
    split: &crate::data::prep::Split,
    features: &[usize],
    req: &PathRequest,
    progress: &Progress,
    emit: &mut dyn FnMut(&PathResult),
) -> Result<PathResult, Error> {
    if features.iter().any(|&f| f >= ds.n_features()) {
        return Err(Error::Data("a path feature is out of range".into()));
    }
    let sub;
    let ds =
        if features.len() == ds.n_features() && features.iter().enumerate().all(|(i, &f)| i == f) {
            ds
        } else {
            sub = Dataset {
                x: ds.x.select(Axis(1), features),
                feature_names: features
                    .iter()
                    .map(|&f| ds.feature_names[f].clone())
                    .collect(),
                name: ds.name.clone(),
                target_name: ds.target_name.clone(),
                target: ds.target.clone(),
                source_rows: ds.source_rows.clone(),
                report: ds.report.clone(),
            };
            &sub
        };
    regularization_path(ds, &split.train, req, progress, emit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cv_summary_on_hand_worked_scores() {
        // α descending; fold errors chosen so the numbers can be worked by hand.
        let scores = vec![
            vec![10.0, 12.0, 11.0, 13.0], // mean 11.5
            vec![8.0, 8.5, 8.5, 8.5],     // mean 8.375
            vec![7.0, 9.0, 8.0, 8.0],     // mean 8 (best); s² = 2/3, se = √(2/3 / 4) = 0.408248
            vec![8.0, 8.0, 9.0, 9.0],     // mean 8.5
        ];
        let c = summarize_cv(&scores).unwrap();
        assert_eq!(c.mean, vec![11.5, 8.375, 8.0, 8.5]);
        assert_eq!(c.index_best, 2);
        assert!(
            (c.se[2] - 0.408_248_290_463_863).abs() < 1e-12,
            "{}",
            c.se[2]
        );
        // 1-SE: threshold 8.408: α₁ (8.375) qualifies, α₀ (11.5) does not; α₃ (8.5, a smaller
        // α) is never a candidate.
        assert_eq!(c.index_1se, 1);
        // t(0.975, 3) = 3.182446 (table value): half width 3.182446 · 0.408248 = 1.299225.
        assert!((c.hi[2] - (8.0 + 1.299_225)).abs() < 1e-5, "{}", c.hi[2]);
        assert!((c.lo[2] - (8.0 - 1.299_225)).abs() < 1e-5, "{}", c.lo[2]);
        // α₀: 10, 12, 11, 13: s² = 5/3, se = √(5/12) = 0.645497, half = 2.054260.
        assert!((c.hi[0] - (11.5 + 2.054_260)).abs() < 1e-5, "{}", c.hi[0]);
    }

    #[test]
    fn coefficients_between_computed_alphas_are_linear_in_alpha() {
        let r = PathResult {
            model: "lasso",
            l1_ratio: Some(1.0),
            features: vec!["a".into(), "b".into()],
            outputs: vec!["y".into()],
            alphas: vec![4.0, 2.0, 1.0, 0.5],
            // Only three of the four α computed so far.
            coefs: vec![vec![0.0, 0.0], vec![1.0, -2.0], vec![3.0, -2.5]],
            intercepts: vec![],
            n_nonzero: vec![0, 2, 2],
            n_iter: vec![],
            converged: vec![],
            cv: None,
            path_ms: 0.0,
            cv_ms: 0.0,
        };
        // On a computed α: its row.
        assert_eq!(r.coefs_at(2.0, 0).unwrap(), vec![1.0, -2.0]);
        // α = 3: (4 − 3)/(4 − 2) = 1/2 of the way from row 0 to row 1.
        assert_eq!(r.coefs_at(3.0, 0).unwrap(), vec![0.5, -1.0]);
        // α = 1.25: (2 − 1.25)/(2 − 1) = 0.75 of the way from (1, −2) to (3, −2.5).
        assert_eq!(r.coefs_at(1.25, 0).unwrap(), vec![2.5, -2.375]);
        // Outside the computed part: its ends.
        assert_eq!(r.coefs_at(100.0, 0).unwrap(), vec![0.0, 0.0]);
        assert_eq!(r.coefs_at(0.1, 0).unwrap(), vec![3.0, -2.5]);
        assert!(r.coefs_at(1.0, 1).is_none(), "no second output");
        assert!(r.coefs_at(f64::NAN, 0).is_none());
    }

    #[test]
    fn cv_summary_ties_nan_and_one_fold() {
        // Ties go to the larger α (the first index); NaN never wins.
        let c = summarize_cv(&[vec![f64::NAN], vec![2.0], vec![1.0], vec![1.0]]).unwrap();
        assert_eq!(c.index_best, 2);
        // One fold: se = 0, so the 1-SE α is the best α itself.
        assert_eq!(c.index_1se, 2);
        assert_eq!(c.se[2], 0.0);
        assert_eq!((c.lo[2], c.hi[2]), (1.0, 1.0));
        // 1-SE with a plateau: mean 5, 4, 3 with se(best) = 2.5 (scores 0.5, 5.5): index 0.
        let c = summarize_cv(&[vec![5.0, 5.0], vec![4.0, 4.0], vec![0.5, 5.5]]).unwrap();
        assert_eq!((c.index_best, c.index_1se), (2, 0));
        assert!(summarize_cv(&[]).is_none());
        assert!(summarize_cv(&[vec![]]).is_none());
    }

    #[test]
    fn geomspace_is_log_even_with_exact_ends() {
        let g = geomspace(100.0, 0.1, 4);
        assert_eq!(g[0], 100.0);
        assert_eq!(g[3], 0.1);
        for (a, b) in g.iter().zip(&g[1..]) {
            assert!((a / b - 10.0).abs() < 1e-12);
        }
        assert_eq!(geomspace(3.0, 1.0, 1), vec![3.0]);
    }
}

//! Principal component analysis, with the method chosen by the shape of the data as
//! scikit-learn's `svd_solver="auto"` does, on faer's dense decompositions (pure Rust).
//!
//! The rule ([`choose_solver`]; the fitted model tells which one ran, `solver` in the CLI's JSON):
//! - **`covariance_eigh`** when columns are few: p ≤ 1000 and n ≥ 10·p. The covariance
//!   `C = XcᵀXc / (n-1)` is accumulated in parallel row blocks (the only O(n·p²) step), then
//!   decomposed by faer's symmetric eigensolver (p × p).
//! - otherwise, when the matrix is small (max(n, p) ≤ 500) or most components are wanted
//!   (k ≥ 0.8·min(n, p)), an exact decomposition of the centred data:
//!   **`gram_eigh`** when columns outnumber rows (p > n: eigendecomposition of the n × n Gram
//!   matrix `XcXcᵀ`, axes `vᵢ = Xcᵀuᵢ/σᵢ`, re-orthonormalised by a thin QR), else
//!   **`full_svd`** (faer's thin SVD of the n × p centred matrix);
//! - otherwise **`randomized`**: Halko–Martinsson–Tropp's randomized SVD as scikit-learn runs it
//!   (k + 10 random directions from a fixed seed, 7 power iterations when k < 0.1·min(n, p),
//!   else 4, each re-orthonormalised by a thin QR), then an exact SVD of the small projection.
//!   On data whose leading singular values are separated it agrees with the exact methods to
//!   round-off; the cancel check and progress run between its iterations.
//!
//! One faer decomposition call cannot be interrupted: cancellation is checked before and after
//! each (and between the power iterations of `randomized`).
//!
//! Definitions (the same for every method, and scikit-learn's): λᵢ = σᵢ²/(n-1),
//! ratio = λᵢ / trace(C) (the TOTAL variance, computed from the data, not from the kept
//! components), σᵢ = √(λᵢ(n-1)). Signs are fixed so that the largest-|loading| entry of every
//! component is positive.
//!
//! [`PcaEngine::Linfa`] runs linfa-reduction's `Pca` instead, so that a user can compare. Its
//! own `explained_variance()` / `explained_variance_ratio()` are wrong (LINFA_NOTES "Known
//! defects": divisor k-1, ratio over the kept components) and its whitening changes its
//! components, so only its axes and singular values are taken (fitted without whitening); the
//! variances, ratios, sign rule and whitening are ours. Its LOBPCG is inaccurate past about
//! min(n,p)/5 components and cannot be cancelled mid-solve.

use faer::reborrow::ReborrowMut;
use faer::{Mat, MatRef, Side};
use ndarray::{Array1, Array2, ArrayView2, linalg::general_mat_mul, s};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Error;
use crate::data::prep::pow2_scale;
use crate::progress::Progress;

/// Which implementation fits the PCA.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PcaEngine {
    /// Ours: faer's decompositions, the method chosen by shape (module documentation).
    #[default]
    Ridgeline,
    /// linfa-reduction's `Pca` (truncated SVD by LOBPCG), for comparison.
    Linfa,
}

impl PcaEngine {
    pub const ALL: [PcaEngine; 2] = [PcaEngine::Ridgeline, PcaEngine::Linfa];

    /// The name shown in the window and taken by `--engine`.
    pub fn name(self) -> &'static str {
        match self {
            PcaEngine::Ridgeline => "ridgeline",
            PcaEngine::Linfa => "linfa",
        }
    }
}

/// PCA parameters (scikit-learn names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PcaParams {
    /// Number of components to keep, `1..=min(n_samples, n_features)`.
    pub n_components: usize,
    /// Scale each projected coordinate to unit variance (divide by √λᵢ).
    pub whiten: bool,
    /// Who fits it (settings saved before this field load as [`PcaEngine::Ridgeline`]).
    pub engine: PcaEngine,
}

impl Default for PcaParams {
    fn default() -> Self {
        Self {
            n_components: 2,
            whiten: false,
            engine: PcaEngine::Ridgeline,
        }
    }
}

impl PcaParams {
    /// Checks what can be checked without data (`n_components >= 1`); the upper bound
    /// `min(n_samples, n_features)` is checked by [`fit_pca`].
    pub fn validate(&self) -> Result<(), Error> {
        if self.n_components == 0 {
            return Err(Error::Param(
                "n_components must be at least 1 (and at most min(n_samples, n_features))".into(),
            ));
        }
        Ok(())
    }
}

/// The method that computed the components (see the module documentation for the rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PcaSolver {
    /// Eigendecomposition of the p × p covariance.
    CovarianceEigh,
    /// Eigendecomposition of the n × n Gram matrix (wide data).
    GramEigh,
    /// Thin SVD of the centred data.
    FullSvd,
    /// Randomized truncated SVD (few components of a large matrix).
    Randomized,
    /// linfa-reduction's LOBPCG truncated SVD ([`PcaEngine::Linfa`]).
    LinfaLobpcg,
}

impl PcaSolver {
    pub fn name(self) -> &'static str {
        match self {
            PcaSolver::CovarianceEigh => "covariance_eigh",
            PcaSolver::GramEigh => "gram_eigh",
            PcaSolver::FullSvd => "full_svd",
            PcaSolver::Randomized => "randomized",
            PcaSolver::LinfaLobpcg => "linfa_lobpcg",
        }
    }
}

/// scikit-learn's `svd_solver="auto"` rule (1.5 and later), with the exact branch split by
/// orientation: `n × p` data, `k` components.
pub fn choose_solver(n: usize, p: usize, k: usize) -> PcaSolver {
    let m = n.min(p);
    if p <= 1000 && n >= 10 * p {
        PcaSolver::CovarianceEigh
    } else if n.max(p) <= 500 || 5 * k >= 4 * m {
        if p > n {
            PcaSolver::GramEigh
        } else {
            PcaSolver::FullSvd
        }
    } else {
        PcaSolver::Randomized
    }
}

/// A fitted PCA: plain data, projecting with our own arithmetic.
#[derive(Clone, Debug, PartialEq)]
pub struct PcaModel {
    components: Array2<f64>,
    mean: Array1<f64>,
    explained_variance: Array1<f64>,
    explained_variance_ratio: Array1<f64>,
    singular_values: Array1<f64>,
    total_variance: f64,
    whiten: bool,
    solver: PcaSolver,
}

impl PcaModel {
    /// `k × p`; row i is the i-th principal axis (unit length, largest-|entry| positive).
    pub fn components(&self) -> &Array2<f64> {
        &self.components
    }

    /// Column means of the training data (length p).
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }

    /// λᵢ = variance along component i (eigenvalue of the covariance, divisor n-1), descending.
    pub fn explained_variance(&self) -> &Array1<f64> {
        &self.explained_variance
    }

    /// λᵢ divided by the total variance of the data (trace of the covariance), so the kept
    /// components sum to at most 1.
    pub fn explained_variance_ratio(&self) -> &Array1<f64> {
        &self.explained_variance_ratio
    }

    /// σᵢ = √(λᵢ (n-1)): singular values of the centred data matrix.
    pub fn singular_values(&self) -> &Array1<f64> {
        &self.singular_values
    }

    /// Trace of the covariance matrix: the sum of the variances of all p features.
    pub fn total_variance(&self) -> f64 {
        self.total_variance
    }

    pub fn whiten(&self) -> bool {
        self.whiten
    }

    /// The method that computed the components.
    pub fn solver(&self) -> PcaSolver {
        self.solver
    }

    pub fn n_components(&self) -> usize {
        self.components.nrows()
    }

    pub fn n_features(&self) -> usize {
        self.components.ncols()
    }

    /// Project `x` (`m × p`) onto the components: `(x - mean) · componentsᵀ`, `m × k`; with
    /// whitening each column is divided by √λᵢ (a zero-variance column stays 0). A column count
    /// other than p gives an `m × k` matrix of NaN instead of a panic.
    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let k = self.components.nrows();
        if x.ncols() != self.mean.len() {
            return Array2::from_elem((x.nrows(), k), f64::NAN);
        }
        let centred = &x - &self.mean;
        let mut z = centred.dot(&self.components.t());
        if self.whiten {
            for (mut col, &lambda) in z.columns_mut().into_iter().zip(&self.explained_variance) {
                if lambda > 0.0 {
                    col /= lambda.sqrt();
                } else {
                    col.fill(0.0);
                }
            }
        }
        z
    }
}

/// Rows per block of the parallel covariance accumulation (a block of 50 columns is 1.6 MB).
const ROWS_PER_BLOCK: usize = 4096;

/// Fit PCA on `x` (`n × p`, n ≥ 2, finite) with `p.engine`, the method chosen by shape.
/// Errors: too few rows, non-finite values, `n_components > min(n, p)`, cancellation.
pub fn fit_pca(p: &PcaParams, x: ArrayView2<f64>, progress: &Progress) -> Result<PcaModel, Error> {
    let solver = match p.engine {
        PcaEngine::Ridgeline => None,
        PcaEngine::Linfa => Some(PcaSolver::LinfaLobpcg),
    };
    fit_pca_with(p, x, solver, progress)
}

/// [`fit_pca`] with the method forced (`None`: chosen by [`choose_solver`]); `p.engine` is not
/// read. For comparing the methods on the same data.
pub fn fit_pca_with(
    p: &PcaParams,
    x: ArrayView2<f64>,
    solver: Option<PcaSolver>,
    progress: &Progress,
) -> Result<PcaModel, Error> {
    p.validate()?;
    let (n, n_features) = x.dim();
    if n < 2 || n_features == 0 {
        super::input::check_x("PCA", x)?;
    }
    let max_k = n.min(n_features);
    if p.n_components > max_k {
        return Err(Error::Param(format!(
            "n_components must be between 1 and min(n_samples, n_features) = {max_k}, got {}",
            p.n_components
        )));
    }
    let k = p.n_components;
    let solver = solver.unwrap_or_else(|| choose_solver(n, n_features, k));
    // faer's decompositions and products run on one thread. Its fork-join kernels synchronise
    // often: on the 2 cores of a shared machine (another process busy on one) its 2-thread
    // products ran 2.3× SLOWER than one thread (2000 × 2000: 330 ms against 143 ms). The
    // O(n·p) passes of our own (means, centring, covariance) stay on rayon's pool.
    faer::set_global_parallelism(faer::Par::Seq);
    progress.set_total(4);
    progress.set(0);

    // One parallel pass checks the values, sums the columns and finds the largest |value|.
    let Some((mut mean, max_abs)) = parallel_column_means(x) else {
        return Err(Error::Data(
            "PCA needs finite values (found NaN or infinity)".into(),
        ));
    };
    // Scale-safe: values far from 1 (1e200, 1e-200) are divided by a power of two (exact)
    // before they are squared, and the results scaled back: the axes and the ratios do not
    // depend on it, the variances by s², the singular values by s.
    let s = pow2_scale(max_abs);
    let (input, scaled);
    let x = if s == 1.0 {
        input = x;
        input.view()
    } else {
        scaled = x.mapv(|v| v / s);
        mean = parallel_column_means(scaled.view())
            .map(|(m, _)| m)
            .unwrap_or(mean);
        scaled.view()
    };
    progress.check()?;
    progress.set(1);

    // Axes (rows, any sign and length), variances λᵢ (divisor n-1) and the total variance, all
    // of the scaled data.
    let (mut components, explained_variance, total_variance) = match solver {
        PcaSolver::CovarianceEigh => by_covariance(x, &mean, k)?,
        PcaSolver::LinfaLobpcg => by_linfa(x, &mean, k)?,
        PcaSolver::GramEigh | PcaSolver::FullSvd | PcaSolver::Randomized => {
            let t = centred_transpose(x, &mean);
            progress.check()?;
            progress.set(2);
            let total = t.squared_norm_l2() / (n - 1) as f64;
            let (c, ev) = match solver {
                PcaSolver::GramEigh => by_gram(t.as_ref(), k)?,
                PcaSolver::FullSvd => by_svd(t.as_ref(), k)?,
                _ => by_randomized(t.as_ref(), k, progress)?,
            };
            (c, ev, total)
        }
    };
    progress.check()?;
    progress.set(3);

    for mut v in components.rows_mut() {
        let norm = v.dot(&v).sqrt();
        if norm > 0.0 {
            v /= norm;
        }
        // Sign convention (signs are otherwise arbitrary): the entry of largest |loading| is
        // positive; on exact ties in |loading| the first such entry decides.
        let mut arg = 0;
        for (idx, val) in v.iter().enumerate() {
            if val.abs() > v[arg].abs() {
                arg = idx;
            }
        }
        if v[arg] < 0.0 {
            v.mapv_inplace(|e| -e);
        }
    }
    // Round-off can make a zero eigenvalue of a rank-deficient covariance slightly negative.
    let explained_variance = explained_variance.mapv(|l| l.max(0.0));
    let explained_variance_ratio = if total_variance > 0.0 {
        &explained_variance / total_variance
    } else {
        Array1::zeros(k)
    };
    let singular_values = explained_variance.mapv(|l| (l * (n - 1) as f64).sqrt() * s);
    let explained_variance = explained_variance * (s * s);
    let total_variance = total_variance * (s * s);
    let mean = mean * s;
    if !(total_variance.is_finite() && singular_values.iter().all(|v| v.is_finite())) {
        return Err(Error::Data(format!(
            "PCA: the variance of these values (as large as {max_abs:.3e}) overflows a \
             floating-point number; standardise the features or rescale them"
        )));
    }
    progress.set(4);
    Ok(PcaModel {
        components,
        mean,
        explained_variance,
        explained_variance_ratio,
        singular_values,
        total_variance,
        whiten: p.whiten,
        solver,
    })
}

type Axes = (Array2<f64>, Array1<f64>);

fn solver_error(what: &str, e: impl std::fmt::Debug) -> Error {
    Error::Solver(format!("PCA: {what} did not converge ({e:?})"))
}

/// `covariance_eigh`: the p × p covariance, decomposed by faer.
fn by_covariance(
    x: ArrayView2<f64>,
    mean: &Array1<f64>,
    k: usize,
) -> Result<(Array2<f64>, Array1<f64>, f64), Error> {
    let (n, p) = x.dim();
    let mut cov = parallel_centred_gram(x, mean);
    cov /= (n - 1) as f64;
    let total = cov.diag().sum();
    let c = MatRef::from_row_major_slice(cov.as_slice().expect("owned"), p, p);
    let eig = c
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| solver_error("the eigendecomposition", e))?;
    // faer sorts eigenvalues ascending: the largest are last.
    let (vals, vecs) = (eig.S().column_vector(), eig.U());
    let components = Array2::from_shape_fn((k, p), |(i, j)| vecs[(j, p - 1 - i)]);
    let ev = Array1::from_shape_fn(k, |i| vals[p - 1 - i]);
    Ok((components, ev, total))
}

/// `Xcᵀ` (p × n, column-major): column i is the centred row i of `x`, written by contiguous
/// slices in parallel blocks. `Xc` itself is its transposed view (faer's products take either
/// layout at the same speed on one thread; a second, column-major copy only cost time).
fn centred_transpose(x: ArrayView2<f64>, mean: &Array1<f64>) -> Mat<f64> {
    const ROWS: usize = 64;
    let (n, p) = x.dim();
    let mut t = Mat::<f64>::zeros(p, n);
    t.as_mut()
        .par_col_chunks_mut(ROWS)
        .enumerate()
        .for_each(|(chunk, mut tb)| {
            for i in 0..tb.ncols() {
                let dst = column_slice(tb.rb_mut().col_mut(i));
                let row = x.row(chunk * ROWS + i);
                for ((d, v), m) in dst.iter_mut().zip(row).zip(mean) {
                    *d = v - m;
                }
            }
        });
    t
}

/// A column of a column-major faer matrix as a slice (faer's `Mat` columns are contiguous).
fn column_slice(col: faer::ColMut<'_, f64>) -> &mut [f64] {
    col.try_as_col_major_mut()
        .expect("faer's Mat stores columns contiguously")
        .as_slice_mut()
}

/// `gram_eigh`: eigendecomposition of `XcXcᵀ` (n × n, for p > n); σᵢ² are its eigenvalues and
/// the axes `Xcᵀuᵢ / σᵢ`. Axes of (numerically) zero σ are completed with seeded
/// random directions; a thin QR then makes all of them orthonormal to round-off (it changes
/// well-separated axes only at that level).
fn by_gram(t: MatRef<'_, f64>, k: usize) -> Result<Axes, Error> {
    let (p, n) = (t.nrows(), t.ncols());
    let g = t.transpose() * t;
    let eig = g
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| solver_error("the Gram eigendecomposition", e))?;
    let (vals, u) = (eig.S().column_vector(), eig.U());
    let top = vals[n - 1].max(0.0);
    // Below this a squared singular value is round-off of the Gram matrix.
    let zero = top * (n.max(p) as f64) * f64::EPSILON;
    let uk = Mat::from_fn(n, k, |r, c| u[(r, n - 1 - c)]);
    let mut v = t * uk.as_ref();
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut ev = Array1::zeros(k);
    for c in 0..k {
        let mu = vals[n - 1 - c];
        if mu > zero {
            let inv = 1.0 / mu.sqrt();
            v.col_mut(c).iter_mut().for_each(|e| *e *= inv);
            ev[c] = mu / (n - 1) as f64;
        } else {
            v.col_mut(c)
                .iter_mut()
                .for_each(|e| *e = StandardNormal.sample(&mut rng));
        }
    }
    let q = v.qr().compute_thin_Q();
    let components = Array2::from_shape_fn((k, p), |(i, j)| {
        // QR may flip a column: keep the direction of v (the sign rule runs later anyway).
        q[(j, i)]
    });
    Ok((components, ev))
}

/// `full_svd`: faer's thin SVD of the n × p centred matrix.
fn by_svd(t: MatRef<'_, f64>, k: usize) -> Result<Axes, Error> {
    let (p, n) = (t.nrows(), t.ncols());
    let svd = t
        .transpose()
        .thin_svd()
        .map_err(|e| solver_error("the SVD", e))?;
    let (s, v) = (svd.S().column_vector(), svd.V());
    let components = Array2::from_shape_fn((k, p), |(i, j)| v[(j, i)]);
    let ev = Array1::from_shape_fn(k, |i| s[i] * s[i] / (n - 1) as f64);
    Ok((components, ev))
}

/// `randomized`: Halko, Martinsson & Tropp (2011), algorithm 4.4 as scikit-learn's
/// `randomized_svd` runs it (k + 10 directions, 7 power iterations when k < 0.1·min(n, p) else
/// 4), with a thin QR between the products. Deterministic (fixed seed).
/// `t` is the transposed centred data (see [`centred_transpose`]).
fn by_randomized(t: MatRef<'_, f64>, k: usize, progress: &Progress) -> Result<Axes, Error> {
    let (p, n) = (t.nrows(), t.ncols());
    let m = n.min(p);
    let l = (k + 10).min(m);
    let iterations = if 10 * k < m { 7 } else { 4 };
    progress.set_total(4 + iterations as u64);
    let a = t.transpose(); // n × p
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let omega = Mat::from_fn(p, l, |_, _| -> f64 { StandardNormal.sample(&mut rng) });
    let mut q = a * omega.as_ref();
    for it in 0..iterations {
        q = q.qr().compute_thin_Q();
        let z = (t * q.as_ref()).qr().compute_thin_Q();
        q = a * z.as_ref();
        progress.check()?;
        progress.set(3 + it as u64);
    }
    let q = q.qr().compute_thin_Q();
    // B = qᵀXc (l × p) = Bᵀᵀ with Bᵀ = Xcᵀq; the right singular vectors of B are the left ones
    // of Bᵀ (p × l, a thin SVD).
    let bt = t * q.as_ref();
    let svd = bt.thin_svd().map_err(|e| solver_error("the SVD", e))?;
    let (s, u) = (svd.S().column_vector(), svd.U());
    let components = Array2::from_shape_fn((k, p), |(i, j)| u[(j, i)]);
    let ev = Array1::from_shape_fn(k, |i| s[i] * s[i] / (n - 1) as f64);
    Ok((components, ev))
}

/// [`PcaEngine::Linfa`]: linfa-reduction's own `Pca` (fitted without whitening, which would
/// rescale its axes); only its axes and singular values are used (module documentation).
fn by_linfa(
    x: ArrayView2<f64>,
    mean: &Array1<f64>,
    k: usize,
) -> Result<(Array2<f64>, Array1<f64>, f64), Error> {
    use linfa::traits::Fit;
    let n = x.nrows();
    let ds = linfa::DatasetBase::from(x.to_owned());
    let model = linfa_reduction::Pca::params(k)
        .whiten(false)
        .fit(&ds)
        .map_err(|e| Error::Solver(format!("linfa-reduction PCA: {e}")))?;
    let (c, sigma) = (model.components(), model.singular_values());
    if c.nrows() < k || sigma.len() < k {
        return Err(Error::Solver(format!(
            "linfa-reduction PCA returned {} of the {k} components asked for (it does on \
             rank-deficient data); choose fewer components or the ridgeline engine",
            c.nrows().min(sigma.len())
        )));
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| sigma[b].total_cmp(&sigma[a]));
    let components = Array2::from_shape_fn((k, x.ncols()), |(i, j)| c[[order[i], j]]);
    let ev = Array1::from_shape_fn(k, |i| sigma[order[i]].powi(2) / (n - 1) as f64);
    let total = row_blocks(n)
        .into_par_iter()
        .map(|(a, b)| {
            let block = &x.slice(s![a..b, ..]) - mean;
            block.iter().map(|v| v * v).sum::<f64>()
        })
        .sum::<f64>()
        / (n - 1) as f64;
    Ok((components, ev, total))
}

fn row_blocks(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .step_by(ROWS_PER_BLOCK)
        .map(|a| (a, (a + ROWS_PER_BLOCK).min(n)))
        .collect()
}

/// Column means and the largest |value|, or `None` when a value is NaN or infinite.
fn parallel_column_means(x: ArrayView2<f64>) -> Option<(Array1<f64>, f64)> {
    let p = x.ncols();
    // One branch-free pass (it vectorises): a NaN is ignored by the max (`a > m` is false)
    // but makes its column sum NaN; an infinity makes the max infinite.
    let (sum, max_abs) = row_blocks(x.nrows())
        .into_par_iter()
        .map(|(a, b)| {
            let mut sum = Array1::<f64>::zeros(p);
            let mut m = 0.0f64;
            for row in x.slice(s![a..b, ..]).rows() {
                for (acc, &v) in sum.iter_mut().zip(row) {
                    *acc += v;
                    let a = v.abs();
                    m = if a > m { a } else { m };
                }
            }
            (sum, m)
        })
        .reduce(
            || (Array1::zeros(p), 0.0),
            |(s1, m1), (s2, m2)| (s1 + s2, m1.max(m2)),
        );
    let mean = sum / x.nrows() as f64;
    if max_abs.is_finite() && mean.iter().all(|m| m.is_finite()) {
        return Some((mean, max_abs));
    }
    // A non-finite value, or finite values so large that a column sum overflowed (the caller
    // then rescales and computes the means again).
    x.iter().all(|v| v.is_finite()).then_some((mean, max_abs))
}

/// `(X - mean)ᵀ (X - mean)`, summed over row blocks in parallel. Each block is centred into a
/// small buffer first (no n × p copy, and no cancellation-prone `XᵀX - n·x̄x̄ᵀ`).
fn parallel_centred_gram(x: ArrayView2<f64>, mean: &Array1<f64>) -> Array2<f64> {
    let p = x.ncols();
    let mut gram = row_blocks(x.nrows())
        .into_par_iter()
        .fold(
            || Array2::<f64>::zeros((p, p)),
            |mut acc, (a, b)| {
                let block = &x.slice(s![a..b, ..]) - mean;
                general_mat_mul(1.0, &block.t(), &block, 1.0, &mut acc);
                acc
            },
        )
        .reduce(|| Array2::zeros((p, p)), |a, b| a + b);
    // Exact symmetry for the eigensolver.
    for i in 0..p {
        for j in 0..i {
            let v = 0.5 * (gram[[i, j]] + gram[[j, i]]);
            gram[[i, j]] = v;
            gram[[j, i]] = v;
        }
    }
    gram
}

//! Cyclic coordinate descent for the elastic net, as scikit-learn's `enet_coordinate_descent`
//! (and linfa-elasticnet's, which follows it) runs it, on centred data scaled by 1/n: the
//! objective 1/(2n)‖yc − Xc·w‖² + a‖w‖₁ + ½b‖w‖² (a = αρ, b = α(1 − ρ)).
//!
//! The same coordinate updates as theirs, with two changes of bookkeeping that do not change
//! the iterates (up to rounding):
//! - when there are at least as many rows as columns (and at most [`GRAM_MAX_P`] columns) the
//!   sweeps run on the Gram matrix Q = XcᵀXc/n, keeping H = Qw: a sweep costs O(p²) instead of
//!   O(np), after one O(np²) product (scikit-learn's `precompute=True`);
//! - the duality gap is the smaller of scikit-learn's (the dual point scaled into the lasso's
//!   feasible set) and the Fenchel dual of the L2 part when b > 0, which is exact for ridge
//!   (scikit-learn's, and linfa's, equals the objective itself when ρ = 0 and never met `tol`).
//!
//! The stopping rule is theirs: the gap is checked once the largest coordinate update is below
//! `tol` relative to the largest coefficient, and the fit stops when it is ≤ tol·‖yc‖²/n.
//! Used by the live fit, the loss curve and the regularisation path (which warm-starts it
//! from one α to the next).

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};
use rayon::prelude::*;

use super::Error;

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

pub(crate) fn soft_threshold(z: f64, a: f64) -> f64 {
    if z > a {
        z - a
    } else if z < -a {
        z + a
    } else {
        0.0
    }
}

/// Largest p for which a path uses the Gram matrix (p² f64 = 32 MB).
pub(crate) const GRAM_MAX_P: usize = 2048;

/// Largest p for which one fit uses the Gram matrix (see [`EnData::for_fit`]).
pub(crate) const GRAM_FIT_MAX_P: usize = 128;

/// Centred elastic net data, scaled by 1/n so the objective is
/// `½·yy − q·w + ½·wᵀQw + a‖w‖₁ + ½·b‖w‖²` (a = αρ, b = α(1−ρ)).
pub(crate) struct EnData {
    pub(crate) n: usize,
    pub(crate) p: usize,
    pub(crate) x_mean: Vec<f64>,
    pub(crate) y_mean: f64,
    /// Xcᵀyc / n.
    pub(crate) q: Vec<f64>,
    /// ‖yc‖² / n.
    pub(crate) yy: f64,
    /// ‖xc_j‖² / n.
    pub(crate) diag: Vec<f64>,
    pub(crate) sweeps: Sweeps,
}

pub(crate) enum Sweeps {
    /// Q = XcᵀXc / n, p × p row-major.
    Gram(Vec<f64>),
    /// Xc column-major (n × p) and yc.
    Residual { xc: Vec<f64>, yc: Vec<f64> },
}

/// Coordinate-descent state carried from one α to the next (the warm start).
pub(crate) struct CdState {
    pub(crate) w: Vec<f64>,
    /// Gram: H = Qw (length p). Residual: r = yc − Xc·w (length n).
    pub(crate) aux: Vec<f64>,
}

pub(crate) struct CdOutcome {
    pub(crate) n_iter: usize,
    pub(crate) converged: bool,
}

impl EnData {
    /// For a regularisation path: the Gram matrix whenever rows outnumber columns, up to
    /// [`GRAM_MAX_P`] (many α, many sweeps: O(p²) sweeps repay its O(np²) cost).
    pub(crate) fn new(x: ArrayView2<f64>, y: &[f64]) -> Self {
        Self::with_sweeps(x, y, None, &|| false)
    }

    /// For one fit: the Gram matrix when rows outnumber columns and there are at most
    /// [`GRAM_FIT_MAX_P`] columns. Computing it streams X once without a copy, its n·p²
    /// multiply-adds running at the cores' arithmetic speed, where sweeps over the columns
    /// need a centred column-major copy and stream X twice per sweep from memory: for a few
    /// dozen sweeps the Gram matrix is cheaper while p is small. `cancelled` is asked between
    /// chunks of rows (the caller checks its progress after).
    pub(crate) fn for_fit(
        x: ArrayView2<f64>,
        y: &[f64],
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Self {
        let (n, p) = x.dim();
        Self::with_sweeps(x, y, Some(n >= p && p <= GRAM_FIT_MAX_P), cancelled)
    }

    /// `gram`: force the Gram (`Some(true)`) or residual (`Some(false)`) sweeps; `None` picks.
    pub(crate) fn with_sweeps(
        x: ArrayView2<f64>,
        y: &[f64],
        gram: Option<bool>,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Self {
        let (n, p) = x.dim();
        let nf = n.max(1) as f64;
        let y_mean = y.iter().sum::<f64>() / nf;
        let yc: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
        let yy = dot(&yc, &yc) / nf;
        let use_gram = gram.unwrap_or(p <= GRAM_MAX_P && n >= p);
        let (x_mean, q, diag, sweeps) = if use_gram {
            let x_mean = column_means(x);
            let (g, q) = centred_gram(x, &x_mean, &yc, cancelled);
            let diag = (0..p).map(|j| g[j * p + j]).collect();
            (x_mean.to_vec(), q, diag, Sweeps::Gram(g))
        } else {
            let (xc, x_mean, norms) = centred_columns(x);
            let col = |j: usize| &xc[j * n..(j + 1) * n];
            let q: Vec<f64> = (0..p).map(|j| dot(col(j), &yc) / nf).collect();
            let diag: Vec<f64> = norms.iter().map(|v| v / nf).collect();
            (x_mean.to_vec(), q, diag, Sweeps::Residual { xc, yc })
        };
        Self {
            n,
            p,
            x_mean,
            y_mean,
            q,
            yy,
            diag,
            sweeps,
        }
    }

    pub(crate) fn start(&self) -> CdState {
        CdState {
            w: vec![0.0; self.p],
            aux: match &self.sweeps {
                Sweeps::Gram(_) => vec![0.0; self.p],
                Sweeps::Residual { yc, .. } => yc.clone(),
            },
        }
    }

    /// Cyclic coordinate descent from `st` until the duality gap ≤ `tol`·‖yc‖²/n or `max_iter`
    /// sweeps.
    /// `check` is called before every sweep (a cancel returns its error); `on_sweep` after
    /// each, with the sweep's number (from 1), the state, and whether it is the last.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn solve(
        &self,
        st: &mut CdState,
        a: f64,
        b: f64,
        tol: f64,
        max_iter: u64,
        check: &dyn Fn() -> Result<(), Error>,
        on_sweep: &mut dyn FnMut(usize, &CdState, bool),
    ) -> Result<CdOutcome, Error> {
        let (n, p) = (self.n, self.p);
        let tol_gap = tol * self.yy;
        let mut n_iter = 0;
        while (n_iter as u64) < max_iter {
            check()?;
            n_iter += 1;
            let mut w_max = 0.0f64;
            let mut d_w_max = 0.0f64;
            for j in 0..p {
                let djj = self.diag[j];
                if djj + b <= 0.0 {
                    continue; // a constant column (and no L2): w_j stays 0
                }
                let old = st.w[j];
                let new = match &self.sweeps {
                    Sweeps::Gram(g) => {
                        let row = &g[j * p..(j + 1) * p];
                        let new = soft_threshold(self.q[j] - st.aux[j] + djj * old, a) / (djj + b);
                        let d = new - old;
                        if d != 0.0 {
                            for (h, qjk) in st.aux.iter_mut().zip(row) {
                                *h += d * qjk;
                            }
                        }
                        new
                    }
                    Sweeps::Residual { xc, .. } => {
                        let col = &xc[j * n..(j + 1) * n];
                        let g = dot(col, &st.aux) / n as f64 + djj * old;
                        let new = soft_threshold(g, a) / (djj + b);
                        let d = new - old;
                        if d != 0.0 {
                            for (r, x) in st.aux.iter_mut().zip(col) {
                                *r -= d * x;
                            }
                        }
                        new
                    }
                };
                st.w[j] = new;
                d_w_max = d_w_max.max((new - old).abs());
                w_max = w_max.max(new.abs());
            }
            if !(w_max.is_finite() && d_w_max.is_finite()) {
                return Err(Error::Solver(
                    "coordinate descent diverged (non-finite coefficients)".into(),
                ));
            }
            // scikit-learn's rule: the gap is checked only once the largest update is small
            // relative to the largest coefficient (or at the last sweep). Checking it every
            // sweep would stop earlier with the same guarantee on the objective, but with
            // coefficients visibly looser than scikit-learn's along flat directions (diabetes'
            // correlated serum columns) at the default tol.
            // For tol below 1e-12 the pre-check uses 1e-12: relative updates that small may
            // never come on ill-conditioned data, and the gap alone is the real criterion.
            let check_gap =
                w_max == 0.0 || d_w_max / w_max < tol.max(1e-12) || n_iter as u64 == max_iter;
            // The incremental H (or r) drifts by rounding; every 16 sweeps it is recomputed
            // (without this, tolerances below ~1e-12 stall on diabetes).
            if n_iter % 16 == 0 {
                self.refresh(st);
            }
            // Confirm with H = Qw (or r) recomputed: the incremental updates drift by rounding
            // over many sweeps, enough to stall or fool a very tight tolerance.
            let done = check_gap && self.gap(st, a, b) <= tol_gap && {
                self.refresh(st);
                self.gap(st, a, b) <= tol_gap
            };
            on_sweep(n_iter, st, done || n_iter as u64 == max_iter);
            if done {
                return Ok(CdOutcome {
                    n_iter,
                    converged: true,
                });
            }
        }
        Ok(CdOutcome {
            n_iter,
            converged: false,
        })
    }

    /// Recompute `st.aux` from `st.w`: H = Qw, or r = yc − Xc·w.
    pub(crate) fn refresh(&self, st: &mut CdState) {
        let (n, p) = (self.n, self.p);
        match &self.sweeps {
            Sweeps::Gram(g) => {
                for (k, h) in st.aux.iter_mut().enumerate() {
                    *h = dot(&g[k * p..(k + 1) * p], &st.w);
                }
            }
            Sweeps::Residual { xc, yc } => {
                st.aux.copy_from_slice(yc);
                for (j, &wj) in st.w.iter().enumerate() {
                    if wj != 0.0 {
                        for (r, x) in st.aux.iter_mut().zip(&xc[j * n..(j + 1) * n]) {
                            *r -= wj * x;
                        }
                    }
                }
            }
        }
    }

    /// Duality gap of `st.w` on the objective's scale (see the module docs for the two duals).
    pub(crate) fn gap(&self, st: &CdState, a: f64, b: f64) -> f64 {
        let w = &st.w;
        let nf = self.n as f64;
        // v = Xcᵀr/n, r2 = ‖r‖²/n.
        let (v, r2): (Vec<f64>, f64) = match &self.sweeps {
            Sweeps::Gram(_) => {
                let v = self.q.iter().zip(&st.aux).map(|(q, h)| q - h).collect();
                let r2 = self.yy - 2.0 * dot(&self.q, w) + dot(w, &st.aux);
                (v, r2.max(0.0))
            }
            Sweeps::Residual { xc, .. } => {
                let n = self.n;
                let v = (0..self.p)
                    .map(|j| dot(&xc[j * n..(j + 1) * n], &st.aux) / nf)
                    .collect();
                (v, dot(&st.aux, &st.aux) / nf)
            }
        };
        // P − D written so that no term of the size of ‖y‖² cancels (the gap must resolve
        // values far below it): with rᵀyc/n = r2 + v·w,
        //   gap₁ = ½(1−c)²·r2 − c·v·w + a‖w‖₁ + ½b(1+c²)‖w‖²
        //   gap₂ = −v·w + a‖w‖₁ + ½b‖w‖² + Σ (|v_j| − a)₊² / (2b)
        let vw = dot(&v, w);
        let l1: f64 = w.iter().map(|x| x.abs()).sum();
        let l2 = dot(w, w);
        // scikit-learn's dual point: θ = c·(r, −√b·w) of the augmented lasso, scaled into
        // the dual feasible set ‖Xᵀr/n − b·w‖∞ ≤ a.
        let dual_norm = v
            .iter()
            .zip(w)
            .fold(0.0f64, |m, (vj, wj)| m.max((vj - b * wj).abs()));
        let c = if dual_norm > a { a / dual_norm } else { 1.0 };
        let mut gap = 0.5 * (1.0 - c).powi(2) * r2 - c * vw + a * l1 + 0.5 * b * (1.0 + c * c) * l2;
        // Fenchel dual of the L2 part (valid for b > 0, exact for ridge).
        if b > 0.0 {
            let conj: f64 = v
                .iter()
                .map(|vj| (vj.abs() - a).max(0.0).powi(2))
                .sum::<f64>();
            gap = gap.min(-vw + a * l1 + 0.5 * b * l2 + conj / (2.0 * b));
        }
        gap
    }

    /// The objective 1/(2n)‖yc − Xc·w‖² + a‖w‖₁ + ½b‖w‖² at `st`.
    pub(crate) fn objective(&self, st: &CdState, a: f64, b: f64) -> f64 {
        let w = &st.w;
        let r2 = match &self.sweeps {
            Sweeps::Gram(_) => (self.yy - 2.0 * dot(&self.q, w) + dot(w, &st.aux)).max(0.0),
            Sweeps::Residual { .. } => dot(&st.aux, &st.aux) / self.n as f64,
        };
        let l1: f64 = w.iter().map(|v| v.abs()).sum();
        0.5 * r2 + a * l1 + 0.5 * b * dot(w, w)
    }
}

/// Column means of `x`, summed row by row.
fn column_means(x: ArrayView2<f64>) -> Array1<f64> {
    let (n, p) = x.dim();
    let mut sum = vec![0.0; p];
    for row in x.rows() {
        for (s, v) in sum.iter_mut().zip(row) {
            *s += v;
        }
    }
    Array1::from(sum) / n.max(1) as f64
}

/// Rows per task of [`centred_gram`]: fixed, so the sums do not depend on the thread count.
const GRAM_CHUNK: usize = 4096;
/// Rows per centred block inside a task (stays in cache while it is multiplied).
const GRAM_BLOCK: usize = 256;

/// Q = XcᵀXc/n (p × p, row-major) and Xcᵀyc/n, with Xc = X − x̄, without a centred copy of X:
/// blocks of rows are centred in cache and multiplied in (ndarray's matrix product), chunks
/// of rows on rayon's pool, the partial sums added in chunk order. Centring each block before
/// multiplying keeps the precision of data far from 0 (XᵀX − n·x̄x̄ᵀ would cancel).
fn centred_gram(
    x: ArrayView2<f64>,
    mean: &Array1<f64>,
    yc: &[f64],
    cancelled: &(dyn Fn() -> bool + Sync),
) -> (Vec<f64>, Vec<f64>) {
    let (n, p) = x.dim();
    let nf = n.max(1) as f64;
    let starts: Vec<usize> = (0..n).step_by(GRAM_CHUNK).collect();
    let parts: Vec<(Array2<f64>, Array1<f64>)> = starts
        .par_iter()
        .map(|&c0| {
            let c1 = (c0 + GRAM_CHUNK).min(n);
            let mut g = Array2::<f64>::zeros((p, p));
            let mut q = Array1::<f64>::zeros(p);
            let mut block = Array2::<f64>::zeros((GRAM_BLOCK, p));
            if cancelled() {
                return (g, q);
            }
            for b0 in (c0..c1).step_by(GRAM_BLOCK) {
                let b1 = (b0 + GRAM_BLOCK).min(c1);
                let mut blk = block.slice_mut(s![..b1 - b0, ..]);
                blk.assign(&x.slice(s![b0..b1, ..]));
                blk -= mean;
                let blk = blk.view();
                general_mat_mul(1.0, &blk.t(), &blk, 1.0, &mut g);
                q += &blk.t().dot(&ArrayView1::from(&yc[b0..b1]));
            }
            (g, q)
        })
        .collect();
    let mut g = Array2::<f64>::zeros((p, p));
    let mut q = Array1::<f64>::zeros(p);
    for (gp, qp) in parts {
        g += &gp;
        q += &qp;
    }
    g /= nf;
    q /= nf;
    (g.iter().copied().collect(), q.to_vec())
}

/// `X − x̄` in column-major (Fortran) order as one vector (column j at `j·n..(j+1)·n`), `x̄`,
/// and the squared norms of the centred columns: every coordinate step walks one column,
/// which in a row-major matrix is strided (scikit-learn also hands its solver Fortran order).
/// x̄ is summed row by row; the copy reads X row by row (blocks of rows stay in cache while
/// their columns are written out), columns split between threads.
fn centred_columns(x: ArrayView2<f64>) -> (Vec<f64>, Array1<f64>, Vec<f64>) {
    let (n, p) = x.dim();
    let mut sum = vec![0.0; p];
    for row in x.rows() {
        for (s, v) in sum.iter_mut().zip(row) {
            *s += v;
        }
    }
    let mean = Array1::from(sum) / n.max(1) as f64;
    let mut xc = vec![0.0; n * p];
    let mut norms = vec![0.0; p];
    if n == 0 || p == 0 {
        return (xc, mean, norms);
    }
    // Columns per thread's share (at least one); rows per block.
    let per_task = p.div_ceil(rayon::current_num_threads().max(1)).max(1);
    const BLOCK: usize = 256;
    let src = x.as_slice();
    xc.par_chunks_mut(n * per_task)
        .zip(norms.par_chunks_mut(per_task))
        .enumerate()
        .for_each(|(t, (cols, norms))| {
            let j0 = t * per_task;
            let m = mean.slice(s![j0..j0 + norms.len()]);
            for i0 in (0..n).step_by(BLOCK) {
                let i1 = (i0 + BLOCK).min(n);
                for i in i0..i1 {
                    match src {
                        // Row-major X: its row as a slice.
                        Some(src) => {
                            let row = &src[i * p + j0..i * p + j0 + norms.len()];
                            for (c, (v, m)) in row.iter().zip(&m).enumerate() {
                                cols[c * n + i] = v - m;
                            }
                        }
                        None => {
                            for (c, m) in m.iter().enumerate() {
                                cols[c * n + i] = x[[i, j0 + c]] - m;
                            }
                        }
                    }
                }
            }
            for (col, norm) in cols.chunks(n).zip(norms.iter_mut()) {
                *norm = dot(col, col);
            }
        });
    (xc, mean, norms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, Axis};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    fn go() -> Result<(), Error> {
        Ok(())
    }

    fn random(n: usize, p: usize, seed: u64) -> (Array2<f64>, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut x = Array2::from_shape_simple_fn((n, p), || {
            <StandardNormal as Distribution<f64>>::sample(&StandardNormal, &mut rng)
        });
        // correlated columns and an offset, so centring and the solver both matter
        for mut row in x.rows_mut() {
            row[1] += 0.9 * row[0];
            row[2] += 5.0;
        }
        let y = (0..n)
            .map(|i| {
                3.0 * x[[i, 0]] - 2.0 * x[[i, 1]]
                    + 0.5 * x[[i, 3 % p]]
                    + 1.0
                    + <StandardNormal as Distribution<f64>>::sample(&StandardNormal, &mut rng)
            })
            .collect();
        (x, y)
    }

    /// The objective ½·‖yc − Xc·w‖²/n + a‖w‖₁ + ½b‖w‖², computed directly.
    fn objective(x: &Array2<f64>, y: &[f64], w: &[f64], a: f64, b: f64) -> f64 {
        let n = y.len() as f64;
        let xm = x.mean_axis(Axis(0)).unwrap();
        let ym = y.iter().sum::<f64>() / n;
        let mut rss = 0.0;
        for (i, row) in x.rows().into_iter().enumerate() {
            let fit: f64 = row
                .iter()
                .zip(&xm)
                .zip(w)
                .map(|((v, m), wj)| (v - m) * wj)
                .sum();
            rss += (y[i] - ym - fit).powi(2);
        }
        0.5 * rss / n + a * w.iter().map(|v| v.abs()).sum::<f64>() + 0.5 * b * dot(w, w)
    }

    #[test]
    fn gram_and_residual_sweeps_reach_the_same_optimum() {
        let (x, y) = random(60, 5, 1);
        let gram = EnData::with_sweeps(x.view(), &y, Some(true), &|| false);
        let resid = EnData::with_sweeps(x.view(), &y, Some(false), &|| false);
        assert!(matches!(gram.sweeps, Sweeps::Gram(_)));
        assert!(matches!(resid.sweeps, Sweeps::Residual { .. }));
        let (mut sg, mut sr) = (gram.start(), resid.start());
        for (a, b) in [(0.5, 0.5), (0.1, 0.0), (0.0, 0.3), (0.01, 0.01)] {
            let og = gram
                .solve(&mut sg, a, b, 1e-13, 100_000, &go, &mut |_, _, _| {})
                .unwrap();
            let or = resid
                .solve(&mut sr, a, b, 1e-13, 100_000, &go, &mut |_, _, _| {})
                .unwrap();
            assert!(og.converged && or.converged, "a {a} b {b}");
            for j in 0..5 {
                assert!((sg.w[j] - sr.w[j]).abs() < 1e-6, "a {a} b {b} j {j}");
            }
        }
    }

    #[test]
    fn duality_gap_bounds_the_distance_to_the_optimum() {
        // For any w: 0 ≤ P(w) − P(w*) ≤ gap(w). Check at perturbed points for lasso, ridge and
        // a mix, with P computed directly from the data.
        let (x, y) = random(40, 4, 7);
        for sweeps in [true, false] {
            let d = EnData::with_sweeps(x.view(), &y, Some(sweeps), &|| false);
            for (a, b) in [(0.3, 0.0), (0.0, 0.4), (0.2, 0.2)] {
                let mut st = d.start();
                d.solve(&mut st, a, b, 1e-14, 100_000, &go, &mut |_, _, _| {})
                    .unwrap();
                let p_star = objective(&x, &y, &st.w, a, b);
                assert!(d.gap(&st, a, b) < 1e-9);
                for shift in [0.01, 0.3, -1.0] {
                    let mut w = st.w.clone();
                    w[1] += shift;
                    w[3] -= shift / 2.0;
                    let probe = CdState {
                        aux: match &d.sweeps {
                            Sweeps::Gram(g) => {
                                (0..4).map(|i| dot(&g[i * 4..i * 4 + 4], &w)).collect()
                            }
                            Sweeps::Residual { xc, yc } => (0..40)
                                .map(|i| yc[i] - (0..4).map(|j| xc[j * 40 + i] * w[j]).sum::<f64>())
                                .collect(),
                        },
                        w,
                    };
                    let excess = objective(&x, &y, &probe.w, a, b) - p_star;
                    let gap = d.gap(&probe, a, b);
                    assert!(excess > 0.0, "{excess}");
                    assert!(
                        gap >= excess - 1e-12,
                        "a {a} b {b}: gap {gap} < excess {excess}"
                    );
                }
            }
        }
    }

    #[test]
    fn wide_data_use_residual_sweeps() {
        let (x, y) = random(10, 30, 3);
        assert!(matches!(
            EnData::new(x.view(), &y).sweeps,
            Sweeps::Residual { .. }
        ));
        let (x, y) = random(30, 10, 3);
        assert!(matches!(EnData::new(x.view(), &y).sweeps, Sweeps::Gram(_)));
    }

    #[test]
    fn duality_gap_is_zero_at_the_one_feature_solution() {
        // x = (−1, 0, 1), y = (−3, 0, 3), α = 1, ρ = ½ (a = b = ½): xᵀy/n = 2, ‖x‖²/n = 2/3,
        // w* = S(2, ½)/(2/3 + ½) = 9/7.
        let x = ndarray::array![[-1.0], [0.0], [1.0]];
        let d = EnData::new(x.view(), &[-3.0, 0.0, 3.0]);
        let mut st = d.start();
        st.w[0] = 9.0 / 7.0;
        d.refresh(&mut st);
        let gap = d.gap(&st, 0.5, 0.5);
        assert!(gap.abs() < 1e-12, "{gap}");
        let gap0 = d.gap(&d.start(), 0.5, 0.5);
        assert!(gap0 > 0.3, "{gap0}");
        // And the solver lands there.
        let mut st = d.start();
        let out = d
            .solve(&mut st, 0.5, 0.5, 1e-12, 1000, &go, &mut |_, _, _| {})
            .unwrap();
        assert!(
            out.converged && (st.w[0] - 9.0 / 7.0).abs() < 1e-9,
            "{:?}",
            st.w
        );
    }
}

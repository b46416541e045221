//! libsvm's C-SVC solver (`Solver` in svm.cpp, Fan, Chen & Lin 2005), ported: SMO with
//! second-order working-set selection, **shrinking** (rows whose αᵢ sits at a bound and whose
//! gradient says it will stay there leave the active set; before stopping the gradient is
//! rebuilt and the whole problem checked again) and kernel columns from an LRU [`Cache`] with
//! a memory budget. Cancellable: [`Progress::check`] every 64 iterations and inside the
//! gradient reconstruction; the time limit stops it unconverged.
//!
//! min ½αᵀQα − eᵀα s.t. yᵀα = 0, 0 ≤ αᵢ ≤ C, Qᵢⱼ = yᵢyⱼK(xᵢ, xⱼ); stops when the maximal
//! KKT violation m(α) − M(α) < tol (libsvm's `eps`).

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::cache::{Cache, Qfloat};
use super::{Kernel, SmoObserver, SmoStep};
use crate::error::Error;
use crate::progress::Progress;

const TAU: f64 = 1e-12;

/// libsvm's second-order gain of a working pair, −b²/a, with a non-positive curvature a
/// replaced by [`TAU`] (as libsvm does).
#[inline]
fn second_order_gain(grad_diff: f64, quad: f64) -> f64 {
    -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU }
}

/// A cached Q value as `f64` (a no-op while [`Qfloat`] is `f64`).
#[inline(always)]
#[allow(clippy::unnecessary_cast)]
fn qf(v: Qfloat) -> f64 {
    v as f64
}

/// The kernel function with its resolved parameters.
#[derive(Clone, Copy, Debug)]
pub struct KernelFn {
    pub kind: Kernel,
    pub gamma: f64,
    pub coef0: f64,
    pub degree: i32,
}

/// What the solver needs besides the data.
#[derive(Clone, Copy, Debug)]
pub struct SolverSettings {
    pub kernel: KernelFn,
    pub c: f64,
    pub eps: f64,
    pub shrinking: bool,
    /// The kernel cache's budget.
    pub cache_bytes: usize,
    pub max_iter: usize,
}

/// A solved binary problem, in the order of the rows it was given.
pub struct Solution {
    pub alpha: Vec<f64>,
    pub rho: f64,
    pub obj: f64,
    pub iter: usize,
    pub converged: bool,
    /// The maximal KKT violation at the returned α, over every row.
    pub gap: f64,
}

/// Q with its kernel cache; rows permuted as the solver swaps them.
struct QMatrix {
    kernel: KernelFn,
    p: usize,
    /// Rows, row-major, in the solver's current order.
    x: Vec<f64>,
    x_sq: Vec<f64>,
    y: Vec<f64>,
    qd: Vec<f64>,
    cache: Cache,
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(u, v)| u * v).sum()
}

impl KernelFn {
    /// As libsvm computes it (the Gaussian kernel from ‖xᵢ‖² + ‖xⱼ‖² − 2⟨xᵢ, xⱼ⟩).
    #[inline]
    fn eval(&self, a: &[f64], b: &[f64], a_sq: f64, b_sq: f64) -> f64 {
        match self.kind {
            Kernel::Linear => dot(a, b),
            Kernel::Poly => (self.gamma * dot(a, b) + self.coef0).powi(self.degree),
            Kernel::Rbf => (-self.gamma * (a_sq + b_sq - 2.0 * dot(a, b))).exp(),
        }
    }
}

/// eˣ to within 2 ulp of `f64::exp` for x ≤ 708, 0 below −708 (where eˣ < 10⁻³⁰⁷), written
/// without branches or calls so that a loop of it is vectorised (glibc's `exp` is a call per
/// element): x = k·ln 2 + r with |r| ≤ ½ln 2 (fdlibm's two-part ln 2, k rounded with the
/// 1.5·2⁵² trick), eʳ by its Taylor series to r¹³ (truncation < 10⁻¹⁷), times 2ᵏ built in the
/// exponent bits. The Gaussian kernel's arguments are ≤ 0 (up to rounding).
#[inline(always)]
fn exp_vectorisable(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5·2⁵²
    // fdlibm's ln2_hi (its last 11 bits zero: k·LN2_HI is exact) and ln2_lo.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    let xc = x.clamp(-708.0, 708.0);
    let t = xc * std::f64::consts::LOG2_E + MAGIC;
    let k = t - MAGIC;
    let r = (xc - k * LN2_HI) - k * LN2_LO;
    // 1/n! for n = 13 down to 0.
    const C: [f64; 14] = [
        1.0 / 6_227_020_800.0,
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ];
    let mut e = C[0];
    for &c in &C[1..] {
        e = e * r + c;
    }
    let k_bits = t.to_bits().wrapping_sub(MAGIC.to_bits());
    let scale = f64::from_bits(k_bits.wrapping_add(1023) << 52);
    if x < -708.0 { 0.0 } else { e * scale }
}

/// Columns at least this long are computed in parallel chunks of [`CHUNK`] (shorter ones are
/// not worth waking a thread for: measured slower at 10,000 rows).
const PAR_MIN: usize = 32_768;
const CHUNK: usize = 16_384;

impl QMatrix {
    /// Make column `i` hold rows `0..len` in the cache.
    fn get(&mut self, i: usize, len: usize) {
        let start = self.cache.prepare(i, len);
        if start >= len {
            return;
        }
        let QMatrix {
            kernel,
            p,
            x,
            x_sq,
            y,
            cache,
            ..
        } = self;
        let p = *p;
        let xi = &x[i * p..(i + 1) * p];
        let (yi, sqi) = (y[i], x_sq[i]);
        let fill = |from: usize, out: &mut [Qfloat]| {
            let to = from + out.len();
            if kernel.kind == Kernel::Rbf {
                // Two passes, so that the second (the exponentials, most of the time) is a
                // plain loop over slices the compiler vectorises: −γ‖xᵢ − xⱼ‖² first.
                let g = kernel.gamma;
                let rows = x[from * p..to * p].chunks_exact(p.max(1));
                if let [a, b] = *xi {
                    // Two features (the shown pair): no inner loop.
                    for ((o, r), &sq) in out.iter_mut().zip(rows).zip(&x_sq[from..to]) {
                        *o = -g * (sqi + sq - 2.0 * (a * r[0] + b * r[1]));
                    }
                } else {
                    for ((o, r), &sq) in out.iter_mut().zip(rows).zip(&x_sq[from..to]) {
                        *o = -g * (sqi + sq - 2.0 * dot(xi, r));
                    }
                }
                for (o, &yj) in out.iter_mut().zip(&y[from..to]) {
                    *o = yi * yj * exp_vectorisable(*o);
                }
                return;
            }
            for (t, o) in out.iter_mut().enumerate() {
                let j = from + t;
                let v = kernel.eval(xi, &x[j * p..(j + 1) * p], sqi, x_sq[j]);
                *o = (yi * y[j] * v) as Qfloat;
            }
        };
        let out = &mut cache.data_mut(i)[start..len];
        if len - start >= PAR_MIN {
            out.par_chunks_mut(CHUNK)
                .enumerate()
                .for_each(|(c, o)| fill(start + c * CHUNK, o));
        } else {
            fill(start, out);
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.cache.swap_index(i, j);
        let p = self.p;
        for f in 0..p {
            self.x.swap(i * p + f, j * p + f);
        }
        self.x_sq.swap(i, j);
        self.y.swap(i, j);
        self.qd.swap(i, j);
    }
}

const LOWER: u8 = 0;
const UPPER: u8 = 1;
const FREE: u8 = 2;

struct Solver {
    l: usize,
    active: usize,
    q: QMatrix,
    g: Vec<f64>,
    g_bar: Vec<f64>,
    alpha: Vec<f64>,
    status: Vec<u8>,
    /// Original position of each current row.
    active_set: Vec<usize>,
    c: f64,
    eps: f64,
    unshrink: bool,
}

/// Progress of one problem as a share of 1000, from the KKT gap's fall on a log scale (from
/// its first value down to `eps`): monotone, added to the job's [`Progress`] as it grows.
struct Share<'a> {
    progress: &'a Progress,
    done: u64,
    first: Option<f64>,
    log_eps: f64,
}

impl Share<'_> {
    fn update(&mut self, gap: f64) {
        if !(gap.is_finite() && gap > 0.0) {
            return;
        }
        let lg = gap.ln();
        let first = *self.first.get_or_insert(lg);
        if first <= self.log_eps {
            return;
        }
        let frac = ((first - lg) / (first - self.log_eps)).clamp(0.0, 0.99);
        let now = (frac * 1000.0) as u64;
        if now > self.done {
            self.progress.add(now - self.done);
            self.done = now;
        }
    }

    fn finish(&mut self) {
        self.progress.add(1000 - self.done.min(1000));
        self.done = 1000;
    }
}

impl Solver {
    fn update_status(&mut self, i: usize) {
        self.status[i] = if self.alpha[i] >= self.c {
            UPPER
        } else if self.alpha[i] <= 0.0 {
            LOWER
        } else {
            FREE
        };
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.q.swap(i, j);
        self.g.swap(i, j);
        self.g_bar.swap(i, j);
        self.alpha.swap(i, j);
        self.status.swap(i, j);
        self.active_set.swap(i, j);
    }

    /// libsvm's `select_working_set`: the maximal violation m(α) − M(α) over the active set
    /// and the pair (i, j) to update (`None` when the gap is below `eps` or no j exists).
    fn select_working_set(&mut self) -> (f64, Option<(usize, usize)>) {
        let a = self.active;
        let mut gmax = f64::NEG_INFINITY;
        let mut gmax2 = f64::NEG_INFINITY;
        let mut gmax_idx = usize::MAX;
        let mut gmin_idx = usize::MAX;
        let mut obj_diff_min = f64::INFINITY;
        {
            let (y, g, st) = (&self.q.y, &self.g, &self.status);
            for t in 0..a {
                if y[t] > 0.0 {
                    if st[t] != UPPER && -g[t] >= gmax {
                        gmax = -g[t];
                        gmax_idx = t;
                    }
                } else if st[t] != LOWER && g[t] >= gmax {
                    gmax = g[t];
                    gmax_idx = t;
                }
            }
        }
        let i = gmax_idx;
        if i == usize::MAX {
            // No row may move up: the gap is 0 by convention (nothing left to optimise).
            return (0.0, None);
        }
        self.q.get(i, a);
        let qi = self.q.cache.data(i, a);
        let (y, g, st, qd) = (&self.q.y, &self.g, &self.status, &self.q.qd);
        let (yi, qdi) = (y[i], qd[i]);
        for j in 0..a {
            if y[j] > 0.0 {
                if st[j] != LOWER {
                    let grad_diff = gmax + g[j];
                    if g[j] >= gmax2 {
                        gmax2 = g[j];
                    }
                    if grad_diff > 0.0 {
                        let quad = qdi + qd[j] - 2.0 * yi * qf(qi[j]);
                        let obj = second_order_gain(grad_diff, quad);
                        if obj <= obj_diff_min {
                            gmin_idx = j;
                            obj_diff_min = obj;
                        }
                    }
                }
            } else if st[j] != UPPER {
                let grad_diff = gmax - g[j];
                if -g[j] >= gmax2 {
                    gmax2 = -g[j];
                }
                if grad_diff > 0.0 {
                    let quad = qdi + qd[j] + 2.0 * yi * qf(qi[j]);
                    let obj = second_order_gain(grad_diff, quad);
                    if obj <= obj_diff_min {
                        gmin_idx = j;
                        obj_diff_min = obj;
                    }
                }
            }
        }
        let gap = if gmax2.is_finite() { gmax + gmax2 } else { 0.0 };
        if gap < self.eps || gmin_idx == usize::MAX {
            (gap, None)
        } else {
            (gap, Some((i, gmin_idx)))
        }
    }

    /// The maximal violation over the active set: (max over I_up of −yG, max over I_low of yG).
    fn violation(&self) -> (f64, f64) {
        let mut gmax1 = f64::NEG_INFINITY;
        let mut gmax2 = f64::NEG_INFINITY;
        for i in 0..self.active {
            let (yi, gi, s) = (self.q.y[i], self.g[i], self.status[i]);
            if yi > 0.0 {
                if s != UPPER {
                    gmax1 = gmax1.max(-gi);
                }
                if s != LOWER {
                    gmax2 = gmax2.max(gi);
                }
            } else {
                if s != UPPER {
                    gmax2 = gmax2.max(-gi);
                }
                if s != LOWER {
                    gmax1 = gmax1.max(gi);
                }
            }
        }
        (gmax1, gmax2)
    }

    fn be_shrunk(&self, i: usize, gmax1: f64, gmax2: f64) -> bool {
        let (yi, gi) = (self.q.y[i], self.g[i]);
        match self.status[i] {
            UPPER => {
                if yi > 0.0 {
                    -gi > gmax1
                } else {
                    -gi > gmax2
                }
            }
            LOWER => {
                if yi > 0.0 {
                    gi > gmax2
                } else {
                    gi > gmax1
                }
            }
            _ => false,
        }
    }

    fn do_shrinking(&mut self, progress: &Progress) -> Result<(), Error> {
        let (gmax1, gmax2) = self.violation();
        if !self.unshrink && gmax1 + gmax2 <= self.eps * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient(progress)?;
            self.active = self.l;
        }
        let mut i = 0;
        while i < self.active {
            if self.be_shrunk(i, gmax1, gmax2) {
                self.active -= 1;
                while self.active > i {
                    if !self.be_shrunk(self.active, gmax1, gmax2) {
                        self.swap_index(i, self.active);
                        break;
                    }
                    self.active -= 1;
                }
            }
            i += 1;
        }
        Ok(())
    }

    /// The gradient of the inactive rows, from Ḡ (the bounded αᵢ's part, kept up to date) and
    /// the free αᵢ: libsvm picks the cheaper of two loop orders.
    fn reconstruct_gradient(&mut self, progress: &Progress) -> Result<(), Error> {
        let (l, a) = (self.l, self.active);
        if a == l {
            return Ok(());
        }
        for j in a..l {
            self.g[j] = self.g_bar[j] - 1.0;
        }
        let nr_free = (0..a).filter(|&j| self.status[j] == FREE).count();
        if nr_free * l > 2 * a * (l - a) {
            for i in a..l {
                if (i - a) % 32 == 0 {
                    progress.check()?;
                }
                self.q.get(i, a);
                let qi = self.q.cache.data(i, a);
                let mut s = 0.0;
                for ((&st, &aj), &q) in self.status[..a].iter().zip(&self.alpha[..a]).zip(qi) {
                    if st == FREE {
                        s += aj * qf(q);
                    }
                }
                self.g[i] += s;
            }
        } else {
            let mut done = 0usize;
            for i in 0..a {
                if self.status[i] != FREE {
                    continue;
                }
                if done.is_multiple_of(32) {
                    progress.check()?;
                }
                done += 1;
                self.q.get(i, l);
                let qi = self.q.cache.data(i, l);
                let ai = self.alpha[i];
                for (gj, &q) in self.g[a..l].iter_mut().zip(&qi[a..l]) {
                    *gj += ai * qf(q);
                }
            }
        }
        Ok(())
    }

    fn calculate_rho(&self) -> f64 {
        let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut sum_free, mut nr_free) = (0.0, 0usize);
        for i in 0..self.active {
            let yg = self.q.y[i] * self.g[i];
            match self.status[i] {
                UPPER => {
                    if self.q.y[i] < 0.0 {
                        ub = ub.min(yg);
                    } else {
                        lb = lb.max(yg);
                    }
                }
                LOWER => {
                    if self.q.y[i] > 0.0 {
                        ub = ub.min(yg);
                    } else {
                        lb = lb.max(yg);
                    }
                }
                _ => {
                    nr_free += 1;
                    sum_free += yg;
                }
            }
        }
        if nr_free > 0 {
            sum_free / nr_free as f64
        } else {
            (ub + lb) / 2.0
        }
    }

    /// One SMO step on (i, j); returns the change of the dual objective.
    fn update_pair(&mut self, i: usize, j: usize) -> f64 {
        let a = self.active;
        let c = self.c;
        self.q.get(i, a);
        self.q.get(j, a);
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let (mut ai, mut aj) = (old_i, old_j);
        let d_obj;
        {
            let qi = self.q.cache.data(i, a);
            let qj = self.q.cache.data(j, a);
            let (y, qd, g) = (&self.q.y, &self.q.qd, &mut self.g);
            let qij = qf(qi[j]);
            if y[i] != y[j] {
                let quad = qd[i] + qd[j] + 2.0 * qij;
                let quad = if quad > 0.0 { quad } else { TAU };
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
                let quad = qd[i] + qd[j] - 2.0 * qij;
                let quad = if quad > 0.0 { quad } else { TAU };
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
            let (dai, daj) = (ai - old_i, aj - old_j);
            d_obj = g[i] * dai
                + g[j] * daj
                + 0.5 * (qd[i] * dai * dai + qd[j] * daj * daj)
                + qij * dai * daj;
            for ((gk, &u), &v) in g[..a].iter_mut().zip(qi).zip(qj) {
                *gk += qf(u) * dai + qf(v) * daj;
            }
        }
        self.alpha[i] = ai;
        self.alpha[j] = aj;
        let (ui, uj) = (self.status[i] == UPPER, self.status[j] == UPPER);
        self.update_status(i);
        self.update_status(j);
        let l = self.l;
        for (k, was_upper) in [(i, ui), (j, uj)] {
            if was_upper != (self.status[k] == UPPER) {
                self.q.get(k, l);
                let qk = self.q.cache.data(k, l);
                let s = if was_upper { -c } else { c };
                for (gb, &q) in self.g_bar.iter_mut().zip(qk) {
                    *gb += s * qf(q);
                }
            }
        }
        d_obj
    }

    fn objective(&self) -> f64 {
        // ½αᵀQα − eᵀα = ½ Σ αᵢ(Gᵢ − 1), with G = Qα − e (every row's gradient up to date).
        self.alpha
            .iter()
            .zip(&self.g)
            .map(|(a, g)| a * (g - 1.0))
            .sum::<f64>()
            / 2.0
    }
}

/// Solve the C-SVC dual on `rows` of `x` with targets `y` (±1, one per row), from α = 0.
/// Adds up to 1000 to `progress` (see [`Share`]).
pub fn solve<O: SmoObserver>(
    x: ArrayView2<f64>,
    rows: &[usize],
    y: &[f64],
    s: &SolverSettings,
    progress: &Progress,
    observer: &mut O,
) -> Result<Solution, Error> {
    let l = rows.len();
    let p = x.ncols();
    let mut data = Vec::with_capacity(l * p);
    for &r in rows {
        data.extend(x.row(r).iter().copied());
    }
    let x_sq: Vec<f64> = data.chunks_exact(p.max(1)).map(|r| dot(r, r)).collect();
    let x_sq = if p == 0 { vec![0.0; l] } else { x_sq };
    let qd: Vec<f64> = (0..l)
        .map(|i| {
            let r = &data[i * p..(i + 1) * p];
            s.kernel.eval(r, r, x_sq[i], x_sq[i])
        })
        .collect();
    let mut sv = Solver {
        l,
        active: l,
        q: QMatrix {
            kernel: s.kernel,
            p,
            x: data,
            x_sq,
            y: y.to_vec(),
            qd,
            cache: Cache::new(l, s.cache_bytes),
        },
        g: vec![-1.0; l],
        g_bar: vec![0.0; l],
        alpha: vec![0.0; l],
        status: vec![LOWER; l],
        active_set: (0..l).collect(),
        c: s.c,
        eps: s.eps,
        unshrink: false,
    };
    let mut share = Share {
        progress,
        done: 0,
        first: None,
        log_eps: s.eps.ln(),
    };
    let mut iter = 0usize;
    let mut converged = false;
    let mut counter = l.min(1000) + 1;
    let mut obj = 0.0;
    loop {
        if iter.is_multiple_of(64) {
            progress.check()?;
        }
        if iter >= s.max_iter || (iter > 0 && iter.is_multiple_of(1024) && progress.out_of_time()) {
            break;
        }
        counter -= 1;
        if counter == 0 {
            counter = l.min(1000);
            if s.shrinking {
                sv.do_shrinking(progress)?;
            }
        }
        let (mut gap, mut sel) = sv.select_working_set();
        if sel.is_none() {
            // Optimal on the active set: rebuild the whole gradient and check every row.
            sv.reconstruct_gradient(progress)?;
            sv.active = l;
            (gap, sel) = sv.select_working_set();
            if sel.is_none() {
                converged = true;
                break;
            }
            counter = 1; // shrink again at the next iteration
        }
        if iter.is_multiple_of(1024) {
            share.update(gap);
        }
        if O::ACTIVE && iter.is_multiple_of(observer.every().max(1)) {
            observer.observe(SmoStep {
                iteration: iter,
                dual_objective: obj,
                kkt_gap: gap,
                last: false,
            });
        }
        let (i, j) = sel.expect("checked above");
        iter += 1;
        obj += sv.update_pair(i, j);
    }
    if sv.active < l {
        sv.reconstruct_gradient(progress)?;
        sv.active = l;
    }
    let (g1, g2) = sv.violation();
    let gap = if (g1 + g2).is_finite() {
        (g1 + g2).max(0.0)
    } else {
        0.0
    };
    let rho = sv.calculate_rho();
    let obj = sv.objective();
    if O::ACTIVE {
        observer.observe(SmoStep {
            iteration: iter,
            dual_objective: obj,
            kkt_gap: gap,
            last: true,
        });
    }
    share.finish();
    let mut alpha = vec![0.0; l];
    for (k, &orig) in sv.active_set.iter().enumerate() {
        alpha[orig] = sv.alpha[k];
    }
    Ok(Solution {
        alpha,
        rho,
        obj,
        iter,
        converged,
        gap,
    })
}

#[cfg(test)]
mod tests {
    use super::exp_vectorisable;

    #[test]
    fn the_vectorisable_exp_is_within_two_ulp_of_std() {
        let mut worst = 0.0f64;
        let mut x = -708.0;
        while x <= 708.0 {
            for dx in [0.0, 1e-9, 0.3465735902799726, 0.5] {
                let v = x + dx;
                if v > 708.0 {
                    continue;
                }
                let (a, b) = (exp_vectorisable(v), v.exp());
                worst = worst.max(((a - b) / b).abs() / f64::EPSILON);
            }
            x += 0.013;
        }
        assert!(worst <= 2.0, "{worst} ulp");
        assert_eq!(exp_vectorisable(0.0), 1.0);
        assert_eq!(exp_vectorisable(-800.0), 0.0);
        assert_eq!(exp_vectorisable(f64::NEG_INFINITY), 0.0);
        assert!((exp_vectorisable(1.0) - std::f64::consts::E).abs() <= 2.0 * f64::EPSILON * 3.0);
    }
}

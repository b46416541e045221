//! L2 shrinkage made visible. No egui here.
//!
//! Ridge regression (the elastic net's L2 part) minimises 1/(2n)‖y − Xw‖² + α(1 − ρ)/2 ‖w‖²
//! (ρ = l1_ratio, intercept fitted, so X and y are centred). With XᵀX/n = V diag(λ) Vᵀ, its
//! answer is w(α) = Σᵢ vᵢ vᵢᵀ Xᵀy/n / (λᵢ + α(1 − ρ)), and least squares' is the same with α = 0.
//! Along each eigen-direction vᵢ the ridge coefficient is therefore least squares' one times
//!
//!   fᵢ(α) = λᵢ / (λᵢ + α(1 − ρ)):
//!
//! directions of large variance λᵢ are kept, those of small variance are shrunk towards 0
//! (Goodfellow et al., *Deep Learning*, §7.1.1). Σᵢ fᵢ(α) is the model's effective number of
//! parameters (degrees of freedom).
//!
//! [`shrinkage`] computes the λᵢ (faer's symmetric eigensolver on the p × p matrix XᵀX/n of the
//! training rows, standardised as the live fit is), then fits the real estimator at a few α
//! and measures, for each drawn direction, (vᵢᵀ w(α)) / (vᵢᵀ w_LS): for ridge (ρ = 0) these
//! points lie on the curves; with an L1 part they fall off them (the lasso does not shrink
//! proportionally: it sets coefficients to 0).

use ndarray::{Array1, Axis};
use serde::Serialize;

use crate::data::prep;
use crate::data::{Dataset, Target};
use crate::estimators::{self, Error, Fitted, ModelKind, ModelSpec};
use crate::progress::Progress;

/// Most features the decomposition takes (a p × p eigenproblem, which cannot be interrupted
/// once started: about a second at 1,000).
pub const MAX_SHRINKAGE_FEATURES: usize = 1_000;

/// Most eigen-directions drawn: the largest half and the smallest half of them.
pub const MAX_DRAWN: usize = 8;

/// The eigenvalues, the drawn directions and what the fits measured; partial
/// (`done == false`) while the fits run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shrinkage {
    /// Eigenvalues λᵢ of XᵀX/n (centred, standardised training rows), largest first.
    pub eigenvalues: Vec<f64>,
    /// Indices (into `eigenvalues`) of the directions drawn.
    pub drawn: Vec<usize>,
    /// ρ of the model; the L2 weight is α(1 − ρ).
    pub l1_ratio: f64,
    /// The α of each fit done so far.
    pub fit_alphas: Vec<f64>,
    /// Per fit: (vᵢᵀ w(α)) / (vᵢᵀ w_LS) for each drawn direction (NaN where least squares has
    /// no component along vᵢ, or λᵢ is 0).
    pub measured: Vec<Vec<f64>>,
    /// Training rows used.
    pub n_rows: usize,
    pub done: bool,
}

impl Shrinkage {
    /// fᵢ(α) = λᵢ / (λᵢ + α(1 − ρ)) for eigenvalue number `i`.
    pub fn factor(&self, i: usize, alpha: f64) -> f64 {
        shrink_factor(self.eigenvalues[i], alpha * (1.0 - self.l1_ratio))
    }

    /// The effective number of parameters Σᵢ fᵢ(α).
    pub fn degrees_of_freedom(&self, alpha: f64) -> f64 {
        (0..self.eigenvalues.len())
            .map(|i| self.factor(i, alpha))
            .sum()
    }
}

/// λ / (λ + a), with 0/0 (a direction of no variance, no penalty) taken as 0.
pub fn shrink_factor(lambda: f64, a: f64) -> f64 {
    if lambda + a > 0.0 {
        lambda / (lambda + a)
    } else {
        0.0
    }
}

/// Which of `p` directions (largest first) are drawn: all up to [`MAX_DRAWN`], else the
/// largest and the smallest halves.
pub fn drawn_directions(p: usize) -> Vec<usize> {
    if p <= MAX_DRAWN {
        (0..p).collect()
    } else {
        let half = MAX_DRAWN / 2;
        (0..half).chain(p - half..p).collect()
    }
}

/// The α of the fits: 13 values, half-decades from 10⁻³ to 10³.
pub fn default_fit_alphas() -> Vec<f64> {
    crate::analysis::curves::log_grid(-3.0, 3.0, 13)
}

/// The shrinkage factors of `spec` (an elastic net) on rows `rows` of `ds`, and the measured
/// ratios of fits at `fit_alphas` (the other parameters from `spec`). `emit` receives the
/// result once the eigenvalues are known and after every fit.
pub fn shrinkage(
    ds: &Dataset,
    rows: &[usize],
    spec: &ModelSpec,
    fit_alphas: &[f64],
    standardize: bool,
    progress: &Progress,
    emit: &mut dyn FnMut(&Shrinkage),
) -> Result<Shrinkage, Error> {
    if spec.kind != ModelKind::ElasticNet {
        return Err(Error::Param(format!(
            "shrinkage is drawn for the elastic net (ridge, lasso), not {}",
            spec.kind.label()
        )));
    }
    let Target::Values(values) = &ds.target else {
        return Err(Error::Data(
            "shrinkage needs a numeric (regression) target".into(),
        ));
    };
    let p = ds.n_features();
    if p > MAX_SHRINKAGE_FEATURES {
        return Err(Error::Data(format!(
            "{p} features: shrinkage is drawn for at most {MAX_SHRINKAGE_FEATURES}; choose fewer"
        )));
    }
    if rows.len() < 2 || p == 0 {
        return Err(Error::Data(
            "shrinkage needs at least 2 training rows and a feature".into(),
        ));
    }
    spec.validate()?;
    progress.set_total(fit_alphas.len() as u64 + 1);
    progress.set(0);

    let scaler = prep::scaler_for(ds.x.view(), rows, standardize, &ds.feature_names)?;
    let z = scaler.transform(ds.x.select(Axis(0), rows).view());
    let y: Array1<f64> = rows.iter().map(|&i| values[i]).collect();
    let n = rows.len() as f64;
    // Centred (the intercept takes the means), then XᵀX/n and Xᵀy/n.
    let z_mean = z.mean_axis(Axis(0)).expect("rows");
    let zc = &z - &z_mean;
    let y_mean = y.mean().expect("rows");
    let yc = y.mapv(|v| v - y_mean);
    let gram = zc.t().dot(&zc) / n;
    let xty = zc.t().dot(&yc) / n;
    progress.check()?;
    let g = faer::MatRef::from_row_major_slice(gram.as_slice().expect("owned"), p, p);
    let eig = g
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|e| Error::Solver(format!("the eigendecomposition of XᵀX/n failed ({e:?})")))?;
    progress.check()?;
    // faer sorts ascending: largest first here. Rounding can leave tiny negatives: they are 0.
    let (vals, vecs) = (eig.S().column_vector(), eig.U());
    let eigenvalues: Vec<f64> = (0..p).map(|i| vals[p - 1 - i].max(0.0)).collect();
    let direction = |i: usize| Array1::from_shape_fn(p, |j| vecs[(j, p - 1 - i)]);
    let drawn = drawn_directions(p);
    let largest = eigenvalues[0];
    // Least squares' component along vᵢ: (vᵢᵀXᵀy/n) / λᵢ, where both are clearly non-zero.
    let xty_norm = xty.dot(&xty).sqrt();
    let ls: Vec<(Array1<f64>, Option<f64>)> = drawn
        .iter()
        .map(|&i| {
            let v = direction(i);
            let along = v.dot(&xty);
            let lambda = eigenvalues[i];
            let defined = lambda > 1e-10 * largest && along.abs() > 1e-8 * xty_norm;
            (v, defined.then(|| along / lambda))
        })
        .collect();

    let mut out = Shrinkage {
        eigenvalues,
        drawn,
        l1_ratio: spec.elastic_net.l1_ratio,
        fit_alphas: Vec::new(),
        measured: Vec::new(),
        n_rows: rows.len(),
        done: fit_alphas.is_empty(),
    };
    progress.set(1);
    emit(&out);
    for (k, &alpha) in fit_alphas.iter().enumerate() {
        progress.check()?;
        let mut s = spec.clone();
        s.elastic_net.alpha = alpha;
        s.validate()?;
        let target = estimators::TargetView::Values(y.view());
        let fitted = estimators::fit(&s, z.view(), target, &progress.child())?;
        let Fitted::ElasticNet(m) = fitted else {
            unreachable!("an elastic net spec fits an elastic net");
        };
        let w = m.coef();
        out.fit_alphas.push(alpha);
        out.measured.push(
            ls.iter()
                .map(|(v, ls_along)| ls_along.map_or(f64::NAN, |c| v.dot(w) / c))
                .collect(),
        );
        out.done = k + 1 == fit_alphas.len();
        progress.set(k as u64 + 2);
        emit(&out);
    }
    Ok(out)
}

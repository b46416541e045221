//! Loss curves of the current fit, streamed while the solver runs. No egui here.
//!
//! Each curve is read from a running optimisation, never refitted point by point:
//! - **SVM**: our SMO solver ([`svm::fit_svm_observed`]) reports its dual objective and KKT gap
//!   while it runs (the first one-vs-one pair only; the others run in parallel unwatched).
//! - **Logistic**: the L-BFGS `fit_logistic` runs (scikit-learn's objective, the MEAN
//!   log-loss + α/(2n)‖w‖², and its stopping rules; `estimators::logistic_lbfgs`), streaming
//!   every iteration's objective and parameters. The curve plots that mean objective, on the
//!   scale of the held-out mean log-loss beside it; the end point is the model `fit_logistic`
//!   returns.
//! - **Elastic net**: linfa-elasticnet 0.8.1's cyclic coordinate descent, ported operation for
//!   operation (same sweeps, same stopping test), on centred X and y as `fit_elastic_net`
//!   does, reporting the objective after each sweep.
//!
//! Curves keep at most about [`MAX_POINTS`] points: points are kept every `stride` iterations,
//! and when there are too many every other one is dropped and the stride doubles. The last
//! iteration is always kept. `emit` is called with the curve so far each time a point is added.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::Serialize;

use crate::estimators::elastic_net::{self, ElasticNetParams};
use crate::estimators::logistic::{self, LogisticParams};
use crate::estimators::logistic_lbfgs::{self, LbfgsStep, split_params};
use crate::estimators::svm::{self, SmoObserver, SmoStep};
use crate::estimators::{Error, Fitted, ModelKind, ModelSpec, TargetView};
use crate::progress::Progress;

/// Curves are thinned to keep at most this many points (plus the last one).
pub const MAX_POINTS: usize = 400;

/// Absolute cap on L-BFGS iterations and coordinate-descent sweeps, whatever `max_iter` says.
pub use crate::estimators::ITERATION_CAP;

/// A loss curve, partial (`done == false`) while the solver runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LossCurve {
    /// What one step on the x axis is, e.g. "L-BFGS iteration".
    pub what: String,
    /// The training objective, as a formula.
    pub objective_name: String,
    /// x values (iteration numbers), ascending, starting at 0 (the starting point).
    pub iterations: Vec<f64>,
    /// Training objective at each x.
    pub train: Vec<f64>,
    /// Loss on the test rows at each x, where it applies (logistic: mean log-loss; elastic
    /// net: MSE/2); `None` for the SVM dual or without test rows.
    pub held_out: Option<Vec<f64>>,
    /// What `held_out` is, e.g. "mean log-loss on the test rows".
    pub held_out_name: Option<String>,
    /// SVM: the maximal KKT violation m(α) − M(α) at each x (the solver stops below `tol`).
    pub gap: Option<Vec<f64>>,
    /// One sentence under the plot: how the curve was obtained.
    pub how: String,
    /// Whether the solver met its tolerance; `None` while it runs.
    pub converged: Option<bool>,
    /// `false` while the solver runs.
    pub done: bool,
}

impl LossCurve {
    fn new(what: &str, objective_name: &str, how: String) -> Self {
        Self {
            what: what.into(),
            objective_name: objective_name.into(),
            iterations: Vec::new(),
            train: Vec::new(),
            held_out: None,
            held_out_name: None,
            gap: None,
            how,
            converged: None,
            done: false,
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.iterations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.iterations.is_empty()
    }
}

/// The loss curve of the fit `spec` describes, on the training rows, with the held-out loss
/// on `x_test` where it applies. `emit` receives each partial curve as the solver runs; the
/// returned curve is the final one (`done == true`). PCA has no curve (an error says why).
pub fn loss_curve(
    spec: &ModelSpec,
    x_train: ArrayView2<f64>,
    target_train: TargetView,
    x_test: Option<(ArrayView2<f64>, TargetView)>,
    progress: &Progress,
    emit: &mut dyn FnMut(&LossCurve),
) -> Result<LossCurve, Error> {
    loss_curve_and_model(spec, x_train, target_train, x_test, progress, emit).map(|(c, _)| c)
}

/// [`loss_curve`] and the model at the curve's end: the model [`crate::estimators::fit`]
/// returns for the same spec and data (up to rounding for logistic regression).
pub fn loss_curve_and_model(
    spec: &ModelSpec,
    x_train: ArrayView2<f64>,
    target_train: TargetView,
    x_test: Option<(ArrayView2<f64>, TargetView)>,
    progress: &Progress,
    emit: &mut dyn FnMut(&LossCurve),
) -> Result<(LossCurve, Fitted), Error> {
    spec.validate()?;
    let wrong_target = |what: &str| Error::Data(format!("{} needs {what}", spec.kind.label()));
    let test = x_test.filter(|(x, _)| x.nrows() > 0);
    if let Some((xt, _)) = test
        && xt.ncols() != x_train.ncols()
    {
        return Err(Error::Data(format!(
            "the test rows have {} features but the training rows {}",
            xt.ncols(),
            x_train.ncols()
        )));
    }
    match (spec.kind, target_train) {
        (ModelKind::Pca, _) => Err(Error::Data(
            "PCA is solved exactly (an eigendecomposition): it has no iterations to show".into(),
        )),
        (ModelKind::Svm, TargetView::Classes { y, n_classes }) => {
            svm_curve(&spec.svm, x_train, y, n_classes, progress, emit)
        }
        (ModelKind::Logistic, TargetView::Classes { y, n_classes }) => {
            let test = match test {
                Some((xt, TargetView::Classes { y: yt, .. })) => {
                    if yt.len() != xt.nrows() {
                        return Err(Error::Data(format!(
                            "the test rows: x has {} rows but y has {} labels",
                            xt.nrows(),
                            yt.len()
                        )));
                    }
                    Some((xt, yt))
                }
                Some(_) => return Err(wrong_target("class labels on the test rows")),
                None => None,
            };
            logistic_curve(&spec.logistic, x_train, y, n_classes, test, progress, emit)
        }
        (ModelKind::ElasticNet, TargetView::Values(y)) => {
            let test = match test {
                Some((xt, TargetView::Values(yt))) => {
                    if yt.len() != xt.nrows() {
                        return Err(Error::Data(format!(
                            "the test rows: x has {} rows but y has {} values",
                            xt.nrows(),
                            yt.len()
                        )));
                    }
                    Some((xt, yt))
                }
                Some(_) => return Err(wrong_target("a numeric target on the test rows")),
                None => None,
            };
            elastic_net_curve(&spec.elastic_net, x_train, y, test, progress, emit)
        }
        (ModelKind::Svm | ModelKind::Logistic, TargetView::Values(_)) => {
            Err(wrong_target("class labels, not a numeric target"))
        }
        (ModelKind::ElasticNet, TargetView::Classes { .. }) => {
            Err(wrong_target("a numeric (regression) target"))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Thinning

/// Builds a curve of at most about [`MAX_POINTS`] points out of iterations 0, 1, 2, …
struct Recorder {
    curve: LossCurve,
    /// Keep iterations that are multiples of this.
    stride: usize,
    /// The last iteration offered, whether kept or not.
    last_seen: Option<usize>,
}

impl Recorder {
    fn new(curve: LossCurve) -> Self {
        Self {
            curve,
            stride: 1,
            last_seen: None,
        }
    }

    /// Whether iteration `k` would be kept (compute its values only then).
    fn wants(&self, k: usize) -> bool {
        k.is_multiple_of(self.stride)
    }

    /// Add a point (`k` ascending) and thin when there are too many.
    fn push(&mut self, k: usize, train: f64, held_out: Option<f64>, gap: Option<f64>) {
        let c = &mut self.curve;
        c.iterations.push(k as f64);
        c.train.push(train);
        if let Some(h) = held_out {
            c.held_out.get_or_insert_with(Vec::new).push(h);
        }
        if let Some(g) = gap {
            c.gap.get_or_insert_with(Vec::new).push(g);
        }
        self.last_seen = Some(k);
        if c.iterations.len() > MAX_POINTS {
            self.stride *= 2;
            // The newest point stays even off the stride (a forced last point).
            let newest = c.iterations.len() - 1;
            let keep: Vec<bool> = c
                .iterations
                .iter()
                .enumerate()
                .map(|(i, &it)| i == newest || (it as usize).is_multiple_of(self.stride))
                .collect();
            let filter = |v: &mut Vec<f64>| {
                let mut i = 0;
                v.retain(|_| {
                    i += 1;
                    keep[i - 1]
                });
            };
            filter(&mut c.iterations);
            filter(&mut c.train);
            if let Some(h) = c.held_out.as_mut() {
                filter(h);
            }
            if let Some(g) = c.gap.as_mut() {
                filter(g);
            }
        }
    }

    /// Whether iteration `k` is the last point of the curve.
    fn has_last(&self, k: usize) -> bool {
        self.curve.iterations.last() == Some(&(k as f64))
    }

    fn finish(mut self, converged: bool) -> LossCurve {
        self.curve.converged = Some(converged);
        self.curve.done = true;
        self.curve
    }
}

// ---------------------------------------------------------------------------------------------
// SVM

/// Streams the first sub-model's dual objective and KKT gap.
struct SvmWatch<'a> {
    rec: Recorder,
    emit: &'a mut dyn FnMut(&LossCurve),
}

impl SmoObserver for SvmWatch<'_> {
    fn every(&self) -> usize {
        self.rec.stride
    }

    fn observe(&mut self, step: SmoStep) {
        if self.rec.has_last(step.iteration) {
            return;
        }
        self.rec.push(
            step.iteration,
            step.dual_objective,
            None,
            Some(step.kkt_gap.max(0.0)),
        );
        (self.emit)(&self.rec.curve);
    }
}

fn svm_curve(
    p: &svm::SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
    emit: &mut dyn FnMut(&LossCurve),
) -> Result<(LossCurve, Fitted), Error> {
    let which = if n_classes == 2 {
        "the binary problem (class 1 against class 0)".to_string()
    } else {
        format!(
            "the first of the {} one-vs-one sub-problems (class 0 against class 1; the \
             others are solved alongside and not shown)",
            n_classes * (n_classes - 1) / 2
        )
    };
    let how = format!(
        "Read from the running SMO solver of {which}: its dual objective and maximal KKT \
         violation m(α) − M(α), which must fall below tol = {} to stop; at most {MAX_POINTS} \
         points, evenly spaced in iterations.",
        p.tol
    );
    let curve = LossCurve::new("SMO iteration", "dual objective ½αᵀQα − eᵀα", how);
    let mut watch = SvmWatch {
        rec: Recorder::new(curve),
        emit,
    };
    let model = svm::fit_svm_observed(p, x, y, n_classes, progress, &mut watch)?;
    // The solver looks at `progress` every 1024 iterations only.
    progress.check()?;
    let curve = watch.rec.finish(model.converged());
    (watch.emit)(&curve);
    Ok((curve, Fitted::Svm(model)))
}

// ---------------------------------------------------------------------------------------------
// Logistic regression

/// Mean log-loss of (coef, intercept) on (x, y); labels outside 0..k count as probability
/// 1e-15, as [`logistic::LogisticModel::objective`].
fn mean_log_loss(
    coef: &Array2<f64>,
    intercept: &Array1<f64>,
    n_classes: usize,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
) -> f64 {
    let z = x.dot(&coef.t()) + intercept;
    let floor = 1e-15f64.ln();
    let total: f64 = if n_classes == 2 {
        z.column(0)
            .iter()
            .zip(y)
            .map(|(&zi, &yi)| match yi {
                1 => -logistic_lbfgs::log_logistic(zi),
                0 => -logistic_lbfgs::log_logistic(-zi),
                _ => -floor,
            })
            .sum()
    } else {
        z.rows()
            .into_iter()
            .zip(y)
            .map(|(row, &yi)| {
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lse = max + row.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
                match row.get(yi) {
                    Some(zy) => lse - zy,
                    None => -floor,
                }
            })
            .sum()
    };
    total / y.len().max(1) as f64
}

fn logistic_curve(
    lp: &LogisticParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    test: Option<(ArrayView2<f64>, ArrayView1<usize>)>,
    progress: &Progress,
    emit: &mut dyn FnMut(&LossCurve),
) -> Result<(LossCurve, Fitted), Error> {
    logistic::check_logistic_inputs(lp, x, y, n_classes)?;
    let p = x.ncols();
    let max_iter = lp.max_iter.min(ITERATION_CAP);
    // The objective L-BFGS minimises: the mean log-loss (binary: (1/n) Σ ln(1 + exp(−s(x·w + b))),
    // multinomial: −(1/n) Σ ln softmax(x·W + b)[y]) plus the penalty scaled by 1/n.
    let objective_name = if n_classes == 2 {
        "mean log-loss + α/(2n)‖w‖²"
    } else {
        "mean log-loss + α/(2n)‖W‖²"
    };
    let capped = if max_iter < lp.max_iter {
        format!(" (capped at {ITERATION_CAP} iterations)")
    } else {
        String::new()
    };
    let how = format!(
        "L-BFGS on the mean log-loss + α/(2n)‖w‖² from w = 0, stopped as in scikit-learn \
         (max |gradient| ≤ tol = {}, or f stalled{capped}); one point per iteration (at \
         most {MAX_POINTS}), ending at the fit.",
        lp.tol
    );
    let mut curve = LossCurve::new("L-BFGS iteration", objective_name, how);
    if test.is_some() {
        curve.held_out_name = Some("mean log-loss on the test rows".into());
    }
    let mut rec = Recorder::new(curve);
    let held_out = |step: &LbfgsStep| {
        test.map(|(xt, yt)| {
            let (c, b) = split_params(&step.param, p, n_classes);
            mean_log_loss(&c, &b, n_classes, xt, yt)
        })
    };
    let run = logistic_lbfgs::minimise(lp, x, y, n_classes, max_iter, progress, &mut |step| {
        if rec.wants(step.k) {
            rec.push(step.k, step.cost, held_out(step), None);
            emit(&rec.curve);
        }
    })?;
    if let Some(step) = &run.last
        && !rec.has_last(step.k)
    {
        rec.push(step.k, step.cost, held_out(step), None);
    }
    let curve = rec.finish(run.converged);
    emit(&curve);
    Ok((curve, Fitted::Logistic(run.model)))
}

// ---------------------------------------------------------------------------------------------
// Elastic net

fn elastic_net_curve(
    ep: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    test: Option<(ArrayView2<f64>, ArrayView1<f64>)>,
    progress: &Progress,
    emit: &mut dyn FnMut(&LossCurve),
) -> Result<(LossCurve, Fitted), Error> {
    elastic_net::check_inputs(ep, x, y)?;
    let n = x.nrows() as f64;
    let max_steps = u64::from(ep.max_iter).min(ITERATION_CAP) as u32;
    let capped = if u64::from(max_steps) < u64::from(ep.max_iter) {
        format!(" (capped at {ITERATION_CAP} sweeps)")
    } else {
        String::new()
    };
    let how = format!(
        "Streamed from the fit itself: cyclic coordinate descent as linfa-elasticnet and \
         scikit-learn run it (w = 0 at the start, centred X and y, duality-gap test with \
         tol = {}{capped}), one point per sweep over the features (at most {MAX_POINTS}); its \
         end point is the fitted model.",
        ep.tol
    );
    let mut curve = LossCurve::new(
        "coordinate-descent sweep",
        "1/(2n)‖y − Xw − b‖² + αρ‖w‖₁ + α(1−ρ)/2‖w‖²",
        how,
    );
    if test.is_some() {
        curve.held_out_name = Some("MSE/2 on the test rows".into());
    }
    let mut rec = Recorder::new(curve);

    // The held-out loss needs the intercept of the uncentred problem, b = ȳ − x̄·w.
    let x_mean = x
        .mean_axis(Axis(0))
        .ok_or_else(|| Error::Data("no rows".into()))?;
    let y_mean = y.sum() / n;
    let held_out = |w: ArrayView1<f64>| {
        test.map(|(xt, yt)| {
            let b = y_mean - x_mean.dot(&w);
            let res = &yt - &(xt.dot(&w) + b);
            res.dot(&res) / (2.0 * yt.len().max(1) as f64)
        })
    };
    let (model, converged) =
        elastic_net::fit_elastic_net_streamed(ep, x, y, progress, &mut |k, w, objective, last| {
            if last || rec.wants(k) {
                rec.push(k, objective, held_out(ArrayView1::from(w)), None);
                emit(&rec.curve);
            }
        })?;
    let curve = rec.finish(converged);
    emit(&curve);
    Ok((curve, Fitted::ElasticNet(model)))
}

/// The loss curve of the fit the live view shows: the same features, scaling and rows
/// ([`crate::analysis::live::design`]), with the split's test rows as the held-out part.
pub fn loss_curve_of_fit(
    ds: &crate::data::Dataset,
    split: &crate::data::prep::Split,
    req: &crate::analysis::live::LiveRequest,
    progress: &Progress,
    emit: &mut dyn FnMut(&LossCurve),
) -> Result<LossCurve, Error> {
    use crate::analysis::live::{Design, design};
    let d = design(ds, split, req)?;
    let x_train = d.z_all.select(Axis(0), &d.fit_rows);
    let y_train = Design::target_of(ds, &d.fit_rows);
    let x_test = d.z_all.select(Axis(0), &split.test);
    let y_test = Design::target_of(ds, &split.test);
    let test = (!split.test.is_empty()).then(|| (x_test.view(), y_test.view()));
    loss_curve(
        &req.spec,
        x_train.view(),
        y_train.view(),
        test,
        progress,
        emit,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimators::logistic_lbfgs::log_logistic;

    fn recorder() -> Recorder {
        Recorder::new(LossCurve::new("step", "f", String::new()))
    }

    #[test]
    fn thinning_keeps_evenly_spaced_points_and_the_last() {
        let mut rec = recorder();
        let last = 12_345;
        for k in 0..=last {
            if rec.wants(k) || k == last {
                rec.push(k, -(k as f64), Some(k as f64), None);
            }
        }
        let c = &rec.curve;
        assert!(c.len() <= MAX_POINTS + 1, "{}", c.len());
        assert!(c.len() > MAX_POINTS / 2, "{}", c.len());
        assert_eq!(c.iterations[0], 0.0);
        assert_eq!(*c.iterations.last().unwrap(), last as f64);
        // Every point but the last is a multiple of the final stride, with no gaps.
        let stride = rec.stride as f64;
        let body = &c.iterations[..c.len() - 1];
        for (i, &it) in body.iter().enumerate() {
            assert_eq!(it, i as f64 * stride);
        }
        // The series stay aligned with their x values.
        for (i, &it) in c.iterations.iter().enumerate() {
            assert_eq!(c.train[i], -it);
            assert_eq!(c.held_out.as_ref().unwrap()[i], it);
        }
        assert!(c.gap.is_none());
    }

    #[test]
    fn a_forced_last_point_survives_a_thinning() {
        let mut rec = recorder();
        // 400 points at stride 1 (0..=399), then a forced point 401 makes 401 > MAX_POINTS.
        for k in 0..MAX_POINTS {
            rec.push(k, 0.0, None, None);
        }
        rec.push(MAX_POINTS + 1, 1.0, None, None);
        assert_eq!(rec.stride, 2);
        assert_eq!(
            *rec.curve.iterations.last().unwrap(),
            (MAX_POINTS + 1) as f64
        );
        assert_eq!(*rec.curve.train.last().unwrap(), 1.0);
    }

    #[test]
    fn log_logistic_is_stable_and_exact() {
        for z in [-30.0f64, -1.0, 0.0, 0.5, 30.0] {
            let direct = (1.0 / (1.0 + (-z).exp())).ln();
            assert!((log_logistic(z) - direct).abs() < 1e-12, "{z}");
        }
        assert!((log_logistic(-800.0) + 800.0).abs() < 1e-9);
        assert!(log_logistic(800.0) == 0.0);
    }
}

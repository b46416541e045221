//! Loss curves of the current fit, streamed while the solver runs. No egui here.
//!
//! Each curve is read from a running optimisation, never refitted point by point:
//! - **SVM**: our SMO solver ([`svm::fit_svm_observed`]) reports its dual objective and KKT gap
//!   while it runs (the first one-vs-one pair only; the others run in parallel unwatched).
//! - **Logistic**: argmin's L-BFGS with More-Thuente line search, run here on linfa-logistic
//!   0.8.1's objective, parameter layout, memory (10) and stopping rules, with an observer
//!   that streams every iteration's cost and parameters. The end point is the model
//!   `fit_logistic` returns (checked in the tests to ~1e-6).
//! - **Elastic net**: linfa-elasticnet 0.8.1's cyclic coordinate descent, ported operation for
//!   operation (same sweeps, same stopping test), on centred X and y as `fit_elastic_net`
//!   does, reporting the objective after each sweep.
//!
//! Curves keep at most about [`MAX_POINTS`] points: points are kept every `stride` iterations,
//! and when there are too many every other one is dropped and the stride doubles. The last
//! iteration is always kept. `emit` is called with the curve so far each time a point is added.

use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{
    CostFunction, Error as ArgminError, Executor, Gradient, IterState, KV, State, TerminationReason,
};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, ShapeBuilder, s};
use serde::Serialize;

use crate::estimators::elastic_net::{self, ElasticNetModel, ElasticNetParams};
use crate::estimators::logistic::{self, LogisticParams};
use crate::estimators::svm::{self, SmoObserver, SmoStep};
use crate::estimators::{Error, Fitted, ModelKind, ModelSpec, TargetView};
use crate::progress::{Cancelled, Progress};

/// Curves are thinned to keep at most this many points (plus the last one).
pub const MAX_POINTS: usize = 400;

/// Absolute cap on L-BFGS iterations and coordinate-descent sweeps, whatever `max_iter` says.
pub const ITERATION_CAP: u64 = 100_000;

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

/// `ln σ(z)` without overflow (linfa-logistic's `log_logistic`).
fn log_logistic(z: f64) -> f64 {
    if z > 0.0 {
        -(1.0 + (-z).exp()).ln()
    } else {
        z - (1.0 + z.exp()).ln()
    }
}

fn logistic_fn(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The target as linfa-logistic encodes it.
enum LogTarget {
    /// ±1 per row (+1 = class 1).
    Binary(Array1<f64>),
    /// One-hot, n × k.
    Multi(Array2<f64>),
}

/// The L-BFGS parameter vector, with linfa-logistic 0.8.1's arithmetic (its `ArgminParam`):
/// dot products are plain left-to-right sums, so the optimisation path is linfa's to the last
/// bit rather than merely close (argmin-math's own ndarray impls sum in another order).
/// Binary: (w₁…w_p, b); multinomial: the (p+1) × k matrix [W; b] flattened row-major, which
/// visits the elements in the order linfa's 2-D parameter does.
#[derive(Clone, Debug, Default, PartialEq)]
struct Flat(Array1<f64>);

mod flat_ops {
    use super::Flat;
    use argmin_math::{
        ArgminAdd, ArgminDot, ArgminL1Norm, ArgminL2Norm, ArgminMinMax, ArgminMul, ArgminSignum,
        ArgminSub, ArgminZeroLike,
    };
    use ndarray::{Array1, Zip};

    fn elem_dot(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
        Zip::from(a).and(b).fold(0.0, |acc, &u, &v| acc + u * v)
    }

    impl ArgminSub<f64, Flat> for Flat {
        fn sub(&self, other: &f64) -> Flat {
            Flat(&self.0 - *other)
        }
    }
    impl ArgminSub<Flat, Flat> for Flat {
        fn sub(&self, other: &Flat) -> Flat {
            Flat(&self.0 - &other.0)
        }
    }
    impl ArgminAdd<f64, Flat> for Flat {
        fn add(&self, other: &f64) -> Flat {
            Flat(&self.0 + *other)
        }
    }
    impl ArgminAdd<Flat, Flat> for Flat {
        fn add(&self, other: &Flat) -> Flat {
            Flat(&self.0 + &other.0)
        }
    }
    impl ArgminDot<Flat, f64> for Flat {
        fn dot(&self, other: &Flat) -> f64 {
            elem_dot(&self.0, &other.0)
        }
    }
    impl ArgminL1Norm<f64> for Flat {
        /// Only used by OWL-QN (an L1 penalty), never here.
        fn l1_norm(&self) -> f64 {
            self.0.iter().map(|v| v.abs()).sum()
        }
    }
    impl ArgminL2Norm<f64> for Flat {
        fn l2_norm(&self) -> f64 {
            elem_dot(&self.0, &self.0).sqrt()
        }
    }
    impl ArgminMul<f64, Flat> for Flat {
        fn mul(&self, other: &f64) -> Flat {
            Flat(&self.0 * *other)
        }
    }
    impl ArgminMul<Flat, Flat> for Flat {
        fn mul(&self, other: &Flat) -> Flat {
            Flat(&self.0 * &other.0)
        }
    }
    impl ArgminMul<Flat, Flat> for f64 {
        fn mul(&self, other: &Flat) -> Flat {
            Flat(&other.0 * *self)
        }
    }
    impl ArgminSignum for Flat {
        /// Only used by OWL-QN, never here.
        fn signum(self) -> Flat {
            Flat(self.0.mapv(f64::signum))
        }
    }
    impl ArgminZeroLike for Flat {
        fn zero_like(&self) -> Flat {
            Flat(Array1::zeros(self.0.len()))
        }
    }
    impl ArgminMinMax for Flat {
        fn min(x: &Self, y: &Self) -> Flat {
            Flat(
                Zip::from(&x.0)
                    .and(&y.0)
                    .map_collect(|&a, &b| if a < b { a } else { b }),
            )
        }
        fn max(x: &Self, y: &Self) -> Flat {
            Flat(
                Zip::from(&x.0)
                    .and(&y.0)
                    .map_collect(|&a, &b| if a > b { a } else { b }),
            )
        }
    }
}

/// linfa-logistic 0.8.1's objective and gradient, computed the way it computes them.
struct LogisticProblem<'a> {
    x: ArrayView2<'a, f64>,
    target: LogTarget,
    alpha: f64,
    progress: &'a Progress,
    /// Evaluations of the objective or its gradient so far, and the most allowed: a line
    /// search that cannot satisfy a tolerance below f64's reach would otherwise never end.
    evaluations: std::cell::Cell<u64>,
    max_evaluations: u64,
    /// The scores X·w (binary: y∘z; multinomial: log softmax) at the last parameters they were
    /// computed for: the line search asks for the objective and then the gradient at the same
    /// point, and this product (and its exponentials) is most of the work of each.
    scores: std::cell::RefCell<Option<(Array1<f64>, Array2<f64>)>>,
}

/// Why an L-BFGS run stopped before converging, short of a cancel: it is answered with the
/// last iterate, marked unconverged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
enum StoppedEarly {
    #[error("the time limit was reached")]
    OutOfTime,
    #[error("the evaluation budget was spent")]
    Budget,
}

impl LogisticProblem<'_> {
    /// Cancel, time limit and budget, checked before each evaluation.
    fn may_evaluate(&self) -> Result<(), ArgminError> {
        self.progress.check()?;
        if self.progress.out_of_time() {
            return Err(StoppedEarly::OutOfTime.into());
        }
        let n = self.evaluations.get() + 1;
        self.evaluations.set(n);
        if n > self.max_evaluations {
            return Err(StoppedEarly::Budget.into());
        }
        Ok(())
    }
}

impl LogisticProblem<'_> {
    fn p(&self) -> usize {
        self.x.ncols()
    }

    /// Binary: (y∘z, w) with z = X·w + b, computed as linfa does (X times a p × 1 matrix).
    /// `compute(param)` (an `n × m` matrix), or its copy from the last call at the same
    /// parameters: the same numbers, computed once.
    fn scores_at(&self, param: &Array1<f64>, compute: impl FnOnce() -> Array2<f64>) -> Array2<f64> {
        let mut cache = self.scores.borrow_mut();
        if let Some((at, scores)) = cache.as_ref()
            && at == param
        {
            return scores.clone();
        }
        let scores = compute();
        *cache = Some((param.clone(), scores.clone()));
        scores
    }

    fn binary_yz<'b>(
        &self,
        param: &'b Array1<f64>,
        y: &Array1<f64>,
    ) -> (Array1<f64>, ArrayView1<'b, f64>) {
        let p = self.p();
        let w = param.slice(s![..p]);
        let yz = self.scores_at(param, || {
            self.binary_yz_uncached(param, y).insert_axis(Axis(1))
        });
        let n = yz.nrows();
        (yz.into_shape_with_order(n).expect("n × 1"), w)
    }

    fn binary_yz_uncached(&self, param: &Array1<f64>, y: &Array1<f64>) -> Array1<f64> {
        let p = self.p();
        let w = param.slice(s![..p]);
        let z = self
            .x
            .dot(&w.into_shape_with_order((p, 1)).expect("a column"))
            + param[p];
        let n = z.len();
        let z = z.into_shape_with_order(n).expect("n × 1");
        z * y
    }

    /// Multinomial: log softmax(H) with linfa's log-sum-exp (one max over all of H, sums
    /// clamped at 1e-15), and W without the intercept row.
    fn multi_log_prob(&self, param: &Array1<f64>, k: usize) -> (Array2<f64>, Array2<f64>) {
        let p = self.p();
        let wb = param
            .view()
            .into_shape_with_order((p + 1, k))
            .expect("parameter length is (p+1)·k");
        let w = wb.slice(s![..p, ..]);
        let log_prob = self.scores_at(param, || {
            let h = self.x.dot(&w) + wb.row(p);
            let max = h.iter().copied().reduce(f64::max).unwrap_or(0.0);
            let lse = h
                .fold_axis(Axis(1), 0.0, |acc, &e| acc + (e - max).exp())
                .mapv_into(|e| e.max(1e-15).ln() + max);
            &h - &lse.insert_axis(Axis(1))
        });
        (log_prob, w.to_owned())
    }
}

fn elem_sum_product<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
) -> f64 {
    a.into_iter().zip(b).fold(0.0, |acc, (u, v)| acc + u * v)
}

impl CostFunction for LogisticProblem<'_> {
    type Param = Flat;
    type Output = f64;

    fn cost(&self, param: &Flat) -> Result<f64, ArgminError> {
        self.may_evaluate()?;
        match &self.target {
            LogTarget::Binary(y) => {
                let (mut yz, w) = self.binary_yz(&param.0, y);
                yz.mapv_inplace(log_logistic);
                Ok(-yz.sum() + 0.5 * self.alpha * w.dot(&w))
            }
            LogTarget::Multi(y) => {
                let (log_prob, w) = self.multi_log_prob(&param.0, y.ncols());
                Ok(-elem_sum_product(&log_prob, y) + 0.5 * self.alpha * elem_sum_product(&w, &w))
            }
        }
    }
}

impl Gradient for LogisticProblem<'_> {
    type Param = Flat;
    type Gradient = Flat;

    fn gradient(&self, param: &Flat) -> Result<Flat, ArgminError> {
        self.may_evaluate()?;
        let p = self.p();
        match &self.target {
            LogTarget::Binary(y) => {
                let (mut yz, w) = self.binary_yz(&param.0, y);
                yz.mapv_inplace(logistic_fn);
                yz -= 1.0;
                yz *= y;
                let mut grad = Array1::zeros(p + 1);
                grad.slice_mut(s![..p])
                    .assign(&(self.x.t().dot(&yz) + (&w * self.alpha)));
                grad[p] = yz.sum();
                Ok(Flat(grad))
            }
            LogTarget::Multi(y) => {
                let k = y.ncols();
                let (log_prob, w) = self.multi_log_prob(&param.0, k);
                let diff = log_prob.mapv_into(f64::exp) - y;
                let mut grad = Array2::zeros((p + 1, k));
                grad.slice_mut(s![..p, ..])
                    .assign(&(self.x.t().dot(&diff) + (&w * self.alpha)));
                grad.row_mut(p).assign(&diff.sum_axis(Axis(0)));
                Ok(Flat(Array1::from_iter(grad.iter().copied())))
            }
        }
    }
}

type LbfgsState = IterState<Flat, Flat, (), (), (), f64>;

/// One L-BFGS iteration as the observer sees it: after `k` iterations (0 = the start).
struct LbfgsStep {
    k: usize,
    cost: f64,
    param: Array1<f64>,
}

/// Sends every state to the thread that draws the curve (argmin wants `'static` observers).
struct ChannelObserver(crossbeam_channel::Sender<LbfgsStep>);

impl ChannelObserver {
    fn send(&self, k: usize, state: &LbfgsState) {
        if let Some(param) = state.get_param() {
            // The receiver only goes away once the run is over.
            let _ = self.0.send(LbfgsStep {
                k,
                cost: state.get_cost(),
                param: param.0.clone(),
            });
        }
    }
}

impl Observe<LbfgsState> for ChannelObserver {
    fn observe_init(&mut self, _: &str, state: &LbfgsState, _: &KV) -> Result<(), ArgminError> {
        self.send(0, state);
        Ok(())
    }

    fn observe_iter(&mut self, state: &LbfgsState, _: &KV) -> Result<(), ArgminError> {
        // The executor counts iterations from 0 and increments after observing.
        self.send(state.get_iter() as usize + 1, state);
        Ok(())
    }
}

/// (coef k' × p, intercept k') from the flat parameters, k' = 1 for binary.
fn split_params(param: &Array1<f64>, p: usize, n_classes: usize) -> (Array2<f64>, Array1<f64>) {
    if n_classes == 2 {
        let w = param.slice(s![..p]).to_owned().insert_axis(Axis(0));
        (w, Array1::from_elem(1, param[p]))
    } else {
        let wb = Array2::from_shape_vec((p + 1, n_classes), param.to_vec())
            .expect("parameter length is (p+1)·k");
        (wb.slice(s![..p, ..]).t().to_owned(), wb.row(p).to_owned())
    }
}

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
                1 => -log_logistic(zi),
                0 => -log_logistic(-zi),
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

/// Fit logistic regression with the L-BFGS of [`logistic_curve`] (linfa-logistic 0.8.1's
/// objective, layout and stopping rule on argmin's solver, so the same optimisation path),
/// without keeping its curve. Unlike linfa's own fit, it stops within one evaluation of the
/// objective when `progress` is cancelled. [`logistic::fit_logistic`] fits through this.
pub(crate) fn fit_logistic_lbfgs(
    lp: &LogisticParams,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    progress: &Progress,
) -> Result<logistic::LogisticModel, Error> {
    match logistic_curve(lp, x, y, n_classes, None, progress, &mut |_| {})? {
        (_, Fitted::Logistic(m)) => Ok(m),
        _ => Err(Error::Solver(
            "the L-BFGS fit returned another model".into(),
        )),
    }
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
    let (target, init, objective_name) = if n_classes == 2 {
        (
            LogTarget::Binary(y.mapv(|c| if c == 1 { 1.0 } else { -1.0 })),
            Flat(Array1::zeros(p + 1)),
            "Σ ln(1 + exp(−s·(x·w + b))) + α/2‖w‖²",
        )
    } else {
        let mut onehot = Array2::zeros((y.len(), n_classes));
        for (i, &c) in y.iter().enumerate() {
            onehot[[i, c]] = 1.0;
        }
        (
            LogTarget::Multi(onehot),
            Flat(Array1::zeros((p + 1) * n_classes)),
            "−Σ ln softmax(x·W + b)[y] + α/2‖W‖²",
        )
    };
    let capped = if max_iter < lp.max_iter {
        format!(" (capped at {ITERATION_CAP} iterations)")
    } else {
        String::new()
    };
    let how = format!(
        "Streamed from argmin's L-BFGS (memory 10, More-Thuente line search, gradient \
         tolerance {}{capped}) run on linfa-logistic's objective from w = 0, one point per \
         iteration (at most {MAX_POINTS}); its end point is the fitted model.",
        lp.tol
    );
    let mut curve = LossCurve::new("L-BFGS iteration", objective_name, how);
    if test.is_some() {
        curve.held_out_name = Some("mean log-loss on the test rows".into());
    }
    let mut rec = Recorder::new(curve);

    let problem = LogisticProblem {
        x: x.reborrow(),
        target,
        alpha: lp.alpha,
        progress,
        evaluations: std::cell::Cell::new(0),
        // About 20 line-search evaluations per iteration at the most (More-Thuente needs a
        // handful when all is well).
        max_evaluations: 20 * max_iter + 100,
        scores: std::cell::RefCell::new(None),
    };
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(lp.tol)
        .map_err(|e| Error::Param(e.to_string()))?;
    progress.set_total(max_iter);
    progress.set(0);
    let (tx, rx) = crossbeam_channel::unbounded::<LbfgsStep>();
    let outcome = std::thread::scope(|scope| {
        let runner = scope.spawn(move || {
            let result = Executor::new(problem, solver)
                .configure(|state| state.param(init).max_iters(max_iter))
                .add_observer(ChannelObserver(tx), ObserverMode::Always)
                .run()?;
            let state = result.state();
            let converged = matches!(
                state.get_termination_reason(),
                Some(TerminationReason::SolverConverged)
            );
            // linfa keeps the best parameters seen.
            let best = state
                .get_best_param()
                .or(state.get_param())
                .map(|f| f.0.clone())
                .ok_or_else(|| ArgminError::msg("L-BFGS returned no parameters"))?;
            Ok::<_, ArgminError>((best, converged))
        });
        let mut last: Option<LbfgsStep> = None;
        for step in &rx {
            if progress.is_cancelled() {
                break; // the solver stops at its next evaluation
            }
            progress.set(step.k as u64);
            if rec.wants(step.k) {
                let held = test.map(|(xt, yt)| {
                    let (c, b) = split_params(&step.param, p, n_classes);
                    mean_log_loss(&c, &b, n_classes, xt, yt)
                });
                rec.push(step.k, step.cost, held, None);
                emit(&rec.curve);
            }
            last = Some(step);
        }
        let joined = runner
            .join()
            .map_err(|_| ArgminError::msg("the L-BFGS thread panicked"));
        (joined.and_then(|r| r), last)
    });
    progress.check()?;
    let (result, last) = outcome;
    // Out of time or of evaluations: the last iterate, unconverged (as an SVM that hits its
    // limit), when there is one.
    let result = match result {
        Err(e) if e.downcast_ref::<StoppedEarly>().is_some() => match &last {
            Some(step) => Ok((step.param.clone(), false)),
            None => Err(e),
        },
        other => other,
    };
    let (best, converged) = result.map_err(|e| {
        if let Some(stop) = e.downcast_ref::<StoppedEarly>() {
            Error::Solver(format!("L-BFGS stopped before its first iteration: {stop}"))
        } else if e.downcast_ref::<Cancelled>().is_some() {
            Error::Cancelled
        } else {
            let msg = e.to_string();
            if msg.contains("descent direction") {
                Error::Solver(format!(
                    "L-BFGS line search failed ({msg}); try a larger alpha (smaller C), \
                     standardised features or fewer iterations"
                ))
            } else {
                Error::Solver(msg)
            }
        }
    })?;
    if let Some(step) = last
        && !rec.has_last(step.k)
    {
        let held = test.map(|(xt, yt)| {
            let (c, b) = split_params(&step.param, p, n_classes);
            mean_log_loss(&c, &b, n_classes, xt, yt)
        });
        rec.push(step.k, step.cost, held, None);
    }
    let (coef, intercept) = split_params(&best, p, n_classes);
    if coef.iter().chain(intercept.iter()).any(|v| !v.is_finite()) {
        return Err(Error::Solver(
            "L-BFGS diverged (non-finite coefficients); try a larger alpha (smaller C) or \
             standardised features"
                .into(),
        ));
    }
    let model = logistic::model_from_parts(lp, coef, intercept, n_classes, x, y);
    progress.set(max_iter);
    let curve = rec.finish(converged);
    emit(&curve);
    Ok((curve, Fitted::Logistic(model)))
}

// ---------------------------------------------------------------------------------------------
// Elastic net

/// `|v| <= ε`, approx's `abs_diff_eq!(v, 0.0)` as linfa uses it.
fn is_zero(v: f64) -> bool {
    v.abs() <= f64::EPSILON
}

/// linfa-elasticnet 0.8.1's duality gap (on n × the objective's scale).
fn duality_gap(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    w: ArrayView1<f64>,
    r: ArrayView1<f64>,
    l1_ratio: f64,
    penalty: f64,
) -> f64 {
    let n = x.nrows() as f64;
    let l1_reg = l1_ratio * penalty * n;
    let l2_reg = (1.0 - l1_ratio) * penalty * n;
    let xta = x.t().dot(&r) - &w * l2_reg;
    let dual_norm_xta = xta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let r_norm2 = r.dot(&r);
    let w_norm2 = w.dot(&w);
    let (c, mut gap) = if dual_norm_xta > l1_reg {
        let c = l1_reg / dual_norm_xta;
        (c, 0.5 * (r_norm2 + r_norm2 * c * c))
    } else {
        (1.0, r_norm2)
    };
    let l1_norm: f64 = w.iter().map(|v| v.abs()).sum();
    gap += l1_reg * l1_norm - c * r.dot(&y) + 0.5 * l2_reg * (1.0 + c * c) * w_norm2;
    gap
}

/// Fit the elastic net with the coordinate descent of [`elastic_net_curve`] (linfa-elasticnet
/// 0.8.1's, step for step), without keeping its curve: unlike linfa's fit it stops at the next
/// sweep when `progress` is cancelled, and it skips the parameter variances linfa computes
/// after every fit (a third of its time, and nobody here uses them).
/// [`elastic_net::fit_elastic_net`] fits through this.
pub(crate) fn fit_elastic_net_cd(
    ep: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    progress: &Progress,
) -> Result<ElasticNetModel, Error> {
    match elastic_net_curve(ep, x, y, None, progress, &mut |_| {})? {
        (_, Fitted::ElasticNet(m)) => Ok(m),
        _ => Err(Error::Solver(
            "the coordinate descent returned another model".into(),
        )),
    }
}

fn elastic_net_curve(
    ep: &ElasticNetParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    test: Option<(ArrayView2<f64>, ArrayView1<f64>)>,
    progress: &Progress,
    emit: &mut dyn FnMut(&LossCurve),
) -> Result<(LossCurve, Fitted), Error> {
    elastic_net::check_inputs(ep, x, y)?;
    let (n_rows, n_features) = x.dim();
    let n = n_rows as f64;
    let max_steps = u64::from(ep.max_iter).min(ITERATION_CAP) as u32;
    let capped = if u64::from(max_steps) < u64::from(ep.max_iter) {
        format!(" (capped at {ITERATION_CAP} sweeps)")
    } else {
        String::new()
    };
    let how = format!(
        "Streamed from a cyclic coordinate descent that repeats linfa-elasticnet's step for \
         step (w = 0 at the start, centred X and y, duality-gap test with tol = {}{capped}), \
         one point per sweep over the features (at most {MAX_POINTS}); its end point is the \
         fitted model.",
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

    // As fit_elastic_net: centre X and y (linfa's intercept is wrong otherwise), b = ȳ − x̄·w.
    let x_mean = x
        .mean_axis(Axis(0))
        .ok_or_else(|| Error::Data("no rows".into()))?;
    let y_mean = y.sum() / n;
    // Column-major, as fit_elastic_net hands linfa: every coordinate step walks one column.
    let mut xc = Array2::<f64>::zeros((n_rows, n_features).f());
    for ((mut dst, src), m) in xc.columns_mut().into_iter().zip(x.columns()).zip(&x_mean) {
        dst.zip_mut_with(&src, |d, v| *d = v - m);
    }
    let yc = y.mapv(|v| v - y_mean);
    let (alpha, rho) = (ep.alpha, ep.l1_ratio);
    let objective = |w: &Array1<f64>, r: &Array1<f64>| {
        let l1: f64 = w.iter().map(|v| v.abs()).sum();
        r.dot(r) / (2.0 * n) + alpha * rho * l1 + 0.5 * alpha * (1.0 - rho) * w.dot(w)
    };
    let held_out = |w: &Array1<f64>| {
        test.map(|(xt, yt)| {
            let b = y_mean - x_mean.dot(w);
            let res = &yt - &(xt.dot(w) + b);
            res.dot(&res) / (2.0 * yt.len().max(1) as f64)
        })
    };

    let mut w = Array1::<f64>::zeros(n_features);
    let mut r = yc.clone();
    rec.push(0, objective(&w, &r), held_out(&w), None);
    emit(&rec.curve);

    // As fit_elastic_net: a constant y is solved (w = 0) and linfa would never stop on it.
    if yc.iter().all(|v| *v == 0.0) {
        let model = ElasticNetModel::from_parts(w, y_mean, 0, 0.0);
        let curve = rec.finish(true);
        emit(&curve);
        return Ok((curve, Fitted::ElasticNet(model)));
    }

    progress.set_total(u64::from(max_steps));
    progress.set(0);
    // linfa-elasticnet's `coordinate_descent`, operation for operation.
    let norm_cols_x = xc.map_axis(Axis(0), |col| col.dot(&col));
    let mut gap = 1.0 + ep.tol;
    let d_w_tol = ep.tol;
    let tol = ep.tol * yc.dot(&yc);
    let mut n_steps = 0u32;
    while n_steps < max_steps {
        progress.check()?;
        let mut w_max = 0.0f64;
        let mut d_w_max = 0.0f64;
        for j in 0..n_features {
            if is_zero(norm_cols_x[j]) {
                continue;
            }
            let old_w_j = w[j];
            let x_j = xc.slice(s![.., j]);
            if !is_zero(old_w_j) {
                r.scaled_add(old_w_j, &x_j);
            }
            let tmp = x_j.dot(&r);
            w[j] = tmp.signum() * f64::max(tmp.abs() - n * rho * alpha, 0.0)
                / (norm_cols_x[j] + n * (1.0 - rho) * alpha);
            if !is_zero(w[j]) {
                r.scaled_add(-w[j], &x_j);
            }
            d_w_max = d_w_max.max((w[j] - old_w_j).abs());
            w_max = w_max.max(w[j].abs());
        }
        n_steps += 1;
        progress.set(u64::from(n_steps));
        let k = n_steps as usize;
        let mut stop = false;
        if n_steps == max_steps - 1 || is_zero(w_max) || d_w_max / w_max < d_w_tol {
            gap = duality_gap(xc.view(), yc.view(), w.view(), r.view(), rho, alpha);
            stop = gap < tol;
        }
        if rec.wants(k) || stop || n_steps == max_steps {
            rec.push(k, objective(&w, &r), held_out(&w), None);
            emit(&rec.curve);
        }
        if stop {
            break;
        }
    }
    if w.iter().any(|v| !v.is_finite()) {
        return Err(Error::Solver(
            "coordinate descent diverged (non-finite coefficients)".into(),
        ));
    }
    let intercept = y_mean - x_mean.dot(&w);
    let model = ElasticNetModel::from_parts(w, intercept, n_steps as usize, gap / n);
    let curve = rec.finish(gap < tol);
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

    #[test]
    fn duality_gap_is_zero_at_the_one_feature_solution() {
        // x = (−1, 0, 1), y = (−3, 0, 3), α = 1, ρ = ½: w* = S(6, 1.5)/(2 + 1.5) = 9/7.
        let x = ndarray::array![[-1.0], [0.0], [1.0]];
        let y = ndarray::array![-3.0, 0.0, 3.0];
        let w = ndarray::array![9.0 / 7.0];
        let r = &y - &x.dot(&w);
        let gap = duality_gap(x.view(), y.view(), w.view(), r.view(), 0.5, 1.0);
        assert!(gap.abs() < 1e-12, "{gap}");
        let w0 = ndarray::array![0.0];
        let gap0 = duality_gap(x.view(), y.view(), w0.view(), y.view(), 0.5, 1.0);
        assert!(gap0 > 1.0, "{gap0}");
    }
}

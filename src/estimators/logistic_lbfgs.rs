//! Logistic regression by L-BFGS: linfa-logistic 0.8.1's objective, parameter layout,
//! memory (10) and stopping rule, run on argmin's solver directly (linfa's own fit cannot be
//! interrupted, and with a tolerance below what f64 can reach its line search ran for
//! minutes). The same optimisation path as linfa's fit, with a cancel, time-limit and budget
//! check at every evaluation and every iteration handed to the caller (the Loss view draws
//! them). [`super::logistic::fit_logistic`] fits through [`minimise`].

use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{
    CostFunction, Error as ArgminError, Executor, Gradient, IterState, KV, State, TerminationReason,
};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};

use super::Error;
use super::logistic::{self, LogisticModel, LogisticParams};
use crate::progress::{Cancelled, Progress};

/// `ln σ(z)` without overflow (linfa-logistic's `log_logistic`).
pub(crate) fn log_logistic(z: f64) -> f64 {
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
pub struct LbfgsStep {
    pub k: usize,
    pub cost: f64,
    pub param: Array1<f64>,
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

/// A finished run: the model, whether L-BFGS met its tolerance, and its last iterate.
pub struct Minimised {
    pub model: LogisticModel,
    pub converged: bool,
    pub last: Option<LbfgsStep>,
}

/// Minimise the objective from w = 0 for at most `max_iter` iterations, handing `on_step`
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
    let (target, init) = if n_classes == 2 {
        (
            LogTarget::Binary(y.mapv(|c| if c == 1 { 1.0 } else { -1.0 })),
            Flat(Array1::zeros(p + 1)),
        )
    } else {
        let mut onehot = Array2::zeros((y.len(), n_classes));
        for (i, &c) in y.iter().enumerate() {
            onehot[[i, c]] = 1.0;
        }
        (
            LogTarget::Multi(onehot),
            Flat(Array1::zeros((p + 1) * n_classes)),
        )
    };
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
            on_step(&step);
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
    Ok(Minimised {
        model,
        converged,
        last,
    })
}

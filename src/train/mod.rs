//! Learning by stochastic gradient descent, watched epoch by epoch: logistic regression, a
//! linear SVM (hinge loss) and a small multilayer perceptron, with back-propagation written
//! out with ndarray (Goodfellow et al., ch. 5.9 and 6). No egui here; the window's Train view
//! and `ridgeline train` drive a [`Trainer`].
//!
//! - Inputs: 2-column data goes through the chosen [`FeatureSet`] (x₁, x₂, x₁², …, computed
//!   on the raw values); other data uses its columns. Either way the inputs are standardised
//!   with the mean and population σ of the TRAINING rows ([`Standardizer`]), and every
//!   `predict_*` takes raw (unexpanded, unscaled) points.
//! - Outputs and costs follow the task: sigmoid + binary cross-entropy (two classes), softmax +
//!   cross-entropy (more), linear + squared error (values; the target is standardised on the
//!   training rows, so the loss is in units of its σ², while `mse` is in the data's units);
//!   the linear SVM uses the hinge loss (one-vs-rest for more classes).
//! - The objective is `mean loss over the training rows + λ₂/2 Σw² + λ₁ Σ|w|` (weights only;
//!   biases and PReLU slopes are not penalised). L2 enters the gradient; L1 is applied by a
//!   proximal step (soft-thresholding by lr·λ₁) after every update, so weights reach exactly 0.
//! - `train_loss` in [`EpochStats`] is that objective computed exactly on every training row
//!   after the epoch (not a running average of minibatch losses); `test_loss` is the mean
//!   loss on the test rows, without the penalty.
//! - Determinism: one `ChaCha8Rng` seeded with `seed` draws the initial weights and then
//!   shuffles the rows before each epoch; no threads inside an epoch, so the same seed gives
//!   the same loss curve bit for bit.

mod adjust;
pub mod frames;
pub mod layers;
pub mod network;
mod params;

pub use params::{
    Activation, Feature, FeatureSet, MAX_BATCH, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_LR, MAX_UNITS,
    Optimizer, TrainModel, TrainParams,
};

use std::sync::Arc;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::analysis::grid::{self, GridSpec};
use crate::analysis::live::{DecisionMap, MapKind};
use crate::analysis::metrics;
use crate::data::Task;
use crate::data::prep::Standardizer;
use crate::error::{Error, Num};
use crate::estimators::TargetView;
use crate::progress::Progress;
use layers::{Head, Hinge, LinearMse, SigmoidBce, SoftmaxCe, Truth};
use network::{Network, ParamKind};

/// Scores after one epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct EpochStats {
    /// 1 after the first epoch.
    pub epoch: usize,
    /// The objective on every training row: mean loss + penalty.
    pub train_loss: f64,
    /// The penalty part of `train_loss`.
    pub penalty: f64,
    /// Mean loss on the test rows (no penalty); `None` without test rows.
    pub test_loss: Option<f64>,
    pub accuracy: Option<f64>,
    pub test_accuracy: Option<f64>,
    pub r2: Option<f64>,
    pub mse: Option<f64>,
    pub test_r2: Option<f64>,
    pub test_mse: Option<f64>,
}

/// One dense layer's parameters, for drawing the network.
#[derive(Clone, Copy, Debug)]
pub struct LayerView<'a> {
    /// `inputs × units`: weight from input i to unit j at `[i, j]`.
    pub weights: ArrayView2<'a, f64>,
    pub bias: ArrayView1<'a, f64>,
    /// PReLU slopes of the units (hidden PReLU layers only).
    pub slope: Option<ArrayView1<'a, f64>>,
    /// `true` for the output layer.
    pub is_output: bool,
}

/// How raw points become the network's inputs.
#[derive(Clone, Debug)]
struct Inputs {
    /// `Some` for 2-column data.
    features: Option<FeatureSet>,
    n_raw: usize,
    scaler: Standardizer,
}

impl Inputs {
    fn expand(&self, x: ArrayView2<f64>) -> Array2<f64> {
        match self.features {
            Some(set) => {
                let fs: Vec<Feature> = set.iter().collect();
                Array2::from_shape_fn((x.nrows(), fs.len()), |(i, j)| {
                    fs[j].eval(x[[i, 0]], x[[i, 1]])
                })
            }
            None => x.to_owned(),
        }
    }

    fn prepare(&self, x_raw: ArrayView2<f64>) -> Result<Array2<f64>, Error> {
        if x_raw.ncols() != self.n_raw {
            return Err(Error::Data(format!(
                "the model was trained on {} columns, got {}",
                self.n_raw,
                x_raw.ncols()
            )));
        }
        Ok(self.scaler.transform(self.expand(x_raw).view()))
    }
}

/// The target of a part of the data, as the trainer holds it.
#[derive(Clone, Debug)]
enum Labels {
    Classes(Vec<usize>),
    /// Standardised values, and the raw ones.
    Values {
        z: Vec<f64>,
        raw: Vec<f64>,
    },
}

impl Labels {
    fn truth(&self) -> Truth<'_> {
        match self {
            Labels::Classes(y) => Truth::Classes(y),
            Labels::Values { z, .. } => Truth::Values(z),
        }
    }

    fn batch(&self, rows: &[usize]) -> Labels {
        match self {
            Labels::Classes(y) => Labels::Classes(rows.iter().map(|&i| y[i]).collect()),
            Labels::Values { z, .. } => Labels::Values {
                z: rows.iter().map(|&i| z[i]).collect(),
                raw: Vec::new(),
            },
        }
    }
}

/// The optimiser's state, one buffer per parameter array of [`Network::params_mut`].
#[derive(Clone, Debug, Default)]
struct OptState {
    velocity: Vec<Vec<f64>>,
    second: Vec<Vec<f64>>,
    steps: u64,
}

/// A training run in progress: the data (shared, cheap to clone), the network, the optimiser
/// state, the random stream and the history. `Clone + Send + 'static`: a job slot can own one
/// and send copies to the window.
#[derive(Clone, Debug)]
pub struct Trainer {
    params: TrainParams,
    inputs: Arc<Inputs>,
    x_train: Arc<Array2<f64>>,
    t_train: Arc<Labels>,
    x_test: Arc<Array2<f64>>,
    t_test: Arc<Labels>,
    n_classes: Option<usize>,
    /// Mean and σ of a numeric target on the training rows.
    y_mean: f64,
    y_std: f64,
    net: Network,
    opt: OptState,
    rng: ChaCha8Rng,
    epoch: usize,
    history: Vec<EpochStats>,
}

fn check_target(what: &str, x: ArrayView2<f64>, t: &TargetView) -> Result<(), Error> {
    let n = match t {
        TargetView::Classes { y, .. } => y.len(),
        TargetView::Values(v) => v.len(),
    };
    if n != x.nrows() {
        return Err(Error::Data(format!(
            "{what}: {} rows of features but {n} targets",
            x.nrows()
        )));
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(Error::Data(format!(
            "{what}: the features hold a value that is not a finite number"
        )));
    }
    match t {
        TargetView::Classes { y, n_classes } => {
            if let Some(&bad) = y.iter().find(|&&c| c >= *n_classes) {
                return Err(Error::Data(format!(
                    "{what}: class index {bad} is out of range for {n_classes} classes"
                )));
            }
        }
        TargetView::Values(v) => {
            if v.iter().any(|v| !v.is_finite()) {
                return Err(Error::Data(format!(
                    "{what}: the target holds a value that is not a finite number"
                )));
            }
        }
    }
    Ok(())
}

impl Trainer {
    /// A trainer at epoch 0 (weights initialised from the seed). `x_*` are raw rows (2 columns
    /// go through `params.features`); the targets are class indices (with the class count) or
    /// values. The test part may have no rows.
    pub fn new(
        params: &TrainParams,
        x_train: ArrayView2<f64>,
        target_train: TargetView,
        x_test: ArrayView2<f64>,
        target_test: TargetView,
    ) -> Result<Trainer, Error> {
        params.validate()?;
        if x_train.nrows() < 2 {
            return Err(Error::Data(format!(
                "training needs at least 2 rows, got {}",
                x_train.nrows()
            )));
        }
        if x_train.ncols() == 0 {
            return Err(Error::Data("the data has no feature column".into()));
        }
        if x_test.ncols() != x_train.ncols() {
            return Err(Error::Data(format!(
                "the test rows have {} columns, the training rows {}",
                x_test.ncols(),
                x_train.ncols()
            )));
        }
        check_target("training rows", x_train, &target_train)?;
        check_target("test rows", x_test, &target_test)?;
        let n_classes = match (target_train, target_test) {
            (
                TargetView::Classes { n_classes: a, .. },
                TargetView::Classes { n_classes: b, .. },
            ) => {
                if a != b {
                    return Err(Error::Data(format!(
                        "the training target has {a} classes, the test target {b}"
                    )));
                }
                if a < 2 {
                    return Err(Error::Data(format!(
                        "a classifier needs at least 2 classes, got {a}"
                    )));
                }
                Some(a)
            }
            (TargetView::Values(_), TargetView::Values(_)) => None,
            _ => {
                return Err(Error::Data(
                    "the training and test targets are of different kinds".into(),
                ));
            }
        };
        if n_classes.is_none() && params.model == TrainModel::LinearSvm {
            return Err(Error::Data(
                "a linear SVM needs class labels, not a numeric target".into(),
            ));
        }

        let features = (x_train.ncols() == 2).then_some(params.features);
        let mut inputs = Inputs {
            features,
            n_raw: x_train.ncols(),
            scaler: Standardizer::identity(0),
        };
        let e_train = inputs.expand(x_train);
        let rows: Vec<usize> = (0..e_train.nrows()).collect();
        inputs.scaler = Standardizer::fit(e_train.view(), &rows);
        let z_train = inputs.scaler.transform(e_train.view());
        let z_test = inputs.scaler.transform(inputs.expand(x_test).view());
        if z_train.iter().chain(z_test.iter()).any(|v| !v.is_finite()) {
            return Err(Error::Data(
                "an input feature is not a finite number after standardising: rescale the data"
                    .into(),
            ));
        }

        let (mut y_mean, mut y_std) = (0.0, 1.0);
        let to_labels = |t: TargetView, mean: f64, std: f64| match t {
            TargetView::Classes { y, .. } => Labels::Classes(y.to_vec()),
            TargetView::Values(v) => Labels::Values {
                z: v.iter().map(|&y| (y - mean) / std).collect(),
                raw: v.to_vec(),
            },
        };
        if let TargetView::Values(v) = target_train {
            let n = v.len() as f64;
            y_mean = v.sum() / n;
            let var = v.iter().map(|y| (y - y_mean).powi(2)).sum::<f64>() / n;
            y_std = if var.sqrt() > 0.0 && var.is_finite() {
                var.sqrt()
            } else {
                1.0
            };
        }
        let (head, outputs) = match (n_classes, params.model) {
            (None, _) => (Head::LinearMse(LinearMse), 1),
            (Some(2), TrainModel::LinearSvm) => (Head::Hinge(Hinge), 1),
            (Some(k), TrainModel::LinearSvm) => (Head::Hinge(Hinge), k),
            (Some(2), _) => (Head::SigmoidBce(SigmoidBce), 1),
            (Some(k), _) => (Head::SoftmaxCe(SoftmaxCe), k),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let net = Network::new(
            z_train.ncols(),
            params.hidden_layers(),
            params.activation,
            outputs,
            head,
            &mut rng,
        );
        Ok(Trainer {
            params: params.clone(),
            inputs: Arc::new(inputs),
            x_train: Arc::new(z_train),
            t_train: Arc::new(to_labels(target_train, y_mean, y_std)),
            x_test: Arc::new(z_test),
            t_test: Arc::new(to_labels(target_test, y_mean, y_std)),
            n_classes,
            y_mean,
            y_std,
            net,
            opt: OptState::default(),
            rng,
            epoch: 0,
            history: Vec::new(),
        })
    }

    /// A trainer on a dataset's rows as `split` divides them (every feature column is an
    /// input; 2 columns go through `params.features`).
    pub fn for_dataset(
        params: &TrainParams,
        ds: &crate::data::Dataset,
        split: &crate::data::prep::Split,
    ) -> Result<Trainer, Error> {
        use crate::analysis::live::Design;
        let x_train = ds.x.select(Axis(0), &split.train);
        let x_test = ds.x.select(Axis(0), &split.test);
        let t_train = Design::target_of(ds, &split.train);
        let t_test = Design::target_of(ds, &split.test);
        Trainer::new(
            params,
            x_train.view(),
            t_train.view(),
            x_test.view(),
            t_test.view(),
        )
    }

    pub fn params(&self) -> &TrainParams {
        &self.params
    }

    /// Epochs done.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// One entry per epoch done, in order.
    pub fn history(&self) -> &[EpochStats] {
        &self.history
    }

    /// `true` once `params.epochs` epochs are done (more may still be run).
    pub fn is_done(&self) -> bool {
        self.epoch >= self.params.epochs
    }

    pub fn task(&self) -> Task {
        match self.n_classes {
            Some(_) => Task::Classification,
            None => Task::Regression,
        }
    }

    /// Number of classes (`None` for a numeric target).
    pub fn n_classes(&self) -> Option<usize> {
        self.n_classes
    }

    pub fn n_train(&self) -> usize {
        self.x_train.nrows()
    }

    pub fn n_test(&self) -> usize {
        self.x_test.nrows()
    }

    /// What is being trained, in words: the model, and for the logistic model on a numeric
    /// target what it then is (least squares).
    pub fn model_label(&self) -> &'static str {
        match (self.params.model, self.n_classes) {
            (TrainModel::Logistic, None) => "Linear regression (SGD, least squares)",
            (TrainModel::Logistic, Some(2)) => "Logistic regression (SGD)",
            (TrainModel::Logistic, Some(_)) => "Softmax regression (SGD)",
            (m, _) => m.label(),
        }
    }

    /// The output unit and its cost, in words.
    pub fn loss_name(&self) -> &'static str {
        match (self.net.head, self.n_classes) {
            (Head::SigmoidBce(_), _) => "sigmoid + binary cross-entropy",
            (Head::SoftmaxCe(_), _) => "softmax + cross-entropy",
            (Head::LinearMse(_), _) => "linear + squared error",
            (Head::Hinge(_), Some(2)) => "hinge",
            (Head::Hinge(_), _) => "hinge, one-vs-rest",
        }
    }

    /// The network (for its layer types; see [`Self::layers`] for drawing).
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Names of the network's inputs: the features' labels for 2-column data, else
    /// `column 1`, `column 2`, … (the caller knows the columns' names).
    pub fn input_names(&self) -> Vec<String> {
        match self.inputs.features {
            Some(set) => set.iter().map(|f| f.label().to_string()).collect(),
            None => (1..=self.inputs.n_raw)
                .map(|j| format!("column {j}"))
                .collect(),
        }
    }

    /// Scores now, on the training and test rows, as [`EpochStats`] of the current epoch.
    pub fn evaluate(&self) -> EpochStats {
        let mut s = EpochStats {
            epoch: self.epoch,
            ..Default::default()
        };
        let penalty = self.net.penalty(self.params.l2, self.params.l1);
        let (loss, acc, r2, mse) = self.score(&self.x_train, &self.t_train);
        s.penalty = penalty;
        s.train_loss = loss + penalty;
        s.accuracy = acc;
        s.r2 = r2;
        s.mse = mse;
        if self.x_test.nrows() > 0 {
            let (loss, acc, r2, mse) = self.score(&self.x_test, &self.t_test);
            s.test_loss = Some(loss);
            s.test_accuracy = acc;
            s.test_r2 = r2;
            s.test_mse = mse;
        }
        s
    }

    /// Mean loss, and accuracy or (R², MSE in the data's units) on one part.
    #[allow(clippy::type_complexity)]
    fn score(&self, x: &Array2<f64>, t: &Labels) -> (f64, Option<f64>, Option<f64>, Option<f64>) {
        let s = self.net.scores(x.view());
        let (loss, _) = self.net.head.loss_grad(&s, t.truth());
        match t {
            Labels::Classes(y) => {
                let pred = self.net.head.classes(&s);
                (loss, Some(metrics::accuracy(y, &pred)), None, None)
            }
            Labels::Values { raw, .. } => {
                let pred: Vec<f64> = s
                    .column(0)
                    .iter()
                    .map(|v| v * self.y_std + self.y_mean)
                    .collect();
                (
                    loss,
                    None,
                    Some(metrics::r2(raw, &pred)),
                    Some(metrics::mse(raw, &pred)),
                )
            }
        }
    }

    /// Train one epoch: shuffle the training rows (from the seeded stream), then one update
    /// per minibatch, checking `progress` for cancellation between minibatches. Cancelled, or
    /// stopped by a loss that is not a finite number, the trainer is left as it was before
    /// the epoch.
    pub fn run_epoch(&mut self, progress: &Progress) -> Result<EpochStats, Error> {
        let saved = (self.net.clone(), self.opt.clone(), self.rng.clone());
        match self.epoch_inner(progress) {
            Ok(stats) => Ok(stats),
            Err(e) => {
                (self.net, self.opt, self.rng) = saved;
                Err(e)
            }
        }
    }

    fn epoch_inner(&mut self, progress: &Progress) -> Result<EpochStats, Error> {
        let n = self.x_train.nrows();
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut self.rng);
        let x = Arc::clone(&self.x_train);
        let t = Arc::clone(&self.t_train);
        for rows in order.chunks(self.params.batch_size) {
            progress.check()?;
            let xb = x.select(Axis(0), rows);
            let tb = t.batch(rows);
            let cache = self.net.forward(xb.view());
            let (loss, grads) = self.net.backward(&cache, tb.truth());
            if !loss.is_finite() {
                return Err(self.diverged(loss));
            }
            self.step(&grads);
        }
        self.epoch += 1;
        let stats = self.evaluate();
        if !stats.train_loss.is_finite() {
            self.epoch -= 1;
            return Err(self.diverged(stats.train_loss));
        }
        self.history.push(stats);
        Ok(stats)
    }

    fn diverged(&self, loss: f64) -> Error {
        Error::Solver(format!(
            "the loss became {} in epoch {} with learning rate {}: lower the learning rate",
            if loss.is_nan() { "NaN" } else { "infinite" },
            self.epoch + 1,
            Num(self.params.lr)
        ))
    }

    /// Train until `params.epochs` epochs are done or `progress`'s time limit has passed
    /// (checked after each epoch, so at least one epoch is run). Returns `true` when every
    /// epoch was run.
    pub fn run(&mut self, progress: &Progress) -> Result<bool, Error> {
        progress.set_total(self.params.epochs as u64);
        while !self.is_done() {
            self.run_epoch(progress)?;
            progress.set(self.epoch as u64);
            if progress.out_of_time() && !self.is_done() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// One optimiser step from the minibatch gradients, then the L1 proximal step.
    fn step(&mut self, grads: &network::Grads) {
        let TrainParams {
            optimizer,
            lr,
            momentum,
            l2,
            l1,
            ..
        } = self.params;
        let gs = grads.slices();
        let opt = &mut self.opt;
        opt.steps += 1;
        let t = opt.steps as f64;
        let params = self.net.params_mut();
        if opt.velocity.len() != params.len() {
            opt.velocity = params.iter().map(|(p, _)| vec![0.0; p.len()]).collect();
            opt.second = opt.velocity.clone();
        }
        const B1: f64 = 0.9;
        const B2: f64 = 0.999;
        const EPS: f64 = 1e-8;
        for (k, ((w, kind), g)) in params.into_iter().zip(gs).enumerate() {
            let penalised = kind == ParamKind::Weight;
            let v = &mut opt.velocity[k];
            let s = &mut opt.second[k];
            for j in 0..w.len() {
                let gj = if penalised { g[j] + l2 * w[j] } else { g[j] };
                match optimizer {
                    Optimizer::Sgd => w[j] -= lr * gj,
                    Optimizer::Momentum => {
                        v[j] = momentum * v[j] - lr * gj;
                        w[j] += v[j];
                    }
                    Optimizer::Adam => {
                        v[j] = B1 * v[j] + (1.0 - B1) * gj;
                        s[j] = B2 * s[j] + (1.0 - B2) * gj * gj;
                        let m_hat = v[j] / (1.0 - B1.powf(t));
                        let s_hat = s[j] / (1.0 - B2.powf(t));
                        w[j] -= lr * m_hat / (s_hat.sqrt() + EPS);
                    }
                }
                if penalised && l1 > 0.0 {
                    let shrink = lr * l1;
                    w[j] = w[j].signum() * (w[j].abs() - shrink).max(0.0);
                }
            }
        }
    }

    /// The output scores of raw points: logits (sigmoid/softmax), decision values (SVM) or
    /// standardised predictions (values).
    pub fn decision_function(&self, x_raw: ArrayView2<f64>) -> Result<Array2<f64>, Error> {
        Ok(self.net.scores(self.inputs.prepare(x_raw)?.view()))
    }

    /// Class probabilities `n × k` (column c = P(class c); two columns for two classes) of raw
    /// points: logistic and MLP classifiers. `None` for the SVM and for a numeric target.
    pub fn predict_proba(&self, x_raw: ArrayView2<f64>) -> Result<Option<Array2<f64>>, Error> {
        let s = self.decision_function(x_raw)?;
        Ok(self.net.head.proba(&s))
    }

    /// Predicted classes of raw points (`None` for a numeric target).
    pub fn predict_classes(&self, x_raw: ArrayView2<f64>) -> Result<Option<Vec<usize>>, Error> {
        if self.n_classes.is_none() {
            return Ok(None);
        }
        let s = self.decision_function(x_raw)?;
        Ok(Some(self.net.head.classes(&s)))
    }

    /// Predicted values of raw points, in the target's units (`None` for classes).
    pub fn predict_values(&self, x_raw: ArrayView2<f64>) -> Result<Option<Array1<f64>>, Error> {
        if self.n_classes.is_some() {
            return Ok(None);
        }
        let s = self.decision_function(x_raw)?;
        Ok(Some(s.column(0).mapv(|v| v * self.y_std + self.y_mean)))
    }

    /// What [`Self::decision_grid`] shows: probabilities (logistic, MLP) or decision values
    /// (SVM); `None` for a numeric target.
    pub fn map_kind(&self) -> Option<MapKind> {
        match self.net.head {
            Head::SigmoidBce(_) | Head::SoftmaxCe(_) => Some(MapKind::Probability),
            Head::Hinge(_) => Some(MapKind::Decision),
            Head::LinearMse(_) => None,
        }
    }

    /// The model over a grid in the plane of raw columns `fx`, `fy` (other columns at
    /// `base`), as `analysis::live` makes the SVM/logistic maps: probabilities `n × k` (two
    /// columns for two classes) or decision values (one column for two classes, else k), so
    /// the view colours it the same way and `live::decision_lines` draws its boundary.
    /// `None` for a numeric target or bad column indices.
    pub fn decision_grid(
        &self,
        spec: &GridSpec,
        base: ArrayView1<f64>,
        fx: usize,
        fy: usize,
    ) -> Option<DecisionMap> {
        let kind = self.map_kind()?;
        let p = self.inputs.n_raw;
        if base.len() != p || fx >= p || fy >= p {
            return None;
        }
        let values = grid::evaluate(spec, base, fx, fy, |pts| {
            let Ok(s) = self.decision_function(pts) else {
                return Array2::from_elem((pts.nrows(), 1), f64::NAN);
            };
            match kind {
                MapKind::Probability => self.net.head.proba(&s).unwrap_or(s),
                MapKind::Decision => s,
            }
        });
        Some(DecisionMap {
            spec: spec.clone(),
            values,
            kind,
            pairwise: None,
        })
    }

    /// Each dense layer's weights and biases, input side first, the output layer last.
    pub fn layers(&self) -> Vec<LayerView<'_>> {
        let mut out: Vec<LayerView> = self
            .net
            .hidden
            .iter()
            .map(|h| LayerView {
                weights: h.dense.w.view(),
                bias: h.dense.b.view(),
                slope: h.act.slope().map(|s| s.view()),
                is_output: false,
            })
            .collect();
        out.push(LayerView {
            weights: self.net.output.w.view(),
            bias: self.net.output.b.view(),
            slope: None,
            is_output: true,
        });
        out
    }

    /// The output of one unit over raw points: for `layer` < the number of hidden layers the
    /// hidden unit's activation, for the output layer (`layer` = `layers().len() − 1`) its
    /// raw score. NaN for an index out of range or points of the wrong width.
    pub fn unit_output(&self, layer: usize, unit: usize, x_raw: ArrayView2<f64>) -> Array1<f64> {
        let nan = || Array1::from_elem(x_raw.nrows(), f64::NAN);
        let Ok(z) = self.inputs.prepare(x_raw) else {
            return nan();
        };
        let out = if layer < self.net.hidden.len() {
            self.net.hidden_output(z.view(), layer)
        } else if layer == self.net.hidden.len() {
            Some(self.net.scores(z.view()))
        } else {
            None
        };
        match out {
            Some(a) if unit < a.ncols() => a.column(unit).to_owned(),
            _ => nan(),
        }
    }

    /// The network's inputs (expanded and standardised) at raw points; input `i` is column
    /// `i` (for an input node's hover map). NaN for points of the wrong width.
    pub fn input_values(&self, x_raw: ArrayView2<f64>) -> Array2<f64> {
        self.inputs
            .prepare(x_raw)
            .unwrap_or_else(|_| Array2::from_elem((x_raw.nrows(), self.net.inputs()), f64::NAN))
    }
}

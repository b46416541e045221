//! What to train: [`TrainParams`] and its parts, with readable validation.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Num};

/// The models the trainer fits by SGD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrainModel {
    /// A linear model with the output the task chooses: logistic regression (sigmoid, or
    /// softmax for more than two classes) on classes, least squares (linear + MSE) on values.
    Logistic,
    /// A linear SVM: hinge loss (one-vs-rest for more than two classes). Classes only.
    LinearSvm,
    /// A multilayer perceptron of 1–4 hidden layers.
    #[default]
    Mlp,
}

impl TrainModel {
    pub const ALL: [TrainModel; 3] = [TrainModel::Logistic, TrainModel::LinearSvm, TrainModel::Mlp];

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            TrainModel::Logistic => "logistic",
            TrainModel::LinearSvm => "linear-svm",
            TrainModel::Mlp => "mlp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrainModel::Logistic => "Logistic regression (SGD)",
            TrainModel::LinearSvm => "Linear SVM (SGD, hinge loss)",
            TrainModel::Mlp => "Multilayer perceptron",
        }
    }
}

/// The hidden units' activation (one for the whole network).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Activation {
    #[default]
    Relu,
    /// Slope 0.01 for z < 0.
    LeakyRelu,
    /// Learned slope for z < 0, one per hidden unit, starting at 0.25.
    Prelu,
    Abs,
    Tanh,
    Sigmoid,
}

impl Activation {
    pub const ALL: [Activation; 6] = [
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Prelu,
        Activation::Abs,
        Activation::Tanh,
        Activation::Sigmoid,
    ];

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky-relu",
            Activation::Prelu => "prelu",
            Activation::Abs => "abs",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Activation::Relu => "ReLU  max(0, z)",
            Activation::LeakyRelu => "Leaky ReLU  max(0.01z, z)",
            Activation::Prelu => "PReLU  max(az, z), a learned per unit",
            Activation::Abs => "Absolute value  |z|",
            Activation::Tanh => "tanh z",
            Activation::Sigmoid => "Sigmoid  1/(1+e⁻ᶻ)",
        }
    }

    /// The initialisation used with it.
    pub fn init_name(self) -> &'static str {
        match self {
            Activation::Tanh | Activation::Sigmoid => "Glorot normal N(0, 2/(fan_in + fan_out))",
            _ => "He normal N(0, 2/fan_in)",
        }
    }
}

/// The update rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Optimizer {
    /// w ← w − lr·g.
    #[default]
    Sgd,
    /// Heavy ball: v ← μv − lr·g, w ← w + v (μ = `momentum`).
    Momentum,
    /// Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), step lr.
    Adam,
}

impl Optimizer {
    pub const ALL: [Optimizer; 3] = [Optimizer::Sgd, Optimizer::Momentum, Optimizer::Adam];

    pub fn name(self) -> &'static str {
        match self {
            Optimizer::Sgd => "sgd",
            Optimizer::Momentum => "momentum",
            Optimizer::Adam => "adam",
        }
    }
}

/// An input feature computed from a 2-column point (x₁, x₂), as in TensorFlow Playground.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Feature {
    X1,
    X2,
    X1Sq,
    X2Sq,
    X1X2,
    SinX1,
    SinX2,
}

impl Feature {
    pub const ALL: [Feature; 7] = [
        Feature::X1,
        Feature::X2,
        Feature::X1Sq,
        Feature::X2Sq,
        Feature::X1X2,
        Feature::SinX1,
        Feature::SinX2,
    ];

    /// Name on the command line (`x1,x2,x1^2,x2^2,x1x2,sin(x1),sin(x2)`).
    pub fn name(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Sq => "x1^2",
            Feature::X2Sq => "x2^2",
            Feature::X1X2 => "x1x2",
            Feature::SinX1 => "sin(x1)",
            Feature::SinX2 => "sin(x2)",
        }
    }

    /// Name for display.
    pub fn label(self) -> &'static str {
        match self {
            Feature::X1 => "x₁",
            Feature::X2 => "x₂",
            Feature::X1Sq => "x₁²",
            Feature::X2Sq => "x₂²",
            Feature::X1X2 => "x₁x₂",
            Feature::SinX1 => "sin x₁",
            Feature::SinX2 => "sin x₂",
        }
    }

    /// Its value at the raw point (x₁, x₂) (before standardising).
    pub fn eval(self, x1: f64, x2: f64) -> f64 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Sq => x1 * x1,
            Feature::X2Sq => x2 * x2,
            Feature::X1X2 => x1 * x2,
            Feature::SinX1 => x1.sin(),
            Feature::SinX2 => x2.sin(),
        }
    }

    /// Accepts the name, the display label, and a few spellings (`x1²`, `x1*x2`, `sinx1`).
    pub fn parse(s: &str) -> Option<Self> {
        let t: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '*' | '^'))
            .map(|c| match c {
                '₁' => '1',
                '₂' => '2',
                '²' => '2',
                c => c,
            })
            .collect();
        Some(match t.as_str() {
            "x1" => Feature::X1,
            "x2" => Feature::X2,
            "x12" => Feature::X1Sq,
            "x22" => Feature::X2Sq,
            "x1x2" => Feature::X1X2,
            "sinx1" => Feature::SinX1,
            "sinx2" => Feature::SinX2,
            _ => return None,
        })
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`Feature`]s (used for 2-column data only). Default {x₁, x₂}. Serialised as the
/// list of its features.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "Vec<Feature>", into = "Vec<Feature>")]
pub struct FeatureSet(u8);

impl Default for FeatureSet {
    fn default() -> Self {
        Self::EMPTY.with(Feature::X1).with(Feature::X2)
    }
}

impl std::fmt::Debug for FeatureSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Feature::name))
            .finish()
    }
}

impl From<Vec<Feature>> for FeatureSet {
    fn from(v: Vec<Feature>) -> Self {
        v.into_iter().fold(Self::EMPTY, Self::with)
    }
}

impl From<FeatureSet> for Vec<Feature> {
    fn from(s: FeatureSet) -> Self {
        s.iter().collect()
    }
}

impl FeatureSet {
    pub const EMPTY: FeatureSet = FeatureSet(0);

    pub fn all() -> Self {
        Feature::ALL.into_iter().fold(Self::EMPTY, Self::with)
    }

    pub fn contains(self, f: Feature) -> bool {
        self.0 & f.bit() != 0
    }

    pub fn with(self, f: Feature) -> Self {
        FeatureSet(self.0 | f.bit())
    }

    pub fn without(self, f: Feature) -> Self {
        FeatureSet(self.0 & !f.bit())
    }

    pub fn toggled(self, f: Feature) -> Self {
        FeatureSet(self.0 ^ f.bit())
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// In the order of [`Feature::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Feature> {
        Feature::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Feature::name).collect()
    }

    /// Parse a comma-separated list (`x1,x2,x1^2`).
    pub fn parse(s: &str) -> Result<Self, Error> {
        let mut set = Self::EMPTY;
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let f = Feature::parse(part).ok_or_else(|| {
                Error::Param(format!(
                    "unknown feature '{}': choose from {}",
                    part.trim(),
                    Feature::ALL.map(Feature::name).join(", ")
                ))
            })?;
            set = set.with(f);
        }
        if set.is_empty() {
            return Err(Error::Param("features: choose at least one".into()));
        }
        Ok(set)
    }
}

/// Bounds of the parameters.
pub const MAX_EPOCHS: usize = 100_000;
pub const MAX_BATCH: usize = 1_000_000;
pub const MAX_HIDDEN_LAYERS: usize = 4;
pub const MAX_UNITS: usize = 32;
pub const MAX_LR: f64 = 10.0;

/// Everything that defines a training run. Default: Playground-like (an MLP of one hidden
/// layer of 8 ReLU units, plain SGD, lr 0.03, batch 10, 100 epochs, seed 0, inputs x₁, x₂).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainParams {
    pub model: TrainModel,
    /// Hidden layer sizes (MLP only; ignored by the linear models).
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub optimizer: Optimizer,
    /// Learning rate, in (0, 10].
    pub lr: f64,
    /// μ of [`Optimizer::Momentum`], in [0, 1).
    pub momentum: f64,
    /// Minibatch size ≥ 1 (a batch larger than the training rows is the whole set).
    pub batch_size: usize,
    /// Epochs of a run, 1..=100 000.
    pub epochs: usize,
    /// L2 penalty λ₂ ≥ 0 on the weights: `λ₂/2 Σw²` is added to the mean loss.
    pub l2: f64,
    /// L1 penalty λ₁ ≥ 0 on the weights: `λ₁ Σ|w|` is added to the mean loss (minimised by a
    /// proximal step, soft-thresholding, after each update).
    pub l1: f64,
    /// Inputs computed from 2-column data; other data uses its columns.
    pub features: FeatureSet,
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        Self {
            model: TrainModel::Mlp,
            hidden: vec![8],
            activation: Activation::Relu,
            optimizer: Optimizer::Sgd,
            lr: 0.03,
            momentum: 0.9,
            batch_size: 10,
            epochs: 100,
            l2: 0.0,
            l1: 0.0,
            features: FeatureSet::default(),
            seed: 0,
        }
    }
}

impl TrainParams {
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= MAX_LR) {
            return Err(Error::Param(format!(
                "the learning rate must be a number in (0, {MAX_LR}], got {}",
                Num(self.lr)
            )));
        }
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            return Err(Error::Param(format!(
                "the batch size must be an integer in 1..={MAX_BATCH}, got {}",
                self.batch_size
            )));
        }
        if !(1..=MAX_EPOCHS).contains(&self.epochs) {
            return Err(Error::Param(format!(
                "epochs must be an integer in 1..={MAX_EPOCHS}, got {}",
                self.epochs
            )));
        }
        for (name, v) in [("L2 penalty", self.l2), ("L1 penalty", self.l1)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::Param(format!(
                    "the {name} must be a finite number >= 0, got {}",
                    Num(v)
                )));
            }
        }
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return Err(Error::Param(format!(
                "momentum must be in [0, 1), got {}",
                Num(self.momentum)
            )));
        }
        if self.model == TrainModel::Mlp {
            if !(1..=MAX_HIDDEN_LAYERS).contains(&self.hidden.len()) {
                return Err(Error::Param(format!(
                    "an MLP has 1 to {MAX_HIDDEN_LAYERS} hidden layers, got {}",
                    self.hidden.len()
                )));
            }
            if let Some(&bad) = self.hidden.iter().find(|&&u| !(1..=MAX_UNITS).contains(&u)) {
                return Err(Error::Param(format!(
                    "a hidden layer has 1 to {MAX_UNITS} units, got {bad}"
                )));
            }
        }
        if self.features.is_empty() {
            return Err(Error::Param("features: choose at least one".into()));
        }
        Ok(())
    }

    /// The hidden layer sizes the model uses (none for the linear models).
    pub fn hidden_layers(&self) -> &[usize] {
        match self.model {
            TrainModel::Mlp => &self.hidden,
            TrainModel::Logistic | TrainModel::LinearSvm => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_parse_in_several_spellings_and_keep_their_order() {
        let s = FeatureSet::parse("sin(x2), x1^2,x1²,X1*X2, x₂").unwrap();
        assert_eq!(s.names(), ["x2", "x1^2", "x1x2", "sin(x2)"]);
        assert_eq!(s.len(), 4);
        assert!(FeatureSet::parse("x1,,").unwrap().contains(Feature::X1));
        assert!(FeatureSet::parse("").is_err());
        assert!(
            FeatureSet::parse("x1,cos(x1)")
                .unwrap_err()
                .to_string()
                .contains("cos(x1)")
        );
        assert_eq!(FeatureSet::default().toggled(Feature::X2).names(), ["x1"]);
        assert_eq!(Feature::X1X2.eval(3.0, -2.0), -6.0);
    }

    #[test]
    fn params_round_trip_through_json_and_missing_fields_take_defaults() {
        let p = TrainParams {
            hidden: vec![4, 2],
            activation: Activation::Prelu,
            features: FeatureSet::all(),
            ..TrainParams::default()
        };
        let text = serde_json::to_string(&p).unwrap();
        assert!(
            text.contains("\"features\":[\"X1\",\"X2\",\"X1Sq\""),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<TrainParams>(&text).unwrap(), p);
        let partial: TrainParams = serde_json::from_str(r#"{"lr": 0.1}"#).unwrap();
        assert_eq!(partial.lr, 0.1);
        assert_eq!(partial.hidden, TrainParams::default().hidden);
    }
}

//! A feedforward network: hidden layers (dense + activation), an output dense layer and a
//! [`Head`] (output unit + cost). A linear model is the network with no hidden layer.
//!
//! Initialisation (biases 0, PReLU slopes 0.25):
//! - He normal, `N(0, 2/fan_in)`, for the ReLU family (ReLU, leaky ReLU, PReLU, |z|);
//! - Glorot normal, `N(0, 2/(fan_in + fan_out))`, for tanh and sigmoid, and for the output layer;
//! - a network with no hidden layer (the linear models) starts at 0: the problem is convex.

use ndarray::{Array1, Array2, ArrayView2};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::layers::{
    Abs, ActLayer, Dense, DenseGrad, Head, LeakyRelu, Prelu, Relu, Sigmoid, Tanh, Truth,
};
use super::params::Activation;

/// One hidden layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Hidden {
    pub dense: Dense,
    pub act: ActLayer,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub hidden: Vec<Hidden>,
    pub output: Dense,
    pub head: Head,
}

/// What a forward pass keeps for the backward pass.
pub struct Cache {
    /// Input of each dense layer (the batch, then each hidden layer's activations).
    pub inputs: Vec<Array2<f64>>,
    /// Pre-activation z of each hidden layer.
    pub pre: Vec<Array2<f64>>,
    /// Output scores.
    pub scores: Array2<f64>,
}

/// Gradients of every parameter, shaped as the network.
#[derive(Clone, Debug)]
pub struct Grads {
    pub hidden: Vec<(DenseGrad, Option<Array1<f64>>)>,
    pub output: DenseGrad,
}

/// What a parameter is, for the penalties: only weights are penalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Weight,
    Bias,
    Slope,
}

fn act_layer(a: Activation, units: usize) -> ActLayer {
    match a {
        Activation::Relu => ActLayer::Relu(Relu),
        Activation::LeakyRelu => ActLayer::LeakyRelu(LeakyRelu),
        Activation::Prelu => ActLayer::Prelu(Prelu::new(units)),
        Activation::Abs => ActLayer::Abs(Abs),
        Activation::Tanh => ActLayer::Tanh(Tanh),
        Activation::Sigmoid => ActLayer::Sigmoid(Sigmoid),
    }
}

fn normal_matrix(rng: &mut ChaCha8Rng, rows: usize, cols: usize, var: f64) -> Array2<f64> {
    let d = Normal::new(0.0, var.sqrt()).expect("a finite positive variance");
    Array2::from_shape_simple_fn((rows, cols), || d.sample(rng))
}

impl Network {
    /// A network of `inputs` inputs, the given hidden sizes, `outputs` scores, initialised from
    /// `rng` as the module docs say.
    pub fn new(
        inputs: usize,
        hidden: &[usize],
        activation: Activation,
        outputs: usize,
        head: Head,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        let mut layers = Vec::with_capacity(hidden.len());
        let mut fan_in = inputs;
        for &units in hidden {
            let var = match activation {
                Activation::Relu | Activation::LeakyRelu | Activation::Prelu | Activation::Abs => {
                    2.0 / fan_in as f64
                }
                Activation::Tanh | Activation::Sigmoid => 2.0 / (fan_in + units) as f64,
            };
            layers.push(Hidden {
                dense: Dense {
                    w: normal_matrix(rng, fan_in, units, var),
                    b: Array1::zeros(units),
                },
                act: act_layer(activation, units),
            });
            fan_in = units;
        }
        let output = if hidden.is_empty() {
            Dense::zeros(fan_in, outputs)
        } else {
            Dense {
                w: normal_matrix(rng, fan_in, outputs, 2.0 / (fan_in + outputs) as f64),
                b: Array1::zeros(outputs),
            }
        };
        Self {
            hidden: layers,
            output,
            head,
        }
    }

    pub fn inputs(&self) -> usize {
        self.hidden
            .first()
            .map_or(self.output.inputs(), |h| h.dense.inputs())
    }

    /// Output scores (logits / decision values / predictions) of `x` (`n × inputs`).
    pub fn scores(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let Some((first, rest)) = self.hidden.split_first() else {
            return self.output.forward(x);
        };
        let mut a = first.act.forward(&first.dense.forward(x));
        for h in rest {
            a = h.act.forward(&h.dense.forward(a.view()));
        }
        self.output.forward(a.view())
    }

    /// The activations of hidden layer `layer` (`n × units`).
    pub fn hidden_output(&self, x: ArrayView2<f64>, layer: usize) -> Option<Array2<f64>> {
        let mut a = x.to_owned();
        for h in self.hidden.get(..=layer)? {
            a = h.act.forward(&h.dense.forward(a.view()));
        }
        Some(a)
    }

    pub fn forward(&self, x: ArrayView2<f64>) -> Cache {
        let mut inputs = Vec::with_capacity(self.hidden.len() + 1);
        let mut pre = Vec::with_capacity(self.hidden.len());
        let mut a = x.to_owned();
        for h in &self.hidden {
            let z = h.dense.forward(a.view());
            let next = h.act.forward(&z);
            inputs.push(std::mem::replace(&mut a, next));
            pre.push(z);
        }
        let scores = self.output.forward(a.view());
        inputs.push(a);
        Cache {
            inputs,
            pre,
            scores,
        }
    }

    /// Back-propagation: the mean data loss of the batch and the gradient of every parameter
    /// (without penalties).
    pub fn backward(&self, cache: &Cache, truth: Truth) -> (f64, Grads) {
        let (loss, g_scores) = self.head.loss_grad(&cache.scores, truth);
        let last = cache.inputs.len() - 1;
        let (mut g, output) = self.output.backward(cache.inputs[last].view(), &g_scores);
        let mut hidden = Vec::with_capacity(self.hidden.len());
        for (l, h) in self.hidden.iter().enumerate().rev() {
            let (gz, g_slope) = h.act.backward(&cache.pre[l], &g);
            let (gx, gd) = h.dense.backward(cache.inputs[l].view(), &gz);
            hidden.push((gd, g_slope));
            g = gx;
        }
        hidden.reverse();
        (loss, Grads { hidden, output })
    }

    /// Every parameter array, in a fixed order (per hidden layer: W, b, slopes; then the
    /// output W, b), with its kind.
    pub fn params_mut(&mut self) -> Vec<(&mut [f64], ParamKind)> {
        let mut out = Vec::new();
        for h in &mut self.hidden {
            out.push((slice_mut2(&mut h.dense.w), ParamKind::Weight));
            out.push((slice_mut1(&mut h.dense.b), ParamKind::Bias));
            if let Some(s) = h.act.slope_mut() {
                out.push((slice_mut1(s), ParamKind::Slope));
            }
        }
        out.push((slice_mut2(&mut self.output.w), ParamKind::Weight));
        out.push((slice_mut1(&mut self.output.b), ParamKind::Bias));
        out
    }

    /// The weights (not biases, not slopes), for the penalties.
    pub fn weights(&self) -> impl Iterator<Item = f64> + '_ {
        self.hidden
            .iter()
            .flat_map(|h| h.dense.w.iter())
            .chain(self.output.w.iter())
            .copied()
    }

    /// `l2/2 Σw² + l1 Σ|w|` over the weights.
    pub fn penalty(&self, l2: f64, l1: f64) -> f64 {
        let (mut sq, mut abs) = (0.0, 0.0);
        for w in self.weights() {
            sq += w * w;
            abs += w.abs();
        }
        0.5 * l2 * sq + l1 * abs
    }

    /// Every parameter, flattened in the order of [`Self::params_mut`].
    pub fn params(&self) -> Vec<f64> {
        let mut c = self.clone();
        c.params_mut()
            .into_iter()
            .flat_map(|(s, _)| s.to_vec())
            .collect()
    }

    /// Set every parameter from a flat vector in the order of [`Self::params_mut`].
    pub fn set_params(&mut self, flat: &[f64]) {
        let mut k = 0;
        for (s, _) in self.params_mut() {
            s.copy_from_slice(&flat[k..k + s.len()]);
            k += s.len();
        }
    }

    /// The objective `mean loss + l2/2 Σw²` on `(x, truth)` and its gradient, flattened as
    /// [`Self::params`] (for checking back-propagation against finite differences).
    pub fn objective_and_gradient(
        &self,
        x: ArrayView2<f64>,
        truth: Truth,
        l2: f64,
    ) -> (f64, Vec<f64>) {
        let cache = self.forward(x);
        let (loss, grads) = self.backward(&cache, truth);
        let mut g = grads.flatten();
        let mut w = self.clone();
        let mut k = 0;
        for (s, kind) in w.params_mut() {
            if kind == ParamKind::Weight {
                for (i, &v) in s.iter().enumerate() {
                    g[k + i] += l2 * v;
                }
            }
            k += s.len();
        }
        (loss + self.penalty(l2, 0.0), g)
    }
}

impl Grads {
    /// Parameter gradients in the order of [`Network::params_mut`].
    pub fn slices(&self) -> Vec<&[f64]> {
        let mut out = Vec::new();
        for (d, s) in &self.hidden {
            out.push(d.w.as_slice().expect("standard layout"));
            out.push(d.b.as_slice().expect("standard layout"));
            if let Some(s) = s {
                out.push(s.as_slice().expect("standard layout"));
            }
        }
        out.push(self.output.w.as_slice().expect("standard layout"));
        out.push(self.output.b.as_slice().expect("standard layout"));
        out
    }

    pub fn flatten(&self) -> Vec<f64> {
        self.slices().concat()
    }
}

fn slice_mut2(a: &mut Array2<f64>) -> &mut [f64] {
    if !a.is_standard_layout() {
        *a = a.as_standard_layout().into_owned();
    }
    a.as_slice_mut().expect("standard layout")
}

fn slice_mut1(a: &mut Array1<f64>) -> &mut [f64] {
    if a.as_slice().is_none() {
        *a = a.to_owned().as_standard_layout().into_owned();
    }
    a.as_slice_mut().expect("standard layout")
}

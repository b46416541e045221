//! The network's pieces, each with its forward and backward pass: the dense (affine) layer, the
//! hidden activations, and the output units with their costs.
//!
//! Shapes: a batch is `n × d` (one row per example). A backward pass takes ∂L/∂(its output)
//! and returns ∂L/∂(its input), plus the gradients of its own parameters. Losses are MEANS over
//! the batch, so their gradients carry the factor 1/n.

use ndarray::{Array1, Array2, ArrayView2, Axis, Zip};

/// An affine layer `z = x W + b`, `W` being `inputs × units`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub w: Array2<f64>,
    pub b: Array1<f64>,
}

/// Gradients of a [`Dense`] layer's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseGrad {
    pub w: Array2<f64>,
    pub b: Array1<f64>,
}

impl Dense {
    pub fn zeros(inputs: usize, units: usize) -> Self {
        Self {
            w: Array2::zeros((inputs, units)),
            b: Array1::zeros(units),
        }
    }

    pub fn inputs(&self) -> usize {
        self.w.nrows()
    }

    pub fn units(&self) -> usize {
        self.w.ncols()
    }

    pub fn forward(&self, x: ArrayView2<f64>) -> Array2<f64> {
        x.dot(&self.w) + &self.b
    }

    /// `x` is the input the forward pass saw, `grad` is ∂L/∂z. Returns ∂L/∂x and the
    /// parameter gradients `∂L/∂W = xᵀ grad`, `∂L/∂b = Σ_rows grad`.
    pub fn backward(&self, x: ArrayView2<f64>, grad: &Array2<f64>) -> (Array2<f64>, DenseGrad) {
        let gx = grad.dot(&self.w.t());
        // `xᵀ grad` can come back in column-major order; the optimiser walks parameters and
        // gradients as flat row-major slices, so make it standard.
        let gw = x.t().dot(grad).as_standard_layout().into_owned();
        let gb = grad.sum_axis(Axis(0));
        (gx, DenseGrad { w: gw, b: gb })
    }
}

/// Rectified linear unit: max(0, z). Derivative 0 at z = 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Relu;

impl Relu {
    pub fn forward(&self, z: &Array2<f64>) -> Array2<f64> {
        z.mapv(|v| v.max(0.0))
    }
    pub fn backward(&self, z: &Array2<f64>, grad: &Array2<f64>) -> Array2<f64> {
        Zip::from(z)
            .and(grad)
            .map_collect(|&z, &g| if z > 0.0 { g } else { 0.0 })
    }
}

/// Leaky ReLU with the fixed slope [`LeakyRelu::SLOPE`] = 0.01 for z < 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LeakyRelu;

impl LeakyRelu {
    pub const SLOPE: f64 = 0.01;
    pub fn forward(&self, z: &Array2<f64>) -> Array2<f64> {
        z.mapv(|v| if v > 0.0 { v } else { Self::SLOPE * v })
    }
    pub fn backward(&self, z: &Array2<f64>, grad: &Array2<f64>) -> Array2<f64> {
        Zip::from(z)
            .and(grad)
            .map_collect(|&z, &g| if z > 0.0 { g } else { Self::SLOPE * g })
    }
}

/// Parametric ReLU (He et al. 2015): `z` for z > 0, `aⱼ z` otherwise, with a learned slope
/// `aⱼ` PER UNIT (one per hidden unit of the layer), started at 0.25 and not penalised.
#[derive(Clone, Debug, PartialEq)]
pub struct Prelu {
    pub slope: Array1<f64>,
}

impl Prelu {
    pub const INITIAL_SLOPE: f64 = 0.25;

    pub fn new(units: usize) -> Self {
        Self {
            slope: Array1::from_elem(units, Self::INITIAL_SLOPE),
        }
    }

    pub fn forward(&self, z: &Array2<f64>) -> Array2<f64> {
        let mut out = z.clone();
        for mut row in out.rows_mut() {
            for (v, &a) in row.iter_mut().zip(&self.slope) {
                if *v <= 0.0 {
                    *v *= a;
                }
            }
        }
        out
    }

    /// ∂L/∂z and ∂L/∂a (`∂L/∂aⱼ = Σ_rows grad · z` over the rows where z ≤ 0).
    pub fn backward(&self, z: &Array2<f64>, grad: &Array2<f64>) -> (Array2<f64>, Array1<f64>) {
        let mut gz = grad.clone();
        let mut ga = Array1::zeros(self.slope.len());
        for (mut g_row, z_row) in gz.rows_mut().into_iter().zip(z.rows()) {
            for j in 0..self.slope.len() {
                if z_row[j] <= 0.0 {
                    ga[j] += g_row[j] * z_row[j];
                    g_row[j] *= self.slope[j];
                }
            }
        }
        (gz, ga)
    }
}

/// Absolute value |z| (Goodfellow et al. 6.3.3); derivative sign(z), 0 at 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Abs;

impl Abs {
    pub fn forward(&self, z: &Array2<f64>) -> Array2<f64> {
        z.mapv(f64::abs)
    }
    pub fn backward(&self, z: &Array2<f64>, grad: &Array2<f64>) -> Array2<f64> {
        Zip::from(z).and(grad).map_collect(|&z, &g| {
            if z > 0.0 {
                g
            } else if z < 0.0 {
                -g
            } else {
                0.0
            }
        })
    }
}

/// Hyperbolic tangent; derivative 1 − tanh².
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tanh;

impl Tanh {
    pub fn forward(&self, z: &Array2<f64>) -> Array2<f64> {
        z.mapv(f64::tanh)
    }
    pub fn backward(&self, z: &Array2<f64>, grad: &Array2<f64>) -> Array2<f64> {
        Zip::from(z).and(grad).map_collect(|&z, &g| {
            let t = z.tanh();
            g * (1.0 - t * t)
        })
    }
}

/// Logistic sigmoid as a hidden unit; derivative σ(1 − σ).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sigmoid;

impl Sigmoid {
    pub fn forward(&self, z: &Array2<f64>) -> Array2<f64> {
        z.mapv(sigmoid)
    }
    pub fn backward(&self, z: &Array2<f64>, grad: &Array2<f64>) -> Array2<f64> {
        Zip::from(z).and(grad).map_collect(|&z, &g| {
            let s = sigmoid(z);
            g * s * (1.0 - s)
        })
    }
}

/// A hidden layer's activation (one of the small types above).
#[derive(Clone, Debug, PartialEq)]
pub enum ActLayer {
    Relu(Relu),
    LeakyRelu(LeakyRelu),
    Prelu(Prelu),
    Abs(Abs),
    Tanh(Tanh),
    Sigmoid(Sigmoid),
}

impl ActLayer {
    pub fn forward(&self, z: &Array2<f64>) -> Array2<f64> {
        match self {
            ActLayer::Relu(a) => a.forward(z),
            ActLayer::LeakyRelu(a) => a.forward(z),
            ActLayer::Prelu(a) => a.forward(z),
            ActLayer::Abs(a) => a.forward(z),
            ActLayer::Tanh(a) => a.forward(z),
            ActLayer::Sigmoid(a) => a.forward(z),
        }
    }

    /// ∂L/∂z, and the slope gradient for PReLU.
    pub fn backward(
        &self,
        z: &Array2<f64>,
        grad: &Array2<f64>,
    ) -> (Array2<f64>, Option<Array1<f64>>) {
        match self {
            ActLayer::Relu(a) => (a.backward(z, grad), None),
            ActLayer::LeakyRelu(a) => (a.backward(z, grad), None),
            ActLayer::Prelu(a) => {
                let (gz, ga) = a.backward(z, grad);
                (gz, Some(ga))
            }
            ActLayer::Abs(a) => (a.backward(z, grad), None),
            ActLayer::Tanh(a) => (a.backward(z, grad), None),
            ActLayer::Sigmoid(a) => (a.backward(z, grad), None),
        }
    }

    /// The learned slopes (PReLU only).
    pub fn slope(&self) -> Option<&Array1<f64>> {
        match self {
            ActLayer::Prelu(p) => Some(&p.slope),
            _ => None,
        }
    }

    pub fn slope_mut(&mut self) -> Option<&mut Array1<f64>> {
        match self {
            ActLayer::Prelu(p) => Some(&mut p.slope),
            _ => None,
        }
    }
}

/// The truth a batch is scored against.
#[derive(Clone, Copy, Debug)]
pub enum Truth<'a> {
    Classes(&'a [usize]),
    /// Standardised values.
    Values(&'a [f64]),
}

/// Sigmoid output + binary cross-entropy, from one score s (the logit of class 1):
/// `L = −y ln σ(s) − (1 − y) ln(1 − σ(s))`, `∂L/∂s = σ(s) − y`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SigmoidBce;

impl SigmoidBce {
    pub fn loss_grad(&self, s: &Array2<f64>, y: &[usize]) -> (f64, Array2<f64>) {
        let n = y.len().max(1) as f64;
        let mut loss = 0.0;
        let mut g = Array2::zeros(s.raw_dim());
        for (i, &yi) in y.iter().enumerate() {
            let z = s[[i, 0]];
            loss += if yi == 1 { softplus(-z) } else { softplus(z) };
            g[[i, 0]] = (sigmoid(z) - if yi == 1 { 1.0 } else { 0.0 }) / n;
        }
        (loss / n, g)
    }
}

/// Softmax output + cross-entropy over k scores: `L = ln Σⱼ e^{sⱼ} − s_y`,
/// `∂L/∂sⱼ = softmaxⱼ − [j = y]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SoftmaxCe;

impl SoftmaxCe {
    pub fn loss_grad(&self, s: &Array2<f64>, y: &[usize]) -> (f64, Array2<f64>) {
        let n = y.len().max(1) as f64;
        let mut loss = 0.0;
        let mut g = softmax_rows(s);
        for (i, &yi) in y.iter().enumerate() {
            let row = s.row(i);
            loss += log_sum_exp(row.iter().copied()) - row[yi];
            g[[i, yi]] -= 1.0;
        }
        g /= n;
        (loss / n, g)
    }
}

/// Linear output + squared error: `L = (ŷ − y)²` (the mean over rows is the MSE),
/// `∂L/∂ŷ = 2(ŷ − y)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinearMse;

impl LinearMse {
    pub fn loss_grad(&self, s: &Array2<f64>, y: &[f64]) -> (f64, Array2<f64>) {
        let n = y.len().max(1) as f64;
        let mut loss = 0.0;
        let mut g = Array2::zeros(s.raw_dim());
        for (i, &yi) in y.iter().enumerate() {
            let r = s[[i, 0]] - yi;
            loss += r * r;
            g[[i, 0]] = 2.0 * r / n;
        }
        (loss / n, g)
    }
}

/// Hinge loss of a linear SVM. Two classes: one score s, `t = ±1` (class 1 positive),
/// `L = max(0, 1 − t s)`. More classes: ONE-VS-REST (scikit-learn's LinearSVC default), one
/// score per class, `L = Σⱼ max(0, 1 − tⱼ sⱼ)` with `tⱼ = +1` for the true class and −1 else.
/// Subgradient 0 at the kink.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hinge;

impl Hinge {
    pub fn loss_grad(&self, s: &Array2<f64>, y: &[usize]) -> (f64, Array2<f64>) {
        let n = y.len().max(1) as f64;
        let k = s.ncols();
        let mut loss = 0.0;
        let mut g = Array2::zeros(s.raw_dim());
        for (i, &yi) in y.iter().enumerate() {
            for j in 0..k {
                let is_pos = if k == 1 { yi == 1 } else { yi == j };
                let t = if is_pos { 1.0 } else { -1.0 };
                let m = 1.0 - t * s[[i, j]];
                if m > 0.0 {
                    loss += m;
                    g[[i, j]] = -t / n;
                }
            }
        }
        (loss / n, g)
    }
}

/// The output unit and cost, chosen from the task and the model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Head {
    SigmoidBce(SigmoidBce),
    SoftmaxCe(SoftmaxCe),
    LinearMse(LinearMse),
    Hinge(Hinge),
}

impl Head {
    /// Mean loss over the batch and its gradient with respect to the scores.
    pub fn loss_grad(&self, s: &Array2<f64>, truth: Truth) -> (f64, Array2<f64>) {
        match (self, truth) {
            (Head::SigmoidBce(h), Truth::Classes(y)) => h.loss_grad(s, y),
            (Head::SoftmaxCe(h), Truth::Classes(y)) => h.loss_grad(s, y),
            (Head::Hinge(h), Truth::Classes(y)) => h.loss_grad(s, y),
            (Head::LinearMse(h), Truth::Values(y)) => h.loss_grad(s, y),
            // The trainer pairs heads and targets; a mismatch is a bug, shown as NaN.
            _ => (f64::NAN, Array2::zeros(s.raw_dim())),
        }
    }

    /// Class probabilities from scores (sigmoid / softmax heads): `n × k`, k ≥ 2.
    pub fn proba(&self, s: &Array2<f64>) -> Option<Array2<f64>> {
        match self {
            Head::SigmoidBce(_) => {
                let mut out = Array2::zeros((s.nrows(), 2));
                for i in 0..s.nrows() {
                    let p = sigmoid(s[[i, 0]]);
                    out[[i, 0]] = 1.0 - p;
                    out[[i, 1]] = p;
                }
                Some(out)
            }
            Head::SoftmaxCe(_) => Some(softmax_rows(s)),
            _ => None,
        }
    }

    /// Predicted classes from scores (one score: class 1 when s ≥ 0; else the first largest).
    pub fn classes(&self, s: &Array2<f64>) -> Vec<usize> {
        crate::estimators::classes_from_scores(s.view())
    }
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + eᶻ) without overflow.
pub fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

fn log_sum_exp(v: impl Iterator<Item = f64> + Clone) -> f64 {
    let max = v.clone().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    max + v.map(|x| (x - max).exp()).sum::<f64>().ln()
}

fn softmax_rows(s: &Array2<f64>) -> Array2<f64> {
    let mut out = s.clone();
    for mut row in out.rows_mut() {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|v| (v - max).exp());
        let sum = row.sum();
        row /= sum;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn activations_by_hand() {
        let z = array![[-2.0, 0.0, 3.0]];
        assert_eq!(Relu.forward(&z), array![[0.0, 0.0, 3.0]]);
        assert_eq!(LeakyRelu.forward(&z), array![[-0.02, 0.0, 3.0]]);
        assert_eq!(Abs.forward(&z), array![[2.0, 0.0, 3.0]]);
        let p = Prelu {
            slope: array![0.5, 0.1, 0.2],
        };
        assert_eq!(p.forward(&z), array![[-1.0, 0.0, 3.0]]);
        // σ(0) = 1/2, tanh 0 = 0; σ(−2) = 1/(1 + e²) = 0.11920292202211755.
        let s = Sigmoid.forward(&z);
        assert!((s[[0, 0]] - 0.11920292202211755).abs() < 1e-16 && s[[0, 1]] == 0.5);
        assert_eq!(Tanh.forward(&z)[[0, 1]], 0.0);
        // PReLU's slope gradient collects g·z where z ≤ 0.
        let (gz, ga) = p.backward(&z, &array![[1.0, 1.0, 1.0]]);
        assert_eq!(gz, array![[0.5, 0.1, 1.0]]);
        assert_eq!(ga, array![-2.0, 0.0, 0.0]);
    }

    #[test]
    fn losses_by_hand() {
        // BCE at s = 0: ln 2 whatever the class; gradient (1/2 − y)/n.
        let (l, g) = SigmoidBce.loss_grad(&array![[0.0], [0.0]], &[0, 1]);
        assert!((l - std::f64::consts::LN_2).abs() < 1e-15);
        assert_eq!(g, array![[0.25], [-0.25]]);
        // Softmax CE of equal scores over 4 classes: ln 4.
        let (l, _) = SoftmaxCe.loss_grad(&array![[1.0, 1.0, 1.0, 1.0]], &[2]);
        assert!((l - 4f64.ln()).abs() < 1e-15);
        // MSE of residuals 1 and −3: (1 + 9)/2.
        let (l, g) = LinearMse.loss_grad(&array![[1.0], [-1.0]], &[0.0, 2.0]);
        assert_eq!((l, g), (5.0, array![[1.0], [-3.0]]));
        // Hinge: margin 0.5 costs 0.5, margin 2 costs nothing.
        let (l, _) = Hinge.loss_grad(&array![[0.5], [-2.0]], &[1, 0]);
        assert_eq!(l, 0.25);
        // Huge logits stay finite.
        let (l, _) = SigmoidBce.loss_grad(&array![[800.0]], &[0]);
        assert_eq!(l, 800.0);
    }
}

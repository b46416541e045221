//! Classification and regression metrics, computed by our own hand-checked arithmetic.
//!
//! linfa 0.8.1's metrics are not used here (LINFA_NOTES "Metrics"): its binary `precision()` and
//! `recall()` are swapped relative to scikit-learn and its multi-class F1 disagrees with
//! scikit-learn. Every function below follows scikit-learn's definition and is tested against
//! hand-computed examples in `tests/metrics.rs`.
//!
//! These functions never panic on user input. Pairs of slices of different lengths are compared
//! over their common prefix (callers pass equal lengths; a mismatch is a programming error that
//! must not crash the UI). Empty input gives `NaN` where the metric is a mean over rows.

use ndarray::{Array2, ArrayView2};

/// Probability clip of [`log_loss`]: probabilities are clipped to `[EPS, 1 - EPS]`.
pub const LOG_LOSS_EPS: f64 = 1e-15;

/// Fraction of rows where `y_pred == y_true`; `NaN` for no rows.
pub fn accuracy(y_true: &[usize], y_pred: &[usize]) -> f64 {
    let n = y_true.len().min(y_pred.len());
    if n == 0 {
        return f64::NAN;
    }
    let hits = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    hits as f64 / n as f64
}

/// Confusion matrix `n_classes × n_classes`: entry `[t, p]` counts rows of true class `t`
/// predicted as `p` (rows = true, columns = predicted, as scikit-learn). Labels `>= n_classes`
/// are not counted.
pub fn confusion_matrix(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Array2<usize> {
    let mut m = Array2::zeros((n_classes, n_classes));
    for (&t, &p) in y_true.iter().zip(y_pred) {
        if t < n_classes && p < n_classes {
            m[[t, p]] += 1;
        }
    }
    m
}

/// Mean negative log-likelihood of the true classes: `-(1/n) Σ ln p[i, y_i]`, each probability
/// clipped to `[1e-15, 1 - 1e-15]` (scikit-learn's clip). `proba` is `n × k`, column `c` =
/// P(class c). A label outside `0..k` counts as probability 0 (clipped to 1e-15). Rows beyond
/// the shorter of `y_true` / `proba` are ignored; `NaN` for no rows.
pub fn log_loss(y_true: &[usize], proba: ArrayView2<f64>) -> f64 {
    let n = y_true.len().min(proba.nrows());
    if n == 0 {
        return f64::NAN;
    }
    let k = proba.ncols();
    let total: f64 = y_true
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, &c)| {
            let p = if c < k { proba[[i, c]] } else { 0.0 };
            // NaN probabilities are treated as 0 (the worst case) rather than poisoning the mean.
            let p = if p.is_nan() { 0.0 } else { p };
            -p.clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS).ln()
        })
        .sum();
    total / n as f64
}

/// Mean squared error `(1/n) Σ (y - ŷ)²`; `NaN` for no rows.
pub fn mse(y_true: &[f64], y_pred: &[f64]) -> f64 {
    let n = y_true.len().min(y_pred.len());
    if n == 0 {
        return f64::NAN;
    }
    let sse: f64 = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (t - p) * (t - p))
        .sum();
    sse / n as f64
}

/// Coefficient of determination `1 - SS_res / SS_tot`. As scikit-learn (`force_finite=True`):
/// when `y_true` is constant, 1.0 for a perfect prediction and 0.0 otherwise. `NaN` for fewer
/// than 2 rows (as scikit-learn: one value has no spread to compare the errors with).
/// Scale-safe: values far from 1 (1e200) are divided by a power of two before squaring, as R²
/// does not depend on the unit.
pub fn r2(y_true: &[f64], y_pred: &[f64]) -> f64 {
    let n = y_true.len().min(y_pred.len());
    if n < 2 {
        return f64::NAN;
    }
    let largest = y_true[..n]
        .iter()
        .chain(&y_pred[..n])
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let s = crate::data::prep::pow2_scale(largest);
    let y_true: Vec<f64> = y_true[..n].iter().map(|v| v / s).collect();
    let mean = y_true.iter().sum::<f64>() / n as f64;
    let ss_tot: f64 = y_true.iter().map(|t| (t - mean) * (t - mean)).sum();
    let ss_res: f64 = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (t - p / s) * (t - p / s))
        .sum();
    if ss_tot == 0.0 {
        return if ss_res == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - ss_res / ss_tot
}

/// Per-class `(precision, recall, f1)` for classes `0..n_classes`, scikit-learn semantics
/// (`average=None`, `zero_division=0`): precision = TP/(TP+FP), recall = TP/(TP+FN),
/// F1 = 2TP/(2TP+FP+FN), each 0 when its denominator is 0.
pub fn precision_recall_f1(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
) -> Vec<(f64, f64, f64)> {
    let cm = confusion_matrix(y_true, y_pred, n_classes);
    let ratio = |num: usize, den: usize| {
        if den == 0 {
            0.0
        } else {
            num as f64 / den as f64
        }
    };
    (0..n_classes)
        .map(|c| {
            let tp = cm[[c, c]];
            let predicted = cm.column(c).sum(); // TP + FP
            let actual = cm.row(c).sum(); // TP + FN
            let precision = ratio(tp, predicted);
            let recall = ratio(tp, actual);
            let f1 = ratio(2 * tp, predicted + actual);
            (precision, recall, f1)
        })
        .collect()
}

//! Metrics against hand-computed examples (worked out in the comments).

use ndarray::array;
use ridgeline::analysis::metrics::{
    accuracy, confusion_matrix, log_loss, mse, precision_recall_f1, r2,
};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

// The running example: 8 rows, 3 classes.
// true: 0 0 0 1 1 1 2 2
// pred: 0 1 0 1 1 2 2 0
const T: [usize; 8] = [0, 0, 0, 1, 1, 1, 2, 2];
const P: [usize; 8] = [0, 1, 0, 1, 1, 2, 2, 0];

#[test]
fn accuracy_counts_hits() {
    // hits at rows 0, 2, 3, 4, 6 → 5/8
    assert_eq!(accuracy(&T, &P), 5.0 / 8.0);
    assert_eq!(accuracy(&[1, 1], &[1, 1]), 1.0);
    assert!(accuracy(&[], &[]).is_nan());
}

#[test]
fn confusion_matrix_rows_are_true_columns_predicted() {
    // true 0: predicted 0,1,0 → [2,1,0]; true 1: 1,1,2 → [0,2,1]; true 2: 2,0 → [1,0,1]
    let cm = confusion_matrix(&T, &P, 3);
    assert_eq!(cm, array![[2, 1, 0], [0, 2, 1], [1, 0, 1]]);
    // labels outside 0..n_classes are ignored, not a panic
    let cm = confusion_matrix(&[0, 5], &[0, 0], 2);
    assert_eq!(cm, array![[1, 0], [0, 0]]);
}

#[test]
fn precision_recall_f1_per_class_by_hand() {
    // From the confusion matrix above:
    // class 0: TP 2, FP 1 (col sum 3), FN 1 (row sum 3): P = 2/3, R = 2/3, F1 = 4/6
    // class 1: TP 2, FP 1, FN 1: P = 2/3, R = 2/3, F1 = 2/3
    // class 2: TP 1, FP 1 (col sum 2), FN 1 (row sum 2): P = 1/2, R = 1/2, F1 = 1/2
    let m = precision_recall_f1(&T, &P, 3);
    let want = [
        (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0),
        (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0),
        (0.5, 0.5, 0.5),
    ];
    for (got, want) in m.iter().zip(want) {
        assert!(
            close(got.0, want.0, 1e-15)
                && close(got.1, want.1, 1e-15)
                && close(got.2, want.2, 1e-15),
            "{got:?} vs {want:?}"
        );
    }
}

#[test]
fn precision_recall_are_not_swapped_in_the_binary_case() {
    // true: 1 1 1 0, pred: 1 0 0 0 → class 1: TP 1, FP 0, FN 2:
    // precision 1/1 = 1, recall 1/3, F1 = 2·1/(2·1 + 0 + 2) = 0.5.
    // (linfa 0.8.1 reports these two the other way round.)
    let m = precision_recall_f1(&[1, 1, 1, 0], &[1, 0, 0, 0], 2);
    assert_eq!(m[1].0, 1.0);
    assert!(close(m[1].1, 1.0 / 3.0, 1e-15));
    assert!(close(m[1].2, 0.5, 1e-15));
    // class 0: TP 1, FP 2, FN 0: P = 1/3, R = 1, F1 = 2/(2+2) = 0.5
    assert!(close(m[0].0, 1.0 / 3.0, 1e-15));
    assert_eq!(m[0].1, 1.0);
    assert!(close(m[0].2, 0.5, 1e-15));
}

#[test]
fn undefined_precision_recall_are_zero() {
    // class 2 never occurs nor is predicted: all three are 0/0 → 0 (sklearn zero_division=0).
    let m = precision_recall_f1(&[0, 1], &[0, 0], 3);
    assert_eq!(m[2], (0.0, 0.0, 0.0));
    // class 1 occurs but is never predicted: precision 0/0 → 0, recall 0/1 = 0, F1 0.
    assert_eq!(m[1], (0.0, 0.0, 0.0));
    // class 0: TP 1, FP 1 → P 0.5, R 1, F1 = 2/(2+1) = 2/3
    assert!(close(m[0].2, 2.0 / 3.0, 1e-15));
}

#[test]
fn log_loss_by_hand_and_clipped() {
    // -(ln 0.8 + ln 0.6 + ln 0.3) / 3 = (0.22314355 + 0.51082562 + 1.20397280) / 3
    //   = 1.93794197 / 3 = 0.64598066
    let proba = array![[0.8, 0.2], [0.4, 0.6], [0.7, 0.3]];
    let got = log_loss(&[0, 1, 1], proba.view());
    assert!(close(got, 0.645_980_66, 1e-8), "{got}");
    // A probability of 0 for the true class is clipped to 1e-15: loss = -ln(1e-15)/1 = 34.5388
    let proba = array![[1.0, 0.0]];
    let got = log_loss(&[1], proba.view());
    assert!(close(got, 15.0 * 10f64.ln(), 1e-9), "{got}");
    // A certain, right prediction is clipped at 1 - 1e-15: loss ≈ 1e-15, not exactly 0.
    let got = log_loss(&[0], proba.view());
    assert!(got > 0.0 && got < 1e-14);
}

#[test]
fn regression_metrics_by_hand() {
    // y = [1, 2, 3, 4], ŷ = [1.5, 2, 2, 5]: residuals -0.5, 0, 1, -1 → SS_res = 2.25,
    // MSE = 0.5625; mean 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5 → R² = 1 - 2.25/5 = 0.55
    let y = [1.0, 2.0, 3.0, 4.0];
    let yhat = [1.5, 2.0, 2.0, 5.0];
    assert!(close(mse(&y, &yhat), 0.5625, 1e-15));
    assert!(close(r2(&y, &yhat), 0.55, 1e-15));
    // predicting the mean gives R² = 0; worse than the mean is negative
    assert!(close(r2(&y, &[2.5; 4]), 0.0, 1e-15));
    assert!(r2(&y, &[4.0, 3.0, 2.0, 1.0]) < 0.0);
    // constant target: sklearn's force_finite convention
    assert_eq!(r2(&[3.0, 3.0], &[3.0, 3.0]), 1.0);
    assert_eq!(r2(&[3.0, 3.0], &[3.0, 4.0]), 0.0);
    assert!(mse(&[], &[]).is_nan());
}

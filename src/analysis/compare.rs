//! Compare two configurations A and B on the same data and the same seeded k folds. No egui.
//!
//! Each fold gives both an error (1 − accuracy for classes, the MSE for regression, the share
//! of variance lost for PCA). Two readings:
//!
//! - **Each mean with its 95 % normal interval** μ̂ ± 1.96·s/√k (s the sample standard
//!   deviation of the k fold errors, divisor k − 1), as Goodfellow, Bengio & Courville (2016,
//!   §5.4.2) state it, and their rule: *A is better than B if A's upper bound on the error is
//!   below B's lower bound*.
//! - **The paired difference** d_f = err_A,f − err_B,f with the Nadeau–Bengio (2003) corrected
//!   variance σ²_corr = (1/k + n_test/n_train)·s²_d (the folds' training sets overlap, so the
//!   plain s²_d/k is too small) and a Student-t interval with k − 1 degrees of freedom:
//!   d̄ ± t₀.₉₇₅,ₖ₋₁·σ_corr. n_test and n_train are the mean held-out and training part sizes.

use rayon::prelude::*;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::analysis::cv;
use crate::analysis::folds::{self, CvSettings, Scoring};
use crate::data::Dataset;
use crate::estimators::{Error, ModelSpec};
use crate::progress::Progress;

/// The 0.975 quantile of the standard normal distribution.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// One configuration's fold errors, their mean and its 95 % normal interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Arm {
    pub folds: Vec<f64>,
    pub mean: f64,
    pub ci95: [f64; 2],
}

/// The paired differences err_A − err_B and their corrected t-interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Paired {
    pub folds: Vec<f64>,
    pub mean: f64,
    /// Sample standard deviation s_d of the differences (divisor k − 1).
    pub sd: f64,
    /// √((1/k + n_test/n_train)·s²_d).
    pub corrected_sd: f64,
    /// Degrees of freedom, k − 1.
    pub dof: usize,
    pub ci95: [f64; 2],
}

/// Which configuration has the lower error, at 95 %.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    ABetter,
    BBetter,
    NoDifference,
}

/// The comparison; partial (`done == false`) while the folds are computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// What the fold values are: `1 - accuracy`, `mse`, …
    pub error_metric: &'static str,
    /// Folds done so far.
    pub k: usize,
    /// Mean size of the folds' training parts and of their held-out rows.
    pub n_train: f64,
    pub n_test: f64,
    pub a: Arm,
    pub b: Arm,
    pub diff: Paired,
    /// By the rule on the two normal intervals.
    pub verdict: Verdict,
    /// By the corrected paired interval (below 0: A better; above 0: B better).
    pub paired_verdict: Verdict,
    /// The verdict in words, then what the paired interval says.
    pub text: String,
    pub done: bool,
}

/// The mean of `errors` and its 95 % normal-approximation interval mean ± 1.96·s/√k; NaN bounds
/// for fewer than 2 values.
pub fn normal_ci95(errors: &[f64]) -> (f64, [f64; 2]) {
    let k = errors.len() as f64;
    let mean = errors.iter().sum::<f64>() / k;
    if errors.len() < 2 {
        return (mean, [f64::NAN, f64::NAN]);
    }
    let half = Z_975 * (sample_var(errors, mean) / k).sqrt();
    (mean, [mean - half, mean + half])
}

fn sample_var(v: &[f64], mean: f64) -> f64 {
    v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)
}

/// The Nadeau–Bengio corrected t-interval of the mean of the paired differences `d`.
pub fn nadeau_bengio(d: &[f64], n_train: f64, n_test: f64) -> Paired {
    let k = d.len();
    let mean = d.iter().sum::<f64>() / k as f64;
    if k < 2 {
        return Paired {
            folds: d.to_vec(),
            mean,
            sd: f64::NAN,
            corrected_sd: f64::NAN,
            dof: 0,
            ci95: [f64::NAN, f64::NAN],
        };
    }
    let var = sample_var(d, mean);
    let corrected = ((1.0 / k as f64 + n_test / n_train) * var).sqrt();
    let t = StudentsT::new(0.0, 1.0, (k - 1) as f64)
        .map(|dist| dist.inverse_cdf(0.975))
        .unwrap_or(f64::NAN);
    Paired {
        folds: d.to_vec(),
        mean,
        sd: var.sqrt(),
        corrected_sd: corrected,
        dof: k - 1,
        ci95: [mean - t * corrected, mean + t * corrected],
    }
}

/// The comparison of the fold errors `err_a`, `err_b` (paired by fold).
pub fn summarize(
    err_a: &[f64],
    err_b: &[f64],
    n_train: f64,
    n_test: f64,
    error_metric: &'static str,
) -> Comparison {
    let arm = |e: &[f64]| {
        let (mean, ci95) = normal_ci95(e);
        Arm {
            folds: e.to_vec(),
            mean,
            ci95,
        }
    };
    let (a, b) = (arm(err_a), arm(err_b));
    let d: Vec<f64> = err_a.iter().zip(err_b).map(|(x, y)| x - y).collect();
    let diff = nadeau_bengio(&d, n_train, n_test);
    let f = |x: f64| format!("{x:.4}");
    let (verdict, rule) = if a.ci95[1] < b.ci95[0] {
        (
            Verdict::ABetter,
            format!(
                "A is better than B: A's upper 95 % bound on the error ({}) is below B's lower \
                 bound ({})",
                f(a.ci95[1]),
                f(b.ci95[0])
            ),
        )
    } else if b.ci95[1] < a.ci95[0] {
        (
            Verdict::BBetter,
            format!(
                "B is better than A: B's upper 95 % bound on the error ({}) is below A's lower \
                 bound ({})",
                f(b.ci95[1]),
                f(a.ci95[0])
            ),
        )
    } else if a.ci95[0].is_nan() {
        (
            Verdict::NoDifference,
            "no significant difference at 95 %: too few folds to tell".to_string(),
        )
    } else {
        (
            Verdict::NoDifference,
            format!(
                "no significant difference at 95 %: the intervals [{}, {}] (A) and [{}, {}] (B) \
                 overlap",
                f(a.ci95[0]),
                f(a.ci95[1]),
                f(b.ci95[0]),
                f(b.ci95[1])
            ),
        )
    };
    let [lo, hi] = diff.ci95;
    let (paired_verdict, where_) = if hi < 0.0 {
        (Verdict::ABetter, "lies below 0: A's error is lower")
    } else if lo > 0.0 {
        (Verdict::BBetter, "lies above 0: B's error is lower")
    } else {
        (
            Verdict::NoDifference,
            "contains 0: no significant difference",
        )
    };
    let text = format!(
        "{rule}. The Nadeau–Bengio corrected paired interval of error(A) − error(B), [{}, {}], \
         {where_}.",
        f(lo),
        f(hi)
    );
    Comparison {
        error_metric,
        k: err_a.len().min(err_b.len()),
        n_train,
        n_test,
        a,
        b,
        diff,
        verdict,
        paired_verdict,
        text,
        done: false,
    }
}

/// Cross-validate A and B on the same seeded folds of `ds` and compare their errors. Folds are
/// computed one after the other (A and B of a fold in parallel); `emit` receives the
/// comparison over the folds done so far after each fold.
pub fn compare(
    ds: &Dataset,
    spec_a: &ModelSpec,
    spec_b: &ModelSpec,
    cv_settings: &CvSettings,
    progress: &Progress,
    emit: &mut dyn FnMut(&Comparison),
) -> Result<Comparison, Error> {
    cv_settings.check_for(ds, spec_a.kind)?;
    cv_settings.check_for(ds, spec_b.kind)?;
    spec_a.validate()?;
    spec_b.validate()?;
    let scoring = Scoring::of(ds, spec_a.kind);
    if Scoring::of(ds, spec_b.kind) != scoring {
        return Err(Error::Param(format!(
            "A and B must be scored alike: {} is scored by {}, {} by {}",
            spec_a.kind.label(),
            scoring.metric(),
            spec_b.kind.label(),
            Scoring::of(ds, spec_b.kind).metric()
        )));
    }
    let k = cv_settings.folds;
    let fold = cv::fold_of_rows(&ds.target, k, cv_settings.seed);
    let parts: Vec<(Vec<usize>, Vec<usize>)> = (0..k).map(|f| folds::fold_rows(&fold, f)).collect();
    let n_train = parts.iter().map(|p| p.0.len()).sum::<usize>() as f64 / k as f64;
    let n_test = parts.iter().map(|p| p.1.len()).sum::<usize>() as f64 / k as f64;
    progress.set_total(2 * k as u64);
    progress.set(0);
    let (mut err_a, mut err_b) = (Vec::with_capacity(k), Vec::with_capacity(k));
    let mut last = None;
    for (train, test) in &parts {
        progress.check()?;
        let errors: Vec<Result<f64, Error>> = [spec_a, spec_b]
            .par_iter()
            .map(|spec| {
                let e = folds::fit_and_evaluate(
                    ds,
                    spec,
                    train,
                    &[test],
                    cv_settings.standardize,
                    &progress.child(),
                )
                .map(|e| e[0].error);
                progress.add(1);
                e
            })
            .collect();
        let mut errors = errors.into_iter();
        err_a.push(errors.next().unwrap_or(Ok(f64::NAN))?);
        err_b.push(errors.next().unwrap_or(Ok(f64::NAN))?);
        let c = summarize(&err_a, &err_b, n_train, n_test, scoring.error_metric());
        emit(&c);
        last = Some(c);
    }
    let mut c = last.ok_or_else(|| Error::Param("no folds".into()))?;
    c.done = true;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    // Hand-worked, k = 5 folds of 20 test and 80 training rows (n_test/n_train = 1/4):
    // A = 0.10 0.12 0.08 0.11 0.09: mean 0.10, s² = (0 + 4 + 4 + 1 + 1)e-4 / 4 = 2.5e-4,
    //     s/√5 = 0.00707107, 1.96·s/√5 (z = 1.959964) = 0.0138590: [0.0861410, 0.1138590].
    // B = 0.20 0.22 0.19 0.21 0.18: mean 0.20, same s²: [0.1861410, 0.2138590].
    // d = A − B = −0.10 −0.10 −0.11 −0.10 −0.09: mean −0.10, s²_d = 2e-4 / 4 = 5e-5,
    //     σ²_corr = (1/5 + 1/4)·5e-5 = 2.25e-5, σ_corr = 0.00474342,
    //     t(0.975, 4) = 2.776445: half = 0.0131697, interval [−0.1131697, −0.0868303].
    const A: [f64; 5] = [0.10, 0.12, 0.08, 0.11, 0.09];
    const B: [f64; 5] = [0.20, 0.22, 0.19, 0.21, 0.18];

    #[test]
    fn normal_interval_by_hand() {
        let (mean, [lo, hi]) = normal_ci95(&A);
        assert!(close(mean, 0.10));
        assert!(
            close(lo, 0.086_141_0) && close(hi, 0.113_859_0),
            "{lo} {hi}"
        );
        let (_, [lo, hi]) = normal_ci95(&B);
        assert!(
            close(lo, 0.186_141_0) && close(hi, 0.213_859_0),
            "{lo} {hi}"
        );
    }

    #[test]
    fn nadeau_bengio_interval_by_hand() {
        let d: Vec<f64> = A.iter().zip(&B).map(|(a, b)| a - b).collect();
        let p = nadeau_bengio(&d, 80.0, 20.0);
        assert!(close(p.mean, -0.10));
        assert!(close(p.sd, 5e-5f64.sqrt()));
        assert!(close(p.corrected_sd, 0.004_743_42), "{}", p.corrected_sd);
        assert_eq!(p.dof, 4);
        assert!(close(p.ci95[0], -0.113_169_7), "{:?}", p.ci95);
        assert!(close(p.ci95[1], -0.086_830_3), "{:?}", p.ci95);
    }

    #[test]
    fn verdicts_in_words() {
        let win = summarize(&A, &B, 80.0, 20.0, "1 - accuracy");
        assert_eq!(win.verdict, Verdict::ABetter);
        assert_eq!(win.paired_verdict, Verdict::ABetter);
        assert!(win.text.starts_with("A is better than B"), "{}", win.text);
        assert!(
            win.text
                .contains("(0.1139) is below B's lower bound (0.1861)")
        );
        assert!(
            win.text.contains("[-0.1132, -0.0868], lies below 0"),
            "{}",
            win.text
        );

        let loss = summarize(&B, &A, 80.0, 20.0, "1 - accuracy");
        assert_eq!(loss.verdict, Verdict::BBetter);
        assert!(loss.text.starts_with("B is better than A"), "{}", loss.text);
        assert!(loss.text.contains("lies above 0"));

        // A tie: B = 0.11 0.10 0.09 0.12 0.08 has mean 0.10 too.
        let tie = summarize(&A, &[0.11, 0.10, 0.09, 0.12, 0.08], 80.0, 20.0, "mse");
        assert_eq!(tie.verdict, Verdict::NoDifference);
        assert_eq!(tie.paired_verdict, Verdict::NoDifference);
        assert!(
            tie.text.starts_with("no significant difference at 95 %"),
            "{}",
            tie.text
        );
        assert!(tie.text.contains("contains 0"));

        let one = summarize(&A[..1], &B[..1], 80.0, 20.0, "mse");
        assert_eq!(
            one.verdict,
            Verdict::NoDifference,
            "one fold proves nothing"
        );
    }
}

//! Validation and learning curves, the bias–variance decomposition and the A/B comparison,
//! checked against values computed independently here: `cv::cross_validate` run by hand,
//! sizes worked out from the fold sizes, bootstrap means computed directly, the algebraic
//! identity MSE = bias² + variance.

use ndarray::{Array2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ridgeline::analysis::bias_variance::{
    BootstrapSettings, bias_variance_curve, bootstrap_samples, decompose,
};
use ridgeline::analysis::compare::{Verdict, compare};
use ridgeline::analysis::curves::{
    LearningCurve, Param, ValidationCurve, learning_curve, validation_curve,
};
use ridgeline::analysis::cv::{cross_validate, fold_of_rows};
use ridgeline::analysis::folds::{CvSettings, live_subset, subset};
use ridgeline::analysis::live::{FitOn, LiveRequest};
use ridgeline::data::builtin::{Builtin, RealDataset};
use ridgeline::data::dataset::{Roles, build_dataset};
use ridgeline::data::prep::Split;
use ridgeline::data::{Dataset, Target};
use ridgeline::estimators::elastic_net::ElasticNetParams;
use ridgeline::estimators::logistic::LogisticParams;
use ridgeline::estimators::svm::{Kernel, SvmParams};
use ridgeline::estimators::{Error, ModelKind, ModelSpec};
use ridgeline::progress::Progress;

use crate::common::dataset;

// ---------------------------------------------------------------------------------------------
// Data

fn real(which: RealDataset) -> Dataset {
    let table = Builtin::Real(which).load().unwrap();
    build_dataset(&table, &Roles::default()).unwrap()
}

/// y = x·w + 3 + noise, x standard normal-ish (uniform), seeded.
fn linear_data(n: usize, p: usize, noise: f64, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, p), |_| rng.gen_range(-2.0..2.0));
    let y: Vec<f64> = x
        .rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(j, v)| (j as f64 + 1.0) * v)
                .sum::<f64>()
                + 3.0
                + noise * rng.gen_range(-1.0..1.0)
        })
        .collect();
    dataset(x, Target::Values(y))
}

/// Two tight clusters at (−5, −5) and (5, 5), `n / 2` each, interleaved.
fn separable(n: usize) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let y: Vec<usize> = (0..n).map(|i| i % 2).collect();
    let x = Array2::from_shape_fn((n, 2), |(i, _)| {
        (if y[i] == 0 { -5.0 } else { 5.0 }) + rng.gen_range(-0.5..0.5)
    });
    dataset(
        x,
        Target::Classes {
            y,
            names: vec!["neg".into(), "pos".into()],
        },
    )
}

fn logistic(c: f64) -> ModelSpec {
    ModelSpec {
        kind: ModelKind::Logistic,
        logistic: LogisticParams::from_c(c),
        ..Default::default()
    }
}

fn elastic(p: ElasticNetParams) -> ModelSpec {
    ModelSpec {
        kind: ModelKind::ElasticNet,
        elastic_net: p,
        ..Default::default()
    }
}

fn cv(folds: usize, seed: u64) -> CvSettings {
    CvSettings {
        folds,
        seed,
        standardize: true,
    }
}

fn validation(
    ds: &Dataset,
    spec: &ModelSpec,
    param: Param,
    values: &[f64],
    settings: &CvSettings,
) -> (ValidationCurve, Vec<ValidationCurve>) {
    let mut seen = Vec::new();
    let c = validation_curve(
        ds,
        spec,
        param,
        values,
        settings,
        &Progress::new(),
        &mut |c| seen.push(c.clone()),
    )
    .expect("validation curve");
    (c, seen)
}

fn learning(
    ds: &Dataset,
    spec: &ModelSpec,
    fractions: &[f64],
    settings: &CvSettings,
) -> (LearningCurve, Vec<LearningCurve>) {
    let mut seen = Vec::new();
    let c = learning_curve(ds, spec, fractions, settings, &Progress::new(), &mut |c| {
        seen.push(c.clone())
    })
    .expect("learning curve");
    (c, seen)
}

// ---------------------------------------------------------------------------------------------
// Validation curve

#[test]
fn validation_fold_scores_are_cross_validate_at_each_value() {
    let iris = real(RealDataset::Iris);
    let values = [0.01, 1.0, 100.0];
    let (curve, _) = validation(&iris, &logistic(1.0), Param::C, &values, &cv(5, 3));
    assert_eq!(curve.values, values);
    assert_eq!(curve.metric, "accuracy");
    assert_eq!(curve.folds, 5);
    assert_eq!(curve.bands.cv.folds.len(), 3);
    for (i, &c) in values.iter().enumerate() {
        let by_hand = cross_validate(&iris, &logistic(c), 5, 3, true, &Progress::new()).unwrap();
        assert_eq!(curve.bands.cv.folds[i], by_hand.folds, "C = {c}");
        assert_eq!(curve.bands.cv.mean[i], by_hand.mean);
        assert_eq!([curve.bands.cv.lo[i], curve.bands.cv.hi[i]], by_hand.ci95);
        assert_eq!(curve.bands.train.folds[i].len(), 5);
        // The error is 1 − accuracy, fold by fold.
        for (e, s) in curve.bands.cv_error.folds[i].iter().zip(&by_hand.folds) {
            assert!((e - (1.0 - s)).abs() < 1e-15);
        }
    }
    // A strong penalty (C = 0.01) under-fits iris: its training accuracy is the lowest.
    assert!(curve.bands.train.mean[0] < curve.bands.train.mean[2]);
}

#[test]
fn validation_on_regression_is_r2_of_cross_validate_and_mse() {
    let ds = linear_data(60, 3, 1.0, 5);
    let values = [0.01, 1.0];
    let spec = elastic(ElasticNetParams::default());
    let (curve, _) = validation(&ds, &spec, Param::Alpha, &values, &cv(4, 9));
    assert_eq!(curve.metric, "r2");
    assert_eq!(curve.error_metric, "mse");
    for (i, &a) in values.iter().enumerate() {
        let mut s = spec.clone();
        s.elastic_net.alpha = a;
        let by_hand = cross_validate(&ds, &s, 4, 9, true, &Progress::new()).unwrap();
        assert_eq!(curve.bands.cv.folds[i], by_hand.folds, "alpha = {a}");
        assert!(curve.bands.cv_error.folds[i].iter().all(|e| *e > 0.0));
    }
}

#[test]
fn ridge_train_r2_falls_as_alpha_grows() {
    // On standardised data the ridge training R² is monotone decreasing in α (the penalised
    // optimum trades training fit for a smaller ‖w‖), fold by fold.
    let ds = real(RealDataset::Diabetes);
    // (linfa's coordinate descent runs all of max_iter = 1000 sweeps here, near the optimum.)
    let p = ElasticNetParams::ridge(1.0);
    let alphas = [1e-2, 1e-1, 1.0, 10.0, 100.0];
    let (curve, _) = validation(&ds, &elastic(p), Param::Alpha, &alphas, &cv(3, 0));
    for f in 0..3 {
        let r2: Vec<f64> = (0..alphas.len())
            .map(|i| curve.bands.train.folds[i][f])
            .collect();
        for w in r2.windows(2) {
            assert!(w[1] < w[0], "fold {f}: {r2:?}");
        }
    }
    // And at α = 100 the model is close to the mean: R² far below the small-α one.
    assert!(curve.bands.train.mean[4] < curve.bands.train.mean[0] - 0.2);
}

#[test]
fn a_parameter_the_model_lacks_is_an_error() {
    let iris = real(RealDataset::Iris);
    let r = validation_curve(
        &iris,
        &logistic(1.0),
        Param::Gamma,
        &[1.0],
        &cv(3, 0),
        &Progress::new(),
        &mut |_| panic!("nothing to stream"),
    );
    match r {
        Err(Error::Param(m)) => assert!(m.contains("gamma is not a parameter"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A bad value among good ones fails before any fit.
    let r = validation_curve(
        &iris,
        &logistic(1.0),
        Param::C,
        &[1.0, -1.0],
        &cv(3, 0),
        &Progress::new(),
        &mut |_| panic!("checked before fitting"),
    );
    assert!(matches!(r, Err(Error::Param(_))), "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// Learning curve

#[test]
fn learning_sizes_come_from_the_smallest_fold() {
    // iris with k = 4: the stratified deal puts 38, 38, 37, 37 rows in the folds, so the
    // training parts hold 112, 112, 113, 113 rows: sizes are fractions of 112.
    let iris = real(RealDataset::Iris);
    let fold = fold_of_rows(&iris.target, 4, 0);
    let counts: Vec<usize> = (0..4)
        .map(|f| fold.iter().filter(|&&g| g == f).count())
        .collect();
    assert_eq!(counts, vec![38, 38, 37, 37]);
    let (curve, seen) = learning(&iris, &logistic(1.0), &[0.25, 0.5, 1.0], &cv(4, 0));
    // round(0.25·112) = 28, 56, 112.
    assert_eq!(curve.sizes, vec![28, 56, 112]);
    assert_eq!(curve.n_train, 112);
    assert_eq!(curve.fractions, vec![0.25, 0.5, 1.0]);
    assert_eq!(curve.folds, 4);
    assert!(curve.bands.cv.folds.iter().all(|f| f.len() == 4));
    assert!(curve.bands.train.folds.iter().all(|f| f.len() == 4));
    assert_eq!(seen.len(), 3);
    assert!(curve.notes.is_empty(), "{:?}", curve.notes);
}

#[test]
fn learning_sizes_on_regression_by_hand() {
    // 100 rows, 5 folds of 20: training parts of 80.
    let ds = linear_data(100, 2, 0.5, 1);
    let (curve, _) = learning(
        &ds,
        &elastic(ElasticNetParams::ridge(0.01)),
        &[0.1, 0.25, 0.5, 1.0],
        &cv(5, 2),
    );
    assert_eq!(curve.sizes, vec![8, 20, 40, 80]);
    assert_eq!(curve.metric, "r2");
    // At m = 80 (every training row) the train score is the full fit's on the training part,
    // and the held-out score, are what the validation curve reports at the same α: check against it.
    let (v, _) = validation(
        &ds,
        &elastic(ElasticNetParams::ridge(0.01)),
        Param::Alpha,
        &[0.01],
        &cv(5, 2),
    );
    // (The rows are fitted in another order, so equal up to rounding.)
    for (band, other) in [
        (&curve.bands.train, &v.bands.train),
        (&curve.bands.cv, &v.bands.cv),
    ] {
        for (a, b) in band.folds[3].iter().zip(&other.folds[0]) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }
}

#[test]
fn train_error_is_zero_at_tiny_m_on_separable_data() {
    let ds = separable(60);
    let spec = ModelSpec {
        kind: ModelKind::Svm,
        svm: SvmParams {
            kernel: Kernel::Linear,
            c: 10.0,
            ..Default::default()
        },
        ..Default::default()
    };
    // 5 folds of 12: training parts of 48; round(0.1·48) = 5 rows, both classes among them.
    let (curve, _) = learning(&ds, &spec, &[0.1, 1.0], &cv(5, 4));
    assert_eq!(curve.sizes, vec![5, 48]);
    assert_eq!(curve.error_metric, "1 - accuracy");
    assert!(curve.bands.train_error.folds[0].iter().all(|e| *e == 0.0));
    assert_eq!(curve.bands.train_error.mean[0], 0.0);
    assert_eq!(
        curve.bands.cv_error.mean[1], 0.0,
        "separable: no held-out error"
    );
}

#[test]
fn a_size_missing_a_class_is_skipped_with_a_note() {
    // 45 of one class, 5 of the other; 5 folds: training parts of 36 + 4. The first
    // round(0.05·40) = 2 rows of the interleaved order are both of the large class
    // ((j + ½)/36 < ½/4 for j = 0, 1), so that size is skipped.
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let y: Vec<usize> = (0..50).map(|i| usize::from(i >= 45)).collect();
    let x = Array2::from_shape_fn((50, 2), |(i, _)| {
        y[i] as f64 * 4.0 + rng.gen_range(-1.0..1.0)
    });
    let ds = dataset(
        x,
        Target::Classes {
            y,
            names: vec!["many".into(), "few".into()],
        },
    );
    let (curve, seen) = learning(&ds, &logistic(1.0), &[0.05, 1.0], &cv(5, 0));
    assert_eq!(curve.sizes, vec![40]);
    assert_eq!(curve.notes.len(), 1);
    assert!(
        curve.notes[0].starts_with("m = 2 skipped"),
        "{:?}",
        curve.notes
    );
    assert!(curve.notes[0].contains("'few'"));
    assert_eq!(seen.len(), 2, "one emit per size, the skipped one included");
}

// ---------------------------------------------------------------------------------------------
// Streaming and cancellation

#[test]
fn emit_is_called_once_per_value_and_size_with_growing_results() {
    let iris = real(RealDataset::Iris);
    let values = [0.1, 1.0, 10.0];
    let (curve, seen) = validation(&iris, &logistic(1.0), Param::C, &values, &cv(3, 0));
    assert_eq!(seen.len(), 3);
    for (i, c) in seen.iter().enumerate() {
        assert_eq!(c.values, values[..=i]);
        assert_eq!(c.bands.cv.mean.len(), i + 1);
        assert_eq!(c.bands.train_error.folds.len(), i + 1);
        assert!(!c.done);
    }
    assert!(curve.done);
    assert_eq!(curve.bands, seen[2].bands);

    let (curve, seen) = learning(&iris, &logistic(1.0), &[0.3, 0.6, 1.0], &cv(3, 0));
    assert_eq!(seen.len(), 3);
    for (i, c) in seen.iter().enumerate() {
        assert_eq!(c.sizes, curve.sizes[..=i]);
        assert_eq!(c.bands.cv.mean.len(), i + 1);
    }
}

#[test]
fn a_cancelled_progress_stops_every_computation() {
    let iris = real(RealDataset::Iris);
    let diabetes = real(RealDataset::Diabetes);
    let cancelled = Progress::new();
    cancelled.cancel();
    let r = validation_curve(
        &iris,
        &logistic(1.0),
        Param::C,
        &[1.0],
        &cv(3, 0),
        &cancelled,
        &mut |_| {},
    );
    assert_eq!(r.unwrap_err(), Error::Cancelled);
    let r = learning_curve(
        &iris,
        &logistic(1.0),
        &[1.0],
        &cv(3, 0),
        &cancelled,
        &mut |_| {},
    );
    assert_eq!(r.unwrap_err(), Error::Cancelled);
    let split = Split {
        train: (0..300).collect(),
        test: (300..441).collect(),
    };
    let ridge = elastic(ElasticNetParams::ridge(1.0));
    let r = decompose(
        &diabetes,
        &split,
        &ridge,
        &BootstrapSettings::default(),
        &cancelled,
    );
    assert_eq!(r.unwrap_err(), Error::Cancelled);
    let r = compare(
        &iris,
        &logistic(1.0),
        &logistic(0.01),
        &cv(3, 0),
        &cancelled,
        &mut |_| {},
    );
    assert_eq!(r.unwrap_err(), Error::Cancelled);

    // Cancelled from inside the loop (after the first value): the loop notices.
    let progress = Progress::new();
    let mut calls = 0;
    let r = validation_curve(
        &iris,
        &logistic(1.0),
        Param::C,
        &[0.1, 1.0, 10.0],
        &cv(3, 0),
        &progress,
        &mut |_| {
            calls += 1;
            progress.cancel();
        },
    );
    assert_eq!(r.unwrap_err(), Error::Cancelled);
    assert_eq!(calls, 1);
}

// ---------------------------------------------------------------------------------------------
// Bias–variance

fn half_split(n: usize) -> Split {
    Split {
        train: (0..n).filter(|i| i % 3 != 0).collect(),
        test: (0..n).filter(|i| i % 3 == 0).collect(),
    }
}

#[test]
fn mse_is_bias2_plus_variance_on_random_data() {
    let ds = linear_data(90, 4, 2.0, 21);
    let split = half_split(90);
    let settings = BootstrapSettings {
        boots: 15,
        seed: 4,
        standardize: true,
    };
    let spec = elastic(ElasticNetParams {
        alpha: 0.1,
        l1_ratio: 0.5,
        ..Default::default()
    });
    let d = decompose(&ds, &split, &spec, &settings, &Progress::new()).unwrap();
    assert!((d.mse - (d.bias2 + d.variance)).abs() < 1e-10, "{d:?}");
    assert!(d.variance > 0.0 && d.bias2 > 0.0);
    assert_eq!((d.boots, d.n_train, d.n_test), (15, 60, 30));

    let alphas = [0.01, 0.1, 1.0, 10.0];
    let mut seen = Vec::new();
    let curve = bias_variance_curve(
        &ds,
        &split,
        &spec,
        &alphas,
        &settings,
        &Progress::new(),
        &mut |c| seen.push(c.clone()),
    )
    .unwrap();
    assert_eq!(curve.alphas, alphas);
    assert_eq!(seen.len(), 4);
    assert!(seen.iter().enumerate().all(|(i, c)| c.mse.len() == i + 1));
    for i in 0..4 {
        assert!((curve.mse[i] - curve.bias2[i] - curve.variance[i]).abs() < 1e-10);
        assert_eq!(curve.sum[i], curve.bias2[i] + curve.variance[i]);
    }
    // The same α in the curve is the single decomposition (same resamples).
    assert_eq!(curve.mse[1], d.mse);
    // More penalty, more bias: α = 10 is far off where α = 0.01 fits.
    assert!(curve.bias2[3] > 5.0 * curve.bias2[0], "{curve:?}");
}

#[test]
fn a_model_predicting_the_training_mean_has_the_variance_of_the_bootstrap_means() {
    // Lasso with α far above α_max sets every w to 0: each fit predicts its resample's mean ȳ_b
    // everywhere. So variance = (1/B) Σ_b (ȳ_b − mean_b ȳ_b)², and
    // bias² = (1/T) Σ_x (mean_b ȳ_b − y(x))².
    let ds = linear_data(40, 2, 1.0, 8);
    let split = half_split(40);
    let Target::Values(y) = &ds.target else {
        unreachable!()
    };
    let spec = elastic(ElasticNetParams::lasso(1e6));
    let settings = BootstrapSettings {
        boots: 12,
        seed: 5,
        standardize: true,
    };
    let d = decompose(&ds, &split, &spec, &settings, &Progress::new()).unwrap();
    let means: Vec<f64> = bootstrap_samples(&split.train, 12, 5)
        .iter()
        .map(|s| s.iter().map(|&i| y[i]).sum::<f64>() / s.len() as f64)
        .collect();
    let grand = means.iter().sum::<f64>() / 12.0;
    let var = means.iter().map(|m| (m - grand).powi(2)).sum::<f64>() / 12.0;
    let bias2 = split
        .test
        .iter()
        .map(|&i| (grand - y[i]).powi(2))
        .sum::<f64>()
        / split.test.len() as f64;
    assert!(var > 0.0);
    assert!(
        (d.variance - var).abs() < 1e-10 * var.max(1.0),
        "{} vs {var}",
        d.variance
    );
    assert!(
        (d.bias2 - bias2).abs() < 1e-10 * bias2,
        "{} vs {bias2}",
        d.bias2
    );

    // One resample: nothing to vary.
    let one = BootstrapSettings {
        boots: 1,
        ..settings
    };
    let d = decompose(
        &ds,
        &split,
        &elastic(ElasticNetParams::ridge(0.1)),
        &one,
        &Progress::new(),
    )
    .unwrap();
    assert_eq!(d.variance, 0.0);
    assert_eq!(d.mse, d.bias2);
}

#[test]
fn bias_variance_refuses_classes_and_other_models() {
    let iris = real(RealDataset::Iris);
    let split = half_split(150);
    let r = decompose(
        &iris,
        &split,
        &elastic(ElasticNetParams::ridge(1.0)),
        &BootstrapSettings::default(),
        &Progress::new(),
    );
    assert!(matches!(r, Err(Error::Data(_))), "{r:?}");
    let r = decompose(
        &iris,
        &split,
        &logistic(1.0),
        &BootstrapSettings::default(),
        &Progress::new(),
    );
    assert!(matches!(r, Err(Error::Param(_))), "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// Compare

#[test]
fn compare_uses_cross_validate_folds_and_finds_a_clear_winner() {
    // A: logistic with C = 1 (≈ 96 % on iris); B: C = 1e-4, so strong a penalty that the
    // weights vanish and every row gets the same class (1 − accuracy ≈ 2/3).
    let iris = real(RealDataset::Iris);
    let (a, b) = (logistic(1.0), logistic(1e-4));
    let mut seen = Vec::new();
    let c = compare(&iris, &a, &b, &cv(5, 1), &Progress::new(), &mut |c| {
        seen.push(c.clone())
    })
    .unwrap();
    assert_eq!(seen.len(), 5);
    assert!(
        seen.iter()
            .enumerate()
            .all(|(i, s)| s.a.folds.len() == i + 1)
    );
    let by_hand = cross_validate(&iris, &a, 5, 1, true, &Progress::new()).unwrap();
    let err: Vec<f64> = by_hand.folds.iter().map(|s| 1.0 - s).collect();
    assert_eq!(c.a.folds, err);
    assert_eq!((c.n_train, c.n_test), (120.0, 30.0));
    assert_eq!(c.error_metric, "1 - accuracy");
    assert_eq!(c.verdict, Verdict::ABetter, "{}", c.text);
    assert_eq!(c.paired_verdict, Verdict::ABetter);
    assert!(c.text.starts_with("A is better than B"), "{}", c.text);
    assert!(c.done);

    // The same configuration twice: identical folds, no difference.
    let same = compare(&iris, &a, &a, &cv(5, 1), &Progress::new(), &mut |_| {}).unwrap();
    assert_eq!(same.verdict, Verdict::NoDifference);
    assert!(same.text.starts_with("no significant difference at 95 %"));
}

#[test]
fn subset_keeps_the_chosen_rows_and_features() {
    let iris = real(RealDataset::Iris);
    let s = subset(&iris, &[149, 0, 50], &[3, 1]);
    assert_eq!(s.x.dim(), (3, 2));
    assert_eq!(s.x[[0, 0]], iris.x[[149, 3]]);
    assert_eq!(s.x[[2, 1]], iris.x[[50, 1]]);
    assert_eq!(
        s.feature_names,
        vec![iris.feature_names[3].clone(), iris.feature_names[1].clone()]
    );
    let Target::Classes { y, .. } = &s.target else {
        panic!()
    };
    assert_eq!(y, &vec![2, 0, 1]);
    assert_eq!(iris.x.select(Axis(0), &[0]).row(0)[1], s.x[[1, 1]]);
}

#[test]
fn live_subset_is_the_shown_pair_on_the_training_rows() {
    let iris = real(RealDataset::Iris);
    let split = Split {
        train: (0..150).filter(|i| i % 5 != 0).collect(),
        test: (0..150).filter(|i| i % 5 == 0).collect(),
    };
    let req = LiveRequest {
        spec: logistic(1.0),
        fit_on: FitOn::ShownPair,
        axes: (2, 0),
        grid_size: 0,
        standardize: true,
        max_svm_rows: None,
    };
    let s = live_subset(&iris, &split, &req).unwrap();
    assert_eq!(s.x.dim(), (120, 2));
    assert_eq!(
        s.x[[0, 0]],
        iris.x[[1, 2]],
        "unscaled, row 1 first (row 0 is a test row)"
    );
    assert_eq!(s.x[[119, 1]], iris.x[[149, 0]]);
}

#[test]
fn the_windows_cross_validation_streams_folds_that_agree_with_cross_validate() {
    use ridgeline::analysis::folds::cross_validate_run;
    let ds = real(RealDataset::Iris);
    let spec = ModelSpec {
        kind: ModelKind::Logistic,
        ..Default::default()
    };
    let cv = CvSettings {
        folds: 5,
        seed: 3,
        standardize: true,
    };
    let mut seen = Vec::new();
    let run = cross_validate_run(&ds, &spec, &cv, &Progress::new(), &mut |r| {
        seen.push(r.cv.len())
    })
    .unwrap();
    // One emit per fold, each with one more fold.
    assert_eq!(seen, vec![1, 2, 3, 4, 5]);
    assert!(run.done);
    // The same folds and fits as the command line's `fit --cv` (an independent loop).
    let by_hand = cross_validate(&ds, &spec, 5, 3, true, &Progress::new()).unwrap();
    assert_eq!(run.metric, by_hand.metric);
    for (a, b) in run.cv.iter().zip(&by_hand.folds) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    assert!((run.cv_mean - by_hand.mean).abs() < 1e-12);
    assert!((run.cv_ci95[0] - by_hand.ci95[0]).abs() < 1e-12);
    // Training accuracy is at least as high as held-out accuracy on average here.
    assert!(run.train_mean >= run.cv_mean);
}

#[test]
fn the_svm_path_counts_support_vectors_and_measures_the_hard_margin() {
    use ridgeline::analysis::svm_path::svm_path;
    // 1-D, separable, distinct points: class 0 at −1 … −5, class 1 at 1 … 5. Hard margin:
    // the support vectors are ±1 only, w = 1, b = 0, margin 2/‖w‖ = 2, reached once C ≥ the
    // dual's α = ½ (w = Σ αᵢyᵢxᵢ = 2α·1 = 1).
    let xs = [
        -1.0, -1.5, -2.0, -3.0, -4.0, -5.0, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0,
    ];
    let x = Array2::from_shape_vec((12, 1), xs.to_vec()).unwrap();
    let y: Vec<usize> = xs.iter().map(|&v| usize::from(v > 0.0)).collect();
    let ds = dataset(
        x,
        Target::Classes {
            y,
            names: vec!["neg".into(), "pos".into()],
        },
    );
    let spec = ModelSpec {
        kind: ModelKind::Svm,
        svm: SvmParams {
            kernel: Kernel::Linear,
            tol: 1e-8,
            ..Default::default()
        },
        ..Default::default()
    };
    let cv = CvSettings {
        folds: 4,
        seed: 0,
        standardize: false,
    };
    let mut emits = 0;
    let path = svm_path(
        &ds,
        &spec,
        Param::C,
        &[0.01, 10.0, 1000.0],
        &cv,
        &Progress::new(),
        &mut |_| emits += 1,
    )
    .unwrap();
    assert_eq!(emits, 3);
    let margin = path.margin.as_ref().unwrap();
    for k in [1, 2] {
        assert!(
            (margin[k] - 2.0).abs() < 1e-6,
            "margin {} at C = {}",
            margin[k],
            path.values[k]
        );
        // Only the two points at ±1.
        assert_eq!(path.n_support[k], 2);
        assert_eq!(path.train_error[k], 0.0);
    }
    // A tiny C cannot afford w = 1: a wider margin with more support vectors.
    assert!(margin[0] > 2.0, "{}", margin[0]);
    assert!(path.n_support[0] > 2);
    // Held-out error: separable with every fold seeing both classes: 0 at C = 10.
    assert_eq!(path.cv_error.mean[1], 0.0);
    assert_eq!(path.cv_error.folds[1].len(), 4);
    // Not a parameter of the SVM path, or not an SVM: readable errors.
    assert!(
        svm_path(
            &ds,
            &spec,
            Param::Alpha,
            &[1.0],
            &cv,
            &Progress::new(),
            &mut |_| {}
        )
        .is_err()
    );
}

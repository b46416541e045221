//! L2 shrinkage along the eigen-directions of XᵀX/n, against a hand-worked 2-feature case:
//! x₁ = (1, 1, −1, −1), x₂ = (1, 0, 0, −1) are centred, XᵀX/n = [[1, ½], [½, ½]], whose
//! eigenvalues are (3 ± √5)/4 (trace 3/2, determinant 1/4). The ridge fits must shrink least
//! squares along each direction by exactly λᵢ/(λᵢ + α); Σ λᵢ/(λᵢ + 1) = (2·¼ + 3/2)/(¼ + 3/2 + 1)
//! = 8/11.

use ndarray::{Array2, array};
use ridgeline::analysis::shrinkage::{
    MAX_SHRINKAGE_FEATURES, drawn_directions, shrink_factor, shrinkage,
};
use ridgeline::data::{Dataset, Target};
use ridgeline::estimators::elastic_net::ElasticNetParams;
use ridgeline::estimators::{ModelKind, ModelSpec};
use ridgeline::progress::Progress;

use crate::common::dataset;

fn hand() -> Dataset {
    dataset(
        array![[1.0, 1.0], [1.0, 0.0], [-1.0, 0.0], [-1.0, -1.0]],
        Target::Values(vec![2.0, 1.0, 0.0, -3.0]),
    )
}

fn elastic_net(l1_ratio: f64) -> ModelSpec {
    ModelSpec {
        kind: ModelKind::ElasticNet,
        elastic_net: ElasticNetParams {
            alpha: 1.0,
            l1_ratio,
            max_iter: 100_000,
            tol: 1e-12,
        },
        ..Default::default()
    }
}

#[test]
fn ridge_fits_shrink_least_squares_by_lambda_over_lambda_plus_alpha() {
    let ds = hand();
    let alphas = [0.1, 1.0, 10.0];
    let mut emitted = 0;
    let s = shrinkage(
        &ds,
        &[0, 1, 2, 3],
        &elastic_net(0.0),
        &alphas,
        false,
        &Progress::new(),
        &mut |_| emitted += 1,
    )
    .unwrap();
    let root5 = 5f64.sqrt();
    let lambdas = [(3.0 + root5) / 4.0, (3.0 - root5) / 4.0];
    for (got, want) in s.eigenvalues.iter().zip(lambdas) {
        assert!((got - want).abs() < 1e-12, "λ {got} vs {want}");
    }
    assert_eq!(s.drawn, vec![0, 1]);
    // Once with the eigenvalues, then after each fit.
    assert_eq!(emitted, 1 + alphas.len());
    assert!(s.done);
    assert_eq!(s.fit_alphas, alphas);
    for (k, &a) in alphas.iter().enumerate() {
        for (d, &lambda) in lambdas.iter().enumerate() {
            let want = lambda / (lambda + a);
            let got = s.measured[k][d];
            assert!(
                (got - want).abs() < 1e-6,
                "α = {a}, direction {d}: fitted ratio {got}, λ/(λ+α) = {want}"
            );
            assert!((s.factor(d, a) - want).abs() < 1e-12);
        }
    }
    assert!((s.degrees_of_freedom(1.0) - 8.0 / 11.0).abs() < 1e-12);
    assert!((s.degrees_of_freedom(0.0) - 2.0).abs() < 1e-12);
}

#[test]
fn with_an_l1_part_the_formula_takes_alpha_times_one_minus_rho_and_the_lasso_leaves_it() {
    let ds = hand();
    // ρ = ½: the L2 weight is α/2.
    let s = shrinkage(
        &ds,
        &[0, 1, 2, 3],
        &elastic_net(0.5),
        &[],
        false,
        &Progress::new(),
        &mut |_| {},
    )
    .unwrap();
    let l0 = (3.0 + 5f64.sqrt()) / 4.0;
    assert!((s.factor(0, 2.0) - l0 / (l0 + 1.0)).abs() < 1e-12);
    assert!(s.done && s.measured.is_empty());
    // The lasso has no L2 part: every factor is 1, yet at α = 10 > α_max = max|Xᵀy|/n = 1.5
    // every coefficient is 0, so the fitted ratios are 0, far off the curve.
    let s = shrinkage(
        &ds,
        &[0, 1, 2, 3],
        &elastic_net(1.0),
        &[10.0],
        false,
        &Progress::new(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(s.factor(0, 10.0), 1.0);
    assert_eq!(s.degrees_of_freedom(10.0), 2.0);
    assert_eq!(s.measured[0], vec![0.0, 0.0]);
}

#[test]
fn bad_inputs_get_a_readable_error() {
    let spec = elastic_net(0.0);
    let classes = dataset(
        array![[1.0], [2.0], [3.0]],
        Target::Classes {
            y: vec![0, 1, 0],
            names: vec!["a".into(), "b".into()],
        },
    );
    let run = |ds: &Dataset, spec: &ModelSpec| {
        let rows: Vec<usize> = (0..ds.n_rows()).collect();
        shrinkage(ds, &rows, spec, &[1.0], true, &Progress::new(), &mut |_| {})
            .unwrap_err()
            .to_string()
    };
    assert!(run(&classes, &spec).contains("numeric (regression) target"));
    let mut svm = spec.clone();
    svm.kind = ModelKind::Svm;
    assert!(
        run(&hand(), &svm).contains("not SVM"),
        "{}",
        run(&hand(), &svm)
    );
    let wide = dataset(
        Array2::from_shape_fn((3, MAX_SHRINKAGE_FEATURES + 1), |(i, j)| (i * j) as f64),
        Target::Values(vec![1.0, 2.0, 3.0]),
    );
    let msg = run(&wide, &spec);
    assert!(
        msg.contains("1001 features") && msg.contains("at most 1000"),
        "{msg}"
    );
    // Cancelled before it starts: no result.
    let p = Progress::new();
    p.cancel();
    assert!(
        shrinkage(
            &hand(),
            &[0, 1, 2, 3],
            &spec,
            &[1.0],
            false,
            &p,
            &mut |_| {}
        )
        .is_err()
    );
}

#[test]
fn which_directions_are_drawn_and_the_zero_variance_case() {
    assert_eq!(drawn_directions(3), vec![0, 1, 2]);
    assert_eq!(drawn_directions(11), vec![0, 1, 2, 3, 7, 8, 9, 10]);
    // No variance and no penalty: nothing to keep.
    assert_eq!(shrink_factor(0.0, 0.0), 0.0);
    assert_eq!(shrink_factor(3.0, 1.0), 0.75);
}

#[test]
fn a_constant_and_a_duplicated_column_give_zero_directions_without_dots() {
    // x₀ random-ish, x₁ = x₀ (collinear), x₂ constant: XᵀX/n (standardised) has rank 1, so
    // two eigenvalues are 0; along them least squares is undefined and no dot is drawn.
    let x0 = [0.3, -1.2, 0.8, 2.0, -0.4, 1.1, -0.9, 0.0];
    let x = Array2::from_shape_fn((8, 3), |(i, j)| if j == 2 { 5.0 } else { x0[i] });
    let y: Vec<f64> = x0.iter().map(|v| 2.0 * v + 1.0).collect();
    let ds = dataset(x, Target::Values(y));
    let rows: Vec<usize> = (0..8).collect();
    let s = shrinkage(
        &ds,
        &rows,
        &elastic_net(0.0),
        &[0.1, 1.0],
        true,
        &Progress::new(),
        &mut |_| {},
    )
    .unwrap();
    // Standardised x₀ and x₁ are the same unit-variance column: XᵀX/n = [[1, 1, 0], [1, 1, 0],
    // [0, 0, 0]], eigenvalues 2, 0, 0.
    assert!((s.eigenvalues[0] - 2.0).abs() < 1e-9, "{:?}", s.eigenvalues);
    assert!(s.eigenvalues[1].abs() < 1e-9 && s.eigenvalues[2].abs() < 1e-9);
    assert_eq!(s.factor(1, 1.0), 0.0);
    for (k, m) in s.measured.iter().enumerate() {
        let a = s.fit_alphas[k];
        assert!((m[0] - 2.0 / (2.0 + a)).abs() < 1e-6, "α {a}: {}", m[0]);
        assert!(
            m[1].is_nan() && m[2].is_nan(),
            "no dot along a zero direction: {m:?}"
        );
    }
}

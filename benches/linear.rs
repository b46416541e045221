//! Logistic regression and elastic net on big data (issue #7): multinomial logistic on
//! 10,000 × 20 with 5 classes, elastic net on 100,000 × 50, and 5-fold cross-validation of both
//! (`analysis::cv::cross_validate`, folds in parallel). Default parameters (logistic α = 1,
//! i.e. C = 1, tol 1e-4, max_iter 100; elastic net α = 1, l1_ratio 0.5, tol 1e-4), data
//! already standardised-like (Gaussian), no scaling inside.
//!
//! Logistic regression stops as scikit-learn's lbfgs does (max |gradient| of the mean objective
//! ≤ tol, or f stalled: 12 iterations on this data on both sides); the elastic net runs linfa's
//! coordinate descent with scikit-learn's per-coordinate arithmetic (10 sweeps on both sides).
//!
//! Data (ChaCha8, seed 11): logistic: x Gaussian, class = argmax of x·W + Gumbel-like noise
//! (W 20 × 5 Gaussian); elastic net: x Gaussian with columns 1..5 correlated with column 0,
//! y = x·β + N(0, 1) with β_j = 1/(1+j) for j < 10, else 0.
//!
//! Run: `CARGO_BUILD_JOBS=1 cargo bench --bench linear`
//!
//! Same-run comparison with scikit-learn: `python3 scripts/bench_linear_sklearn.py`, which runs
//! this binary in two extra modes (no criterion):
//! - `RIDGELINE_LINEAR_DATA=DIR`: write `DIR/logistic.f64` and `DIR/enet.f64` (row-major
//!   little-endian f64, the target in the last column) and exit;
//! - `RIDGELINE_LINEAR_CASE=logistic|enet|logistic_cv|enet_cv RIDGELINE_LINEAR_REPEATS=N`: time
//!   N runs after one warm-up, print one time in ms per line.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use ndarray::{Array1, Array2, Axis, concatenate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use ridgeline::analysis::cv::cross_validate;
use ridgeline::data::Target;
use ridgeline::data::dataset::{BuildReport, Dataset};
use ridgeline::estimators::elastic_net::{ElasticNetParams, fit_elastic_net};
use ridgeline::estimators::logistic::{LogisticParams, fit_logistic};
use ridgeline::estimators::{ModelKind, ModelSpec};
use ridgeline::progress::Progress;

fn gaussian(rng: &mut ChaCha8Rng, r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((r, c), || StandardNormal.sample(rng))
}

fn logistic_data() -> (Array2<f64>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let x = gaussian(&mut rng, 10_000, 20);
    let w = gaussian(&mut rng, 20, 5) * 0.5;
    let scores = x.dot(&w) + gaussian(&mut rng, 10_000, 5);
    let y = scores
        .outer_iter()
        .map(|r| (0..5).max_by(|&a, &b| r[a].total_cmp(&r[b])).unwrap())
        .collect();
    (x, y)
}

fn enet_data() -> (Array2<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut x = gaussian(&mut rng, 100_000, 50);
    for mut row in x.rows_mut() {
        let x0 = row[0];
        for j in 1..5 {
            row[j] += 0.8 * x0;
        }
    }
    let beta = Array1::from_shape_fn(50, |j| if j < 10 { 1.0 / (1.0 + j as f64) } else { 0.0 });
    let noise = gaussian(&mut rng, 100_000, 1).column(0).to_owned();
    let y = x.dot(&beta) + noise;
    (x, y)
}

fn dataset(x: Array2<f64>, target: Target) -> Dataset {
    Dataset {
        name: "bench".into(),
        feature_names: (0..x.ncols()).map(|j| format!("x{j}")).collect(),
        target_name: "y".into(),
        source_rows: (0..x.nrows()).collect(),
        x,
        target,
        report: BuildReport::default(),
    }
}

fn logistic_spec() -> ModelSpec {
    ModelSpec {
        kind: ModelKind::Logistic,
        ..ModelSpec::default()
    }
}

fn enet_spec() -> ModelSpec {
    ModelSpec {
        kind: ModelKind::ElasticNet,
        ..ModelSpec::default()
    }
}

/// One run of a case.
fn runner(case: &str) -> Box<dyn Fn()> {
    match case {
        "logistic" => {
            let (x, y) = logistic_data();
            let y = Array1::from(y);
            Box::new(move || {
                let m = fit_logistic(
                    &LogisticParams::default(),
                    x.view(),
                    y.view(),
                    5,
                    &Progress::new(),
                );
                black_box(m.unwrap());
            })
        }
        "enet" => {
            let (x, y) = enet_data();
            Box::new(move || {
                let m = fit_elastic_net(
                    &ElasticNetParams::default(),
                    x.view(),
                    y.view(),
                    &Progress::new(),
                );
                black_box(m.unwrap());
            })
        }
        "logistic_cv" => {
            let (x, y) = logistic_data();
            let names = (0..5).map(|c| format!("c{c}")).collect();
            let ds = dataset(x, Target::Classes { y, names });
            Box::new(move || {
                black_box(
                    cross_validate(&ds, &logistic_spec(), 5, 0, false, &Progress::new()).unwrap(),
                );
            })
        }
        "enet_cv" => {
            let (x, y) = enet_data();
            let ds = dataset(x, Target::Values(y.to_vec()));
            Box::new(move || {
                black_box(
                    cross_validate(&ds, &enet_spec(), 5, 0, false, &Progress::new()).unwrap(),
                );
            })
        }
        other => panic!("unknown case {other}"),
    }
}

const CASES: [&str; 4] = ["logistic", "enet", "logistic_cv", "enet_cv"];

fn bench_linear(c: &mut Criterion) {
    let mut group = c.benchmark_group("linear");
    group.sample_size(10);
    for case in CASES {
        let run = runner(case);
        group.bench_function(case, |b| b.iter(&run));
    }
    group.finish();
}

criterion_group!(benches, bench_linear);

fn write(path: &str, x: &Array2<f64>, y: Array1<f64>) {
    let all = concatenate(Axis(1), &[x.view(), y.insert_axis(Axis(1)).view()]).unwrap();
    let bytes: Vec<u8> = all.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

fn main() {
    if let Ok(dir) = std::env::var("RIDGELINE_LINEAR_DATA") {
        std::fs::create_dir_all(&dir).unwrap();
        let (x, y) = logistic_data();
        write(
            &format!("{dir}/logistic.f64"),
            &x,
            y.iter().map(|&c| c as f64).collect(),
        );
        let (x, y) = enet_data();
        write(&format!("{dir}/enet.f64"), &x, y);
        return;
    }
    if let Ok(case) = std::env::var("RIDGELINE_LINEAR_CASE") {
        let repeats: usize = std::env::var("RIDGELINE_LINEAR_REPEATS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(5);
        let run = runner(&case);
        run();
        for _ in 0..repeats {
            let t = Instant::now();
            run();
            println!("{}", t.elapsed().as_secs_f64() * 1e3);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

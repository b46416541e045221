//! PCA at every shape of issue #7 (2 components, as the window's default): 710 × 200, 500, 1000,
//! 2000 and 5000, 2000 × 2000 and 100,000 × 50, each with the method `choose_solver` picks, and
//! linfa-reduction's `Pca` on the smallest for comparison.
//!
//! Data: ten Gaussian latent factors with decaying weights plus unit Gaussian noise (ChaCha8,
//! seed 7): `x = Z·diag(10, 9, …, 1)·W + E`, Z n × 10, W 10 × p, E n × p.
//!
//! Run: `CARGO_BUILD_JOBS=1 cargo bench --bench pca`
//!
//! Same-run comparison with scikit-learn: `python3 scripts/bench_pca_sklearn.py`, which runs
//! this binary in two extra modes (no criterion):
//! - `RIDGELINE_PCA_DATA=DIR`: write each shape's matrix to `DIR/NAME.f64` (row-major,
//!   little-endian f64: the exact numbers, no decimal round trip) and exit;
//! - `RIDGELINE_PCA_SHAPE=NAME RIDGELINE_PCA_REPEATS=N`: time N fits on that shape after one
//!   warm-up, print the method on the first line, then one time in ms per line.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use linfa::prelude::*;
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use ridgeline::estimators::pca::{PcaParams, fit_pca};
use ridgeline::progress::Progress;

/// The shapes of issue #7, named `NxP`.
const SHAPES: [(usize, usize); 7] = [
    (710, 200),
    (710, 500),
    (710, 1000),
    (710, 2000),
    (2000, 2000),
    (710, 5000),
    (100_000, 50),
];

fn name(n: usize, p: usize) -> String {
    format!("{n}x{p}")
}

/// Ten latent factors with weights 10, 9, …, 1, plus unit noise.
fn data(n: usize, p: usize) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut g = |r, c| -> Array2<f64> {
        Array2::from_shape_simple_fn((r, c), || StandardNormal.sample(&mut rng))
    };
    let mut z = g(n, 10);
    for (j, mut col) in z.columns_mut().into_iter().enumerate() {
        col *= 10.0 - j as f64;
    }
    let w = g(10, p);
    z.dot(&w) + g(n, p)
}

fn params() -> PcaParams {
    PcaParams::default()
}

fn bench_pca(c: &mut Criterion) {
    let mut group = c.benchmark_group("pca");
    group.sample_size(10);
    for (n, p) in SHAPES {
        let x = data(n, p);
        group.bench_function(name(n, p), |b| {
            b.iter(|| black_box(fit_pca(&params(), x.view(), &Progress::new()).unwrap()))
        });
    }
    // Baseline: linfa-reduction's LOBPCG PCA (the `linfa` engine) on the smallest wide shape.
    let x = data(710, 200);
    let ds = DatasetBase::from(x);
    group.bench_function("710x200_linfa_reduction", |b| {
        b.iter(|| linfa_reduction::Pca::params(2).fit(&ds).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_pca);

fn main() {
    if let Ok(dir) = std::env::var("RIDGELINE_PCA_DATA") {
        std::fs::create_dir_all(&dir).unwrap();
        for (n, p) in SHAPES {
            let x = data(n, p);
            let bytes: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
            std::fs::write(format!("{dir}/{}.f64", name(n, p)), bytes).unwrap();
        }
        return;
    }
    if let Ok(shape) = std::env::var("RIDGELINE_PCA_SHAPE") {
        let repeats: usize = std::env::var("RIDGELINE_PCA_REPEATS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(5);
        let (n, p) = SHAPES
            .into_iter()
            .find(|&(n, p)| name(n, p) == shape)
            .expect("RIDGELINE_PCA_SHAPE is one of the shapes");
        let x = data(n, p);
        let m = fit_pca(&params(), x.view(), &Progress::new()).unwrap();
        println!("{}", m.solver().name());
        for _ in 0..repeats {
            let t = Instant::now();
            black_box(fit_pca(&params(), x.view(), &Progress::new()).unwrap());
            println!("{}", t.elapsed().as_secs_f64() * 1e3);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

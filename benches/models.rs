//! Model benchmarks: logistic fit and decision grid, elastic net, PCA (ours vs linfa-reduction).
//!
//! Run: `cargo bench --bench models`

use criterion::{Criterion, criterion_group, criterion_main};
use linfa::prelude::*;
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use ridgeline::analysis::grid::{self, GridSpec};
use ridgeline::data::generate::{Generator, generate};
use ridgeline::estimators::elastic_net::{ElasticNetParams, fit_elastic_net};
use ridgeline::estimators::logistic::{LogisticParams, fit_logistic};
use ridgeline::estimators::pca::{PcaParams, fit_pca};
use ridgeline::progress::Progress;

/// 100,000 × 50 standard Gaussian data (seed 2024) where columns 1..5 are correlated with
/// column 0 (x_j += 0.8·x_0) and column 6 = column 7 + small noise.
pub fn gaussian_100k_x_50(seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::from_shape_simple_fn((100_000, 50), || StandardNormal.sample(&mut rng));
    for mut row in x.rows_mut() {
        let x0 = row[0];
        for j in 1..5 {
            row[j] += 0.8 * x0;
        }
        row[6] = row[7] + 0.1 * row[6];
    }
    x
}

fn moons() -> (Array2<f64>, Array1<usize>) {
    let g = generate(Generator::Moons, 1000, 0.2, 42);
    let y = g.y.iter().map(|v| *v as usize).collect();
    (g.x, y)
}

fn bench_logistic(c: &mut Criterion) {
    let (x, y) = moons();
    let p = LogisticParams::default();
    c.bench_function("logistic_fit_moons1000", |b| {
        b.iter(|| fit_logistic(&p, x.view(), y.view(), 2, &Progress::new()).unwrap())
    });
    let model = fit_logistic(&p, x.view(), y.view(), 2, &Progress::new()).unwrap();
    let xs = x.column(0).to_vec();
    let ys = x.column(1).to_vec();
    let spec = GridSpec::around(&xs, &ys, 0.1, 200, 200);
    let base = grid::column_means(x.view());
    c.bench_function("logistic_grid_200x200", |b| {
        b.iter(|| grid::evaluate(&spec, base.view(), 0, 1, |pts| model.predict_proba(pts)))
    });
}

fn bench_elastic_net(c: &mut Criterion) {
    let d = linfa_datasets::diabetes();
    let (x, y) = (d.records().to_owned(), d.targets().to_owned());
    let p = ElasticNetParams {
        alpha: 0.1,
        l1_ratio: 0.5,
        ..Default::default()
    };
    c.bench_function("elastic_net_diabetes", |b| {
        b.iter(|| fit_elastic_net(&p, x.view(), y.view(), &Progress::new()).unwrap())
    });
}

fn bench_pca(c: &mut Criterion) {
    let iris = linfa_datasets::iris();
    let xi = iris.records().to_owned();
    let p = PcaParams::default();
    c.bench_function("pca_iris", |b| {
        b.iter(|| fit_pca(&p, xi.view(), &Progress::new()).unwrap())
    });

    let x = gaussian_100k_x_50(2024);
    let mut group = c.benchmark_group("pca_100k_x_50");
    group.sample_size(20);
    group.bench_function("ridgeline", |b| {
        b.iter(|| fit_pca(&p, x.view(), &Progress::new()).unwrap())
    });
    // Baseline: linfa-reduction's LOBPCG PCA on the same data (its numbers are not used by the
    // app, see src/estimators/pca.rs).
    let ds = DatasetBase::from(x.clone());
    group.bench_function("linfa_reduction_baseline", |b| {
        b.iter(|| linfa_reduction::Pca::params(2).fit(&ds).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_logistic, bench_elastic_net, bench_pca);
criterion_main!(benches);

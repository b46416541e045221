//! The live loop of the boundary plot: one SVM update on 1,000 two-moons points (noise 0.2,
//! seed 0), RBF with C = 1, γ = 1, tol = 1e-3, plus its 200×200 decision grid.
//!
//! Run: `CARGO_TARGET_DIR=target cargo bench --bench live`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use ridgeline::analysis::grid::{self, GridSpec};
use ridgeline::data::generate::{Generator, generate};
use ridgeline::estimators::svm::{Gamma, Kernel, SvmParams, fit_svm, fit_svm_linfa};
use ridgeline::progress::Progress;

struct Moons {
    x: Array2<f64>,
    y: Array1<usize>,
    spec: GridSpec,
    base: Array1<f64>,
}

fn moons() -> Moons {
    let g = generate(Generator::Moons, 1000, 0.2, 0);
    let y: Array1<usize> = g.y.iter().map(|&v| v as usize).collect();
    let xs = g.x.column(0).to_vec();
    let ys = g.x.column(1).to_vec();
    let spec = GridSpec::around(&xs, &ys, 0.1, 200, 200);
    let base = grid::column_means(g.x.view());
    Moons {
        x: g.x,
        y,
        spec,
        base,
    }
}

fn params() -> SvmParams {
    SvmParams {
        c: 1.0,
        kernel: Kernel::Rbf,
        gamma: Gamma::Value(1.0),
        tol: 1e-3,
        ..SvmParams::default()
    }
}

fn live(c: &mut Criterion) {
    let d = moons();
    let p = params();
    let progress = Progress::new();
    let fit = |x: ArrayView2<f64>, y: ArrayView1<usize>| {
        fit_svm(&p, x, y, 2, &progress).expect("moons fit")
    };
    let model = fit(d.x.view(), d.y.view());
    eprintln!(
        "ridgeline: {} support vectors, {} iterations",
        model.n_support(),
        model.n_iter()
    );

    c.bench_function("svm_fit_moons1000", |b| {
        b.iter(|| fit(black_box(d.x.view()), d.y.view()))
    });
    c.bench_function("svm_grid_200x200", |b| {
        b.iter(|| {
            grid::evaluate(&d.spec, d.base.view(), 0, 1, |pts| {
                model.decision_function(pts)
            })
        })
    });
    c.bench_function("svm_update_fit_plus_grid", |b| {
        b.iter(|| {
            let m = fit(black_box(d.x.view()), d.y.view());
            grid::evaluate(&d.spec, d.base.view(), 0, 1, |pts| m.decision_function(pts))
        })
    });
    c.bench_function("svm_fit_moons1000_linfa_engine", |b| {
        b.iter(|| fit_svm_linfa(&p, black_box(d.x.view()), d.y.view(), 2, &progress).unwrap())
    });

    // Baseline: linfa as it comes (Gaussian eps = 1/γ = 1, default eps 1e-7), its own predict.
    let labels: Array1<bool> = d.y.iter().map(|&c| c == 1).collect();
    let linfa_fit = || {
        let ds = DatasetBase::new(d.x.view(), labels.view());
        Svm::<f64, bool>::params()
            .gaussian_kernel(1.0)
            .pos_neg_weights(1.0, 1.0)
            .fit(&ds)
            .expect("linfa fit")
    };
    let linfa_grid = |m: &Svm<f64, bool>| {
        grid::evaluate(&d.spec, d.base.view(), 0, 1, |pts| {
            let pred: Array1<bool> = m.predict(&pts);
            Array2::from_shape_fn((pred.len(), 1), |(i, _)| f64::from(u8::from(pred[i])))
        })
    };
    let lm = linfa_fit();
    eprintln!("linfa baseline: {lm}");
    c.bench_function("baseline_linfa_fit", |b| b.iter(linfa_fit));
    c.bench_function("baseline_linfa_grid", |b| b.iter(|| linfa_grid(&lm)));
    c.bench_function("baseline_linfa_fit_plus_grid", |b| {
        b.iter(|| {
            let m = linfa_fit();
            linfa_grid(&m)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = live
}
criterion_main!(benches);

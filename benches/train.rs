//! One epoch of SGD of the default network (`TrainParams::default()`: one hidden layer of 8
//! ReLU units, plain SGD, lr 0.03, batch 10) on two moons (noise 0.2, seed 0): 500 training
//! rows (Playground's size) and 10,000, each with a 20% test part scored after the epoch as
//! the Train view does. One epoch = shuffle, n/10 minibatch updates, full train and test loss.
//! Also the decision map of that network over a 100 × 100 grid, and one whole frame of the
//! Train view (what a playing run computes every 100 ms besides training).
//!
//! Run: `CARGO_TARGET_DIR=target cargo bench --bench train`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::{Array2, Axis};
use ridgeline::analysis::grid::GridSpec;
use ridgeline::data::generate::{Generator, generate};
use ridgeline::estimators::TargetView;
use ridgeline::progress::Progress;
use ridgeline::train::{TrainParams, Trainer};

fn trainer(n_train: usize) -> Trainer {
    let n_test = n_train / 4;
    let g = generate(Generator::Moons, n_train + n_test, 0.2, 0);
    let y: Vec<usize> = g.y.iter().map(|&v| v as usize).collect();
    let train: Vec<usize> = (0..n_train).collect();
    let test: Vec<usize> = (n_train..n_train + n_test).collect();
    let x_train: Array2<f64> = g.x.select(Axis(0), &train);
    let x_test: Array2<f64> = g.x.select(Axis(0), &test);
    Trainer::new(
        &TrainParams::default(),
        x_train.view(),
        TargetView::Classes {
            y: y[..n_train].into(),
            n_classes: 2,
        },
        x_test.view(),
        TargetView::Classes {
            y: y[n_train..].into(),
            n_classes: 2,
        },
    )
    .expect("valid data")
}

fn bench(c: &mut Criterion) {
    let progress = Progress::new();
    let mut group = c.benchmark_group("train_epoch");
    for n in [500, 10_000] {
        let mut t = trainer(n);
        group.bench_function(format!("default_mlp_{n}"), |b| {
            b.iter(|| black_box(t.run_epoch(&progress).expect("finite")))
        });
    }
    group.finish();

    // The decision map the view redraws: the default network over a 100 × 100 grid.
    let t = trainer(500);
    let spec = GridSpec::around(&[-1.5, 2.5], &[-1.0, 1.5], 0.0, 100, 100);
    let base = ndarray::array![0.0, 0.0];
    c.bench_function("decision_grid_100x100", |b| {
        b.iter(|| black_box(t.decision_grid(&spec, base.view(), 0, 1)))
    });

    // One frame of the Train view as a playing run hands it over (every 100 ms): the 80 × 80
    // decision map, its boundary, and every input's and unit's 24 × 24 map.
    let g = generate(Generator::Moons, 625, 0.2, 0);
    let ds = ridgeline::data::Dataset {
        name: "moons".into(),
        feature_names: vec!["x1".into(), "x2".into()],
        target_name: "class".into(),
        x: g.x.clone(),
        target: ridgeline::data::Target::Classes {
            y: g.y.iter().map(|&v| v as usize).collect(),
            names: vec!["0".into(), "1".into()],
        },
        source_rows: (0..625).collect(),
        report: Default::default(),
    };
    let split = ridgeline::data::prep::Split {
        train: (0..500).collect(),
        test: (500..625).collect(),
    };
    let input = ridgeline::train::frames::train_input(
        &ds,
        &split,
        ridgeline::analysis::live::FitOn::ShownPair,
        (0, 1),
    )
    .expect("valid data");
    c.bench_function("train_view_frame_500", |b| {
        b.iter(|| black_box(ridgeline::train::frames::frame(&t, &input, None)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The SVM at every shape of issue #7: RBF C-SVC (C = 1, γ = "scale", tol = 1e-3) on two moons
//! (noise 0.2, seed 0) with 1k / 5k / 10k / 20k / 60k rows, and wine quality as linfa-datasets
//! ships it (1,599 rows, its first two features, 6 classes: one-vs-one) at C = 10 and C = 200.
//! Every data set is z-scored once (population σ) beforehand.
//!
//! Run: `CARGO_BUILD_JOBS=1 cargo bench --bench svm` (criterion; the 20k and 60k rows take a
//! while: 10 samples each).
//!
//! Same-run comparison with scikit-learn: `python3 scripts/bench_svm_sklearn.py`, which runs
//! this binary in two extra modes (no criterion):
//! - `RIDGELINE_SVM_CSV_DIR=DIR`: write every case's standardised data (x1, x2, label) to
//!   `DIR/CASE.csv` with round-trip float formatting, and exit;
//! - `RIDGELINE_SVM_CASE=CASE RIDGELINE_SVM_REPEATS=N`: read `DIR/CASE.csv` back (so both
//!   sides fit exactly the same numbers), fit it N times after one warm-up fit, and print one
//!   time in ms per line (then one line `# n_support n_iter` for a look).

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use ndarray::{Array1, Array2};
use ridgeline::data::generate::{Generator, generate};
use ridgeline::data::prep::Standardizer;
use ridgeline::data::{Builtin, RealDataset, Roles, Target, build_dataset};
use ridgeline::estimators::svm::{Gamma, Kernel, SvmParams, fit_svm_smo};
use ridgeline::progress::Progress;

/// A case: its name, C, and the data.
struct Case {
    name: &'static str,
    c: f64,
    x: Array2<f64>,
    y: Array1<usize>,
    n_classes: usize,
}

const MOONS: [(&str, usize); 5] = [
    ("moons_1k", 1_000),
    ("moons_5k", 5_000),
    ("moons_10k", 10_000),
    ("moons_20k", 20_000),
    ("moons_60k", 60_000),
];
const WINE: [(&str, f64); 2] = [("wine_c10", 10.0), ("wine_c200", 200.0)];

fn standardised(x: &Array2<f64>) -> Array2<f64> {
    let rows: Vec<usize> = (0..x.nrows()).collect();
    Standardizer::fit(x.view(), &rows).transform(x.view())
}

fn case(name: &str) -> Case {
    if let Some(&(name, n)) = MOONS.iter().find(|(m, _)| *m == name) {
        let g = generate(Generator::Moons, n, 0.2, 0);
        return Case {
            name,
            c: 1.0,
            x: standardised(&g.x),
            y: g.y.iter().map(|&v| v as usize).collect(),
            n_classes: 2,
        };
    }
    let &(name, c) = WINE
        .iter()
        .find(|(w, _)| *w == name)
        .unwrap_or_else(|| panic!("unknown case {name}"));
    let ds = build_dataset(
        &Builtin::Real(RealDataset::WineQuality).load().unwrap(),
        &Roles::default(),
    )
    .unwrap();
    let Target::Classes { y, names } = &ds.target else {
        panic!("wine quality's target is classes")
    };
    let x2 = ds.x.slice(ndarray::s![.., 0..2]).to_owned();
    Case {
        name,
        c,
        x: standardised(&x2),
        y: Array1::from(y.clone()),
        n_classes: names.len(),
    }
}

fn params(c: f64) -> SvmParams {
    SvmParams {
        c,
        kernel: Kernel::Rbf,
        gamma: Gamma::Scale,
        tol: 1e-3,
        ..SvmParams::default()
    }
}

fn fit(case: &Case) -> ridgeline::estimators::svm::SvmModel {
    fit_svm_smo(
        &params(case.c),
        case.x.view(),
        case.y.view(),
        case.n_classes,
        &Progress::new(),
    )
    .expect("fit")
}

fn bench_svm(c: &mut Criterion) {
    let mut group = c.benchmark_group("svm_rbf");
    for name in MOONS.iter().map(|m| m.0).chain(WINE.iter().map(|w| w.0)) {
        let case = case(name);
        if case.x.nrows() >= 20_000 || case.c >= 200.0 {
            group.sample_size(10);
        } else {
            group.sample_size(20);
        }
        group.bench_function(case.name, |b| b.iter(|| black_box(fit(&case))));
    }
    group.finish();
}

fn write_csvs(dir: &str) {
    std::fs::create_dir_all(dir).unwrap();
    for name in MOONS.iter().map(|m| m.0).chain(WINE.iter().map(|w| w.0)) {
        let case = case(name);
        let path = format!("{dir}/{name}.csv");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(out, "x1,x2,label").unwrap();
        for (row, yi) in case.x.rows().into_iter().zip(&case.y) {
            // `{:?}` prints the shortest string that reads back to the same f64.
            writeln!(out, "{:?},{:?},{yi}", row[0], row[1]).unwrap();
        }
    }
}

/// The case as written to CSV, read back.
fn read_csv(dir: &str, name: &str) -> Case {
    let template = case(name);
    let text = std::fs::read_to_string(format!("{dir}/{name}.csv")).unwrap();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        xs.push(f[0].parse::<f64>().unwrap());
        xs.push(f[1].parse::<f64>().unwrap());
        ys.push(f[2].parse::<usize>().unwrap());
    }
    let n = ys.len();
    Case {
        x: Array2::from_shape_vec((n, 2), xs).unwrap(),
        y: Array1::from(ys),
        ..template
    }
}

fn raw_timings(dir: &str, name: &str, repeats: usize) {
    let case = read_csv(dir, name);
    let m = fit(&case); // warm-up (rayon's pool, allocator)
    for _ in 0..repeats {
        let t = Instant::now();
        black_box(fit(&case));
        println!("{}", t.elapsed().as_secs_f64() * 1e3);
    }
    println!("# {} {}", m.n_support(), m.n_iter());
}

criterion_group!(benches, bench_svm);

fn main() {
    let dir = std::env::var("RIDGELINE_SVM_CSV_DIR").ok();
    if let (Some(dir), Ok(name)) = (&dir, std::env::var("RIDGELINE_SVM_CASE")) {
        let n = std::env::var("RIDGELINE_SVM_REPEATS").map_or(1, |v| v.parse().unwrap());
        raw_timings(dir, &name, n);
        return;
    }
    if let Some(dir) = dir {
        write_csvs(&dir);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

//! The regularisation path: 100 α × 5-fold CV elastic net (l1_ratio 0.5, eps 1e-3, tol 1e-4,
//! max_iter 1000: scikit-learn's `ElasticNetCV` defaults) on diabetes as linfa-datasets ships it
//! (441 × 10; the published data has 442 rows).
//!
//! Run: `CARGO_BUILD_JOBS=1 cargo bench --bench path`
//!
//! Same-run comparison with scikit-learn: `python3 scripts/bench_path_sklearn.py`, which runs
//! this binary in two extra modes (no criterion):
//! - `RIDGELINE_PATH_CSV=FILE`: write the standardised data (z-scored once, population σ, the
//!   target last) with round-trip float formatting, and exit;
//! - `RIDGELINE_PATH_REPEATS=N`: time N calls of `regularization_path` on that same
//!   standardised data with `standardize: false` (scikit-learn gets the same pre-standardised
//!   matrix and does no scaling), after one warm-up call, and print one time in ms per line;
//!   with `RIDGELINE_PATH_SEQUENTIAL=1` as well, on one thread only (the caller being the only
//!   worker of a one-thread rayon pool).

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use ridgeline::analysis::path::{PathModel, PathRequest, regularization_path};
use ridgeline::data::prep::Standardizer;
use ridgeline::data::{Builtin, Dataset, RealDataset, Roles, Target, build_dataset};
use ridgeline::progress::Progress;

fn diabetes() -> Dataset {
    build_dataset(
        &Builtin::Real(RealDataset::Diabetes).load().unwrap(),
        &Roles::default(),
    )
    .unwrap()
}

/// Diabetes with its features z-scored once on all rows.
fn diabetes_standardised() -> Dataset {
    let mut ds = diabetes();
    let rows: Vec<usize> = (0..ds.n_rows()).collect();
    ds.x = Standardizer::fit(ds.x.view(), &rows).transform(ds.x.view());
    ds
}

/// scikit-learn's `ElasticNetCV(l1_ratio=0.5, n_alphas=100, cv=5)`.
fn request(standardize: bool) -> PathRequest {
    PathRequest {
        cv_folds: Some(5),
        standardize,
        ..PathRequest::new(PathModel::ElasticNet { l1_ratio: 0.5 })
    }
}

fn run(ds: &Dataset, rows: &[usize], req: &PathRequest) {
    let r = regularization_path(ds, rows, req, &Progress::new(), &mut |r| {
        black_box(r.coefs.len());
    })
    .unwrap();
    black_box(r);
}

fn bench_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("path_enet_diabetes_100a_5cv");
    let z = diabetes_standardised();
    let rows: Vec<usize> = (0..z.n_rows()).collect();
    let req = request(false);
    group.bench_function("prestandardised", |b| b.iter(|| run(&z, &rows, &req)));
    // What the app does: standardise on the rows and inside every fold.
    let raw = diabetes();
    let req = request(true);
    group.bench_function("standardize_per_fold", |b| {
        b.iter(|| run(&raw, &rows, &req))
    });
    group.finish();
}

fn write_csv(path: &str) {
    let ds = diabetes_standardised();
    let Target::Values(y) = &ds.target else {
        panic!("diabetes is a regression target")
    };
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let header: Vec<&str> = ds
        .feature_names
        .iter()
        .map(String::as_str)
        .chain([ds.target_name.as_str()])
        .collect();
    writeln!(out, "{}", header.join(",")).unwrap();
    for (row, yi) in ds.x.rows().into_iter().zip(y) {
        // `{:?}` prints the shortest string that reads back to the same f64.
        let cells: Vec<String> = row.iter().chain([yi]).map(|v| format!("{v:?}")).collect();
        writeln!(out, "{}", cells.join(",")).unwrap();
    }
}

fn raw_timings(repeats: usize) {
    let z = diabetes_standardised();
    let rows: Vec<usize> = (0..z.n_rows()).collect();
    let req = request(false);
    let timed = || {
        run(&z, &rows, &req); // warm-up (rayon's pool, caches)
        for _ in 0..repeats {
            let t = Instant::now();
            run(&z, &rows, &req);
            println!("{}", t.elapsed().as_secs_f64() * 1e3);
        }
    };
    if std::env::var_os("RIDGELINE_PATH_SEQUENTIAL").is_some() {
        // One thread in all: called from the only worker of a one-thread pool, the path runs
        // the folds on that same thread while it waits for them.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        pool.install(timed);
    } else {
        timed();
    }
}

criterion_group!(benches, bench_path);

fn main() {
    if let Ok(path) = std::env::var("RIDGELINE_PATH_CSV") {
        write_csv(&path);
        return;
    }
    if let Ok(n) = std::env::var("RIDGELINE_PATH_REPEATS") {
        raw_timings(n.parse().expect("RIDGELINE_PATH_REPEATS is a count"));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

//! CSV loading speed: a 1,000,000 × 10 numeric file (the size the brief compares with pandas)
//! and a 10,000 × 10 one.
//!
//! The files are generated once into `target/bench-data/` with seeded standard-normal values
//! written like numpy's `repr` (shortest round-trip digits, usually 16-17 significant digits;
//! exponent notation below 1e-4), as `pandas.DataFrame.to_csv(index=False)` writes them.
//! `RIDGELINE_BENCH_CSV=/path/file.csv` benchmarks that file instead of the 1M-row one;
//! `RIDGELINE_BEST_OF=5` also prints the best of 5 loads, as the pandas script does.
//!
//! Compare with pandas on the same file:
//! `python3 scripts/bench_pandas.py target/bench-data/normal_1000000x10.csv`.

use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use ridgeline::data::csv::{CsvOptions, read_csv_file};
use ridgeline::progress::Progress;

const NCOLS: usize = 10;

/// numpy's repr of a float64: shortest round-trip digits, scientific below 1e-4 or from 1e16.
fn numpy_repr(x: f64, out: &mut String) {
    use std::fmt::Write as _;
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        // Rust writes `1.5e-5`; numpy writes `1.5e-05`.
        let s = format!("{x:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
        let _ = write!(out, "{m}e{sign}{digits:0>2}");
    } else if x.fract() == 0.0 {
        let _ = write!(out, "{x:.1}");
    } else {
        let _ = write!(out, "{x}");
    }
}

fn bench_file(rows: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("normal_{rows}x{NCOLS}.csv"));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    let tmp = path.with_extension("csv.tmp");
    let mut w = BufWriter::new(std::fs::File::create(&tmp).expect("create bench file"));
    let header: Vec<String> = (0..NCOLS).map(|j| format!("f{j}")).collect();
    writeln!(w, "{}", header.join(",")).expect("write");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let mut line = String::new();
    for _ in 0..rows {
        line.clear();
        for j in 0..NCOLS {
            if j > 0 {
                line.push(',');
            }
            let x: f64 = StandardNormal.sample(&mut rng);
            numpy_repr(x, &mut line);
        }
        line.push('\n');
        w.write_all(line.as_bytes()).expect("write");
    }
    w.flush().expect("flush");
    drop(w);
    std::fs::rename(&tmp, &path).expect("rename bench file");
    path
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_csv");
    group.sample_size(10);

    let small = bench_file(10_000);
    group.bench_function("10k_rows_x10", |b| {
        b.iter(|| {
            let t = read_csv_file(&small, &CsvOptions::default(), &Progress::new()).expect("load");
            black_box(t.n_rows)
        })
    });

    let big = std::env::var_os("RIDGELINE_BENCH_CSV")
        .map_or_else(|| bench_file(1_000_000), PathBuf::from);
    let t = read_csv_file(&big, &CsvOptions::default(), &Progress::new()).expect("load");
    eprintln!(
        "{}: {} rows x {} columns, {} bytes",
        big.display(),
        t.n_rows,
        t.columns.len(),
        t.format.as_ref().map_or(0, |f| f.bytes)
    );
    drop(t);
    // Best of N, the statistic scripts/bench_pandas.py prints, for a like-for-like comparison.
    if let Some(n) = std::env::var("RIDGELINE_BEST_OF")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let best = (0..n.max(1))
            .map(|_| {
                let start = std::time::Instant::now();
                let t =
                    read_csv_file(&big, &CsvOptions::default(), &Progress::new()).expect("load");
                black_box(t.n_rows);
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        eprintln!("read_csv_file best of {n}: {best:.3} s");
    }
    group.bench_function("1m_rows_x10", |b| {
        b.iter(|| {
            let t = read_csv_file(&big, &CsvOptions::default(), &Progress::new()).expect("load");
            black_box(t.n_rows)
        })
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);

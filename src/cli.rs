//! The command line: the scripting face of the same engine the window uses.
//!
//! Every subcommand prints one JSON object (or a plain list) on stdout. Bad input exits with
//! code 2 and one readable line on stderr.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};

use crate::analysis::live::{self, FitOn, LiveRequest};
use crate::data::builtin::{Builtin, RealDataset};
use crate::data::dataset::{Roles, TaskChoice, build_dataset, resolve_column};
use crate::data::generate::Generator;
use crate::data::prep::{PrepSettings, split};
use crate::data::{Source, Table, Target, load_source};
use crate::estimators::svm::{Gamma, Kernel};
use crate::estimators::{Fitted, ModelKind, ModelSpec};
use crate::progress::Progress;

#[derive(Debug, Parser)]
#[command(
    name = "ridgeline",
    version,
    about = "A native desktop workbench for classical machine learning",
    long_about = "Run without a subcommand to open the workbench window; the subcommands work headless."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub gui: GuiArgs,
}

/// Options of the window.
#[derive(Debug, Args, Default)]
pub struct GuiArgs {
    /// Open the workbench on this CSV/TSV file.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "dataset")]
    pub data: Option<PathBuf>,
    /// Target column (name or 0-based index); default the last column.
    #[arg(long, value_name = "COL", requires = "data")]
    pub target: Option<String>,
    /// Open the workbench on a built-in dataset (see `ridgeline datasets`).
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Save a screenshot of the window to this PNG once the first results are drawn, then quit.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
    /// Which view to show first: model, scatter or table.
    #[arg(long, value_name = "VIEW", value_parser = ["model", "scatter", "data", "table"])]
    pub view: Option<String>,
    /// Which estimator to show: svm, logistic, elasticnet, lasso, ridge or pca.
    #[arg(long, value_name = "M", value_parser = ["svm", "logistic", "elasticnet", "lasso", "ridge", "pca"])]
    pub model: Option<String>,
    /// Fit on every feature instead of the two shown ones.
    #[arg(long)]
    pub all_features: bool,
    /// Start from default settings instead of the remembered session (nothing is forgotten).
    #[arg(long)]
    pub fresh: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the built-in datasets.
    Datasets,
    /// Show how the data was read: one JSON object.
    Inspect(DataArgs),
    /// Fit a model and print its parameters and metrics: one JSON object.
    Fit(Box<FitArgs>),
}

/// Which data to use: a built-in (`--dataset`) or a file (`--data`).
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// A built-in dataset (see `ridgeline datasets`).
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "data",
        required_unless_present = "data"
    )]
    pub dataset: Option<String>,
    /// A CSV/TSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// Target column: a header name or a 0-based index (default: the last column).
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Treat the target as classes or as a regression target (default: auto).
    #[arg(long, value_name = "TASK", value_parser = ["auto", "classification", "regression"], default_value = "auto")]
    pub task: String,
    /// Generated datasets: number of samples.
    #[arg(long, default_value_t = 300)]
    pub n: usize,
    /// Generated datasets: noise (default: the generator's own).
    #[arg(long)]
    pub noise: Option<f64>,
    /// Random seed: of generated datasets, and of the split and folds of `fit`.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl GuiArgs {
    /// Check what can be checked before a window opens, so mistakes end with one line on
    /// stderr. (A file is read by the window itself, which reports its problems.)
    pub fn check(&self) -> Result<(), CliError> {
        if let Some(name) = &self.dataset {
            Builtin::from_name(name, 300, None, 0).map_err(CliError)?;
        }
        Ok(())
    }
}

/// A failure to report on one line with exit code 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // One line, whatever the inner message holds.
        f.write_str(&self.0.replace('\n', " "))
    }
}

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

/// A table read for the command line, and how long it took.
pub struct Loaded {
    pub table: Table,
    pub load_ms: f64,
    pub roles: Roles,
}

impl DataArgs {
    pub fn source(&self) -> Result<Source, CliError> {
        match (&self.dataset, &self.data) {
            (Some(name), _) => Ok(Source::Builtin(
                Builtin::from_name(name, self.n, self.noise, self.seed).map_err(CliError)?,
            )),
            (None, Some(path)) => Ok(Source::File(path.clone())),
            (None, None) => Err(CliError("give --dataset NAME or --data FILE".into())),
        }
    }

    /// Read the data and resolve the target column.
    pub fn load(&self) -> Result<Loaded, CliError> {
        let source = self.source()?;
        let start = Instant::now();
        let table = load_source(&source, &Progress::new())?;
        let load_ms = start.elapsed().as_secs_f64() * 1e3;
        let target = match &self.target {
            Some(spec) => Some(resolve_column(&table, spec)?),
            None => None,
        };
        let task = match self.task.as_str() {
            "classification" => TaskChoice::Classification,
            "regression" => TaskChoice::Regression,
            _ => TaskChoice::Auto,
        };
        Ok(Loaded {
            table,
            load_ms,
            roles: Roles {
                target,
                task,
                ..Default::default()
            },
        })
    }
}

/// Run a subcommand, writing its output to `out`.
pub fn run(command: &Command, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    match command {
        Command::Datasets => {
            for r in RealDataset::ALL {
                writeln!(out, "{:<12} {}", r.name(), r.description())?;
            }
            for g in Generator::ALL {
                writeln!(
                    out,
                    "{:<12} generated: {} (--n, --noise, --seed)",
                    g.name(),
                    g.description()
                )?;
            }
        }
        Command::Inspect(args) => {
            let loaded = args.load()?;
            let v = inspect_json(&loaded)?;
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        Command::Fit(args) => {
            let v = fit_json(args)?;
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
    }
    Ok(())
}

fn inspect_json(loaded: &Loaded) -> Result<Value, CliError> {
    let ds = build_dataset(&loaded.table, &loaded.roles)?;
    let classes: Value = match &ds.target {
        Target::Classes { names, .. } => json!(names),
        Target::Values(_) => Value::Null,
    };
    let excluded: Vec<Value> = ds
        .report
        .excluded_columns
        .iter()
        .map(|(name, reason)| json!({ "name": name, "reason": reason }))
        .collect();
    let mut v = json!({
        "name": loaded.table.name,
        "n_rows": ds.n_rows(),
        "n_features": ds.n_features(),
        "features": ds.feature_names,
        "target": ds.target_name,
        "task": ds.target.task().name(),
        "classes": classes,
        "dropped_rows": ds.report.dropped_rows,
        "excluded_columns": excluded,
        "notes": loaded.table.notes,
        "load_ms": (loaded.load_ms * 1000.0).round() / 1000.0,
    });
    if let Some(f) = &loaded.table.format {
        v["format"] = json!({
            "delimiter": f.delimiter.to_string(),
            "has_header": f.has_header,
            "had_bom": f.had_bom,
            "bytes": f.bytes,
        });
    }
    Ok(v)
}

/// `ridgeline fit`: the model and its parameters.
#[derive(Debug, Args, Clone)]
pub struct FitArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// svm | logistic | elasticnet | lasso | ridge | pca
    #[arg(long, value_parser = ["svm", "logistic", "elasticnet", "lasso", "ridge", "pca"])]
    pub model: String,
    /// SVM: C; logistic: C = 1/alpha.
    #[arg(long)]
    pub c: Option<f64>,
    /// SVM kernel: linear | rbf | poly.
    #[arg(long, value_parser = ["linear", "rbf", "poly"], default_value = "rbf")]
    pub kernel: String,
    /// SVM kernel coefficient: a number or `scale` (1/(p·Var X)).
    #[arg(long, default_value = "scale")]
    pub gamma: String,
    /// SVM polynomial degree.
    #[arg(long, default_value_t = 3)]
    pub degree: u32,
    /// SVM polynomial constant.
    #[arg(long, default_value_t = 0.0)]
    pub coef0: f64,
    /// Solver tolerance (default: the model's own).
    #[arg(long)]
    pub tol: Option<f64>,
    /// Logistic / elastic-net penalty strength.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Elastic net: share of L1 in the penalty.
    #[arg(long)]
    pub l1_ratio: Option<f64>,
    /// Most solver iterations (default: the model's own).
    #[arg(long)]
    pub max_iter: Option<u64>,
    /// PCA: number of components.
    #[arg(long, default_value_t = 2)]
    pub components: usize,
    /// PCA: scale the projection to unit variance.
    #[arg(long)]
    pub whiten: bool,
    /// k-fold cross-validation (shuffled with --seed, stratified for classes).
    #[arg(long, value_name = "K")]
    pub cv: Option<usize>,
    /// Hold out this share of rows (seeded, shuffled, stratified) and report test metrics.
    #[arg(long, value_name = "F")]
    pub test_size: Option<f64>,
    /// Fit on the raw features instead of z-scores.
    #[arg(long)]
    pub no_standardize: bool,
}

impl FitArgs {
    /// The estimator and its parameters, in scikit-learn's names, checked.
    pub fn spec(&self) -> Result<ModelSpec, CliError> {
        let mut spec = ModelSpec::default();
        match self.model.as_str() {
            "svm" => {
                spec.kind = ModelKind::Svm;
                let p = &mut spec.svm;
                if let Some(c) = self.c {
                    p.c = c;
                }
                p.kernel = match self.kernel.as_str() {
                    "linear" => Kernel::Linear,
                    "poly" => Kernel::Poly,
                    _ => Kernel::Rbf,
                };
                p.gamma = match self.gamma.as_str() {
                    "scale" => Gamma::Scale,
                    g => Gamma::Value(g.parse().map_err(|_| {
                        CliError(format!("--gamma must be a number or 'scale', got '{g}'"))
                    })?),
                };
                p.degree = self.degree;
                p.coef0 = self.coef0;
                if let Some(t) = self.tol {
                    p.tol = t;
                }
            }
            "logistic" => {
                spec.kind = ModelKind::Logistic;
                let p = &mut spec.logistic;
                match (self.alpha, self.c) {
                    (Some(_), Some(_)) => {
                        return Err(CliError(
                            "give --alpha or --c (C = 1/alpha), not both".into(),
                        ));
                    }
                    (Some(a), None) => p.alpha = a,
                    (None, Some(c)) => {
                        if !(c.is_finite() && c > 0.0) {
                            return Err(CliError(format!(
                                "--c must be a finite number > 0, got {c}"
                            )));
                        }
                        p.alpha = 1.0 / c;
                    }
                    (None, None) => {}
                }
                if let Some(m) = self.max_iter {
                    p.max_iter = m;
                }
                if let Some(t) = self.tol {
                    p.tol = t;
                }
            }
            "elasticnet" | "lasso" | "ridge" => {
                spec.kind = ModelKind::ElasticNet;
                let p = &mut spec.elastic_net;
                if let Some(a) = self.alpha {
                    p.alpha = a;
                }
                p.l1_ratio = match (self.model.as_str(), self.l1_ratio) {
                    ("lasso", None) => 1.0,
                    ("ridge", None) => 0.0,
                    ("elasticnet", Some(r)) => r,
                    ("elasticnet", None) => p.l1_ratio,
                    (m, Some(_)) => {
                        return Err(CliError(format!("--l1-ratio is fixed for --model {m}")));
                    }
                    _ => unreachable!("value_parser limits --model"),
                };
                if let Some(m) = self.max_iter {
                    p.max_iter = u32::try_from(m).unwrap_or(u32::MAX);
                }
                if let Some(t) = self.tol {
                    p.tol = t;
                }
            }
            _ => {
                spec.kind = ModelKind::Pca;
                spec.pca.n_components = self.components;
                spec.pca.whiten = self.whiten;
            }
        }
        spec.validate()?;
        Ok(spec)
    }
}

fn fit_json(args: &FitArgs) -> Result<Value, CliError> {
    let spec = args.spec()?;
    if let Some(f) = args.test_size
        && !(f.is_finite() && (0.0..=0.9).contains(&f))
    {
        return Err(CliError(format!(
            "--test-size must be in [0, 0.9], got {f}"
        )));
    }
    let loaded = args.data.load()?;
    let ds = build_dataset(&loaded.table, &loaded.roles)?;
    let prep = PrepSettings {
        test_fraction: args.test_size.unwrap_or(0.0),
        seed: args.data.seed,
        stratify: true,
        standardize: !args.no_standardize,
    };
    let split = split(&ds.target, &prep);
    let request = LiveRequest {
        spec: spec.clone(),
        fit_on: FitOn::AllFeatures,
        axes: (0, 0),
        grid_size: 0,
        standardize: prep.standardize,
        max_svm_rows: None,
    };
    let progress = Progress::new();
    let result = live::run(&ds, &split, &request, &progress)?;
    let mut v = json!({
        "model": args.model,
        "n_samples": split.train.len(),
        "n_features": ds.n_features(),
        "features": ds.feature_names,
        "load_ms": round3(loaded.load_ms),
        "fit_ms": round3(result.fit_ms),
        "standardized": prep.standardize,
    });
    if let Target::Classes { names, .. } = &ds.target {
        v["classes"] = json!(names);
    }
    match &result.fitted {
        Fitted::Svm(m) => {
            v["n_support"] = json!(m.n_support());
            v["n_iter"] = json!(m.n_iter());
            v["gamma"] = json!(m.gamma());
        }
        Fitted::Logistic(m) => {
            v["coef"] = json!(
                m.coef()
                    .outer_iter()
                    .map(|r| r.to_vec())
                    .collect::<Vec<_>>()
            );
            v["intercept"] = json!(m.intercept().to_vec());
            // linfa 0.8.1 does not report L-BFGS iterations; say whether it converged instead.
            v["converged"] = json!(m.converged());
            v["grad_norm"] = json!(m.grad_norm());
        }
        Fitted::ElasticNet(m) => {
            v["coef"] = json!(m.coef().to_vec());
            v["intercept"] = json!(m.intercept());
            v["n_iter"] = json!(m.n_iter());
            v["n_nonzero"] = json!(m.n_nonzero());
        }
        Fitted::Pca(m) => {
            v["components"] = json!(
                m.components()
                    .outer_iter()
                    .map(|r| r.to_vec())
                    .collect::<Vec<_>>()
            );
            v["explained_variance"] = json!(m.explained_variance().to_vec());
            v["explained_variance_ratio"] = json!(m.explained_variance_ratio().to_vec());
            v["singular_values"] = json!(m.singular_values().to_vec());
            v["mean"] = json!(m.mean().to_vec());
        }
    }
    let put = |v: &mut Value, prefix: &str, s: &live::Scores| {
        for (key, value) in [
            ("accuracy", s.accuracy),
            ("log_loss", s.log_loss),
            ("r2", s.r2),
            ("mse", s.mse),
        ] {
            if let Some(x) = value {
                v[format!("{prefix}{key}")] = json!(x);
            }
        }
    };
    put(&mut v, "", &result.train);
    if let Some(test) = &result.test {
        put(&mut v, "test_", test);
        v["n_test"] = json!(test.n);
    }
    if let Some(k) = args.cv {
        let cv = crate::analysis::cv::cross_validate(
            &ds,
            &spec,
            k,
            args.data.seed,
            prep.standardize,
            &progress,
        )?;
        v["cv"] = json!(cv);
    }
    Ok(v)
}

fn round3(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

//! The command line: the scripting face of the same engine the window uses.
//!
//! Every subcommand prints one JSON object (or a plain list) on stdout. Bad input exits with
//! code 2 and one readable line on stderr.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::analysis::curves::{self, Param};
use crate::analysis::folds::{Bands, CvSettings};
use crate::analysis::live::{self, FitOn, LiveRequest};
use crate::data::builtin::{Builtin, RealDataset};
use crate::data::dataset::{
    Dataset, Purpose, Roles, Task, TaskChoice, build_dataset, build_dataset_for, resolve_column,
};
use crate::data::generate::Generator;
use crate::data::prep::{PrepSettings, split};
use crate::data::{Source, Table, Target, load_source};
use crate::estimators::pca::PcaEngine;
use crate::estimators::svm::{Gamma, Kernel, SvmEngine};
use crate::estimators::{ModelKind, ModelSpec};
use crate::progress::Progress;
use crate::state::Session;
use crate::state::settings::{MAX_CV_FOLDS, ModelSettings, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "ridgeline",
    version,
    about = "A native desktop workbench for classical machine learning",
    long_about = "Run without a subcommand to open the workbench window; the subcommands work headless.",
    args_conflicts_with_subcommands = true
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
    /// Open the workbench on this CSV/TSV file (as `--data FILE.csv`; what a file manager's
    /// "Open with" passes).
    #[arg(value_name = "FILE.csv", conflicts_with_all = ["dataset", "data"])]
    pub file: Option<PathBuf>,
    /// Open the workbench on this CSV/TSV file.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "dataset")]
    pub data: Option<PathBuf>,
    /// Target column (name or 0-based index); default the last column.
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Open the workbench on a built-in dataset (see `ridgeline datasets`).
    #[arg(long, value_name = "NAME")]
    pub dataset: Option<String>,
    /// Save a screenshot of the window to this PNG once the first results are drawn, then quit.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
    /// Which view to show first.
    #[arg(long, value_name = "VIEW", value_enum)]
    pub view: Option<ViewArg>,
    /// The window's size in points, e.g. 1920x1080 (default 1280x800, or as it was left).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<WindowSize>,
    /// Which estimator to show.
    #[arg(long, value_name = "M", value_enum)]
    pub model: Option<ModelArg>,
    /// Treat the target as classes or as a regression target (default: auto).
    #[arg(long, value_name = "TASK", value_enum)]
    pub task: Option<TaskArg>,
    /// Which curve the Curves view shows.
    #[arg(long, value_name = "CURVE", value_enum)]
    pub curve: Option<CurveArg>,
    /// Fit on every feature instead of the two shown ones.
    #[arg(long)]
    pub all_features: bool,
    /// Start from default settings instead of the remembered session (nothing is forgotten).
    #[arg(long)]
    pub fresh: bool,
    /// Start training at once (the Train view's Play).
    #[arg(long)]
    pub play: bool,
    /// Close the window after this many seconds, as its close button would (for the test
    /// that closing always ends the process, whatever is computing).
    #[arg(long, value_name = "SECS", hide = true)]
    pub quit_after: Option<f64>,
}

/// The views `--view` can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    Model,
    Loss,
    Path,
    Curves,
    Train,
    #[value(alias = "data")]
    Scatter,
    Table,
}

impl ViewArg {
    pub fn tab(self) -> crate::state::Tab {
        match self {
            ViewArg::Model => crate::state::Tab::Model,
            ViewArg::Loss => crate::state::Tab::Loss,
            ViewArg::Path => crate::state::Tab::Path,
            ViewArg::Curves => crate::state::Tab::Curves,
            ViewArg::Train => crate::state::Tab::Train,
            ViewArg::Scatter => crate::state::Tab::Scatter,
            ViewArg::Table => crate::state::Tab::Table,
        }
    }
}

/// `--curve`: the curves of the Curves view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CurveArg {
    Validation,
    Learning,
    BiasVariance,
    Compare,
    Shrinkage,
}

impl From<CurveArg> for crate::state::settings::CurveKind {
    fn from(c: CurveArg) -> Self {
        use crate::state::settings::CurveKind;
        match c {
            CurveArg::Validation => CurveKind::Validation,
            CurveArg::Learning => CurveKind::Learning,
            CurveArg::BiasVariance => CurveKind::BiasVariance,
            CurveArg::Compare => CurveKind::Compare,
            CurveArg::Shrinkage => CurveKind::Shrinkage,
        }
    }
}

/// The models of `--model`: lasso and ridge are the elastic net with l1_ratio 1 and 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Svm,
    Logistic,
    Elasticnet,
    Lasso,
    Ridge,
    Pca,
}

impl ModelArg {
    /// The name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ModelArg::Svm => "svm",
            ModelArg::Logistic => "logistic",
            ModelArg::Elasticnet => "elasticnet",
            ModelArg::Lasso => "lasso",
            ModelArg::Ridge => "ridge",
            ModelArg::Pca => "pca",
        }
    }
}

/// `--kernel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KernelArg {
    Linear,
    Rbf,
    Poly,
}

impl From<KernelArg> for Kernel {
    fn from(k: KernelArg) -> Self {
        match k {
            KernelArg::Linear => Kernel::Linear,
            KernelArg::Rbf => Kernel::Rbf,
            KernelArg::Poly => Kernel::Poly,
        }
    }
}

/// `--task`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TaskArg {
    #[default]
    Auto,
    Classification,
    Regression,
}

impl From<TaskArg> for TaskChoice {
    fn from(t: TaskArg) -> Self {
        match t {
            TaskArg::Auto => TaskChoice::Auto,
            TaskArg::Classification => TaskChoice::Classification,
            TaskArg::Regression => TaskChoice::Regression,
        }
    }
}

/// `--gamma`: a number > 0 or `scale`.
fn parse_gamma(s: &str) -> Result<Gamma, String> {
    if s == "scale" {
        return Ok(Gamma::Scale);
    }
    s.parse::<f64>()
        .map(Gamma::Value)
        .map_err(|_| format!("must be a number or 'scale', got '{s}'"))
}

/// `--time-limit SECS`: a finite number of seconds > 0.
fn parse_time_limit(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("must be a number of seconds, got '{s}'"))?;
    if !(secs.is_finite() && secs > 0.0) {
        return Err(format!("must be a finite number of seconds > 0, got {s}"));
    }
    std::time::Duration::try_from_secs_f64(secs).map_err(|e| format!("{e}: {s}"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the built-in datasets.
    Datasets,
    /// Show how the data was read: one JSON object.
    Inspect(DataArgs),
    /// Fit a model and print its parameters and metrics: one JSON object.
    Fit(Box<FitArgs>),
    /// Regularisation path (and k-fold CV along it): one JSON object or a CSV table.
    Path(Box<PathArgs>),
    /// A validation or learning curve by k-fold cross-validation: one JSON object (or CSV).
    Curve(Box<CurveArgs>),
    /// Train by stochastic gradient descent (logistic regression, linear SVM, MLP), epoch by
    /// epoch: one JSON object with the loss per epoch (or `--format csv`: the per-epoch table).
    Train(Box<TrainArgs>),
}

/// Which data to use: a built-in (`--dataset`) or a file (`--data`).
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// A built-in dataset (see `ridgeline datasets`) or a CSV/TSV file: the same as
    /// `--dataset NAME` or `--data FILE` (an existing file wins over a built-in's name).
    #[arg(value_name = "DATA", conflicts_with_all = ["dataset", "data"])]
    pub input: Option<String>,
    /// A built-in dataset (see `ridgeline datasets`).
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "data",
        required_unless_present_any = ["data", "input"]
    )]
    pub dataset: Option<String>,
    /// A CSV/TSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// Target column: a header name or a 0-based index (default: the last column).
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Treat the target as classes or as a regression target (default: auto).
    #[arg(long, value_name = "TASK", value_enum, default_value_t = TaskArg::Auto)]
    pub task: TaskArg,
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
        if self.target.is_some() && self.data.is_none() && self.file.is_none() {
            return Err(CliError(
                "--target names a column of a file: give --data FILE.csv (or the file itself)"
                    .into(),
            ));
        }
        if let Some(name) = &self.dataset {
            Builtin::from_name(name, 300, None, 0).map_err(CliError)?;
        }
        Ok(())
    }
}

/// `--size WxH`: a window size in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowSize(pub f32, pub f32);

fn parse_size(text: &str) -> Result<WindowSize, String> {
    let (w, h) = text
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("'{text}' is not WIDTHxHEIGHT (e.g. 1920x1080)"))?;
    let side = |v: &str| -> Result<f32, String> {
        match v.trim().parse::<u32>() {
            Ok(n) if (200..=16_384).contains(&n) => Ok(n as f32),
            _ => Err(format!(
                "'{text}': each side must be a whole number of points from 200 to 16384"
            )),
        }
    };
    Ok(WindowSize(side(w)?, side(h)?))
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
        if let Some(input) = &self.input {
            let path = PathBuf::from(input);
            return if path.is_file() {
                Ok(Source::File(path))
            } else if Builtin::names().contains(&input.as_str()) {
                Ok(Source::Builtin(
                    Builtin::from_name(input, self.n, self.noise, self.seed).map_err(CliError)?,
                ))
            } else {
                Err(CliError(format!(
                    "DATA '{input}' is neither a file nor a built-in dataset ({})",
                    Builtin::names().join(", ")
                )))
            };
        }
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
        let task = self.task.into();
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
        Command::Path(args) => path_out(args, out)?,
        Command::Curve(args) => {
            let v = curve_json(args)?;
            match args.format {
                FormatArg::Json => writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?,
                FormatArg::Csv => write!(out, "{}", curve_csv(&v))?,
            }
        }
        Command::Train(args) => train_out(args, out)?,
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
#[command(
    mut_arg("model", |a| a.required(false).required_unless_present("session")),
    mut_arg("dataset", |a| a.required_unless_present_any(["data", "session"]))
)]
pub struct FitArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub params: ModelArgs,
    /// k-fold cross-validation (shuffled with --seed, stratified for classes).
    #[arg(long, value_name = "K")]
    pub cv: Option<usize>,
    /// Hold out this share of rows (seeded, shuffled, stratified) and report test metrics.
    #[arg(long, value_name = "F")]
    pub test_size: Option<f64>,
    /// Fit on the raw features instead of z-scores.
    #[arg(long)]
    pub no_standardize: bool,
    /// Also save what this fit used (the data source, a hash of the data, every setting) as a
    /// session file, once the fit has succeeded.
    #[arg(long, value_name = "FILE")]
    pub save_session: Option<PathBuf>,
    /// Wall-clock budget of the SVM fit (and, again, of its cross-validation), in seconds: a
    /// fit still running then stops and is reported with `"converged": false`.
    #[arg(
        long,
        value_name = "SECS",
        value_parser = parse_time_limit,
        default_value = "60"
    )]
    pub time_limit: std::time::Duration,
    /// Fit as a saved session says: its data (checked against the saved hash) and settings.
    /// Takes no data or model flags; `--cv K` may be added.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = [
            "dataset", "data", "target", "task", "n", "noise", "seed", "model", "c", "kernel",
            "gamma", "degree", "coef0", "tol", "alpha", "l1_ratio", "max_iter", "components",
            "whiten", "test_size", "no_standardize", "save_session", "engine", "cache_mb",
        ]
    )]
    pub session: Option<PathBuf>,
}

/// The model and its parameters, shared by `fit` and `curve`.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// The model (required; an option only for `fit --session`, which takes the session's).
    #[arg(long, value_enum, required = true)]
    pub model: Option<ModelArg>,
    /// SVM: C; logistic: C = 1/alpha.
    #[arg(long)]
    pub c: Option<f64>,
    /// SVM kernel.
    #[arg(long, value_enum, default_value_t = KernelArg::Rbf)]
    pub kernel: KernelArg,
    /// SVM kernel coefficient: a number or `scale` (1/(p·Var X)).
    #[arg(long, value_parser = parse_gamma, default_value = "scale")]
    pub gamma: Gamma,
    /// SVM polynomial degree.
    #[arg(long, default_value_t = 3)]
    pub degree: u32,
    /// SVM polynomial constant.
    #[arg(long, default_value_t = 0.0)]
    pub coef0: f64,
    /// SVM (smo engine): the kernel cache's memory budget, in MB.
    #[arg(long, value_name = "N", default_value_t = crate::estimators::svm::DEFAULT_CACHE_MB)]
    pub cache_mb: u32,
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
    /// Who fits the model; one flag for every model, checked per model. SVM: `smo` (default;
    /// Ridgeline's port of libsvm's SMO, with shrinking and a kernel cache of --cache-mb) or
    /// `linfa` (linfa-svm's own estimator: the whole kernel matrix, at most 10,000 rows). PCA:
    /// `ridgeline` (default; faer, the method chosen by shape) or `linfa`
    /// (linfa-reduction's Pca).
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<String>,
}

impl ModelArgs {
    /// `--model` (clap requires it wherever there is no session).
    pub fn model(&self) -> Result<ModelArg, CliError> {
        self.model
            .ok_or_else(|| CliError("give --model M (or --session FILE)".into()))
    }

    /// The estimator and its parameters, in scikit-learn's names, checked.
    pub fn spec(&self) -> Result<ModelSpec, CliError> {
        let mut spec = ModelSpec::default();
        let model = self.model()?;
        match model {
            ModelArg::Svm => {
                spec.kind = ModelKind::Svm;
                let p = &mut spec.svm;
                if let Some(c) = self.c {
                    p.c = c;
                }
                p.kernel = self.kernel.into();
                p.gamma = self.gamma;
                p.degree = self.degree;
                p.coef0 = self.coef0;
                if let Some(e) = &self.engine {
                    p.engine = match e.as_str() {
                        "smo" => SvmEngine::Smo,
                        "linfa" => SvmEngine::Linfa,
                        _ => {
                            return Err(CliError(format!(
                                "--engine for --model svm is smo or linfa, got {e:?}"
                            )));
                        }
                    };
                }
                p.cache_mb = self.cache_mb;
                if let Some(t) = self.tol {
                    p.tol = t;
                }
            }
            ModelArg::Logistic | ModelArg::Elasticnet | ModelArg::Lasso | ModelArg::Ridge
                if self.engine.is_some() =>
            {
                return Err(CliError(format!(
                    "--engine does not apply to --model {}",
                    model.name()
                )));
            }
            ModelArg::Logistic => {
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
                                "--c must be a finite number > 0, got {}",
                                crate::error::Num(c)
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
            ModelArg::Elasticnet | ModelArg::Lasso | ModelArg::Ridge => {
                spec.kind = ModelKind::ElasticNet;
                let p = &mut spec.elastic_net;
                if let Some(a) = self.alpha {
                    p.alpha = a;
                }
                p.l1_ratio = match (model.l1_ratio(), self.l1_ratio) {
                    (Some(fixed), None) => fixed,
                    (None, Some(r)) => r,
                    (None, None) => p.l1_ratio,
                    (Some(_), Some(_)) => {
                        return Err(CliError(format!(
                            "--l1-ratio is fixed for --model {}",
                            model.name()
                        )));
                    }
                };
                if let Some(m) = self.max_iter {
                    p.max_iter = u32::try_from(m).unwrap_or(u32::MAX);
                }
                if let Some(t) = self.tol {
                    p.tol = t;
                }
            }
            ModelArg::Pca => {
                spec.kind = ModelKind::Pca;
                spec.pca.n_components = self.components;
                spec.pca.whiten = self.whiten;
                if let Some(e) = &self.engine {
                    spec.pca.engine = PcaEngine::ALL
                        .into_iter()
                        .find(|x| x.name() == e)
                        .ok_or_else(|| {
                            CliError(format!(
                                "--engine for --model pca is ridgeline or linfa, got {e:?}"
                            ))
                        })?;
                }
            }
        }
        spec.validate()?;
        Ok(spec)
    }
}

/// The dataset a model is fitted on: PCA does not learn the target, so any target will do.
fn dataset_for(loaded: &Loaded, kind: ModelKind) -> Result<Dataset, CliError> {
    let purpose = match kind.needs() {
        Some(_) => Purpose::Supervised,
        None => Purpose::Unsupervised,
    };
    let ds = build_dataset_for(&loaded.table, &loaded.roles, purpose)?;
    // The estimators say what target they need; the command line says how to choose it.
    if let Err(e) = crate::estimators::check_target(kind, ds.target.task()) {
        let hint = match kind.needs() {
            Some(Task::Regression) => {
                "choose a numeric column with --target COL, or give --task regression if this \
                 one holds numbers"
            }
            _ => {
                "choose a column of class labels with --target COL, or give --task \
                 classification if this one holds classes"
            }
        };
        return Err(CliError(format!("{e}: {hint}")));
    }
    Ok(ds)
}

/// The rows and columns left out of the dataset, as `inspect` reports them.
fn report_json(v: &mut Value, ds: &Dataset, table: &Table) {
    v["dropped_rows"] = json!(ds.report.dropped_rows);
    v["excluded_columns"] = json!(
        ds.report
            .excluded_columns
            .iter()
            .map(|(name, reason)| json!({ "name": name, "reason": reason }))
            .collect::<Vec<_>>()
    );
    v["notes"] = json!(table.notes);
}

/// A held-out part that leaves no test row (or one, where R² needs two) is a mistake to say,
/// not a silent fit without test metrics. `what` names where the share came from
/// (`--test-size`, or a session's test share).
fn check_test_rows(
    what: &str,
    test_size: f64,
    ds: &Dataset,
    kind: ModelKind,
    split: &crate::data::prep::Split,
) -> Result<(), CliError> {
    let f = crate::error::Num(test_size);
    if test_size <= 0.0 {
        return Ok(());
    }
    // The split holds out round(f · size) rows of each stratum (a class, or every row for a
    // regression), keeping at least one in training.
    let strata: Vec<usize> = match &ds.target {
        Target::Classes { y, names } => (0..names.len())
            .map(|c| y.iter().filter(|&&k| k == c).count())
            .collect(),
        Target::Values(v) => vec![v.len()],
    };
    let largest = strata.iter().copied().max().unwrap_or(0);
    let by_class = if strata.len() > 1 {
        ", held out within each class"
    } else {
        ""
    };
    if split.test.is_empty() {
        return Err(CliError(if largest < 2 {
            format!(
                "{what} {f} leaves no test row: every class has a single row{by_class}, \
                 which training needs"
            )
        } else {
            format!(
                "{what} {f} leaves no test row ({} rows{by_class}): use at least {}",
                ds.n_rows(),
                round_up(0.5 / largest as f64)
            )
        }));
    }
    if split.test.len() == 1 && matches!(ds.target, Target::Values(_)) && kind.needs().is_some() {
        return Err(CliError(format!(
            "{what} {f} leaves 1 test row, and R² is not defined on one row: use at \
             least {}",
            round_up(1.5 / ds.n_rows() as f64)
        )));
    }
    Ok(())
}

/// `x` rounded up to 3 significant digits (a fraction to suggest that is surely enough).
fn round_up(x: f64) -> f64 {
    let scale = 10f64.powi(2 - x.log10().floor() as i32);
    (x * scale).ceil() / scale
}

/// The key path of the first number that is not finite in `v` (serde_json writes NaN and ±∞
/// as `null`; `fit` has no other nulls).
fn first_null(v: &Value, path: &str) -> Option<String> {
    match v {
        Value::Null => Some(path.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| first_null(x, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            first_null(
                x,
                &if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                },
            )
        }),
        _ => None,
    }
}

fn fit_json(args: &FitArgs) -> Result<Value, CliError> {
    let (v, session) = match &args.session {
        Some(path) => (session_fit(path, args.cv, args.time_limit)?, None),
        None => {
            let (settings, loaded) = fit_settings(args)?;
            let v = fit_values(
                &settings,
                &loaded,
                args.params.model()?.name(),
                args.cv,
                args.time_limit,
                "--test-size",
            )?;
            let session = args
                .save_session
                .as_ref()
                .map(|path| (path, Session::capture(&settings, &loaded.table)));
            (v, session)
        }
    };
    // Never print a number that is not one.
    if let Some(at) = first_null(&v, "") {
        return Err(CliError(format!(
            "the fit gave a value that is not a finite number ({at}): the data's magnitudes are \
             out of the model's range; standardise the features or rescale the data"
        )));
    }
    // Saved once the fit has succeeded: a session is a record of a fit that worked.
    if let Some((path, session)) = session {
        session.save(path)?;
    }
    Ok(v)
}

/// The settings `fit`'s flags stand for, as the window holds them (what `--save-session`
/// saves), and the data read.
fn fit_settings(args: &FitArgs) -> Result<(Settings, Loaded), CliError> {
    let spec = args.params.spec()?;
    let test_fraction = check_test_size(args.test_size)?;
    let source = args.data.source()?;
    let loaded = args.data.load()?;
    let settings = Settings {
        source,
        roles: loaded.roles.clone(),
        prep: PrepSettings {
            test_fraction,
            seed: args.data.seed,
            stratify: true,
            standardize: !args.no_standardize,
        },
        model: ModelSettings {
            spec,
            fit_on: FitOn::AllFeatures,
            cv_folds: args
                .cv
                .filter(|k| (2..=MAX_CV_FOLDS).contains(k))
                .unwrap_or(ModelSettings::default().cv_folds),
            pinned: None,
        },
        ..Settings::default()
    };
    Ok((settings, loaded))
}

/// `fit --session FILE`: the session's data, checked against its hash, fitted with its
/// settings.
fn session_fit(
    path: &std::path::Path,
    cv: Option<usize>,
    time_limit: std::time::Duration,
) -> Result<Value, CliError> {
    let session = Session::open(path)?;
    let settings = session.to_settings();
    let prep = &settings.prep;
    if !(prep.test_fraction.is_finite() && (0.0..=0.9).contains(&prep.test_fraction)) {
        return Err(CliError(format!(
            "session file {}: the test share must be in [0, 0.9], got {}",
            path.display(),
            crate::error::Num(prep.test_fraction)
        )));
    }
    settings
        .model
        .spec
        .validate()
        .map_err(|e| CliError(format!("session file {}: {e}", path.display())))?;
    let start = Instant::now();
    let table = session.read_data(&Progress::new())?;
    let load_ms = start.elapsed().as_secs_f64() * 1e3;
    session.check_data(&table)?;
    let loaded = Loaded {
        table,
        load_ms,
        roles: settings.roles.clone(),
    };
    let name = model_name(&settings.model.spec);
    fit_values(
        &settings,
        &loaded,
        name,
        cv,
        time_limit,
        "the session's test share",
    )
}

/// The command-line name of a model: an elastic net with l1_ratio 1 or 0 is `lasso` or
/// `ridge`, as `--model lasso|ridge` makes it.
fn model_name(spec: &ModelSpec) -> &'static str {
    match spec.kind {
        ModelKind::Svm => ModelArg::Svm.name(),
        ModelKind::Logistic => ModelArg::Logistic.name(),
        ModelKind::ElasticNet => match spec.elastic_net.l1_ratio {
            1.0 => ModelArg::Lasso.name(),
            0.0 => ModelArg::Ridge.name(),
            _ => ModelArg::Elasticnet.name(),
        },
        ModelKind::Pca => ModelArg::Pca.name(),
    }
}

/// Keep only the features at `axes` (the window's "fit on the shown pair").
fn shown_pair(mut ds: Dataset, axes: (usize, usize)) -> Dataset {
    let keep: Vec<usize> = if axes.0 == axes.1 {
        vec![axes.0]
    } else {
        vec![axes.0, axes.1]
    };
    ds.x = ds.x.select(ndarray::Axis(1), &keep);
    ds.feature_names = keep.iter().map(|&j| ds.feature_names[j].clone()).collect();
    ds
}

/// Fit as `settings` say on the data read (`fit` from flags or from a session alike) and
/// report it. `name` is the model's name in the output; `test_what` names where the test
/// share came from, for messages. An SVM fit still running after `time_limit` stops where it
/// is, unconverged; so does one of its CV folds after another `time_limit`.
fn fit_values(
    settings: &Settings,
    loaded: &Loaded,
    name: &str,
    cv: Option<usize>,
    time_limit: std::time::Duration,
    test_what: &str,
) -> Result<Value, CliError> {
    let spec = &settings.model.spec;
    let prep = settings.prep.clone();
    let mut ds = dataset_for(loaded, spec.kind)?;
    let split = split(&ds.target, &prep);
    check_test_rows(test_what, prep.test_fraction, &ds, spec.kind, &split)?;
    // As in the window: a regression's coefficients are about every feature.
    if settings.model.fit_on == FitOn::ShownPair && spec.kind != ModelKind::ElasticNet {
        let view = &settings.view;
        let axes = crate::state::results::feature_axes(
            &ds.feature_names,
            view.x_feature.as_deref(),
            view.y_feature.as_deref(),
        );
        ds = shown_pair(ds, axes);
    }
    let request = LiveRequest {
        spec: spec.clone(),
        fit_on: FitOn::AllFeatures,
        axes: (0, 0),
        grid_size: 0,
        standardize: prep.standardize,
        max_svm_rows: None,
    };
    let result = live::run(
        &ds,
        &split,
        &request,
        &Progress::with_time_limit(time_limit),
    )?;
    let mut v = json!({
        "model": name,
        "n_samples": split.train.len(),
        "n_features": ds.n_features(),
        "features": ds.feature_names,
        "load_ms": round3(loaded.load_ms),
        "fit_ms": round3(result.fit_ms),
        "standardized": prep.standardize,
    });
    report_json(&mut v, &ds, &loaded.table);
    if let Target::Classes { names, .. } = &ds.target {
        v["classes"] = json!(names);
    }
    if let Value::Object(model) = crate::analysis::report::fitted_json(&result.fitted) {
        for (key, value) in model {
            v[key] = value;
        }
    }
    if let crate::estimators::Fitted::Svm(m) = &result.fitted {
        v["engine"] = json!(m.engine().name());
        v["n_support_per_class"] = json!(m.n_support_per_class());
        // Per binary sub-model, when the engine says (linfa's Display text may not). The KKT
        // gap is left out: it is pinned down only to below tol, so it varies with the last
        // bits of the data, which the command line's output is not expected to do.
        if m.dual_objective().iter().all(|g| g.is_finite()) {
            v["dual_objective"] = json!(m.dual_objective());
        }
    }
    crate::analysis::report::put_scores(&mut v, "", &result.train);
    if let Some(test) = &result.test {
        crate::analysis::report::put_scores(&mut v, "test_", test);
        v["n_test"] = json!(test.n);
    }
    if let Some(k) = cv {
        let start = Instant::now();
        let cv = crate::analysis::cv::cross_validate(
            &ds,
            spec,
            k,
            prep.seed,
            prep.standardize,
            &Progress::with_time_limit(time_limit),
        )?;
        v["cv_ms"] = json!(round3(start.elapsed().as_secs_f64() * 1e3));
        v["cv"] = json!(cv);
    }
    Ok(v)
}

/// `--format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    #[default]
    Json,
    /// A header and one row per α, value or size.
    Csv,
}

/// The models that have a regularisation path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PathModelArg {
    Elasticnet,
    Lasso,
    Ridge,
    Logistic,
}

/// `ridgeline path`: coefficients along a grid of α, and the CV error along it.
#[derive(Debug, Args, Clone)]
pub struct PathArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The model.
    #[arg(long, value_enum)]
    pub model: PathModelArg,
    /// Elastic net: share of L1 in the penalty (lasso 1, ridge 0).
    #[arg(long)]
    pub l1_ratio: Option<f64>,
    /// Number of α of the automatic grid.
    #[arg(long, default_value_t = 100)]
    pub n_alphas: usize,
    /// Smallest α of the automatic grid, as a share of α_max.
    #[arg(long, default_value_t = 1e-3, conflicts_with = "alphas")]
    pub eps: f64,
    /// The α values instead of the automatic grid (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "A1,A2,…")]
    pub alphas: Option<Vec<f64>>,
    /// k-fold cross-validation along the path (shuffled with --seed, stratified for classes).
    #[arg(long, value_name = "K")]
    pub cv: Option<usize>,
    /// Most solver iterations per α.
    #[arg(long, default_value_t = 1000)]
    pub max_iter: u64,
    /// Solver tolerance.
    #[arg(long, default_value_t = 1e-4)]
    pub tol: f64,
    /// Hold out this share of rows (seeded, stratified): the path uses the rest.
    #[arg(long, value_name = "F")]
    pub test_size: Option<f64>,
    /// Fit on the raw features instead of z-scores.
    #[arg(long)]
    pub no_standardize: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub format: FormatArg,
    /// Wall-clock budget of the whole path, in seconds: the path stops at the α it has
    /// reached and says so (`complete: false`, and a note).
    #[arg(
        long,
        value_name = "SECS",
        value_parser = parse_time_limit,
        default_value = "60"
    )]
    pub time_limit: std::time::Duration,
}

/// Read the data, build the dataset and split it as `fit` and `path` do: seeded, stratified,
/// `test_fraction` held out.
fn load_and_split(
    data: &DataArgs,
    test_fraction: f64,
    no_standardize: bool,
    kind: ModelKind,
) -> Result<
    (
        Loaded,
        crate::data::Dataset,
        PrepSettings,
        crate::data::prep::Split,
    ),
    CliError,
> {
    let loaded = data.load()?;
    let ds = dataset_for(&loaded, kind)?;
    let prep = PrepSettings {
        test_fraction,
        seed: data.seed,
        stratify: true,
        standardize: !no_standardize,
    };
    let split = split(&ds.target, &prep);
    Ok((loaded, ds, prep, split))
}

fn check_test_size(test_size: Option<f64>) -> Result<f64, CliError> {
    match test_size {
        Some(f) if !(f.is_finite() && (0.0..=0.9).contains(&f)) => Err(CliError(format!(
            "--test-size must be in [0, 0.9], got {}",
            crate::error::Num(f)
        ))),
        f => Ok(f.unwrap_or(0.0)),
    }
}

fn path_out(args: &PathArgs, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    use crate::analysis::path::{AlphaGrid, PathModel, PathRequest, regularization_path};
    let model = match (args.model, args.l1_ratio) {
        (PathModelArg::Elasticnet, r) => PathModel::ElasticNet {
            l1_ratio: r.unwrap_or(0.5),
        },
        (PathModelArg::Lasso, None) => PathModel::lasso(),
        (PathModelArg::Ridge, None) => PathModel::ridge(),
        (PathModelArg::Logistic, None) => PathModel::Logistic,
        (m, Some(_)) => {
            return Err(CliError(format!(
                "--l1-ratio is fixed for --model {}",
                format!("{m:?}").to_lowercase()
            )));
        }
    };
    let test_fraction = check_test_size(args.test_size)?;
    let request = PathRequest {
        model,
        grid: match &args.alphas {
            Some(a) => AlphaGrid::Given(a.clone()),
            None => AlphaGrid::Auto {
                n_alphas: args.n_alphas,
                eps: args.eps,
            },
        },
        cv_folds: args.cv,
        seed: args.data.seed,
        standardize: !args.no_standardize,
        max_iter: args.max_iter,
        tol: args.tol,
    };
    request.validate()?;
    let kind = match model {
        PathModel::ElasticNet { .. } => ModelKind::ElasticNet,
        PathModel::Logistic => ModelKind::Logistic,
    };
    let (loaded, ds, _, split) =
        load_and_split(&args.data, test_fraction, args.no_standardize, kind)?;
    if let Some(k) = args.cv
        && k > split.train.len()
    {
        return Err(CliError(format!(
            "--cv {k} needs at least {k} rows, got {}",
            split.train.len()
        )));
    }
    // The path checks for cancellation between α (and inside each fit); a watchdog cancels it
    // when the time limit has passed, and what was computed by then is the answer.
    let progress = std::sync::Arc::new(Progress::new());
    {
        let progress = std::sync::Arc::clone(&progress);
        let limit = args.time_limit;
        std::thread::spawn(move || {
            std::thread::sleep(limit);
            progress.cancel();
        });
    }
    let mut partial: Option<crate::analysis::path::PathResult> = None;
    let (r, complete) =
        match regularization_path(&ds, &split.train, &request, &progress, &mut |p| {
            partial = Some(p.clone())
        }) {
            Ok(r) => (r, true),
            Err(crate::error::Error::Cancelled) => match partial.take() {
                Some(p) if !p.alphas.is_empty() => (p, false),
                _ => {
                    return Err(CliError(format!(
                        "the time limit ({} s) was reached before the first α of the path",
                        crate::error::Num(args.time_limit.as_secs_f64())
                    )));
                }
            },
            Err(e) => return Err(e.into()),
        };
    let notes: Vec<String> = if complete {
        Vec::new()
    } else {
        let limit = crate::error::Num(args.time_limit.as_secs_f64());
        // A partial path has the whole grid in `alphas` and the first k α's results.
        let done = format!("{} of {} α on the path", r.coefs.len(), r.alphas.len());
        vec![match &r.cv {
            Some(cv) => format!(
                "the time limit ({limit} s) was reached: {done}, {} of {} cross-validation \
                 folds done (the CV error is over those)",
                cv.folds_done, cv.n_folds
            ),
            None => format!("the time limit ({limit} s) was reached: {done}"),
        }]
    };
    if !complete && matches!(args.format, FormatArg::Csv) {
        eprintln!("warning: {}", notes[0]);
    }
    match args.format {
        FormatArg::Json => {
            let mut v = json!({
                "model": r.model,
                "n_samples": split.train.len(),
                "features": r.features,
                "outputs": r.outputs,
                "alphas": r.alphas,
                "coefs": r.coefs,
                "intercepts": r.intercepts,
                "n_nonzero": r.n_nonzero,
                "converged": r.converged,
                "complete": complete,
                "notes": notes,
                "load_ms": round3(loaded.load_ms),
                "path_ms": round3(r.path_ms),
            });
            if let Some(l1) = r.l1_ratio {
                v["l1_ratio"] = json!(l1);
            }
            if let Some(cv) = &r.cv {
                v["cv_metric"] = json!(cv.metric);
                v["cv_folds"] = json!(cv.n_folds);
                v["cv_mean"] = json!(cv.mean);
                v["cv_lo"] = json!(cv.lo);
                v["cv_hi"] = json!(cv.hi);
                v["alpha_best"] = json!(cv.alpha_best);
                v["alpha_1se"] = json!(cv.alpha_1se);
                v["cv_ms"] = json!(round3(r.cv_ms));
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        FormatArg::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec!["alpha".to_string(), "n_nonzero".to_string()];
            for o in &r.outputs {
                for f in &r.features {
                    header.push(if r.outputs.len() > 1 {
                        format!("{o}:{f}")
                    } else {
                        f.clone()
                    });
                }
            }
            if r.cv.is_some() {
                header.extend(["cv_mean", "cv_lo", "cv_hi"].map(String::from));
            }
            w.write_record(&header)?;
            // Only the α computed (all of them unless the time limit stopped the path).
            for (i, alpha) in r
                .alphas
                .iter()
                .enumerate()
                .take(r.coefs.len().min(r.n_nonzero.len()))
            {
                let mut row = vec![alpha.to_string(), r.n_nonzero[i].to_string()];
                row.extend(r.coefs[i].iter().map(|c| c.to_string()));
                if let Some(cv) = &r.cv {
                    for v in [&cv.mean, &cv.lo, &cv.hi] {
                        row.push(v.get(i).map_or(String::new(), |x| x.to_string()));
                    }
                }
                w.write_record(&row)?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

fn round3(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// `--kind` of `curve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CurveKind {
    /// Scores against one parameter's values.
    Validation,
    /// Scores against the training-set size.
    Learning,
}

/// `--param` takes the analysis layer's own names (`c`, `gamma`, `alpha`, `l1-ratio`,
/// `degree`, `n-components`).
impl ValueEnum for Param {
    fn value_variants<'a>() -> &'a [Self] {
        &Param::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// `ridgeline curve`.
#[derive(Debug, Args, Clone)]
pub struct CurveArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub params: ModelArgs,
    /// Which curve.
    #[arg(long, value_enum)]
    pub kind: CurveKind,
    /// Validation curve: the parameter to sweep.
    #[arg(long, value_enum, value_name = "NAME")]
    pub param: Option<Param>,
    /// Validation curve: its values (default: a grid for the parameter).
    #[arg(
        long,
        value_name = "V1,V2,…",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub values: Option<Vec<f64>>,
    /// Learning curve: training-set sizes as fractions in (0, 1] of each fold's training part
    /// (default: 8 steps from 0.1 to 1).
    #[arg(
        long,
        value_name = "F1,F2,…",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub sizes: Option<Vec<f64>>,
    /// Number of folds (shuffled with --seed, stratified for classes).
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub cv: usize,
    /// Fit on the raw features instead of z-scores.
    #[arg(long)]
    pub no_standardize: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub format: FormatArg,
    /// Wall-clock budget of the whole curve, in seconds: SVM fits still running then stop
    /// unconverged, and `notes` says so.
    #[arg(
        long,
        value_name = "SECS",
        value_parser = parse_time_limit,
        default_value = "60"
    )]
    pub time_limit: std::time::Duration,
}

fn curve_json(args: &CurveArgs) -> Result<Value, CliError> {
    let spec = args.params.spec()?;
    match args.kind {
        CurveKind::Validation => {
            if args.sizes.is_some() {
                return Err(CliError(
                    "--sizes is for --kind learning; a validation curve takes --values".into(),
                ));
            }
            let param = args.param.ok_or_else(|| {
                CliError("--kind validation needs --param NAME (and --values V1,V2,…)".into())
            })?;
            param.check(&spec)?;
        }
        CurveKind::Learning => {
            if args.param.is_some() || args.values.is_some() {
                return Err(CliError(
                    "--param and --values are for --kind validation; a learning curve takes \
                     --sizes"
                        .into(),
                ));
            }
        }
    }
    let loaded = args.data.load()?;
    let ds = dataset_for(&loaded, spec.kind)?;
    let settings = CvSettings {
        folds: args.cv,
        seed: args.data.seed,
        standardize: !args.no_standardize,
    };
    let progress = Progress::with_time_limit(args.time_limit);
    let start = Instant::now();
    let mut v = json!({
        "model": args.params.model()?.name(),
        "n_samples": ds.n_rows(),
        "n_features": ds.n_features(),
        "load_ms": round3(loaded.load_ms),
        "folds": args.cv,
        "seed": args.data.seed,
        "standardized": settings.standardize,
    });
    let (bands, metric, error_metric, mut notes) = match args.kind {
        CurveKind::Validation => {
            let param = args.param.unwrap_or(Param::C);
            let values = match &args.values {
                Some(values) => values.clone(),
                None => param.default_values(ds.n_features()),
            };
            let c = curves::validation_curve(
                &ds,
                &spec,
                param,
                &values,
                &settings,
                &progress,
                &mut |_| {},
            )?;
            v["kind"] = json!("validation");
            v["param"] = json!(param.name());
            v["values"] = json!(c.values);
            (c.bands, c.metric, c.error_metric, c.notes)
        }
        CurveKind::Learning => {
            let fractions = match &args.sizes {
                Some(f) => f.clone(),
                None => curves::default_fractions(),
            };
            let c =
                curves::learning_curve(&ds, &spec, &fractions, &settings, &progress, &mut |_| {})?;
            v["kind"] = json!("learning");
            v["sizes"] = json!(c.sizes);
            v["fractions"] = json!(c.fractions);
            v["n_train"] = json!(c.n_train);
            (c.bands, c.metric, c.error_metric, c.notes)
        }
    };
    let Bands {
        train,
        cv,
        train_error,
        cv_error,
    } = bands;
    v["metric"] = json!(metric);
    v["train_mean"] = json!(train.mean);
    v["train_lo"] = json!(train.lo);
    v["train_hi"] = json!(train.hi);
    v["cv_mean"] = json!(cv.mean);
    v["cv_lo"] = json!(cv.lo);
    v["cv_hi"] = json!(cv.hi);
    v["train_folds"] = json!(train.folds);
    v["cv_folds"] = json!(cv.folds);
    v["error_metric"] = json!(error_metric);
    v["train_error_mean"] = json!(train_error.mean);
    v["cv_error_mean"] = json!(cv_error.mean);
    if spec.kind == ModelKind::Svm && progress.out_of_time() {
        notes.push(format!(
            "the time limit ({} s) was reached: SVM fits still running then stopped unconverged",
            args.time_limit.as_secs_f64()
        ));
    }
    v["notes"] = json!(notes);
    v["curve_ms"] = json!(round3(start.elapsed().as_secs_f64() * 1e3));
    Ok(v)
}

/// The curve of [`curve_json`] as CSV: a header, then one row per value (or size). Numbers
/// that are not (a failed fit) are empty fields.
fn curve_csv(v: &Value) -> String {
    let columns: &[&str] = if v["kind"] == "learning" {
        &["sizes", "fractions"]
    } else {
        &["values"]
    };
    let series = [
        "train_mean",
        "train_lo",
        "train_hi",
        "cv_mean",
        "cv_lo",
        "cv_hi",
        "train_error_mean",
        "cv_error_mean",
    ];
    let mut header: Vec<&str> = columns
        .iter()
        .map(|c| match *c {
            "sizes" => "size",
            "fractions" => "fraction",
            _ => "value",
        })
        .collect();
    header.extend(series);
    header.push("metric");
    let mut text = header.join(",");
    text.push('\n');
    let n = v[columns[0]].as_array().map_or(0, Vec::len);
    let cell = |x: &Value| match x {
        Value::Number(x) => x.to_string(),
        _ => String::new(),
    };
    for i in 0..n {
        let mut row: Vec<String> = columns.iter().map(|c| cell(&v[c][i])).collect();
        row.extend(series.iter().map(|s| cell(&v[s][i])));
        row.push(v["metric"].as_str().unwrap_or_default().to_string());
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}

/// `--model` of `train`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TrainModelArg {
    Mlp,
    /// Logistic regression by SGD (least squares on a numeric target).
    Logistic,
    /// A linear SVM by SGD on the hinge loss (one-vs-rest for more than two classes).
    LinearSvm,
}

/// `--activation` of `train`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ActivationArg {
    Relu,
    LeakyRelu,
    Prelu,
    Abs,
    Tanh,
    Sigmoid,
}

/// `--optimizer` of `train`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerArg {
    Sgd,
    Momentum,
    Adam,
}

/// `ridgeline train`: SGD epoch by epoch.
#[derive(Debug, Args, Clone)]
#[command(mut_arg("dataset", |a| a.required_unless_present_any(["data", "input"])))]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The model.
    #[arg(long, value_enum, default_value_t = TrainModelArg::Mlp)]
    pub model: TrainModelArg,
    /// MLP hidden layer sizes, comma-separated (1-4 layers of 1-32 units).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "N1,N2,…",
        default_value = "8"
    )]
    pub hidden: Vec<usize>,
    /// Hidden units' activation (MLP).
    #[arg(long, value_enum, default_value_t = ActivationArg::Relu)]
    pub activation: ActivationArg,
    /// The update rule (default sgd; momentum when --momentum is given).
    #[arg(long, value_enum)]
    pub optimizer: Option<OptimizerArg>,
    /// Learning rate.
    #[arg(long, default_value_t = 0.03)]
    pub lr: f64,
    /// Momentum μ in [0, 1) (implies --optimizer momentum; default 0.9 with it).
    #[arg(long)]
    pub momentum: Option<f64>,
    /// Minibatch size.
    #[arg(long, default_value_t = 10)]
    pub batch: usize,
    /// Number of epochs.
    #[arg(long, default_value_t = 100)]
    pub epochs: usize,
    /// L2 penalty λ₂ (λ₂/2 Σw² added to the mean loss; biases not penalised).
    #[arg(long, default_value_t = 0.0)]
    pub l2: f64,
    /// L1 penalty λ₁ (λ₁ Σ|w| added to the mean loss, by a proximal step).
    #[arg(long, default_value_t = 0.0)]
    pub l1: f64,
    /// Inputs computed from 2-column data: x1,x2,x1^2,x2^2,x1x2,sin(x1),sin(x2)
    /// (default x1,x2; other data uses its columns).
    #[arg(long, value_name = "F1,F2,…")]
    pub features: Option<String>,
    /// Hold out this share of rows (seeded with --seed, stratified) for the test loss.
    #[arg(long, value_name = "F", default_value_t = 0.2)]
    pub test_size: f64,
    /// Wall-clock budget of the training, in seconds: it stops after the epoch running then
    /// (at least one epoch is run), reported with `"completed": false`.
    #[arg(
        long,
        value_name = "SECS",
        value_parser = parse_time_limit,
        default_value = "60"
    )]
    pub time_limit: std::time::Duration,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub format: FormatArg,
}

impl TrainArgs {
    /// The training parameters the flags stand for (`--seed` seeds the data, the split and
    /// the training alike).
    pub fn params(&self) -> Result<crate::train::TrainParams, CliError> {
        use crate::train::{Activation, FeatureSet, Optimizer, TrainModel, TrainParams};
        let defaults = TrainParams::default();
        let optimizer = match (self.optimizer, self.momentum) {
            (Some(OptimizerArg::Sgd | OptimizerArg::Adam), Some(_)) => {
                return Err(CliError(
                    "--momentum is for --optimizer momentum (leave --optimizer out, or set it to momentum)"
                        .into(),
                ));
            }
            (Some(OptimizerArg::Sgd), None) | (None, None) => Optimizer::Sgd,
            (Some(OptimizerArg::Momentum), _) | (None, Some(_)) => Optimizer::Momentum,
            (Some(OptimizerArg::Adam), None) => Optimizer::Adam,
        };
        let features = match &self.features {
            Some(s) => FeatureSet::parse(s).map_err(|e| CliError(format!("--features: {e}")))?,
            None => FeatureSet::default(),
        };
        let p = TrainParams {
            model: match self.model {
                TrainModelArg::Mlp => TrainModel::Mlp,
                TrainModelArg::Logistic => TrainModel::Logistic,
                TrainModelArg::LinearSvm => TrainModel::LinearSvm,
            },
            hidden: self.hidden.clone(),
            activation: match self.activation {
                ActivationArg::Relu => Activation::Relu,
                ActivationArg::LeakyRelu => Activation::LeakyRelu,
                ActivationArg::Prelu => Activation::Prelu,
                ActivationArg::Abs => Activation::Abs,
                ActivationArg::Tanh => Activation::Tanh,
                ActivationArg::Sigmoid => Activation::Sigmoid,
            },
            optimizer,
            lr: self.lr,
            momentum: self.momentum.unwrap_or(defaults.momentum),
            batch_size: self.batch,
            epochs: self.epochs,
            l2: self.l2,
            l1: self.l1,
            features,
            seed: self.data.seed,
        };
        p.validate()?;
        Ok(p)
    }
}

/// The data `train` runs on, and the trained run.
struct TrainRun {
    trainer: crate::train::Trainer,
    input_names: Vec<String>,
    completed: bool,
    train_ms: f64,
    load_ms: f64,
}

fn train_run(args: &TrainArgs) -> Result<TrainRun, CliError> {
    use crate::train::{TrainModel, Trainer};
    let params = args.params()?;
    let test_fraction = check_test_size(Some(args.test_size))?;
    let loaded = args.data.load()?;
    let ds = build_dataset_for(&loaded.table, &loaded.roles, Purpose::Supervised)?;
    if params.model == TrainModel::LinearSvm && ds.target.task() == Task::Regression {
        return Err(CliError(
            "a linear SVM needs class labels, not a numeric target: choose a column of class \
             labels with --target COL, or give --task classification if this one holds classes"
                .into(),
        ));
    }
    if args.features.is_some() && ds.n_features() != 2 {
        return Err(CliError(format!(
            "--features computes inputs from 2 feature columns; this data has {} (its columns \
             are the inputs)",
            ds.n_features()
        )));
    }
    let prep = PrepSettings {
        test_fraction,
        seed: args.data.seed,
        stratify: true,
        standardize: true,
    };
    let sp = split(&ds.target, &prep);
    check_test_rows("--test-size", test_fraction, &ds, ModelKind::Svm, &sp)?;
    let mut trainer = Trainer::for_dataset(&params, &ds, &sp)?;
    let input_names = if ds.n_features() == 2 {
        params
            .features
            .names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        ds.feature_names.clone()
    };
    let start = Instant::now();
    let completed = trainer.run(&Progress::with_time_limit(args.time_limit))?;
    let train_ms = start.elapsed().as_secs_f64() * 1e3;
    Ok(TrainRun {
        trainer,
        input_names,
        completed,
        train_ms,
        load_ms: loaded.load_ms,
    })
}

fn train_out(args: &TrainArgs, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let r = train_run(args)?;
    let t = &r.trainer;
    let h = t.history();
    let classes = t.n_classes().is_some();
    let has_test = t.n_test() > 0;
    match args.format {
        FormatArg::Json => {
            let p = t.params();
            let last = h.last().copied().unwrap_or_default();
            let mut v = json!({
                "model": p.model.name(),
                "model_label": t.model_label(),
                "loss": t.loss_name(),
                "task": t.task().name(),
                "inputs": r.input_names,
                "n_train": t.n_train(),
                "n_test": t.n_test(),
                "lr": p.lr,
                "batch": p.batch_size,
                "optimizer": p.optimizer.name(),
                "l2": p.l2,
                "l1": p.l1,
                "seed": p.seed,
                "epochs": t.epoch(),
                "completed": r.completed,
                "train_loss": h.iter().map(|s| s.train_loss).collect::<Vec<_>>(),
                "load_ms": round3(r.load_ms),
                "train_ms": round3(r.train_ms),
            });
            if p.optimizer == crate::train::Optimizer::Momentum {
                v["momentum"] = json!(p.momentum);
            }
            if p.model == crate::train::TrainModel::Mlp {
                v["hidden"] = json!(p.hidden);
                v["activation"] = json!(p.activation.name());
                v["init"] = json!(p.activation.init_name());
            }
            if has_test {
                v["test_loss"] = json!(h.iter().map(|s| s.test_loss).collect::<Vec<_>>());
            }
            if classes {
                v["accuracy"] = json!(last.accuracy);
                if has_test {
                    v["test_accuracy"] = json!(last.test_accuracy);
                }
            } else {
                v["r2"] = json!(last.r2);
                v["mse"] = json!(last.mse);
                if has_test {
                    v["test_r2"] = json!(last.test_r2);
                    v["test_mse"] = json!(last.test_mse);
                }
            }
            if let Some(at) = first_null(&v, "") {
                return Err(CliError(format!(
                    "training gave a value that is not a finite number ({at})"
                )));
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        FormatArg::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec!["epoch", "train_loss"];
            if has_test {
                header.push("test_loss");
            }
            match (classes, has_test) {
                (true, true) => header.extend(["accuracy", "test_accuracy"]),
                (true, false) => header.push("accuracy"),
                (false, true) => header.extend(["r2", "mse", "test_r2", "test_mse"]),
                (false, false) => header.extend(["r2", "mse"]),
            }
            w.write_record(&header)?;
            let num = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
            for s in h {
                let mut row = vec![s.epoch.to_string(), s.train_loss.to_string()];
                if has_test {
                    row.push(num(s.test_loss));
                }
                if classes {
                    row.push(num(s.accuracy));
                    if has_test {
                        row.push(num(s.test_accuracy));
                    }
                } else {
                    row.extend([num(s.r2), num(s.mse)]);
                    if has_test {
                        row.extend([num(s.test_r2), num(s.test_mse)]);
                    }
                }
                w.write_record(&row)?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_number_that_is_not_one_is_found_by_its_path() {
        // serde_json writes NaN and ±∞ as null.
        let v = json!({ "a": 1.0, "b": { "c": [0.5, f64::NAN] }, "d": f64::INFINITY });
        assert_eq!(first_null(&v, ""), Some("b.c[1]".to_string()));
        assert_eq!(first_null(&json!({ "a": [1.0, 2.0] }), ""), None);
    }

    #[test]
    fn suggested_fractions_are_rounded_up() {
        assert_eq!(round_up(0.5 / 6.0), 0.0834);
        assert_eq!(round_up(0.5 / 3.0), 0.167);
        assert_eq!(round_up(0.25), 0.25);
    }
}

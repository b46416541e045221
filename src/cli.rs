//! The command line: the scripting face of the same engine the window uses.
//!
//! Every subcommand prints one JSON object (or a plain list) on stdout. Bad input exits with
//! code 2 and one readable line on stderr.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};

use crate::data::builtin::{Builtin, RealDataset};
use crate::data::dataset::{Roles, TaskChoice, build_dataset, resolve_column};
use crate::data::generate::Generator;
use crate::data::{Source, Table, Target, load_source};
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
    /// With --screenshot: which view to show first (data, table).
    #[arg(long, value_name = "VIEW", requires = "screenshot")]
    pub view: Option<String>,
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
    /// Generated datasets: random seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
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

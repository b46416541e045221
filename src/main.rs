//! `ridgeline`: open the workbench, or run a headless subcommand.

use std::process::ExitCode;

use clap::Parser;
use ridgeline::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's first line, and its continuation when it ends with ':'.
            let text = e.to_string();
            let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
            let mut line = lines.next().unwrap_or("invalid arguments").to_string();
            if line.ends_with(':')
                && let Some(next) = lines.next()
            {
                line = format!("{line} {next}");
            }
            eprintln!("{line} (see ridgeline --help)");
            return ExitCode::from(2);
        }
    };
    match &cli.command {
        Some(command) => match run(command, &mut std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        None => {
            if let Err(e) = cli.gui.check() {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            // eframe and wgpu report through `log`: RUST_LOG=warn (or info, debug) shows it.
            env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("error"))
                .init();
            match ridgeline::app::run_native(cli.gui) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

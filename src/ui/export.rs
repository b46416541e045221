//! *Export…* (Ctrl+E): the figures of the view on screen as SVG and CSV (the data behind each
//! plot), the fitted model as JSON, and the whole window as PNG, into a folder the user
//! chooses. Files are written on a thread of their own; existing files are never overwritten
//! (each name carries the time).

use std::path::{Path, PathBuf};

use crossbeam_channel::Receiver;
use egui::RichText;

use crate::figure::Figure;
use crate::state::Command;
use crate::ui::{Ctx, theme};

/// The export window's state.
pub struct ExportState {
    pub folder: String,
    /// Collect the figures drawn in the next frame, then write them.
    collect: bool,
    writing: Option<Receiver<Result<String, String>>>,
    message: Option<Result<String, String>>,
}

impl Default for ExportState {
    fn default() -> Self {
        Self {
            folder: default_folder(),
            collect: false,
            writing: None,
            message: None,
        }
    }
}

fn collect_id() -> egui::Id {
    egui::Id::unique("ridgeline-export-collect")
}

fn figures_id() -> egui::Id {
    egui::Id::unique("ridgeline-export-figures")
}

/// Called by the figure layer for every figure it draws: kept only while an export collects.
pub fn note_figure(ctx: &egui::Context, fig: &Figure) {
    let collecting = ctx.data(|d| d.get_temp::<bool>(collect_id()).unwrap_or(false));
    if collecting {
        ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<Vec<Figure>>(figures_id())
                .push(fig.clone())
        });
    }
}

/// The default folder: `~/ridgeline-exports`.
fn default_folder() -> String {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("ridgeline-exports")
        .display()
        .to_string()
}

fn stamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{secs}")
}

/// A file name no other export has: `stem-TIME.ext`, never an existing file.
fn fresh(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = format!("{clean}-{}", stamp());
    let mut path = dir.join(format!("{base}.{ext}"));
    let mut k = 1;
    while path.exists() {
        path = dir.join(format!("{base}-{k}.{ext}"));
        k += 1;
    }
    path
}

/// Write `files` (name stem, extension, content) into `dir`; say what was written.
fn write_all(dir: PathBuf, files: Vec<(String, &'static str, String)>) -> Result<String, String> {
    if dir.as_os_str().is_empty() {
        return Err("give a folder to export into".into());
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (stem, ext, content) in files {
        let path = fresh(&dir, &stem, ext);
        std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(
            path.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
        );
    }
    Ok(format!("wrote {} to {}", written.join(", "), dir.display()))
}

/// The export window, and the writing it started.
pub fn export_ui(ui: &mut egui::Ui, state: &mut ExportState, cx: &mut Ctx<'_>) {
    // Figures drawn this frame were collected: write them.
    if state.collect {
        state.collect = false;
        ui.ctx().data_mut(|d| d.insert_temp(collect_id(), false));
        let figures: Vec<Figure> = ui
            .ctx()
            .data_mut(|d| d.remove_temp::<Vec<Figure>>(figures_id()))
            .unwrap_or_default();
        if figures.is_empty() {
            state.message = Some(Err("this view has no plot to export".into()));
        } else {
            let tab = format!("{:?}", cx.settings.view.tab).to_lowercase();
            let mut files = Vec::new();
            for fig in &figures {
                let stem = format!("{tab}-{}", fig.id);
                files.push((
                    stem.clone(),
                    "svg",
                    crate::ui::figure::to_svg(fig, 900.0, 600.0),
                ));
                files.push((stem, "csv", fig.to_csv()));
            }
            let dir = PathBuf::from(&state.folder);
            state.writing = Some(crate::worker::io::run("ridgeline-export", move || {
                write_all(dir, files)
            }));
        }
    }
    if let Some(rx) = &state.writing {
        match rx.try_recv() {
            Ok(done) => {
                state.message = Some(done);
                state.writing = None;
            }
            Err(crossbeam_channel::TryRecvError::Empty) => ui.ctx().request_repaint(),
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                state.message = Some(Err("the export could not be started".into()));
                state.writing = None;
            }
        }
    }
    let mut open = cx.settings.view.show_export;
    egui::Window::new("Export")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ui.ctx(), |ui| {
            ui.horizontal(|ui| {
                ui.label("folder");
                ui.add(egui::TextEdit::singleline(&mut state.folder).desired_width(320.0))
                    .on_hover_text("Created if missing. Files are named after the view and the time, so nothing is overwritten.");
            });
            ui.horizontal_wrapped(|ui| {
                if ui
                    .button("Figures: SVG + CSV")
                    .on_hover_text("Every plot of the view on screen as SVG, and the data behind it as CSV")
                    .clicked()
                {
                    state.collect = true;
                    state.message = None;
                    ui.ctx().data_mut(|d| {
                        d.insert_temp(collect_id(), true);
                        d.remove_temp::<Vec<Figure>>(figures_id());
                    });
                    ui.ctx().request_repaint();
                }
                let model = cx.model.result.clone();
                if ui
                    .add_enabled(model.is_some(), egui::Button::new("Fitted model: JSON"))
                    .on_hover_text("The model on screen: its parameters, coefficients and scores, in the command line's keys")
                    .clicked()
                    && let Some(view) = model
                {
                    let json = crate::analysis::report::result_json(
                        &view.result,
                        &view.prepared.dataset.feature_names,
                        view.spec.kind.label(),
                    );
                    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
                    let dir = PathBuf::from(&state.folder);
                    state.message = None;
                    state.writing = Some(crate::worker::io::run("ridgeline-export", move || {
                        write_all(dir, vec![("model".into(), "json", text)])
                    }));
                }
                if ui
                    .button("Window: PNG")
                    .on_hover_text("A picture of the whole window")
                    .clicked()
                {
                    let dir = PathBuf::from(&state.folder);
                    let path = fresh(&dir, "window", "png");
                    cx.commands.push(Command::SavePng(path.clone()));
                    state.message = Some(Ok(format!("saving {}", path.display())));
                }
            });
            if state.writing.is_some() {
                ui.spinner();
            }
            match &state.message {
                Some(Ok(text)) => {
                    ui.label(RichText::new(text).color(theme::OK));
                }
                Some(Err(text)) => {
                    ui.label(RichText::new(text).color(theme::ERROR));
                }
                None => {}
            }
        });
    cx.settings.view.show_export = open;
}

//! Panels and views. They draw ready-made results and edit settings; they never compute a
//! model or read a file, and they never see the application type: each frame they get a
//! [`Ctx`] (the settings, the computations' [`Shown`] results, a command sink) and the
//! [`Views`], which keep what each view needs between frames (a texture, a marker drag).

pub mod export;
pub mod figure;
pub mod panels;
pub mod theme;
pub mod views;

use std::sync::Arc;

use egui::{Color32, RichText};

use crate::analysis::bias_variance::BiasVarianceCurve;
use crate::analysis::compare::Comparison;
use crate::analysis::curves::{LearningCurve, ValidationCurve};
use crate::analysis::folds::CvRun;
use crate::analysis::loss::LossCurve;
use crate::analysis::path::PathResult;
use crate::analysis::shrinkage::Shrinkage;
use crate::analysis::svm_path::SvmPath;
use crate::state::{Command, DataView, Level, ModelView, Prepared, Settings, Status, Tab};
use crate::worker::Shown;

pub use crate::figure::builders::fmt_num;

/// What a view draws from and writes to, for one frame.
pub struct Ctx<'a> {
    pub settings: &'a mut Settings,
    pub commands: &'a mut Vec<Command>,
    pub data: &'a Shown<(), DataView>,
    pub model: &'a Shown<(), ModelView>,
    pub loss: &'a Shown<LossCurve, LossCurve>,
    pub path: &'a Shown<PathResult, PathResult>,
    pub validation: &'a Shown<ValidationCurve, ValidationCurve>,
    pub learning: &'a Shown<LearningCurve, LearningCurve>,
    pub bias_variance: &'a Shown<BiasVarianceCurve, BiasVarianceCurve>,
    pub compare: &'a Shown<Comparison, Comparison>,
    pub shrinkage: &'a Shown<Shrinkage, Shrinkage>,
    pub cv: &'a Shown<CvRun, CvRun>,
    pub svm_path: &'a Shown<SvmPath, SvmPath>,
    /// The Train view's run, and the progress of its job.
    pub train: &'a crate::state::TrainRun,
    pub train_progress: Option<std::sync::Arc<crate::progress::Progress>>,
    /// Why the model settings cannot be fitted as they are.
    pub param_error: Option<&'a str>,
    /// Open the file dialog drawn in the window (set when no native one can be shown).
    pub open_in_window: &'a mut bool,
    pub status: Option<&'a Status>,
    pub can_undo: bool,
    /// The app is photographing itself: no hover labels or crosshairs.
    pub quiet: bool,
}

impl Ctx<'_> {
    /// The data on screen.
    pub fn data_view(&self) -> Option<&DataView> {
        self.data.result.as_deref()
    }

    /// The dataset on screen, if the roles make one.
    pub fn prepared(&self) -> Option<Arc<Prepared>> {
        self.data_view()?.prepared.as_ref().ok().cloned()
    }

    /// Why the model cannot be shown as the settings ask, if it cannot.
    pub fn model_error(&self) -> Option<String> {
        self.param_error
            .map(str::to_string)
            .or_else(|| self.model.error_text())
    }
}

/// A view: draws from the [`Ctx`], keeping its own state between frames.
pub trait View {
    fn ui(&mut self, ui: &mut egui::Ui, cx: &mut Ctx<'_>);
}

/// Every view, with its state. The tab chooses which one the central panel shows.
#[derive(Default)]
pub struct Views {
    pub boundary: views::boundary::BoundaryView,
    pub regression: views::regression::RegressionView,
    pub pca: views::pca::PcaView,
    pub scatter: views::scatter::ScatterView,
    pub table: views::table::TableView,
    pub loss: views::loss::LossView,
    pub path: views::path::PathView,
    pub curves: views::curves::CurvesView,
    pub train: views::train::TrainView,
    /// The file dialog drawn in the window, while it is open.
    pub file_dialog: Option<egui_file::FileDialog>,
    pub export: export::ExportState,
    /// The session file dialog while it is open, and whether it saves.
    pub session_dialog: Option<(egui_file::FileDialog, bool)>,
}

fn quiet_plots_id() -> egui::Id {
    egui::Id::unique("ridgeline-quiet-plots")
}

/// A plot as every view makes it. While the app photographs itself the pointer (left in the
/// middle of a virtual screen) must not draw hover labels or crosshairs.
pub fn plot<'a>(ui: &egui::Ui, id: &str) -> egui_plot::Plot<'a> {
    let quiet = ui
        .ctx()
        .data(|d| d.get_temp::<bool>(quiet_plots_id()).unwrap_or(false));
    egui_plot::Plot::new(id)
        .x_grid_spacer(figure::nice_x_spacer)
        .y_grid_spacer(figure::nice_y_spacer)
        // egui_plot's own tick format assumes power-of-ten steps (0.5 would read "0").
        .x_axis_formatter(|mark, _| fmt_num(mark.value))
        .y_axis_formatter(|mark, _| fmt_num(mark.value))
        .show_x(!quiet)
        .show_y(!quiet)
        .show_crosshair(!quiet)
}

/// The whole window.
pub fn app_ui(ui: &mut egui::Ui, views: &mut Views, cx: &mut Ctx<'_>) {
    let quiet = cx.quiet;
    ui.ctx()
        .data_mut(|d| d.insert_temp(quiet_plots_id(), quiet));
    theme::use_light(ui.ctx(), cx.settings.view.light_theme);
    if ui.input_mut(|i| {
        i.consume_shortcut(&egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND,
            egui::Key::Z,
        ))
    }) {
        cx.commands.push(Command::Undo);
    }
    if ui.input_mut(|i| {
        i.consume_shortcut(&egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND,
            egui::Key::O,
        ))
    }) {
        cx.commands.push(Command::ShowOpenDialog);
    }

    shortcuts(ui, cx);
    egui::Panel::top("top_bar").show(ui, |ui| top_bar_ui(ui, cx));
    egui::Panel::bottom("status_bar").show(ui, |ui| status_bar_ui(ui, cx));
    // Side panels take at most about a quarter of the window each, and either can be hidden
    // from the top bar, so the plots keep room at 900 × 600.
    let width = ui.ctx().content_rect().width();
    let side = (width * 0.24).clamp(200.0, 290.0);
    if !cx.settings.view.hide_data_panel {
        egui::Panel::left("data_panel")
            .resizable(true)
            .default_size(side)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| panels::data::data_panel_ui(ui, cx));
            });
    }
    if cx.settings.view.tab.shows_model() && !cx.settings.view.hide_model_panel {
        egui::Panel::right("model_panel")
            .resizable(true)
            .default_size(side)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    panels::model_controls::model_controls_ui(ui, cx);
                    ui.separator();
                    panels::metrics::metrics_panel_ui(ui, cx);
                });
            });
    }
    if cx.settings.view.tab == Tab::Train && !cx.settings.view.hide_model_panel {
        egui::Panel::right("train_panel")
            .resizable(true)
            .default_size(side)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .show(ui, |ui| panels::train_controls::train_controls_ui(ui, cx));
            });
    }
    egui::CentralPanel::default().show(ui, |ui| match cx.settings.view.tab {
        Tab::Model => views::model_tab_ui(ui, views, cx),
        Tab::Loss => views.loss.ui(ui, cx),
        Tab::Path => views.path.ui(ui, cx),
        Tab::Curves => views.curves.ui(ui, cx),
        Tab::Train => views.train.ui(ui, cx),
        Tab::Scatter => views.scatter.ui(ui, cx),
        Tab::Table => views.table.ui(ui, cx),
    });
    help_ui(ui, cx);
    file_dialog_ui(ui, views, cx);
    export::export_ui(ui, &mut views.export, cx);
    session_dialog_ui(ui, views, cx);
    drop_hint_ui(ui);
}

/// The session file dialog (drawn in the window): save or open a `.ridgeline.json` file.
fn session_dialog_ui(ui: &mut egui::Ui, views: &mut Views, cx: &mut Ctx<'_>) {
    if let Some(save) = cx.settings.view.session_dialog.take() {
        let start = std::env::var_os("HOME")
            .map(std::path::PathBuf::from)
            .unwrap_or_default();
        let mut dialog = if save {
            egui_file::FileDialog::save_file()
                .default_filename("session.ridgeline.json")
                .title("Save the session")
        } else {
            egui_file::FileDialog::open_file().title("Open a session")
        }
        .initial_path(start)
        .show_rename(false)
        .show_new_folder(save);
        dialog.open();
        views.session_dialog = Some((dialog, save));
    }
    let Some((dialog, save)) = &mut views.session_dialog else {
        return;
    };
    dialog.show(ui.ctx());
    match dialog.state() {
        egui_file::State::Selected => {
            if let Some(path) = dialog.path() {
                let path = path.to_path_buf();
                cx.commands.push(if *save {
                    Command::SaveSession(path)
                } else {
                    Command::OpenSession(path)
                });
            }
            views.session_dialog = None;
        }
        egui_file::State::Cancelled | egui_file::State::Closed => views.session_dialog = None,
        egui_file::State::Open => {}
    }
}

/// The file dialog drawn inside the window: used when the system's cannot be shown. It lists
/// folders and CSV/TSV/text files, and takes a typed file name or path.
fn file_dialog_ui(ui: &mut egui::Ui, views: &mut Views, cx: &mut Ctx<'_>) {
    if std::mem::take(cx.open_in_window) {
        let start = match &cx.settings.source {
            crate::data::Source::File(p) => p.parent().map(std::path::Path::to_path_buf),
            _ => None,
        }
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
        let mut dialog = egui_file::FileDialog::open_file()
            .initial_path(start)
            .title("Open a CSV or TSV file")
            // Ridgeline only ever reads the user's files: no renaming, no new folders.
            .show_rename(false)
            .show_new_folder(false)
            .show_files_filter(Box::new(|p: &std::path::Path| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    ["csv", "tsv", "tab", "txt"].contains(&e.to_ascii_lowercase().as_str())
                })
            }));
        dialog.open();
        views.file_dialog = Some(dialog);
    }
    let Some(dialog) = &mut views.file_dialog else {
        return;
    };
    dialog.show(ui.ctx());
    match dialog.state() {
        egui_file::State::Selected => {
            if let Some(path) = dialog.path() {
                cx.commands.push(Command::OpenFile(path.to_path_buf()));
            }
            views.file_dialog = None;
        }
        egui_file::State::Cancelled | egui_file::State::Closed => views.file_dialog = None,
        egui_file::State::Open => {}
    }
}

/// The keys, as the help window lists them.
const SHORTCUTS: [(&str, &str); 9] = [
    ("F1", "this help"),
    ("Ctrl+O", "open a CSV or TSV file…"),
    (
        "Ctrl+Z",
        "undo the last change of data, columns, split or model",
    ),
    ("Ctrl+S / Ctrl+Shift+O", "save / open a session…"),
    (
        "Ctrl+E",
        "export figures (SVG, CSV), the model (JSON), the window (PNG)…",
    ),
    (
        "Ctrl+1 … Ctrl+7",
        "Model, Loss, Path, Curves, Train, Scatter, Table",
    ),
    ("F2 / F3", "show or hide the data panel / the model panel"),
    (
        "drag in a path or curve",
        "set α, C, γ … to the value under the pointer",
    ),
    ("scroll, drag, double-click", "zoom, pan, reset a plot"),
];

/// F1, F2, F3 and Ctrl+1 … Ctrl+7.
fn shortcuts(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    let view = &mut cx.settings.view;
    ui.input_mut(|i| {
        if i.consume_key(egui::Modifiers::NONE, egui::Key::F1) {
            view.show_help = !view.show_help;
        }
        if i.consume_key(egui::Modifiers::COMMAND, egui::Key::S) {
            view.session_dialog = Some(true);
        }
        if i.consume_key(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::O,
        ) {
            view.session_dialog = Some(false);
        }
        if i.consume_key(egui::Modifiers::COMMAND, egui::Key::E) {
            view.show_export = !view.show_export;
        }
        if i.consume_key(egui::Modifiers::NONE, egui::Key::F2) {
            view.hide_data_panel = !view.hide_data_panel;
        }
        if i.consume_key(egui::Modifiers::NONE, egui::Key::F3) {
            view.hide_model_panel = !view.hide_model_panel;
        }
        let keys = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
        ];
        for (key, tab) in keys.into_iter().zip(Tab::ALL) {
            if i.consume_key(egui::Modifiers::COMMAND, key) {
                view.tab = tab;
            }
        }
    });
}

/// The help window (F1): what each view is for, and the keys.
fn help_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    let open = &mut cx.settings.view.show_help;
    egui::Window::new("Help")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .show(ui.ctx(), |ui| {
            ui.label(
                "Pick data on the left, an estimator on the right, and drag its sliders. \
                 Every control's tooltip gives its meaning and formula.",
            );
            ui.add_space(6.0);
            egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                for (key, what) in SHORTCUTS {
                    ui.strong(key);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
}

fn top_bar_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    ui.horizontal(|ui| {
        ui.heading("Ridgeline");
        ui.separator();
        let tab = &mut cx.settings.view.tab;
        ui.selectable_value(tab, Tab::Model, "Model")
            .on_hover_text("Fit an estimator and watch it change as you drag its sliders");
        ui.selectable_value(tab, Tab::Loss, "Loss").on_hover_text(
            "The training objective of the current fit, iteration by iteration, as the solver runs",
        );
        ui.selectable_value(tab, Tab::Path, "Path")
            .on_hover_text(
                "The regularisation path: every coefficient and the cross-validated error against α; drag the marker to set α",
            );
        ui.selectable_value(tab, Tab::Curves, "Curves")
            .on_hover_text(
                "Validation and learning curves, the bias–variance decomposition, and A against B — all by k-fold cross-validation",
            );
        ui.selectable_value(tab, Tab::Train, "Train").on_hover_text(
            "Logistic regression, a linear SVM or a small neural network trained by SGD, epoch by epoch, as you watch",
        );
        ui.selectable_value(tab, Tab::Scatter, "Scatter")
            .on_hover_text("Two features against each other, coloured by the target");
        ui.selectable_value(tab, Tab::Table, "Table")
            .on_hover_text("The data as read, with per-column statistics");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let view = &mut cx.settings.view;
            if view.tab.shows_model() || view.tab == Tab::Train {
                toggle_ui(ui, &mut view.hide_model_panel, "Model ▸", "Show or hide the model panel (F3)");
            }
            toggle_ui(ui, &mut view.hide_data_panel, "◂ Data", "Show or hide the data panel (F2)");
            let (icon, tip) = if view.light_theme {
                ("🌙", "Switch to the dark theme")
            } else {
                ("☀", "Switch to the light theme")
            };
            if ui.button(icon).on_hover_text(tip).clicked() {
                view.light_theme = !view.light_theme;
            }
            ui.menu_button("Session", |ui| {
                if ui
                    .button("Save session…")
                    .on_hover_text("The data source, a hash of the data, every setting and the view, in one file (Ctrl+S)")
                    .clicked()
                {
                    cx.settings.view.session_dialog = Some(true);
                    ui.close();
                }
                if ui
                    .button("Open session…")
                    .on_hover_text("Back to a saved session: the same data, settings and numbers (Ctrl+Shift+O)")
                    .clicked()
                {
                    cx.settings.view.session_dialog = Some(false);
                    ui.close();
                }
            });
            if ui
                .button("Export…")
                .on_hover_text("Figures as SVG and CSV, the model as JSON, the window as PNG (Ctrl+E)")
                .clicked()
            {
                cx.settings.view.show_export = !cx.settings.view.show_export;
            }
            if ui.button("?").on_hover_text("Help and shortcuts (F1)").clicked() {
                cx.settings.view.show_help = !cx.settings.view.show_help;
            }
            let undo = ui
                .add_enabled(cx.can_undo, egui::Button::new("Undo"))
                .on_hover_text("Undo the last change of data, columns, split or model (Ctrl+Z)");
            if undo.clicked() {
                cx.commands.push(Command::Undo);
            }
        });
    });
}

/// A button that shows a panel when it is hidden (`hidden` flips on click).
fn toggle_ui(ui: &mut egui::Ui, hidden: &mut bool, label: &str, tip: &str) {
    let mut shown = !*hidden;
    if ui
        .toggle_value(&mut shown, label)
        .on_hover_text(tip)
        .changed()
    {
        *hidden = !shown;
    }
}

fn status_bar_ui(ui: &mut egui::Ui, cx: &mut Ctx<'_>) {
    ui.horizontal(|ui| {
        if cx.data.is_busy() {
            ui.add(
                egui::ProgressBar::new(cx.data.fraction().unwrap_or(0.0))
                    .desired_width(160.0)
                    .show_percentage(),
            );
            if ui
                .button("Cancel")
                .on_hover_text("Stop reading this file")
                .clicked()
            {
                cx.commands.push(Command::CancelLoad);
            }
            ui.spinner();
        }
        if let Some(status) = cx.status {
            let color = match status.level {
                Level::Info => ui.visuals().text_color(),
                Level::Warning => theme::WARNING,
                Level::Error => theme::ERROR,
            };
            ui.label(RichText::new(&status.text).color(color));
        }
    });
}

/// While files hover over the window, say what dropping does.
fn drop_hint_ui(ui: &mut egui::Ui) {
    let hovering = ui.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let rect = ui.ctx().content_rect();
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_hint"),
    ));
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop a CSV or TSV file to open it",
        egui::TextStyle::Heading.resolve(ui.style()),
        Color32::WHITE,
    );
}

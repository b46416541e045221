//! Panels and plots. They draw ready-made results and edit settings; they never compute a
//! model or read a file. Commands that need more than a settings edit go to
//! [`crate::app::Runtime::commands`].

pub mod data_panel;
pub mod model_panel;
pub mod model_view;
pub mod scatter;
pub mod table_view;
pub mod theme;

use std::path::Path;

use egui::{Color32, RichText};

use crate::app::{Command, Level, RidgelineApp, Tab};

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
        .show_x(!quiet)
        .show_y(!quiet)
        .show_crosshair(!quiet)
}

/// The whole window.
pub fn app_ui(ui: &mut egui::Ui, app: &mut RidgelineApp) {
    let quiet = app.is_taking_screenshot();
    ui.ctx()
        .data_mut(|d| d.insert_temp(quiet_plots_id(), quiet));
    if ui.input_mut(|i| {
        i.consume_shortcut(&egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND,
            egui::Key::Z,
        ))
    }) {
        app.rt.commands.push(Command::Undo);
    }
    if ui.input_mut(|i| {
        i.consume_shortcut(&egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND,
            egui::Key::O,
        ))
    }) {
        app.rt.commands.push(Command::ShowOpenDialog);
    }

    egui::Panel::top("top_bar").show(ui, |ui| top_bar_ui(ui, app));
    egui::Panel::bottom("status_bar").show(ui, |ui| status_bar_ui(ui, app));
    egui::Panel::left("data_panel")
        .resizable(true)
        .default_size(290.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| data_panel::data_panel_ui(ui, app));
        });
    if app.settings.view.tab == Tab::Model {
        egui::Panel::right("model_panel")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    model_panel::model_panel_ui(ui, app);
                    ui.separator();
                    model_view::metrics_panel_ui(ui, app);
                });
            });
    }
    egui::CentralPanel::default().show(ui, |ui| match app.settings.view.tab {
        Tab::Model => model_view::model_ui(ui, app),
        Tab::Scatter => scatter::scatter_ui(ui, app),
        Tab::Table => table_view::table_ui(ui, app),
    });
    drop_hint_ui(ui);
}

fn top_bar_ui(ui: &mut egui::Ui, app: &mut RidgelineApp) {
    ui.horizontal(|ui| {
        ui.heading("Ridgeline");
        ui.separator();
        let tab = &mut app.settings.view.tab;
        ui.selectable_value(tab, Tab::Model, "Model")
            .on_hover_text("Fit an estimator and watch it change as you drag its sliders");
        ui.selectable_value(tab, Tab::Scatter, "Scatter")
            .on_hover_text("Two features against each other, coloured by the target");
        ui.selectable_value(tab, Tab::Table, "Table")
            .on_hover_text("The data as read, with per-column statistics");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let undo = ui
                .add_enabled(app.can_undo(), egui::Button::new("Undo"))
                .on_hover_text("Undo the last change of data, columns, split or model (Ctrl+Z)");
            if undo.clicked() {
                app.rt.commands.push(Command::Undo);
            }
        });
    });
}

fn status_bar_ui(ui: &mut egui::Ui, app: &mut RidgelineApp) {
    ui.horizontal(|ui| {
        if let Some((fraction, _)) = app.load_progress() {
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(160.0)
                    .show_percentage(),
            );
            if ui
                .button("Cancel")
                .on_hover_text("Stop reading this file")
                .clicked()
            {
                app.rt.commands.push(Command::CancelLoad);
            }
            ui.spinner();
        }
        if let Some(status) = &app.rt.status {
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

/// Save a screenshot as PNG.
pub fn save_png(image: &egui::ColorImage, path: &Path) -> Result<(), String> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, bytes)
        .ok_or_else(|| "screenshot has the wrong size".to_string())?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    buffer
        .save(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Format a number compactly for tables and hovers.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{x:.3e}")
    } else {
        let s = format!("{x:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }
}

//! The eframe application: persisted [`Settings`] (what the user chose), the computations
//! running from them, and the views that draw them. Nothing here draws or colours: each frame
//! [`RidgelineApp::step`] takes in finished work, applies the queued [`Command`]s and submits
//! what the settings now ask for; [`crate::ui::app_ui`] then draws from a [`crate::ui::Ctx`].
//!
//! - [`startup`]: how the app starts (arguments, restored settings, the native window).
//! - [`commands`]: applying what the UI asked for (open, cancel, undo, dropped files, dialog).
//! - [`undo`]: the undo stack of data and model settings.
//! - [`computations`]: one [`crate::worker::Slot`] per live computation, and their jobs.
//! - [`screenshot`]: `--screenshot`: wait for the results, photograph the window, quit.

pub mod commands;
pub mod computations;
pub mod screenshot;
pub mod session;
pub mod startup;
pub mod train;
pub mod undo;

use std::path::PathBuf;

pub use crate::state::{
    Command, DataView, Level, ModelSettings, ModelView, Prepared, Settings, Status, Tab, TableMode,
    ViewSettings,
};
pub use computations::{Computations, GRID_COARSE, GRID_FINE, MAX_LIVE_SVM_ROWS};
pub use startup::{Startup, run_native};

/// Key of the settings in eframe's storage.
pub const SETTINGS_KEY: &str = "ridgeline-settings";

/// Everything computed or in flight; never persisted.
pub struct Runtime {
    pub jobs: Computations,
    pub status: Option<Status>,
    pub commands: Vec<Command>,
    /// Why the model settings cannot be fitted as they are (shown inline; nothing submitted).
    pub param_error: Option<String>,
    /// A `--target` given on the command line, resolved once the table is read.
    target_spec: Option<String>,
    /// Generation of the data job that resolves `target_spec`.
    target_spec_generation: Option<u64>,
    /// Something said at start-up (a vanished file) that the first result must not hide.
    startup_notice: Option<String>,
    dialog: Option<crossbeam_channel::Receiver<(Option<PathBuf>, std::time::Duration)>>,
    /// No native file dialog can be shown here (no xdg-desktop-portal): *Open…* uses the one
    /// drawn inside the window.
    no_native_dialog: bool,
    /// The UI is asked to open the in-window file dialog (it clears this when it does).
    pub open_in_window: bool,
    /// A picture of the window to save (Export…).
    png_request: Option<PathBuf>,
    /// A session file being written or read.
    session_io: Option<session::SessionIo>,
    /// An opened session, waiting for its data to check the hash.
    session_check: Option<crate::state::Session>,
    undo: undo::Undo,
    screenshot: Option<screenshot::ScreenshotState>,
    /// Don't write settings on exit (screenshot runs and tests).
    pub persist: bool,
    /// The Train view's run.
    pub train: train::TrainState,
    /// `--quit-after`: when to close the window.
    quit_at: Option<std::time::Instant>,
}

pub struct RidgelineApp {
    pub settings: Settings,
    pub rt: Runtime,
    views: crate::ui::Views,
}

impl RidgelineApp {
    /// The data on screen, if any was read.
    pub fn data(&self) -> Option<&DataView> {
        self.rt.jobs.data.shown().result.as_deref()
    }

    /// The dataset on screen, if the roles make one.
    pub fn prepared(&self) -> Option<&std::sync::Arc<Prepared>> {
        self.data().and_then(|d| d.prepared.as_ref().ok())
    }

    /// The model on screen (the last good one while a newer one computes).
    pub fn model(&self) -> Option<&ModelView> {
        self.rt.jobs.model.shown().result.as_deref()
    }

    /// Why the model cannot be shown as the settings ask, if it cannot.
    pub fn model_error(&self) -> Option<String> {
        self.rt
            .param_error
            .clone()
            .or_else(|| self.rt.jobs.model.shown().error_text())
    }

    /// Whether the decision map has been coloured into a texture.
    pub fn has_map_texture(&self) -> bool {
        self.views.boundary.has_texture()
    }

    /// Whether any job is pending or running.
    pub fn is_busy(&self) -> bool {
        self.rt.jobs.is_busy()
    }

    /// Whether a model update is pending or running.
    pub fn model_busy(&self) -> bool {
        self.rt.jobs.model.is_busy()
    }

    pub fn can_undo(&self) -> bool {
        self.rt.undo.can_undo()
    }

    /// The Train view's run as shown.
    pub fn train_run(&self) -> &crate::state::TrainRun {
        &self.rt.train.run
    }

    /// Whether the app is about to photograph itself (`--screenshot`).
    pub fn is_taking_screenshot(&self) -> bool {
        self.rt.screenshot.is_some()
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.rt.status = Some(Status {
            level,
            text: text.into(),
        });
    }

    /// Per-frame logic: results in, commands applied, jobs out. Never blocks.
    pub fn step(&mut self, ctx: &egui::Context) {
        self.take_dropped_files(ctx);
        self.poll_dialog();
        for command in std::mem::take(&mut self.rt.commands) {
            self.apply(command);
        }
        self.poll_session();
        self.poll_data();
        self.check_session_data();
        self.want_data();
        self.rt.jobs.poll_model();
        let dragging = ctx.input(|i| i.pointer.any_down());
        self.want_model(dragging);
        self.poll_training();
        if !dragging {
            self.track_undo();
        }
        self.drive_screenshot(ctx);
        if let Some(at) = self.rt.quit_at {
            if std::time::Instant::now() >= at {
                // Said on stderr so the test can time the exit from here.
                eprintln!("closing the window (busy: {})", self.is_busy());
                self.rt.quit_at = None;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ctx.request_repaint_after(at - std::time::Instant::now());
            }
        }
        if let Some(path) = self.rt.png_request.take() {
            screenshot::save_window_png(ctx, path);
        }
    }
}

impl eframe::App for RidgelineApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.step(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let quiet = self.is_taking_screenshot();
        let can_undo = self.can_undo();
        let Self {
            settings,
            rt,
            views,
        } = self;
        let mut cx = crate::ui::Ctx {
            settings,
            commands: &mut rt.commands,
            data: rt.jobs.data.shown(),
            model: rt.jobs.model.shown(),
            loss: rt.jobs.loss.shown(),
            path: rt.jobs.path.shown(),
            validation: rt.jobs.validation.shown(),
            learning: rt.jobs.learning.shown(),
            bias_variance: rt.jobs.bias_variance.shown(),
            compare: rt.jobs.compare.shown(),
            shrinkage: rt.jobs.shrinkage.shown(),
            cv: rt.jobs.cv.shown(),
            svm_path: rt.jobs.svm_path.shown(),
            train: &rt.train.run,
            train_progress: rt.jobs.train.shown().progress.clone(),
            param_error: rt.param_error.as_deref(),
            open_in_window: &mut rt.open_in_window,
            status: rt.status.as_ref(),
            can_undo,
            quiet,
        };
        crate::ui::app_ui(ui, views, &mut cx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.rt.persist {
            eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        }
    }
}

#[cfg(test)]
mod tests;

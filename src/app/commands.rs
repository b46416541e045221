//! Applying what the UI asked for: open a file or a built-in, the file dialog, dropped files,
//! cancel, undo.

use std::path::PathBuf;

use crate::data::Source;
use crate::data::builtin::Builtin;
use crate::state::Command;
use crate::train::frames::TrainMode;

use super::RidgelineApp;

impl RidgelineApp {
    pub(super) fn apply(&mut self, command: Command) {
        match command {
            Command::OpenFile(path) => {
                self.settings.source = Source::File(path);
                self.settings.forget_columns();
            }
            Command::OpenBuiltin(b) => {
                let same_columns = matches!(
                    (&self.settings.source, &b),
                    (Source::Builtin(Builtin::Generated { kind: a, .. }), Builtin::Generated { kind: c, .. }) if a == c
                );
                self.settings.source = Source::Builtin(b);
                if !same_columns {
                    self.settings.forget_columns();
                }
            }
            Command::ShowOpenDialog => {
                if self.rt.no_native_dialog {
                    self.rt.open_in_window = true;
                } else if self.rt.dialog.is_none() {
                    self.rt.dialog = Some(crate::worker::dialog::pick_file_dialog());
                }
            }
            Command::CancelLoad => self.rt.jobs.data.cancel(),
            Command::CancelModel => self.rt.jobs.model.cancel(),
            Command::RestartModel => self.rt.jobs.model.forget(),
            Command::CancelLoss => self.rt.jobs.loss.cancel(),
            Command::RestartLoss => self.rt.jobs.loss.forget(),
            Command::CancelPath => {
                self.rt.jobs.path.cancel();
                self.rt.jobs.svm_path.cancel();
            }
            Command::RestartPath => {
                self.rt.jobs.path.forget();
                self.rt.jobs.svm_path.forget();
            }
            Command::CancelCurve => self.rt.jobs.cancel_curve(self.settings.view.curve),
            Command::RestartCurve => self.rt.jobs.forget_curve(self.settings.view.curve),
            Command::SavePng(path) => self.rt.png_request = Some(path),
            Command::SaveSession(path) => self.save_session(path),
            Command::OpenSession(path) => self.open_session(path),
            Command::Undo => self.undo(),
            Command::TrainPlay => self.train_command(Some(TrainMode::Play)),
            Command::TrainPause => self.train_command(None),
            Command::TrainStep => self.train_command(Some(TrainMode::Step)),
            Command::TrainReset => self.train_command(Some(TrainMode::Show)),
            Command::EditPoints { edit, axes } => self.edit_points(&edit, axes),
        }
    }

    /// Apply a point edit; the first one copies the data on screen (its two shown columns and
    /// the class) into edited points, which become the data source.
    fn edit_points(&mut self, edit: &crate::data::PointEdit, (xa, ya): (usize, usize)) {
        let mut points = match &self.settings.source {
            Source::Points(p) => p.clone(),
            _ => {
                let Some(prepared) = self.prepared() else {
                    return;
                };
                match crate::data::Points::from_dataset(&prepared.dataset, xa, ya) {
                    Ok(p) => p,
                    Err(e) => {
                        self.set_status(crate::state::Level::Warning, e);
                        return;
                    }
                }
            }
        };
        if let Err(e) = points.apply(edit) {
            self.set_status(crate::state::Level::Warning, e);
            return;
        }
        if !matches!(self.settings.source, Source::Points(_)) {
            self.settings.roles = crate::data::Roles {
                target: Some(points.class_name.clone()),
                task: crate::data::TaskChoice::Classification,
                ..Default::default()
            };
            self.set_status(
                crate::state::Level::Info,
                format!(
                    "editing a copy of {}'s {} and {} (Ctrl+Z undoes)",
                    points.from, points.x_name, points.y_name
                ),
            );
        }
        self.settings.source = Source::Points(points);
    }

    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.rt.commands.push(Command::OpenFile(path));
        }
    }

    pub(super) fn poll_dialog(&mut self) {
        let Some(rx) = &self.rt.dialog else { return };
        match rx.try_recv() {
            Ok((Some(path), _)) => {
                self.rt.dialog = None;
                self.apply(Command::OpenFile(path));
            }
            Ok((None, open_for)) => {
                self.rt.dialog = None;
                // A "cancel" within a fraction of a second: no native dialog could be shown
                // (it needs an xdg-desktop-portal). Use the one drawn in the window instead,
                // now and from now on.
                if open_for < std::time::Duration::from_millis(300) {
                    self.rt.no_native_dialog = true;
                    self.rt.open_in_window = true;
                }
            }
            Err(crossbeam_channel::TryRecvError::Empty) => {}
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                self.rt.dialog = None;
                self.rt.no_native_dialog = true;
                self.rt.open_in_window = true;
            }
        }
    }
}

//! *Save session…* and *Open session…* in the window: the settings and a hash of the data in
//! one file ([`crate::state::Session`]). Files are written and read off the UI thread; an opened
//! session's data is checked against its hash once the data job has read it.

use std::path::PathBuf;

use crossbeam_channel::Receiver;

use crate::state::{Level, Session};

use super::RidgelineApp;

/// A session file being written or read, or an opened session's data being checked.
pub enum SessionIo {
    Saving(Receiver<Result<PathBuf, String>>),
    Opening(Receiver<Result<Session, String>>),
    /// The hash of the data on screen against the session's (the whole table is read).
    Checking(Receiver<Result<(), String>>),
}

impl RidgelineApp {
    pub(super) fn save_session(&mut self, path: PathBuf) {
        let Some(data) = self.data() else {
            self.set_status(Level::Warning, "no data yet: nothing to save");
            return;
        };
        // Capturing hashes every cell of the table: off the UI thread, with the rest.
        let settings = self.settings.clone();
        let table = std::sync::Arc::clone(&data.table);
        self.rt.session_io = Some(SessionIo::Saving(crate::worker::io::run(
            "ridgeline-session",
            move || {
                Session::capture(&settings, &table)
                    .save(&path)
                    .map(|()| path)
                    .map_err(|e| e.to_string())
            },
        )));
    }

    pub(super) fn open_session(&mut self, path: PathBuf) {
        self.rt.session_io = Some(SessionIo::Opening(crate::worker::io::run(
            "ridgeline-session",
            move || Session::open(&path).map_err(|e| e.to_string()),
        )));
    }

    /// Take in a finished save or open; an opened session replaces the settings (so the data
    /// and the model are computed again) and waits for its data to check the hash.
    pub(super) fn poll_session(&mut self) {
        let Some(io) = &self.rt.session_io else {
            return;
        };
        match io {
            SessionIo::Saving(rx) => match rx.try_recv() {
                Ok(Ok(path)) => {
                    self.rt.session_io = None;
                    self.set_status(Level::Info, format!("session saved to {}", path.display()));
                }
                Ok(Err(e)) => {
                    self.rt.session_io = None;
                    self.set_status(Level::Error, e);
                }
                Err(crossbeam_channel::TryRecvError::Empty) => {}
                Err(crossbeam_channel::TryRecvError::Disconnected) => {
                    self.rt.session_io = None;
                    self.set_status(Level::Error, "the session could not be saved");
                }
            },
            SessionIo::Opening(rx) => match rx.try_recv() {
                Ok(Ok(session)) => {
                    self.rt.session_io = None;
                    let notes = session.apply_to(&mut self.settings);
                    let mut text = format!("session opened: {}", session.source.label());
                    if !notes.is_empty() {
                        text += &format!("; reset to defaults: {}", notes.join("; "));
                    }
                    self.set_status(Level::Info, text);
                    self.rt.session_check = Some(session);
                }
                Ok(Err(e)) => {
                    self.rt.session_io = None;
                    self.set_status(Level::Error, e);
                }
                Err(crossbeam_channel::TryRecvError::Empty) => {}
                Err(crossbeam_channel::TryRecvError::Disconnected) => {
                    self.rt.session_io = None;
                    self.set_status(Level::Error, "the session could not be read");
                }
            },
            SessionIo::Checking(rx) => match rx.try_recv() {
                Ok(Ok(())) => {
                    self.rt.session_io = None;
                    let text = self
                        .rt
                        .status
                        .as_ref()
                        .map_or(String::new(), |s| format!("{}; ", s.text));
                    self.set_status(Level::Info, format!("{text}the data matches the session"));
                }
                Ok(Err(e)) => {
                    self.rt.session_io = None;
                    self.set_status(Level::Warning, e);
                }
                Err(crossbeam_channel::TryRecvError::Empty) => {}
                Err(crossbeam_channel::TryRecvError::Disconnected) => {
                    self.rt.session_io = None;
                    self.set_status(Level::Error, "the session's data could not be checked");
                }
            },
        }
    }

    /// Once the data an opened session asks for is on screen, say whether it is the data the
    /// session was saved with.
    pub(super) fn check_session_data(&mut self) {
        let Some(session) = &self.rt.session_check else {
            return;
        };
        if self.rt.jobs.data.is_busy() {
            return;
        }
        let Some(data) = self.data() else { return };
        if data.source != session.source {
            if self.settings.source != session.source {
                // The load failed and the previous data is back: the failure is already said.
                self.rt.session_check = None;
            }
            // Otherwise the session's data is still to be read.
            return;
        }
        // Hashing reads every cell: off the UI thread; `poll_session` reports the verdict.
        let table = std::sync::Arc::clone(&data.table);
        let Some(session) = self.rt.session_check.take() else {
            return;
        };
        self.rt.session_io = Some(SessionIo::Checking(crate::worker::io::run(
            "ridgeline-session",
            move || session.check_data(&table).map_err(|e| e.to_string()),
        )));
    }
}

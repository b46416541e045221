//! Something the user asked for that is more than an edit of the settings. The UI pushes
//! commands; the app applies them once per frame, before anything is computed.

use std::path::PathBuf;

use crate::data::builtin::Builtin;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Open a file as the data source (roles reset to defaults).
    OpenFile(PathBuf),
    /// Switch to a built-in dataset (roles reset to defaults).
    OpenBuiltin(Builtin),
    /// Ask the OS for a file to open (native dialog, off the UI thread).
    ShowOpenDialog,
    /// Stop the running data job.
    CancelLoad,
    /// Stop the model fit in progress (the last picture stays).
    CancelModel,
    /// Fit the model again after it was cancelled.
    RestartModel,
    /// Stop computing the loss curve (what was drawn so far stays).
    CancelLoss,
    /// Compute the loss curve again after it was cancelled.
    RestartLoss,
    /// Stop computing the regularisation path (what was drawn so far stays).
    CancelPath,
    /// Compute the path again after it was cancelled.
    RestartPath,
    /// Stop computing the curve on screen (what was drawn so far stays).
    CancelCurve,
    /// Compute the curve on screen again after it was cancelled.
    RestartCurve,
    /// Save a picture of the window to this PNG.
    SavePng(std::path::PathBuf),
    /// Save the settings and a hash of the data to this session file.
    SaveSession(std::path::PathBuf),
    /// Open a session file: its data, settings and view.
    OpenSession(std::path::PathBuf),
    /// Undo the last change of settings.
    Undo,
    /// Train until the last epoch (from where the run is), showing it as it goes.
    TrainPlay,
    /// Stop training; the run stays where it is.
    TrainPause,
    /// Train one epoch.
    TrainStep,
    /// Start the run again from epoch 0 (new weights from the seed).
    TrainReset,
    /// Add, move or delete a point. Point indices count the rows of the data on screen when
    /// it is not edited yet (the first edit copies them, in order, with the columns `axes`).
    EditPoints {
        edit: crate::data::PointEdit,
        axes: (usize, usize),
    },
}

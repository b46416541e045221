//! The native "Open…" dialog, off the UI thread.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;

/// Show the native "Open…" dialog on its own thread (it blocks until the user answers), so the
/// UI keeps drawing. The receiver yields the chosen path, or `None` when the user cancels.
///
/// The answer also says how long the dialog was open: a "cancel" within a fraction of a second
/// means no dialog could be shown (on Linux, rfd needs an xdg-desktop-portal).
pub fn pick_file_dialog() -> Receiver<(Option<PathBuf>, Duration)> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let spawned = std::thread::Builder::new()
        .name("ridgeline-file-dialog".into())
        .spawn(move || {
            let start = Instant::now();
            let path = rfd::FileDialog::new()
                .set_title("Open a CSV or TSV file")
                .add_filter("Delimited text", &["csv", "tsv", "tab", "txt"])
                .add_filter("All files", &["*"])
                .pick_file();
            let _ = tx.send((path, start.elapsed()));
        });
    // If no thread can be started the sender is dropped and the app reports it.
    drop(spawned);
    rx
}

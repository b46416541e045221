//! Small file writes (exports) on a thread of their own, so the UI never waits on a disk.

use crossbeam_channel::Receiver;

/// Run `work` on a named thread; its result arrives on the receiver (nothing arrives if no
/// thread could be started: the sender is dropped and the receiver disconnects).
pub fn run<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Receiver<T> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let spawned = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let _ = tx.send(work());
        });
    drop(spawned);
    rx
}

//! Background work: the only module that starts threads.
//!
//! A [`Lane`] is one named worker thread that runs one job at a time, newest first:
//! - submitting a job makes every older job stale: the running one is told to stop (its
//!   [`Progress`] is cancelled, which long jobs check between chunks) and a pending one that
//!   has not started is replaced ("latest wins");
//! - a panic inside a job is caught and reported as [`JobError::Panicked`]; the thread lives on;
//! - every result carries the generation it was submitted with, so the UI can drop stale ones.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::progress::Progress;

/// Why a job produced no value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// The job returned an error: the text is for the user.
    #[error("{0}")]
    Failed(String),
    /// The job panicked: a bug, reported rather than fatal.
    #[error("internal error (please report it): {0}")]
    Panicked(String),
    #[error("cancelled")]
    Cancelled,
}

/// A finished job.
#[derive(Debug)]
pub struct Done<Out> {
    pub generation: u64,
    pub result: Result<Out, JobError>,
    pub elapsed: Duration,
}

type JobFn<Out> = Box<dyn FnOnce(&Progress) -> Result<Out, JobError> + Send>;

struct Pending<Out> {
    generation: u64,
    progress: Arc<Progress>,
    run: JobFn<Out>,
}

struct Shared<Out> {
    pending: Mutex<Option<Pending<Out>>>,
    wake: Condvar,
    running: Mutex<Option<Arc<Progress>>>,
    busy: AtomicBool,
    shutdown: AtomicBool,
}

/// One worker thread with latest-wins submission.
pub struct Lane<Out> {
    shared: Arc<Shared<Out>>,
    results: Receiver<Done<Out>>,
    generation: AtomicU64,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A job never runs while a lock is held, so poisoning cannot hide broken state.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<Out: Send + 'static> Lane<Out> {
    /// Start the lane's thread. `notify` is called after each job (e.g. to request a repaint).
    pub fn new(name: &str, notify: impl Fn() + Send + 'static) -> Self {
        let shared = Arc::new(Shared {
            pending: Mutex::new(None),
            wake: Condvar::new(),
            running: Mutex::new(None),
            busy: AtomicBool::new(false),
            shutdown: AtomicBool::new(false),
        });
        let (tx, results) = unbounded();
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || run_lane(&thread_shared, &tx, &notify))
            .expect("spawning a worker thread");
        Self {
            shared,
            results,
            generation: AtomicU64::new(0),
            thread: Some(thread),
        }
    }

    /// Queue a job, making every older one stale. Returns its generation and progress.
    pub fn submit(
        &self,
        job: impl FnOnce(&Progress) -> Result<Out, JobError> + Send + 'static,
    ) -> (u64, Arc<Progress>) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let progress = Arc::new(Progress::new());
        if let Some(running) = lock(&self.shared.running).as_ref() {
            running.cancel();
        }
        let mut pending = lock(&self.shared.pending);
        *pending = Some(Pending {
            generation,
            progress: Arc::clone(&progress),
            run: Box::new(job),
        });
        self.shared.busy.store(true, Ordering::SeqCst);
        self.shared.wake.notify_one();
        (generation, progress)
    }

    /// Cancel the running job and drop a pending one.
    pub fn cancel(&self) {
        lock(&self.shared.pending).take();
        if let Some(running) = lock(&self.shared.running).as_ref() {
            running.cancel();
        }
    }

    /// The next finished job, if any (never blocks).
    pub fn try_recv(&self) -> Option<Done<Out>> {
        self.results.try_recv().ok()
    }

    /// Wait up to `timeout` for the next finished job (for the CLI and tests).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Done<Out>> {
        self.results.recv_timeout(timeout).ok()
    }

    /// The generation of the newest submitted job.
    pub fn latest_generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether a job is pending or running.
    pub fn is_busy(&self) -> bool {
        self.shared.busy.load(Ordering::SeqCst)
    }
}

impl<Out> Drop for Lane<Out> {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        if let Some(running) = lock(&self.shared.running).as_ref() {
            running.cancel();
        }
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            // The thread ends after its current job, which was just cancelled.
            let _ = t.join();
        }
    }
}

fn run_lane<Out>(shared: &Shared<Out>, tx: &Sender<Done<Out>>, notify: &dyn Fn()) {
    loop {
        let job = {
            let mut pending = lock(&shared.pending);
            loop {
                if shared.shutdown.load(Ordering::SeqCst) {
                    return;
                }
                if let Some(job) = pending.take() {
                    break job;
                }
                shared.busy.store(false, Ordering::SeqCst);
                notify();
                pending = shared
                    .wake
                    .wait(pending)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        *lock(&shared.running) = Some(Arc::clone(&job.progress));
        let start = Instant::now();
        let progress = Arc::clone(&job.progress);
        let run = job.run;
        let result = match catch_unwind(AssertUnwindSafe(move || run(&progress))) {
            Ok(Err(_)) if job.progress.is_cancelled() => Err(JobError::Cancelled),
            Ok(r) => r,
            Err(payload) => Err(JobError::Panicked(panic_message(payload.as_ref()))),
        };
        *lock(&shared.running) = None;
        let done = Done {
            generation: job.generation,
            result,
            elapsed: start.elapsed(),
        };
        if tx.send(done).is_err() {
            return;
        }
        notify();
    }
}

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

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a job panicked".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    #[test]
    fn runs_a_job_and_reports_its_generation() {
        let lane: Lane<i32> = Lane::new("test-lane", || {});
        let (g, _) = lane.submit(|_| Ok(41 + 1));
        let done = lane.recv_timeout(WAIT).expect("a result");
        assert_eq!(done.generation, g);
        assert_eq!(done.result, Ok(42));
    }

    #[test]
    fn a_panicking_job_is_reported_and_the_lane_keeps_working() {
        let lane: Lane<i32> = Lane::new("test-panic", || {});
        lane.submit(|_| -> Result<i32, JobError> { panic!("boom in job") });
        let done = lane.recv_timeout(WAIT).expect("a result");
        assert_eq!(done.result, Err(JobError::Panicked("boom in job".into())));
        lane.submit(|_| Ok(7));
        assert_eq!(lane.recv_timeout(WAIT).unwrap().result, Ok(7));
    }

    #[test]
    fn a_newer_job_cancels_the_running_one() {
        let lane: Lane<u32> = Lane::new("test-latest", || {});
        let (started_tx, started_rx) = crossbeam_channel::bounded(1);
        let (g1, _) = lane.submit(move |p| {
            started_tx.send(()).unwrap();
            // A long job that checks for cancellation between chunks of work.
            for _ in 0..10_000 {
                p.check().map_err(|_| JobError::Cancelled)?;
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(1)
        });
        started_rx.recv_timeout(WAIT).unwrap();
        let (g2, _) = lane.submit(|_| Ok(2));
        let first = lane.recv_timeout(WAIT).unwrap();
        assert_eq!(
            (first.generation, first.result),
            (g1, Err(JobError::Cancelled))
        );
        let second = lane.recv_timeout(WAIT).unwrap();
        assert_eq!((second.generation, second.result), (g2, Ok(2)));
    }

    #[test]
    fn cancel_stops_the_running_job() {
        let lane: Lane<u32> = Lane::new("test-cancel", || {});
        let (started_tx, started_rx) = crossbeam_channel::bounded(1);
        lane.submit(move |p| {
            started_tx.send(()).unwrap();
            loop {
                p.check().map_err(|_| JobError::Cancelled)?;
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        started_rx.recv_timeout(WAIT).unwrap();
        lane.cancel();
        assert_eq!(
            lane.recv_timeout(WAIT).unwrap().result,
            Err(JobError::Cancelled)
        );
    }
}

//! A [`Lane`]: one named worker thread that runs one job at a time, newest first.
//!
//! - Submitting a job makes every older job stale: the running one is told to stop (its
//!   [`Progress`] is cancelled, which long jobs check inside their loops) and a pending one that
//!   has not started is replaced ("latest wins").
//! - A job may stream partial results ([`Job::emit`]) while it runs; only the newest partial is
//!   kept, so a fast job cannot flood a slow reader.
//! - A panic inside a job is caught and reported as [`JobError::Panicked`]; the thread lives on.
//! - Every message carries the generation it was submitted with, so readers drop stale ones.

use std::ops::Deref;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::error::Error;
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

impl From<Error> for JobError {
    fn from(e: Error) -> Self {
        match e {
            Error::Cancelled => JobError::Cancelled,
            e => JobError::Failed(e.to_string()),
        }
    }
}

impl From<crate::progress::Cancelled> for JobError {
    fn from(_: crate::progress::Cancelled) -> Self {
        JobError::Cancelled
    }
}

/// A finished job.
#[derive(Debug)]
pub struct Done<Out> {
    pub generation: u64,
    pub result: Result<Out, JobError>,
    pub elapsed: Duration,
}

/// What a running job sees: its [`Progress`] (dereferenced to, so `job.check()?` works) and a
/// way to stream partial results.
pub struct Job<P> {
    generation: u64,
    progress: Arc<Progress>,
    partial: Arc<Mutex<Option<(u64, P)>>>,
    notify: Arc<dyn Fn() + Send + Sync>,
}

impl<P> Job<P> {
    /// The generation this job was submitted with (unique within its lane).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Publish a partial result. It replaces any partial not yet read; nothing is published
    /// once the job is stale.
    pub fn emit(&self, partial: P) {
        if self.progress.is_cancelled() {
            return;
        }
        *lock(&self.partial) = Some((self.generation, partial));
        (self.notify)();
    }
}

impl<P> Deref for Job<P> {
    type Target = Progress;
    fn deref(&self) -> &Progress {
        &self.progress
    }
}

type JobFn<P, Out> = Box<dyn FnOnce(&Job<P>) -> Result<Out, JobError> + Send>;

struct Pending<P, Out> {
    generation: u64,
    progress: Arc<Progress>,
    run: JobFn<P, Out>,
}

struct Shared<P, Out> {
    pending: Mutex<Option<Pending<P, Out>>>,
    wake: Condvar,
    running: Mutex<Option<Arc<Progress>>>,
    busy: AtomicBool,
    shutdown: AtomicBool,
}

/// One worker thread with latest-wins submission and streamed partial results.
pub struct Lane<P, Out> {
    shared: Arc<Shared<P, Out>>,
    results: Receiver<Done<Out>>,
    partial: Arc<Mutex<Option<(u64, P)>>>,
    notify: Arc<dyn Fn() + Send + Sync>,
    generation: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // No job runs while one of these locks is held, so poisoning cannot hide broken state.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<P: Send + 'static, Out: Send + 'static> Lane<P, Out> {
    /// Start the lane's thread. `notify` is called after each job and each partial result
    /// (e.g. to request a repaint).
    pub fn new(name: &str, notify: impl Fn() + Send + Sync + 'static) -> Self {
        let shared = Arc::new(Shared {
            pending: Mutex::new(None),
            wake: Condvar::new(),
            running: Mutex::new(None),
            busy: AtomicBool::new(false),
            shutdown: AtomicBool::new(false),
        });
        let (tx, results) = unbounded();
        let notify: Arc<dyn Fn() + Send + Sync> = Arc::new(notify);
        let partial = Arc::new(Mutex::new(None));
        let thread_shared = Arc::clone(&shared);
        let thread_notify = Arc::clone(&notify);
        let thread_partial = Arc::clone(&partial);
        // The thread is detached: dropping the lane cancels its job and lets it end on its own,
        // so closing the window never waits for a solver that checks cancellation rarely.
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || run_lane(&thread_shared, &tx, &thread_partial, &thread_notify))
            .expect("spawning a worker thread");
        Self {
            shared,
            results,
            partial,
            notify,
            generation: AtomicU64::new(0),
        }
    }

    /// Queue a job, making every older one stale. Returns its generation and progress.
    pub fn submit(
        &self,
        job: impl FnOnce(&Job<P>) -> Result<Out, JobError> + Send + 'static,
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

    /// The newest partial result not yet taken, with its generation (never blocks).
    pub fn take_partial(&self) -> Option<(u64, P)> {
        lock(&self.partial).take()
    }

    /// The generation of the newest submitted job.
    pub fn latest_generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether a job is pending or running.
    pub fn is_busy(&self) -> bool {
        self.shared.busy.load(Ordering::SeqCst)
    }

    /// Wake whoever reads this lane (used by tests that feed it by hand).
    pub fn notify(&self) {
        (self.notify)();
    }
}

impl<P, Out> Drop for Lane<P, Out> {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        lock(&self.shared.pending).take();
        if let Some(running) = lock(&self.shared.running).as_ref() {
            running.cancel();
        }
        self.shared.wake.notify_all();
    }
}

fn run_lane<P, Out>(
    shared: &Shared<P, Out>,
    tx: &Sender<Done<Out>>,
    partial: &Arc<Mutex<Option<(u64, P)>>>,
    notify: &Arc<dyn Fn() + Send + Sync>,
) {
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
        let context = Job {
            generation: job.generation,
            progress: Arc::clone(&job.progress),
            partial: Arc::clone(partial),
            notify: Arc::clone(notify),
        };
        let run = job.run;
        let result = match catch_unwind(AssertUnwindSafe(|| run(&context))) {
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
        let lane: Lane<(), i32> = Lane::new("test-lane", || {});
        let (g, _) = lane.submit(|_| Ok(41 + 1));
        let done = lane.recv_timeout(WAIT).expect("a result");
        assert_eq!(done.generation, g);
        assert_eq!(done.result, Ok(42));
    }

    #[test]
    fn a_panicking_job_is_reported_and_the_lane_keeps_working() {
        let lane: Lane<(), i32> = Lane::new("test-panic", || {});
        lane.submit(|_| -> Result<i32, JobError> { panic!("boom in job") });
        let done = lane.recv_timeout(WAIT).expect("a result");
        assert_eq!(done.result, Err(JobError::Panicked("boom in job".into())));
        lane.submit(|_| Ok(7));
        assert_eq!(lane.recv_timeout(WAIT).unwrap().result, Ok(7));
    }

    #[test]
    fn a_newer_job_cancels_the_running_one() {
        let lane: Lane<(), u32> = Lane::new("test-latest", || {});
        let (started_tx, started_rx) = crossbeam_channel::bounded(1);
        let (g1, _) = lane.submit(move |p| {
            started_tx.send(()).unwrap();
            // A long job that checks for cancellation between chunks of work.
            for _ in 0..10_000 {
                p.check()?;
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
        let lane: Lane<(), u32> = Lane::new("test-cancel", || {});
        let (started_tx, started_rx) = crossbeam_channel::bounded(1);
        lane.submit(move |p| {
            started_tx.send(()).unwrap();
            loop {
                p.check()?;
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

    #[test]
    fn partials_stream_while_the_job_runs_and_only_the_newest_is_kept() {
        let lane: Lane<usize, usize> = Lane::new("test-partial", || {});
        let (go_tx, go_rx) = crossbeam_channel::bounded::<()>(0);
        let (emitted_tx, emitted_rx) = crossbeam_channel::bounded::<()>(0);
        let (g, _) = lane.submit(move |job| {
            for i in 1..=3 {
                job.emit(i);
            }
            emitted_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            job.emit(4);
            emitted_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            Ok(10)
        });
        emitted_rx.recv_timeout(WAIT).unwrap();
        // Three partials were published before anyone looked: the newest one is what is read.
        assert_eq!(lane.take_partial(), Some((g, 3)));
        assert_eq!(lane.take_partial(), None);
        go_tx.send(()).unwrap();
        emitted_rx.recv_timeout(WAIT).unwrap();
        assert_eq!(lane.take_partial(), Some((g, 4)));
        assert!(lane.try_recv().is_none(), "still running");
        go_tx.send(()).unwrap();
        assert_eq!(lane.recv_timeout(WAIT).unwrap().result, Ok(10));
    }
}

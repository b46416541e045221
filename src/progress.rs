//! Progress reporting and cooperative cancellation for long jobs.
//!
//! A [`Progress`] is shared (behind an `Arc`) between the job doing the work and the UI that
//! draws a progress bar and a Cancel button. The job calls [`Progress::set`] / [`Progress::add`]
//! now and then and checks [`Progress::is_cancelled`] between chunks of work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    /// Shared with every [`Progress::child`].
    cancelled: Arc<AtomicBool>,
    /// A wall-clock budget (shared with every child): solvers that can stop early with a
    /// usable, unconverged result (the SVM) stop once it has passed; see [`Self::out_of_time`].
    deadline: Option<Instant>,
}

/// Returned by a job that noticed [`Progress::is_cancelled`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// A progress whose solvers stop, unconverged, once `limit` has passed from now. A limit
    /// too large to represent means no limit.
    pub fn with_time_limit(limit: Duration) -> Self {
        Self {
            deadline: Instant::now().checked_add(limit),
            ..Self::default()
        }
    }

    /// `true` once the time limit given to [`Self::with_time_limit`] has passed (never without
    /// one). Not a cancellation: the job stops where it is and returns what it has.
    pub fn out_of_time(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    pub fn set(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    pub fn add(&self, delta: u64) {
        self.done.fetch_add(delta, Ordering::Relaxed);
    }

    /// Fraction done in `[0, 1]`, or `None` when the total is not known yet.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return None;
        }
        let done = self.done.load(Ordering::Relaxed).min(total);
        Some(done as f32 / total as f32)
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// A progress with counters of its own that is cancelled whenever this one is: for the
    /// inner steps of a job (a fit inside a loop over folds sets its own counters, which must
    /// not overwrite the job's progress bar, but must stop when the job is cancelled).
    pub fn child(&self) -> Progress {
        Progress {
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            cancelled: Arc::clone(&self.cancelled),
            deadline: self.deadline,
        }
    }

    /// `Err(Cancelled)` once [`Self::cancel`] was called: use with `?` between chunks.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fraction_is_clamped_and_unknown_without_total() {
        let p = Progress::new();
        assert_eq!(p.fraction(), None);
        p.set_total(4);
        p.add(1);
        assert_eq!(p.fraction(), Some(0.25));
        p.set(10);
        assert_eq!(p.fraction(), Some(1.0));
    }

    #[test]
    fn cancel_is_seen_by_check() {
        let p = Progress::new();
        assert!(p.check().is_ok());
        p.cancel();
        assert_eq!(p.check(), Err(Cancelled));
    }

    #[test]
    fn a_child_has_its_own_counters_and_shares_cancellation() {
        let p = Progress::new();
        p.set_total(10);
        p.set(5);
        let c = p.child();
        c.set_total(1);
        c.set(1);
        assert_eq!(p.fraction(), Some(0.5));
        assert!(c.check().is_ok());
        p.cancel();
        assert_eq!(c.check(), Err(Cancelled));
        assert!(p.child().is_cancelled());
    }

    #[test]
    fn a_time_limit_passes_and_is_shared_with_children() {
        assert!(!Progress::new().out_of_time());
        assert!(!Progress::with_time_limit(Duration::from_secs(3600)).out_of_time());
        assert!(!Progress::with_time_limit(Duration::MAX).out_of_time());
        let p = Progress::with_time_limit(Duration::ZERO);
        assert!(p.out_of_time());
        assert!(p.child().out_of_time());
        // Out of time is not cancelled.
        assert!(p.check().is_ok());
    }
}

//! A [`Slot`]: one live computation of the app, on its own [`Lane`].
//!
//! The app says each frame what it *wants* (a key that names the inputs by content or by a
//! generation counter, never by a memory address) and the slot does the rest:
//! - submit only when the key changed; a newer key cancels the stale job (latest wins);
//! - keep the last good result on screen while the next one computes, and say whether it is
//!   current ([`Shown::current`]);
//! - stream the running job's partial results ([`Shown::partial`]);
//! - progress and cancel for free; errors and panics become a readable [`JobError`].
//!
//! Readers (the views) only ever see [`Shown`], which has no key type.

use std::sync::Arc;
use std::time::Duration;

use super::lane::{Job, JobError, Lane};
use crate::progress::Progress;

/// What a slot has to show, whatever its key type.
pub struct Shown<P, O> {
    /// The last good result (kept while a newer one computes, or after the newer one failed).
    pub result: Option<Arc<O>>,
    /// Whether `result` was computed from the key wanted now.
    pub current: bool,
    /// The newest partial result of the running job (cleared when it finishes).
    pub partial: Option<Arc<P>>,
    /// Why the newest job failed (cleared by the next success or a new key).
    pub error: Option<JobError>,
    /// Progress of the newest job while it runs.
    pub progress: Option<Arc<Progress>>,
    /// How long the job behind `result` took.
    pub elapsed: Option<Duration>,
    /// The generation of the job behind `result` (unique within the slot; 0 before any).
    pub generation: u64,
    /// The newest job was stopped by [`Slot::cancel`]; its partial result stays on screen.
    pub cancelled: bool,
    busy: bool,
}

impl<P, O> Default for Shown<P, O> {
    fn default() -> Self {
        Self {
            result: None,
            current: false,
            partial: None,
            error: None,
            progress: None,
            elapsed: None,
            generation: 0,
            cancelled: false,
            busy: false,
        }
    }
}

impl<P, O> Shown<P, O> {
    /// Whether a job is pending or running.
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// The fraction done of the running job, if it says.
    pub fn fraction(&self) -> Option<f32> {
        if !self.busy {
            return None;
        }
        self.progress.as_ref().and_then(|p| p.fraction())
    }

    /// The error's text, for a view.
    pub fn error_text(&self) -> Option<String> {
        self.error.as_ref().map(ToString::to_string)
    }
}

/// A finished job of the newest generation, as [`Slot::poll`] reports it.
pub struct Finished<O> {
    pub generation: u64,
    pub result: Result<Arc<O>, JobError>,
}

/// One computation: a key, a lane, and what it shows.
pub struct Slot<K, P, O> {
    lane: Lane<P, O>,
    /// The key of the newest submitted job.
    submitted: Option<K>,
    /// The key `shown.result` was computed from.
    result_key: Option<K>,
    shown: Shown<P, O>,
    /// Recent results by key, newest last (see [`Slot::with_cache`]).
    cache: Vec<(K, Arc<O>)>,
    cache_size: usize,
}

impl<K, P, O> Slot<K, P, O>
where
    K: Clone + PartialEq,
    P: Send + 'static,
    O: Send + Sync + 'static,
{
    /// A slot on a thread named `name`; `notify` is called when something arrives.
    pub fn new(name: &str, notify: impl Fn() + Send + Sync + 'static) -> Self {
        Self {
            lane: Lane::new(name, notify),
            submitted: None,
            result_key: None,
            shown: Shown::default(),
            cache: Vec::new(),
            cache_size: 0,
        }
    }

    /// Keep the last `n` results by key: wanting one of them again shows it at once, with no
    /// job (going back to an earlier setting is instant).
    pub fn with_cache(mut self, n: usize) -> Self {
        self.cache_size = n;
        self
    }

    /// Submit the job that `make` builds unless `key` is what was last submitted. Returns
    /// whether a job was submitted.
    pub fn want<F>(&mut self, key: K, make: impl FnOnce() -> F) -> bool
    where
        F: FnOnce(&Job<P>) -> Result<O, JobError> + Send + 'static,
    {
        if self.submitted.as_ref() == Some(&key) {
            return false;
        }
        if let Some(at) = self.cache.iter().position(|(k, _)| *k == key) {
            let (key, out) = self.cache.remove(at);
            self.lane.cancel();
            self.shown.result = Some(Arc::clone(&out));
            self.shown.partial = None;
            self.shown.error = None;
            self.shown.cancelled = false;
            self.shown.current = true;
            self.result_key = Some(key.clone());
            self.submitted = Some(key.clone());
            self.cache.push((key, out));
            return false;
        }
        self.submit(key, make());
        true
    }

    /// Submit unconditionally (the stale job, if any, is cancelled).
    pub fn submit(
        &mut self,
        key: K,
        job: impl FnOnce(&Job<P>) -> Result<O, JobError> + Send + 'static,
    ) -> u64 {
        let (generation, progress) = self.lane.submit(job);
        self.shown.current = self.result_key.as_ref() == Some(&key);
        self.shown.partial = None;
        self.shown.error = None;
        self.shown.progress = Some(progress);
        self.shown.cancelled = false;
        self.shown.busy = true;
        self.submitted = Some(key);
        generation
    }

    /// Stop the running job at the user's request. What is shown stays, its partial result
    /// too, and the same key is not started again until it changes (or [`Self::forget`]).
    pub fn cancel(&mut self) {
        self.lane.cancel();
        if self.lane.is_busy() {
            self.shown.cancelled = true;
        }
    }

    /// Forget the submitted key, so that wanting it again computes it again.
    pub fn forget(&mut self) {
        self.submitted = None;
    }

    /// Nothing is wanted any more (the inputs are gone): cancel and show nothing.
    pub fn clear(&mut self) {
        self.lane.cancel();
        self.submitted = None;
        self.result_key = None;
        self.shown = Shown::default();
    }

    /// Take in what the lane produced. Returns the newest job's outcome when it finished in
    /// this call (stale jobs are dropped silently).
    pub fn poll(&mut self) -> Option<Finished<O>> {
        let latest = self.lane.latest_generation();
        if let Some((generation, partial)) = self.lane.take_partial()
            && generation == latest
        {
            self.shown.partial = Some(Arc::new(partial));
        }
        let mut finished = None;
        while let Some(done) = self.lane.try_recv() {
            if done.generation != latest {
                continue;
            }
            let result = match done.result {
                Ok(out) => {
                    self.shown.partial = None;
                    let out = Arc::new(out);
                    self.shown.result = Some(Arc::clone(&out));
                    self.shown.elapsed = Some(done.elapsed);
                    self.shown.generation = done.generation;
                    self.shown.error = None;
                    self.result_key = self.submitted.clone();
                    self.shown.current = true;
                    if self.cache_size > 0
                        && let Some(key) = self.submitted.clone()
                    {
                        self.cache.retain(|(k, _)| *k != key);
                        self.cache.push((key, Arc::clone(&out)));
                        if self.cache.len() > self.cache_size {
                            self.cache.remove(0);
                        }
                    }
                    Ok(out)
                }
                Err(e) => {
                    if e == JobError::Cancelled {
                        // What the job had streamed so far stays visible.
                        self.shown.cancelled = true;
                    } else {
                        self.shown.partial = None;
                        self.shown.error = Some(e.clone());
                    }
                    Err(e)
                }
            };
            finished = Some(Finished {
                generation: done.generation,
                result,
            });
        }
        self.shown.busy = self.lane.is_busy();
        finished
    }

    /// Treat the shown result as what is wanted (after the app moved its settings back to
    /// what is on screen, e.g. when a load failed).
    pub fn settle_on_shown(&mut self) {
        self.submitted = self.result_key.clone();
        self.shown.current = self.result_key.is_some();
    }

    pub fn shown(&self) -> &Shown<P, O> {
        &self.shown
    }

    /// The key of the newest submitted job.
    pub fn submitted(&self) -> Option<&K> {
        self.submitted.as_ref()
    }

    /// The key the shown result was computed from.
    pub fn result_key(&self) -> Option<&K> {
        self.result_key.as_ref()
    }

    /// The generation of the newest submitted job.
    pub fn latest_generation(&self) -> u64 {
        self.lane.latest_generation()
    }

    /// Whether a job is pending or running (asks the lane, not the last poll).
    pub fn is_busy(&self) -> bool {
        self.lane.is_busy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// Poll until the newest job finished (at most 10 s).
    fn finish<K: Clone + PartialEq, P: Send + 'static, O: Send + Sync + 'static>(
        slot: &mut Slot<K, P, O>,
    ) -> Finished<O> {
        let start = Instant::now();
        loop {
            if let Some(f) = slot.poll() {
                return f;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "no result");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn submits_only_when_the_key_changes() {
        let mut slot: Slot<u32, (), u32> = Slot::new("test-slot", || {});
        assert!(slot.want(1, || |_: &Job<()>| Ok(10)));
        assert!(!slot.want(1, || |_: &Job<()>| Ok(11)));
        assert_eq!(*finish(&mut slot).result.unwrap(), 10);
        assert!(slot.shown().current);
        assert!(
            !slot.want(1, || |_: &Job<()>| Ok(12)),
            "same key: no new job"
        );
        assert!(slot.want(2, || |_: &Job<()>| Ok(20)));
        // Until the new result arrives, the old one stays and is marked as not current.
        assert_eq!(slot.shown().result.as_deref(), Some(&10));
        assert!(!slot.shown().current);
        assert_eq!(*finish(&mut slot).result.unwrap(), 20);
        assert!(slot.shown().current);
    }

    #[test]
    fn a_new_key_cancels_the_stale_job_and_its_partials_are_dropped() {
        let mut slot: Slot<u32, u32, u32> = Slot::new("test-slot-stale", || {});
        let (started_tx, started_rx) = crossbeam_channel::bounded(1);
        slot.want(1, move || {
            move |job: &Job<u32>| {
                job.emit(1);
                started_tx.send(()).unwrap();
                loop {
                    job.check()?;
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        });
        started_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        slot.want(2, || |_: &Job<u32>| Ok(2));
        let f = finish(&mut slot);
        assert_eq!(*f.result.unwrap(), 2);
        assert!(slot.shown().partial.is_none(), "the stale partial is gone");
        assert!(slot.shown().error.is_none(), "a cancelled job is no error");
    }

    #[test]
    fn a_cached_key_is_shown_at_once_without_a_job() {
        let mut slot: Slot<u32, (), u32> = Slot::new("test-slot-cache", || {}).with_cache(2);
        slot.want(1, || |_: &Job<()>| Ok(10));
        finish(&mut slot);
        slot.want(2, || |_: &Job<()>| Ok(20));
        finish(&mut slot);
        // Back to key 1: shown at once (the job that would compute it is never built).
        let never = || -> fn(&Job<()>) -> Result<u32, JobError> {
            panic!("no job is built for a cached key")
        };
        assert!(!slot.want(1, never));
        assert_eq!(slot.shown().result.as_deref(), Some(&10));
        assert!(slot.shown().current && !slot.is_busy());
        // A third key pushes the oldest (2) out of a cache of two.
        slot.want(3, || |_: &Job<()>| Ok(30));
        finish(&mut slot);
        assert!(slot.want(2, || |_: &Job<()>| Ok(21)));
        assert_eq!(*finish(&mut slot).result.unwrap(), 21);
    }

    #[test]
    fn an_error_keeps_the_last_good_result_and_says_why() {
        let mut slot: Slot<u32, (), u32> = Slot::new("test-slot-error", || {});
        slot.want(1, || |_: &Job<()>| Ok(1));
        finish(&mut slot);
        slot.want(2, || {
            |_: &Job<()>| Err(JobError::Failed("bad input".into()))
        });
        assert!(finish(&mut slot).result.is_err());
        assert_eq!(slot.shown().result.as_deref(), Some(&1));
        assert!(!slot.shown().current);
        assert_eq!(slot.shown().error_text().as_deref(), Some("bad input"));
        // A panic is an error too, and the slot keeps working.
        slot.want(3, || {
            |_: &Job<()>| -> Result<u32, JobError> { panic!("bug") }
        });
        assert!(matches!(
            finish(&mut slot).result,
            Err(JobError::Panicked(_))
        ));
        slot.want(4, || |_: &Job<()>| Ok(4));
        assert_eq!(*finish(&mut slot).result.unwrap(), 4);
    }

    #[test]
    fn partials_are_shown_while_running_and_cancel_keeps_them_without_restarting() {
        let mut slot: Slot<u32, Vec<u32>, u32> = Slot::new("test-slot-partial", || {});
        let (step_tx, step_rx) = crossbeam_channel::bounded::<()>(0);
        slot.want(7, move || {
            move |job: &Job<Vec<u32>>| {
                let mut so_far = Vec::new();
                for i in 0..1000 {
                    so_far.push(i);
                    job.emit(so_far.clone());
                    step_rx.recv().map_err(|_| JobError::Cancelled)?;
                    job.check()?;
                }
                Ok(0)
            }
        });
        step_tx.send(()).unwrap();
        step_tx.send(()).unwrap();
        let start = Instant::now();
        while slot.shown().partial.as_ref().is_none_or(|p| p.len() < 3) {
            slot.poll();
            assert!(start.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(**slot.shown().partial.as_ref().unwrap(), vec![0, 1, 2]);
        slot.cancel();
        drop(step_tx);
        assert!(matches!(finish(&mut slot).result, Err(JobError::Cancelled)));
        assert!(slot.shown().result.is_none());
        assert!(slot.shown().cancelled);
        // The curve so far stays on screen, and the same key does not start again…
        assert_eq!(**slot.shown().partial.as_ref().unwrap(), vec![0, 1, 2]);
        assert!(!slot.want(7, || |_: &Job<Vec<u32>>| Ok(1)));
        // …until it is forgotten (run again) or changes.
        slot.forget();
        assert!(slot.want(7, || |_: &Job<Vec<u32>>| Ok(1)));
        assert_eq!(*finish(&mut slot).result.unwrap(), 1);
        assert!(!slot.shown().cancelled && slot.shown().partial.is_none());
    }
}

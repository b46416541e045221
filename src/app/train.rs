//! The Train view's run: one slot whose jobs train from the run on screen. Play trains to the
//! last epoch and streams a frame every tenth of a second; pause cancels (the run stays where
//! it was drawn); step trains one epoch; reset starts again from the seed. New data (an
//! edited point, another file), other columns or another network start a new run (playing
//! on if it was); a new learning rate, batch size or penalty takes effect at once, from the
//! run as it is.

use std::sync::Arc;

use crate::analysis::live::FitOn;
use crate::state::{Level, Tab};
use crate::train::frames::{TrainFrame, TrainMode, run_training, train_input};
use crate::train::{TrainParams, Trainer};
use crate::worker::{Job, JobError};

use super::RidgelineApp;

/// What a run is trained on and what network: a frame of another key is stale.
#[derive(Clone, Debug, PartialEq)]
pub struct RunKey {
    pub data: u64,
    pub fit_on: FitOn,
    pub axes: (usize, usize),
    pub params: TrainParams,
}

impl RunKey {
    fn same_run(&self, other: &RunKey) -> bool {
        self.data == other.data
            && self.fit_on == other.fit_on
            && self.axes == other.axes
            && self.params.same_network(&other.params)
    }
}

/// The app's side of the run: the key of the newest job and what it was asked.
#[derive(Default)]
pub struct TrainState {
    pub run: crate::state::TrainRun,
    /// The key of the newest submitted job.
    key: Option<RunKey>,
    /// The key of the run on screen.
    frame_key: Option<RunKey>,
    /// Key of the newest job's run (its frames become `frame` when they arrive).
    submitted: u64,
}

impl TrainState {
    /// No run yet; the first one plays when `play` (`--play`).
    pub fn playing(play: bool) -> Self {
        let mut s = Self::default();
        s.run.playing = play;
        s
    }
}

impl RidgelineApp {
    /// The run's key as the settings ask for it now (`None` without a dataset).
    fn train_key(&self) -> Option<(RunKey, Arc<crate::state::Prepared>)> {
        let prepared = Arc::clone(self.prepared()?);
        let view = &self.settings.view;
        let axes = prepared.feature_axes(view.x_feature.as_deref(), view.y_feature.as_deref());
        Some((
            RunKey {
                data: self.rt.jobs.data.shown().generation,
                fit_on: self.settings.model.fit_on,
                axes,
                params: self.settings.train.clone(),
            },
            prepared,
        ))
    }

    /// Start a job of `mode` from `start` (or a new trainer).
    fn submit_training(&mut self, mode: TrainMode, start: Option<Trainer>) {
        let Some((key, prepared)) = self.train_key() else {
            return;
        };
        if let Err(e) = key.params.validate() {
            self.rt.train.run.error = Some(e.to_string());
            self.rt.train.run.playing = false;
            return;
        }
        self.rt.train.run.error = None;
        self.rt.train.run.playing = mode == TrainMode::Play;
        self.rt.train.submitted += 1;
        let params = key.params.clone();
        let (fit_on, axes) = (key.fit_on, key.axes);
        self.rt.train.key = Some(key);
        self.rt
            .jobs
            .train
            .submit(self.rt.train.submitted, move |job: &Job<TrainFrame>| {
                let input = train_input(&prepared.dataset, &prepared.split, fit_on, axes)?;
                let emit = &mut |f: TrainFrame| job.emit(f);
                Ok(run_training(start, &params, &input, mode, job, emit)?)
            });
    }

    /// The trainer on screen, if it is of the run the settings ask for.
    fn trainer_on_screen(&self) -> Option<Trainer> {
        let (key, _) = self.train_key()?;
        let frame = self.rt.train.run.frame.as_ref()?;
        self.rt
            .train
            .frame_key
            .as_ref()
            .is_some_and(|k| k.same_run(&key))
            .then(|| frame.trainer.clone())
    }

    pub(super) fn train_command(&mut self, mode: Option<TrainMode>) {
        match mode {
            None => {
                self.rt.jobs.train.cancel();
                self.rt.train.run.playing = false;
            }
            Some(TrainMode::Play) => {
                // At the last epoch, play starts again from the first.
                let start = self
                    .trainer_on_screen()
                    .filter(|t| t.epoch() < self.settings.train.epochs);
                self.submit_training(TrainMode::Play, start);
            }
            Some(TrainMode::Step) => {
                let start = self.trainer_on_screen();
                self.submit_training(TrainMode::Step, start);
            }
            Some(TrainMode::Show) => self.submit_training(TrainMode::Show, None),
        }
    }

    /// Take in the run's frames; start a new run when the data, columns or network changed
    /// (while the view is shown or a run plays), and hand a playing run new rates.
    pub(super) fn poll_training(&mut self) {
        let finished = self.rt.jobs.train.poll();
        let shown = self.rt.jobs.train.shown();
        let newest = match &finished {
            Some(f) => f.result.as_ref().ok().cloned(),
            None => None,
        }
        .or_else(|| shown.partial.clone());
        if let Some(frame) = newest {
            self.rt.train.run.frame = Some(frame);
            self.rt.train.frame_key = self.rt.train.key.clone();
        }
        if let Some(f) = finished {
            self.rt.train.run.playing = false;
            match f.result {
                Err(JobError::Cancelled) | Ok(_) => {}
                Err(e) => {
                    let text = e.to_string();
                    self.set_status(Level::Warning, format!("training stopped: {text}"));
                    self.rt.train.run.error = Some(text);
                }
            }
        }
        if self.settings.view.tab != Tab::Train && !self.rt.train.run.playing {
            return;
        }
        let Some((key, _)) = self.train_key() else {
            return;
        };
        let same_run = self.rt.train.key.as_ref().is_some_and(|k| k.same_run(&key));
        if !same_run {
            let mode = if self.rt.train.run.playing {
                TrainMode::Play
            } else {
                TrainMode::Show
            };
            self.submit_training(mode, None);
        } else if self.rt.train.run.playing && self.rt.train.key.as_ref() != Some(&key) {
            // New rates: go on from the run as it is drawn, with them.
            let start = self.trainer_on_screen();
            self.submit_training(TrainMode::Play, start);
        }
        self.rt.train.run.stale = !self
            .rt
            .train
            .frame_key
            .as_ref()
            .is_some_and(|k| k.same_run(&key));
    }
}

//! Ridgeline: a native desktop workbench for classical machine learning.
//!
//! Layers, lowest first; a lower layer never imports a higher one:
//! - [`progress`], [`error`]: cancellation and progress of long work; the one error type.
//! - [`data`]: tables, CSV loading, built-in datasets and generators, column roles, preparation.
//! - [`estimators`]: linfa-backed models with scikit-learn-style parameters.
//! - [`analysis`]: metrics, decision grids, cross-validation: pure functions, no egui.
//! - [`worker`]: the only place with threads: lanes and the job [`worker::Slot`].
//! - [`state`]: the app's vocabulary (settings, commands, results), no egui.
//! - [`figure`]: what each plot shows, as data, no egui.
//! - [`ui`]: panels and views drawing from a [`ui::Ctx`]; never sees the app type.
//! - [`app`]: the eframe application (computes, never draws); [`cli`]: the headless face.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod data;
pub mod error;
pub mod estimators;
pub mod figure;
pub mod progress;
pub mod state;
pub mod train;
pub mod ui;
pub mod worker;

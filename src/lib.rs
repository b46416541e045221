//! Ridgeline: a native desktop workbench for classical machine learning.
//!
//! Layers, lowest first; a lower layer never imports a higher one:
//! - [`progress`]: cancellation and progress shared by long jobs.
//! - [`data`]: tables, CSV loading, built-in datasets and generators, column roles, preparation.
//! - [`estimators`]: linfa-backed models with scikit-learn-style parameters.
//! - [`analysis`]: metrics, decision grids and other pure functions over data and models.
//! - [`worker`]: the only place with threads.
//! - [`ui`] and [`app`]: the egui front end; [`cli`]: the headless front end.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod data;
pub mod estimators;
pub mod progress;
pub mod ui;
pub mod worker;

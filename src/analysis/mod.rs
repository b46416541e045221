//! Pure functions over data and fitted models: metrics, decision grids. No egui here.

pub mod contour;
pub mod cv;
pub mod grid;
pub mod live;
pub mod loss;
pub mod metrics;
pub mod path;

//! Pure functions over data and fitted models: metrics, decision grids, curves. No egui here.

pub mod bias_variance;
pub mod compare;
pub mod contour;
pub mod curves;
pub mod cv;
pub mod folds;
pub mod grid;
pub mod live;
pub mod loss;
pub mod metrics;
pub mod path;
pub mod report;
pub mod shrinkage;
pub mod svm_path;

//! The side panels: data (left), model controls and metrics (right).

pub mod data;
pub mod metrics;
pub mod model_controls;
pub mod train_controls;

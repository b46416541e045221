//! Every integration test, in one binary: the crate links once, so the suite builds and
//! starts faster on a small machine. One module per area.

mod cli;
mod cli_fuzz;
mod close;
mod common;
mod csv_loader;
mod csv_props;
mod curves;
mod desktop;
mod elastic_net;
mod intent;
mod logistic;
mod loss;
mod magnitudes;
mod metrics;
mod path;
mod pca;
mod read_limits;
mod session;
mod shrinkage;
mod svm;
mod train;
mod ui;
mod ui_curves;
mod ui_edit;
mod ui_loss;
mod ui_model;
mod ui_path;
mod ui_snapshots;
mod ui_theme;
mod ui_train;

//! What the computations produce, in the form the views draw.

use std::sync::Arc;

use crate::analysis::live::LiveResult;
use crate::data::dataset::{Dataset, Roles};
use crate::data::prep::Split;
use crate::data::stats::ColumnStats;
use crate::data::{Source, Table, Target};

/// Most points drawn in a scatter plot; larger data is shown by a seeded random sample.
pub const MAX_DRAWN_POINTS: usize = 20_000;

/// A dataset ready for views and models.
#[derive(Debug)]
pub struct Prepared {
    pub dataset: Dataset,
    pub split: Split,
    /// Rows of `dataset` drawn in scatter plots (all of them up to [`MAX_DRAWN_POINTS`]).
    pub drawn_rows: Vec<usize>,
}

impl Prepared {
    /// Whether dataset row `i` is in the test part.
    pub fn is_test(&self, i: usize) -> bool {
        self.split.test.binary_search(&i).is_ok()
    }

    /// The choices of a scatter axis: every feature, and the target when it is numeric.
    pub fn axis_options(&self) -> Vec<String> {
        let mut options = self.dataset.feature_names.clone();
        if matches!(self.dataset.target, Target::Values(_)) {
            options.push(self.dataset.target_name.clone());
        }
        options
    }

    /// The axes named by `x` and `y` (scatter axes: features, then a numeric target),
    /// falling back to the first two options.
    pub fn chosen_axes(&self, x: Option<&str>, y: Option<&str>) -> (usize, usize) {
        let options = self.axis_options();
        let find = |name: Option<&str>| name.and_then(|n| options.iter().position(|o| o == n));
        let xa = find(x).unwrap_or(0);
        let ya = find(y).unwrap_or(if options.len() > 1 { 1 } else { 0 });
        (xa, ya)
    }

    /// The two features of a model view's plane, named by `x` and `y`; by default the first
    /// two features.
    pub fn feature_axes(&self, x: Option<&str>, y: Option<&str>) -> (usize, usize) {
        feature_axes(&self.dataset.feature_names, x, y)
    }
}

/// The two features of a model view's plane among `names`, named by `x` and `y`; by default
/// the first two features. (The window and `ridgeline fit --session` choose them alike.)
pub fn feature_axes(names: &[String], x: Option<&str>, y: Option<&str>) -> (usize, usize) {
    let find = |name: Option<&str>| name.and_then(|n| names.iter().position(|o| o == n));
    let xa = find(x).unwrap_or(0);
    let ya = find(y).unwrap_or(if names.len() > 1 {
        usize::from(xa == 0)
    } else {
        0
    });
    (xa, ya)
}

/// The result of the data job: the table, its stats and the dataset the roles make of it.
#[derive(Debug)]
pub struct DataView {
    pub source: Source,
    pub roles: Roles,
    pub table: Arc<Table>,
    pub stats: Arc<Vec<ColumnStats>>,
    pub load_ms: f64,
    /// The dataset, or why the current roles cannot make one (the table stays visible).
    pub prepared: Result<Arc<Prepared>, String>,
}

/// A finished model update, with everything its view draws. It keeps the data it was fitted
/// on, so the last good picture stays consistent while a newer one computes.
pub struct ModelView {
    pub prepared: Arc<Prepared>,
    /// Dataset features on the horizontal and vertical axes.
    pub axes: (usize, usize),
    pub result: LiveResult,
    /// The estimator and parameters it was fitted with.
    pub spec: crate::estimators::ModelSpec,
    /// The settings' estimator and parameters it was fitted for (`spec` may differ: PCA's
    /// components are capped by the data).
    pub asked: crate::estimators::ModelSpec,
    /// Made with the coarse grid while dragging.
    pub coarse: bool,
}

/// How important a status message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// The message in the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub level: Level,
    pub text: String,
}

/// The Train view's run as the window shows it.
#[derive(Default)]
pub struct TrainRun {
    /// A job is training to the last epoch.
    pub playing: bool,
    /// The newest frame of the run: what is drawn.
    pub frame: Option<Arc<crate::train::frames::TrainFrame>>,
    /// The frame is of other data, columns or network than the settings ask for now (a new
    /// run is being made).
    pub stale: bool,
    /// Why the run stopped or could not start.
    pub error: Option<String>,
}

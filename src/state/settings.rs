//! Everything the user chose; persisted with eframe's storage (`#[serde(default)]` on every
//! struct, so a settings file from an older version still loads).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::analysis::live::FitOn;
use crate::data::Source;
use crate::data::dataset::{Purpose, Roles};
use crate::data::prep::PrepSettings;
use crate::estimators::ModelSpec;

/// Most files remembered in the recent list.
pub const MAX_RECENT: usize = 10;

/// The main views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    /// The fitted model: decision boundary, regression diagnostics or principal axes.
    #[default]
    Model,
    /// How the current fit's training objective fell, iteration by iteration.
    Loss,
    /// The regularisation path: coefficients and cross-validated error against α.
    Path,
    /// Validation and learning curves, the bias–variance decomposition, A against B.
    Curves,
    /// SGD and a small neural network trained live, epoch by epoch.
    Train,
    Scatter,
    Table,
}

impl Tab {
    /// Every view, in the top bar's order (Ctrl+1 … Ctrl+7).
    pub const ALL: [Tab; 7] = [
        Tab::Model,
        Tab::Loss,
        Tab::Path,
        Tab::Curves,
        Tab::Train,
        Tab::Scatter,
        Tab::Table,
    ];

    /// Whether the view shows the live fit (and so needs the model controls beside it).
    pub fn shows_model(self) -> bool {
        matches!(self, Tab::Model | Tab::Loss | Tab::Path | Tab::Curves)
    }
}

/// Which curve the Curves tab shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CurveKind {
    /// Train and CV score against one parameter.
    #[default]
    Validation,
    /// Train and CV error against the training-set size m.
    Learning,
    /// Bias², variance and test MSE against α (regression).
    BiasVariance,
    /// A pinned configuration against the current one, on the same folds.
    Compare,
    /// L2 shrinkage λᵢ/(λᵢ + α) along the eigen-directions of XᵀX (regression).
    Shrinkage,
}

/// How the data table shows the data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableMode {
    #[default]
    Columns,
    Rows,
}

/// What the user sees, remembered across restarts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    pub tab: Tab,
    pub table_mode: TableMode,
    /// Feature on the scatter plot's horizontal and vertical axes, by name.
    pub x_feature: Option<String>,
    pub y_feature: Option<String>,
    /// First column shown in the rows table (for very wide files).
    pub first_column: usize,
    /// The loss view's vertical axes are logarithmic.
    pub loss_log_y: bool,
    /// The F1 help window is open.
    pub show_help: bool,
    /// The export window is open (not remembered).
    #[serde(skip)]
    pub show_export: bool,
    /// A session file dialog was asked for: `Some(true)` to save, `Some(false)` to open (not
    /// remembered).
    #[serde(skip)]
    pub session_dialog: Option<bool>,
    /// The side panels are hidden (for small windows).
    pub hide_data_panel: bool,
    pub hide_model_panel: bool,
    /// The path view's output (class) for multinomial logistic regression.
    pub path_output: usize,
    /// The Curves tab's curve, and the parameter of the validation curve.
    pub curve: CurveKind,
    pub curve_param: Option<crate::analysis::curves::Param>,
    /// The SVM path's parameter: C, or γ.
    pub svm_path_param: Option<crate::analysis::curves::Param>,
    /// Clicks on the decision map add, move and delete points (svm-toy).
    pub edit_points: bool,
    /// The class a click adds (an index into the edited points' classes).
    pub edit_class: usize,
    /// Light theme instead of the dark one.
    pub light_theme: bool,
}

/// The estimator and how it is fitted and validated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelSettings {
    pub spec: ModelSpec,
    pub fit_on: FitOn,
    /// k of the k-fold cross-validation in the window (path, curves).
    pub cv_folds: usize,
    /// Configuration A of the comparison ("pin"), compared with the current one (B).
    pub pinned: Option<ModelSpec>,
}

impl Default for ModelSettings {
    fn default() -> Self {
        Self {
            spec: ModelSpec::default(),
            fit_on: FitOn::default(),
            cv_folds: 5,
            pinned: None,
        }
    }
}

/// Most folds the window's cross-validation offers.
pub const MAX_CV_FOLDS: usize = 20;

/// Everything the user chose.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub source: Source,
    pub roles: Roles,
    pub prep: PrepSettings,
    pub view: ViewSettings,
    pub model: ModelSettings,
    pub recent_files: Vec<PathBuf>,
    /// The Train view's model, network, optimiser and inputs.
    pub train: crate::train::TrainParams,
}

/// What the data job computes from: the key of the data slot.
#[derive(Clone, Debug, PartialEq)]
pub struct DataRequest {
    pub source: Source,
    pub roles: Roles,
    pub prep: PrepSettings,
    /// PCA does not learn the target: any target will do (see [`Purpose`]).
    pub purpose: Purpose,
}

impl Settings {
    pub fn data_request(&self) -> DataRequest {
        DataRequest {
            source: self.source.clone(),
            roles: self.roles.clone(),
            prep: self.prep.clone(),
            purpose: if self.model.spec.kind.needs().is_none() {
                Purpose::Unsupervised
            } else {
                Purpose::Supervised
            },
        }
    }

    /// Another table is coming: roles and axes named after the old columns no longer apply.
    pub fn forget_columns(&mut self) {
        self.roles = Roles::default();
        self.view.x_feature = None;
        self.view.y_feature = None;
        self.view.first_column = 0;
    }

    /// Bring every value into the range the app can use (saved settings may come from an
    /// older version, a hand edit or a crash). Returns one note per value it had to change.
    pub fn sanitize(&mut self) -> Vec<String> {
        use crate::data::builtin::{Builtin, MAX_GENERATED};
        let mut notes = Vec::new();
        if let Source::Builtin(Builtin::Generated { kind, n, noise, .. }) = &mut self.source {
            if !(20..=MAX_GENERATED).contains(n) {
                notes.push(format!("sample count {n}"));
                *n = (*n).clamp(20, MAX_GENERATED);
            }
            if !(noise.is_finite() && (0.0..=4.0).contains(noise)) {
                notes.push(format!("noise {}", crate::error::Num(*noise)));
                *noise = kind.default_noise();
            }
        }
        let prep = &mut self.prep;
        if !(prep.test_fraction.is_finite() && (0.0..=0.9).contains(&prep.test_fraction)) {
            notes.push(format!(
                "test share {}",
                crate::error::Num(prep.test_fraction)
            ));
            prep.test_fraction = PrepSettings::default().test_fraction;
        }
        let spec = &mut self.model.spec;
        if let Err(e) = spec.svm.validate() {
            notes.push(format!("SVM: {e}"));
            spec.svm = Default::default();
        }
        if let Err(e) = spec.logistic.validate() {
            notes.push(format!("logistic regression: {e}"));
            spec.logistic = Default::default();
        }
        if let Err(e) = spec.elastic_net.validate() {
            notes.push(format!("elastic net: {e}"));
            spec.elastic_net = Default::default();
        }
        if let Err(e) = spec.pca.validate() {
            notes.push(format!("PCA: {e}"));
            spec.pca = Default::default();
        }
        // Configuration A of the comparison: only its own model's parameters are used.
        if let Some(pinned) = &self.model.pinned
            && let Err(e) = pinned.validate()
        {
            notes.push(format!("pinned configuration A: {e}"));
            self.model.pinned = None;
        }
        if !(2..=MAX_CV_FOLDS).contains(&self.model.cv_folds) {
            notes.push(format!("CV folds {}", self.model.cv_folds));
            self.model.cv_folds = ModelSettings::default().cv_folds;
        }
        if let Err(e) = self.train.validate() {
            notes.push(format!("training: {e}"));
            self.train = Default::default();
        }
        if let Source::Points(p) = &self.source
            && let Err(e) = p.check()
        {
            notes.push(format!("edited points: {e}"));
            self.source = Source::default();
            self.roles = Default::default();
        }
        if self.recent_files.len() > MAX_RECENT {
            notes.push(format!("{} recent files", self.recent_files.len()));
            self.recent_files.truncate(MAX_RECENT);
        }
        notes
    }

    /// Put a file at the top of the recent list.
    pub fn remember_file(&mut self, path: &std::path::Path) {
        self.recent_files.retain(|p| p != path);
        self.recent_files.insert(0, path.to_path_buf());
        self.recent_files.truncate(MAX_RECENT);
    }
}

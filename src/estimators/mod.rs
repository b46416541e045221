//! Estimators: scikit-learn-style parameters mapped onto linfa, fitted models with predict /
//! decision / loss. No egui here. Every linfa 0.8.1 defect from LINFA_NOTES.md is handled in
//! these files, with a comment where it is.

pub mod elastic_net;
pub(crate) mod enet_cd;
mod input;
pub mod logistic;
pub mod logistic_lbfgs;
pub mod pca;
pub mod svm;

pub use crate::error::Error;

/// `tol` must be a finite number > 0.
pub(crate) fn check_tol(tol: f64) -> Result<(), Error> {
    if tol.is_finite() && tol > 0.0 {
        Ok(())
    } else {
        Err(Error::Param(format!(
            "tol must be a finite number > 0, got {}",
            crate::error::Num(tol)
        )))
    }
}

/// The most iterations (L-BFGS steps, coordinate-descent sweeps) any `max_iter` may ask for:
/// every fit is bounded, and linfa's fits cannot be interrupted midway.
pub const MAX_ITER: u64 = 1_000_000;

/// Absolute cap on L-BFGS iterations and coordinate-descent sweeps run by our own solvers,
/// whatever `max_iter` says.
pub const ITERATION_CAP: u64 = 100_000;

/// `max_iter` must be in `1..=MAX_ITER`.
pub(crate) fn check_max_iter(max_iter: u64) -> Result<(), Error> {
    if (1..=MAX_ITER).contains(&max_iter) {
        Ok(())
    } else {
        Err(Error::Param(format!(
            "max_iter must be an integer in 1..={MAX_ITER}, got {max_iter}"
        )))
    }
}

use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::progress::Progress;

/// The class each row of `scores` picks: one column (binary: class 1 when the score is
/// ≥ 0, as linfa's threshold p ≥ ½), else the first largest score.
pub fn classes_from_scores(scores: ArrayView2<f64>) -> Vec<usize> {
    if scores.ncols() == 1 {
        return scores
            .column(0)
            .iter()
            .map(|&v| usize::from(v >= 0.0))
            .collect();
    }
    scores
        .rows()
        .into_iter()
        .map(|row| {
            let mut best = 0;
            for (c, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = c;
                }
            }
            best
        })
        .collect()
}

/// The estimator families.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelKind {
    #[default]
    Svm,
    Logistic,
    ElasticNet,
    Pca,
}

impl ModelKind {
    pub const ALL: [ModelKind; 4] = [
        ModelKind::Svm,
        ModelKind::Logistic,
        ModelKind::ElasticNet,
        ModelKind::Pca,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ModelKind::Svm => "SVM (C-SVC)",
            ModelKind::Logistic => "Logistic regression",
            ModelKind::ElasticNet => "Elastic net",
            ModelKind::Pca => "PCA",
        }
    }

    /// What the estimator needs of the target.
    pub fn needs(self) -> Option<crate::data::Task> {
        match self {
            ModelKind::Svm | ModelKind::Logistic => Some(crate::data::Task::Classification),
            ModelKind::ElasticNet => Some(crate::data::Task::Regression),
            ModelKind::Pca => None,
        }
    }
}

/// The chosen estimator and every family's parameters (so switching back keeps them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelSpec {
    pub kind: ModelKind,
    pub svm: svm::SvmParams,
    pub logistic: logistic::LogisticParams,
    pub elastic_net: elastic_net::ElasticNetParams,
    pub pca: pca::PcaParams,
}

impl ModelSpec {
    pub fn validate(&self) -> Result<(), Error> {
        match self.kind {
            ModelKind::Svm => self.svm.validate(),
            ModelKind::Logistic => self.logistic.validate(),
            ModelKind::ElasticNet => self.elastic_net.validate(),
            ModelKind::Pca => self.pca.validate(),
        }
    }
}

/// The training target, in the form each estimator takes.
#[derive(Clone, Copy, Debug)]
pub enum TargetView<'a> {
    Classes {
        y: ArrayView1<'a, usize>,
        n_classes: usize,
    },
    Values(ArrayView1<'a, f64>),
}

/// A fitted model of any family.
#[derive(Clone, Debug)]
pub enum Fitted {
    Svm(svm::SvmModel),
    Logistic(logistic::LogisticModel),
    ElasticNet(elastic_net::ElasticNetModel),
    Pca(pca::PcaModel),
}

/// Whether `kind` can learn a target of `task`; when it cannot, a message that says so in
/// neutral words. Each front end adds how to choose another target in its own terms (the
/// command line its `--target` and `--task`, the window its Columns panel).
pub fn check_target(kind: ModelKind, task: crate::data::Task) -> Result<(), Error> {
    use crate::data::Task;
    match (kind.needs(), task) {
        (Some(Task::Classification), Task::Regression) => Err(Error::Data(format!(
            "{} needs class labels, not a numeric target",
            kind.label()
        ))),
        (Some(Task::Regression), Task::Classification) => Err(Error::Data(format!(
            "{} needs a numeric (regression) target, not class labels",
            kind.label()
        ))),
        _ => Ok(()),
    }
}

/// Fit the chosen estimator. Parameters are validated first.
pub fn fit(
    spec: &ModelSpec,
    x: ArrayView2<f64>,
    target: TargetView,
    progress: &Progress,
) -> Result<Fitted, Error> {
    spec.validate()?;
    let task = match target {
        TargetView::Classes { .. } => crate::data::Task::Classification,
        TargetView::Values(_) => crate::data::Task::Regression,
    };
    check_target(spec.kind, task)?;
    match (spec.kind, target) {
        (ModelKind::Svm, TargetView::Classes { y, n_classes }) => Ok(Fitted::Svm(svm::fit_svm(
            &spec.svm, x, y, n_classes, progress,
        )?)),
        (ModelKind::Logistic, TargetView::Classes { y, n_classes }) => Ok(Fitted::Logistic(
            logistic::fit_logistic(&spec.logistic, x, y, n_classes, progress)?,
        )),
        (ModelKind::ElasticNet, TargetView::Values(y)) => Ok(Fitted::ElasticNet(
            elastic_net::fit_elastic_net(&spec.elastic_net, x, y, progress)?,
        )),
        (ModelKind::Pca, _) => Ok(Fitted::Pca(pca::fit_pca(&spec.pca, x, progress)?)),
        // Refused by `check_target` above.
        (ModelKind::Svm | ModelKind::Logistic, TargetView::Values(_))
        | (ModelKind::ElasticNet, TargetView::Classes { .. }) => {
            Err(Error::Data("the target does not suit the model".into()))
        }
    }
}

impl Fitted {
    /// Class probabilities (logistic), `None` for other families.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Option<Array2<f64>> {
        match self {
            Fitted::Logistic(m) => Some(m.predict_proba(x)),
            _ => None,
        }
    }

    /// Predicted classes (classifiers).
    pub fn predict_classes(&self, x: ArrayView2<f64>) -> Option<Vec<usize>> {
        match self {
            Fitted::Svm(m) => Some(m.predict(x)),
            Fitted::Logistic(m) => Some(m.predict(x)),
            _ => None,
        }
    }

    /// Predicted values (regression).
    pub fn predict_values(&self, x: ArrayView2<f64>) -> Option<ndarray::Array1<f64>> {
        match self {
            Fitted::ElasticNet(m) => Some(m.predict(x)),
            _ => None,
        }
    }
}

//! Estimators: scikit-learn-style parameters mapped onto linfa, fitted models with predict /
//! decision / loss. No egui here. Every linfa 0.8.1 defect from LINFA_NOTES.md is handled in
//! these files, with a comment where it is.

pub mod elastic_net;
pub mod logistic;
pub mod pca;
pub mod svm;

/// One error type for every estimator, wrapping linfa's differing error types.
#[derive(Debug, thiserror::Error)]
pub enum EstimatorError {
    /// A parameter is out of range; the text names it and the valid range.
    #[error("{0}")]
    InvalidParam(String),
    /// The data cannot be fitted (too few rows, one class only, too many rows for SVM, …).
    #[error("{0}")]
    Data(String),
    /// The solver failed; the text is linfa's message made readable.
    #[error("solver failed: {0}")]
    Solver(String),
    #[error("cancelled")]
    Cancelled,
}

impl From<crate::progress::Cancelled> for EstimatorError {
    fn from(_: crate::progress::Cancelled) -> Self {
        EstimatorError::Cancelled
    }
}

//! The SVM's "path": what C (or γ) does to the model. At each value the SVM is fitted on every
//! row given (the live fit's rows and features) to count its support vectors and, for a linear
//! kernel, measure its margin width 2/‖w‖, and cross-validated on the seeded k folds for its
//! held-out error. Streamed value by value. No egui here.

use serde::Serialize;

use crate::analysis::curves::Param;
use crate::analysis::cv::fold_of_rows;
use crate::analysis::folds::{self, Band, CvSettings, Eval};
use crate::data::Dataset;
use crate::estimators::{self, Error, Fitted, ModelKind, ModelSpec};
use crate::progress::Progress;

/// The SVM path so far.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SvmPath {
    pub param: Param,
    /// The values done so far, in the order asked.
    pub values: Vec<f64>,
    /// Support vectors of the fit on every row (the union over the one-vs-one sub-problems).
    pub n_support: Vec<usize>,
    /// Linear kernel, two classes: the margin width 2/‖w‖ of the fit on every row.
    pub margin: Option<Vec<f64>>,
    /// Error (1 − accuracy) of the fit on every row, on those rows.
    pub train_error: Vec<f64>,
    /// Held-out error of each fold, mean and 95 % t-interval.
    pub cv_error: Band,
    pub folds: usize,
    pub done: bool,
}

/// Sweep `param` (C, or γ of an RBF / polynomial kernel) over `values` for the SVM `spec`.
pub fn svm_path(
    ds: &Dataset,
    spec: &ModelSpec,
    param: Param,
    values: &[f64],
    cv: &CvSettings,
    progress: &Progress,
    emit: &mut dyn FnMut(&SvmPath),
) -> Result<SvmPath, Error> {
    if spec.kind != ModelKind::Svm {
        return Err(Error::Param(format!(
            "the SVM path is for the SVM, not {}",
            spec.kind.label()
        )));
    }
    if !matches!(param, Param::C | Param::Gamma) {
        return Err(Error::Param(format!(
            "the SVM path sweeps C or gamma, not {}",
            param.name()
        )));
    }
    let n = ds.n_rows();
    cv.check(n)?;
    let specs = param.specs(spec, values)?;
    let fold = fold_of_rows(&ds.target, cv.folds, cv.seed);
    let all: Vec<usize> = (0..n).collect();
    let linear_binary = spec.svm.kernel == estimators::svm::Kernel::Linear
        && matches!(&ds.target, crate::data::Target::Classes { names, .. } if names.len() == 2);
    let mut path = SvmPath {
        param,
        values: Vec::with_capacity(values.len()),
        n_support: Vec::new(),
        margin: linear_binary.then(Vec::new),
        train_error: Vec::new(),
        cv_error: Band::default(),
        folds: cv.folds,
        done: false,
    };
    progress.set_total((values.len() * (cv.folds + 1)) as u64);
    progress.set(0);
    for (&value, s) in values.iter().zip(&specs) {
        progress.check()?;
        // The fit on every row (scaled as every other fit: scale-safe, training rows only).
        let (scaler, fitted) = folds::fit_scaled(ds, s, &all, cv.standardize, &progress.child())?;
        let z = scaler.transform(ds.x.view());
        let Fitted::Svm(m) = &fitted else {
            unreachable!("an SVM spec fits an SVM")
        };
        let pred = m.predict(z.view());
        let errors = match &ds.target {
            crate::data::Target::Classes { y, .. } => {
                y.iter().zip(&pred).filter(|(a, b)| a != b).count()
            }
            crate::data::Target::Values(_) => 0,
        };
        path.n_support.push(m.n_support());
        path.train_error.push(errors as f64 / n as f64);
        if let (Some(margins), Some(w)) = (path.margin.as_mut(), m.linear_weights()) {
            let norm = w.column(0).dot(&w.column(0)).sqrt();
            margins.push(if norm > 0.0 {
                2.0 / norm
            } else {
                f64::INFINITY
            });
        }
        progress.add(1);
        // The held-out error of each fold.
        let mut cv_errors = Vec::with_capacity(cv.folds);
        for f in 0..cv.folds {
            progress.check()?;
            let (train, test) = folds::fold_rows(&fold, f);
            let e: Vec<Eval> = folds::fit_and_evaluate(
                ds,
                s,
                &train,
                &[&test],
                cv.standardize,
                &progress.child(),
            )?;
            cv_errors.push(e[0].error);
            progress.add(1);
        }
        path.cv_error.push(cv_errors);
        path.values.push(value);
        emit(&path);
    }
    path.done = true;
    Ok(path)
}

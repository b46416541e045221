//! The input checks every estimator shares, so each mistake gets the same readable message
//! whichever model meets it. Parameters are checked by each `…Params::validate`.

use ndarray::{ArrayView1, ArrayView2};

use super::Error;
use crate::data::prep::MAX_RAW_MAGNITUDE;

/// The largest |value| the SVM, logistic regression and the elastic net take (the app's
/// [`MAX_RAW_MAGNITUDE`]): their kernels, Gram matrices and gradients square and sum the
/// inputs, which overflows beyond ~1e154 (and linfa's logistic line search then never ends).
pub(crate) const MAX_MAGNITUDE: f64 = MAX_RAW_MAGNITUDE;

/// `x` has at least 2 rows and 1 column, and only finite values within ±[`MAX_MAGNITUDE`]
/// (the first bad cell is named).
pub(crate) fn check_x(model: &str, x: ArrayView2<f64>) -> Result<(), Error> {
    check_x_finite(model, x)?;
    if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| v.abs() > MAX_MAGNITUDE) {
        return Err(Error::Data(format!(
            "{model}: x holds {v:.3e} at row {row}, column {col}: beyond ±1e100 the sums of \
             squares overflow; standardise the features or rescale that column"
        )));
    }
    Ok(())
}

/// [`check_x`] without the magnitude limit (for estimators that rescale their input).
pub(crate) fn check_x_finite(model: &str, x: ArrayView2<f64>) -> Result<(), Error> {
    let (n, p) = x.dim();
    if n < 2 {
        return Err(Error::Data(format!(
            "{model} needs at least 2 rows (got {n})"
        )));
    }
    if p == 0 {
        return Err(Error::Data(format!(
            "{model} needs at least 1 feature column"
        )));
    }
    if let Some(((row, col), _)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::Data(format!(
            "x has a missing or non-finite value at row {row}, column {col}"
        )));
    }
    Ok(())
}

/// `y` has one label per row of `x`, every label is a class index in `0..n_classes`, there are
/// at least 2 classes and every class has a row.
pub(crate) fn check_classes(
    model: &str,
    n_rows: usize,
    y: ArrayView1<usize>,
    n_classes: usize,
) -> Result<(), Error> {
    if y.len() != n_rows {
        return Err(Error::Data(format!(
            "x has {n_rows} rows but y has {} labels: they must match",
            y.len()
        )));
    }
    if n_classes < 2 {
        return Err(Error::Data(format!(
            "{model} needs at least 2 classes (got {n_classes})"
        )));
    }
    let mut counts = vec![0usize; n_classes];
    for (i, &c) in y.iter().enumerate() {
        match counts.get_mut(c) {
            Some(k) => *k += 1,
            None => {
                return Err(Error::Data(format!(
                    "label {c} at row {i} is out of range: class indices are 0..{n_classes}"
                )));
            }
        }
    }
    if let Some(c) = counts.iter().position(|&k| k == 0) {
        return Err(Error::Data(format!(
            "class {c} has no rows: every one of the {n_classes} classes needs at least one"
        )));
    }
    Ok(())
}

/// `y` has one finite value per row of `x`.
pub(crate) fn check_values(n_rows: usize, y: ArrayView1<f64>) -> Result<(), Error> {
    if y.len() != n_rows {
        return Err(Error::Data(format!(
            "x has {n_rows} rows but y has {} values: they must match",
            y.len()
        )));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(Error::Data(format!(
            "y has a missing or non-finite value at row {i}"
        )));
    }
    if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| v.abs() > MAX_MAGNITUDE) {
        return Err(Error::Data(format!(
            "the target holds {v:.3e} at row {i}: beyond ±1e100 the sums of squares overflow; \
             rescale the target"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn each_mistake_is_named() {
        let x = array![[0.0, 1.0], [1.0, f64::NAN]];
        let e = check_x("SVM", x.view()).unwrap_err().to_string();
        assert_eq!(e, "x has a missing or non-finite value at row 1, column 1");
        let e = check_x("PCA", array![[1.0]].view()).unwrap_err();
        assert_eq!(e, Error::Data("PCA needs at least 2 rows (got 1)".into()));
        let y = array![0usize, 0, 2];
        let e = check_classes("SVM", 3, y.view(), 3)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("class 1 has no rows"), "{e}");
        assert!(check_classes("SVM", 3, array![0usize, 1, 1].view(), 2).is_ok());
        let e = check_values(2, array![1.0, f64::INFINITY].view()).unwrap_err();
        assert_eq!(
            e,
            Error::Data("y has a missing or non-finite value at row 1".into())
        );
    }
}

//! One error type for the library: every failure a user can meet, with a readable message.
//!
//! The data layer keeps its detailed errors ([`LoadError`], [`DataError`]), which name the
//! file, the line and the column; they convert into [`Error`] at the layer's edge. Front ends
//! show `Error`'s text as it is (the window inline, the CLI on one line of stderr).

use crate::data::csv::LoadError;
use crate::data::dataset::DataError;
use crate::data::source::SourceError;

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// A parameter is out of range; the text names it and the valid range.
    #[error("{0}")]
    Param(String),
    /// The data cannot be used as asked (too few rows, one class only, wrong target, …).
    #[error("{0}")]
    Data(String),
    /// The data could not be read; the text names the file and, where it applies, the line.
    #[error("{0}")]
    Load(String),
    /// A solver failed; the text is its message made readable.
    #[error("solver failed: {0}")]
    Solver(String),
    /// The work was cancelled (a newer request, or the user).
    #[error("cancelled")]
    Cancelled,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<crate::progress::Cancelled> for Error {
    fn from(_: crate::progress::Cancelled) -> Self {
        Error::Cancelled
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Cancelled => Error::Cancelled,
            e => Error::Load(e.to_string()),
        }
    }
}

impl From<SourceError> for Error {
    fn from(e: SourceError) -> Self {
        match e {
            SourceError::File(e) => e.into(),
            SourceError::Builtin(text) => Error::Load(text),
        }
    }
}

impl From<DataError> for Error {
    fn from(e: DataError) -> Self {
        Error::Data(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_load_is_a_cancellation_and_other_loads_keep_their_text() {
        assert_eq!(Error::from(LoadError::Cancelled), Error::Cancelled);
        let e = Error::from(LoadError::Ragged {
            name: "a.csv".into(),
            line: 3,
            expected: 2,
            found: 5,
        });
        assert_eq!(
            e,
            Error::Load("a.csv line 3: expected 2 fields, found 5".into())
        );
        assert_eq!(
            Error::Solver("diverged".into()).to_string(),
            "solver failed: diverged"
        );
    }
}

/// A number as a message shows it: as Rust prints it, or in exponent form when that would be
/// long (`1e308`, not 309 digits; `-1e-300`, not 300 zeros).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain = self.0.to_string();
        if plain.len() > 20 {
            write!(f, "{:e}", self.0)
        } else {
            f.write_str(&plain)
        }
    }
}

#[cfg(test)]
mod num_tests {
    use super::Num;

    #[test]
    fn long_numbers_are_shown_with_an_exponent() {
        assert_eq!(Num(1e308).to_string(), "1e308");
        assert_eq!(Num(-2.5e-300).to_string(), "-2.5e-300");
        assert!(Num(f64::MIN_POSITIVE / 2.0).to_string().len() < 30);
        assert_eq!(Num(0.25).to_string(), "0.25");
        assert_eq!(Num(-0.0).to_string(), "-0");
        assert_eq!(Num(f64::NAN).to_string(), "NaN");
        assert_eq!(Num(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Num(1234567.0).to_string(), "1234567");
    }
}

//! Preparation: a seeded, shuffled (and, for classes, stratified) train/test split, and
//! z-score standardisation fitted on the training rows only.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::data::Target;

/// The user's split and scaling choices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrepSettings {
    /// Share of rows held out for testing, in `[0, 0.9]`; 0 trains on every row.
    pub test_fraction: f64,
    pub seed: u64,
    /// Keep each class's share equal in train and test (classification only).
    pub stratify: bool,
    /// z-score features with the training rows' mean and population σ.
    pub standardize: bool,
}

impl Default for PrepSettings {
    fn default() -> Self {
        Self {
            test_fraction: 0.25,
            seed: 0,
            stratify: true,
            standardize: true,
        }
    }
}

/// Row indices of the two parts, each sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// Split rows into train and test.
///
/// Each stratum (a class, or every row for regression / no stratification) is shuffled with
/// the seed and `round(fraction · size)` of its rows go to test, keeping at least one row of
/// the stratum in train.
pub fn split(target: &Target, settings: &PrepSettings) -> Split {
    let n = target.len();
    let frac = settings.test_fraction.clamp(0.0, 0.9);
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let strata: Vec<Vec<usize>> = match target {
        Target::Classes { y, names } if settings.stratify => {
            let mut s = vec![Vec::new(); names.len()];
            for (i, &c) in y.iter().enumerate() {
                s[c].push(i);
            }
            s
        }
        _ => vec![(0..n).collect()],
    };
    let mut train = Vec::with_capacity(n);
    let mut test = Vec::new();
    for mut rows in strata {
        rows.shuffle(&mut rng);
        let k = ((rows.len() as f64 * frac).round() as usize).min(rows.len().saturating_sub(1));
        test.extend_from_slice(&rows[..k]);
        train.extend_from_slice(&rows[k..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Split { train, test }
}

/// Per-feature mean and population standard deviation, fitted on some rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    pub mean: Array1<f64>,
    /// Population σ; a constant feature gets σ = 1 so it maps to 0 rather than NaN.
    pub std: Array1<f64>,
}

impl Standardizer {
    /// Fit on the given rows of `x`.
    pub fn fit(x: ArrayView2<f64>, rows: &[usize]) -> Self {
        let sub = x.select(Axis(0), rows);
        let p = x.ncols();
        if sub.nrows() == 0 {
            return Self::identity(p);
        }
        let mean = sub.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(p));
        let std = sub
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 1e-12 && s.is_finite() { s } else { 1.0 });
        Self { mean, std }
    }

    /// The no-op scaler (for `--no-standardize`).
    pub fn identity(p: usize) -> Self {
        Self {
            mean: Array1::zeros(p),
            std: Array1::ones(p),
        }
    }

    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        (&x - &self.mean) / &self.std
    }

    pub fn inverse_transform(&self, z: ArrayView2<f64>) -> Array2<f64> {
        &z * &self.std + &self.mean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn classes(y: Vec<usize>, k: usize) -> Target {
        Target::Classes {
            y,
            names: (0..k).map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn stratified_split_keeps_class_shares_and_partitions_rows() {
        // 40 of class 0 and 20 of class 1, sorted by class as iris is.
        let y: Vec<usize> = (0..60).map(|i| usize::from(i >= 40)).collect();
        let t = classes(y.clone(), 2);
        let s = split(&t, &PrepSettings::default());
        // round(0.25 · 40) = 10 and round(0.25 · 20) = 5 go to test.
        assert_eq!(s.test.iter().filter(|&&i| y[i] == 0).count(), 10);
        assert_eq!(s.test.iter().filter(|&&i| y[i] == 1).count(), 5);
        let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..60).collect::<Vec<_>>());
        // shuffled: the test rows are not simply the first ones of each class
        assert_ne!(&s.test[..10], &(0..10).collect::<Vec<_>>()[..]);
    }

    #[test]
    fn split_is_seeded_and_zero_fraction_trains_on_everything() {
        let t = Target::Values((0..100).map(f64::from).collect());
        let a = split(&t, &PrepSettings::default());
        let b = split(&t, &PrepSettings::default());
        let c = split(
            &t,
            &PrepSettings {
                seed: 1,
                ..Default::default()
            },
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.test.len(), 25);
        let all = split(
            &t,
            &PrepSettings {
                test_fraction: 0.0,
                ..Default::default()
            },
        );
        assert_eq!(all.train.len(), 100);
        assert!(all.test.is_empty());
    }

    #[test]
    fn standardizer_uses_training_rows_and_population_sigma() {
        // rows 0..3 of column 0 are 1, 2, 3: mean 2, population σ = sqrt(2/3).
        let x = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [100.0, 7.0]];
        let s = Standardizer::fit(x.view(), &[0, 1, 2]);
        assert_eq!(s.mean, array![2.0, 5.0]);
        assert!((s.std[0] - (2.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(s.std[1], 1.0, "constant column keeps σ = 1");
        let z = s.transform(x.view());
        assert!((z[[2, 0]] - 1.0 / (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(z[[0, 1]], 0.0);
        let back = s.inverse_transform(z.view());
        assert!((back[[3, 0]] - 100.0).abs() < 1e-12);
    }
}

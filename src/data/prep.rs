//! Preparation: a seeded, shuffled (and, for classes, stratified) train/test split, and
//! z-score standardisation fitted on the training rows only.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::data::Target;
use crate::data::dataset::DataError;

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
///
/// Scale-safe: a column whose magnitude is far from 1 (beyond 2^±400, e.g. 1e200 or 1e-200)
/// is divided by a power of two near its largest |value| before its mean and σ are computed,
/// and they are scaled back: the squares of 1e200 would overflow (σ = ∞) and those of 1e-200
/// underflow (σ = 0). Division by a power of two is exact, so other columns get the very same
/// numbers as without it. [`Self::transform`] works in the same scaled units, so z-scores of
/// huge values are finite.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    pub mean: Array1<f64>,
    /// Population σ. A constant feature gets σ = 1 (in its scaled units: σ = `scale`, which is
    /// 1 but for huge or tiny values) and its value as the mean, so it maps to 0 rather than
    /// NaN; one whose values differ only by rounding (σ ≤ 1e-12 · its largest |value|) gets
    /// σ = that largest |value|, so it maps to ~0 rather than to magnified noise.
    pub std: Array1<f64>,
    /// The power of two each column was divided by (1 for ordinary magnitudes).
    pub scale: Array1<f64>,
}

/// Columns whose largest |value| lies in `[2^-LIMIT, 2^LIMIT]` are not rescaled: their squares
/// and sums of up to 2^100 squares stay finite and normal.
const POW2_LIMIT: i32 = 400;

/// A power of two near `max_abs` when `max_abs` is far from 1 (see [`Standardizer`]), else 1.
pub fn pow2_scale(max_abs: f64) -> f64 {
    if !(max_abs.is_finite() && max_abs > 0.0) {
        return 1.0;
    }
    let e = max_abs.log2().floor() as i32;
    if (-POW2_LIMIT..=POW2_LIMIT).contains(&e) {
        1.0
    } else {
        2f64.powi(e)
    }
}

impl Standardizer {
    /// Fit on the given rows of `x`.
    pub fn fit(x: ArrayView2<f64>, rows: &[usize]) -> Self {
        let sub = x.select(Axis(0), rows);
        let p = x.ncols();
        if sub.nrows() == 0 {
            return Self::identity(p);
        }
        let max_abs: Array1<f64> = sub
            .columns()
            .into_iter()
            .map(|c| c.iter().fold(0.0f64, |m, v| m.max(v.abs())))
            .collect();
        let scale = max_abs.mapv(pow2_scale);
        let scaled = if scale.iter().all(|&s| s == 1.0) {
            sub
        } else {
            sub / &scale
        };
        let mut mean = scaled
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(p))
            * &scale;
        let std_scaled = scaled.std_axis(Axis(0), 0.0);
        let mut std = Array1::zeros(p);
        for j in 0..p {
            let (sd, m, s) = (std_scaled[j], max_abs[j], scale[j]);
            let col = scaled.column(j);
            if col.iter().all(|&v| v == col[0]) {
                // Constant: its value is the mean exactly (a sum of equal values rounds), so
                // it maps to 0 exactly; σ = 1 in its scaled units.
                mean[j] = col[0] * s;
                std[j] = s;
            } else if sd.is_finite() && sd > 1e-12 * (m / s) {
                std[j] = sd * s;
            } else {
                // Values that differ only in their last digits: rounding noise, not spread.
                // Divided by their magnitude, they map to ~0 rather than to noise blown up.
                std[j] = m.max(s);
            }
        }
        Self { mean, std, scale }
    }

    /// The no-op scaler (for `--no-standardize`).
    pub fn identity(p: usize) -> Self {
        Self {
            mean: Array1::zeros(p),
            std: Array1::ones(p),
            scale: Array1::ones(p),
        }
    }

    fn unscaled(&self) -> bool {
        self.scale.iter().all(|&s| s == 1.0)
    }

    /// `(x − mean) / σ`, in each column's scaled units (so huge values do not overflow).
    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        if self.unscaled() {
            return (&x - &self.mean) / &self.std;
        }
        let mean = &self.mean / &self.scale;
        let std = &self.std / &self.scale;
        (&x / &self.scale - &mean) / &std
    }

    pub fn inverse_transform(&self, z: ArrayView2<f64>) -> Array2<f64> {
        if self.unscaled() {
            return &z * &self.std + &self.mean;
        }
        let mean = &self.mean / &self.scale;
        let std = &self.std / &self.scale;
        (&z * &std + &mean) * &self.scale
    }
}

/// The largest |value| that reaches an estimator unstandardised: the estimators square and
/// sum their inputs (kernels, Gram matrices, gradients), which overflows beyond ~1e154, and
/// linfa's logistic line search then never ends. Standardised features are always in range.
pub const MAX_RAW_MAGNITUDE: f64 = 1e100;

/// When features are not standardised, check that every value of `x` is within
/// ±[`MAX_RAW_MAGNITUDE`]; the error names the first column (by `names`) that is not.
pub fn check_raw_magnitude(x: ArrayView2<f64>, names: &[String]) -> Result<(), DataError> {
    for (j, col) in x.columns().into_iter().enumerate() {
        let largest = col.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if largest > MAX_RAW_MAGNITUDE {
            return Err(DataError::TooLarge {
                column: names
                    .get(j)
                    .cloned()
                    .unwrap_or_else(|| format!("column {j}")),
                value: largest,
            });
        }
    }
    Ok(())
}

/// The scaler a fit on `rows` uses: z-scores fitted on them, or the identity when not
/// standardising, after checking that the raw features are in range
/// ([`check_raw_magnitude`], over every row of `x`).
pub fn scaler_for(
    x: ArrayView2<f64>,
    rows: &[usize],
    standardize: bool,
    names: &[String],
) -> Result<Standardizer, DataError> {
    if standardize {
        Ok(Standardizer::fit(x, rows))
    } else {
        check_raw_magnitude(x, names)?;
        Ok(Standardizer::identity(x.ncols()))
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

//! Seeded generators of 2-D teaching data (and one 1-D regression curve).
//!
//! Every generator is deterministic in `(n, noise, seed)`: the same arguments give the same
//! points on every machine (ChaCha8 stream, Box–Muller-free normal sampling from `rand_distr`).

use std::f64::consts::PI;

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

/// The generated datasets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Generator {
    /// Three Gaussian blobs (3 classes).
    Blobs,
    /// Two interleaving half circles (2 classes).
    Moons,
    /// A small circle inside a large one (2 classes).
    Circles,
    /// Four quadrants, opposite ones share a class (2 classes).
    Xor,
    /// Three interleaved spiral arms (3 classes).
    Spiral,
    /// y = sin(2πx) + noise on x ∈ [0, 1] (regression, 1 feature).
    Curve,
}

impl Generator {
    pub const ALL: [Generator; 6] = [
        Generator::Blobs,
        Generator::Moons,
        Generator::Circles,
        Generator::Xor,
        Generator::Spiral,
        Generator::Curve,
    ];

    /// Lower-case name used on the command line and in the UI.
    pub fn name(self) -> &'static str {
        match self {
            Generator::Blobs => "blobs",
            Generator::Moons => "moons",
            Generator::Circles => "circles",
            Generator::Xor => "xor",
            Generator::Spiral => "spiral",
            Generator::Curve => "curve",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Generator::Blobs => "three Gaussian blobs, 3 classes",
            Generator::Moons => "two interleaving half circles, 2 classes",
            Generator::Circles => "a circle inside a circle, 2 classes",
            Generator::Xor => "XOR quadrants, 2 classes",
            Generator::Spiral => "three spiral arms, 3 classes",
            Generator::Curve => "y = sin(2πx) + noise, regression on 1 feature",
        }
    }

    /// Sensible noise for the slider's starting point.
    pub fn default_noise(self) -> f64 {
        match self {
            Generator::Blobs => 1.0,
            Generator::Moons => 0.2,
            Generator::Circles => 0.1,
            Generator::Xor => 0.2,
            Generator::Spiral => 0.2,
            Generator::Curve => 0.2,
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// Generated points: `x` is `n × 2` (`n × 1` for [`Generator::Curve`]), `y` holds class indices
/// as `f64` for classifiers and the target value for the curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub x: Array2<f64>,
    pub y: Vec<f64>,
}

/// Generate `n` points with the given noise (standard deviation of the Gaussian jitter; for
/// blobs the spread of each blob) and seed.
pub fn generate(kind: Generator, n: usize, noise: f64, seed: u64) -> Generated {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = if noise.is_finite() {
        noise.max(0.0)
    } else {
        0.0
    };
    // Normal::new only fails for a negative or non-finite σ, excluded above.
    let jitter = Normal::new(0.0, noise).expect("valid sigma");
    let mut x = Array2::zeros((n, if kind == Generator::Curve { 1 } else { 2 }));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let (point, label): ([f64; 2], f64) = match kind {
            Generator::Blobs => {
                let c = i % 3;
                let centre = [[-4.0, -2.0], [4.0, -2.0], [0.0, 4.5]][c];
                (centre, c as f64)
            }
            Generator::Moons => {
                // Half the points on each moon, evenly spread along the arc (as scikit-learn).
                let c = i % 2;
                let t = PI * rng.r#gen::<f64>();
                if c == 0 {
                    ([t.cos(), t.sin()], 0.0)
                } else {
                    ([1.0 - t.cos(), 0.5 - t.sin()], 1.0)
                }
            }
            Generator::Circles => {
                let c = i % 2;
                let t = 2.0 * PI * rng.r#gen::<f64>();
                let r = if c == 0 { 1.0 } else { 0.5 };
                ([r * t.cos(), r * t.sin()], c as f64)
            }
            Generator::Xor => {
                let a: f64 = rng.gen_range(-1.0..1.0);
                let b: f64 = rng.gen_range(-1.0..1.0);
                let c = if (a > 0.0) == (b > 0.0) { 0.0 } else { 1.0 };
                ([a, b], c)
            }
            Generator::Spiral => {
                let c = i % 3;
                let t: f64 = rng.gen_range(0.05..1.0);
                let angle = 4.0 * t + 2.0 * PI * c as f64 / 3.0;
                ([t * angle.cos(), t * angle.sin()], c as f64)
            }
            Generator::Curve => {
                let t: f64 = rng.r#gen();
                ([t, 0.0], (2.0 * PI * t).sin())
            }
        };
        if kind == Generator::Curve {
            x[[i, 0]] = point[0];
            y.push(label + jitter.sample(&mut rng));
        } else {
            x[[i, 0]] = point[0] + jitter.sample(&mut rng);
            x[[i, 1]] = point[1] + jitter.sample(&mut rng);
            y.push(label);
        }
    }
    Generated { x, y }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_points_other_seed_other_points() {
        for g in Generator::ALL {
            let a = generate(g, 50, 0.1, 7);
            let b = generate(g, 50, 0.1, 7);
            let c = generate(g, 50, 0.1, 8);
            assert_eq!(a, b, "{g:?}");
            assert_ne!(a.x, c.x, "{g:?}");
        }
    }

    #[test]
    fn noise_free_moons_lie_on_their_arcs() {
        let g = generate(Generator::Moons, 200, 0.0, 1);
        for (row, &c) in g.x.rows().into_iter().zip(&g.y) {
            // class 0: unit circle centred at 0, upper half; class 1: centred at (1, 0.5), lower.
            let (cx, cy) = if c == 0.0 { (0.0, 0.0) } else { (1.0, 0.5) };
            let r = ((row[0] - cx).powi(2) + (row[1] - cy).powi(2)).sqrt();
            assert!((r - 1.0).abs() < 1e-12);
            assert!(if c == 0.0 {
                row[1] >= 0.0
            } else {
                row[1] <= 0.5
            });
        }
    }

    #[test]
    fn noise_free_circles_have_radii_one_and_half() {
        let g = generate(Generator::Circles, 100, 0.0, 3);
        for (row, &c) in g.x.rows().into_iter().zip(&g.y) {
            let r = (row[0].powi(2) + row[1].powi(2)).sqrt();
            assert!((r - if c == 0.0 { 1.0 } else { 0.5 }).abs() < 1e-12);
        }
    }

    #[test]
    fn xor_labels_follow_the_quadrant_rule() {
        let g = generate(Generator::Xor, 300, 0.0, 5);
        for (row, &c) in g.x.rows().into_iter().zip(&g.y) {
            assert_eq!(c == 0.0, (row[0] > 0.0) == (row[1] > 0.0));
        }
    }

    #[test]
    fn classes_are_balanced_and_curve_noise_has_the_asked_spread() {
        let g = generate(Generator::Spiral, 300, 0.1, 2);
        for c in 0..3 {
            assert_eq!(g.y.iter().filter(|&&y| y == c as f64).count(), 100);
        }
        let sigma = 0.3;
        let g = generate(Generator::Curve, 20_000, sigma, 9);
        let resid: Vec<f64> =
            g.x.column(0)
                .iter()
                .zip(&g.y)
                .map(|(x, y)| y - (2.0 * PI * x).sin())
                .collect();
        let mean = resid.iter().sum::<f64>() / resid.len() as f64;
        let sd =
            (resid.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / resid.len() as f64).sqrt();
        // standard error of the sample sd ≈ σ/√(2n) ≈ 0.0015: 0.01 is a wide, safe band.
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((sd - sigma).abs() < 0.01, "{sd}");
    }
}

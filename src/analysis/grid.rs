//! Decision grids: a model evaluated over a regular grid in the plane of two features, with the
//! other features held at fixed values (their mean, for "fit on all features").

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;

/// A regular `nx × ny` grid over a rectangle of the plane of features `fx` (horizontal) and
/// `fy` (vertical). Cell centres run from `x_range.0` to `x_range.1` inclusive.
#[derive(Clone, Debug, PartialEq)]
pub struct GridSpec {
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub nx: usize,
    pub ny: usize,
}

impl GridSpec {
    /// A grid covering the points `(xs[i], ys[i])` with a margin of `margin_frac` of each span
    /// on every side (a zero span gets a margin of 1).
    pub fn around(xs: &[f64], ys: &[f64], margin_frac: f64, nx: usize, ny: usize) -> Self {
        let span = |v: &[f64]| {
            let (lo, hi) = v
                .iter()
                .filter(|x| x.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            if !lo.is_finite() {
                return (-1.0, 1.0);
            }
            let pad = if hi > lo {
                (hi - lo) * margin_frac
            } else {
                1.0
            };
            (lo - pad, hi + pad)
        };
        GridSpec {
            x_range: span(xs),
            y_range: span(ys),
            nx: nx.max(2),
            ny: ny.max(2),
        }
    }

    /// Horizontal coordinate of column `i`.
    pub fn x_at(&self, i: usize) -> f64 {
        lerp(self.x_range, i, self.nx)
    }

    /// Vertical coordinate of row `j`.
    pub fn y_at(&self, j: usize) -> f64 {
        lerp(self.y_range, j, self.ny)
    }

    pub fn len(&self) -> usize {
        self.nx * self.ny
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The grid's points as rows of a `(nx·ny) × p` matrix: every column is `base` except
    /// columns `fx` and `fy`. Row `j·nx + i` is the point `(x_at(i), y_at(j))`.
    pub fn points(&self, base: ArrayView1<f64>, fx: usize, fy: usize) -> Array2<f64> {
        self.points_rows(base, fx, fy, 0..self.ny)
    }

    fn points_rows(
        &self,
        base: ArrayView1<f64>,
        fx: usize,
        fy: usize,
        rows: std::ops::Range<usize>,
    ) -> Array2<f64> {
        let p = base.len();
        let mut out = Array2::zeros((rows.len() * self.nx, p));
        for (r, j) in rows.enumerate() {
            let y = self.y_at(j);
            for i in 0..self.nx {
                let mut row = out.row_mut(r * self.nx + i);
                row.assign(&base);
                row[fx] = self.x_at(i);
                row[fy] = y;
            }
        }
        out
    }
}

fn lerp((lo, hi): (f64, f64), i: usize, n: usize) -> f64 {
    if n <= 1 {
        return 0.5 * (lo + hi);
    }
    lo + (hi - lo) * i as f64 / (n - 1) as f64
}

/// Evaluate `f` (a batch function: `m × p` points in, `m × k` values out) over the grid, in
/// parallel over bands of rows. Returns `(nx·ny) × k`, rows ordered as [`GridSpec::points`].
pub fn evaluate<F>(
    spec: &GridSpec,
    base: ArrayView1<f64>,
    fx: usize,
    fy: usize,
    f: F,
) -> Array2<f64>
where
    F: Fn(ArrayView2<f64>) -> Array2<f64> + Sync,
{
    const ROWS_PER_BAND: usize = 8;
    let bands: Vec<std::ops::Range<usize>> = (0..spec.ny)
        .step_by(ROWS_PER_BAND)
        .map(|j| j..(j + ROWS_PER_BAND).min(spec.ny))
        .collect();
    let parts: Vec<Array2<f64>> = bands
        .into_par_iter()
        .map(|rows| f(spec.points_rows(base, fx, fy, rows).view()))
        .collect();
    let k = parts.first().map_or(0, |p| p.ncols());
    let mut out = Array2::zeros((spec.len(), k));
    let mut at = 0;
    for part in parts {
        let m = part.nrows();
        out.slice_mut(s![at..at + m, ..]).assign(&part);
        at += m;
    }
    out
}

/// Column means of `x`: the fixed value of every feature that is not on the grid's axes.
pub fn column_means(x: ArrayView2<f64>) -> Array1<f64> {
    x.mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn points_hold_other_features_at_base_and_span_the_range() {
        let spec = GridSpec {
            x_range: (0.0, 1.0),
            y_range: (-2.0, 2.0),
            nx: 3,
            ny: 5,
        };
        let base = array![7.0, 8.0, 9.0];
        let pts = spec.points(base.view(), 0, 2);
        assert_eq!(pts.dim(), (15, 3));
        // row j*nx + i = (x_i, 8, y_j)
        assert_eq!(pts.row(0).to_vec(), vec![0.0, 8.0, -2.0]);
        assert_eq!(pts.row(2).to_vec(), vec![1.0, 8.0, -2.0]);
        assert_eq!(pts.row(14).to_vec(), vec![1.0, 8.0, 2.0]);
        assert_eq!(pts.row(7).to_vec(), vec![0.5, 8.0, 0.0]);
    }

    #[test]
    fn parallel_evaluation_keeps_row_order() {
        let spec = GridSpec {
            x_range: (0.0, 9.0),
            y_range: (0.0, 29.0),
            nx: 10,
            ny: 30,
        };
        let base = array![0.0, 0.0];
        // f(x, y) = 100 y + x, known in closed form for every grid point.
        let out = evaluate(&spec, base.view(), 0, 1, |pts| {
            let v: Vec<f64> = pts
                .rows()
                .into_iter()
                .map(|r| 100.0 * r[1] + r[0])
                .collect();
            Array2::from_shape_vec((v.len(), 1), v).unwrap()
        });
        for j in 0..30 {
            for i in 0..10 {
                assert_eq!(out[[j * 10 + i, 0]], (100 * j + i) as f64);
            }
        }
    }

    #[test]
    fn around_pads_and_handles_a_single_value() {
        let g = GridSpec::around(&[0.0, 10.0], &[5.0, 5.0], 0.1, 4, 4);
        assert_eq!(g.x_range, (-1.0, 11.0));
        assert_eq!(g.y_range, (4.0, 6.0));
    }
}

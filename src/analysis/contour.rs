//! Iso-lines of a function sampled on a [`GridSpec`] (marching squares), joined into polylines:
//! decision boundaries (f = 0, p = ½) and SVM margins (f = ±1).

use std::collections::HashMap;

use crate::analysis::grid::GridSpec;

/// Polylines where the grid values cross `level`. `values[j·nx + i]` is the value at
/// `(x_at(i), y_at(j))`, as produced by [`crate::analysis::grid::evaluate`].
pub fn iso_lines(spec: &GridSpec, values: &[f64], level: f64) -> Vec<Vec<[f64; 2]>> {
    let (nx, ny) = (spec.nx, spec.ny);
    if values.len() != nx * ny || nx < 2 || ny < 2 {
        return Vec::new();
    }
    let v = |i: usize, j: usize| values[j * nx + i] - level;
    // A crossing point is identified by the grid edge it lies on, so neighbouring cells
    // share it exactly: (i, j, horizontal?) of the edge's lower-left end.
    type Edge = (usize, usize, bool);
    let point_on = |(i, j, horizontal): Edge| -> [f64; 2] {
        let (i2, j2) = if horizontal { (i + 1, j) } else { (i, j + 1) };
        let (a, b) = (v(i, j), v(i2, j2));
        let t = if a == b {
            0.5
        } else {
            (a / (a - b)).clamp(0.0, 1.0)
        };
        let (x1, y1) = (spec.x_at(i), spec.y_at(j));
        let (x2, y2) = (spec.x_at(i2), spec.y_at(j2));
        [x1 + t * (x2 - x1), y1 + t * (y2 - y1)]
    };
    let mut segments: Vec<(Edge, Edge)> = Vec::new();
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let c = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)];
            if c.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let above = |k: usize| c[k] > 0.0;
            // Edges of the cell: bottom, right, top, left (between corners k and k+1).
            let edges: [Edge; 4] = [
                (i, j, true),
                (i + 1, j, false),
                (i, j + 1, true),
                (i, j, false),
            ];
            let crossed: Vec<Edge> = (0..4)
                .filter(|&k| above(k) != above((k + 1) % 4))
                .map(|k| edges[k])
                .collect();
            match crossed.len() {
                2 => segments.push((crossed[0], crossed[1])),
                4 => {
                    // Saddle: decide by the centre value.
                    let centre = c.iter().sum::<f64>() / 4.0;
                    if (centre > 0.0) == above(0) {
                        segments.push((crossed[0], crossed[1]));
                        segments.push((crossed[2], crossed[3]));
                    } else {
                        segments.push((crossed[0], crossed[3]));
                        segments.push((crossed[1], crossed[2]));
                    }
                }
                _ => {}
            }
        }
    }
    join(segments)
        .into_iter()
        .map(|line| line.into_iter().map(point_on).collect())
        .collect()
}

/// Chain segments that share end points into polylines.
fn join<P: Copy + Eq + std::hash::Hash>(segments: Vec<(P, P)>) -> Vec<Vec<P>> {
    let mut at: HashMap<P, Vec<usize>> = HashMap::new();
    for (k, (a, b)) in segments.iter().enumerate() {
        at.entry(*a).or_default().push(k);
        at.entry(*b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (a, b) = segments[start];
        let mut line = std::collections::VecDeque::from([a, b]);
        // Grow at the back, then at the front.
        for front in [false, true] {
            loop {
                let end = if front { line[0] } else { line[line.len() - 1] };
                let next = at
                    .get(&end)
                    .and_then(|ks| ks.iter().copied().find(|&k| !used[k]));
                let Some(k) = next else { break };
                used[k] = true;
                let (p, q) = segments[k];
                let other = if p == end { q } else { p };
                if front {
                    line.push_front(other);
                } else {
                    line.push_back(other);
                }
            }
        }
        lines.push(line.into_iter().collect());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(spec: &GridSpec, f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
        let mut v = Vec::with_capacity(spec.len());
        for j in 0..spec.ny {
            for i in 0..spec.nx {
                v.push(f(spec.x_at(i), spec.y_at(j)));
            }
        }
        v
    }

    #[test]
    fn the_unit_circle_is_one_closed_line_on_the_circle() {
        let spec = GridSpec {
            x_range: (-2.0, 2.0),
            y_range: (-2.0, 2.0),
            nx: 81,
            ny: 81,
        };
        let values = sample(&spec, |x, y| x * x + y * y);
        let lines = iso_lines(&spec, &values, 1.0);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.first(), line.last(), "closed");
        for p in line {
            let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
            // linear interpolation on a 0.05 grid: error ≤ h²/8 · curvature ≈ 3e-4
            assert!((r - 1.0).abs() < 2e-3, "r = {r}");
        }
        // the circumference is 2π
        let length: f64 = line
            .windows(2)
            .map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt())
            .sum();
        assert!(
            (length - 2.0 * std::f64::consts::PI).abs() < 0.01,
            "{length}"
        );
    }

    #[test]
    fn a_linear_boundary_is_exact_and_levels_shift_it() {
        let spec = GridSpec {
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            nx: 11,
            ny: 11,
        };
        // f = x - 0.33: the iso-line f = 0 is x = 0.33, f = 0.2 is x = 0.53.
        let values = sample(&spec, |x, _| x - 0.33);
        for (level, x0) in [(0.0, 0.33), (0.2, 0.53)] {
            let lines = iso_lines(&spec, &values, level);
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0].len(), 11, "one vertex per grid row");
            for p in &lines[0] {
                assert!((p[0] - x0).abs() < 1e-12);
            }
        }
        assert!(iso_lines(&spec, &values, 5.0).is_empty());
    }
}

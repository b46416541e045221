//! Per-column summary statistics for the data table view and `inspect`.

use serde::Serialize;

use crate::data::{ColumnData, Table};

/// Summary of one column. Numbers are over the present (finite) cells; `None` when there are
/// none or the column is text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnStats {
    pub name: String,
    pub numeric: bool,
    pub missing: usize,
    pub mean: Option<f64>,
    /// Population standard deviation.
    pub std: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Distinct values of a text column (capped at 1,000 for counting).
    pub distinct: Option<usize>,
}

pub fn column_stats(table: &Table) -> Vec<ColumnStats> {
    table
        .columns
        .iter()
        .map(|c| match &c.data {
            ColumnData::Numeric(v) => {
                // Welford's update: stable for large, offset data. Scale-safe: values far
                // from 1 (1e200) are divided by a power of two first (see `pow2_scale`).
                let largest = v
                    .iter()
                    .filter(|x| x.is_finite())
                    .fold(0.0f64, |m, x| m.max(x.abs()));
                let s = crate::data::prep::pow2_scale(largest);
                let (mut n, mut mean, mut m2) = (0u64, 0.0f64, 0.0f64);
                let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                for &x in v.iter().filter(|x| x.is_finite()) {
                    n += 1;
                    lo = lo.min(x);
                    hi = hi.max(x);
                    let x = x / s;
                    let d = x - mean;
                    mean += d / n as f64;
                    m2 += d * (x - mean);
                }
                let some = |x: f64| (n > 0).then_some(x);
                ColumnStats {
                    name: c.name.clone(),
                    numeric: true,
                    missing: v.len() - n as usize,
                    mean: some(mean * s),
                    std: some((m2 / n.max(1) as f64).sqrt() * s),
                    min: some(lo),
                    max: some(hi),
                    distinct: None,
                }
            }
            ColumnData::Text { values, .. } => {
                let mut seen = std::collections::HashSet::new();
                for v in values.iter().flatten() {
                    if seen.len() >= 1000 {
                        break;
                    }
                    seen.insert(v.as_str());
                }
                ColumnStats {
                    name: c.name.clone(),
                    numeric: false,
                    missing: values.iter().filter(|v| v.is_none()).count(),
                    mean: None,
                    std: None,
                    min: None,
                    max: None,
                    distinct: Some(seen.len()),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Column;

    #[test]
    fn stats_by_hand() {
        let t = Table {
            name: "t".into(),
            n_rows: 4,
            columns: vec![
                Column {
                    name: "a".into(),
                    data: ColumnData::Numeric(vec![2.0, 4.0, f64::NAN, 6.0]),
                },
                Column {
                    name: "b".into(),
                    data: ColumnData::Text {
                        values: vec![Some("x".into()), None, Some("y".into()), Some("x".into())],
                        first_non_numeric: Some((2, "x".into())),
                    },
                },
            ],
            ..Default::default()
        };
        let s = column_stats(&t);
        // a: 2, 4, 6 → mean 4, population variance (4+0+4)/3 = 8/3.
        assert_eq!(s[0].missing, 1);
        assert_eq!(s[0].mean, Some(4.0));
        assert!((s[0].std.unwrap() - (8.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!((s[0].min, s[0].max), (Some(2.0), Some(6.0)));
        assert_eq!((s[1].missing, s[1].distinct), (1, Some(2)));
        assert_eq!(s[1].mean, None);
    }
}

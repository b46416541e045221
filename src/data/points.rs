//! Points the user places, moves and deletes in the window, as in LIBSVM's svm-toy: two
//! numeric columns and a class. The first edit copies the two shown columns and the class of
//! the data on screen (a file is never written); every later edit changes that copy, which is
//! a [`super::Source`] of its own, so it is saved with the settings and sessions and undone
//! like any other change of data.

use serde::{Deserialize, Serialize};

use super::{Column, ColumnData, Dataset, Table, Target};

/// The most points an edited copy may hold (they are kept in the settings).
pub const MAX_EDITED_POINTS: usize = 5_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Points {
    /// What the points were copied from (a data set's name).
    pub from: String,
    /// Names of the two feature columns and of the class column.
    pub x_name: String,
    pub y_name: String,
    pub class_name: String,
    /// Every class a point may be given, including ones that no longer have a point.
    pub classes: Vec<String>,
    pub xy: Vec<[f64; 2]>,
    /// Index into `classes` of each point.
    pub class: Vec<usize>,
}

/// One change to the points.
#[derive(Clone, Debug, PartialEq)]
pub enum PointEdit {
    Add { at: [f64; 2], class: usize },
    Move { index: usize, to: [f64; 2] },
    Delete { index: usize },
}

impl Points {
    /// A copy of columns `xa` and `ya` and the class of every row of `ds`.
    pub fn from_dataset(ds: &Dataset, xa: usize, ya: usize) -> Result<Points, String> {
        let Target::Classes { y, names } = &ds.target else {
            return Err("points can be edited on class data only (the target is numeric)".into());
        };
        if xa >= ds.n_features() || ya >= ds.n_features() || xa == ya {
            return Err("points are edited in a plane of two different features".into());
        }
        if ds.n_rows() > MAX_EDITED_POINTS {
            return Err(format!(
                "points can be edited on data of at most {MAX_EDITED_POINTS} rows (this has {})",
                ds.n_rows()
            ));
        }
        Ok(Points {
            from: ds.name.clone(),
            x_name: ds.feature_names[xa].clone(),
            y_name: ds.feature_names[ya].clone(),
            class_name: ds.target_name.clone(),
            classes: names.clone(),
            xy: (0..ds.n_rows())
                .map(|i| [ds.x[[i, xa]], ds.x[[i, ya]]])
                .collect(),
            class: y.clone(),
        })
    }

    pub fn len(&self) -> usize {
        self.xy.len()
    }

    pub fn is_empty(&self) -> bool {
        self.xy.is_empty()
    }

    /// Apply one edit; an edit that cannot apply (an index gone, a point off the plane, too
    /// many points) is refused with a reason and changes nothing.
    pub fn apply(&mut self, edit: &PointEdit) -> Result<(), String> {
        let finite = |p: &[f64; 2]| p.iter().all(|v| v.is_finite());
        match edit {
            PointEdit::Add { at, class } => {
                if self.len() >= MAX_EDITED_POINTS {
                    return Err(format!("at most {MAX_EDITED_POINTS} points can be edited"));
                }
                if *class >= self.classes.len() || !finite(at) {
                    return Err("that point cannot be added".into());
                }
                self.xy.push(*at);
                self.class.push(*class);
            }
            PointEdit::Move { index, to } => {
                if *index >= self.len() || !finite(to) {
                    return Err("that point is no longer there".into());
                }
                self.xy[*index] = *to;
            }
            PointEdit::Delete { index } => {
                if *index >= self.len() {
                    return Err("that point is no longer there".into());
                }
                self.xy.remove(*index);
                self.class.remove(*index);
            }
        }
        Ok(())
    }

    /// The points as a table: the two features, then the class by name.
    pub fn to_table(&self) -> Table {
        let mut t = Table::from_numeric(
            &format!("points edited from {}", self.from),
            vec![
                (self.x_name.clone(), self.xy.iter().map(|p| p[0]).collect()),
                (self.y_name.clone(), self.xy.iter().map(|p| p[1]).collect()),
            ],
        );
        t.columns.push(Column {
            name: self.class_name.clone(),
            data: ColumnData::Text {
                values: self
                    .class
                    .iter()
                    .map(|&c| self.classes.get(c).cloned())
                    .collect(),
                first_non_numeric: None,
            },
        });
        t
    }

    /// Every value is finite, every class index in range, and the size within bounds (a
    /// hand-edited settings file or session could break any of these).
    pub fn check(&self) -> Result<(), String> {
        if self.xy.len() != self.class.len() {
            return Err("the edited points and their classes differ in number".into());
        }
        if self.len() > MAX_EDITED_POINTS {
            return Err(format!(
                "{} edited points: at most {MAX_EDITED_POINTS} are kept",
                self.len()
            ));
        }
        if self.class.iter().any(|&c| c >= self.classes.len()) {
            return Err("an edited point has a class that is not listed".into());
        }
        if self.xy.iter().flatten().any(|v| !v.is_finite()) {
            return Err("an edited point is not a finite number".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two() -> Points {
        Points {
            from: "t".into(),
            x_name: "a".into(),
            y_name: "b".into(),
            class_name: "k".into(),
            classes: vec!["u".into(), "v".into()],
            xy: vec![[0.0, 0.0], [1.0, 2.0]],
            class: vec![0, 1],
        }
    }

    #[test]
    fn edits_add_move_and_delete_and_bad_ones_change_nothing() {
        let mut p = two();
        p.apply(&PointEdit::Add {
            at: [3.0, 4.0],
            class: 1,
        })
        .unwrap();
        assert_eq!(p.xy, vec![[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]]);
        p.apply(&PointEdit::Move {
            index: 0,
            to: [-1.0, 5.0],
        })
        .unwrap();
        p.apply(&PointEdit::Delete { index: 1 }).unwrap();
        assert_eq!(p.xy, vec![[-1.0, 5.0], [3.0, 4.0]]);
        assert_eq!(p.class, vec![0, 1]);
        let before = p.clone();
        assert!(p.apply(&PointEdit::Delete { index: 2 }).is_err());
        assert!(
            p.apply(&PointEdit::Add {
                at: [f64::NAN, 0.0],
                class: 0
            })
            .is_err()
        );
        assert!(
            p.apply(&PointEdit::Add {
                at: [0.0, 0.0],
                class: 2
            })
            .is_err()
        );
        assert_eq!(p, before);
        p.check().unwrap();
    }

    #[test]
    fn the_table_has_the_two_columns_and_the_class_by_name() {
        let t = two().to_table();
        assert_eq!(t.column_names(), vec!["a", "b", "k"]);
        match &t.columns[2].data {
            ColumnData::Text { values, .. } => {
                assert_eq!(values, &vec![Some("u".to_string()), Some("v".to_string())]);
            }
            other => panic!("{other:?}"),
        }
        let mut bad = two();
        bad.class[0] = 5;
        assert!(bad.check().is_err());
    }
}

//! Built-in datasets: the three real ones compiled into linfa-datasets (they work offline) and
//! the seeded generators of [`crate::data::generate`].

use serde::{Deserialize, Serialize};

use crate::data::generate::{Generator, generate};
use crate::data::{Column, ColumnData, Table};

/// A real dataset shipped inside linfa-datasets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RealDataset {
    Iris,
    Diabetes,
    WineQuality,
}

impl RealDataset {
    pub const ALL: [RealDataset; 3] = [
        RealDataset::Iris,
        RealDataset::Diabetes,
        RealDataset::WineQuality,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RealDataset::Iris => "iris",
            RealDataset::Diabetes => "diabetes",
            RealDataset::WineQuality => "winequality",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            RealDataset::Iris => "150 flowers × 4 measurements, 3 species",
            RealDataset::Diabetes => {
                "441 patients × 10 baseline variables, disease progression (regression)"
            }
            RealDataset::WineQuality => "1,599 red wines × 11 chemical measurements, quality 3-8",
        }
    }
}

/// A built-in dataset: real, or generated with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Builtin {
    Real(RealDataset),
    Generated {
        kind: Generator,
        n: usize,
        noise: f64,
        seed: u64,
    },
}

/// Largest sample count a generator accepts.
pub const MAX_GENERATED: usize = 1_000_000;

impl Builtin {
    /// The dataset the app opens on the very first start.
    pub fn default_dataset() -> Self {
        Builtin::generated(Generator::Moons)
    }

    pub fn generated(kind: Generator) -> Self {
        Builtin::Generated {
            kind,
            n: 300,
            noise: kind.default_noise(),
            seed: 0,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Builtin::Real(r) => r.name(),
            Builtin::Generated { kind, .. } => kind.name(),
        }
    }

    /// Every built-in name, real ones first.
    pub fn names() -> Vec<&'static str> {
        RealDataset::ALL
            .iter()
            .map(|r| r.name())
            .chain(Generator::ALL.iter().map(|g| g.name()))
            .collect()
    }

    /// Look a built-in up by name; generated ones take `n`, `noise` (default: the generator's)
    /// and `seed`.
    pub fn from_name(name: &str, n: usize, noise: Option<f64>, seed: u64) -> Result<Self, String> {
        if let Some(r) = RealDataset::ALL.into_iter().find(|r| r.name() == name) {
            return Ok(Builtin::Real(r));
        }
        let kind = Generator::from_name(name).ok_or_else(|| {
            format!(
                "no built-in dataset named '{name}' (built-ins: {})",
                Builtin::names().join(", ")
            )
        })?;
        let b = Builtin::Generated {
            kind,
            n,
            noise: noise.unwrap_or(kind.default_noise()),
            seed,
        };
        b.validate()?;
        Ok(b)
    }

    /// Check generator parameters.
    pub fn validate(&self) -> Result<(), String> {
        if let Builtin::Generated { n, noise, .. } = *self {
            if !(2..=MAX_GENERATED).contains(&n) {
                return Err(format!(
                    "sample count must be between 2 and {MAX_GENERATED}, got {n}"
                ));
            }
            if !(noise.is_finite() && noise >= 0.0) {
                return Err(format!(
                    "noise must be a finite number ≥ 0, got {}",
                    crate::error::Num(noise)
                ));
            }
        }
        Ok(())
    }

    /// Build the table. Generated tables are `x1, x2, class` (or `x, y` for the curve).
    pub fn load(&self) -> Result<Table, String> {
        self.validate()?;
        Ok(match *self {
            Builtin::Real(r) => real_table(r),
            Builtin::Generated {
                kind,
                n,
                noise,
                seed,
            } => {
                let g = generate(kind, n, noise, seed);
                if kind == Generator::Curve {
                    Table::from_numeric(
                        kind.name(),
                        vec![("x".into(), g.x.column(0).to_vec()), ("y".into(), g.y)],
                    )
                } else {
                    let mut t = Table::from_numeric(
                        kind.name(),
                        vec![
                            ("x1".into(), g.x.column(0).to_vec()),
                            ("x2".into(), g.x.column(1).to_vec()),
                        ],
                    );
                    t.columns.push(Column {
                        name: "class".into(),
                        data: ColumnData::Text {
                            values: g.y.iter().map(|c| Some(format!("class {c}"))).collect(),
                            first_non_numeric: None,
                        },
                    });
                    t
                }
            }
        })
    }
}

fn real_table(r: RealDataset) -> Table {
    fn numeric_table<T>(
        name: &str,
        ds: &linfa::Dataset<f64, T, ndarray::Ix1>,
        target: &str,
        target_col: ColumnData,
    ) -> Table {
        use linfa::prelude::Records;
        let mut cols: Vec<(String, Vec<f64>)> = ds
            .feature_names()
            .iter()
            .enumerate()
            .map(|(j, name)| (name.clone(), ds.records().column(j).to_vec()))
            .collect();
        debug_assert_eq!(cols.len(), ds.nfeatures());
        let mut t = Table::from_numeric(name, std::mem::take(&mut cols));
        t.columns.push(Column {
            name: target.into(),
            data: target_col,
        });
        t
    }
    match r {
        RealDataset::Iris => {
            let ds = linfa_datasets::iris();
            let species = ["setosa", "versicolor", "virginica"];
            let target = ColumnData::Text {
                values: ds
                    .targets()
                    .iter()
                    .map(|&c| Some(species[c].to_string()))
                    .collect(),
                first_non_numeric: None,
            };
            numeric_table("iris", &ds, "species", target)
        }
        RealDataset::Diabetes => {
            let ds = linfa_datasets::diabetes();
            let target = ColumnData::Numeric(ds.targets().to_vec());
            numeric_table("diabetes", &ds, "progression", target)
        }
        RealDataset::WineQuality => {
            let ds = linfa_datasets::winequality();
            let target = ColumnData::Numeric(ds.targets().iter().map(|&q| q as f64).collect());
            numeric_table("winequality", &ds, "quality", target)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::{Roles, Target, build_dataset};

    #[test]
    fn real_datasets_have_their_published_shapes() {
        // iris: 150 × 4, 50 per species (Fisher 1936); diabetes: 442 × 10 published, of which
        // linfa-datasets ships 441; wine quality (red): 1,599 × 11, quality 3..8.
        let iris = build_dataset(
            &Builtin::Real(RealDataset::Iris).load().unwrap(),
            &Roles::default(),
        )
        .unwrap();
        assert_eq!(iris.x.dim(), (150, 4));
        let Target::Classes { y, names } = &iris.target else {
            panic!("iris is classes")
        };
        assert_eq!(names, &["setosa", "versicolor", "virginica"]);
        assert_eq!(y.iter().filter(|&&c| c == 1).count(), 50);
        // first iris row of Fisher's data: 5.1, 3.5, 1.4, 0.2, setosa
        assert_eq!(iris.x.row(0).to_vec(), vec![5.1, 3.5, 1.4, 0.2]);

        let d = build_dataset(
            &Builtin::Real(RealDataset::Diabetes).load().unwrap(),
            &Roles::default(),
        )
        .unwrap();
        assert_eq!(d.x.dim(), (441, 10));
        assert!(matches!(d.target, Target::Values(_)));

        let w = build_dataset(
            &Builtin::Real(RealDataset::WineQuality).load().unwrap(),
            &Roles::default(),
        )
        .unwrap();
        assert_eq!(w.x.dim(), (1599, 11));
        assert_eq!(w.target.class_names(), &["3", "4", "5", "6", "7", "8"]);
    }

    #[test]
    fn generated_tables_and_bad_parameters() {
        let t = Builtin::from_name("moons", 40, None, 1)
            .unwrap()
            .load()
            .unwrap();
        assert_eq!(t.column_names(), vec!["x1", "x2", "class"]);
        assert_eq!(t.n_rows, 40);
        let e = Builtin::from_name("moons", 1, None, 1).unwrap_err();
        assert!(e.contains("between 2 and"), "{e}");
        let e = Builtin::from_name("moon", 10, None, 1).unwrap_err();
        assert!(e.starts_with("no built-in dataset named 'moon'"), "{e}");
        let e = Builtin::from_name("xor", 10, Some(-1.0), 1).unwrap_err();
        assert!(e.contains("noise"), "{e}");
    }
}

//! Datasets: CSV loading, built-ins, generators, column roles, preparation. No egui here.

pub mod csv;
pub mod table;

pub use table::{Column, ColumnData, CsvFormat, Table};
pub mod builtin;
pub mod dataset;
pub mod generate;
pub mod hash;
pub mod points;
pub mod prep;

pub use builtin::{Builtin, RealDataset};
pub use dataset::{
    BuildReport, DataError, Dataset, Purpose, Roles, Target, Task, TaskChoice, build_dataset,
    build_dataset_for,
};
pub mod source;

pub use points::{PointEdit, Points};
pub use source::{Source, SourceError, load_source};
pub mod stats;

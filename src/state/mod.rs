//! The app's vocabulary, shared by [`crate::app`] (which computes) and [`crate::ui`] (which
//! draws): what the user chose ([`settings`]), what the user asked for ([`command`]) and what
//! was computed ([`results`]). No egui and no threads here, so the UI never needs the
//! application type and the application never needs to draw.

pub mod command;
pub mod results;
pub mod session;
pub mod settings;

pub use command::Command;
pub use results::{DataView, Level, ModelView, Prepared, Status, TrainRun};
pub use session::Session;
pub use settings::{DataRequest, ModelSettings, Settings, Tab, TableMode, ViewSettings};

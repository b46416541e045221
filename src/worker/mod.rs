//! Background work: the only module that starts threads.
//!
//! - [`lane`]: one named worker thread, latest-wins submission, streamed partials, caught panics.
//! - [`slot`]: one live computation of the app on its own lane, keyed by its inputs.
//! - [`dialog`]: the native file dialog, which blocks, on a thread of its own.

pub mod dialog;
pub mod io;
pub mod lane;
pub mod slot;

pub use lane::{Done, Job, JobError, Lane};
pub use slot::{Finished, Shown, Slot};

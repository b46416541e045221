//! Panels and plots (being written).

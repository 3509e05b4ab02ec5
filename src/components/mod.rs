//! Reusable pieces of the user interface.

pub mod header;

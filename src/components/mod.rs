//! The panels of the page, one component per file.

pub mod audit;
pub mod cluster;
pub mod draw;
pub mod event_log;
pub mod faults;
pub mod header;
pub mod help;
pub mod settings;
pub mod share;
pub mod timeline;

//! The panels of the page, one component per file.

pub mod audit;
pub mod challenge;
pub mod cluster;
pub mod draw;
pub mod event_log;
pub mod export;
pub mod faults;
pub mod header;
pub mod help;
pub mod lessons;
pub mod settings;
pub mod share;
pub mod timeline;

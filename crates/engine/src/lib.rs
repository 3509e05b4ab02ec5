//! Ackademy's engine: a deterministic miniature Apache Kafka 3.x.
//!
//! Pure: no wall clock, no global RNG, no hash-map iteration reaching behaviour. The same
//! scenario gives the same report and trace on every target.

pub mod config;
pub mod scenario;
pub mod validate;

pub use validate::{parse_scenario, resolve, ScenarioError};

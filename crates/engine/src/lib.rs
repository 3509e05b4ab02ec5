//! Ackademy's engine: a deterministic miniature Apache Kafka 3.x.
//!
//! Pure: no wall clock, no global RNG, no hash-map iteration reaching behaviour. The same
//! scenario gives the same report and trace on every target.

pub mod accumulator;
pub mod audit;
pub mod broker;
pub mod clock;
pub mod commit_tracker;
pub mod config;
pub mod consumer;
pub mod controller;
pub mod dead_letter;
pub mod errors;
pub mod export;
pub mod goal;
pub mod group;
pub mod lesson;
pub mod log;
pub mod messages;
pub mod murmur2;
pub mod network;
pub mod outbox;
pub mod processor;
pub mod producer;
pub mod replica;
pub mod rng;
pub mod scenario;
pub mod settings;
pub mod sort;
pub mod sim;
pub mod trace;
pub mod trace_hash;
pub mod trace_json;
pub mod transaction;
pub mod txn_coordinator;
pub mod tpmap;
pub mod types;
pub mod validate;
pub mod vecmap;
pub mod view;

pub use audit::{Findings, Report};
pub use config::Resolved;
pub use scenario::Scenario;
pub use validate::{parse_scenario, resolve, ScenarioError};

/// A finished run: the audit's report and findings, and the trace it judged.
pub struct RunOutput {
    pub report: Report,
    pub findings: Findings,
    pub trace: trace::Trace,
    pub cfg: Resolved,
}

/// Simulates a resolved scenario and audits the history it produced.
pub fn simulate(cfg: Resolved) -> RunOutput {
    let (trace, cfg, end) = sim::Sim::new(cfg).run();
    let (report, findings) = audit::audit(&cfg, &trace.events, trace.hash_hex(), end);
    RunOutput { report, findings, trace, cfg }
}

/// Checks and runs a scenario.
pub fn run(s: &Scenario) -> Result<RunOutput, ScenarioError> {
    Ok(simulate(resolve(s)?))
}

/// Parses, checks and runs a scenario given as JSON.
pub fn run_json(json: &str) -> Result<RunOutput, ScenarioError> {
    run(&parse_scenario(json)?)
}

//! Reading and checking a scenario (placeholder; being written).
use crate::config::Resolved;
use crate::scenario::Scenario;

#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    pub path: String,
    pub message: String,
}

pub fn parse_scenario(_json: &str) -> Result<Scenario, ScenarioError> {
    unimplemented!()
}

pub fn resolve(_s: &Scenario) -> Result<Resolved, ScenarioError> {
    unimplemented!()
}

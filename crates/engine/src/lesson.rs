//! Lessons are data: one JSON file per lesson (`lessons/NN-id.json`), with its text in
//! every locale, the starting scenario that shows the problem, the goal as a predicate over
//! the report (see `goal.rs`), the controls the learner may touch, hints, the solution as
//! control changes, and where the behaviour is documented. This module reads a lesson and
//! checks it: the start must show the problem and miss the goal; the solution must meet it.

use crate::goal;
use crate::scenario::{Fault, Scenario};
use crate::settings;
use serde::{Deserialize, Serialize};

/// The locales every text must exist in.
pub const LOCALES: &[&str] = &["en", "ko"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub ko: String,
}

impl Text {
    pub fn get(&self, locale: &str) -> &str {
        match locale {
            "ko" => &self.ko,
            _ => &self.en,
        }
    }
}

/// A control the learner may touch: `data-config` and `data-owner` of the playground.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub config: String,
    pub owner: String,
}

/// One step of a solution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Step {
    /// Set a control to a value (an empty value restores Kafka's default).
    Set { config: String, owner: String, value: String },
    /// Remove every scheduled fault of this kind (e.g. `"add_partitions"`).
    RemoveFault { remove_fault: String },
    /// Schedule one more fault.
    AddFault { add_fault: Fault },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub id: String,
    pub order: u32,
    pub title: Text,
    /// The short story that sets the scene.
    pub story: Text,
    /// What the learner must achieve.
    pub task: Text,
    pub scenario: Scenario,
    /// Must hold after the learner's changes.
    pub goal: String,
    /// Must hold on the starting scenario: the anomaly the lesson teaches is there.
    pub problem: String,
    pub controls: Vec<Control>,
    pub hints: Vec<Text>,
    pub solution: Vec<Step>,
    /// Why the solution works.
    pub why: Text,
    /// Kafka documentation, KIPs or articles the behaviour comes from.
    pub sources: Vec<String>,
}

pub fn parse_lesson(json: &str) -> Result<Lesson, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

/// Applies solution steps to a scenario.
pub fn apply(s: &mut Scenario, steps: &[Step]) -> Result<(), String> {
    for step in steps {
        match step {
            Step::Set { config, owner, value } => settings::set(s, config, owner, value)?,
            Step::RemoveFault { remove_fault } => s.faults.retain(|f| f.kind.name() != remove_fault),
            Step::AddFault { add_fault } => s.faults.push(add_fault.clone()),
        }
    }
    Ok(())
}

/// Checks a lesson: every text in every locale, the problem visible at the start, the
/// goal missed at the start and met by the solution, solution steps within the controls.
pub fn check(l: &Lesson) -> Result<(), String> {
    let mut texts = vec![("title", &l.title), ("story", &l.story), ("task", &l.task), ("why", &l.why)];
    texts.extend(l.hints.iter().map(|h| ("hint", h)));
    for (what, t) in texts {
        for loc in LOCALES {
            if t.get(loc).trim().is_empty() {
                return Err(format!("{}: {what} has no {loc} text", l.id));
            }
        }
    }
    if l.hints.is_empty() || l.sources.is_empty() {
        return Err(format!("{}: needs hints and sources", l.id));
    }
    for step in &l.solution {
        if let Step::Set { config, owner, .. } = step {
            if !l.controls.iter().any(|c| &c.config == config && &c.owner == owner) {
                return Err(format!("{}: the solution sets {config} of {owner}, which is not among its controls", l.id));
            }
        }
    }
    for c in &l.controls {
        if settings::owner_of(&l.scenario, &c.config, &c.owner).is_none() {
            return Err(format!("{}: control {} of {} does not exist", l.id, c.config, c.owner));
        }
    }
    let start = crate::run(&l.scenario).map_err(|e| format!("{}: start scenario: {e}", l.id))?;
    if goal::holds(&l.goal, &start.report).map_err(|e| format!("{}: goal: {e}", l.id))? {
        return Err(format!("{}: the goal already holds at the start", l.id));
    }
    if !goal::holds(&l.problem, &start.report).map_err(|e| format!("{}: problem: {e}", l.id))? {
        return Err(format!("{}: the start does not show the problem ({}): {:?}", l.id, l.problem, brief(&start.report)));
    }
    let mut solved = l.scenario.clone();
    apply(&mut solved, &l.solution).map_err(|e| format!("{}: solution: {e}", l.id))?;
    let end = crate::run(&solved).map_err(|e| format!("{}: solved scenario: {e}", l.id))?;
    if !goal::holds(&l.goal, &end.report).map_err(|e| format!("{}: goal: {e}", l.id))? {
        return Err(format!("{}: the solution misses the goal ({}): {:?}", l.id, l.goal, brief(&end.report)));
    }
    Ok(())
}

fn brief(r: &crate::Report) -> String {
    format!(
        "sent {} acked {} failed {} in_log {} consumed {} lost {} duplicated {} reordered {} aborted_read {} dead_lettered {} verdict {}",
        r.sent, r.acked, r.failed, r.in_log, r.consumed, r.lost, r.duplicated, r.reordered, r.aborted_read, r.dead_lettered, r.verdict
    )
}

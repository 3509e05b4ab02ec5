//! Lessons are data: one JSON file per lesson (`lessons/NN-id.json`), with its text in
//! every locale, the starting scenario that shows the problem, the goal as a predicate over
//! the report (see `goal.rs`), what the learner may touch (settings, and scheduled faults
//! they may remove), hints, the solution as the learner's own moves, and where the
//! behaviour is documented. This module reads a lesson and checks it: the start must show
//! the problem and miss the goal; the solution must meet it using only what the lesson lets
//! the learner touch. The format is described field by field in `docs/lessons.md`.

use crate::goal;
use crate::scenario::Scenario;
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

/// One step of a solution: a move the learner can make in the lesson view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Step {
    /// `{"config", "owner", "value"}`: set one of the lesson's `controls` to a value (an
    /// empty value restores Kafka's default).
    Set { config: String, owner: String, value: String },
    /// `{"remove_fault": "<kind>"}`: remove every scheduled fault of this kind (e.g.
    /// `"add_partitions"`); the kind must be among the lesson's `removable_faults`.
    RemoveFault { remove_fault: String },
}

/// A lesson file. Everything the learner may touch is declared: `controls` (settings, each
/// shown with the playground's widget, `data-config`/`data-owner`) and `removable_faults`
/// (kinds of the scenario's scheduled faults that get a remove button); every other setting
/// and fault is fixed. [`check`] holds the solution to the same rule.
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
    /// The settings the learner may change.
    pub controls: Vec<Control>,
    /// Fault kinds (`"add_partitions"`, `"crash_broker"`, ...) whose scheduled faults the
    /// learner may remove (and put back); each must be scheduled in `scenario`. Optional:
    /// by default every fault is part of the story and fixed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removable_faults: Vec<String>,
    pub hints: Vec<Text>,
    pub solution: Vec<Step>,
    /// Why the solution works.
    pub why: Text,
    /// Kafka documentation, KIPs or articles the behaviour comes from.
    pub sources: Vec<String>,
}

pub fn parse_lesson(json: &str) -> Result<Lesson, String> {
    // As `serde_json::from_str`, through the scenario's one reader (smaller wasm).
    crate::validate::from_json(json).map_err(|e| e.to_string())
}

/// Applies solution steps to a scenario.
pub fn apply(s: &mut Scenario, steps: &[Step]) -> Result<(), String> {
    for step in steps {
        match step {
            Step::Set { config, owner, value } => settings::set(s, config, owner, value)?,
            Step::RemoveFault { remove_fault } => s.faults.retain(|f| f.kind.name() != remove_fault),
        }
    }
    Ok(())
}

/// Checks a lesson: every text in every locale, the problem visible at the start, the
/// goal missed at the start and met by the solution, solution steps within what the lesson
/// lets the learner touch (its controls and removable faults).
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
    if l.id.is_empty() || !l.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(format!("{:?}: an id is lower-case letters, digits and '-'", l.id));
    }
    if l.hints.is_empty() || l.sources.is_empty() {
        return Err(format!("{}: needs hints and sources", l.id));
    }
    for step in &l.solution {
        match step {
            Step::Set { config, owner, .. } => {
                if !l.controls.iter().any(|c| &c.config == config && &c.owner == owner) {
                    return Err(format!("{}: the solution sets {config} of {owner}, which is not among its controls", l.id));
                }
            }
            Step::RemoveFault { remove_fault } => {
                if !l.removable_faults.contains(remove_fault) {
                    return Err(format!("{}: the solution removes {remove_fault} faults, which is not among its removable_faults", l.id));
                }
            }
        }
    }
    for (i, kind) in l.removable_faults.iter().enumerate() {
        if !l.scenario.faults.iter().any(|f| f.kind.name() == kind) {
            return Err(format!("{}: removable_faults names {kind:?}, but its scenario schedules no such fault", l.id));
        }
        if l.removable_faults[..i].contains(kind) {
            return Err(format!("{}: removable_faults names {kind:?} twice", l.id));
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

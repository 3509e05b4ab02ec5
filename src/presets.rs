//! Scenarios to try, one click away: each shows one way Kafka loses, duplicates or reorders
//! messages, and one setting that fixes it (see the help text of each).

use ackademy_engine::{parse_scenario, Scenario};

/// (id, scenario JSON). The default scenario comes first.
pub const PRESETS: &[(&str, &str)] = &[
    ("isolated-leader", crate::defaults::DEFAULT_SCENARIO),
    ("lost-ack", include_str!("presets/lost-ack.json")),
    ("retries-overtake", include_str!("presets/retries-overtake.json")),
    ("auto-commit-handoff", include_str!("presets/auto-commit-handoff.json")),
    ("crash-before-commit", include_str!("presets/crash-before-commit.json")),
    ("unclean-election", include_str!("presets/unclean-election.json")),
    ("aborted-read", include_str!("presets/aborted-read.json")),
];

pub fn get(id: &str) -> Option<Scenario> {
    PRESETS.iter().find(|p| p.0 == id).and_then(|p| parse_scenario(p.1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_runs_and_shows_what_it_promises() {
        let expect = [
            ("isolated-leader", "at-most-once"),
            ("lost-ack", "at-least-once"),
            ("retries-overtake", "exactly-once"),
            ("auto-commit-handoff", "at-most-once"),
            ("crash-before-commit", "at-least-once"),
            ("unclean-election", "at-most-once"),
            ("aborted-read", "at-least-once"),
        ];
        assert_eq!(expect.len(), PRESETS.len());
        for (id, verdict) in expect {
            let out = ackademy_engine::run(&get(id).expect(id)).expect(id);
            assert_eq!(out.report.verdict, verdict, "{id}");
        }
        let out = ackademy_engine::run(&get("retries-overtake").unwrap()).unwrap();
        assert!(out.report.reordered > 0);
    }
}

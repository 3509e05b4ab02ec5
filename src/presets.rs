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

thread_local! {
    /// Each preset, parsed when first compared, once.
    static PARSED: [std::cell::OnceCell<Option<Scenario>>; PRESETS.len()] = const { [const { std::cell::OnceCell::new() }; PRESETS.len()] };
}

/// Which preset `s` is, unchanged, if any. Presets are parsed in order as needed, once:
/// the default scenario (the first) is the one the page opened with, so naming it costs no
/// parse at start-up, and later edits none.
pub fn which(s: &Scenario) -> Option<&'static str> {
    PARSED.with(|parsed| {
        PRESETS
            .iter()
            .zip(parsed)
            .find(|((_, json), p)| p.get_or_init(|| parse_scenario(json).ok()).as_ref() == Some(s))
            .map(|((id, _), _)| *id)
    })
}

/// The first preset, the default scenario, parsed once for the page's life.
pub fn default_scenario() -> Option<Scenario> {
    PARSED.with(|parsed| parsed[0].get_or_init(|| parse_scenario(PRESETS[0].1).ok()).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_preset_is_the_default_scenario() {
        assert_eq!(PRESETS[0].1, crate::defaults::DEFAULT_SCENARIO);
        assert_eq!(default_scenario(), parse_scenario(crate::defaults::DEFAULT_SCENARIO).ok());
        assert_eq!(which(&crate::defaults::scenario()), Some("isolated-leader"));
    }

    #[test]
    fn which_recognises_every_preset_and_nothing_else() {
        for (id, _) in PRESETS {
            assert_eq!(which(&get(id).expect("parses")), Some(*id));
        }
        let mut s = get("lost-ack").expect("parses");
        s.seed = Some(s.seed.unwrap_or(0) + 1);
        assert_eq!(which(&s), None);
    }

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

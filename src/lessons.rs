//! Lessons and challenges, without the UI: the lesson files embedded at build time (see
//! build.rs), the learner's progress, teachers' challenge links (`#c=1.<deflated JSON>`),
//! the address of an open lesson (`#lesson=<id>`), the controls a lesson lets the learner
//! touch, and the state of the lessons view shared through context.

use crate::settings::{self as cat, Owner};
use ackademy_engine::lesson::{Control, Lesson};
use ackademy_engine::scenario::{Fault, Scenario};
use ackademy_engine::{goal, settings, Report};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// Where the ids of finished lessons (and the keys of solved challenges, see
/// [`Challenge::done_key`]) are kept between visits.
pub const DONE_KEY: &str = "ackademy.lessons.done";
/// The prefix of a solved challenge's entry in the done set (lesson ids never contain `:`).
pub const CHALLENGE_DONE_PREFIX: &str = "challenge:";
/// The fragment key of an open lesson (`#lesson=lost-ack`).
pub const LESSON_KEY: &str = "lesson=";
/// The fragment key of a challenge link (`#c=1.<data>`).
pub const CHALLENGE_KEY: &str = "c=";
/// The challenge format inside the link (the JSON's `version`).
pub const CHALLENGE_VERSION: u32 = 1;
const MAX_PROMPT: usize = 4000;
const MAX_TITLE: usize = 200;
const MAX_CONTROLS: usize = 64;

static ALL: OnceLock<Vec<Lesson>> = OnceLock::new();

/// Every embedded lesson, in curriculum order. A file that does not parse is left out
/// (the native test `every_embedded_lesson_parses` fails on it, so none ships).
pub fn all() -> &'static [Lesson] {
    ALL.get_or_init(|| {
        let mut v: Vec<Lesson> = LESSON_FILES.iter().filter_map(|(_, json)| ackademy_engine::lesson::parse_lesson(json).ok()).collect();
        ackademy_engine::sort::by_key(&mut v, |l| l.order);
        v
    })
}

/// (done, total) for the progress badge, from the ids build.rs lists: the lessons
/// themselves are not parsed for it (not on the way to the first picture).
pub fn progress(done: &BTreeSet<String>) -> (usize, usize) {
    (LESSON_IDS.iter().filter(|id| done.contains(**id)).count(), LESSON_IDS.len())
}

pub fn index_of(id: &str) -> Option<usize> {
    all().iter().position(|l| l.id == id)
}

/// The done set as stored: a JSON array of lesson ids (anything unreadable is no progress).
pub fn parse_done(stored: &str) -> BTreeSet<String> {
    serde_json::from_str::<Vec<String>>(stored).map(ackademy_engine::sort::btree_set).unwrap_or_default()
}

pub fn store_done(done: &BTreeSet<String>) -> String {
    serde_json::to_string(&done.iter().collect::<Vec<_>>()).unwrap_or_default()
}

/// A teacher's challenge: a scenario, a goal over its report, the controls the class may
/// touch and a prompt. Travels in the fragment of one link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    pub version: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    pub prompt: String,
    pub goal: String,
    #[serde(default)]
    pub controls: Vec<Control>,
    /// Fault kinds whose scheduled faults the class may remove, as a lesson's
    /// `removable_faults` (absent from links that allow none, so older links keep their
    /// content and their done key).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removable_faults: Vec<String>,
    pub scenario: Scenario,
}

/// The challenge as it travels: the scenario as raw JSON, so that the engine's own reader
/// (with its field paths in errors) checks it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireChallenge {
    version: u32,
    #[serde(default)]
    title: String,
    prompt: String,
    goal: String,
    #[serde(default)]
    controls: Vec<Control>,
    #[serde(default)]
    removable_faults: Vec<String>,
    scenario: serde_json::Value,
}

/// Why a challenge (being written, or from a link) cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChallengeError {
    /// The link is not a challenge link of a known version, or is damaged.
    Link(String),
    /// A field is wrong: (field, message).
    Field(&'static str, String),
}

impl std::fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChallengeError::Link(m) => f.write_str(m),
            ChallengeError::Field(field, m) => write!(f, "{field}: {m}"),
        }
    }
}

impl Challenge {
    /// Checks everything but the goal's value: sizes, the controls exist, the goal parses
    /// (against `report`, a run of the challenge's scenario).
    pub fn check(&self, report: &Report) -> Result<(), ChallengeError> {
        if self.version != CHALLENGE_VERSION {
            return Err(ChallengeError::Field("version", format!("unknown challenge version {}", self.version)));
        }
        if self.prompt.trim().is_empty() {
            return Err(ChallengeError::Field("prompt", "is empty".into()));
        }
        if self.prompt.chars().count() > MAX_PROMPT {
            return Err(ChallengeError::Field("prompt", format!("longer than {MAX_PROMPT} characters")));
        }
        if self.title.chars().count() > MAX_TITLE {
            return Err(ChallengeError::Field("title", format!("longer than {MAX_TITLE} characters")));
        }
        if self.controls.len() > MAX_CONTROLS {
            return Err(ChallengeError::Field("controls", format!("more than {MAX_CONTROLS}")));
        }
        for c in &self.controls {
            if settings::owner_of(&self.scenario, &c.config, &c.owner).is_none() {
                return Err(ChallengeError::Field("controls", format!("{} of {} does not exist", c.config, c.owner)));
            }
        }
        for (i, kind) in self.removable_faults.iter().enumerate() {
            if !self.scenario.faults.iter().any(|f| f.kind.name() == kind) {
                return Err(ChallengeError::Field("removable_faults", format!("the scenario schedules no {kind} fault")));
            }
            if self.removable_faults[..i].contains(kind) {
                return Err(ChallengeError::Field("removable_faults", format!("{kind} is named twice")));
            }
        }
        if self.goal.trim().is_empty() {
            return Err(ChallengeError::Field("goal", "is empty".into()));
        }
        goal::holds(&self.goal, report).map_err(|e| ChallengeError::Field("goal", e))?;
        Ok(())
    }

    /// Its entry in the done set: `challenge:<FNV-1a 64 of its JSON, 16 hex digits>`. The
    /// JSON is the challenge as this app writes it (fields in a fixed order, the scenario as
    /// the engine serializes it), so the same challenge has the same key whichever link
    /// carries it, and any change (prompt, goal, controls, scenario) makes a new one.
    pub fn done_key(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{CHALLENGE_DONE_PREFIX}{h:016x}")
    }

    /// The link value: `1.<base64url(deflate(json))>`.
    pub fn encode(&self) -> String {
        crate::share::pack(&serde_json::to_string(self).unwrap_or_default())
    }

    /// Reads a link value (without `c=`) and checks the challenge, running its scenario once.
    pub fn decode(value: &str) -> Result<Challenge, ChallengeError> {
        use crate::share::LinkError;
        let json = crate::share::unpack(value).map_err(|e| {
            ChallengeError::Link(match e {
                LinkError::Version(v) if v.is_empty() => "not an Ackademy challenge link".into(),
                LinkError::Version(v) => format!("unknown link version {v:?}"),
                _ => "the link is damaged (cut short or changed)".into(),
            })
        })?;
        let wire: WireChallenge = serde_json::from_str(&json).map_err(|e| ChallengeError::Link(format!("not a challenge: {e}")))?;
        let scenario = ackademy_engine::parse_scenario(&wire.scenario.to_string())
            .map_err(|e| ChallengeError::Field("scenario", e.to_string()))?;
        let c = Challenge {
            version: wire.version,
            title: wire.title,
            prompt: wire.prompt,
            goal: wire.goal,
            controls: wire.controls,
            removable_faults: wire.removable_faults,
            scenario,
        };
        let out = ackademy_engine::run(&c.scenario).map_err(|e| ChallengeError::Field("scenario", e.to_string()))?;
        c.check(&out.report)?;
        Ok(c)
    }
}

/// What the address asks for besides a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Wanted {
    Lesson(usize),
    Challenge(Arc<Challenge>, String),
}

/// Reads `#lesson=<id>` or `#c=<challenge>` out of a location hash. `None`: neither is
/// there; `Some(Err)`: a challenge link (or lesson id) that cannot be opened.
pub fn from_hash(hash: &str) -> Option<Result<Wanted, ChallengeError>> {
    let parts = || hash.trim_start_matches('#').split('&');
    if let Some(v) = parts().find_map(|p| p.strip_prefix(CHALLENGE_KEY)) {
        return Some(Challenge::decode(v).map(|c| Wanted::Challenge(Arc::new(c), v.to_string())));
    }
    let id = parts().find_map(|p| p.strip_prefix(LESSON_KEY))?;
    Some(index_of(id).map(Wanted::Lesson).ok_or_else(|| ChallengeError::Link(format!("no lesson {id:?}"))))
}

/// The lesson or challenge open in the lessons view.
#[derive(Clone, Debug, PartialEq)]
pub enum Active {
    Lesson(usize),
    /// The challenge and its link value (kept in the address).
    Challenge(Arc<Challenge>, String),
}

/// What a lesson and a challenge have in common, borrowed from the one being played.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    pub goal: &'a str,
    pub controls: &'a [Control],
    pub scenario: &'a Scenario,
    /// The fault kinds whose scheduled faults the learner may remove.
    pub removable_faults: &'a [String],
}

impl<'a> From<&'a Lesson> for Spec<'a> {
    fn from(l: &'a Lesson) -> Self {
        Spec { goal: &l.goal, controls: &l.controls, scenario: &l.scenario, removable_faults: &l.removable_faults }
    }
}

impl<'a> From<&'a Challenge> for Spec<'a> {
    fn from(c: &'a Challenge) -> Self {
        Spec { goal: &c.goal, controls: &c.controls, scenario: &c.scenario, removable_faults: &c.removable_faults }
    }
}

impl Active {
    pub fn lesson(&self) -> Option<&'static Lesson> {
        match self {
            Active::Lesson(i) => all().get(*i),
            Active::Challenge(..) => None,
        }
    }
    /// The lesson's or the challenge's goal, controls, scenario and removable faults
    /// (`None` only for a lesson index out of range).
    pub fn spec(&self) -> Option<Spec<'_>> {
        match self {
            Active::Lesson(_) => self.lesson().map(Spec::from),
            Active::Challenge(c, _) => Some(Spec::from(&**c)),
        }
    }
    pub fn goal(&self) -> String {
        self.spec().map(|s| s.goal.to_string()).unwrap_or_default()
    }
    pub fn controls(&self) -> Vec<Control> {
        self.spec().map(|s| s.controls.to_vec()).unwrap_or_default()
    }
    pub fn scenario(&self) -> Scenario {
        self.spec().map(|s| s.scenario.clone()).unwrap_or_default()
    }
    pub fn removable_faults(&self) -> Vec<String> {
        self.spec().map(|s| s.removable_faults.to_vec()).unwrap_or_default()
    }
    /// Its entry in the done set: the lesson's id, or the challenge's [`Challenge::done_key`]
    /// (derived from its content, so not part of [`Spec`]).
    pub fn done_key(&self) -> String {
        match self {
            Active::Lesson(_) => self.lesson().map(|l| l.id.clone()).unwrap_or_default(),
            Active::Challenge(c, _) => c.done_key(),
        }
    }
    /// The address fragment that reopens it.
    pub fn fragment(&self) -> String {
        match self {
            Active::Lesson(_) => format!("{LESSON_KEY}{}", self.lesson().map(|l| l.id.as_str()).unwrap_or_default()),
            Active::Challenge(_, v) => format!("{CHALLENGE_KEY}{v}"),
        }
    }
}

impl From<Wanted> for Active {
    fn from(w: Wanted) -> Self {
        match w {
            Wanted::Lesson(i) => Active::Lesson(i),
            Wanted::Challenge(c, v) => Active::Challenge(c, v),
        }
    }
}

/// Which of the lesson's faults (`original`, in its order) are still scheduled in `current`.
/// In a lesson the learner can only take faults out (and put them back), so `current` is a
/// subsequence of `original`; anything else counts as matched where it matches in order.
pub fn faults_present(original: &[Fault], current: &[Fault]) -> Vec<bool> {
    let mut rest = current.iter().peekable();
    original
        .iter()
        .map(|f| {
            let here = rest.peek() == Some(&f);
            if here {
                rest.next();
            }
            here
        })
        .collect()
}

/// The lesson's faults with fault `index` taken out (`present` = false) or put back, the
/// others as `present` says, in the lesson's order.
pub fn faults_toggled(original: &[Fault], present: &[bool], index: usize, keep: bool) -> Vec<Fault> {
    original
        .iter()
        .enumerate()
        .filter(|(i, _)| if *i == index { keep } else { present.get(*i).copied().unwrap_or(true) })
        .map(|(_, f)| f.clone())
        .collect()
}

/// The `&&`-separated parts of a goal, when it is a plain conjunction (no `||`, no
/// parentheses): each is shown with its own tick.
pub fn clauses(goal: &str) -> Vec<String> {
    if goal.contains("||") || goal.contains('(') {
        return vec![goal.trim().to_string()];
    }
    goal.split("&&").map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect()
}

/// The setting (and whose it is) behind a lesson's control: `None` when the owner does not
/// exist or has no such setting.
pub fn setting_of(s: &Scenario, config: &str, owner: &str) -> Option<(Owner, cat::Setting)> {
    let o = settings::owner_of(s, config, owner)?;
    cat::find(o.kind(), config).map(|st| (o, *st))
}

/// Every setting the scenario sets explicitly, by owner, except `skip`: what a lesson
/// keeps fixed. (owner id, [(property, value)]).
pub fn fixed_settings(s: &Scenario, skip: &[Control]) -> Vec<(String, Vec<(String, String)>)> {
    Owner::all(s)
        .map(|o| {
            let owner = o.id(s);
            let list = cat::of(o.kind())
                .map(|st| st.name)
                .filter(|n| !skip.iter().any(|c| c.config == *n && c.owner == owner))
                .filter_map(|n| settings::get(s, n, &owner).map(|v| (n.to_string(), v)))
                .collect::<Vec<_>>();
            (owner, list)
        })
        .filter(|(_, l)| !l.is_empty())
        .collect()
}

/// A short readable name for a source URL: a KIP's title, or the host and what it points at.
pub fn source_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.trim_start_matches("www.");
    let decode = |s: &str| s.replace('+', " ").replace("%3A", ":").replace("%20", " ");
    if let Some(kip) = path.rsplit('/').next().filter(|p| p.starts_with("KIP-")) {
        return decode(kip);
    }
    if let Some((_, frag)) = path.split_once('#') {
        return format!("{host} · {}", decode(frag));
    }
    let tail = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if tail.is_empty() {
        host.to_string()
    } else {
        format!("{host} · {}", decode(tail.trim_end_matches(".html")))
    }
}

/// Whether the lessons view or the free playground is on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Sandbox,
    Lesson,
}

/// The lessons view's state, shared through context.
#[derive(Clone, Copy)]
pub struct LessonState {
    pub mode: RwSignal<Mode>,
    /// The lesson or challenge open (kept when going back to the playground).
    pub active: RwSignal<Option<Active>>,
    /// Ids of the lessons whose goal was met at least once (saved in localStorage).
    pub done: RwSignal<BTreeSet<String>>,
    /// How many hints are unfolded.
    pub hints: RwSignal<usize>,
    pub solution_shown: RwSignal<bool>,
    /// The celebration on screen: its ticket, 0 for none. Each time a change meets the goal
    /// it gets a new ticket (never reused, see [`LessonState::celebrate`]), so the timer
    /// that closes one toast can never close a later one.
    pub celebrate: RwSignal<u32>,
    last_ticket: StoredValue<u32>,
    /// The playground's work, kept while a lesson is open.
    pub sandbox: RwSignal<Option<Scenario>>,
}

impl LessonState {
    pub fn new(mode: Mode, active: Option<Active>, done: BTreeSet<String>) -> Self {
        LessonState {
            mode: RwSignal::new(mode),
            active: RwSignal::new(active),
            done: RwSignal::new(done),
            hints: RwSignal::new(0),
            solution_shown: RwSignal::new(false),
            celebrate: RwSignal::new(0),
            last_ticket: StoredValue::new(0),
            sandbox: RwSignal::new(None),
        }
    }

    /// Shows the celebration with a new ticket.
    pub fn celebrate(&self) {
        let t = self.last_ticket.get_value().wrapping_add(1).max(1);
        self.last_ticket.set_value(t);
        self.celebrate.set(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Values;
    use ackademy_engine::lesson::Step;

    #[test]
    fn the_ids_from_the_build_are_the_lessons_ids_in_order() {
        assert_eq!(LESSON_IDS.to_vec(), all().iter().map(|l| l.id.as_str()).collect::<Vec<_>>());
        let done: BTreeSet<String> = ["lost-ack".to_string(), "no-such-lesson".to_string()].into();
        assert_eq!(progress(&done), (usize::from(LESSON_IDS.contains(&"lost-ack")), all().len()));
    }

    #[test]
    fn every_embedded_lesson_parses_in_curriculum_order() {
        assert_eq!(all().len(), LESSON_FILES.len(), "a lesson file does not parse");
        assert!(all().len() >= 19);
        for (i, l) in all().iter().enumerate() {
            assert_eq!(l.order as usize, i + 1, "{}: orders run 1, 2, 3, ...", l.id);
            for c in &l.controls {
                let sp = setting_of(&l.scenario, &c.config, &c.owner);
                assert!(sp.is_some(), "{}: {} of {} is in the playground's catalogue", l.id, c.config, c.owner);
            }
        }
        assert_eq!(all()[6].id, "lost-ack");
        assert_eq!(index_of("lost-ack"), Some(6));
    }

    #[test]
    fn every_lesson_control_has_a_widget_and_a_value_the_solution_can_set() {
        for l in all() {
            for step in &l.solution {
                if let Step::Set { config, owner, value } = step {
                    let (_, sp) = setting_of(&l.scenario, config, owner).expect("a control");
                    if let Values::Choice(options) = sp.values {
                        assert!(options.contains(&value.as_str()), "{}: {config}={value} is not an option", l.id);
                    }
                    if sp.values == Values::Bool {
                        assert!(value == "true" || value == "false", "{}: {config}={value}", l.id);
                    }
                }
            }
        }
    }

    #[test]
    fn progress_round_trips_and_garbage_is_no_progress() {
        let done: BTreeSet<String> = ["lost-ack".to_string(), "the-log".to_string()].into();
        assert_eq!(parse_done(&store_done(&done)), done);
        assert!(parse_done("").is_empty());
        assert!(parse_done("{not json").is_empty());
    }

    fn challenge() -> Challenge {
        let l = &all()[6];
        Challenge {
            version: 1,
            title: "Idempotence".into(),
            prompt: "Make the duplicates go away.".into(),
            goal: "duplicated == 0".into(),
            controls: vec![Control { config: "enable.idempotence".into(), owner: "p1".into() }],
            removable_faults: vec![],
            scenario: l.scenario.clone(),
        }
    }

    #[test]
    fn the_spec_borrows_the_lessons_or_the_challenges_fields() {
        let l = &all()[6];
        let spec = Active::Lesson(6).spec().expect("lesson 7");
        assert!(std::ptr::eq(spec.scenario, &l.scenario));
        assert_eq!((spec.goal, spec.controls, spec.removable_faults), (l.goal.as_str(), &l.controls[..], &l.removable_faults[..]));
        let c = Arc::new(challenge());
        let a = Active::Challenge(c.clone(), String::new());
        assert_eq!((a.goal(), a.controls(), a.scenario()), (c.goal.clone(), c.controls.clone(), c.scenario.clone()));
        assert!(Active::Lesson(usize::MAX).spec().is_none());
        assert_eq!(Active::Lesson(usize::MAX).goal(), "");
    }

    #[test]
    fn a_challenge_may_let_the_class_remove_faults() {
        let mut c = challenge();
        let plain = c.encode();
        let kind = c.scenario.faults[0].kind.name().to_string();
        c.removable_faults = vec![kind.clone()];
        let back = Challenge::decode(&c.encode()).expect("decodes");
        assert_eq!(back.removable_faults, vec![kind.clone()]);
        assert_eq!(Active::Challenge(Arc::new(back), String::new()).removable_faults(), vec![kind.clone()]);
        // None allowed: the field is left out, so links made before it are unchanged.
        assert_eq!(challenge().encode(), plain);
        assert!(!serde_json::to_string(&challenge()).expect("json").contains("removable_faults"));
        let mut absent = challenge();
        absent.removable_faults = vec!["add_partitions".into()];
        assert!(matches!(Challenge::decode(&absent.encode()), Err(ChallengeError::Field("removable_faults", _))));
        let mut twice = challenge();
        twice.removable_faults = vec![kind.clone(), kind];
        assert!(matches!(Challenge::decode(&twice.encode()), Err(ChallengeError::Field("removable_faults", _))));
    }

    #[test]
    fn a_challenge_round_trips_through_its_link() {
        let c = challenge();
        let v = c.encode();
        assert!(v.starts_with("1."));
        assert_eq!(Challenge::decode(&v).expect("decodes"), c);
        match from_hash(&format!("#{CHALLENGE_KEY}{v}")) {
            Some(Ok(Wanted::Challenge(got, value))) => {
                assert_eq!(*got, c);
                assert_eq!(value, v);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(from_hash("#lesson=lost-ack"), Some(Ok(Wanted::Lesson(6))));
        assert_eq!(from_hash("#s=1.abc"), None);
    }

    #[test]
    fn a_challenge_is_done_by_its_content() {
        let c = challenge();
        let key = c.done_key();
        assert!(key.starts_with(CHALLENGE_DONE_PREFIX) && key.len() == CHALLENGE_DONE_PREFIX.len() + 16, "{key}");
        assert_eq!(Challenge::decode(&c.encode()).expect("decodes").done_key(), key, "the link carries the same challenge");
        assert_eq!(Active::Challenge(Arc::new(c.clone()), c.encode()).done_key(), key);
        let mut other = c.clone();
        other.prompt.push('!');
        assert_ne!(other.done_key(), key, "another prompt is another challenge");
        let mut other = c.clone();
        other.scenario.seed = Some(other.scenario.seed.unwrap_or(0) + 1);
        assert_ne!(other.done_key(), key, "another scenario is another challenge");
        // Solved challenges share the done set with lessons, and never count as a lesson.
        let done: BTreeSet<String> = [key.clone(), "lost-ack".to_string()].into();
        assert_eq!(parse_done(&store_done(&done)), done);
        assert!(all().iter().all(|l| !l.id.contains(':')));
        assert_eq!(Active::Lesson(6).done_key(), "lost-ack");
    }

    #[test]
    fn broken_challenges_are_errors() {
        assert!(matches!(Challenge::decode("garbage"), Err(ChallengeError::Link(_))));
        assert!(matches!(Challenge::decode("1.!!!"), Err(ChallengeError::Link(_))));
        let mut c = challenge();
        c.goal = "lost ==".into();
        assert!(matches!(Challenge::decode(&c.encode()), Err(ChallengeError::Field("goal", _))));
        let mut c = challenge();
        c.controls[0].owner = "nobody".into();
        assert!(matches!(Challenge::decode(&c.encode()), Err(ChallengeError::Field("controls", _))));
        let mut c = challenge();
        c.prompt = " ".into();
        assert!(matches!(Challenge::decode(&c.encode()), Err(ChallengeError::Field("prompt", _))));
        let bad_scenario = crate::share::pack(r#"{"version":1,"prompt":"p","goal":"lost == 0","scenario":{"version":1,"brokers":2}}"#);
        assert!(matches!(Challenge::decode(&bad_scenario), Err(ChallengeError::Field("scenario", _))));
        assert!(matches!(from_hash("#lesson=nope"), Some(Err(_))));
    }

    #[test]
    fn removed_faults_are_found_and_put_back_in_the_lessons_order() {
        let l = &all()[index_of("keys-and-partitions").expect("lesson 2")];
        assert_eq!(l.removable_faults, vec!["add_partitions".to_string()]);
        let original = &l.scenario.faults;
        assert_eq!(original.len(), 2);
        let all_there = faults_present(original, original);
        assert_eq!(all_there, vec![true, true]);
        let without = faults_toggled(original, &all_there, 0, false);
        assert_eq!(without, vec![original[1].clone()]);
        let present = faults_present(original, &without);
        assert_eq!(present, vec![false, true]);
        assert_eq!(faults_toggled(original, &present, 0, true), *original, "put back where it was");
        // The solution's way (every fault of the kind) gives the same schedule.
        let mut solved = l.scenario.clone();
        ackademy_engine::lesson::apply(&mut solved, &l.solution).expect("applies");
        assert_eq!(faults_present(original, &solved.faults), vec![false, true]);
        assert!(Active::Lesson(index_of("keys-and-partitions").expect("lesson 2")).removable_faults().contains(&"add_partitions".to_string()));
        assert!(Active::Lesson(6).removable_faults().is_empty());
    }

    #[test]
    fn goals_split_into_clauses_only_when_plain() {
        assert_eq!(clauses("lost == 0 && duplicated == 0"), vec!["lost == 0", "duplicated == 0"]);
        assert_eq!(clauses("lost == 0 || duplicated == 0").len(), 1);
        assert_eq!(clauses("(lost == 0) && x == 1").len(), 1);
    }

    #[test]
    fn sources_get_short_names() {
        assert_eq!(
            source_label("https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging"),
            "KIP-98 - Exactly Once Delivery and Transactional Messaging"
        );
        assert_eq!(
            source_label("https://kafka.apache.org/documentation/#producerconfigs_enable.idempotence"),
            "kafka.apache.org · producerconfigs_enable.idempotence"
        );
        assert_eq!(source_label("https://github.com/confluentinc/parallel-consumer"), "github.com · parallel-consumer");
    }

    #[test]
    fn a_lesson_keeps_its_other_settings_fixed() {
        let l = &all()[6];
        let fixed = fixed_settings(&l.scenario, &l.controls);
        let p1 = fixed.iter().find(|(o, _)| o == "p1").expect("p1");
        assert!(p1.1.iter().any(|(k, v)| k == "acks" && v == "all"));
        assert!(!p1.1.iter().any(|(k, _)| k == "enable.idempotence"), "a control is not fixed");
    }
}

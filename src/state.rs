//! The page's state, shared through context: the scenario being edited (`draft`), the last
//! one that ran (`scenario`) and its run, the simulated time being looked at, and what the
//! audit panel shows. Editing goes through [`AppState::edit`]: the draft changes, the engine
//! re-runs it at once, and a scenario Kafka refuses leaves the last valid run on screen.

use crate::layout::Layout;
use crate::run::RunData;
use ackademy_engine::scenario::{Fault, FaultKind};
use ackademy_engine::types::MsgId;
use ackademy_engine::view::ClusterState;
use ackademy_engine::{Scenario, ScenarioError};
use leptos::prelude::*;
use std::rc::Rc;

/// Which audit list is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    Lost,
    Duplicated,
    Reordered,
    AbortedRead,
    DuplicatedInLog,
}

/// Why the scenario from the address could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// `?scenario=` did not parse or resolve: the engine's message.
    Query(String),
    /// The `#s=` share link was damaged or refused.
    Link(String),
    /// The `#c=` challenge link (or `#lesson=` id) could not be opened.
    Challenge(String),
}

/// Where the scenario on screen came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Query,
    Link,
    Saved,
    Default,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub draft: RwSignal<Scenario>,
    pub scenario: RwSignal<Scenario>,
    /// The scenario on screen as compact JSON (what autosave stores), made once per change.
    pub json: Memo<String>,
    /// ... and as a share-link value, `1.<base64url(deflate(json))>` (the address bar and
    /// the share panel read this one copy).
    pub link: Memo<String>,
    pub run: RwSignal<Rc<RunData>, LocalStorage>,
    pub layout: RwSignal<Rc<Layout>, LocalStorage>,
    pub cluster: RwSignal<Rc<ClusterState>, LocalStorage>,
    /// Simulated milliseconds being shown.
    pub t: RwSignal<f64>,
    pub playing: RwSignal<bool>,
    /// log10 of the playback speed (simulated ms per real ms).
    pub speed_exp: RwSignal<f64>,
    pub load_error: RwSignal<Option<LoadError>>,
    pub source: RwSignal<Source>,
    pub edit_error: RwSignal<Option<ScenarioError>>,
    /// A problem with what was typed into a control: (owner, property, message).
    pub input_error: RwSignal<Option<(String, String, String)>>,
    pub list: RwSignal<Option<Finding>>,
    pub selected: RwSignal<Option<MsgId>>,
    pub help: RwSignal<bool>,
    /// Incremented on every new run.
    pub generation: RwSignal<u32>,
    /// In a lesson the faults are part of the story: clicks on the cluster add none.
    pub faults_locked: RwSignal<bool>,
    /// The cluster is drawn stacked (a phone's width; see `layout::STACKED`).
    pub stacked: RwSignal<bool>,
}

/// 0.2×: a 20 ms network hop takes 100 ms on screen (six frames, slow enough to follow
/// a request and its ack), and the default scenario's first fault (4 s) comes 20 s after
/// the page opens (at 0.1× it took 40 s, long for a first look).
pub const DEFAULT_SPEED_EXP: f64 = -0.7;
pub const MIN_SPEED_EXP: f64 = -3.0;
pub const MAX_SPEED_EXP: f64 = 1.0;

/// `performance.now()`, or 0 where there is none (native tests).
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

fn geometry(stacked: bool) -> crate::layout::Geometry {
    if stacked {
        crate::layout::STACKED
    } else {
        crate::layout::WIDE
    }
}

/// Whether a media query matches now, asked of the browser directly: at start-up the
/// signals of `leptos_use`'s media queries are not set yet. (False outside a browser.)
pub fn media_matches(query: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.match_media(query).ok().flatten()).is_some_and(|m| m.matches())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = query;
        false
    }
}

/// At start-up, before the media query's signal is set: the same query.
fn initially_stacked() -> bool {
    media_matches(crate::layout::STACKED_MEDIA)
}

/// Keeps the timings of a re-run where the browser benchmark reads them:
/// `window.__ackademyRuns` gets the whole re-run (engine, timeline, the page's indexes,
/// layout and cluster state, before the DOM updates) and `window.__ackademyRunParts` the
/// `[engine, timeline and indexes, install]` parts, in milliseconds.
pub fn record_run_time_parts([engine, prepare]: [f64; 2], install_ms: f64) {
    push_timing("__ackademyRuns", &[engine + prepare + install_ms]);
    push_timing("__ackademyRunParts", &[engine, prepare, install_ms]);
}

fn push_timing(key: &str, values: &[f64]) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsValue;
        if let Some(w) = web_sys::window() {
            let key = JsValue::from_str(key);
            let arr = js_sys::Reflect::get(&w, &key)
                .ok()
                .filter(|v| v.is_object())
                .map(wasm_bindgen::JsCast::unchecked_into::<js_sys::Array>)
                .unwrap_or_else(|| {
                    let a = js_sys::Array::new();
                    let _ = js_sys::Reflect::set(&w, &key, &a);
                    a
                });
            if arr.length() < 100_000 {
                match values {
                    [one] => arr.push(&JsValue::from_f64(*one)),
                    _ => arr.push(&values.iter().map(|v| JsValue::from_f64(*v)).collect::<js_sys::Array>()),
                };
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, values);
}

impl AppState {
    /// State for a scenario known to run (the default, or one that already ran).
    pub fn new(scenario: Scenario, run: RunData, source: Source, load_error: Option<LoadError>) -> Self {
        let stacked = initially_stacked();
        let layout = Layout::new(&run, geometry(stacked));
        let cluster = run.tl.state_at(0);
        let draft = RwSignal::new(scenario.clone());
        let scenario = RwSignal::new(scenario);
        let json = Memo::new(move |_| scenario.with(crate::share::to_json));
        let link = Memo::new(move |_| json.with(|j| crate::share::pack(j)));
        AppState {
            draft,
            scenario,
            json,
            link,
            run: RwSignal::new_local(Rc::new(run)),
            layout: RwSignal::new_local(Rc::new(layout)),
            cluster: RwSignal::new_local(Rc::new(cluster)),
            t: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            speed_exp: RwSignal::new(DEFAULT_SPEED_EXP),
            load_error: RwSignal::new(load_error),
            source: RwSignal::new(source),
            edit_error: RwSignal::new(None),
            input_error: RwSignal::new(None),
            list: RwSignal::new(None),
            selected: RwSignal::new(None),
            help: RwSignal::new(false),
            generation: RwSignal::new(0),
            faults_locked: RwSignal::new(false),
            stacked: RwSignal::new(stacked),
        }
    }

    /// Gives up a change that cannot run: the draft goes back to the scenario on screen.
    pub fn discard_draft(&self) {
        self.draft.set(self.scenario.get_untracked());
        self.edit_error.set(None);
        self.input_error.set(None);
    }

    /// Draws the cluster stacked or wide, as the room it has asks.
    pub fn set_stacked(&self, stacked: bool) {
        if self.stacked.get_untracked() == stacked {
            return;
        }
        self.stacked.set(stacked);
        let layout = self.run.with_untracked(|run| Layout::new(run, geometry(stacked)));
        self.layout.set(Rc::new(layout));
    }

    /// Changes the draft and re-runs it. Returns whether the engine accepted it.
    pub fn edit(&self, f: impl FnOnce(&mut Scenario)) -> bool {
        self.draft.update(f);
        self.rerun()
    }

    /// Runs the draft; on success it becomes the scenario on screen.
    pub fn rerun(&self) -> bool {
        let draft = self.draft.get_untracked();
        match RunData::new(&draft, now_ms) {
            Ok(run) => {
                let t0 = now_ms();
                self.edit_error.set(None);
                self.scenario.set(draft);
                let timing = run.timing;
                self.install(run, false);
                record_run_time_parts(timing, now_ms() - t0);
                true
            }
            Err(e) => {
                self.edit_error.set(Some(e));
                false
            }
        }
    }

    /// Replaces everything with another scenario (share link, JSON, default).
    pub fn load(&self, s: Scenario) -> Result<(), ScenarioError> {
        let run = RunData::new(&s, now_ms)?;
        self.draft.set(s.clone());
        self.scenario.set(s);
        self.edit_error.set(None);
        self.input_error.set(None);
        self.list.set(None);
        self.selected.set(None);
        self.install(run, true);
        self.seek(0.0);
        Ok(())
    }

    fn install(&self, run: RunData, new_scenario: bool) {
        // Most edits keep the same picture: then the cluster's SVG is not rebuilt. (A new
        // scenario may rename what it draws, so it always is.)
        let layout = Layout::new(&run, geometry(self.stacked.get_untracked()));
        if new_scenario || self.layout.with_untracked(|l| **l != layout) {
            self.layout.set(Rc::new(layout));
        }
        let end = run.end() as f64;
        self.run.set(Rc::new(run));
        self.generation.update(|g| *g += 1);
        let t = self.t.get_untracked().min(end);
        self.t.set(t);
        self.refresh_cluster(true);
    }

    pub fn end(&self) -> f64 {
        self.run.with_untracked(|r| r.end() as f64)
    }

    /// Opens `m`'s story (a shared link's `&m=`), with the audit list that names it open
    /// too; a message this run never sent is ignored.
    pub fn open_story(&self, m: MsgId) {
        let list = self.run.with_untracked(|r| {
            if (m.producer as usize) >= r.out.cfg.producers.len() || r.tl.story(m).is_empty() {
                return None;
            }
            let f = &r.out.findings;
            Some(
                [
                    (Finding::Lost, &f.lost),
                    (Finding::Duplicated, &f.duplicated),
                    (Finding::Reordered, &f.reordered),
                    (Finding::AbortedRead, &f.aborted_read),
                    (Finding::DuplicatedInLog, &f.duplicated_in_log),
                ]
                .into_iter()
                .find(|(_, set)| set.contains(&m))
                .map(|(k, _)| k),
            )
        });
        if let Some(list) = list {
            self.list.set(list);
            self.selected.set(Some(m));
        }
    }

    /// Looks at simulated time `t` (clamped to the run).
    pub fn seek(&self, t: f64) {
        let t = t.clamp(0.0, self.end());
        self.t.set(t);
        self.refresh_cluster(false);
    }

    fn refresh_cluster(&self, force: bool) {
        let t = self.t.get_untracked() as u64;
        let (upto, state) = self.run.with_untracked(|r| {
            let upto = r.tl.events.partition_point(|e| e.t <= t);
            let stale = force || self.cluster.with_untracked(|c| c.next_event != upto);
            (upto, stale.then(|| r.tl.state_at(t)))
        });
        let _ = upto;
        if let Some(s) = state {
            self.cluster.set(Rc::new(s));
        }
    }

    pub fn speed(&self) -> f64 {
        10f64.powf(self.speed_exp.get_untracked())
    }

    /// Advances playback by `real_ms` of wall-clock time.
    pub fn tick(&self, real_ms: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        let end = self.end();
        let t = self.t.get_untracked() + real_ms.min(100.0) * self.speed();
        if t >= end {
            self.seek(end);
            self.playing.set(false);
        } else {
            self.seek(t);
        }
    }

    pub fn step(&self) {
        self.playing.set(false);
        let t = self.t.get_untracked() as u64;
        let next = self.run.with_untracked(|r| r.tl.next_event_time(t));
        self.seek(next.map_or(self.end(), |n| n as f64));
    }

    pub fn step_back(&self) {
        self.playing.set(false);
        let t = self.t.get_untracked().ceil() as u64;
        let prev = self.run.with_untracked(|r| r.prev_event_time(t));
        self.seek(prev as f64);
    }

    pub fn next_anomaly(&self) {
        let t = self.t.get_untracked() as u64;
        if let Some(a) = self.run.with_untracked(|r| r.next_anomaly(t)) {
            self.playing.set(false);
            self.seek(a as f64);
        }
    }

    /// Adds a fault at the time being looked at; the run forks from there.
    pub fn add_fault(&self, kind: FaultKind) -> bool {
        let at_ms = self.t.get_untracked().round() as u64;
        self.add_fault_at(at_ms, kind)
    }

    pub fn add_fault_at(&self, at_ms: u64, kind: FaultKind) -> bool {
        if self.faults_locked.get_untracked() {
            return false;
        }
        self.edit(|s| {
            s.faults.push(Fault { at_ms, kind });
            ackademy_engine::sort::by_key(&mut s.faults, |f| f.at_ms);
        })
    }

    /// Moves fault `index` to `at_ms` and re-runs. The list keeps its order while it is
    /// being edited (see [`AppState::sort_faults`]); the engine orders faults by time itself.
    pub fn set_fault_time(&self, index: usize, at_ms: u64) -> bool {
        if self.faults_locked.get_untracked() {
            return false;
        }
        if self.draft.with_untracked(|s| s.faults.get(index).map(|f| f.at_ms)) == Some(at_ms) {
            return self.edit_error.with_untracked(Option::is_none);
        }
        self.edit(|s| {
            if let Some(f) = s.faults.get_mut(index) {
                f.at_ms = at_ms;
            }
        })
    }

    /// Puts the fault list back in time order: a stable sort, the order in which the
    /// engine applies faults anyway, so the run on screen stays (no re-run) when it is the
    /// draft's.
    pub fn sort_faults(&self) {
        if self.faults_locked.get_untracked() || self.draft.with_untracked(|s| s.faults.is_sorted_by_key(|f| f.at_ms)) {
            return;
        }
        let sort = |s: &mut Scenario| ackademy_engine::sort::by_key(&mut s.faults, |f| f.at_ms);
        let current = self.edit_error.with_untracked(Option::is_none) && self.draft.with_untracked(|d| self.scenario.with_untracked(|s| d == s));
        if current {
            self.draft.update(sort);
            self.scenario.update(sort);
        } else {
            self.edit(sort);
        }
    }

    pub fn remove_fault(&self, index: usize) -> bool {
        if self.faults_locked.get_untracked() {
            return false;
        }
        self.edit(|s| {
            if index < s.faults.len() {
                s.faults.remove(index);
            }
        })
    }
}

//! The application shell: loads the scenario (address, share link, autosave or default)
//! or opens a lesson or challenge (`#lesson=`, `#c=`), provides the state, and lays out
//! the panels of the playground or of the lessons view.

use crate::components::{
    audit::AuditPanel, challenge::ChallengePanel, cluster::ClusterView, event_log::EventLog, export::ExportPanel,
    faults::FaultPanel, header::Header, help::HelpDialog, lessons::LessonList, lessons::LessonPanel,
    settings::SettingsPanel, share::SharePanel, timeline::Timeline,
};
use crate::i18n::*;
use crate::lessons::{Active, LessonState, Mode};
use crate::run::RunData;
use crate::state::{now_ms, AppState, LoadError, Source};
use ackademy_engine::{parse_scenario, Scenario};
use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;

/// Where the current work is kept between visits.
pub const AUTOSAVE_KEY: &str = "ackademy.scenario";

/// What the address asks for: `?scenario=<JSON>`, then `#s=<share link>`.
fn from_address() -> Option<Result<Scenario, LoadError>> {
    #[cfg(target_arch = "wasm32")]
    {
        let loc = web_sys::window()?.location();
        let search = loc.search().unwrap_or_default();
        if let Some(json) = web_sys::UrlSearchParams::new_with_str(&search).ok().and_then(|p| p.get("scenario")) {
            return Some(parse_scenario(&json).map_err(|e| LoadError::Query(e.to_string())));
        }
        let hash = loc.hash().unwrap_or_default();
        if let Some(value) = crate::share::from_hash(&hash) {
            return Some(crate::share::decode(value).map_err(|e| LoadError::Link(link_error_text(e))));
        }
        None
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

fn link_error_text(e: crate::share::LinkError) -> String {
    use crate::share::LinkError;
    match e {
        LinkError::Version(v) if v.is_empty() => "not an Ackademy share link".into(),
        LinkError::Version(v) => format!("unknown link version {v:?}"),
        LinkError::Corrupt => "the link is damaged (cut short or changed)".into(),
        LinkError::Scenario(e) => e.to_string(),
    }
}

/// The share-link value the page last wrote into its own address.
const ADDRESS_KEY: &str = "ackademy.address";
/// The address bar follows the work at most this often: `history.replaceState` costs
/// ~1.7 ms in Chromium (more than the rest of an edit but the engine) and Chromium refuses
/// it when called hundreds of times in a few seconds, as a drag would. The autosave is
/// written at every change.
const ADDRESS_EVERY_MS: f64 = 400.0;

fn stored(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

fn store(key: &str, value: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, value);
}

/// Picks the scenario to open, by precedence: `?scenario=` > share link > autosave > default.
/// A share link that is the one this page last wrote into its own address yields to the
/// autosave, which is the same work, at least as new.
fn initial(saved: &str) -> (Scenario, RunData, Source, Option<LoadError>) {
    let mut error = None;
    match from_address() {
        Some(Ok(s)) => {
            let source = if crate::share::from_hash(&location_hash()).is_some() && !has_query() { Source::Link } else { Source::Query };
            let own = source == Source::Link && crate::share::from_hash(&location_hash()).is_some_and(|v| stored(ADDRESS_KEY).as_deref() == Some(v));
            if own {
                if let Some((s, run)) = parse_scenario(saved).ok().and_then(|s| RunData::new(&s, now_ms).ok().map(|r| (s, r))) {
                    return (s, run, Source::Saved, None);
                }
            }
            match RunData::new(&s, now_ms) {
                Ok(run) => return (s, run, source, None),
                Err(e) => {
                    error = Some(match source {
                        Source::Link => LoadError::Link(e.to_string()),
                        _ => LoadError::Query(e.to_string()),
                    })
                }
            }
        }
        Some(Err(e)) => error = Some(e),
        None => {
            if let Ok(s) = parse_scenario(saved) {
                if let Ok(run) = RunData::new(&s, now_ms) {
                    return (s, run, Source::Saved, None);
                }
            }
        }
    }
    let s = crate::defaults::scenario();
    let run = RunData::new(&s, now_ms).expect("the default scenario runs");
    (s, run, Source::Default, error)
}

fn location_hash() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

fn has_query() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        web_sys::UrlSearchParams::new_with_str(&search).ok().and_then(|p| p.get("scenario")).is_some()
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// Keeps the address bar on the current work (`#s=...`), dropping a consumed `?scenario=`,
/// so that a reload shows what was on screen.
fn replace_address(link: &str) {
    replace_fragment(&format!("{}{link}", crate::share::FRAGMENT_KEY));
}

/// Replaces the address's fragment (and drops its query) without a new history entry.
fn replace_fragment(fragment: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let path = w.location().pathname().unwrap_or_default();
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}#{fragment}")));
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = fragment;
}

/// A lesson or challenge the address asks for (`#lesson=<id>`, `#c=<link>`), unless a
/// `?scenario=` takes precedence.
fn lesson_from_address() -> Option<Result<Active, LoadError>> {
    if has_query() {
        return None;
    }
    let w = crate::lessons::from_hash(&location_hash())?;
    Some(w.map(Active::from).map_err(|e| LoadError::Challenge(e.to_string())))
}

/// The root component, mounted on `<body>`.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Playground />
        </I18nContextProvider>
    }
}

#[component]
fn Playground() -> impl IntoView {
    let (saved, set_saved, _) = use_local_storage::<String, FromToStringCodec>(AUTOSAVE_KEY);
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("ackademy-run-start");
    }
    let (done_saved, set_done_saved, _) = use_local_storage::<String, FromToStringCodec>(crate::lessons::DONE_KEY);
    let wanted = lesson_from_address();
    let mut opened = None;
    let (scenario, run, source, load_error) = match wanted {
        Some(Ok(a)) => {
            let s = a.scenario();
            match RunData::new(&s, now_ms) {
                Ok(run) => {
                    opened = Some(a);
                    (s, run, Source::Link, None)
                }
                Err(e) => {
                    let s = crate::defaults::scenario();
                    let run = RunData::new(&s, now_ms).expect("the default scenario runs");
                    (s, run, Source::Default, Some(LoadError::Challenge(e.to_string())))
                }
            }
        }
        Some(Err(e)) => {
            let s = crate::defaults::scenario();
            let run = RunData::new(&s, now_ms).expect("the default scenario runs");
            (s, run, Source::Default, Some(e))
        }
        None => initial(&saved.get_untracked()),
    };
    crate::state::record_run_time_parts(run.timing, 0.0);
    let state = AppState::new(scenario, run, source, load_error);
    provide_context(state);
    let mode = if opened.is_some() { Mode::Lesson } else { Mode::Sandbox };
    let ls = LessonState::new(mode, opened, crate::lessons::parse_done(&done_saved.get_untracked()));
    provide_context(ls);
    if mode == Mode::Lesson {
        // The playground's own work waits in the autosave.
        ls.sandbox.set(parse_scenario(&saved.get_untracked()).ok());
        state.faults_locked.set(true);
        state.next_anomaly();
    }

    // Autosave and keep the address on the current work (or on the open lesson).
    let written = StoredValue::new(f64::NEG_INFINITY);
    let pending = StoredValue::new(false);
    let write_address = move || {
        pending.set_value(false);
        written.set_value(now_ms());
        match (ls.mode.get_untracked(), ls.active.get_untracked()) {
            (Mode::Lesson, Some(a)) => replace_fragment(&a.fragment()),
            _ => state.link.with_untracked(|l| {
                replace_address(l);
                store(ADDRESS_KEY, l);
            }),
        }
    };
    let save = move |now: bool| {
        if !matches!((ls.mode.get_untracked(), ls.active.get_untracked()), (Mode::Lesson, Some(_))) {
            set_saved.set(state.json.get_untracked());
        }
        let wait = ADDRESS_EVERY_MS - (now_ms() - written.get_value());
        if now || wait <= 0.0 {
            write_address();
        } else if !pending.get_value() {
            pending.set_value(true);
            leptos::prelude::set_timeout(
                move || {
                    if pending.get_value() {
                        write_address();
                    }
                },
                std::time::Duration::from_millis(wait.ceil() as u64),
            );
        }
    };
    let shown = StoredValue::new(None::<(Mode, Option<Active>)>);
    Effect::new(move |first: Option<()>| {
        state.scenario.track();
        let view = (ls.mode.get(), ls.active.get());
        // Opening or leaving a lesson changes the address at once; edits, twice a second.
        let moved = shown.with_value(|s| s.as_ref() != Some(&view));
        shown.set_value(Some(view));
        if first.is_none() {
            // What was opened is saved once the page is painted, off the way to the first
            // picture (deflating the link takes a while before the code is warm).
            leptos::prelude::request_animation_frame(move || {
                leptos::prelude::set_timeout(move || save(true), std::time::Duration::ZERO);
            });
        } else {
            save(moved);
        }
    });
    // Progress survives reloads.
    Effect::new(move |_| {
        let d = crate::lessons::store_done(&ls.done.get());
        if d != done_saved.get_untracked() {
            set_done_saved.set(d);
        }
    });
    // A lesson or challenge link followed within the page.
    let _ = leptos_use::use_event_listener(leptos_use::use_window(), leptos::ev::hashchange, move |_| {
        match lesson_from_address() {
            Some(Ok(a)) if ls.mode.get_untracked() != Mode::Lesson || ls.active.get_untracked().as_ref() != Some(&a) => {
                crate::components::lessons::open(state, ls, a);
            }
            Some(Err(e)) => state.load_error.set(Some(e)),
            _ => {}
        }
    });

    let reduced_motion = leptos_use::use_prefers_reduced_motion();
    let reduced_at_start = crate::state::media_matches("(prefers-reduced-motion: reduce)");
    if !reduced_at_start && state.source.get_untracked() == Source::Default && mode == Mode::Sandbox {
        state.playing.set(true);
    }
    // A share link made while paused opens at the moment its sender was looking at.
    if state.source.get_untracked() == Source::Link {
        if let Some(t) = crate::share::time_from_hash(&location_hash()) {
            state.seek(t as f64);
        }
        // ... with the story its sender had open.
        if let Some(m) = crate::share::msg_from_hash(&location_hash()) {
            state.open_story(m);
        }
    }
    let lesson_mode = move || ls.mode.get() == Mode::Lesson;

    #[cfg(target_arch = "wasm32")]
    {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("ackademy-ready");
        }
        // After the first frame is painted with everything mounted.
        leptos::prelude::request_animation_frame(|| {
            if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                let _ = p.mark("ackademy-mounted");
            }
        });
    }

    // `?debug-panic` panics on purpose after the first frame: the browser tests check that a
    // panic shows the error panel rather than a dead page.
    #[cfg(target_arch = "wasm32")]
    if web_sys::window().and_then(|w| w.location().search().ok()).is_some_and(|q| q.contains("debug-panic")) {
        leptos::prelude::request_animation_frame(|| panic!("debug-panic: a deliberate panic to show the error panel"));
    }

    // The audit and the cluster come first; the long panels are built after the first frame
    // is painted, so the verdict is on screen sooner: a timeout set from the next frame's
    // callback runs after that frame is painted, whereas a rAF alone would build the rest
    // inside the first frame and hold the first paint back.
    let rest = RwSignal::new(false);
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(move || rest.set(true), std::time::Duration::ZERO);
    });
    provide_context(Deferred(rest));

    view! {
        <div class="app" class:reduced-motion=move || reduced_motion.get() class:lesson-mode=lesson_mode>
            <Show when=move || rest.get()>
                <SkipLinks />
            </Show>
            <Header />
            <LoadErrorBanner />
            <main class="layout">
                <section class="stage" aria-labelledby="stage-title">
                    <ClusterView />
                    <Timeline />
                    <Show when=move || rest.get()>
                        <EventLog />
                        <Show when=move || !lesson_mode()>
                            <SettingsPanel />
                        </Show>
                    </Show>
                    // Below the fold until the settings are built: one frame later too.
                    <Show when=move || rest.get()>
                        <LessonList />
                    </Show>
                </section>
                <aside class="side">
                    <Show when=lesson_mode>
                        <LessonPanel />
                    </Show>
                    <AuditPanel />
                    <Show when=move || rest.get()>
                        <Show when=move || !lesson_mode()>
                            <FaultPanel />
                            <SharePanel />
                            <ChallengePanel />
                        </Show>
                        <ExportPanel />
                    </Show>
                </aside>
            </main>
            <HelpDialog />
        </div>
    }
}

/// Set one frame after the first picture: what is not needed to see the run waits for it.
#[derive(Clone, Copy)]
pub struct Deferred(pub RwSignal<bool>);

/// The first stops of the Tab order: straight to the audit, the faults or the share link,
/// past the cluster and the fifty settings. Buttons that move the focus rather than
/// `#anchor` links: the address's fragment is the share link.
#[component]
fn SkipLinks() -> impl IntoView {
    let i18n = use_i18n();
    let go = |id: &'static str| {
        move |_| {
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
                use wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.set_attribute("tabindex", "-1");
                    let _ = el.focus();
                    el.scroll_into_view();
                }
            }
        }
    };
    view! {
        <nav class="skip-links" aria-label=tr!(i18n, skip_links)>
            <button data-testid="skip-audit" on:click=go("audit-title")>{tr!(i18n, skip_audit)}</button>
            <button data-testid="skip-faults" on:click=go("faults-title")>{tr!(i18n, skip_faults)}</button>
            <button data-testid="skip-share" on:click=go("share-title")>{tr!(i18n, skip_share)}</button>
        </nav>
    }
}

#[component]
fn LoadErrorBanner() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    move || {
        state.load_error.get().map(|e| {
            let (title, detail) = match e {
                LoadError::Query(d) => (t_string!(i18n, load_error_query), d),
                LoadError::Link(d) => (t_string!(i18n, load_error_link), d),
                LoadError::Challenge(d) => (t_string!(i18n, load_error_challenge), d),
            };
            view! {
                <div class="load-error" role="alert" data-testid="load-error">
                    <strong>{title}</strong>
                    " "
                    <code>{detail}</code>
                    " "
                    <span>{tr!(i18n, load_error_fallback)}</span>
                    <button class="link" on:click=move |_| state.load_error.set(None)>{tr!(i18n, dismiss)}</button>
                </div>
            }
        })
    }
}

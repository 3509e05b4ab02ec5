//! The timeline: play, pause, step to the next event, reset, run to the end, speed on a log
//! scale, a scrub slider with marks for faults, elections and anomalies, "next anomaly",
//! and the keyboard (space, arrows, `?`).

use crate::i18n::*;
use crate::run::Mark;
use crate::state::{AppState, MAX_SPEED_EXP, MIN_SPEED_EXP};
use leptos::prelude::*;
use leptos_use::{use_event_listener, use_window};

fn fmt_speed(exp: f64) -> String {
    let v = 10f64.powf(exp);
    if v >= 1.0 {
        format!("{v:.1}×")
    } else if v >= 0.01 {
        format!("{v:.2}×")
    } else {
        format!("{v:.3}×")
    }
}

#[component]
pub fn Timeline() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();

    // Keyboard: space play/pause, ←/→ step, shift+←/→ one second, n next anomaly,
    // Home/End, ? help, Escape closes help.
    let _ = use_event_listener(use_window(), leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        use wasm_bindgen::JsCast;
        let tag = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name().to_ascii_lowercase())
            .unwrap_or_default();
        if ev.default_prevented() || matches!(tag.as_str(), "input" | "select" | "textarea") || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        match key.as_str() {
            " " if tag != "button" => {
                ev.prevent_default();
                state.playing.update(|p| *p = !*p);
            }
            "ArrowRight" if ev.shift_key() => {
                ev.prevent_default();
                state.seek(state.t.get_untracked() + 1000.0);
            }
            "ArrowLeft" if ev.shift_key() => {
                ev.prevent_default();
                state.seek(state.t.get_untracked() - 1000.0);
            }
            "ArrowRight" => {
                ev.prevent_default();
                state.step();
            }
            "ArrowLeft" => {
                ev.prevent_default();
                state.step_back();
            }
            "Home" => {
                ev.prevent_default();
                state.playing.set(false);
                state.seek(0.0);
            }
            "End" => {
                ev.prevent_default();
                state.playing.set(false);
                state.seek(state.end());
            }
            "n" | "N" => state.next_anomaly(),
            "+" | "=" => state.speed_exp.update(|s| *s = (*s + 0.25).min(MAX_SPEED_EXP)),
            "-" | "_" => state.speed_exp.update(|s| *s = (*s - 0.25).max(MIN_SPEED_EXP)),
            "?" => state.help.update(|h| *h = !*h),
            "Escape" => state.help.set(false),
            _ => {}
        }
    });

    let end = move || state.run.with(|r| r.end());
    let time_text = move || {
        let l = i18n.get_locale();
        format!("{} / {}", crate::story::secs(l, state.t.get()), crate::story::secs(l, end() as f64))
    };
    let marks = move || {
        state.run.with(|r| {
            let end = r.end() as f64;
            let mut last: Option<(u64, Mark)> = None;
            r.marks
                .iter()
                .filter(|m| {
                    // A fault scheduled after the end of the run never happens: no mark.
                    if m.0 as f64 > end {
                        return false;
                    }
                    // One mark per kind per 0.4 % of the run is enough to see.
                    let keep = last.is_none_or(|(t, k)| k != m.1 || (m.0 - t) as f64 > end * 0.004);
                    if keep {
                        last = Some(**m);
                    }
                    keep
                })
                .map(|(t, k)| {
                    let left = format!("left: {:.3}%", *t as f64 / end * 100.0);
                    let (cls, kind) = match k {
                        Mark::Fault => ("mark fault", "fault"),
                        Mark::Election => ("mark election", "election"),
                        Mark::Anomaly => ("mark anomaly", "anomaly"),
                    };
                    view! { <span class=cls style=left data-testid="mark" data-kind=kind data-t=*t></span> }
                })
                .collect_view()
        })
    };
    let progress = move || format!("--progress: {:.3}%", state.t.get() / end() as f64 * 100.0);
    view! {
        <div class="timeline" role="group" aria-label=tr!(i18n, timeline)>
            <div class="transport">
                <button data-testid="reset" on:click=move |_| { state.playing.set(false); state.seek(0.0); }
                    title=tr!(i18n, reset_title) aria-keyshortcuts="Home">
                    <span aria-hidden="true">"⇤ "</span>{tr!(i18n, reset)}
                </button>
                // The action at hand stands out; the state in force is pressed.
                <button data-testid="play" class:primary=move || !state.playing.get() class:active=move || state.playing.get()
                    on:click=move |_| {
                        if state.t.get_untracked() >= state.end() { state.seek(0.0); }
                        state.playing.set(true);
                    }
                    aria-pressed=move || state.playing.get().to_string() aria-keyshortcuts="Space">
                    <span aria-hidden="true">"▶ "</span>{tr!(i18n, play)}
                </button>
                <button data-testid="pause" class:primary=move || state.playing.get() class:active=move || !state.playing.get() on:click=move |_| state.playing.set(false)
                    aria-pressed=move || (!state.playing.get()).to_string() aria-keyshortcuts="Space">
                    <span aria-hidden="true" class="pause-glyph">"❚❚ "</span>{tr!(i18n, pause)}
                </button>
                <button data-testid="step" on:click=move |_| state.step() title=tr!(i18n, step_title) aria-keyshortcuts="ArrowRight">
                    {tr!(i18n, step)}<span aria-hidden="true">" ›"</span>
                </button>
                <button data-testid="run-to-end" on:click=move |_| { state.playing.set(false); state.seek(state.end()); } aria-keyshortcuts="End">
                    {tr!(i18n, run_to_end)}<span aria-hidden="true">" ⇥"</span>
                </button>
                <button data-testid="next-anomaly" class="warn" on:click=move |_| state.next_anomaly() aria-keyshortcuts="N"
                    disabled=move || state.run.with(|r| r.next_anomaly(state.t.get() as u64).is_none())>
                    <span aria-hidden="true">"⚠ "</span>{tr!(i18n, next_anomaly)}
                </button>
                <label class="speed">
                    <span>{tr!(i18n, speed)}</span>
                    <input type="range" data-testid="speed" min=MIN_SPEED_EXP max=MAX_SPEED_EXP step="0.05"
                        prop:value=move || state.speed_exp.get().to_string()
                        on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { state.speed_exp.set(v) } }
                        aria-valuetext=move || fmt_speed(state.speed_exp.get()) />
                    <output>{move || fmt_speed(state.speed_exp.get())}</output>
                </label>
                <span class="time" data-testid="time" aria-live="off">{time_text}</span>
            </div>
            <FaultHandles />
            <div class="scrub" style=progress>
                <input type="range" data-testid="scrubber" min="0" max=move || end().to_string() step="1"
                    aria-label=tr!(i18n, scrub_label)
                    aria-valuetext=move || crate::story::secs(i18n.get_locale(), state.t.get())
                    prop:value=move || (state.t.get().round() as u64).to_string()
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { state.playing.set(false); state.seek(v) } } />
                <div class="marks" aria-hidden="true">{marks}</div>
            </div>
            <p class="mark-legend">
                <span class="mark-key fault"></span>{tr!(i18n, mark_fault)}
                <span class="mark-key election"></span>{tr!(i18n, mark_election)}
                <span class="mark-key anomaly"></span>{tr!(i18n, mark_anomaly)}
                <span class="keys-hint">{tr!(i18n, keys_hint)}</span>
            </p>
        </div>
    }
}

/// A handle above the scrubber for every scheduled fault: drag it (or focus it and use
/// ←/→, Shift for whole seconds) to move the fault in time; the run follows at once.
#[component]
fn FaultHandles() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The run's end when a drag started: the scale stays put while the run follows the drag.
    let frozen_end = RwSignal::new(None::<f64>);
    let count = Memo::new(move |_| if state.faults_locked.get() { 0 } else { state.draft.with(|s| s.faults.len()) });
    let track = NodeRef::<leptos::html::Div>::new();
    view! {
        <div class="fault-handles" node_ref=track>
            {move || (0..count.get()).map(|i| view! { <FaultHandle index=i track=track frozen_end=frozen_end /> }).collect_view()}
        </div>
    }
}

#[component]
fn FaultHandle(index: usize, track: NodeRef<leptos::html::Div>, frozen_end: RwSignal<Option<f64>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let at = move || state.draft.with(|s| s.faults.get(index).map_or(0, |f| f.at_ms));
    let what = move || {
        state.draft.with(|s| {
            s.faults.get(index).map_or(String::new(), |f| {
                let args = crate::components::faults::describe(&f.kind);
                if args.is_empty() { f.kind.name().to_string() } else { format!("{} {args}", f.kind.name()) }
            })
        })
    };
    let scale = move || frozen_end.get().unwrap_or_else(|| state.run.with(|r| r.end() as f64));
    let left = move || format!("left: {:.3}%", (at() as f64 / scale()).min(1.0) * 100.0);
    // (left, width) of the track in CSS pixels while a drag goes on.
    let dragging = StoredValue::new(None::<(f64, f64)>);
    let move_to = move |t: f64| {
        let t = t.clamp(0.0, ackademy_engine::validate::limits::MAX_TIME_MS as f64).round() as u64;
        state.set_fault_time(index, t);
    };
    let at_x = move |x: f64| {
        if let (Some((x0, w)), Some(end)) = (dragging.get_value(), frozen_end.get_untracked()) {
            // Whole 10 ms: a pixel is more than that on any run worth dragging in.
            let t = ((x - x0) / w).clamp(0.0, 1.0) * end;
            move_to((t / 10.0).round() * 10.0);
        }
    };
    let end_drag = move || {
        if dragging.get_value().is_some() {
            dragging.set_value(None);
            frozen_end.set(None);
            state.sort_faults();
        }
    };
    view! {
        <button class="fault-handle" data-testid="fault-handle" role="slider" style=left
            aria-label=move || t_string!(i18n, fault_time_of, fault = what()).to_string()
            title=tr!(i18n, fault_drag)
            aria-valuemin="0" aria-valuemax=ackademy_engine::validate::limits::MAX_TIME_MS
            aria-valuenow=at
            aria-valuetext=move || crate::story::secs(i18n.get_locale(), at() as f64)
            on:pointerdown=move |ev: web_sys::PointerEvent| {
                use wasm_bindgen::JsCast;
                let Some(el) = track.get_untracked() else { return };
                let r = el.get_bounding_client_rect();
                if r.width() <= 0.0 {
                    return;
                }
                ev.prevent_default();
                if let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = target.set_pointer_capture(ev.pointer_id());
                }
                state.playing.set(false);
                dragging.set_value(Some((r.left(), r.width())));
                frozen_end.set(Some(state.end()));
            }
            on:pointermove=move |ev: web_sys::PointerEvent| at_x(ev.client_x() as f64)
            on:pointerup=move |_| end_drag()
            on:pointercancel=move |_| end_drag()
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                let step = if ev.shift_key() { 1000.0 } else { 100.0 };
                let t = at() as f64;
                let to = match ev.key().as_str() {
                    "ArrowLeft" | "ArrowDown" => t - step,
                    "ArrowRight" | "ArrowUp" => t + step,
                    "PageDown" => t - 1000.0,
                    "PageUp" => t + 1000.0,
                    "Home" => 0.0,
                    _ => return,
                };
                // Not the timeline's own keys (step, seek) while a fault is being moved.
                ev.prevent_default();
                ev.stop_propagation();
                move_to(to);
            }
            on:blur=move |_| state.sort_faults()>
        </button>
    }
}

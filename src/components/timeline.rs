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
        <div class="timeline" role="group" aria-label=move || t_string!(i18n, timeline)>
            <div class="transport">
                <button data-testid="reset" on:click=move |_| { state.playing.set(false); state.seek(0.0); }
                    title=move || t_string!(i18n, reset_title) aria-keyshortcuts="Home">
                    <span aria-hidden="true">"⇤ "</span>{t!(i18n, reset)}
                </button>
                <button data-testid="play" class="primary" class:active=move || state.playing.get()
                    on:click=move |_| {
                        if state.t.get_untracked() >= state.end() { state.seek(0.0); }
                        state.playing.set(true);
                    }
                    aria-pressed=move || state.playing.get().to_string() aria-keyshortcuts="Space">
                    <span aria-hidden="true">"▶ "</span>{t!(i18n, play)}
                </button>
                <button data-testid="pause" class:active=move || !state.playing.get() on:click=move |_| state.playing.set(false)
                    aria-keyshortcuts="Space">
                    <span aria-hidden="true" class="pause-glyph">"❚❚ "</span>{t!(i18n, pause)}
                </button>
                <button data-testid="step" on:click=move |_| state.step() title=move || t_string!(i18n, step_title) aria-keyshortcuts="ArrowRight">
                    {t!(i18n, step)}<span aria-hidden="true">" ›"</span>
                </button>
                <button data-testid="run-to-end" on:click=move |_| { state.playing.set(false); state.seek(state.end()); } aria-keyshortcuts="End">
                    {t!(i18n, run_to_end)}<span aria-hidden="true">" ⇥"</span>
                </button>
                <button data-testid="next-anomaly" class="warn" on:click=move |_| state.next_anomaly() aria-keyshortcuts="N"
                    disabled=move || state.run.with(|r| r.next_anomaly(state.t.get() as u64).is_none())>
                    <span aria-hidden="true">"⚠ "</span>{t!(i18n, next_anomaly)}
                </button>
                <label class="speed">
                    <span>{t!(i18n, speed)}</span>
                    <input type="range" data-testid="speed" min=MIN_SPEED_EXP max=MAX_SPEED_EXP step="0.05"
                        prop:value=move || state.speed_exp.get().to_string()
                        on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { state.speed_exp.set(v) } }
                        aria-valuetext=move || fmt_speed(state.speed_exp.get()) />
                    <output>{move || fmt_speed(state.speed_exp.get())}</output>
                </label>
                <span class="time" data-testid="time" aria-live="off">{time_text}</span>
            </div>
            <div class="scrub" style=progress>
                <input type="range" data-testid="scrubber" min="0" max=move || end().to_string() step="1"
                    aria-label=move || t_string!(i18n, scrub_label)
                    aria-valuetext=move || crate::story::secs(i18n.get_locale(), state.t.get())
                    prop:value=move || (state.t.get().round() as u64).to_string()
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { state.playing.set(false); state.seek(v) } } />
                <div class="marks" aria-hidden="true">{marks}</div>
            </div>
            <p class="mark-legend">
                <span class="mark-key fault"></span>{t!(i18n, mark_fault)}
                <span class="mark-key election"></span>{t!(i18n, mark_election)}
                <span class="mark-key anomaly"></span>{t!(i18n, mark_anomaly)}
                <span class="keys-hint">{t!(i18n, keys_hint)}</span>
            </p>
        </div>
    }
}

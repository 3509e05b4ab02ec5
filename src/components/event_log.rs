//! The text event log: the animation in words, for screen readers and for reading. It lists
//! the latest events at the time being looked at (polite live region, so it is announced
//! without interrupting).

use crate::i18n::*;
use crate::state::AppState;
use leptos::prelude::*;

const LINES: usize = 12;

#[component]
pub fn EventLog() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let lines = move || {
        let l = i18n.get_locale();
        let upto = state.cluster.with(|c| c.next_event);
        let t = state.t.get_untracked() as u64;
        let _ = upto;
        state.run.with(|r| crate::story::recent(l, r, t, LINES))
    };
    view! {
        <section class="panel event-log" aria-labelledby="log-title">
            <h2 id="log-title">{tr!(i18n, log_title)}</h2>
            // Announced while stepping and scrubbing; silent while playing, when it changes
            // every frame and would drown a screen reader.
            <ol role="log" aria-live=move || if state.playing.get() { "off" } else { "polite" } aria-relevant="additions" data-testid="event-log">
                {move || lines().into_iter().map(|(_, t, s)| view! {
                    <li><span class="t">{crate::story::secs(i18n.get_locale(), t as f64)}</span>" "{s}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}

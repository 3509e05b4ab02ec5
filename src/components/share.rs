//! Sharing: the compact link (`#s=1.<deflated JSON>`), a copy button, the scenario as JSON
//! (read it, paste another), and a way back to the default scenario.

use crate::i18n::*;
use crate::state::AppState;
use leptos::prelude::*;
use leptos_use::use_clipboard;

/// The page's address without query or fragment.
pub fn base_url() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(loc) = web_sys::window().map(|w| w.location()) else { return String::new() };
        format!("{}{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default())
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

#[component]
pub fn SharePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let base = base_url();
    // Paused, the link also carries the moment looked at (`&t=`): the colleague opens the
    // same picture. (While playing it does not, so the field is not rewritten every frame.)
    // An open story adds its message (`&m=`).
    let link = move || {
        let at = if state.playing.get() { 0 } else { state.t.get().round() as u64 };
        let time = if at > 0 { format!("&{}{at}", crate::share::TIME_KEY) } else { String::new() };
        let msg = state.selected.get().map(crate::share::msg_param).unwrap_or_default();
        format!("{base}#{}{}{time}{msg}", crate::share::FRAGMENT_KEY, state.link.read())
    };
    let clip = use_clipboard();
    let copied = clip.copied;
    let copy = clip.copy.clone();
    let json = RwSignal::new(String::new());
    let json_error = RwSignal::new(None::<String>);
    let show_json = RwSignal::new(false);
    let apply_json = move |_| match ackademy_engine::parse_scenario(&json.get_untracked()) {
        Ok(s) => match state.load(s) {
            Ok(()) => json_error.set(None),
            Err(e) => json_error.set(Some(e.to_string())),
        },
        Err(e) => json_error.set(Some(e.to_string())),
    };
    view! {
        <section class="panel share" aria-labelledby="share-title">
            <h2 id="share-title">{tr!(i18n, share_title)}</h2>
            <div class="share-row">
                <input type="text" readonly data-testid="share-link" aria-label=tr!(i18n, share_link)
                    prop:value=link.clone() on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { i.select() }
                    } />
                <button class="primary" data-testid="copy-link" on:click={ let link = link.clone(); move |_| copy(&link()) }>
                    {move || if copied.get() { t_string!(i18n, copied) } else { t_string!(i18n, copy_link) }}
                </button>
            </div>
            <p class="muted small">{tr!(i18n, share_hint)}" "<span data-testid="share-length">{ let link = link.clone(); move || link().len() }</span>" "{tr!(i18n, characters)}</p>
            <div class="share-actions">
                <button on:click=move |_| {
                    if !show_json.get_untracked() { json.set(state.scenario.with_untracked(|s| serde_json::to_string_pretty(s).unwrap_or_default())); }
                    show_json.update(|v| *v = !*v);
                } aria-expanded=move || show_json.get().to_string() data-testid="toggle-json">{tr!(i18n, scenario_json)}</button>
                <button data-testid="load-default" on:click=move |_| { let _ = state.load(crate::defaults::scenario()); }>{tr!(i18n, load_default)}</button>
            </div>
            <Show when=move || show_json.get()>
                <label class="sr-only" for="scenario-json">{tr!(i18n, scenario_json)}</label>
                <textarea id="scenario-json" data-testid="scenario-json" spellcheck="false" rows="14"
                    prop:value=move || json.get() on:input=move |ev| json.set(event_target_value(&ev))></textarea>
                <button class="primary" data-testid="apply-json" on:click=apply_json>{tr!(i18n, apply_json)}</button>
                {move || json_error.get().map(|e| view! { <p class="setting-error" role="alert" data-testid="json-error">{e}</p> })}
            </Show>
        </section>
    }
}

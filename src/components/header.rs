//! The page header: the name, what it is for, the language switch and the help button.

use crate::i18n::*;
use crate::state::AppState;
use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;

const LOCALE_KEY: &str = "ackademy.locale";

fn parse_locale(s: &str) -> Option<Locale> {
    match s {
        "en" => Some(Locale::en),
        "ko" => Some(Locale::ko),
        _ => None,
    }
}

pub fn preset_title(i18n: leptos_i18n::I18nContext<Locale>, id: &str) -> &'static str {
    match id {
        "isolated-leader" => t_string!(i18n, preset_isolated_leader),
        "lost-ack" => t_string!(i18n, preset_lost_ack),
        "retries-overtake" => t_string!(i18n, preset_retries_overtake),
        "auto-commit-handoff" => t_string!(i18n, preset_auto_commit_handoff),
        "crash-before-commit" => t_string!(i18n, preset_crash_before_commit),
        "unclean-election" => t_string!(i18n, preset_unclean_election),
        _ => t_string!(i18n, preset_aborted_read),
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let (saved, set_saved, _) = use_local_storage::<String, FromToStringCodec>(LOCALE_KEY);
    // The language chosen here last time wins over the browser's. (An effect, so that it
    // runs after the provider's own first choice from navigator.languages.)
    if let Some(l) = parse_locale(&saved.get_untracked()) {
        Effect::new(move |first: Option<()>| {
            if first.is_none() {
                i18n.set_locale(l);
            }
        });
    }
    // `<html lang>` follows the language (screen readers, fonts, hyphenation).
    Effect::new(move |_| {
        let lang = i18n.get_locale().as_str();
        #[cfg(target_arch = "wasm32")]
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = el.set_attribute("lang", lang);
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = lang;
    });
    let on_locale = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some(l) = parse_locale(&v) {
            i18n.set_locale(l);
            set_saved.set(v);
        }
    };
    view! {
        <header class="app-header">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <rect width="32" height="32" rx="7" fill="var(--accent)"></rect>
                    <path d="M9 25 16 7l7 18M11.6 19h8.8" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"></path>
                </svg>
                <div>
                    <h1 class="app-title" data-testid="app-title">{tr!(i18n, app_title)}</h1>
                    <p class="app-tagline" data-testid="app-tagline">{tr!(i18n, tagline)}</p>
                </div>
            </div>
            <crate::components::lessons::ModeTabs />
            <div class="header-tools">
                <label class="preset">
                    <span>{tr!(i18n, try_scenario)}</span>
                    <select data-testid="preset" on:change=move |ev| {
                        let id = event_target_value(&ev);
                        if let Some(s) = crate::presets::get(&id) {
                            // A scenario to try is played with in the playground.
                            if let Some(ls) = use_context::<crate::lessons::LessonState>() {
                                if ls.mode.get_untracked() == crate::lessons::Mode::Lesson {
                                    crate::components::lessons::leave(state, ls, true);
                                }
                            }
                            let _ = state.load(s);
                            state.load_error.set(None);
                        }
                        // Back to the prompt, so the same one can be picked again.
                        use wasm_bindgen::JsCast;
                        if let Some(sel) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) { sel.set_value("") }
                    }>
                        <option value="" selected>{tr!(i18n, pick_scenario)}</option>
                        {crate::presets::PRESETS.iter().map(|(id, _)| view! { <option value=*id>{move || preset_title(i18n, id)}</option> }).collect_view()}
                    </select>
                </label>
                <label class="locale">
                    <span class="sr-only">{tr!(i18n, language)}</span>
                    <svg class="globe" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="9"></circle><path d="M3 12h18M12 3c2.5 2.7 3.7 5.7 3.7 9s-1.2 6.3-3.7 9c-2.5-2.7-3.7-5.7-3.7-9S9.5 5.7 12 3z"></path></svg>
                    <select data-testid="locale" on:change=on_locale prop:value=move || i18n.get_locale().as_str()>
                        <option value="en">"English"</option>
                        <option value="ko">"한국어"</option>
                    </select>
                </label>
                <button class="help-button" data-testid="help" aria-keyshortcuts="?" on:click=move |_| state.help.update(|h| *h = !*h)
                    title=tr!(i18n, help_title)>
                    "?"
                    <span class="sr-only">{tr!(i18n, help_title)}</span>
                </button>
            </div>
        </header>
    }
}

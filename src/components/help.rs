//! Help: the keyboard and the three quickest ways to break the cluster.

use crate::i18n::*;
use crate::state::AppState;
use leptos::prelude::*;

#[component]
pub fn HelpDialog() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    // Closing gives the focus back to where it was when the dialog opened (the "?" button,
    // or wherever "?" was pressed), not to the page's top.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |was_open: Option<bool>| {
        let open = state.help.get();
        let doc = web_sys::window().and_then(|w| w.document());
        if open && was_open != Some(true) {
            use wasm_bindgen::JsCast;
            opener.set_value(doc.and_then(|d| d.active_element()).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()));
        } else if !open && was_open == Some(true) {
            let back = opener.get_value().filter(|e| e.is_connected()).or_else(|| {
                use wasm_bindgen::JsCast;
                doc.and_then(|d| d.query_selector("[data-testid=help]").ok().flatten()).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            });
            if let Some(el) = back {
                let _ = el.focus();
            }
        }
        open
    });
    view! {
        <Show when=move || state.help.get()>
            <div class="dialog-backdrop" on:click=move |_| state.help.set(false)></div>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help-dialog">
                <h2 id="help-title">{tr!(i18n, help_title)}</h2>
                <h3>{tr!(i18n, help_break_title)}</h3>
                <ol>
                    <li>{tr!(i18n, help_break_1)}</li>
                    <li>{tr!(i18n, help_break_2)}</li>
                    <li>{tr!(i18n, help_break_3)}</li>
                    <li>{tr!(i18n, help_break_4)}</li>
                </ol>
                <h3>{tr!(i18n, help_keys_title)}</h3>
                <dl class="keys">
                    <dt><kbd>"Space"</kbd></dt><dd>{tr!(i18n, key_space)}</dd>
                    <dt><kbd>"→"</kbd>" / "<kbd>"←"</kbd></dt><dd>{tr!(i18n, key_arrows)}</dd>
                    <dt><kbd>"Shift"</kbd>"+"<kbd>"→"</kbd>" / "<kbd>"←"</kbd></dt><dd>{tr!(i18n, key_shift_arrows)}</dd>
                    <dt><kbd>"▼"</kbd>" "<kbd>"→"</kbd>" / "<kbd>"←"</kbd></dt><dd>{tr!(i18n, key_fault_handle)}</dd>
                    <dt><kbd>"N"</kbd></dt><dd>{tr!(i18n, key_n)}</dd>
                    <dt><kbd>"Home"</kbd>" / "<kbd>"End"</kbd></dt><dd>{tr!(i18n, key_home_end)}</dd>
                    <dt><kbd>"+"</kbd>" / "<kbd>"−"</kbd></dt><dd>{tr!(i18n, key_speed)}</dd>
                    <dt><kbd>"?"</kbd></dt><dd>{tr!(i18n, key_help)}</dd>
                </dl>
                <button class="primary" on:click=move |_| state.help.set(false) autofocus>{tr!(i18n, close)}</button>
            </div>
        </Show>
    }
}

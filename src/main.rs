#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
//! Ackademy: the browser playground. A Leptos client-side-rendered app, built with Trunk,
//! that runs the engine in the page and draws what happened to every message.

/// A translated text without arguments in a view: `tr!(i18n, key)` shows what
/// `tr!(i18n, key)` shows (the key's text, following the locale), but the per-key part is a
/// plain function, so that all of these texts share one compiled reactive closure instead
/// of one each (`t!` makes a new closure type per use).
macro_rules! tr {
    ($i18n:expr, $key:ident) => {
        $crate::locale_text($i18n, |l| $crate::i18n::td_string!(l, $key))
    };
}

/// The reactive text behind [`tr!`]: `text` of the current locale, tracked as `t!` does.
/// Also an attribute's value (`aria-label=tr!(i18n, key)`, as `move || t_string!(i18n, key)`).
fn locale_text(
    i18n: leptos_i18n::I18nContext<i18n::Locale>,
    text: fn(i18n::Locale) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || text(i18n.get_locale())
}

mod app;
mod components;
mod defaults;
mod layout;
mod lessons;
mod presets;
mod run;
mod settings;
mod share;
mod state;
mod story;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

fn main() {
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("ackademy-main");
    }
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_panic_panel(&info.to_string());
    }));
    leptos::mount::mount_to_body(app::App);
}

/// A visible panel instead of a dead page when the app panics. Plain DOM (the app's own
/// rendering may be what broke); the buttons reload, or forget the autosave and reload.
fn show_panic_panel(message: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        if doc.get_element_by_id("panic-panel").is_some() {
            return;
        }
        let Ok(panel) = doc.create_element("div") else { return };
        panel.set_id("panic-panel");
        let _ = panel.set_attribute("data-testid", "panic-panel");
        let _ = panel.set_attribute("role", "alert");
        let _ = panel.set_attribute("class", "panic-panel");
        let heading = doc.create_element("h2").ok();
        let text = doc.create_element("pre").ok();
        // Both languages: the app's own locale state may be what broke.
        let both = |en: &str, ko: &str| format!("{en} / {ko}");
        use crate::i18n::*;
        if let (Some(h), Some(pre)) = (heading, text) {
            h.set_text_content(Some(&both(td_string!(Locale::en, panic_title), td_string!(Locale::ko, panic_title))));
            pre.set_text_content(Some(message));
            let _ = panel.append_child(&h);
            let _ = panel.append_child(&pre);
        }
        if let Ok(reload) = doc.create_element("button") {
            reload.set_text_content(Some(&both(td_string!(Locale::en, panic_reload), td_string!(Locale::ko, panic_reload))));
            let _ = reload.set_attribute("onclick", "location.reload()");
            let _ = panel.append_child(&reload);
        }
        if let Ok(reset) = doc.create_element("button") {
            reset.set_text_content(Some(&both(td_string!(Locale::en, panic_forget), td_string!(Locale::ko, panic_forget))));
            let _ = reset.set_attribute(
                "onclick",
                "try{localStorage.removeItem('ackademy.scenario')}catch(e){};location.replace(location.pathname)",
            );
            let _ = panel.append_child(&reset);
        }
        if let Some(body) = doc.body() {
            let _ = body.prepend_with_node_1(&panel);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

//! From the playground to production: the scenario's producer, consumer and topic settings
//! as `producer.properties`, `consumer.properties`, a Spring Boot `application.yml` and the
//! `kafka-topics.sh` command (the engine's `export`), each copied in one click.

use crate::i18n::*;
use crate::state::AppState;
use ackademy_engine::export;
use ackademy_engine::Scenario;
use leptos::prelude::*;
use leptos_use::use_clipboard;

/// One exported file: (key, file name, owner shown beside it, contents).
fn files(s: &Scenario) -> Vec<(String, &'static str, String, String)> {
    let mut v = Vec::new();
    for p in &s.producers {
        if let Some(text) = export::producer_properties(s, &p.id) {
            v.push((format!("producer:{}", p.id), "producer.properties", p.id.clone(), text));
        }
    }
    for c in &s.consumers {
        if let Some(text) = export::consumer_properties(s, &c.id) {
            v.push((format!("consumer:{}", c.id), "consumer.properties", c.id.clone(), text));
        }
    }
    if !s.producers.is_empty() || !s.consumers.is_empty() {
        v.push(("yml".into(), "application.yml", String::new(), export::application_yml(s)));
    }
    if !s.topics.is_empty() {
        v.push(("topics".into(), "kafka-topics.sh", String::new(), export::kafka_topics(s)));
    }
    v
}

#[component]
pub fn ExportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let all = Memo::new(move |_| state.scenario.with(files));
    let chosen = RwSignal::new(String::new());
    // The chosen file, or the first when the choice no longer exists.
    let current = move || {
        all.with(|v| {
            let c = chosen.get();
            v.iter().find(|f| f.0 == c).or(v.first()).cloned()
        })
    };
    let clip = use_clipboard();
    let copied = clip.copied;
    let copy = clip.copy.clone();
    let copied_key = RwSignal::new(String::new());
    view! {
        <section class="panel export" aria-labelledby="export-title" data-testid="export">
            <h2 id="export-title">{tr!(i18n, ex_title)}</h2>
            <p class="muted small">{tr!(i18n, ex_intro)}</p>
            <div class="export-tabs" role="tablist" aria-label=tr!(i18n, ex_title)>
                {move || {
                    let cur = current().map(|f| f.0).unwrap_or_default();
                    all.get().into_iter().map(|(key, name, owner, _)| {
                        let selected = key == cur;
                        let k = key.clone();
                        view! {
                            <button role="tab" data-testid="export-tab" data-file=name data-owner-id=owner.clone()
                                aria-selected=selected.to_string() class:active=selected on:click=move |_| chosen.set(k.clone())>
                                <code>{name}</code>
                                {(!owner.is_empty()).then(|| view! { <span class="owner-tag">{owner.clone()}</span> })}
                            </button>
                        }
                    }).collect_view()
                }}
            </div>
            {move || current().map(|(key, name, _, text)| {
                let copy = copy.clone();
                let t2 = text.clone();
                let k2 = key.clone();
                view! {
                    <div class="export-file" role="tabpanel">
                        <div class="export-bar">
                            <code class="muted small">{name}</code>
                            <button class="primary" data-testid="export-copy" on:click=move |_| { copy(&t2); copied_key.set(k2.clone()); }>
                                {move || if copied.get() && copied_key.get() == key { t_string!(i18n, copied) } else { t_string!(i18n, ex_copy) }}
                            </button>
                        </div>
                        <pre data-testid="export-text" data-file=name>{text}</pre>
                    </div>
                }
            })}
        </section>
    }
}

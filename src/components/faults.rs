//! The fault schedule: every fault of the scenario (remove any of them) and a palette that
//! adds any fault kind of the contract at the current time (or a time typed in).

use crate::i18n::*;
use crate::state::AppState;
use ackademy_engine::scenario::FaultKind;
use leptos::prelude::*;

/// Every kind of the contract, in the palette's order.
pub const KINDS: &[&str] = &[
    "crash_broker",
    "restart_broker",
    "isolate_broker",
    "heal",
    "drop_produce_requests",
    "drop_produce_responses",
    "crash_producer",
    "restart_producer",
    "pause_producer",
    "resume_producer",
    "crash_consumer",
    "restart_consumer",
    "crash_processor",
    "restart_processor",
    "poison_message",
    "slow_message",
    "add_partitions",
];

/// What a kind needs besides its time.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Needs {
    Broker,
    Nothing,
    ProducerCount,
    Producer,
    Consumer,
    Processor,
    Message,
    MessageMs,
    TopicCount,
}

fn needs(kind: &str) -> Needs {
    match kind {
        "crash_broker" | "restart_broker" | "isolate_broker" => Needs::Broker,
        "heal" => Needs::Nothing,
        "drop_produce_requests" | "drop_produce_responses" => Needs::ProducerCount,
        "crash_producer" | "restart_producer" | "pause_producer" | "resume_producer" => Needs::Producer,
        "crash_consumer" | "restart_consumer" => Needs::Consumer,
        "crash_processor" | "restart_processor" => Needs::Processor,
        "poison_message" => Needs::Message,
        "slow_message" => Needs::MessageMs,
        _ => Needs::TopicCount,
    }
}

/// Builds a fault from the palette's fields.
fn build(kind: &str, target: String, number: u64) -> Option<FaultKind> {
    let n32 = u32::try_from(number).ok();
    Some(match kind {
        "crash_broker" => FaultKind::CrashBroker { broker: target.parse().ok()? },
        "restart_broker" => FaultKind::RestartBroker { broker: target.parse().ok()? },
        "isolate_broker" => FaultKind::IsolateBroker { broker: target.parse().ok()? },
        "heal" => FaultKind::Heal,
        "drop_produce_requests" => FaultKind::DropProduceRequests { producer: target, count: n32? },
        "drop_produce_responses" => FaultKind::DropProduceResponses { producer: target, count: n32? },
        "crash_producer" => FaultKind::CrashProducer { producer: target },
        "restart_producer" => FaultKind::RestartProducer { producer: target },
        "pause_producer" => FaultKind::PauseProducer { producer: target },
        "resume_producer" => FaultKind::ResumeProducer { producer: target },
        "crash_consumer" => FaultKind::CrashConsumer { consumer: target },
        "restart_consumer" => FaultKind::RestartConsumer { consumer: target },
        "crash_processor" => FaultKind::CrashProcessor { processor: target },
        "restart_processor" => FaultKind::RestartProcessor { processor: target },
        "poison_message" => FaultKind::PoisonMessage { message: target },
        "slow_message" => FaultKind::SlowMessage { message: target, ms: number },
        "add_partitions" => FaultKind::AddPartitions { topic: target, count: n32? },
        _ => return None,
    })
}

/// The fault's fields as text, e.g. `broker 0`, `p1 × 2`.
pub fn describe(k: &FaultKind) -> String {
    use FaultKind as F;
    match k {
        F::CrashBroker { broker } | F::RestartBroker { broker } | F::IsolateBroker { broker } => format!("b{broker}"),
        F::Heal => String::new(),
        F::DropProduceRequests { producer, count } | F::DropProduceResponses { producer, count } => format!("{producer} × {count}"),
        F::CrashProducer { producer } | F::RestartProducer { producer } | F::PauseProducer { producer } | F::ResumeProducer { producer } => producer.clone(),
        F::CrashConsumer { consumer } | F::RestartConsumer { consumer } => consumer.clone(),
        F::CrashProcessor { processor } | F::RestartProcessor { processor } => processor.clone(),
        F::PoisonMessage { message } => message.clone(),
        F::SlowMessage { message, ms } => format!("{message} +{ms} ms"),
        F::AddPartitions { topic, count } => format!("{topic} → {count}"),
        #[allow(unreachable_patterns)]
        _ => String::new(),
    }
}

#[component]
pub fn FaultPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let kind = RwSignal::new("crash_broker".to_string());
    let target = RwSignal::new(String::new());
    let number = RwSignal::new(1u64);
    let at = RwSignal::new(None::<u64>);

    let targets = move || {
        let k = kind.get();
        state.draft.with(|s| match needs(&k) {
            Needs::Broker => (0..s.cluster.as_ref().and_then(|c| c.brokers).unwrap_or(3)).map(|b| b.to_string()).collect::<Vec<_>>(),
            Needs::ProducerCount | Needs::Producer => s.producers.iter().map(|p| p.id.clone()).collect(),
            Needs::Consumer => s.consumers.iter().map(|c| c.id.clone()).collect(),
            Needs::Processor => s.processors.iter().map(|c| c.id.clone()).collect(),
            Needs::TopicCount => s.topics.iter().map(|t| t.name.clone()).collect(),
            Needs::Message | Needs::MessageMs => Vec::new(),
            Needs::Nothing => Vec::new(),
        })
    };
    let add = move |_| {
        let k = kind.get_untracked();
        let mut tgt = target.get_untracked();
        let options = targets();
        if !options.is_empty() && !options.contains(&tgt) {
            tgt = options[0].clone();
        }
        if matches!(needs(&k), Needs::Message | Needs::MessageMs) && tgt.is_empty() {
            tgt = state.draft.with_untracked(|s| s.producers.first().map(|p| format!("{}-0", p.id)).unwrap_or_default());
        }
        if let Some(f) = build(&k, tgt, number.get_untracked()) {
            let t = at.get_untracked().unwrap_or_else(|| state.t.get_untracked().round() as u64);
            state.add_fault_at(t, f);
            at.set(None);
        }
    };
    let kind_name = move |k: &str| -> &'static str {
        match k {
            "crash_broker" => t_string!(i18n, fault_crash_broker),
            "restart_broker" => t_string!(i18n, fault_restart_broker),
            "isolate_broker" => t_string!(i18n, fault_isolate_broker),
            "heal" => t_string!(i18n, fault_heal),
            "drop_produce_requests" => t_string!(i18n, fault_drop_produce_requests),
            "drop_produce_responses" => t_string!(i18n, fault_drop_produce_responses),
            "crash_producer" => t_string!(i18n, fault_crash_producer),
            "restart_producer" => t_string!(i18n, fault_restart_producer),
            "pause_producer" => t_string!(i18n, fault_pause_producer),
            "resume_producer" => t_string!(i18n, fault_resume_producer),
            "crash_consumer" => t_string!(i18n, fault_crash_consumer),
            "restart_consumer" => t_string!(i18n, fault_restart_consumer),
            "crash_processor" => t_string!(i18n, fault_crash_processor),
            "restart_processor" => t_string!(i18n, fault_restart_processor),
            "poison_message" => t_string!(i18n, fault_poison_message),
            "slow_message" => t_string!(i18n, fault_slow_message),
            _ => t_string!(i18n, fault_add_partitions),
        }
    };
    // The list is rebuilt only when faults are added, removed or reordered: a time being
    // typed or stepped with ↑/↓ updates its row in place, so the field keeps the focus.
    let shape = Memo::new(move |_| {
        state.draft.with(|s| s.faults.iter().map(|f| (f.kind.name(), describe(&f.kind))).collect::<Vec<_>>())
    });
    let list = move || {
        let rows = shape.get();
        if rows.is_empty() {
            return view! { <p class="muted" data-testid="fault-empty">{tr!(i18n, faults_empty)}</p> }.into_any();
        }
        view! {
            // Back in time order once the focus leaves the list.
            <ol class="fault-list" data-testid="fault-list" on:focusout=move |ev| {
                use wasm_bindgen::JsCast;
                let inside = ev
                    .related_target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|e| e.closest(".fault-list").ok().flatten())
                    .is_some();
                if !inside {
                    state.sort_faults();
                }
            }>
                {rows.into_iter().enumerate().map(|(i, (name, args))| view! { <FaultRow index=i name=name args=args /> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let fault_error = move || {
        state.edit_error.get().filter(|e| e.path.starts_with("faults")).map(|e| {
            view! { <p class="setting-error" data-testid="fault-error">{e.to_string()}</p> }
        })
    };
    view! {
        <section class="panel faults" aria-labelledby="faults-title">
            <h2 id="faults-title">{tr!(i18n, faults_title)}</h2>
            <p class="muted small">{tr!(i18n, faults_intro)}</p>
            <p class="muted small">{tr!(i18n, faults_edit_hint)}</p>
            {list}
            {fault_error}
            <div class="palette">
                <label>
                    <span>{tr!(i18n, fault_kind)}</span>
                    <select data-testid="fault-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KINDS.iter().map(|k| view! { <option value=*k>{move || kind_name(k)}</option> }).collect_view()}
                    </select>
                </label>
                {move || {
                    let k = kind.get();
                    let n = needs(&k);
                    let opts = targets();
                    let target_field = match n {
                        Needs::Nothing => None,
                        Needs::Message | Needs::MessageMs => Some(view! {
                            <label><span>{tr!(i18n, fault_message)}</span>
                                <input type="text" data-testid="fault-target" placeholder="p1-0" prop:value=move || target.get()
                                    on:input=move |ev| target.set(event_target_value(&ev)) /></label>
                        }.into_any()),
                        _ => Some(view! {
                            <label><span>{tr!(i18n, fault_target)}</span>
                                <select data-testid="fault-target" on:change=move |ev| target.set(event_target_value(&ev))>
                                    {opts.iter().map(|o| view! { <option value=o.clone() selected=*o == target.get_untracked()>{o.clone()}</option> }).collect_view()}
                                </select></label>
                        }.into_any()),
                    };
                    let number_field = match n {
                        Needs::ProducerCount | Needs::TopicCount | Needs::MessageMs => Some(view! {
                            <label><span>{match n { Needs::MessageMs => t_string!(i18n, fault_ms), Needs::TopicCount => t_string!(i18n, fault_partitions), _ => t_string!(i18n, fault_count) }}</span>
                                <input type="number" min="1" data-testid="fault-number" prop:value=move || number.get().to_string()
                                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { number.set(v) } } /></label>
                        }),
                        _ => None,
                    };
                    view! { {target_field} {number_field} }
                }}
                <label>
                    <span>{tr!(i18n, fault_at)}</span>
                    <input type="number" min="0" data-testid="fault-at"
                        prop:value=move || at.get().unwrap_or_else(|| state.t.get().round() as u64).to_string()
                        on:input=move |ev| at.set(event_target_value(&ev).parse().ok()) />
                </label>
                // Nothing to aim a fault at (no processor to crash, say): nothing to add.
                <button class="primary" data-testid="fault-add" on:click=add
                    prop:disabled=move || !matches!(needs(&kind.get()), Needs::Nothing | Needs::Message | Needs::MessageMs) && targets().is_empty()>
                    {tr!(i18n, fault_add)}</button>
            </div>
        </section>
    }
}

/// One scheduled fault: its time (edited in place, the run follows at once), what it is,
/// a link to that moment, and removal.
#[component]
fn FaultRow(index: usize, name: &'static str, args: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let at = move || state.draft.with(|s| s.faults.get(index).map_or(0, |f| f.at_ms));
    let what = if args.is_empty() { name.to_string() } else { format!("{name} {args}") };
    let what_for_remove = what.clone();
    view! {
        <li data-testid="fault-item" data-kind=name>
            <label class="fault-time">
                <input type="number" inputmode="numeric" min="0" max=ackademy_engine::validate::limits::MAX_TIME_MS step="100" data-testid="fault-time"
                    aria-label=move || t_string!(i18n, fault_time_of, fault = what.clone()).to_string()
                    prop:value=move || at().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() {
                            state.set_fault_time(index, v);
                        }
                    }
                    on:change=move |ev| {
                        // Something that is not a time (an emptied field): show the time in force.
                        if event_target_value(&ev).trim().parse::<u64>().is_err() {
                            use wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.set_value(&at().to_string());
                            }
                        }
                    } />
                <span class="unit" aria-hidden="true">"ms"</span>
            </label>
            <span class="fault-kind"><code>{name}</code></span>
            <span class="fault-args">{args}</span>
            <button class="time-link" data-testid="fault-seek" title=tr!(i18n, fault_go_to)
                on:click=move |_| { state.playing.set(false); state.seek(at() as f64) }>
                {move || crate::story::secs(i18n.get_locale(), at() as f64)}
            </button>
            <button class="remove" data-testid="fault-remove"
                on:click=move |_| {
                    state.remove_fault(index);
                    focus_after_removal(index);
                }
                aria-label=move || format!("{} {}", t_string!(i18n, remove), what_for_remove)>"✕"</button>
        </li>
    }
}


/// After a fault is removed with the keyboard, the focus goes to the next one's remove
/// button (or the previous one's, or the palette), not to the top of the page.
fn focus_after_removal(index: usize) {
    leptos::prelude::request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(active) = doc.active_element() else { return };
        if active != doc.body().map(Into::into).unwrap_or(active.clone()) {
            return; // the focus is somewhere already (e.g. removed with the mouse elsewhere)
        }
        let buttons = doc.query_selector_all(".fault-list [data-testid=fault-remove]").ok();
        let n = buttons.as_ref().map_or(0, |b| b.length());
        let target = match buttons {
            Some(b) if n > 0 => b.item(index.min(n as usize - 1) as u32),
            _ => doc.query_selector("[data-testid=fault-add]").ok().flatten().map(Into::into),
        };
        if let Some(el) = target.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_builds_every_kind_of_the_contract() {
        for k in KINDS {
            let target = match needs(k) {
                Needs::Broker => "0",
                Needs::Message | Needs::MessageMs => "p1-3",
                Needs::TopicCount => "orders",
                _ => "p1",
            };
            let f = build(k, target.into(), 4).unwrap_or_else(|| panic!("{k}"));
            assert_eq!(f.name(), *k);
        }
    }
}

//! The settings panel: every Kafka setting of the scenario's cluster, topics, producers,
//! consumers and processors, with Kafka's name, its default and a one-line explanation.
//! A change re-runs the engine at once; a combination Kafka refuses is shown in Kafka's
//! words next to the control, and the last valid run stays on screen.

use crate::i18n::*;
use crate::settings::{self as cat, Owner, Setting, Values};
use crate::state::AppState;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The one-line explanation of a setting.
pub fn help(i18n: I18nContext<Locale>, prop: &str) -> &'static str {
    match prop {
        "brokers" => t_string!(i18n, help_brokers),
        "unclean.leader.election.enable" => t_string!(i18n, help_unclean),
        "replica.lag.time.max.ms" => t_string!(i18n, help_replica_lag),
        "broker.session.timeout.ms" => t_string!(i18n, help_broker_session),
        "network_latency_ms" => t_string!(i18n, help_latency),
        "partitions" => t_string!(i18n, help_partitions),
        "replication.factor" => t_string!(i18n, help_rf),
        "min.insync.replicas" => t_string!(i18n, help_min_isr),
        "acks" => t_string!(i18n, help_acks),
        "enable.idempotence" => t_string!(i18n, help_idempotence),
        "max.in.flight.requests.per.connection" => t_string!(i18n, help_max_in_flight),
        "retries" => t_string!(i18n, help_retries),
        "linger.ms" => t_string!(i18n, help_linger),
        "batch.size" => t_string!(i18n, help_batch_size),
        "request.timeout.ms" => t_string!(i18n, help_request_timeout),
        "delivery.timeout.ms" => t_string!(i18n, help_delivery_timeout),
        "retry.backoff.ms" => t_string!(i18n, help_retry_backoff),
        "transactional.id" => t_string!(i18n, help_transactional_id),
        "transaction.timeout.ms" => t_string!(i18n, help_transaction_timeout),
        "messages" => t_string!(i18n, help_messages),
        "keys" => t_string!(i18n, help_keys),
        "interval_ms" => t_string!(i18n, help_interval),
        "transaction_messages" => t_string!(i18n, help_transaction_messages),
        "outbox" => t_string!(i18n, help_outbox),
        "enable.auto.commit" => t_string!(i18n, help_auto_commit),
        "auto.commit.interval.ms" => t_string!(i18n, help_auto_commit_interval),
        "isolation.level" => t_string!(i18n, help_isolation),
        "auto.offset.reset" => t_string!(i18n, help_offset_reset),
        "max.poll.records" => t_string!(i18n, help_max_poll_records),
        "session.timeout.ms" => t_string!(i18n, help_session_timeout),
        "commit" => t_string!(i18n, help_commit),
        "processing" => t_string!(i18n, help_processing),
        "processing_ms" => t_string!(i18n, help_processing_ms),
        "inbox" => t_string!(i18n, help_inbox),
        "processing.guarantee" => t_string!(i18n, help_guarantee),
        "commit.interval.ms" => t_string!(i18n, help_commit_interval),
        "group.initial.rebalance.delay.ms" => t_string!(i18n, help_rebalance_delay),
        "value_bytes" => t_string!(i18n, help_value_bytes),
        "heartbeat.interval.ms" => t_string!(i18n, help_heartbeat),
        "max.poll.interval.ms" => t_string!(i18n, help_max_poll_interval),
        "dlq" => t_string!(i18n, help_dlq),
        _ => "",
    }
}

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    // The owners only change when the scenario gains or loses one (a new JSON or link).
    let owners = Memo::new(move |_| {
        state.draft.with(|s| Owner::all(s).map(|o| (o, o.id(s))).collect::<Vec<_>>())
    });
    view! {
        <section class="panel settings" aria-labelledby="settings-title">
            <h2 id="settings-title">{tr!(i18n, settings_title)}</h2>
            <p class="muted small">{tr!(i18n, settings_intro)}</p>
            <GeneralError />
            {move || owners.get().into_iter().map(|(o, id)| view! { <OwnerSettings owner=o id=id /> }).collect_view()}
        </section>
    }
}

/// An engine error that belongs to no single control (e.g. a fault naming a broker that
/// does not exist), shown at the top of the panel. Every error is also announced here for
/// screen readers.
#[component]
fn GeneralError() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    move || {
        let e = state.edit_error.get()?;
        let target = state.draft.with(|s| cat::error_target(s, &e.path).filter(|(o, p)| cat::has_control(s, o, p)));
        let kafka = state.draft.with(|s| cat::is_kafka_refusal(s, &e.path));
        // The message itself is shown once: next to its control when it has one (see
        // SettingControl), here otherwise.
        Some(view! {
            <div class="config-error general" role="alert" data-testid="config-error">
                <strong>{if kafka { tr!(i18n, kafka_refuses) } else { tr!(i18n, cannot_run) }}</strong>" "
                {match target {
                    Some((o, p)) => view! { <span>{tr!(i18n, see_control)}" "<code>{o}" · "{p}</code></span> }.into_any(),
                    None => view! { <span data-testid="config-error-message">{e.to_string()}</span> }.into_any(),
                }}
                " "<span class="muted">{tr!(i18n, last_valid_run_kept)}</span>
            </div>
        })
    }
}

#[component]
fn OwnerSettings(owner: Owner, id: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let title = {
        let id = id.clone();
        move || match owner {
            Owner::Cluster => t_string!(i18n, owner_cluster).to_string(),
            Owner::Topic(_) => format!("{} {id}", t_string!(i18n, topic)),
            Owner::Producer(_) => format!("{} {id}", t_string!(i18n, producer)),
            Owner::Consumer(i) => {
                let g = state.draft.with(|s| s.consumers.get(i).map(|c| c.group.clone()).unwrap_or_default());
                format!("{} {id} · {} {g}", t_string!(i18n, consumer), t_string!(i18n, group))
            }
            Owner::Processor(_) => format!("{} {id}", t_string!(i18n, processor)),
        }
    };
    let cls = match owner {
        Owner::Cluster => "owner cluster",
        Owner::Topic(_) => "owner topic",
        Owner::Producer(_) => "owner producer",
        Owner::Consumer(_) => "owner consumer",
        Owner::Processor(_) => "owner processor",
    };
    view! {
        <fieldset class=cls>
            <legend>{title}</legend>
            <div class="setting-grid">
                {cat::of(owner.kind()).map(|s| view! { <SettingControl owner=owner id=id.clone() setting=*s /> }).collect_view()}
            </div>
        </fieldset>
    }
}

/// A property name that may wrap after its dots, never inside a word.
fn breakable(prop: &'static str) -> impl IntoView {
    let parts: Vec<&'static str> = prop.split_inclusive('.').collect();
    parts.into_iter().map(|p| view! { {p}<wbr /> }).collect_view()
}

/// The control of one setting, used by the settings panel and by the lessons (which show
/// only the settings a lesson allows, each with `owner_tag`, its owner's id): Kafka's name,
/// the widget, *↺* back to Kafka's default, the help line, and Kafka's refusal next to it.
/// `id` is the owner's `data-owner` value.
#[component]
pub fn SettingControl(owner: Owner, id: String, setting: Setting, #[prop(optional)] owner_tag: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let prop = setting.name;
    let dom_id = format!("cfg-{}-{}", id.replace(|c: char| !c.is_ascii_alphanumeric(), "_"), prop.replace('.', "-"));
    let explicit_memo = Memo::new(move |_| state.draft.with(|s| cat::explicit(s, owner, prop)));
    let explicit = move || explicit_memo.get();
    let effective = move || state.run.with(|r| cat::effective(&r.out.cfg, owner, prop));
    let shown = move || explicit().or_else(effective).unwrap_or_default();
    let default = move || state.draft.with(|s| setting.default_in(s, owner));
    let id_for_err = id.clone();
    let error = move || {
        let engine = state.edit_error.get().and_then(|e| {
            let target = state.draft.with(|s| cat::error_target(s, &e.path));
            (target.as_ref().map(|(o, p)| (o.as_str(), p.as_str())) == Some((id_for_err.as_str(), prop))).then(|| e.message.clone())
        });
        let typed = state.input_error.get().and_then(|(o, p, m)| (o == id_for_err && p == prop).then_some(m));
        engine.or(typed)
    };
    let set = move |v: Option<String>| {
        let mut problem = None;
        state.edit(|s| {
            if let Err(e) = cat::set(s, owner, prop, v.as_deref()) {
                problem = Some(e);
            }
        });
        let o = state.draft.with_untracked(|s| owner.id(s));
        state.input_error.set(problem.map(|m| (o, prop.to_string(), m)));
    };
    let control = match setting.values {
        Values::Choice(options) => view! {
            <select id=dom_id.clone() data-config=prop data-owner=id.clone()
                prop:value=shown
                on:change=move |ev| set(Some(event_target_value(&ev)))>
                {options.iter().map(|o| view! { <option value=*o>{*o}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        Values::Bool => view! {
            <input type="checkbox" id=dom_id.clone() data-config=prop data-owner=id.clone()
                prop:checked=move || shown() == "true"
                on:change=move |ev| set(Some(event_target_checked(&ev).to_string())) />
        }
        .into_any(),
        Values::Number => view! {
            <input type="number" inputmode="numeric" min="0" id=dom_id.clone() data-config=prop data-owner=id.clone()
                prop:value=shown placeholder=default
                on:input=move |ev| {
                    // An emptied field is being retyped: wait for the change event.
                    let v = event_target_value(&ev);
                    if !v.trim().is_empty() { set(Some(v)) }
                }
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if v.trim().is_empty() { set(None) }
                } />
        }
        .into_any(),
        Values::Text => view! {
            <input type="text" id=dom_id.clone() data-config=prop data-owner=id.clone()
                prop:value=move || explicit().unwrap_or_default() placeholder="null" spellcheck="false" autocomplete="off"
                on:input=move |ev| set(Some(event_target_value(&ev))) />
        }
        .into_any(),
    };
    let is_set = move || explicit().is_some();
    let error2 = error.clone();
    view! {
        <div class="setting" class:invalid=move || error2().is_some() class:explicit=is_set>
            <label for=dom_id.clone()>
                <code>{breakable(prop)}</code>
                {owner_tag.then(|| view! { " "<span class="owner-tag">{id.clone()}</span> })}
            </label>
            <div class="control-row">
                {control}
                <button class="unset" title=tr!(i18n, use_default) aria-label=move || format!("{}: {prop}", t_string!(i18n, use_default))
                    on:click=move |_| set(None) disabled=move || !is_set()>"↺"</button>
            </div>
            <p class="help">
                {move || help(i18n, prop)}
                " "
                <span class="default">{t!(i18n, default_is, value = default)}</span>
            </p>
            {move || error().map(|m| view! {
                <p class="setting-error" role="alert" data-testid="setting-error">
                    <span class="kafka">"Kafka: "</span>{m}
                </p>
            })}
        </div>
    }
}

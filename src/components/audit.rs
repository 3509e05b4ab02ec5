//! The audit of the whole run: the verdict and the report's counts (each opens the list of
//! messages concerned), each message's story, the errors applications saw, the trace hash,
//! and what has happened so far at the time being looked at.

use crate::i18n::*;
use crate::state::{AppState, Finding};
use ackademy_engine::types::MsgId;
use leptos::prelude::*;

const LIST_MAX: usize = 300;

#[component]
pub fn AuditPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let report = move |f: fn(&ackademy_engine::Report) -> u64| move || state.run.with(|r| f(&r.out.report));
    let verdict = move || state.run.with(|r| r.out.report.verdict.clone());
    let verdict_cls = move || format!("verdict v-{}", verdict());
    // What the verdict leaves out (it judges loss and duplicates only), said beside it so
    // that a green verdict never reads as "all is well".
    let caveats = move || {
        state.run.with(|r| {
            let rep = &r.out.report;
            let mut out: Vec<String> = Vec::new();
            if rep.sent == 0 {
                out.push(t_string!(i18n, caveat_nothing_sent).to_string());
            }
            if rep.reordered > 0 {
                out.push(td_string!(i18n.get_locale(), caveat_reordered, n = rep.reordered).to_string());
            }
            if rep.sent > 0 && r.out.cfg.consumers.is_empty() && r.out.cfg.processors.is_empty() {
                out.push(t_string!(i18n, caveat_no_consumer).to_string());
            }
            if rep.failed > 0 {
                out.push(td_string!(i18n.get_locale(), caveat_failed, n = rep.failed).to_string());
            }
            let unanswered = rep.sent.saturating_sub(rep.acked + rep.failed);
            if unanswered > 0 {
                out.push(td_string!(i18n.get_locale(), caveat_unanswered, n = unanswered, sent = rep.sent).to_string());
            }
            out
        })
    };
    let explain = move || match verdict().as_str() {
        "exactly-once" => t_string!(i18n, verdict_exactly_once),
        "at-least-once" => t_string!(i18n, verdict_at_least_once),
        "at-most-once" => t_string!(i18n, verdict_at_most_once),
        _ => t_string!(i18n, verdict_none),
    };
    let open = move |f: Finding| {
        move |_| {
            state.list.update(|l| *l = if *l == Some(f) { None } else { Some(f) });
        }
    };
    let count_button = move |f: Finding, testid: &'static str, label: String, get: fn(&ackademy_engine::Report) -> u64| {
        let value = report(get);
        view! {
            <button class="count bad" class:zero=move || value() == 0 class:open=move || state.list.get() == Some(f)
                on:click=open(f) aria-expanded=move || (state.list.get() == Some(f)).to_string()>
                <span class="n" data-testid=testid>{value}</span>
                <span class="label">{label}</span>
            </button>
        }
    };
    view! {
        <section class="panel audit" aria-labelledby="audit-title">
            <h2 id="audit-title">{tr!(i18n, audit_title)}</h2>
            <div class=verdict_cls>
                <span class="verdict-value" data-testid="verdict">{verdict}</span>
                <span class="verdict-explain">{explain}</span>
                {move || caveats().into_iter().map(|c| view! { <span class="verdict-caveat" data-testid="verdict-caveat">{c}</span> }).collect_view()}
            </div>
            <div class="counts">
                {move || count_button(Finding::Lost, "audit-lost", t_string!(i18n, count_lost).to_string(), |r| r.lost)}
                {move || count_button(Finding::Duplicated, "audit-duplicated", t_string!(i18n, count_duplicated).to_string(), |r| r.duplicated)}
                {move || count_button(Finding::Reordered, "audit-reordered", t_string!(i18n, count_reordered).to_string(), |r| r.reordered)}
                {move || count_button(Finding::AbortedRead, "audit-aborted-read", t_string!(i18n, count_aborted_read).to_string(), |r| r.aborted_read)}
                {move || count_button(Finding::DuplicatedInLog, "audit-duplicated-in-log", t_string!(i18n, count_duplicated_in_log).to_string(), |r| r.duplicated_in_log)}
            </div>
            // Lost, but where: still in a log (never processed) or in none (truncated).
            {move || state.run.with(|r| {
                let f = &r.out.findings;
                let (n, in_log) = (f.lost.len(), f.lost_in_log.len());
                (n > 0).then(|| view! {
                    <p class="lost-split muted small" data-testid="lost-split" data-in-log=in_log data-gone=n - in_log>
                        {if in_log == 0 {
                            t_string!(i18n, lost_split_gone, n = n).to_string()
                        } else if in_log == n {
                            t_string!(i18n, lost_split_in_log, n = n).to_string()
                        } else {
                            t_string!(i18n, lost_split, n = n, in_log = in_log, gone = n - in_log).to_string()
                        }}
                    </p>
                })
            })}
            <dl class="flow">
                <div><dt>{tr!(i18n, count_sent)}</dt><dd data-testid="audit-sent">{report(|r| r.sent)}</dd></div>
                <div><dt>{tr!(i18n, count_acked)}</dt><dd data-testid="audit-acked">{report(|r| r.acked)}</dd></div>
                <div><dt>{tr!(i18n, count_failed)}</dt><dd data-testid="audit-failed">{report(|r| r.failed)}</dd></div>
                <div><dt>{tr!(i18n, count_in_log)}</dt><dd data-testid="audit-in-log">{report(|r| r.in_log)}</dd></div>
                <div><dt>{tr!(i18n, count_consumed)}</dt><dd data-testid="audit-consumed">{report(|r| r.consumed)}</dd></div>
                <div><dt>{tr!(i18n, count_dead_lettered)}</dt><dd data-testid="audit-dead-lettered">{report(|r| r.dead_lettered)}</dd></div>
            </dl>
            <p class="so-far">
                {tr!(i18n, so_far)}" "
                <span>{tr!(i18n, count_acked)}" "<b data-testid="sofar-acked">{move || state.cluster.with(|c| c.acked)}</b></span>
                " · "
                <span>{tr!(i18n, applied)}" "<b data-testid="sofar-applied">{move || state.cluster.with(|c| c.applied)}</b></span>
            </p>
            <MessageList />
            <Story />
            <Errors />
            <p class="hash">
                {tr!(i18n, trace_hash)}" "<code data-testid="trace-hash">{move || state.run.with(|r| r.out.report.trace_hash.clone())}</code>
                " · "{tr!(i18n, latency)}" "
                <span>{move || state.run.with(|r| {
                    let rep = &r.out.report;
                    // Nothing consumed: no latency to tell (rather than a misleading 0 ms).
                    if rep.consumed == 0 { "—".to_string() } else { format!("p50 {} ms · p99 {} ms", rep.latency_ms.p50, rep.latency_ms.p99) }
                })}</span>
            </p>
        </section>
    }
}

#[component]
fn MessageList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    move || {
        let f = state.list.get()?;
        let (ids, total): (Vec<(MsgId, String)>, usize) = state.run.with(|r| {
            let set = match f {
                Finding::Lost => &r.out.findings.lost,
                Finding::Duplicated => &r.out.findings.duplicated,
                Finding::Reordered => &r.out.findings.reordered,
                Finding::AbortedRead => &r.out.findings.aborted_read,
                Finding::DuplicatedInLog => &r.out.findings.duplicated_in_log,
            };
            (set.iter().take(LIST_MAX).map(|m| (*m, r.msg_name(*m))).collect(), set.len())
        });
        let title = match f {
            Finding::Lost => t_string!(i18n, list_lost),
            Finding::Duplicated => t_string!(i18n, list_duplicated),
            Finding::Reordered => t_string!(i18n, list_reordered),
            Finding::AbortedRead => t_string!(i18n, list_aborted_read),
            Finding::DuplicatedInLog => t_string!(i18n, list_duplicated_in_log),
        };
        Some(view! {
            <div class="msg-list" data-testid="message-list">
                <h3>{title}</h3>
                {(total == 0).then(|| view! { <p class="muted">{tr!(i18n, list_empty)}</p> })}
                <ul>
                    {ids.into_iter().map(|(m, name)| view! {
                        <li><button class="msg" class:selected=move || state.selected.get() == Some(m)
                            data-testid="message" on:click=move |_| {
                                state.selected.set(Some(m));
                                // Show where its story starts: the time it was sent.
                                let t = state.run.with_untracked(|r| r.tl.story(m).first().map(|e| e.t));
                                if let Some(t) = t { state.playing.set(false); state.seek(t as f64); }
                            }>{name}</button></li>
                    }).collect_view()}
                </ul>
                {(total > LIST_MAX).then(|| view! { <p class="muted">{t!(i18n, list_more, n = total - LIST_MAX)}</p> })}
            </div>
        })
    }
}

#[component]
fn Story() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    move || {
        let m = state.selected.get()?;
        let l = i18n.get_locale();
        let (name, lines, fate) = state.run.with(|r| {
            if (m.producer as usize) >= r.out.cfg.producers.len() {
                return (String::new(), Vec::new(), String::new());
            }
            (r.msg_name(m), crate::story::story(l, r, m), crate::story::fate(l, r, m))
        });
        if name.is_empty() {
            return None;
        }
        let now = state.t.get() as u64;
        Some(view! {
            <div class="story" data-testid="story">
                <h3>{t!(i18n, story_of, msg = name.clone())}
                    <button class="link" on:click=move |_| state.selected.set(None)>{tr!(i18n, close)}</button>
                </h3>
                <ol>
                    {lines.into_iter().map(|(t, s)| {
                        let past = t <= now;
                        view! {
                            <li class:future=!past>
                                <button class="time-link" on:click=move |_| { state.playing.set(false); state.seek(t as f64) }>
                                    {crate::story::secs(l, t as f64)}
                                </button>
                                " "{s}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <p class="fate" data-testid="story-fate">"→ "{fate}</p>
            </div>
        })
    }
}

#[component]
fn Errors() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    move || {
        let (total, rows) = state.run.with(|r| {
            (r.out.report.errors_total, r.out.report.errors.iter().take(50).cloned().collect::<Vec<_>>())
        });
        (total > 0).then(|| {
            view! {
                <details class="errors">
                    <summary>{t!(i18n, errors_seen, n = total)}</summary>
                    <ul>
                        {rows.into_iter().map(|e| view! {
                            <li><code>{e.error}</code>" "{e.who}" · "{crate::story::secs(i18n.get_locale(), e.at_ms as f64)}
                                {e.message.map(|m| format!(" · {m}"))}</li>
                        }).collect_view()}
                    </ul>
                </details>
            }
        })
    }
}

//! Challenge links for teachers: in the playground, the scenario on screen plus a goal
//! (checked with the engine's `goal::holds` against the current run), the controls the
//! class may touch, the kinds of faults they may remove and a prompt become one link (`#c=1.<deflated JSON>`) that opens as a
//! lesson, with the same live goal check.

use crate::components::lessons::open;
use crate::i18n::*;
use crate::lessons::{Active, Challenge, ChallengeError, LessonState, CHALLENGE_KEY, CHALLENGE_VERSION};
use crate::settings::{self as cat, Kind, Owner};
use crate::state::AppState;
use ackademy_engine::lesson::Control;
use ackademy_engine::{goal, settings};
use leptos::prelude::*;
use leptos_use::use_clipboard;
use std::collections::BTreeSet;
use std::sync::Arc;

#[component]
pub fn ChallengePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    let i18n = use_i18n();
    let title = RwSignal::new(String::new());
    let prompt = RwSignal::new(String::new());
    let goal_src = RwSignal::new(String::new());
    let picked = RwSignal::new(BTreeSet::<(String, String)>::new());
    let removable = RwSignal::new(BTreeSet::<String>::new());
    // The kinds of the faults the scenario schedules, in order of first appearance.
    let fault_kinds = Memo::new(move |_| {
        state.scenario.with(|s| {
            let mut kinds: Vec<&'static str> = Vec::new();
            for f in &s.faults {
                if !kinds.contains(&f.kind.name()) {
                    kinds.push(f.kind.name());
                }
            }
            kinds
        })
    });

    // Every owner of the scenario on screen: (owner id, kind).
    let owners = Memo::new(move |_| state.scenario.with(|s| Owner::all(s).map(|o| (o.id(s), o.kind())).collect::<Vec<_>>()));
    let challenge = Memo::new(move |_| -> Result<Challenge, ChallengeError> {
        let scenario = state.scenario.get();
        let controls = picked
            .get()
            .into_iter()
            .filter(|(c, o)| settings::owner_of(&scenario, c, o).is_some())
            .map(|(config, owner)| Control { config, owner })
            .collect();
        let kinds = fault_kinds.get();
        let removable_faults = removable.get().into_iter().filter(|k| kinds.contains(&k.as_str())).collect();
        let c = Challenge {
            version: CHALLENGE_VERSION,
            title: title.get().trim().to_string(),
            prompt: prompt.get(),
            goal: goal_src.get(),
            controls,
            removable_faults,
            scenario,
        };
        state.run.with(|r| c.check(&r.out.report))?;
        Ok(c)
    });
    let goal_now = move || {
        let g = goal_src.get();
        if g.trim().is_empty() {
            return None;
        }
        Some(state.run.with(|r| goal::holds(&g, &r.out.report)))
    };
    let base = crate::components::share::base_url();
    let link = move || challenge.get().ok().map(|c| format!("{base}#{CHALLENGE_KEY}{}", c.encode()));
    let link2 = link.clone();
    let link3 = link.clone();
    let link4 = link.clone();
    let problem = move || match challenge.get() {
        Ok(_) => None,
        Err(ChallengeError::Field("prompt", _)) => Some(t_string!(i18n, ch_need_prompt).to_string()),
        Err(ChallengeError::Field("goal", _)) if goal_src.with(|g| g.trim().is_empty()) => Some(t_string!(i18n, ch_need_goal).to_string()),
        Err(ChallengeError::Field("goal", m)) => Some(format!("{}: {m}", t_string!(i18n, ch_goal_error))),
        Err(e) => Some(e.to_string()),
    };
    let clip = use_clipboard();
    let copied = clip.copied;
    let copy = clip.copy.clone();
    let try_it = move |_| {
        if let Ok(c) = challenge.get_untracked() {
            let v = c.encode();
            open(state, ls, Active::Challenge(Arc::new(c), v));
        }
    };
    let kind_label = move |k: Kind| -> &'static str {
        match k {
            Kind::Cluster => t_string!(i18n, owner_cluster),
            Kind::Topic => t_string!(i18n, topic),
            Kind::Producer => t_string!(i18n, producer),
            Kind::Consumer => t_string!(i18n, consumer),
            Kind::Processor => t_string!(i18n, processor),
        }
    };
    view! {
        <section class="panel challenge" aria-labelledby="challenge-title" data-testid="challenge-panel">
            <details>
                <summary><h2 id="challenge-title">{tr!(i18n, ch_title)}</h2></summary>
                <p class="muted small">{tr!(i18n, ch_intro)}</p>
                <label class="field">
                    <span>{tr!(i18n, ch_name)}</span>
                    <input type="text" data-testid="challenge-title-input" maxlength="200" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{tr!(i18n, ch_prompt)}</span>
                    <textarea data-testid="challenge-prompt-input" rows="3" maxlength="4000" prop:value=move || prompt.get()
                        placeholder=tr!(i18n, ch_prompt_placeholder)
                        on:input=move |ev| prompt.set(event_target_value(&ev))></textarea>
                </label>
                <label class="field">
                    <span>{tr!(i18n, ch_goal)}</span>
                    <input type="text" data-testid="challenge-goal-input" spellcheck="false" autocomplete="off" placeholder="lost == 0 && duplicated == 0"
                        prop:value=move || goal_src.get() on:input=move |ev| goal_src.set(event_target_value(&ev)) />
                </label>
                <p class="muted small">{tr!(i18n, ch_goal_help)}</p>
                {move || match goal_now() {
                    None => None,
                    Some(Err(e)) => Some(view! { <p class="setting-error" role="alert" data-testid="challenge-goal-error">{tr!(i18n, ch_goal_error)}": "{e}</p> }.into_any()),
                    Some(Ok(true)) => Some(view! { <p class="warn-note" data-testid="challenge-goal-now" data-holds="true">{tr!(i18n, ch_goal_holds_now)}</p> }.into_any()),
                    Some(Ok(false)) => Some(view! { <p class="ok-note" data-testid="challenge-goal-now" data-holds="false">{tr!(i18n, ch_goal_fails_now)}</p> }.into_any()),
                }}
                <h3>{tr!(i18n, ch_controls)}</h3>
                <p class="muted small">{tr!(i18n, ch_controls_help)}</p>
                {move || owners.get().into_iter().map(|(owner, kind)| {
                    let legend = format!("{} {}", kind_label(kind), if kind == Kind::Cluster { "" } else { owner.as_str() });
                    view! {
                        <details class="pick-owner">
                            <summary>{legend.trim().to_string()}
                                {let o = owner.clone(); move || { let n = picked.with(|p| p.iter().filter(|(_, po)| *po == o).count()); (n > 0).then(|| format!(" · {n}")) }}
                            </summary>
                            <div class="pick-grid">
                                {cat::of(kind).map(|st| {
                                    let name = st.name;
                                    let key = (name.to_string(), owner.clone());
                                    let k2 = key.clone();
                                    view! {
                                        <label>
                                            <input type="checkbox" data-testid="challenge-control" data-control=format!("{name}@{owner}")
                                                prop:checked=move || picked.with(|p| p.contains(&key))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    picked.update(|p| { if on { p.insert(k2.clone()); } else { p.remove(&k2); } });
                                                } />
                                            <code>{name}</code>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        </details>
                    }
                }).collect_view()}
                <h3>{tr!(i18n, ch_removable)}</h3>
                {move || {
                    let kinds = fault_kinds.get();
                    if kinds.is_empty() {
                        return view! { <p class="muted small">{tr!(i18n, ch_no_faults)}</p> }.into_any();
                    }
                    view! {
                        <p class="muted small">{tr!(i18n, ch_removable_help)}</p>
                        <div class="pick-grid">
                            {kinds.into_iter().map(|kind| view! {
                                <label>
                                    <input type="checkbox" data-testid="challenge-removable" data-kind=kind
                                        prop:checked=move || removable.with(|r| r.contains(kind))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            removable.update(|r| { if on { r.insert(kind.to_string()); } else { r.remove(kind); } });
                                        } />
                                    <code>{kind}</code>
                                </label>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }}
                <h3>{tr!(i18n, ch_link)}</h3>
                {move || problem().map(|p| view! { <p class="muted small" data-testid="challenge-problem">{p}</p> })}
                <div class="share-row">
                    <input type="text" readonly data-testid="challenge-link" aria-label=tr!(i18n, ch_link)
                        prop:value=move || link().unwrap_or_default() disabled=move || link2().is_none() />
                    <button class="primary" data-testid="challenge-copy" disabled=move || link3().is_none()
                        on:click=move |_| { if let Some(l) = link4() { copy(&l) } }>
                        {move || if copied.get() { t_string!(i18n, copied) } else { t_string!(i18n, copy_link) }}
                    </button>
                </div>
                <div class="share-actions">
                    <button data-testid="challenge-try" disabled=move || challenge.with(|c| c.is_err()) on:click=try_it>{tr!(i18n, ch_try)}</button>
                </div>
            </details>
        </section>
    }
}

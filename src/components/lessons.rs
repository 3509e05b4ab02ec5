//! The lessons view: the lesson list (the curriculum, with what is done), the open lesson
//! or challenge (story, task, the live goal check, the controls it allows, hints that
//! unfold one by one, the solution, why it works and where that is documented), the
//! celebration, the way from one lesson to the next, and the switch between the lessons
//! and the free playground in the header.

use crate::i18n::*;
use crate::lessons::{self, Active, LessonState, Mode};
use crate::settings::{self as cat, Control as Widget};
use crate::state::AppState;
use ackademy_engine::lesson::Step;
use ackademy_engine::{goal, settings};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use std::sync::Arc;

/// Opens a lesson or challenge: its starting scenario replaces the one on screen (the
/// playground's work is kept to come back to), showing the first thing that goes wrong.
pub fn open(state: AppState, ls: LessonState, active: Active) {
    if ls.mode.get_untracked() == Mode::Sandbox {
        ls.sandbox.set(Some(state.draft.get_untracked()));
    }
    state.playing.set(false);
    if state.load(active.scenario()).is_err() {
        return;
    }
    state.faults_locked.set(true);
    ls.hints.set(0);
    ls.solution_shown.set(false);
    ls.celebrate.set(0);
    ls.active.set(Some(active));
    ls.mode.set(Mode::Lesson);
    state.next_anomaly();
    scroll_to_top();
}

/// Back to the playground with its own work (or, `keep`, with the lesson's scenario to
/// explore freely).
pub fn leave(state: AppState, ls: LessonState, keep: bool) {
    state.faults_locked.set(false);
    ls.mode.set(Mode::Sandbox);
    if !keep {
        let s = ls.sandbox.get_untracked().unwrap_or_else(crate::defaults::scenario);
        if state.load(s).is_err() {
            let _ = state.load(crate::defaults::scenario());
        }
    }
    ls.sandbox.set(None);
}

/// The first lesson not done yet (or the first).
fn next_to_learn(ls: LessonState) -> usize {
    ls.done.with_untracked(|d| lessons::all().iter().position(|l| !d.contains(&l.id)).unwrap_or(0))
}

fn scroll_to_top() {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

fn scroll_to_list() {
    #[cfg(target_arch = "wasm32")]
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("lessons")) {
        el.scroll_into_view();
    }
}

/// The caption over the cluster in a lesson: "7. The lost ack", or the challenge's title.
pub fn caption(ls: LessonState, i18n: I18nContext<Locale>) -> Option<String> {
    if ls.mode.get() != Mode::Lesson {
        return None;
    }
    ls.active.with(|a| match a.as_ref()? {
        Active::Lesson(i) => lessons::all().get(*i).map(|l| format!("{}. {}", l.order, l.title.get(loc(i18n)))),
        Active::Challenge(c, _) if !c.title.trim().is_empty() => Some(c.title.clone()),
        Active::Challenge(..) => Some(t_string!(i18n, ls_challenge).to_string()),
    })
}

fn loc(i18n: I18nContext<Locale>) -> &'static str {
    i18n.get_locale().as_str()
}

/// The header's switch between the free playground and the lessons.
#[component]
pub fn ModeTabs() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    let lesson_mode = move || ls.mode.get() == Mode::Lesson;
    let to_lessons = move |_| {
        if ls.mode.get_untracked() == Mode::Lesson {
            return;
        }
        let a = ls.active.get_untracked().unwrap_or_else(|| Active::Lesson(next_to_learn(ls)));
        open(state, ls, a);
    };
    let progress = move || {
        let (done, total) = ls.done.with(lessons::progress);
        format!("{done}/{total}")
    };
    view! {
        <nav class="mode-tabs" aria-label=move || t_string!(i18n, ls_mode_label)>
            <button data-testid="mode-playground" class:active=move || !lesson_mode() aria-pressed=move || (!lesson_mode()).to_string()
                on:click=move |_| { if lesson_mode() { leave(state, ls, false) } }>
                {t!(i18n, ls_tab_playground)}
            </button>
            <button data-testid="mode-lessons" class:active=lesson_mode aria-pressed=move || lesson_mode().to_string() on:click=to_lessons>
                {t!(i18n, ls_tab_lessons)}
                <span class="badge" data-testid="lessons-progress">{progress}</span>
            </button>
        </nav>
    }
}

/// The curriculum: every lesson in order, its title in the current language and whether
/// it is done. Shown in both modes (under the cluster), so lessons stay a reference.
#[component]
pub fn LessonList() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    let done_count = move || ls.done.with(|d| lessons::all().iter().filter(|l| d.contains(&l.id)).count());
    view! {
        <section class="panel lesson-list" id="lessons" aria-labelledby="lessons-title" data-testid="lesson-list">
            <div class="lesson-list-head">
                <h2 id="lessons-title">{t!(i18n, ls_list_title)}</h2>
                <span class="muted small">{move || t_string!(i18n, ls_done_of, done = done_count(), total = lessons::all().len())}</span>
            </div>
            <p class="muted small">{t!(i18n, ls_list_intro)}</p>
            <ol class="lesson-grid">
                {lessons::all().iter().enumerate().map(|(i, l)| {
                    let id = l.id.clone();
                    let id2 = l.id.clone();
                    let done = move || ls.done.with(|d| d.contains(&id));
                    let current = move || ls.mode.get() == Mode::Lesson && ls.active.with(|a| a.as_ref() == Some(&Active::Lesson(i)));
                    let done1 = done.clone();
                    let done2 = done.clone();
                    let done3 = done.clone();
                    view! {
                        <li>
                            <a href=format!("#{}{}", lessons::LESSON_KEY, l.id) data-testid="lesson" data-lesson-id=id2
                                data-done=move || done1().to_string()
                                class="lesson-entry" class:done=done2 class:current=current
                                aria-current=move || current().then_some("step")
                                on:click=move |ev| { ev.prevent_default(); open(state, ls, Active::Lesson(i)); }>
                                <span class="lesson-num" aria-hidden="true">{l.order}</span>
                                <span class="lesson-name">{move || l.title.get(loc(i18n)).to_string()}</span>
                                <span class="lesson-check" aria-hidden="true">{move || if done3() { "✓" } else { "" }}</span>
                                <span class="sr-only">{move || if done() { t_string!(i18n, ls_done) } else { t_string!(i18n, ls_not_done) }}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The open lesson or challenge.
#[component]
pub fn LessonPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();

    // The goal, re-evaluated on every new run; a draft Kafka refuses meets nothing.
    let eval = Memo::new(move |_| {
        let g = ls.active.with(|a| a.as_ref().map(Active::goal))?;
        Some(state.run.with(|r| goal::holds(&g, &r.out.report)))
    });
    let met = Memo::new(move |_| matches!(eval.get(), Some(Ok(true))) && state.edit_error.with(Option::is_none));

    // Success is saved (and celebrated when a change brought it).
    Effect::new(move |prev: Option<(bool, Option<Active>)>| {
        let m = met.get();
        let a = ls.active.get();
        if m {
            if let Some(l) = a.as_ref().and_then(Active::lesson) {
                if !ls.done.with_untracked(|d| d.contains(&l.id)) {
                    ls.done.update(|d| {
                        d.insert(l.id.clone());
                    });
                }
            }
            if let Some((false, pa)) = &prev {
                if *pa == a {
                    ls.celebrate.update(|c| *c += 1);
                }
            }
        }
        (m, a)
    });

    move || {
        let a = ls.active.get()?;
        Some(view! { <LessonCard active=a met=met eval=eval /> })
    }
}

#[component]
fn LessonCard(active: Active, met: Memo<bool>, eval: Memo<Option<Result<bool, String>>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    let lesson = active.lesson();
    let index = match &active {
        Active::Lesson(i) => Some(*i),
        Active::Challenge(..) => None,
    };
    let total = lessons::all().len();

    let head = match (&active, lesson) {
        (_, Some(l)) => {
            let id = l.id.clone();
            let done = move || ls.done.with(|d| d.contains(&id));
            view! {
                <p class="lesson-kicker">
                    <span>{move || t_string!(i18n, ls_lesson_n_of, n = l.order, total = total)}</span>
                    {move || done().then(|| view! { <span class="done-tag">"✓ "{t!(i18n, ls_done)}</span> })}
                </p>
                <h2 id="lesson-title" data-testid="lesson-title">{move || l.title.get(loc(i18n)).to_string()}</h2>
                <p class="lesson-story" data-testid="lesson-story">{move || l.story.get(loc(i18n)).to_string()}</p>
                <div class="lesson-task">
                    <h3>{t!(i18n, ls_task)}</h3>
                    <p data-testid="lesson-task">{move || l.task.get(loc(i18n)).to_string()}</p>
                </div>
            }
            .into_any()
        }
        (Active::Challenge(c, _), None) => {
            let title = c.title.clone();
            let prompt = c.prompt.clone();
            view! {
                <p class="lesson-kicker"><span>{t!(i18n, ls_challenge_kicker)}</span></p>
                <h2 id="lesson-title" data-testid="lesson-title">{move || if title.trim().is_empty() { t_string!(i18n, ls_challenge).to_string() } else { title.clone() }}</h2>
                <div class="lesson-task">
                    <h3>{t!(i18n, ls_task)}</h3>
                    <p class="challenge-prompt" data-testid="challenge-prompt">{prompt}</p>
                </div>
            }
            .into_any()
        }
        _ => ().into_any(),
    };

    let goal_text = active.goal();
    let controls = active.controls();
    let removable = active.removable_faults();
    let fixed_skip = controls.clone();

    view! {
        <section class="panel lesson" aria-labelledby="lesson-title" data-testid="lesson-panel">
            {head}
            <GoalBox goal=goal_text met=met eval=eval />
            <Celebration met=met index=index />
            <div class="lesson-controls">
                <h3>{t!(i18n, ls_controls)}</h3>
                {if controls.is_empty() {
                    view! { <p class="muted small">{t!(i18n, ls_no_controls)}</p> }.into_any()
                } else {
                    view! {
                        <div class="setting-grid">
                            {controls.into_iter().map(|c| view! { <LessonControl config=c.config owner=c.owner /> }).collect_view()}
                        </div>
                    }.into_any()
                }}
                <LessonError />
            </div>
            <LessonFaults removable=removable />
            <details class="fixed-settings">
                <summary>{t!(i18n, ls_fixed)}</summary>
                <p class="muted small">{t!(i18n, ls_fixed_intro)}</p>
                {move || {
                    let list = state.draft.with(|s| lessons::fixed_settings(s, &fixed_skip));
                    view! {
                        <dl class="fixed-list">
                            {list.into_iter().map(|(owner, props)| view! {
                                <div>
                                    <dt>{owner}</dt>
                                    <dd>{props.into_iter().map(|(k, v)| view! { <code>{k}"="{v}</code>" " }).collect_view()}</dd>
                                </div>
                            }).collect_view()}
                        </dl>
                    }
                }}
            </details>
            {lesson.map(|l| view! {
                <Hints lesson=l />
                <Solution lesson=l />
                <Why lesson=l met=met />
            })}
            <LessonNav index=index met=met />
        </section>
    }
}

/// The goal, clause by clause, and the live check (`goal-status`).
#[component]
fn GoalBox(goal: String, met: Memo<bool>, eval: Memo<Option<Result<bool, String>>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let clauses = lessons::clauses(&goal);
    let several = clauses.len() > 1;
    view! {
        <div class="goal" class:met=move || met.get()>
            <h3>{t!(i18n, ls_goal)}</h3>
            <ul class="goal-clauses">
                {clauses.into_iter().map(|c| {
                    let c2 = c.clone();
                    let ok = move || state.run.with(|r| goal::holds(&c2, &r.out.report) == Ok(true)) && state.edit_error.with(Option::is_none);
                    let ok2 = ok.clone();
                    view! {
                        <li class:ok=ok>
                            {several.then(|| view! { <span class="tick" aria-hidden="true">{move || if ok2() { "✓" } else { "✗" }}</span> })}
                            <code>{c}</code>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="goal-status" data-testid="goal-status" data-met=move || met.get().to_string() role="status" aria-live="polite">
                <span class="goal-icon" aria-hidden="true">{move || if met.get() { "✓" } else { "○" }}</span>
                <span class="goal-text">
                    <strong>{move || if met.get() { t_string!(i18n, ls_goal_met) } else { t_string!(i18n, ls_goal_not_met) }}</strong>
                    " "
                    <span class="goal-sub">{move || {
                        if state.edit_error.with(Option::is_some) {
                            t_string!(i18n, ls_goal_refused).to_string()
                        } else if let Some(Err(e)) = eval.get() {
                            format!("{}: {e}", t_string!(i18n, ls_goal_invalid))
                        } else if met.get() {
                            t_string!(i18n, ls_goal_met_sub).to_string()
                        } else {
                            t_string!(i18n, ls_goal_not_met_sub).to_string()
                        }
                    }}</span>
                </span>
            </div>
        </div>
    }
}

/// A visible, quiet celebration when a change meets the goal (no motion when the system
/// asks for less).
#[component]
fn Celebration(met: Memo<bool>, index: Option<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    let total = lessons::all().len();
    let show = move || met.get() && ls.celebrate.get() > 0;
    // The toast goes away by itself; the goal check and the list keep saying it is done.
    Effect::new(move |_| {
        let n = ls.celebrate.get();
        if n > 0 {
            set_timeout(
                move || {
                    if ls.celebrate.get_untracked() == n {
                        ls.celebrate.set(0);
                    }
                },
                std::time::Duration::from_secs(9),
            );
        }
    });
    let done_count = move || ls.done.with(|d| lessons::all().iter().filter(|l| d.contains(&l.id)).count());
    view! {
        <Show when=show>
            <div class="celebrate" role="status" data-testid="lesson-complete">
                <button class="celebrate-close" data-testid="celebrate-close" on:click=move |_| ls.celebrate.set(0)
                    aria-label=move || t_string!(i18n, close)>"✕"</button>
                <div class="confetti" aria-hidden="true">
                    {(0..14).map(|i| view! { <span style=format!("--i:{i}")></span> }).collect_view()}
                </div>
                <p class="celebrate-title">
                    <svg class="celebrate-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 2.5l2.9 5.9 6.5.9-4.7 4.6 1.1 6.5L12 17.3l-5.8 3.1 1.1-6.5-4.7-4.6 6.5-.9z"></path>
                    </svg>
                    {move || if index.is_some() { t_string!(i18n, ls_complete) } else { t_string!(i18n, ls_challenge_complete) }}
                </p>
                {index.map(|i| view! {
                    <p class="small">{move || t_string!(i18n, ls_saved, done = done_count(), total = total)}</p>
                    {(i + 1 < total).then(|| view! {
                        <button class="primary" data-testid="celebrate-next" on:click=move |_| open(state, ls, Active::Lesson(i + 1))>
                            {t!(i18n, ls_next)}" →"
                        </button>
                    })}
                })}
            </div>
        </Show>
    }
}

/// Finds the `&'static` name of a setting the playground knows.
fn static_name(config: &str) -> Option<&'static str> {
    [cat::CLUSTER, cat::TOPIC, cat::PRODUCER, cat::CONSUMER, cat::PROCESSOR]
        .into_iter()
        .flat_map(|l| l.iter())
        .map(|st| st.prop)
        .find(|n| *n == config)
}

/// A property name that may wrap after its dots, never inside a word.
fn breakable(prop: &'static str) -> impl IntoView {
    let parts: Vec<&'static str> = prop.split_inclusive('.').collect();
    parts.into_iter().map(|p| view! { {p}<wbr /> }).collect_view()
}

/// One control the lesson allows, with the playground's hooks (`data-config`, `data-owner`).
#[component]
fn LessonControl(config: String, owner: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let (Some(prop), Some(spec)) = (static_name(&config), state.draft.with_untracked(|s| lessons::spec(s, &config, &owner))) else {
        return ().into_any();
    };
    let owner: Arc<str> = owner.into();
    let dom_id = format!("lesson-{}-{}", owner.replace(|c: char| !c.is_ascii_alphanumeric(), "_"), prop.replace('.', "-"));
    let o1 = owner.clone();
    let explicit = move || state.draft.with(|s| settings::get(s, prop, &o1));
    let effective = move || state.run.with(|r| cat::effective(&r.out.cfg, spec.owner, prop));
    let ex1 = explicit.clone();
    let shown = move || ex1().or_else(effective).unwrap_or_default();
    let o2 = owner.clone();
    let error = move || {
        let engine = state.edit_error.get().and_then(|e| {
            let target = state.draft.with(|s| cat::error_target(s, &e.path));
            (target.as_ref().map(|(o, p)| (o.as_str(), p.as_str())) == Some((&*o2, prop))).then(|| e.message.clone())
        });
        let typed = state.input_error.get().and_then(|(o, p, m)| (*o == *o2 && p == prop).then_some(m));
        engine.or(typed)
    };
    let o3 = owner.clone();
    let set = move |v: Option<String>| {
        let mut problem = None;
        state.edit(|s| {
            if let Err(e) = settings::set(s, prop, &o3, v.as_deref().unwrap_or("")) {
                problem = Some(e);
            }
        });
        state.input_error.set(problem.map(|m| (o3.to_string(), prop.to_string(), m)));
    };
    let oid = owner.to_string();
    let set1 = set.clone();
    let control = match spec.widget {
        Widget::Select(options) => view! {
            <select id=dom_id.clone() data-config=prop data-owner=oid.clone() prop:value=shown
                on:change=move |ev| set1(Some(event_target_value(&ev)))>
                {options.iter().map(|o| view! { <option value=*o>{*o}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        Widget::Bool => view! {
            <input type="checkbox" id=dom_id.clone() data-config=prop data-owner=oid.clone()
                prop:checked=move || shown() == "true"
                on:change=move |ev| set1(Some(event_target_checked(&ev).to_string())) />
        }
        .into_any(),
        Widget::Number => {
            let set2 = set1.clone();
            view! {
                <input type="number" inputmode="numeric" min="0" id=dom_id.clone() data-config=prop data-owner=oid.clone()
                    prop:value=shown placeholder=spec.default
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        if !v.trim().is_empty() { set1(Some(v)) }
                    }
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if v.trim().is_empty() { set2(None) }
                    } />
            }
            .into_any()
        }
        Widget::Text => {
            let ex2 = explicit.clone();
            view! {
                <input type="text" id=dom_id.clone() data-config=prop data-owner=oid.clone()
                    prop:value=move || ex2().unwrap_or_default() placeholder=spec.default spellcheck="false" autocomplete="off"
                    on:input=move |ev| set1(Some(event_target_value(&ev))) />
            }
            .into_any()
        }
    };
    let ex3 = explicit.clone();
    let is_set = move || ex3().is_some();
    let is_set2 = is_set.clone();
    let err2 = error.clone();
    view! {
        <div class="setting" class:invalid=move || err2().is_some() class:explicit=is_set>
            <label for=dom_id.clone()><code>{breakable(prop)}</code>" "<span class="owner-tag">{oid.clone()}</span></label>
            <div class="control-row">
                {control}
                <button class="unset" title=move || t_string!(i18n, use_default) aria-label=move || format!("{}: {prop}", t_string!(i18n, use_default))
                    on:click=move |_| set(None) disabled=move || !is_set2()>"↺"</button>
            </div>
            <p class="help">
                {move || crate::components::settings::help(i18n, prop)}
                " "
                <span class="default">{t!(i18n, default_is, value = spec.default)}</span>
            </p>
            {move || error().map(|m| view! {
                <p class="setting-error" role="alert" data-testid="setting-error">
                    <span class="kafka">"Kafka: "</span>{m}
                </p>
            })}
        </div>
    }
    .into_any()
}

/// An engine error about no allowed control (e.g. a combination the lesson's fixed
/// settings refuse).
#[component]
fn LessonError() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    move || {
        let e = state.edit_error.get()?;
        let target = state.draft.with(|s| cat::error_target(s, &e.path));
        let controls = ls.active.with(|a| a.as_ref().map(Active::controls).unwrap_or_default());
        if target.as_ref().is_some_and(|(o, p)| controls.iter().any(|c| &c.owner == o && &c.config == p)) {
            return None;
        }
        Some(view! {
            <div class="config-error general" role="alert" data-testid="config-error">
                <strong>{t!(i18n, kafka_refuses)}</strong>" "
                <span data-testid="config-error-message">{e.to_string()}</span>
                " "<span class="muted">{t!(i18n, last_valid_run_kept)}</span>
            </div>
        })
    }
}

/// The faults of the story: fixed, except those the lesson lets the learner remove.
#[component]
fn LessonFaults(removable: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let removable = Arc::new(removable);
    move || {
        let faults = state.draft.with(|s| s.faults.clone());
        let l = i18n.get_locale();
        let removable = removable.clone();
        view! {
            <div class="lesson-faults">
                <h3>{t!(i18n, ls_faults)}</h3>
                {if faults.is_empty() {
                    view! { <p class="muted small">{t!(i18n, ls_faults_none)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="fault-list">
                            {faults.into_iter().enumerate().map(|(i, f)| {
                                let at = f.at_ms;
                                let kind = f.kind.name();
                                let can_remove = removable.iter().any(|k| k == kind);
                                view! {
                                    <li data-testid="lesson-fault" data-kind=kind>
                                        <button class="time-link" on:click=move |_| { state.playing.set(false); state.seek(at as f64) }>
                                            {crate::story::secs(l, at as f64)}
                                        </button>
                                        <span class="fault-kind"><code>{kind}</code></span>
                                        <span class="fault-args">{crate::components::faults::describe(&f.kind)}</span>
                                        {can_remove.then(|| view! {
                                            <button class="remove" data-testid="lesson-fault-remove" data-kind=kind
                                                on:click=move |_| { state.edit(|s| { if i < s.faults.len() { s.faults.remove(i); } }); }
                                                aria-label=move || format!("{} {}", t_string!(i18n, remove), kind)>"✕"</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                <p class="muted small">{t!(i18n, ls_faults_fixed)}</p>
            </div>
        }
    }
}

#[component]
fn Hints(lesson: &'static ackademy_engine::lesson::Lesson) -> impl IntoView {
    let i18n = use_i18n();
    let ls = expect_context::<LessonState>();
    let total = lesson.hints.len();
    view! {
        <div class="hints">
            <h3>{t!(i18n, ls_hints)}</h3>
            <ol>
                {move || lesson.hints.iter().take(ls.hints.get()).map(|h| view! {
                    <li data-testid="hint">{move || h.get(loc(i18n)).to_string()}</li>
                }).collect_view()}
            </ol>
            <button data-testid="next-hint" disabled=move || { ls.hints.get() >= total }
                on:click=move |_| ls.hints.update(|n| *n = (*n + 1).min(total))>
                {move || {
                    let n = ls.hints.get();
                    if n >= total {
                        t_string!(i18n, ls_hints_all).to_string()
                    } else if n == 0 {
                        t_string!(i18n, ls_hint_first, total = total).to_string()
                    } else {
                        t_string!(i18n, ls_hint_next, n = n + 1, total = total).to_string()
                    }
                }}
            </button>
        </div>
    }
}

fn describe_step(i18n: I18nContext<Locale>, step: &Step) -> String {
    match step {
        Step::Set { config, owner, value } if value.is_empty() => t_string!(i18n, ls_step_default, config = config, owner = owner).to_string(),
        Step::Set { config, owner, value } => t_string!(i18n, ls_step_set, config = config, owner = owner, value = value).to_string(),
        Step::RemoveFault { remove_fault } => t_string!(i18n, ls_step_remove, kind = remove_fault).to_string(),
        Step::AddFault { add_fault } => t_string!(i18n, ls_step_add, kind = add_fault.kind.name(), at = add_fault.at_ms).to_string(),
    }
}

/// "Show the solution": the steps, applied to the lesson's starting scenario.
#[component]
fn Solution(lesson: &'static ackademy_engine::lesson::Lesson) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    let error = RwSignal::new(None::<String>);
    let apply = move |_| {
        let mut s = lesson.scenario.clone();
        match ackademy_engine::lesson::apply(&mut s, &lesson.solution) {
            Ok(()) => {
                state.input_error.set(None);
                let t = state.t.get_untracked();
                match state.load(s) {
                    Ok(()) => {
                        state.seek(t);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            }
            Err(e) => error.set(Some(e)),
        }
        ls.solution_shown.set(true);
    };
    view! {
        <div class="solution">
            <button data-testid="show-solution" on:click=apply>
                {move || if ls.solution_shown.get() { t_string!(i18n, ls_solution_again) } else { t_string!(i18n, ls_solution_show) }}
            </button>
            <Show when=move || ls.solution_shown.get()>
                <ol class="solution-steps" data-testid="solution-steps">
                    {move || lesson.solution.iter().map(|s| view! { <li><code>{describe_step(i18n, s)}</code></li> }).collect_view()}
                </ol>
            </Show>
            {move || error.get().map(|e| view! { <p class="setting-error" role="alert">{e}</p> })}
        </div>
    }
}

/// "Why it works", with the documents it comes from: after success, and for every lesson
/// done before (lessons stay a reference).
#[component]
fn Why(lesson: &'static ackademy_engine::lesson::Lesson, met: Memo<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let ls = expect_context::<LessonState>();
    let visible = move || met.get() || ls.done.with(|d| d.contains(&lesson.id));
    view! {
        <div class="why">
            <h3>{t!(i18n, ls_why)}</h3>
            <Show when=visible fallback=move || view! { <p class="muted small" data-testid="why-locked">{t!(i18n, ls_why_locked)}</p> }>
                <p data-testid="lesson-why">{move || lesson.why.get(loc(i18n)).to_string()}</p>
                <h4>{t!(i18n, ls_sources)}</h4>
                <ul class="sources" data-testid="lesson-sources">
                    {lesson.sources.iter().map(|u| view! {
                        <li><a href=u.clone() target="_blank" rel="noopener noreferrer">{lessons::source_label(u)}</a></li>
                    }).collect_view()}
                </ul>
            </Show>
        </div>
    }
}

/// Previous / next lesson, and the way back to the playground.
#[component]
fn LessonNav(index: Option<usize>, met: Memo<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let ls = expect_context::<LessonState>();
    let total = lessons::all().len();
    let nav = index.map(|i| {
        view! {
            <div class="lesson-nav-row">
                <button data-testid="prev-lesson" disabled={i == 0} on:click=move |_| { if i > 0 { open(state, ls, Active::Lesson(i - 1)) } }>
                    "← "{t!(i18n, ls_prev)}
                </button>
                <span class="muted small">{i + 1}" / "{total}</span>
                <button data-testid="next-lesson" class:primary=move || met.get() disabled={i + 1 >= total}
                    on:click=move |_| { if i + 1 < total { open(state, ls, Active::Lesson(i + 1)) } }>
                    {t!(i18n, ls_next)}" →"
                </button>
            </div>
        }
    });
    view! {
        <nav class="lesson-nav" aria-label=move || t_string!(i18n, ls_nav_label)>
            {nav}
            <div class="lesson-nav-row secondary">
                <button class="link small" data-testid="all-lessons" on:click=move |_| scroll_to_list()>{t!(i18n, ls_all_lessons)}</button>
                <button class="link small" data-testid="explore" on:click=move |_| leave(state, ls, true)>{t!(i18n, ls_explore)}</button>
            </div>
        </nav>
    }
}

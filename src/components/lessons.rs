//! The lessons view: the lesson list (the curriculum, with what is done), the open lesson
//! or challenge (story, task, the live goal check, the controls it allows, hints that
//! unfold one by one, the solution, why it works and where that is documented), the
//! celebration, the way from one lesson to the next, and the switch between the lessons
//! and the free playground in the header.

use crate::i18n::*;
use crate::lessons::{self, Active, LessonState, Mode};
use crate::components::settings::SettingControl;
use crate::settings as cat;
use crate::state::AppState;
use ackademy_engine::lesson::Step;
use ackademy_engine::scenario::Fault;
use ackademy_engine::goal;
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
        <nav class="mode-tabs" aria-label=tr!(i18n, ls_mode_label)>
            <button data-testid="mode-playground" class:active=move || !lesson_mode() aria-pressed=move || (!lesson_mode()).to_string()
                on:click=move |_| { if lesson_mode() { leave(state, ls, false) } }>
                {tr!(i18n, ls_tab_playground)}
            </button>
            <button data-testid="mode-lessons" class:active=lesson_mode aria-pressed=move || lesson_mode().to_string() on:click=to_lessons>
                {tr!(i18n, ls_tab_lessons)}
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
                <h2 id="lessons-title">{tr!(i18n, ls_list_title)}</h2>
                <span class="muted small">{move || t_string!(i18n, ls_done_of, done = done_count(), total = lessons::all().len())}</span>
            </div>
            <p class="muted small">{tr!(i18n, ls_list_intro)}</p>
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
            // A lesson by its id, a challenge by its content (see `Challenge::done_key`).
            if let Some(key) = a.as_ref().map(Active::done_key).filter(|k| !k.is_empty()) {
                if !ls.done.with_untracked(|d| d.contains(&key)) {
                    ls.done.update(|d| {
                        d.insert(key);
                    });
                }
            }
            if let Some((false, pa)) = &prev {
                if *pa == a {
                    ls.celebrate();
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
    let done_key = active.done_key();
    let done = move || ls.done.with(|d| d.contains(&done_key));
    let done1 = done.clone();

    let head = match (&active, lesson) {
        (_, Some(l)) => {
            let done = done.clone();
            view! {
                <p class="lesson-kicker">
                    <span>{move || t_string!(i18n, ls_lesson_n_of, n = l.order, total = total)}</span>
                    {move || done().then(|| view! { <span class="done-tag">"✓ "{tr!(i18n, ls_done)}</span> })}
                </p>
                <h2 id="lesson-title" data-testid="lesson-title">{move || l.title.get(loc(i18n)).to_string()}</h2>
                <p class="lesson-story" data-testid="lesson-story">{move || l.story.get(loc(i18n)).to_string()}</p>
                <div class="lesson-task">
                    <h3>{tr!(i18n, ls_task)}</h3>
                    <p data-testid="lesson-task">{move || l.task.get(loc(i18n)).to_string()}</p>
                </div>
            }
            .into_any()
        }
        (Active::Challenge(c, _), None) => {
            let title = c.title.clone();
            let prompt = c.prompt.clone();
            view! {
                <p class="lesson-kicker">
                    <span>{tr!(i18n, ls_challenge_kicker)}</span>
                    {move || done().then(|| view! { <span class="done-tag" data-testid="challenge-done">"✓ "{tr!(i18n, ls_challenge_done)}</span> })}
                </p>
                <h2 id="lesson-title" data-testid="lesson-title">{move || if title.trim().is_empty() { t_string!(i18n, ls_challenge).to_string() } else { title.clone() }}</h2>
                <div class="lesson-task">
                    <h3>{tr!(i18n, ls_task)}</h3>
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
    let story_faults = active.spec().map(|s| s.scenario.faults.clone()).unwrap_or_default();
    let fixed_skip = controls.clone();

    view! {
        <section class="panel lesson" aria-labelledby="lesson-title" data-testid="lesson-panel" data-done=move || done1().to_string()>
            {head}
            <GoalBox goal=goal_text met=met eval=eval />
            <Celebration met=met index=index />
            <div class="lesson-controls">
                <h3>{tr!(i18n, ls_controls)}</h3>
                {if controls.is_empty() {
                    view! { <p class="muted small">{tr!(i18n, ls_no_controls)}</p> }.into_any()
                } else {
                    view! {
                        <div class="setting-grid">
                            {controls.into_iter().map(|c| view! { <LessonControl config=c.config owner=c.owner /> }).collect_view()}
                        </div>
                    }.into_any()
                }}
                <LessonError />
            </div>
            <LessonFaults original=story_faults removable=removable />
            <details class="fixed-settings">
                <summary>{tr!(i18n, ls_fixed)}</summary>
                <p class="muted small">{tr!(i18n, ls_fixed_intro)}</p>
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
            <h3>{tr!(i18n, ls_goal)}</h3>
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
    // The toast goes away by itself (only the toast that set the timer: a quick learner may
    // be celebrated again, in the next lesson, before it fires); the goal check and the
    // list keep saying it is done.
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
                    aria-label=tr!(i18n, close)>"✕"</button>
                <div class="confetti" aria-hidden="true">
                    {(0..14).map(|i| view! { <span style=format!("--i:{i}")></span> }).collect_view()}
                </div>
                <p class="celebrate-title">
                    <svg class="celebrate-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M12 2.5l2.9 5.9 6.5.9-4.7 4.6 1.1 6.5L12 17.3l-5.8 3.1 1.1-6.5-4.7-4.6 6.5-.9z"></path>
                    </svg>
                    {move || if index.is_some() { t_string!(i18n, ls_complete) } else { t_string!(i18n, ls_challenge_complete) }}
                </p>
                {index.is_none().then(|| view! { <p class="small">{tr!(i18n, ls_challenge_saved)}</p> })}
                {index.map(|i| view! {
                    <p class="small">{move || t_string!(i18n, ls_saved, done = done_count(), total = total)}</p>
                    {(i + 1 < total).then(|| view! {
                        <button class="primary" data-testid="celebrate-next" on:click=move |_| open(state, ls, Active::Lesson(i + 1))>
                            {tr!(i18n, ls_next)}" →"
                        </button>
                    })}
                })}
            </div>
        </Show>
    }
}

/// One control the lesson allows: the playground's own setting control (same widget, hooks
/// `data-config`/`data-owner`, default, help and Kafka's error), labelled with its owner.
#[component]
fn LessonControl(config: String, owner: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let found = state.draft.with_untracked(|s| lessons::setting_of(s, &config, &owner));
    found.map(|(o, setting)| view! { <SettingControl owner=o id=owner setting=setting owner_tag=true /> })
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
        let allowed = ls.active.with(|a| {
            let spec = a.as_ref().and_then(Active::spec);
            target.as_ref().is_some_and(|(o, p)| spec.is_some_and(|s| s.controls.iter().any(|c| &c.owner == o && &c.config == p)))
        });
        if allowed {
            return None;
        }
        Some(view! {
            <div class="config-error general" role="alert" data-testid="config-error">
                <strong>{tr!(i18n, kafka_refuses)}</strong>" "
                <span data-testid="config-error-message">{e.to_string()}</span>
                " "<span class="muted">{tr!(i18n, last_valid_run_kept)}</span>
            </div>
        })
    }
}

/// The faults of the story, in the lesson's order: fixed, except those of the kinds the
/// lesson lets the learner remove (`removable_faults`): each of those has a labelled
/// *Remove* button, and once removed stays listed, struck through, with *Put back*.
#[component]
fn LessonFaults(original: Vec<Fault>, removable: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let original = Arc::new(original);
    let any_removable = !removable.is_empty();
    let removable = Arc::new(removable);
    let o1 = original.clone();
    let present = Memo::new(move |_| state.draft.with(|s| lessons::faults_present(&o1, &s.faults)));
    // Takes fault `i` out of the story or puts it back, then keeps the keyboard focus on
    // the button that undoes it (the list is drawn again).
    let story = StoredValue::new(original.clone());
    let toggle = move |i: usize, keep: bool| {
        let faults = story.with_value(|o| lessons::faults_toggled(o, &present.get_untracked(), i, keep));
        state.edit(|s| s.faults = faults);
        focus_later(format!("[data-fault-index=\"{i}\"] button.{}", if keep { "remove" } else { "restore" }));
    };
    move || {
        let l = i18n.get_locale();
        let shown = present.get();
        let original = original.clone();
        let removable = removable.clone();
        view! {
            <div class="lesson-faults">
                <h3>{tr!(i18n, ls_faults)}</h3>
                {if original.is_empty() {
                    view! { <p class="muted small">{tr!(i18n, ls_faults_none)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="fault-list">
                            {original.iter().cloned().enumerate().map(|(i, f)| {
                                let at = f.at_ms;
                                let kind = f.kind.name();
                                let here = shown.get(i).copied().unwrap_or(true);
                                let when = crate::story::secs(l, at as f64);
                                let can_remove = removable.iter().any(|k| k == kind);
                                let w1 = when.clone();
                                let w2 = when.clone();
                                view! {
                                    <li data-testid="lesson-fault" data-kind=kind data-fault-index=i data-removed=(!here).to_string() class:removed=!here>
                                        <button class="time-link" on:click=move |_| { state.playing.set(false); state.seek(at as f64) }>
                                            {when}
                                        </button>
                                        <span class="fault-kind"><code>{kind}</code></span>
                                        <span class="fault-args">{crate::components::faults::describe(&f.kind)}</span>
                                        {(can_remove && here).then(|| view! {
                                            <button class="remove" data-testid="lesson-fault-remove" data-kind=kind
                                                on:click=move |_| toggle(i, false)
                                                aria-label=move || t_string!(i18n, ls_fault_remove_label, kind = kind, at = w1.clone()).to_string()>
                                                <span aria-hidden="true">"✕ "</span>{tr!(i18n, ls_fault_remove)}
                                            </button>
                                        })}
                                        {(can_remove && !here).then(|| view! {
                                            <span class="sr-only">{tr!(i18n, ls_fault_removed)}</span>
                                            <button class="restore" data-testid="lesson-fault-restore" data-kind=kind
                                                on:click=move |_| toggle(i, true)
                                                aria-label=move || t_string!(i18n, ls_fault_restore_label, kind = kind, at = w2.clone()).to_string()>
                                                <span aria-hidden="true">"↶ "</span>{tr!(i18n, ls_fault_restore)}
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                <p class="muted small">{if any_removable { tr!(i18n, ls_faults_removable).into_any() } else { tr!(i18n, ls_faults_fixed).into_any() }}</p>
            </div>
        }
    }
}

/// Focuses the element `selector` names once the page is drawn again.
fn focus_later(selector: String) {
    #[cfg(target_arch = "wasm32")]
    leptos::prelude::request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(target_arch = "wasm32"))]
    let _ = selector;
}

#[component]
fn Hints(lesson: &'static ackademy_engine::lesson::Lesson) -> impl IntoView {
    let i18n = use_i18n();
    let ls = expect_context::<LessonState>();
    let total = lesson.hints.len();
    view! {
        <div class="hints">
            <h3>{tr!(i18n, ls_hints)}</h3>
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
            <h3>{tr!(i18n, ls_why)}</h3>
            <Show when=visible fallback=move || view! { <p class="muted small" data-testid="why-locked">{tr!(i18n, ls_why_locked)}</p> }>
                <p data-testid="lesson-why">{move || lesson.why.get(loc(i18n)).to_string()}</p>
                <h4>{tr!(i18n, ls_sources)}</h4>
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
                    "← "{tr!(i18n, ls_prev)}
                </button>
                <span class="muted small">{i + 1}" / "{total}</span>
                <button data-testid="next-lesson" class:primary=move || met.get() disabled={i + 1 >= total}
                    on:click=move |_| { if i + 1 < total { open(state, ls, Active::Lesson(i + 1)) } }>
                    {tr!(i18n, ls_next)}" →"
                </button>
            </div>
        }
    });
    view! {
        <nav class="lesson-nav" aria-label=tr!(i18n, ls_nav_label)>
            {nav}
            <div class="lesson-nav-row secondary">
                <button class="link small" data-testid="all-lessons" on:click=move |_| scroll_to_list()>{tr!(i18n, ls_all_lessons)}</button>
                <button class="link small" data-testid="explore" on:click=move |_| leave(state, ls, true)>{tr!(i18n, ls_explore)}</button>
            </div>
        </nav>
    }
}

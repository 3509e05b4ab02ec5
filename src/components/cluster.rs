//! The cluster, drawn as SVG: producers on the left, brokers in the middle with one log
//! strip per partition replica (leader marked, HW line, LEO, follower lag, ISR, LSO,
//! committed offsets), consumers and processors on the right. Messages on the wire are
//! drawn on a canvas on top (see `draw`). Clicking a node adds a fault at the current time.

use crate::components::draw::{self, KEY_COLORS, UNKEYED};
use crate::i18n::*;
use crate::layout::{self, Layout, RightKind, CELL_H};
use crate::run::RunData;
use crate::state::AppState;
use ackademy_engine::log::Control;
use ackademy_engine::scenario::FaultKind;
use ackademy_engine::types::{Node, Tp};
use ackademy_engine::view::{ClientState, ClusterState, ReplicaView};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_use::{use_preferred_dark, use_prefers_reduced_motion, use_raf_fn};
use std::cell::Cell;
use std::fmt::Write as _;
use std::rc::Rc;

/// What the moving parts were last drawn for: time, run generation, canvas width, dark
/// scheme, reduced motion, layout. Nothing to redraw while it stays the same.
type Drawn = (f64, u32, f64, bool, bool, usize);

/// The newest instance's state of a producer, consumer or processor.
pub fn client_state(c: &ClusterState, pick: impl Fn(&Node) -> bool) -> Option<ClientState> {
    c.clients.iter().filter(|(n, _)| pick(n)).last().map(|(_, s)| *s)
}

/// The y of a replica row's cells.
fn cells_y(row_y: f64) -> f64 {
    row_y + (layout::ROW_H - CELL_H) / 2.0
}

/// Lists of rectangles as SVG path data, one path per colour.
fn cell_paths(run: &RunData, l: &Layout, tp: Tp, r: &ReplicaView, y: f64, selected: Option<ackademy_engine::types::MsgId>) -> Vec<(String, String, &'static str)> {
    let cw = l.cell_w(tp);
    let w = if cw > 4.0 { cw - 1.0 } else { cw };
    let mut by_color: Vec<String> = vec![String::new(); KEY_COLORS.len() + 1];
    let mut commit = String::new();
    let mut abort = String::new();
    let mut txn = String::new();
    let mut doomed = String::new();
    let mut sel = String::new();
    // A long log is drawn one cell per bucket of offsets (about one per unit of width), so
    // the path stays small however many records there are.
    let bucket = ((r.cells.len() as f64 / (l.g.strip_x1 - l.g.strip_x0)).ceil() as usize).max(1);
    let w = if bucket > 1 { (cw * bucket as f64).max(1.0) } else { w };
    for (o, cell) in r.cells.iter().enumerate().step_by(bucket) {
        let x = l.offset_x(tp, o as u64);
        let rect = format!("M{x:.1} {y:.1}h{w:.2}v{CELL_H}h-{w:.2}z");
        match cell.control {
            Some(Control::Commit) => commit.push_str(&rect),
            Some(Control::Abort) => abort.push_str(&rect),
            None => {
                let i = cell.key.map_or(KEY_COLORS.len(), |k| k as usize % KEY_COLORS.len());
                by_color[i].push_str(&rect);
                if cell.transactional {
                    let _ = write!(txn, "M{x:.1} {:.1}h{w:.2}", y + 1.0);
                }
            }
        }
        // Every cell of small buckets, the first of big ones: the cost stays per drawn cell.
        let end = if bucket <= 4 { (o + bucket).min(r.cells.len()) } else { o + 1 };
        let msgs = || r.cells[o..end].iter().filter_map(|c| c.msg);
        if !run.out.findings.lost.is_empty() && msgs().any(|m| run.out.findings.lost.contains(&m)) {
            let _ = write!(doomed, "M{x:.1} {:.1}h{w:.2}", y + CELL_H + 2.0);
        }
        if selected.is_some() && msgs().any(|m| Some(m) == selected) {
            sel.push_str(&rect);
        }
    }
    let mut out: Vec<(String, String, &'static str)> = by_color
        .into_iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(i, d)| (d, KEY_COLORS.get(i).copied().unwrap_or(UNKEYED).to_string(), "cells"))
        .collect();
    for (d, class) in [(commit, "marker-commit"), (abort, "marker-abort"), (txn, "txn-bar"), (doomed, "doomed"), (sel, "selected-cell")] {
        if !d.is_empty() {
            out.push((d, String::new(), class));
        }
    }
    out
}

/// The last stable offset: the first offset of a transaction still open at `hw`, or `hw`.
/// (Read off the cells: a transactional record is open until a marker follows it.)
fn lso(r: &ReplicaView) -> u64 {
    let mut first_open: Option<u64> = None;
    for (o, c) in r.cells.iter().enumerate().take(r.hw as usize) {
        match c.control {
            Some(_) => first_open = None,
            None if c.transactional && first_open.is_none() => first_open = Some(o as u64),
            None => {}
        }
    }
    first_open.unwrap_or(r.hw)
}

/// If a produce request or response is under the pointer, drops it (adds the fault at the
/// time it was sent) and returns true. Messages are drawn over the nodes, so they win.
pub fn drop_at_click(state: AppState, ev: &leptos::ev::MouseEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(svg) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("svg.cluster-svg").ok().flatten())
    else {
        return false;
    };
    let rect = svg.get_bounding_client_rect();
    if rect.width() <= 0.0 {
        return false;
    }
    let run = state.run.get_untracked();
    let lay = state.layout.get_untracked();
    let scale = lay.g.w / rect.width();
    let x = (ev.client_x() as f64 - rect.left()) * scale;
    let y = (ev.client_y() as f64 - rect.top()) * scale;
    match draw::droppable_at(&run, &lay, state.t.get_untracked(), x, y) {
        Some((at, kind)) => {
            ev.stop_propagation();
            state.add_fault_at(at, kind);
            true
        }
        None => false,
    }
}

#[component]
pub fn ClusterView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let canvas = NodeRef::<Canvas>::new();
    let dark = use_preferred_dark();
    let reduced = use_prefers_reduced_motion();

    // One loop: advance playback, then redraw the moving parts when anything they show changed.
    let drawn: Rc<Cell<Drawn>> = Rc::new(Cell::new((f64::NAN, 0, 0.0, false, false, 0)));
    let frame_times = draw::FrameStats::install();
    let _ = use_raf_fn(move |args| {
        let t0 = crate::state::now_ms();
        state.tick(args.delta);
        let Some(cv) = canvas.get_untracked() else { return };
        let lay = state.layout.get_untracked();
        let key = (state.t.get_untracked(), state.generation.get_untracked(), cv.client_width() as f64, dark.get_untracked(), reduced.get_untracked(), Rc::as_ptr(&lay) as usize);
        let prev = drawn.get();
        if prev.0 == key.0 && prev.1 == key.1 && prev.2 == key.2 && prev.3 == key.3 && prev.4 == key.4 && prev.5 == key.5 {
            return;
        }
        drawn.set(key);
        let run = state.run.get_untracked();
        draw::draw(&cv, &run, &lay, key.0, state.speed(), key.3, key.4);
        frame_times.record(crate::state::now_ms() - t0);
    });

    // Clicks on the background or a link; nodes call `drop_at_click` first themselves.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        drop_at_click(state, &ev);
    };

    let view_box = move || state.layout.with(|l| format!("0 0 {} {:.0}", l.g.w, l.h));
    let deferred = use_context::<crate::app::Deferred>().map(|d| d.0);
    // Wide or stacked, as the window's width asks (a media query: no layout read while the
    // page is being built).
    let narrow = leptos_use::use_media_query(layout::STACKED_MEDIA);
    // (Its first value may still be the signal's `false` before the query is asked: the
    // state started from the same test, see `initially_stacked`, so only a `true` counts then.)
    Effect::new(move |prev: Option<()>| {
        let n = narrow.get();
        if prev.is_some() || n {
            state.set_stacked(n);
        }
    });
    // Which scenario to try this is, if it is one of them (unchanged).
    let preset = Memo::new(move |_| {
        state.scenario.with(crate::presets::which)
    });
    // In a lesson: its title, and what to do there (the cluster's clicks add no faults).
    let lesson = use_context::<crate::lessons::LessonState>();
    let lesson_title = move || lesson.and_then(|ls| crate::components::lessons::caption(ls, i18n));
    let caption = move || match (lesson_title(), preset.get()) {
        (Some(t), _) => t,
        (None, Some(id)) => crate::components::header::preset_title(i18n, id).to_string(),
        (None, None) => t_string!(i18n, your_scenario).to_string(),
    };
    let hint = move || if lesson_title().is_some() { t_string!(i18n, ls_caption_hint) } else { t_string!(i18n, caption_hint) };
    view! {
        <div class="cluster-wrap">
            <h2 id="stage-title" class="sr-only">{tr!(i18n, cluster_title)}</h2>
            <p class="caption" data-testid="caption"><strong>{caption}</strong>" "<span class="muted">{hint}</span></p>
            // A change that cannot run leaves the last run on screen: say so here, where the
            // eye is, not only beside the control far below.
            {move || state.edit_error.get().map(|e| {
                let kafka = state.draft.with(|s| crate::settings::is_kafka_refusal(s, &e.path));
                view! {
                    <p class="stale-run" data-testid="stale-run">
                        <strong>{if kafka { tr!(i18n, kafka_refuses) } else { tr!(i18n, cannot_run) }}</strong>" "{e.to_string()}" "
                        <span class="muted">{tr!(i18n, last_valid_run_kept)}</span>
                        <button data-testid="discard-edit" on:click=move |_| state.discard_draft()>{tr!(i18n, discard_edit)}</button>
                    </p>
                }
            })}
            <div class="cluster" data-testid="cluster" data-stacked=move || state.stacked.get().to_string()>
                <svg class="cluster-svg" viewBox=view_box role="group" aria-label=tr!(i18n, cluster_title) on:click=on_click>
                    {move || {
                        let l = state.layout.get();
                        view! {
                            <Links layout=l.clone() />
                            <Pills layout=l.clone() />
                            {(0..l.brokers.len()).map(|b| view! { <BrokerBox b=b layout=l.clone() /> }).collect_view()}
                            {(0..l.producers.len()).map(|p| view! { <ProducerBox p=p layout=l.clone() /> }).collect_view()}
                            {l.right.iter().map(|(k, _)| view! { <RightBox kind=*k layout=l.clone() /> }).collect_view()}
                        }
                    }}
                </svg>
                <canvas node_ref=canvas class="flights" aria-hidden="true"></canvas>
            </div>
            // The legend is read after the picture: it comes one frame later.
            {move || deferred.is_none_or(|d| d.get()).then(|| view! { <Legend /> })}
        </div>
    }
}

#[component]
fn Links(layout: Rc<Layout>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let l = layout;
    let g = l.g;
    let (np, nc) = state.run.with_untracked(|run| (run.out.cfg.producers.len(), run.out.cfg.consumers.len()));
    // Every client's path to every broker, as messages travel it.
    let clients: Vec<Node> = (0..l.producers.len())
        .map(|p| Node::Producer(p as u16, 0))
        .chain(l.right.iter().map(|(k, _)| match k {
            RightKind::Consumer(i) => Node::Consumer(*i as u16, 0),
            RightKind::Processor(i) => Node::Processor(*i as u16, 0),
        }))
        .collect();
    let brokers: Vec<(usize, f64, Vec<String>)> = l
        .brokers
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let paths = clients.iter().filter_map(|c| l.route(*c, Node::Broker(i as u32), np, nc)).map(|r| r.path()).collect();
            (i, b.rect.cy(), paths)
        })
        .collect();
    let spine_top = l.controller.y + l.controller.h;
    let spine_bottom = l.coordinator.y;
    view! {
        <g class="links">
            <line class="spine" x1=g.spine_x y1=spine_top x2=g.spine_x y2=spine_bottom></line>
            {brokers.into_iter().map(|(b, y, paths)| {
                let cls = move || state.cluster.with(|c| {
                    let v = c.brokers.get(b).cloned().unwrap_or_default();
                    if !v.alive { "link down" } else if v.isolated { "link cut" } else { "link" }
                });
                let client_cls = move || state.cluster.with(|c| if c.brokers.get(b).is_some_and(|v| v.alive) { "link" } else { "link down" });
                let toggle = move || {
                    let isolated = state.cluster.with_untracked(|c| c.brokers.get(b).is_some_and(|v| v.isolated));
                    state.add_fault(if isolated { FaultKind::Heal } else { FaultKind::IsolateBroker { broker: b as u32 } });
                };
                view! {
                    <line class=cls x1=g.broker_x1 y1=y x2=g.spine_x y2=y></line>
                    // A wide invisible line over the broker's link to the others: clicking it
                    // cuts the link (isolate_broker) or heals it.
                    <line class="link-hit" data-node="link" data-testid=format!("link-{b}") x1=g.broker_x1 y1=y x2=g.spine_x + 6.0 y2=y
                        on:click=move |ev| { ev.stop_propagation(); toggle() }>
                        <title>{move || if state.cluster.with(|c| c.brokers.get(b).is_some_and(|v| v.isolated)) { t_string!(i18n, heal_links) } else { t_string!(i18n, isolate_broker) }}</title>
                    </line>
                    {paths.into_iter().map(|d| view! { <path class=client_cls d=d></path> }).collect_view()}
                }
            }).collect_view()}
        </g>
    }
}

#[component]
fn Pills(layout: Rc<Layout>) -> impl IntoView {
    let i18n = use_i18n();
    let (c, k) = (layout.controller.clone(), layout.coordinator.clone());
    view! {
        <g class="pill">
            <rect x=c.x y=c.y width=c.w height=c.h rx="12"></rect>
            <text x=c.x + c.w / 2.0 y=c.cy() + 4.0 text-anchor="middle">{tr!(i18n, controller)}</text>
        </g>
        <g class="pill">
            <rect x=k.x y=k.y width=k.w height=k.h rx="12"></rect>
            <text x=k.x + k.w / 2.0 y=k.cy() + 4.0 text-anchor="middle">{tr!(i18n, coordinator)}</text>
        </g>
    }
}

#[component]
fn BrokerBox(b: usize, layout: Rc<Layout>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let bx = layout.brokers[b].clone();
    let r = bx.rect.clone();
    let view_of = move || state.cluster.with(|c| c.brokers.get(b).cloned().unwrap_or_default());
    let cls = move || {
        let v = view_of();
        let mut s = String::from("broker");
        if !v.alive {
            s.push_str(" crashed");
        } else if v.isolated {
            s.push_str(" isolated");
        }
        if v.fenced {
            s.push_str(" fenced");
        }
        s
    };
    let toggle_crash = move || {
        let alive = view_of().alive;
        state.add_fault(if alive { FaultKind::CrashBroker { broker: b as u32 } } else { FaultKind::RestartBroker { broker: b as u32 } });
    };
    let toggle_isolate = move || {
        let isolated = view_of().isolated;
        state.add_fault(if isolated { FaultKind::Heal } else { FaultKind::IsolateBroker { broker: b as u32 } });
    };
    let status = move || {
        let v = view_of();
        if !v.alive {
            t_string!(i18n, state_crashed).to_string()
        } else if v.isolated {
            t_string!(i18n, state_isolated).to_string()
        } else if v.fenced {
            t_string!(i18n, state_fenced).to_string()
        } else {
            t_string!(i18n, state_up).to_string()
        }
    };
    let label = move || {
        let name = crate::story::broker(i18n.get_locale(), b as u32);
        let action = if view_of().alive { t_string!(i18n, click_to_crash) } else { t_string!(i18n, click_to_restart) };
        format!("{name}: {} — {action}", status())
    };
    let iso_label = move || if view_of().isolated { t_string!(i18n, heal_links) } else { t_string!(i18n, isolate_broker) };
    view! {
        <g class=cls data-testid=format!("broker-{b}") data-node="broker">
            <g class="node-hit" role="button" tabindex="0" aria-label=label
                on:click=move |ev| if !drop_at_click(state, &ev) { toggle_crash() }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); toggle_crash() }>
                <rect class="broker-box" x=r.x y=r.y width=r.w height=r.h rx="10"></rect>
                <text class="node-title" x=r.x + 12.0 y=r.y + 20.0>{move || crate::story::broker(i18n.get_locale(), b as u32)}</text>
                <text class="node-status" x=r.x + 86.0 y=r.y + 20.0>{status}</text>
            </g>
            <g class="mini-button" role="button" tabindex="0" data-testid=format!("isolate-{b}") aria-label=iso_label
                on:click=move |_| toggle_isolate()
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); toggle_isolate() }>
                // A larger, invisible target around the pill: easier to hit on a phone.
                <rect class="hit" x=r.x + r.w - 98.0 y=r.y width="98" height="30"></rect>
                <rect x=r.x + r.w - 92.0 y=r.y + 6.0 width="84" height="18" rx="9"></rect>
                <text x=r.x + r.w - 50.0 y=r.y + 19.0 text-anchor="middle">{iso_label}</text>
            </g>
            <g class="replicas" pointer-events="none">
                {move || {
                    let run = state.run.get();
                    let lay = state.layout.get();
                    let selected = state.selected.get();
                    // The rows of the layout in force: this box can outlive the layout it
                    // was made for (another scenario, with other topics, was loaded).
                    let rows = lay.brokers.get(b).map(|bx| bx.rows.clone()).unwrap_or_default();
                    state.cluster.with(|c| {
                        rows.iter().map(|(tp, y)| replica_row(&run, &lay, c, b as u32, *tp, *y, selected)).collect_view()
                    })
                }}
            </g>
        </g>
    }
}

fn replica_row(run: &RunData, l: &Layout, c: &ClusterState, b: u32, tp: Tp, y: f64, selected: Option<ackademy_engine::types::MsgId>) -> impl IntoView {
    let empty = ReplicaView::default();
    let r = c.replicas.get(&(b, tp)).unwrap_or(&empty);
    let part = c.partitions.get(&tp);
    let leader = part.and_then(|p| p.leader);
    let is_leader = leader == Some(b);
    let in_isr = part.is_some_and(|p| p.isr.contains(&b));
    let leader_leo = leader.and_then(|lb| c.replicas.get(&(lb, tp))).map(|lr| lr.cells.len() as u64);
    let leo = r.cells.len() as u64;
    let alive = c.brokers.get(b as usize).is_some_and(|v| v.alive);
    let lag = match (is_leader, leader_leo) {
        (false, Some(ll)) if ll > leo && alive => Some(ll - leo),
        _ => None,
    };
    let cy = cells_y(y);
    let paths = cell_paths(run, l, tp, r, cy, selected);
    let hw_x = l.offset_x(tp, r.hw);
    let leo_x = l.offset_x(tp, leo);
    let lso_x = (run.has_transactions && is_leader).then(|| l.offset_x(tp, lso(r)));
    let committed: Vec<(f64, String)> = if is_leader || (leader.is_none() && in_isr) {
        c.committed
            .iter()
            .filter(|((_, t), _)| *t == tp)
            .map(|((g, _), o)| (l.offset_x(tp, *o), g.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let row_cls = format!(
        "replica{}{}",
        if is_leader { " leader" } else { " follower" },
        if in_isr { " in-isr" } else { " out-of-isr" }
    );
    let name = run.tp_name(tp);
    let g = l.g;
    view! {
        <g class=row_cls>
            <text class="role" x=g.broker_x0 + 14.0 y=cy + 11.0 text-anchor="middle">{if is_leader { "★" } else { "·" }}</text>
            <text class="tp" x=g.broker_x0 + 24.0 y=cy + 11.0>{name}</text>
            <text class="isr" x=g.strip_x0 - 8.0 y=cy + 11.0 text-anchor="end">
                {match lag {
                    Some(n) if n >= 10_000 => format!("−{}k", n / 1000),
                    Some(n) if n >= 1000 => format!("−{:.1}k", n as f64 / 1000.0),
                    Some(n) => format!("−{n}"),
                    None => String::new(),
                }}
            </text>
            <rect class="strip" x=g.strip_x0 - 2.0 y=cy - 2.0 width=g.strip_x1 - g.strip_x0 + 4.0 height=CELL_H + 4.0 rx="3"></rect>
            {paths.into_iter().map(|(d, fill, class)| {
                if fill.is_empty() { view! { <path class=class d=d></path> }.into_any() } else { view! { <path class=class d=d fill=fill></path> }.into_any() }
            }).collect_view()}
            <line class="leo" x1=leo_x y1=cy - 3.0 x2=leo_x y2=cy + CELL_H + 3.0></line>
            <line class="hw" x1=hw_x y1=cy - 4.0 x2=hw_x y2=cy + CELL_H + 4.0></line>
            {lso_x.map(|x| view! { <line class="lso" x1=x y1=cy - 4.0 x2=x y2=cy + CELL_H + 4.0></line> })}
            {committed.into_iter().map(|(x, _g)| view! {
                <path class="committed" d=format!("M{x:.1} {:.1}l-4 5h8z", cy + CELL_H + 1.0)></path>
            }).collect_view()}
        </g>
    }
}

#[component]
fn ProducerBox(p: usize, layout: Rc<Layout>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let r = layout.producers[p].clone();
    let st = move || state.cluster.with(|c| client_state(c, |n| matches!(n, Node::Producer(x, _) if *x as usize == p)));
    let id = move || state.scenario.with(|s| s.producers.get(p).map(|x| x.id.clone()).unwrap_or_default());
    let cfg_line = move || {
        state.run.with(|run| {
            run.out.cfg.producers.get(p).map(|c| {
                format!(
                    "acks={} · {}",
                    c.acks.as_str(),
                    if c.transactional_id.is_some() {
                        t_string!(i18n, short_txn).to_string()
                    } else if c.idempotence {
                        t_string!(i18n, short_idempotent).to_string()
                    } else {
                        t_string!(i18n, short_not_idempotent).to_string()
                    }
                )
            })
        })
    };
    let toggle = move || {
        let producer = id();
        state.add_fault(match st() {
            Some(ClientState::Paused) => FaultKind::ResumeProducer { producer },
            Some(ClientState::Down) => FaultKind::RestartProducer { producer },
            _ => FaultKind::PauseProducer { producer },
        });
    };
    let crash = move || {
        let producer = id();
        state.add_fault(match st() {
            Some(ClientState::Down) => FaultKind::RestartProducer { producer },
            _ => FaultKind::CrashProducer { producer },
        });
    };
    let status = move || match st() {
        Some(ClientState::Paused) => t_string!(i18n, state_paused),
        Some(ClientState::Down) => t_string!(i18n, state_crashed),
        Some(ClientState::Running) => t_string!(i18n, state_up),
        None => t_string!(i18n, state_idle),
    };
    let cls = move || match st() {
        Some(ClientState::Paused) => "client producer paused",
        Some(ClientState::Down) => "client producer crashed",
        _ => "client producer",
    };
    let label = move || {
        let action = match st() {
            Some(ClientState::Paused) => t_string!(i18n, click_to_resume),
            Some(ClientState::Down) => t_string!(i18n, click_to_restart),
            _ => t_string!(i18n, click_to_pause),
        };
        format!("{} {}: {} — {action}", t_string!(i18n, producer), id(), status())
    };
    let crash_label = move || if st() == Some(ClientState::Down) { t_string!(i18n, restart) } else { t_string!(i18n, crash) };
    view! {
        <g class=cls data-testid=format!("producer-{p}") data-node="producer">
            <g role="button" tabindex="0" aria-label=label on:click=move |ev| if !drop_at_click(state, &ev) { toggle() }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); toggle() }>
                <rect class="client-box" x=r.x y=r.y width=r.w height=r.h rx="10"></rect>
                <text class="node-title" x=r.x + 10.0 y=r.y + 18.0>{id}</text>
                <text class="node-status" x=r.x + r.w - 8.0 y=r.y + 18.0 text-anchor="end">{status}</text>
                <text class="node-sub" x=r.x + 10.0 y=r.y + 36.0>{cfg_line}</text>
            </g>
            <g class="mini-button" role="button" tabindex="0" aria-label=crash_label on:click=move |_| crash()
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); crash() }>
                <rect class="hit" x=r.x y=r.y + r.h - 28.0 width="78" height="28"></rect>
                <rect x=r.x + 8.0 y=r.y + r.h - 22.0 width="62" height="16" rx="8"></rect>
                <text x=r.x + 39.0 y=r.y + r.h - 10.5 text-anchor="middle">{crash_label}</text>
            </g>
        </g>
    }
}

#[component]
fn RightBox(kind: RightKind, layout: Rc<Layout>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let i18n = use_i18n();
    let r = layout.right.iter().find(|x| x.0 == kind).map(|x| x.1.clone()).expect("laid out");
    let (np, nc) = state.run.with_untracked(|run| (run.out.cfg.producers.len(), run.out.cfg.consumers.len()));
    let matches_node = move |n: &Node| match kind {
        RightKind::Consumer(i) => matches!(n, Node::Consumer(x, _) if *x as usize == i),
        RightKind::Processor(i) => matches!(n, Node::Consumer(x, _) if *x as usize == nc + i),
    };
    let _ = np;
    let st = move || state.cluster.with(|c| client_state(c, matches_node));
    let (id, group) = state.scenario.with_untracked(|s| match kind {
        RightKind::Consumer(i) => s.consumers.get(i).map(|c| (c.id.clone(), c.group.clone())).unwrap_or_default(),
        RightKind::Processor(i) => s.processors.get(i).map(|c| (c.id.clone(), c.group.clone())).unwrap_or_default(),
    });
    let assigned = move || {
        state.cluster.with(|c| {
            let parts: Vec<String> = c
                .assignment
                .iter()
                .filter(|(n, _)| matches_node(n))
                .flat_map(|(_, tps)| tps.iter().map(|t| t.partition.to_string()))
                .collect();
            if parts.is_empty() {
                "—".to_string()
            } else {
                parts.join(",")
            }
        })
    };
    let group2 = group.clone();
    let committed = move || {
        state.cluster.with(|c| {
            let parts: Vec<String> = c
                .committed
                .iter()
                .filter(|((g, _), _)| **g == *group2)
                .map(|((_, tp), o)| format!("{}:{o}", tp.partition))
                .collect();
            let text = if parts.is_empty() { "—".to_string() } else { parts.join(" ") };
            // What fits in the box; the strips show every committed offset (▲).
            if text.chars().count() > 24 {
                format!("{}…", text.chars().take(23).collect::<String>())
            } else {
                text
            }
        })
    };
    let id2 = id.clone();
    let toggle = move || {
        let down = st() == Some(ClientState::Down);
        let fault = match kind {
            RightKind::Consumer(_) if down => FaultKind::RestartConsumer { consumer: id2.clone() },
            RightKind::Consumer(_) => FaultKind::CrashConsumer { consumer: id2.clone() },
            RightKind::Processor(_) if down => FaultKind::RestartProcessor { processor: id2.clone() },
            RightKind::Processor(_) => FaultKind::CrashProcessor { processor: id2.clone() },
        };
        state.add_fault(fault);
    };
    let toggle2 = toggle.clone();
    let status = move || match st() {
        Some(ClientState::Down) => t_string!(i18n, state_crashed),
        Some(_) => t_string!(i18n, state_up),
        None => t_string!(i18n, state_idle),
    };
    let kind_label = move || match kind {
        RightKind::Consumer(_) => t_string!(i18n, consumer),
        RightKind::Processor(_) => t_string!(i18n, processor),
    };
    let id3 = id.clone();
    let label = move || {
        let action = if st() == Some(ClientState::Down) { t_string!(i18n, click_to_restart) } else { t_string!(i18n, click_to_crash) };
        format!("{} {id3}: {} — {action}", kind_label(), status())
    };
    let cls = move || if st() == Some(ClientState::Down) { "client consumer crashed" } else { "client consumer" };
    let testid = match kind {
        RightKind::Consumer(i) => format!("consumer-{i}"),
        RightKind::Processor(i) => format!("processor-{i}"),
    };
    view! {
        <g class=cls data-testid=testid data-node="consumer" role="button" tabindex="0" aria-label=label
            on:click={ let toggle = toggle.clone(); move |ev| if !drop_at_click(state, &ev) { toggle() } }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); toggle2() }>
            <rect class="client-box" x=r.x y=r.y width=r.w height=r.h rx="10"></rect>
            <text class="node-title" x=r.x + 10.0 y=r.y + 18.0>{id}</text>
            <text class="node-status" x=r.x + r.w - 8.0 y=r.y + 18.0 text-anchor="end">{status}</text>
            <text class="node-sub" x=r.x + 10.0 y=r.y + 35.0>{move || format!("{} {group}", t_string!(i18n, group))}</text>
            <text class="node-sub" x=r.x + 10.0 y=r.y + 51.0>{move || format!("{} {}", t_string!(i18n, assigned), assigned())}</text>
            <text class="node-sub committed-text" x=r.x + 10.0 y=r.y + 67.0>{move || format!("▲ {}", committed())}</text>
        </g>
    }
}

#[component]
fn Legend() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="legend" aria-label=tr!(i18n, legend)>
            <li><span class="sw keys"></span>{tr!(i18n, legend_keys)}</li>
            <li><span class="sw hw"></span>{tr!(i18n, legend_hw)}</li>
            <li><span class="sw leo"></span>{tr!(i18n, legend_leo)}</li>
            <li><span class="sw committed"></span>{tr!(i18n, legend_committed)}</li>
            <li><span class="sw doomed"></span>{tr!(i18n, legend_doomed)}</li>
            <li><span class="dot produce"></span>{tr!(i18n, legend_produce)}</li>
            <li><span class="dot ack"></span>{tr!(i18n, legend_ack)}</li>
            <li><span class="dot fetch"></span>{tr!(i18n, legend_fetch)}</li>
            <li><span class="dot drop">"✕"</span>{tr!(i18n, legend_drop)}</li>
            <li>"★ "{tr!(i18n, legend_leader)}" · −n "{tr!(i18n, legend_lag)}</li>
        </ul>
    }
}

//! The moving parts, on a canvas over the cluster's SVG: messages on the wire (from
//! `Timeline::in_flight`), lost ones dying where they were lost, and flashes for elections,
//! ISR changes, truncations and crashes so the eye catches them. Same coordinates as the
//! SVG, scaled to the canvas's size.

#[cfg(target_arch = "wasm32")]
use crate::layout;
use crate::layout::{along, Layout};
use crate::run::{wire_class, RunData, WireClass};
use ackademy_engine::scenario::FaultKind;
#[cfg(target_arch = "wasm32")]
use ackademy_engine::trace::Kind;
use ackademy_engine::trace::Wire;
use ackademy_engine::types::Node;

/// Key colours (key `k{i}` gets colour `i % 8`); readable on light and dark backgrounds.
pub const KEY_COLORS: &[&str] = &["#3b82f6", "#f59e0b", "#10b981", "#ec4899", "#8b5cf6", "#06b6d4", "#84cc16", "#f97316"];
pub const UNKEYED: &str = "#94a3b8";

struct Palette {
    produce: &'static str,
    ack: &'static str,
    fetch: &'static str,
    records: &'static str,
    commit: &'static str,
    marker: &'static str,
    control: &'static str,
    danger: &'static str,
    flash: &'static str,
}

const LIGHT: Palette = Palette {
    produce: "#2563eb",
    ack: "#059669",
    fetch: "#64748b",
    records: "#0d9488",
    commit: "#b45309",
    marker: "#7c3aed",
    control: "#94a3b8",
    danger: "#dc2626",
    flash: "#f59e0b",
};

const DARK: Palette = Palette {
    produce: "#60a5fa",
    ack: "#34d399",
    fetch: "#94a3b8",
    records: "#2dd4bf",
    commit: "#fbbf24",
    marker: "#a78bfa",
    control: "#64748b",
    danger: "#f87171",
    flash: "#fbbf24",
};

/// Wall-clock window (ms) during which a flash or a dying message stays visible.
const FLASH_REAL_MS: f64 = 1400.0;

fn counts(run: &RunData) -> (usize, usize) {
    (run.out.cfg.producers.len(), run.out.cfg.consumers.len())
}

/// Draws the canvas for simulated time `t`.
pub fn draw(cv: &web_sys::HtmlCanvasElement, run: &RunData, l: &Layout, t: f64, speed: f64, dark: bool, reduced: bool) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let w = cv.client_width() as f64;
        let h = cv.client_height() as f64;
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).clamp(1.0, 3.0);
        let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
        if cv.width() != pw || cv.height() != ph {
            cv.set_width(pw);
            cv.set_height(ph);
        }
        let Some(ctx) = cv.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()) else {
            return;
        };
        let s = w / l.g.w * dpr;
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, pw as f64, ph as f64);
        let _ = ctx.set_transform(s, 0.0, 0.0, s, 0.0, 0.0);
        let pal = if dark { &DARK } else { &LIGHT };
        let window = (FLASH_REAL_MS * speed).max(1.0);
        flashes(&ctx, run, l, t, window, pal);
        let n = flights(&ctx, run, l, t, pal, reduced);
        record_flights(n);
        mark_droppable(cv, run, l, t, w / l.g.w);
        drops(&ctx, run, l, t, window, pal);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (cv, run, l, t, speed, dark, reduced);
}

#[cfg(target_arch = "wasm32")]
fn flashes(ctx: &web_sys::CanvasRenderingContext2d, run: &RunData, l: &Layout, t: f64, window: f64, pal: &Palette) {
    let events = &run.tl.events;
    let hi = events.partition_point(|e| (e.t as f64) <= t);
    let lo = events.partition_point(|e| (e.t as f64) < t - window);
    for e in &events[lo..hi] {
        let age = ((t - e.t as f64) / window).clamp(0.0, 1.0);
        let alpha = 1.0 - age;
        let grow = 2.0 + 10.0 * age;
        match &e.kind {
            Kind::BrokerCrash { b } | Kind::Isolate { b } | Kind::BrokerRestart { b } | Kind::BrokerFenced { b } => {
                if let Some(bx) = l.brokers.get(*b as usize) {
                    let r = &bx.rect;
                    let color = if matches!(e.kind, Kind::BrokerRestart { .. }) { pal.ack } else { pal.danger };
                    ring(ctx, r.x - grow, r.y - grow, r.w + 2.0 * grow, r.h + 2.0 * grow, color, alpha, 4.0);
                }
            }
            Kind::Leader { tp, leader, .. } => {
                for (i, bx) in l.brokers.iter().enumerate() {
                    for (rtp, y) in &bx.rows {
                        if rtp == tp {
                            let strong = *leader == Some(i as u32);
                            ring(ctx, l.g.broker_x0 + 4.0, y - 1.0, l.g.broker_x1 - l.g.broker_x0 - 8.0, layout::ROW_H, pal.flash, alpha * if strong { 1.0 } else { 0.45 }, if strong { 3.0 } else { 1.5 });
                        }
                    }
                }
            }
            Kind::Isr { tp, .. } => {
                for bx in &l.brokers {
                    for (rtp, y) in &bx.rows {
                        if rtp == tp {
                            ring(ctx, l.g.broker_x0 + 6.0, *y, l.g.broker_x1 - l.g.broker_x0 - 12.0, layout::ROW_H - 2.0, pal.marker, alpha * 0.8, 2.0);
                        }
                    }
                }
            }
            Kind::Truncate { b, tp, to, removed } if *removed > 0 => {
                if let Some(bx) = l.brokers.get(*b as usize) {
                    if let Some((_, y)) = bx.rows.iter().find(|(r, _)| r == tp) {
                        let x0 = l.offset_x(*tp, *to);
                        let x1 = l.offset_x(*tp, to + removed);
                        ctx.set_global_alpha(alpha * 0.55);
                        ctx.set_fill_style_str(pal.danger);
                        ctx.fill_rect(x0, y - 1.0, (x1 - x0).max(4.0), layout::ROW_H);
                        ctx.set_global_alpha(1.0);
                        ring(ctx, x0 - grow / 2.0, y - 2.0 - grow / 2.0, (x1 - x0).max(4.0) + grow, layout::ROW_H + 2.0 + grow, pal.danger, alpha, 2.5);
                    }
                }
            }
            Kind::Fail { p, .. } | Kind::Retry { p, .. } => {
                if let Some(r) = l.node_rect(Node::Producer(*p, 0), counts(run).0, counts(run).1) {
                    ring(ctx, r.x - grow / 2.0, r.y - grow / 2.0, r.w + grow, r.h + grow, pal.danger, alpha * 0.8, 2.5);
                }
            }
            Kind::ProducerCrash { p, .. } | Kind::ProducerPause { p, .. } => {
                if let Some(r) = l.node_rect(Node::Producer(*p, 0), counts(run).0, counts(run).1) {
                    ring(ctx, r.x - grow, r.y - grow, r.w + 2.0 * grow, r.h + 2.0 * grow, pal.danger, alpha, 3.0);
                }
            }
            Kind::ConsumerCrash { c, .. } | Kind::Rebalance { group: c, .. } => {
                let c = if matches!(e.kind, Kind::Rebalance { .. }) { u16::MAX } else { *c };
                let (np, nc) = counts(run);
                for (i, (_, r)) in l.right.iter().enumerate() {
                    if c == u16::MAX || i == c as usize {
                        let color = if c == u16::MAX { pal.marker } else { pal.danger };
                        ring(ctx, r.x - grow, r.y - grow, r.w + 2.0 * grow, r.h + 2.0 * grow, color, alpha * 0.8, 2.5);
                    }
                }
                let _ = (np, nc);
            }
            _ => {}
        }
    }
}

#[cfg(target_arch = "wasm32")]
#[allow(clippy::too_many_arguments)] // a rectangle, and how to stroke it
fn ring(ctx: &web_sys::CanvasRenderingContext2d, x: f64, y: f64, w: f64, h: f64, color: &str, alpha: f64, width: f64) {
    ctx.set_global_alpha(alpha.clamp(0.0, 1.0));
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(width);
    ctx.stroke_rect(x, y, w, h);
    ctx.set_global_alpha(1.0);
}

fn style(w: &Wire, pal: &Palette) -> (&'static str, f64, f64) {
    match (wire_class(w), w) {
        (WireClass::Produce, Wire::ProduceRequest { records }) => (pal.produce, 4.0 + (*records as f64).sqrt().min(4.0), 1.0),
        (WireClass::Ack, Wire::ProduceResponse { error: Some(_) }) => (pal.danger, 4.0, 1.0),
        (WireClass::Ack, _) => (pal.ack, 3.5, 1.0),
        (WireClass::Records, Wire::FetchResponse { records: 0, .. }) => (pal.fetch, 2.0, 0.35),
        (WireClass::Records, Wire::FetchResponse { records, .. }) => (pal.records, 3.0 + (*records as f64).sqrt().min(4.0), 0.95),
        (WireClass::Fetch, _) => (pal.fetch, 2.0, 0.45),
        (WireClass::Commit, _) => (pal.commit, 3.0, 0.9),
        (WireClass::Marker, _) => (pal.marker, 3.5, 1.0),
        _ => (pal.control, 2.0, 0.4),
    }
}

#[cfg(target_arch = "wasm32")]
fn flights(ctx: &web_sys::CanvasRenderingContext2d, run: &RunData, l: &Layout, t: f64, pal: &Palette, reduced: bool) -> usize {
    let mut drawn = 0;
    let (np, nc) = counts(run);
    let tf = t.floor() as u64;
    let frac = t - t.floor();
    // Faint ones first, so that what matters is drawn on top.
    let mut strong: Vec<(f64, f64, &'static str, f64)> = Vec::new();
    for (f, _) in run.tl.in_flight(tf) {
        let span = (f.arrive - f.sent).max(1) as f64;
        let prog = ((t - f.sent as f64) / span).clamp(0.0, 1.0);
        let _ = frac;
        let Some(route) = l.route(f.from, f.to, np, nc) else { continue };
        let (x, y) = along(&route, prog);
        drawn += 1;
        let (color, r, alpha) = style(&f.wire, pal);
        if alpha < 0.5 {
            ctx.set_global_alpha(alpha);
            ctx.set_fill_style_str(color);
            ctx.fill_rect(x - r / 2.0, y - r / 2.0, r, r);
            continue;
        }
        if !reduced {
            let (tx, ty) = along(&route, (prog - 0.12).max(0.0));
            ctx.set_global_alpha(0.35);
            ctx.set_stroke_style_str(color);
            ctx.set_line_width(r * 0.9);
            ctx.begin_path();
            ctx.move_to(tx, ty);
            ctx.line_to(x, y);
            ctx.stroke();
        }
        strong.push((x, y, color, r));
    }
    ctx.set_global_alpha(1.0);
    for (x, y, color, r) in strong {
        ctx.set_fill_style_str(color);
        ctx.begin_path();
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        ctx.fill();
    }
    drawn
}

/// Where the droppable messages (produce requests and responses) are, in CSS pixels of the
/// canvas, as `data-droppable="x,y x,y ..."`: what a click hits, for tests and tools.
#[cfg(target_arch = "wasm32")]
fn mark_droppable(cv: &web_sys::HtmlCanvasElement, run: &RunData, l: &Layout, t: f64, scale: f64) {
    let (np, nc) = counts(run);
    let mut out = String::new();
    for (f, _) in run.tl.in_flight(t as u64) {
        let ours = match (f.wire, f.from, f.to) {
            (Wire::ProduceRequest { .. }, Node::Producer(p, _), _) | (Wire::ProduceResponse { .. }, _, Node::Producer(p, _)) => (p as usize) < np,
            _ => false,
        };
        if !ours {
            continue;
        }
        let span = (f.arrive - f.sent).max(1) as f64;
        let prog = ((t - f.sent as f64) / span).clamp(0.0, 1.0);
        if let Some(route) = l.route(f.from, f.to, np, nc) {
            let (x, y) = along(&route, prog);
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("{:.0},{:.0}", x * scale, y * scale));
        }
    }
    let _ = cv.set_attribute("data-droppable", &out);
}

/// How many messages the last frame drew (`window.__ackademyInFlight`, for the benchmark).
#[cfg(target_arch = "wasm32")]
fn record_flights(n: usize) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &wasm_bindgen::JsValue::from_str("__ackademyInFlight"), &wasm_bindgen::JsValue::from_f64(n as f64));
    }
}

#[cfg(target_arch = "wasm32")]
fn drops(ctx: &web_sys::CanvasRenderingContext2d, run: &RunData, l: &Layout, t: f64, window: f64, pal: &Palette) {
    let (np, nc) = counts(run);
    let drop_t = |i: &usize| run.tl.flights[*i].dropped.map_or(0, |d| d.0) as f64;
    let hi = run.drops.partition_point(|i| drop_t(i) <= t);
    let lo = run.drops.partition_point(|i| drop_t(i) < t - window * 1.5);
    ctx.set_stroke_style_str(pal.danger);
    for i in &run.drops[lo..hi] {
        let f = &run.tl.flights[*i];
        let dt = drop_t(i);
        let span = (f.arrive - f.sent).max(1) as f64;
        let prog = ((dt - f.sent as f64) / span).clamp(0.0, 1.0);
        let Some(route) = l.route(f.from, f.to, np, nc) else { continue };
        let (x, y) = along(&route, prog);
        let age = ((t - dt) / (window * 1.5)).clamp(0.0, 1.0);
        let important = matches!(f.wire, Wire::ProduceRequest { .. } | Wire::ProduceResponse { .. } | Wire::FetchResponse { .. });
        ctx.set_global_alpha((1.0 - age) * if important { 1.0 } else { 0.5 });
        let k = if important { 6.0 } else { 3.5 };
        ctx.set_line_width(if important { 2.5 } else { 1.5 });
        ctx.begin_path();
        ctx.move_to(x - k, y - k);
        ctx.line_to(x + k, y + k);
        ctx.move_to(x + k, y - k);
        ctx.line_to(x - k, y + k);
        ctx.stroke();
        if important {
            ctx.begin_path();
            let _ = ctx.arc(x, y, k + 10.0 * age, 0.0, std::f64::consts::TAU);
            ctx.stroke();
        }
    }
    ctx.set_global_alpha(1.0);
}

/// A produce request or response near (`x`, `y`) at time `t`, as the fault that drops it:
/// (`at_ms`, fault). Only produce traffic can be dropped (the contract's fault kinds).
pub fn droppable_at(run: &RunData, l: &Layout, t: f64, x: f64, y: f64) -> Option<(u64, FaultKind)> {
    let (np, nc) = counts(run);
    let mut best: Option<(f64, u64, FaultKind)> = None;
    for (f, _) in run.tl.in_flight(t as u64) {
        let (producer, kind) = match (f.wire, f.from, f.to) {
            (Wire::ProduceRequest { .. }, Node::Producer(p, _), _) if (p as usize) < np => (p, 0),
            (Wire::ProduceResponse { .. }, _, Node::Producer(p, _)) if (p as usize) < np => (p, 1),
            _ => continue,
        };
        let span = (f.arrive - f.sent).max(1) as f64;
        let prog = ((t - f.sent as f64) / span).clamp(0.0, 1.0);
        let Some(route) = l.route(f.from, f.to, np, nc) else { continue };
        let (fx, fy) = along(&route, prog);
        let d = ((fx - x).powi(2) + (fy - y).powi(2)).sqrt();
        if d <= 14.0 && best.as_ref().is_none_or(|b| d < b.0) {
            let id = run.out.cfg.producers[producer as usize].id.clone();
            let fault = if kind == 0 {
                FaultKind::DropProduceRequests { producer: id, count: 1 }
            } else {
                FaultKind::DropProduceResponses { producer: id, count: 1 }
            };
            best = Some((d, f.sent, fault));
        }
    }
    best.map(|(_, at, f)| (at, f))
}

/// Frame statistics for the browser benchmark: drawing time per frame, kept in
/// `window.__ackademyFrames` (milliseconds).
pub struct FrameStats;

impl FrameStats {
    pub fn install() -> FrameStats {
        FrameStats
    }

    pub fn record(&self, ms: f64) {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsValue;
            if let Some(w) = web_sys::window() {
                let key = JsValue::from_str("__ackademyFrames");
                if let Ok(v) = js_sys::Reflect::get(&w, &key) {
                    if v.is_object() {
                        let arr: js_sys::Array = wasm_bindgen::JsCast::unchecked_into(v);
                        if arr.length() < 100_000 {
                            arr.push(&JsValue::from_f64(ms));
                        }
                    }
                }
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::RunData;

    #[test]
    fn a_produce_request_in_flight_can_be_picked_to_drop() {
        let run = RunData::new(&crate::defaults::scenario(), || 0.0).expect("runs");
        let l = Layout::new(&run, crate::layout::WIDE);
        let (np, nc) = counts(&run);
        let f = run.tl.flights.iter().find(|f| matches!(f.wire, Wire::ProduceRequest { .. }) && f.dropped.is_none()).expect("a request");
        let t = (f.sent + f.arrive) as f64 / 2.0;
        let route = l.route(f.from, f.to, np, nc).expect("route");
        let prog = (t - f.sent as f64) / (f.arrive - f.sent) as f64;
        let (x, y) = along(&route, prog);
        let (at, fault) = droppable_at(&run, &l, t, x + 2.0, y - 2.0).expect("found");
        assert_eq!(at, f.sent);
        assert_eq!(fault, FaultKind::DropProduceRequests { producer: "p1".into(), count: 1 });
        assert!(droppable_at(&run, &l, t, 5.0, 5.0).is_none());
    }
}

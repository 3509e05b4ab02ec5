//! Where everything is drawn, in the cluster view's own coordinates (an SVG viewBox; the
//! canvas for moving messages uses the same coordinates, scaled). Two arrangements: wide
//! (producers left, brokers in the middle, consumers right) and stacked for a phone
//! (producers on top, brokers below them, consumers at the bottom, clients reaching the
//! brokers through a bus on the left).

use crate::run::RunData;
use ackademy_engine::trace::Kind;
use ackademy_engine::types::{Node, Tp};
use std::collections::{BTreeMap, BTreeSet};

pub const ROW_H: f64 = 22.0;
pub const HEADER_H: f64 = 30.0;
pub const CELL_H: f64 = 14.0;
const BROKER_GAP: f64 = 16.0;
const TOP: f64 = 48.0;
pub const CLIENT_H: f64 = 76.0;
/// The room a replica row's labels take before its strip starts (role, name, lag).
const LABELS_W: f64 = 120.0;

/// The x coordinates of one arrangement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// The viewBox's width.
    pub w: f64,
    pub broker_x0: f64,
    pub broker_x1: f64,
    /// The line the brokers, the controller and the coordinator talk along.
    pub spine_x: f64,
    /// Where a replica's log strip starts and ends.
    pub strip_x0: f64,
    pub strip_x1: f64,
    /// Stacked: the bus on the left that clients reach the brokers through.
    pub stacked: bool,
    pub bus_x: f64,
}

/// Producers left, brokers in the middle, consumers and processors right.
pub const WIDE: Geometry = Geometry {
    w: 1000.0,
    broker_x0: 226.0,
    broker_x1: 778.0,
    spine_x: 806.0,
    strip_x0: 226.0 + LABELS_W,
    strip_x1: 766.0,
    stacked: false,
    bus_x: 0.0,
};
const PRODUCER_X0: f64 = 12.0;
const PRODUCER_X1: f64 = 172.0;
const CLIENT_X0: f64 = 848.0;
const CLIENT_X1: f64 = 988.0;

/// A phone's: everything one above the other, two clients a row.
pub const STACKED: Geometry = Geometry {
    w: 420.0,
    broker_x0: 28.0,
    broker_x1: 386.0,
    spine_x: 404.0,
    strip_x0: 28.0 + LABELS_W,
    strip_x1: 376.0,
    stacked: true,
    bus_x: 13.0,
};
/// Below 720 CSS pixels of window width the cluster is drawn stacked: the page is one
/// column below 1,100 px, so the cluster's panel is then narrower than ~680 px; above
/// 1,100 px it shares the width with the side panel and has more than that.
pub const STACKED_MEDIA: &str = "(max-width: 719.98px)";

#[derive(Clone, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }

    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerBox {
    pub rect: Rect,
    /// The partitions this broker holds a replica of, with the row's y (top).
    pub rows: Vec<(Tp, f64)>,
}

/// A box on the right: a consumer, or a stream processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RightKind {
    Consumer(usize),
    Processor(usize),
}

/// Which part of the drawing a node belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// A producer application: left, or on top when stacked.
    Producers,
    Broker,
    /// The controller or the transaction coordinator, on the spine.
    Pill,
    /// A consumer or processor: right, or at the bottom when stacked.
    Consumers,
}

/// The path a message follows: two to four points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    pts: [(f64, f64); 4],
    n: usize,
}

impl Route {
    fn new(points: &[(f64, f64)]) -> Route {
        let mut pts = [(0.0, 0.0); 4];
        let n = points.len().min(4);
        pts[..n].copy_from_slice(&points[..n]);
        Route { pts, n }
    }

    pub fn points(&self) -> &[(f64, f64)] {
        &self.pts[..self.n]
    }

    fn reversed(mut self) -> Route {
        self.pts[..self.n].reverse();
        self
    }

    /// SVG path data for the route.
    pub fn path(&self) -> String {
        let mut d = String::new();
        for (i, (x, y)) in self.points().iter().enumerate() {
            d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { 'M' } else { 'L' }));
        }
        d
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub g: Geometry,
    pub h: f64,
    pub brokers: Vec<BrokerBox>,
    pub producers: Vec<Rect>,
    pub right: Vec<(RightKind, Rect)>,
    pub controller: Rect,
    pub coordinator: Rect,
    /// Cell width per partition, so that one offset is at one x on every replica.
    pub cell_w: BTreeMap<Tp, f64>,
}

/// `n` client boxes two a row from `y`, across the brokers' width (stacked).
fn grid(g: &Geometry, n: usize, y: f64) -> Vec<Rect> {
    let gap = 12.0;
    let w = (g.broker_x1 - g.broker_x0 - gap) / 2.0;
    (0..n)
        .map(|i| Rect { x: g.broker_x0 + (i % 2) as f64 * (w + gap), y: y + (i / 2) as f64 * (CLIENT_H + 14.0), w, h: CLIENT_H })
        .collect()
}

impl Layout {
    pub fn new(run: &RunData, g: Geometry) -> Layout {
        let cfg = &run.out.cfg;
        let nb = cfg.cluster.brokers as usize;
        let mut hosted: Vec<BTreeSet<Tp>> = vec![BTreeSet::new(); nb];
        for e in &run.tl.events {
            let (b, tp) = match &e.kind {
                Kind::Role { b, tp, .. } | Kind::Append { b, tp, .. } | Kind::Hw { b, tp, .. } | Kind::Truncate { b, tp, .. } => (*b, *tp),
                _ => continue,
            };
            if let Some(h) = hosted.get_mut(b as usize) {
                h.insert(tp);
            }
        }
        let kinds: Vec<RightKind> = (0..cfg.consumers.len())
            .map(RightKind::Consumer)
            .chain((0..cfg.processors.len()).map(RightKind::Processor))
            .collect();
        let pill = |y: f64| Rect { x: if g.stacked { g.spine_x - 104.0 } else { g.spine_x - 56.0 }, y, w: 112.0, h: 24.0 };
        // Stacked, the producers come first, then the controller above the brokers.
        let producers_stacked = if g.stacked { grid(&g, cfg.producers.len(), 10.0) } else { Vec::new() };
        let controller = pill(producers_stacked.last().map_or(10.0, |r| r.y + r.h + 24.0));
        let top = if g.stacked { controller.y + controller.h + 14.0 } else { TOP };
        let mut brokers = Vec::with_capacity(nb);
        let mut y = top;
        for h in hosted {
            let rows: Vec<(Tp, f64)> = h.iter().enumerate().map(|(i, tp)| (*tp, y + HEADER_H + i as f64 * ROW_H)).collect();
            let height = HEADER_H + rows.len().max(1) as f64 * ROW_H + 8.0;
            brokers.push(BrokerBox { rect: Rect { x: g.broker_x0, y, w: g.broker_x1 - g.broker_x0, h: height }, rows });
            y += height + BROKER_GAP;
        }
        let brokers_bottom = y - BROKER_GAP;
        let coordinator = pill(brokers_bottom + 14.0);
        let (producers, right_rects) = if g.stacked {
            (producers_stacked, grid(&g, kinds.len(), coordinator.y + coordinator.h + 30.0))
        } else {
            let mid = (TOP + brokers_bottom) / 2.0;
            let column = |n: usize, x0: f64, x1: f64| -> Vec<Rect> {
                let gap = 18.0;
                let total = n as f64 * CLIENT_H + n.saturating_sub(1) as f64 * gap;
                let y0 = (mid - total / 2.0).max(TOP);
                (0..n).map(|i| Rect { x: x0, y: y0 + i as f64 * (CLIENT_H + gap), w: x1 - x0, h: CLIENT_H }).collect()
            };
            (column(cfg.producers.len(), PRODUCER_X0, PRODUCER_X1), column(kinds.len(), CLIENT_X0, CLIENT_X1))
        };
        let right: Vec<(RightKind, Rect)> = kinds.into_iter().zip(right_rects).collect();
        let bottom = [
            coordinator.y + coordinator.h,
            producers.last().map_or(0.0, |r| r.y + r.h),
            right.last().map_or(0.0, |r| r.1.y + r.1.h),
        ]
        .into_iter()
        .fold(0.0, f64::max);
        let cell_w = ackademy_engine::sort::btree_map(run.partitions.iter().map(|tp| {
            let n = run.max_leo.get(tp).copied().unwrap_or(0).max(24) as f64;
            (*tp, ((g.strip_x1 - g.strip_x0) / n).min(14.0))
        }));
        Layout { g, h: bottom + 12.0, brokers, producers, right, controller, coordinator, cell_w }
    }

    fn right_index(&self, k: RightKind) -> Option<&Rect> {
        self.right.iter().find(|r| r.0 == k).map(|r| &r.1)
    }

    fn side(n: Node, producers: usize) -> Side {
        match n {
            Node::Broker(_) => Side::Broker,
            Node::Controller | Node::Coordinator => Side::Pill,
            Node::Producer(p, _) if (p as usize) < producers => Side::Producers,
            _ => Side::Consumers,
        }
    }

    /// The box a node is drawn as.
    pub fn node_rect(&self, n: Node, producers: usize, consumers: usize) -> Option<&Rect> {
        match n {
            Node::Broker(b) => self.brokers.get(b as usize).map(|b| &b.rect),
            Node::Controller => Some(&self.controller),
            Node::Coordinator => Some(&self.coordinator),
            Node::Producer(p, _) if (p as usize) < producers => self.producers.get(p as usize),
            Node::Producer(p, _) => self.right_index(RightKind::Processor(p as usize - producers)),
            Node::Consumer(c, _) if (c as usize) < consumers => self.right_index(RightKind::Consumer(c as usize)),
            Node::Consumer(c, _) => self.right_index(RightKind::Processor(c as usize - consumers)),
            Node::Processor(k, _) => self.right_index(RightKind::Processor(k as usize)),
        }
    }

    /// Where a message between `a` and `b` leaves `a`.
    fn port(&self, a: Node, b: Node, producers: usize, consumers: usize) -> Option<(f64, f64)> {
        let r = self.node_rect(a, producers, consumers)?;
        let g = &self.g;
        Some(match (Self::side(a, producers), Self::side(b, producers)) {
            (Side::Broker, Side::Producers | Side::Consumers) if g.stacked => (g.broker_x0, r.cy()),
            (Side::Broker, Side::Producers) => (g.broker_x0, r.cy()),
            (Side::Broker, Side::Consumers) => (g.broker_x1, r.cy()),
            (Side::Broker | Side::Pill, _) => (g.spine_x, r.cy()),
            (Side::Producers, _) if g.stacked => (r.cx(), r.y + r.h),
            (Side::Consumers, _) if g.stacked => (r.cx(), r.y),
            (Side::Producers, _) => (r.x + r.w, r.cy()),
            (Side::Consumers, _) => (r.x, r.cy()),
        })
    }

    /// The path a message follows from `a` to `b`. Inter-broker and controller traffic
    /// runs along the spine (both ports are on it); client traffic goes straight, or when
    /// stacked down the bus on the left and into the broker's side.
    pub fn route(&self, a: Node, b: Node, producers: usize, consumers: usize) -> Option<Route> {
        let p = self.port(a, b, producers, consumers)?;
        let q = self.port(b, a, producers, consumers)?;
        let (sa, sb) = (Self::side(a, producers), Self::side(b, producers));
        if !self.g.stacked || !matches!((sa, sb), (Side::Producers | Side::Consumers, Side::Broker) | (Side::Broker, Side::Producers | Side::Consumers)) {
            return Some(Route::new(&[p, q]));
        }
        let (client, broker, side) = if sb == Side::Broker { (p, q, sa) } else { (q, p, sb) };
        let lane = if side == Side::Producers { client.1 + 14.0 } else { client.1 - 14.0 };
        let bus = self.g.bus_x;
        let r = Route::new(&[client, (bus, lane), (bus, broker.1), broker]);
        Some(if sb == Side::Broker { r } else { r.reversed() })
    }

    /// The x of the left edge of offset `o` on a partition's strip.
    pub fn offset_x(&self, tp: Tp, o: u64) -> f64 {
        self.g.strip_x0 + o as f64 * self.cell_w.get(&tp).copied().unwrap_or(10.0)
    }

    pub fn cell_w(&self, tp: Tp) -> f64 {
        self.cell_w.get(&tp).copied().unwrap_or(10.0)
    }
}

/// A point along a route at progress `f` (0..1), at an even pace along its length.
pub fn along(route: &Route, f: f64) -> (f64, f64) {
    let f = f.clamp(0.0, 1.0);
    let pts = route.points();
    let seg = |i: usize| ((pts[i + 1].0 - pts[i].0).powi(2) + (pts[i + 1].1 - pts[i].1).powi(2)).sqrt();
    let total: f64 = (0..pts.len().saturating_sub(1)).map(seg).sum();
    if pts.len() < 2 || total <= 0.0 {
        return pts.first().copied().unwrap_or((0.0, 0.0));
    }
    let mut left = f * total;
    for i in 0..pts.len() - 1 {
        let s = seg(i);
        if left <= s || i == pts.len() - 2 {
            let g = if s > 0.0 { (left / s).min(1.0) } else { 1.0 };
            let (a, b) = (pts[i], pts[i + 1]);
            return (a.0 + (b.0 - a.0) * g, a.1 + (b.1 - a.1) * g);
        }
        left -= s;
    }
    pts[pts.len() - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(r: &Rect, (x, y): (f64, f64)) -> bool {
        x >= r.x - 0.01 && x <= r.x + r.w + 0.01 && y >= r.y - 0.01 && y <= r.y + r.h + 0.01
    }

    #[test]
    fn every_node_of_the_default_run_has_a_box_and_every_replica_a_row() {
        let run = RunData::new(&crate::defaults::scenario(), || 0.0).expect("runs");
        for g in [WIDE, STACKED] {
            let l = Layout::new(&run, g);
            assert_eq!(l.brokers.len(), 3);
            assert!(l.brokers.iter().all(|b| b.rows.len() == 3), "RF 3 on 3 brokers: every broker holds every partition");
            let (np, nc) = (run.out.cfg.producers.len(), run.out.cfg.consumers.len());
            for f in &run.tl.flights {
                let r = l.route(f.from, f.to, np, nc).unwrap_or_else(|| panic!("{:?} -> {:?}", f.from, f.to));
                // A message leaves from its sender's box and arrives at its receiver's.
                let (a, b) = (l.node_rect(f.from, np, nc).unwrap(), l.node_rect(f.to, np, nc).unwrap());
                let ends = |n: Node| matches!(n, Node::Controller | Node::Coordinator);
                assert!(ends(f.from) || inside(a, along(&r, 0.0)) || along(&r, 0.0).0 == g.spine_x, "{:?} starts at its box", f.from);
                assert!(ends(f.to) || inside(b, along(&r, 1.0)) || along(&r, 1.0).0 == g.spine_x, "{:?} ends at its box", f.to);
            }
            assert!(l.brokers.windows(2).all(|w| w[0].rect.y + w[0].rect.h < w[1].rect.y));
            // Everything fits in the view box.
            let all = l.brokers.iter().map(|b| &b.rect).chain(&l.producers).chain(l.right.iter().map(|r| &r.1)).chain([&l.controller, &l.coordinator]);
            for r in all {
                assert!(r.x >= 0.0 && r.x + r.w <= g.w && r.y >= 0.0 && r.y + r.h <= l.h, "{r:?} inside {}×{}", g.w, l.h);
            }
        }
    }

    #[test]
    fn stacked_puts_producers_above_the_brokers_and_consumers_below() {
        let mut s = crate::defaults::scenario();
        s.producers.push(ackademy_engine::scenario::Producer { id: "p2".into(), ..s.producers[0].clone() });
        s.producers.push(ackademy_engine::scenario::Producer { id: "p3".into(), ..s.producers[0].clone() });
        let run = RunData::new(&s, || 0.0).expect("runs");
        let l = Layout::new(&run, STACKED);
        let first = l.brokers.first().unwrap().rect.y;
        let last = l.brokers.last().map(|b| b.rect.y + b.rect.h).unwrap();
        assert_eq!(l.producers.len(), 3);
        assert!(l.producers.iter().all(|r| r.y + r.h < first), "producers on top");
        assert!(l.producers[0].y == l.producers[1].y && l.producers[2].y > l.producers[0].y, "two a row");
        assert!(!l.right.is_empty() && l.right.iter().all(|r| r.1.y > last), "consumers below");
        // A produce request goes down the bus and into the broker's left side.
        let route = l.route(Node::Producer(0, 0), Node::Broker(2), 3, run.out.cfg.consumers.len()).unwrap();
        let pts = route.points();
        assert_eq!(pts.len(), 4);
        assert_eq!((pts[1].0, pts[2].0), (STACKED.bus_x, STACKED.bus_x));
        assert_eq!(pts[3], (STACKED.broker_x0, l.brokers[2].rect.cy()));
        // The response comes back the same way.
        let back = l.route(Node::Broker(2), Node::Producer(0, 0), 3, run.out.cfg.consumers.len()).unwrap();
        assert_eq!(back.points().iter().rev().copied().collect::<Vec<_>>(), pts.to_vec());
    }

    #[test]
    fn along_moves_at_an_even_pace() {
        let r = Route::new(&[(0.0, 0.0), (0.0, 30.0), (10.0, 30.0)]);
        assert_eq!(along(&r, 0.0), (0.0, 0.0));
        assert_eq!(along(&r, 0.5), (0.0, 20.0));
        assert_eq!(along(&r, 0.9), (6.0, 30.0));
        assert_eq!(along(&r, 1.0), (10.0, 30.0));
        assert_eq!(along(&Route::new(&[(4.0, 4.0), (4.0, 4.0)]), 0.5), (4.0, 4.0));
    }
}

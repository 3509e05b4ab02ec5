//! Where everything is drawn, in the cluster view's own coordinates (a fixed-width SVG
//! viewBox; the canvas for moving messages uses the same coordinates, scaled).

use crate::run::RunData;
use ackademy_engine::trace::Kind;
use ackademy_engine::types::{Node, Tp};
use std::collections::{BTreeMap, BTreeSet};

pub const W: f64 = 1000.0;
pub const PRODUCER_X0: f64 = 12.0;
pub const PRODUCER_X1: f64 = 172.0;
pub const BROKER_X0: f64 = 226.0;
pub const BROKER_X1: f64 = 778.0;
pub const SPINE_X: f64 = 806.0;
pub const CLIENT_X0: f64 = 848.0;
pub const CLIENT_X1: f64 = 988.0;
/// Where a replica's log strip starts and ends.
pub const STRIP_X0: f64 = 346.0;
pub const STRIP_X1: f64 = 766.0;
pub const ROW_H: f64 = 22.0;
pub const HEADER_H: f64 = 30.0;
pub const CELL_H: f64 = 14.0;
const BROKER_GAP: f64 = 16.0;
const TOP: f64 = 48.0;
pub const CLIENT_H: f64 = 76.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
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

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub h: f64,
    pub brokers: Vec<BrokerBox>,
    pub producers: Vec<Rect>,
    pub right: Vec<(RightKind, Rect)>,
    pub controller: Rect,
    pub coordinator: Rect,
    /// Cell width per partition, so that one offset is at one x on every replica.
    pub cell_w: BTreeMap<Tp, f64>,
}

impl Layout {
    pub fn new(run: &RunData) -> Layout {
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
        let mut brokers = Vec::with_capacity(nb);
        let mut y = TOP;
        for h in hosted {
            let rows: Vec<(Tp, f64)> = h.iter().enumerate().map(|(i, tp)| (*tp, y + HEADER_H + i as f64 * ROW_H)).collect();
            let height = HEADER_H + rows.len().max(1) as f64 * ROW_H + 8.0;
            brokers.push(BrokerBox { rect: Rect { x: BROKER_X0, y, w: BROKER_X1 - BROKER_X0, h: height }, rows });
            y += height + BROKER_GAP;
        }
        let brokers_bottom = y - BROKER_GAP;
        let coordinator = Rect { x: SPINE_X - 56.0, y: brokers_bottom + 14.0, w: 112.0, h: 24.0 };
        let controller = Rect { x: SPINE_X - 56.0, y: 10.0, w: 112.0, h: 24.0 };
        let mid = (TOP + brokers_bottom) / 2.0;
        let column = |n: usize| -> Vec<Rect> {
            let gap = 18.0;
            let total = n as f64 * CLIENT_H + n.saturating_sub(1) as f64 * gap;
            let y0 = (mid - total / 2.0).max(TOP);
            (0..n).map(|i| Rect { x: 0.0, y: y0 + i as f64 * (CLIENT_H + gap), w: 0.0, h: CLIENT_H }).collect()
        };
        let producers: Vec<Rect> = column(cfg.producers.len())
            .into_iter()
            .map(|r| Rect { x: PRODUCER_X0, w: PRODUCER_X1 - PRODUCER_X0, ..r })
            .collect();
        let kinds: Vec<RightKind> = (0..cfg.consumers.len())
            .map(RightKind::Consumer)
            .chain((0..cfg.processors.len()).map(RightKind::Processor))
            .collect();
        let right: Vec<(RightKind, Rect)> = kinds
            .into_iter()
            .zip(column(cfg.consumers.len() + cfg.processors.len()))
            .map(|(k, r)| (k, Rect { x: CLIENT_X0, w: CLIENT_X1 - CLIENT_X0, ..r }))
            .collect();
        let bottom = [
            coordinator.y + coordinator.h,
            producers.last().map_or(0.0, |r| r.y + r.h),
            right.last().map_or(0.0, |r| r.1.y + r.1.h),
        ]
        .into_iter()
        .fold(0.0, f64::max);
        let cell_w = ackademy_engine::sort::btree_map(run.partitions.iter().map(|tp| {
            let n = run.max_leo.get(tp).copied().unwrap_or(0).max(24) as f64;
            (*tp, ((STRIP_X1 - STRIP_X0) / n).min(14.0))
        }));
        Layout { h: bottom + 12.0, brokers, producers, right, controller, coordinator, cell_w }
    }

    fn right_index(&self, k: RightKind) -> Option<&Rect> {
        self.right.iter().find(|r| r.0 == k).map(|r| &r.1)
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
    pub fn port(&self, a: Node, b: Node, producers: usize, consumers: usize) -> Option<(f64, f64)> {
        let r = self.node_rect(a, producers, consumers)?;
        let other = self.node_rect(b, producers, consumers)?;
        Some(match a {
            Node::Broker(_) => {
                if other.x + other.w <= BROKER_X0 {
                    (BROKER_X0, r.cy())
                } else if other.x >= CLIENT_X0 {
                    (BROKER_X1, r.cy())
                } else {
                    (SPINE_X, r.cy())
                }
            }
            Node::Controller | Node::Coordinator => (SPINE_X, r.cy()),
            _ if r.x < BROKER_X0 => (r.x + r.w, r.cy()),
            _ => (r.x, r.cy()),
        })
    }

    /// The path a message follows from `a` to `b`: two or three points.
    pub fn route(&self, a: Node, b: Node, producers: usize, consumers: usize) -> Option<[(f64, f64); 3]> {
        let p = self.port(a, b, producers, consumers)?;
        let q = self.port(b, a, producers, consumers)?;
        // Inter-broker and controller traffic runs along the spine (both ports are on it);
        // client traffic goes straight.
        Some([p, ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0), q])
    }

    /// The x of the left edge of offset `o` on a partition's strip.
    pub fn offset_x(&self, tp: Tp, o: u64) -> f64 {
        STRIP_X0 + o as f64 * self.cell_w.get(&tp).copied().unwrap_or(10.0)
    }

    pub fn cell_w(&self, tp: Tp) -> f64 {
        self.cell_w.get(&tp).copied().unwrap_or(10.0)
    }
}

/// A point along a route at progress `f` (0..1).
pub fn along(route: &[(f64, f64); 3], f: f64) -> (f64, f64) {
    let f = f.clamp(0.0, 1.0);
    let (a, m, b) = (route[0], route[1], route[2]);
    if f < 0.5 {
        let g = f * 2.0;
        (a.0 + (m.0 - a.0) * g, a.1 + (m.1 - a.1) * g)
    } else {
        let g = (f - 0.5) * 2.0;
        (m.0 + (b.0 - m.0) * g, m.1 + (b.1 - m.1) * g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_of_the_default_run_has_a_box_and_every_replica_a_row() {
        let run = RunData::new(&crate::defaults::scenario(), || 0.0).expect("runs");
        let l = Layout::new(&run);
        assert_eq!(l.brokers.len(), 3);
        assert!(l.brokers.iter().all(|b| b.rows.len() == 3), "RF 3 on 3 brokers: every broker holds every partition");
        let (np, nc) = (run.out.cfg.producers.len(), run.out.cfg.consumers.len());
        for f in &run.tl.flights {
            assert!(l.route(f.from, f.to, np, nc).is_some(), "{:?} -> {:?}", f.from, f.to);
        }
        assert!(l.brokers.windows(2).all(|w| w[0].rect.y + w[0].rect.h < w[1].rect.y));
    }
}

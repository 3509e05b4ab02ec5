//! What the playground draws, derived from a finished run's trace and nothing else: the
//! cluster's state at any simulated time (replica logs, high watermarks, leaders, ISR,
//! committed offsets, who is up), the messages in flight at that time, and each message's
//! story. The UI renders these; it never re-implements Kafka's semantics.

use crate::clock::Time;
use crate::log::Control;
use crate::trace::{DropReason, Event, Kind, Wire};
use crate::txn_coordinator::TxnState;
use crate::types::{BrokerId, MsgId, Node, Tp};
use crate::config::Resolved;
use crate::RunOutput;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// One offset of a replica's log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub msg: Option<MsgId>,
    pub key: Option<u32>,
    pub leader_epoch: u32,
    pub transactional: bool,
    pub control: Option<Control>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicaView {
    pub cells: Vec<Cell>,
    pub hw: u64,
    pub leader: bool,
    pub epoch: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartitionView {
    pub leader: Option<BrokerId>,
    pub epoch: u32,
    pub isr: Vec<BrokerId>,
    pub unclean: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BrokerView {
    pub alive: bool,
    pub isolated: bool,
    pub fenced: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientState {
    #[default]
    Running,
    Paused,
    Down,
}

/// The cluster at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterState {
    pub t: Time,
    /// Index of the first event not yet applied.
    pub next_event: usize,
    pub brokers: Vec<BrokerView>,
    pub partitions: BTreeMap<Tp, PartitionView>,
    pub replicas: BTreeMap<(BrokerId, Tp), ReplicaView>,
    /// Committed offsets per (group name, partition).
    pub committed: BTreeMap<(Rc<str>, Tp), u64>,
    /// Producer and consumer instances by node, with their state.
    pub clients: BTreeMap<Node, ClientState>,
    /// Partitions assigned to each consumer instance.
    pub assignment: BTreeMap<Node, Vec<Tp>>,
    pub txns: BTreeMap<Rc<str>, TxnState>,
    pub acked: u64,
    pub applied: u64,
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub id: u64,
    pub from: Node,
    pub to: Node,
    pub sent: Time,
    pub arrive: Time,
    pub wire: Wire,
    /// When and why it was lost, if it was.
    pub dropped: Option<(Time, DropReason)>,
}

/// A finished run, ready to be looked at any moment.
pub struct Timeline {
    pub events: Vec<Event>,
    pub flights: Vec<Flight>,
    /// The state after every `CHECKPOINT_EVERY` events, made when first needed: a re-run
    /// pays only for the part of the run that is looked at.
    checkpoints: RefCell<Vec<ClusterState>>,
    names: Groups,
    pub end: Time,
}
/// Group names by consumer index (scenario consumers, then processors' consumers) and by
/// group index (in the order the engine creates groups).
struct Groups {
    of_consumer: Vec<Rc<str>>,
    by_index: Vec<Rc<str>>,
}

impl Groups {
    fn new(cfg: &crate::config::Resolved) -> Self {
        let of_consumer: Vec<Rc<str>> = cfg
            .consumers
            .iter()
            .map(|c| Rc::from(c.group.as_str()))
            .chain(cfg.processors.iter().map(|p| Rc::from(p.group.as_str())))
            .collect();
        let mut by_index: Vec<Rc<str>> = Vec::new();
        for g in &of_consumer {
            if !by_index.contains(g) {
                by_index.push(g.clone());
            }
        }
        Groups { of_consumer, by_index }
    }
}

const CHECKPOINT_EVERY: usize = 2000;

impl Timeline {
    /// A timeline of `out`, copying its trace. [`Timeline::from_events`] takes the trace
    /// instead (what the playground does on every re-run).
    pub fn new(out: &RunOutput) -> Self {
        Self::from_events(out.trace.events.clone(), &out.cfg, out.report.end_ms)
    }

    /// A timeline of a run's events (`RunOutput::trace.events`), its configuration and its
    /// end (`Report::end_ms`).
    pub fn from_events(events: Vec<Event>, cfg: &Resolved, end: Time) -> Self {
        let mut flights: Vec<Flight> = Vec::new();
        // Wire ids grow with time, so a lost message's flight is found by binary search.
        let mut sorted = true;
        let mut late: BTreeMap<u64, usize> = BTreeMap::new();
        for e in &events {
            match &e.kind {
                Kind::Net { id, from, to, arrive, wire } => {
                    if sorted && flights.last().is_some_and(|f| f.id >= *id) {
                        sorted = false;
                        late.extend(flights.iter().enumerate().map(|(i, f)| (f.id, i)));
                    }
                    if !sorted {
                        late.insert(*id, flights.len());
                    }
                    flights.push(Flight { id: *id, from: *from, to: *to, sent: e.t, arrive: *arrive, wire: *wire, dropped: None });
                }
                Kind::NetDrop { id, reason } => {
                    let i = if sorted { flights.binary_search_by_key(id, |f| f.id).ok() } else { late.get(id).copied() };
                    if let Some(i) = i {
                        flights[i].dropped = Some((e.t, *reason));
                    }
                }
                _ => {}
            }
        }
        let checkpoints = RefCell::new(vec![initial(cfg.cluster.brokers)]);
        Timeline { events, flights, checkpoints, names: Groups::new(cfg), end }
    }

    /// The state after every event at or before `t`.
    pub fn state_at(&self, t: Time) -> ClusterState {
        let upto = self.events.partition_point(|e| e.t <= t);
        let mut s = self.checkpoint_before(upto);
        for e in &self.events[s.next_event..upto] {
            apply(&mut s, e, &self.names);
        }
        s.next_event = upto;
        s.t = t;
        s
    }

    /// A copy of the last checkpoint at or before event `upto`, making the missing ones.
    fn checkpoint_before(&self, upto: usize) -> ClusterState {
        let k = upto / CHECKPOINT_EVERY;
        let mut cps = self.checkpoints.borrow_mut();
        while cps.len() <= k && cps.len() * CHECKPOINT_EVERY <= self.events.len() {
            let from = (cps.len() - 1) * CHECKPOINT_EVERY;
            let to = from + CHECKPOINT_EVERY;
            if to > self.events.len() {
                break;
            }
            let mut s = cps[cps.len() - 1].clone();
            for e in &self.events[from..to] {
                apply(&mut s, e, &self.names);
            }
            s.next_event = to;
            cps.push(s);
        }
        cps[k.min(cps.len() - 1)].clone()
    }

    /// Messages on the wire at `t` (sent, not yet arrived, not yet lost), with how far
    /// along they are (0..1).
    pub fn in_flight(&self, t: Time) -> Vec<(&Flight, f64)> {
        let upto = self.flights.partition_point(|f| f.sent <= t);
        self.flights[..upto]
            .iter()
            .rev()
            .take_while(|f| f.sent + 10_000 > t)
            .filter(|f| f.arrive > t && f.dropped.is_none_or(|(dt, _)| dt > t || dt == f.arrive))
            .map(|f| {
                let span = (f.arrive - f.sent).max(1) as f64;
                (f, ((t - f.sent) as f64 / span).clamp(0.0, 1.0))
            })
            .collect()
    }

    /// Times of the events that change what a learner sees (faults, elections,
    /// truncations, errors), for markers on the timeline.
    pub fn markers(&self) -> Vec<(Time, &Event)> {
        self.events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    Kind::BrokerCrash { .. }
                        | Kind::BrokerRestart { .. }
                        | Kind::Isolate { .. }
                        | Kind::Heal
                        | Kind::Leader { .. }
                        | Kind::Truncate { .. }
                        | Kind::ProducerCrash { .. }
                        | Kind::ProducerPause { .. }
                        | Kind::ConsumerCrash { .. }
                        | Kind::Rebalance { .. }
                        | Kind::Error { .. }
                )
            })
            .map(|e| (e.t, e))
            .collect()
    }

    /// The next event after `t` (for stepping).
    pub fn next_event_time(&self, t: Time) -> Option<Time> {
        let i = self.events.partition_point(|e| e.t <= t);
        self.events.get(i).map(|e| e.t)
    }

    /// Everything that happened to one message, in order.
    pub fn story(&self, m: MsgId) -> Vec<&Event> {
        let mut offsets: Vec<(Tp, u64, u64)> = Vec::new(); // (tp, base, end) of its appends
        let mut out = Vec::new();
        for e in &self.events {
            let hit = match &e.kind {
                Kind::Send { msg, .. }
                | Kind::Ack { msg, .. }
                | Kind::Fail { msg, .. }
                | Kind::Apply { msg, .. }
                | Kind::InboxSkip { msg, .. }
                | Kind::OutboxWrite { msg, .. }
                | Kind::OutboxMarked { msg, .. }
                | Kind::RelayError { msg, .. }
                | Kind::ProcessingFailed { msg, .. }
                | Kind::DeadLetter { msg, .. }
                | Kind::Forward { msg, .. } => *msg == m,
                Kind::Error { msg, .. } => *msg == Some(m),
                Kind::Append { tp, base_offset, records, control, .. } => {
                    let hit = control.is_none() && records.iter().any(|r| r.msg == m);
                    if hit {
                        offsets.push((*tp, *base_offset, base_offset + records.len() as u64));
                    }
                    hit
                }
                Kind::Truncate { tp, to, .. } => offsets.iter().any(|(t2, _, end)| t2 == tp && *end > *to),
                Kind::Leader { tp, .. } => offsets.iter().any(|(t2, _, _)| t2 == tp),
                Kind::Poll { records, .. } => records.iter().any(|r| r.2 == m),
                _ => false,
            };
            if hit {
                out.push(e);
            }
        }
        out
    }
}

fn initial(brokers: u32) -> ClusterState {
    ClusterState {
        brokers: (0..brokers).map(|_| BrokerView { alive: true, isolated: false, fenced: false }).collect(),
        ..Default::default()
    }
}

fn apply(s: &mut ClusterState, e: &Event, names: &Groups) {
    s.t = e.t;
    match &e.kind {
        Kind::BrokerCrash { b } => {
            s.brokers[*b as usize].alive = false;
            for ((rb, _), r) in s.replicas.iter_mut() {
                if rb == b {
                    r.leader = false;
                }
            }
        }
        Kind::BrokerRestart { b } => s.brokers[*b as usize].alive = true,
        Kind::Isolate { b } => s.brokers[*b as usize].isolated = true,
        Kind::Heal => s.brokers.iter_mut().for_each(|b| b.isolated = false),
        Kind::BrokerFenced { b } => s.brokers[*b as usize].fenced = true,
        Kind::BrokerUnfenced { b } => s.brokers[*b as usize].fenced = false,
        Kind::Leader { tp, leader, epoch, isr, unclean } => {
            s.partitions.insert(*tp, PartitionView { leader: *leader, epoch: *epoch, isr: isr.clone(), unclean: *unclean });
        }
        Kind::Isr { tp, isr } => {
            if let Some(p) = s.partitions.get_mut(tp) {
                p.isr = isr.clone();
            }
        }
        Kind::Role { b, tp, leader, epoch } => {
            let r = s.replicas.entry((*b, *tp)).or_default();
            r.leader = *leader;
            r.epoch = *epoch;
        }
        Kind::Append { b, tp, base_offset, epoch, transactional, control, records, .. } => {
            let r = s.replicas.entry((*b, *tp)).or_default();
            r.cells.truncate(*base_offset as usize);
            for rec in records.iter() {
                r.cells.push(Cell {
                    msg: if control.is_some() { None } else { Some(rec.msg) },
                    key: rec.key,
                    leader_epoch: *epoch,
                    transactional: *transactional,
                    control: *control,
                });
            }
        }
        Kind::Hw { b, tp, hw } => s.replicas.entry((*b, *tp)).or_default().hw = *hw,
        Kind::Truncate { b, tp, to, .. } => {
            let r = s.replicas.entry((*b, *tp)).or_default();
            r.cells.truncate(*to as usize);
            r.hw = r.hw.min(*to);
        }
        Kind::ProducerStart { p, inst } => {
            s.clients.insert(Node::Producer(*p, *inst), ClientState::Running);
        }
        Kind::ProducerCrash { p, inst } => {
            s.clients.insert(Node::Producer(*p, *inst), ClientState::Down);
        }
        Kind::ProducerPause { p, inst } => {
            s.clients.insert(Node::Producer(*p, *inst), ClientState::Paused);
        }
        Kind::ProducerResume { p, inst } => {
            s.clients.insert(Node::Producer(*p, *inst), ClientState::Running);
        }
        Kind::ConsumerStart { c, inst } => {
            s.clients.insert(Node::Consumer(*c, *inst), ClientState::Running);
        }
        Kind::ConsumerCrash { c, inst } => {
            s.clients.insert(Node::Consumer(*c, *inst), ClientState::Down);
            s.assignment.remove(&Node::Consumer(*c, *inst));
        }
        Kind::Assign { c, inst, partitions, .. } => {
            s.assignment.insert(Node::Consumer(*c, *inst), partitions.clone());
        }
        Kind::Commit { c, offsets, ok: true, .. } => {
            if let Some(g) = names.of_consumer.get(*c as usize) {
                for (tp, o) in offsets {
                    s.committed.insert((g.clone(), *tp), *o);
                }
            }
        }
        Kind::TxnOffsetsCommitted { group, tp, offset } => {
            if let Some(g) = names.by_index.get(*group as usize) {
                s.committed.insert((g.clone(), *tp), *offset);
            }
        }
        Kind::Txn { tid, state, .. } => {
            s.txns.insert(tid.clone(), *state);
        }
        Kind::Ack { .. } | Kind::OutboxWrite { .. } => s.acked += 1,
        Kind::Apply { .. } => s.applied += 1,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"{"version":1,"seed":3,
      "topics":[{"name":"orders","partitions":2,"replication.factor":3,"min.insync.replicas":2}],
      "producers":[{"id":"p1","topic":"orders","messages":3000,"keys":4,"interval_ms":1}],
      "consumers":[{"id":"c1","group":"g1","topic":"orders","config":{"auto.offset.reset":"earliest"}}],
      "faults":[{"at_ms":1000,"kind":"crash_broker","broker":0}]}"#;

    #[test]
    fn checkpoints_give_the_same_state_as_a_full_replay() {
        let out = crate::run_json(SCENARIO).expect("valid");
        let tl = Timeline::new(&out);
        assert!(tl.events.len() > CHECKPOINT_EVERY * 2, "enough events to use checkpoints");
        let names = Groups::new(&out.cfg);
        for t in [0, 999, 1000, 5000, tl.end] {
            let mut s = initial(out.cfg.cluster.brokers);
            let upto = tl.events.partition_point(|e| e.t <= t);
            for e in &tl.events[..upto] {
                apply(&mut s, e, &names);
            }
            s.next_event = upto;
            s.t = t;
            assert_eq!(tl.state_at(t), s, "at {t}");
        }
    }

    #[test]
    fn checkpoints_made_on_demand_in_any_order_agree() {
        let out = crate::run_json(SCENARIO).expect("valid");
        let copied = Timeline::new(&out);
        let taken = Timeline::from_events(out.trace.events.clone(), &out.cfg, out.report.end_ms);
        assert_eq!(copied.flights, taken.flights);
        // Backwards on one timeline (every checkpoint made at once), forwards on the other.
        let times = [copied.end, 5000, 1000, 999, 0];
        let backwards: Vec<_> = times.iter().map(|&t| copied.state_at(t)).collect();
        let forwards: Vec<_> = times.iter().rev().map(|&t| taken.state_at(t)).collect();
        assert!(backwards.iter().eq(forwards.iter().rev()));
        assert_eq!(copied.checkpoints.borrow().len(), copied.events.len() / CHECKPOINT_EVERY + 1);
    }

    #[test]
    fn lost_messages_are_found_whatever_the_order_of_wire_ids() {
        let net = |t: Time, id: u64| Event {
            t,
            kind: Kind::Net { id, from: Node::Broker(0), to: Node::Broker(1), arrive: t + 10, wire: Wire::Heartbeat },
        };
        let drop = |t: Time, id: u64| Event { t, kind: Kind::NetDrop { id, reason: DropReason::LinkCut } };
        let cfg = crate::resolve(&crate::parse_scenario(r#"{"version":1}"#).expect("valid")).expect("resolves");
        for ids in [[1, 2, 3], [5, 3, 4]] {
            let events = vec![net(0, ids[0]), net(1, ids[1]), net(2, ids[2]), drop(3, ids[1]), drop(4, 99)];
            let tl = Timeline::from_events(events, &cfg, 20);
            let dropped: Vec<bool> = tl.flights.iter().map(|f| f.dropped.is_some()).collect();
            assert_eq!(dropped, [false, true, false], "ids {ids:?}");
        }
    }

    #[test]
    fn the_end_state_holds_every_message_and_the_crash() {
        let out = crate::run_json(SCENARIO).expect("valid");
        let tl = Timeline::new(&out);
        let s = tl.state_at(tl.end);
        assert!(!s.brokers[0].alive);
        let total: usize = s
            .partitions
            .iter()
            .map(|(tp, p)| s.replicas[&(p.leader.expect("leader"), *tp)].cells.len())
            .sum();
        assert_eq!(total, 3000);
        assert_eq!(s.acked, 3000);
        assert!(tl.in_flight(500).iter().all(|(f, x)| f.sent <= 500 && f.arrive > 500 && (0.0..=1.0).contains(x)));
        assert!(!tl.in_flight(500).is_empty());
    }
}

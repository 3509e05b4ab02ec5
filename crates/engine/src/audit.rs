//! The audit: an independent oracle that judges a run only from its recorded history
//! (sends, acks, failures, appends, truncations, leader changes, polls, applies) and never
//! from the engine's own state or counters. It rebuilds every replica's log from appends
//! and truncations, follows each message id to its effects, and names what went wrong with
//! the contract's report fields and Jepsen's Kafka anomaly names.

use crate::config::Resolved;
use crate::log::Control;
use crate::trace::{Event, Kind};
use crate::types::{BrokerId, MsgId, Node, Tp};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many entries of `errors` are listed (the count is always complete).
pub const MAX_LISTED_ERRORS: usize = 1000;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Anomalies {
    pub unseen: u64,
    #[serde(rename = "lost-write")]
    pub lost_write: u64,
    pub duplicate: u64,
    #[serde(rename = "inconsistent-offsets")]
    pub inconsistent_offsets: u64,
    #[serde(rename = "G1a")]
    pub g1a: u64,
    #[serde(rename = "nonmonotonic-send")]
    pub nonmonotonic_send: u64,
    #[serde(rename = "poll-skip")]
    pub poll_skip: u64,
    #[serde(rename = "nonmonotonic-poll")]
    pub nonmonotonic_poll: u64,
}

/// End-to-end latency: from the application's send (or outbox write) to the first
/// application of the message's effect, over the messages that were applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Latency {
    pub p50: u64,
    pub p99: u64,
    pub max: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportError {
    pub at_ms: u64,
    pub who: String,
    pub error: String,
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    pub in_log: u64,
    pub duplicated_in_log: u64,
    pub consumed: u64,
    pub duplicated: u64,
    pub lost: u64,
    pub reordered: u64,
    pub aborted_read: u64,
    pub dead_lettered: u64,
    pub verdict: String,
    pub errors: Vec<ReportError>,
    pub errors_total: u64,
    pub anomalies: Anomalies,
    pub latency_ms: Latency,
    pub trace_hash: String,
    pub end_ms: u64,
}

/// The message ids behind each count, for the UI to list.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    pub lost: BTreeSet<MsgId>,
    pub duplicated: BTreeSet<MsgId>,
    pub reordered: BTreeSet<MsgId>,
    pub aborted_read: BTreeSet<MsgId>,
    pub duplicated_in_log: BTreeSet<MsgId>,
}

/// One replica's log as rebuilt from the history: offset -> (message, producer id,
/// transactional, control).
#[derive(Clone, Debug, Default)]
struct RebuiltLog {
    entries: BTreeMap<u64, (Option<MsgId>, i64, bool, Option<Control>)>,
}

impl RebuiltLog {
    /// Offsets whose records belong to transactions that were aborted, or are still open.
    fn not_committed(&self) -> BTreeSet<u64> {
        let mut open: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
        let mut out = BTreeSet::new();
        for (&off, &(_, pid, txn, control)) in &self.entries {
            match control {
                Some(Control::Commit) => {
                    open.remove(&pid);
                }
                Some(Control::Abort) => {
                    out.extend(open.remove(&pid).unwrap_or_default());
                }
                None if txn => open.entry(pid).or_default().push(off),
                None => {}
            }
        }
        for v in open.into_values() {
            out.extend(v);
        }
        out
    }

    fn aborted(&self) -> BTreeSet<u64> {
        let mut open: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
        let mut out = BTreeSet::new();
        for (&off, &(_, pid, txn, control)) in &self.entries {
            match control {
                Some(Control::Commit) => {
                    open.remove(&pid);
                }
                Some(Control::Abort) => out.extend(open.remove(&pid).unwrap_or_default()),
                None if txn => open.entry(pid).or_default().push(off),
                None => {}
            }
        }
        out
    }
}

pub fn msg_name(cfg: &Resolved, m: MsgId) -> String {
    format!("{}-{}", cfg.producers[m.producer as usize].id, m.index)
}

/// Names as the scenario gives them. Processors' own consumers and producers come after
/// the scenario's, in processor order.
pub fn node_name(cfg: &Resolved, n: Node) -> String {
    let processor = |k: usize| cfg.processors.get(k).map(|p| p.id.clone()).unwrap_or_default();
    match n {
        Node::Broker(b) => format!("broker {b}"),
        Node::Controller => "controller".into(),
        Node::Producer(p, _) => match cfg.producers.get(p as usize) {
            Some(x) => x.id.clone(),
            None => processor(p as usize - cfg.producers.len()),
        },
        Node::Consumer(c, _) => match cfg.consumers.get(c as usize) {
            Some(x) => x.id.clone(),
            None => processor(c as usize - cfg.consumers.len()),
        },
        Node::Processor(p, _) => cfg.processors[p as usize].id.clone(),
        Node::Coordinator => "coordinator".into(),
    }
}

/// Judges a run from its history.
pub fn audit(cfg: &Resolved, events: &[Event], trace_hash: String, end_ms: u64) -> (Report, Findings) {
    let mut sent = BTreeSet::new();
    let mut sent_at: BTreeMap<MsgId, u64> = BTreeMap::new();
    let mut applied_at: BTreeMap<MsgId, u64> = BTreeMap::new();
    let mut acked = BTreeSet::new();
    let mut failed = BTreeSet::new();
    let mut ack_offsets: Vec<(MsgId, u16, Tp, Option<u64>)> = Vec::new();
    let mut logs: BTreeMap<(BrokerId, Tp), RebuiltLog> = BTreeMap::new();
    let mut leader: BTreeMap<Tp, BrokerId> = BTreeMap::new();
    let mut hw: BTreeMap<(BrokerId, Tp), u64> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut errors_total = 0u64;
    let mut dead_lettered: BTreeSet<MsgId> = BTreeSet::new();
    // (consumer, instance, generation, tp) -> offsets read, in order
    let mut reads: BTreeMap<(u16, u16, u32, Tp), Vec<u64>> = BTreeMap::new();
    let mut read_at: BTreeMap<(Tp, u64), BTreeSet<MsgId>> = BTreeMap::new();
    let mut read_msgs: BTreeSet<MsgId> = BTreeSet::new();
    let mut max_read: BTreeMap<Tp, u64> = BTreeMap::new();
    // per group: applies in order (msg, tp, offset)
    let mut applies: BTreeMap<String, Vec<(MsgId, Tp, u64)>> = BTreeMap::new();

    for e in events {
        match &e.kind {
            Kind::Send { msg, .. } => {
                sent.insert(*msg);
                sent_at.entry(*msg).or_insert(e.t);
            }
            Kind::OutboxWrite { msg, .. } => {
                // The application's own database told it success.
                sent.insert(*msg);
                sent_at.entry(*msg).or_insert(e.t);
                acked.insert(*msg);
            }
            Kind::DeadLetter { msg, .. } => {
                dead_lettered.insert(*msg);
            }
            Kind::Ack { inst, msg, tp, offset, .. } => {
                acked.insert(*msg);
                ack_offsets.push((*msg, *inst, *tp, *offset));
            }
            Kind::Fail { msg, .. } => {
                failed.insert(*msg);
            }
            Kind::Append { b, tp, base_offset, producer_id, transactional, control, records, .. } => {
                let log = logs.entry((*b, *tp)).or_default();
                for (k, r) in records.iter().enumerate() {
                    let msg = if control.is_some() { None } else { Some(r.msg) };
                    log.entries.insert(base_offset + k as u64, (msg, *producer_id, *transactional, *control));
                }
            }
            Kind::Truncate { b, tp, to, .. } => {
                if let Some(log) = logs.get_mut(&(*b, *tp)) {
                    log.entries.split_off(to);
                }
                if let Some(h) = hw.get_mut(&(*b, *tp)) {
                    *h = (*h).min(*to);
                }
            }
            Kind::Hw { b, tp, hw: h } => {
                hw.insert((*b, *tp), *h);
            }
            Kind::Leader { tp, leader: Some(l), .. } => {
                leader.insert(*tp, *l);
            }
            Kind::Poll { c, inst, generation, records } => {
                for &(tp, off, msg) in records {
                    reads.entry((*c, *inst, *generation, tp)).or_default().push(off);
                    read_at.entry((tp, off)).or_default().insert(msg);
                    read_msgs.insert(msg);
                    let m = max_read.entry(tp).or_insert(0);
                    *m = (*m).max(off);
                }
            }
            Kind::Apply { c, msg, tp, offset, .. } => {
                let Some(consumer) = cfg.consumers.get(*c as usize) else { continue };
                applied_at.entry(*msg).or_insert(e.t);
                let group = consumer.group.clone();
                applies.entry(group).or_default().push((*msg, *tp, *offset));
            }
            Kind::Error { who, error, msg } => {
                errors_total += 1;
                if errors.len() < MAX_LISTED_ERRORS {
                    errors.push(ReportError {
                        at_ms: e.t,
                        who: node_name(cfg, *who),
                        error: error.name().to_string(),
                        message: msg.map(|m| msg_name(cfg, m)),
                    });
                }
            }
            _ => {}
        }
    }

    // The final log of each partition: its last leader's, up to that leader's HW.
    let mut final_logs: BTreeMap<Tp, (RebuiltLog, u64)> = BTreeMap::new();
    for (tp, l) in &leader {
        let log = logs.get(&(*l, *tp)).cloned().unwrap_or_default();
        let end = log.entries.keys().next_back().map(|o| o + 1).unwrap_or(0);
        let h = hw.get(&(*l, *tp)).copied().unwrap_or(0).min(end);
        final_logs.insert(*tp, (log, h));
    }
    let mut in_log = BTreeSet::new();
    let mut positions: BTreeMap<MsgId, BTreeSet<(Tp, u64)>> = BTreeMap::new();
    let mut aborted_at: BTreeSet<(Tp, u64)> = BTreeSet::new();
    let mut visible_data: BTreeSet<(Tp, u64)> = BTreeSet::new();
    for (tp, (log, h)) in &final_logs {
        let not_committed = log.not_committed();
        for o in log.aborted() {
            aborted_at.insert((*tp, o));
        }
        for (&off, &(msg, _, _, _)) in log.entries.range(..*h) {
            let Some(m) = msg else { continue };
            if not_committed.contains(&off) {
                continue;
            }
            visible_data.insert((*tp, off));
            in_log.insert(m);
            positions.entry(m).or_default().insert((*tp, off));
        }
    }
    // Stored at more than one offset of one topic (a processor's output or a dead letter
    // is the same id in another topic, not a duplicate).
    let duplicated_in_log: BTreeSet<MsgId> = positions
        .iter()
        .filter(|(_, s)| more_than_once_in_a_topic(s))
        .map(|(m, _)| *m)
        .collect();

    // Effects, per group.
    let mut consumed = BTreeSet::new();
    let mut duplicated = BTreeSet::new();
    let mut aborted_read = BTreeSet::new();
    let mut reordered = BTreeSet::new();
    let mut applied_by: BTreeMap<&str, BTreeSet<MsgId>> = BTreeMap::new();
    for (group, list) in &applies {
        let mut seen: BTreeSet<MsgId> = BTreeSet::new();
        let mut order: Vec<MsgId> = Vec::new();
        for &(m, tp, off) in list {
            consumed.insert(m);
            if aborted_at.contains(&(tp, off)) {
                aborted_read.insert(m);
            }
            if !seen.insert(m) {
                duplicated.insert(m);
            } else {
                order.push(m);
            }
        }
        // Per (producer, key): a message applied before one of its key sent earlier.
        let mut by_key: BTreeMap<(u16, u32), Vec<u32>> = BTreeMap::new();
        for m in &order {
            if let Some(k) = key_of(cfg, *m) {
                by_key.entry((m.producer, k)).or_default().push(m.index);
            }
        }
        for ((p, _), idxs) in by_key {
            let mut min_after = u32::MAX;
            for &ix in idxs.iter().rev() {
                if min_after < ix {
                    reordered.insert(MsgId { producer: p, index: ix });
                }
                min_after = min_after.min(ix);
            }
        }
        applied_by.insert(group.as_str(), seen);
    }

    // Loss: acked, not dead-lettered, and never applied by some group that should apply it.
    let mut lost = BTreeSet::new();
    let empty = BTreeSet::new();
    for &m in &acked {
        let topic = cfg.producers[m.producer as usize].topic;
        let groups = terminal_groups(cfg, topic);
        if groups.is_empty() {
            if !in_log.contains(&m) {
                lost.insert(m);
            }
            continue;
        }
        if dead_lettered.contains(&m) {
            continue;
        }
        if groups.iter().any(|g| !applied_by.get(g.as_str()).unwrap_or(&empty).contains(&m)) {
            lost.insert(m);
        }
    }

    let anomalies = jepsen_anomalies(
        &acked,
        &ack_offsets,
        &reads,
        &read_at,
        &read_msgs,
        &max_read,
        &positions,
        &final_logs,
        &visible_data,
        aborted_read.len() as u64,
    );

    let mut latencies: Vec<u64> = applied_at
        .iter()
        .filter_map(|(m, &t)| sent_at.get(m).map(|&s| t.saturating_sub(s)))
        .collect();
    latencies.sort_unstable();
    let pct = |q: usize| latencies.get((latencies.len().saturating_sub(1)) * q / 100).copied().unwrap_or(0);
    let latency_ms = Latency { p50: pct(50), p99: pct(99), max: latencies.last().copied().unwrap_or(0) };

    let verdict = match (!lost.is_empty(), !duplicated.is_empty() || !aborted_read.is_empty()) {
        (false, false) => "exactly-once",
        (false, true) => "at-least-once",
        (true, false) => "at-most-once",
        (true, true) => "none",
    };
    let report = Report {
        sent: sent.len() as u64,
        acked: acked.len() as u64,
        failed: failed.len() as u64,
        in_log: in_log.len() as u64,
        duplicated_in_log: duplicated_in_log.len() as u64,
        consumed: consumed.len() as u64,
        duplicated: duplicated.len() as u64,
        lost: lost.len() as u64,
        reordered: reordered.len() as u64,
        aborted_read: aborted_read.len() as u64,
        dead_lettered: dead_lettered.len() as u64,
        verdict: verdict.to_string(),
        errors,
        errors_total,
        anomalies,
        latency_ms,
        trace_hash,
        end_ms,
    };
    let findings = Findings { lost, duplicated, reordered, aborted_read, duplicated_in_log };
    (report, findings)
}

fn more_than_once_in_a_topic(s: &BTreeSet<(Tp, u64)>) -> bool {
    let mut topics = BTreeSet::new();
    s.iter().any(|(tp, _)| !topics.insert(tp.topic)) && s.len() > 1
}

fn key_of(cfg: &Resolved, m: MsgId) -> Option<u32> {
    let keys = cfg.producers[m.producer as usize].keys;
    (keys > 0).then(|| m.index % keys)
}

/// Groups that must apply a message written to `topic`: consumer groups of the topic and,
/// through stream processors, those of the topics they write to.
fn terminal_groups(cfg: &Resolved, topic: usize) -> Vec<String> {
    let mut out = BTreeSet::new();
    let mut todo = vec![topic];
    let mut seen = BTreeSet::new();
    while let Some(t) = todo.pop() {
        if !seen.insert(t) {
            continue;
        }
        for c in &cfg.consumers {
            if c.topic == t {
                out.insert(c.group.clone());
            }
        }
        for p in &cfg.processors {
            if p.from == t {
                todo.push(p.to);
            }
        }
    }
    out.into_iter().collect()
}

#[allow(clippy::too_many_arguments)]
fn jepsen_anomalies(
    acked: &BTreeSet<MsgId>,
    ack_offsets: &[(MsgId, u16, Tp, Option<u64>)],
    reads: &BTreeMap<(u16, u16, u32, Tp), Vec<u64>>,
    read_at: &BTreeMap<(Tp, u64), BTreeSet<MsgId>>,
    read_msgs: &BTreeSet<MsgId>,
    max_read: &BTreeMap<Tp, u64>,
    positions: &BTreeMap<MsgId, BTreeSet<(Tp, u64)>>,
    final_logs: &BTreeMap<Tp, (RebuiltLog, u64)>,
    visible_data: &BTreeSet<(Tp, u64)>,
    g1a: u64,
) -> Anomalies {
    let mut a = Anomalies { g1a, ..Default::default() };
    let any_reads = !reads.is_empty();
    // unseen / lost-write
    let mut ack_pos: BTreeMap<MsgId, (Tp, u64)> = BTreeMap::new();
    for &(m, _, tp, off) in ack_offsets {
        if let Some(o) = off {
            ack_pos.insert(m, (tp, o));
        }
    }
    if any_reads {
        for m in acked {
            if read_msgs.contains(m) {
                continue;
            }
            a.unseen += 1;
            if let Some((tp, o)) = ack_pos.get(m) {
                if max_read.get(tp).is_some_and(|mx| mx > o) {
                    a.lost_write += 1;
                }
            }
        }
    }
    // duplicate: one value at more than one offset (final logs and reads)
    let mut at: BTreeMap<MsgId, BTreeSet<(Tp, u64)>> = positions.clone();
    for (&(tp, off), ms) in read_at {
        for m in ms {
            at.entry(*m).or_default().insert((tp, off));
        }
    }
    a.duplicate = at.values().filter(|s| more_than_once_in_a_topic(s)).count() as u64;
    // inconsistent-offsets: one offset holding different values (acks, reads, final logs)
    let mut values: BTreeMap<(Tp, u64), BTreeSet<MsgId>> = read_at.clone();
    for (&m, &(tp, o)) in &ack_pos {
        values.entry((tp, o)).or_default().insert(m);
    }
    for (tp, (log, h)) in final_logs {
        for (&off, &(msg, ..)) in log.entries.range(..*h) {
            if let Some(m) = msg {
                values.entry((*tp, off)).or_default().insert(m);
            }
        }
    }
    a.inconsistent_offsets = values.values().filter(|s| s.len() > 1).count() as u64;
    // nonmonotonic-send: per producer instance and partition, offsets in send order
    let mut sends: BTreeMap<(u16, u16, Tp), Vec<(u32, u64)>> = BTreeMap::new();
    for &(m, inst, tp, off) in ack_offsets {
        if let Some(o) = off {
            sends.entry((m.producer, inst, tp)).or_default().push((m.index, o));
        }
    }
    for v in sends.values_mut() {
        v.sort();
        let mut max = None;
        for &(_, o) in v.iter() {
            if max.is_some_and(|mx| o < mx) {
                a.nonmonotonic_send += 1;
            }
            max = Some(max.map_or(o, |mx: u64| mx.max(o)));
        }
    }
    // poll-skip / nonmonotonic-poll: consecutive reads of one consumer in one generation
    for ((_, _, _, tp), offs) in reads {
        for w in offs.windows(2) {
            let (o1, o2) = (w[0], w[1]);
            if o2 <= o1 {
                a.nonmonotonic_poll += 1;
            } else if o2 > o1 + 1 && visible_data.range((*tp, o1 + 1)..(*tp, o2)).next().is_some() {
                a.poll_skip += 1;
            }
        }
    }
    a
}

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

/// Dense numbering of message ids: producer bases and per-message slots.
struct Ids {
    base: Vec<usize>,
    total: usize,
}

impl Ids {
    fn new(cfg: &Resolved) -> Self {
        let mut base = Vec::with_capacity(cfg.producers.len());
        let mut total = 0usize;
        for p in &cfg.producers {
            base.push(total);
            total += p.messages as usize;
        }
        Ids { base, total }
    }

    fn of(&self, m: MsgId) -> Option<usize> {
        let b = *self.base.get(m.producer as usize)?;
        let i = b + m.index as usize;
        let end = self.base.get(m.producer as usize + 1).copied().unwrap_or(self.total);
        (i < end).then_some(i)
    }

    fn msg(&self, i: usize) -> MsgId {
        let p = self.base.partition_point(|&b| b <= i) - 1;
        MsgId { producer: p as u16, index: (i - self.base[p]) as u32 }
    }
}

/// One offset of a rebuilt log.
#[derive(Clone, Copy, Debug)]
struct Slot {
    msg: Option<MsgId>,
    pid: i64,
    txn: bool,
    control: Option<Control>,
}

/// One replica's log as rebuilt from the history (offsets are contiguous from 0).
#[derive(Clone, Debug, Default)]
struct RebuiltLog {
    slots: Vec<Slot>,
}

impl RebuiltLog {
    /// Offsets of records in transactions that were aborted, and of records in
    /// transactions that never ended.
    fn transaction_outcomes(&self) -> (BTreeSet<u64>, BTreeSet<u64>) {
        let mut open: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
        let mut aborted = BTreeSet::new();
        for (off, s) in self.slots.iter().enumerate() {
            match s.control {
                Some(Control::Commit) => {
                    open.remove(&s.pid);
                }
                Some(Control::Abort) => aborted.extend(open.remove(&s.pid).unwrap_or_default()),
                None if s.txn => open.entry(s.pid).or_default().push(off as u64),
                None => {}
            }
        }
        let still_open = crate::sort::btree_set(open.into_values().flatten());
        (aborted, still_open)
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
        Node::Processor(p, _) => processor(p as usize),
        Node::Coordinator => "coordinator".into(),
    }
}

/// Values seen at the offsets of one partition: the first message seen there, and
/// whether another one was seen there too.
#[derive(Default)]
struct OffsetValues {
    first: Vec<Option<MsgId>>,
    conflict: Vec<bool>,
}

impl OffsetValues {
    fn see(&mut self, off: u64, m: MsgId) {
        let o = off as usize;
        if self.first.len() <= o {
            self.first.resize(o + 1, None);
            self.conflict.resize(o + 1, false);
        }
        match self.first[o] {
            None => self.first[o] = Some(m),
            Some(x) if x != m => self.conflict[o] = true,
            Some(_) => {}
        }
    }
}

/// Judges a run from its history.
pub fn audit(cfg: &Resolved, events: &[Event], trace_hash: String, end_ms: u64) -> (Report, Findings) {
    let ids = Ids::new(cfg);
    let n = ids.total;
    let mut sent = vec![false; n];
    let mut acked = vec![false; n];
    let mut failed = vec![false; n];
    let mut sent_at = vec![u64::MAX; n];
    let mut applied_at = vec![u64::MAX; n];
    let mut read = vec![false; n];
    let mut dead_lettered = vec![false; n];
    let mut ack_offsets: Vec<(MsgId, u16, Tp, Option<u64>)> = Vec::new();
    let mut logs: BTreeMap<(BrokerId, Tp), RebuiltLog> = BTreeMap::new();
    let mut leader: BTreeMap<Tp, BrokerId> = BTreeMap::new();
    let mut hw: BTreeMap<(BrokerId, Tp), u64> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut errors_total = 0u64;
    // (consumer, instance, generation, tp) -> offsets read, in order
    let mut reads: BTreeMap<(u16, u16, u32, Tp), Vec<u64>> = BTreeMap::new();
    let mut read_values: BTreeMap<Tp, OffsetValues> = BTreeMap::new();
    let mut read_list: Vec<(Tp, u64, MsgId)> = Vec::new();
    let mut max_read: BTreeMap<Tp, u64> = BTreeMap::new();
    // per group: applies in order (msg, tp, offset)
    let mut applies: BTreeMap<&str, Vec<(MsgId, Tp, u64)>> = BTreeMap::new();

    for e in events {
        match &e.kind {
            Kind::Send { msg, .. } => {
                if let Some(i) = ids.of(*msg) {
                    sent[i] = true;
                    sent_at[i] = sent_at[i].min(e.t);
                }
            }
            Kind::OutboxWrite { msg, .. } => {
                // The application's own database told it success.
                if let Some(i) = ids.of(*msg) {
                    sent[i] = true;
                    acked[i] = true;
                    sent_at[i] = sent_at[i].min(e.t);
                }
            }
            Kind::DeadLetter { msg, .. } => {
                if let Some(i) = ids.of(*msg) {
                    dead_lettered[i] = true;
                }
            }
            Kind::Ack { inst, msg, tp, offset, .. } => {
                if let Some(i) = ids.of(*msg) {
                    acked[i] = true;
                    ack_offsets.push((*msg, *inst, *tp, *offset));
                }
            }
            Kind::Fail { msg, .. } => {
                if let Some(i) = ids.of(*msg) {
                    failed[i] = true;
                }
            }
            Kind::Append { b, tp, base_offset, producer_id, transactional, control, records, .. } => {
                let log = logs.entry((*b, *tp)).or_default();
                let base = *base_offset as usize;
                let filler = Slot { msg: None, pid: -1, txn: false, control: None };
                log.slots.resize(base, filler);
                for r in records.iter() {
                    let msg = if control.is_some() { None } else { Some(r.msg) };
                    log.slots.push(Slot { msg, pid: *producer_id, txn: *transactional, control: *control });
                }
            }
            Kind::Truncate { b, tp, to, .. } => {
                if let Some(log) = logs.get_mut(&(*b, *tp)) {
                    log.slots.truncate(*to as usize);
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
                    read_values.entry(tp).or_default().see(off, msg);
                    read_list.push((tp, off, msg));
                    if let Some(i) = ids.of(msg) {
                        read[i] = true;
                    }
                    let m = max_read.entry(tp).or_insert(0);
                    *m = (*m).max(off);
                }
            }
            Kind::Apply { c, msg, tp, offset, .. } => {
                // A scenario consumer's effect, or a processor's external side effect.
                let group = match cfg.consumers.get(*c as usize) {
                    Some(consumer) => consumer.group.as_str(),
                    None => match cfg.processors.get(*c as usize - cfg.consumers.len()) {
                        Some(p) => p.group.as_str(),
                        None => continue,
                    },
                };
                if let Some(i) = ids.of(*msg) {
                    applied_at[i] = applied_at[i].min(e.t);
                }
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
        let log = logs.remove(&(*l, *tp)).unwrap_or_default();
        let h = hw.get(&(*l, *tp)).copied().unwrap_or(0).min(log.slots.len() as u64);
        final_logs.insert(*tp, (log, h));
    }
    let mut in_log = vec![false; n];
    let mut aborted_at: BTreeSet<(Tp, u64)> = BTreeSet::new();
    let mut visible_data: BTreeMap<Tp, Vec<bool>> = BTreeMap::new();
    // Per topic: a message stored (or, for Jepsen's `duplicate`, read) at more than one
    // offset. A processor's output or a dead letter is the same id in another topic.
    let mut duplicated_in_log: BTreeSet<MsgId> = BTreeSet::new();
    let mut duplicate_anomaly: BTreeSet<MsgId> = BTreeSet::new();
    let mut stored_at: Vec<u64> = vec![u64::MAX; n];
    let mut seen_at: Vec<u64> = vec![u64::MAX; n];
    let encode = |tp: Tp, off: u64| ((tp.partition as u64) << 48) | off;
    let topics: BTreeSet<u16> = crate::sort::btree_set(final_logs.keys().map(|tp| tp.topic).chain(read_list.iter().map(|r| r.0.topic)));
    for topic in topics {
        let mut touched: Vec<usize> = Vec::new();
        let range = Tp { topic, partition: 0 }..=Tp { topic, partition: u16::MAX };
        for (tp, (log, h)) in final_logs.range(range) {
            let (aborted, open) = log.transaction_outcomes();
            for o in &aborted {
                aborted_at.insert((*tp, *o));
            }
            let vis = visible_data.entry(*tp).or_default();
            vis.resize(*h as usize, false);
            for (off, slot) in log.slots[..*h as usize].iter().enumerate() {
                let off = off as u64;
                let Some(m) = slot.msg else { continue };
                if aborted.contains(&off) || open.contains(&off) {
                    continue;
                }
                vis[off as usize] = true;
                let Some(i) = ids.of(m) else { continue };
                in_log[i] = true;
                let code = encode(*tp, off);
                for (table, out) in [(&mut stored_at, &mut duplicated_in_log), (&mut seen_at, &mut duplicate_anomaly)] {
                    if table[i] == u64::MAX {
                        table[i] = code;
                        touched.push(i);
                    } else if table[i] != code {
                        out.insert(m);
                    }
                }
            }
        }
        for &(tp, off, m) in read_list.iter().filter(|r| r.0.topic == topic) {
            let Some(i) = ids.of(m) else { continue };
            let code = encode(tp, off);
            if seen_at[i] == u64::MAX {
                seen_at[i] = code;
                touched.push(i);
            } else if seen_at[i] != code {
                duplicate_anomaly.insert(m);
            }
        }
        for i in touched {
            stored_at[i] = u64::MAX;
            seen_at[i] = u64::MAX;
        }
    }

    // Effects, per group.
    let mut consumed = vec![false; n];
    let mut duplicated = BTreeSet::new();
    let mut aborted_read = BTreeSet::new();
    let mut reordered = BTreeSet::new();
    let mut applied_by: BTreeMap<&str, Vec<bool>> = BTreeMap::new();
    for (group, list) in &applies {
        let mut seen = vec![false; n];
        let mut order: Vec<MsgId> = Vec::new();
        for &(m, tp, off) in list {
            let Some(i) = ids.of(m) else { continue };
            consumed[i] = true;
            if aborted_at.contains(&(tp, off)) {
                aborted_read.insert(m);
            }
            if seen[i] {
                duplicated.insert(m);
            } else {
                seen[i] = true;
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
        applied_by.insert(group, seen);
    }

    // Loss: acked, not dead-lettered, and never applied by some group that should apply it.
    let mut lost = BTreeSet::new();
    let terminal: Vec<Vec<String>> = (0..cfg.topics.len()).map(|t| terminal_groups(cfg, t)).collect();
    for i in 0..n {
        if !acked[i] || dead_lettered[i] {
            continue;
        }
        let m = ids.msg(i);
        let groups = &terminal[cfg.producers[m.producer as usize].topic];
        let missing = if groups.is_empty() {
            !in_log[i]
        } else {
            groups.iter().any(|g| !applied_by.get(g.as_str()).is_some_and(|s| s[i]))
        };
        if missing {
            lost.insert(m);
        }
    }

    let mut anomalies = Anomalies {
        g1a: aborted_read.len() as u64,
        duplicate: duplicate_anomaly.len() as u64,
        ..Default::default()
    };
    // unseen / lost-write: acked and never read (while something was read); a lost write
    // also had a later offset of its partition read.
    let mut ack_pos: Vec<Option<(Tp, u64)>> = vec![None; n];
    for &(m, _, tp, off) in &ack_offsets {
        if let (Some(i), Some(o)) = (ids.of(m), off) {
            ack_pos[i] = Some((tp, o));
        }
    }
    if !reads.is_empty() {
        for i in 0..n {
            if !acked[i] || read[i] {
                continue;
            }
            anomalies.unseen += 1;
            if let Some((tp, o)) = ack_pos[i] {
                if max_read.get(&tp).is_some_and(|mx| *mx > o) {
                    anomalies.lost_write += 1;
                }
            }
        }
    }
    // inconsistent-offsets: one offset holding different values (acks, reads, final logs)
    let mut values = read_values;
    for (i, pos) in ack_pos.iter().enumerate() {
        if let Some((tp, o)) = pos {
            values.entry(*tp).or_default().see(*o, ids.msg(i));
        }
    }
    for (tp, (log, h)) in &final_logs {
        let v = values.entry(*tp).or_default();
        for (off, slot) in log.slots[..*h as usize].iter().enumerate() {
            if let Some(m) = slot.msg {
                v.see(off as u64, m);
            }
        }
    }
    anomalies.inconsistent_offsets = values.values().map(|v| v.conflict.iter().filter(|&&c| c).count() as u64).sum();
    // nonmonotonic-send: per producer instance and partition, offsets in send order
    let mut sends: BTreeMap<(u16, u16, Tp), Vec<(u32, u64)>> = BTreeMap::new();
    for &(m, inst, tp, off) in &ack_offsets {
        if let Some(o) = off {
            sends.entry((m.producer, inst, tp)).or_default().push((m.index, o));
        }
    }
    for v in sends.values_mut() {
        v.sort_unstable();
        let mut max = None;
        for &(_, o) in v.iter() {
            if max.is_some_and(|mx| o < mx) {
                anomalies.nonmonotonic_send += 1;
            }
            max = Some(max.map_or(o, |mx: u64| mx.max(o)));
        }
    }
    // poll-skip / nonmonotonic-poll: consecutive reads of one consumer in one generation
    for ((_, _, _, tp), offs) in &reads {
        let vis = visible_data.get(tp);
        for w in offs.windows(2) {
            let (o1, o2) = (w[0], w[1]);
            if o2 <= o1 {
                anomalies.nonmonotonic_poll += 1;
            } else if o2 > o1 + 1 {
                let skipped = vis.is_some_and(|v| (o1 + 1..o2).any(|o| v.get(o as usize).copied().unwrap_or(false)));
                if skipped {
                    anomalies.poll_skip += 1;
                }
            }
        }
    }

    let mut latencies: Vec<u64> = (0..n)
        .filter(|&i| applied_at[i] != u64::MAX && sent_at[i] != u64::MAX)
        .map(|i| applied_at[i].saturating_sub(sent_at[i]))
        .collect();
    latencies.sort_unstable();
    let pct = |q: usize| latencies.get(latencies.len().saturating_sub(1) * q / 100).copied().unwrap_or(0);
    let latency_ms = Latency { p50: pct(50), p99: pct(99), max: latencies.last().copied().unwrap_or(0) };

    let verdict = match (!lost.is_empty(), !duplicated.is_empty() || !aborted_read.is_empty()) {
        (false, false) => "exactly-once",
        (false, true) => "at-least-once",
        (true, false) => "at-most-once",
        (true, true) => "none",
    };
    let count = |v: &[bool]| v.iter().filter(|&&x| x).count() as u64;
    let report = Report {
        sent: count(&sent),
        acked: count(&acked),
        failed: count(&failed),
        in_log: count(&in_log),
        duplicated_in_log: duplicated_in_log.len() as u64,
        consumed: count(&consumed),
        duplicated: duplicated.len() as u64,
        lost: lost.len() as u64,
        reordered: reordered.len() as u64,
        aborted_read: aborted_read.len() as u64,
        dead_lettered: count(&dead_lettered),
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
                if p.side_effect {
                    out.insert(p.group.clone());
                }
            }
        }
    }
    out.into_iter().collect()
}

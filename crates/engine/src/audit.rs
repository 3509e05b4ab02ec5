//! The audit: an independent oracle that judges a run only from its recorded history
//! (sends, acks, failures, appends, truncations, leader changes, polls, applies) and never
//! from the engine's own state or counters. It rebuilds every replica's log from appends
//! and truncations, follows each message id to its effects, and names what went wrong with
//! the contract's report fields and Jepsen's Kafka anomaly names.

use crate::config::Resolved;
use crate::log::Control;
use crate::tpmap::TpMap;
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
    /// The lost messages still in a final log (committed, below its high watermark): a
    /// group that had to process them never did (its consumer died, or fell behind, or
    /// skipped them). The other lost ones are in no log (truncated, or never written).
    pub lost_in_log: BTreeSet<MsgId>,
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

/// One replica's log as rebuilt from the history (offsets are contiguous from 0), and its
/// last recorded high watermark.
#[derive(Clone, Debug, Default)]
struct RebuiltLog {
    slots: Vec<Slot>,
    hw: Option<u64>,
}

/// Every replica's rebuilt log: `[broker][topic][partition]`.
#[derive(Default)]
struct Replicas(Vec<TpMap<RebuiltLog>>);

impl Replicas {
    fn get_mut(&mut self, b: BrokerId, tp: Tp) -> &mut RebuiltLog {
        let b = b as usize;
        if self.0.len() <= b {
            self.0.resize_with(b + 1, TpMap::new);
        }
        self.0[b].get_or_insert_with(tp, RebuiltLog::default)
    }

    fn take(&mut self, b: BrokerId, tp: Tp) -> RebuiltLog {
        self.0.get_mut(b as usize).and_then(|m| m.remove(&tp)).unwrap_or_default()
    }
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
    let mut ack_offsets: Vec<(MsgId, u16, Tp, Option<u64>)> = Vec::with_capacity(n);
    let mut logs = Replicas::default();
    let mut leader_of: TpMap<BrokerId> = TpMap::new();
    let mut offline: TpMap<bool> = TpMap::new();
    let mut highest_hw: TpMap<u64> = TpMap::new();
    let mut errors = Vec::new();
    let mut errors_total = 0u64;
    // (consumer, instance, generation, tp) -> offsets read, in order
    let mut reads: BTreeMap<(u16, u16, u32, Tp), Vec<u64>> = BTreeMap::new();
    let mut read_values: TpMap<OffsetValues> = TpMap::new();
    let mut read_list: Vec<(Tp, u64, MsgId)> = Vec::with_capacity(n);
    let mut max_read: TpMap<u64> = TpMap::new();
    // The group each consumer (then each processor) applies for, as an index into `groups`.
    let mut groups: Vec<&str> = cfg.consumers.iter().map(|c| c.group.as_str()).chain(cfg.processors.iter().map(|p| p.group.as_str())).collect();
    groups.sort_unstable();
    groups.dedup();
    let group_index = |name: &str| groups.binary_search(&name).ok();
    let group_of: Vec<Option<usize>> = cfg.consumers.iter().map(|c| group_index(&c.group)).chain(cfg.processors.iter().map(|p| group_index(&p.group))).collect();
    // per group: applies in order (msg, tp, offset)
    let mut applies: Vec<Vec<(MsgId, Tp, u64)>> = vec![Vec::new(); groups.len()];

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
                let log = logs.get_mut(*b, *tp);
                let base = *base_offset as usize;
                let filler = Slot { msg: None, pid: -1, txn: false, control: None };
                log.slots.resize(base, filler);
                for r in records.iter() {
                    let msg = if control.is_some() { None } else { Some(r.msg) };
                    log.slots.push(Slot { msg, pid: *producer_id, txn: *transactional, control: *control });
                }
            }
            Kind::Truncate { b, tp, to, .. } => {
                let log = logs.get_mut(*b, *tp);
                log.slots.truncate(*to as usize);
                if let Some(h) = log.hw.as_mut() {
                    *h = (*h).min(*to);
                }
            }
            Kind::Hw { b, tp, hw: h } => {
                logs.get_mut(*b, *tp).hw = Some(*h);
                let top = highest_hw.get_or_insert_with(*tp, || 0);
                *top = (*top).max(*h);
            }
            Kind::Leader { tp, leader, .. } => {
                if let Some(l) = leader {
                    leader_of.insert(*tp, *l);
                }
                offline.insert(*tp, leader.is_none());
            }
            Kind::Poll { c, inst, generation, records } => {
                // A poll returns runs of records of one partition: one lookup per run.
                for run in records.chunk_by(|a, b| a.0 == b.0) {
                    let tp = run[0].0;
                    let offsets = reads.entry((*c, *inst, *generation, tp)).or_default();
                    let values = read_values.get_or_insert_with(tp, OffsetValues::default);
                    let m = max_read.get_or_insert_with(tp, || 0);
                    for &(_, off, msg) in run {
                        offsets.push(off);
                        values.see(off, msg);
                        read_list.push((tp, off, msg));
                        if let Some(i) = ids.of(msg) {
                            read[i] = true;
                        }
                        *m = (*m).max(off);
                    }
                }
            }
            Kind::Apply { c, msg, tp, offset, .. } => {
                // A scenario consumer's effect, or a processor's external side effect.
                let Some(&Some(group)) = group_of.get(*c as usize) else { continue };
                if let Some(i) = ids.of(*msg) {
                    applied_at[i] = applied_at[i].min(e.t);
                }
                applies[group].push((*msg, *tp, *offset));
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

    // The final log of each partition: its last leader's, up to that leader's HW. A
    // partition left with no leader (its last in-sync replica down too) keeps the log of
    // the last replica elected, which is the one elected again when it comes back; what
    // the partition had committed is committed in that log, though the replica may have
    // died before its own HW caught up with the leader's: up to the highest HW reached.
    let mut final_logs: BTreeMap<Tp, (RebuiltLog, u64)> = BTreeMap::new();
    for (tp, l) in leader_of.iter() {
        let log = logs.take(*l, tp);
        let hw = log.hw.unwrap_or(0);
        let hw = if offline.get(&tp).copied().unwrap_or(false) {
            hw.max(highest_hw.get(&tp).copied().unwrap_or(0))
        } else {
            hw
        };
        let h = hw.min(log.slots.len() as u64);
        final_logs.insert(tp, (log, h));
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
    // The topics with a final log or a read, in order (a handful: no set needed).
    let mut topics: Vec<u16> = Vec::new();
    for t in final_logs.keys().map(|tp| tp.topic).chain(read_list.iter().map(|r| r.0.topic)) {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    crate::sort::ascending(&mut topics);
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
    // Per group index: which messages it applied (`None`: it applied nothing).
    let mut applied_by: Vec<Option<Vec<bool>>> = vec![None; groups.len()];
    for (group, list) in applies.iter().enumerate() {
        if list.is_empty() {
            continue;
        }
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
        applied_by[group] = Some(seen);
    }

    // Loss: acked, not dead-lettered, and never applied by some group that should apply it.
    let mut lost = BTreeSet::new();
    let mut lost_in_log = BTreeSet::new();
    let terminal: Vec<Vec<Option<usize>>> =
        (0..cfg.topics.len()).map(|t| terminal_groups(cfg, t).iter().map(|g| group_index(g)).collect()).collect();
    for i in 0..n {
        if !acked[i] || dead_lettered[i] {
            continue;
        }
        let m = ids.msg(i);
        let must = &terminal[cfg.producers[m.producer as usize].topic];
        let missing = if must.is_empty() {
            !in_log[i]
        } else {
            must.iter().any(|g| !g.and_then(|g| applied_by[g].as_ref()).is_some_and(|s| s[i]))
        };
        if missing {
            lost.insert(m);
            if in_log[i] {
                lost_in_log.insert(m);
            }
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
            values.get_or_insert_with(*tp, OffsetValues::default).see(*o, ids.msg(i));
        }
    }
    for (tp, (log, h)) in &final_logs {
        let v = values.get_or_insert_with(*tp, OffsetValues::default);
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
    let latency_ms = percentiles(&mut latencies);

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
    let findings = Findings { lost, lost_in_log, duplicated, reordered, aborted_read, duplicated_in_log };
    (report, findings)
}

/// p50, p99 and max, as indexing the sorted list at `(len - 1) * q / 100` would give, by
/// selection instead of a full sort.
fn percentiles(v: &mut [u64]) -> Latency {
    let Some(&max) = v.iter().max() else { return Latency::default() };
    let (i50, i99) = ((v.len() - 1) * 50 / 100, (v.len() - 1) * 99 / 100);
    let (below, p99, _) = v.select_nth_unstable(i99);
    let p99 = *p99;
    let p50 = if i50 == i99 { p99 } else { *below.select_nth_unstable(i50).1 };
    Latency { p50, p99, max }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_the_sorted_list() {
        let mut rng = <rand_pcg::Pcg32 as rand::SeedableRng>::seed_from_u64(5);
        for len in [0usize, 1, 2, 3, 99, 100, 101, 1000] {
            let v: Vec<u64> = (0..len).map(|_| rand::Rng::random_range(&mut rng, 0..50)).collect();
            let mut sorted = v.clone();
            sorted.sort_unstable();
            let at = |q: usize| sorted.get(sorted.len().saturating_sub(1) * q / 100).copied().unwrap_or(0);
            let want = Latency { p50: at(50), p99: at(99), max: sorted.last().copied().unwrap_or(0) };
            assert_eq!(percentiles(&mut v.clone()), want, "len {len}");
        }
    }
}

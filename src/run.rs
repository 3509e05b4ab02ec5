//! A finished run, prepared for drawing: the engine's output and its `view::Timeline`, plus
//! indexes the page needs every frame (dropped messages by time, markers, anomaly times).
//! Everything here is derived from the trace and the audit; nothing re-judges Kafka.

use ackademy_engine::audit::Findings;
use ackademy_engine::trace::{Kind, Wire};
use ackademy_engine::types::{MsgId, Tp};
use ackademy_engine::view::Timeline;
use ackademy_engine::{Report, Resolved, RunOutput, Scenario, ScenarioError};
use std::collections::{BTreeMap, BTreeSet};

/// Kinds of timeline marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Fault,
    Election,
    Anomaly,
}

/// What the page keeps of the engine's output besides the timeline (which takes the trace).
pub struct Outcome {
    pub report: Report,
    pub findings: Findings,
    pub cfg: Resolved,
}

pub struct RunData {
    pub out: Outcome,
    pub tl: Timeline,
    /// Indices into `tl.flights` of the flights that were lost, sorted by when.
    pub drops: Vec<usize>,
    /// (time, kind) of timeline marks, sorted.
    pub marks: Vec<(u64, Mark)>,
    /// Times at which something went wrong that the audit reports, sorted, deduplicated.
    pub anomaly_times: Vec<u64>,
    /// The longest log each partition ever had (so replicas of one partition line up).
    pub max_leo: BTreeMap<Tp, u64>,
    /// Every partition of every topic, in topic order.
    pub partitions: Vec<Tp>,
    pub has_transactions: bool,
    /// Wall-clock milliseconds of the engine's run (checks, simulation, audit) and of the
    /// timeline with the indexes above.
    pub timing: [f64; 2],
}

impl RunData {
    pub fn new(scenario: &Scenario, now: impl Fn() -> f64) -> Result<RunData, ScenarioError> {
        let t0 = now();
        let RunOutput { report, findings, trace, cfg } = ackademy_engine::run(scenario)?;
        let t1 = now();
        // The timeline takes the trace: the page keeps one copy of it.
        let tl = Timeline::from_events(trace.events, &cfg, report.end_ms);
        let mut run = Self::prepare(Outcome { report, findings, cfg }, tl);
        run.timing = [t1 - t0, now() - t1];
        Ok(run)
    }

    fn prepare(out: Outcome, tl: Timeline) -> RunData {
        let mut drops: Vec<usize> = (0..tl.flights.len()).filter(|&i| tl.flights[i].dropped.is_some()).collect();
        ackademy_engine::sort::by_key(&mut drops, |&i| tl.flights[i].dropped.map(|d| d.0).unwrap_or(0));

        let mut max_leo: BTreeMap<Tp, u64> = BTreeMap::new();
        // Every append updates its partition's end: a table, not a tree, per event.
        let mut leo: ackademy_engine::tpmap::TpMap<u64> = ackademy_engine::tpmap::TpMap::new();
        let mut partitions = BTreeSet::new();
        for (ti, t) in out.cfg.topics.iter().enumerate() {
            for p in 0..t.partitions {
                partitions.insert(Tp { topic: ti as u16, partition: p as u16 });
            }
        }
        let mut marks = Vec::new();
        let mut anomalies: BTreeSet<u64> = BTreeSet::new();
        let f: &Findings = &out.findings;
        let mut applied: BTreeMap<(u16, MsgId), u32> = BTreeMap::new();
        let mut has_transactions = out.cfg.producers.iter().any(|p| p.transactional_id.is_some())
            || out.cfg.processors.iter().any(|p| p.guarantee == ackademy_engine::scenario::Guarantee::ExactlyOnceV2);
        let suspect = |m: &MsgId| f.duplicated.contains(m) || f.reordered.contains(m) || f.aborted_read.contains(m);
        for e in &tl.events {
            match &e.kind {
                Kind::Append { tp, base_offset, records, transactional, .. } => {
                    let end = base_offset + records.len() as u64;
                    let m = leo.get_or_insert_with(*tp, || 0);
                    *m = (*m).max(end);
                    has_transactions |= *transactional;
                }
                Kind::BrokerCrash { .. }
                | Kind::BrokerRestart { .. }
                | Kind::Isolate { .. }
                | Kind::Heal
                | Kind::ProducerCrash { .. }
                | Kind::ProducerPause { .. }
                | Kind::ProducerResume { .. }
                | Kind::ConsumerCrash { .. }
                | Kind::ProcessorCrash { .. } => marks.push((e.t, Mark::Fault)),
                Kind::Leader { unclean, .. } => {
                    marks.push((e.t, Mark::Election));
                    if *unclean {
                        anomalies.insert(e.t);
                    }
                }
                Kind::Truncate { removed, .. } if *removed > 0 => {
                    anomalies.insert(e.t);
                }
                Kind::NetDrop { .. } => {}
                // Only messages the audit found something wrong with are counted.
                Kind::Apply { c, msg, .. } if suspect(msg) => {
                    let n = applied.entry((*c, *msg)).or_insert(0);
                    *n += 1;
                    if (*n == 2 && f.duplicated.contains(msg))
                        || (*n == 1 && (f.reordered.contains(msg) || f.aborted_read.contains(msg)))
                    {
                        anomalies.insert(e.t);
                    }
                }
                Kind::Fail { .. } | Kind::Error { .. } => {
                    anomalies.insert(e.t);
                }
                _ => {}
            }
        }
        for (tp, end) in leo.iter() {
            partitions.insert(tp);
            max_leo.insert(tp, *end);
        }
        // Faults the scenario scheduled that leave no event of their own (drops, poison).
        for fault in &out.cfg.faults {
            marks.push((fault.at_ms, Mark::Fault));
        }
        for &t in &anomalies {
            marks.push((t, Mark::Anomaly));
        }
        ackademy_engine::sort::ascending(&mut marks);
        marks.dedup();
        RunData {
            drops,
            marks,
            anomaly_times: anomalies.into_iter().collect(),
            max_leo,
            partitions: partitions.into_iter().collect(),
            has_transactions,
            timing: [0.0; 2],
            out,
            tl,
        }
    }

    pub fn end(&self) -> u64 {
        self.tl.end.max(1)
    }

    pub fn next_anomaly(&self, t: u64) -> Option<u64> {
        let i = self.anomaly_times.partition_point(|&a| a <= t);
        self.anomaly_times.get(i).copied()
    }

    /// The time of the last event strictly before `t` (stepping back).
    pub fn prev_event_time(&self, t: u64) -> u64 {
        let i = self.tl.events.partition_point(|e| e.t < t);
        if i == 0 {
            0
        } else {
            self.tl.events[i - 1].t
        }
    }

    pub fn msg_name(&self, m: MsgId) -> String {
        ackademy_engine::audit::msg_name(&self.out.cfg, m)
    }

    pub fn tp_name(&self, tp: Tp) -> String {
        ackademy_engine::trace_json::tp_name(&self.out.cfg, tp)
    }
}

/// What a message on the wire is, for colouring and for the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireClass {
    Produce,
    Ack,
    Fetch,
    Records,
    Commit,
    Marker,
    Control,
}

pub fn wire_class(w: &Wire) -> WireClass {
    match w {
        Wire::ProduceRequest { .. } => WireClass::Produce,
        Wire::ProduceResponse { .. } => WireClass::Ack,
        Wire::FetchRequest { .. } => WireClass::Fetch,
        Wire::FetchResponse { .. } => WireClass::Records,
        Wire::Commit | Wire::Group => WireClass::Commit,
        Wire::Marker | Wire::Txn => WireClass::Marker,
        _ => WireClass::Control,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_run_has_marks_drops_and_anomalies() {
        let r = RunData::new(&crate::defaults::scenario(), || 0.0).expect("runs");
        assert!(!r.drops.is_empty(), "the isolated broker loses messages on the wire");
        assert!(r.marks.iter().any(|m| m.1 == Mark::Fault));
        assert!(r.marks.iter().any(|m| m.1 == Mark::Election));
        let first = r.next_anomaly(0).expect("the truncation is an anomaly");
        assert!(first > 4000, "after the isolation at 4 s: {first}");
        assert_eq!(r.partitions.len(), 3);
        assert!(r.drops.windows(2).all(|w| r.tl.flights[w[0]].dropped.unwrap().0 <= r.tl.flights[w[1]].dropped.unwrap().0));
    }
}

//! Mutation tests of the audit: take the trace of a clean run, corrupt the history the way
//! a faulty engine would (a lost append, a double apply, a truncated log, an aborted
//! transaction that was read...) and check that `audit::audit`, judging only from the
//! events, notices each corruption.

use ackademy_engine::audit::{audit, Findings, Report};
use ackademy_engine::log::{Control, Record};
use ackademy_engine::trace::{Event, Kind};
use ackademy_engine::types::{MsgId, Tp};
use ackademy_engine::{run_json, RunOutput};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// One partition on three brokers, 30 keyed messages (two keys), one consumer reading
/// from the start: a clean, exactly-once run.
const CLEAN: &str = r#"{"version":1,"seed":11,
  "cluster":{"brokers":3},
  "topics":[{"name":"t","partitions":1,"replication.factor":3,"min.insync.replicas":2}],
  "producers":[{"id":"p1","topic":"t","messages":30,"keys":2,"interval_ms":20}],
  "consumers":[{"id":"c1","group":"g1","topic":"t","config":{"auto.offset.reset":"earliest"}}]}"#;

/// The same workload with no consumer: the audit judges loss from the logs alone.
const NO_CONSUMER: &str = r#"{"version":1,"seed":11,
  "cluster":{"brokers":3},
  "topics":[{"name":"t","partitions":1,"replication.factor":3,"min.insync.replicas":2}],
  "producers":[{"id":"p1","topic":"t","messages":30,"keys":2,"interval_ms":20}]}"#;

fn clean(json: &str) -> RunOutput {
    let out = run_json(json).expect("valid scenario");
    assert_eq!(out.report.verdict, "exactly-once", "the uncorrupted run is clean: {:?}", out.report);
    assert_eq!(out.report.acked, 30);
    assert_eq!(out.report.in_log, 30);
    out
}

fn reaudit(out: &RunOutput, events: &[Event]) -> (Report, Findings) {
    audit(&out.cfg, events, out.trace.hash_hex(), out.report.end_ms)
}

fn mid(index: u32) -> MsgId {
    MsgId { producer: 0, index }
}

const TP: Tp = Tp { topic: 0, partition: 0 };

fn holds(e: &Event, m: MsgId) -> bool {
    matches!(&e.kind, Kind::Append { control: None, records, .. } if records.iter().any(|r| r.msg == m))
}

fn apply_index(events: &[Event], m: MsgId) -> usize {
    events
        .iter()
        .position(|e| matches!(&e.kind, Kind::Apply { msg, .. } if *msg == m))
        .unwrap_or_else(|| panic!("{m:?} was applied"))
}

/// The partition's last leader and the end offset of its log, replayed from the trace.
fn final_leader(events: &[Event]) -> (u32, u64, u32) {
    let (leader, epoch) = events
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            Kind::Leader { tp, leader: Some(l), epoch, .. } if *tp == TP => Some((*l, *epoch)),
            _ => None,
        })
        .expect("a leader");
    let mut leo = 0;
    for e in events {
        match &e.kind {
            Kind::Append { b, tp, base_offset, records, .. } if *b == leader && *tp == TP => {
                leo = base_offset + records.len() as u64
            }
            Kind::Truncate { b, tp, to, .. } if *b == leader && *tp == TP => leo = *to,
            _ => {}
        }
    }
    (leader, leo, epoch)
}

#[test]
fn the_uncorrupted_trace_is_exactly_once() {
    let out = clean(CLEAN);
    let (r, f) = reaudit(&out, &out.trace.events);
    assert_eq!(r, out.report, "the audit is a pure function of the history");
    assert_eq!(r.verdict, "exactly-once");
    assert_eq!((r.lost, r.duplicated, r.reordered, r.aborted_read), (0, 0, 0, 0));
    assert_eq!(r.anomalies, Default::default(), "no Jepsen anomaly in a clean run");
    assert!(f.lost.is_empty() && f.duplicated.is_empty());
}

/// An append that never happened on any replica: the message is not in the final log.
#[test]
fn dropping_an_append_on_every_replica_is_caught() {
    let out = clean(CLEAN);
    let m = mid(10);
    let removed: BTreeSet<MsgId> = out
        .trace
        .events
        .iter()
        .filter(|e| holds(e, m))
        .flat_map(|e| match &e.kind {
            Kind::Append { records, .. } => records.iter().map(|r| r.msg).collect::<Vec<_>>(),
            _ => vec![],
        })
        .collect();
    assert!(removed.contains(&m));
    let events: Vec<Event> = out.trace.events.iter().filter(|e| !holds(e, m)).cloned().collect();
    assert!(events.len() < out.trace.events.len());
    let (r, _) = reaudit(&out, &events);
    assert_eq!(r.in_log, 30 - removed.len() as u64, "{r:?}");
    assert!(r.in_log < r.acked, "{r:?}");

    // Without a consumer, an acked message missing from the log is lost.
    let out = clean(NO_CONSUMER);
    let events: Vec<Event> = out.trace.events.iter().filter(|e| !holds(e, m)).cloned().collect();
    let (r, f) = reaudit(&out, &events);
    assert_eq!(r.in_log, 30 - removed.len() as u64, "{r:?}");
    assert_eq!(r.lost, removed.len() as u64, "{r:?}");
    assert!(f.lost.contains(&m));
    assert!(f.lost_in_log.is_empty(), "not in any log: {f:?}");
    assert_eq!(r.verdict, "at-most-once");
}

#[test]
fn a_duplicated_apply_is_caught() {
    let out = clean(CLEAN);
    let mut events = out.trace.events.clone();
    let i = apply_index(&events, mid(7));
    let dup = events[i].clone();
    events.insert(i + 1, dup);
    let (r, f) = reaudit(&out, &events);
    assert_eq!(r.duplicated, 1, "{r:?}");
    assert_eq!(f.duplicated, BTreeSet::from([mid(7)]));
    assert_eq!(r.lost, 0);
    assert_eq!(r.verdict, "at-least-once");
}

#[test]
fn a_duplicated_poll_is_caught() {
    let out = clean(CLEAN);
    let mut events = out.trace.events.clone();
    let i = events
        .iter()
        .position(|e| matches!(&e.kind, Kind::Poll { records, .. } if !records.is_empty()))
        .expect("a poll with records");
    let dup = events[i].clone();
    events.insert(i + 1, dup);
    let (r, _) = reaudit(&out, &events);
    assert!(
        r.anomalies.nonmonotonic_poll >= 1 || r.duplicated >= 1,
        "re-reading the same offsets is a nonmonotonic poll: {r:?}"
    );
}

#[test]
fn a_skipped_record_in_a_poll_is_caught() {
    let out = clean(CLEAN);
    let mut events = out.trace.events.clone();
    let i = events
        .iter()
        .position(|e| matches!(&e.kind, Kind::Poll { records, .. } if records.len() >= 3))
        .expect("a poll with at least three records");
    if let Kind::Poll { records, .. } = &mut events[i].kind {
        records.remove(1);
    }
    let (r, _) = reaudit(&out, &events);
    assert!(r.anomalies.poll_skip >= 1, "{r:?}");
}

#[test]
fn removing_every_apply_of_a_message_is_caught() {
    let out = clean(CLEAN);
    let m = mid(12);
    let events: Vec<Event> = out
        .trace
        .events
        .iter()
        .filter(|e| !matches!(&e.kind, Kind::Apply { msg, .. } if *msg == m))
        .cloned()
        .collect();
    let (r, f) = reaudit(&out, &events);
    assert_eq!(r.lost, 1, "{r:?}");
    assert_eq!(f.lost, BTreeSet::from([m]));
    assert_eq!(r.verdict, "at-most-once");
    assert_eq!(r.in_log, 30, "the log itself is intact");
    assert_eq!(f.lost_in_log, BTreeSet::from([m]), "lost, but still in the log");
}

#[test]
fn swapping_two_applies_of_one_key_is_caught() {
    let out = clean(CLEAN);
    let mut events = out.trace.events.clone();
    // keys = 2: messages 4 and 6 both have key k0.
    let (i, j) = (apply_index(&events, mid(4)), apply_index(&events, mid(6)));
    assert!(i < j);
    let (ki, kj) = (events[i].kind.clone(), events[j].kind.clone());
    events[i].kind = kj;
    events[j].kind = ki;
    let (r, f) = reaudit(&out, &events);
    assert!(r.reordered >= 1, "{r:?}");
    assert!(f.reordered.contains(&mid(6)), "{:?}", f.reordered);
    assert_eq!((r.lost, r.duplicated), (0, 0));
}

#[test]
fn truncating_the_final_leaders_tail_is_caught() {
    let out = clean(CLEAN);
    let mut events = out.trace.events.clone();
    let (leader, leo, _) = final_leader(&events);
    assert_eq!(leo, 30);
    let t = events.last().unwrap().t;
    events.push(Event { t, kind: Kind::Truncate { b: leader, tp: TP, to: leo - 3, removed: 3 } });
    let (r, _) = reaudit(&out, &events);
    assert_eq!(r.in_log, 27, "{r:?}");
    assert!(r.in_log < r.acked);
}

/// A data batch marked transactional and followed by an ABORT marker: the consumer had
/// applied it, which is an aborted read (Jepsen's G1a).
#[test]
fn applying_an_aborted_transaction_is_caught() {
    let out = clean(CLEAN);
    let mut events = out.trace.events.clone();
    let m = mid(9);
    let mut batch: Vec<MsgId> = Vec::new();
    let mut pid = 0;
    for e in events.iter_mut().filter(|e| holds(e, m)) {
        if let Kind::Append { transactional, records, producer_id, .. } = &mut e.kind {
            *transactional = true;
            batch = records.iter().map(|r| r.msg).collect();
            pid = *producer_id;
        }
    }
    assert!(batch.contains(&m));
    // The abort marker goes to every replica at its log end.
    let mut ends: BTreeMap<u32, (u64, u32)> = BTreeMap::new();
    for e in &events {
        if let Kind::Append { b, tp, base_offset, records, epoch, .. } = &e.kind {
            if *tp == TP {
                ends.insert(*b, (base_offset + records.len() as u64, *epoch));
            }
        }
    }
    let t = events.last().unwrap().t;
    for (b, (end, epoch)) in ends {
        events.push(Event {
            t,
            kind: Kind::Append {
                b,
                tp: TP,
                base_offset: end,
                epoch,
                producer_id: pid,
                transactional: true,
                control: Some(Control::Abort),
                records: Rc::from(vec![Record { msg: m, key: None }]),
            },
        });
    }
    let (r, f) = reaudit(&out, &events);
    assert_eq!(r.aborted_read, batch.len() as u64, "{r:?}");
    assert!(f.aborted_read.contains(&m));
    assert_eq!(r.anomalies.g1a, batch.len() as u64, "{r:?}");
    assert_eq!(r.in_log, 30 - batch.len() as u64, "aborted records are not in the log in committed form");
    assert_eq!(r.verdict, "at-least-once");
}

/// An acknowledged offset that the final log holds for another message.
#[test]
fn an_ack_at_a_wrong_offset_is_caught() {
    let out = clean(CLEAN);
    let mut events = out.trace.events.clone();
    let i = events
        .iter()
        .position(|e| matches!(&e.kind, Kind::Ack { msg, .. } if *msg == mid(5)))
        .expect("an ack of p1-5");
    if let Kind::Ack { offset, .. } = &mut events[i].kind {
        *offset = Some(offset.expect("acks=all acks carry offsets") + 1);
    }
    let (r, _) = reaudit(&out, &events);
    assert!(r.anomalies.inconsistent_offsets >= 1, "{r:?}");
}

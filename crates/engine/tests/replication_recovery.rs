//! A follower cut off from its leader by a silent network partition: its fetch is never
//! answered, so it gives the fetch up after `request.timeout.ms` (30 s) and fetches again;
//! once the links are healed it catches up and rejoins the ISR of every partition it
//! follows. A run without `until_ms` ends only when that has happened.

use ackademy_engine::run_json;
use ackademy_engine::trace::Kind;
use ackademy_engine::types::Tp;
use std::collections::BTreeMap;

/// Broker 0 leads partition 0 and follows 1 and 2; it is isolated at 4 s, healed at 16 s.
const HEALED: &str = r#"{"version":1,"seed":7,"cluster":{"brokers":3,"network_latency_ms":20},
"topics":[{"name":"orders","partitions":3,"replication.factor":3,"min.insync.replicas":2}],
"producers":[{"id":"p1","topic":"orders","messages":200,"keys":4,"interval_ms":100}],
"consumers":[{"id":"c1","group":"g1","topic":"orders","config":{"auto.offset.reset":"earliest"}}],
"faults":[{"at_ms":4000,"kind":"isolate_broker","broker":0},{"at_ms":16000,"kind":"heal"}]}"#;

#[test]
fn a_healed_follower_catches_up_on_every_partition_it_follows() {
    let out = run_json(HEALED).unwrap();
    let mut isr: BTreeMap<Tp, (u64, Vec<u32>)> = BTreeMap::new();
    for e in &out.trace.events {
        match &e.kind {
            Kind::Leader { tp, isr: i, .. } | Kind::Isr { tp, isr: i } => {
                isr.insert(*tp, (e.t, i.clone()));
            }
            _ => {}
        }
    }
    assert_eq!(isr.len(), 3);
    for (tp, (t, members)) in &isr {
        assert!(members.contains(&0), "{tp:?}: broker 0 is back in the ISR at the end: {members:?}");
        assert!(*t > 16_000, "{tp:?}: it rejoined after the heal ({t})");
    }
    // The fetches lost while the links were cut time out 30 s after they were sent.
    let rejoined_last = isr.values().map(|(t, _)| *t).max().unwrap();
    assert!((30_000..40_000).contains(&rejoined_last), "{rejoined_last}");
    assert!(out.report.end_ms >= rejoined_last, "the run shows it: ends at {}", out.report.end_ms);
}

/// Runs that must end by themselves, well before the 600 s cap, each from a way the
/// cluster could stay unsettled: a follower that led an epoch without appending anything
/// (its empty epoch must not be announced forever), ISR updates and requests lost while a
/// broker was briefly isolated (sent again after the heal), and a partition whose only
/// electable replica is gone for good (it cannot recover, so nothing waits for it).
#[test]
fn runs_end_once_the_cluster_can_settle() {
    let cases = [
        r#"{"version":1,"seed":1,"cluster":{"brokers":3},
 "topics":[{"name":"t","partitions":1,"replication.factor":3,"min.insync.replicas":1}],
 "producers":[{"id":"p1","topic":"t","messages":5,"keys":0,"interval_ms":10}],
 "faults":[{"at_ms":1000,"kind":"crash_broker","broker":0},{"at_ms":12000,"kind":"crash_broker","broker":1},
           {"at_ms":24000,"kind":"restart_broker","broker":0},{"at_ms":36000,"kind":"restart_broker","broker":1}]}"#,
        r#"{"version":1,"seed":1,"cluster":{"brokers":3},"topics":[{"name":"t","partitions":1,"replication.factor":3}],
 "faults":[{"at_ms":1000,"kind":"crash_broker","broker":1},{"at_ms":8000,"kind":"isolate_broker","broker":0},
           {"at_ms":12000,"kind":"heal"},{"at_ms":20000,"kind":"restart_broker","broker":1}]}"#,
        r#"{"version":1,"seed":1,"cluster":{"brokers":3},"topics":[{"name":"t","partitions":1,"replication.factor":3}],
 "faults":[{"at_ms":1000,"kind":"crash_broker","broker":1},{"at_ms":15000,"kind":"restart_broker","broker":1},
           {"at_ms":15007,"kind":"isolate_broker","broker":0},{"at_ms":16000,"kind":"heal"}]}"#,
        r#"{"version":1,"seed":27,"cluster":{"brokers":4,"unclean.leader.election.enable":true},
 "topics":[{"name":"t","partitions":3,"replication.factor":1}],
 "producers":[{"id":"p1","topic":"t","messages":54,"keys":2,"interval_ms":100}],
 "consumers":[{"id":"c1","group":"g1","topic":"t","config":{"auto.offset.reset":"earliest"}}],
 "faults":[{"at_ms":10347,"kind":"crash_consumer","consumer":"c1"},{"at_ms":13463,"kind":"restart_consumer","consumer":"c1"},
           {"at_ms":16206,"kind":"crash_broker","broker":2},{"at_ms":29274,"kind":"crash_broker","broker":3}]}"#,
    ];
    for (i, json) in cases.iter().enumerate() {
        let out = run_json(json).unwrap();
        assert!(out.report.end_ms < 100_000, "case {i} ends at {} ms", out.report.end_ms);
    }
}

/// A broker isolated for less than the controller's session timeout misses the new
/// leader of a partition elected meanwhile; after the heal it is told, so the new leader's
/// high watermark moves on and the consumer reads everything: nothing is counted lost.
#[test]
fn a_briefly_isolated_broker_learns_the_leader_elected_meanwhile() {
    let out = run_json(
        r#"{"version":1,"seed":1,"cluster":{"brokers":3},"topics":[{"name":"t","partitions":3,"replication.factor":3,"min.insync.replicas":2}],
 "producers":[{"id":"p1","topic":"t","messages":50,"keys":4,"interval_ms":10}],
 "consumers":[{"id":"c1","group":"g1","topic":"t","config":{"auto.offset.reset":"earliest"}}],
 "faults":[{"at_ms":1000,"kind":"crash_broker","broker":0},{"at_ms":8000,"kind":"isolate_broker","broker":2},{"at_ms":12000,"kind":"heal"}]}"#,
    )
    .unwrap();
    assert_eq!(out.report.lost, 0, "{:?}", out.report);
    assert_eq!(out.report.verdict, "exactly-once");
}

/// Every broker crashes at once and none comes back: the partition is left with no leader.
/// The controller fences the brokers one at a time, so the last replica "elected" is a
/// follower that died before its high watermark caught up with the leader's. What was
/// acknowledged with `acks=all` is in that replica's log all the same (it is the one
/// elected when the cluster comes back): in the log, not lost.
#[test]
fn acks_all_writes_survive_a_whole_cluster_crash_in_the_audit() {
    let json = r#"{"version":1,"seed":1,"until_ms":200000,"cluster":{"brokers":3},
      "topics":[{"name":"t","partitions":1,"replication.factor":3,"min.insync.replicas":2}],
      "producers":[{"id":"p1","topic":"t","messages":20,"interval_ms":100,"config":{"acks":"all"}}],
      "faults":[{"at_ms":1000,"kind":"crash_broker","broker":0},{"at_ms":1000,"kind":"crash_broker","broker":1},
                {"at_ms":1000,"kind":"crash_broker","broker":2}]}"#;
    let out = run_json(json).unwrap();
    let last = out.trace.events.iter().rev().find_map(|e| match &e.kind {
        Kind::Leader { leader, .. } => Some(*leader),
        _ => None,
    });
    assert_eq!(last, Some(None), "the partition ends with no leader");
    let r = &out.report;
    assert!(r.acked > 0 && r.failed > 0, "{r:?}");
    assert_eq!((r.in_log, r.lost), (r.acked, 0), "{r:?}");
}

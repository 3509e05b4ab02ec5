//! A follower cut off from its leader by a silent network partition: its fetch is never
//! answered, so it gives the fetch up after `replica.socket.timeout.ms` and fetches again;
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

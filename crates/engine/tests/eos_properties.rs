//! Property: a pipeline built for exactly-once — a transactional producer, an
//! `exactly_once_v2` processor, and a `read_committed` consumer whose effects go through an
//! inbox — gives verdict `exactly-once` under any single crash (a broker, the producer,
//! the processor or the consumer, each restarted later), at any time.
//!
//! Cases are drawn from a seeded generator, so every run checks the same schedules and a
//! failure names the case that broke.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

fn scenario(rng: &mut Pcg32) -> String {
    let partitions = rng.random_range(1..=3);
    let messages = rng.random_range(20..=60);
    let per_txn = rng.random_range(1..=8);
    let keys = rng.random_range(0..=6);
    let at = rng.random_range(100..=6000);
    let back = at + rng.random_range(1000..=15000);
    let (crash, restart) = match rng.random_range(0..4) {
        0 => {
            let b = rng.random_range(0..3);
            (format!(r#"{{"at_ms":{at},"kind":"crash_broker","broker":{b}}}"#), format!(r#"{{"at_ms":{back},"kind":"restart_broker","broker":{b}}}"#))
        }
        1 => (
            format!(r#"{{"at_ms":{at},"kind":"crash_producer","producer":"p1"}}"#),
            format!(r#"{{"at_ms":{back},"kind":"restart_producer","producer":"p1"}}"#),
        ),
        2 => (
            format!(r#"{{"at_ms":{at},"kind":"crash_processor","processor":"etl"}}"#),
            format!(r#"{{"at_ms":{back},"kind":"restart_processor","processor":"etl"}}"#),
        ),
        _ => (
            format!(r#"{{"at_ms":{at},"kind":"crash_consumer","consumer":"c1"}}"#),
            format!(r#"{{"at_ms":{back},"kind":"restart_consumer","consumer":"c1"}}"#),
        ),
    };
    format!(
        r#"{{"version":1,"seed":{seed},
        "topics":[{{"name":"orders","partitions":{partitions},"replication.factor":3,"min.insync.replicas":2}},
                  {{"name":"shipments","partitions":{partitions},"replication.factor":3,"min.insync.replicas":2}}],
        "producers":[{{"id":"p1","topic":"orders","messages":{messages},"keys":{keys},"interval_ms":50,
                       "transaction_messages":{per_txn},"config":{{"transactional.id":"orders-tx"}}}}],
        "processors":[{{"id":"etl","group":"etl","from":"orders","to":"shipments","processing.guarantee":"exactly_once_v2"}}],
        "consumers":[{{"id":"c1","group":"g1","topic":"shipments","inbox":true,
                       "config":{{"auto.offset.reset":"earliest","isolation.level":"read_committed"}}}}],
        "faults":[{crash},{restart}]}}"#,
        seed = rng.random_range(0..1000u32),
    )
}

#[test]
fn exactly_once_pipeline_survives_any_single_crash() {
    let mut rng = Pcg32::seed_from_u64(20261122);
    for case in 0..150 {
        let json = scenario(&mut rng);
        let out = ackademy_engine::run_json(&json).unwrap_or_else(|e| panic!("case {case}: {e}\n{json}"));
        let r = &out.report;
        assert_eq!(
            r.verdict, "exactly-once",
            "case {case}: lost {} duplicated {} aborted_read {}\n{json}",
            r.lost, r.duplicated, r.aborted_read
        );
        assert_eq!(r.consumed, r.acked, "case {case}: every committed message reaches the consumer\n{json}");
    }
}

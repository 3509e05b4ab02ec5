//! Two behaviours checked against Kafka's own code: how a zombie transactional producer is
//! fenced (KIP-588: INVALID_PRODUCER_EPOCH on produce is abortable, PRODUCER_FENCED from the
//! coordinator is fatal), and when a group member's session timeout starts (at the
//! completed rebalance, `completeAndScheduleNextHeartbeatExpiration`).

use ackademy_engine::errors::KafkaError;
use ackademy_engine::run_json;
use ackademy_engine::trace::{Event, Kind, Wire};
use ackademy_engine::types::Node;

/// A transactional producer paused at 250 ms, replaced at 1 s, resumed at 5 s.
const ZOMBIE: &str = r#"{"version":1,"seed":7,"until_ms":120000,"cluster":{"brokers":3},
"topics":[{"name":"t","partitions":2,"replication.factor":3,"min.insync.replicas":2}],
"producers":[{"id":"tx","topic":"t","messages":60,"keys":4,"interval_ms":20,"transaction_messages":5,"config":{"transactional.id":"tx-1"}}],
"consumers":[{"id":"c1","group":"g","topic":"t","commit":"after_batch","config":{"enable.auto.commit":false,"auto.offset.reset":"earliest","isolation.level":"read_committed"}}],
"faults":[{"at_ms":250,"kind":"pause_producer","producer":"tx"},{"at_ms":1000,"kind":"restart_producer","producer":"tx"},{"at_ms":5000,"kind":"resume_producer","producer":"tx"}]}"#;

/// Since Kafka 2.7 the leader answers the zombie's produce INVALID_PRODUCER_EPOCH: its
/// batch fails with that error, the application aborts, the coordinator answers the
/// EndTxn PRODUCER_FENCED, and only then does the instance close.
#[test]
fn zombie_produce_gets_invalid_producer_epoch_then_its_abort_is_fenced() {
    let out = run_json(ZOMBIE).unwrap();
    let zombie = Node::Producer(0, 0);
    let ev: &[Event] = &out.trace.events;
    let produce_errors: Vec<(u64, KafkaError)> = ev
        .iter()
        .filter_map(|e| match e.kind {
            Kind::Net { to, wire: Wire::ProduceResponse { error: Some(err) }, .. } if to == zombie => Some((e.t, err)),
            _ => None,
        })
        .collect();
    assert!(!produce_errors.is_empty(), "the zombie's produce must be rejected");
    assert!(produce_errors.iter().all(|&(_, e)| e == KafkaError::InvalidProducerEpoch), "{produce_errors:?}");
    let rejected_at = produce_errors[0].0;

    // The batch's messages fail with INVALID_PRODUCER_EPOCH, surfaced as Kafka names it.
    let failed_epoch = ev
        .iter()
        .filter(|e| matches!(e.kind, Kind::Fail { inst: 0, error: KafkaError::InvalidProducerEpoch, .. }))
        .count();
    assert!(failed_epoch > 0);

    // Abortable, not fatal: the instance is still alive and sends its EndTxn (abort).
    let crash_at =
        ev.iter().find(|e| matches!(e.kind, Kind::ProducerCrash { p: 0, inst: 0 })).map(|e| e.t).expect("the zombie closes");
    let end_txn_sent = ev.iter().any(|e| {
        e.t >= rejected_at && e.t <= crash_at && matches!(e.kind, Kind::Net { from, wire: Wire::Txn, .. } if from == zombie)
    });
    assert!(end_txn_sent, "the zombie aborts its transaction before it closes");

    // The coordinator answers PRODUCER_FENCED: fatal, the instance closes at that moment.
    let fenced_at = ev
        .iter()
        .find(|e| matches!(e.kind, Kind::Error { who, error: KafkaError::ProducerFenced, .. } if who == zombie))
        .map(|e| e.t)
        .expect("PRODUCER_FENCED from the coordinator");
    assert!(fenced_at > rejected_at);
    assert_eq!(crash_at, fenced_at);

    // Nothing of the zombie's reaches a read_committed reader.
    let r = &out.report;
    assert_eq!(r.verdict, "exactly-once");
    assert_eq!((r.duplicated, r.aborted_read, r.lost), (0, 0, 0));
    assert_eq!(r.consumed, 60);
}

/// One consumer joins at once, the group forms after `group.initial.rebalance.delay.ms`
/// (3 s), the consumer crashes at 4.5 s and a new instance joins at 6 s.
const SESSION: &str = r#"{"version":1,"seed":8,"cluster":{"brokers":3},
"topics":[{"name":"t","partitions":2,"replication.factor":3,"min.insync.replicas":2}],
"producers":[{"id":"p1","topic":"t","messages":200,"keys":4,"interval_ms":20}],
"consumers":[{"id":"c1","group":"g","topic":"t","processing_ms":30,"commit":"auto","config":{"auto.offset.reset":"earliest","auto.commit.interval.ms":1000}}],
"faults":[{"at_ms":4500,"kind":"crash_consumer","consumer":"c1"},{"at_ms":6000,"kind":"restart_consumer","consumer":"c1"}]}"#;

/// The crashed member's session (45 s) counts from the completed join, not from its
/// JoinGroup 3 s earlier: the rebalance that removes it comes no sooner than 45 s after
/// the group formed.
#[test]
fn session_timeout_counts_from_the_completed_rebalance() {
    let out = run_json(SESSION).unwrap();
    let rebalances: Vec<(u64, u32)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            Kind::Rebalance { generation, .. } => Some((e.t, generation)),
            _ => None,
        })
        .collect();
    let formed = rebalances.iter().find(|r| r.1 == 1).expect("generation 1").0;
    let removed = rebalances.iter().find(|r| r.1 == 2).expect("generation 2").0;
    assert!(formed >= 3000, "the initial rebalance delay: {formed}");
    assert!(removed >= formed + 45_000, "expired {} ms after the group formed", removed - formed);
    assert!(removed < formed + 45_000 + 1_000, "expired {} ms after the group formed", removed - formed);
}

/// The broker holding the transaction coordinator crashes just after a transaction began,
/// with three partitions being added to it. The producer retries after `retry.backoff.ms`,
/// one retry at a time (it once started a chain per failed request: over a million
/// requests in nine seconds), and an EndTxn answer left over from the previous
/// transaction does not commit the new one (it once acked ten records never written).
#[test]
fn a_coordinator_crash_mid_transaction_neither_storms_nor_commits_unwritten_records() {
    let out = run_json(
        r#"{"version":1,"seed":1,"cluster":{"brokers":3},
        "topics":[{"name":"t","partitions":3,"replication.factor":3,"min.insync.replicas":2}],
        "producers":[{"id":"p1","topic":"t","messages":60,"keys":3,"interval_ms":100,"transaction_messages":10,
          "config":{"transactional.id":"tx1"}}],
        "consumers":[{"id":"c1","group":"g","topic":"t","commit":"after_batch",
          "config":{"enable.auto.commit":false,"auto.offset.reset":"earliest","isolation.level":"read_committed"}}],
        "faults":[{"at_ms":2050,"kind":"crash_broker","broker":0}]}"#,
    )
    .unwrap();
    let r = &out.report;
    assert_eq!((r.acked, r.in_log, r.lost, r.verdict.as_str()), (60, 60, 0, "exactly-once"), "{r:?}");
    assert!(out.trace.events.len() < 100_000, "{} events", out.trace.events.len());
}

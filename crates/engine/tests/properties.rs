//! Property tests over small random scenarios: determinism, replica invariants read from
//! the trace, committed offsets, and the durability promise of `acks=all` +
//! `min.insync.replicas=2` + idempotence under one broker fault.
//!
//! Scenarios stay small (one topic, at most 3 partitions, at most 60 messages) and case
//! counts modest, so the file runs in seconds in a debug build.

use ackademy_engine::trace::{Event, Kind};
use ackademy_engine::types::Tp;
use ackademy_engine::{run_json, RunOutput};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A random but valid small scenario.
#[derive(Clone, Debug)]
struct Small {
    seed: u64,
    brokers: u32,
    partitions: u32,
    rf: u32,
    min_isr: u32,
    messages: u32,
    keys: u32,
    interval_ms: u32,
    acks: &'static str,
    idempotence: bool,
    max_in_flight: u32,
    processing: &'static str,
    commit: &'static str,
    processing_ms: u32,
    faults: Vec<Value>,
}

impl Small {
    fn json(&self) -> String {
        let auto = self.commit == "auto";
        json!({
            "version": 1,
            "seed": self.seed,
            "cluster": {"brokers": self.brokers},
            "topics": [{"name": "t", "partitions": self.partitions,
                        "replication.factor": self.rf, "min.insync.replicas": self.min_isr}],
            "producers": [{"id": "p1", "topic": "t", "messages": self.messages, "keys": self.keys,
                           "interval_ms": self.interval_ms,
                           "config": {"acks": self.acks, "enable.idempotence": self.idempotence,
                                      "max.in.flight.requests.per.connection": self.max_in_flight}}],
            "consumers": [{"id": "c1", "group": "g1", "topic": "t", "processing": self.processing,
                           "commit": self.commit, "processing_ms": self.processing_ms,
                           "config": {"enable.auto.commit": auto, "auto.commit.interval.ms": 1000,
                                      "auto.offset.reset": "earliest"}}],
            "faults": self.faults,
        })
        .to_string()
    }
}

fn fault_strategy(brokers: u32) -> impl Strategy<Value = Value> {
    let b = 0..brokers;
    let at = 0u64..20_000;
    prop_oneof![
        (at.clone(), b.clone()).prop_map(|(t, b)| json!({"at_ms": t, "kind": "crash_broker", "broker": b})),
        (at.clone(), b.clone()).prop_map(|(t, b)| json!({"at_ms": t, "kind": "restart_broker", "broker": b})),
        (at.clone(), b).prop_map(|(t, b)| json!({"at_ms": t, "kind": "isolate_broker", "broker": b})),
        at.clone().prop_map(|t| json!({"at_ms": t, "kind": "heal"})),
        (at.clone(), 1u32..3)
            .prop_map(|(t, n)| json!({"at_ms": t, "kind": "drop_produce_requests", "producer": "p1", "count": n})),
        (at.clone(), 1u32..3)
            .prop_map(|(t, n)| json!({"at_ms": t, "kind": "drop_produce_responses", "producer": "p1", "count": n})),
        at.clone().prop_map(|t| json!({"at_ms": t, "kind": "crash_consumer", "consumer": "c1"})),
        at.prop_map(|t| json!({"at_ms": t, "kind": "restart_consumer", "consumer": "c1"})),
    ]
}

fn small_strategy() -> impl Strategy<Value = Small> {
    (1u32..=3, 1u32..=3)
        .prop_flat_map(|(brokers, partitions)| {
            (Just(brokers), Just(partitions), 1..=brokers).prop_flat_map(|(brokers, partitions, rf)| {
                (
                    (any::<u64>(), Just(brokers), Just(partitions), Just(rf), 1..=rf),
                    (1u32..=60, 0u32..=4, 1u32..=50),
                    (prop_oneof![Just("0"), Just("1"), Just("all")], any::<bool>(), 1u32..=5),
                    (
                        prop_oneof![Just("in_poll_loop"), Just("handoff")],
                        prop_oneof![Just("auto"), Just("after_batch"), Just("per_record")],
                        0u32..=20,
                    ),
                    proptest::collection::vec(fault_strategy(brokers), 0..=3),
                )
            })
        })
        .prop_map(
            |(
                (seed, brokers, partitions, rf, min_isr),
                (messages, keys, interval_ms),
                (acks, idem, max_in_flight),
                (processing, commit, processing_ms),
                faults,
            )| Small {
                seed,
                brokers,
                partitions,
                rf,
                min_isr,
                messages,
                keys,
                interval_ms,
                acks,
                // Kafka refuses explicit idempotence with acks other than all.
                idempotence: idem && acks == "all",
                max_in_flight,
                processing,
                commit,
                processing_ms,
                faults,
            },
        )
}

/// Each property's configuration: a fixed seed by default, so every run checks the same
/// cases and CI cannot flake; `ACKADEMY_PROPTEST_SEED=<n>` or `=random` and
/// `ACKADEMY_PROPTEST_CASES=<n>` explore further.
fn config(cases: u32) -> ProptestConfig {
    let env = |k: &str| std::env::var(k).ok();
    let cases = env("ACKADEMY_PROPTEST_CASES").and_then(|s| s.parse().ok()).unwrap_or(cases);
    let rng_seed = match env("ACKADEMY_PROPTEST_SEED").as_deref() {
        Some("random") => RngSeed::Random,
        Some(s) => RngSeed::Fixed(s.parse().expect("ACKADEMY_PROPTEST_SEED is a number or `random`")),
        None => RngSeed::Fixed(0xACC_AD3E),
    };
    ProptestConfig { cases, rng_seed, failure_persistence: None, ..ProptestConfig::default() }
}

fn run(json: &str) -> RunOutput {
    run_json(json).unwrap_or_else(|e| panic!("scenario rejected: {e}\n{json}"))
}

/// Replays appends, truncations and high watermarks per replica and checks, at every
/// step: appends extend the log at its end, truncation never grows it, and the high
/// watermark never passes the log end offset.
fn check_hw_le_leo(events: &[Event]) -> Result<(), String> {
    // (broker, tp) -> (log end offset, high watermark)
    let mut replicas: BTreeMap<(u32, Tp), (u64, u64)> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        match &e.kind {
            Kind::Append { b, tp, base_offset, records, .. } => {
                let r = replicas.entry((*b, *tp)).or_default();
                if *base_offset != r.0 {
                    return Err(format!(
                        "event {i} at {} ms: broker {b} {tp:?} appends at {base_offset} but its log ends at {}",
                        e.t, r.0
                    ));
                }
                r.0 = base_offset + records.len() as u64;
            }
            Kind::Truncate { b, tp, to, .. } => {
                let r = replicas.entry((*b, *tp)).or_default();
                if *to > r.0 {
                    return Err(format!("event {i}: broker {b} {tp:?} truncates to {to} beyond its end {}", r.0));
                }
                r.0 = *to;
                r.1 = r.1.min(*to);
            }
            Kind::Hw { b, tp, hw } => {
                let r = replicas.entry((*b, *tp)).or_default();
                if *hw > r.0 {
                    return Err(format!(
                        "event {i} at {} ms: broker {b} {tp:?} high watermark {hw} > log end offset {}",
                        e.t, r.0
                    ));
                }
                r.1 = *hw;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Successful commits of one consumer instance within one generation never move a
/// partition's offset backwards.
fn check_commits_monotonic(events: &[Event]) -> Result<(), String> {
    let mut last: BTreeMap<(u16, u16, u32, Tp), u64> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        if let Kind::Commit { c, inst, generation, offsets, ok: true } = &e.kind {
            for (tp, off) in offsets {
                let k = (*c, *inst, *generation, *tp);
                if let Some(prev) = last.get(&k) {
                    if off < prev {
                        return Err(format!(
                            "event {i} at {} ms: consumer {c}#{inst} gen {generation} {tp:?} commits {off} after {prev}",
                            e.t
                        ));
                    }
                }
                last.insert(k, *off);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    /// Contract, "Determinism": the same scenario gives the same report and trace.
    #[test]
    fn same_scenario_same_report_and_trace(s in small_strategy()) {
        let json = s.json();
        let a = run(&json);
        let b = run(&json);
        prop_assert_eq!(&a.report, &b.report);
        prop_assert_eq!(a.trace.hash_hex(), b.trace.hash_hex());
        prop_assert_eq!(a.trace.events.len(), b.trace.events.len());
        prop_assert!(a.trace.events == b.trace.events);
    }

    /// Kafka replication design: a replica's high watermark is at most its log end offset
    /// (the HW is the minimum LEO over the ISR, and a follower's HW is capped by its own
    /// LEO); logs only grow at their end or are truncated (KIP-101/279).
    #[test]
    fn high_watermark_never_exceeds_log_end_offset(s in small_strategy()) {
        let json = s.json();
        let out = run(&json);
        if let Err(msg) = check_hw_le_leo(&out.trace.events) {
            return Err(TestCaseError::fail(format!("{msg}\n{json}")));
        }
    }

    /// KafkaConsumer: a member commits the positions it has consumed; within one
    /// generation a successful commit never moves a partition backwards.
    #[test]
    fn committed_offsets_never_go_backwards_within_a_generation(s in small_strategy()) {
        let json = s.json();
        let out = run(&json);
        if let Err(msg) = check_commits_monotonic(&out.trace.events) {
            return Err(TestCaseError::fail(format!("{msg}\n{json}")));
        }
    }
}

/// One broker fault (crash, optionally restarted later; or isolation, optionally healed
/// later) plus produce responses lost on the way back.
fn durable_faults() -> impl Strategy<Value = Vec<Value>> {
    let broker_fault = (0u32..3, 0u64..20_000, any::<bool>(), 1u64..20_000, any::<bool>()).prop_map(
        |(b, t, isolate, after, undo)| {
            let mut v = vec![if isolate {
                json!({"at_ms": t, "kind": "isolate_broker", "broker": b})
            } else {
                json!({"at_ms": t, "kind": "crash_broker", "broker": b})
            }];
            if undo {
                v.push(if isolate {
                    json!({"at_ms": t + after, "kind": "heal"})
                } else {
                    json!({"at_ms": t + after, "kind": "restart_broker", "broker": b})
                });
            }
            v
        },
    );
    let drops = proptest::collection::vec(
        (0u64..20_000, 1u32..=3)
            .prop_map(|(t, n)| json!({"at_ms": t, "kind": "drop_produce_responses", "producer": "p1", "count": n})),
        0..=3,
    );
    (broker_fault, drops).prop_map(|(mut a, b)| {
        a.extend(b);
        a
    })
}

/// The scenario of the durability property: RF 3, `min.insync.replicas=2`, `acks=all`,
/// idempotence, one consumer reading from the earliest offset.
fn durable_scenario(
    seed: u64,
    partitions: u32,
    messages: u32,
    keys: u32,
    interval_ms: u32,
    delivery_timeout_ms: Option<u64>,
    faults: &[Value],
) -> String {
    let mut config = json!({"acks": "all", "enable.idempotence": true});
    if let Some(d) = delivery_timeout_ms {
        config["delivery.timeout.ms"] = json!(d);
    }
    json!({
        "version": 1,
        "seed": seed,
        "cluster": {"brokers": 3},
        "topics": [{"name": "t", "partitions": partitions, "replication.factor": 3, "min.insync.replicas": 2}],
        "producers": [{"id": "p1", "topic": "t", "messages": messages, "keys": keys, "interval_ms": interval_ms,
                       "config": config}],
        "consumers": [{"id": "c1", "group": "g1", "topic": "t", "config": {"auto.offset.reset": "earliest"}}],
        "faults": faults,
    })
    .to_string()
}

/// KIP-360 / Kafka's `TransactionManager.maybeResolveSequences`: when an idempotent
/// producer's batch expires with its fate unknown, the partition's sequence is
/// "unresolved", and the producer bumps its epoch (resetting sequences) only when "No
/// inflight batches remaining" for that partition; batches still in flight keep their old
/// epoch and sequence, so the broker recognises their retries as duplicates. Expiry may
/// fail messages, but never writes one twice.
///
/// A regression case: responses lost around a leader crash once let `p1-0` expire after
/// `delivery.timeout.ms` while `p1-1`..`p1-4`, already appended under epoch 0, were resent
/// with a bumped epoch and fresh sequence numbers, and the broker appended them twice.
#[test]
fn idempotent_epoch_bump_after_expiry_does_not_duplicate() {
    let faults = [
        json!({"at_ms": 0, "kind": "drop_produce_responses", "producer": "p1", "count": 1}),
        json!({"at_ms": 1349, "kind": "crash_broker", "broker": 1}),
        json!({"at_ms": 9007, "kind": "drop_produce_responses", "producer": "p1", "count": 3}),
    ];
    let out = run(&durable_scenario(0, 1, 27, 0, 56, None, &faults));
    let r = &out.report;
    assert_eq!(r.duplicated_in_log, 0, "{:?}", out.findings.duplicated_in_log);
    assert_eq!(r.duplicated, 0, "{:?}", out.findings.duplicated);
    assert_eq!(r.lost, 0);
}

/// KRaft: a broker that restarts registers again with a new incarnation and replays the
/// metadata log, so it learns its partition roles again (or the controller fences it and
/// moves leadership to another ISR member); either way the partition becomes available
/// again. Here the leader of `t-1` crashes right after acking `p1-0` and restarts before
/// the controller noticed (broker session 9 s).
///
/// Expected (Kafka): the consumer eventually reads `p1-0` — nothing acked with `acks=all`
/// and `min.insync.replicas=2` is lost. (Found by the durability property: the restarted
/// broker once never got its role back and the run stopped as "quiescent" with `p1-0`
/// unread.)
#[test]
fn leader_restarted_before_its_session_expires_serves_again() {
    for gap in [1, 3_000, 8_000] {
        let faults = [
            json!({"at_ms": 15, "kind": "crash_broker", "broker": 1}),
            json!({"at_ms": 15 + gap, "kind": "restart_broker", "broker": 1}),
        ];
        let out = run(&durable_scenario(0, 2, 1, 1, 1, None, &faults));
        assert_eq!(out.report.acked, 1, "restart after {gap} ms");
        assert_eq!(out.report.lost, 0, "restart after {gap} ms: {:?}", out.findings.lost);
        assert_eq!(out.report.consumed, 1, "restart after {gap} ms");
    }
}

/// Kafka consumer configs, `metadata.max.age.ms` (default 300000): "The period of time in
/// milliseconds after which we force a refresh of metadata even if we haven't seen any
/// partition leadership changes to proactively discover any new brokers or partitions."
/// Broker 0, leader of `t-0`, is isolated for good at 3 ms; the controller fences it at
/// ~9 s and elects broker 1, where the producer's retries land and are acked at ~30 s.
/// The isolated broker still believes it leads and answers the consumer's fetches with no
/// records (its high watermark cannot move).
///
/// Expected (Kafka): at the latest after `metadata.max.age.ms` the consumer refreshes its
/// metadata, follows the new leader and reads all 21 acked messages. (Found by the
/// durability property: the consumer once fetched from broker 0 until the 600 s cap.)
#[test]
fn consumer_leaves_an_isolated_stale_leader() {
    let faults = [json!({"at_ms": 3, "kind": "isolate_broker", "broker": 0})];
    let out = run(&durable_scenario(0, 1, 21, 0, 29, Some(600_000), &faults));
    assert_eq!(out.report.acked, 21);
    assert_eq!(out.report.lost, 0, "{:?}", out.findings.lost);
    assert_eq!(out.report.consumed, 21);
}

/// Kafka's `TransactionManager.canRetry`: for the idempotent producer an
/// `OUT_OF_ORDER_SEQUENCE_NUMBER` is retried, and when the batch is not the next one after
/// the last acknowledged sequence it is retried *without* bumping the epoch ("We should
/// retry the OutOfOrderSequenceException if the batch is _not_ the next batch").
///
/// Here lost responses break the producer's connections to brokers 1 and 2 while five
/// batches of `t-2` (`p1-16`, `p1-17`, `p1-20`, `p1-21`, `p1-24`) are appended on broker 2;
/// broker 2 is isolated, broker 0 takes over `t-2`, and the new batch `p1-25` is acked
/// there first. The retried `p1-16` now falls outside the broker's cache of the last five
/// batches and gets `OUT_OF_ORDER_SEQUENCE_NUMBER`. Expected (Kafka): retry without an epoch
/// bump — the later batches come back as duplicates of what the log holds, nothing is
/// appended twice. Observed: the engine fails `p1-16`, bumps the epoch and resends
/// `p1-17`, `p1-20`, `p1-21`, `p1-24` with fresh sequence numbers, and the broker appends
/// them a second time (`duplicated` 4).
#[test]
fn out_of_order_sequence_on_an_old_batch_does_not_duplicate() {
    let faults = [
        json!({"at_ms": 4253, "kind": "isolate_broker", "broker": 2}),
        json!({"at_ms": 12001, "kind": "heal"}),
        json!({"at_ms": 2487, "kind": "drop_produce_responses", "producer": "p1", "count": 2}),
    ];
    let out = run(&durable_scenario(0, 3, 26, 4, 177, Some(600_000), &faults));
    let r = &out.report;
    assert_eq!(r.duplicated_in_log, 0, "{:?}", out.findings.duplicated_in_log);
    assert_eq!(r.duplicated, 0, "{:?}", out.findings.duplicated);
    assert_eq!(r.lost, 0);
}

proptest! {
    #![proptest_config(config(64))]

    /// Kafka producer configs (`acks=all`: "the record will not be lost as long as at least
    /// one in-sync replica remains alive"), topic configs (`min.insync.replicas=2`), KIP-98
    /// (idempotence: retries do not duplicate) and KIP-101/279 (no divergence after leader
    /// changes): with replication factor 3 and a consumer that never fails, one broker
    /// crash or isolation and any lost produce responses lose and duplicate nothing.
    ///
    /// `delivery.timeout.ms` is raised to 600 s so that no batch expires within a run (each
    /// lost response costs a 30 s request timeout); expiry is covered by
    /// `idempotent_epoch_bump_after_expiry_does_not_duplicate`.
    #[test]
    fn acks_all_min_isr_2_idempotent_survives_one_broker_fault(
        seed in any::<u64>(),
        partitions in 1u32..=3,
        messages in 1u32..=60,
        keys in 0u32..=4,
        interval_ms in 1u32..=200,
        faults in durable_faults(),
    ) {
        let json = durable_scenario(seed, partitions, messages, keys, interval_ms, Some(600_000), &faults);
        let out = run(&json);
        let r = &out.report;
        prop_assert!(r.end_ms <= 600_000, "bounded run: {}", r.end_ms);
        prop_assert_eq!(r.lost, 0, "lost {:?}\n{}", out.findings.lost, json);
        prop_assert_eq!(r.duplicated, 0, "duplicated {:?}\n{}", out.findings.duplicated, json);
        prop_assert_eq!(r.duplicated_in_log, 0, "{}", json);
    }
}

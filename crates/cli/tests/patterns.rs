//! Transactions, exactly-once pipelines and the patterns applications build around Kafka,
//! through the `ackademy` binary on the scenarios `tests/scenarios/x_*.json`. Each test
//! names the Kafka document, KIP or article whose behaviour it reproduces.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn run_with_trace(name: &str) -> (Value, Vec<Value>) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(name);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ackademy-patterns");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let trace = dir.join(format!("{}-{name}.jsonl", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_ackademy"))
        .arg("run")
        .arg(&file)
        .arg("--trace")
        .arg(&trace)
        .output()
        .expect("run ackademy");
    assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("report JSON");
    let text = std::fs::read_to_string(&trace).expect("trace");
    let _ = std::fs::remove_file(&trace);
    let events = text.lines().map(|l| serde_json::from_str(l).expect("trace line")).collect();
    (report, events)
}

fn n(r: &Value, f: &str) -> u64 {
    r[f].as_u64().unwrap_or_else(|| panic!("{f} missing in {r}"))
}

fn kinds<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

/// KIP-98 / Kafka docs `isolation.level`: a producer that dies inside a transaction leaves
/// records that its successor's `initTransactions` aborts. A `read_uncommitted` consumer
/// applied them (Jepsen's G1a, aborted read); a `read_committed` one never sees them.
#[test]
fn aborted_transaction_is_visible_to_read_uncommitted_only() {
    let (r, ev) = run_with_trace("x_txn.json");
    assert!(n(&r, "aborted_read") > 0, "{r}");
    assert_eq!(n(&r, "aborted_read"), r["anomalies"]["G1a"].as_u64().unwrap());
    assert_eq!(n(&r, "lost"), 0);
    // Group g1 reads read_committed: none of its applies is of an aborted record.
    let aborted: Vec<&Value> = kinds(&ev, "append").into_iter().filter(|e| e["control"] == "abort").collect();
    assert!(!aborted.is_empty(), "the successor's initTransactions wrote ABORT markers");
    let g1_applies: Vec<&str> = kinds(&ev, "apply")
        .into_iter()
        .filter(|e| e["consumer"].as_str().unwrap().starts_with("c1#"))
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    let mut sorted = g1_applies.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), g1_applies.len(), "read_committed applied nothing twice");
    assert_eq!(sorted.len(), 40);
}

/// KIP-98: transaction markers are control records that take an offset in every partition
/// of the transaction, so offsets of committed data have gaps.
#[test]
fn markers_occupy_offsets() {
    let (_, ev) = run_with_trace("x_txn.json");
    let markers: Vec<&Value> =
        kinds(&ev, "append").into_iter().filter(|e| e["control"].is_string() && e["broker"] == 0).collect();
    assert!(!markers.is_empty());
    for m in &markers {
        assert_eq!(m["messages"].as_array().unwrap().len(), 0);
        assert!(m["base_offset"].as_u64().is_some());
    }
    // The record after a marker sits one offset further on.
    let p0: Vec<&Value> = kinds(&ev, "append")
        .into_iter()
        .filter(|e| e["broker"] == 0 && e["partition"] == "orders-0")
        .collect();
    let mut next = 0;
    for a in p0 {
        assert_eq!(a["base_offset"].as_u64().unwrap(), next, "offsets are dense, markers included");
        next += a["messages"].as_array().unwrap().len().max(1) as u64;
    }
}

/// Kafka docs `transaction.timeout.ms` and the last stable offset: a transaction left open
/// (its producer paused) holds `read_committed` readers at the LSO, even for other
/// producers' committed records behind it, until the coordinator aborts it on timeout.
#[test]
fn stuck_transaction_holds_read_committed_at_the_lso_until_timeout() {
    let (r, ev) = run_with_trace("x_stuck.json");
    let abort = kinds(&ev, "txn").into_iter().find(|e| e["state"] == "PrepareAbort").expect("timeout abort");
    let abort_at = abort["t"].as_u64().unwrap();
    assert!(abort_at >= 60_000, "aborted by transaction.timeout.ms (60 s), at {abort_at}");
    // p2's records written after the pause (at 230 ms) are applied only after the abort.
    let late: Vec<&Value> = kinds(&ev, "apply")
        .into_iter()
        .filter(|e| e["message"].as_str().unwrap().starts_with("p2-"))
        .filter(|e| e["message"].as_str().unwrap()[3..].parse::<u64>().unwrap() >= 10)
        .collect();
    assert!(!late.is_empty());
    assert!(late.iter().all(|e| e["t"].as_u64().unwrap() > abort_at), "held at the LSO until the abort");
    assert_eq!(n(&r, "aborted_read"), 0);
}

/// KIP-98 zombie fencing: a paused instance that resumes after a new instance initialised
/// the same `transactional.id` gets `INVALID_PRODUCER_EPOCH` on its produce (KIP-588), aborts,
/// and its EndTxn gets `PRODUCER_FENCED`; its writes never become visible.
#[test]
fn zombie_is_fenced() {
    let (r, _) = run_with_trace("x_zombie.json");
    let errors = r["errors"].as_array().unwrap();
    let names: Vec<&str> = errors.iter().map(|e| e["error"].as_str().unwrap()).collect();
    assert_eq!(names, ["INVALID_PRODUCER_EPOCH", "PRODUCER_FENCED"], "{r}");
    assert_eq!(r["verdict"], "exactly-once");
    assert_eq!(n(&r, "duplicated"), 0);
    assert_eq!(n(&r, "aborted_read"), 0);
    assert_eq!(n(&r, "acked"), 40);
}

/// KIP-447 / Kafka Streams `processing.guarantee=exactly_once_v2`: input offsets commit
/// inside the output transaction, so a processor crash gives neither loss nor duplicates
/// for `read_committed` readers downstream.
#[test]
fn exactly_once_processor_survives_a_crash() {
    let (r, ev) = run_with_trace("x_eos.json");
    assert!(!kinds(&ev, "processor_crash").is_empty());
    assert_eq!(r["verdict"], "exactly-once", "{r}");
    assert_eq!(n(&r, "consumed"), 200);
}

/// Kafka Streams `at_least_once`: offsets are committed on an interval after producing, so
/// a crash re-processes and re-emits everything since the last commit.
#[test]
fn at_least_once_processor_duplicates_after_a_crash() {
    let (r, _) = run_with_trace("x_alos.json");
    assert!(n(&r, "duplicated") > 0, "{r}");
    assert!(n(&r, "duplicated_in_log") > 0);
    assert_eq!(n(&r, "lost"), 0);
    assert_eq!(r["verdict"], "at-least-once");
}

/// Transactional outbox (microservices.io pattern; the source article on reliable
/// producers): during a whole-cluster outage the application only writes to its database
/// and never sees an error; the relay publishes the rows after recovery. The same outage
/// makes a plain producer's sends expire after `delivery.timeout.ms`.
#[test]
fn outbox_survives_a_full_outage_while_plain_sends_expire() {
    let (outbox, ev) = run_with_trace("x_outbox.json");
    assert_eq!(n(&outbox, "lost"), 0, "{outbox}");
    assert_eq!(n(&outbox, "failed"), 0);
    assert!(outbox["errors"].as_array().unwrap().is_empty(), "the application saw no error");
    assert!(!kinds(&ev, "relay_error").is_empty(), "the relay did see the outage");
    let (plain, _) = run_with_trace("x_plain_outage.json");
    assert!(n(&plain, "failed") > 0, "{plain}");
    assert!(plain["errors"].as_array().unwrap().iter().any(|e| e["error"] == "REQUEST_TIMED_OUT"));
}

/// Spring Kafka's DeadLetterPublishingRecoverer: a poison message is retried, then
/// dead-lettered, and the partition moves on; without a DLQ the partition is stuck behind
/// it (Uber's consumer-proxy article on poison pills).
#[test]
fn poison_message_dead_lettered_and_the_rest_consumed() {
    let (r, ev) = run_with_trace("x_poison_dlq.json");
    assert_eq!(n(&r, "dead_lettered"), 1, "{r}");
    assert_eq!(n(&r, "consumed"), 49);
    assert_eq!(n(&r, "lost"), 0);
    assert_eq!(kinds(&ev, "processing_failed").len(), 10, "10 deliveries, then the DLQ");
    let (stuck, _) = run_with_trace("x_poison_stuck.json");
    assert_eq!(n(&stuck, "dead_lettered"), 0);
    assert_eq!(n(&stuck, "consumed"), 20, "nothing after the poison message: {stuck}");
}

/// Head-of-line blocking (consumer-proxy article): with per-batch commits a slow record
/// delays every record behind it; with out-of-order commit the others go on.
#[test]
fn head_of_line_blocking_with_after_batch_not_with_out_of_order() {
    let (batch, _) = run_with_trace("x_hol_batch.json");
    let (ooo, _) = run_with_trace("x_hol_ooo.json");
    let p50 = |r: &Value| r["latency_ms"]["p50"].as_u64().unwrap();
    assert!(p50(&batch) > p50(&ooo) + 2000, "after_batch {batch} vs out_of_order {ooo}");
    assert_eq!(n(&batch, "lost"), 0);
    assert_eq!(n(&ooo, "lost"), 0);
}

/// Kafka docs on adding partitions: `murmur2(key) % partitions` changes, so keyed messages
/// move to other partitions once producers refresh their metadata (`metadata.max.age.ms`),
/// and the consumer group rebalances onto the new partitions.
#[test]
fn added_partitions_receive_keys_after_a_metadata_refresh() {
    let (r, ev) = run_with_trace("x_addparts.json");
    assert_eq!(n(&r, "lost"), 0, "{r}");
    let late_sends: Vec<&Value> = kinds(&ev, "send").into_iter().filter(|e| e["t"].as_u64().unwrap() > 300_100).collect();
    assert!(late_sends.iter().any(|e| e["partition"] == "orders-2" || e["partition"] == "orders-3"));
    let early: Vec<&Value> = kinds(&ev, "send").into_iter().filter(|e| e["t"].as_u64().unwrap() < 299_000).collect();
    assert!(early.iter().all(|e| e["partition"] == "orders-0" || e["partition"] == "orders-1"));
    assert!(kinds(&ev, "assign").iter().any(|e| e["partitions"].as_array().unwrap().len() == 4));
}

/// KIP-98/KIP-447 and the source article on exactly-once streams: a transaction makes the
/// output records and the input offsets atomic, but a call to a service outside Kafka made
/// while processing is not rolled back: after a crash the aborted work is done again and
/// the external service sees the call twice, while the Kafka output stays exactly-once.
#[test]
fn exactly_once_cannot_roll_back_an_external_side_effect() {
    let (r, ev) = run_with_trace("x_eos_side_effect.json");
    assert!(!kinds(&ev, "processor_crash").is_empty());
    assert!(n(&r, "duplicated") > 0, "the external service was called twice for some messages: {r}");
    assert_eq!(n(&r, "lost"), 0);
    // The downstream read_committed consumer still applied every message exactly once.
    let mut c1: Vec<&str> = kinds(&ev, "apply")
        .into_iter()
        .filter(|e| e["consumer"].as_str().unwrap().starts_with("c1#"))
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    let total = c1.len();
    c1.sort();
    c1.dedup();
    assert_eq!(c1.len(), total, "no duplicate in Kafka's output");
    assert_eq!(total, 200);
}

/// The transactional inbox (the source article on reliable consumers): a lost response
/// without idempotence puts a message in the log twice; a consumer that records applied
/// message ids in its own database in the same local transaction as the effect applies
/// it once. `duplicated_in_log` stays honest about the log, `duplicated` counts effects.
#[test]
fn inbox_turns_log_duplicates_into_single_effects() {
    let (r, ev) = run_with_trace("x_inbox.json");
    assert!(n(&r, "duplicated_in_log") > 0, "{r}");
    assert_eq!(n(&r, "duplicated"), 0);
    assert_eq!(n(&r, "lost"), 0);
    assert_eq!(r["verdict"], "exactly-once");
    assert!(!kinds(&ev, "inbox_skip").is_empty(), "the inbox recognised the second copy");
}

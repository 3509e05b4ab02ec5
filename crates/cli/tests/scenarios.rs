//! End-to-end tests of the `ackademy` binary on hand-made scenarios (`tests/scenarios/`).
//! Each one reproduces a behaviour that Apache Kafka's documentation, a KIP or a Jepsen
//! analysis describes, and checks the report (and sometimes the `--trace` file) for it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(name)
}

/// A fresh path under Cargo's per-target temporary directory.
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ackademy-cli-tests");
    std::fs::create_dir_all(&dir).expect("create tmp dir");
    // Tests run in parallel and may trace the same scenario: each call gets its own file.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let k = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = dir.join(format!("{}-{k}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

/// Runs `ackademy run FILE [--trace OUT]`, asserts success, returns stdout.
fn run_raw(file: &Path, trace: Option<&Path>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ackademy"));
    cmd.arg("run").arg(file);
    if let Some(t) = trace {
        cmd.arg("--trace").arg(t);
    }
    let out = cmd.output().expect("run ackademy");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}: exit {:?}, stderr: {stderr}", file.display(), out.status);
    assert!(stderr.is_empty(), "{}: unexpected stderr: {stderr}", file.display());
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// The report of a scenario file.
fn run(name: &str) -> Value {
    let stdout = run_raw(&scenario(name), None);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{name}: report is not JSON: {e}\n{stdout}"))
}

/// The report and the trace events of a scenario file.
fn run_traced(name: &str) -> (Value, Vec<Value>) {
    let out = tmp(&format!("{name}.jsonl"));
    let stdout = run_raw(&scenario(name), Some(&out));
    let report: Value = serde_json::from_str(&stdout).expect("report is JSON");
    let text = std::fs::read_to_string(&out).expect("trace file written");
    let _ = std::fs::remove_file(&out);
    let events = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: bad trace line {l:?}: {e}")))
        .collect();
    (report, events)
}

fn n(r: &Value, field: &str) -> u64 {
    r[field].as_u64().unwrap_or_else(|| panic!("report field {field} is not a count: {r}"))
}

fn verdict(r: &Value) -> &str {
    r["verdict"].as_str().expect("verdict is a string")
}

fn kind<'a>(events: &'a [Value], k: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    events.iter().filter(move |e| e["kind"] == k)
}

fn t(e: &Value) -> u64 {
    e["t"].as_u64().expect("event time")
}

/// Kafka producer configs, `acks=0`: "the producer will not wait for any acknowledgment
/// from the server at all ... no guarantee can be made that the server has received the
/// record ... the offset given back for each record will always be set to -1".
/// Crashing the leader under load (one send per millisecond) loses the records that were
/// on the wire, while every application callback said success.
#[test]
fn acks_0_loses_records_in_flight_when_the_leader_crashes() {
    let (r, events) = run_traced("acks0.json");
    assert_eq!(n(&r, "acked"), n(&r, "sent"), "acks=0: every send is reported a success: {r}");
    assert_eq!(n(&r, "failed"), 0, "{r}");
    assert!(n(&r, "lost") > 0, "records in flight to the crashed leader are lost: {r}");
    assert!(n(&r, "in_log") < n(&r, "acked"), "{r}");
    assert_eq!(n(&r, "duplicated"), 0, "{r}");
    assert_eq!(verdict(&r), "at-most-once", "{r}");
    // acks=0 acknowledgements carry no offset (Kafka returns -1).
    assert!(kind(&events, "ack").all(|e| e["offset"].is_null()), "acks=0 acks must not carry offsets");
}

/// Kafka's Sender thread drains the accumulator whenever a batch is ready and a connection
/// can take a request; with `acks=0` nothing is in flight, so a backlog built up while the
/// partition had no leader goes out right after the new leader is known (Kafka producer
/// configs: `acks=0` ... "the record will be immediately added to the socket buffer and
/// considered sent"). Expected: the last record reaches the new leader within seconds of
/// the failover (~9 s), not after `delivery.timeout.ms` (120 s).
#[test]
fn acks_0_backlog_drains_promptly_after_failover() {
    let (_, events) = run_traced("acks0.json");
    let elected = kind(&events, "leader")
        .filter(|e| e["leader"] == 1)
        .map(t)
        .next()
        .expect("broker 1 takes over orders-0");
    let last_append = kind(&events, "append").filter(|e| e["broker"] == 1).map(t).max().expect("appends on broker 1");
    assert!(
        last_append < elected + 20_000,
        "the backlog should reach the new leader soon after the election at {elected} ms, last append at {last_append} ms"
    );
}

/// Kafka producer configs, `acks=1`: "the leader will write the record to its local log
/// but will respond without awaiting full acknowledgement from all followers. In this case
/// should the leader fail immediately after acknowledging the record but before the
/// followers have replicated it then the record will be lost." An isolated leader keeps
/// acking; the controller elects a follower; when the old leader comes back it truncates
/// its divergent suffix to the new leader's epoch end offset (KIP-101/KIP-279).
#[test]
fn acks_1_isolated_leader_loses_acked_writes() {
    let (r, events) = run_traced("acks1.json");
    assert_eq!(n(&r, "acked"), n(&r, "sent"), "{r}");
    assert!(n(&r, "lost") > 0, "acked writes of the isolated leader are lost: {r}");
    assert!(n(&r, "in_log") < n(&r, "acked"), "{r}");
    assert_eq!(verdict(&r), "at-most-once", "{r}");
    // The new leader is the next ISR member in replica order, and the old one truncates.
    let new_leader = kind(&events, "leader").find(|e| e["leader"] != 0).expect("a failover");
    assert_eq!(new_leader["leader"], 1, "{new_leader}");
    let heal = kind(&events, "heal").map(t).next().expect("heal");
    let trunc = kind(&events, "truncate")
        .find(|e| e["broker"] == 0 && t(e) >= heal)
        .expect("broker 0 truncates its divergent log after it rejoins (KIP-101/279)");
    assert!(trunc["removed"].as_u64().unwrap() > 0, "{trunc}");
}

/// Kafka producer configs, `acks=all`: "the leader will wait for the full set of in-sync
/// replicas to acknowledge the record. This guarantees that the record will not be lost as
/// long as at least one in-sync replica remains alive"; with `min.insync.replicas=2` (topic
/// configs) an acked record is on two brokers. The same isolate/crash/heal/restart as the
/// `acks=1` case loses nothing.
#[test]
fn acks_all_with_min_insync_2_survives_isolation_and_crash() {
    let r = run("acksall.json");
    assert_eq!(n(&r, "lost"), 0, "{r}");
    assert_eq!(n(&r, "duplicated"), 0, "{r}");
    assert_eq!(n(&r, "acked"), n(&r, "sent"), "{r}");
    assert_eq!(n(&r, "in_log"), n(&r, "acked"), "{r}");
    assert_eq!(verdict(&r), "exactly-once", "{r}");
}

/// KIP-98 (idempotent producer), motivation: "a producer retry ... may result in
/// duplicates" when the broker wrote the batch but its response was lost. Without
/// `enable.idempotence` the retried batch is appended a second time.
#[test]
fn lost_response_without_idempotence_duplicates() {
    let r = run("dupresp.json");
    assert!(n(&r, "duplicated_in_log") > 0, "the retried batch is appended twice: {r}");
    assert!(n(&r, "duplicated") > 0, "and the consumer applies it twice: {r}");
    assert_eq!(n(&r, "lost"), 0, "{r}");
    assert_eq!(verdict(&r), "at-least-once", "{r}");
    assert!(r["anomalies"]["duplicate"].as_u64().unwrap() > 0, "Jepsen's `duplicate`: {r}");
}

/// KIP-98: with `enable.idempotence=true` the broker recognises the retried batch by its
/// producer id and sequence number and does not append it again.
#[test]
fn lost_response_with_idempotence_is_exactly_once() {
    let r = run("dupresp_idem.json");
    assert_eq!(n(&r, "duplicated_in_log"), 0, "{r}");
    assert_eq!(n(&r, "duplicated"), 0, "{r}");
    assert_eq!(n(&r, "lost"), 0, "{r}");
    assert_eq!(n(&r, "in_log"), n(&r, "sent"), "{r}");
    assert_eq!(verdict(&r), "exactly-once", "{r}");
}

/// Kafka producer configs, `max.in.flight.requests.per.connection`: "if this config is set
/// to be greater than 1 and `enable.idempotence` is set to false, there is a risk of
/// message reordering after a failed send due to retries". A dropped request with 5 in
/// flight is retried after later requests succeeded.
#[test]
fn dropped_request_with_5_in_flight_reorders_without_idempotence() {
    let r = run("reorder.json");
    assert!(n(&r, "reordered") > 0, "{r}");
    assert!(r["anomalies"]["nonmonotonic-send"].as_u64().unwrap() > 0, "{r}");
    assert_eq!(n(&r, "lost"), 0, "{r}");
}

/// KIP-98 / Kafka producer configs, `enable.idempotence`: idempotence guarantees ordering
/// with up to 5 requests in flight (the broker rejects out-of-sequence batches and the
/// producer resends in order).
#[test]
fn dropped_request_keeps_order_with_idempotence() {
    let r = run("reorder_idem.json");
    assert_eq!(n(&r, "reordered"), 0, "{r}");
    assert_eq!(r["anomalies"]["nonmonotonic-send"], 0, "{r}");
    assert_eq!(n(&r, "lost"), 0, "{r}");
    assert_eq!(verdict(&r), "exactly-once", "{r}");
}

/// KafkaConsumer javadoc, "Automatic Offset Committing": auto-commit commits the offsets
/// returned by the last `poll()`; records handed to other threads may not be processed yet
/// ("this can cause ... data loss" when processing is asynchronous). A crash then skips
/// them.
#[test]
fn auto_commit_with_handoff_processing_loses_on_consumer_crash() {
    let r = run("handoff.json");
    assert!(n(&r, "lost") > 0, "{r}");
    assert_eq!(n(&r, "in_log"), n(&r, "acked"), "the loss is on the consumer side: {r}");
    assert_eq!(verdict(&r), "at-most-once", "{r}");
}

/// KafkaConsumer javadoc, "Automatic Offset Committing": processed in the poll loop, auto
/// commit gives at-least-once delivery: after a crash the records processed since the last
/// commit are delivered and applied again.
#[test]
fn auto_commit_in_poll_loop_duplicates_on_consumer_crash() {
    let r = run("pollloop.json");
    assert!(n(&r, "duplicated") > 0, "{r}");
    assert_eq!(n(&r, "lost"), 0, "{r}");
    assert_eq!(verdict(&r), "at-least-once", "{r}");
}

/// Kafka broker configs, `unclean.leader.election.enable`: "Indicates whether to enable
/// replicas not in the ISR set to be elected as leader as a last resort, even though doing
/// so may result in data loss". The ISR shrinks to broker 0, which acks alone
/// (`min.insync.replicas=1`) and then dies; out-of-sync broker 1 is elected and the
/// records only broker 0 had are gone. The consumer is down meanwhile, so it never read
/// them.
#[test]
fn unclean_leader_election_loses_acked_writes() {
    let (r, events) = run_traced("unclean.json");
    assert!(n(&r, "lost") > 0, "{r}");
    assert!(n(&r, "in_log") < n(&r, "acked"), "{r}");
    assert_eq!(verdict(&r), "at-most-once", "{r}");
    let unclean = kind(&events, "leader").find(|e| e["unclean"] == true).expect("an unclean election");
    assert_eq!(unclean["leader"], 1, "{unclean}");
    // When broker 0 returns it truncates to the unclean leader's log.
    assert!(kind(&events, "truncate").any(|e| e["broker"] == 0 && e["removed"].as_u64().unwrap() > 0));
}

/// KIP-320: a consumer that read up to offset ~150 of a partition whose unclean new
/// leader holds only 10 records does not start over from `auto.offset.reset`. On the
/// leader change it asks the new leader (`OffsetsForLeaderEpoch`) where the epoch of its
/// last record ends, finds the log truncated below its position and moves back to the
/// first offset known to diverge (the Java client's "Truncation detected ... resetting
/// offset to the first offset known to diverge"). Nothing is applied twice, although 140
/// records it read are gone from the log; with `auto.offset.reset` = none the truncation
/// is raised to the application instead.
#[test]
fn a_consumer_detects_the_truncation_of_an_unclean_election() {
    let (r, events) = run_traced("unclean_reader.json");
    let found: Vec<&Value> = kind(&events, "truncation_detected").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let (position, offset) = (found[0]["position"].as_u64().unwrap(), found[0]["offset"].as_u64().unwrap());
    assert!(offset < position, "{}", found[0]);
    let elected = kind(&events, "leader").find(|e| e["unclean"] == true).expect("an unclean election");
    assert!(t(found[0]) > t(elected), "detected after the election");
    assert!(!kind(&events, "offset_reset").any(|e| t(e) > t(elected)), "no auto.offset.reset after the election");
    assert_eq!(n(&r, "duplicated"), 0, "{r}");
    assert!(n(&r, "in_log") < n(&r, "acked"), "{r}");
    // The next records it reads are the new leader's, from the divergence point on.
    let next = kind(&events, "poll").find(|e| t(e) > t(found[0])).expect("polls again");
    assert_eq!(next["records"][0][1], offset, "{next}");

    let text = std::fs::read_to_string(scenario("unclean_reader.json")).unwrap();
    let none = text.replace(r#""auto.offset.reset":"earliest""#, r#""auto.offset.reset":"none""#);
    assert_ne!(none, text);
    let file = tmp("unclean_reader_none.json");
    std::fs::write(&file, none).unwrap();
    let r: Value = serde_json::from_str(&run_raw(&file, None)).unwrap();
    let errors = r["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["who"].as_str().unwrap().starts_with("c1") && e["error"] == "OFFSET_OUT_OF_RANGE"), "{r}");
}

/// KIP-320 for a consumer that was down during the unclean election: its committed offset
/// (140) carries the leader epoch of the record before it, so when it restarts it
/// validates that position against the new leader first. The new leader's log has grown
/// past 140 with other records, so without the epoch it would read on from 140 and skip
/// the 130 records written after the divergence point; with it, it finds the truncation
/// and moves back to 10.
#[test]
fn a_restarted_consumer_validates_its_committed_offset_after_an_unclean_election() {
    let (r, events) = run_traced("unclean_restart.json");
    let elected = kind(&events, "leader").find(|e| e["unclean"] == true).expect("an unclean election");
    let found: Vec<&Value> = kind(&events, "truncation_detected").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(t(found[0]) > t(elected));
    assert_eq!(found[0]["consumer"], "c1#1", "the restarted instance: {}", found[0]);
    let (position, offset) = (found[0]["position"].as_u64().unwrap(), found[0]["offset"].as_u64().unwrap());
    assert!(offset < position, "{}", found[0]);
    let next = kind(&events, "poll").find(|e| e["consumer"] == "c1#1").expect("the new instance polls");
    assert_eq!(next["records"][0][1], offset, "{next}");
    assert!(n(&r, "lost") < 30, "only what auto.offset.reset=latest skipped at the first join: {r}");
}

/// Kafka docs, "Unclean leader election": with it disabled, Kafka "waits for a replica in
/// the ISR to come back to life" and chooses unavailability over loss. Same faults as the
/// unclean case: the partition is offline until broker 0 returns, then nothing is lost.
#[test]
fn clean_leader_election_waits_for_an_isr_member() {
    let (r, events) = run_traced("clean.json");
    assert_eq!(n(&r, "lost"), 0, "{r}");
    assert_eq!(n(&r, "duplicated"), 0, "{r}");
    assert_eq!(n(&r, "in_log"), n(&r, "acked"), "{r}");
    assert_eq!(verdict(&r), "exactly-once", "{r}");
    assert!(kind(&events, "leader").all(|e| e["unclean"] == false));
    // No out-of-sync replica ever leads: the leader is always broker 0 or nobody.
    for e in kind(&events, "leader") {
        assert!(e["leader"] == 0 || e["leader"].is_null(), "only ISR member 0 may lead: {e}");
    }
    assert!(kind(&events, "leader").any(|e| e["leader"].is_null()), "the partition goes offline");
}

/// The contract's determinism rule: the same scenario gives the same report and the same
/// trace, byte for byte.
#[test]
fn same_file_twice_gives_identical_report_and_trace_bytes() {
    for name in ["basic.json", "acks1.json", "unclean.json", "pollloop.json"] {
        let (t1, t2) = (tmp(&format!("det1-{name}.jsonl")), tmp(&format!("det2-{name}.jsonl")));
        let out1 = run_raw(&scenario(name), Some(&t1));
        let out2 = run_raw(&scenario(name), Some(&t2));
        assert_eq!(out1, out2, "{name}: stdout differs between runs");
        let b1 = std::fs::read(&t1).unwrap();
        let b2 = std::fs::read(&t2).unwrap();
        assert!(!b1.is_empty(), "{name}: empty trace");
        assert!(b1 == b2, "{name}: trace files differ between runs");
        // Without --trace the report is the same too.
        assert_eq!(run_raw(&scenario(name), None), out1, "{name}: --trace changed the report");
        let _ = std::fs::remove_file(t1);
        let _ = std::fs::remove_file(t2);
    }
}

/// `ackademy run FILE --trace OUT.jsonl` writes one JSON object per line, each with a
/// `kind` and a simulated time `t`, in time order.
#[test]
fn trace_file_is_one_json_object_per_line() {
    let out = tmp("lines.jsonl");
    run_raw(&scenario("basic.json"), Some(&out));
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    assert!(text.ends_with('\n'), "the last line is terminated");
    let mut last = 0;
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}: {line}", i + 1));
        let obj = v.as_object().unwrap_or_else(|| panic!("line {} is not an object: {line}", i + 1));
        assert!(obj.get("kind").and_then(Value::as_str).is_some(), "line {}: no kind", i + 1);
        let time = obj.get("t").and_then(Value::as_u64).unwrap_or_else(|| panic!("line {}: no t", i + 1));
        assert!(time >= last, "line {}: time goes backwards", i + 1);
        last = time;
        count += 1;
    }
    assert!(count > 100, "a run of 100 messages has a substantial trace, got {count} lines");
    for k in ["leader", "send", "ack", "append", "hw", "poll", "apply"] {
        assert!(text.contains(&format!("\"kind\":\"{k}\"")), "trace has no {k} event");
    }
}

/// The contract's placement rule, as Kafka's default assignment without racks: partition
/// `p` gets replicas `[(p + i) % brokers]`, the first is the preferred leader and leads at
/// the start. On leader loss the controller elects the first replica *in replica order*
/// that is alive and in the ISR (Kafka docs, "Replicated Logs": "a replica in the ISR";
/// KRaft's PartitionChangeBuilder takes the first eligible replica of the assignment).
#[test]
fn placement_and_election_follow_replica_order() {
    let (_, events) = run_traced("placement.json");
    let brokers = 4u64;
    let topics = [("orders", 4u64, 3u64), ("audit", 3, 2)];
    let replicas = |topic: &str, p: u64| -> Vec<u64> {
        let rf = topics.iter().find(|x| x.0 == topic).unwrap().2;
        (0..rf).map(|i| (p + i) % brokers).collect()
    };
    // The first leader event of every partition: the preferred leader, ISR = replica list.
    for (topic, parts, _) in topics {
        for p in 0..parts {
            let name = format!("{topic}-{p}");
            let first = kind(&events, "leader").find(|e| e["partition"] == name.as_str()).expect("first leader");
            let want = replicas(topic, p);
            assert_eq!(first["leader"], want[0], "{name}: preferred leader: {first}");
            let isr: Vec<u64> = first["isr"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
            let (mut a, mut b) = (isr.clone(), want.clone());
            a.sort();
            b.sort();
            assert_eq!(a, b, "{name}: the initial ISR is the replica list: {first}");
        }
    }
    // Every change of leader picks the first replica, in assignment order, of the new ISR.
    let mut current: std::collections::BTreeMap<String, Value> = Default::default();
    for e in kind(&events, "leader") {
        let name = e["partition"].as_str().unwrap().to_string();
        let prev = current.insert(name.clone(), e["leader"].clone());
        if prev.is_none() || prev.as_ref() == Some(&e["leader"]) || e["leader"].is_null() {
            continue;
        }
        let (topic, p) = name.rsplit_once('-').unwrap();
        let isr: Vec<u64> = e["isr"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
        let want = replicas(topic, p.parse().unwrap()).into_iter().find(|r| isr.contains(r));
        assert_eq!(e["leader"].as_u64(), want, "{name}: the new leader is the first ISR member in replica order: {e}");
    }
    // The concrete failovers: broker 2 dies, then broker 3.
    let leaders_of = |name: &str| -> Vec<Value> {
        let mut v: Vec<Value> = Vec::new();
        for e in kind(&events, "leader").filter(|e| e["partition"] == name) {
            if v.last() != Some(&e["leader"]) {
                v.push(e["leader"].clone());
            }
        }
        v
    };
    // orders-2 has replicas [2, 3, 0]: 2 -> 3 (not 0, though 0 sorts first) -> 0.
    assert_eq!(leaders_of("orders-2"), vec![Value::from(2), Value::from(3), Value::from(0)]);
    // orders-3 has replicas [3, 0, 1]: 3 -> 0.
    assert_eq!(leaders_of("orders-3"), vec![Value::from(3), Value::from(0)]);
    // orders-0 [0, 1, 2] and orders-1 [1, 2, 3] keep their leaders.
    assert_eq!(leaders_of("orders-0"), vec![Value::from(0)]);
    assert_eq!(leaders_of("orders-1"), vec![Value::from(1)]);
    // audit-2 has replicas [2, 3]: 2 -> 3, then offline (no ISR member left, clean election).
    assert_eq!(leaders_of("audit-2"), vec![Value::from(2), Value::from(3), Value::Null]);
    // Leader epochs grow with every change of leader.
    let epochs: Vec<u64> = kind(&events, "leader")
        .filter(|e| e["partition"] == "orders-2")
        .map(|e| e["leader_epoch"].as_u64().unwrap())
        .collect();
    assert!(epochs.windows(2).all(|w| w[0] <= w[1]), "epochs never go back: {epochs:?}");
    assert!(epochs.last().unwrap() >= &2, "two failovers bump the epoch twice: {epochs:?}");
}

/// Kafka producer configs, `acks`: "`acks=-1`" is the same setting as `acks=all`. The same
/// scenario with either spelling gives the same report, trace hash included.
#[test]
fn acks_minus_1_is_acks_all() {
    let text = std::fs::read_to_string(scenario("acksall.json")).unwrap();
    assert!(text.contains(r#""acks":"all""#));
    let minus1 = tmp("acks-minus-1.json");
    std::fs::write(&minus1, text.replace(r#""acks":"all""#, r#""acks":"-1""#)).unwrap();
    let a = run_raw(&scenario("acksall.json"), None);
    let b = run_raw(&minus1, None);
    let _ = std::fs::remove_file(&minus1);
    assert_eq!(a, b);
}

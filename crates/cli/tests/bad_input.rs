//! Bad input to `ackademy run`: the contract says an invalid scenario gives exit 2, one
//! line `error: <field path>: <message>` on stderr and nothing on stdout, and that no
//! input makes it panic (exit 101) or run unbounded.

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ackademy"))
}

/// Runs `ackademy run -` with `input` on stdin.
fn run_stdin(input: &str) -> Output {
    let mut child = bin()
        .args(["run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ackademy");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        // The binary may exit before reading everything (not for these small inputs).
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("wait for ackademy")
}

/// Asserts the contract's rejection shape and returns the single stderr line.
fn assert_rejected(out: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: exit {:?}, stderr: {stderr}", out.status);
    assert!(stdout.is_empty(), "{what}: stdout must be empty, got {stdout:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: exactly one stderr line, got {stderr:?}");
    assert!(stderr.ends_with('\n'), "{what}: the line is terminated");
    assert!(lines[0].starts_with("error: "), "{what}: {:?}", lines[0]);
    lines[0].to_string()
}

fn rejected(input: &str) -> String {
    assert_rejected(&run_stdin(input), input)
}

/// A minimal valid scenario with topic "orders", producer "p1" and consumer "c1", in which
/// `patch` replaces or adds top-level fields.
fn scenario(patch: Value) -> String {
    let mut base = json!({
        "version": 1,
        "cluster": {"brokers": 3},
        "topics": [{"name": "orders", "partitions": 1, "replication.factor": 3}],
        "producers": [{"id": "p1", "topic": "orders", "messages": 5}],
        "consumers": [{"id": "c1", "group": "g1", "topic": "orders"}]
    });
    for (k, v) in patch.as_object().expect("patch is an object") {
        base[k] = v.clone();
    }
    base.to_string()
}

#[test]
fn the_base_scenario_is_valid() {
    let out = run_stdin(&scenario(json!({})));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).expect("report JSON");
    assert_eq!(r["sent"], 5);
}

#[test]
fn wrong_acks_value_gives_the_contracts_exact_message() {
    let line = rejected(&scenario(json!({
        "producers": [{"id": "p1", "topic": "orders", "config": {"acks": "2"}}]
    })));
    assert_eq!(line, r#"error: producers[0].config.acks: expected one of "0", "1", "all", "-1", got "2""#);
}

#[test]
fn unknown_field_is_an_error_naming_its_path() {
    let line = rejected(&scenario(json!({
        "producers": [{"id": "p1", "topic": "orders", "config": {"akcs": "1"}}]
    })));
    assert!(line.starts_with("error: producers[0].config.akcs: unknown field"), "{line}");
    let line = rejected(&scenario(json!({"clsuter": {}})));
    assert!(line.starts_with("error: clsuter: unknown field"), "{line}");
    let line = rejected(&scenario(json!({
        "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}]
    })));
    assert!(line.starts_with("error: topics[0].replication_factor: unknown field"), "{line}");
}

/// Kafka's own message for `kafka-topics --create --replication-factor 3` on two brokers.
#[test]
fn replication_factor_larger_than_brokers() {
    let line = rejected(&scenario(json!({
        "cluster": {"brokers": 2},
        "topics": [{"name": "orders", "replication.factor": 3}]
    })));
    assert!(line.starts_with("error: topics[0].replication.factor: "), "{line}");
    assert!(line.ends_with("replication factor: 3 larger than available brokers: 2"), "{line}");
}

#[test]
fn limits_are_clear_errors() {
    let line = rejected(&scenario(json!({"cluster": {"brokers": 10}, "topics": [{"name": "orders"}]})));
    assert!(line.starts_with("error: cluster.brokers: "), "{line}");
    assert!(line.contains("10"), "{line}");
    let line = rejected(&scenario(json!({"topics": [{"name": "orders", "partitions": 65}]})));
    assert!(line.starts_with("error: topics[0].partitions: "), "{line}");
    assert!(line.contains("65"), "{line}");
    let line = rejected(&scenario(json!({
        "producers": [{"id": "p1", "topic": "orders", "messages": 1000001}]
    })));
    assert!(line.starts_with("error: producers[0].messages: "), "{line}");
    assert!(line.contains("1000000"), "{line}");
    let line = rejected(&scenario(json!({"until_ms": 3600001})));
    assert!(line.starts_with("error: until_ms: "), "{line}");
    assert!(line.contains("3600000"), "{line}");
    // Zero brokers and zero partitions are below the bounds.
    let line = rejected(&scenario(json!({"cluster": {"brokers": 0}, "topics": []})));
    assert!(line.starts_with("error: cluster.brokers: "), "{line}");
    let line = rejected(&scenario(json!({"topics": [{"name": "orders", "partitions": 0}]})));
    assert!(line.starts_with("error: topics[0].partitions: "), "{line}");
}

#[test]
fn references_to_missing_things_name_the_field() {
    let line = rejected(&scenario(json!({"producers": [{"id": "p1", "topic": "nope"}]})));
    assert!(line.starts_with("error: producers[0].topic: "), "{line}");
    assert!(line.contains("nope"), "{line}");
    let line = rejected(&scenario(json!({"consumers": [{"id": "c1", "group": "g", "topic": "nope"}]})));
    assert!(line.starts_with("error: consumers[0].topic: "), "{line}");
    let line = rejected(&scenario(json!({
        "faults": [{"at_ms": 10, "kind": "crash_producer", "producer": "p9"}]
    })));
    assert!(line.starts_with("error: faults[0].producer: "), "{line}");
    assert!(line.contains("p9"), "{line}");
    let line = rejected(&scenario(json!({
        "faults": [{"at_ms": 10, "kind": "drop_produce_responses", "producer": "p9", "count": 1}]
    })));
    assert!(line.starts_with("error: faults[0].producer: "), "{line}");
    let line = rejected(&scenario(json!({
        "faults": [{"at_ms": 10, "kind": "crash_consumer", "consumer": "c9"}]
    })));
    assert!(line.starts_with("error: faults[0].consumer: "), "{line}");
    let line = rejected(&scenario(json!({
        "faults": [{"at_ms": 10, "kind": "crash_broker", "broker": 3}]
    })));
    assert!(line.starts_with("error: faults[0].broker: "), "{line}");
    assert!(line.contains('3'), "{line}");
    let line = rejected(&scenario(json!({
        "faults": [{"at_ms": 10, "kind": "crash_broker", "broker": 0},
                   {"at_ms": 20, "kind": "restart_broker", "broker": 7}]
    })));
    assert!(line.starts_with("error: faults[1].broker: "), "{line}");
}

/// Kafka's ProducerConfig refuses `enable.idempotence=true` with `acks` other than `all`:
/// "Must set acks to all in order to use the idempotent producer. Otherwise we cannot
/// guarantee idempotence."
#[test]
fn explicit_idempotence_with_acks_1_is_refused() {
    let line = rejected(&scenario(json!({
        "producers": [{"id": "p1", "topic": "orders",
                       "config": {"acks": "1", "enable.idempotence": true}}]
    })));
    assert!(
        line.starts_with("error: producers[0].config.acks: ")
            || line.starts_with("error: producers[0].config.enable.idempotence: "),
        "{line}"
    );
    assert!(line.contains("acks to all") && line.contains("idempotent"), "Kafka's meaning: {line}");
    // Left at its default, idempotence is switched off quietly by acks=1 (Kafka 3.x).
    let out = run_stdin(&scenario(json!({
        "producers": [{"id": "p1", "topic": "orders", "messages": 5, "config": {"acks": "1"}}]
    })));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn invalid_json_is_rejected() {
    for input in ["{\"version\":1,", "{version:1}", "nul", "{\"version\":1}}"] {
        let line = rejected(input);
        assert!(line.contains("JSON") || line.contains("json"), "{input}: {line}");
    }
    // Valid JSON of the wrong shape.
    for input in ["[]", "[1,2", "42", "\"scenario\"", "null"] {
        rejected(input);
    }
}

#[test]
fn empty_input_on_stdin_is_rejected() {
    rejected("");
    rejected("   \n\t ");
}

#[test]
fn a_nonexistent_file_is_rejected() {
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-dir/no-such-scenario.json");
    let out = bin().arg("run").arg(&missing).output().expect("run");
    let line = assert_rejected(&out, "missing file");
    assert!(line.contains("no-such-scenario.json"), "the message names the file: {line}");
}

#[test]
fn bad_usage_is_rejected() {
    for args in [&[][..], &["walk"][..], &["run"][..], &["run", "a.json", "b.json"][..], &["run", "-", "--trace"][..]] {
        let out = bin().args(args).stdin(Stdio::null()).output().expect("run");
        assert_rejected(&out, &format!("{args:?}"));
    }
}

// ---------------------------------------------------------------------------------------
// Robustness: a few hundred deterministic random mutations of valid scenarios.
// ---------------------------------------------------------------------------------------

/// SplitMix64: a small deterministic generator, so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// The seeds for mutation: the contract's example and the hand-made scenarios, with
/// producers shortened so that every run stays quick.
fn seeds() -> Vec<Value> {
    let contract = json!({
        "version": 1, "seed": 7, "until_ms": 120000,
        "cluster": {"brokers": 3, "unclean.leader.election.enable": false,
                    "replica.lag.time.max.ms": 30000, "network_latency_ms": 2},
        "topics": [{"name": "orders", "partitions": 3, "replication.factor": 3, "min.insync.replicas": 2}],
        "producers": [{"id": "p1", "topic": "orders", "messages": 30, "keys": 4, "value_bytes": 100,
                       "interval_ms": 10, "transaction_messages": 0, "outbox": false,
                       "config": {"acks": "all", "enable.idempotence": true, "retries": 2147483647,
                                  "max.in.flight.requests.per.connection": 5, "linger.ms": 0,
                                  "batch.size": 16384, "request.timeout.ms": 30000,
                                  "delivery.timeout.ms": 120000, "retry.backoff.ms": 100,
                                  "transactional.id": null}}],
        "consumers": [{"id": "c1", "group": "g1", "topic": "orders", "processing_ms": 5,
                       "processing": "in_poll_loop", "commit": "auto", "inbox": false, "dlq": null,
                       "config": {"enable.auto.commit": true, "auto.commit.interval.ms": 5000,
                                  "isolation.level": "read_uncommitted", "max.poll.records": 500,
                                  "auto.offset.reset": "earliest", "session.timeout.ms": 45000}}],
        "processors": [{"id": "etl", "group": "etl", "from": "orders", "to": "shipments",
                        "processing_ms": 5, "processing.guarantee": "exactly_once_v2",
                        "commit.interval.ms": 100}],
        "faults": [{"at_ms": 500, "kind": "crash_broker", "broker": 0},
                   {"at_ms": 4000, "kind": "restart_broker", "broker": 0}]
    });
    let mut out = vec![contract];
    let mut names: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("scenarios dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    for p in names {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        cap(&mut v);
        out.push(v);
    }
    out
}

/// Keeps a scenario small: at most 40 messages per producer.
fn cap(v: &mut Value) {
    if let Some(ps) = v.get_mut("producers").and_then(Value::as_array_mut) {
        for p in ps {
            if let Some(m) = p.get_mut("messages") {
                if m.as_u64().is_some_and(|n| n > 40) {
                    *m = json!(40);
                }
            }
        }
    }
}

fn garbage(rng: &mut Rng) -> Value {
    match rng.below(16) {
        0 => json!("x"),
        1 => json!(""),
        2 => json!(u64::MAX),
        3 => json!(1e300),
        4 => json!(-1),
        5 => json!(i64::MIN),
        6 => Value::Null,
        7 => json!({"a": [1, {"b": null}], "c": "d"}),
        8 => json!([[], {}, [null]]),
        9 => json!(true),
        10 => json!(0.5),
        11 => json!(0),
        12 => json!(4294967296u64),
        13 => json!("9".repeat(40)),
        14 => json!("ü\u{0}\u{202e}€"),
        _ => json!(2147483648u64),
    }
}

/// Every value position of `v`, as paths of object keys and array indices.
fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                here.push(Step::Key(k.clone()));
                paths(x, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                here.push(Step::Index(i));
                paths(x, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// Strings that are valid somewhere in a scenario: enum spellings, ids and names.
const WORDS: &[&str] = &[
    "0", "1", "all", "-1", "read_committed", "read_uncommitted", "earliest", "latest", "none",
    "handoff", "in_poll_loop", "auto", "after_batch", "per_record", "out_of_order",
    "at_least_once", "exactly_once_v2", "p1", "c1", "g1", "etl", "orders", "shipments", "p1-3",
    "tx-1",
];

const FAULT_KINDS: &[&str] = &[
    "crash_broker", "restart_broker", "isolate_broker", "heal", "drop_produce_requests",
    "drop_produce_responses", "crash_producer", "restart_producer", "pause_producer",
    "resume_producer", "crash_consumer", "restart_consumer", "crash_processor",
    "restart_processor", "poison_message", "slow_message", "add_partitions",
];

/// A fault of a random kind with plausible fields (some of which it does not need).
fn random_fault(rng: &mut Rng) -> Value {
    let kind = FAULT_KINDS[rng.below(FAULT_KINDS.len())];
    let mut f = json!({"at_ms": rng.below(20_000), "kind": kind});
    let m = f.as_object_mut().unwrap();
    match kind {
        "crash_broker" | "restart_broker" | "isolate_broker" => {
            m.insert("broker".into(), json!(rng.below(4)));
        }
        "drop_produce_requests" | "drop_produce_responses" => {
            m.insert("producer".into(), json!("p1"));
            m.insert("count".into(), json!(rng.below(4)));
        }
        "crash_producer" | "restart_producer" | "pause_producer" | "resume_producer" => {
            m.insert("producer".into(), json!("p1"));
        }
        "crash_consumer" | "restart_consumer" => {
            m.insert("consumer".into(), json!("c1"));
        }
        "crash_processor" | "restart_processor" => {
            m.insert("processor".into(), json!("etl"));
        }
        "poison_message" => {
            m.insert("message".into(), json!(format!("p1-{}", rng.below(40))));
        }
        "slow_message" => {
            m.insert("message".into(), json!(format!("p1-{}", rng.below(40))));
            m.insert("ms".into(), json!(rng.below(60_000)));
        }
        "add_partitions" => {
            m.insert("topic".into(), json!("orders"));
            m.insert("count".into(), json!(1 + rng.below(6)));
        }
        _ => {}
    }
    f
}

/// One plausible edit, that often leaves the scenario valid: another number, a flipped
/// flag, another valid word, a removed optional field, or one more fault.
fn tweak(v: &mut Value, rng: &mut Rng, all: &[Vec<Step>]) {
    if rng.below(4) == 0 && v.is_object() {
        let f = random_fault(rng);
        match v.get_mut("faults").and_then(Value::as_array_mut) {
            Some(a) => a.push(f),
            None => v["faults"] = json!([f]),
        }
        return;
    }
    let path = &all[rng.below(all.len())];
    let x = at(v, path);
    match x {
        Value::Number(n) => {
            let old = n.as_u64().unwrap_or(1);
            *x = json!([0, 1, 2, 3, 5, 100, 1000, 30_000, old.saturating_mul(2), old / 2][rng.below(10)]);
        }
        Value::Bool(b) => *x = json!(!*b),
        Value::String(_) => *x = json!(WORDS[rng.below(WORDS.len())]),
        Value::Null => *x = json!(WORDS[rng.below(WORDS.len())]),
        Value::Object(m) if !m.is_empty() => {
            let k = m.keys().nth(rng.below(m.len())).unwrap().clone();
            if k != "version" && k != "id" && k != "kind" {
                m.remove(&k);
            }
        }
        _ => {}
    }
}

/// One random edit: drop, duplicate, replace with garbage, rename a key, or add a field;
/// or, half of the time, a plausible [`tweak`].
fn mutate(v: &mut Value, rng: &mut Rng, hostile: bool) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    if !hostile || rng.below(2) == 0 {
        return tweak(v, rng, &all);
    }
    let path = all[rng.below(all.len())].clone();
    match rng.below(6) {
        // Drop this value from its parent.
        0 if !path.is_empty() => {
            let (last, parent) = path.split_last().unwrap();
            match (at(v, parent), last) {
                (Value::Object(m), Step::Key(k)) => {
                    m.remove(k);
                }
                (Value::Array(a), Step::Index(i)) => {
                    a.remove(*i);
                }
                _ => {}
            }
        }
        // Duplicate this value inside its parent array (or the whole array's last item).
        1 if !path.is_empty() => {
            let (last, parent) = path.split_last().unwrap();
            if let (Value::Array(a), Step::Index(i)) = (at(v, parent), last) {
                let x = a[*i].clone();
                a.insert(*i, x);
            } else {
                *at(v, &path) = garbage(rng);
            }
        }
        // Rename a key (a typo), or add an unknown field.
        2 => match at(v, &path) {
            Value::Object(m) if !m.is_empty() && rng.below(2) == 0 => {
                let k = m.keys().nth(rng.below(m.len())).unwrap().clone();
                let x = m.remove(&k).unwrap();
                m.insert(format!("{k}_"), x);
            }
            Value::Object(m) => {
                m.insert("surprise".into(), garbage(rng));
            }
            other => *other = garbage(rng),
        },
        // Numbers become extreme.
        3 => {
            let x = at(v, &path);
            if x.is_number() {
                *x = [json!(0), json!(-7), json!(u64::MAX), json!(1u64 << 33), json!(3_600_000), json!(1.5)]
                    [rng.below(6)]
                .clone();
            } else {
                *x = garbage(rng);
            }
        }
        // Anything else: garbage in place.
        _ => *at(v, &path) = garbage(rng),
    }
}

/// The mutated scenarios, deterministically: `hostile` mixes garbage edits with plausible
/// ones, otherwise only plausible edits (most of those scenarios run).
fn mutants(count: usize, hostile: bool) -> Vec<String> {
    let seeds = seeds();
    let mut rng = Rng(if hostile { 0x5eed_ac4d_e3f1 } else { 0x7ea4_0b1e });
    (0..count)
        .map(|_| {
            let mut v = seeds[rng.below(seeds.len())].clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut v, &mut rng, hostile);
            }
            cap(&mut v);
            v.to_string()
        })
        .collect()
}

enum Outcome {
    Ok,
    Rejected(String),
    Panicked(String),
}

/// Runs one scenario in-process on its own thread; `None` when it did not finish in time.
fn run_bounded(input: String, limit: Duration) -> Option<Outcome> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| ackademy_engine::run_json(&input).map(|o| o.report));
        let outcome = match r {
            Ok(Ok(_)) => Outcome::Ok,
            Ok(Err(e)) => Outcome::Rejected(e.to_string()),
            Err(p) => Outcome::Panicked(
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            ),
        };
        let _ = tx.send(outcome);
    });
    rx.recv_timeout(limit).ok()
}

/// Hundreds of mutated scenarios through the engine in-process: none panics, every one
/// finishes, and each rejection is one line naming a field path.
#[test]
fn mutated_scenarios_never_panic_and_always_finish() {
    let mut cases = mutants(400, true);
    cases.extend(mutants(300, false));
    let (mut ok, mut rejected) = (0, 0);
    let mut problems = Vec::new();
    for (i, input) in cases.iter().enumerate() {
        match run_bounded(input.clone(), Duration::from_secs(60)) {
            None => problems.push(format!("case {i}: did not finish within 60 s: {input}")),
            Some(Outcome::Panicked(msg)) => problems.push(format!("case {i}: panicked ({msg}): {input}")),
            Some(Outcome::Rejected(msg)) => {
                rejected += 1;
                if msg.contains('\n') || msg.trim().is_empty() {
                    problems.push(format!("case {i}: the error is not one line: {msg:?}"));
                }
            }
            Some(Outcome::Ok) => ok += 1,
        }
    }
    assert!(problems.is_empty(), "{} of {} mutated scenarios misbehaved:\n{}", problems.len(), cases.len(), problems.join("\n"));
    // The mix exercises both paths.
    eprintln!("mutated scenarios: {ok} ran, {rejected} rejected");
    assert!(ok >= 20 && rejected >= 20, "ok {ok}, rejected {rejected}");
}

/// A sample of the same mutants through the binary: exit 0 with a JSON report, or exit 2
/// with one `error: ` line and empty stdout; never 101 (panic).
#[test]
fn mutated_scenarios_through_the_binary_exit_0_or_2() {
    let mut cases = mutants(400, true);
    cases.extend(mutants(300, false));
    for (i, input) in cases.iter().enumerate().step_by(10) {
        let out = run_stdin(input);
        match out.status.code() {
            Some(0) => {
                let r: Value = serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("case {i}: report is not JSON ({e}): {input}"));
                assert!(r["verdict"].is_string(), "case {i}: {r}");
            }
            Some(2) => {
                assert_rejected(&out, &format!("case {i}: {input}"));
            }
            other => panic!(
                "case {i}: exit {other:?}, stderr {}: {input}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
}

//! Scenario reading and checking: the contract's example, defaults, every error class, and
//! hostile input.

use ackademy_engine::config::{FaultAction, Resolved};
use ackademy_engine::scenario::{
    Acks, CommitMode, FaultKind, Guarantee, IsolationLevel, OffsetReset, Processing, Scenario,
};
use ackademy_engine::validate::{load, parse_scenario, resolve, ScenarioError};

/// The example of `scenario-v1.md`, verbatim.
const CONTRACT_EXAMPLE: &str = r#"{
  "version": 1,
  "seed": 7,
  "until_ms": 120000,
  "cluster": {
    "brokers": 3,
    "unclean.leader.election.enable": false,
    "replica.lag.time.max.ms": 30000,
    "network_latency_ms": 2
  },
  "topics": [
    { "name": "orders", "partitions": 3, "replication.factor": 3, "min.insync.replicas": 2 }
  ],
  "producers": [
    {
      "id": "p1",
      "topic": "orders",
      "messages": 100,
      "keys": 4,
      "value_bytes": 100,
      "interval_ms": 10,
      "transaction_messages": 0,
      "outbox": false,
      "config": {
        "acks": "all",
        "enable.idempotence": true,
        "retries": 2147483647,
        "max.in.flight.requests.per.connection": 5,
        "linger.ms": 0,
        "batch.size": 16384,
        "request.timeout.ms": 30000,
        "delivery.timeout.ms": 120000,
        "retry.backoff.ms": 100,
        "transactional.id": null
      }
    }
  ],
  "consumers": [
    {
      "id": "c1",
      "group": "g1",
      "topic": "orders",
      "processing_ms": 5,
      "processing": "in_poll_loop",
      "commit": "auto",
      "inbox": false,
      "dlq": null,
      "config": {
        "enable.auto.commit": true,
        "auto.commit.interval.ms": 5000,
        "isolation.level": "read_uncommitted",
        "max.poll.records": 500,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 45000
      }
    }
  ],
  "processors": [
    {
      "id": "etl", "group": "etl", "from": "orders", "to": "shipments",
      "processing_ms": 5, "processing.guarantee": "exactly_once_v2", "commit.interval.ms": 100
    }
  ],
  "faults": [
    { "at_ms": 500, "kind": "crash_broker", "broker": 0 },
    { "at_ms": 4000, "kind": "restart_broker", "broker": 0 }
  ]
}"#;

/// The error of parsing `json`, as `(path, message)`.
fn parse_err(json: &str) -> (String, String) {
    let e = parse_scenario(json).expect_err("expected a parse error");
    (e.path, e.message)
}

/// The error of parsing and resolving `json`, as `(path, message)`.
fn load_err(json: &str) -> (String, String) {
    let e = load(json).expect_err("expected an error");
    (e.path, e.message)
}

fn ok(json: &str) -> Resolved {
    load(json).unwrap_or_else(|e| panic!("{e}"))
}

fn pm(path: &str, message: &str) -> (String, String) {
    (path.to_string(), message.to_string())
}

/// A scenario with one topic "t" (3 partitions, RF 1) and the given producer config.
fn producer_with(config: &str) -> String {
    format!(
        r#"{{"version":1,"topics":[{{"name":"t","partitions":3}}],
            "producers":[{{"id":"p1","topic":"t","messages":10,"config":{config}}}]}}"#
    )
}

/// A scenario with one topic "t" and one consumer with the given extra fields.
fn consumer_with(fields: &str) -> String {
    format!(
        r#"{{"version":1,"topics":[{{"name":"t"}}],
            "consumers":[{{"id":"c1","group":"g","topic":"t"{fields}}}]}}"#
    )
}

/// A scenario with topic "t", producer "p1" (10 messages), consumer "c1", processor "x"
/// (t -> u) and the given faults.
fn faults_with(faults: &str) -> String {
    format!(
        r#"{{"version":1,"topics":[{{"name":"t","partitions":2}},{{"name":"u"}}],
            "producers":[{{"id":"p1","topic":"t","messages":10}}],
            "consumers":[{{"id":"c1","group":"g","topic":"t"}}],
            "processors":[{{"id":"x","group":"xg","from":"t","to":"u"}}],
            "faults":{faults}}}"#
    )
}

// ---------------------------------------------------------------------------------------
// The contract's example
// ---------------------------------------------------------------------------------------

#[test]
fn contract_example_parses() {
    let s = parse_scenario(CONTRACT_EXAMPLE).unwrap();
    assert_eq!(s.version, 1);
    assert_eq!(s.seed, Some(7));
    assert_eq!(
        s.producers[0].config.as_ref().unwrap().acks,
        Some(Acks::All)
    );
    assert_eq!(
        s.producers[0].config.as_ref().unwrap().transactional_id,
        None
    );
    assert_eq!(s.consumers[0].dlq, None);
    assert_eq!(
        s.processors[0].processing_guarantee,
        Some(Guarantee::ExactlyOnceV2)
    );
    assert_eq!(s.faults[0].at_ms, 500);
    assert_eq!(s.faults[0].kind, FaultKind::CrashBroker { broker: 0 });
    assert_eq!(s.faults[1].kind, FaultKind::RestartBroker { broker: 0 });
}

#[test]
fn contract_example_auto_creates_its_output_topic() {
    // The example's processor writes to "shipments", which its topics do not declare: the
    // broker creates it on first use with num.partitions=1, default.replication.factor=1.
    let r = ok(CONTRACT_EXAMPLE);
    assert_eq!(r.topics.len(), 2);
    let t = &r.topics[1];
    assert_eq!((t.name.as_str(), t.partitions, t.replication_factor), ("shipments", 1, 1));
    assert_eq!(r.processors[0].to, 1);
}

#[test]
fn contract_example_resolves_with_its_topics_declared() {
    let json = CONTRACT_EXAMPLE.replace(
        r#""min.insync.replicas": 2 }"#,
        r#""min.insync.replicas": 2 }, { "name": "shipments", "replication.factor": 3 }"#,
    );
    let r = ok(&json);
    assert_eq!(r.seed, 7);
    assert_eq!(r.until_ms, Some(120_000));
    assert_eq!(r.cluster.brokers, 3);
    assert_eq!(r.topics.len(), 2);
    assert_eq!(r.topics[0].partitions, 3);
    assert_eq!(r.topics[0].min_insync_replicas, 2);
    let p = &r.producers[0];
    assert_eq!((p.topic, p.messages, p.keys), (0, 100, 4));
    assert_eq!(p.acks, Acks::All);
    assert!(p.idempotence);
    assert_eq!(p.transaction_messages, 0);
    assert_eq!(r.consumers[0].auto_offset_reset, OffsetReset::Earliest);
    assert_eq!(r.consumers[0].dlq, None);
    assert_eq!((r.processors[0].from, r.processors[0].to), (0, 1));
    assert_eq!(r.processors[0].commit_interval_ms, 100);
    assert_eq!(r.faults.len(), 2);
    assert_eq!(r.faults[0].kind, FaultAction::CrashBroker(0));
    assert_eq!(r.faults[1].at_ms, 4000);
    assert_eq!(r.faults[1].kind, FaultAction::RestartBroker(0));
}

// ---------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------

#[test]
fn empty_scenario_takes_defaults() {
    let r = ok(r#"{"version":1}"#);
    assert_eq!(r.seed, 0);
    assert_eq!(r.until_ms, None);
    let c = &r.cluster;
    assert_eq!(c.brokers, 3);
    assert!(!c.unclean_leader_election);
    assert_eq!(c.replica_lag_time_max_ms, 30_000);
    assert_eq!(c.network_latency_ms, 2);
    assert_eq!(c.broker_session_timeout_ms, 9_000);
    assert_eq!(c.broker_heartbeat_interval_ms, 2_000);
    assert_eq!(c.group_initial_rebalance_delay_ms, 3_000);
    assert!(r.topics.is_empty() && r.producers.is_empty() && r.faults.is_empty());
}

#[test]
fn omitted_settings_take_kafka_defaults() {
    let r = ok(r#"{"version":1,
        "topics":[{"name":"a"},{"name":"b"}],
        "producers":[{"id":"p","topic":"a"}],
        "consumers":[{"id":"c","group":"g","topic":"a"}],
        "processors":[{"id":"s","group":"sg","from":"a","to":"b"},
                      {"id":"e","group":"eg","from":"a","to":"b",
                       "processing.guarantee":"exactly_once_v2"}]}"#);
    let t = &r.topics[0];
    assert_eq!(
        (t.partitions, t.replication_factor, t.min_insync_replicas),
        (1, 1, 1)
    );

    let p = &r.producers[0];
    assert_eq!(
        (p.messages, p.keys, p.value_bytes, p.interval_ms),
        (0, 0, 100, 10)
    );
    assert_eq!(p.transaction_messages, 0);
    assert!(!p.outbox);
    assert_eq!(p.acks, Acks::All);
    assert!(p.idempotence);
    assert_eq!(p.retries, 2_147_483_647);
    assert_eq!(p.max_in_flight, 5);
    assert_eq!(p.linger_ms, 0);
    assert_eq!(p.batch_size, 16_384);
    assert_eq!(p.request_timeout_ms, 30_000);
    assert_eq!(p.delivery_timeout_ms, 120_000);
    assert_eq!(p.retry_backoff_ms, 100);
    assert_eq!(p.transactional_id, None);
    assert_eq!(p.transaction_timeout_ms, 60_000);

    let c = &r.consumers[0];
    assert_eq!(c.processing_ms, 5);
    assert_eq!(c.processing, Processing::InPollLoop);
    assert_eq!(c.commit, CommitMode::Auto);
    assert!(!c.inbox);
    assert_eq!(c.dlq, None);
    assert!(c.enable_auto_commit);
    assert_eq!(c.auto_commit_interval_ms, 5_000);
    assert_eq!(c.isolation_level, IsolationLevel::ReadUncommitted);
    assert_eq!(c.max_poll_records, 500);
    assert_eq!(c.auto_offset_reset, OffsetReset::Latest);
    assert_eq!(c.session_timeout_ms, 45_000);
    assert_eq!(c.heartbeat_interval_ms, 3_000);
    assert_eq!(c.max_poll_interval_ms, 300_000);

    let s = &r.processors[0];
    assert_eq!(s.processing_ms, 5);
    assert_eq!(s.guarantee, Guarantee::AtLeastOnce);
    assert_eq!(s.commit_interval_ms, 30_000);
    let e = &r.processors[1];
    assert_eq!(e.guarantee, Guarantee::ExactlyOnceV2);
    assert_eq!(e.commit_interval_ms, 100);
}

#[test]
fn transactional_producer_defaults() {
    let r = ok(&producer_with(r#"{"transactional.id":"tx-1"}"#));
    let p = &r.producers[0];
    assert!(p.idempotence);
    assert_eq!(p.transactional_id.as_deref(), Some("tx-1"));
    assert_eq!(p.transaction_messages, 1);
}

#[test]
fn default_delivery_timeout_is_raised_to_linger_plus_request_timeout() {
    let r = ok(&producer_with(
        r#"{"linger.ms":100000,"request.timeout.ms":30000}"#,
    ));
    assert_eq!(r.producers[0].delivery_timeout_ms, 130_000);
}

#[test]
fn faults_are_sorted_stably_with_references_resolved() {
    let r = ok(&faults_with(
        r#"[
        {"at_ms":900,"kind":"heal"},
        {"at_ms":100,"kind":"crash_consumer","consumer":"c1"},
        {"at_ms":900,"kind":"isolate_broker","broker":2},
        {"kind":"poison_message","message":"p1-9"},
        {"at_ms":100,"kind":"drop_produce_requests","producer":"p1","count":2},
        {"at_ms":5000,"kind":"add_partitions","topic":"t","count":4},
        {"at_ms":6000,"kind":"add_partitions","topic":"t","count":6},
        {"at_ms":50,"kind":"slow_message","message":"p1-0","ms":250},
        {"at_ms":50,"kind":"crash_processor","processor":"x"}
    ]"#,
    ));
    let got: Vec<(u64, FaultAction)> = r.faults.into_iter().map(|f| (f.at_ms, f.kind)).collect();
    assert_eq!(
        got,
        vec![
            (0, FaultAction::PoisonMessage("p1-9".into())),
            (
                50,
                FaultAction::SlowMessage {
                    message: "p1-0".into(),
                    ms: 250
                }
            ),
            (50, FaultAction::CrashProcessor(0)),
            (100, FaultAction::CrashConsumer(0)),
            (
                100,
                FaultAction::DropProduceRequests {
                    producer: 0,
                    count: 2
                }
            ),
            (900, FaultAction::Heal),
            (900, FaultAction::IsolateBroker(2)),
            (5000, FaultAction::AddPartitions { topic: 0, count: 4 }),
            (6000, FaultAction::AddPartitions { topic: 0, count: 6 }),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// acks
// ---------------------------------------------------------------------------------------

#[test]
fn acks_spellings() {
    for (given, want) in [
        (r#""0""#, Acks::Zero),
        (r#""1""#, Acks::One),
        (r#""all""#, Acks::All),
        (r#""-1""#, Acks::All),
        ("0", Acks::Zero),
        ("1", Acks::One),
        ("-1", Acks::All),
    ] {
        let s = parse_scenario(&producer_with(&format!(r#"{{"acks":{given}}}"#))).unwrap();
        assert_eq!(
            s.producers[0].config.as_ref().unwrap().acks,
            Some(want),
            "{given}"
        );
    }
}

#[test]
fn acks_refused_values() {
    let expected = r#"expected one of "0", "1", "all", "-1", got "#;
    for (given, shown) in [
        (r#""2""#, r#""2""#),
        ("2", "2"),
        (r#""ALL""#, r#""ALL""#),
        ("1.0", "1.0"),
        ("true", "true"),
        ("[1]", "an array"),
        ("{}", "an object"),
        ("-2", "-2"),
    ] {
        assert_eq!(
            parse_err(&producer_with(&format!(r#"{{"acks":{given}}}"#))),
            pm("producers[0].config.acks", &format!("{expected}{shown}")),
            "{given}"
        );
    }
}

#[test]
fn acks_message_is_the_contracts() {
    let e = parse_scenario(&producer_with(r#"{"acks":"2"}"#)).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"producers[0].config.acks: expected one of "0", "1", "all", "-1", got "2""#
    );
}

#[test]
fn other_kafka_spellings_are_checked() {
    assert_eq!(
        parse_err(&consumer_with(
            r#","config":{"isolation.level":"READ_COMMITTED"}"#
        )),
        pm(
            "consumers[0].config.isolation.level",
            r#"expected one of "read_uncommitted", "read_committed", got "READ_COMMITTED""#
        )
    );
    assert_eq!(
        parse_err(&consumer_with(r#","processing":"threads""#)),
        pm(
            "consumers[0].processing",
            r#"expected one of "in_poll_loop", "handoff", got "threads""#
        )
    );
    assert_eq!(
        parse_err(
            r#"{"version":1,"processors":[{"id":"a","group":"g","from":"x","to":"y",
                "processing.guarantee":"exactly_once"}]}"#
        ),
        pm(
            "processors[0].processing.guarantee",
            r#"expected one of "at_least_once", "exactly_once_v2", got "exactly_once""#
        )
    );
}

// ---------------------------------------------------------------------------------------
// Structure: version, unknown and missing fields, types
// ---------------------------------------------------------------------------------------

#[test]
fn version_must_be_1() {
    assert_eq!(
        parse_err(r#"{"version":2}"#),
        pm("version", "unsupported version 2, expected 1")
    );
    // A newer document may have fields this reader does not know: the version is reported.
    assert_eq!(
        parse_err(r#"{"version":2,"brand_new":true}"#),
        pm("version", "unsupported version 2, expected 1")
    );
    assert_eq!(
        parse_err(r#"{"version":0}"#),
        pm("version", "unsupported version 0, expected 1")
    );
    assert_eq!(parse_err(r#"{}"#), pm("version", "missing required field"));
    assert_eq!(
        parse_err(r#"{"version":"1"}"#),
        pm(
            "version",
            r#"expected an integer from 0 to 4294967295, got "1""#
        )
    );
    let s = Scenario {
        version: 3,
        ..Scenario::default()
    };
    assert_eq!(
        resolve(&s).unwrap_err(),
        ScenarioError::new("version", "unsupported version 3, expected 1")
    );
}

#[test]
fn unknown_fields_name_their_path() {
    assert_eq!(
        parse_err(&consumer_with(r#","config":{"enable.auto.comit":false}"#)),
        pm(
            "consumers[0].config.enable.auto.comit",
            r#"unknown field, did you mean "enable.auto.commit"?"#
        )
    );
    assert_eq!(
        parse_err(r#"{"version":1,"seeed":1}"#),
        pm("seeed", r#"unknown field, did you mean "seed"?"#)
    );
    assert_eq!(
        parse_err(r#"{"version":1,"cluster":{"zookeeper":true}}"#).0,
        "cluster.zookeeper"
    );
    assert_eq!(
        parse_err(r#"{"version":1,"topics":[{"name":"t","replication_factor":2}]}"#),
        pm(
            "topics[0].replication_factor",
            r#"unknown field, did you mean "replication.factor"?"#
        )
    );
    let (path, message) = parse_err(&producer_with(r#"{"compression.type":"lz4"}"#));
    assert_eq!(path, "producers[0].config.compression.type");
    assert!(
        message.starts_with(r#"unknown field, expected one of "acks", "enable.idempotence""#),
        "{message}"
    );
}

#[test]
fn missing_and_duplicate_fields() {
    assert_eq!(
        parse_err(r#"{"version":1,"producers":[{"id":"p"}]}"#),
        pm("producers[0].topic", "missing required field")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"seed":1,"seed":2}"#),
        pm("seed", "duplicate field")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"faults":[{"kind":"heal","at_ms":1,"at_ms":2}]}"#),
        pm("faults[0].at_ms", "duplicate field")
    );
}

#[test]
fn wrong_types_are_clean_errors() {
    assert_eq!(
        parse_err(r#"{"version":1,"seed":"7"}"#),
        pm("seed", r#"expected a non-negative integer, got "7""#)
    );
    assert_eq!(
        parse_err(r#"{"version":1,"until_ms":-5}"#),
        pm("until_ms", "expected a non-negative integer, got -5")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"until_ms":1.5}"#),
        pm("until_ms", "expected a non-negative integer, got 1.5")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"cluster":{"brokers":5000000000}}"#),
        pm(
            "cluster.brokers",
            "expected an integer from 0 to 4294967295, got 5000000000"
        )
    );
    assert_eq!(
        parse_err(r#"{"version":1,"cluster":{"unclean.leader.election.enable":"yes"}}"#),
        pm(
            "cluster.unclean.leader.election.enable",
            r#"expected a boolean, got "yes""#
        )
    );
    assert_eq!(
        parse_err(r#"{"version":1,"topics":{"name":"t"}}"#),
        pm("topics", "expected an array, got an object")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"topics":[{"name":7}]}"#),
        pm("topics[0].name", "expected a string, got 7")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"cluster":null,"topics":[null]}"#),
        pm("topics[0]", "expected an object, got null")
    );
}

#[test]
fn arrays_are_not_read_as_objects() {
    assert_eq!(parse_err("[1]"), pm("", "expected an object, got an array"));
    assert_eq!(
        parse_err(r#"{"version":1,"cluster":[3,false]}"#),
        pm("cluster", "expected an object, got an array")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"topics":[["t",1]]}"#),
        pm("topics[0]", "expected an object, got an array")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"faults":[[0,"heal"]]}"#),
        pm("faults[0]", "expected an object, got an array")
    );
}

// ---------------------------------------------------------------------------------------
// Faults (parsing)
// ---------------------------------------------------------------------------------------

#[test]
fn fault_kinds_take_exactly_their_fields() {
    assert_eq!(
        parse_err(
            r#"{"version":1,"faults":[{"at_ms":1,"kind":"crash_broker","broker":0,"count":3}]}"#
        ),
        pm(
            "faults[0].count",
            r#"unknown field, expected one of "at_ms", "kind", "broker""#
        )
    );
    // Field before kind: checked once the whole object is read.
    assert_eq!(
        parse_err(r#"{"version":1,"faults":[{"producer":"p1","kind":"heal"}]}"#),
        pm(
            "faults[0].producer",
            r#"unknown field, expected one of "at_ms", "kind""#
        )
    );
    assert_eq!(
        parse_err(r#"{"version":1,"faults":[{"kind":"crash_broker","brokr":1}]}"#),
        pm(
            "faults[0].brokr",
            r#"unknown field, did you mean "broker"?"#
        )
    );
    assert_eq!(
        parse_err(r#"{"version":1,"faults":[{"at_ms":1,"kind":"slow_message","message":"p1-0"}]}"#),
        pm("faults[0].ms", "missing required field")
    );
    assert_eq!(
        parse_err(r#"{"version":1,"faults":[{"at_ms":1,"broker":1}]}"#),
        pm("faults[0].kind", "missing required field")
    );
}

#[test]
fn fault_field_types_name_their_path() {
    let json = r#"{"version":1,"faults":[
        {"at_ms":1,"kind":"heal"},{"at_ms":2,"kind":"heal"},{"at_ms":3,"kind":"heal"},
        {"at_ms":4,"kind":"crash_broker","broker":"zero"}]}"#;
    assert_eq!(
        parse_err(json),
        pm(
            "faults[3].broker",
            r#"expected an integer from 0 to 4294967295, got "zero""#
        )
    );
    assert_eq!(
        parse_err(r#"{"version":1,"faults":[{"at_ms":-1,"kind":"heal"}]}"#),
        pm("faults[0].at_ms", "expected a non-negative integer, got -1")
    );
}

#[test]
fn unknown_fault_kind_lists_the_kinds() {
    let (path, message) = parse_err(r#"{"version":1,"faults":[{"at_ms":1,"kind":"explode"}]}"#);
    assert_eq!(path, "faults[0].kind");
    assert_eq!(
        message,
        "expected one of \"crash_broker\", \"restart_broker\", \"isolate_broker\", \"heal\", \
         \"drop_produce_requests\", \"drop_produce_responses\", \"crash_producer\", \
         \"restart_producer\", \"pause_producer\", \"resume_producer\", \"crash_consumer\", \
         \"restart_consumer\", \"crash_processor\", \"restart_processor\", \"poison_message\", \
         \"slow_message\", \"add_partitions\", got \"explode\""
    );
}

#[test]
fn fault_serializes_flat() {
    let s = parse_scenario(
        r#"{"version":1,"faults":[{"kind":"crash_broker","broker":0,"at_ms":500}]}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&s.faults[0]).unwrap(),
        r#"{"at_ms":500,"kind":"crash_broker","broker":0}"#
    );
}

// ---------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------

#[test]
fn limits() {
    assert_eq!(
        load_err(r#"{"version":1,"cluster":{"brokers":10}}"#),
        pm("cluster.brokers", "must be at most 9, got 10")
    );
    assert_eq!(
        load_err(r#"{"version":1,"cluster":{"brokers":0}}"#),
        pm("cluster.brokers", "must be at least 1, got 0")
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"t","partitions":65}]}"#),
        pm("topics[0].partitions", "must be at most 64, got 65")
    );
    assert_eq!(
        load_err(r#"{"version":1,"until_ms":3600001}"#),
        pm("until_ms", "must be at most 3600000, got 3600001")
    );
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"p","topic":"t","messages":1000001}]}"#
        ),
        pm(
            "producers[0].messages",
            "must be at most 1000000, got 1000001"
        )
    );
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"p","topic":"t","value_bytes":0}]}"#
        ),
        pm("producers[0].value_bytes", "must be at least 1, got 0")
    );
    assert_eq!(
        load_err(&producer_with(r#"{"batch.size":16777217}"#)),
        pm(
            "producers[0].config.batch.size",
            "must be at most 16777216, got 16777217"
        )
    );
    assert_eq!(
        load_err(r#"{"version":1,"cluster":{"network_latency_ms":0}}"#),
        pm("cluster.network_latency_ms", "must be at least 1, got 0")
    );
    assert_eq!(
        load_err(&faults_with(r#"[{"at_ms":3600001,"kind":"heal"}]"#)),
        pm("faults[0].at_ms", "must be at most 3600000, got 3600001")
    );
    let topics: Vec<String> = (0..65).map(|i| format!(r#"{{"name":"t{i}"}}"#)).collect();
    assert_eq!(
        load_err(&format!(
            r#"{{"version":1,"topics":[{}]}}"#,
            topics.join(",")
        )),
        pm("topics", "at most 64 topics, got 65")
    );
    let faults = vec![r#"{"kind":"heal"}"#; 10_001].join(",");
    assert_eq!(
        load_err(&format!(r#"{{"version":1,"faults":[{faults}]}}"#)),
        pm("faults", "at most 10000 faults, got 10001")
    );
    // Batch size 0 (no batching) is allowed, as in Kafka.
    assert_eq!(
        ok(&producer_with(r#"{"batch.size":0}"#)).producers[0].batch_size,
        0
    );
}

#[test]
fn total_messages_are_bounded() {
    let producers: Vec<String> = (0..3)
        .map(|i| format!(r#"{{"id":"p{i}","topic":"t","messages":1000000}}"#))
        .collect();
    assert_eq!(
        load_err(&format!(
            r#"{{"version":1,"topics":[{{"name":"t"}}],"producers":[{}]}}"#,
            producers.join(",")
        )),
        pm(
            "producers[2].messages",
            "all producers together may send at most 2000000 messages"
        )
    );
}

// ---------------------------------------------------------------------------------------
// Kafka's own refusals
// ---------------------------------------------------------------------------------------

#[test]
fn topic_rules() {
    assert_eq!(
        load_err(
            r#"{"version":1,"cluster":{"brokers":2},"topics":[{"name":"t","replication.factor":3}]}"#
        ),
        pm(
            "topics[0].replication.factor",
            "replication factor: 3 larger than available brokers: 2"
        )
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"t","replication.factor":0}]}"#),
        pm(
            "topics[0].replication.factor",
            "Replication factor must be larger than 0."
        )
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"t","partitions":0}]}"#),
        pm(
            "topics[0].partitions",
            "Number of partitions was set to an invalid non-positive value."
        )
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"t","min.insync.replicas":0}]}"#),
        pm(
            "topics[0].min.insync.replicas",
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
        )
    );
    // Kafka accepts min.insync.replicas above the replication factor.
    assert_eq!(
        ok(r#"{"version":1,"topics":[{"name":"t","min.insync.replicas":2}]}"#).topics[0]
            .min_insync_replicas,
        2
    );
}

#[test]
fn topic_names() {
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":""}]}"#),
        pm("topics[0].name", "Topic name is illegal, it can't be empty")
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":".."}]}"#),
        pm("topics[0].name", r#"Topic name cannot be "." or "..""#)
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"a b"}]}"#),
        pm(
            "topics[0].name",
            r#"Topic name "a b" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"#
        )
    );
    let long = "x".repeat(250);
    assert!(load_err(&format!(
        r#"{{"version":1,"topics":[{{"name":"{long}"}}]}}"#
    ))
    .1
    .starts_with("Topic name is illegal, it can't be longer than 249 characters"));
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"a"},{"name":"a"}]}"#),
        pm("topics[1].name", "Topic 'a' already exists.")
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"a.b"},{"name":"a_b"}]}"#),
        pm(
            "topics[1].name",
            "Topic 'a_b' collides with existing topic: a.b"
        )
    );
}

#[test]
fn explicit_idempotence_conflicts_are_errors() {
    assert_eq!(
        load_err(&producer_with(r#"{"enable.idempotence":true,"acks":"1"}"#)),
        pm(
            "producers[0].config.acks",
            "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."
        )
    );
    assert_eq!(
        load_err(&producer_with(r#"{"enable.idempotence":true,"retries":0}"#)),
        pm(
            "producers[0].config.retries",
            "Must set retries to non-zero when using the idempotent producer."
        )
    );
    assert_eq!(
        load_err(&producer_with(
            r#"{"enable.idempotence":true,"max.in.flight.requests.per.connection":6}"#
        )),
        pm(
            "producers[0].config.max.in.flight.requests.per.connection",
            "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer."
        )
    );
    // Kafka checks retries first.
    assert_eq!(
        load_err(&producer_with(
            r#"{"enable.idempotence":true,"acks":0,"retries":0}"#
        ))
        .0,
        "producers[0].config.retries"
    );
}

#[test]
fn unset_idempotence_is_silently_disabled_by_conflicts() {
    for config in [
        r#"{"acks":"1"}"#,
        r#"{"acks":0}"#,
        r#"{"retries":0}"#,
        r#"{"max.in.flight.requests.per.connection":10}"#,
    ] {
        let p = &ok(&producer_with(config)).producers[0];
        assert!(!p.idempotence, "{config}");
    }
    assert!(!ok(&producer_with(r#"{"enable.idempotence":false}"#)).producers[0].idempotence);
    assert!(ok(&producer_with(r#"{"acks":"-1"}"#)).producers[0].idempotence);
}

#[test]
fn transactional_id_needs_idempotence() {
    assert_eq!(
        load_err(&producer_with(
            r#"{"enable.idempotence":false,"transactional.id":"tx"}"#
        )),
        pm(
            "producers[0].config.transactional.id",
            "Cannot set a transactional.id without also enabling idempotence."
        )
    );
    // Unset idempotence, disabled by acks=1, then refused because of the transactional.id
    // (Kafka 3.2+).
    assert_eq!(
        load_err(&producer_with(r#"{"acks":"1","transactional.id":"tx"}"#)),
        pm(
            "producers[0].config.transactional.id",
            "Cannot set a transactional.id without also enabling idempotence. (Idempotence was disabled because acks is set to 1, not set to 'all'.)"
        )
    );
    assert_eq!(
        load_err(&producer_with(r#"{"transactional.id":""}"#)),
        pm(
            "producers[0].config.transactional.id",
            "Invalid value  for configuration transactional.id: String must be non-empty"
        )
    );
    assert_eq!(
        load_err(&producer_with(
            r#"{"transactional.id":"tx","transaction.timeout.ms":900001}"#
        )),
        pm(
            "producers[0].config.transaction.timeout.ms",
            "The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms)."
        )
    );
}

#[test]
fn transaction_messages_need_a_transactional_id() {
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"p","topic":"t","transaction_messages":5}]}"#
        ),
        pm(
            "producers[0].transaction_messages",
            "transaction_messages > 0 needs a transactional.id"
        )
    );
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"p","topic":"t","transaction_messages":0,"config":{"transactional.id":"tx"}}]}"#
        ),
        pm(
            "producers[0].transaction_messages",
            "must be at least 1: a producer with a transactional.id sends only inside transactions"
        )
    );
}

#[test]
fn delivery_timeout_rule() {
    assert_eq!(
        load_err(&producer_with(
            r#"{"delivery.timeout.ms":30000,"linger.ms":5}"#
        )),
        pm(
            "producers[0].config.delivery.timeout.ms",
            "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"
        )
    );
    assert_eq!(
        ok(&producer_with(
            r#"{"delivery.timeout.ms":30005,"linger.ms":5}"#
        ))
        .producers[0]
            .delivery_timeout_ms,
        30_005
    );
}

#[test]
fn producer_config_ranges() {
    assert_eq!(
        load_err(&producer_with(r#"{"max.in.flight.requests.per.connection":0}"#)),
        pm(
            "producers[0].config.max.in.flight.requests.per.connection",
            "Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1"
        )
    );
    assert_eq!(
        load_err(&producer_with(r#"{"retries":2147483648}"#)),
        pm(
            "producers[0].config.retries",
            "Invalid value 2147483648 for configuration retries: Value must be no more than 2147483647"
        )
    );
}

#[test]
fn consumer_rules() {
    assert_eq!(
        load_err(&consumer_with(r#","config":{"enable.auto.commit":false}"#)),
        pm(
            "consumers[0].commit",
            r#"commit "auto" (the default) needs enable.auto.commit = true; with it false, choose "after_batch", "per_record" or "out_of_order""#
        )
    );
    assert_eq!(
        ok(&consumer_with(
            r#","commit":"after_batch","config":{"enable.auto.commit":false}"#
        ))
        .consumers[0]
            .commit,
        CommitMode::AfterBatch
    );
    assert_eq!(
        load_err(&consumer_with(
            r#","config":{"session.timeout.ms":10000,"heartbeat.interval.ms":10000}"#
        )),
        pm(
            "consumers[0].config.heartbeat.interval.ms",
            "Heartbeat must be set lower than the session timeout"
        )
    );
    assert_eq!(
        load_err(&consumer_with(r#","config":{"session.timeout.ms":5999}"#)),
        pm(
            "consumers[0].config.session.timeout.ms",
            "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms)."
        )
    );
    assert_eq!(
        load_err(&consumer_with(r#","config":{"max.poll.records":0}"#)),
        pm(
            "consumers[0].config.max.poll.records",
            "Invalid value 0 for configuration max.poll.records: Value must be at least 1"
        )
    );
}

// ---------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------

#[test]
fn topic_references() {
    assert_eq!(
        load_err(r#"{"version":1,"producers":[{"id":"p","topic":"nope"}]}"#),
        pm(
            "producers[0].topic",
            r#"unknown topic "nope": it is not declared in topics"#
        )
    );
    // A dead-letter topic is created on first use, like any output topic.
    let r = ok(&consumer_with(r#","dlq":"dead""#));
    assert_eq!(r.topics.last().map(|t| t.name.as_str()), Some("dead"));
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],"processors":[{"id":"x","group":"g","from":"f","to":"t"}]}"#
        ),
        pm(
            "processors[0].from",
            r#"unknown topic "f": it is not declared in topics"#
        )
    );
}

#[test]
fn ids_are_unique_and_well_formed() {
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"p","topic":"t"},{"id":"p","topic":"t"}]}"#
        ),
        pm(
            "producers[1].id",
            r#"duplicate producer id "p", already used by producers[0]"#
        )
    );
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],"consumers":[{"id":"c","group":"g","topic":"t"},{"id":"c","group":"g","topic":"t"}]}"#
        ),
        pm(
            "consumers[1].id",
            r#"duplicate consumer id "c", already used by consumers[0]"#
        )
    );
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"},{"name":"u"}],"processors":[{"id":"x","group":"a","from":"t","to":"u"},{"id":"x","group":"b","from":"t","to":"u"}]}"#
        ),
        pm(
            "processors[1].id",
            r#"duplicate processor id "x", already used by processors[0]"#
        )
    );
    // The same id in different roles is fine.
    ok(
        r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"a","topic":"t"}],"consumers":[{"id":"a","group":"g","topic":"t"}]}"#,
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"","topic":"t"}]}"#),
        pm("producers[0].id", "must not be empty")
    );
    assert_eq!(
        load_err(r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"p 1","topic":"t"}]}"#),
        pm(
            "producers[0].id",
            r#""p 1" contains a character other than ASCII alphanumerics, '.', '_' and '-'"#
        )
    );
    assert_eq!(
        load_err(&consumer_with("").replace(r#""group":"g""#, r#""group":"""#)),
        pm("consumers[0].group", "must not be empty")
    );
}

#[test]
fn processors_need_their_own_group() {
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"},{"name":"u"}],
                "consumers":[{"id":"c","group":"g","topic":"t"}],
                "processors":[{"id":"x","group":"g","from":"t","to":"u"}]}"#
        ),
        pm(
            "processors[0].group",
            r#"group "g" is also used by consumers[0]; a Kafka Streams application needs a group of its own (Kafka: INCONSISTENT_GROUP_PROTOCOL)"#
        )
    );
}

#[test]
fn message_loops_are_refused() {
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"t"}],
                "processors":[{"id":"x","group":"g","from":"t","to":"t"}]}"#
        ),
        pm("processors[0].to", "messages would loop forever: t -> t")
    );
    assert_eq!(
        load_err(
            r#"{"version":1,"topics":[{"name":"a"},{"name":"b"},{"name":"c"}],
                "consumers":[{"id":"k","group":"k","topic":"c","dlq":"a"}],
                "processors":[{"id":"x","group":"x","from":"a","to":"b"},
                              {"id":"y","group":"y","from":"b","to":"c"}]}"#
        ),
        pm(
            "processors[1].to",
            "messages would loop forever: b -> c -> a -> b"
        )
    );
    // A chain and a dead-letter queue without a way back are fine.
    ok(
        r#"{"version":1,"topics":[{"name":"a"},{"name":"b"},{"name":"d"}],
           "consumers":[{"id":"k","group":"k","topic":"b","dlq":"d"}],
           "processors":[{"id":"x","group":"x","from":"a","to":"b"}]}"#,
    );
}

#[test]
fn fault_references() {
    assert_eq!(
        load_err(&faults_with(r#"[{"kind":"crash_broker","broker":3}]"#)),
        pm(
            "faults[0].broker",
            "broker 3 does not exist: the cluster has 3 broker(s), numbered from 0"
        )
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"crash_producer","producer":"p2"}]"#
        )),
        pm("faults[0].producer", r#"there is no producer "p2""#)
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"restart_consumer","consumer":"c9"}]"#
        )),
        pm("faults[0].consumer", r#"there is no consumer "c9""#)
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"crash_processor","processor":"y"}]"#
        )),
        pm("faults[0].processor", r#"there is no processor "y""#)
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"add_partitions","topic":"v","count":3}]"#
        )),
        pm(
            "faults[0].topic",
            r#"unknown topic "v": it is not declared in topics"#
        )
    );
}

#[test]
fn message_ids_must_exist() {
    for bad in ["p1", "p1-", "-3", "p1-x", "p1-+1", "p1-1.5"] {
        assert_eq!(
            load_err(&faults_with(&format!(
                r#"[{{"kind":"poison_message","message":"{bad}"}}]"#
            ))),
            pm(
                "faults[0].message",
                &format!(
                    r#"expected a message id "<producer id>-<index>" such as "p1-0", got "{bad}""#
                )
            ),
            "{bad}"
        );
    }
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"poison_message","message":"p2-0"}]"#
        )),
        pm(
            "faults[0].message",
            r#"message "p2-0": there is no producer "p2""#
        )
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"slow_message","message":"p1-10","ms":5}]"#
        )),
        pm(
            "faults[0].message",
            r#"message "p1-10" is never sent: producer "p1" sends 10 message(s), numbered from 0"#
        )
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"poison_message","message":"p1-99999999999999999999999"}]"#
        ))
        .0,
        "faults[0].message"
    );
}

#[test]
fn producer_ids_with_dashes_make_message_ids() {
    let r = ok(r#"{"version":1,"topics":[{"name":"t"}],
        "producers":[{"id":"order-svc","topic":"t","messages":3}],
        "faults":[{"kind":"poison_message","message":"order-svc-2"}]}"#);
    assert_eq!(
        r.faults[0].kind,
        FaultAction::PoisonMessage("order-svc-2".into())
    );
}

#[test]
fn add_partitions_must_grow_in_time_order() {
    // "t" has 2 partitions.
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"add_partitions","topic":"t","count":2}]"#
        )),
        pm("faults[0].count", "Topic already has 2 partition(s).")
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"add_partitions","topic":"t","count":1}]"#
        )),
        pm(
            "faults[0].count",
            "The topic t currently has 2 partition(s); 1 would not be an increase."
        )
    );
    // Listed out of order, applied in time order: 4 at 100 ms, then 3 at 200 ms.
    assert_eq!(
        load_err(&faults_with(
            r#"[{"at_ms":200,"kind":"add_partitions","topic":"t","count":3},
                {"at_ms":100,"kind":"add_partitions","topic":"t","count":4}]"#
        )),
        pm(
            "faults[0].count",
            "The topic t currently has 4 partition(s); 3 would not be an increase."
        )
    );
    assert_eq!(
        load_err(&faults_with(
            r#"[{"kind":"add_partitions","topic":"t","count":65}]"#
        )),
        pm("faults[0].count", "must be at most 64, got 65")
    );
}

// ---------------------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------------------

#[test]
fn hostile_input_is_refused_without_panic() {
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(
        r#"{{"version":1,"cluster":{}1{}}}"#,
        r#"{"a":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    let deep_acks = producer_with(&format!(
        r#"{{"acks":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    ));
    let deep_fault = format!(
        r#"{{"version":1,"faults":[{{"kind":{}0{}}}]}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let inputs: Vec<String> = vec![
        String::new(),
        "   \n".into(),
        "null".into(),
        "1".into(),
        "\"scenario\"".into(),
        "[]".into(),
        "{".into(),
        r#"{"version":1"#.into(),
        r#"{"version":1} trailing"#.into(),
        r#"{"version":1e400}"#.into(),
        r#"{"version":99999999999999999999999999}"#.into(),
        r#"{"version":1,"seed":18446744073709551616}"#.into(),
        r#"{"version":1,"seed":-9223372036854775809}"#.into(),
        r#"{"version":1,"until_ms":"120000"}"#.into(),
        r#"{"version":1,"cluster":{"brokers":"3"}}"#.into(),
        r#"{"version":1,"cluster":{"brokers":4294967295}}"#.into(),
        r#"{"version":1,"topics":[{"name":"t","partitions":4294967295}]}"#.into(),
        r#"{"version":1,"faults":[{"at_ms":18446744073709551615,"kind":"heal"}]}"#.into(),
        r#"{"version":1,"topics":[{"name":"\ud800"}]}"#.into(),
        "{\"version\":1,\"topics\":[{\"name\":\"\u{0}\"}]}".into(),
        deep_array,
        deep_object,
        deep_acks,
        deep_fault,
        "x".repeat(5 * 1024 * 1024),
    ];
    for input in &inputs {
        let result = std::panic::catch_unwind(|| load(input));
        let shown: String = input.chars().take(60).collect();
        match result {
            Ok(Err(e)) => assert!(!e.message.is_empty(), "{shown}"),
            Ok(Ok(_)) => panic!("accepted: {shown}"),
            Err(_) => panic!("panicked: {shown}"),
        }
    }
}

#[test]
fn hostile_input_messages() {
    assert_eq!(
        parse_err(""),
        pm("", "empty input, expected a scenario JSON object")
    );
    assert_eq!(parse_err("null"), pm("", "expected an object, got null"));
    assert_eq!(
        parse_err("{"),
        pm(
            "",
            "invalid JSON: EOF while parsing an object at line 1 column 1"
        )
    );
    assert_eq!(
        parse_err(r#"{"version":1} x"#),
        pm("", "invalid JSON: trailing characters at line 1 column 15")
    );
    assert_eq!(
        parse_err(&"[".repeat(1000)),
        pm("", "expected an object, got an array")
    );
    assert!(parse_err(&" ".repeat(5 * 1024 * 1024))
        .1
        .starts_with("scenario too large: 5242880 bytes"));
    assert_eq!(
        parse_err(r#"{"version":1,"seed":18446744073709551616}"#),
        pm(
            "seed",
            "expected a non-negative integer, got 1.8446744073709552e+19"
        )
    );
    let long = "y".repeat(1000);
    let (_, message) = parse_err(&format!(r#"{{"version":1,"seed":"{long}"}}"#));
    assert!(message.len() < 100, "{message}");
}

// ---------------------------------------------------------------------------------------
// Round trip and Display
// ---------------------------------------------------------------------------------------

#[test]
fn round_trip() {
    let full = CONTRACT_EXAMPLE.replace(
        r#""transactional.id": null"#,
        r#""transactional.id": "tx-1", "transaction.timeout.ms": 30000"#,
    );
    let extra = r#"{"version":1,"cluster":{"broker.session.timeout.ms":6000,"group.initial.rebalance.delay.ms":0},
        "consumers":[{"id":"c","group":"g","topic":"t","processing":"handoff","commit":"out_of_order","dlq":"d",
          "config":{"isolation.level":"read_committed","auto.offset.reset":"none","heartbeat.interval.ms":1000,"max.poll.interval.ms":60000}}],
        "producers":[{"id":"p","topic":"t","config":{"acks":-1}},{"id":"q","topic":"t","config":{"acks":0}},{"id":"r","topic":"t","config":{"acks":"1"}}],
        "faults":[
          {"at_ms":1,"kind":"crash_broker","broker":0},{"at_ms":2,"kind":"restart_broker","broker":0},
          {"at_ms":3,"kind":"isolate_broker","broker":1},{"at_ms":4,"kind":"heal"},
          {"at_ms":5,"kind":"drop_produce_requests","producer":"p","count":1},
          {"at_ms":6,"kind":"drop_produce_responses","producer":"p","count":2},
          {"at_ms":7,"kind":"crash_producer","producer":"p"},{"at_ms":8,"kind":"restart_producer","producer":"p"},
          {"at_ms":9,"kind":"pause_producer","producer":"p"},{"at_ms":10,"kind":"resume_producer","producer":"p"},
          {"at_ms":11,"kind":"crash_consumer","consumer":"c"},{"at_ms":12,"kind":"restart_consumer","consumer":"c"},
          {"at_ms":13,"kind":"crash_processor","processor":"x"},{"at_ms":14,"kind":"restart_processor","processor":"x"},
          {"at_ms":15,"kind":"poison_message","message":"p-1"},{"at_ms":16,"kind":"slow_message","message":"p-2","ms":100},
          {"at_ms":17,"kind":"add_partitions","topic":"t","count":8}]}"#;
    for json in [full.as_str(), extra, r#"{"version":1}"#] {
        let s = parse_scenario(json).unwrap();
        let written = serde_json::to_string(&s).unwrap();
        let again = parse_scenario(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(s, again, "{written}");
        assert_eq!(written, serde_json::to_string(&again).unwrap());
    }
    let s = parse_scenario(extra).unwrap();
    let written = serde_json::to_value(&s).unwrap();
    assert_eq!(written["producers"][0]["config"]["acks"], "all");
    assert_eq!(written["producers"][1]["config"]["acks"], "0");
    assert_eq!(written["producers"][2]["config"]["acks"], "1");
}

#[test]
fn default_scenario_is_version_1() {
    let s = Scenario::default();
    assert_eq!(s.version, 1);
    assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"version":1}"#);
    assert!(resolve(&s).is_ok());
}

#[test]
fn error_display() {
    assert_eq!(
        ScenarioError::new("topics[0].partitions", "must be at most 64, got 65").to_string(),
        "topics[0].partitions: must be at most 64, got 65"
    );
    assert_eq!(
        ScenarioError::new("", "invalid JSON: EOF").to_string(),
        "invalid JSON: EOF"
    );
    let e: Box<dyn std::error::Error> = Box::new(ScenarioError::new("a", "b"));
    assert_eq!(e.to_string(), "a: b");
}

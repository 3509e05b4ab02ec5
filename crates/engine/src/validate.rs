//! Reading and checking a scenario.
//!
//! [`parse_scenario`] turns JSON into a [`Scenario`], with errors that name the field path
//! (`producers[0].config.acks`). [`resolve`] fills in Kafka 3.x defaults, applies the
//! playground's size limits and the rules Kafka itself enforces, and resolves every name to
//! an index. Bad input gives one [`ScenarioError`], never a panic.

use std::fmt;

use serde_path_to_error::Segment;

use crate::config::{
    ClusterCfg, ConsumerCfg, FaultAction, FaultCfg, ProcessorCfg, ProducerCfg, Resolved, TopicCfg,
};
use crate::scenario::{
    Acks, CommitMode, Consumer, ConsumerConfig, Fault, FaultKind, Guarantee, IsolationLevel,
    OffsetReset, Processing, Processor, Producer, ProducerConfig, Scenario, Topic,
    SCENARIO_VERSION,
};

/// Why a scenario was refused: the field path (`producers[0].config.acks`, empty for the
/// document as a whole) and a short message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub message: String,
}

impl ScenarioError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    /// `<path>: <message>`, or the message alone when there is no path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// Size limits of the playground (so no input can hang or exhaust a browser tab), and the
/// Kafka broker settings that the rules below depend on.
pub mod limits {
    /// Largest accepted scenario document.
    pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;
    pub const MAX_BROKERS: u32 = 9;
    pub const MAX_PARTITIONS: u32 = 64;
    pub const MAX_TOPICS: usize = 64;
    pub const MAX_PRODUCERS: usize = 64;
    pub const MAX_CONSUMERS: usize = 64;
    pub const MAX_PROCESSORS: usize = 64;
    pub const MAX_FAULTS: usize = 10_000;
    /// Messages per producer.
    pub const MAX_MESSAGES: u64 = 1_000_000;
    /// Messages of all producers together.
    pub const MAX_TOTAL_MESSAGES: u64 = 2_000_000;
    pub const MAX_KEYS: u32 = 1_000_000;
    pub const MAX_VALUE_BYTES: u32 = 1_048_576;
    pub const MAX_TRANSACTION_MESSAGES: u32 = 1_000_000;
    pub const MAX_BATCH_SIZE: u32 = 16_777_216;
    pub const MAX_IN_FLIGHT: u32 = 1_000;
    pub const MAX_POLL_RECORDS: u32 = 1_000_000;
    /// Bound of every time: `until_ms`, fault times, intervals, timeouts, delays.
    pub const MAX_TIME_MS: u64 = 3_600_000;
    pub const MAX_NETWORK_LATENCY_MS: u64 = 10_000;
    /// Count of a `drop_produce_*` fault.
    pub const MAX_DROP_COUNT: u32 = 1_000_000;
    /// Longest id, group or topic name (Kafka's limit for topic names).
    pub const MAX_NAME_CHARS: usize = 249;

    /// Kafka: `max.in.flight.requests.per.connection` allowed with idempotence.
    pub const MAX_IN_FLIGHT_FOR_IDEMPOTENCE: u32 = 5;
    /// Kafka: `retries` is an int.
    pub const MAX_RETRIES: u64 = i32::MAX as u64;
    /// Kafka broker default `group.min.session.timeout.ms`.
    pub const GROUP_MIN_SESSION_TIMEOUT_MS: u64 = 6_000;
    /// Kafka broker default `group.max.session.timeout.ms`.
    pub const GROUP_MAX_SESSION_TIMEOUT_MS: u64 = 1_800_000;
    /// Kafka broker default `transaction.max.timeout.ms`.
    pub const TRANSACTION_MAX_TIMEOUT_MS: u64 = 900_000;
    /// KRaft `broker.heartbeat.interval.ms` (not configurable here).
    pub const BROKER_HEARTBEAT_INTERVAL_MS: u64 = 2_000;
}

use limits::*;

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/// Parses a scenario document. Unknown fields, wrong types and versions other than 1 are
/// errors naming the field path.
pub fn parse_scenario(json: &str) -> Result<Scenario, ScenarioError> {
    if json.len() > MAX_INPUT_BYTES {
        return Err(ScenarioError::new(
            "",
            format!(
                "scenario too large: {} bytes, at most {MAX_INPUT_BYTES}",
                json.len()
            ),
        ));
    }
    if json.trim().is_empty() {
        return Err(ScenarioError::new(
            "",
            "empty input, expected a scenario JSON object",
        ));
    }
    let scenario: Scenario = match tracked(json) {
        Ok(s) => s,
        Err(Tracked::Path(e)) => return Err(json_error(json, e)),
        Err(Tracked::Trailing(e)) => return Err(ScenarioError::new("", invalid_json(&e))),
    };
    check_version(scenario.version)?;
    Ok(scenario)
}

/// Why [`tracked`] failed: an error with its field path, or characters after the value.
pub(crate) enum Tracked {
    Path(serde_path_to_error::Error<serde_json::Error>),
    Trailing(serde_json::Error),
}

/// Reads a whole JSON document through `serde_path_to_error`. Every reader of a scenario
/// (a scenario, a lesson, a changed setting) comes here, so the scenario's reading code is
/// compiled once, for this one deserializer, instead of once per way of reading it.
pub(crate) fn tracked<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Tracked> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut de).map_err(Tracked::Path)?;
    de.end().map_err(Tracked::Trailing)?;
    Ok(value)
}

/// [`tracked`] with serde_json's own error, as `serde_json::from_str` gives it.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    tracked(json).map_err(|e| match e {
        Tracked::Path(e) => e.into_inner(),
        Tracked::Trailing(e) => e,
    })
}

/// serde_json's message without its ` at line L column C`: what the error says for a
/// value that did not come from text (`serde_json::from_value`).
pub(crate) fn message_only(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(m) if e.line() != 0 => m.to_string(),
        _ => full,
    }
}

/// Parses and resolves in one step.
pub fn load(json: &str) -> Result<Resolved, ScenarioError> {
    resolve(&parse_scenario(json)?)
}

fn check_version(version: u32) -> Result<(), ScenarioError> {
    if version == SCENARIO_VERSION {
        Ok(())
    } else {
        Err(unsupported_version(version.into()))
    }
}

fn unsupported_version(version: u64) -> ScenarioError {
    ScenarioError::new(
        "version",
        format!("unsupported version {version}, expected {SCENARIO_VERSION}"),
    )
}

fn invalid_json(e: &serde_json::Error) -> String {
    format!("invalid JSON: {e}")
}

/// Turns a serde error into a `ScenarioError` with the path in the contract's form.
fn json_error(json: &str, e: serde_path_to_error::Error<serde_json::Error>) -> ScenarioError {
    let inner = e.inner();
    if inner.classify() != serde_json::error::Category::Data {
        return ScenarioError::new("", invalid_json(inner));
    }
    // A document of another version may well have fields this reader does not know.
    if let Some(version) = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v.get("version").and_then(serde_json::Value::as_u64))
    {
        if version != u64::from(SCENARIO_VERSION) {
            return unsupported_version(version);
        }
    }
    let full = inner.to_string();
    let suffix = format!(" at line {} column {}", inner.line(), inner.column());
    let raw = full.strip_suffix(&suffix).unwrap_or(&full);
    let (field, message) = tidy(raw);

    let mut path = e.path().to_string();
    if path == "." {
        path.clear();
    }
    if let Some(field) = field {
        let already =
            matches!(e.path().iter().next_back(), Some(Segment::Map { key }) if *key == field);
        if !already {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&field);
        }
    }
    ScenarioError::new(path, message)
}

/// Rewrites serde's messages into the contract's style. Gives the field to append to the
/// path when the message is about a field (unknown, missing, duplicate).
fn tidy(raw: &str) -> (Option<String>, String) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        if let Some((field, tail)) = rest.split_once("`, ") {
            let expected = backticked(tail);
            let message = match suggest(field, &expected) {
                Some(name) => format!("unknown field, did you mean \"{name}\"?"),
                None if expected.is_empty() => "unknown field".to_string(),
                None => format!("unknown field, expected {}", one_of(&expected)),
            };
            return (Some(field.to_string()), message);
        }
    }
    if let Some(field) = raw
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return (
            Some(field.to_string()),
            "missing required field".to_string(),
        );
    }
    if let Some(field) = raw
        .strip_prefix("duplicate field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return (Some(field.to_string()), "duplicate field".to_string());
    }
    let body = raw
        .strip_prefix("invalid type: ")
        .or_else(|| raw.strip_prefix("invalid value: "));
    if let Some((got, expected)) = body.and_then(|b| b.rsplit_once(", expected ")) {
        return (
            None,
            format!(
                "expected {}, got {}",
                expected_phrase(expected),
                got_phrase(got)
            ),
        );
    }
    (None, raw.to_string())
}

/// The words between backticks: serde's list of expected names.
fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// `one of "a", "b"` (or just `"a"`).
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    if quoted.len() == 1 {
        quoted[0].clone()
    } else {
        format!("one of {}", quoted.join(", "))
    }
}

/// The closest expected name to a misspelled field, when close enough to be a typo.
fn suggest<'a>(field: &str, names: &[&'a str]) -> Option<&'a str> {
    let field_len = field.chars().count();
    if field_len > 100 {
        return None;
    }
    names
        .iter()
        .map(|n| (edit_distance(field, n), *n))
        .filter(|(d, _)| *d <= 2 && *d * 2 < field_len)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diag
            } else {
                1 + diag.min(above).min(row[j])
            };
            diag = above;
        }
    }
    row[b.len()]
}

/// serde's name of an expected type, in plain words.
fn expected_phrase(expected: &str) -> String {
    match expected {
        "u64" => "a non-negative integer".to_string(),
        "u32" => format!("an integer from 0 to {}", u32::MAX),
        "a sequence" => "an array".to_string(),
        e if e.starts_with("struct ") => "an object".to_string(),
        e => e.to_string(),
    }
}

/// serde's description of an unexpected value, as the value itself.
fn got_phrase(got: &str) -> String {
    const MAX_CHARS: usize = 42;
    for prefix in ["integer `", "floating point `", "boolean `"] {
        if let Some(v) = got.strip_prefix(prefix).and_then(|r| r.strip_suffix('`')) {
            return v.to_string();
        }
    }
    match got {
        "map" => return "an object".to_string(),
        "sequence" => return "an array".to_string(),
        "unit value" | "null" => return "null".to_string(),
        _ => {}
    }
    let value = got.strip_prefix("string ").unwrap_or(got);
    if value.chars().count() <= MAX_CHARS {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX_CHARS - 2).collect();
        format!("{head}…\"")
    }
}

// ---------------------------------------------------------------------------------------
// Resolving
// ---------------------------------------------------------------------------------------

/// Fills in every default and checks every rule: the playground's limits, the rules Kafka
/// enforces (with Kafka's wording), and that every name refers to something.
pub fn resolve(s: &Scenario) -> Result<Resolved, ScenarioError> {
    check_version(s.version)?;
    if let Some(until) = s.until_ms {
        at_most("until_ms", until, MAX_TIME_MS)?;
    }
    count("topics", "topics", s.topics.len(), MAX_TOPICS)?;
    count("producers", "producers", s.producers.len(), MAX_PRODUCERS)?;
    count("consumers", "consumers", s.consumers.len(), MAX_CONSUMERS)?;
    count(
        "processors",
        "processors",
        s.processors.len(),
        MAX_PROCESSORS,
    )?;
    count("faults", "faults", s.faults.len(), MAX_FAULTS)?;

    let cluster = resolve_cluster(s)?;
    let mut topics = Vec::with_capacity(s.topics.len());
    for (i, t) in s.topics.iter().enumerate() {
        topics.push(resolve_topic(i, t, &topics, &cluster)?);
    }
    auto_create_topics(s, &mut topics);
    let mut producers: Vec<ProducerCfg> = Vec::with_capacity(s.producers.len());
    let mut total_messages = 0;
    for (i, p) in s.producers.iter().enumerate() {
        let path = format!("producers[{i}]");
        let cfg = resolve_producer(&path, p, &topics)?;
        unique_id(&path, "producer", &cfg.id, producers.iter().map(|p| &p.id))?;
        total_messages += cfg.messages;
        if total_messages > MAX_TOTAL_MESSAGES {
            return Err(ScenarioError::new(
                format!("{path}.messages"),
                format!("all producers together may send at most {MAX_TOTAL_MESSAGES} messages"),
            ));
        }
        producers.push(cfg);
    }
    let mut consumers: Vec<ConsumerCfg> = Vec::with_capacity(s.consumers.len());
    for (i, c) in s.consumers.iter().enumerate() {
        let path = format!("consumers[{i}]");
        let cfg = resolve_consumer(&path, c, &topics)?;
        unique_id(&path, "consumer", &cfg.id, consumers.iter().map(|c| &c.id))?;
        consumers.push(cfg);
    }
    let mut processors: Vec<ProcessorCfg> = Vec::with_capacity(s.processors.len());
    for (i, p) in s.processors.iter().enumerate() {
        let path = format!("processors[{i}]");
        let cfg = resolve_processor(&path, p, &topics)?;
        unique_id(
            &path,
            "processor",
            &cfg.id,
            processors.iter().map(|p| &p.id),
        )?;
        if let Some(j) = consumers.iter().position(|c| c.group == cfg.group) {
            return Err(ScenarioError::new(
                format!("{path}.group"),
                format!(
                    "group {} is also used by consumers[{j}]; a Kafka Streams application \
                     needs a group of its own (Kafka: INCONSISTENT_GROUP_PROTOCOL)",
                    quote(&cfg.group)
                ),
            ));
        }
        processors.push(cfg);
    }
    check_no_loop(&topics, &consumers, &processors)?;
    let faults = resolve_faults(s, &cluster, &topics, &producers, &consumers, &processors)?;

    Ok(Resolved {
        seed: s.seed.unwrap_or(0),
        until_ms: s.until_ms,
        cluster,
        topics,
        producers,
        consumers,
        processors,
        faults,
    })
}

fn resolve_cluster(s: &Scenario) -> Result<ClusterCfg, ScenarioError> {
    let c = s.cluster.clone().unwrap_or_default();
    let brokers = in_range(
        "cluster.brokers",
        c.brokers.unwrap_or(3).into(),
        1,
        MAX_BROKERS.into(),
    )?;
    let replica_lag_time_max_ms = in_range(
        "cluster.replica.lag.time.max.ms",
        c.replica_lag_time_max_ms.unwrap_or(30_000),
        1,
        MAX_TIME_MS,
    )?;
    let network_latency_ms = in_range(
        "cluster.network_latency_ms",
        c.network_latency_ms.unwrap_or(2),
        1,
        MAX_NETWORK_LATENCY_MS,
    )?;
    let broker_session_timeout_ms = at_most(
        "cluster.broker.session.timeout.ms",
        c.broker_session_timeout_ms.unwrap_or(9_000),
        MAX_TIME_MS,
    )?;
    if broker_session_timeout_ms <= BROKER_HEARTBEAT_INTERVAL_MS {
        return Err(ScenarioError::new(
            "cluster.broker.session.timeout.ms",
            format!(
                "must be greater than broker.heartbeat.interval.ms \
                 ({BROKER_HEARTBEAT_INTERVAL_MS}), got {broker_session_timeout_ms}"
            ),
        ));
    }
    let group_initial_rebalance_delay_ms = at_most(
        "cluster.group.initial.rebalance.delay.ms",
        c.group_initial_rebalance_delay_ms.unwrap_or(3_000),
        MAX_TIME_MS,
    )?;
    Ok(ClusterCfg {
        brokers: brokers as u32,
        unclean_leader_election: c.unclean_leader_election_enable.unwrap_or(false),
        replica_lag_time_max_ms,
        network_latency_ms,
        broker_session_timeout_ms,
        broker_heartbeat_interval_ms: BROKER_HEARTBEAT_INTERVAL_MS,
        group_initial_rebalance_delay_ms,
    })
}

fn resolve_topic(
    i: usize,
    t: &Topic,
    earlier: &[TopicCfg],
    cluster: &ClusterCfg,
) -> Result<TopicCfg, ScenarioError> {
    let path = format!("topics[{i}]");
    let name_path = format!("{path}.name");
    check_topic_name(&name_path, &t.name)?;
    if earlier.iter().any(|e| e.name == t.name) {
        return Err(ScenarioError::new(
            name_path,
            format!("Topic '{}' already exists.", t.name),
        ));
    }
    if let Some(e) = earlier.iter().find(|e| collides(&e.name, &t.name)) {
        return Err(ScenarioError::new(
            name_path,
            format!(
                "Topic '{}' collides with existing topic: {}",
                t.name, e.name
            ),
        ));
    }

    let partitions = t.partitions.unwrap_or(1);
    if partitions == 0 {
        return Err(ScenarioError::new(
            format!("{path}.partitions"),
            "Number of partitions was set to an invalid non-positive value.",
        ));
    }
    at_most(
        &format!("{path}.partitions"),
        partitions.into(),
        MAX_PARTITIONS.into(),
    )?;

    let rf_path = format!("{path}.replication.factor");
    let replication_factor = t.replication_factor.unwrap_or(1);
    if replication_factor == 0 {
        return Err(ScenarioError::new(
            rf_path,
            "Replication factor must be larger than 0.",
        ));
    }
    if replication_factor > cluster.brokers {
        return Err(ScenarioError::new(
            rf_path,
            format!(
                "replication factor: {replication_factor} larger than available brokers: {}",
                cluster.brokers
            ),
        ));
    }

    let min_insync_replicas = t.min_insync_replicas.unwrap_or(1);
    kafka_at_least(
        &format!("{path}.min.insync.replicas"),
        "min.insync.replicas",
        min_insync_replicas.into(),
        1,
    )?;
    // Kafka accepts min.insync.replicas above the replication factor (acks=all then always
    // fails with NOT_ENOUGH_REPLICAS); keep it within the sizes the model knows.
    at_most(
        &format!("{path}.min.insync.replicas"),
        min_insync_replicas.into(),
        MAX_BROKERS.into(),
    )?;

    Ok(TopicCfg {
        name: t.name.clone(),
        partitions,
        replication_factor,
        min_insync_replicas,
    })
}

fn resolve_producer(
    path: &str,
    p: &Producer,
    topics: &[TopicCfg],
) -> Result<ProducerCfg, ScenarioError> {
    check_id(&format!("{path}.id"), &p.id)?;
    let topic = topic_ref(&format!("{path}.topic"), &p.topic, topics)?;
    let messages = at_most(
        &format!("{path}.messages"),
        p.messages.unwrap_or(0),
        MAX_MESSAGES,
    )?;
    let keys = at_most(
        &format!("{path}.keys"),
        p.keys.unwrap_or(0).into(),
        MAX_KEYS.into(),
    )? as u32;
    let value_bytes = in_range(
        &format!("{path}.value_bytes"),
        p.value_bytes.unwrap_or(100).into(),
        1,
        MAX_VALUE_BYTES.into(),
    )? as u32;
    let interval_ms = at_most(
        &format!("{path}.interval_ms"),
        p.interval_ms.unwrap_or(10),
        MAX_TIME_MS,
    )?;

    let default_config = ProducerConfig::default();
    let c = p.config.as_ref().unwrap_or(&default_config);
    let cp = format!("{path}.config");

    let acks = c.acks.unwrap_or(Acks::All);
    let retries = c.retries.unwrap_or(MAX_RETRIES);
    if retries > MAX_RETRIES {
        return Err(ScenarioError::new(
            format!("{cp}.retries"),
            format!(
                "Invalid value {retries} for configuration retries: Value must be no more than {MAX_RETRIES}"
            ),
        ));
    }
    let max_in_flight = c.max_in_flight.unwrap_or(5);
    kafka_at_least(
        &format!("{cp}.max.in.flight.requests.per.connection"),
        "max.in.flight.requests.per.connection",
        max_in_flight.into(),
        1,
    )?;
    at_most(
        &format!("{cp}.max.in.flight.requests.per.connection"),
        max_in_flight.into(),
        MAX_IN_FLIGHT.into(),
    )?;
    let linger_ms = at_most(
        &format!("{cp}.linger.ms"),
        c.linger_ms.unwrap_or(0),
        MAX_TIME_MS,
    )?;
    let batch_size = at_most(
        &format!("{cp}.batch.size"),
        c.batch_size.unwrap_or(16_384).into(),
        MAX_BATCH_SIZE.into(),
    )? as u32;
    let request_timeout_ms = in_range(
        &format!("{cp}.request.timeout.ms"),
        c.request_timeout_ms.unwrap_or(30_000),
        1,
        MAX_TIME_MS,
    )?;
    let retry_backoff_ms = at_most(
        &format!("{cp}.retry.backoff.ms"),
        c.retry_backoff_ms.unwrap_or(100),
        MAX_TIME_MS,
    )?;

    let transactional_id = c.transactional_id.clone();
    if let Some(id) = &transactional_id {
        let tp = format!("{cp}.transactional.id");
        if id.is_empty() {
            return Err(ScenarioError::new(
                tp,
                "Invalid value  for configuration transactional.id: String must be non-empty",
            ));
        }
        name_length(&tp, id)?;
    }

    let tto_path = format!("{cp}.transaction.timeout.ms");
    let transaction_timeout_ms = c.transaction_timeout_ms.unwrap_or(60_000);
    if transactional_id.is_some()
        && !(1..=TRANSACTION_MAX_TIMEOUT_MS).contains(&transaction_timeout_ms)
    {
        return Err(ScenarioError::new(
            tto_path,
            "The transaction timeout is larger than the maximum value allowed by the broker \
             (as configured by transaction.max.timeout.ms).",
        ));
    }
    at_most(&tto_path, transaction_timeout_ms, MAX_TIME_MS)?;

    let idempotence = resolve_idempotence(&cp, c, acks, retries, max_in_flight)?;

    // KafkaProducer.configureDeliveryTimeout: an explicit inconsistent value is an error, the
    // default is raised to linger.ms + request.timeout.ms.
    let floor = (linger_ms + request_timeout_ms).min(i32::MAX as u64);
    let delivery_timeout_ms = match c.delivery_timeout_ms {
        Some(d) => {
            let dp = format!("{cp}.delivery.timeout.ms");
            at_most(&dp, d, MAX_TIME_MS)?;
            if d < floor {
                return Err(ScenarioError::new(
                    dp,
                    "delivery.timeout.ms should be equal to or larger than linger.ms + \
                     request.timeout.ms",
                ));
            }
            d
        }
        None => 120_000u64.max(floor),
    };

    let tm_path = format!("{path}.transaction_messages");
    let transaction_messages = match (p.transaction_messages, &transactional_id) {
        (Some(n), None) if n > 0 => {
            return Err(ScenarioError::new(
                tm_path,
                "transaction_messages > 0 needs a transactional.id",
            ))
        }
        (Some(0), Some(_)) => {
            return Err(ScenarioError::new(
                tm_path,
                "must be at least 1: a producer with a transactional.id sends only inside \
                 transactions",
            ))
        }
        (Some(n), _) => n,
        (None, Some(_)) => 1,
        (None, None) => 0,
    };
    at_most(
        &tm_path,
        transaction_messages.into(),
        MAX_TRANSACTION_MESSAGES.into(),
    )?;

    Ok(ProducerCfg {
        id: p.id.clone(),
        topic,
        messages,
        keys,
        value_bytes,
        interval_ms,
        transaction_messages,
        outbox: p.outbox.unwrap_or(false),
        acks,
        idempotence,
        retries,
        max_in_flight,
        linger_ms,
        batch_size,
        request_timeout_ms,
        delivery_timeout_ms,
        retry_backoff_ms,
        transactional_id,
        transaction_timeout_ms,
    })
}

/// Kafka 3.2+ (`ProducerConfig.postProcessAndValidateIdempotenceConfigs`, KAFKA-13673):
/// idempotence is on by default; a conflicting setting is an error when
/// `enable.idempotence` was set explicitly and silently turns it off otherwise; a
/// `transactional.id` needs idempotence.
fn resolve_idempotence(
    cp: &str,
    c: &ProducerConfig,
    acks: Acks,
    retries: u64,
    max_in_flight: u32,
) -> Result<bool, ScenarioError> {
    // Kafka's order: retries, acks, max.in.flight.requests.per.connection.
    let mut conflicts: Vec<(&str, &str, String)> = Vec::new();
    if retries == 0 {
        conflicts.push((
            "retries",
            "Must set retries to non-zero when using the idempotent producer.",
            "retries is set to 0".to_string(),
        ));
    }
    if acks != Acks::All {
        conflicts.push((
            "acks",
            "Must set acks to all in order to use the idempotent producer. Otherwise we cannot \
             guarantee idempotence.",
            format!("acks is set to {}, not set to 'all'", acks.as_str()),
        ));
    }
    if max_in_flight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE {
        conflicts.push((
            "max.in.flight.requests.per.connection",
            "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent \
             producer.",
            format!(
                "max.in.flight.requests.per.connection is set to {max_in_flight}, which is \
                 greater than 5"
            ),
        ));
    }
    let tx_path = format!("{cp}.transactional.id");
    const NEEDS_IDEMPOTENCE: &str =
        "Cannot set a transactional.id without also enabling idempotence.";
    match c.enable_idempotence {
        Some(true) => match conflicts.into_iter().next() {
            Some((field, message, _)) => Err(ScenarioError::new(format!("{cp}.{field}"), message)),
            None => Ok(true),
        },
        Some(false) if c.transactional_id.is_some() => {
            Err(ScenarioError::new(tx_path, NEEDS_IDEMPOTENCE))
        }
        Some(false) => Ok(false),
        None => match conflicts.into_iter().next() {
            None => Ok(true),
            Some(_) if c.transactional_id.is_none() => Ok(false),
            Some((_, _, reason)) => Err(ScenarioError::new(
                tx_path,
                format!("{NEEDS_IDEMPOTENCE} (Idempotence was disabled because {reason}.)"),
            )),
        },
    }
}

fn resolve_consumer(
    path: &str,
    c: &Consumer,
    topics: &[TopicCfg],
) -> Result<ConsumerCfg, ScenarioError> {
    check_id(&format!("{path}.id"), &c.id)?;
    check_group(&format!("{path}.group"), &c.group)?;
    let topic = topic_ref(&format!("{path}.topic"), &c.topic, topics)?;
    let processing_ms = at_most(
        &format!("{path}.processing_ms"),
        c.processing_ms.unwrap_or(5),
        MAX_TIME_MS,
    )?;
    let dlq = match &c.dlq {
        Some(name) => Some(topic_ref(&format!("{path}.dlq"), name, topics)?),
        None => None,
    };

    let default_config = ConsumerConfig::default();
    let k = c.config.as_ref().unwrap_or(&default_config);
    let cp = format!("{path}.config");
    let enable_auto_commit = k.enable_auto_commit.unwrap_or(true);
    let auto_commit_interval_ms = in_range(
        &format!("{cp}.auto.commit.interval.ms"),
        k.auto_commit_interval_ms.unwrap_or(5_000),
        1,
        MAX_TIME_MS,
    )?;
    let max_poll_records = k.max_poll_records.unwrap_or(500);
    kafka_at_least(
        &format!("{cp}.max.poll.records"),
        "max.poll.records",
        max_poll_records.into(),
        1,
    )?;
    at_most(
        &format!("{cp}.max.poll.records"),
        max_poll_records.into(),
        MAX_POLL_RECORDS.into(),
    )?;
    let session_timeout_ms = k.session_timeout_ms.unwrap_or(45_000);
    if !(GROUP_MIN_SESSION_TIMEOUT_MS..=GROUP_MAX_SESSION_TIMEOUT_MS).contains(&session_timeout_ms)
    {
        return Err(ScenarioError::new(
            format!("{cp}.session.timeout.ms"),
            "The session timeout is not within the range allowed by the broker (as configured \
             by group.min.session.timeout.ms and group.max.session.timeout.ms).",
        ));
    }
    let hb_path = format!("{cp}.heartbeat.interval.ms");
    let heartbeat_interval_ms = in_range(
        &hb_path,
        k.heartbeat_interval_ms.unwrap_or(3_000),
        1,
        MAX_TIME_MS,
    )?;
    if heartbeat_interval_ms >= session_timeout_ms {
        return Err(ScenarioError::new(
            hb_path,
            "Heartbeat must be set lower than the session timeout",
        ));
    }
    let max_poll_interval_ms = k.max_poll_interval_ms.unwrap_or(300_000);
    kafka_at_least(
        &format!("{cp}.max.poll.interval.ms"),
        "max.poll.interval.ms",
        max_poll_interval_ms,
        1,
    )?;
    at_most(
        &format!("{cp}.max.poll.interval.ms"),
        max_poll_interval_ms,
        MAX_TIME_MS,
    )?;

    let commit = c.commit.unwrap_or(CommitMode::Auto);
    if commit == CommitMode::Auto && !enable_auto_commit {
        let what = if c.commit.is_some() {
            ""
        } else {
            " (the default)"
        };
        return Err(ScenarioError::new(
            format!("{path}.commit"),
            format!(
                "commit \"auto\"{what} needs enable.auto.commit = true; with it false, choose \
                 \"after_batch\", \"per_record\" or \"out_of_order\""
            ),
        ));
    }

    Ok(ConsumerCfg {
        id: c.id.clone(),
        group: c.group.clone(),
        topic,
        processing_ms,
        processing: c.processing.unwrap_or(Processing::InPollLoop),
        commit,
        inbox: c.inbox.unwrap_or(false),
        dlq,
        enable_auto_commit,
        auto_commit_interval_ms,
        isolation_level: k.isolation_level.unwrap_or(IsolationLevel::ReadUncommitted),
        max_poll_records,
        auto_offset_reset: k.auto_offset_reset.unwrap_or(OffsetReset::Latest),
        session_timeout_ms,
        heartbeat_interval_ms,
        max_poll_interval_ms,
    })
}

fn resolve_processor(
    path: &str,
    p: &Processor,
    topics: &[TopicCfg],
) -> Result<ProcessorCfg, ScenarioError> {
    check_id(&format!("{path}.id"), &p.id)?;
    check_group(&format!("{path}.group"), &p.group)?;
    let from = topic_ref(&format!("{path}.from"), &p.from, topics)?;
    let to = topic_ref(&format!("{path}.to"), &p.to, topics)?;
    let processing_ms = at_most(
        &format!("{path}.processing_ms"),
        p.processing_ms.unwrap_or(5),
        MAX_TIME_MS,
    )?;
    let guarantee = p.processing_guarantee.unwrap_or(Guarantee::AtLeastOnce);
    let commit_interval_ms = in_range(
        &format!("{path}.commit.interval.ms"),
        p.commit_interval_ms.unwrap_or(guarantee.default_commit_interval_ms()),
        1,
        MAX_TIME_MS,
    )?;
    Ok(ProcessorCfg {
        id: p.id.clone(),
        group: p.group.clone(),
        from,
        to,
        processing_ms,
        guarantee,
        commit_interval_ms,
        side_effect: p.side_effect.unwrap_or(false),
    })
}

/// Refuses processors and dead-letter queues that feed messages back into a topic they
/// came from: such messages would circulate without end.
fn check_no_loop(
    topics: &[TopicCfg],
    consumers: &[ConsumerCfg],
    processors: &[ProcessorCfg],
) -> Result<(), ScenarioError> {
    let edges = consumers
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.dlq.map(|d| (format!("consumers[{i}].dlq"), c.topic, d)))
        .chain(
            processors
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("processors[{i}].to"), p.from, p.to)),
        );
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); topics.len()];
    for (path, from, to) in edges {
        if let Some(route) = route(&next, to, from) {
            let names: Vec<&str> = std::iter::once(from)
                .chain(route)
                .map(|t| topics[t].name.as_str())
                .collect();
            return Err(ScenarioError::new(
                path,
                format!("messages would loop forever: {}", names.join(" -> ")),
            ));
        }
        next[from].push(to);
    }
    Ok(())
}

/// A path of topics from `start` to `goal` (both included), breadth first.
fn route(next: &[Vec<usize>], start: usize, goal: usize) -> Option<Vec<usize>> {
    let mut came_from: Vec<Option<usize>> = vec![None; next.len()];
    let mut seen = vec![false; next.len()];
    let mut queue = std::collections::VecDeque::from([start]);
    seen[start] = true;
    while let Some(t) = queue.pop_front() {
        if t == goal {
            let mut path = vec![t];
            let mut at = t;
            while let Some(prev) = came_from[at] {
                path.push(prev);
                at = prev;
            }
            path.reverse();
            return Some(path);
        }
        for &n in &next[t] {
            if !seen[n] {
                seen[n] = true;
                came_from[n] = Some(t);
                queue.push_back(n);
            }
        }
    }
    None
}

fn resolve_faults(
    s: &Scenario,
    cluster: &ClusterCfg,
    topics: &[TopicCfg],
    producers: &[ProducerCfg],
    consumers: &[ConsumerCfg],
    processors: &[ProcessorCfg],
) -> Result<Vec<FaultCfg>, ScenarioError> {
    let mut faults = Vec::with_capacity(s.faults.len());
    for (i, f) in s.faults.iter().enumerate() {
        let path = format!("faults[{i}]");
        at_most(&format!("{path}.at_ms"), f.at_ms, MAX_TIME_MS)?;
        let kind = resolve_fault(&path, f, cluster, topics, producers, consumers, processors)?;
        faults.push((
            i,
            FaultCfg {
                at_ms: f.at_ms,
                kind,
            },
        ));
    }
    crate::sort::by_key(&mut faults, |(_, f)| f.at_ms); // stable: scenario order breaks ties

    // A topic only grows, in time order (KRaft's CreatePartitions wording).
    let mut partitions: Vec<u32> = topics.iter().map(|t| t.partitions).collect();
    for (i, f) in &faults {
        if let FaultAction::AddPartitions { topic, count } = f.kind {
            let current = partitions[topic];
            let message = if count == current {
                format!("Topic already has {current} partition(s).")
            } else if count < current {
                format!(
                    "The topic {} currently has {current} partition(s); {count} would not be an \
                     increase.",
                    topics[topic].name
                )
            } else {
                partitions[topic] = count;
                continue;
            };
            return Err(ScenarioError::new(format!("faults[{i}].count"), message));
        }
    }
    Ok(faults.into_iter().map(|(_, f)| f).collect())
}

fn resolve_fault(
    path: &str,
    f: &Fault,
    cluster: &ClusterCfg,
    topics: &[TopicCfg],
    producers: &[ProducerCfg],
    consumers: &[ConsumerCfg],
    processors: &[ProcessorCfg],
) -> Result<FaultAction, ScenarioError> {
    let broker = |b: u32| -> Result<u32, ScenarioError> {
        if b < cluster.brokers {
            Ok(b)
        } else {
            Err(ScenarioError::new(
                format!("{path}.broker"),
                format!(
                    "broker {b} does not exist: the cluster has {} broker(s), numbered from 0",
                    cluster.brokers
                ),
            ))
        }
    };
    let producer = |id: &str| {
        find_id(
            &format!("{path}.producer"),
            "producer",
            id,
            producers.iter().map(|p| &p.id),
        )
    };
    let consumer = |id: &str| {
        find_id(
            &format!("{path}.consumer"),
            "consumer",
            id,
            consumers.iter().map(|c| &c.id),
        )
    };
    let processor = |id: &str| {
        find_id(
            &format!("{path}.processor"),
            "processor",
            id,
            processors.iter().map(|p| &p.id),
        )
    };
    let drop_count = |n: u32| {
        at_most(&format!("{path}.count"), n.into(), MAX_DROP_COUNT.into()).map(|n| n as u32)
    };
    let message = |m: &str| message_ref(&format!("{path}.message"), m, producers);

    use FaultKind as K;
    Ok(match &f.kind {
        K::CrashBroker { broker: b } => FaultAction::CrashBroker(broker(*b)?),
        K::RestartBroker { broker: b } => FaultAction::RestartBroker(broker(*b)?),
        K::IsolateBroker { broker: b } => FaultAction::IsolateBroker(broker(*b)?),
        K::Heal => FaultAction::Heal,
        K::DropProduceRequests { producer: p, count } => FaultAction::DropProduceRequests {
            producer: producer(p)?,
            count: drop_count(*count)?,
        },
        K::DropProduceResponses { producer: p, count } => FaultAction::DropProduceResponses {
            producer: producer(p)?,
            count: drop_count(*count)?,
        },
        K::CrashProducer { producer: p } => FaultAction::CrashProducer(producer(p)?),
        K::RestartProducer { producer: p } => FaultAction::RestartProducer(producer(p)?),
        K::PauseProducer { producer: p } => FaultAction::PauseProducer(producer(p)?),
        K::ResumeProducer { producer: p } => FaultAction::ResumeProducer(producer(p)?),
        K::CrashConsumer { consumer: c } => FaultAction::CrashConsumer(consumer(c)?),
        K::RestartConsumer { consumer: c } => FaultAction::RestartConsumer(consumer(c)?),
        K::CrashProcessor { processor: p } => FaultAction::CrashProcessor(processor(p)?),
        K::RestartProcessor { processor: p } => FaultAction::RestartProcessor(processor(p)?),
        K::PoisonMessage { message: m } => {
            message(m)?;
            FaultAction::PoisonMessage(m.clone())
        }
        K::SlowMessage { message: m, ms } => {
            message(m)?;
            FaultAction::SlowMessage {
                message: m.clone(),
                ms: at_most(&format!("{path}.ms"), *ms, MAX_TIME_MS)?,
            }
        }
        K::AddPartitions { topic, count } => {
            let topic = topic_ref(&format!("{path}.topic"), topic, topics)?;
            at_most(
                &format!("{path}.count"),
                (*count).into(),
                MAX_PARTITIONS.into(),
            )?;
            FaultAction::AddPartitions {
                topic,
                count: *count,
            }
        }
    })
}

/// Checks a message id `<producer id>-<index>` against the producers and what they send.
fn message_ref(path: &str, m: &str, producers: &[ProducerCfg]) -> Result<(), ScenarioError> {
    let bad_form = || {
        ScenarioError::new(
            path,
            format!(
                "expected a message id \"<producer id>-<index>\" such as \"p1-0\", got {}",
                quote(m)
            ),
        )
    };
    let (id, index) = m.rsplit_once('-').ok_or_else(bad_form)?;
    if id.is_empty() || index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_form());
    }
    let Some(p) = producers.iter().find(|p| p.id == id) else {
        return Err(ScenarioError::new(
            path,
            format!("message {}: there is no producer {}", quote(m), quote(id)),
        ));
    };
    let index: Option<u64> = index.parse().ok();
    match index {
        Some(i) if i < p.messages => Ok(()),
        _ => Err(ScenarioError::new(
            path,
            format!(
                "message {} is never sent: producer {} sends {} message(s), numbered from 0",
                quote(m),
                quote(id),
                p.messages
            ),
        )),
    }
}

// ---------------------------------------------------------------------------------------
// Small checks
// ---------------------------------------------------------------------------------------

/// A JSON-quoted string, cut short when long.
fn quote(s: &str) -> String {
    crate::scenario::quote_short(s)
}

fn count(path: &str, what: &str, n: usize, max: usize) -> Result<(), ScenarioError> {
    if n > max {
        return Err(ScenarioError::new(
            path,
            format!("at most {max} {what}, got {n}"),
        ));
    }
    Ok(())
}

fn at_most(path: &str, v: u64, max: u64) -> Result<u64, ScenarioError> {
    if v > max {
        return Err(ScenarioError::new(
            path,
            format!("must be at most {max}, got {v}"),
        ));
    }
    Ok(v)
}

fn in_range(path: &str, v: u64, min: u64, max: u64) -> Result<u64, ScenarioError> {
    if v < min {
        return Err(ScenarioError::new(
            path,
            format!("must be at least {min}, got {v}"),
        ));
    }
    at_most(path, v, max)
}

/// A lower bound of Kafka's `ConfigDef`, with its message.
fn kafka_at_least(path: &str, name: &str, v: u64, min: u64) -> Result<(), ScenarioError> {
    if v < min {
        return Err(ScenarioError::new(
            path,
            format!("Invalid value {v} for configuration {name}: Value must be at least {min}"),
        ));
    }
    Ok(())
}

fn name_length(path: &str, s: &str) -> Result<(), ScenarioError> {
    let n = s.chars().count();
    if n > MAX_NAME_CHARS {
        return Err(ScenarioError::new(
            path,
            format!("must be at most {MAX_NAME_CHARS} characters long, got {n}"),
        ));
    }
    Ok(())
}

fn legal_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// Producer, consumer and processor ids: non-empty, Kafka's topic-name characters.
fn check_id(path: &str, id: &str) -> Result<(), ScenarioError> {
    if id.is_empty() {
        return Err(ScenarioError::new(path, "must not be empty"));
    }
    name_length(path, id)?;
    if !id.chars().all(legal_char) {
        return Err(ScenarioError::new(
            path,
            format!(
                "{} contains a character other than ASCII alphanumerics, '.', '_' and '-'",
                quote(id)
            ),
        ));
    }
    Ok(())
}

fn check_group(path: &str, group: &str) -> Result<(), ScenarioError> {
    if group.is_empty() {
        return Err(ScenarioError::new(path, "must not be empty"));
    }
    name_length(path, group)
}

/// Kafka's topic name rules (`org.apache.kafka.common.internals.Topic.validate`).
fn check_topic_name(path: &str, name: &str) -> Result<(), ScenarioError> {
    let message = if name.is_empty() {
        "Topic name is illegal, it can't be empty".to_string()
    } else if name == "." || name == ".." {
        "Topic name cannot be \".\" or \"..\"".to_string()
    } else if name.len() > MAX_NAME_CHARS {
        format!(
            "Topic name is illegal, it can't be longer than {MAX_NAME_CHARS} characters, topic \
             name: {}",
            quote(name)
        )
    } else if !name.chars().all(legal_char) {
        format!(
            "Topic name {} is illegal, it contains a character other than ASCII alphanumerics, \
             '.', '_' and '-'",
            quote(name)
        )
    } else {
        return Ok(());
    };
    Err(ScenarioError::new(path, message))
}

/// Kafka refuses two topics whose names differ only in '.' versus '_'.
fn collides(a: &str, b: &str) -> bool {
    a != b && a.replace('.', "_") == b.replace('.', "_")
}

fn topic_ref(path: &str, name: &str, topics: &[TopicCfg]) -> Result<usize, ScenarioError> {
    topics.iter().position(|t| t.name == name).ok_or_else(|| {
        ScenarioError::new(
            path,
            format!(
                "unknown topic {}: it is not declared in topics",
                quote(name)
            ),
        )
    })
}

fn find_id<'a>(
    path: &str,
    what: &str,
    id: &str,
    ids: impl Iterator<Item = &'a String>,
) -> Result<usize, ScenarioError> {
    let mut ids = ids;
    ids.position(|x| x == id)
        .ok_or_else(|| ScenarioError::new(path, format!("there is no {what} {}", quote(id))))
}

fn unique_id<'a>(
    path: &str,
    what: &str,
    id: &str,
    earlier: impl Iterator<Item = &'a String>,
) -> Result<(), ScenarioError> {
    let mut earlier = earlier;
    match earlier.position(|x| x == id) {
        Some(j) => Err(ScenarioError::new(
            format!("{path}.id"),
            format!(
                "duplicate {what} id {}, already used by {what}s[{j}]",
                quote(id)
            ),
        )),
        None => Ok(()),
    }
}

/// Kafka brokers create a topic on first use (`auto.create.topics.enable`, default true),
/// with `num.partitions` = 1 and `default.replication.factor` = 1. Output topics that are
/// only written by the model (a processor's `to`, a consumer's `dlq`) are created so when
/// not declared, in order of first mention; inputs (a producer's or consumer's `topic`, a
/// processor's `from`) must be declared, so a typo is an error. Names Kafka would refuse
/// are left for the usual checks.
fn auto_create_topics(s: &Scenario, topics: &mut Vec<TopicCfg>) {
    let mut names: Vec<&str> = Vec::new();
    names.extend(s.processors.iter().map(|p| p.to.as_str()));
    names.extend(s.consumers.iter().filter_map(|c| c.dlq.as_deref()));
    for name in names {
        if topics.len() >= MAX_TOPICS || topics.iter().any(|t| t.name == name) {
            continue;
        }
        if check_topic_name("", name).is_err() {
            continue;
        }
        topics.push(TopicCfg {
            name: name.to_string(),
            partitions: 1,
            replication_factor: 1,
            min_insync_replicas: 1,
        });
    }
}

//! The scenario: everything needed to replay one run (contract `scenario-v1.md`).
//!
//! Settings that Kafka treats differently when set explicitly (for example
//! `enable.idempotence`, which Kafka 3.2+ silently turns off when another setting conflicts
//! with it and it was *not* set by the user) are kept as `Option` so the engine can tell.
//! `resolve_*` functions give the effective values with Kafka 3.x defaults.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub producers: Vec<Producer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumers: Vec<Consumer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processors: Vec<Processor>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brokers: Option<u32>,
    #[serde(rename = "unclean.leader.election.enable", default, skip_serializing_if = "Option::is_none")]
    pub unclean_leader_election_enable: Option<bool>,
    #[serde(rename = "replica.lag.time.max.ms", default, skip_serializing_if = "Option::is_none")]
    pub replica_lag_time_max_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_latency_ms: Option<u64>,
    /// Extension: KRaft `broker.session.timeout.ms` (default 9000).
    #[serde(rename = "broker.session.timeout.ms", default, skip_serializing_if = "Option::is_none")]
    pub broker_session_timeout_ms: Option<u64>,
    /// Extension: `transaction.max.timeout.ms` is not modelled; `group.initial.rebalance.delay.ms` (default 3000).
    #[serde(rename = "group.initial.rebalance.delay.ms", default, skip_serializing_if = "Option::is_none")]
    pub group_initial_rebalance_delay_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    #[serde(rename = "replication.factor", default, skip_serializing_if = "Option::is_none")]
    pub replication_factor: Option<u32>,
    #[serde(rename = "min.insync.replicas", default, skip_serializing_if = "Option::is_none")]
    pub min_insync_replicas: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Producer {
    pub id: String,
    pub topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_bytes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_messages: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ProducerConfig>,
}

/// `acks` as Kafka spells it: "0", "1", "all" ("-1" is read as "all").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Acks {
    Zero,
    One,
    All,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acks: Option<Acks>,
    #[serde(rename = "enable.idempotence", default, skip_serializing_if = "Option::is_none")]
    pub enable_idempotence: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u64>,
    #[serde(rename = "max.in.flight.requests.per.connection", default, skip_serializing_if = "Option::is_none")]
    pub max_in_flight: Option<u32>,
    #[serde(rename = "linger.ms", default, skip_serializing_if = "Option::is_none")]
    pub linger_ms: Option<u64>,
    #[serde(rename = "batch.size", default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    #[serde(rename = "request.timeout.ms", default, skip_serializing_if = "Option::is_none")]
    pub request_timeout_ms: Option<u64>,
    #[serde(rename = "delivery.timeout.ms", default, skip_serializing_if = "Option::is_none")]
    pub delivery_timeout_ms: Option<u64>,
    #[serde(rename = "retry.backoff.ms", default, skip_serializing_if = "Option::is_none")]
    pub retry_backoff_ms: Option<u64>,
    #[serde(rename = "transactional.id", default, skip_serializing_if = "Option::is_none")]
    pub transactional_id: Option<String>,
    #[serde(rename = "transaction.timeout.ms", default, skip_serializing_if = "Option::is_none")]
    pub transaction_timeout_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    pub id: String,
    pub group: String,
    pub topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing: Option<Processing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dlq: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConsumerConfig>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Processing {
    InPollLoop,
    Handoff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitMode {
    Auto,
    AfterBatch,
    PerRecord,
    OutOfOrder,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    ReadUncommitted,
    ReadCommitted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerConfig {
    #[serde(rename = "enable.auto.commit", default, skip_serializing_if = "Option::is_none")]
    pub enable_auto_commit: Option<bool>,
    #[serde(rename = "auto.commit.interval.ms", default, skip_serializing_if = "Option::is_none")]
    pub auto_commit_interval_ms: Option<u64>,
    #[serde(rename = "isolation.level", default, skip_serializing_if = "Option::is_none")]
    pub isolation_level: Option<IsolationLevel>,
    #[serde(rename = "max.poll.records", default, skip_serializing_if = "Option::is_none")]
    pub max_poll_records: Option<u32>,
    #[serde(rename = "auto.offset.reset", default, skip_serializing_if = "Option::is_none")]
    pub auto_offset_reset: Option<OffsetReset>,
    #[serde(rename = "session.timeout.ms", default, skip_serializing_if = "Option::is_none")]
    pub session_timeout_ms: Option<u64>,
    #[serde(rename = "heartbeat.interval.ms", default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval_ms: Option<u64>,
    #[serde(rename = "max.poll.interval.ms", default, skip_serializing_if = "Option::is_none")]
    pub max_poll_interval_ms: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Guarantee {
    #[serde(rename = "at_least_once")]
    AtLeastOnce,
    #[serde(rename = "exactly_once_v2")]
    ExactlyOnceV2,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    pub id: String,
    pub group: String,
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_ms: Option<u64>,
    #[serde(rename = "processing.guarantee", default, skip_serializing_if = "Option::is_none")]
    pub processing_guarantee: Option<Guarantee>,
    #[serde(rename = "commit.interval.ms", default, skip_serializing_if = "Option::is_none")]
    pub commit_interval_ms: Option<u64>,
}

/// One scheduled fault. Each kind carries only the fields the contract gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: FaultKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultKind {
    CrashBroker { broker: u32 },
    RestartBroker { broker: u32 },
    IsolateBroker { broker: u32 },
    Heal,
    DropProduceRequests { producer: String, count: u32 },
    DropProduceResponses { producer: String, count: u32 },
    CrashProducer { producer: String },
    RestartProducer { producer: String },
    PauseProducer { producer: String },
    ResumeProducer { producer: String },
    CrashConsumer { consumer: String },
    RestartConsumer { consumer: String },
    CrashProcessor { processor: String },
    RestartProcessor { processor: String },
    PoisonMessage { message: String },
    SlowMessage { message: String, ms: u64 },
    AddPartitions { topic: String, count: u32 },
}

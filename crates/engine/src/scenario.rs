//! The scenario: everything needed to replay one run (contract `scenario-v1.md`).
//!
//! These types mirror the JSON form one to one. Settings that Kafka treats differently when
//! set explicitly (for example `enable.idempotence`, which Kafka 3.2+ silently turns off
//! when another setting conflicts with it and it was *not* set by the user) are kept as
//! `Option` so [`crate::validate::resolve`] can tell. Read JSON with
//! [`crate::validate::parse_scenario`], which names the field path in its errors.
//!
//! Every struct refuses unknown fields and refuses a JSON array where an object belongs
//! (serde's derive would otherwise read `[1, 2]` as a struct). Kafka-spelled values (`acks`,
//! `isolation.level`, ...) are read with messages like
//! `expected one of "0", "1", "all", "-1", got "2"`.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// The only scenario version this reader knows.
pub const SCENARIO_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
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

impl Default for Scenario {
    /// An empty scenario of the current version.
    fn default() -> Self {
        Scenario {
            version: SCENARIO_VERSION,
            seed: None,
            until_ms: None,
            cluster: None,
            topics: Vec::new(),
            producers: Vec::new(),
            consumers: Vec::new(),
            processors: Vec::new(),
            faults: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Cluster {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brokers: Option<u32>,
    #[serde(
        rename = "unclean.leader.election.enable",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub unclean_leader_election_enable: Option<bool>,
    #[serde(
        rename = "replica.lag.time.max.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub replica_lag_time_max_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_latency_ms: Option<u64>,
    /// Extension: KRaft `broker.session.timeout.ms` (default 9000).
    #[serde(
        rename = "broker.session.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub broker_session_timeout_ms: Option<u64>,
    /// Extension: `group.initial.rebalance.delay.ms` (default 3000).
    #[serde(
        rename = "group.initial.rebalance.delay.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub group_initial_rebalance_delay_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Topic {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    #[serde(
        rename = "replication.factor",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub replication_factor: Option<u32>,
    #[serde(
        rename = "min.insync.replicas",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub min_insync_replicas: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
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
///
/// Read from the strings "0", "1", "all", "-1" or the JSON numbers 0, 1, -1; written as
/// "0", "1" or "all".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Acks {
    Zero,
    One,
    All,
}

impl Acks {
    /// The values as Kafka writes them ("-1" is read too, as "all").
    pub const NAMES: &'static [&'static str] = &["0", "1", "all"];

    /// The value as Kafka spells it ("0", "1" or "all").
    pub fn as_str(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }
}

impl Serialize for Acks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Acks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        const NAMES: &[&str] = &["0", "1", "all", "-1"];
        let i = d.deserialize_any(Spelling {
            names: NAMES,
            numbers: true,
        })?;
        Ok([Acks::Zero, Acks::One, Acks::All, Acks::All][i])
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ProducerConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acks: Option<Acks>,
    #[serde(
        rename = "enable.idempotence",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_idempotence: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u64>,
    #[serde(
        rename = "max.in.flight.requests.per.connection",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_in_flight: Option<u32>,
    #[serde(rename = "linger.ms", default, skip_serializing_if = "Option::is_none")]
    pub linger_ms: Option<u64>,
    #[serde(
        rename = "batch.size",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub batch_size: Option<u32>,
    #[serde(
        rename = "request.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub request_timeout_ms: Option<u64>,
    #[serde(
        rename = "delivery.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delivery_timeout_ms: Option<u64>,
    #[serde(
        rename = "retry.backoff.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_backoff_ms: Option<u64>,
    /// `null` is the same as absent (Kafka's default).
    #[serde(
        rename = "transactional.id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transactional_id: Option<String>,
    #[serde(
        rename = "transaction.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_timeout_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
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

/// Where a consumer processes its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Processing {
    /// `in_poll_loop`: inside the poll loop, the classic Java loop.
    InPollLoop,
    /// `handoff`: handed to worker threads; the loop polls again at once.
    Handoff,
}

/// When a consumer commits offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommitMode {
    Auto,
    AfterBatch,
    PerRecord,
    OutOfOrder,
}

/// Kafka's `isolation.level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    ReadUncommitted,
    ReadCommitted,
}

/// Kafka's `auto.offset.reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

/// Kafka Streams' `processing.guarantee`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Guarantee {
    AtLeastOnce,
    ExactlyOnceV2,
}

impl Guarantee {
    /// Kafka Streams' default `commit.interval.ms` under this guarantee.
    pub fn default_commit_interval_ms(self) -> u64 {
        match self {
            Guarantee::AtLeastOnce => 30_000,
            Guarantee::ExactlyOnceV2 => 100,
        }
    }
}

/// Serialize/Deserialize for a fieldless enum written as one of a fixed set of strings.
macro_rules! spelled_enum {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every accepted spelling.
            pub const NAMES: &'static [&'static str] = &[$($name),+];
            const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The value as Kafka spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let i = d.deserialize_any(Spelling { names: Self::NAMES, numbers: false })?;
                Ok(Self::ALL[i])
            }
        }
    };
}

spelled_enum!(Processing { InPollLoop => "in_poll_loop", Handoff => "handoff" });
spelled_enum!(CommitMode {
    Auto => "auto",
    AfterBatch => "after_batch",
    PerRecord => "per_record",
    OutOfOrder => "out_of_order",
});
spelled_enum!(IsolationLevel {
    ReadUncommitted => "read_uncommitted",
    ReadCommitted => "read_committed",
});
spelled_enum!(OffsetReset { Earliest => "earliest", Latest => "latest", None => "none" });
spelled_enum!(Guarantee {
    AtLeastOnce => "at_least_once",
    ExactlyOnceV2 => "exactly_once_v2",
});

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ConsumerConfig {
    #[serde(
        rename = "enable.auto.commit",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_auto_commit: Option<bool>,
    #[serde(
        rename = "auto.commit.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_commit_interval_ms: Option<u64>,
    #[serde(
        rename = "isolation.level",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub isolation_level: Option<IsolationLevel>,
    #[serde(
        rename = "max.poll.records",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_poll_records: Option<u32>,
    #[serde(
        rename = "auto.offset.reset",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_offset_reset: Option<OffsetReset>,
    #[serde(
        rename = "session.timeout.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub session_timeout_ms: Option<u64>,
    #[serde(
        rename = "heartbeat.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub heartbeat_interval_ms: Option<u64>,
    #[serde(
        rename = "max.poll.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_poll_interval_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Processor {
    pub id: String,
    pub group: String,
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_ms: Option<u64>,
    #[serde(
        rename = "processing.guarantee",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub processing_guarantee: Option<Guarantee>,
    #[serde(
        rename = "commit.interval.ms",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub commit_interval_ms: Option<u64>,
    /// Extension: each processed record also calls an external service (a sink outside
    /// Kafka), which a transaction cannot roll back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side_effect: Option<bool>,
}

/// Trait impls for the `remote = "Self"` structs: serialize as derived, deserialize only
/// from a JSON object.
macro_rules! object_only {
    ($($ty:ident),+) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, s)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $ty::deserialize(ObjectOnly(d))
            }
        }
    )+};
}

object_only!(
    Scenario,
    Cluster,
    Topic,
    Producer,
    ProducerConfig,
    Consumer,
    ConsumerConfig,
    Processor
);

/// One scheduled fault. Each kind carries only the fields the contract gives it.
///
/// JSON form is flat: `{"at_ms": 500, "kind": "crash_broker", "broker": 0}`. `at_ms` may be
/// omitted (0).
#[derive(Clone, Debug, PartialEq, Serialize)]
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

impl FaultKind {
    /// The `kind` string of the JSON form.
    pub fn name(&self) -> &'static str {
        self.tag().as_str()
    }

    fn tag(&self) -> KindTag {
        use FaultKind as F;
        match self {
            F::CrashBroker { .. } => KindTag::CrashBroker,
            F::RestartBroker { .. } => KindTag::RestartBroker,
            F::IsolateBroker { .. } => KindTag::IsolateBroker,
            F::Heal => KindTag::Heal,
            F::DropProduceRequests { .. } => KindTag::DropProduceRequests,
            F::DropProduceResponses { .. } => KindTag::DropProduceResponses,
            F::CrashProducer { .. } => KindTag::CrashProducer,
            F::RestartProducer { .. } => KindTag::RestartProducer,
            F::PauseProducer { .. } => KindTag::PauseProducer,
            F::ResumeProducer { .. } => KindTag::ResumeProducer,
            F::CrashConsumer { .. } => KindTag::CrashConsumer,
            F::RestartConsumer { .. } => KindTag::RestartConsumer,
            F::CrashProcessor { .. } => KindTag::CrashProcessor,
            F::RestartProcessor { .. } => KindTag::RestartProcessor,
            F::PoisonMessage { .. } => KindTag::PoisonMessage,
            F::SlowMessage { .. } => KindTag::SlowMessage,
            F::AddPartitions { .. } => KindTag::AddPartitions,
        }
    }
}

/// The `kind` of a fault, before its fields are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KindTag {
    CrashBroker,
    RestartBroker,
    IsolateBroker,
    Heal,
    DropProduceRequests,
    DropProduceResponses,
    CrashProducer,
    RestartProducer,
    PauseProducer,
    ResumeProducer,
    CrashConsumer,
    RestartConsumer,
    CrashProcessor,
    RestartProcessor,
    PoisonMessage,
    SlowMessage,
    AddPartitions,
}

spelled_enum!(KindTag {
    CrashBroker => "crash_broker",
    RestartBroker => "restart_broker",
    IsolateBroker => "isolate_broker",
    Heal => "heal",
    DropProduceRequests => "drop_produce_requests",
    DropProduceResponses => "drop_produce_responses",
    CrashProducer => "crash_producer",
    RestartProducer => "restart_producer",
    PauseProducer => "pause_producer",
    ResumeProducer => "resume_producer",
    CrashConsumer => "crash_consumer",
    RestartConsumer => "restart_consumer",
    CrashProcessor => "crash_processor",
    RestartProcessor => "restart_processor",
    PoisonMessage => "poison_message",
    SlowMessage => "slow_message",
    AddPartitions => "add_partitions",
});

/// Every field any fault kind has.
const FAULT_FIELDS: &[&str] = &[
    "at_ms",
    "kind",
    "broker",
    "producer",
    "consumer",
    "processor",
    "message",
    "ms",
    "topic",
    "count",
];

impl KindTag {
    /// The fields this kind accepts (always `at_ms` and `kind` first).
    fn fields(self) -> &'static [&'static str] {
        use KindTag as K;
        match self {
            K::CrashBroker | K::RestartBroker | K::IsolateBroker => &["at_ms", "kind", "broker"],
            K::Heal => &["at_ms", "kind"],
            K::DropProduceRequests | K::DropProduceResponses => {
                &["at_ms", "kind", "producer", "count"]
            }
            K::CrashProducer | K::RestartProducer | K::PauseProducer | K::ResumeProducer => {
                &["at_ms", "kind", "producer"]
            }
            K::CrashConsumer | K::RestartConsumer => &["at_ms", "kind", "consumer"],
            K::CrashProcessor | K::RestartProcessor => &["at_ms", "kind", "processor"],
            K::PoisonMessage => &["at_ms", "kind", "message"],
            K::SlowMessage => &["at_ms", "kind", "message", "ms"],
            K::AddPartitions => &["at_ms", "kind", "topic", "count"],
        }
    }
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FaultVisitor)
    }
}

/// Reads a fault field by field, so that a type error names `faults[i].<field>`; which
/// fields the kind allows is checked once the whole object is read.
struct FaultVisitor;

/// The fields of one fault object as read so far.
#[derive(Default)]
struct FaultFields {
    at_ms: Option<u64>,
    kind: Option<KindTag>,
    broker: Option<u32>,
    producer: Option<String>,
    consumer: Option<String>,
    processor: Option<String>,
    message: Option<String>,
    ms: Option<u64>,
    topic: Option<String>,
    count: Option<u32>,
    /// Field names in the order seen.
    seen: Vec<&'static str>,
}

/// Stores a field once; a second occurrence is an error.
fn once<T, E: de::Error>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

/// A required field of the fault's kind.
fn need<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

impl<'de> Visitor<'de> for FaultVisitor {
    type Value = Fault;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fault, A::Error> {
        let mut f = FaultFields::default();
        while let Some(key) = map.next_key::<String>()? {
            let name = match FAULT_FIELDS.iter().find(|n| **n == key) {
                Some(name) => *name,
                None => {
                    let expected = f.kind.map_or(FAULT_FIELDS, KindTag::fields);
                    return Err(de::Error::unknown_field(&key, expected));
                }
            };
            match name {
                "at_ms" => once(&mut f.at_ms, map.next_value()?, name)?,
                "kind" => once(&mut f.kind, map.next_value()?, name)?,
                "broker" => once(&mut f.broker, map.next_value()?, name)?,
                "producer" => once(&mut f.producer, map.next_value()?, name)?,
                "consumer" => once(&mut f.consumer, map.next_value()?, name)?,
                "processor" => once(&mut f.processor, map.next_value()?, name)?,
                "message" => once(&mut f.message, map.next_value()?, name)?,
                "ms" => once(&mut f.ms, map.next_value()?, name)?,
                "topic" => once(&mut f.topic, map.next_value()?, name)?,
                _ => once(&mut f.count, map.next_value()?, name)?,
            }
            f.seen.push(name);
        }
        let tag = need(f.kind, "kind")?;
        let allowed = tag.fields();
        if let Some(extra) = f.seen.iter().find(|n| !allowed.contains(n)) {
            return Err(de::Error::unknown_field(extra, allowed));
        }
        use KindTag as K;
        let kind = match tag {
            K::CrashBroker => FaultKind::CrashBroker {
                broker: need(f.broker, "broker")?,
            },
            K::RestartBroker => FaultKind::RestartBroker {
                broker: need(f.broker, "broker")?,
            },
            K::IsolateBroker => FaultKind::IsolateBroker {
                broker: need(f.broker, "broker")?,
            },
            K::Heal => FaultKind::Heal,
            K::DropProduceRequests => FaultKind::DropProduceRequests {
                producer: need(f.producer, "producer")?,
                count: need(f.count, "count")?,
            },
            K::DropProduceResponses => FaultKind::DropProduceResponses {
                producer: need(f.producer, "producer")?,
                count: need(f.count, "count")?,
            },
            K::CrashProducer => FaultKind::CrashProducer {
                producer: need(f.producer, "producer")?,
            },
            K::RestartProducer => FaultKind::RestartProducer {
                producer: need(f.producer, "producer")?,
            },
            K::PauseProducer => FaultKind::PauseProducer {
                producer: need(f.producer, "producer")?,
            },
            K::ResumeProducer => FaultKind::ResumeProducer {
                producer: need(f.producer, "producer")?,
            },
            K::CrashConsumer => FaultKind::CrashConsumer {
                consumer: need(f.consumer, "consumer")?,
            },
            K::RestartConsumer => FaultKind::RestartConsumer {
                consumer: need(f.consumer, "consumer")?,
            },
            K::CrashProcessor => FaultKind::CrashProcessor {
                processor: need(f.processor, "processor")?,
            },
            K::RestartProcessor => FaultKind::RestartProcessor {
                processor: need(f.processor, "processor")?,
            },
            K::PoisonMessage => FaultKind::PoisonMessage {
                message: need(f.message, "message")?,
            },
            K::SlowMessage => FaultKind::SlowMessage {
                message: need(f.message, "message")?,
                ms: need(f.ms, "ms")?,
            },
            K::AddPartitions => FaultKind::AddPartitions {
                topic: need(f.topic, "topic")?,
                count: need(f.count, "count")?,
            },
        };
        Ok(Fault {
            at_ms: f.at_ms.unwrap_or(0),
            kind,
        })
    }
}

/// Reads one of a fixed set of spellings and gives its index. With `numbers`, a JSON
/// integer is read as its decimal spelling (for `acks`: 0, 1, -1).
struct Spelling {
    names: &'static [&'static str],
    numbers: bool,
}

impl Spelling {
    fn pick<E: de::Error>(&self, spelled: &str, got: &str) -> Result<usize, E> {
        self.names
            .iter()
            .position(|n| *n == spelled)
            .ok_or_else(|| self.refuse(got))
    }

    fn refuse<E: de::Error>(&self, got: &str) -> E {
        let names: Vec<String> = self.names.iter().map(|n| format!("\"{n}\"")).collect();
        E::custom(format_args!(
            "expected one of {}, got {}",
            names.join(", "),
            got
        ))
    }
}

/// A JSON string as written, cut short when long.
pub(crate) fn quote_short(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        let head: String = s.chars().take(MAX_CHARS).collect();
        let quoted = serde_json::to_string(&head).unwrap_or_default();
        format!("{}…\"", quoted.strip_suffix('"').unwrap_or(&quoted))
    }
}

impl<'de> Visitor<'de> for Spelling {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.pick(v, &quote_short(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<usize, E> {
        let spelled = v.to_string();
        if self.numbers {
            self.pick(&spelled, &spelled)
        } else {
            Err(self.refuse(&spelled))
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        let spelled = v.to_string();
        if self.numbers {
            self.pick(&spelled, &spelled)
        } else {
            Err(self.refuse(&spelled))
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<usize, E> {
        Err(self.refuse(&format!("{v:?}")))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<usize, E> {
        Err(self.refuse(&v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Err(self.refuse("null"))
    }

    fn visit_none<E: de::Error>(self) -> Result<usize, E> {
        Err(self.refuse("null"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _seq: A) -> Result<usize, A::Error> {
        Err(self.refuse("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<usize, A::Error> {
        Err(self.refuse("an object"))
    }
}

/// A deserializer that reads a struct only from a map (a JSON object), never from a
/// sequence. Only `deserialize_struct` is ever called on it, by the derived code.
struct ObjectOnly<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

//! Effective settings: the scenario with every default filled in and every rule Kafka
//! enforces checked. The engine only ever reads these resolved values.

use crate::scenario::{Acks, CommitMode, Guarantee, IsolationLevel, OffsetReset, Processing};

pub const DEFAULT_UNTIL_MS: u64 = 600_000;

/// A checked scenario with every default filled in and every name resolved to an index.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// Default 0.
    pub seed: u64,
    /// `None`: run until quiescent, at most `DEFAULT_UNTIL_MS`.
    pub until_ms: Option<u64>,
    pub cluster: ClusterCfg,
    pub topics: Vec<TopicCfg>,
    pub producers: Vec<ProducerCfg>,
    pub consumers: Vec<ConsumerCfg>,
    pub processors: Vec<ProcessorCfg>,
    /// Faults sorted by `at_ms`, stable (scenario order breaks ties).
    pub faults: Vec<FaultCfg>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClusterCfg {
    pub brokers: u32,                          // default 3
    pub unclean_leader_election: bool,         // default false
    pub replica_lag_time_max_ms: u64,          // default 30000
    pub network_latency_ms: u64,               // default 2
    pub broker_session_timeout_ms: u64,        // default 9000 (KRaft)
    pub broker_heartbeat_interval_ms: u64,     // 2000 (KRaft), not configurable
    pub group_initial_rebalance_delay_ms: u64, // default 3000
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopicCfg {
    pub name: String,
    pub partitions: u32,          // default 1
    pub replication_factor: u32,  // default 1 (Kafka's default.replication.factor)
    pub min_insync_replicas: u32, // default 1
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerCfg {
    pub id: String,
    /// index into `Resolved::topics`
    pub topic: usize,
    pub messages: u64,    // default 0
    pub keys: u32,        // default 0
    pub value_bytes: u32, // default 100
    pub interval_ms: u64, // default 10
    /// Default 0; 1 when a `transactional.id` is set.
    pub transaction_messages: u32,
    pub outbox: bool, // default false
    pub acks: Acks,   // default all
    /// Effective `enable.idempotence`: default true, silently false when not set and
    /// `acks`, `retries` or `max.in.flight.requests.per.connection` conflict (Kafka 3.2+).
    pub idempotence: bool,
    pub retries: u64,            // default 2147483647
    pub max_in_flight: u32,      // default 5
    pub linger_ms: u64,          // default 0
    pub batch_size: u32,         // default 16384
    pub request_timeout_ms: u64, // default 30000
    /// Default 120000, raised to `linger.ms + request.timeout.ms` when below (as Kafka).
    pub delivery_timeout_ms: u64,
    pub retry_backoff_ms: u64, // default 100
    pub transactional_id: Option<String>,
    pub transaction_timeout_ms: u64, // default 60000
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerCfg {
    pub id: String,
    pub group: String,
    pub topic: usize,
    pub processing_ms: u64,     // default 5
    pub processing: Processing, // default in_poll_loop
    pub commit: CommitMode,     // default auto
    pub inbox: bool,
    pub dlq: Option<usize>,              // index into topics
    pub enable_auto_commit: bool,        // default true
    pub auto_commit_interval_ms: u64,    // default 5000
    pub isolation_level: IsolationLevel, // default read_uncommitted
    pub max_poll_records: u32,           // default 500
    pub auto_offset_reset: OffsetReset,  // default latest
    pub session_timeout_ms: u64,         // default 45000
    pub heartbeat_interval_ms: u64,      // default 3000
    pub max_poll_interval_ms: u64,       // default 300000
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProcessorCfg {
    pub id: String,
    pub group: String,
    pub from: usize,
    pub to: usize,
    pub processing_ms: u64,
    pub guarantee: Guarantee, // default at_least_once (Kafka Streams default)
    pub commit_interval_ms: u64, // 30000 for at_least_once, 100 for exactly_once_v2
    /// Each record also calls an external service (not rolled back with a transaction).
    pub side_effect: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FaultCfg {
    pub at_ms: u64,
    pub kind: FaultAction,
}

/// A fault with its references resolved to indices.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    CrashBroker(u32),
    RestartBroker(u32),
    IsolateBroker(u32),
    Heal,
    DropProduceRequests {
        producer: usize,
        count: u32,
    },
    DropProduceResponses {
        producer: usize,
        count: u32,
    },
    CrashProducer(usize),
    RestartProducer(usize),
    PauseProducer(usize),
    ResumeProducer(usize),
    CrashConsumer(usize),
    RestartConsumer(usize),
    CrashProcessor(usize),
    RestartProcessor(usize),
    /// message id as in the scenario, e.g. "p1-17"
    PoisonMessage(String),
    SlowMessage {
        message: String,
        ms: u64,
    },
    AddPartitions {
        topic: usize,
        count: u32,
    },
}

//! Kafka's error codes as the model surfaces them, with Kafka's names and retriability
//! (`org.apache.kafka.common.protocol.Errors`).

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KafkaError {
    NotLeaderOrFollower,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    RequestTimedOut,
    NetworkException,
    OutOfOrderSequenceNumber,
    InvalidProducerEpoch,
    ProducerFenced,
    UnknownTopicOrPartition,
    FencedLeaderEpoch,
    UnknownLeaderEpoch,
    OffsetOutOfRange,
    IllegalGeneration,
    RebalanceInProgress,
    UnknownMemberId,
    InvalidTxnState,
    ConcurrentTransactions,
    CoordinatorNotAvailable,
    LeaderNotAvailable,
    NotCoordinator,
    TransactionAborted,
}

impl KafkaError {
    pub fn name(self) -> &'static str {
        use KafkaError::*;
        match self {
            NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            RequestTimedOut => "REQUEST_TIMED_OUT",
            NetworkException => "NETWORK_EXCEPTION",
            OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            ProducerFenced => "PRODUCER_FENCED",
            UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
            OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            IllegalGeneration => "ILLEGAL_GENERATION",
            RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            UnknownMemberId => "UNKNOWN_MEMBER_ID",
            InvalidTxnState => "INVALID_TXN_STATE",
            ConcurrentTransactions => "CONCURRENT_TRANSACTIONS",
            CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            NotCoordinator => "NOT_COORDINATOR",
            TransactionAborted => "TRANSACTION_ABORTED",
        }
    }

    /// Whether the Java producer retries a batch that failed with this error.
    pub fn retriable(self) -> bool {
        use KafkaError::*;
        matches!(
            self,
            NotLeaderOrFollower
                | NotEnoughReplicas
                | NotEnoughReplicasAfterAppend
                | RequestTimedOut
                | NetworkException
                | UnknownTopicOrPartition
                | FencedLeaderEpoch
                | UnknownLeaderEpoch
                | LeaderNotAvailable
                | CoordinatorNotAvailable
                | ConcurrentTransactions
                | NotCoordinator
        )
    }

    /// Errors after which the client refreshes its metadata.
    pub fn refresh_metadata(self) -> bool {
        use KafkaError::*;
        matches!(
            self,
            NotLeaderOrFollower
                | NetworkException
                | RequestTimedOut
                | UnknownTopicOrPartition
                | FencedLeaderEpoch
                | LeaderNotAvailable
        )
    }
}

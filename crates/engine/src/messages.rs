//! Requests and responses that travel over the simulated network (Kafka's RPCs, reduced to
//! the fields the model needs).

use crate::errors::KafkaError;
use crate::log::Batch;
use crate::scenario::IsolationLevel;
use crate::types::{BrokerId, Tp};
use std::rc::Rc;

/// The controller's record of one partition (KRaft `PartitionRecord`).
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionState {
    pub replicas: Vec<BrokerId>,
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    pub isr: Vec<BrokerId>,
    pub partition_epoch: u32,
}

/// A batch as a producer sends it (offsets not yet assigned).
#[derive(Clone, Debug)]
pub struct ProduceBatch {
    pub tp: Tp,
    pub batch_id: u64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub transactional: bool,
    pub records: std::rc::Rc<[crate::log::Record]>,
    pub bytes: u32,
}

#[derive(Clone, Debug)]
pub struct ProduceReq {
    pub req_id: u64,
    /// 0, 1 or -1 (all)
    pub acks: i8,
    pub batches: Vec<ProduceBatch>,
}

#[derive(Clone, Debug)]
pub struct ProduceResp {
    pub req_id: u64,
    /// Per batch: base offset, or an error.
    pub results: Vec<(u64, Result<u64, KafkaError>)>,
}

#[derive(Clone, Debug)]
pub struct FetchReq {
    pub tp: Tp,
    pub offset: u64,
    /// Set when a follower replica fetches.
    pub replica: Option<BrokerId>,
    pub current_leader_epoch: u32,
    pub last_fetched_epoch: Option<u32>,
    pub isolation: IsolationLevel,
}

#[derive(Clone, Debug)]
pub struct FetchResp {
    pub tp: Tp,
    pub offset: u64,
    pub error: Option<KafkaError>,
    /// The leader's log diverges from the follower's: truncate to (epoch, end offset).
    pub diverging: Option<(u32, u64)>,
    pub hw: u64,
    pub lso: u64,
    pub batches: Vec<Batch>,
    /// Aborted transactions overlapping the returned range: (producer id, first offset).
    pub aborted: Vec<(i64, u64)>,
}

#[derive(Clone, Debug)]
pub enum Msg {
    Connect,
    ConnectResult { ok: bool },
    /// The connection was closed by the peer's host (process died).
    Disconnected,
    Produce(ProduceReq),
    ProduceResp(ProduceResp),
    Metadata,
    InitProducerId,
    InitProducerIdResp { producer_id: i64, epoch: i16 },
    MetadataResp { partitions: Vec<(Tp, Option<BrokerId>, u32)> },
    Fetch(FetchReq),
    FetchResp(FetchResp),
    /// KRaft broker heartbeat; `incarnation` changes with every start of the process.
    BrokerHeartbeat { incarnation: u32 },
    LeaderAndIsr { tp: Tp, state: PartitionState },
    AlterPartition { tp: Tp, leader_epoch: u32, partition_epoch: u32, isr: Vec<BrokerId> },
    AlterPartitionResp { tp: Tp, state: Option<PartitionState> },
    ListOffsets { tp: Tp, latest: bool, isolation: IsolationLevel },
    /// KIP-320: a consumer whose partition changed leader asks the new leader where the
    /// epoch of its last consumed record ends, to detect a truncated log.
    OffsetsForLeaderEpoch { tp: Tp, current_leader_epoch: u32, leader_epoch: u32 },
    /// (the largest epoch <= the one asked, its end offset); `None`: no epoch that old.
    OffsetsForLeaderEpochResp { tp: Tp, result: Result<Option<(u32, u64)>, KafkaError> },
    ListOffsetsResp { tp: Tp, result: Result<u64, KafkaError> },
    JoinGroup { group: u16, generation_seen: u32 },
    JoinResp { group: u16, generation: u32, partitions: Vec<Tp> },
    GroupHeartbeat { group: u16, generation: u32 },
    GroupHeartbeatResp { error: Option<KafkaError> },
    LeaveGroup { group: u16 },
    OffsetFetch { group: u16, partitions: Vec<Tp> },
    /// Each committed offset with the leader epoch of the record before it, if committed
    /// with one (KIP-320's `committed_leader_epoch`).
    OffsetFetchResp { offsets: Vec<(Tp, Option<u64>)>, epochs: Vec<Option<u32>> },
    /// `epochs[i]`: the leader epoch of the last record consumed below `offsets[i]`.
    OffsetCommit { group: u16, generation: u32, offsets: Vec<(Tp, u64)>, epochs: Vec<Option<u32>>, sync: bool },
    OffsetCommitResp { offsets: Vec<(Tp, u64)>, error: Option<KafkaError>, sync: bool },
    // Transactions (KIP-98), between a transactional producer and its coordinator.
    FindCoordinator { tid: Rc<str> },
    FindCoordinatorResp { broker: Option<BrokerId> },
    InitPid { tid: Rc<str>, timeout: u64 },
    InitPidResp { result: Result<(i64, i16), KafkaError> },
    AddPartitionsToTxn { tid: Rc<str>, pid: i64, epoch: i16, tps: Vec<Tp> },
    AddPartitionsResp { tps: Vec<Tp>, error: Option<KafkaError> },
    /// `sendOffsetsToTransaction` (AddOffsetsToTxn + TxnOffsetCommit, KIP-447).
    TxnOffsetCommit { tid: Rc<str>, pid: i64, epoch: i16, group: u16, generation: u32, offsets: Vec<(Tp, u64)>, epochs: Vec<Option<u32>> },
    TxnOffsetCommitResp { error: Option<KafkaError> },
    EndTxn { tid: Rc<str>, pid: i64, epoch: i16, commit: bool },
    EndTxnResp { commit: bool, error: Option<KafkaError> },
    /// Coordinator to partition leader: write a COMMIT or ABORT marker.
    WriteTxnMarker { tid: Rc<str>, pid: i64, epoch: i16, commit: bool, tp: Tp },
    WriteTxnMarkerResp { tid: Rc<str>, tp: Tp, error: Option<KafkaError> },
}

//! The event trace: everything that happened, in order, with simulated times. The UI
//! animates it, `--trace` writes it as JSON lines, and the audit reads it as the history
//! of the run (sends, acks, appends, truncations, reads, applies).
//!
//! Every event is folded into `trace_hash` as it is recorded (see `trace_hash.rs`).

use crate::clock::Time;
use crate::errors::KafkaError;
use crate::log::{Control, Record};
use crate::trace_hash::PortableHasher;
use crate::types::{BrokerId, MsgId, Node, Tp};
use std::rc::Rc;

/// What a message on the wire carries (for drawing it in flight).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    ProduceRequest { records: u32 },
    ProduceResponse { error: Option<KafkaError> },
    FetchRequest { tp: Tp, offset: u64 },
    FetchResponse { tp: Tp, records: u32 },
    Heartbeat,
    Metadata,
    Control,
    Commit,
    Connect,
    Disconnect,
    Group,
    Txn,
    Marker,
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    LinkCut,
    TargetDown,
    Fault,
    SenderGone,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Net { id: u64, from: Node, to: Node, arrive: Time, wire: Wire },
    NetDrop { id: u64, reason: DropReason },
    BrokerCrash { b: BrokerId },
    BrokerRestart { b: BrokerId },
    Isolate { b: BrokerId },
    Heal,
    BrokerFenced { b: BrokerId },
    BrokerUnfenced { b: BrokerId },
    /// The controller's decision for a partition.
    Leader { tp: Tp, leader: Option<BrokerId>, epoch: u32, isr: Vec<BrokerId>, unclean: bool },
    /// A committed ISR change (AlterPartition accepted).
    Isr { tp: Tp, isr: Vec<BrokerId> },
    /// A broker took a role for a partition after hearing from the controller.
    Role { b: BrokerId, tp: Tp, leader: bool, epoch: u32 },
    Append {
        b: BrokerId,
        tp: Tp,
        base_offset: u64,
        epoch: u32,
        producer_id: i64,
        transactional: bool,
        control: Option<Control>,
        records: Rc<[Record]>,
    },
    Hw { b: BrokerId, tp: Tp, hw: u64 },
    Truncate { b: BrokerId, tp: Tp, to: u64, removed: u64 },
    ProducerStart { p: u16, inst: u16 },
    ProducerId { p: u16, inst: u16, pid: i64, epoch: i16 },
    ProducerCrash { p: u16, inst: u16 },
    ProducerPause { p: u16, inst: u16 },
    ProducerResume { p: u16, inst: u16 },
    /// The application handed a message to `send()`.
    Send { p: u16, inst: u16, msg: MsgId, key: Option<u32>, tp: Tp },
    /// The application's callback said success.
    Ack { p: u16, inst: u16, msg: MsgId, tp: Tp, offset: Option<u64> },
    /// The application's callback said failure.
    Fail { p: u16, inst: u16, msg: MsgId, error: KafkaError },
    Retry { p: u16, inst: u16, tp: Tp, records: u32, attempt: u32, error: KafkaError },
    ConsumerStart { c: u16, inst: u16 },
    ConsumerCrash { c: u16, inst: u16 },
    /// A group formed a new generation; the member got these partitions.
    Assign { c: u16, inst: u16, generation: u32, partitions: Vec<Tp> },
    /// Records returned by `poll()`.
    Poll { c: u16, inst: u16, generation: u32, records: Vec<(Tp, u64, MsgId)> },
    /// The effect of a record was applied (processing finished).
    Apply { c: u16, inst: u16, msg: MsgId, tp: Tp, offset: u64 },
    /// The inbox recognised a message id it had already applied.
    InboxSkip { c: u16, inst: u16, msg: MsgId },
    Commit { c: u16, inst: u16, generation: u32, offsets: Vec<(Tp, u64)>, ok: bool },
    OffsetReset { c: u16, inst: u16, tp: Tp, offset: u64 },
    /// KIP-320: the new leader's log ends the epoch of the consumer's last record at
    /// `offset`, below its position `position`: the log was truncated under it, and it
    /// moves back to the first offset known to diverge.
    TruncationDetected { c: u16, inst: u16, tp: Tp, position: u64, offset: u64 },
    Rebalance { group: u16, generation: u32, members: u32 },
    /// The transaction coordinator moved a transaction to a new state.
    Txn { tid: Rc<str>, pid: i64, epoch: i16, state: crate::txn_coordinator::TxnState },
    /// Offsets sent with a transaction became the group's committed offsets.
    TxnOffsetsCommitted { group: u16, tp: Tp, offset: u64 },
    /// The application wrote a business row and its outbox row in one database
    /// transaction (it is told success by its database).
    OutboxWrite { p: u16, inst: u16, msg: MsgId, key: Option<u32> },
    /// The relay marked an outbox row as published after the broker's ack.
    OutboxMarked { p: u16, inst: u16, msg: MsgId, tp: Tp, offset: Option<u64> },
    /// Publishing an outbox row failed; the row stays pending.
    RelayError { p: u16, inst: u16, msg: MsgId, error: KafkaError },
    /// Processing of a record failed (poison message).
    ProcessingFailed { c: u16, inst: u16, msg: MsgId, attempt: u32 },
    /// A message was written to a dead-letter topic.
    DeadLetter { c: u16, inst: u16, msg: MsgId, tp: Tp },
    /// A processor instance started, crashed or produced an output record.
    ProcessorStart { n: u16, inst: u16 },
    ProcessorCrash { n: u16, inst: u16 },
    /// A processor produced the output of an input record (same message id).
    Forward { n: u16, inst: u16, msg: MsgId, from: Tp, offset: u64, to: Tp },
    /// An error surfaced to an application.
    Error { who: Node, error: KafkaError, msg: Option<MsgId> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub t: Time,
    pub kind: Kind,
}

/// The recorded run.
#[derive(Default)]
pub struct Trace {
    pub events: Vec<Event>,
    hasher: PortableHasher,
}

impl Trace {
    pub fn with_capacity(n: usize) -> Self {
        Self { events: Vec::with_capacity(n), hasher: PortableHasher::default() }
    }

    #[inline(always)]
    pub fn push(&mut self, t: Time, kind: Kind) {
        self.hasher.event(t, &kind);
        self.events.push(Event { t, kind });
    }

    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hasher.finish())
    }
}

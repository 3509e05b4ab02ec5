//! The producer's `TransactionManager` (KIP-98): find the coordinator of the
//! `transactional.id`, `initTransactions` (producer id and a bumped epoch), and for each
//! transaction `beginTransaction`, AddPartitionsToTxn before the first batch to a partition,
//! `sendOffsetsToTransaction` for a processor, then `commitTransaction` (after flushing) or
//! `abortTransaction`. A message of a transactional producer succeeds when its transaction
//! commits. A batch that fails (INVALID_PRODUCER_EPOCH for a zombie, since KIP-588) makes
//! the transaction abort; `PRODUCER_FENCED` from the coordinator is fatal: the instance
//! closes.

use crate::accumulator::ProducerBatch;
use crate::clock::Time;
use crate::errors::KafkaError;
use crate::messages::Msg;
use crate::producer::{ProducerEv, Role, ACKED};
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::types::{BrokerId, MsgId, Node, Tp};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Consumer offsets sent with a transaction (`sendOffsetsToTransaction`): group, generation,
/// the next offset to read per partition, and the leader epoch committed with each.
pub type TxnOffsets = (u16, u32, Vec<(Tp, u64)>, Vec<Option<u32>>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnPhase {
    FindingCoordinator,
    Initializing,
    Ready,
    InTxn,
    Committing,
    Aborting,
    Fatal,
}

#[derive(Clone, Debug)]
pub struct TxnClient {
    pub tid: Rc<str>,
    pub coordinator: Option<BrokerId>,
    pub phase: TxnPhase,
    /// Partitions in the current transaction, and those being added.
    pub added: BTreeSet<u32>,
    pub adding: BTreeSet<u32>,
    /// Messages sent in the current transaction, and their offsets once appended.
    pub msgs: Vec<MsgId>,
    pub first_msg: u64,
    pub offsets: BTreeMap<MsgId, (Tp, Option<u64>)>,
    /// The error that makes the current transaction abort.
    pub abortable: Option<KafkaError>,
    /// The application (or processor) asked to commit.
    pub commit_requested: bool,
    /// Consumer offsets to commit with the transaction: (group, generation, offsets).
    pub pending_offsets: Option<TxnOffsets>,
    pub offsets_sent: bool,
    pub offsets_done: bool,
    pub end_sent: bool,
    /// A `TxnRetry` is already scheduled: retries wait `retry.backoff.ms`, one at a time
    /// (several failures at once must not start several chains of retries).
    pub retry_pending: bool,
    /// No FindCoordinator before this time: lookups go out at most once per
    /// `retry.backoff.ms` (each request that finds no coordinator asks for one).
    pub retry_at: Time,
}

impl TxnClient {
    pub fn new(tid: &str) -> Self {
        TxnClient {
            tid: Rc::from(tid),
            coordinator: None,
            phase: TxnPhase::FindingCoordinator,
            added: BTreeSet::new(),
            adding: BTreeSet::new(),
            msgs: Vec::new(),
            first_msg: 0,
            offsets: BTreeMap::new(),
            abortable: None,
            commit_requested: false,
            pending_offsets: None,
            offsets_sent: false,
            offsets_done: false,
            end_sent: false,
            retry_pending: false,
            retry_at: 0,
        }
    }

    /// Nothing of a transaction is left open.
    pub fn idle(&self) -> bool {
        matches!(self.phase, TxnPhase::Ready | TxnPhase::Fatal) && self.msgs.is_empty()
    }

    fn reset(&mut self) {
        self.added.clear();
        self.adding.clear();
        self.msgs.clear();
        self.offsets.clear();
        self.abortable = None;
        self.commit_requested = false;
        self.pending_offsets = None;
        self.offsets_sent = false;
        self.offsets_done = false;
        self.end_sent = false;
    }
}

impl Sim {
    fn txn(&mut self, p: u16, inst: u16) -> &mut TxnClient {
        self.inst(p, inst).txn.as_mut().expect("transactional producer")
    }

    pub fn txn_find_coordinator(&mut self, p: u16, inst: u16) {
        let now = self.q.now;
        let backoff = self.producers[p as usize].cfg.retry_backoff_ms;
        let t = self.txn(p, inst);
        t.coordinator = None;
        if now < t.retry_at {
            // One lookup is under way: ask again after the backoff if still needed.
            return self.txn_later(p, inst);
        }
        t.retry_at = now + backoff;
        if !matches!(t.phase, TxnPhase::Fatal) && matches!(t.phase, TxnPhase::FindingCoordinator | TxnPhase::Initializing) {
            t.phase = TxnPhase::FindingCoordinator;
        }
        let tid = t.tid.clone();
        self.send(Node::Producer(p, inst), Node::Controller, Msg::FindCoordinator { tid });
    }

    fn txn_to_coordinator(&mut self, p: u16, inst: u16, msg: Msg) {
        match self.txn(p, inst).coordinator {
            Some(b) => self.send(Node::Producer(p, inst), Node::Broker(b), msg),
            None => self.txn_find_coordinator(p, inst),
        }
    }

    fn txn_init(&mut self, p: u16, inst: u16) {
        let timeout = self.producers[p as usize].cfg.transaction_timeout_ms;
        let t = self.txn(p, inst);
        t.phase = TxnPhase::Initializing;
        let tid = t.tid.clone();
        self.txn_to_coordinator(p, inst, Msg::InitPid { tid, timeout });
    }

    fn txn_later(&mut self, p: u16, inst: u16) {
        let backoff = self.producers[p as usize].cfg.retry_backoff_ms;
        let t = self.txn(p, inst);
        if t.retry_pending {
            return;
        }
        t.retry_pending = true;
        self.q.after(backoff, Ev::Producer(p, inst, ProducerEv::TxnRetry));
    }

    pub fn txn_retry(&mut self, p: u16, inst: u16) {
        let t = self.txn(p, inst);
        t.retry_pending = false;
        match t.phase {
            TxnPhase::FindingCoordinator => self.txn_find_coordinator(p, inst),
            TxnPhase::Initializing => self.txn_init(p, inst),
            TxnPhase::Committing | TxnPhase::Aborting => {
                t.end_sent = false;
                self.txn_maybe_end(p, inst);
            }
            TxnPhase::InTxn => {
                t.offsets_sent = t.offsets_done;
                t.adding.clear();
                if t.coordinator.is_none() {
                    self.txn_find_coordinator(p, inst);
                } else {
                    self.run_sender(p, inst);
                    self.txn_maybe_end(p, inst);
                }
            }
            _ => {}
        }
    }

    /// `beginTransaction` if needed; whether the application may send another message now.
    pub fn txn_may_send(&mut self, p: u16, inst: u16) -> bool {
        let per_txn = self.producers[p as usize].cfg.transaction_messages.max(1) as usize;
        let i = self.inst(p, inst);
        let next = i.next_msg;
        let t = i.txn.as_mut().expect("transactional");
        match t.phase {
            TxnPhase::Ready => {
                t.reset();
                t.phase = TxnPhase::InTxn;
                t.first_msg = next;
                true
            }
            TxnPhase::InTxn => !t.commit_requested && t.abortable.is_none() && t.msgs.len() < per_txn,
            _ => false,
        }
    }

    pub fn txn_sent(&mut self, p: u16, inst: u16, msg: MsgId) {
        self.txn(p, inst).msgs.push(msg);
    }

    /// Processor: start a transaction now.
    pub fn txn_begin(&mut self, p: u16, inst: u16) -> bool {
        let t = self.txn(p, inst);
        if t.phase != TxnPhase::Ready {
            return t.phase == TxnPhase::InTxn;
        }
        t.reset();
        t.phase = TxnPhase::InTxn;
        true
    }

    /// Processor: `sendOffsetsToTransaction` then `commitTransaction`.
    pub fn txn_commit_with_offsets(&mut self, p: u16, inst: u16, offsets: Option<TxnOffsets>) {
        let t = self.txn(p, inst);
        if t.phase != TxnPhase::InTxn {
            return;
        }
        t.pending_offsets = offsets;
        t.commit_requested = true;
        // commitTransaction() flushes first.
        self.run_sender(p, inst);
    }

    /// Ends the transaction once everything sent is acknowledged: commit, or abort after an
    /// error.
    pub fn txn_maybe_end(&mut self, p: u16, inst: u16) {
        let (per_txn, messages, role) = {
            let app = &self.producers[p as usize];
            (app.cfg.transaction_messages.max(1) as usize, app.cfg.messages, app.role)
        };
        let flushed = self.producer_flushed(p, inst);
        let i = self.inst(p, inst);
        if !i.alive || i.paused {
            return;
        }
        let next = i.next_msg;
        let (pid, epoch) = (i.producer_id, i.producer_epoch);
        let t = i.txn.as_mut().expect("transactional");
        if t.phase == TxnPhase::InTxn && role == Role::App && (t.msgs.len() >= per_txn || next >= messages) && !t.msgs.is_empty() {
            t.commit_requested = true;
        }
        let ending = match t.phase {
            TxnPhase::InTxn => t.commit_requested || t.abortable.is_some(),
            TxnPhase::Committing | TxnPhase::Aborting => true,
            _ => false,
        };
        if !ending || !flushed || t.end_sent || !t.adding.is_empty() {
            return;
        }
        let commit = t.abortable.is_none() && t.phase != TxnPhase::Aborting;
        if commit {
            if let Some((group, generation, offsets, epochs)) = t.pending_offsets.clone() {
                if !t.offsets_done {
                    if !t.offsets_sent {
                        t.offsets_sent = true;
                        let tid = t.tid.clone();
                        let msg = Msg::TxnOffsetCommit { tid, pid, epoch, group, generation, offsets, epochs };
                        self.txn_to_coordinator(p, inst, msg);
                    }
                    return;
                }
            }
        }
        t.phase = if commit { TxnPhase::Committing } else { TxnPhase::Aborting };
        t.end_sent = true;
        let tid = t.tid.clone();
        self.txn_to_coordinator(p, inst, Msg::EndTxn { tid, pid, epoch, commit });
    }

    pub fn txn_add_partitions(&mut self, p: u16, inst: u16, parts: Vec<u32>) {
        let topic = self.producers[p as usize].cfg.topic as u16;
        let i = self.inst(p, inst);
        let (pid, epoch) = (i.producer_id, i.producer_epoch);
        let t = i.txn.as_mut().expect("transactional");
        if t.phase != TxnPhase::InTxn || t.abortable.is_some() {
            return;
        }
        if t.coordinator.is_none() {
            // Find it first; the partitions are added once it answers.
            self.txn_find_coordinator(p, inst);
            return;
        }
        t.adding.extend(parts.iter().copied());
        let tps = parts.iter().map(|&x| Tp { topic, partition: x as u16 }).collect();
        let tid = t.tid.clone();
        self.txn_to_coordinator(p, inst, Msg::AddPartitionsToTxn { tid, pid, epoch, tps });
    }

    /// A batch of the transaction failed for good: the transaction must abort (an abortable
    /// error). The batch's messages fail now with its error, as the send callback tells
    /// the application, and so do the records not yet sent, which are dropped
    /// (`abortUndrainedBatches`); the transaction's other messages fail when it ends.
    pub fn txn_batch_failed(&mut self, p: u16, inst: u16, batch: &ProducerBatch, error: KafkaError) {
        let role = self.producers[p as usize].role;
        let i = self.inst(p, inst);
        let mut failed: Vec<MsgId> = batch.records.iter().map(|r| r.msg).collect();
        for q in i.acc.queues.iter_mut() {
            failed.extend(q.drain(..).flat_map(|b| b.records.into_iter().map(|r| r.msg)));
        }
        let t = i.txn.as_mut().expect("transactional");
        t.msgs.retain(|m| !failed.contains(m));
        if t.abortable.is_none() {
            t.abortable = Some(error);
        }
        if role == Role::App && !failed.is_empty() {
            let me = Node::Producer(p, inst);
            self.record(Kind::Error { who: me, error, msg: None });
            for m in failed {
                self.record(Kind::Fail { p, inst, msg: m, error });
            }
        }
        self.txn_maybe_end(p, inst);
    }

    /// `PRODUCER_FENCED`: a newer instance owns the `transactional.id`. Fatal: the
    /// application is told, and this instance closes.
    pub fn txn_fenced(&mut self, p: u16, inst: u16, error: KafkaError) {
        let role = self.producers[p as usize].role;
        let t = self.txn(p, inst);
        if t.phase == TxnPhase::Fatal {
            return;
        }
        t.phase = TxnPhase::Fatal;
        let msgs = std::mem::take(&mut t.msgs);
        let me = Node::Producer(p, inst);
        self.record(Kind::Error { who: me, error, msg: None });
        if role == Role::App {
            for m in msgs {
                self.record(Kind::Fail { p, inst, msg: m, error });
            }
        }
        let i = self.inst(p, inst);
        for q in i.acc.queues.iter_mut() {
            q.clear();
        }
        self.kill_producer_instance(p, inst);
        if let Role::Processor(n) = role {
            self.processor_fenced(n, p, inst);
        }
    }

    pub fn txn_disconnected(&mut self, p: u16, inst: u16, b: BrokerId) {
        let Some(t) = self.inst(p, inst).txn.as_mut() else { return };
        if t.coordinator == Some(b) {
            t.coordinator = None;
            t.end_sent = false;
            t.adding.clear();
            t.offsets_sent = t.offsets_done;
            if matches!(t.phase, TxnPhase::Initializing) {
                t.phase = TxnPhase::FindingCoordinator;
            }
            self.txn_later(p, inst);
        }
    }

    pub fn txn_receive(&mut self, p: u16, inst: u16, from: Node, msg: Msg) {
        if self.inst(p, inst).txn.is_none() {
            return;
        }
        let retriable = |e: KafkaError| {
            matches!(
                e,
                KafkaError::ConcurrentTransactions
                    | KafkaError::CoordinatorNotAvailable
                    | KafkaError::NotCoordinator
                    | KafkaError::RequestTimedOut
            )
        };
        match msg {
            Msg::FindCoordinatorResp { broker } => {
                let t = self.txn(p, inst);
                match broker {
                    Some(b) => {
                        t.coordinator = Some(b);
                        match t.phase {
                            TxnPhase::FindingCoordinator | TxnPhase::Initializing => self.txn_init(p, inst),
                            _ => self.txn_retry(p, inst),
                        }
                    }
                    None => self.txn_later(p, inst),
                }
            }
            Msg::InitPidResp { result } => match result {
                Ok((pid, epoch)) => {
                    let i = self.inst(p, inst);
                    i.producer_id = pid;
                    i.producer_epoch = epoch;
                    i.pid_pending = false;
                    for s in i.next_seq.iter_mut() {
                        *s = 0;
                    }
                    let t = i.txn.as_mut().expect("transactional");
                    t.phase = TxnPhase::Ready;
                    self.record(Kind::ProducerId { p, inst, pid, epoch });
                    match self.producers[p as usize].role {
                        Role::App => self.app_send(p, inst),
                        Role::Processor(n) => self.processor_producer_ready(n),
                    }
                }
                Err(KafkaError::NotCoordinator) => {
                    self.txn(p, inst).phase = TxnPhase::FindingCoordinator;
                    self.txn_later(p, inst);
                }
                Err(e) if retriable(e) => self.txn_later(p, inst),
                Err(e) => self.txn_fenced(p, inst, e),
            },
            Msg::AddPartitionsResp { tps, error } => {
                let t = self.txn(p, inst);
                for tp in &tps {
                    t.adding.remove(&(tp.partition as u32));
                }
                match error {
                    None => {
                        t.added.extend(tps.iter().map(|tp| tp.partition as u32));
                        self.run_sender(p, inst);
                    }
                    Some(KafkaError::NotCoordinator) => {
                        t.coordinator = None;
                        self.txn_later(p, inst);
                    }
                    Some(e) if retriable(e) => self.txn_later(p, inst),
                    Some(e) => self.txn_fenced(p, inst, e),
                }
            }
            Msg::TxnOffsetCommitResp { error } => match error {
                None => {
                    self.txn(p, inst).offsets_done = true;
                    self.txn_maybe_end(p, inst);
                }
                Some(KafkaError::IllegalGeneration) | Some(KafkaError::UnknownMemberId) => {
                    // The group moved on (KIP-447 fencing): this transaction must abort.
                    let t = self.txn(p, inst);
                    t.abortable = Some(KafkaError::IllegalGeneration);
                    self.record(Kind::Error { who: Node::Producer(p, inst), error: KafkaError::IllegalGeneration, msg: None });
                    self.txn_maybe_end(p, inst);
                }
                Some(e) if retriable(e) => {
                    let t = self.txn(p, inst);
                    t.offsets_sent = false;
                    if e == KafkaError::NotCoordinator {
                        t.coordinator = None;
                    }
                    self.txn_later(p, inst);
                }
                Some(e) => self.txn_fenced(p, inst, e),
            },
            // An answer to an EndTxn of an earlier attempt (a retry, or the transaction
            // before) says nothing about the one in progress.
            Msg::EndTxnResp { commit, .. }
                if !{
                    let t = self.txn(p, inst);
                    t.end_sent && t.phase == if commit { TxnPhase::Committing } else { TxnPhase::Aborting }
                } => {}
            Msg::EndTxnResp { commit, error } => match error {
                None => self.txn_ended(p, inst, commit),
                Some(e) if retriable(e) => {
                    let t = self.txn(p, inst);
                    t.end_sent = false;
                    if e == KafkaError::NotCoordinator {
                        t.coordinator = None;
                    }
                    self.txn_later(p, inst);
                }
                Some(e) => self.txn_fenced(p, inst, e),
            },
            _ => {
                let _ = from;
            }
        }
    }

    /// The coordinator accepted the end of the transaction.
    fn txn_ended(&mut self, p: u16, inst: u16, commit: bool) {
        let role = self.producers[p as usize].role;
        let t = self.txn(p, inst);
        let msgs = std::mem::take(&mut t.msgs);
        let offsets = std::mem::take(&mut t.offsets);
        let error = t.abortable.unwrap_or(KafkaError::TransactionAborted);
        let first = t.first_msg;
        t.reset();
        t.phase = TxnPhase::Ready;
        match role {
            Role::App => {
                if commit {
                    for m in msgs {
                        let (tp, offset) = offsets.get(&m).copied().unwrap_or((Tp { topic: 0, partition: 0 }, None));
                        self.producers[p as usize].status[m.index as usize] = ACKED;
                        self.record(Kind::Ack { p, inst, msg: m, tp, offset });
                    }
                    self.app_send(p, inst);
                } else {
                    let me = Node::Producer(p, inst);
                    if !msgs.is_empty() {
                        self.record(Kind::Error { who: me, error, msg: None });
                    }
                    for m in msgs {
                        self.record(Kind::Fail { p, inst, msg: m, error });
                    }
                    // The application sends the aborted messages again in a new transaction.
                    self.inst(p, inst).next_msg = first;
                    self.inst(p, inst).started = self.q.now;
                    self.inst(p, inst).first_msg = first;
                    self.txn_later_send(p, inst);
                }
            }
            Role::Processor(n) => self.processor_txn_done(n, commit),
        }
    }

    fn txn_later_send(&mut self, p: u16, inst: u16) {
        let backoff = self.producers[p as usize].cfg.retry_backoff_ms;
        self.q.after(backoff, Ev::Producer(p, inst, ProducerEv::AppSend));
    }
}

//! The transaction coordinator (KIP-98). Each `transactional.id` maps to a partition of
//! `__transaction_state` (Java `hashCode` mod 50) whose leader coordinates it; the
//! transaction log is replicated, so the state survives a broker failure and the next
//! broker in that partition's replica list takes over. It assigns producer ids, bumps the
//! epoch on `initTransactions` (aborting what the previous instance left open, which fences
//! it), tracks partitions, writes COMMIT/ABORT markers to every partition of a transaction
//! and aborts transactions open longer than `transaction.timeout.ms`.

use crate::clock::Time;
use crate::errors::KafkaError;
use crate::log::{Batch, Control, Record, NO_SEQUENCE};
use crate::messages::Msg;
use crate::replica::Role;
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::types::{BrokerId, MsgId, Node, Tp};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// `transactionalId` partitions of `__transaction_state` (`transaction.state.log.num.partitions`).
const TXN_LOG_PARTITIONS: i32 = 50;
/// `transaction.abort.timed.out.transaction.cleanup.interval.ms`.
pub const TXN_TIMEOUT_CHECK_MS: u64 = 10_000;
/// How long the coordinator waits for a marker write before sending it again.
const MARKER_RETRY_MS: u64 = 500;
/// The record a control batch carries (it names no message).
pub const MARKER_MSG: MsgId = MsgId { producer: u16::MAX, index: u32::MAX };

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TxnState {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
}

impl TxnState {
    pub fn name(self) -> &'static str {
        match self {
            TxnState::Empty => "Empty",
            TxnState::Ongoing => "Ongoing",
            TxnState::PrepareCommit => "PrepareCommit",
            TxnState::PrepareAbort => "PrepareAbort",
            TxnState::CompleteCommit => "CompleteCommit",
            TxnState::CompleteAbort => "CompleteAbort",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TxnMeta {
    pub pid: i64,
    pub epoch: i16,
    pub state: TxnState,
    pub partitions: BTreeSet<Tp>,
    pub started: Time,
    pub timeout: u64,
    /// Markers not yet acknowledged, with when each was last sent.
    pub pending: BTreeMap<Tp, Option<Time>>,
    /// Consumer offsets committed with the transaction: (group, partition, offset, the
    /// leader epoch of the record before it).
    pub offsets: Vec<(u16, Tp, u64, Option<u32>)>,
}

/// Java's `String.hashCode`.
fn java_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

impl Sim {
    /// The broker coordinating `tid`: the first live replica of its `__transaction_state`
    /// partition (replication factor min(3, brokers)).
    pub fn txn_coordinator_for(&self, tid: &str) -> Option<BrokerId> {
        let n = self.cfg.cluster.brokers;
        let part = java_hash(tid).unsigned_abs() % TXN_LOG_PARTITIONS as u32;
        (0..n.min(3)).map(|i| (part + i) % n).find(|&b| !self.controller.is_fenced(b))
    }

    fn set_txn_state(&mut self, tid: &Rc<str>, state: TxnState) {
        let Some(m) = self.txns.get_mut(tid) else { return };
        m.state = state;
        let (pid, epoch) = (m.pid, m.epoch);
        self.record(Kind::Txn { tid: tid.clone(), pid, epoch, state });
    }

    /// Requests addressed to a transaction coordinator on broker `b`.
    pub fn txn_coordinator_receive(&mut self, b: BrokerId, from: Node, msg: Msg) {
        let me = Node::Broker(b);
        let tid = match &msg {
            Msg::InitPid { tid, .. }
            | Msg::AddPartitionsToTxn { tid, .. }
            | Msg::TxnOffsetCommit { tid, .. }
            | Msg::EndTxn { tid, .. } => tid.clone(),
            _ => return,
        };
        let is_coordinator = self.txn_coordinator_for(&tid) == Some(b) && !self.net.isolated.contains(&b);
        let now = self.now();
        match msg {
            Msg::InitPid { timeout, .. } => {
                if !is_coordinator {
                    return self.send(me, from, Msg::InitPidResp { result: Err(KafkaError::NotCoordinator) });
                }
                if !self.txns.contains_key(&tid) {
                    self.controller.next_producer_id += 1;
                    let pid = 999 + self.controller.next_producer_id;
                    let meta = TxnMeta {
                        pid,
                        epoch: -1,
                        state: TxnState::Empty,
                        partitions: BTreeSet::new(),
                        started: now,
                        timeout,
                        pending: BTreeMap::new(),
                        offsets: Vec::new(),
                    };
                    self.txns.insert(tid.clone(), meta);
                }
                let meta = self.txns.get_mut(&tid).expect("inserted");
                meta.timeout = timeout;
                let result = match meta.state {
                    TxnState::Ongoing => {
                        // A new instance: fence the old epoch and abort what it left open.
                        meta.epoch += 1;
                        self.begin_end(&tid, false);
                        Err(KafkaError::ConcurrentTransactions)
                    }
                    TxnState::PrepareCommit | TxnState::PrepareAbort => Err(KafkaError::ConcurrentTransactions),
                    _ => {
                        meta.epoch += 1;
                        meta.partitions.clear();
                        meta.offsets.clear();
                        let r = Ok((meta.pid, meta.epoch));
                        self.set_txn_state(&tid, TxnState::Empty);
                        r
                    }
                };
                self.send(me, from, Msg::InitPidResp { result });
            }
            Msg::AddPartitionsToTxn { pid, epoch, tps, .. } => {
                let error = if !is_coordinator {
                    Some(KafkaError::NotCoordinator)
                } else {
                    self.txn_check(&tid, pid, epoch).or_else(|| {
                        let meta = self.txns.get_mut(&tid).expect("checked");
                        match meta.state {
                            TxnState::PrepareCommit | TxnState::PrepareAbort => Some(KafkaError::ConcurrentTransactions),
                            _ => None,
                        }
                    })
                };
                if error.is_none() {
                    self.txn_ongoing(&tid);
                    let meta = self.txns.get_mut(&tid).expect("checked");
                    meta.partitions.extend(tps.iter().copied());
                }
                self.send(me, from, Msg::AddPartitionsResp { tps, error });
            }
            Msg::TxnOffsetCommit { pid, epoch, group, generation, offsets, epochs, .. } => {
                let mut error = if !is_coordinator { Some(KafkaError::NotCoordinator) } else { self.txn_check(&tid, pid, epoch) };
                // KIP-447: the group coordinator checks the consumer's generation, fencing a
                // zombie whose partitions were given to another member.
                if error.is_none() && self.groups.get(group as usize).is_some_and(|g| g.generation != generation) {
                    error = Some(KafkaError::IllegalGeneration);
                }
                if error.is_none() {
                    self.txn_ongoing(&tid);
                    let meta = self.txns.get_mut(&tid).expect("checked");
                    meta.offsets.retain(|(g, tp, _, _)| !(*g == group && offsets.iter().any(|(t, _)| t == tp)));
                    meta.offsets.extend(offsets.iter().zip(&epochs).map(|((tp, o), e)| (group, *tp, *o, *e)));
                }
                self.send(me, from, Msg::TxnOffsetCommitResp { error });
            }
            Msg::EndTxn { pid, epoch, commit, .. } => {
                let error = if !is_coordinator {
                    Some(KafkaError::NotCoordinator)
                } else {
                    self.txn_check(&tid, pid, epoch).or_else(|| {
                        let meta = &self.txns[&tid];
                        match (meta.state, commit) {
                            (TxnState::Ongoing, _) => None,
                            (TxnState::PrepareCommit, true) | (TxnState::CompleteCommit, true) => None,
                            (TxnState::PrepareAbort, false) | (TxnState::CompleteAbort, false) => None,
                            (TxnState::Empty, false) => None,
                            _ => Some(KafkaError::InvalidTxnState),
                        }
                    })
                };
                if error.is_none() && self.txns[&tid].state == TxnState::Ongoing {
                    self.begin_end(&tid, commit);
                }
                self.send(me, from, Msg::EndTxnResp { commit, error });
            }
            _ => {}
        }
    }

    /// Producer id and epoch must match the coordinator's; an older epoch is fenced.
    fn txn_check(&self, tid: &Rc<str>, pid: i64, epoch: i16) -> Option<KafkaError> {
        match self.txns.get(tid) {
            None => Some(KafkaError::InvalidTxnState),
            Some(m) if m.pid != pid || epoch < m.epoch => Some(KafkaError::ProducerFenced),
            Some(m) if epoch > m.epoch => Some(KafkaError::InvalidProducerEpoch),
            Some(_) => None,
        }
    }

    fn txn_ongoing(&mut self, tid: &Rc<str>) {
        let now = self.now();
        let meta = self.txns.get_mut(tid).expect("known");
        if meta.state != TxnState::Ongoing {
            meta.started = now;
            meta.partitions.clear();
            meta.offsets.clear();
            self.set_txn_state(tid, TxnState::Ongoing);
        }
    }

    /// PrepareCommit or PrepareAbort is written to the transaction log; markers follow.
    fn begin_end(&mut self, tid: &Rc<str>, commit: bool) {
        let meta = self.txns.get_mut(tid).expect("known");
        meta.pending = crate::sort::btree_map(meta.partitions.iter().map(|tp| (*tp, None)));
        if !commit {
            meta.offsets.clear();
        }
        self.set_txn_state(tid, if commit { TxnState::PrepareCommit } else { TxnState::PrepareAbort });
        self.send_markers(tid.clone());
    }

    /// Sends the markers not yet acknowledged (again, after `MARKER_RETRY_MS`).
    pub fn send_markers(&mut self, tid: Rc<str>) {
        let now = self.now();
        let Some(meta) = self.txns.get(&tid) else { return };
        let commit = match meta.state {
            TxnState::PrepareCommit => true,
            TxnState::PrepareAbort => false,
            _ => return,
        };
        if meta.pending.is_empty() {
            self.complete_txn(&tid);
            return;
        }
        let (pid, epoch) = (meta.pid, meta.epoch);
        let due: Vec<Tp> = meta
            .pending
            .iter()
            .filter(|(_, sent)| sent.is_none_or(|t| now >= t + MARKER_RETRY_MS))
            .map(|(tp, _)| *tp)
            .collect();
        let coordinator = self.txn_coordinator_for(&tid);
        for tp in due {
            let leader = self.controller.parts.get(&tp).and_then(|s| s.leader);
            if let (Some(c), Some(l)) = (coordinator, leader) {
                self.txns.get_mut(&tid).expect("known").pending.insert(tp, Some(now));
                let msg = Msg::WriteTxnMarker { tid: tid.clone(), pid, epoch, commit, tp };
                self.send(Node::Broker(c), Node::Broker(l), msg);
            }
        }
        self.q.after(MARKER_RETRY_MS, Ev::TxnMarkers(tid));
    }

    fn complete_txn(&mut self, tid: &Rc<str>) {
        let meta = self.txns.get_mut(tid).expect("known");
        let commit = meta.state == TxnState::PrepareCommit;
        let offsets = std::mem::take(&mut meta.offsets);
        meta.partitions.clear();
        if commit {
            for (g, tp, o, e) in offsets {
                if let Some(group) = self.groups.get_mut(g as usize) {
                    group.commit(tp, o, e);
                }
                self.record(Kind::TxnOffsetsCommitted { group: g, tp, offset: o });
            }
        }
        self.set_txn_state(tid, if commit { TxnState::CompleteCommit } else { TxnState::CompleteAbort });
    }

    /// A partition leader writes a COMMIT or ABORT marker; it takes an offset.
    #[allow(clippy::too_many_arguments)] // the fields of Kafka's WriteTxnMarkers request
    pub fn write_txn_marker(&mut self, b: BrokerId, from: Node, tid: Rc<str>, pid: i64, epoch: i16, commit: bool, tp: Tp) {
        let error = {
            match self.brokers[b as usize].replicas.get_mut(&tp) {
                None => Some(KafkaError::UnknownTopicOrPartition),
                Some(r) if !matches!(r.role, Role::Leader(_)) => Some(KafkaError::NotLeaderOrFollower),
                Some(r) => {
                    let entry = r.log.producer(pid);
                    if entry.is_some_and(|e| epoch < e.epoch) {
                        Some(KafkaError::InvalidProducerEpoch)
                    } else {
                        let base = r.log.end_offset();
                        let batch = Batch {
                            base_offset: base,
                            leader_epoch: r.epoch,
                            producer_id: pid,
                            producer_epoch: epoch,
                            base_sequence: NO_SEQUENCE,
                            transactional: true,
                            control: Some(if commit { Control::Commit } else { Control::Abort }),
                            records: Rc::from(vec![Record { msg: MARKER_MSG, key: None }]),
                            bytes: 0,
                        };
                        let (le, records, control) = (r.epoch, batch.records.clone(), batch.control);
                        r.log.append(batch);
                        self.record(Kind::Append {
                            b,
                            tp,
                            base_offset: base,
                            epoch: le,
                            producer_id: pid,
                            transactional: true,
                            control,
                            records,
                        });
                        self.on_leader_append(b, tp);
                        None
                    }
                }
            }
        };
        self.send(Node::Broker(b), from, Msg::WriteTxnMarkerResp { tid, tp, error });
    }

    pub fn txn_marker_response(&mut self, tid: Rc<str>, tp: Tp, error: Option<KafkaError>) {
        let Some(meta) = self.txns.get_mut(&tid) else { return };
        match error {
            None | Some(KafkaError::InvalidProducerEpoch) => {
                if meta.pending.remove(&tp).is_some() && meta.pending.is_empty() {
                    self.complete_txn(&tid);
                }
            }
            Some(_) => {
                // Leader moved: send again on the next round.
                meta.pending.insert(tp, None);
            }
        }
    }

    /// Aborts transactions open longer than their `transaction.timeout.ms`, bumping the
    /// epoch so that the producer that left them is fenced.
    pub fn txn_timeouts(&mut self) {
        let now = self.now();
        let expired: Vec<Rc<str>> = self
            .txns
            .iter()
            .filter(|(_, m)| m.state == TxnState::Ongoing && now >= m.started + m.timeout)
            .map(|(t, _)| t.clone())
            .collect();
        for tid in expired {
            if self.txn_coordinator_for(&tid).is_none() {
                continue;
            }
            self.txns.get_mut(&tid).expect("known").epoch += 1;
            self.begin_end(&tid, false);
        }
        self.q.after(TXN_TIMEOUT_CHECK_MS, Ev::TxnTimeouts);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn java_string_hash() {
        assert_eq!(super::java_hash("hello"), 99162322);
        assert_eq!(super::java_hash(""), 0);
    }
}

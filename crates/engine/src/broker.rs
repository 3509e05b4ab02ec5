//! A broker process: its partition replicas, the produce path (leader append, `acks`,
//! `min.insync.replicas`, idempotent sequence checks) and the fetch path (follower
//! replication with leader epochs, consumers reading below the high watermark or the last
//! stable offset), with Kafka's purgatories for requests that wait.

use crate::clock::Time;
use crate::errors::KafkaError;
use crate::log::{Batch, Log, NO_PRODUCER_ID, NO_SEQUENCE};
use crate::messages::{FetchReq, FetchResp, Msg, PartitionState, ProduceBatch, ProduceReq, ProduceResp};
use crate::replica::{Replica, Role};
use crate::scenario::IsolationLevel;
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::types::{BrokerId, Node, Tp};

/// `replica.fetch.wait.max.ms` and the consumer's `fetch.max.wait.ms` (both 500).
pub const FETCH_WAIT_MS: u64 = 500;
/// `replica.fetch.backoff.ms`.
pub const REPLICA_FETCH_BACKOFF_MS: u64 = 1000;
/// How long a follower's fetcher waits for the answer to a fetch: the broker's
/// `request.timeout.ms` (`ReplicaFetcherBlockingSend`).
pub const REPLICA_FETCH_TIMEOUT_MS: u64 = 30_000;
/// `max.partition.fetch.bytes` / `replica.fetch.max.bytes`.
pub const FETCH_MAX_BYTES: u32 = 1_048_576;
/// KRaft `broker.heartbeat.interval.ms`.
pub const BROKER_HEARTBEAT_MS: u64 = 2000;

/// An `acks=all` produce request waiting for the ISR (Kafka's `DelayedProduce`).
#[derive(Debug)]
pub struct PendingProduce {
    pub from: Node,
    pub req_id: u64,
    pub results: Vec<(u64, Result<u64, KafkaError>)>,
    /// (index into results, partition, offset the high watermark must reach)
    pub waiting: Vec<(usize, Tp, u64)>,
}

/// A fetch with nothing to return yet (Kafka's `DelayedFetch`).
#[derive(Debug)]
pub struct ParkedFetch {
    pub id: u64,
    pub from: Node,
    pub req: FetchReq,
}

#[derive(Debug)]
pub struct Broker {
    pub id: BrokerId,
    pub alive: bool,
    pub replicas: crate::tpmap::TpMap<Replica>,
    pub purgatory: Vec<PendingProduce>,
    pub parked: Vec<ParkedFetch>,
    pub next_park: u64,
    /// Bumped on every start so timers of a previous life stop.
    pub life: u32,
}

impl Sim {
    pub fn start_cluster(&mut self) {
        let n = self.cfg.cluster.brokers;
        for b in 0..n {
            self.brokers.push(Broker {
                id: b,
                alive: true,
                replicas: crate::tpmap::TpMap::new(),
                purgatory: Vec::new(),
                parked: Vec::new(),
                next_park: 0,
                life: 0,
            });
        }
        self.controller.init(n, self.now());
        for t in 0..self.cfg.topics.len() {
            let count = self.partitions[t];
            self.create_partitions(t, 0, count);
        }
        for b in 0..n {
            self.q.after(0, Ev::BrokerHeartbeat(b, 0));
            let lag = self.cfg.cluster.replica_lag_time_max_ms;
            self.q.after(lag / 2, Ev::IsrCheck(b, 0));
        }
    }

    /// Creates partitions `from..to` of topic `t` with the contract's fixed placement; the
    /// preferred (first) replica leads when alive.
    pub fn create_partitions(&mut self, t: usize, from: u32, to: u32) {
        let n = self.cfg.cluster.brokers;
        let rf = self.cfg.topics[t].replication_factor;
        for p in from..to {
            let tp = Tp { topic: t as u16, partition: p as u16 };
            let replicas: Vec<BrokerId> = (0..rf).map(|i| (p + i) % n).collect();
            let alive: Vec<BrokerId> =
                replicas.iter().copied().filter(|&r| !self.controller.is_fenced(r)).collect();
            let leader = alive.first().copied();
            let isr = if alive.is_empty() { vec![replicas[0]] } else { alive };
            let state = PartitionState {
                replicas: replicas.clone(),
                leader,
                leader_epoch: 0,
                isr: isr.clone(),
                partition_epoch: 0,
            };
            self.controller.parts.insert(tp, state.clone());
            self.record(Kind::Leader { tp, leader, epoch: 0, isr, unclean: false });
            for &r in &replicas {
                let rep = &mut self.brokers[r as usize].replicas;
                rep.get_or_insert_with(tp, Replica::new);
                if self.brokers[r as usize].alive && self.now() == 0 {
                    self.apply_partition_state(r, tp, &state);
                } else {
                    self.send(Node::Controller, Node::Broker(r), Msg::LeaderAndIsr { tp, state: state.clone() });
                }
            }
        }
    }

    pub fn broker_heartbeat(&mut self, b: BrokerId, life: u32) {
        let br = &self.brokers[b as usize];
        if !br.alive || br.life != life {
            return;
        }
        self.send(Node::Broker(b), Node::Controller, Msg::BrokerHeartbeat { incarnation: life });
        self.q.after(BROKER_HEARTBEAT_MS, Ev::BrokerHeartbeat(b, life));
    }

    pub fn crash_broker(&mut self, b: BrokerId) {
        let bi = b as usize;
        if !self.brokers[bi].alive {
            return;
        }
        self.record(Kind::BrokerCrash { b });
        let br = &mut self.brokers[bi];
        br.alive = false;
        br.life += 1;
        let pending: Vec<Node> = br.purgatory.drain(..).map(|p| p.from).collect();
        let parked: Vec<Node> = br.parked.drain(..).map(|p| p.from).collect();
        for r in br.replicas.values_mut() {
            r.role = Role::Follower { leader: None, fetching: None };
        }
        // The host closes every connection of the dead process: peers notice at once.
        let mut notify: Vec<Node> = pending.into_iter().chain(parked).collect();
        notify.extend(self.clients_connected_to(b));
        crate::sort::ascending(&mut notify);
        notify.dedup();
        for n in notify {
            self.send(Node::Broker(b), n, Msg::Disconnected);
        }
    }

    pub fn restart_broker(&mut self, b: BrokerId) {
        let bi = b as usize;
        if self.brokers[bi].alive {
            return;
        }
        self.record(Kind::BrokerRestart { b });
        let br = &mut self.brokers[bi];
        br.alive = true;
        br.life += 1;
        let life = br.life;
        // Recovery: the log survives, including entries above the high watermark; the
        // broker learns its roles from the controller once it has registered.
        self.q.after(0, Ev::BrokerHeartbeat(b, life));
        let lag = self.cfg.cluster.replica_lag_time_max_ms;
        self.q.after(lag / 2, Ev::IsrCheck(b, life));
    }

    pub fn broker_receive(&mut self, b: BrokerId, from: Node, msg: Msg) {
        match msg {
            Msg::Connect => self.send(Node::Broker(b), from, Msg::ConnectResult { ok: true }),
            Msg::Produce(req) => self.handle_produce(b, from, req),
            Msg::Fetch(req) => self.handle_fetch(b, from, req),
            Msg::FetchResp(resp) => self.follower_fetch_response(b, from, resp),
            Msg::Disconnected => {
                // A follower's fetch hit a dead leader: back off and try again.
                for (tp, r) in self.brokers[b as usize].replicas.iter_mut() {
                    if let Role::Follower { leader: Some(l), fetching } = &mut r.role {
                        if Node::Broker(*l) == from && fetching.is_some() {
                            *fetching = None;
                            self.q.after(REPLICA_FETCH_BACKOFF_MS, Ev::FollowerFetch(b, tp));
                        }
                    }
                }
            }
            Msg::LeaderAndIsr { tp, state } => self.apply_partition_state(b, tp, &state),
            Msg::InitPid { .. } | Msg::AddPartitionsToTxn { .. } | Msg::TxnOffsetCommit { .. } | Msg::EndTxn { .. } => {
                self.txn_coordinator_receive(b, from, msg)
            }
            Msg::WriteTxnMarker { tid, pid, epoch, commit, tp } => self.write_txn_marker(b, from, tid, pid, epoch, commit, tp),
            Msg::WriteTxnMarkerResp { tid, tp, error } => self.txn_marker_response(tid, tp, error),
            Msg::AlterPartitionResp { tp, state } => self.alter_partition_response(b, tp, state),
            Msg::ListOffsets { tp, latest, isolation } => {
                let result = match self.brokers[b as usize].replicas.get(&tp) {
                    Some(r) if r.is_leader() => Ok(if latest {
                        match isolation {
                            IsolationLevel::ReadUncommitted => r.hw,
                            IsolationLevel::ReadCommitted => r.lso(),
                        }
                    } else {
                        0
                    }),
                    _ => Err(KafkaError::NotLeaderOrFollower),
                };
                self.send(Node::Broker(b), from, Msg::ListOffsetsResp { tp, result });
            }
            Msg::OffsetsForLeaderEpoch { tp, current_leader_epoch, leader_epoch } => {
                let result = match self.brokers[b as usize].replicas.get(&tp) {
                    Some(r) if r.is_leader() && current_leader_epoch < r.epoch => Err(KafkaError::FencedLeaderEpoch),
                    Some(r) if r.is_leader() && current_leader_epoch > r.epoch => Err(KafkaError::UnknownLeaderEpoch),
                    Some(r) if r.is_leader() => Ok(r.log.end_offset_for_epoch(leader_epoch)),
                    _ => Err(KafkaError::NotLeaderOrFollower),
                };
                self.send(Node::Broker(b), from, Msg::OffsetsForLeaderEpochResp { tp, result });
            }
            _ => {}
        }
    }

    /// The controller told this broker the state of a partition (KRaft metadata).
    pub fn apply_partition_state(&mut self, b: BrokerId, tp: Tp, state: &PartitionState) {
        let now = self.now();
        let Some(r) = self.brokers[b as usize].replicas.get_mut(&tp) else {
            return;
        };
        if state.leader_epoch < r.epoch {
            return;
        }
        let same_epoch = state.leader_epoch == r.epoch;
        if state.leader == Some(b) {
            if let (true, Role::Leader(ls)) = (same_epoch, &mut r.role) {
                if state.partition_epoch > ls.partition_epoch {
                    ls.isr = state.isr.clone();
                    ls.partition_epoch = state.partition_epoch;
                    ls.pending = None;
                    ls.replicas = state.replicas.clone();
                }
                self.maybe_advance_hw(b, tp);
                return;
            }
            r.epoch = state.leader_epoch;
            r.become_leader(state, now);
            self.record(Kind::Role { b, tp, leader: true, epoch: state.leader_epoch });
            self.maybe_advance_hw(b, tp);
        } else {
            let was_leader = r.is_leader();
            let changed = !same_epoch || was_leader || !matches!(r.role, Role::Follower { leader, .. } if leader == state.leader);
            if !changed {
                return;
            }
            r.epoch = state.leader_epoch;
            r.role = Role::Follower { leader: state.leader, fetching: None };
            self.record(Kind::Role { b, tp, leader: false, epoch: state.leader_epoch });
            if was_leader {
                self.fail_waiting(b, tp, KafkaError::NotLeaderOrFollower);
            }
            if state.leader.is_some() {
                self.q.after(0, Ev::FollowerFetch(b, tp));
            }
        }
    }

    /// Fails requests waiting on `tp` here because this broker is no longer its leader.
    fn fail_waiting(&mut self, b: BrokerId, tp: Tp, err: KafkaError) {
        let br = &mut self.brokers[b as usize];
        for p in br.purgatory.iter_mut() {
            p.waiting.retain(|&(i, t, _)| {
                if t == tp {
                    p.results[i].1 = Err(err);
                    false
                } else {
                    true
                }
            });
        }
        let parked: Vec<ParkedFetch> = {
            let (gone, keep): (Vec<_>, Vec<_>) = br.parked.drain(..).partition(|p| p.req.tp == tp);
            br.parked = keep;
            gone
        };
        for p in parked {
            let resp = FetchResp {
                tp,
                offset: p.req.offset,
                error: Some(err),
                diverging: None,
                hw: 0,
                lso: 0,
                batches: Vec::new(),
                aborted: Vec::new(),
            };
            self.send(Node::Broker(b), p.from, Msg::FetchResp(resp));
        }
        self.complete_purgatory(b);
    }

    fn handle_produce(&mut self, b: BrokerId, from: Node, req: ProduceReq) {
        let mut results = Vec::with_capacity(req.batches.len());
        let mut waiting = Vec::new();
        for pb in &req.batches {
            let r = self.append_as_leader(b, pb, req.acks);
            if let Ok((base, next, fresh)) = r {
                if req.acks == -1 && fresh {
                    waiting.push((results.len(), pb.tp, next));
                }
                results.push((pb.batch_id, Ok(base)));
            } else {
                results.push((pb.batch_id, r.map(|x| x.0)));
            }
        }
        if req.acks == 0 {
            return;
        }
        let pending = PendingProduce { from, req_id: req.req_id, results, waiting };
        self.brokers[b as usize].purgatory.push(pending);
        for pb in &req.batches {
            self.maybe_advance_hw(b, pb.tp);
        }
        self.complete_purgatory(b);
    }

    /// Appends one batch on the leader. Returns (base offset, offset the HW must reach,
    /// whether it was newly appended) or the error Kafka would return.
    fn append_as_leader(&mut self, b: BrokerId, pb: &ProduceBatch, acks: i8) -> Result<(u64, u64, bool), KafkaError> {
        let min_isr = self.cfg.topics[pb.tp.topic as usize].min_insync_replicas as usize;
        let now = self.now();
        let r = self.brokers[b as usize]
            .replicas
            .get_mut(&pb.tp)
            .ok_or(KafkaError::UnknownTopicOrPartition)?;
        let Role::Leader(ls) = &r.role else {
            return Err(KafkaError::NotLeaderOrFollower);
        };
        if acks == -1 && ls.isr.len() < min_isr {
            return Err(KafkaError::NotEnoughReplicas);
        }
        if pb.producer_id != NO_PRODUCER_ID && pb.base_sequence != NO_SEQUENCE {
            if let Some(dup) = check_sequence(&r.log, pb)? {
                let next = dup + pb.records.len() as u64;
                // A duplicate: acknowledged with the original offset, not appended again.
                return Ok((dup, next, r.hw < next));
            }
        }
        let base = r.log.end_offset();
        let batch = Batch {
            base_offset: base,
            leader_epoch: r.epoch,
            producer_id: pb.producer_id,
            producer_epoch: pb.producer_epoch,
            base_sequence: pb.base_sequence,
            transactional: pb.transactional,
            control: None,
            records: pb.records.clone(),
            bytes: pb.bytes,
        };
        let next = batch.next_offset();
        let epoch = r.epoch;
        r.log.append(batch);
        let _ = now;
        self.record(Kind::Append {
            b,
            tp: pb.tp,
            base_offset: base,
            epoch,
            producer_id: pb.producer_id,
            transactional: pb.transactional,
            control: None,
            records: pb.records.clone(),
        });
        self.on_leader_append(b, pb.tp);
        Ok((base, next, true))
    }

    /// After the leader's log grew: the HW may move (ISR of one) and parked follower
    /// fetches can be answered.
    pub fn on_leader_append(&mut self, b: BrokerId, tp: Tp) {
        self.maybe_advance_hw(b, tp);
        self.try_parked(b, tp);
    }

    /// Recomputes the leader's high watermark: the smallest log end offset among the
    /// (maximal) ISR. It never goes backwards.
    pub fn maybe_advance_hw(&mut self, b: BrokerId, tp: Tp) {
        let Some(r) = self.brokers[b as usize].replicas.get_mut(&tp) else {
            return;
        };
        let Role::Leader(ls) = &r.role else {
            return;
        };
        let leo = r.log.end_offset();
        let mut hw = leo;
        let pending_added = match (&ls.pending, ls.pending_is_expand) {
            (Some(p), true) => p.as_slice(),
            _ => &[],
        };
        for &f in ls.isr.iter().chain(pending_added) {
            if f == b {
                continue;
            }
            let f_leo = ls.followers.get(&f).map(|s| s.leo).unwrap_or(0);
            hw = hw.min(f_leo);
        }
        if hw > r.hw {
            r.hw = hw;
            self.record(Kind::Hw { b, tp, hw });
            self.complete_purgatory(b);
            self.try_parked(b, tp);
        }
    }

    /// Answers every waiting `acks=all` request whose offsets the HW has reached.
    fn complete_purgatory(&mut self, b: BrokerId) {
        if self.brokers[b as usize].purgatory.is_empty() {
            return;
        }
        {
            let br = &mut self.brokers[b as usize];
            let replicas = &br.replicas;
            let topics = &self.cfg.topics;
            for p in br.purgatory.iter_mut() {
                p.waiting.retain(|&(i, tp, need)| {
                    let Some(r) = replicas.get(&tp) else { return true };
                    let Role::Leader(ls) = &r.role else { return true };
                    if r.hw >= need {
                        let min_isr = topics[tp.topic as usize].min_insync_replicas as usize;
                        if ls.isr.len() < min_isr {
                            p.results[i].1 = Err(KafkaError::NotEnoughReplicasAfterAppend);
                        }
                        false
                    } else {
                        true
                    }
                });
            }
        }
        // Answered in the order they waited.
        let mut i = 0;
        while i < self.brokers[b as usize].purgatory.len() {
            if self.brokers[b as usize].purgatory[i].waiting.is_empty() {
                let p = self.brokers[b as usize].purgatory.remove(i);
                let resp = ProduceResp { req_id: p.req_id, results: p.results };
                self.send(Node::Broker(b), p.from, Msg::ProduceResp(resp));
            } else {
                i += 1;
            }
        }
    }

    fn handle_fetch(&mut self, b: BrokerId, from: Node, req: FetchReq) {
        match self.fetch_now(b, &req, true) {
            Some(resp) => self.send(Node::Broker(b), from, Msg::FetchResp(resp)),
            None => {
                let br = &mut self.brokers[b as usize];
                br.next_park += 1;
                let id = br.next_park;
                br.parked.push(ParkedFetch { id, from, req });
                self.q.after(FETCH_WAIT_MS, Ev::FetchExpire(b, id));
            }
        }
    }

    /// Serves a fetch if it can be answered now; `None` parks it.
    /// `arrival`: the request just arrived (a follower's fetch then reports its log end
    /// offset); otherwise a parked fetch is being completed.
    fn fetch_now(&mut self, b: BrokerId, req: &FetchReq, arrival: bool) -> Option<FetchResp> {
        let now = self.now();
        let tp = req.tp;
        let mut resp = FetchResp {
            tp,
            offset: req.offset,
            error: None,
            diverging: None,
            hw: 0,
            lso: 0,
            batches: Vec::new(),
            aborted: Vec::new(),
        };
        let lag_max = self.cfg.cluster.replica_lag_time_max_ms;
        let Some(r) = self.brokers[b as usize].replicas.get_mut(&tp) else {
            resp.error = Some(KafkaError::UnknownTopicOrPartition);
            return Some(resp);
        };
        if !r.is_leader() {
            resp.error = Some(KafkaError::NotLeaderOrFollower);
            return Some(resp);
        }
        resp.hw = r.hw;
        resp.lso = r.lso();
        let leo = r.log.end_offset();
        // Followers and consumers alike name the leader epoch they know (KIP-320).
        if req.current_leader_epoch < r.epoch {
            resp.error = Some(KafkaError::FencedLeaderEpoch);
            return Some(resp);
        }
        if req.current_leader_epoch > r.epoch {
            resp.error = Some(KafkaError::UnknownLeaderEpoch);
            return Some(resp);
        }
        if let Some(f) = req.replica {
            if let Some(lfe) = req.last_fetched_epoch {
                match r.log.end_offset_for_epoch(lfe) {
                    Some((e, end)) if e == lfe && end >= req.offset => {}
                    Some((e, end)) => {
                        resp.diverging = Some((e, end));
                        return Some(resp);
                    }
                    None => {
                        resp.diverging = Some((0, 0));
                        return Some(resp);
                    }
                }
            }
            if req.offset > leo {
                resp.diverging = Some((r.log.latest_epoch().unwrap_or(0), leo));
                return Some(resp);
            }
            if arrival {
                let Role::Leader(ls) = &mut r.role else { unreachable!() };
                ls.follower_fetched(f, req.offset, leo, now);
                let expand = ls.should_expand(f, req.offset, r.hw, r.log.epochs.last().map(|e| e.1));
                let _ = lag_max;
                if expand {
                    self.request_isr_change(b, tp, Some(f), &[]);
                }
                self.maybe_advance_hw(b, tp);
            } else if req.offset >= leo {
                return None;
            }
            let r = self.brokers[b as usize].replicas.get(&tp).expect("replica");
            resp.hw = r.hw;
            resp.lso = r.lso();
            resp.batches = r.log.read(req.offset, leo, FETCH_MAX_BYTES);
            if resp.batches.is_empty() {
                return None;
            }
            Some(resp)
        } else {
            if req.offset > leo {
                resp.error = Some(KafkaError::OffsetOutOfRange);
                return Some(resp);
            }
            let limit = match req.isolation {
                IsolationLevel::ReadUncommitted => r.hw,
                IsolationLevel::ReadCommitted => r.lso(),
            };
            resp.batches = r.log.read(req.offset, limit, FETCH_MAX_BYTES);
            if resp.batches.is_empty() {
                return None;
            }
            if req.isolation == IsolationLevel::ReadCommitted {
                let last = resp.batches.last().map(|x| x.next_offset()).unwrap_or(0);
                resp.aborted = r
                    .log
                    .aborted
                    .iter()
                    .filter(|&&(_, first, marker)| first < last && marker >= req.offset)
                    .map(|&(pid, first, _)| (pid, first))
                    .collect();
            }
            Some(resp)
        }
    }

    /// Re-tries parked fetches of `tp` after its log or high watermark moved.
    pub fn try_parked(&mut self, b: BrokerId, tp: Tp) {
        // In parking order. Completing a parked fetch (arrival = false) changes neither the
        // log nor the parked list, so the walk can go by index.
        let mut k = 0;
        while k < self.brokers[b as usize].parked.len() {
            let parked = &self.brokers[b as usize].parked[k];
            if parked.req.tp != tp {
                k += 1;
                continue;
            }
            let req = parked.req.clone();
            match self.fetch_now(b, &req, false) {
                Some(resp) => {
                    let p = self.brokers[b as usize].parked.remove(k);
                    self.send(Node::Broker(b), p.from, Msg::FetchResp(resp));
                }
                None => k += 1,
            }
        }
    }

    pub fn fetch_expire(&mut self, b: BrokerId, id: u64) {
        let br = &mut self.brokers[b as usize];
        let Some(pos) = br.parked.iter().position(|p| p.id == id) else { return };
        let p = br.parked.remove(pos);
        let r = br.replicas.get(&p.req.tp);
        let (hw, lso) = r.map(|r| (r.hw, r.lso())).unwrap_or((0, 0));
        let resp = FetchResp {
            tp: p.req.tp,
            offset: p.req.offset,
            error: None,
            diverging: None,
            hw,
            lso,
            batches: Vec::new(),
            aborted: Vec::new(),
        };
        self.send(Node::Broker(b), p.from, Msg::FetchResp(resp));
    }

    pub fn follower_fetch(&mut self, b: BrokerId, tp: Tp) {
        let br = &mut self.brokers[b as usize];
        if !br.alive {
            return;
        }
        let Some(r) = br.replicas.get_mut(&tp) else { return };
        let Role::Follower { leader: Some(l), fetching } = &mut r.role else { return };
        if fetching.is_some() {
            return;
        }
        let now = self.q.now;
        *fetching = Some(now);
        let l = *l;
        let req = FetchReq {
            tp,
            offset: r.log.end_offset(),
            replica: Some(b),
            current_leader_epoch: r.epoch,
            last_fetched_epoch: r.log.latest_epoch(),
            isolation: IsolationLevel::ReadUncommitted,
        };
        self.send(Node::Broker(b), Node::Broker(l), Msg::Fetch(req));
    }

    /// A message between brokers, or to the controller, was lost on a cut link: the
    /// request it belonged to will time out. A follower gives its fetch up when
    /// `request.timeout.ms` has passed since it sent it (only a lost fetch can time out, so
    /// the timer is set when one is lost rather than for every fetch); a leader whose ISR
    /// change (AlterPartition) or its answer was lost may ask again (Kafka's
    /// `AlterPartitionManager` retries until it gets an answer).
    pub fn lost_on_cut_link(&mut self, from: Node, to: Node, msg: &Msg) {
        let isr_change = match (from, to, msg) {
            (Node::Broker(b), _, Msg::AlterPartition { tp, .. }) | (_, Node::Broker(b), Msg::AlterPartitionResp { tp, .. }) => Some((b, *tp)),
            _ => None,
        };
        if let Some((b, tp)) = isr_change {
            if let Some(Role::Leader(ls)) = self.brokers[b as usize].replicas.get_mut(&tp).map(|r| &mut r.role) {
                ls.pending = None;
            }
            return;
        }
        let (b, tp) = match (from, to, msg) {
            (Node::Broker(b), _, Msg::Fetch(req)) if req.replica.is_some() => (b, req.tp),
            (_, Node::Broker(b), Msg::FetchResp(resp)) => (b, resp.tp),
            _ => return,
        };
        let Some(r) = self.brokers[b as usize].replicas.get(&tp) else { return };
        if let Role::Follower { fetching: Some(sent), .. } = r.role {
            self.q.at(sent + REPLICA_FETCH_TIMEOUT_MS, Ev::FollowerFetchTimeout(b, tp, sent));
        }
    }

    /// A follower's fetch unanswered for `request.timeout.ms` (its link to the
    /// leader was cut silently) is given up, and the fetcher tries again after its backoff.
    pub fn follower_fetch_timeout(&mut self, b: BrokerId, tp: Tp, sent: Time) {
        let Some(r) = self.brokers[b as usize].replicas.get_mut(&tp) else { return };
        if let Role::Follower { fetching, .. } = &mut r.role {
            if *fetching == Some(sent) {
                *fetching = None;
                self.q.after(REPLICA_FETCH_BACKOFF_MS, Ev::FollowerFetch(b, tp));
            }
        }
    }

    fn follower_fetch_response(&mut self, b: BrokerId, from: Node, resp: FetchResp) {
        let tp = resp.tp;
        let Some(r) = self.brokers[b as usize].replicas.get_mut(&tp) else { return };
        let Role::Follower { leader: Some(l), fetching } = &mut r.role else { return };
        if Node::Broker(*l) != from || fetching.is_none() {
            return;
        }
        *fetching = None;
        if resp.error.is_some() {
            self.q.after(REPLICA_FETCH_BACKOFF_MS, Ev::FollowerFetch(b, tp));
            return;
        }
        if let Some((epoch, end)) = resp.diverging {
            // KIP-279/320: truncate to where our log and the leader's agree.
            let own_end = match r.log.end_offset_for_epoch(epoch) {
                Some((e, own)) if e == epoch => own,
                Some((_, own)) => own,
                None => 0,
            };
            let to = end.min(own_end).min(r.log.end_offset());
            let to = if epoch == 0 && end == 0 { 0 } else { to };
            let removed = r.log.truncate_to(to);
            if r.hw > r.log.end_offset() {
                r.hw = r.log.end_offset();
            }
            self.record(Kind::Truncate { b, tp, to, removed });
            self.q.after(0, Ev::FollowerFetch(b, tp));
            return;
        }
        // The batches that continue this log are appended and recorded in order.
        let now = self.q.now;
        for batch in resp.batches {
            let leo = r.log.end_offset();
            if batch.base_offset < leo {
                continue;
            }
            if batch.base_offset > leo {
                break;
            }
            self.trace.push(
                now,
                Kind::Append {
                    b,
                    tp,
                    base_offset: batch.base_offset,
                    epoch: batch.leader_epoch,
                    producer_id: batch.producer_id,
                    transactional: batch.transactional,
                    control: batch.control,
                    records: batch.records.clone(),
                },
            );
            r.log.append(batch);
        }
        let new_hw = resp.hw.min(r.log.end_offset());
        if new_hw > r.hw {
            r.hw = new_hw;
            self.record(Kind::Hw { b, tp, hw: new_hw });
        }
        self.q.after(0, Ev::FollowerFetch(b, tp));
    }

    /// Leader: every `replica.lag.time.max.ms / 2`, drop followers that have not caught up
    /// for `replica.lag.time.max.ms` from the ISR (through the controller).
    pub fn isr_check(&mut self, b: BrokerId, life: u32) {
        let lag = self.cfg.cluster.replica_lag_time_max_ms;
        let br = &self.brokers[b as usize];
        if !br.alive || br.life != life {
            return;
        }
        let now = self.now();
        let mut shrinks = Vec::new();
        for (tp, r) in br.replicas.iter() {
            if let Role::Leader(ls) = &r.role {
                let out: Vec<BrokerId> = ls
                    .isr
                    .iter()
                    .copied()
                    .filter(|&f| f != b && ls.followers.get(&f).is_none_or(|s| now.saturating_sub(s.last_caught_up) > lag))
                    .collect();
                if !out.is_empty() && ls.pending.is_none() {
                    shrinks.push((tp, out));
                }
            }
        }
        for (tp, out) in shrinks {
            self.request_isr_change(b, tp, None, &out);
        }
        self.q.after((lag / 2).max(1), Ev::IsrCheck(b, life));
    }

    /// Sends an AlterPartition to the controller; the change applies only once accepted.
    fn request_isr_change(&mut self, b: BrokerId, tp: Tp, add: Option<BrokerId>, remove: &[BrokerId]) {
        let Some(r) = self.brokers[b as usize].replicas.get_mut(&tp) else { return };
        let epoch = r.epoch;
        let Role::Leader(ls) = &mut r.role else { return };
        if ls.pending.is_some() {
            return;
        }
        let mut isr: Vec<BrokerId> = ls.isr.iter().copied().filter(|x| !remove.contains(x)).collect();
        if let Some(a) = add {
            if !isr.contains(&a) {
                isr.push(a);
            }
        }
        crate::sort::ascending(&mut isr);
        ls.pending = Some(isr.clone());
        ls.pending_is_expand = add.is_some();
        let partition_epoch = ls.partition_epoch;
        self.send(
            Node::Broker(b),
            Node::Controller,
            Msg::AlterPartition { tp, leader_epoch: epoch, partition_epoch, isr },
        );
    }

    fn alter_partition_response(&mut self, b: BrokerId, tp: Tp, state: Option<PartitionState>) {
        let Some(r) = self.brokers[b as usize].replicas.get_mut(&tp) else { return };
        let epoch = r.epoch;
        let Role::Leader(ls) = &mut r.role else { return };
        ls.pending = None;
        if let Some(s) = state {
            if s.leader_epoch == epoch && s.partition_epoch > ls.partition_epoch {
                ls.isr = s.isr.clone();
                ls.partition_epoch = s.partition_epoch;
            }
        }
        self.maybe_advance_hw(b, tp);
        self.complete_purgatory(b);
    }

    /// Every replica that can follow its leader is back in the ISR: a broker that was
    /// restarted or whose links were healed has caught up. (Replicas on a dead or isolated
    /// broker, or of a partition without a live, reachable leader, cannot, and do not count.)
    pub fn replicas_settled(&self) -> bool {
        self.controller.parts.values().all(|p| match p.leader {
            Some(l) if self.reachable(l) => p.replicas.iter().all(|r| p.isr.contains(r) || !self.reachable(*r)),
            _ => true,
        })
    }

    /// Broker `b` is alive and its links are not cut.
    fn reachable(&self, b: BrokerId) -> bool {
        self.brokers[b as usize].alive && !self.net.isolated.contains(&b)
    }

    /// The leader's (high watermark, last stable offset, log end) of a partition, if led
    /// by a live broker; used by quiescence checks.
    pub fn leader_offsets(&self, tp: Tp) -> Option<(u64, u64, u64)> {
        let l = self.controller.parts.get(&tp)?.leader?;
        let br = &self.brokers[l as usize];
        if !br.alive {
            return None;
        }
        let r = br.replicas.get(&tp)?;
        r.is_leader().then(|| (r.hw, r.lso(), r.log.end_offset()))
    }

    /// Whether a leaderless partition can get a leader again by itself (all faults are
    /// done when this is asked): a replica that is alive, reachable, and electable — in the
    /// ISR, or any replica with `unclean.leader.election.enable`.
    pub fn partition_may_recover(&self, tp: Tp) -> bool {
        let unclean = self.cfg.cluster.unclean_leader_election;
        self.controller.parts.get(&tp).is_some_and(|s| {
            s.replicas.iter().any(|&r| self.reachable(r) && (unclean || s.isr.contains(&r)))
        })
    }

    pub fn leader_log(&self, tp: Tp) -> Option<&Log> {
        let l = self.controller.parts.get(&tp)?.leader?;
        self.brokers[l as usize].replicas.get(&tp).map(|r| &r.log)
    }

    pub fn now_ms(&self) -> Time {
        self.now()
    }
}

/// The broker's idempotence check (`ProducerStateManager`): `Ok(Some(offset))` for a
/// duplicate of one of the last five batches, `Ok(None)` for the next batch in sequence.
/// A producer id the partition has no state for (none of its batches is in this log) is
/// accepted at any sequence, as Kafka 2.8+ does (`ProducerAppendInfo.checkSequence`: "If
/// there is no current producer epoch ... accept writes with any sequence number").
fn check_sequence(log: &Log, pb: &ProduceBatch) -> Result<Option<u64>, KafkaError> {
    let first = pb.base_sequence;
    let last = first + pb.records.len() as i32 - 1;
    match log.producer(pb.producer_id) {
        None => Ok(None),
        Some(e) => {
            if pb.producer_epoch < e.epoch {
                // `checkProducerEpoch`: since 2.7 (KIP-588) INVALID_PRODUCER_EPOCH for every
                // producer, transactional or not; PRODUCER_FENCED is the coordinator's answer.
                return Err(KafkaError::InvalidProducerEpoch);
            }
            if pb.producer_epoch > e.epoch {
                return if first == 0 { Ok(None) } else { Err(KafkaError::OutOfOrderSequenceNumber) };
            }
            if let Some(&(_, _, off)) = e.batches.iter().find(|&&(f, l, _)| f == first && l == last) {
                return Ok(Some(off));
            }
            let last_seq = e.batches.back().map(|x| x.1);
            match last_seq {
                Some(ls) if first == ls.wrapping_add(1) => Ok(None),
                None if first == 0 => Ok(None),
                _ => Err(KafkaError::OutOfOrderSequenceNumber),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Record;
    use crate::types::MsgId;

    fn records(n: u32) -> std::rc::Rc<[Record]> {
        (0..n).map(|i| Record { msg: MsgId { producer: 0, index: i }, key: None }).collect()
    }

    /// A log holding one batch of producer 1000 at `epoch`.
    fn log_with_epoch(epoch: i16, transactional: bool) -> Log {
        let mut log = Log::default();
        log.append(Batch {
            base_offset: 0,
            leader_epoch: 0,
            producer_id: 1000,
            producer_epoch: epoch,
            base_sequence: 0,
            transactional,
            control: None,
            records: records(1),
            bytes: 10,
        });
        log
    }

    fn produce(epoch: i16, base_sequence: i32, transactional: bool) -> ProduceBatch {
        ProduceBatch {
            tp: Tp { topic: 0, partition: 0 },
            batch_id: 1,
            producer_id: 1000,
            producer_epoch: epoch,
            base_sequence,
            transactional,
            records: records(2),
            bytes: 20,
        }
    }

    /// KIP-588: a leader answers a batch with an older producer epoch INVALID_PRODUCER_EPOCH,
    /// transactional or not; PRODUCER_FENCED comes only from the transaction coordinator.
    #[test]
    fn stale_producer_epoch_gets_invalid_producer_epoch() {
        for transactional in [true, false] {
            let log = log_with_epoch(2, transactional);
            assert_eq!(check_sequence(&log, &produce(1, 1, transactional)), Err(KafkaError::InvalidProducerEpoch));
            assert_eq!(check_sequence(&log, &produce(2, 1, transactional)), Ok(None));
            assert_eq!(check_sequence(&log, &produce(3, 0, transactional)), Ok(None));
        }
    }
}

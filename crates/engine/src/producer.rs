//! A producer application and its `KafkaProducer` instances: `send()` with Kafka's
//! partitioners, the accumulator, and the sender thread (`acks`, retries with
//! `retry.backoff.ms`, `max.in.flight.requests.per.connection`, `request.timeout.ms`,
//! `delivery.timeout.ms`, metadata refresh after a failover), and the idempotent producer
//! (producer id and epoch, one sequence per partition, retries kept in sequence order).
//!
//! The application remembers which of its messages it was told had succeeded: a restarted
//! instance resumes from the first one that was not, as an application replaying its
//! source would. With `outbox`, the application only writes rows to its database and a
//! relay inside the same process publishes them (see `outbox.rs`); a stream processor
//! feeds its own producer (see `processor.rs`).

use crate::accumulator::{Accumulator, ProducerBatch};
use crate::clock::Time;
use crate::config::ProducerCfg;
use crate::errors::KafkaError;
use crate::log::{Record, NO_PRODUCER_ID, NO_SEQUENCE};
use crate::messages::{Msg, ProduceBatch, ProduceReq};
use crate::murmur2::partition_for_key;
use crate::network::Conn;
use crate::rng::{below, Subsystem};
use crate::scenario::Acks;
use crate::sim::{Ev, Sim};
use crate::trace::{DropReason, Kind, Wire};
use crate::transaction::{TxnClient, TxnPhase};
use crate::types::{BrokerId, MsgId, Node, Tp};
use rand_pcg::Pcg32;
use std::collections::BTreeSet;
use std::rc::Rc;

/// Timer events of a producer instance.
#[derive(Clone, Debug)]
pub enum ProducerEv {
    /// The application's next `send()` is due.
    AppSend,
    /// The sender thread wakes (linger, backoff or expiry deadline).
    Wake,
    RequestTimeout(u64),
    /// The outbox relay polls its table.
    RelayPoll,
    /// Retry a transaction step (coordinator busy or moved).
    TxnRetry,
    /// `metadata.max.age.ms` elapsed: refresh metadata even without an error.
    MetadataRefresh,
}

/// `metadata.max.age.ms`: clients refresh metadata at least this often, which is how
/// they learn of partitions added to a topic.
pub const METADATA_MAX_AGE_MS: u64 = 300_000;

pub const PENDING: u8 = 0;
pub const ACKED: u8 = 1;
pub const FAILED: u8 = 2;

/// Who drives a producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A scenario producer: its application sends `messages` every `interval_ms`.
    App,
    /// The producer inside stream processor `n`.
    Processor(u16),
}

#[derive(Debug)]
pub struct InFlight {
    pub broker: BrokerId,
    pub batches: Vec<ProducerBatch>,
}

#[derive(Debug)]
pub struct ProducerInstance {
    pub alive: bool,
    pub paused: bool,
    pub deferred: Vec<Ev>,
    pub started: Time,
    pub first_msg: u64,
    pub next_msg: u64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub pid_pending: bool,
    pub acc: Accumulator,
    pub inflight: crate::vecmap::VecMap<u64, InFlight>,
    pub next_req: u64,
    pub conns: Vec<Conn>,
    /// Leader of each partition of the topic as last learned; `None` before metadata.
    pub leaders: Option<Vec<Option<BrokerId>>>,
    pub metadata_inflight: bool,
    pub metadata_retry_at: Time,
    pub next_seq: Vec<i32>,
    pub sticky: Option<(u32, u64)>,
    pub rng: Pcg32,
    pub wake_at: Option<Time>,
    pub txn: Option<TxnClient>,
    /// `flush()` was called: send everything now, whatever `linger.ms` says.
    pub flushing: bool,
    /// A batch's fate is unknown: bump the epoch once nothing is in flight (KIP-360).
    pub epoch_bump_pending: bool,
    /// Highest sequence acknowledged per partition in the current epoch.
    pub last_acked_seq: Vec<i32>,
    /// Outbox rows this relay instance has handed to the producer and not yet settled.
    pub relay_inflight: BTreeSet<u32>,
}

#[derive(Debug)]
pub struct ProducerApp {
    pub cfg: Rc<ProducerCfg>,
    pub role: Role,
    pub status: Vec<u8>,
    pub instances: Vec<ProducerInstance>,
    /// The instance that faults address (the newest).
    pub current: Option<u16>,
    pub drop_requests: u32,
    pub drop_responses: u32,
    /// The application's outbox table: rows written and not yet marked as published.
    pub outbox_pending: BTreeSet<u32>,
}

impl ProducerApp {
    pub fn finished(&self) -> bool {
        self.instances.iter().all(|i| {
            !i.alive
                || i.paused
                || (i.next_msg as usize >= self.status.len()
                    && i.acc.is_empty()
                    && i.inflight.is_empty()
                    && i.txn.as_ref().is_none_or(|t| t.idle())
                    && (!self.cfg.outbox || self.outbox_pending.is_empty()))
        })
    }

    /// First message the application has not been told succeeded.
    fn resume_point(&self) -> u64 {
        self.status.iter().position(|&s| s != ACKED).unwrap_or(self.status.len()) as u64
    }
}

impl Sim {
    pub fn start_producers(&mut self) {
        for p in 0..self.cfg.producers.len() {
            let cfg = Rc::new(self.cfg.producers[p].clone());
            self.add_producer_app(cfg, Role::App);
            self.new_producer_instance(p as u16, 0);
        }
    }

    /// Registers a producer application; returns its index.
    pub fn add_producer_app(&mut self, cfg: Rc<ProducerCfg>, role: Role) -> u16 {
        let n = if role == Role::App { cfg.messages as usize } else { 0 };
        self.producers.push(ProducerApp {
            cfg,
            role,
            status: vec![PENDING; n],
            instances: Vec::new(),
            current: None,
            drop_requests: 0,
            drop_responses: 0,
            outbox_pending: BTreeSet::new(),
        });
        (self.producers.len() - 1) as u16
    }

    pub fn new_producer_instance(&mut self, p: u16, first_msg: u64) -> u16 {
        let inst = self.producers[p as usize].instances.len() as u16;
        let rng = self.rng.stream(Subsystem::Partitioner, ((p as u64) << 16) | inst as u64);
        let brokers = self.cfg.cluster.brokers as usize;
        let now = self.now();
        let cfg = self.producers[p as usize].cfg.clone();
        let txn = cfg.transactional_id.as_ref().map(|tid| TxnClient::new(tid));
        self.producers[p as usize].instances.push(ProducerInstance {
            alive: true,
            paused: false,
            deferred: Vec::new(),
            started: now,
            first_msg,
            next_msg: first_msg,
            producer_id: NO_PRODUCER_ID,
            producer_epoch: 0,
            pid_pending: cfg.idempotence,
            acc: Accumulator::default(),
            inflight: crate::vecmap::VecMap::new(),
            next_req: 0,
            conns: vec![Conn::default(); brokers],
            leaders: None,
            metadata_inflight: false,
            metadata_retry_at: 0,
            next_seq: Vec::new(),
            sticky: None,
            rng,
            wake_at: None,
            txn,
            flushing: false,
            epoch_bump_pending: false,
            last_acked_seq: Vec::new(),
            relay_inflight: BTreeSet::new(),
        });
        self.producers[p as usize].current = Some(inst);
        self.record(Kind::ProducerStart { p, inst });
        let me = Node::Producer(p, inst);
        if cfg.transactional_id.is_some() {
            self.txn_find_coordinator(p, inst);
        } else if cfg.idempotence {
            self.send(me, Node::Controller, Msg::InitProducerId);
        }
        self.request_metadata(p, inst);
        self.q.after(METADATA_MAX_AGE_MS, Ev::Producer(p, inst, ProducerEv::MetadataRefresh));
        if self.producers[p as usize].role == Role::App {
            self.q.after(0, Ev::Producer(p, inst, ProducerEv::AppSend));
            if cfg.outbox {
                self.q.after(0, Ev::Producer(p, inst, ProducerEv::RelayPoll));
            }
        }
        inst
    }

    pub fn inst(&mut self, p: u16, inst: u16) -> &mut ProducerInstance {
        &mut self.producers[p as usize].instances[inst as usize]
    }

    pub fn pcfg(&self, p: u16) -> Rc<ProducerCfg> {
        self.producers[p as usize].cfg.clone()
    }

    fn request_metadata(&mut self, p: u16, inst: u16) {
        let i = self.inst(p, inst);
        if i.metadata_inflight {
            return;
        }
        i.metadata_inflight = true;
        self.send(Node::Producer(p, inst), Node::Controller, Msg::Metadata);
    }

    /// Events for a paused instance wait until it resumes (a stop-the-world pause).
    fn deferred_if_paused(&mut self, p: u16, inst: u16, ev: Ev) -> Option<Ev> {
        let i = self.inst(p, inst);
        if !i.alive {
            return None;
        }
        if i.paused {
            i.deferred.push(ev);
            return None;
        }
        Some(ev)
    }

    pub fn producer_event(&mut self, p: u16, inst: u16, ev: ProducerEv) {
        let Some(Ev::Producer(_, _, ev)) = self.deferred_if_paused(p, inst, Ev::Producer(p, inst, ev)) else {
            return;
        };
        match ev {
            ProducerEv::AppSend => self.app_send(p, inst),
            ProducerEv::Wake => {
                self.inst(p, inst).wake_at = None;
                self.run_sender(p, inst);
            }
            ProducerEv::RequestTimeout(req) => self.request_timeout(p, inst, req),
            ProducerEv::RelayPoll => self.relay_poll(p, inst),
            ProducerEv::TxnRetry => self.txn_retry(p, inst),
            ProducerEv::MetadataRefresh => {
                self.request_metadata(p, inst);
                self.q.after(METADATA_MAX_AGE_MS, Ev::Producer(p, inst, ProducerEv::MetadataRefresh));
            }
        }
    }

    /// The application calls `send()` for every message that is due by now (or, with an
    /// outbox, writes it to its outbox table).
    pub fn app_send(&mut self, p: u16, inst: u16) {
        let cfg = self.pcfg(p);
        let now = self.now();
        let transactional = cfg.transactional_id.is_some();
        if self.inst(p, inst).leaders.is_none() && !cfg.outbox {
            return; // send() blocks until the first metadata arrives; it re-triggers us.
        }
        loop {
            let i = self.inst(p, inst);
            if i.next_msg >= cfg.messages {
                break;
            }
            if transactional && !self.txn_may_send(p, inst) {
                break;
            }
            let i = self.inst(p, inst);
            let k = i.next_msg - i.first_msg;
            let due = i.started + k.saturating_mul(cfg.interval_ms);
            if due > now {
                self.q.at(due, Ev::Producer(p, inst, ProducerEv::AppSend));
                break;
            }
            let index = i.next_msg as u32;
            i.next_msg += 1;
            let key = (cfg.keys > 0).then(|| index % cfg.keys);
            let msg = MsgId { producer: p, index };
            if cfg.outbox {
                self.outbox_write(p, inst, msg, key);
                continue;
            }
            let tp = self.producer_enqueue(p, inst, msg, key);
            self.record(Kind::Send { p, inst, msg, key, tp });
            if transactional {
                self.txn_sent(p, inst, msg);
            }
        }
        if transactional {
            self.txn_maybe_end(p, inst);
        }
        self.run_sender(p, inst);
    }

    /// `send()`: picks the partition (murmur2 of the key, or the sticky partition) and
    /// appends the record to the accumulator.
    pub fn producer_enqueue(&mut self, p: u16, inst: u16, msg: MsgId, key: Option<u32>) -> Tp {
        let cfg = self.pcfg(p);
        let now = self.now();
        let i = self.inst(p, inst);
        let nparts = i.leaders.as_ref().map(|l| l.len() as u32).unwrap_or(1).max(1);
        let partition = match key {
            Some(k) => key_partition(k, nparts),
            None => sticky_partition(i, nparts, cfg.value_bytes as u64, cfg.batch_size as u64),
        };
        i.acc.append(partition, Record { msg, key }, cfg.value_bytes, cfg.batch_size, now);
        Tp { topic: cfg.topic as u16, partition: partition as u16 }
    }

    /// Whether nothing is queued or in flight.
    pub fn producer_flushed(&self, p: u16, inst: u16) -> bool {
        let i = &self.producers[p as usize].instances[inst as usize];
        i.acc.is_empty() && i.inflight.is_empty()
    }

    /// `KafkaProducer.flush()`: every buffered batch is sent at once (no more lingering)
    /// until the accumulator is empty.
    pub fn producer_flush(&mut self, p: u16, inst: u16) {
        self.inst(p, inst).flushing = true;
        self.run_sender(p, inst);
    }

    /// The sender thread: expire, drain ready batches to their leaders, schedule a wake-up.
    pub fn run_sender(&mut self, p: u16, inst: u16) {
        // The sender thread loops while it finds something to send (up to the in-flight
        // limit per connection; with acks=0 nothing stays in flight).
        for _ in 0..10_000 {
            if !self.sender_round(p, inst) || self.producers[p as usize].instances[inst as usize].acc.is_empty() {
                break;
            }
        }
        let i = self.inst(p, inst);
        if i.flushing && i.acc.is_empty() {
            i.flushing = false;
        }
        if self.producers[p as usize].cfg.transactional_id.is_some() {
            self.txn_maybe_end(p, inst);
        }
    }

    /// One pass of the sender; whether it sent a request.
    fn sender_round(&mut self, p: u16, inst: u16) -> bool {
        let now = self.now();
        let cfg = self.pcfg(p);
        let topic = cfg.topic as u16;
        let mut sent_any = false;
        {
            let i = self.inst(p, inst);
            if !i.alive || i.paused {
                return false;
            }
        }
        self.expire_batches(p, inst, &cfg);
        {
            let i = self.inst(p, inst);
            if i.pid_pending {
                return false;
            }
            // KIP-360: once no batch of the old epoch is in flight, bump the epoch.
            if i.epoch_bump_pending {
                if !i.inflight.is_empty() {
                    return false;
                }
                i.epoch_bump_pending = false;
                self.bump_epoch(p, inst);
            }
        }
        let mut next_wake: Option<Time> = None;
        let mut wake = |t: Time| next_wake = Some(next_wake.map_or(t, |w: Time| w.min(t)));
        // Reused between rounds: the sender runs after every send() and response.
        let mut by_leader = std::mem::take(&mut self.sender_scratch);
        by_leader.clear();
        let mut need_metadata = false;
        let mut to_add: Vec<u32> = Vec::new();
        {
            let i = &self.producers[p as usize].instances[inst as usize];
            let Some(leaders) = i.leaders.as_ref() else { return false };
            let any_inflight = !i.inflight.is_empty();
            let flushing = i.flushing || i.txn.as_ref().is_some_and(|t| t.commit_requested || t.abortable.is_some());
            for (part, q) in i.acc.queues.iter().enumerate() {
                let Some(first) = q.front() else { continue };
                if let Some(t) = &i.txn {
                    // A partition joins the transaction (AddPartitionsToTxn) before any
                    // batch goes to it.
                    if !t.added.contains(&(part as u32)) {
                        if !t.adding.contains(&(part as u32)) {
                            to_add.push(part as u32);
                        }
                        continue;
                    }
                    if t.phase == TxnPhase::Fatal {
                        continue;
                    }
                }
                let Some(Some(leader)) = leaders.get(part) else {
                    need_metadata = true;
                    continue;
                };
                if let Err(t) = Accumulator::ready(first, q.len(), cfg.batch_size, cfg.linger_ms, now, flushing) {
                    wake(t);
                    continue;
                }
                if any_inflight && (cfg.max_in_flight == 1 || (cfg.idempotence && first.base_sequence != NO_SEQUENCE)) {
                    let first_inflight = lowest_inflight_sequence(i, part as u32);
                    if cfg.max_in_flight == 1 && first_inflight.is_some() {
                        continue; // ordering guaranteed: one batch in flight per partition
                    }
                    // A retried batch goes only when it is the first in flight again.
                    if cfg.idempotence && first.base_sequence != NO_SEQUENCE {
                        if let Some(seq) = first_inflight {
                            if seq != first.base_sequence {
                                continue;
                            }
                        }
                    }
                }
                by_leader.push((*leader, part as u32));
            }
        }
        by_leader.sort_unstable();
        if !to_add.is_empty() {
            self.txn_add_partitions(p, inst, to_add);
        }
        if need_metadata {
            let retry_at = self.inst(p, inst).metadata_retry_at;
            if now >= retry_at {
                self.request_metadata(p, inst);
            } else {
                wake(retry_at);
            }
        }
        // One request per leader, with the ready partitions it leads (`by_leader` is sorted).
        let mut next_group = 0;
        while next_group < by_leader.len() {
            let leader = by_leader[next_group].0;
            let start = next_group;
            while next_group < by_leader.len() && by_leader[next_group].0 == leader {
                next_group += 1;
            }
            let parts = &by_leader[start..next_group];
            let i = self.inst(p, inst);
            let conn = &mut i.conns[leader as usize];
            if !conn.up {
                if !conn.connecting {
                    if now >= conn.backoff_until {
                        conn.connecting = true;
                        self.send(Node::Producer(p, inst), Node::Broker(leader), Msg::Connect);
                    } else {
                        let t = conn.backoff_until;
                        wake(t);
                    }
                }
                continue;
            }
            let in_flight_to = i.inflight.values().filter(|f| f.broker == leader).count() as u32;
            if in_flight_to >= cfg.max_in_flight {
                continue;
            }
            // One batch per partition per request, as Kafka drains.
            let mut batches = Vec::new();
            for &(_, part) in parts {
                let mut b = i.acc.queues[part as usize].pop_front().expect("front exists");
                b.closed = true;
                if cfg.idempotence && b.base_sequence == NO_SEQUENCE {
                    let seqs = &mut i.next_seq;
                    if seqs.len() <= part as usize {
                        seqs.resize(part as usize + 1, 0);
                    }
                    b.base_sequence = seqs[part as usize];
                    b.producer_epoch = i.producer_epoch;
                    seqs[part as usize] += b.records.len() as i32;
                }
                batches.push(b);
            }
            i.next_req += 1;
            let req_id = i.next_req;
            let pid = i.producer_id;
            let transactional = i.txn.is_some();
            let acks: i8 = match cfg.acks {
                Acks::Zero => 0,
                Acks::One => 1,
                Acks::All => -1,
            };
            let wire: Vec<ProduceBatch> = batches
                .iter()
                .map(|b| ProduceBatch {
                    tp: Tp { topic, partition: b.partition as u16 },
                    batch_id: b.id,
                    producer_id: if cfg.idempotence { pid } else { NO_PRODUCER_ID },
                    producer_epoch: b.producer_epoch,
                    base_sequence: if cfg.idempotence { b.base_sequence } else { NO_SEQUENCE },
                    transactional,
                    records: std::rc::Rc::from(&b.records[..]),
                    bytes: b.bytes,
                })
                .collect();
            let req = ProduceReq { req_id, acks, batches: wire };
            sent_any = true;
            let from = Node::Producer(p, inst);
            let to = Node::Broker(leader);
            if self.producers[p as usize].drop_requests > 0 {
                self.producers[p as usize].drop_requests -= 1;
                let id = self.net.next_id();
                let arrive = now + self.net.latency;
                let records = batches.iter().map(|b| b.records.len() as u32).sum();
                self.record(Kind::Net { id, from, to, arrive, wire: Wire::ProduceRequest { records } });
                self.record(Kind::NetDrop { id, reason: DropReason::Fault });
            } else {
                self.send(from, to, Msg::Produce(req));
            }
            if acks == 0 {
                // acks=0: the batch is done once written to the socket (offset unknown).
                for b in batches {
                    self.complete_batch(p, inst, b, None);
                }
            } else {
                self.inst(p, inst).inflight.insert(req_id, InFlight { broker: leader, batches });
                self.q.after(cfg.request_timeout_ms, Ev::Producer(p, inst, ProducerEv::RequestTimeout(req_id)));
            }
        }
        self.sender_scratch = by_leader;
        // Wake for the next delivery-timeout expiry too.
        {
            let i = self.inst(p, inst);
            let oldest = i
                .acc
                .queues
                .iter()
                .filter_map(|q| q.front().map(|b| b.created))
                .chain(i.inflight.values().flat_map(|f| f.batches.iter().map(|b| b.created)))
                .min();
            if let Some(c) = oldest {
                wake(c + cfg.delivery_timeout_ms);
            }
        }
        if let Some(t) = next_wake {
            let i = self.inst(p, inst);
            if i.wake_at.is_none_or(|w| t < w || w < now) {
                i.wake_at = Some(t);
                self.q.at(t, Ev::Producer(p, inst, ProducerEv::Wake));
            }
        }
        sent_any
    }

    /// `delivery.timeout.ms`: batches (queued or in flight) older than it fail.
    fn expire_batches(&mut self, p: u16, inst: u16, cfg: &ProducerCfg) {
        let now = self.now();
        let limit = cfg.delivery_timeout_ms;
        if now < limit {
            return; // no batch can be older than the run
        }
        let mut expired = Vec::new();
        let i = self.inst(p, inst);
        for q in i.acc.queues.iter_mut() {
            while q.front().is_some_and(|b| now >= b.created + limit) {
                expired.push(q.pop_front().expect("front"));
            }
        }
        for f in i.inflight.values_mut() {
            if f.batches.iter().any(|b| now >= b.created + limit) {
                let (gone, keep): (Vec<_>, Vec<_>) = f.batches.drain(..).partition(|b| now >= b.created + limit);
                f.batches = keep;
                expired.extend(gone);
            }
        }
        if expired.is_empty() {
            return;
        }
        let transactional = cfg.transactional_id.is_some();
        for b in expired {
            if cfg.idempotence && !transactional && b.base_sequence != NO_SEQUENCE {
                self.inst(p, inst).epoch_bump_pending = true;
            }
            self.fail_batch(p, inst, b, KafkaError::RequestTimedOut);
        }
    }

    /// KIP-360: after a batch whose fate is unknown, the idempotent producer bumps its epoch
    /// and starts every partition's sequence again at 0.
    fn bump_epoch(&mut self, p: u16, inst: u16) {
        let i = self.inst(p, inst);
        i.producer_epoch += 1;
        for s in i.next_seq.iter_mut() {
            *s = 0;
        }
        i.last_acked_seq.clear();
        for q in i.acc.queues.iter_mut() {
            for b in q.iter_mut() {
                b.base_sequence = NO_SEQUENCE;
            }
        }
        let (pid, epoch) = (i.producer_id, i.producer_epoch);
        self.record(Kind::ProducerId { p, inst, pid, epoch });
    }

    /// A batch was acknowledged (or, with `acks=0`, written).
    fn complete_batch(&mut self, p: u16, inst: u16, b: ProducerBatch, base: Option<u64>) {
        if b.base_sequence != NO_SEQUENCE {
            let i = self.inst(p, inst);
            if b.producer_epoch == i.producer_epoch {
                let part = b.partition as usize;
                if i.last_acked_seq.len() <= part {
                    i.last_acked_seq.resize(part + 1, -1);
                }
                let last = b.base_sequence + b.records.len() as i32 - 1;
                i.last_acked_seq[part] = i.last_acked_seq[part].max(last);
            }
        }
        let app = &self.producers[p as usize];
        let (role, outbox, topic) = (app.role, app.cfg.outbox, app.cfg.topic as u16);
        let tp = Tp { topic, partition: b.partition as u16 };
        if let Some(t) = self.inst(p, inst).txn.as_mut() {
            for (k, r) in b.records.iter().enumerate() {
                t.offsets.insert(r.msg, (tp, base.map(|o| o + k as u64)));
            }
            return; // success is told when the transaction commits
        }
        if role != Role::App {
            return;
        }
        for (k, r) in b.records.iter().enumerate() {
            let offset = base.map(|o| o + k as u64);
            if outbox {
                self.outbox_published(p, inst, r.msg, tp, offset);
                continue;
            }
            self.producers[p as usize].status[r.msg.index as usize] = ACKED;
            self.record(Kind::Ack { p, inst, msg: r.msg, tp, offset });
        }
    }

    /// A batch failed for good.
    fn fail_batch(&mut self, p: u16, inst: u16, b: ProducerBatch, error: KafkaError) {
        let app = &self.producers[p as usize];
        let (role, outbox) = (app.role, app.cfg.outbox);
        if self.inst(p, inst).txn.is_some() {
            self.txn_batch_failed(p, inst, &b, error);
            return;
        }
        if role != Role::App {
            return;
        }
        for r in &b.records {
            if outbox {
                self.outbox_failed(p, inst, r.msg, error);
                continue;
            }
            let app = &mut self.producers[p as usize];
            if app.status[r.msg.index as usize] != ACKED {
                app.status[r.msg.index as usize] = FAILED;
            }
            self.record(Kind::Fail { p, inst, msg: r.msg, error });
            self.record(Kind::Error { who: Node::Producer(p, inst), error, msg: Some(r.msg) });
        }
    }

    pub fn producer_receive(&mut self, p: u16, inst: u16, from: Node, msg: Msg, net_id: u64) {
        let alive = self.producers[p as usize].instances[inst as usize].alive;
        if !alive {
            self.record(Kind::NetDrop { id: net_id, reason: DropReason::SenderGone });
            return;
        }
        if let (Msg::ProduceResp(_), Node::Broker(b)) = (&msg, from) {
            let app = &mut self.producers[p as usize];
            if app.drop_responses > 0 {
                // The response is lost with its connection: the client sees the connection
                // close and fails every request in flight on it (NETWORK_EXCEPTION), as
                // NetworkClient does on a disconnect; the batches are retried in order.
                app.drop_responses -= 1;
                self.record(Kind::NetDrop { id: net_id, reason: DropReason::Fault });
                self.producer_disconnected(p, inst, b);
                return;
            }
        }
        if self.inst(p, inst).paused {
            // A paused (zombie) producer reads its socket when it resumes.
            let slot = self.park_msg(msg);
            let deferred = self.deferred_if_paused(p, inst, Ev::Deliver { id: net_id, from, to: Node::Producer(p, inst), slot });
            debug_assert!(deferred.is_none(), "a paused producer defers its input");
            return;
        }
        let now = self.now();
        let backoff = self.producers[p as usize].cfg.retry_backoff_ms;
        match (from, msg) {
            (Node::Controller, Msg::InitProducerIdResp { producer_id, epoch }) => {
                let i = self.inst(p, inst);
                i.producer_id = producer_id;
                i.producer_epoch = epoch;
                i.pid_pending = false;
                self.record(Kind::ProducerId { p, inst, pid: producer_id, epoch });
                self.run_sender(p, inst);
            }
            (Node::Controller, Msg::MetadataResp { partitions }) => {
                let topic = self.producers[p as usize].cfg.topic as u16;
                let leaders: Vec<Option<BrokerId>> =
                    partitions.iter().filter(|(tp, _, _)| tp.topic == topic).map(|(_, l, _)| *l).collect();
                let i = self.inst(p, inst);
                let first = i.leaders.is_none();
                i.metadata_inflight = false;
                i.metadata_retry_at = now + backoff;
                i.acc.ensure_partitions(leaders.len());
                i.leaders = Some(leaders);
                if first && self.producers[p as usize].role == Role::App {
                    self.app_send(p, inst);
                } else {
                    self.run_sender(p, inst);
                }
            }
            (Node::Broker(b), Msg::ConnectResult { ok }) => {
                let i = self.inst(p, inst);
                if ok {
                    i.conns[b as usize].connected();
                } else {
                    i.conns[b as usize].failed(now);
                    self.request_metadata(p, inst);
                }
                self.run_sender(p, inst);
            }
            (Node::Broker(b), Msg::Disconnected) => self.producer_disconnected(p, inst, b),
            (Node::Broker(_), Msg::ProduceResp(resp)) => {
                let Some(f) = self.inst(p, inst).inflight.remove(&resp.req_id) else { return };
                let mut refresh = false;
                for b in f.batches {
                    let result = resp.results.iter().find(|(id, _)| *id == b.id).map(|(_, r)| *r);
                    match result {
                        Some(Ok(base)) => self.complete_batch(p, inst, b, Some(base)),
                        Some(Err(e)) => {
                            refresh |= e.refresh_metadata();
                            self.batch_error(p, inst, b, e);
                        }
                        None => self.batch_error(p, inst, b, KafkaError::NetworkException),
                    }
                }
                if refresh {
                    self.request_metadata(p, inst);
                }
                self.run_sender(p, inst);
            }
            (from, msg) => self.txn_receive(p, inst, from, msg),
        }
    }

    /// The connection to broker `b` closed: every request in flight on it fails.
    fn producer_disconnected(&mut self, p: u16, inst: u16, b: BrokerId) {
        let now = self.now();
        self.inst(p, inst).conns[b as usize].failed(now);
        let reqs: Vec<u64> = self.inst(p, inst).inflight.iter().filter(|(_, f)| f.broker == b).map(|(r, _)| *r).collect();
        for r in reqs {
            self.request_failed(p, inst, r, KafkaError::NetworkException);
        }
        self.txn_disconnected(p, inst, b);
        self.request_metadata(p, inst);
        self.run_sender(p, inst);
    }

    /// A whole request failed (timeout, disconnect): each of its batches is retried or
    /// failed.
    fn request_failed(&mut self, p: u16, inst: u16, req: u64, error: KafkaError) {
        let Some(f) = self.inst(p, inst).inflight.remove(&req) else { return };
        for b in f.batches {
            self.batch_error(p, inst, b, error);
        }
    }

    fn request_timeout(&mut self, p: u16, inst: u16, req: u64) {
        let Some(f) = self.inst(p, inst).inflight.get(&req) else { return };
        let broker = f.broker;
        let now = self.now();
        // NetworkClient closes the connection of a timed-out request: every other request
        // in flight on it fails as disconnected.
        self.request_failed(p, inst, req, KafkaError::RequestTimedOut);
        let others: Vec<u64> = self.inst(p, inst).inflight.iter().filter(|(_, f)| f.broker == broker).map(|(r, _)| *r).collect();
        for r in others {
            self.request_failed(p, inst, r, KafkaError::NetworkException);
        }
        let i = self.inst(p, inst);
        i.conns[broker as usize].up = false;
        i.conns[broker as usize].backoff_until = now;
        self.request_metadata(p, inst);
        self.run_sender(p, inst);
    }

    /// Retry or fail one batch after an error, as the Java sender decides.
    fn batch_error(&mut self, p: u16, inst: u16, mut b: ProducerBatch, e: KafkaError) {
        let now = self.now();
        let cfg = self.pcfg(p);
        let (retries, backoff, delivery, idem) = (cfg.retries, cfg.retry_backoff_ms, cfg.delivery_timeout_ms, cfg.idempotence);
        let topic = cfg.topic as u16;
        let transactional = cfg.transactional_id.is_some();
        // PRODUCER_FENCED is fatal. INVALID_PRODUCER_EPOCH (what a leader answers a zombie
        // since KIP-588) is not retriable: the batch fails, and for a transactional producer
        // the transaction must abort (`maybeTransitionToErrorState`: an abortable error).
        if e == KafkaError::ProducerFenced && transactional {
            self.txn_fenced(p, inst, e);
            return;
        }
        let i = self.inst(p, inst);
        let stale_epoch = idem && b.base_sequence != NO_SEQUENCE && b.producer_epoch != i.producer_epoch;
        // OUT_OF_ORDER_SEQUENCE_NUMBER is retriable while an earlier batch of the partition
        // is still unresolved (it will be retried first).
        let earlier_pending = idem
            && e == KafkaError::OutOfOrderSequenceNumber
            && i.inflight
                .values()
                .flat_map(|f| f.batches.iter())
                .chain(i.acc.queues.get(b.partition as usize).into_iter().flatten())
                .any(|x| {
                    x.partition == b.partition
                        && x.base_sequence != NO_SEQUENCE
                        && x.base_sequence < b.base_sequence
                        && x.producer_epoch == b.producer_epoch
                });
        // OUT_OF_ORDER_SEQUENCE_NUMBER on a batch numbered under the current epoch.
        let oos_current = idem
            && e == KafkaError::OutOfOrderSequenceNumber
            && b.base_sequence != NO_SEQUENCE
            && b.producer_epoch == i.producer_epoch;
        // Kafka's `TransactionManager.canRetry`: an OUT_OF_ORDER_SEQUENCE_NUMBER on a batch
        // that is not the next one after the last acknowledged sequence is retried.
        let not_next = oos_current
            && b.base_sequence != i.last_acked_seq.get(b.partition as usize).copied().unwrap_or(-1) + 1;
        // Otherwise (the batch is the next one and still gets OUT_OF_ORDER_SEQUENCE_NUMBER)
        // there is a real gap: the idempotent producer retries it after bumping its epoch
        // (KIP-360, `requestEpochBumpForPartition`), which numbers the partition's
        // unacknowledged batches again from 0. The broker cannot recognise those as
        // duplicates, so a batch that was in fact written is written again.
        let gap = oos_current && !transactional && !earlier_pending && !not_next;
        if gap {
            i.epoch_bump_pending = true;
        }
        let can_retry =
            (e.retriable() || earlier_pending || not_next || gap) && (b.attempts as u64) < retries && now < b.created + delivery;
        if can_retry && !stale_epoch {
            b.attempts += 1;
            b.retry_at = now + backoff;
            let records = b.records.len() as u32;
            let attempt = b.attempts;
            let tp = Tp { topic, partition: b.partition as u16 };
            self.inst(p, inst).acc.reenqueue(b, idem);
            self.record(Kind::Retry { p, inst, tp, records, attempt, error: e });
            if e.refresh_metadata() {
                self.request_metadata(p, inst);
            }
        } else if can_retry && stale_epoch {
            // Sequenced under an older epoch: resend with fresh sequence numbers.
            b.attempts += 1;
            b.retry_at = now + backoff;
            b.base_sequence = NO_SEQUENCE;
            self.inst(p, inst).acc.reenqueue(b, false);
        } else {
            if idem && !transactional && b.base_sequence != NO_SEQUENCE && !stale_epoch {
                self.inst(p, inst).epoch_bump_pending = true;
            }
            self.fail_batch(p, inst, b, e);
        }
    }

    pub fn crash_producer(&mut self, p: u16) {
        let Some(inst) = self.producers[p as usize].current else { return };
        self.kill_producer_instance(p, inst);
    }

    pub fn kill_producer_instance(&mut self, p: u16, inst: u16) {
        let i = self.inst(p, inst);
        if !i.alive {
            return;
        }
        i.alive = false;
        i.deferred.clear();
        self.record(Kind::ProducerCrash { p, inst });
    }

    pub fn restart_producer(&mut self, p: u16) {
        let app = &self.producers[p as usize];
        if let Some(cur) = app.current {
            let c = &app.instances[cur as usize];
            if c.alive && !c.paused {
                return; // already running
            }
        }
        let from = self.producers[p as usize].resume_point();
        self.new_producer_instance(p, from);
    }

    pub fn pause_producer(&mut self, p: u16) {
        let Some(inst) = self.producers[p as usize].current else { return };
        let i = self.inst(p, inst);
        if !i.alive || i.paused {
            return;
        }
        i.paused = true;
        self.record(Kind::ProducerPause { p, inst });
    }

    pub fn resume_producer(&mut self, p: u16) {
        let Some(inst) = self.producers[p as usize].instances.iter().rposition(|i| i.alive && i.paused) else { return };
        let inst = inst as u16;
        let i = self.inst(p, inst);
        i.paused = false;
        let deferred = std::mem::take(&mut i.deferred);
        self.record(Kind::ProducerResume { p, inst });
        for ev in deferred {
            self.q.after(0, ev);
        }
        self.q.after(0, Ev::Producer(p, inst, ProducerEv::Wake));
    }

    /// Clients holding an open connection to broker `b` (told when it dies).
    pub fn clients_connected_to(&self, b: BrokerId) -> Vec<Node> {
        let mut out = Vec::new();
        for (p, app) in self.producers.iter().enumerate() {
            for (k, i) in app.instances.iter().enumerate() {
                if i.alive && i.conns.get(b as usize).is_some_and(|c| c.up) {
                    out.push(Node::Producer(p as u16, k as u16));
                }
            }
        }
        out
    }
}

/// Partition of key `k{n}` (the keys the scenario's producers use), without allocating.
fn key_partition(n: u32, partitions: u32) -> u32 {
    let mut buf = [0u8; 11];
    buf[0] = b'k';
    let mut digits = [0u8; 10];
    let (mut x, mut len) = (n, 0);
    loop {
        digits[len] = b'0' + (x % 10) as u8;
        len += 1;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    for i in 0..len {
        buf[1 + i] = digits[len - 1 - i];
    }
    partition_for_key(&buf[..1 + len], partitions)
}

/// The lowest sequence in flight for a partition (`Some(-1)` for a batch without one).
fn lowest_inflight_sequence(i: &ProducerInstance, part: u32) -> Option<i32> {
    i.inflight.values().flat_map(|f| f.batches.iter()).filter(|b| b.partition == part).map(|b| b.base_sequence).min()
}

/// KIP-794's uniform sticky partitioner: stay on one partition until `batch.size` bytes
/// went to it, then pick another at random.
fn sticky_partition(i: &mut ProducerInstance, nparts: u32, size: u64, batch_size: u64) -> u32 {
    match i.sticky {
        Some((part, bytes)) if bytes < batch_size.max(1) && part < nparts => {
            i.sticky = Some((part, bytes + size));
            part
        }
        prev => {
            let mut part = below(&mut i.rng, nparts);
            if let (Some((old, _)), true) = (prev, nparts > 1) {
                if part == old {
                    part = (part + 1 + below(&mut i.rng, nparts - 1)) % nparts;
                }
            }
            i.sticky = Some((part, size));
            part
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_partition_hashes_the_key_text() {
        for k in [0, 7, 10, 99, 12345, u32::MAX] {
            let text = format!("k{k}");
            assert_eq!(super::key_partition(k, 7), crate::murmur2::partition_for_key(text.as_bytes(), 7));
        }
    }
}

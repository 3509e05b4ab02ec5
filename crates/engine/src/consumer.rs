//! A consumer application and its `KafkaConsumer` instances: group membership and
//! heartbeats, fetching from partition leaders (below the high watermark, or the last
//! stable offset with `read_committed`, skipping aborted transactions), `poll()` with
//! `max.poll.records`, processing in the poll loop or handed off to a worker, and offset
//! commits: auto-commit inside `poll()` every `auto.commit.interval.ms` (covering what earlier
//! polls returned, as the Java client does), after each batch, or after each record.

use crate::clock::Time;
use crate::config::ConsumerCfg;
use crate::errors::KafkaError;
use crate::log::{Control, Record};
use crate::messages::{FetchReq, FetchResp, Msg};
use crate::scenario::{CommitMode, OffsetReset, Processing};
use crate::sim::{Ev, Sim};
use crate::trace::{DropReason, Kind};
use crate::types::{BrokerId, MsgId, Node, Tp};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// How long `poll()` waits for records before returning empty (`poll(Duration.ofMillis(100))`).
const POLL_TIMEOUT_MS: u64 = 100;
/// Consumer `retry.backoff.ms`.
const RETRY_BACKOFF_MS: u64 = 100;
/// Consumer `reconnect.backoff.ms`.
const RECONNECT_BACKOFF_MS: u64 = 50;
/// Consumer `request.timeout.ms`.
const REQUEST_TIMEOUT_MS: u64 = 30_000;

#[derive(Clone, Debug)]
pub enum ConsumerEv {
    Poll(u64),
    /// Processing of the record at the head of the work queue finished.
    Processed,
    Heartbeat,
    /// Retry fetching after an error.
    Refetch,
    /// Out-of-order commit: processing of one record finished.
    ProcessedAt(Tp, u64),
    /// Try a failed dead-letter write again.
    DlqRetry(u64),
    /// `metadata.max.age.ms` elapsed.
    MetadataRefresh,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the group to assign partitions.
    Joining,
    /// Waiting for committed offsets or offset resets.
    Positioning,
    Active,
}

#[derive(Debug)]
pub struct ConsumerInstance {
    pub alive: bool,
    pub phase: Phase,
    pub generation: u32,
    pub assignment: Vec<Tp>,
    pub needs_rejoin: bool,
    /// Next offset `poll()` returns, per partition (the consumer's position).
    pub positions: BTreeMap<Tp, u64>,
    pub fetch_offsets: BTreeMap<Tp, u64>,
    /// Fetched records not yet returned by `poll()`: (offset, leader epoch of its batch, record).
    pub buffers: BTreeMap<Tp, VecDeque<(u64, u32, Record)>>,
    /// The leader epoch of each partition in the latest metadata (sent with every fetch).
    pub leader_epochs: BTreeMap<Tp, u32>,
    /// The leader epoch of the last record `poll()` returned, per partition (KIP-320's
    /// `offsetEpoch` of the position).
    pub position_epochs: BTreeMap<Tp, u32>,
    /// Per partition, the leader epochs of the records fetched: (epoch, first offset seen
    /// with it). The epoch committed with an offset is that of the record before it.
    pub seen_epochs: BTreeMap<Tp, Vec<(u32, u64)>>,
    /// Positions awaiting validation after a leader change (KIP-320), with the broker the
    /// `OffsetsForLeaderEpoch` request is in flight to.
    pub validating: BTreeMap<Tp, Option<BrokerId>>,
    /// Fetches in flight: partition -> (broker asked, when).
    pub fetching: BTreeMap<Tp, (BrokerId, Time)>,
    /// Brokers not to be contacted before this time (after a disconnect).
    pub backoff: BTreeMap<BrokerId, Time>,
    pub unpositioned: BTreeSet<Tp>,
    pub leaders: BTreeMap<Tp, Option<BrokerId>>,
    pub metadata_inflight: bool,
    pub metadata_retry_at: Time,
    /// Records taken by `poll()` and not yet processed.
    pub work: VecDeque<(Tp, u64, Record)>,
    pub processing: bool,
    /// The poll loop is blocked in a synchronous commit.
    pub committing: bool,
    /// The poll loop is inside `poll()` waiting for data.
    pub waiting: bool,
    /// When the next poll() is scheduled, and its token (older tokens are stale).
    pub poll_at: Option<Time>,
    pub poll_token: u64,
    pub last_auto_commit: Time,
    pub last_poll: Time,
    /// Next offset after the last processed record, per partition.
    pub processed: BTreeMap<Tp, u64>,
    pub rr: usize,
    /// Failed processing attempts per record (poison messages).
    pub failures: BTreeMap<(Tp, u64), u32>,
    /// Dead-letter writes in flight: request id -> (source partition, offset, record).
    pub dlq_inflight: BTreeMap<u64, (Tp, u64, Record)>,
    pub next_req: u64,
    /// Out-of-order commit: records being processed in parallel, and the offsets
    /// committed so far per partition.
    pub ooo_records: BTreeMap<(Tp, u64), Record>,
    pub ooo_committed: BTreeMap<Tp, u64>,
    /// Partitions of the subscribed topic in the latest metadata.
    pub topic_partitions: u32,
}

impl ConsumerInstance {
    /// The leader epoch of the record just before `offset` (what a commit of `offset`
    /// carries), if this instance fetched it.
    pub fn epoch_before(&self, tp: Tp, offset: u64) -> Option<u32> {
        let last = offset.checked_sub(1)?;
        self.seen_epochs.get(&tp)?.iter().rev().find(|&&(_, start)| start <= last).map(|&(e, _)| e)
    }
}

/// Who reads: a scenario consumer, or the consumer inside stream processor `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerRole {
    App,
    Processor(u16),
}

#[derive(Debug)]
pub struct ConsumerApp {
    pub cfg: std::rc::Rc<ConsumerCfg>,
    pub role: ConsumerRole,
    pub group: u16,
    pub instances: Vec<ConsumerInstance>,
    pub current: Option<u16>,
}

impl Sim {
    pub fn start_consumers(&mut self) {
        for c in 0..self.cfg.consumers.len() {
            let cfg = std::rc::Rc::new(self.cfg.consumers[c].clone());
            let c = self.add_consumer_app(cfg, ConsumerRole::App);
            self.new_consumer_instance(c);
        }
    }

    /// Registers a consumer application in its group; returns its index.
    pub fn add_consumer_app(&mut self, cfg: std::rc::Rc<ConsumerCfg>, role: ConsumerRole) -> u16 {
        let g = self.ensure_group(&cfg.group, cfg.topic);
        self.consumers.push(ConsumerApp { cfg, role, group: g, instances: Vec::new(), current: None });
        (self.consumers.len() - 1) as u16
    }

    pub fn new_consumer_instance(&mut self, c: u16) -> u16 {
        let now = self.now();
        let app = &mut self.consumers[c as usize];
        let inst = app.instances.len() as u16;
        app.instances.push(ConsumerInstance {
            alive: true,
            phase: Phase::Joining,
            generation: 0,
            assignment: Vec::new(),
            needs_rejoin: false,
            positions: BTreeMap::new(),
            fetch_offsets: BTreeMap::new(),
            buffers: BTreeMap::new(),
            leader_epochs: BTreeMap::new(),
            position_epochs: BTreeMap::new(),
            seen_epochs: BTreeMap::new(),
            validating: BTreeMap::new(),
            fetching: BTreeMap::new(),
            backoff: BTreeMap::new(),
            unpositioned: BTreeSet::new(),
            leaders: BTreeMap::new(),
            metadata_inflight: false,
            metadata_retry_at: 0,
            work: VecDeque::new(),
            processing: false,
            committing: false,
            waiting: false,
            poll_at: None,
            poll_token: 0,
            last_auto_commit: now,
            last_poll: now,
            processed: BTreeMap::new(),
            rr: 0,
            failures: BTreeMap::new(),
            dlq_inflight: BTreeMap::new(),
            next_req: 0,
            ooo_records: BTreeMap::new(),
            ooo_committed: BTreeMap::new(),
            topic_partitions: 0,
        });
        app.current = Some(inst);
        let group = app.group;
        self.record(Kind::ConsumerStart { c, inst });
        let me = Node::Consumer(c, inst);
        self.send(me, Node::Controller, Msg::Metadata);
        self.cinst(c, inst).metadata_inflight = true;
        self.send(me, Node::Coordinator, Msg::JoinGroup { group, generation_seen: 0 });
        let hb = self.consumers[c as usize].cfg.heartbeat_interval_ms;
        self.q.after(hb, Ev::Consumer(c, inst, ConsumerEv::Heartbeat));
        let age = crate::producer::METADATA_MAX_AGE_MS;
        self.q.after(age, Ev::Consumer(c, inst, ConsumerEv::MetadataRefresh));
        inst
    }

    pub fn cinst(&mut self, c: u16, inst: u16) -> &mut ConsumerInstance {
        &mut self.consumers[c as usize].instances[inst as usize]
    }

    pub fn crash_consumer(&mut self, c: u16) {
        let Some(inst) = self.consumers[c as usize].current else { return };
        self.kill_consumer_instance(c, inst);
    }

    pub fn kill_consumer_instance(&mut self, c: u16, inst: u16) {
        let i = self.cinst(c, inst);
        if !i.alive {
            return;
        }
        i.alive = false;
        self.record(Kind::ConsumerCrash { c, inst });
    }

    pub fn restart_consumer(&mut self, c: u16) {
        if let Some(inst) = self.consumers[c as usize].current {
            if self.consumers[c as usize].instances[inst as usize].alive {
                return;
            }
        }
        self.new_consumer_instance(c);
    }

    fn schedule_poll(&mut self, c: u16, inst: u16, delay: u64) {
        let at = self.now() + delay;
        let i = self.cinst(c, inst);
        if i.poll_at.is_some_and(|t| t <= at) {
            return;
        }
        i.poll_at = Some(at);
        i.poll_token += 1;
        let token = i.poll_token;
        self.q.at(at, Ev::Consumer(c, inst, ConsumerEv::Poll(token)));
    }

    pub fn consumer_event(&mut self, c: u16, inst: u16, ev: ConsumerEv) {
        if !self.consumers[c as usize].instances[inst as usize].alive {
            return;
        }
        match ev {
            ConsumerEv::Poll(token) => {
                let i = self.cinst(c, inst);
                if token != i.poll_token {
                    return;
                }
                i.poll_at = None;
                self.poll(c, inst);
            }
            ConsumerEv::Processed => self.processed(c, inst),
            ConsumerEv::Heartbeat => self.consumer_heartbeat(c, inst),
            ConsumerEv::Refetch => self.send_fetches(c, inst),
            ConsumerEv::ProcessedAt(tp, offset) => self.ooo_processed(c, inst, tp, offset),
            ConsumerEv::DlqRetry(req) => self.dlq_retry(c, inst, req),
            ConsumerEv::MetadataRefresh => {
                self.cinst(c, inst).metadata_retry_at = 0;
                self.consumer_metadata(c, inst);
                let age = crate::producer::METADATA_MAX_AGE_MS;
                self.q.after(age, Ev::Consumer(c, inst, ConsumerEv::MetadataRefresh));
            }
        }
    }

    fn consumer_heartbeat(&mut self, c: u16, inst: u16) {
        let cfg = &self.consumers[c as usize].cfg;
        let (hb, max_poll) = (cfg.heartbeat_interval_ms, cfg.max_poll_interval_ms);
        let now = self.now();
        let group = self.consumers[c as usize].group;
        let me = Node::Consumer(c, inst);
        let i = self.cinst(c, inst);
        if i.phase == Phase::Active && now.saturating_sub(i.last_poll) > max_poll {
            // The heartbeat thread notices poll() was not called in max.poll.interval.ms
            // and leaves the group.
            i.needs_rejoin = true;
            i.phase = Phase::Joining;
            self.send(me, Node::Coordinator, Msg::LeaveGroup { group });
        } else if i.phase != Phase::Joining {
            let generation = i.generation;
            self.send(me, Node::Coordinator, Msg::GroupHeartbeat { group, generation });
        }
        self.q.after(hb, Ev::Consumer(c, inst, ConsumerEv::Heartbeat));
    }

    /// One call of `poll()` by the application thread.
    fn poll(&mut self, c: u16, inst: u16) {
        let cfg = self.consumers[c as usize].cfg.clone();
        let now = self.now();
        let group = self.consumers[c as usize].group;
        {
            let i = self.cinst(c, inst);
            if i.processing && cfg.processing == Processing::InPollLoop || i.committing {
                return;
            }
            i.last_poll = now;
            i.waiting = false;
        }
        if self.cinst(c, inst).needs_rejoin {
            self.rejoin(c, inst);
            return;
        }
        if self.cinst(c, inst).phase != Phase::Active {
            return;
        }
        if let ConsumerRole::Processor(n) = self.consumers[c as usize].role {
            if !self.processor_may_poll(n) {
                return;
            }
        }
        // Auto-commit happens inside poll(): it commits the positions reached by the
        // records that earlier polls returned, whether or not they were processed.
        if cfg.enable_auto_commit && now >= self.cinst(c, inst).last_auto_commit + cfg.auto_commit_interval_ms {
            let i = self.cinst(c, inst);
            i.last_auto_commit = now;
            let offsets: Vec<(Tp, u64)> = i.positions.iter().map(|(tp, o)| (*tp, *o)).collect();
            let generation = i.generation;
            if !offsets.is_empty() {
                self.commit_offsets(c, inst, group, generation, offsets, false);
            }
        }
        let records = self.take_records(c, inst, cfg.max_poll_records as usize);
        self.send_fetches(c, inst);
        if records.is_empty() {
            let i = self.cinst(c, inst);
            i.waiting = true;
            self.schedule_poll(c, inst, POLL_TIMEOUT_MS);
            return;
        }
        let generation = self.cinst(c, inst).generation;
        let list: Vec<(Tp, u64, MsgId)> = records.iter().map(|(tp, o, r)| (*tp, *o, r.msg)).collect();
        self.record(Kind::Poll { c, inst, generation, records: list });
        if cfg.commit == CommitMode::OutOfOrder {
            self.ooo_start(c, inst, records);
            return;
        }
        let i = self.cinst(c, inst);
        i.work.extend(records);
        match cfg.processing {
            Processing::InPollLoop => self.start_processing(c, inst),
            Processing::Handoff => {
                self.start_processing(c, inst);
                self.schedule_poll(c, inst, 0);
            }
        }
    }

    /// Takes up to `max` buffered records, partition by partition, advancing positions.
    fn take_records(&mut self, c: u16, inst: u16, max: usize) -> Vec<(Tp, u64, Record)> {
        let i = self.cinst(c, inst);
        let mut out = Vec::new();
        let n = i.assignment.len();
        for k in 0..n {
            if out.len() >= max {
                break;
            }
            let tp = i.assignment[(i.rr + k) % n];
            let Some(buf) = i.buffers.get_mut(&tp) else { continue };
            let mut last = None;
            while out.len() < max {
                let Some((off, epoch, rec)) = buf.pop_front() else { break };
                last = Some((off, epoch));
                out.push((tp, off, rec));
            }
            // The position and its epoch are those of the last record taken.
            if let Some((off, epoch)) = last {
                i.positions.insert(tp, off + 1);
                i.position_epochs.insert(tp, epoch);
            }
            if buf.is_empty() {
                // Past any markers or aborted records that were filtered out.
                if let Some(&f) = i.fetch_offsets.get(&tp) {
                    let p = i.positions.entry(tp).or_insert(f);
                    *p = (*p).max(f);
                }
            }
        }
        if n > 0 {
            i.rr = (i.rr + 1) % n;
        }
        out
    }

    fn start_processing(&mut self, c: u16, inst: u16) {
        let i = self.cinst(c, inst);
        if i.processing {
            return;
        }
        let Some(&(_, _, rec)) = i.work.front() else { return };
        i.processing = true;
        let ms = self.processing_time(c, rec.msg);
        self.q.after(ms, Ev::Consumer(c, inst, ConsumerEv::Processed));
    }

    /// `processing_ms`, or the `slow_message` time for that message.
    pub fn processing_time(&self, c: u16, msg: MsgId) -> u64 {
        let base = self.consumers[c as usize].cfg.processing_ms;
        self.slow.iter().find(|(m, _)| *m == msg).map(|(_, ms)| *ms).unwrap_or(base)
    }

    /// The head record's processing finished: its effect is applied (once per id with an
    /// inbox), then the configured commit happens. A poison message fails instead: it is
    /// tried again, or dead-lettered once the attempts are used up when a DLQ is set.
    fn processed(&mut self, c: u16, inst: u16) {
        let i = self.cinst(c, inst);
        let Some(&(tp, offset, rec)) = i.work.front() else {
            i.processing = false;
            return;
        };
        if self.poison.contains(&rec.msg) {
            self.processing_failed(c, inst, tp, offset, rec);
            return;
        }
        let i = self.cinst(c, inst);
        i.processing = false;
        i.work.pop_front();
        if let ConsumerRole::Processor(n) = self.consumers[c as usize].role {
            self.cinst(c, inst).processed.insert(tp, offset + 1);
            self.processor_process(n, c, inst, tp, offset, rec);
            return;
        }
        self.apply(c, inst, tp, offset, rec);
        self.finish_record(c, inst, tp, offset);
    }

    /// The effect of a record: applied, or skipped by the inbox when already applied.
    pub fn apply(&mut self, c: u16, inst: u16, tp: Tp, offset: u64, rec: Record) {
        let group = self.consumers[c as usize].group;
        if self.consumers[c as usize].cfg.inbox && !self.inbox_insert(group, rec.msg) {
            self.record(Kind::InboxSkip { c, inst, msg: rec.msg });
        } else {
            self.record(Kind::Apply { c, inst, msg: rec.msg, tp, offset });
        }
    }

    /// A record is done (applied or dead-lettered): commit as configured, go on.
    pub fn finish_record(&mut self, c: u16, inst: u16, tp: Tp, offset: u64) {
        let cfg = self.consumers[c as usize].cfg.clone();
        let group = self.consumers[c as usize].group;
        let i = self.cinst(c, inst);
        i.processed.insert(tp, offset + 1);
        let batch_done = i.work.is_empty();
        let generation = i.generation;
        let sync_commit = match cfg.commit {
            CommitMode::PerRecord => Some(vec![(tp, offset + 1)]),
            CommitMode::AfterBatch if batch_done => {
                let i = self.cinst(c, inst);
                Some(i.processed.iter().map(|(t, o)| (*t, *o)).collect())
            }
            _ => None,
        };
        let blocking = cfg.processing == Processing::InPollLoop;
        if let Some(offsets) = sync_commit {
            self.commit_offsets(c, inst, group, generation, offsets, blocking);
            if blocking {
                self.cinst(c, inst).committing = true;
                return;
            }
        }
        self.after_processing(c, inst);
    }

    /// `commitSync`/`commitAsync` of `offsets`, each with the leader epoch of the record
    /// before it (KIP-320), so that a consumer resuming from them can validate them.
    pub fn commit_offsets(&mut self, c: u16, inst: u16, group: u16, generation: u32, offsets: Vec<(Tp, u64)>, sync: bool) {
        let i = self.cinst(c, inst);
        let epochs = offsets.iter().map(|&(tp, o)| i.epoch_before(tp, o)).collect();
        self.send(Node::Consumer(c, inst), Node::Coordinator, Msg::OffsetCommit { group, generation, offsets, epochs, sync });
    }

    pub fn after_processing(&mut self, c: u16, inst: u16) {
        let i = self.cinst(c, inst);
        if !i.work.is_empty() {
            self.start_processing(c, inst);
        } else if self.consumers[c as usize].cfg.processing == Processing::InPollLoop {
            self.schedule_poll(c, inst, 0);
        }
    }

    /// Records `msg` in the group's inbox table; false if it was already there.
    fn inbox_insert(&mut self, group: u16, msg: MsgId) -> bool {
        self.inboxes.entry(group).or_default().insert(msg)
    }

    /// Eager rebalance: give up every partition (committing first when auto-commit is on,
    /// as the Java client does before rejoining) and join again.
    fn rejoin(&mut self, c: u16, inst: u16) {
        let cfg = &self.consumers[c as usize].cfg;
        let auto = cfg.enable_auto_commit;
        let group = self.consumers[c as usize].group;
        let me = Node::Consumer(c, inst);
        let i = self.cinst(c, inst);
        i.needs_rejoin = false;
        if auto && i.phase == Phase::Active && !i.positions.is_empty() {
            let offsets = i.positions.iter().map(|(t, o)| (*t, *o)).collect();
            let generation = i.generation;
            self.commit_offsets(c, inst, group, generation, offsets, false);
        }
        let i = self.cinst(c, inst);
        i.phase = Phase::Joining;
        i.assignment.clear();
        i.buffers.clear();
        i.fetching.clear();
        i.positions.clear();
        i.position_epochs.clear();
        i.seen_epochs.clear();
        i.validating.clear();
        i.fetch_offsets.clear();
        i.processed.clear();
        i.work.clear();
        i.ooo_records.clear();
        i.ooo_committed.clear();
        i.dlq_inflight.clear();
        let generation_seen = i.generation;
        self.send(me, Node::Coordinator, Msg::JoinGroup { group, generation_seen });
    }

    fn send_fetches(&mut self, c: u16, inst: u16) {
        let iso = self.consumers[c as usize].cfg.isolation_level;
        let me = Node::Consumer(c, inst);
        let now = self.now();
        let mut reqs = Vec::new();
        let mut need_metadata = false;
        let mut retry_at: Option<Time> = None;
        let mut validations = Vec::new();
        {
            let i = self.cinst(c, inst);
            if i.phase != Phase::Active {
                return;
            }
            // A fetch unanswered for request.timeout.ms is given up.
            i.fetching.retain(|_, (_, at)| now < *at + REQUEST_TIMEOUT_MS);
            for &tp in &i.assignment {
                if i.fetching.contains_key(&tp) || i.buffers.get(&tp).is_some_and(|b| !b.is_empty()) {
                    continue;
                }
                let validating = i.validating.get(&tp).copied();
                if validating.is_some_and(|v| v.is_some()) {
                    continue;
                }
                let Some(&offset) = i.fetch_offsets.get(&tp) else { continue };
                match i.leaders.get(&tp).copied().flatten() {
                    Some(l) => match i.backoff.get(&l) {
                        Some(&until) if until > now => {
                            retry_at = Some(retry_at.map_or(until, |r| r.min(until)));
                        }
                        _ if validating.is_some() => validations.push((l, tp)),
                        _ => reqs.push((l, tp, offset)),
                    },
                    None => need_metadata = true,
                }
            }
            for (l, tp, _) in &reqs {
                i.fetching.insert(*tp, (*l, now));
            }
            for (l, tp) in &validations {
                i.validating.insert(*tp, Some(*l));
            }
        }
        for (l, tp) in validations {
            let i = self.cinst(c, inst);
            let current_leader_epoch = i.leader_epochs.get(&tp).copied().unwrap_or(0);
            let leader_epoch = i.position_epochs.get(&tp).copied().unwrap_or(0);
            self.send(me, Node::Broker(l), Msg::OffsetsForLeaderEpoch { tp, current_leader_epoch, leader_epoch });
        }
        if let Some(t) = retry_at {
            self.q.at(t, Ev::Consumer(c, inst, ConsumerEv::Refetch));
        }
        for (l, tp, offset) in reqs {
            let current_leader_epoch = self.cinst(c, inst).leader_epochs.get(&tp).copied().unwrap_or(0);
            let req = FetchReq { tp, offset, replica: None, current_leader_epoch, last_fetched_epoch: None, isolation: iso };
            self.send(me, Node::Broker(l), Msg::Fetch(req));
        }
        if need_metadata {
            self.consumer_metadata(c, inst);
        }
    }

    fn consumer_metadata(&mut self, c: u16, inst: u16) {
        let now = self.now();
        let i = self.cinst(c, inst);
        if i.metadata_inflight || now < i.metadata_retry_at {
            return;
        }
        i.metadata_inflight = true;
        self.send(Node::Consumer(c, inst), Node::Controller, Msg::Metadata);
    }

    pub fn consumer_receive(&mut self, c: u16, inst: u16, from: Node, msg: Msg, net_id: u64) {
        if !self.consumers[c as usize].instances[inst as usize].alive {
            self.record(Kind::NetDrop { id: net_id, reason: DropReason::SenderGone });
            return;
        }
        let me = Node::Consumer(c, inst);
        let group = self.consumers[c as usize].group;
        match msg {
            Msg::MetadataResp { partitions } => {
                let now = self.now();
                let topic = self.consumers[c as usize].cfg.topic as u16;
                let i = self.cinst(c, inst);
                i.metadata_inflight = false;
                let count = partitions.iter().filter(|(tp, _, _)| tp.topic == topic).count() as u32;
                for (tp, leader, epoch) in partitions {
                    i.leaders.insert(tp, leader);
                    if leader.is_none() {
                        continue;
                    }
                    let before = i.leader_epochs.insert(tp, epoch);
                    // KIP-320: a new leader may hold a log truncated below this consumer's
                    // position; the position is validated before fetching again (only a
                    // position with the epoch of a consumed record can be).
                    if before.is_some_and(|b| epoch > b) && i.phase == Phase::Active && i.assignment.contains(&tp) && i.position_epochs.contains_key(&tp) {
                        i.validating.insert(tp, None);
                        i.buffers.remove(&tp);
                        i.fetching.remove(&tp);
                        if let Some(&p) = i.positions.get(&tp) {
                            i.fetch_offsets.insert(tp, p);
                        }
                    }
                }
                // The topic grew: the group must rebalance to assign the new partitions.
                if i.topic_partitions != 0 && count > i.topic_partitions && i.phase == Phase::Active {
                    i.needs_rejoin = true;
                    if !i.processing && !i.committing {
                        self.schedule_poll(c, inst, 0);
                    }
                }
                let i = self.cinst(c, inst);
                i.topic_partitions = i.topic_partitions.max(count);
                let leaderless = i.assignment.iter().chain(i.unpositioned.iter()).any(|tp| i.leaders.get(tp).is_none_or(|l| l.is_none()));
                if leaderless {
                    // Metadata is refreshed again after retry.backoff.ms.
                    i.metadata_retry_at = now + RETRY_BACKOFF_MS;
                    self.q.after(RETRY_BACKOFF_MS, Ev::Consumer(c, inst, ConsumerEv::Refetch));
                }
                self.send_fetches(c, inst);
                self.position_unpositioned(c, inst);
            }
            Msg::JoinResp { generation, partitions, .. } => {
                let i = self.cinst(c, inst);
                i.generation = generation;
                i.assignment = partitions.clone();
                i.phase = Phase::Positioning;
                i.unpositioned = crate::sort::btree_set(partitions.iter().copied());
                i.waiting = false;
                self.record(Kind::Assign { c, inst, generation, partitions: partitions.clone() });
                self.send(me, Node::Coordinator, Msg::OffsetFetch { group, partitions });
            }
            Msg::OffsetFetchResp { offsets, epochs } => {
                let reset = self.consumers[c as usize].cfg.auto_offset_reset;
                let mut resets = Vec::new();
                let i = self.cinst(c, inst);
                if i.phase != Phase::Positioning {
                    return;
                }
                for ((tp, committed), epoch) in offsets.into_iter().zip(epochs) {
                    match committed {
                        Some(o) => {
                            i.positions.insert(tp, o);
                            i.fetch_offsets.insert(tp, o);
                            i.unpositioned.remove(&tp);
                            // KIP-320: a committed offset with its leader epoch is validated
                            // against the current leader before the first fetch.
                            if let Some(e) = epoch {
                                i.position_epochs.insert(tp, e);
                                i.seen_epochs.insert(tp, vec![(e, 0)]);
                                i.validating.insert(tp, None);
                            }
                        }
                        None => resets.push(tp),
                    }
                }
                for tp in resets {
                    self.reset_offset(c, inst, tp, reset);
                }
                self.maybe_active(c, inst);
            }
            Msg::ListOffsetsResp { tp, result } => {
                let i = self.cinst(c, inst);
                match result {
                    Ok(o) if i.unpositioned.contains(&tp) => {
                        i.unpositioned.remove(&tp);
                        i.positions.insert(tp, o);
                        i.fetch_offsets.insert(tp, o);
                        i.buffers.remove(&tp);
                        self.record(Kind::OffsetReset { c, inst, tp, offset: o });
                        self.maybe_active(c, inst);
                        self.send_fetches(c, inst);
                    }
                    Ok(_) => {}
                    Err(_) => {
                        self.consumer_metadata(c, inst);
                    }
                }
            }
            Msg::OffsetsForLeaderEpochResp { tp, result } => self.validation_response(c, inst, from, tp, result),
            Msg::FetchResp(resp) => self.consumer_fetch_response(c, inst, from, resp),
            Msg::ProduceResp(resp) => self.dlq_response(c, inst, resp),
            Msg::Disconnected => {
                if let Node::Broker(b) = from {
                    let now = self.now();
                    let i = self.cinst(c, inst);
                    i.fetching.retain(|_, (to, _)| *to != b);
                    for v in i.validating.values_mut() {
                        if *v == Some(b) {
                            *v = None;
                        }
                    }
                    i.backoff.insert(b, now + RECONNECT_BACKOFF_MS);
                    let dlq: Vec<u64> = i.dlq_inflight.keys().copied().collect();
                    for r in dlq {
                        self.q.after(RETRY_BACKOFF_MS, Ev::Consumer(c, inst, ConsumerEv::DlqRetry(r)));
                    }
                    self.consumer_metadata(c, inst);
                    self.q.after(RECONNECT_BACKOFF_MS, Ev::Consumer(c, inst, ConsumerEv::Refetch));
                }
            }
            Msg::GroupHeartbeatResp { error: Some(_) } => {
                let i = self.cinst(c, inst);
                if i.phase != Phase::Joining {
                    i.needs_rejoin = true;
                    let idle = !i.processing && !i.committing;
                    if idle {
                        self.schedule_poll(c, inst, 0);
                    }
                }
            }
            Msg::OffsetCommitResp { offsets, error, sync } => {
                let generation = self.cinst(c, inst).generation;
                let ok = error.is_none();
                self.record(Kind::Commit { c, inst, generation, offsets, ok });
                if let Some(e) = error {
                    self.record(Kind::Error { who: me, error: e, msg: None });
                    self.cinst(c, inst).needs_rejoin = true;
                }
                if sync && self.cinst(c, inst).committing {
                    self.cinst(c, inst).committing = false;
                    self.after_processing(c, inst);
                }
            }
            _ => {}
        }
    }

    /// The answer to `OffsetsForLeaderEpoch` (KIP-320, as the Java client's
    /// `SubscriptionState.maybeCompleteValidation`): the epoch of the consumer's last record
    /// ends below its position on the new leader, so the records it read there are gone
    /// from the log; it moves back to where the logs diverge (or, with no such epoch left,
    /// to `auto.offset.reset`). `auto.offset.reset` = none raises the truncation instead.
    fn validation_response(&mut self, c: u16, inst: u16, from: Node, tp: Tp, result: Result<Option<(u32, u64)>, KafkaError>) {
        let reset = self.consumers[c as usize].cfg.auto_offset_reset;
        let i = self.cinst(c, inst);
        if i.validating.get(&tp).copied().flatten().map(Node::Broker) != Some(from) {
            return;
        }
        match result {
            Err(_) => {
                i.validating.insert(tp, None);
                self.consumer_metadata(c, inst);
                self.q.after(RETRY_BACKOFF_MS, Ev::Consumer(c, inst, ConsumerEv::Refetch));
                return;
            }
            Ok(end) => {
                i.validating.remove(&tp);
                let position = i.positions.get(&tp).copied().unwrap_or(0);
                match end {
                    Some((_, end)) if end >= position => {}
                    _ if reset == OffsetReset::None => self.reset_offset(c, inst, tp, reset),
                    Some((epoch, end)) => {
                        i.positions.insert(tp, end);
                        i.fetch_offsets.insert(tp, end);
                        i.position_epochs.insert(tp, epoch);
                        let seen = i.seen_epochs.entry(tp).or_default();
                        seen.retain(|&(_, start)| start < end);
                        if seen.is_empty() {
                            seen.push((epoch, 0));
                        }
                        i.buffers.remove(&tp);
                        self.record(Kind::TruncationDetected { c, inst, tp, position, offset: end });
                    }
                    None => {
                        i.position_epochs.remove(&tp);
                        i.fetch_offsets.remove(&tp);
                        i.buffers.remove(&tp);
                        self.reset_offset(c, inst, tp, reset);
                    }
                }
            }
        }
        self.send_fetches(c, inst);
    }

    fn reset_offset(&mut self, c: u16, inst: u16, tp: Tp, reset: OffsetReset) {
        match reset {
            OffsetReset::Earliest => {
                let i = self.cinst(c, inst);
                i.unpositioned.remove(&tp);
                i.positions.insert(tp, 0);
                i.fetch_offsets.insert(tp, 0);
                i.buffers.remove(&tp);
                self.record(Kind::OffsetReset { c, inst, tp, offset: 0 });
            }
            OffsetReset::Latest => {
                let i = self.cinst(c, inst);
                i.unpositioned.insert(tp);
                self.position_unpositioned(c, inst);
            }
            OffsetReset::None => {
                // NoOffsetForPartitionException: the application stops consuming it.
                let i = self.cinst(c, inst);
                i.unpositioned.remove(&tp);
                i.assignment.retain(|t| *t != tp);
                self.record(Kind::Error { who: Node::Consumer(c, inst), error: KafkaError::OffsetOutOfRange, msg: None });
            }
        }
    }

    /// Asks partition leaders for the latest offsets of partitions without a position.
    fn position_unpositioned(&mut self, c: u16, inst: u16) {
        let iso = self.consumers[c as usize].cfg.isolation_level;
        let me = Node::Consumer(c, inst);
        let i = self.cinst(c, inst);
        if i.phase == Phase::Joining {
            return;
        }
        let mut reqs = Vec::new();
        let mut need_metadata = false;
        for &tp in &i.unpositioned {
            match i.leaders.get(&tp).copied().flatten() {
                Some(l) => reqs.push((l, tp)),
                None => need_metadata = true,
            }
        }
        for (l, tp) in reqs {
            self.send(me, Node::Broker(l), Msg::ListOffsets { tp, latest: true, isolation: iso });
        }
        if need_metadata {
            self.consumer_metadata(c, inst);
        }
    }

    fn maybe_active(&mut self, c: u16, inst: u16) {
        let i = self.cinst(c, inst);
        if i.phase == Phase::Positioning && i.unpositioned.is_empty() {
            i.phase = Phase::Active;
            self.send_fetches(c, inst);
            self.schedule_poll(c, inst, 0);
        }
    }

    fn consumer_fetch_response(&mut self, c: u16, inst: u16, from: Node, resp: FetchResp) {
        let reset = self.consumers[c as usize].cfg.auto_offset_reset;
        let tp = resp.tp;
        let i = self.cinst(c, inst);
        if i.fetching.get(&tp).is_some_and(|(b, _)| Node::Broker(*b) == from) {
            i.fetching.remove(&tp);
        }
        if !i.assignment.contains(&tp) || i.fetch_offsets.get(&tp) != Some(&resp.offset) || i.validating.contains_key(&tp) {
            return;
        }
        if let Some(e) = resp.error {
            match e {
                KafkaError::OffsetOutOfRange => {
                    i.fetch_offsets.remove(&tp);
                    self.reset_offset(c, inst, tp, reset);
                    self.maybe_active(c, inst);
                }
                _ => {
                    let _ = from;
                    self.consumer_metadata(c, inst);
                    self.q.after(RETRY_BACKOFF_MS, Ev::Consumer(c, inst, ConsumerEv::Refetch));
                }
            }
            return;
        }
        let mut aborted: Vec<(i64, u64)> = resp.aborted.clone();
        crate::sort::by_key(&mut aborted, |a| a.1);
        let mut active: BTreeSet<i64> = BTreeSet::new();
        let mut next = resp.offset;
        let buf = i.buffers.entry(tp).or_default();
        let mut got = false;
        for b in &resp.batches {
            while let Some(&(pid, first)) = aborted.first() {
                if first <= b.base_offset {
                    active.insert(pid);
                    aborted.remove(0);
                } else {
                    break;
                }
            }
            next = next.max(b.next_offset());
            match b.control {
                Some(Control::Abort) => {
                    active.remove(&b.producer_id);
                    continue;
                }
                Some(Control::Commit) => continue,
                None => {}
            }
            if b.transactional && active.contains(&b.producer_id) {
                continue;
            }
            // The first record of this batch that is taken (a batch may start below the
            // offset asked for); its epoch is noted once per batch.
            let first = b.base_offset.max(resp.offset);
            if first < b.next_offset() {
                let seen = i.seen_epochs.entry(tp).or_default();
                if seen.last().is_none_or(|&(e, _)| e != b.leader_epoch) {
                    seen.push((b.leader_epoch, first));
                }
            }
            for (k, r) in b.records.iter().enumerate() {
                let off = b.base_offset + k as u64;
                if off >= resp.offset {
                    buf.push_back((off, b.leader_epoch, *r));
                    got = true;
                }
            }
        }
        i.fetch_offsets.insert(tp, next);
        if !got {
            // Only markers or aborted records: the position moves past them.
            if i.buffers.get(&tp).is_none_or(|b| b.is_empty()) {
                let p = i.positions.entry(tp).or_insert(next);
                *p = (*p).max(next);
            }
            self.send_fetches(c, inst);
        }
        if self.cinst(c, inst).waiting && got {
            self.cinst(c, inst).waiting = false;
            self.schedule_poll(c, inst, 0);
        }
    }

    /// Every live consumer has read and processed all it can, and no group has a dead
    /// member whose partitions are still to be reassigned.
    pub fn consumers_caught_up(&self) -> bool {
        for (gi, g) in self.groups.iter().enumerate() {
            let live: Vec<(usize, usize)> = self
                .consumers
                .iter()
                .enumerate()
                .filter(|(_, a)| a.group as usize == gi)
                .flat_map(|(c, a)| a.instances.iter().enumerate().filter(|(_, i)| i.alive).map(move |(k, _)| (c, k)))
                .collect();
            if live.is_empty() {
                continue;
            }
            if g.state != crate::group::GroupState::Stable {
                return false;
            }
            for node in g.members.keys() {
                let Node::Consumer(c, k) = *node else { continue };
                if !self.consumers[c as usize].instances[k as usize].alive {
                    return false;
                }
            }
            for (c, k) in live {
                let i = &self.consumers[c].instances[k];
                if i.phase != Phase::Active
                    || i.needs_rejoin
                    || i.processing
                    || i.committing
                    || !i.work.is_empty()
                    || !i.ooo_records.is_empty()
                    || !i.dlq_inflight.is_empty()
                    // A position being validated may yet move back (a truncation found),
                    // unless its partition has no leader and can get none.
                    || i.validating.keys().any(|tp| self.leader_offsets(*tp).is_some() || self.partition_may_recover(*tp))
                {
                    return false;
                }
                if i.generation != g.generation {
                    return false;
                }
                let iso = self.consumers[c].cfg.isolation_level;
                for tp in &i.assignment {
                    if i.buffers.get(tp).is_some_and(|b| !b.is_empty()) {
                        return false;
                    }
                    let Some((hw, lso, _)) = self.leader_offsets(*tp) else {
                        // Leaderless: done only if no replica can come back by itself.
                        if self.partition_may_recover(*tp) {
                            return false;
                        }
                        continue;
                    };
                    let end = match iso {
                        crate::scenario::IsolationLevel::ReadUncommitted => hw,
                        crate::scenario::IsolationLevel::ReadCommitted => lso,
                    };
                    if i.positions.get(tp).copied().unwrap_or(0) < end {
                        return false;
                    }
                }
            }
        }
        true
    }
}

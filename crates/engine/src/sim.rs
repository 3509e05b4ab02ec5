//! The world: every broker, the controller, every client, the network and the clock, and
//! the loop that delivers events one at a time in a deterministic order.

use crate::broker::Broker;
use crate::clock::{EventQueue, Time};
use crate::config::{FaultAction, Resolved, DEFAULT_UNTIL_MS};
use crate::consumer::{ConsumerApp, ConsumerEv};
use crate::controller::Controller;
use crate::group::{Group, GroupEv};
use crate::messages::Msg;
use crate::network::Network;
use crate::producer::{ProducerApp, ProducerEv};
use crate::rng::Streams;
use crate::trace::{DropReason, Kind, Trace, Wire};
use crate::types::{BrokerId, MsgId, Node, Tp};

#[derive(Debug)]
pub enum Ev {
    /// A message arrives; its body waits in `Sim::wire` at slot `slot`.
    Deliver { id: u64, from: Node, to: Node, slot: u32 },
    Fault(usize),
    BrokerHeartbeat(BrokerId, u32),
    SessionCheck(BrokerId),
    IsrCheck(BrokerId, u32),
    FollowerFetch(BrokerId, Tp),
    /// A follower's fetch sent at this time may have gone unanswered.
    FollowerFetchTimeout(BrokerId, Tp, Time),
    FetchExpire(BrokerId, u64),
    Producer(u16, u16, ProducerEv),
    Consumer(u16, u16, ConsumerEv),
    Group(u16, GroupEv),
    Processor(u16, u16, crate::processor::ProcessorEv),
    TxnMarkers(std::rc::Rc<str>),
    TxnTimeouts,
    PreferredLeaderCheck,
    QuiesceCheck,
}

pub struct Sim {
    pub q: EventQueue<Ev>,
    pub cfg: Resolved,
    pub net: Network,
    pub brokers: Vec<Broker>,
    pub controller: Controller,
    pub producers: Vec<ProducerApp>,
    pub consumers: Vec<ConsumerApp>,
    pub groups: Vec<Group>,
    pub trace: Trace,
    pub rng: Streams,
    /// Current partition count of each topic.
    pub partitions: Vec<u32>,
    pub faults_done: usize,
    /// Poisoned and slowed message ids (`poison_message`, `slow_message`).
    pub poison: Vec<MsgId>,
    pub slow: Vec<(MsgId, u64)>,
    /// Each group's inbox table of applied message ids.
    pub inboxes: std::collections::BTreeMap<u16, std::collections::BTreeSet<MsgId>>,
    /// The transaction coordinators' state, by `transactional.id` (`__transaction_state`).
    pub txns: std::collections::BTreeMap<std::rc::Rc<str>, crate::txn_coordinator::TxnMeta>,
    pub processors: Vec<crate::processor::ProcessorApp>,
    pub end: Time,
    pub stopped_at: Option<Time>,
    /// Bodies of messages on the wire (reused slots, so sending allocates nothing).
    wire: Vec<Option<Msg>>,
    free_slots: Vec<u32>,
    /// The producer sender's (leader, partition) list, reused between rounds.
    pub sender_scratch: Vec<(BrokerId, u32)>,
}

impl Sim {
    pub fn new(cfg: Resolved) -> Self {
        let net = Network::new(cfg.cluster.network_latency_ms);
        let partitions = cfg.topics.iter().map(|t| t.partitions).collect();
        let rng = Streams::new(cfg.seed);
        let end = cfg.until_ms.unwrap_or(DEFAULT_UNTIL_MS);
        // Room for the trace up front: about nine events per message (send, produce and
        // response, append, replication fetches, HW, poll, apply, ack), capped so that a
        // huge scenario grows as it goes instead of reserving memory it may not use.
        let messages: u64 = cfg.producers.iter().map(|p| p.messages).sum();
        let trace = Trace::with_capacity((messages.saturating_mul(9) + 1_024).min(1 << 20) as usize);
        let mut sim = Sim {
            q: EventQueue::default(),
            net,
            brokers: Vec::new(),
            controller: Controller::default(),
            producers: Vec::new(),
            consumers: Vec::new(),
            groups: Vec::new(),
            trace,
            rng,
            partitions,
            faults_done: 0,
            poison: Vec::new(),
            slow: Vec::new(),
            inboxes: Default::default(),
            txns: Default::default(),
            processors: Vec::new(),
            end,
            stopped_at: None,
            wire: Vec::new(),
            free_slots: Vec::new(),
            sender_scratch: Vec::new(),
            cfg,
        };
        sim.start();
        sim
    }

    fn start(&mut self) {
        self.start_cluster();
        for (i, f) in self.cfg.faults.iter().enumerate() {
            self.q.at(f.at_ms, Ev::Fault(i));
        }
        self.start_producers();
        self.start_consumers();
        self.start_processors();
        let transactional = self.cfg.producers.iter().any(|p| p.transactional_id.is_some())
            || self.cfg.processors.iter().any(|p| p.guarantee == crate::scenario::Guarantee::ExactlyOnceV2);
        if transactional {
            self.q.at(crate::txn_coordinator::TXN_TIMEOUT_CHECK_MS, Ev::TxnTimeouts);
        }
        self.q.at(crate::controller::LEADER_IMBALANCE_CHECK_MS, Ev::PreferredLeaderCheck);
        if self.cfg.until_ms.is_none() {
            self.q.at(100, Ev::QuiesceCheck);
        }
    }

    pub fn now(&self) -> Time {
        self.q.now
    }

    #[inline(always)]
    pub fn record(&mut self, kind: Kind) {
        let t = self.q.now;
        self.trace.push(t, kind);
    }

    /// Puts a message on the wire. It is lost at once when the link is cut.
    pub fn send(&mut self, from: Node, to: Node, msg: Msg) {
        let id = self.net.next_id();
        let arrive = self.q.now + self.net.latency;
        let wire = wire_of(&msg);
        self.record(Kind::Net { id, from, to, arrive, wire });
        if !self.net.link_up(from, to) {
            self.record(Kind::NetDrop { id, reason: DropReason::LinkCut });
            self.lost_on_cut_link(from, to, &msg);
            return;
        }
        let slot = self.park_msg(msg);
        self.q.at(arrive, Ev::Deliver { id, from, to, slot });
    }

    pub fn park_msg(&mut self, msg: Msg) -> u32 {
        match self.free_slots.pop() {
            Some(i) => {
                self.wire[i as usize] = Some(msg);
                i
            }
            None => {
                self.wire.push(Some(msg));
                (self.wire.len() - 1) as u32
            }
        }
    }

    pub fn take_msg(&mut self, slot: u32) -> Msg {
        self.free_slots.push(slot);
        self.wire[slot as usize].take().expect("a parked message is taken once")
    }

    /// Runs to the end and returns the recorded trace.
    pub fn run(mut self) -> (Trace, Resolved, Time) {
        while self.stopped_at.is_none() {
            let Some((_, ev)) = self.q.pop_until(self.end) else { break };
            self.handle(ev);
        }
        let end = self.stopped_at.unwrap_or(self.end.min(self.q.now.max(self.end)));
        (self.trace, self.cfg, end)
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver { id, from, to, slot } => {
                let msg = self.take_msg(slot);
                self.deliver(id, from, to, msg)
            }
            Ev::Fault(i) => self.fault(i),
            Ev::BrokerHeartbeat(b, gen) => self.broker_heartbeat(b, gen),
            Ev::SessionCheck(b) => self.controller_session_check(b),
            Ev::IsrCheck(b, gen) => self.isr_check(b, gen),
            Ev::FollowerFetch(b, tp) => self.follower_fetch(b, tp),
            Ev::FollowerFetchTimeout(b, tp, sent) => self.follower_fetch_timeout(b, tp, sent),
            Ev::FetchExpire(b, id) => self.fetch_expire(b, id),
            Ev::Producer(p, inst, pev) => self.producer_event(p, inst, pev),
            Ev::Consumer(c, inst, cev) => self.consumer_event(c, inst, cev),
            Ev::Group(g, gev) => self.group_event(g, gev),
            Ev::Processor(n, inst, pev) => self.processor_event(n, inst, pev),
            Ev::TxnMarkers(tid) => self.send_markers(tid),
            Ev::TxnTimeouts => self.txn_timeouts(),
            Ev::PreferredLeaderCheck => self.preferred_leader_election(),
            Ev::QuiesceCheck => {
                if self.quiescent() {
                    self.stopped_at = Some(self.q.now);
                } else {
                    self.q.after(100, Ev::QuiesceCheck);
                }
            }
        }
    }

    fn deliver(&mut self, id: u64, from: Node, to: Node, msg: Msg) {
        if !self.net.link_up(from, to) {
            self.record(Kind::NetDrop { id, reason: DropReason::LinkCut });
            self.lost_on_cut_link(from, to, &msg);
            return;
        }
        match to {
            Node::Broker(b) => {
                if !self.brokers[b as usize].alive {
                    self.record(Kind::NetDrop { id, reason: DropReason::TargetDown });
                    // The host refuses the connection; the sender notices.
                    let notice = match msg {
                        Msg::Connect => Some(Msg::ConnectResult { ok: false }),
                        Msg::BrokerHeartbeat { .. } | Msg::LeaderAndIsr { .. } => None,
                        Msg::AlterPartitionResp { .. } | Msg::Disconnected => None,
                        _ => Some(Msg::Disconnected),
                    };
                    if let Some(n) = notice {
                        self.send(to, from, n);
                    }
                    return;
                }
                self.broker_receive(b, from, msg);
            }
            Node::Controller => self.controller_receive(from, msg),
            Node::Producer(p, inst) => self.producer_receive(p, inst, from, msg, id),
            Node::Consumer(c, inst) => self.consumer_receive(c, inst, from, msg, id),
            Node::Processor(n, inst) => self.processor_receive(n, inst, from, msg, id),
            Node::Coordinator => self.coordinator_receive(from, msg),
        }
    }

    fn fault(&mut self, i: usize) {
        self.faults_done = self.faults_done.max(i + 1);
        let action = self.cfg.faults[i].kind.clone();
        match action {
            FaultAction::CrashBroker(b) => self.crash_broker(b),
            FaultAction::RestartBroker(b) => self.restart_broker(b),
            FaultAction::IsolateBroker(b) => {
                self.net.isolated.insert(b);
                self.record(Kind::Isolate { b });
            }
            FaultAction::Heal => {
                let healed = std::mem::take(&mut self.net.isolated);
                self.record(Kind::Heal);
                for b in healed {
                    self.resend_state(b);
                }
            }
            FaultAction::DropProduceRequests { producer, count } => {
                self.producers[producer].drop_requests += count;
            }
            FaultAction::DropProduceResponses { producer, count } => {
                self.producers[producer].drop_responses += count;
            }
            FaultAction::CrashProducer(p) => self.crash_producer(p as u16),
            FaultAction::RestartProducer(p) => self.restart_producer(p as u16),
            FaultAction::PauseProducer(p) => self.pause_producer(p as u16),
            FaultAction::ResumeProducer(p) => self.resume_producer(p as u16),
            FaultAction::CrashConsumer(c) => self.crash_consumer(c as u16),
            FaultAction::RestartConsumer(c) => self.restart_consumer(c as u16),
            FaultAction::CrashProcessor(n) => self.crash_processor(n as u16),
            FaultAction::RestartProcessor(n) => self.restart_processor(n as u16),
            FaultAction::PoisonMessage(m) => {
                if let Some(id) = self.msg_id_of(&m) {
                    self.poison.push(id);
                }
            }
            FaultAction::SlowMessage { message, ms } => {
                if let Some(id) = self.msg_id_of(&message) {
                    self.slow.push((id, ms));
                }
            }
            FaultAction::AddPartitions { topic, count } => self.add_partitions(topic, count),
        }
    }

    pub fn msg_id_of(&self, s: &str) -> Option<MsgId> {
        let (p, i) = s.rsplit_once('-')?;
        let producer = self.cfg.producers.iter().position(|x| x.id == p)? as u16;
        let index = i.parse().ok()?;
        Some(MsgId { producer, index })
    }

    /// Nothing left that can change the outcome: faults done, producers finished, every
    /// live consumer caught up with what it can read, and the replicas that can catch up
    /// with their leaders have (so the last picture is of a settled cluster).
    fn quiescent(&self) -> bool {
        if self.faults_done < self.cfg.faults.len() {
            return false;
        }
        self.producers.iter().all(|p| p.finished())
            && self.consumers_caught_up()
            && self.replicas_settled()
            && self.txns.values().all(|t| !matches!(t.state, crate::txn_coordinator::TxnState::Ongoing | crate::txn_coordinator::TxnState::PrepareCommit | crate::txn_coordinator::TxnState::PrepareAbort))
    }
}

fn wire_of(msg: &Msg) -> Wire {
    match msg {
        Msg::Produce(r) => Wire::ProduceRequest {
            records: r.batches.iter().map(|b| b.records.len() as u32).sum(),
        },
        Msg::ProduceResp(r) => Wire::ProduceResponse {
            error: r.results.iter().find_map(|(_, x)| x.err()),
        },
        Msg::Fetch(f) => Wire::FetchRequest { tp: f.tp, offset: f.offset },
        Msg::FetchResp(f) => Wire::FetchResponse {
            tp: f.tp,
            records: f.batches.iter().map(|b| b.records.len() as u32).sum(),
        },
        Msg::BrokerHeartbeat { .. } => Wire::Heartbeat,
        Msg::Metadata | Msg::MetadataResp { .. } => Wire::Metadata,
        Msg::InitProducerId | Msg::InitProducerIdResp { .. } => Wire::Txn,
        Msg::LeaderAndIsr { .. } | Msg::AlterPartition { .. } | Msg::AlterPartitionResp { .. } => {
            Wire::Control
        }
        Msg::ListOffsets { .. }
        | Msg::ListOffsetsResp { .. }
        | Msg::OffsetsForLeaderEpoch { .. }
        | Msg::OffsetsForLeaderEpochResp { .. } => Wire::Metadata,
        Msg::OffsetCommit { .. } | Msg::OffsetCommitResp { .. } => Wire::Commit,
        Msg::Connect | Msg::ConnectResult { .. } => Wire::Connect,
        Msg::WriteTxnMarker { .. } | Msg::WriteTxnMarkerResp { .. } => Wire::Marker,
        Msg::FindCoordinator { .. }
        | Msg::FindCoordinatorResp { .. }
        | Msg::InitPid { .. }
        | Msg::InitPidResp { .. }
        | Msg::AddPartitionsToTxn { .. }
        | Msg::AddPartitionsResp { .. }
        | Msg::TxnOffsetCommit { .. }
        | Msg::TxnOffsetCommitResp { .. }
        | Msg::EndTxn { .. }
        | Msg::EndTxnResp { .. } => Wire::Txn,
        Msg::Disconnected => Wire::Disconnect,
        Msg::JoinGroup { .. }
        | Msg::JoinResp { .. }
        | Msg::GroupHeartbeat { .. }
        | Msg::GroupHeartbeatResp { .. }
        | Msg::LeaveGroup { .. }
        | Msg::OffsetFetch { .. }
        | Msg::OffsetFetchResp { .. } => Wire::Group,
    }
}


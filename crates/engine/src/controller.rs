//! The KRaft controller: broker registrations and heartbeats, fencing after
//! `broker.session.timeout.ms`, leader election (first live ISR member of the replica list;
//! with `unclean.leader.election.enable`, any live replica when no ISR member is), ISR
//! changes requested by leaders (AlterPartition), and client metadata.

use crate::clock::Time;
use crate::messages::{Msg, PartitionState};
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::types::{BrokerId, Node, Tp};
use std::collections::BTreeMap;

/// `leader.imbalance.check.interval.seconds` = 300.
pub const LEADER_IMBALANCE_CHECK_MS: u64 = 300_000;

#[derive(Clone, Debug, Default)]
pub struct BrokerRegistration {
    pub fenced: bool,
    pub last_heartbeat: Time,
    /// Which start of the broker process registered (bumped on every restart).
    pub incarnation: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Controller {
    pub parts: BTreeMap<Tp, PartitionState>,
    pub brokers: Vec<BrokerRegistration>,
    pub next_producer_id: i64,
}

impl Controller {
    pub fn init(&mut self, brokers: u32, now: Time) {
        self.brokers = (0..brokers).map(|_| BrokerRegistration { fenced: false, last_heartbeat: now, incarnation: 0 }).collect();
    }

    pub fn is_fenced(&self, b: BrokerId) -> bool {
        self.brokers.get(b as usize).is_none_or(|r| r.fenced)
    }
}

impl Sim {
    pub fn controller_receive(&mut self, from: Node, msg: Msg) {
        match (from, msg) {
            (Node::Broker(b), Msg::BrokerHeartbeat { incarnation }) => {
                let now = self.now();
                let timeout = self.cfg.cluster.broker_session_timeout_ms;
                let reg = &mut self.controller.brokers[b as usize];
                reg.last_heartbeat = now;
                let restarted = reg.incarnation != incarnation;
                reg.incarnation = incarnation;
                self.q.after(timeout, Ev::SessionCheck(b));
                // A broker that registers with a new incarnation restarted: its old
                // registration is fenced first (leadership moves, it leaves the ISR), then
                // it rejoins as a follower that must catch up.
                if restarted && !self.controller.brokers[b as usize].fenced {
                    self.fence(b);
                }
                if self.controller.brokers[b as usize].fenced {
                    self.unfence(b);
                }
            }
            (Node::Broker(b), Msg::AlterPartition { tp, leader_epoch, partition_epoch, isr }) => {
                let fenced: Vec<bool> = self.controller.brokers.iter().map(|r| r.fenced).collect();
                let Some(st) = self.controller.parts.get_mut(&tp) else { return };
                let valid = st.leader == Some(b)
                    && st.leader_epoch == leader_epoch
                    && st.partition_epoch == partition_epoch
                    && !isr.is_empty()
                    && isr.iter().all(|&r| st.replicas.contains(&r))
                    // KRaft refuses to add a fenced broker to the ISR (INELIGIBLE_REPLICA).
                    && isr.iter().all(|&r| st.isr.contains(&r) || !fenced[r as usize]);
                if !valid {
                    let state = Some(st.clone());
                    self.send(Node::Controller, from, Msg::AlterPartitionResp { tp, state });
                    return;
                }
                st.isr = isr.clone();
                st.partition_epoch += 1;
                let st = st.clone();
                self.record(Kind::Isr { tp, isr });
                self.send(Node::Controller, from, Msg::AlterPartitionResp { tp, state: Some(st.clone()) });
                self.push_state(tp, &st, Some(b));
            }
            (client, Msg::InitProducerId) => {
                self.controller.next_producer_id += 1;
                let producer_id = 999 + self.controller.next_producer_id;
                self.send(Node::Controller, client, Msg::InitProducerIdResp { producer_id, epoch: 0 });
            }
            (client, Msg::FindCoordinator { tid }) => {
                let broker = self.txn_coordinator_for(&tid);
                self.send(Node::Controller, client, Msg::FindCoordinatorResp { broker });
            }
            (client, Msg::Metadata) => {
                let partitions = self.controller.parts.iter().map(|(tp, s)| (*tp, s.leader, s.leader_epoch)).collect();
                self.send(Node::Controller, client, Msg::MetadataResp { partitions });
            }
            _ => {}
        }
    }

    /// Sends a partition's new state to its replicas (skipping `except`).
    fn push_state(&mut self, tp: Tp, st: &PartitionState, except: Option<BrokerId>) {
        for &r in &st.replicas {
            if Some(r) != except {
                self.send(Node::Controller, Node::Broker(r), Msg::LeaderAndIsr { tp, state: st.clone() });
            }
        }
    }

    /// Sends broker `b` the state of every partition it hosts. In KRaft a broker pulls the
    /// metadata log and catches up on whatever it missed; here the controller pushes, so
    /// what was lost while `b` was cut off is sent again once its links are healed.
    pub fn resend_state(&mut self, b: BrokerId) {
        let states: Vec<(Tp, PartitionState)> =
            self.controller.parts.iter().filter(|(_, s)| s.replicas.contains(&b)).map(|(tp, s)| (*tp, s.clone())).collect();
        for (tp, state) in states {
            self.send(Node::Controller, Node::Broker(b), Msg::LeaderAndIsr { tp, state });
        }
    }

    pub fn controller_session_check(&mut self, b: BrokerId) {
        let now = self.now();
        let timeout = self.cfg.cluster.broker_session_timeout_ms;
        let reg = &self.controller.brokers[b as usize];
        if !reg.fenced && now.saturating_sub(reg.last_heartbeat) >= timeout {
            self.fence(b);
        }
    }

    /// The broker's session expired: remove it from every ISR (never emptying one) and
    /// move the leadership of the partitions it led.
    fn fence(&mut self, b: BrokerId) {
        self.controller.brokers[b as usize].fenced = true;
        self.record(Kind::BrokerFenced { b });
        let tps: Vec<Tp> = self.controller.parts.iter().filter(|(_, s)| s.replicas.contains(&b)).map(|(tp, _)| *tp).collect();
        for tp in tps {
            let mut st = self.controller.parts[&tp].clone();
            let mut changed = false;
            if st.isr.contains(&b) && st.isr.len() > 1 {
                st.isr.retain(|&x| x != b);
                changed = true;
            }
            let mut unclean = false;
            if st.leader == Some(b) {
                let (leader, was_unclean) = self.elect(&st, Some(b));
                unclean = was_unclean;
                st.leader = leader;
                st.leader_epoch += 1;
                if unclean {
                    st.isr = vec![leader.expect("unclean elects a live replica")];
                }
                changed = true;
            }
            if changed {
                st.partition_epoch += 1;
                self.commit_state(tp, st, unclean);
            }
        }
    }

    /// A fenced broker heartbeats again: it is back. Leaderless partitions it can lead get
    /// it as leader; it learns the state of all its partitions.
    fn unfence(&mut self, b: BrokerId) {
        self.controller.brokers[b as usize].fenced = false;
        self.record(Kind::BrokerUnfenced { b });
        let tps: Vec<Tp> = self.controller.parts.iter().filter(|(_, s)| s.replicas.contains(&b)).map(|(tp, _)| *tp).collect();
        for tp in tps {
            let mut st = self.controller.parts[&tp].clone();
            if st.leader.is_none() {
                let (leader, unclean) = self.elect(&st, None);
                if let Some(l) = leader {
                    st.leader = leader;
                    st.leader_epoch += 1;
                    st.partition_epoch += 1;
                    if unclean {
                        st.isr = vec![l];
                    }
                    self.commit_state(tp, st, unclean);
                    continue;
                }
            }
            self.send(Node::Controller, Node::Broker(b), Msg::LeaderAndIsr { tp, state: st });
        }
    }

    /// Kafka's election: the first replica in the assignment that is in the ISR and
    /// unfenced; otherwise, only when unclean election is enabled, the first unfenced
    /// replica. Returns (leader, whether the election was unclean).
    fn elect(&self, st: &PartitionState, excluding: Option<BrokerId>) -> (Option<BrokerId>, bool) {
        let live = |r: BrokerId| Some(r) != excluding && !self.controller.is_fenced(r);
        if let Some(&r) = st.replicas.iter().find(|&&r| live(r) && st.isr.contains(&r)) {
            return (Some(r), false);
        }
        if self.cfg.cluster.unclean_leader_election {
            if let Some(&r) = st.replicas.iter().find(|&&r| live(r)) {
                return (Some(r), true);
            }
        }
        (None, false)
    }

    fn commit_state(&mut self, tp: Tp, st: PartitionState, unclean: bool) {
        // The same leader in the same epoch: only the ISR changed (a fenced follower left it).
        let same_leader = self.controller.parts.get(&tp).is_some_and(|old| old.leader == st.leader && old.leader_epoch == st.leader_epoch);
        if same_leader {
            self.record(Kind::Isr { tp, isr: st.isr.clone() });
        } else {
            self.record(Kind::Leader { tp, leader: st.leader, epoch: st.leader_epoch, isr: st.isr.clone(), unclean });
        }
        self.controller.parts.insert(tp, st.clone());
        self.push_state(tp, &st, None);
    }

    /// `auto.leader.rebalance.enable` (default true): every
    /// `leader.imbalance.check.interval.seconds` (300 s) the controller moves leadership back
    /// to the preferred (first) replica of each partition where it is alive and in the ISR,
    /// when more than `leader.imbalance.per.broker.percentage` (10 %) of that broker's
    /// preferred partitions are led by others.
    pub fn preferred_leader_election(&mut self) {
        let n = self.cfg.cluster.brokers;
        for b in 0..n {
            if self.controller.is_fenced(b) {
                continue;
            }
            let preferred: Vec<Tp> =
                self.controller.parts.iter().filter(|(_, s)| s.replicas.first() == Some(&b)).map(|(tp, _)| *tp).collect();
            if preferred.is_empty() {
                continue;
            }
            let not_led: Vec<Tp> = preferred.iter().copied().filter(|tp| self.controller.parts[tp].leader != Some(b)).collect();
            if not_led.len() * 10 <= preferred.len() {
                continue;
            }
            for tp in not_led {
                let mut st = self.controller.parts[&tp].clone();
                if !st.isr.contains(&b) {
                    continue;
                }
                st.leader = Some(b);
                st.leader_epoch += 1;
                st.partition_epoch += 1;
                self.commit_state(tp, st, false);
            }
        }
        self.q.after(LEADER_IMBALANCE_CHECK_MS, Ev::PreferredLeaderCheck);
    }

    /// `add_partitions`: the topic grows; new partitions get the contract's placement.
    pub fn add_partitions(&mut self, topic: usize, count: u32) {
        let current = self.partitions[topic];
        if count <= current {
            return;
        }
        self.partitions[topic] = count;
        self.create_partitions(topic, current, count);
    }
}

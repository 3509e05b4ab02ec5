//! The group coordinator (classic protocol, eager rebalancing, range assignor): members
//! join, a generation forms once every known member has rejoined (the first one after
//! `group.initial.rebalance.delay.ms`), members that stop heartbeating for
//! `session.timeout.ms` are removed, and offsets are committed per generation.

use crate::clock::Time;
use crate::errors::KafkaError;
use crate::messages::Msg;
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::types::{Node, Tp};
use std::collections::BTreeMap;

/// How often the coordinator looks for expired sessions.
const TICK_MS: u64 = 500;

#[derive(Clone, Debug)]
pub enum GroupEv {
    Tick,
    RebalanceDeadline(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupState {
    Empty,
    PreparingRebalance { initial: bool, deadline: Time },
    Stable,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub last_heartbeat: Time,
    pub rejoined: bool,
    pub session_timeout: u64,
    pub rebalance_timeout: u64,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub topic: usize,
    pub state: GroupState,
    pub generation: u32,
    pub members: BTreeMap<Node, Member>,
    pub assignment: BTreeMap<Node, Vec<Tp>>,
    pub committed: BTreeMap<Tp, u64>,
    /// The leader epoch each committed offset was committed with (KIP-320).
    pub committed_epochs: BTreeMap<Tp, u32>,
}

impl Group {
    /// Stores a committed offset with the leader epoch it was committed with, if any.
    pub fn commit(&mut self, tp: Tp, offset: u64, epoch: Option<u32>) {
        self.committed.insert(tp, offset);
        match epoch {
            Some(e) => self.committed_epochs.insert(tp, e),
            None => self.committed_epochs.remove(&tp),
        };
    }

    pub fn new(name: String, topic: usize) -> Self {
        Group {
            name,
            topic,
            state: GroupState::Empty,
            generation: 0,
            members: BTreeMap::new(),
            assignment: BTreeMap::new(),
            committed: BTreeMap::new(),
            committed_epochs: BTreeMap::new(),
        }
    }
}

/// Kafka's `RangeAssignor` for one topic: members in id order, partitions split into
/// contiguous ranges, the first `n % m` members get one more.
pub fn range_assign(members: &[Node], topic: u16, partitions: u32) -> BTreeMap<Node, Vec<Tp>> {
    let mut out = BTreeMap::new();
    let m = members.len() as u32;
    if m == 0 {
        return out;
    }
    let (per, extra) = (partitions / m, partitions % m);
    let mut next = 0;
    for (i, node) in members.iter().enumerate() {
        let n = per + u32::from((i as u32) < extra);
        let tps = (next..next + n).map(|p| Tp { topic, partition: p as u16 }).collect();
        next += n;
        out.insert(*node, tps);
    }
    out
}

impl Sim {
    pub fn group_index(&self, name: &str) -> Option<u16> {
        self.groups.iter().position(|g| g.name == name).map(|i| i as u16)
    }

    pub fn ensure_group(&mut self, name: &str, topic: usize) -> u16 {
        if let Some(g) = self.group_index(name) {
            return g;
        }
        self.groups.push(Group::new(name.to_string(), topic));
        let g = (self.groups.len() - 1) as u16;
        self.q.after(TICK_MS, Ev::Group(g, GroupEv::Tick));
        g
    }

    pub fn coordinator_receive(&mut self, from: Node, msg: Msg) {
        let now = self.now();
        match msg {
            Msg::JoinGroup { group, .. } => {
                let (session, rebalance) = self.member_timeouts(from);
                let delay = self.cfg.cluster.group_initial_rebalance_delay_ms;
                let g = &mut self.groups[group as usize];
                let new_member = !g.members.contains_key(&from);
                let m = g.members.entry(from).or_insert(Member {
                    last_heartbeat: now,
                    rejoined: false,
                    session_timeout: session,
                    rebalance_timeout: rebalance,
                });
                m.rejoined = true;
                m.last_heartbeat = now;
                match g.state.clone() {
                    GroupState::Empty => {
                        let deadline = now + delay;
                        g.state = GroupState::PreparingRebalance { initial: true, deadline };
                        self.q.at(deadline, Ev::Group(group, GroupEv::RebalanceDeadline(g.generation)));
                    }
                    GroupState::Stable => {
                        let deadline = now + rebalance;
                        g.state = GroupState::PreparingRebalance { initial: false, deadline };
                        self.q.at(deadline, Ev::Group(group, GroupEv::RebalanceDeadline(g.generation)));
                    }
                    GroupState::PreparingRebalance { initial: true, deadline } if new_member => {
                        // KIP-134: each new member extends the initial delay.
                        let extended = (now + delay).max(deadline);
                        g.state = GroupState::PreparingRebalance { initial: true, deadline: extended };
                        self.q.at(extended, Ev::Group(group, GroupEv::RebalanceDeadline(g.generation)));
                    }
                    GroupState::PreparingRebalance { .. } => {}
                }
                self.maybe_complete_rebalance(group);
            }
            Msg::GroupHeartbeat { group, generation } => {
                let g = &mut self.groups[group as usize];
                let error = match g.members.get_mut(&from) {
                    None => Some(KafkaError::UnknownMemberId),
                    Some(m) => {
                        m.last_heartbeat = now;
                        if matches!(g.state, GroupState::PreparingRebalance { .. }) {
                            Some(KafkaError::RebalanceInProgress)
                        } else if generation != g.generation {
                            Some(KafkaError::IllegalGeneration)
                        } else {
                            None
                        }
                    }
                };
                self.send(Node::Coordinator, from, Msg::GroupHeartbeatResp { error });
            }
            Msg::LeaveGroup { group } => {
                let was_member = self.groups[group as usize].members.remove(&from).is_some();
                if was_member {
                    self.start_rebalance(group);
                }
            }
            Msg::OffsetFetch { group, partitions } => {
                let g = &self.groups[group as usize];
                let offsets = partitions.iter().map(|tp| (*tp, g.committed.get(tp).copied())).collect();
                let epochs = partitions.iter().map(|tp| g.committed_epochs.get(tp).copied()).collect();
                self.send(Node::Coordinator, from, Msg::OffsetFetchResp { offsets, epochs });
            }
            Msg::OffsetCommit { group, generation, offsets, epochs, sync } => {
                let g = &mut self.groups[group as usize];
                let error = if !g.members.contains_key(&from) {
                    Some(KafkaError::UnknownMemberId)
                } else if generation != g.generation {
                    Some(KafkaError::IllegalGeneration)
                } else {
                    None
                };
                if error.is_none() {
                    for ((tp, o), e) in offsets.iter().zip(&epochs) {
                        g.commit(*tp, *o, *e);
                    }
                }
                self.send(Node::Coordinator, from, Msg::OffsetCommitResp { offsets, error, sync });
            }
            _ => {}
        }
    }

    fn member_timeouts(&self, n: Node) -> (u64, u64) {
        match n {
            Node::Consumer(c, _) => {
                let cfg = &self.consumers[c as usize].cfg;
                (cfg.session_timeout_ms, cfg.max_poll_interval_ms)
            }
            _ => (45_000, 300_000),
        }
    }

    fn start_rebalance(&mut self, group: u16) {
        let now = self.now();
        let g = &mut self.groups[group as usize];
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            g.generation += 1;
            g.assignment.clear();
            return;
        }
        if matches!(g.state, GroupState::PreparingRebalance { .. }) {
            self.maybe_complete_rebalance(group);
            return;
        }
        let rebalance = g.members.values().map(|m| m.rebalance_timeout).max().unwrap_or(300_000);
        for m in g.members.values_mut() {
            m.rejoined = false;
        }
        let deadline = now + rebalance;
        g.state = GroupState::PreparingRebalance { initial: false, deadline };
        let gen = g.generation;
        self.q.at(deadline, Ev::Group(group, GroupEv::RebalanceDeadline(gen)));
    }

    /// Completes the rebalance once every member has rejoined (and the initial delay is
    /// over): a new generation and its assignment go to the members.
    fn maybe_complete_rebalance(&mut self, group: u16) {
        let now = self.now();
        let g = &self.groups[group as usize];
        let GroupState::PreparingRebalance { initial, deadline } = g.state else { return };
        let all = g.members.values().all(|m| m.rejoined);
        if !(all && (!initial || now >= deadline)) {
            return;
        }
        self.complete_rebalance(group);
    }

    fn complete_rebalance(&mut self, group: u16) {
        let now = self.now();
        let topic = self.groups[group as usize].topic;
        let partitions = self.partitions[topic];
        let g = &mut self.groups[group as usize];
        g.members.retain(|_, m| m.rejoined);
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            return;
        }
        g.generation += 1;
        g.state = GroupState::Stable;
        let members: Vec<Node> = g.members.keys().copied().collect();
        g.assignment = range_assign(&members, topic as u16, partitions);
        // `onCompleteJoin`: every member's session timeout counts from the completed join
        // (`completeAndScheduleNextHeartbeatExpiration`), not from its JoinGroup.
        for m in g.members.values_mut() {
            m.rejoined = false;
            m.last_heartbeat = now;
        }
        let generation = g.generation;
        let assignment = g.assignment.clone();
        self.record(Kind::Rebalance { group, generation, members: members.len() as u32 });
        for (node, partitions) in assignment {
            self.send(Node::Coordinator, node, Msg::JoinResp { group, generation, partitions });
        }
    }

    pub fn group_event(&mut self, group: u16, ev: GroupEv) {
        let now = self.now();
        match ev {
            GroupEv::Tick => {
                let g = &mut self.groups[group as usize];
                let before = g.members.len();
                // Members waiting inside a JoinGroup are not expired by their session.
                let joining = matches!(g.state, GroupState::PreparingRebalance { .. });
                g.members.retain(|_, m| (joining && m.rejoined) || now.saturating_sub(m.last_heartbeat) < m.session_timeout);
                if g.members.len() != before {
                    self.start_rebalance(group);
                }
                self.q.after(TICK_MS, Ev::Group(group, GroupEv::Tick));
            }
            GroupEv::RebalanceDeadline(gen) => {
                let g = &self.groups[group as usize];
                if g.generation != gen {
                    return;
                }
                if let GroupState::PreparingRebalance { deadline, .. } = g.state {
                    if now >= deadline {
                        self.complete_rebalance(group);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn range_assignor_gives_first_members_the_extra_partitions() {
        let ms = [Node::Consumer(0, 0), Node::Consumer(1, 0)];
        let a = range_assign(&ms, 0, 3);
        assert_eq!(a[&ms[0]].len(), 2);
        assert_eq!(a[&ms[1]].len(), 1);
        assert_eq!(a[&ms[1]][0].partition, 2);
    }
}

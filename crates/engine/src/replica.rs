//! One replica of a partition on one broker: its log, high watermark and leader epoch, and
//! its role. A leader tracks each follower's log end offset and when it last caught up,
//! which decides ISR membership (`replica.lag.time.max.ms`).

use crate::clock::Time;
use crate::log::Log;
use crate::messages::PartitionState;
use crate::types::BrokerId;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct FollowerState {
    pub leo: u64,
    pub last_caught_up: Time,
    pub last_fetch_leader_leo: u64,
    pub last_fetch_time: Time,
}

#[derive(Clone, Debug, Default)]
pub struct LeaderState {
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub partition_epoch: u32,
    /// An AlterPartition sent and not yet answered.
    pub pending: Option<Vec<BrokerId>>,
    pub pending_is_expand: bool,
    pub followers: BTreeMap<BrokerId, FollowerState>,
}

#[derive(Clone, Debug)]
pub enum Role {
    Leader(LeaderState),
    /// Following `leader` (None: no leader known, or this broker is down); `fetching`: when
    /// the fetch now awaiting its answer was sent.
    Follower { leader: Option<BrokerId>, fetching: Option<Time> },
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub log: Log,
    pub hw: u64,
    pub epoch: u32,
    pub role: Role,
}

impl Default for Replica {
    fn default() -> Self {
        Self::new()
    }
}

impl Replica {
    pub fn new() -> Self {
        Replica { log: Log::default(), hw: 0, epoch: 0, role: Role::Follower { leader: None, fetching: None } }
    }

    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    /// Last stable offset: below the first open transaction, never above the HW.
    pub fn lso(&self) -> u64 {
        match self.log.first_unstable_offset() {
            Some(o) => o.min(self.hw),
            None => self.hw,
        }
    }

    pub fn become_leader(&mut self, state: &PartitionState, now: Time) {
        // The new epoch starts at the current log end (leader-epoch cache, KIP-101).
        if self.log.latest_epoch().is_none_or(|e| state.leader_epoch > e) {
            let leo = self.log.end_offset();
            self.log.epochs.push((state.leader_epoch, leo));
        }
        let followers = crate::sort::btree_map(
            state
                .replicas
                .iter()
                .filter(|&&r| Some(r) != state.leader)
                .map(|&r| (r, FollowerState { leo: 0, last_caught_up: now, last_fetch_leader_leo: 0, last_fetch_time: now })),
        );
        self.role = Role::Leader(LeaderState {
            replicas: state.replicas.clone(),
            isr: state.isr.clone(),
            partition_epoch: state.partition_epoch,
            pending: None,
            pending_is_expand: false,
            followers,
        });
    }
}

impl LeaderState {
    /// Kafka's `Replica.updateFetchState`: a follower that fetched up to the leader's end
    /// is caught up now; one that reached the end seen at its previous fetch was caught up
    /// then.
    pub fn follower_fetched(&mut self, f: BrokerId, offset: u64, leader_leo: u64, now: Time) {
        let s = self.followers.entry(f).or_default();
        if offset >= leader_leo {
            s.last_caught_up = now;
        } else if offset >= s.last_fetch_leader_leo {
            s.last_caught_up = s.last_caught_up.max(s.last_fetch_time);
        }
        s.leo = offset;
        s.last_fetch_leader_leo = leader_leo;
        s.last_fetch_time = now;
    }

    /// A follower outside the ISR rejoins once it reaches the high watermark and the
    /// start of the current leader epoch.
    pub fn should_expand(&self, f: BrokerId, offset: u64, hw: u64, epoch_start: Option<u64>) -> bool {
        !self.isr.contains(&f)
            && self.pending.is_none()
            && self.replicas.contains(&f)
            && offset >= hw
            && epoch_start.is_none_or(|s| offset >= s)
    }
}

//! The simulated network: every message takes `network_latency_ms` to arrive; links
//! between brokers, and between a broker and the controller, can be cut silently
//! (`isolate_broker`) and restored (`heal`). Clients always reach every broker.

use crate::types::{BrokerId, Node};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default)]
pub struct Network {
    pub latency: u64,
    pub isolated: BTreeSet<BrokerId>,
    next_id: u64,
}

impl Network {
    pub fn new(latency: u64) -> Self {
        Self { latency, ..Default::default() }
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Whether a message from `a` to `b` can pass now.
    pub fn link_up(&self, a: Node, b: Node) -> bool {
        if self.isolated.is_empty() {
            return true;
        }
        let cluster_side = |n: Node| matches!(n, Node::Broker(_) | Node::Controller);
        let cut = |x: Node, y: Node| match x {
            Node::Broker(i) => self.isolated.contains(&i) && cluster_side(y) && x != y,
            _ => false,
        };
        !(cut(a, b) || cut(b, a))
    }
}

/// A client's view of its TCP connection to one broker (Kafka's `NetworkClient` node
/// state): down until a connect succeeds; after a failed attempt it waits
/// `reconnect.backoff.ms` (50 ms), doubling up to `reconnect.backoff.max.ms` (1000 ms).
#[derive(Clone, Debug, Default)]
pub struct Conn {
    pub up: bool,
    pub connecting: bool,
    pub backoff_until: u64,
    pub failures: u32,
}

impl Conn {
    pub fn failed(&mut self, now: u64) {
        self.up = false;
        self.connecting = false;
        let backoff = (50u64 << self.failures.min(5)).min(1000);
        self.failures += 1;
        self.backoff_until = now + backoff;
    }

    pub fn connected(&mut self) {
        self.up = true;
        self.connecting = false;
        self.failures = 0;
    }
}

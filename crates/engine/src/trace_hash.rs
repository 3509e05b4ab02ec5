//! `trace_hash`: how every recorded event is folded into the run's digest.
//!
//! Every field of every event goes in, as fixed-width 64-bit words (small fields packed
//! together), so the digest is the same on every target. The fold is written out per
//! variant and inlined where an event is recorded: the variant is known there, so hashing
//! costs a few multiplies and no jump through a table.

use crate::errors::KafkaError;
use crate::log::{Control, Record};
use crate::trace::{DropReason, Kind, Wire};
use crate::types::{MsgId, Node, Tp};

/// A word-at-a-time hash (multiply-xorshift per 64-bit word, the same on every target).
#[derive(Clone)]
pub struct PortableHasher(u64);

impl Default for PortableHasher {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl PortableHasher {
    /// Mixes one 64-bit word in.
    #[inline(always)]
    pub fn word(&mut self, x: u64) {
        let h = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }

    pub fn finish(&self) -> u64 {
        self.0
    }

    fn bytes(&mut self, b: &[u8]) {
        self.word(b.len() as u64);
        for chunk in b.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.word(u64::from_le_bytes(w));
        }
    }

    /// Folds one event in: its time, then its kind.
    #[inline(always)]
    pub fn event(&mut self, t: u64, kind: &Kind) {
        self.word(t);
        self.kind(kind);
    }

    #[inline(always)]
    fn kind(&mut self, kind: &Kind) {
        let h = self;
        match kind {
            Kind::Net { id, from, to, arrive, wire } => {
                h.word(1);
                h.word(*id);
                h.word(node(*from));
                h.word(node(*to));
                h.word(*arrive);
                h.wire(wire);
            }
            Kind::NetDrop { id, reason } => {
                h.word(2 | drop_reason(*reason) << 8);
                h.word(*id);
            }
            Kind::BrokerCrash { b } => h.word(3 | (*b as u64) << 8),
            Kind::BrokerRestart { b } => h.word(4 | (*b as u64) << 8),
            Kind::Isolate { b } => h.word(5 | (*b as u64) << 8),
            Kind::Heal => h.word(6),
            Kind::BrokerFenced { b } => h.word(7 | (*b as u64) << 8),
            Kind::BrokerUnfenced { b } => h.word(8 | (*b as u64) << 8),
            Kind::Leader { tp: p, leader, epoch, isr, unclean } => {
                h.word(9 | (*unclean as u64) << 8 | tp(*p) << 16);
                h.word(leader.map_or(u64::MAX, |l| l as u64));
                h.word(*epoch as u64);
                h.brokers(isr);
            }
            Kind::Isr { tp: p, isr } => {
                h.word(10 | tp(*p) << 8);
                h.brokers(isr);
            }
            Kind::Role { b, tp: p, leader, epoch } => {
                h.word(11 | (*leader as u64) << 8 | tp(*p) << 16);
                h.word((*b as u64) << 32 | *epoch as u64);
            }
            Kind::Append { b, tp: p, base_offset, epoch, producer_id, transactional, control, records } => {
                h.word(12 | (*transactional as u64) << 8 | opt_control(*control) << 9 | tp(*p) << 16);
                h.word((*b as u64) << 32 | *epoch as u64);
                h.word(*base_offset);
                h.word(*producer_id as u64);
                h.records(records);
            }
            Kind::Hw { b, tp: p, hw } => {
                h.word(13 | tp(*p) << 8 | (*b as u64) << 40);
                h.word(*hw);
            }
            Kind::Truncate { b, tp: p, to, removed } => {
                h.word(14 | tp(*p) << 8 | (*b as u64) << 40);
                h.word(*to);
                h.word(*removed);
            }
            Kind::ProducerStart { p, inst } => h.word(15 | pair(*p, *inst) << 8),
            Kind::ProducerId { p, inst, pid, epoch } => {
                h.word(16 | pair(*p, *inst) << 8 | (*epoch as u16 as u64) << 40);
                h.word(*pid as u64);
            }
            Kind::ProducerCrash { p, inst } => h.word(17 | pair(*p, *inst) << 8),
            Kind::ProducerPause { p, inst } => h.word(18 | pair(*p, *inst) << 8),
            Kind::ProducerResume { p, inst } => h.word(19 | pair(*p, *inst) << 8),
            Kind::Send { p, inst, msg: m, key, tp: t } => {
                h.word(20 | pair(*p, *inst) << 8);
                h.word(msg(*m));
                h.word(opt_u32(*key));
                h.word(tp(*t));
            }
            Kind::Ack { p, inst, msg: m, tp: t, offset } => {
                h.word(21 | pair(*p, *inst) << 8);
                h.word(msg(*m));
                h.word(tp(*t));
                h.word(offset.map_or(u64::MAX, |o| o));
            }
            Kind::Fail { p, inst, msg: m, error } => {
                h.word(22 | pair(*p, *inst) << 8 | (*error as u64) << 40);
                h.word(msg(*m));
            }
            Kind::Retry { p, inst, tp: t, records, attempt, error } => {
                h.word(23 | pair(*p, *inst) << 8 | (*error as u64) << 40);
                h.word(tp(*t) << 32 | *records as u64);
                h.word(*attempt as u64);
            }
            Kind::ConsumerStart { c, inst } => h.word(24 | pair(*c, *inst) << 8),
            Kind::ConsumerCrash { c, inst } => h.word(25 | pair(*c, *inst) << 8),
            Kind::Assign { c, inst, generation, partitions } => {
                h.word(26 | pair(*c, *inst) << 8);
                h.word(*generation as u64);
                h.word(partitions.len() as u64);
                for p in partitions {
                    h.word(tp(*p));
                }
            }
            Kind::Poll { c, inst, generation, records } => {
                h.word(27 | pair(*c, *inst) << 8);
                h.word(*generation as u64);
                h.word(records.len() as u64);
                for &(t, offset, m) in records {
                    h.word(tp(t));
                    h.word(offset);
                    h.word(msg(m));
                }
            }
            Kind::Apply { c, inst, msg: m, tp: t, offset } => {
                h.word(28 | pair(*c, *inst) << 8);
                h.word(msg(*m));
                h.word(tp(*t));
                h.word(*offset);
            }
            Kind::InboxSkip { c, inst, msg: m } => {
                h.word(29 | pair(*c, *inst) << 8);
                h.word(msg(*m));
            }
            Kind::Commit { c, inst, generation, offsets, ok } => {
                h.word(30 | (*ok as u64) << 8 | pair(*c, *inst) << 16);
                h.word(*generation as u64);
                h.word(offsets.len() as u64);
                for &(t, o) in offsets {
                    h.word(tp(t));
                    h.word(o);
                }
            }
            Kind::OffsetReset { c, inst, tp: t, offset } => {
                h.word(31 | pair(*c, *inst) << 8);
                h.word(tp(*t));
                h.word(*offset);
            }
            Kind::TruncationDetected { c, inst, tp: t, position, offset } => {
                h.word(44 | pair(*c, *inst) << 8);
                h.word(tp(*t));
                h.word(*position);
                h.word(*offset);
            }
            Kind::Rebalance { group, generation, members } => {
                h.word(32 | (*group as u64) << 8);
                h.word((*generation as u64) << 32 | *members as u64);
            }
            Kind::Txn { tid, pid, epoch, state } => {
                h.word(33 | (*state as u64) << 8 | (*epoch as u16 as u64) << 16);
                h.word(*pid as u64);
                h.bytes(tid.as_bytes());
            }
            Kind::TxnOffsetsCommitted { group, tp: t, offset } => {
                h.word(34 | (*group as u64) << 8 | tp(*t) << 24);
                h.word(*offset);
            }
            Kind::OutboxWrite { p, inst, msg: m, key } => {
                h.word(35 | pair(*p, *inst) << 8);
                h.word(msg(*m));
                h.word(opt_u32(*key));
            }
            Kind::OutboxMarked { p, inst, msg: m, tp: t, offset } => {
                h.word(36 | pair(*p, *inst) << 8);
                h.word(msg(*m));
                h.word(tp(*t));
                h.word(offset.map_or(u64::MAX, |o| o));
            }
            Kind::RelayError { p, inst, msg: m, error } => {
                h.word(37 | pair(*p, *inst) << 8 | (*error as u64) << 40);
                h.word(msg(*m));
            }
            Kind::ProcessingFailed { c, inst, msg: m, attempt } => {
                h.word(38 | pair(*c, *inst) << 8);
                h.word(msg(*m));
                h.word(*attempt as u64);
            }
            Kind::DeadLetter { c, inst, msg: m, tp: t } => {
                h.word(39 | pair(*c, *inst) << 8);
                h.word(msg(*m));
                h.word(tp(*t));
            }
            Kind::ProcessorStart { n, inst } => h.word(40 | pair(*n, *inst) << 8),
            Kind::ProcessorCrash { n, inst } => h.word(41 | pair(*n, *inst) << 8),
            Kind::Forward { n, inst, msg: m, from, offset, to } => {
                h.word(42 | pair(*n, *inst) << 8);
                h.word(msg(*m));
                h.word(tp(*from) << 32 | tp(*to));
                h.word(*offset);
            }
            Kind::Error { who, error, msg: m } => {
                h.word(43 | (*error as u64) << 8);
                h.word(node(*who));
                h.word(m.map_or(u64::MAX, msg));
            }
        }
    }

    #[inline(always)]
    fn wire(&mut self, w: &Wire) {
        match *w {
            Wire::ProduceRequest { records } => self.word(1 | (records as u64) << 8),
            Wire::ProduceResponse { error } => self.word(2 | opt_error(error) << 8),
            Wire::FetchRequest { tp: t, offset } => {
                self.word(3 | tp(t) << 8);
                self.word(offset);
            }
            Wire::FetchResponse { tp: t, records } => {
                self.word(4 | tp(t) << 8);
                self.word(records as u64);
            }
            Wire::Heartbeat => self.word(5),
            Wire::Metadata => self.word(6),
            Wire::Control => self.word(7),
            Wire::Commit => self.word(8),
            Wire::Connect => self.word(9),
            Wire::Disconnect => self.word(10),
            Wire::Group => self.word(11),
            Wire::Txn => self.word(12),
            Wire::Marker => self.word(13),
        }
    }

    fn brokers(&mut self, list: &[u32]) {
        self.word(list.len() as u64);
        for &b in list {
            self.word(b as u64);
        }
    }

    fn records(&mut self, records: &[Record]) {
        self.word(records.len() as u64);
        for r in records {
            self.word(msg(r.msg));
            self.word(opt_u32(r.key));
        }
    }
}

#[inline(always)]
fn tp(t: Tp) -> u64 {
    (t.topic as u64) << 16 | t.partition as u64
}

#[inline(always)]
fn msg(m: MsgId) -> u64 {
    (m.producer as u64) << 32 | m.index as u64
}

#[inline(always)]
fn pair(a: u16, b: u16) -> u64 {
    (a as u64) << 16 | b as u64
}

#[inline(always)]
fn opt_u32(x: Option<u32>) -> u64 {
    x.map_or(0, |v| 1 << 32 | v as u64)
}

#[inline(always)]
fn opt_error(e: Option<KafkaError>) -> u64 {
    e.map_or(0, |e| e as u64 + 1)
}

#[inline(always)]
fn opt_control(c: Option<Control>) -> u64 {
    c.map_or(0, |c| c as u64 + 1)
}

#[inline(always)]
fn drop_reason(r: DropReason) -> u64 {
    r as u64
}

#[inline(always)]
fn node(n: Node) -> u64 {
    match n {
        Node::Broker(b) => 1 << 48 | b as u64,
        Node::Controller => 2 << 48,
        Node::Producer(p, i) => 3 << 48 | pair(p, i),
        Node::Consumer(c, i) => 4 << 48 | pair(c, i),
        Node::Processor(n, i) => 5 << 48 | pair(n, i),
        Node::Coordinator => 6 << 48,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(events: &[(u64, Kind)]) -> u64 {
        let mut h = PortableHasher::default();
        for (t, k) in events {
            h.event(*t, k);
        }
        h.finish()
    }

    #[test]
    fn every_field_changes_the_digest() {
        let tp0 = Tp { topic: 0, partition: 0 };
        let m = MsgId { producer: 0, index: 7 };
        let base = vec![
            (5, Kind::Send { p: 0, inst: 0, msg: m, key: Some(3), tp: tp0 }),
            (6, Kind::Net { id: 1, from: Node::Producer(0, 0), to: Node::Broker(1), arrive: 8, wire: Wire::ProduceRequest { records: 1 } }),
        ];
        let d = digest(&base);
        let variants: Vec<Vec<(u64, Kind)>> = vec![
            vec![(4, base[0].1.clone()), base[1].clone()],
            vec![(5, Kind::Send { p: 0, inst: 0, msg: m, key: Some(4), tp: tp0 }), base[1].clone()],
            vec![(5, Kind::Send { p: 0, inst: 0, msg: m, key: None, tp: tp0 }), base[1].clone()],
            vec![(5, Kind::Send { p: 0, inst: 1, msg: m, key: Some(3), tp: tp0 }), base[1].clone()],
            vec![(5, Kind::Send { p: 0, inst: 0, msg: m, key: Some(3), tp: Tp { topic: 0, partition: 1 } }), base[1].clone()],
            vec![base[0].clone(), (6, Kind::Net { id: 1, from: Node::Producer(0, 0), to: Node::Broker(2), arrive: 8, wire: Wire::ProduceRequest { records: 1 } })],
            vec![base[0].clone(), (6, Kind::Net { id: 1, from: Node::Producer(0, 0), to: Node::Broker(1), arrive: 8, wire: Wire::ProduceRequest { records: 2 } })],
            vec![base[1].clone(), base[0].clone()],
            vec![base[0].clone()],
        ];
        for v in variants {
            assert_ne!(digest(&v), d, "{v:?}");
        }
        assert_eq!(digest(&base), d);
    }
}

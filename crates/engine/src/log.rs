//! A partition replica's log on disk: record batches at offsets, the leader-epoch cache
//! (KIP-101/279) and the per-producer state the broker keeps for idempotence (the last five
//! batches' sequence ranges per producer id, KIP-98) and open transactions.

use crate::types::MsgId;
use crate::vecmap::VecMap;
use std::collections::VecDeque;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    pub msg: MsgId,
    pub key: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Control {
    Commit,
    Abort,
}

pub const NO_PRODUCER_ID: i64 = -1;
pub const NO_SEQUENCE: i32 = -1;

/// A record batch as stored: offsets are assigned by the leader on append.
#[derive(Clone, Debug)]
pub struct Batch {
    pub base_offset: u64,
    pub leader_epoch: u32,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub transactional: bool,
    /// A transaction marker (a control batch of one record that takes an offset).
    pub control: Option<Control>,
    pub records: Rc<[Record]>,
    pub bytes: u32,
}

impl Batch {
    pub fn len(&self) -> u64 {
        self.records.len() as u64
    }
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    pub fn next_offset(&self) -> u64 {
        self.base_offset + self.len()
    }
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence == NO_SEQUENCE {
            NO_SEQUENCE
        } else {
            self.base_sequence + self.records.len() as i32 - 1
        }
    }
}

/// What the broker remembers about one producer id on this partition.
#[derive(Clone, Debug, Default)]
pub struct ProducerEntry {
    pub epoch: i16,
    /// (first sequence, last sequence, base offset) of the last batches, at most five.
    pub batches: VecDeque<(i32, i32, u64)>,
    /// First offset of the producer's open transaction on this partition, if any.
    pub open_txn_first_offset: Option<u64>,
}

pub const PRODUCER_STATE_BATCHES: usize = 5;

#[derive(Clone, Debug, Default)]
pub struct Log {
    pub batches: Vec<Batch>,
    /// (leader epoch, start offset), increasing.
    pub epochs: Vec<(u32, u64)>,
    producers: VecMap<i64, ProducerEntry>,
    /// Aborted transactions: (producer id, first offset, marker offset).
    pub aborted: Vec<(i64, u64, u64)>,
    /// How many producers have a transaction open here (none: the last stable offset is
    /// the high watermark, with no walk over the producers).
    open_txns: usize,
}

impl Log {
    /// What this log remembers of a producer id (changed only by appends and truncation,
    /// which keep the count of open transactions with it).
    pub fn producer(&self, pid: i64) -> Option<&ProducerEntry> {
        self.producers.get(&pid)
    }

    pub fn end_offset(&self) -> u64 {
        self.batches.last().map(|b| b.next_offset()).unwrap_or(0)
    }

    pub fn latest_epoch(&self) -> Option<u32> {
        self.epochs.last().map(|e| e.0)
    }

    /// Appends a batch whose offsets are already set (leader or follower).
    pub fn append(&mut self, batch: Batch) {
        debug_assert_eq!(batch.base_offset, self.end_offset());
        if self.latest_epoch().is_none_or(|e| batch.leader_epoch > e) {
            self.epochs.push((batch.leader_epoch, batch.base_offset));
        }
        self.track_producer(&batch);
        self.batches.push(batch);
    }

    fn track_producer(&mut self, b: &Batch) {
        if b.producer_id == NO_PRODUCER_ID {
            return;
        }
        let e = self.producers.get_or_insert_with(b.producer_id, ProducerEntry::default);
        if b.producer_epoch > e.epoch {
            e.epoch = b.producer_epoch;
            e.batches.clear();
        }
        match b.control {
            Some(c) => {
                if let Some(first) = e.open_txn_first_offset.take() {
                    self.open_txns -= 1;
                    if c == Control::Abort {
                        self.aborted.push((b.producer_id, first, b.base_offset));
                    }
                }
            }
            None => {
                if b.base_sequence != NO_SEQUENCE {
                    e.batches.push_back((b.base_sequence, b.last_sequence(), b.base_offset));
                    while e.batches.len() > PRODUCER_STATE_BATCHES {
                        e.batches.pop_front();
                    }
                }
                if b.transactional && e.open_txn_first_offset.is_none() {
                    self.open_txns += 1;
                    e.open_txn_first_offset = Some(b.base_offset);
                }
            }
        }
    }

    /// Removes every batch at or above `offset` (batch granularity) and rebuilds the
    /// derived state from what remains. Returns how many offsets were removed.
    pub fn truncate_to(&mut self, offset: u64) -> u64 {
        let before = self.end_offset();
        if offset >= before {
            // Kafka's `UnifiedLog.truncateTo` trims the epoch cache even then: a broker that
            // became leader and appended nothing before the next leader was elected holds a
            // conflicting epoch entry at its log end.
            self.epochs.retain(|&(_, start)| start < before);
            return 0;
        }
        let keep = self.batches.partition_point(|b| b.next_offset() <= offset);
        self.batches.truncate(keep);
        let end = self.end_offset();
        self.epochs.retain(|&(_, start)| start < end);
        self.producers.clear();
        self.aborted.clear();
        self.open_txns = 0;
        let batches = std::mem::take(&mut self.batches);
        for b in &batches {
            self.track_producer(b);
        }
        self.batches = batches;
        before - end
    }

    /// Kafka's `OffsetsForLeaderEpoch` (`LeaderEpochFileCache.endOffsetFor`): the largest
    /// epoch <= `epoch` known here and the offset where it ends (the start of the next
    /// epoch, or the log end). An epoch older than every one known ends where the first
    /// known one starts (and keeps its own number); `None` when no epoch is known at all.
    pub fn end_offset_for_epoch(&self, epoch: u32) -> Option<(u32, u64)> {
        let idx = self.epochs.partition_point(|&(e, _)| e <= epoch);
        if idx == 0 {
            return self.epochs.first().map(|&(_, start)| (epoch, start));
        }
        let found = self.epochs[idx - 1].0;
        let end = self.epochs.get(idx).map(|e| e.1).unwrap_or(self.end_offset());
        Some((found, end))
    }

    /// Index of the batch containing `offset`, or the first batch after it.
    pub fn batch_index_at(&self, offset: u64) -> usize {
        self.batches.partition_point(|b| b.next_offset() <= offset)
    }

    /// Batches from `from` (the batch containing it) while below `limit`, up to `max_bytes`
    /// (always at least one batch, as Kafka returns at least one batch).
    pub fn read(&self, from: u64, limit: u64, max_bytes: u32) -> Vec<Batch> {
        let start = self.batch_index_at(from);
        let mut end = start;
        let mut bytes = 0u32;
        while end < self.batches.len() {
            let b = &self.batches[end];
            if b.next_offset() > limit {
                break;
            }
            if end > start && bytes.saturating_add(b.bytes) > max_bytes {
                break;
            }
            bytes = bytes.saturating_add(b.bytes);
            end += 1;
        }
        self.batches[start..end].to_vec()
    }

    /// First offset of any open transaction (for the last stable offset), if any.
    pub fn first_unstable_offset(&self) -> Option<u64> {
        if self.open_txns == 0 {
            return None;
        }
        self.producers.values().filter_map(|e| e.open_txn_first_offset).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `LeaderEpochFileCache.endOffsetFor`: the requested epoch itself, an older one, one
    /// older than every known epoch, and an empty cache.
    #[test]
    fn end_offset_for_epoch_answers_as_kafkas_epoch_cache() {
        let mut log = Log::default();
        assert_eq!(log.end_offset_for_epoch(0), None, "no epoch known");
        log.epochs = vec![(1, 0)];
        // A follower that led epoch 0 on an empty log, asking a leader of epoch 1 that has
        // nothing either: epoch 0 ends at 0, where epoch 1 starts; no divergence to chase.
        assert_eq!(log.end_offset_for_epoch(0), Some((0, 0)));
        assert_eq!(log.end_offset_for_epoch(1), Some((1, 0)));
        log.epochs = vec![(2, 5), (4, 9)];
        assert_eq!(log.end_offset_for_epoch(1), Some((1, 5)));
        assert_eq!(log.end_offset_for_epoch(2), Some((2, 9)));
        assert_eq!(log.end_offset_for_epoch(3), Some((2, 9)));
    }

    /// A broker that led epoch 1 without appending anything keeps `(1, end)` in its cache;
    /// truncating to its own end removes it, so it stops announcing an epoch the new leader
    /// never had (else: the same divergence, every fetch, forever).
    #[test]
    fn truncating_to_the_end_drops_an_empty_epoch() {
        let mut log = Log { epochs: vec![(0, 0), (1, 0)], ..Log::default() };
        assert_eq!(log.truncate_to(0), 0);
        assert!(log.epochs.is_empty(), "{:?}", log.epochs);
    }
}

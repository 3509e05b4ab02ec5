//! The producer's `RecordAccumulator`: per-partition queues of batches that fill up to
//! `batch.size` bytes and become ready when full, when `linger.ms` has passed, or (for a
//! retry) when `retry.backoff.ms` has passed.

use crate::clock::Time;
use crate::log::{Record, NO_SEQUENCE};
use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct ProducerBatch {
    pub id: u64,
    pub partition: u32,
    pub records: Vec<Record>,
    pub bytes: u32,
    pub created: Time,
    pub attempts: u32,
    pub retry_at: Time,
    pub base_sequence: i32,
    pub producer_epoch: i16,
    /// No more records go into it (a later batch exists or it was sent).
    pub closed: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    pub queues: Vec<VecDeque<ProducerBatch>>,
    next_id: u64,
}

impl Accumulator {
    pub fn ensure_partitions(&mut self, n: usize) {
        while self.queues.len() < n {
            self.queues.push(VecDeque::new());
        }
    }

    /// Appends a record of `size` bytes to the partition's open batch, or a new one.
    pub fn append(&mut self, partition: u32, rec: Record, size: u32, batch_size: u32, now: Time) {
        self.ensure_partitions(partition as usize + 1);
        let q = &mut self.queues[partition as usize];
        if let Some(last) = q.back_mut() {
            if !last.closed && last.attempts == 0 && last.bytes + size <= batch_size {
                last.records.push(rec);
                last.bytes += size;
                return;
            }
            last.closed = true;
        }
        self.next_id += 1;
        q.push_back(ProducerBatch {
            id: self.next_id,
            partition,
            records: vec![rec],
            bytes: size,
            created: now,
            attempts: 0,
            retry_at: 0,
            base_sequence: NO_SEQUENCE,
            producer_epoch: 0,
            closed: false,
        });
    }

    /// Whether the first batch of a partition may be sent now, and if not, when it may.
    /// `flushing`: a `flush()` (or `commitTransaction()`, which flushes) is in progress, so
    /// batches go out without waiting for `linger.ms`.
    pub fn ready(b: &ProducerBatch, queue_len: usize, batch_size: u32, linger: u64, now: Time, flushing: bool) -> Result<(), Time> {
        if b.attempts > 0 {
            return if now >= b.retry_at { Ok(()) } else { Err(b.retry_at) };
        }
        let full = flushing || queue_len > 1 || b.closed || b.bytes >= batch_size;
        let due = b.created + linger;
        if full || now >= due {
            Ok(())
        } else {
            Err(due)
        }
    }

    /// Puts a batch back for a retry: at the front (Kafka's `reenqueue`), or, for the
    /// idempotent producer, in sequence order among the retried batches.
    pub fn reenqueue(&mut self, b: ProducerBatch, in_sequence_order: bool) {
        self.ensure_partitions(b.partition as usize + 1);
        let q = &mut self.queues[b.partition as usize];
        if in_sequence_order && b.base_sequence != NO_SEQUENCE {
            let pos = q
                .iter()
                .position(|x| x.base_sequence == NO_SEQUENCE || x.base_sequence > b.base_sequence)
                .unwrap_or(q.len());
            q.insert(pos, b);
        } else {
            q.push_front(b);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.queues.iter().all(|q| q.is_empty())
    }
}

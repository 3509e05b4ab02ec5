//! Poison messages and the dead-letter queue. A record whose processing throws is
//! delivered again, 10 attempts in all (Spring Kafka's `DefaultErrorHandler` default,
//! `FixedBackOff(0, 9)`); with a dead-letter topic configured it is then written there, as
//! a `DeadLetterPublishingRecoverer` does (same partition number, modulo the DLQ's
//! partitions), and the consumer moves past it. Without one, this model's consumer keeps
//! retrying for ever, as a plain consumer loop that rethrows or an error handler configured
//! never to give up does, and its partition is stuck behind the record. (Spring's default
//! recoverer would instead log the record and skip it after the 10 attempts.)

use crate::errors::KafkaError;
use crate::log::Record;
use crate::messages::{Msg, ProduceBatch, ProduceReq, ProduceResp};
use crate::scenario::CommitMode;
use crate::consumer::ConsumerEv;
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::types::{Node, Tp};
use std::rc::Rc;

/// Deliveries before a record is given up (`FixedBackOff(0, 9)`: 1 + 9 retries).
pub const DELIVERY_ATTEMPTS: u32 = 10;
/// Without a recoverer the record is tried again after this pause, for ever.
pub const STUCK_RETRY_MS: u64 = 1000;
const DLQ_RETRY_MS: u64 = 100;

impl Sim {
    /// Processing of `rec` threw.
    pub fn processing_failed(&mut self, c: u16, inst: u16, tp: Tp, offset: u64, rec: Record) {
        let now = self.now();
        let cfg = self.consumers[c as usize].cfg.clone();
        let i = self.cinst(c, inst);
        let attempts = i.failures.entry((tp, offset)).or_insert(0);
        *attempts += 1;
        let attempt = *attempts;
        // The error handler seeks back and polls again.
        i.last_poll = now;
        self.record(Kind::ProcessingFailed { c, inst, msg: rec.msg, attempt });
        if cfg.dlq.is_some() && attempt >= DELIVERY_ATTEMPTS {
            self.send_dead_letter(c, inst, tp, offset, rec);
            return;
        }
        let pause = if attempt < DELIVERY_ATTEMPTS { 0 } else { STUCK_RETRY_MS };
        let again = pause + self.processing_time(c, rec.msg);
        let ev = if cfg.commit == CommitMode::OutOfOrder {
            ConsumerEv::ProcessedAt(tp, offset)
        } else {
            ConsumerEv::Processed
        };
        self.q.after(again, Ev::Consumer(c, inst, ev));
    }

    fn send_dead_letter(&mut self, c: u16, inst: u16, tp: Tp, offset: u64, rec: Record) {
        let Some(dlq) = self.consumers[c as usize].cfg.dlq else { return };
        let parts = self.partitions[dlq].max(1);
        let dtp = Tp { topic: dlq as u16, partition: (tp.partition as u32 % parts) as u16 };
        let i = self.cinst(c, inst);
        i.next_req += 1;
        let req_id = i.next_req;
        i.dlq_inflight.insert(req_id, (tp, offset, rec));
        match i.leaders.get(&dtp).copied().flatten() {
            Some(l) => {
                let batch = ProduceBatch {
                    tp: dtp,
                    batch_id: req_id,
                    producer_id: crate::log::NO_PRODUCER_ID,
                    producer_epoch: 0,
                    base_sequence: crate::log::NO_SEQUENCE,
                    transactional: false,
                    records: Rc::from(vec![rec]),
                    bytes: 100,
                };
                let req = ProduceReq { req_id, acks: -1, batches: vec![batch] };
                self.send(Node::Consumer(c, inst), Node::Broker(l), Msg::Produce(req));
            }
            None => {
                self.q.after(DLQ_RETRY_MS, Ev::Consumer(c, inst, ConsumerEv::DlqRetry(req_id)));
            }
        }
    }

    pub fn dlq_retry(&mut self, c: u16, inst: u16, req: u64) {
        let Some((tp, offset, rec)) = self.cinst(c, inst).dlq_inflight.remove(&req) else { return };
        self.send_dead_letter(c, inst, tp, offset, rec);
    }

    pub fn dlq_response(&mut self, c: u16, inst: u16, resp: ProduceResp) {
        let Some(&(tp, offset, rec)) = self.cinst(c, inst).dlq_inflight.get(&resp.req_id) else { return };
        let ok = resp.results.iter().all(|(_, r)| r.is_ok());
        if !ok {
            let _ = KafkaError::NotLeaderOrFollower;
            self.q.after(DLQ_RETRY_MS, Ev::Consumer(c, inst, ConsumerEv::DlqRetry(resp.req_id)));
            return;
        }
        let dlq = self.consumers[c as usize].cfg.dlq.unwrap_or(0);
        let parts = self.partitions[dlq].max(1);
        let dtp = Tp { topic: dlq as u16, partition: (tp.partition as u32 % parts) as u16 };
        let i = self.cinst(c, inst);
        i.dlq_inflight.remove(&resp.req_id);
        i.failures.remove(&(tp, offset));
        self.record(Kind::DeadLetter { c, inst, msg: rec.msg, tp: dtp });
        if self.consumers[c as usize].cfg.commit == CommitMode::OutOfOrder {
            self.ooo_complete(c, inst, tp, offset);
        } else {
            let i = self.cinst(c, inst);
            i.work.pop_front();
            i.processing = false;
            self.finish_record(c, inst, tp, offset);
        }
    }
}

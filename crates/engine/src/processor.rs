//! A Kafka Streams-style processor (consume-transform-produce): a consumer in the
//! processor's group reads `from`, each record is transformed (taking `processing_ms`) and
//! produced to `to` with the same message id and key, and progress is committed every
//! `commit.interval.ms`.
//!
//! - `exactly_once_v2`: the consumer reads `read_committed`; outputs go into a transaction
//!   and the input offsets are committed inside it (`sendOffsetsToTransaction` with the
//!   group's generation, KIP-447), so outputs and progress commit or abort together.
//! - `at_least_once`: the producer is flushed, then the offsets are committed; a crash in
//!   between re-processes, and re-emits, everything since the last commit.
//!
//! The producer's `transactional.id` is the processor id (one producer per processor, as
//! EOS v1 did per task; v2 fences a zombie through the group generation, which this model
//! checks too).

use crate::clock::Time;
use crate::config::{ConsumerCfg, ProcessorCfg, ProducerCfg};
use crate::consumer::ConsumerRole;
use crate::log::Record;
use crate::messages::Msg;
use crate::producer::Role;
use crate::scenario::{Acks, CommitMode, Guarantee, IsolationLevel, OffsetReset, Processing};
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::transaction::TxnPhase;
use crate::types::{Node, Tp};
use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum ProcessorEv {
    /// `commit.interval.ms` elapsed.
    CommitTick,
    /// At-least-once commit: waiting for the producer to flush.
    FlushCheck,
}

#[derive(Debug)]
pub struct ProcessorInstance {
    pub alive: bool,
    pub c_inst: u16,
    pub p_inst: u16,
    pub last_commit: Time,
    /// Records processed since the last commit.
    pub dirty: bool,
    pub commit_due: bool,
    pub committing: bool,
}

#[derive(Debug)]
pub struct ProcessorApp {
    pub cfg: ProcessorCfg,
    pub consumer: u16,
    pub producer: u16,
    pub instances: Vec<ProcessorInstance>,
    pub current: Option<u16>,
}

impl Sim {
    pub fn start_processors(&mut self) {
        for n in 0..self.cfg.processors.len() {
            let cfg = self.cfg.processors[n].clone();
            let eos = cfg.guarantee == Guarantee::ExactlyOnceV2;
            let ccfg = ConsumerCfg {
                id: cfg.id.clone(),
                group: cfg.group.clone(),
                topic: cfg.from,
                processing_ms: cfg.processing_ms,
                processing: Processing::InPollLoop,
                commit: CommitMode::AfterBatch,
                inbox: false,
                dlq: None,
                enable_auto_commit: false,
                auto_commit_interval_ms: 5000,
                isolation_level: if eos { IsolationLevel::ReadCommitted } else { IsolationLevel::ReadUncommitted },
                max_poll_records: 1000,
                auto_offset_reset: OffsetReset::Earliest,
                session_timeout_ms: 45_000,
                heartbeat_interval_ms: 3000,
                max_poll_interval_ms: 300_000,
            };
            let pcfg = ProducerCfg {
                id: format!("{}-producer", cfg.id),
                topic: cfg.to,
                messages: 0,
                keys: 0,
                value_bytes: 100,
                interval_ms: 0,
                transaction_messages: 0,
                outbox: false,
                acks: Acks::All,
                idempotence: true,
                retries: i32::MAX as u64,
                max_in_flight: 5,
                linger_ms: 100,
                batch_size: 16384,
                request_timeout_ms: 30_000,
                delivery_timeout_ms: 120_000,
                retry_backoff_ms: 100,
                transactional_id: eos.then(|| cfg.id.clone()),
                transaction_timeout_ms: 10_000,
            };
            let consumer = self.add_consumer_app(Rc::new(ccfg), ConsumerRole::Processor(n as u16));
            let producer = self.add_producer_app(Rc::new(pcfg), Role::Processor(n as u16));
            self.processors.push(ProcessorApp { cfg, consumer, producer, instances: Vec::new(), current: None });
            self.new_processor_instance(n as u16);
        }
    }

    fn new_processor_instance(&mut self, n: u16) {
        let now = self.now();
        let (c, p, interval) = {
            let a = &self.processors[n as usize];
            (a.consumer, a.producer, a.cfg.commit_interval_ms)
        };
        let inst = self.processors[n as usize].instances.len() as u16;
        self.record(Kind::ProcessorStart { n, inst });
        let c_inst = self.new_consumer_instance(c);
        let p_inst = self.new_producer_instance(p, 0);
        let app = &mut self.processors[n as usize];
        app.instances.push(ProcessorInstance {
            alive: true,
            c_inst,
            p_inst,
            last_commit: now,
            dirty: false,
            commit_due: false,
            committing: false,
        });
        app.current = Some(inst);
        self.q.after(interval, Ev::Processor(n, inst, ProcessorEv::CommitTick));
    }

    fn proc_current(&self, n: u16) -> Option<(u16, &ProcessorInstance)> {
        let a = &self.processors[n as usize];
        let k = a.current?;
        let i = &a.instances[k as usize];
        i.alive.then_some((k, i))
    }

    pub fn crash_processor(&mut self, n: u16) {
        let Some((k, i)) = self.proc_current(n) else { return };
        let (c_inst, p_inst) = (i.c_inst, i.p_inst);
        let (c, p) = (self.processors[n as usize].consumer, self.processors[n as usize].producer);
        self.processors[n as usize].instances[k as usize].alive = false;
        self.record(Kind::ProcessorCrash { n, inst: k });
        self.kill_consumer_instance(c, c_inst);
        self.kill_producer_instance(p, p_inst);
    }

    pub fn restart_processor(&mut self, n: u16) {
        if self.proc_current(n).is_some() {
            return;
        }
        self.new_processor_instance(n);
    }

    /// Whether the processor's consumer may take records: its producer must be ready
    /// (transactions initialised) and no commit may be in progress.
    pub fn processor_may_poll(&self, n: u16) -> bool {
        let Some((_, i)) = self.proc_current(n) else { return false };
        let a = &self.processors[n as usize];
        let pi = &self.producers[a.producer as usize].instances[i.p_inst as usize];
        !i.committing && !pi.pid_pending && pi.txn.as_ref().is_none_or(|t| matches!(t.phase, TxnPhase::Ready | TxnPhase::InTxn))
    }

    pub fn processor_producer_ready(&mut self, n: u16) {
        let Some((_, i)) = self.proc_current(n) else { return };
        let c_inst = i.c_inst;
        let c = self.processors[n as usize].consumer;
        self.after_processing(c, c_inst);
    }

    /// One input record was transformed: produce its output.
    pub fn processor_process(&mut self, n: u16, c: u16, c_inst: u16, tp: Tp, offset: u64, rec: Record) {
        let Some((k, i)) = self.proc_current(n) else { return };
        let p_inst = i.p_inst;
        let p = self.processors[n as usize].producer;
        if self.inst(p, p_inst).txn.is_some() && !self.txn_begin(p, p_inst) {
            // The producer cannot take part in a transaction now: process it again later.
            let ci = self.cinst(c, c_inst);
            ci.work.push_front((tp, offset, rec));
            ci.processed.insert(tp, offset);
            self.after_processing(c, c_inst);
            return;
        }
        if self.processors[n as usize].cfg.side_effect {
            // The external call happens now; no transaction can take it back.
            self.record(Kind::Apply { c, inst: c_inst, msg: rec.msg, tp, offset });
        }
        let out = self.producer_enqueue(p, p_inst, rec.msg, rec.key);
        self.record(Kind::Forward { n, inst: k, msg: rec.msg, from: tp, offset, to: out });
        self.run_sender(p, p_inst);
        let now = self.now();
        let a = &mut self.processors[n as usize];
        let interval = a.cfg.commit_interval_ms;
        let pi = &mut a.instances[k as usize];
        pi.dirty = true;
        if pi.commit_due || now >= pi.last_commit + interval {
            self.processor_commit(n);
        } else {
            self.after_processing(c, c_inst);
        }
    }

    pub fn processor_event(&mut self, n: u16, inst: u16, ev: ProcessorEv) {
        let a = &self.processors[n as usize];
        if a.current != Some(inst) || !a.instances[inst as usize].alive {
            return;
        }
        let (c, p) = (a.consumer, a.producer);
        let pi = &a.instances[inst as usize];
        let (c_inst, p_inst) = (pi.c_inst, pi.p_inst);
        match ev {
            ProcessorEv::CommitTick => {
                let interval = a.cfg.commit_interval_ms;
                let busy = {
                    let ci = &self.consumers[c as usize].instances[c_inst as usize];
                    ci.processing || ci.committing
                };
                let pi = &mut self.processors[n as usize].instances[inst as usize];
                if pi.dirty && !pi.committing {
                    if busy {
                        pi.commit_due = true;
                    } else {
                        self.processor_commit(n);
                    }
                }
                self.q.after(interval, Ev::Processor(n, inst, ProcessorEv::CommitTick));
            }
            ProcessorEv::FlushCheck => {
                if !self.producer_flushed(p, p_inst) {
                    self.q.after(5, Ev::Processor(n, inst, ProcessorEv::FlushCheck));
                    return;
                }
                let group = self.consumers[c as usize].group;
                let ci = self.cinst(c, c_inst);
                let generation = ci.generation;
                let offsets: Vec<(Tp, u64)> = ci.processed.iter().map(|(t, o)| (*t, *o)).collect();
                self.processors[n as usize].instances[inst as usize].committing = false;
                self.commit_offsets(c, c_inst, group, generation, offsets, true);
            }
        }
    }

    /// Commit progress: in the transaction (exactly-once) or after a flush (at-least-once).
    /// The consumer's loop waits meanwhile.
    fn processor_commit(&mut self, n: u16) {
        let now = self.now();
        let Some((k, i)) = self.proc_current(n) else { return };
        let (c_inst, p_inst) = (i.c_inst, i.p_inst);
        let (c, p) = (self.processors[n as usize].consumer, self.processors[n as usize].producer);
        let eos = self.processors[n as usize].cfg.guarantee == Guarantee::ExactlyOnceV2;
        let pi = &mut self.processors[n as usize].instances[k as usize];
        pi.dirty = false;
        pi.commit_due = false;
        pi.last_commit = now;
        pi.committing = true;
        let group = self.consumers[c as usize].group;
        let ci = self.cinst(c, c_inst);
        ci.committing = true;
        let generation = ci.generation;
        let offsets: Vec<(Tp, u64)> = ci.processed.iter().map(|(t, o)| (*t, *o)).collect();
        if eos {
            // `sendOffsetsToTransaction` commits each offset with its leader epoch too.
            let epochs = offsets.iter().map(|&(tp, o)| ci.epoch_before(tp, o)).collect();
            self.txn_commit_with_offsets(p, p_inst, Some((group, generation, offsets, epochs)));
        } else {
            self.producer_flush(p, p_inst);
            self.q.after(0, Ev::Processor(n, k, ProcessorEv::FlushCheck));
        }
    }

    /// The processor's transaction ended.
    pub fn processor_txn_done(&mut self, n: u16, commit: bool) {
        let Some((k, i)) = self.proc_current(n) else { return };
        let c_inst = i.c_inst;
        let c = self.processors[n as usize].consumer;
        self.processors[n as usize].instances[k as usize].committing = false;
        let ci = self.cinst(c, c_inst);
        ci.committing = false;
        if !commit {
            // An aborted transaction: go back to the last committed offsets.
            ci.needs_rejoin = true;
            ci.work.clear();
        }
        self.after_processing(c, c_inst);
    }

    /// Its producer was fenced: this instance is a zombie and stops.
    pub fn processor_fenced(&mut self, n: u16, _p: u16, _inst: u16) {
        self.crash_processor(n);
    }

    pub fn processor_receive(&mut self, _n: u16, _inst: u16, _from: Node, _msg: Msg, _id: u64) {}
}

//! The transactional outbox: the application writes its business row and an outbox row in
//! one local database transaction (so it is told success by its own database, never by
//! Kafka), and a relay in the same process polls the outbox table, publishes pending rows
//! with an ordinary producer and marks each row as published once the broker acknowledges
//! it. A row whose publication fails stays pending and is published again; a relay that
//! dies between the broker's ack and the marking publishes that row a second time.

use crate::errors::KafkaError;
use crate::producer::{ProducerEv, ACKED};
use crate::sim::{Ev, Sim};
use crate::trace::Kind;
use crate::types::{MsgId, Tp};

/// How often the relay polls its outbox table.
pub const RELAY_POLL_MS: u64 = 100;

impl Sim {
    /// The business write and the outbox row commit together in the local database.
    pub fn outbox_write(&mut self, p: u16, inst: u16, msg: MsgId, key: Option<u32>) {
        let app = &mut self.producers[p as usize];
        app.status[msg.index as usize] = ACKED;
        app.outbox_pending.insert(msg.index);
        self.record(Kind::OutboxWrite { p, inst, msg, key });
    }

    /// The relay publishes the pending rows, oldest first, in chunks: a new chunk only once
    /// every row of the previous one was acknowledged or failed, so a failed row goes out
    /// again before any newer one.
    pub fn relay_poll(&mut self, p: u16, inst: u16) {
        let keys = self.producers[p as usize].cfg.keys;
        let idle = self.inst(p, inst).relay_inflight.is_empty();
        if idle && self.inst(p, inst).leaders.is_some() {
            let app = &self.producers[p as usize];
            let i = &app.instances[inst as usize];
            let rows: Vec<u32> = app.outbox_pending.iter().copied().filter(|r| !i.relay_inflight.contains(r)).collect();
            for index in rows {
                let msg = MsgId { producer: p, index };
                let key = (keys > 0).then(|| index % keys);
                self.inst(p, inst).relay_inflight.insert(index);
                let tp = self.producer_enqueue(p, inst, msg, key);
                self.record(Kind::Send { p, inst, msg, key, tp });
            }
            self.run_sender(p, inst);
        }
        self.q.after(RELAY_POLL_MS, Ev::Producer(p, inst, ProducerEv::RelayPoll));
    }

    /// The broker acknowledged a row: the relay marks it as published.
    pub fn outbox_published(&mut self, p: u16, inst: u16, msg: MsgId, tp: Tp, offset: Option<u64>) {
        self.inst(p, inst).relay_inflight.remove(&msg.index);
        self.producers[p as usize].outbox_pending.remove(&msg.index);
        self.record(Kind::OutboxMarked { p, inst, msg, tp, offset });
    }

    /// Publishing failed (e.g. the cluster was down past `delivery.timeout.ms`): the row
    /// stays pending for the next poll. The application never hears of it.
    pub fn outbox_failed(&mut self, p: u16, inst: u16, msg: MsgId, error: KafkaError) {
        self.inst(p, inst).relay_inflight.remove(&msg.index);
        self.record(Kind::RelayError { p, inst, msg, error });
    }
}

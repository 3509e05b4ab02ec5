//! Out-of-order commit, as a consumer proxy does it: records of a poll are processed in
//! parallel, each finishing when it finishes, and a tracker commits per partition only the
//! contiguous prefix of processed offsets. A slow record no longer holds back the records
//! behind it (no head-of-line blocking), but after a crash everything above the committed
//! point is delivered again, and per-key order is no longer kept.

use crate::consumer::ConsumerEv;
use crate::log::Record;
use crate::sim::{Ev, Sim};
use crate::types::Tp;

impl Sim {
    /// Hands every polled record to its own worker.
    pub fn ooo_start(&mut self, c: u16, inst: u16, records: Vec<(Tp, u64, Record)>) {
        for (tp, offset, rec) in records {
            self.cinst(c, inst).ooo_records.insert((tp, offset), rec);
            let ms = self.processing_time(c, rec.msg);
            self.q.after(ms, Ev::Consumer(c, inst, ConsumerEv::ProcessedAt(tp, offset)));
        }
        self.ooo_maybe_poll(c, inst);
    }

    /// Polls again while fewer than `max.poll.records` records are being processed.
    fn ooo_maybe_poll(&mut self, c: u16, inst: u16) {
        let cap = self.consumers[c as usize].cfg.max_poll_records as usize;
        if self.cinst(c, inst).ooo_records.len() < cap {
            self.ooo_poll_now(c, inst);
        }
    }

    fn ooo_poll_now(&mut self, c: u16, inst: u16) {
        let now = self.now();
        let i = self.cinst(c, inst);
        if i.poll_at.is_none_or(|t| t > now) {
            i.poll_token += 1;
            let token = i.poll_token;
            i.poll_at = Some(now);
            self.q.after(0, Ev::Consumer(c, inst, ConsumerEv::Poll(token)));
        }
    }

    pub fn ooo_processed(&mut self, c: u16, inst: u16, tp: Tp, offset: u64) {
        let Some(&rec) = self.cinst(c, inst).ooo_records.get(&(tp, offset)) else { return };
        if self.poison.contains(&rec.msg) {
            self.processing_failed(c, inst, tp, offset, rec);
            return;
        }
        self.apply(c, inst, tp, offset, rec);
        self.ooo_complete(c, inst, tp, offset);
    }

    /// A record is done: commit the new contiguous prefix of its partition, if it moved.
    pub fn ooo_complete(&mut self, c: u16, inst: u16, tp: Tp, offset: u64) {
        let group = self.consumers[c as usize].group;
        let i = self.cinst(c, inst);
        i.ooo_records.remove(&(tp, offset));
        let lowest_open = i.ooo_records.range((tp, 0)..=(tp, u64::MAX)).next().map(|((_, o), _)| *o);
        let prefix = match lowest_open {
            Some(o) => o,
            None => i.positions.get(&tp).copied().unwrap_or(offset + 1),
        };
        let moved = i.ooo_committed.get(&tp).is_none_or(|&c| prefix > c);
        if moved {
            i.ooo_committed.insert(tp, prefix);
            i.processed.insert(tp, prefix);
            let generation = i.generation;
            let offsets = vec![(tp, prefix)];
            self.commit_offsets(c, inst, group, generation, offsets, false);
        }
        self.ooo_maybe_poll(c, inst);
    }
}

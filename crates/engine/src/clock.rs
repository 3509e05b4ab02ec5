//! The discrete-event core: a virtual clock in milliseconds and an event queue whose ties
//! are broken by insertion order, so the same inputs always replay the same way.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub type Time = u64;

struct Entry<E> {
    at: Time,
    seq: u64,
    ev: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

/// How many milliseconds ahead the calendar holds events in per-millisecond slots.
/// Events further ahead wait in a heap until the window reaches them.
const WINDOW: usize = 1024;
const WORDS: usize = WINDOW / 64;
const NIL: u32 = u32::MAX;

/// Pending events, earliest first; among events at the same time, first scheduled first.
///
/// A calendar queue: one FIFO list per millisecond of the next `WINDOW` ms (a bitmap finds
/// the next non-empty one), and a heap ordered by (time, insertion number) for events
/// further ahead. Far events move into the calendar as soon as the window covers their
/// time, which is before anything else can be scheduled at that time directly, so each
/// list stays in insertion order. Most events (network deliveries, fetch waits, linger)
/// are a few ms ahead, so scheduling and taking an event cost O(1) instead of a heap's
/// O(log n) moves.
pub struct EventQueue<E> {
    /// Per slot (time % WINDOW): first and last node of its list.
    heads: Vec<u32>,
    tails: Vec<u32>,
    occupied: [u64; WORDS],
    /// List nodes: the event and the next node of the same slot.
    nodes: Vec<(Option<E>, u32)>,
    free: Vec<u32>,
    near: usize,
    far: BinaryHeap<Reverse<Entry<E>>>,
    seq: u64,
    pub now: Time,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self {
            heads: vec![NIL; WINDOW],
            tails: vec![NIL; WINDOW],
            occupied: [0; WORDS],
            nodes: Vec::new(),
            free: Vec::new(),
            near: 0,
            far: BinaryHeap::new(),
            seq: 0,
            now: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn at(&mut self, at: Time, ev: E) {
        let at = at.max(self.now);
        if at - self.now < WINDOW as Time {
            self.push_near(at, ev);
        } else {
            self.seq += 1;
            self.far.push(Reverse(Entry { at, seq: self.seq, ev }));
        }
    }

    pub fn after(&mut self, delay: Time, ev: E) {
        self.at(self.now.saturating_add(delay), ev);
    }

    fn push_near(&mut self, at: Time, ev: E) {
        let slot = (at % WINDOW as Time) as usize;
        let node = match self.free.pop() {
            Some(i) => {
                self.nodes[i as usize] = (Some(ev), NIL);
                i
            }
            None => {
                self.nodes.push((Some(ev), NIL));
                (self.nodes.len() - 1) as u32
            }
        };
        match self.tails[slot] {
            NIL => {
                self.heads[slot] = node;
                self.occupied[slot / 64] |= 1 << (slot % 64);
            }
            t => self.nodes[t as usize].1 = node,
        }
        self.tails[slot] = node;
        self.near += 1;
    }

    /// The time of the earliest pending event held in the calendar.
    fn next_near(&self) -> Option<Time> {
        if self.near == 0 {
            return None;
        }
        let start = (self.now % WINDOW as Time) as usize;
        // Scan the bitmap circularly from `start`: first the rest of its word, then whole
        // words, then the part of the first word before `start`.
        let (w0, b0) = (start / 64, start % 64);
        let first = self.occupied[w0] & (!0u64 << b0);
        let slot = if first != 0 {
            w0 * 64 + first.trailing_zeros() as usize
        } else {
            let mut found = None;
            for k in 1..=WORDS {
                let w = (w0 + k) % WORDS;
                let mut bits = self.occupied[w];
                if k == WORDS {
                    bits &= (1u64 << b0).wrapping_sub(1);
                }
                if bits != 0 {
                    found = Some(w * 64 + bits.trailing_zeros() as usize);
                    break;
                }
            }
            found.expect("a non-empty calendar has an occupied slot")
        };
        let ahead = (slot + WINDOW - start) % WINDOW;
        Some(self.now + ahead as Time)
    }

    pub fn peek_time(&self) -> Option<Time> {
        match self.next_near() {
            Some(t) => Some(t),
            None => self.far.peek().map(|e| e.0.at),
        }
    }

    pub fn pop(&mut self) -> Option<(Time, E)> {
        self.pop_until(Time::MAX)
    }

    /// The earliest pending event if it is due at or before `end`; otherwise `None`, and
    /// the queue and the clock are left as they were.
    pub fn pop_until(&mut self, end: Time) -> Option<(Time, E)> {
        let t = self.peek_time()?;
        if t > end {
            return None;
        }
        self.advance(t);
        let slot = (t % WINDOW as Time) as usize;
        let node = self.heads[slot];
        let (ev, next) = std::mem::replace(&mut self.nodes[node as usize], (None, NIL));
        self.free.push(node);
        self.heads[slot] = next;
        if next == NIL {
            self.tails[slot] = NIL;
            self.occupied[slot / 64] &= !(1 << (slot % 64));
        }
        self.near -= 1;
        Some((t, ev.expect("a listed node holds an event")))
    }

    /// Moves the clock to `t` and brings far events the window now covers into it.
    fn advance(&mut self, t: Time) {
        self.now = t;
        while let Some(e) = self.far.peek() {
            if e.0.at - t >= WINDOW as Time {
                break;
            }
            let Reverse(e) = self.far.pop().expect("peeked");
            self.push_near(e.at, e.ev);
        }
    }

    pub fn len(&self) -> usize {
        self.near + self.far.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn ties_break_by_insertion_order() {
        let mut q = EventQueue::default();
        q.at(5, "b");
        q.at(3, "a");
        q.at(5, "c");
        assert_eq!(q.pop(), Some((3, "a")));
        assert_eq!(q.pop(), Some((5, "b")));
        assert_eq!(q.pop(), Some((5, "c")));
        assert_eq!(q.pop(), None);
    }

    /// The calendar gives exactly the order of a plain (time, insertion) heap, for events
    /// near and far, ties, and events scheduled in the past.
    #[test]
    fn same_order_as_a_heap() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for round in 0..200 {
            let mut q = EventQueue::default();
            let mut model: BinaryHeap<Reverse<(Time, u64)>> = BinaryHeap::new();
            let mut seq = 0;
            let mut now = 0;
            for _ in 0..2_000 {
                if next() % 3 != 0 {
                    let delay = match next() % 4 {
                        0 => 0,
                        1 => next() % 10,
                        2 => next() % 3_000,
                        _ => next() % (1 + round * 50),
                    };
                    let at = (now + delay).saturating_sub(next() % 2);
                    seq += 1;
                    q.at(at, seq);
                    model.push(Reverse((at.max(now), seq)));
                } else {
                    let want = model.pop().map(|Reverse((t, s))| (t, s));
                    assert_eq!(q.peek_time(), want.map(|w| w.0));
                    assert_eq!(q.pop(), want);
                    if let Some((t, _)) = want {
                        now = t;
                    }
                }
                assert_eq!(q.len(), model.len());
            }
        }
    }
}

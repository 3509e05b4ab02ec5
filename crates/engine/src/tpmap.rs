//! A map keyed by topic-partition, stored as `[topic][partition]`: what each broker keeps
//! per replica. Lookups are two index operations instead of a tree walk, and iteration is in
//! (topic, partition) order, the order of `Tp`, as a `BTreeMap<Tp, _>` would give.

use crate::types::Tp;

#[derive(Clone, Debug)]
pub struct TpMap<V> {
    topics: Vec<Vec<Option<V>>>,
}

impl<V> Default for TpMap<V> {
    fn default() -> Self {
        Self { topics: Vec::new() }
    }
}

impl<V> TpMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, tp: &Tp) -> Option<&V> {
        self.topics.get(tp.topic as usize)?.get(tp.partition as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, tp: &Tp) -> Option<&mut V> {
        self.topics.get_mut(tp.topic as usize)?.get_mut(tp.partition as usize)?.as_mut()
    }

    pub fn contains_key(&self, tp: &Tp) -> bool {
        self.get(tp).is_some()
    }

    fn slot(&mut self, tp: Tp) -> &mut Option<V> {
        let (t, p) = (tp.topic as usize, tp.partition as usize);
        if self.topics.len() <= t {
            self.topics.resize_with(t + 1, Vec::new);
        }
        let parts = &mut self.topics[t];
        if parts.len() <= p {
            parts.resize_with(p + 1, || None);
        }
        &mut parts[p]
    }

    pub fn insert(&mut self, tp: Tp, v: V) -> Option<V> {
        self.slot(tp).replace(v)
    }

    /// The value at `tp`, made with `f` when there is none.
    pub fn get_or_insert_with(&mut self, tp: Tp, f: impl FnOnce() -> V) -> &mut V {
        self.slot(tp).get_or_insert_with(f)
    }

    pub fn remove(&mut self, tp: &Tp) -> Option<V> {
        self.topics.get_mut(tp.topic as usize)?.get_mut(tp.partition as usize)?.take()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Tp, &V)> {
        self.topics.iter().enumerate().flat_map(|(t, parts)| {
            parts.iter().enumerate().filter_map(move |(p, v)| {
                v.as_ref().map(|v| (Tp { topic: t as u16, partition: p as u16 }, v))
            })
        })
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (Tp, &mut V)> {
        self.topics.iter_mut().enumerate().flat_map(|(t, parts)| {
            parts.iter_mut().enumerate().filter_map(move |(p, v)| {
                v.as_mut().map(|v| (Tp { topic: t as u16, partition: p as u16 }, v))
            })
        })
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.iter_mut().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.values().count()
    }

    pub fn is_empty(&self) -> bool {
        self.values().next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btreemap() {
        let mut a = TpMap::new();
        let mut b = BTreeMap::new();
        let mut rng = <rand_pcg::Pcg32 as rand::SeedableRng>::seed_from_u64(11);
        for _ in 0..5_000 {
            let x: u64 = rand::Rng::random(&mut rng);
            let tp = Tp { topic: ((x >> 40) % 4) as u16, partition: ((x >> 50) % 9) as u16 };
            match (x >> 20) % 3 {
                0 => assert_eq!(a.insert(tp, x), b.insert(tp, x)),
                1 => assert_eq!(a.remove(&tp), b.remove(&tp)),
                _ => assert_eq!(a.get(&tp), b.get(&tp)),
            }
            assert!(a.iter().map(|(k, v)| (k, *v)).eq(b.iter().map(|(k, v)| (*k, *v))));
        }
    }
}

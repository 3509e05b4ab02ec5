//! A small ordered map kept in a sorted `Vec`: for the handful of entries a client keeps
//! per connection (requests in flight), where walking a `BTreeMap` costs more than the work.
//! Iteration is in key order, like `BTreeMap`, so behaviour does not depend on it.

#[derive(Clone, Debug)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<K: Ord + Copy, V> VecMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, k: &K) -> Result<usize, usize> {
        // Keys usually arrive in increasing order: check the end first.
        match self.entries.last() {
            Some((last, _)) if *last < *k => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(x, _)| x.cmp(k)),
        }
    }

    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self.find(&k) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, v)),
            Err(i) => {
                self.entries.insert(i, (k, v));
                None
            }
        }
    }

    /// The value at `k`, made with `f` when there is none.
    pub fn get_or_insert_with(&mut self, k: K, f: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&k) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (k, f()));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn remove(&mut self, k: &K) -> Option<V> {
        self.find(k).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn get(&self, k: &K) -> Option<&V> {
        self.find(k).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.find(k).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, k: &K) -> bool {
        self.find(k).is_ok()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Takes every entry out, in key order.
    pub fn drain(&mut self) -> impl Iterator<Item = (K, V)> + '_ {
        self.entries.drain(..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btreemap() {
        let mut a = VecMap::new();
        let mut b = BTreeMap::new();
        let mut rng = <rand_pcg::Pcg32 as rand::SeedableRng>::seed_from_u64(7);
        for _ in 0..5_000 {
            let x: u64 = rand::Rng::random(&mut rng);
            let k = (x >> 33) % 64;
            match (x >> 20) % 3 {
                0 => assert_eq!(a.insert(k, x), b.insert(k, x)),
                1 => assert_eq!(a.remove(&k), b.remove(&k)),
                2 if x.is_multiple_of(2) => {
                    *a.get_or_insert_with(k, || x) += 1;
                    *b.entry(k).or_insert(x) += 1;
                }
                _ => assert_eq!(a.get(&k), b.get(&k)),
            }
            assert_eq!(a.len(), b.len());
        }
        assert!(a.iter().map(|(k, v)| (*k, *v)).eq(b.iter().map(|(k, v)| (*k, *v))));
    }
}

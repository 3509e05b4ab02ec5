//! Stable sorting with one compiled copy of the standard library's sort.
//!
//! `slice::sort_by_key` (and `BTreeMap`/`BTreeSet`'s `collect`, which sorts its items
//! first) compiles the standard sort once per element type and key closure, ~4 KB of wasm
//! each; the browser build had 17 copies. [`by_key`] sorts the positions of the items
//! instead, with one comparator type for every caller, then moves the items into place:
//! the same order as `sort_by_key` (stable: items with equal keys keep their order).
//! [`btree_map`] and [`btree_set`] build the collection by inserting, without a sort.
//! Hot paths with large inputs keep the standard sort.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The positions `0..len` in stable sorted order under `cmp`: the one compiled sort.
fn order(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Sorts `v` by `key`, stable: exactly what `v.sort_by_key(key)` gives.
pub fn by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    if v.len() < 2 {
        return;
    }
    let order = order(v.len(), &mut |a, b| key(&v[a]).cmp(&key(&v[b])));
    // `dest[i]`: where the item now at `i` goes. Swapping follows each cycle.
    let mut dest = vec![0; v.len()];
    for (to, &from) in order.iter().enumerate() {
        dest[from] = to;
    }
    for i in 0..v.len() {
        while dest[i] != i {
            let j = dest[i];
            v.swap(i, j);
            dest.swap(i, j);
        }
    }
}

/// Sorts `v` in ascending order, stable: what `v.sort()` gives.
pub fn ascending<T: Ord + Copy>(v: &mut [T]) {
    by_key(v, |x| *x);
}

/// The map `iter.collect::<BTreeMap<_, _>>()` gives (a later value for an equal key
/// replaces the earlier one), built without sorting.
pub fn btree_map<K: Ord, V>(iter: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    m.extend(iter);
    m
}

/// The set `iter.collect::<BTreeSet<_>>()` gives, built without sorting.
pub fn btree_set<T: Ord>(iter: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut s = BTreeSet::new();
    s.extend(iter);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_order_as_the_standard_stable_sort(v in proptest::collection::vec((0u8..8, any::<u32>()), 0..200)) {
            let mut ours = v.clone();
            by_key(&mut ours, |x| x.0);
            let mut std_sorted = v.clone();
            std_sorted.sort_by_key(|x| x.0);
            prop_assert_eq!(ours, std_sorted);
            let mut ours = v.clone();
            ascending(&mut ours);
            let mut std_sorted = v.clone();
            std_sorted.sort();
            prop_assert_eq!(ours, std_sorted);
        }

        #[test]
        fn same_collections_as_collect(v in proptest::collection::vec((0u8..16, any::<u32>()), 0..100)) {
            prop_assert_eq!(btree_map(v.iter().copied()), v.iter().copied().collect::<BTreeMap<_, _>>());
            prop_assert_eq!(btree_set(v.iter().copied()), v.iter().copied().collect::<BTreeSet<_>>());
        }
    }
}

//! One seeded, portable random stream per subsystem, so adding randomness to one part of
//! the model never shifts the choices of another.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subsystem {
    Network = 1,
    Partitioner = 2,
    Producer = 3,
    Consumer = 4,
}

pub struct Streams {
    seed: u64,
}

impl Streams {
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    /// The stream of `sub` for entity `index` (e.g. producer 2's sticky partitioner).
    pub fn stream(&self, sub: Subsystem, index: u64) -> Pcg32 {
        // splitmix64 of (seed, subsystem, index) gives independent, portable seeds.
        let mut z = self
            .seed
            .wrapping_add((sub as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_add(index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Pcg32::seed_from_u64(z)
    }
}

/// A uniform draw in `0..n` (n > 0).
pub fn below(rng: &mut Pcg32, n: u32) -> u32 {
    if n <= 1 {
        0
    } else {
        rng.random_range(0..n)
    }
}

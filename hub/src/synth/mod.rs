//! Synthetic supply chains (`hub gen supply-chain`): a deterministic world of enterprises,
//! sites and products, and EPCIS events of realistic chains over it, the same for the same seed.
//!
//! The world is registered through the registry's own functions (registration, approval, sites,
//! products, batches with their input lots); events go through the capture path
//! ([`registry::events::capture`]) in large transactions, or to EPCIS documents on disk.

mod chains;
pub(crate) mod register;
pub mod world;

use registry::epcis::Event;
use sha2::{Digest, Sha256};

pub use chains::Chains;
pub use register::{LotFiling, Registered, file_lots, register_world};
pub use world::World;

/// A small deterministic generator (SplitMix64): the same seed gives the same stream on every
/// machine and every version of the hub, which is what "deterministic by seed" needs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % (n.max(1) as u64)) as usize
    }

    /// Shuffles `v` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// A version-4 UUID URN.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "urn:uuid:{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// The running SHA-256 of the events generated, in order (their internal JSON): the same seed
/// and count give the same digest.
#[derive(Debug, Default)]
pub struct EventsHash(Sha256);

impl EventsHash {
    /// Adds one event.
    pub fn add(&mut self, e: &Event) {
        self.0.update(e.to_internal_json().as_bytes());
        self.0.update(b"\n");
    }

    /// The digest, hex.
    pub fn hex(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// The shape of a generated data set: events by type, lots, items, logistic units, fan-out.
#[derive(Debug, Default)]
pub struct Shape {
    by_type: std::collections::BTreeMap<&'static str, u64>,
    items: u64,
    units: u64,
    sold: u64,
}

impl Shape {
    /// Counts one event.
    pub fn add(&mut self, e: &Event) {
        use registry::epcis::{Action, EventType};
        *self.by_type.entry(e.event_type.as_str()).or_insert(0) += 1;
        match (e.event_type, e.action) {
            (EventType::ObjectEvent, Some(Action::Add)) => self.items += e.epc_list.len() as u64,
            (EventType::AggregationEvent, Some(Action::Add)) => self.units += 1,
            _ => {}
        }
        if e.biz_step
            .as_deref()
            .is_some_and(|s| s.ends_with("retail_selling"))
        {
            self.sold += e.epc_list.len() as u64;
        }
    }

    /// A summary, with the lots made (`filings`).
    pub fn summary(&self, filings: &[LotFiling]) -> String {
        let made: Vec<&LotFiling> = filings.iter().filter(|f| !f.inputs.is_empty()).collect();
        let raw = filings.len() - made.len();
        let inputs: usize = made.iter().map(|f| f.inputs.len()).sum();
        let mut uses: std::collections::HashMap<&str, usize> = Default::default();
        for f in &made {
            for i in &f.inputs {
                *uses.entry(i.as_str()).or_insert(0) += 1;
            }
        }
        let per = |a: f64, b: usize| if b == 0 { 0.0 } else { a / b as f64 };
        format!(
            "events by type: {:?}\nlots: {raw} raw (farm, mine), {} made (processor, smelter); inputs per made lot {:.2}; made lots per used raw lot {:.2}\nitems commissioned: {} ({:.1} per processor lot), {} sold; logistic units packed: {}",
            self.by_type,
            made.len(),
            per(inputs as f64, made.len()),
            per(inputs as f64, uses.len()),
            self.items,
            per(self.items as f64, made.len()),
            self.sold,
            self.units
        )
    }
}

/// The world and chain generator for a seed.
pub fn world_for(seed: u64) -> (World, Rng) {
    let mut rng = Rng::new(seed);
    let world = World::build(&mut rng);
    (world, rng)
}

/// Generates `events` events for `seed`, handing each to `sink`; returns the events hash.
pub fn generate(
    seed: u64,
    events: u64,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let (world, rng) = world_for(seed);
    let mut hash = EventsHash::default();
    let mut chains = Chains::new(&world, rng, events);
    chains.run(&mut |e| {
        hash.add(&e);
        sink(e)
    })?;
    Ok(hash.hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_events() {
        let mut a = Vec::new();
        let ha = generate(7, 3000, &mut |e| {
            a.push(e);
            Ok(())
        })
        .unwrap();
        let hb = generate(7, 3000, &mut |_| Ok(())).unwrap();
        let hc = generate(8, 3000, &mut |_| Ok(())).unwrap();
        assert_eq!(a.len(), 3000);
        assert_eq!(ha, hb);
        assert_ne!(ha, hc);
        let types: std::collections::HashSet<_> = a.iter().map(|e| e.event_type).collect();
        assert_eq!(
            types.len(),
            3,
            "object, aggregation and transformation events"
        );
    }

    #[test]
    fn gs1_keys_carry_their_check_digits() {
        let (world, _) = world_for(1);
        for e in &world.enterprises {
            for s in &e.sites {
                assert!(
                    registry::ids::gs1::has_valid_check_digit(&s.gln),
                    "{}",
                    s.gln
                );
            }
            for p in &e.products {
                assert!(
                    registry::ids::gs1::has_valid_check_digit(&p.gtin),
                    "{}",
                    p.gtin
                );
            }
        }
    }
}

//! The draw: a pure, deterministic function of a locked plan's frozen inputs and its seed, so
//! that anyone holding what the hub publishes can compute it again (`hub spotcheck verify-draw`,
//! `GET /api/v1/public/spot-checks/plans/{id}/draw`).
//!
//! With `H(parts…)` the SHA-256 of the concatenated parts, `be64` an integer as 8 big-endian
//! bytes and `key(…)` the first 8 bytes of `H(seed, …)` read as a big-endian unsigned integer:
//!
//! 1. **Enterprises, per credit tier.** The `n` eligible enterprises of tier `T`, sampled at
//!    `r` basis points, yield `k = floor(n·r / 10000)` tasks, plus one more when
//!    `key("tier", T) mod 10000 < (n·r mod 10000)`: every enterprise's chance is exactly the
//!    tier's ratio. The `k` with the smallest `key("enterprise", be64(id))` are drawn (ties,
//!    which do not happen in practice, by id).
//! 2. **Tasks** are ranked by that key, smallest first, across tiers.
//! 3. **Inspectors**, dealt like cards. Round `r` is every eligible inspector ordered by
//!    `key("inspector", be64(r), be64(id))`; the deck is round 0, then round 1 when it runs out,
//!    and so on. Each task in rank order takes, from the top of the deck down, the first
//!    inspectors not excluded for its enterprise (a conflict) and not already on the task;
//!    those taken leave the deck, those passed over stay where they are. Every inspector thus
//!    gets the same number of tasks, give or take one, unless conflicts forbid it. A task lists
//!    its inspectors by ascending id.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::enterprises::CreditTier;

/// Sampling ratios per credit tier, in basis points (100 = 1 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ratios {
    #[serde(rename = "A")]
    #[schema(maximum = 10000)]
    pub a: u32,
    #[serde(rename = "B")]
    #[schema(maximum = 10000)]
    pub b: u32,
    #[serde(rename = "C")]
    #[schema(maximum = 10000)]
    pub c: u32,
    #[serde(rename = "D")]
    #[schema(maximum = 10000)]
    pub d: u32,
}

impl Default for Ratios {
    /// One province's ratios: D 30 %, C 10 %, B 2 %, A 1 %.
    fn default() -> Self {
        Self {
            a: 100,
            b: 200,
            c: 1_000,
            d: 3_000,
        }
    }
}

impl Ratios {
    /// The ratio of `tier`, in basis points.
    pub fn of(&self, tier: CreditTier) -> u32 {
        match tier {
            CreditTier::A => self.a,
            CreditTier::B => self.b,
            CreditTier::C => self.c,
            CreditTier::D => self.d,
        }
    }
}

/// What the draw is computed from, frozen when the plan is locked and published with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrawInputs {
    pub ratios: Ratios,
    pub inspectors_per_task: u32,
    /// The eligible enterprises with their tier at locking, by id: `[id, "A"]`.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub enterprises: Vec<(i64, CreditTier)>,
    /// The eligible inspectors (user ids), ascending.
    pub inspectors: Vec<i64>,
    /// (enterprise, inspector) pairs that may not meet: a declared or recorded conflict, or the
    /// same enterprise inspected by the inspector in the department's previous plan:
    /// `[enterprise, inspector]`, ascending.
    #[schema(value_type = Vec<Vec<i64>>)]
    pub exclusions: BTreeSet<(i64, i64)>,
}

/// One drawn task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrawnTask {
    /// 1 for the first task drawn.
    pub rank: u32,
    pub enterprise_id: i64,
    pub tier: CreditTier,
    /// The inspectors (user ids), ascending.
    pub inspectors: Vec<i64>,
}

/// The draw could not staff a task: fewer eligible inspectors than a task needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unstaffed {
    pub enterprise_id: i64,
    pub eligible: usize,
}

/// A seed: 32 bytes, hex on the wire.
pub type Seed = [u8; 32];

fn key(seed: &Seed, domain: &str, parts: &[i64]) -> u64 {
    let mut hash = Sha256::new();
    hash.update(seed);
    hash.update(domain.as_bytes());
    for part in parts {
        hash.update(part.to_be_bytes());
    }
    let digest = hash.finalize();
    u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

fn tier_index(tier: CreditTier) -> i64 {
    match tier {
        CreditTier::A => 0,
        CreditTier::B => 1,
        CreditTier::C => 2,
        CreditTier::D => 3,
    }
}

/// Computes the draw (see the module documentation).
pub fn draw(inputs: &DrawInputs, seed: &Seed) -> Result<Vec<DrawnTask>, Unstaffed> {
    let mut drawn = draw_enterprises(inputs, seed);
    drawn.sort_unstable();
    let mut deck = Deck::new(&inputs.inspectors, seed);
    let per_task = inputs.inspectors_per_task as usize;
    drawn
        .into_iter()
        .enumerate()
        .map(|(i, (_, enterprise_id, tier))| {
            let mut inspectors = deck.deal(per_task, |inspector| {
                !inputs.exclusions.contains(&(enterprise_id, inspector))
            });
            inspectors.sort_unstable();
            if inspectors.len() < per_task {
                return Err(Unstaffed {
                    enterprise_id,
                    eligible: inspectors.len(),
                });
            }
            Ok(DrawnTask {
                rank: i as u32 + 1,
                enterprise_id,
                tier,
                inspectors,
            })
        })
        .collect()
}

/// The drawn enterprises as (key, id, tier).
fn draw_enterprises(inputs: &DrawInputs, seed: &Seed) -> Vec<(u64, i64, CreditTier)> {
    let mut out = Vec::new();
    for tier in [CreditTier::A, CreditTier::B, CreditTier::C, CreditTier::D] {
        let mut keyed: Vec<(u64, i64, CreditTier)> = inputs
            .enterprises
            .iter()
            .filter(|(_, t)| *t == tier)
            .map(|(id, t)| (key(seed, "enterprise", &[*id]), *id, *t))
            .collect();
        let scaled = keyed.len() as u64 * u64::from(inputs.ratios.of(tier).min(10_000));
        let mut k = (scaled / 10_000) as usize;
        if key(seed, "tier", &[tier_index(tier)]) % 10_000 < scaled % 10_000 {
            k += 1;
        }
        keyed.sort_unstable();
        keyed.truncate(k);
        out.extend(keyed);
    }
    out
}

/// The inspectors' deck: rounds of the pool, each in its own seeded order.
struct Deck<'a> {
    pool: &'a [i64],
    seed: &'a Seed,
    cards: Vec<Option<i64>>,
    top: usize,
    rounds: i64,
}

impl<'a> Deck<'a> {
    fn new(pool: &'a [i64], seed: &'a Seed) -> Self {
        Self {
            pool,
            seed,
            cards: Vec::new(),
            top: 0,
            rounds: 0,
        }
    }

    fn add_round(&mut self) {
        let round = self.rounds;
        let mut order: Vec<(u64, i64)> = self
            .pool
            .iter()
            .map(|id| (key(self.seed, "inspector", &[round, *id]), *id))
            .collect();
        order.sort_unstable();
        self.cards.extend(order.into_iter().map(|(_, id)| Some(id)));
        self.rounds += 1;
    }

    /// Up to `wanted` distinct inspectors that `allowed` accepts, from the top down; fewer only
    /// when fewer than `wanted` of the pool are allowed.
    fn deal(&mut self, wanted: usize, allowed: impl Fn(i64) -> bool) -> Vec<i64> {
        let possible = self.pool.iter().filter(|id| allowed(**id)).count();
        let wanted = wanted.min(possible);
        let mut taken = Vec::with_capacity(wanted);
        let mut at = self.top;
        while taken.len() < wanted {
            if at == self.cards.len() {
                self.add_round();
            }
            if let Some(id) = self.cards[at]
                && allowed(id)
                && !taken.contains(&id)
            {
                taken.push(id);
                self.cards[at] = None;
            }
            at += 1;
        }
        while self.top < self.cards.len() && self.cards[self.top].is_none() {
            self.top += 1;
        }
        taken
    }
}

/// The SHA-256 (hex) of the inputs in their canonical text: `ratios A B C D`, `per_task p`, then
/// one line per enterprise (`E id tier`), inspector (`I id`) and exclusion (`X enterprise
/// inspector`), in ascending order.
pub fn inputs_digest(inputs: &DrawInputs) -> String {
    let r = inputs.ratios;
    let mut hash = Sha256::new();
    hash.update(format!("ratios {} {} {} {}\n", r.a, r.b, r.c, r.d));
    hash.update(format!("per_task {}\n", inputs.inspectors_per_task));
    let mut enterprises = inputs.enterprises.clone();
    enterprises.sort_unstable_by_key(|(id, _)| *id);
    for (id, tier) in enterprises {
        hash.update(format!("E {id} {}\n", tier.as_str()));
    }
    let mut inspectors = inputs.inspectors.clone();
    inspectors.sort_unstable();
    for id in inspectors {
        hash.update(format!("I {id}\n"));
    }
    for (enterprise, inspector) in &inputs.exclusions {
        hash.update(format!("X {enterprise} {inspector}\n"));
    }
    hex::encode(hash.finalize())
}

/// The SHA-256 (hex) of a draw: one line per task, `rank enterprise inspector,inspector…`.
pub fn draw_digest(tasks: &[DrawnTask]) -> String {
    let mut hash = Sha256::new();
    for task in tasks {
        let inspectors: Vec<String> = task.inspectors.iter().map(i64::to_string).collect();
        hash.update(format!(
            "{} {} {}\n",
            task.rank,
            task.enterprise_id,
            inspectors.join(",")
        ));
    }
    hex::encode(hash.finalize())
}

/// Reads a seed written as 64 hex characters.
pub fn parse_seed(hex_seed: &str) -> Option<Seed> {
    let bytes = hex::decode(hex_seed).ok()?;
    bytes.try_into().ok()
}

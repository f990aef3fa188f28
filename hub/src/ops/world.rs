//! A synthetic world registered for `hub gen supply-chain`: its enterprises, sites and products
//! in one transaction, recorded once with the seed.

use serde_json::json;

use super::{Change, Origin, audited};
use crate::app::Core;
use crate::error::ApiError;
use crate::synth::{Registered, World, register_world};

/// Registers the parties of `world` (generated from `seed`, for `events` events).
pub fn register(
    core: &Core,
    origin: &Origin,
    world: &World,
    seed: u64,
    events: u64,
) -> Result<Registered, ApiError> {
    audited(core, origin, "gen.supply_chain", |conn, now| {
        let registered = register_world(conn, now, world)?;
        let detail =
            json!({ "seed": seed, "events": events, "enterprises": registered.enterprises() });
        Ok(Change::recorded(registered, format!("seed:{seed}"), detail))
    })
}

//! The hub's API end to end, one module per area: the hub boots in-process on a loopback port
//! for each test, on a fresh database of the backend the environment selects. One binary, so
//! the hub is linked once for all of them.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod access;
mod alerts;
mod blacklist;
mod contract;
mod documents;
mod enterprises;
mod filings;
mod http;
mod identity;
mod import;
mod intake;
mod jobs;
mod ledger;
mod notices;
mod recall_cases;
mod recall_cli;
mod regions;
mod spot_checks;
mod stamps;
mod tls;
mod trace;

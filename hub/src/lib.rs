//! The `hub` binary's library: configuration, the HTTP server (API, portal, resolver), the
//! command line, and later the scheduler and delivery. The only crate that talks to the network.

pub mod api;
pub mod cli;
pub mod config;
pub mod i18n;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod openapi;
pub mod portal;
pub mod resolver;
pub mod routes;
pub mod server;
pub mod stamps;
pub mod synth;
pub mod telemetry;

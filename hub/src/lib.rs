//! The `hub` binary's library: configuration, the HTTP server (API, portal, resolver), the
//! command line, and later the scheduler and delivery. The only crate that talks to the network.

// The floor: no module here imports one further down this list's later groups.
pub mod app;
pub mod config;
pub mod error;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod metrics;
pub mod ops;
pub mod resolution;
pub mod sheets;
pub mod signing;
pub mod synth;
pub mod telemetry;

// The rooms: handlers of the JSON API, the portal and the public resolver.
pub mod api;
pub mod portal;
pub mod resolver;

// The roof: the route table, the server that assembles it, the command line and the jobs.
pub mod cli;
pub mod jobs;
pub mod openapi;
pub mod routes;
pub mod server;

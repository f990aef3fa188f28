//! The public stamp resolver end to end: resolution, scans, alerts and fake reports
//! (`resolve`), and verification with the hidden code (`verify`).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod links;
mod resolve;
mod verify;

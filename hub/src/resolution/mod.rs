//! The machinery behind the public stamp resolver, below its handlers: the [`Resolver`] with
//! its keys and story cache (`runtime`), stamp reads batched across concurrent scans
//! (`lookup`), and the buffered scan log with its writer thread (`scanlog`).

pub mod lookup;
pub mod runtime;
pub mod scanlog;

pub use runtime::{CachedStory, Resolver};

//! The ecosystems techpolicy reads, one folder each: which files belong to it, how they are
//! parsed (one file per format), how its names and versions are spelled, and how its
//! manifests resolve against its lockfiles.
//!
//! Shared model types (what a parser yields) live in `crate::manifest`, with the syntax
//! helpers every format uses (JSON and YAML readers with byte positions, line blocks).

pub mod cargo;
pub mod docker;
pub mod npm;

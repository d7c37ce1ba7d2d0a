//! Cargo: `Cargo.toml` and `Cargo.lock`, workspaces (which root claims which member), and
//! `--cargo-metadata` (Cargo's own resolve graph, run offline on request).

pub mod cargo_lock;
pub mod cargo_toml;
pub mod metadata;
pub mod workspace;

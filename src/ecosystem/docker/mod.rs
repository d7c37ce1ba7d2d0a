//! Docker: images named by Dockerfiles (and Containerfiles) and by compose files.

pub mod compose;
pub mod dockerfile;

//! All integration tests build into one binary (as ripgrep's do); each module covers one
//! command or concern, over the repositories in `fixtures/` or temporary trees.

mod action;
mod bad_input;
mod cargo;
mod check;
mod conformance;
mod corpus;
mod docker_corners;
mod hostile;
mod inventory;
mod layout;
mod options;
mod policy;
mod process;
mod regressions;
mod reports;
mod util;

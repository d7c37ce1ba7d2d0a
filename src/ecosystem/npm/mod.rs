//! npm: `package.json` and the lockfiles of npm (`package-lock.json`,
//! `npm-shrinkwrap.json`), pnpm (`pnpm-lock.yaml`) and yarn (`yarn.lock`, classic and berry).

pub mod package_json;
pub mod package_lock;
pub mod pnpm_lock;
pub mod yarn_lock;

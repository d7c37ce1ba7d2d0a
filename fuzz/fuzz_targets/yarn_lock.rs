//! Fuzzes the `YarnLock` parser through the public API and checks what it returns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techpolicy::manifest::ManifestKind;

fuzz_target!(|data: &[u8]| {
    // The scanner rejects invalid UTF-8 before any parser sees it.
    if let Ok(text) = std::str::from_utf8(data) {
        techpolicy_fuzz::check_manifest(ManifestKind::YarnLock, text);
    }
});

//! Fuzzes the policy loader (TOML, layers, validation) through the public API and checks what
//! it returns.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Policy files are read with `read_to_string`: invalid UTF-8 never reaches the parser.
    if let Ok(text) = std::str::from_utf8(data) {
        techpolicy_fuzz::check_policy(text);
    }
});

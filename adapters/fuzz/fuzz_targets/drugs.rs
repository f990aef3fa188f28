//! The `drugs` adapter's parser and mapping on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adapters_fuzz::run("drugs", data));

//! The `special-equipment` adapter's parser and mapping on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| adapters_fuzz::run("special-equipment", data));

//! Stored event bodies, compressed: the internal JSON of an event as a zstd frame made with a
//! dictionary built into the hub, so that the `epcis_events` row is a few hundred bytes smaller
//! (a 650-byte generated event body becomes about 110 bytes).
//!
//! `epcis_events.body_zstd` holds a format byte ([`FORMAT_V1`]: dictionary `body_v1.dict`)
//! followed by the frame; `body` is then empty. Rows written before compression keep their text
//! in `body` and no `body_zstd`; [`unpack`] reads both. The dictionary of a format byte never
//! changes (stored rows depend on it): a new dictionary takes a new byte.
//!
//! `body_v1.dict` was trained (`zstd --train --maxdict=16384`) on the internal JSON of the
//! GS1 and openepcis example events of the conformance corpus (weighted five times) and of
//! 1,500 generated events of seed 7 (not a seed the benchmarks use).

use std::cell::RefCell;

use crate::error::{RegistryError, Result};

/// Format byte: zstd level [`LEVEL`] with `body_v1.dict`.
pub const FORMAT_V1: u8 = 1;
static DICT_V1: &[u8] = include_bytes!("body_v1.dict");
/// zstd level: 3 compresses a body in a few microseconds.
const LEVEL: i32 = 3;
/// Largest body accepted when decompressing (an event body is far smaller).
const MAX_BODY: usize = 64 << 20;

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
}

fn zstd_error(what: &str, e: &std::io::Error) -> RegistryError {
    RegistryError::Config(format!("event body {what}: {e}"))
}

/// The stored form of an event's internal JSON.
pub fn pack(json: &str) -> Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match &mut *slot {
            Some(c) => c,
            None => {
                let mut c = zstd::bulk::Compressor::with_dictionary(LEVEL, DICT_V1)
                    .map_err(|e| zstd_error("compressor", &e))?;
                c.include_checksum(false)
                    .and_then(|()| c.include_dictid(false))
                    .map_err(|e| zstd_error("compressor", &e))?;
                slot.insert(c)
            }
        };
        let frame = compressor
            .compress(json.as_bytes())
            .map_err(|e| zstd_error("compression", &e))?;
        let mut out = Vec::with_capacity(frame.len() + 1);
        out.push(FORMAT_V1);
        out.extend_from_slice(&frame);
        Ok(out)
    })
}

/// The internal JSON of a stored row: `body` when `body_zstd` is absent (rows stored before
/// compression), else the decompressed frame.
pub fn unpack(body: String, body_zstd: Option<Vec<u8>>) -> Result<String> {
    let Some(packed) = body_zstd else {
        return Ok(body);
    };
    let (format, frame) = packed
        .split_first()
        .ok_or_else(|| RegistryError::Config("empty compressed event body".into()))?;
    if *format != FORMAT_V1 {
        return Err(RegistryError::Config(format!(
            "event body in unknown format {format}"
        )));
    }
    let bytes = DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let decompressor = match &mut *slot {
            Some(d) => d,
            None => slot.insert(
                zstd::bulk::Decompressor::with_dictionary(DICT_V1)
                    .map_err(|e| zstd_error("decompressor", &e))?,
            ),
        };
        decompressor
            .decompress(frame, MAX_BODY)
            .map_err(|e| zstd_error("decompression", &e))
    })?;
    String::from_utf8(bytes).map_err(|e| RegistryError::Config(format!("event body: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_old_rows() {
        let json = r#"{"type":"ObjectEvent","eventTime":"2026-05-17T15:20:00+08:00","epcList":["https://id.gs1.org/01/06901390000028/21/100803"],"bizStep":"https://ref.gs1.org/cbv/BizStep-retail_selling"}"#;
        let packed = pack(json).unwrap();
        assert_eq!(packed[0], FORMAT_V1);
        assert!(packed.len() < json.len() / 2, "{} bytes", packed.len());
        assert_eq!(unpack(String::new(), Some(packed)).unwrap(), json);
        assert_eq!(unpack(json.into(), None).unwrap(), json);
        assert!(unpack(String::new(), Some(vec![9, 1, 2])).is_err());
        assert!(unpack(String::new(), Some(vec![FORMAT_V1, 1, 2])).is_err());
    }
}

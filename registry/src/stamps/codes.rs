//! Stamp serials and hidden (scratch-off) codes.
//!
//! # Alphabet
//! Crockford's base-32 alphabet less `0` and `1`: the 30 characters
//! `23456789ABCDEFGHJKMNPQRSTVWXYZ`. There is no `0`/`O`, `1`/`I`/`L` or `U`/`V` pair to
//! confuse; every character is in GS1 character set 82 (valid in AI (21) and AI (10) values),
//! an RFC 3986 unreserved character (no percent-encoding in a URI path), and in the QR code
//! alphanumeric mode (so the serial part of a URI encodes compactly).
//!
//! # Serials
//! [`SERIAL_LEN`] = 14 characters drawn uniformly from the CSPRNG: 14 · log2(30) = 68.7 bits.
//! With a billion stamps issued, one guess hits an issued serial with probability below
//! 2^-38; the EU tobacco rules ask for below 1 in 10,000.
//!
//! # Hidden codes
//! [`HIDDEN_CODE_LEN`] = 10 characters (49.1 bits) derived with HMAC-SHA256 under a versioned
//! server key over a domain-separated message (`tracehub/stamp/hidden-code/v1`, a zero byte, the
//! key version as 2 big-endian bytes, the serial). The keys live in configuration, never in the
//! database, so a copy of the database alone can neither reveal nor forge a hidden code. Wrong
//! guesses are to be rate-limited by the caller; 49 bits are far beyond online guessing.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, KeyInit, Mac};
use rand::CryptoRng;
use sha2::Sha256;

use super::StampError;

/// The 30 characters serials and hidden codes are written in (see the module documentation).
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Length of a serial in characters (68.7 bits of entropy).
pub const SERIAL_LEN: usize = 14;
/// Length of a hidden code in characters (49.1 bits).
pub const HIDDEN_CODE_LEN: usize = 10;
/// Version number of a hidden-code key.
pub type KeyVersion = u16;

const BASE: u8 = 30;
const INVALID: u8 = 0xFF;
/// Maps an ASCII byte to its alphabet index, lower case folded to upper case; [`INVALID`] else.
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        let c = ALPHABET[i];
        table[c as usize] = i as u8;
        table[c.to_ascii_lowercase() as usize] = i as u8;
        i += 1;
    }
    table
};
const HIDDEN_CODE_DOMAIN: &[u8] = b"tracehub/stamp/hidden-code/v1\0";
/// Random bytes fetched from the RNG at once when generating serials in bulk.
const RANDOM_CHUNK: usize = 4096;

fn ascii_str(bytes: &[u8]) -> &str {
    // Only ever called on bytes taken from ALPHABET, which are ASCII.
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// A stamp serial: exactly [`SERIAL_LEN`] characters of [`ALPHABET`]. `Copy`, no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial([u8; SERIAL_LEN]);

impl Serial {
    /// Parses a serial as stored and printed: upper case, exactly [`SERIAL_LEN`] characters.
    pub fn parse(s: &str) -> Result<Self, StampError> {
        let bytes: [u8; SERIAL_LEN] = s
            .as_bytes()
            .try_into()
            .map_err(|_| StampError::InvalidSerial)?;
        if bytes
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && bytes.iter().all(|&b| DECODE[usize::from(b)] != INVALID)
        {
            Ok(Self(bytes))
        } else {
            Err(StampError::InvalidSerial)
        }
    }

    /// Parses what a person typed: case-insensitive, ignoring whitespace and hyphens.
    pub fn parse_lenient(s: &str) -> Result<Self, StampError> {
        let mut out = [0u8; SERIAL_LEN];
        if normalize_into(s, &mut out) {
            Ok(Self(out))
        } else {
            Err(StampError::InvalidSerial)
        }
    }

    /// Draws a fresh serial from a cryptographically secure RNG.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut out = [0u8; SERIAL_LEN];
        let mut filled = 0;
        let mut buf = [0u8; 32];
        while filled < SERIAL_LEN {
            rng.fill_bytes(&mut buf);
            filled = fill_from_random(&buf, &mut out, filled);
        }
        Self(out)
    }

    /// The serial as a string slice.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.0)
    }

    /// The serial's ASCII bytes.
    pub fn as_bytes(&self) -> &[u8; SERIAL_LEN] {
        &self.0
    }
}

/// Copies alphabet characters drawn from `random` into `out[filled..]`, by rejection sampling
/// on 5-bit values (uniform over the 30 characters); returns the new fill level.
fn fill_from_random(random: &[u8], out: &mut [u8], mut filled: usize) -> usize {
    for &b in random {
        if filled == out.len() {
            break;
        }
        let v = b & 31;
        if v < BASE {
            out[filled] = ALPHABET[usize::from(v)];
            filled += 1;
        }
    }
    filled
}

/// Normalises typed input into `out`: skips whitespace and `-`, folds case, and returns `false`
/// unless it yields exactly `out.len()` alphabet characters.
fn normalize_into(s: &str, out: &mut [u8]) -> bool {
    let mut n = 0;
    for b in s.bytes() {
        if b.is_ascii_whitespace() || b == b'-' {
            continue;
        }
        let v = DECODE[usize::from(b)];
        if v == INVALID || n == out.len() {
            return false;
        }
        out[n] = ALPHABET[usize::from(v)];
        n += 1;
    }
    n == out.len()
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Serial({})", self.as_str())
    }
}

impl FromStr for Serial {
    type Err = StampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for Serial {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<Serial> for String {
    fn from(s: Serial) -> Self {
        s.as_str().to_owned()
    }
}

impl serde::Serialize for Serial {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Serial {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An endless stream of serials from one RNG, drawing random bytes in 4 KiB chunks.
///
/// Duplicates are possible in principle (about n²/2^69.7 for n serials: 10^-9 for a million);
/// the database's unique constraint is what guarantees a serial is never issued twice.
pub struct SerialGenerator<R> {
    rng: R,
    buf: Box<[u8; RANDOM_CHUNK]>,
    pos: usize,
}

impl<R: CryptoRng> SerialGenerator<R> {
    /// A generator drawing from `rng`.
    pub fn new(rng: R) -> Self {
        Self {
            rng,
            buf: Box::new([0; RANDOM_CHUNK]),
            pos: RANDOM_CHUNK,
        }
    }

    /// Fills `out` with fresh serials.
    pub fn fill(&mut self, out: &mut [Serial]) {
        for s in out {
            *s = self.next_serial();
        }
    }

    /// The next serial.
    pub fn next_serial(&mut self) -> Serial {
        let mut out = [0u8; SERIAL_LEN];
        let mut filled = 0;
        while filled < SERIAL_LEN {
            if self.pos == RANDOM_CHUNK {
                self.rng.fill_bytes(&mut self.buf[..]);
                self.pos = 0;
            }
            // Take just enough bytes for the characters still missing (rejections retake).
            let end = (self.pos + SERIAL_LEN - filled).min(RANDOM_CHUNK);
            filled = fill_from_random(&self.buf[self.pos..end], &mut out, filled);
            self.pos = end;
        }
        Serial(out)
    }
}

impl SerialGenerator<rand::rngs::ThreadRng> {
    /// A generator on the thread-local CSPRNG (ChaCha12, seeded and reseeded from the OS).
    pub fn from_thread_rng() -> Self {
        Self::new(rand::rng())
    }
}

impl<R: CryptoRng> Iterator for SerialGenerator<R> {
    type Item = Serial;
    fn next(&mut self) -> Option<Serial> {
        Some(self.next_serial())
    }
}

impl<R> fmt::Debug for SerialGenerator<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SerialGenerator")
    }
}

/// `n` fresh serials from the thread-local CSPRNG, in one allocation.
pub fn generate_serials(n: usize) -> Vec<Serial> {
    let mut generator = SerialGenerator::from_thread_rng();
    let mut out = Vec::with_capacity(n);
    out.extend((&mut generator).take(n));
    out
}

/// A hidden (scratch-off) code: [`HIDDEN_CODE_LEN`] characters of [`ALPHABET`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HiddenCode([u8; HIDDEN_CODE_LEN]);

impl HiddenCode {
    /// The code as one string, as stored.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.0)
    }

    /// The code in two groups of five for printing, e.g. `ABCDE FGHJK` (verification ignores
    /// the space).
    pub fn grouped(&self) -> String {
        let (a, b) = self.0.split_at(HIDDEN_CODE_LEN / 2);
        format!("{} {}", ascii_str(a), ascii_str(b))
    }
}

impl fmt::Display for HiddenCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HiddenCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HiddenCode(..)")
    }
}

impl From<HiddenCode> for String {
    fn from(c: HiddenCode) -> Self {
        c.as_str().to_owned()
    }
}

/// A 32-byte server key for hidden codes. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct HiddenCodeKey([u8; 32]);

impl HiddenCodeKey {
    /// Parses 64 hex digits (surrounding whitespace ignored), as written in configuration.
    pub fn from_hex(s: &str) -> Result<Self, StampError> {
        let s = s.trim();
        if s.len() != 64 {
            return Err(StampError::InvalidKey("must be 64 hex digits (32 bytes)"));
        }
        let mut key = [0u8; 32];
        hex::decode_to_slice(s, &mut key)
            .map_err(|_| StampError::InvalidKey("must be 64 hex digits (32 bytes)"))?;
        if key.iter().all(|&b| b == key[0]) {
            return Err(StampError::InvalidKey(
                "is a repeated byte, not a random key",
            ));
        }
        Ok(Self(key))
    }

    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A fresh random key, e.g. for a `hub keys generate` command.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Self(key)
    }

    /// The key as 64 hex digits, to write into configuration. Handle with care.
    pub fn expose_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for HiddenCodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HiddenCodeKey(<redacted>)")
    }
}

/// The configured hidden-code keys by version. New stamps use the current (by default the
/// highest) version; stamps issued under older versions still verify while their key is kept.
#[derive(Clone)]
pub struct HiddenCodeKeyRing {
    current: KeyVersion,
    /// The current key's HMAC state (also in `keys`), so issuing needs no lookup.
    current_mac: Hmac<Sha256>,
    /// Each key's HMAC state after absorbing the key (the raw key is not kept).
    keys: BTreeMap<KeyVersion, Hmac<Sha256>>,
}

impl HiddenCodeKeyRing {
    /// A ring of `keys`, issuing under `current`. Fails on duplicate versions, no keys, or a
    /// `current` that is not among them.
    pub fn new(
        current: KeyVersion,
        keys: impl IntoIterator<Item = (KeyVersion, HiddenCodeKey)>,
    ) -> Result<Self, StampError> {
        let mut map = BTreeMap::new();
        for (version, key) in keys {
            let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key.0)
                .map_err(|_| StampError::InvalidKey("rejected by HMAC"))?;
            if map.insert(version, mac).is_some() {
                return Err(StampError::InvalidKeyRing(format!(
                    "version {version} appears twice"
                )));
            }
        }
        let current_mac = map.get(&current).cloned().ok_or_else(|| {
            StampError::InvalidKeyRing(format!("current version {current} has no key"))
        })?;
        Ok(Self {
            current,
            current_mac,
            keys: map,
        })
    }

    /// Parses a configuration string of `VERSION:HEX` entries separated by commas or
    /// whitespace, e.g. `"1:9f…,2:03…"`; the highest version becomes current.
    pub fn from_config(s: &str) -> Result<Self, StampError> {
        let mut keys = Vec::new();
        for entry in s.split(|c: char| c == ',' || c.is_whitespace()) {
            if entry.is_empty() {
                continue;
            }
            let (version, hex) = entry.split_once(':').ok_or_else(|| {
                StampError::InvalidKeyRing("each entry must be VERSION:HEX".into())
            })?;
            let version: KeyVersion = version
                .parse()
                .map_err(|_| StampError::InvalidKeyRing(format!("bad key version {version:?}")))?;
            keys.push((version, HiddenCodeKey::from_hex(hex)?));
        }
        let current = keys
            .iter()
            .map(|(v, _)| *v)
            .max()
            .ok_or_else(|| StampError::InvalidKeyRing("no keys configured".into()))?;
        Self::new(current, keys)
    }

    /// The same keys, issuing under `current` (e.g. to stage a new key before switching).
    pub fn with_current(mut self, current: KeyVersion) -> Result<Self, StampError> {
        let mac = self
            .keys
            .get(&current)
            .ok_or(StampError::UnknownKeyVersion(current))?;
        self.current_mac = mac.clone();
        self.current = current;
        Ok(self)
    }

    /// The version new stamps are issued under.
    pub fn current_version(&self) -> KeyVersion {
        self.current
    }

    /// All configured versions, ascending.
    pub fn versions(&self) -> impl Iterator<Item = KeyVersion> + '_ {
        self.keys.keys().copied()
    }

    /// The hidden code of `serial` under key `version`.
    pub fn hidden_code(
        &self,
        version: KeyVersion,
        serial: &Serial,
    ) -> Result<HiddenCode, StampError> {
        let mac = self
            .keys
            .get(&version)
            .ok_or(StampError::UnknownKeyVersion(version))?;
        Ok(derive(mac, version, serial))
    }

    /// The hidden code of `serial` under the current key, with that key's version to store.
    pub fn issue(&self, serial: &Serial) -> (KeyVersion, HiddenCode) {
        (
            self.current,
            derive(&self.current_mac, self.current, serial),
        )
    }

    /// Whether `candidate` (as a person typed it: any case, spaces and hyphens ignored) is the
    /// hidden code of `serial` under key `version`. The comparison is constant-time.
    /// An unknown version is an error, not a "no": it means a key was removed too early.
    pub fn verify(
        &self,
        version: KeyVersion,
        serial: &Serial,
        candidate: &str,
    ) -> Result<bool, StampError> {
        let expected = self.hidden_code(version, serial)?;
        let mut typed = [0u8; HIDDEN_CODE_LEN];
        if !normalize_into(candidate, &mut typed) {
            return Ok(false);
        }
        Ok(constant_time_eq(&expected.0, &typed))
    }
}

impl fmt::Debug for HiddenCodeKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HiddenCodeKeyRing")
            .field("current", &self.current)
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn derive(keyed: &Hmac<Sha256>, version: KeyVersion, serial: &Serial) -> HiddenCode {
    let mut mac = keyed.clone();
    mac.update(HIDDEN_CODE_DOMAIN);
    mac.update(&version.to_be_bytes());
    mac.update(serial.as_bytes());
    let tag = mac.finalize().into_bytes();
    let mut head = [0u8; 16];
    head.copy_from_slice(&tag[..16]);
    // 128 bits reduced modulo 30^10 (< 2^50): the bias is below 2^-78.
    let mut v = u128::from_be_bytes(head) % u128::from(BASE).pow(HIDDEN_CODE_LEN as u32);
    let mut out = [0u8; HIDDEN_CODE_LEN];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(v % u128::from(BASE)) as usize];
        v /= u128::from(BASE);
    }
    HiddenCode(out)
}

fn constant_time_eq(a: &[u8; HIDDEN_CODE_LEN], b: &[u8; HIDDEN_CODE_LEN]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
#[path = "codes_tests.rs"]
mod tests;

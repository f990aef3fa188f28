//! GS1 element strings: sequences of Application Identifiers and their values, read and written
//! in the bracketed form `(01)09506000134352(10)ABC` and the unbracketed form
//! `^010950600013435210ABC` (`^` standing for FNC1, as in barcode data; the ASCII group separator
//! 0x1D is accepted in its place). Every value is checked against the Syntax Dictionary (length,
//! character set, check routines), then the whole string against the pairing rules (`req`,
//! `ex`), repeated AIs and the digital-signature rule.

use std::fmt;

use super::ai::{self, AiEntry, UNKNOWN_AI};
use super::lint::{LintError, Linter};

/// The group separator (ASCII 29), used for FNC1 in scanned data.
pub const GS: char = '\u{1d}';

/// Switches for parsing and validation. The defaults are the strict, standard behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Accept AIs missing from the dictionary (value: 1-90 characters of set 82). Default false.
    pub permit_unknown_ais: bool,
    /// Check the `req` (requisite AI) rules. Default true.
    pub validate_requisites: bool,
    /// Digital Link: accept GTIN-8/12/13 in AI (01) and zero-pad them to 14 digits. Default
    /// false, as the Digital Link standard asks for the 14-digit form.
    pub permit_zero_suppressed_gtin: bool,
    /// Digital Link: accept the deprecated convenience alphas (`gtin`, `lot`, `ser`, ...) in
    /// place of AIs in the path. Default false.
    pub permit_convenience_alphas: bool,
    /// Digital Link: refuse unknown AIs as data attributes (query parameters). Default true.
    pub unknown_ai_not_dl_attr: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            permit_unknown_ais: false,
            validate_requisites: true,
            permit_zero_suppressed_gtin: false,
            permit_convenience_alphas: false,
            unknown_ai_not_dl_attr: true,
        }
    }
}

/// Why an element string (or one AI value) is invalid. Every variant names the AI at fault
/// where there is one; offsets count bytes from 0 within the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElementStringError {
    /// Nothing to parse.
    #[error("no AI data")]
    Empty,
    /// Unbracketed data must start with FNC1 (`^`).
    #[error("AI data must start with FNC1 ('^')")]
    MissingFnc1,
    /// The bracketed syntax is broken.
    #[error("malformed bracketed AI data at position {}: {what}", pos + 1)]
    Syntax {
        /// Offset in the input.
        pos: usize,
        /// What was expected.
        what: &'static str,
    },
    /// The AI is not in the Syntax Dictionary (and unknown AIs are not permitted).
    #[error("({ai}) is not a known Application Identifier")]
    UnknownAi {
        /// The AI as written.
        ai: String,
    },
    /// No AI starts the data at this point (unbracketed data).
    #[error("no known AI starts the data at '{at}'")]
    NoAiForPrefix {
        /// The start of the unparsed data.
        at: String,
    },
    /// An AI with an empty value.
    #[error("({ai}) has an empty value")]
    EmptyValue {
        /// The AI.
        ai: String,
    },
    /// The value is shorter than the AI allows.
    #[error("({ai}) value is too short: {found} characters, at least {min} required")]
    TooShort {
        /// The AI.
        ai: String,
        /// Minimum length.
        min: usize,
        /// Length found.
        found: usize,
    },
    /// The value is longer than the AI allows.
    #[error("({ai}) value is too long: {found} characters, at most {max} allowed")]
    TooLong {
        /// The AI.
        ai: String,
        /// Maximum length.
        max: usize,
        /// Length found.
        found: usize,
    },
    /// A `^` inside a value, which would be read as FNC1.
    #[error("({ai}) value contains '^', which is reserved for FNC1")]
    IllegalCaret {
        /// The AI.
        ai: String,
    },
    /// A component of the value is cut short.
    #[error("({ai}) component {component} (at position {}) has the wrong length", offset + 1)]
    ComponentLength {
        /// The AI.
        ai: String,
        /// 1-based component number.
        component: usize,
        /// Offset of the component in the value.
        offset: usize,
    },
    /// A component fails its character set or a check routine.
    #[error("({ai}) component {component}: {error} at position {}", offset + 1)]
    Invalid {
        /// The AI.
        ai: String,
        /// 1-based component number.
        component: usize,
        /// Offset of the offending characters in the value.
        offset: usize,
        /// How many characters are at fault.
        len: usize,
        /// What the check routine found.
        error: LintError,
    },
    /// A `req` rule of the AI is not satisfied.
    #[error("({ai}) requires {required} in the same data")]
    RequisiteMissing {
        /// The AI.
        ai: String,
        /// The rule in dictionary notation, e.g. `01+21,03+21`.
        required: String,
    },
    /// Two AIs that exclude each other.
    #[error("({ai}) and ({other}) must not be used together")]
    Exclusive {
        /// The AI whose `ex` rule fired.
        ai: String,
        /// The AI it excludes.
        other: String,
    },
    /// An AI repeated with a different value.
    #[error("({ai}) appears more than once with different values")]
    RepeatedDifferent {
        /// The AI.
        ai: String,
    },
    /// A digital signature (8030) over a key that lacks its serial component.
    #[error("({ai}) must carry its serial component when a digital signature (8030) is present")]
    DigSigNeedsSerial {
        /// The key AI.
        ai: String,
    },
}

type Result<T> = std::result::Result<T, ElementStringError>;

/// One AI and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiValue {
    ai: String,
    value: String,
    entry: &'static AiEntry,
}

impl AiValue {
    /// Checks `value` against the dictionary entry of `ai`.
    pub fn new(ai: &str, value: &str, opts: &Options) -> Result<Self> {
        let entry = resolve(ai, opts)?;
        validate_value(ai, entry, value)?;
        Ok(Self {
            ai: ai.to_owned(),
            value: value.to_owned(),
            entry,
        })
    }

    /// The AI.
    pub fn ai(&self) -> &str {
        &self.ai
    }

    /// The value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The dictionary entry ([`UNKNOWN_AI`] for a permitted unknown AI).
    pub fn entry(&self) -> &'static AiEntry {
        self.entry
    }

    /// Whether the AI is missing from the dictionary.
    pub fn is_unknown(&self) -> bool {
        std::ptr::eq(self.entry, &UNKNOWN_AI)
    }
}

/// A validated GS1 element string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElementString {
    elements: Vec<AiValue>,
}

fn err_ai<T>(ai: &str, f: impl FnOnce(String) -> ElementStringError) -> Result<T> {
    Err(f(ai.to_owned()))
}

/// The dictionary entry for `ai`, or the unknown-AI entry when permitted and plausible.
fn resolve(ai: &str, opts: &Options) -> Result<&'static AiEntry> {
    match ai::lookup(ai) {
        Some(e) => Ok(e),
        None if opts.permit_unknown_ais && ai::is_plausible_unknown_ai(ai) => Ok(&UNKNOWN_AI),
        None => err_ai(ai, |ai| ElementStringError::UnknownAi { ai }),
    }
}

/// Checks one value against its entry: length, `^`, then each component's length, character set
/// and check routines.
pub fn validate_value(ai: &str, entry: &AiEntry, value: &str) -> Result<()> {
    if value.is_empty() {
        return err_ai(ai, |ai| ElementStringError::EmptyValue { ai });
    }
    let (min, max, found) = (entry.min_len(), entry.max_len(), value.len());
    if found < min {
        return err_ai(ai, |ai| ElementStringError::TooShort { ai, min, found });
    }
    if found > max {
        return err_ai(ai, |ai| ElementStringError::TooLong { ai, max, found });
    }
    if value.contains('^') {
        return err_ai(ai, |ai| ElementStringError::IllegalCaret { ai });
    }
    let bytes = value.as_bytes();
    let mut offset = 0;
    for (i, comp) in entry.components.iter().enumerate() {
        let rest = &bytes[offset..];
        if rest.is_empty() && comp.optional {
            break;
        }
        let len = rest.len().min(usize::from(comp.max));
        if len < usize::from(comp.min) {
            return err_ai(ai, |ai| ElementStringError::ComponentLength {
                ai,
                component: i + 1,
                offset,
            });
        }
        let part = &rest[..len];
        let linters = std::iter::once(comp.charset.linter()).chain(comp.linters.iter().copied());
        for linter in linters.filter(|l: &Linter| l.is_implemented()) {
            if let Err(f) = linter.check(part) {
                return err_ai(ai, |ai| ElementStringError::Invalid {
                    ai,
                    component: i + 1,
                    offset: offset + f.pos,
                    len: f.len,
                    error: f.error,
                });
            }
        }
        offset += len;
    }
    if offset < bytes.len() {
        return err_ai(ai, |ai| ElementStringError::TooLong { ai, max, found });
    }
    Ok(())
}

/// How many bytes of `data` (a run up to the next separator) the components of `entry` take.
fn consumed(entry: &AiEntry, data: &str) -> usize {
    let mut taken = 0;
    for comp in entry.components {
        let rest = data.len() - taken;
        if rest == 0 {
            break;
        }
        taken += rest.min(usize::from(comp.max));
    }
    taken
}

impl ElementString {
    /// An element string from AI values, checking the pairing rules.
    pub fn from_values(elements: Vec<AiValue>, opts: &Options) -> Result<Self> {
        let es = Self { elements };
        es.validate_associations(opts)?;
        Ok(es)
    }

    /// Parses bracketed data, e.g. `(01)09506000134352(10)ABC`; `\(` is a literal `(`.
    pub fn parse_bracketed(s: &str, opts: &Options) -> Result<Self> {
        if s.is_empty() {
            return Err(ElementStringError::Empty);
        }
        let mut elements = Vec::new();
        let mut pos = 0;
        while pos < s.len() {
            if !s[pos..].starts_with('(') {
                return Err(ElementStringError::Syntax {
                    pos,
                    what: "expected '('",
                });
            }
            let Some(close) = s[pos + 1..].find(')').map(|i| pos + 1 + i) else {
                return Err(ElementStringError::Syntax {
                    pos,
                    what: "AI not closed by ')'",
                });
            };
            let ai = &s[pos + 1..close];
            if ai.len() < 2 || ai.len() > 4 || !ai.bytes().all(|b| b.is_ascii_digit()) {
                return err_ai(ai, |ai| ElementStringError::UnknownAi { ai });
            }
            let mut value = String::new();
            let mut i = close + 1;
            loop {
                match s[i..].find('(') {
                    Some(j) if s[..i + j].ends_with('\\') => {
                        value.push_str(&s[i..(i + j).saturating_sub(1)]);
                        value.push('(');
                        i += j + 1;
                    }
                    Some(j) => {
                        value.push_str(&s[i..i + j]);
                        i += j;
                        break;
                    }
                    None => {
                        value.push_str(&s[i..]);
                        i = s.len();
                        break;
                    }
                }
            }
            elements.push(AiValue::new(ai, &value, opts)?);
            pos = i;
        }
        Self::from_values(elements, opts)
    }

    /// Parses unbracketed data starting with FNC1: `^0109506000134352^10ABC` (`^` or GS as
    /// separators; a separator after a fixed-length value is tolerated).
    pub fn parse_unbracketed(s: &str, opts: &Options) -> Result<Self> {
        let Some(mut rest) = s.strip_prefix('^') else {
            return Err(ElementStringError::MissingFnc1);
        };
        if rest.is_empty() {
            return Err(ElementStringError::Empty);
        }
        let is_sep = |c: char| c == '^' || c == GS;
        let mut elements = Vec::new();
        while !rest.is_empty() {
            let (ai, entry) = match ai::lookup_prefix(rest) {
                Some(e) => (e.ai, e),
                None => match unknown_prefix(rest, opts) {
                    Some(ai) => (ai, &UNKNOWN_AI),
                    None => {
                        let at: String = rest.chars().take(12).collect();
                        return Err(ElementStringError::NoAiForPrefix { at });
                    }
                },
            };
            let data = &rest[ai.len()..];
            let run = data.find(is_sep).unwrap_or(data.len());
            let mut take = consumed(entry, &data[..run]);
            while !data.is_char_boundary(take) {
                take += 1; // non-ASCII: keep the whole character, validation rejects it
            }
            let value = &data[..take];
            let element = AiValue::new(ai, value, opts)?;
            if entry.fnc1 && take < run {
                let found = run;
                let max = entry.max_len();
                return err_ai(ai, |ai| ElementStringError::TooLong { ai, max, found });
            }
            elements.push(element);
            rest = &data[take..];
            if let Some(r) = rest.strip_prefix(is_sep) {
                rest = r;
            }
        }
        Self::from_values(elements, opts)
    }

    /// The AI values, in order.
    pub fn elements(&self) -> &[AiValue] {
        &self.elements
    }

    /// The value of the first instance of `ai`.
    pub fn get(&self, ai: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.as_str())
    }

    /// The bracketed form, `(` in values escaped as `\(`.
    pub fn to_bracketed(&self) -> String {
        let mut out = String::new();
        for e in &self.elements {
            out.push('(');
            out.push_str(&e.ai);
            out.push(')');
            out.push_str(&e.value.replace('(', "\\("));
        }
        out
    }

    /// The unbracketed form with `sep` for FNC1 (leading FNC1 included when `leading`).
    fn joined(&self, sep: char, leading: bool) -> String {
        let mut out = String::new();
        if leading {
            out.push(sep);
        }
        for (i, e) in self.elements.iter().enumerate() {
            out.push_str(&e.ai);
            out.push_str(&e.value);
            if e.entry.fnc1 && i + 1 < self.elements.len() {
                out.push(sep);
            }
        }
        out
    }

    /// The unbracketed form, `^` for FNC1, e.g. `^010950600013435210ABC`.
    pub fn to_unbracketed(&self) -> String {
        self.joined('^', true)
    }

    /// The data as a barcode carries it after its symbology identifier: no leading FNC1, GS
    /// (0x1D) between a variable-length value and the next AI.
    pub fn to_gs_separated(&self) -> String {
        self.joined(GS, false)
    }

    /// Whether any AI other than `ignore` matches `pattern` (`nn` wildcards allowed).
    fn exists(&self, pattern: &str, ignore: Option<&str>) -> Option<&AiValue> {
        self.elements
            .iter()
            .find(|e| Some(e.ai.as_str()) != ignore && ai::ai_matches(&e.ai, pattern))
    }

    /// Checks `ex`, `req` (unless switched off), repeated AIs and the digital-signature rule.
    pub fn validate_associations(&self, opts: &Options) -> Result<()> {
        let mut sorted: Vec<&AiValue> = self.elements.iter().collect();
        sorted.sort_by(|a, b| a.ai.cmp(&b.ai));
        for e in &sorted {
            for pattern in e.entry.ex {
                if let Some(other) = self.exists(pattern, Some(&e.ai)) {
                    return Err(ElementStringError::Exclusive {
                        ai: e.ai.clone(),
                        other: other.ai.clone(),
                    });
                }
            }
        }
        if opts.validate_requisites {
            for e in &sorted {
                for rule in e.entry.req {
                    let ok = rule
                        .iter()
                        .any(|group| group.iter().all(|p| self.exists(p, Some(&e.ai)).is_some()));
                    if !ok {
                        let alts: Vec<String> = rule.iter().map(|g| g.join("+")).collect();
                        return Err(ElementStringError::RequisiteMissing {
                            ai: e.ai.clone(),
                            required: alts.join(","),
                        });
                    }
                }
            }
        }
        for w in sorted.windows(2) {
            if w[0].ai == w[1].ai && w[0].value != w[1].value {
                return err_ai(&w[0].ai, |ai| ElementStringError::RepeatedDifferent { ai });
            }
        }
        if self.exists("8030", None).is_some() {
            for key in ["253", "255", "8003"] {
                if let Some(e) = self.exists(key, None) {
                    if e.value.len() == e.entry.min_len() {
                        return err_ai(key, |ai| ElementStringError::DigSigNeedsSerial { ai });
                    }
                }
            }
        }
        Ok(())
    }
}

/// An unknown AI at the start of unbracketed data, when permitted: its length must be fixed by
/// the known AIs sharing its first two digits.
fn unknown_prefix<'a>(data: &'a str, opts: &Options) -> Option<&'a str> {
    if !opts.permit_unknown_ais {
        return None;
    }
    let n = ai::ai_length_for_prefix(data.get(..2)?)?;
    let ai = data.get(..n)?;
    ai::is_plausible_unknown_ai(ai).then_some(ai)
}

impl fmt::Display for ElementString {
    /// The bracketed form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_bracketed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options::default()
    }

    #[test]
    fn bracketed_and_unbracketed_round_trip() {
        let es =
            ElementString::parse_bracketed("(01)09506000134352(17)201225(10)ABC(21)XYZ", &opts())
                .expect("valid");
        assert_eq!(es.to_unbracketed(), "^01095060001343521720122510ABC^21XYZ");
        assert_eq!(
            es.to_gs_separated(),
            "01095060001343521720122510ABC\u{1d}21XYZ"
        );
        let back = ElementString::parse_unbracketed(&es.to_unbracketed(), &opts()).expect("valid");
        assert_eq!(back, es);
        assert_eq!(back.get("10"), Some("ABC"));
        assert_eq!(
            back.to_string(),
            "(01)09506000134352(17)201225(10)ABC(21)XYZ"
        );
    }

    #[test]
    fn escaped_bracket_in_value() {
        let es =
            ElementString::parse_bracketed("(01)09506000134352(10)A\\(B", &opts()).expect("valid");
        assert_eq!(es.get("10"), Some("A(B"));
        assert_eq!(es.to_bracketed(), "(01)09506000134352(10)A\\(B");
    }

    #[test]
    fn errors_name_the_ai() {
        let e =
            ElementString::parse_bracketed("(01)09506000134353", &opts()).expect_err("must fail");
        assert_eq!(
            e,
            ElementStringError::Invalid {
                ai: "01".into(),
                component: 1,
                offset: 13,
                len: 1,
                error: LintError::IncorrectCheckDigit
            }
        );
        assert!(e.to_string().starts_with("(01)"));
        let e = ElementString::parse_bracketed("(01)09506000134352(17)201332", &opts())
            .expect_err("must fail");
        assert!(
            matches!(e, ElementStringError::Invalid { ref ai, error: LintError::IllegalMonth, .. } if ai == "17")
        );
        let e = ElementString::parse_bracketed("(21)ABC", &opts()).expect_err("must fail");
        assert_eq!(
            e,
            ElementStringError::RequisiteMissing {
                ai: "21".into(),
                required: "01,03,8006".into()
            }
        );
        let e =
            ElementString::parse_bracketed("(01)09506000134352(02)09506000134352(37)1", &opts());
        assert!(matches!(e, Err(ElementStringError::Exclusive { .. })));
        let e = ElementString::parse_unbracketed("^0109506000134352^10AB^10CD", &opts());
        assert_eq!(
            e,
            Err(ElementStringError::RepeatedDifferent { ai: "10".into() })
        );
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "(", "()", "(0", "(01", "(01)", "\\(", "(é)x", "(01)é", "^", "^é", "^01é", "^8003",
            "^\u{1d}",
        ] {
            let _ = ElementString::parse_bracketed(s, &opts());
            let _ = ElementString::parse_unbracketed(s, &opts());
        }
    }
}

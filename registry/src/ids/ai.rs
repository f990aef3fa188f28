//! GS1 Application Identifiers: the table generated from the GS1 Barcode Syntax Dictionary
//! (`ai_table.rs`, written by `registry/tools/gen_ai_table.py`) and lookups into it.

use super::ai_table::AI_TABLE;
use super::lint::Linter;

/// The character set of an AI component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Charset {
    /// `N`: digits.
    N,
    /// `X`: GS1 character set 82.
    X,
    /// `Y`: GS1 character set 39.
    Y,
    /// `Z`: GS1 character set 64 (file-safe base64).
    Z,
}

impl Charset {
    /// The linter that checks this character set.
    pub fn linter(self) -> Linter {
        match self {
            Self::N => Linter::CsetNumeric,
            Self::X => Linter::Cset82,
            Self::Y => Linter::Cset39,
            Self::Z => Linter::Cset64,
        }
    }
}

/// One component of an AI's value: its character set, length and check routines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    /// Character set.
    pub charset: Charset,
    /// Minimum length when present.
    pub min: u8,
    /// Maximum length.
    pub max: u8,
    /// Whether the component may be left out (only at the end of the value).
    pub optional: bool,
    /// Check routines applied to the component, after the character set.
    pub linters: &'static [Linter],
}

/// An Application Identifier as the Syntax Dictionary defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiEntry {
    /// The AI, 2 to 4 digits.
    pub ai: &'static str,
    /// Whether an FNC1 separator must follow the value when another AI follows (variable
    /// length AIs); false for the predefined-length AIs.
    pub fnc1: bool,
    /// Whether the AI may be a GS1 Digital Link data attribute (query parameter).
    pub dl_data_attr: bool,
    /// The components of the value, in order.
    pub components: &'static [Component],
    /// Requisite rules: each rule is satisfied by any one of its alternatives, an alternative
    /// being a group of AI patterns that must all be present (`nn` wildcards allowed).
    pub req: &'static [&'static [&'static [&'static str]]],
    /// AI patterns that must not appear together with this AI.
    pub ex: &'static [&'static str],
    /// For a Digital Link primary key: the alternative ordered sequences of key qualifiers
    /// (an empty list when it takes none). `None` when the AI is not a primary key.
    pub dl_pkey: Option<&'static [&'static [&'static str]]>,
    /// The data title, e.g. `BATCH/LOT`.
    pub title: &'static str,
}

/// Every AI of the dictionary, sorted by AI.
pub fn table() -> &'static [AiEntry] {
    AI_TABLE
}

/// The entry of the known AI `ai`.
pub fn lookup(ai: &str) -> Option<&'static AiEntry> {
    AI_TABLE
        .binary_search_by(|e| e.ai.cmp(ai))
        .ok()
        .and_then(|i| AI_TABLE.get(i))
}

/// The known AI that starts `data` (for element strings without brackets).
pub fn lookup_prefix(data: &str) -> Option<&'static AiEntry> {
    (2..=4).find_map(|n| data.get(..n).and_then(lookup))
}

/// How long AIs starting with the two digits `prefix` are, when the table defines any.
pub fn ai_length_for_prefix(prefix: &str) -> Option<usize> {
    AI_TABLE
        .iter()
        .find(|e| e.ai.starts_with(prefix) && prefix.len() == 2)
        .map(|e| e.ai.len())
}

/// The entry used for an AI missing from the dictionary, when unknown AIs are permitted: a
/// variable-length value of 1 to 90 characters of set 82, FNC1 required, no Digital Link role.
pub static UNKNOWN_AI: AiEntry = AiEntry {
    ai: "",
    fnc1: true,
    dl_data_attr: false,
    components: &[Component {
        charset: Charset::X,
        min: 1,
        max: 90,
        optional: false,
        linters: &[],
    }],
    req: &[],
    ex: &[],
    dl_pkey: None,
    title: "UNKNOWN",
};

/// Whether `ai` may stand as an unknown AI: 2 to 4 digits, neither a known AI nor a prefix of
/// one nor prefixed by one, and of the length the table fixes for its first two digits.
pub fn is_plausible_unknown_ai(ai: &str) -> bool {
    if !(2..=4).contains(&ai.len()) || !ai.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let clash = AI_TABLE
        .iter()
        .any(|e| e.ai.starts_with(ai) || ai.starts_with(e.ai));
    !clash && ai_length_for_prefix(&ai[..2]).is_none_or(|n| n == ai.len())
}

/// Whether `ai` matches `pattern`, where each trailing `n` of the pattern stands for a digit
/// (`310n` matches `3105`, `31nn` matches `3105`).
pub fn ai_matches(ai: &str, pattern: &str) -> bool {
    let stem = pattern.trim_end_matches('n');
    ai.len() == pattern.len() && ai.starts_with(stem)
}

impl AiEntry {
    /// Shortest possible value (mandatory components at their minimum).
    pub fn min_len(&self) -> usize {
        self.components
            .iter()
            .filter(|c| !c.optional)
            .map(|c| usize::from(c.min))
            .sum()
    }

    /// Longest possible value.
    pub fn max_len(&self) -> usize {
        self.components.iter().map(|c| usize::from(c.max)).sum()
    }

    /// Whether the value has a single fixed length.
    pub fn is_fixed_length(&self) -> bool {
        self.min_len() == self.max_len()
    }

    /// The specification in the dictionary's notation, e.g. `N13,csum,gcppos1 [X..17]`.
    pub fn spec(&self) -> String {
        let parts: Vec<String> = self
            .components
            .iter()
            .map(|c| {
                let cs = match c.charset {
                    Charset::N => "N",
                    Charset::X => "X",
                    Charset::Y => "Y",
                    Charset::Z => "Z",
                };
                let len = if c.min == c.max {
                    format!("{cs}{}", c.max)
                } else {
                    format!("{cs}..{}", c.max)
                };
                let mut s = if c.optional { format!("[{len}]") } else { len };
                for l in c.linters {
                    s.push(',');
                    s.push_str(l.name());
                }
                s
            })
            .collect();
        parts.join(" ")
    }

    /// The attributes in the dictionary's notation (`ex=...`, `req=...`, `dlpkey...`), sorted.
    pub fn attributes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .req
            .iter()
            .map(|rule| {
                let alts: Vec<String> = rule.iter().map(|g| g.join("+")).collect();
                format!("req={}", alts.join(","))
            })
            .collect();
        if !self.ex.is_empty() {
            out.push(format!("ex={}", self.ex.join(",")));
        }
        match self.dl_pkey {
            Some([]) => out.push("dlpkey".to_owned()),
            Some(alts) => {
                let alts: Vec<String> = alts.iter().map(|a| a.join(",")).collect();
                out.push(format!("dlpkey={}", alts.join("|")));
            }
            None => {}
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(AI_TABLE.windows(2).all(|w| w[0].ai < w[1].ai));
        assert!(AI_TABLE.len() > 500);
        let gtin = lookup("01").expect("01");
        assert_eq!(gtin.title, "GTIN");
        assert!(!gtin.fnc1);
        assert_eq!(gtin.spec(), "N14,csum,gcppos2");
        assert_eq!(gtin.attributes(), ["dlpkey=22,10,21|235", "ex=255,37"]);
        assert_eq!(
            lookup("8003").map(AiEntry::spec).as_deref(),
            Some("N1,zero N13,csum,gcppos1 [X..16]")
        );
        assert!(lookup("3106").is_none());
        assert_eq!(lookup("3105").map(|e| e.ex), Some(&["310n"][..]));
    }

    #[test]
    fn prefixes_and_unknown_ais() {
        assert_eq!(lookup_prefix("0112345").map(|e| e.ai), Some("01"));
        assert_eq!(lookup_prefix("8012ABC").map(|e| e.ai), Some("8012"));
        assert_eq!(lookup_prefix("235XXX").map(|e| e.ai), Some("235"));
        assert!(lookup_prefix("234567").is_none());
        assert!(is_plausible_unknown_ai("89"));
        assert!(!is_plausible_unknown_ai("011"));
        assert!(!is_plausible_unknown_ai("800"));
        assert!(!is_plausible_unknown_ai("80"));
        assert!(!is_plausible_unknown_ai("399"));
        assert!(is_plausible_unknown_ai("3999"));
        assert!(!is_plausible_unknown_ai("2367"));
        assert!(is_plausible_unknown_ai("236"));
        assert!(ai_matches("3105", "310n"));
        assert!(ai_matches("3105", "31nn"));
        assert!(!ai_matches("310", "310n"));
        assert!(ai_matches("01", "01"));
    }
}

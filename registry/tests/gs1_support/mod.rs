//! Shared helpers of the GS1 vector tests: finding the corpus, reading JSON lines, counting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use registry::ids::digital_link::parse_uri;
use registry::ids::element_string::{ElementString, ElementStringError, Options};
use registry::ids::gs1::{Gtin, GtinKind};
use registry::ids::scan::{Scan, ScanContent, Symbology};
use serde_json::Value;

/// The `gs1` folder of the conformance corpus, or `None` (after saying so) when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let base = std::env::var_os("TRACEHUB_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    let gs1 = base.join("gs1");
    if gs1.is_dir() {
        Some(gs1)
    } else {
        println!("skipped: conformance corpus not found at {}", gs1.display());
        None
    }
}

/// Every line of a JSON-lines file, parsed.
pub fn jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| format!("{{\"unreadable\": \"{}: {e}\"}}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("vector line is JSON"))
        .collect()
}

/// The vectors write raw bytes 0x80-0xFF as the code points U+0080-U+00FF: undo that.
pub fn latin1_bytes(s: &str) -> Vec<u8> {
    s.chars()
        .flat_map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) => vec![b],
            Err(_) => c.to_string().into_bytes(),
        })
        .collect()
}

/// Bytes back to the vectors' representation.
pub fn latin1_string(b: &[u8]) -> String {
    b.iter().map(|&b| char::from(b)).collect()
}

/// Counts checked, passed and skipped cases of one vector file and reports them.
pub struct Tally {
    file: &'static str,
    passed: usize,
    failures: Vec<String>,
    skipped: BTreeMap<String, usize>,
}

impl Tally {
    /// A tally for `file`.
    pub fn new(file: &'static str) -> Self {
        Self {
            file,
            passed: 0,
            failures: Vec::new(),
            skipped: BTreeMap::new(),
        }
    }

    /// One case checked and passed.
    pub fn pass(&mut self) {
        self.passed += 1;
    }

    /// One case checked and failed.
    pub fn fail(&mut self, why: String) {
        self.failures.push(why);
    }

    /// Records a case as checked: pass when `ok`, else fail with `why`.
    pub fn check(&mut self, ok: bool, why: impl FnOnce() -> String) {
        if ok { self.pass() } else { self.fail(why()) }
    }

    /// One case skipped, for `reason`.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_owned()).or_default() += 1;
    }

    /// Prints the counts and asserts that all checked cases passed and that at least `floor`
    /// were checked.
    pub fn finish(self, floor: usize) {
        let checked = self.passed + self.failures.len();
        println!(
            "{}: checked {checked}, passed {}, skipped {}",
            self.file,
            self.passed,
            self.skipped.values().sum::<usize>()
        );
        for (reason, n) in &self.skipped {
            println!("  skipped {n}: {reason}");
        }
        for f in self.failures.iter().take(40) {
            println!("  FAIL {f}");
        }
        assert!(
            self.failures.is_empty(),
            "{}: {} of {checked} cases failed",
            self.file,
            self.failures.len()
        );
        assert!(
            checked >= floor,
            "{}: only {checked} cases checked, expected at least {floor}",
            self.file
        );
    }
}

/// Options for a gs1-syntax-engine case from its `ctx_flags`, or the name of a flag the hub
/// does not support.
pub fn engine_options(case: &Value) -> Result<Options, String> {
    let mut opts = Options::default();
    let Some(flags) = case.get("ctx_flags").and_then(Value::as_object) else {
        return Ok(opts);
    };
    for (flag, v) in flags {
        let on = v.as_bool();
        match (flag.as_str(), on) {
            ("gs1_encoder_setPermitUnknownAIs", Some(b)) => opts.permit_unknown_ais = b,
            ("gs1_encoder_setPermitZeroSuppressedGTINinDLuris", Some(b)) => {
                opts.permit_zero_suppressed_gtin = b;
            }
            ("gs1_encoder_setValidationEnabled/gs1_encoder_vREQUISITE_AIS", Some(b)) => {
                opts.validate_requisites = b;
            }
            ("gs1_encoder_setValidationEnabled/gs1_encoder_vUNKNOWN_AI_NOT_DL_ATTR", Some(b)) => {
                opts.unknown_ai_not_dl_attr = b;
            }
            // Input set up for the case itself (scan buffer, data string): nothing to switch.
            ("gs1_encoder_setScanData" | "gs1_encoder_setDataStr", _) => {}
            _ => return Err(format!("option {flag} not supported")),
        }
    }
    Ok(opts)
}

/// The engine's data-string form of a scan: AI data as `^...`, EAN/UPC as the digits with any
/// composite after `|`, a Digital Link URI or text as it was (a leading `^` or `\` escaped).
pub fn engine_scan_form(scan: &Scan, original: &str) -> String {
    match (&scan.content, scan.symbology) {
        (ScanContent::Gs1(es), Symbology::Ean13 | Symbology::Ean8) => {
            let keep = if scan.symbology == Symbology::Ean13 {
                13
            } else {
                8
            };
            let (first, rest) = es
                .elements()
                .split_first()
                .map_or((None, &[][..]), |(f, r)| (Some(f), r));
            let gtin = first.map(|f| f.value()).unwrap_or_default();
            let mut out = gtin[gtin.len().saturating_sub(keep)..].to_owned();
            if !rest.is_empty() {
                let composite = ElementString::from_values(rest.to_vec(), &Options::default())
                    .map(|c| c.to_unbracketed())
                    .unwrap_or_default();
                out = format!("{out}|{composite}");
            }
            out
        }
        (ScanContent::Gs1(es), _) => es.to_unbracketed(),
        (ScanContent::DigitalLink(_), _) => original.get(3..).unwrap_or_default().to_owned(),
        (ScanContent::Text(t), _) if t.starts_with('^') || t.starts_with('\\') => format!("\\{t}"),
        (ScanContent::Text(t), _) => t.clone(),
    }
}

/// The engine's name of a symbology.
pub fn symbology_name(s: Symbology) -> &'static str {
    match s {
        Symbology::Gs1_128 => "GS1_128_CCA",
        Symbology::DataBar => "DataBarExpanded",
        Symbology::DataMatrix => "DM",
        Symbology::Qr => "QR",
        Symbology::DotCode => "DotCode",
        Symbology::Ean13 => "EAN13",
        Symbology::Ean8 => "EAN8",
    }
}

/// The symbology of an engine name.
pub fn symbology_by_name(name: &str) -> Option<Symbology> {
    [
        Symbology::Gs1_128,
        Symbology::DataBar,
        Symbology::DataMatrix,
        Symbology::Qr,
        Symbology::DotCode,
        Symbology::Ean13,
        Symbology::Ean8,
    ]
    .into_iter()
    .find(|s| symbology_name(*s) == name)
}

/// The "(AI)before|bad|after" markup of the engine for an invalid component.
pub fn engine_markup(input: &str, err: &ElementStringError) -> Option<String> {
    let ElementStringError::Invalid {
        ai,
        component,
        offset,
        len,
        ..
    } = err
    else {
        return None;
    };
    let entry = registry::ids::ai::lookup(ai)?;
    let start: usize = entry
        .components
        .iter()
        .take(component - 1)
        .map(|c| usize::from(c.max))
        .sum();
    let end = start + usize::from(entry.components.get(component - 1)?.max);
    let value = input.strip_prefix(&format!("({ai})"))?;
    let end = end.min(value.len());
    Some(format!(
        "({ai}){}|{}|{}",
        value.get(..*offset)?,
        value.get(*offset..offset + len)?,
        value.get(offset + len..end)?
    ))
}

/// EAN-13 needs a GTIN-13 and EAN-8 a GTIN-8.
pub trait FilterKind {
    /// Keeps the GTIN when its kind suits `sym`.
    fn filter_kind(self, sym: Symbology) -> Result<Gtin, String>;
}

impl FilterKind for Result<Gtin, String> {
    fn filter_kind(self, sym: Symbology) -> Result<Gtin, String> {
        let want = if sym == Symbology::Ean13 {
            GtinKind::Gtin13
        } else {
            GtinKind::Gtin8
        };
        self.and_then(|g| {
            if g.kind() == want {
                Ok(g)
            } else {
                Err(format!("not a {want:?}"))
            }
        })
    }
}

/// A known, documented disagreement between another parser and the hub (which follows
/// gs1-syntax-engine): why, and the options under which the hub agrees (`None`: it never does).
pub type Divergence = (u64, &'static str, Option<fn(&mut Options)>);

/// Option switch: zero-suppressed GTINs.
pub fn permit_zero_suppressed(o: &mut Options) {
    o.permit_zero_suppressed_gtin = true;
}

/// Option switch: zero-suppressed GTINs and unknown AIs as data attributes.
pub fn permit_zero_suppressed_and_unknown(o: &mut Options) {
    o.permit_zero_suppressed_gtin = true;
    o.permit_unknown_ais = true;
    o.unknown_ai_not_dl_attr = false;
}

/// Why zero-suppressed GTIN cases diverge.
pub const ZERO_SUPPRESSED: &str =
    "zero-suppressed GTIN: rejected by default as gs1-syntax-engine does, accepted with the option";

/// Option switch: convenience alphas and zero-suppressed GTINs.
pub fn permit_alphas_and_zero_suppressed(o: &mut Options) {
    o.permit_zero_suppressed_gtin = true;
    o.permit_convenience_alphas = true;
}

/// What a vector expects of a Digital Link URI.
#[derive(Clone, Copy)]
pub enum Expect<'a> {
    /// Valid, with this bracketed AI data.
    Data(&'a str),
    /// Valid.
    Valid,
    /// Invalid.
    Invalid,
}

/// Runs one Digital Link case. Divergent lines must disagree by default and agree under their
/// options.
pub fn dl_case(
    tally: &mut Tally,
    line: u64,
    uri: &str,
    expected: Expect<'_>,
    divergences: &[Divergence],
) {
    let run = |opts: &Options| parse_uri(uri, opts).map(|es| es.to_bracketed());
    let agrees = |got: &Result<String, _>| match expected {
        Expect::Data(want) => got.as_deref().ok() == Some(want),
        Expect::Valid => got.is_ok(),
        Expect::Invalid => got.is_err(),
    };
    let default = run(&Options::default());
    match divergences.iter().find(|d| d.0 == line) {
        None => tally.check(agrees(&default), || {
            format!("line {line}: {uri} -> {default:?}")
        }),
        Some((_, why, None)) => tally.skip(why),
        Some((_, why, Some(switch))) => {
            let mut opts = Options::default();
            switch(&mut opts);
            let switched = run(&opts);
            tally.check(!agrees(&default) && agrees(&switched), || {
                format!("line {line} ({why}): {uri} -> default {default:?}, switched {switched:?}")
            });
        }
    }
}

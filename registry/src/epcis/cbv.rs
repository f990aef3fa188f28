//! GS1 Core Business Vocabulary (CBV 2.0) code lists and their three spellings.
//!
//! A CBV value reaches the hub as a bare word in JSON-LD (`receiving`), as a URN in XML
//! (`urn:epcglobal:cbv:bizstep:receiving`), or as a CBV web URI
//! (`https://ref.gs1.org/cbv/BizStep-receiving`, also as the CURIE `cbv:BizStep-receiving`).
//! [`normalize`] turns all three into one canonical form, the **web URI**: it is what the CBV 2.0
//! event hash works on and it cannot be mistaken for a value of another vocabulary. A bare word
//! that is not in the list is an error; a URI of another vocabulary is kept as it is.
//!
//! The GS1 Web Vocabulary lists used by sensor reports (measurement types, sensor alert types)
//! are handled the same way with `https://gs1.org/voc/` (the EPCIS 2.0 JSON-LD context's `gs1:`)
//! as the canonical namespace.

/// The 41 CBV 2.0 business steps.
pub const BIZ_STEPS: [&str; 41] = [
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
    "sensor_reporting",
    "sampling",
];

/// The 33 CBV 2.0 dispositions.
pub const DISPOSITIONS: [&str; 33] = [
    "active",
    "container_closed",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "no_pedigree_match",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unknown",
    "available",
    "completeness_verified",
    "completeness_inferred",
    "conformant",
    "container_open",
    "mismatch_instance",
    "mismatch_class",
    "mismatch_quantity",
    "needs_replacement",
    "non_conformant",
    "unavailable",
];

/// CBV 2.0 business transaction types.
pub const BIZ_TRANSACTION_TYPES: [&str; 13] = [
    "bol",
    "cert",
    "desadv",
    "inv",
    "pedigree",
    "po",
    "poc",
    "prodorder",
    "recadv",
    "rma",
    "testprd",
    "testres",
    "upevt",
];

/// CBV 2.0 source/destination types.
pub const SOURCE_DEST_TYPES: [&str; 3] = ["owning_party", "possessing_party", "location"];

/// CBV 2.0 error reasons.
pub const ERROR_REASONS: [&str; 2] = ["did_not_occur", "incorrect_data"];

/// CBV 2.0 sensor components.
pub const COMPONENTS: [&str; 14] = [
    "x",
    "y",
    "z",
    "axial_distance",
    "azimuth",
    "height",
    "spherical_radius",
    "polar_angle",
    "elevation_angle",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "altitude",
];

/// GS1 Web Vocabulary measurement types as the EPCIS 2.0 JSON Schema lists them.
pub const MEASUREMENT_TYPES: [&str; 72] = [
    "AbsoluteHumidity",
    "AbsorbedDose",
    "AbsorbedDoseRate",
    "Acceleration",
    "Radioactivity",
    "Altitude",
    "AmountOfSubstance",
    "AmountOfSubstancePerUnitVolume",
    "Angle",
    "AngularAcceleration",
    "AngularMomentum",
    "AngularVelocity",
    "Area",
    "Capacitance",
    "Conductance",
    "Conductivity",
    "Count",
    "Density",
    "Dimensionless",
    "DoseEquivalent",
    "DoseEquivalentRate",
    "DynamicViscosity",
    "ElectricCharge",
    "ElectricCurrent",
    "ElectricCurrentDensity",
    "ElectricFieldStrength",
    "Energy",
    "Exposure",
    "Force",
    "Frequency",
    "Illuminance",
    "Inductance",
    "Irradiance",
    "KinematicViscosity",
    "Length",
    "LinearMomentum",
    "Luminance",
    "LuminousFlux",
    "LuminousIntensity",
    "MagneticFlux",
    "MagneticFluxDensity",
    "MagneticVectorPotential",
    "Mass",
    "MassConcentration",
    "MassFlowRate",
    "MassPerAreaTime",
    "MemoryCapacity",
    "MolalityOfSolute",
    "MolarEnergy",
    "MolarMass",
    "MolarVolume",
    "Power",
    "Pressure",
    "RadiantFlux",
    "RadiantIntensity",
    "RelativeHumidity",
    "Resistance",
    "Resistivity",
    "SolidAngle",
    "SpecificVolume",
    "Speed",
    "SurfaceDensity",
    "SurfaceTension",
    "Temperature",
    "Time",
    "Torque",
    "Voltage",
    "Volume",
    "VolumeFlowRate",
    "VolumeFraction",
    "VolumetricFlux",
    "Wavenumber",
];

/// GS1 Web Vocabulary sensor alert types.
pub const SENSOR_ALERT_TYPES: [&str; 2] = ["ALARM_CONDITION", "ERROR_CONDITION"];

/// The CBV web vocabulary namespace.
pub const CBV_NS: &str = "https://ref.gs1.org/cbv/";
/// The GS1 Web Vocabulary namespace (the EPCIS 2.0 context's `gs1:`).
pub const GS1_NS: &str = "https://gs1.org/voc/";

/// One controlled vocabulary of EPCIS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocab {
    /// `bizStep`.
    BizStep,
    /// `disposition`, `persistentDisposition`.
    Disposition,
    /// `bizTransaction` type.
    BizTransactionType,
    /// `source`/`destination` type.
    SourceDestType,
    /// `errorDeclaration` reason.
    ErrorReason,
    /// `sensorReport` component.
    Component,
    /// `sensorReport` type (GS1 Web Vocabulary).
    MeasurementType,
    /// `sensorReport` exception (GS1 Web Vocabulary).
    SensorAlertType,
}

/// A value that is neither a word of the vocabulary nor an absolute URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a CBV {what}")]
pub struct CbvError {
    /// The offending value.
    pub value: String,
    /// What was expected ("business step", ...).
    pub what: &'static str,
}

impl Vocab {
    /// The standard words.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            Vocab::BizStep => &BIZ_STEPS,
            Vocab::Disposition => &DISPOSITIONS,
            Vocab::BizTransactionType => &BIZ_TRANSACTION_TYPES,
            Vocab::SourceDestType => &SOURCE_DEST_TYPES,
            Vocab::ErrorReason => &ERROR_REASONS,
            Vocab::Component => &COMPONENTS,
            Vocab::MeasurementType => &MEASUREMENT_TYPES,
            Vocab::SensorAlertType => &SENSOR_ALERT_TYPES,
        }
    }

    /// A name for error messages.
    pub fn what(self) -> &'static str {
        match self {
            Vocab::BizStep => "business step",
            Vocab::Disposition => "disposition",
            Vocab::BizTransactionType => "business transaction type",
            Vocab::SourceDestType => "source/destination type",
            Vocab::ErrorReason => "error reason",
            Vocab::Component => "sensor component",
            Vocab::MeasurementType => "measurement type",
            Vocab::SensorAlertType => "sensor alert type",
        }
    }

    /// `(namespace, term prefix)` of the web URI, e.g. `("https://ref.gs1.org/cbv/", "BizStep-")`.
    fn web(self) -> (&'static str, &'static str) {
        match self {
            Vocab::BizStep => (CBV_NS, "BizStep-"),
            Vocab::Disposition => (CBV_NS, "Disp-"),
            Vocab::BizTransactionType => (CBV_NS, "BTT-"),
            Vocab::SourceDestType => (CBV_NS, "SDT-"),
            Vocab::ErrorReason => (CBV_NS, "ER-"),
            Vocab::Component => (CBV_NS, "Comp-"),
            Vocab::MeasurementType | Vocab::SensorAlertType => (GS1_NS, ""),
        }
    }

    /// The CBV 1.x URN prefix, where the vocabulary has one.
    pub fn urn_prefix(self) -> Option<&'static str> {
        match self {
            Vocab::BizStep => Some("urn:epcglobal:cbv:bizstep:"),
            Vocab::Disposition => Some("urn:epcglobal:cbv:disp:"),
            Vocab::BizTransactionType => Some("urn:epcglobal:cbv:btt:"),
            Vocab::SourceDestType => Some("urn:epcglobal:cbv:sdt:"),
            Vocab::ErrorReason => Some("urn:epcglobal:cbv:er:"),
            _ => None,
        }
    }

    fn is_word(self, w: &str) -> bool {
        self.words().contains(&w)
    }

    fn web_uri(self, word: &str) -> String {
        let (ns, p) = self.web();
        format!("{ns}{p}{word}")
    }

    fn err(self, value: &str) -> CbvError {
        CbvError {
            value: value.to_owned(),
            what: self.what(),
        }
    }
}

/// The canonical (web URI) form of `value` in `vocab`; see the module docs.
pub fn normalize(vocab: Vocab, value: &str) -> Result<String, CbvError> {
    let value = value.trim();
    if vocab.is_word(value) {
        return Ok(vocab.web_uri(value));
    }
    let (ns, p) = vocab.web();
    let gs1 = ns == GS1_NS;
    // GS1's own examples write `Bizstep-` for `BizStep-`: the term prefix is matched without
    // regard to case.
    let ci = |v: &'_ str, base: &str| -> Option<usize> {
        let n = base.len() + p.len();
        (v.len() >= n && v.starts_with(base) && v[base.len()..n].eq_ignore_ascii_case(p))
            .then_some(n)
    };
    let fixed = ci(value, ns)
        .or_else(|| ci(value, "http://ref.gs1.org/cbv/"))
        .map(|n| &value[n..]);
    let candidates: [Option<&str>; 6] = [
        fixed,
        vocab.urn_prefix().and_then(|u| value.strip_prefix(u)),
        value.strip_prefix(ns).and_then(|r| r.strip_prefix(p)),
        value
            .strip_prefix("http://ref.gs1.org/cbv/")
            .and_then(|r| r.strip_prefix(p)),
        value
            .strip_prefix(if gs1 { "gs1:" } else { "cbv:" })
            .and_then(|r| r.strip_prefix(p)),
        if gs1 {
            value
                .strip_prefix("https://ref.gs1.org/voc/")
                .or_else(|| value.strip_prefix("http://gs1.org/voc/"))
        } else {
            None
        },
    ];
    if let Some(word) = candidates.into_iter().flatten().next() {
        // The GS1 Web Vocabulary grows faster than the EPCIS schema's enumeration: any term in
        // its namespace is accepted. CBV namespaces are closed lists.
        return if vocab.is_word(word) || (gs1 && is_term(word)) {
            Ok(vocab.web_uri(word))
        } else {
            Err(vocab.err(value))
        };
    }
    if value.starts_with("urn:epcglobal:cbv:") || value.starts_with(CBV_NS) {
        return Err(vocab.err(value));
    }
    if crate::ids::epc::is_absolute_uri(value) {
        return Ok(value.to_owned());
    }
    if gs1 && is_term(value) {
        // A bare GS1 Web Vocabulary term the schema does not list (e.g. `Molar_concentration`).
        return Ok(vocab.web_uri(value));
    }
    Err(vocab.err(value))
}

fn is_term(w: &str) -> bool {
    !w.is_empty()
        && w.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The bare word of a canonical value, when it is a standard word (the JSON-LD spelling).
pub fn bare_word(vocab: Vocab, canonical: &str) -> Option<&str> {
    let (ns, p) = vocab.web();
    canonical
        .strip_prefix(ns)
        .and_then(|r| r.strip_prefix(p))
        .filter(|w| vocab.is_word(w))
}

/// The URN of a canonical CBV value (the XML spelling), when the vocabulary has URNs.
pub fn urn(vocab: Vocab, canonical: &str) -> Option<String> {
    let prefix = vocab.urn_prefix()?;
    bare_word(vocab, canonical).map(|w| format!("{prefix}{w}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_spellings_one_form() {
        let want = "https://ref.gs1.org/cbv/BizStep-receiving";
        for v in [
            "receiving",
            "urn:epcglobal:cbv:bizstep:receiving",
            "https://ref.gs1.org/cbv/BizStep-receiving",
            "cbv:BizStep-receiving",
            " receiving ",
        ] {
            assert_eq!(normalize(Vocab::BizStep, v).as_deref(), Ok(want), "{v}");
        }
        assert_eq!(
            normalize(Vocab::Disposition, "urn:epcglobal:cbv:disp:in_transit").as_deref(),
            Ok("https://ref.gs1.org/cbv/Disp-in_transit")
        );
        assert_eq!(
            normalize(Vocab::SourceDestType, "owning_party").as_deref(),
            Ok("https://ref.gs1.org/cbv/SDT-owning_party")
        );
        assert_eq!(
            normalize(Vocab::MeasurementType, "gs1:Temperature").as_deref(),
            Ok("https://gs1.org/voc/Temperature")
        );
        assert_eq!(
            normalize(Vocab::MeasurementType, "https://ref.gs1.org/voc/Speed").as_deref(),
            Ok("https://gs1.org/voc/Speed")
        );
    }

    #[test]
    fn bare_non_cbv_words_fail_and_other_uris_pass() {
        let e = normalize(Vocab::BizStep, "shipping_fast").expect_err("not CBV");
        assert_eq!(
            e.to_string(),
            "\"shipping_fast\" is not a CBV business step"
        );
        assert!(normalize(Vocab::Disposition, "in_transport").is_err());
        assert!(normalize(Vocab::BizStep, "urn:epcglobal:cbv:bizstep:transforming").is_err());
        assert!(normalize(Vocab::BizStep, "https://ref.gs1.org/cbv/BizStep-flying").is_err());
        assert!(normalize(Vocab::BizStep, "").is_err());
        let own = "https://example.com/bizstep/declaring_origin";
        assert_eq!(normalize(Vocab::BizStep, own).as_deref(), Ok(own));
        assert_eq!(
            normalize(Vocab::Component, "example:x").as_deref(),
            Ok("example:x")
        );
    }

    #[test]
    fn writes_back_each_spelling() {
        let c = "https://ref.gs1.org/cbv/BTT-po";
        assert_eq!(bare_word(Vocab::BizTransactionType, c), Some("po"));
        assert_eq!(
            urn(Vocab::BizTransactionType, c).as_deref(),
            Some("urn:epcglobal:cbv:btt:po")
        );
        assert_eq!(bare_word(Vocab::BizStep, "https://example.com/x"), None);
    }

    /// The lists equal the EPCIS 2.0 JSON Schema code lists in the conformance corpus.
    #[test]
    fn lists_match_the_json_schema_code_lists() {
        let dir = std::env::var("TRACEHUB_CONFORMANCE_DIR")
            .map_or_else(
                |_| {
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../../shared/conformance")
                },
                std::path::PathBuf::from,
            )
            .join("epcis/schema/json/schemas");
        if !dir.exists() {
            eprintln!("SKIP: conformance corpus not found at {}", dir.display());
            return;
        }
        for (file, def, vocab) in [
            ("bizStep", "bizStep", Vocab::BizStep),
            ("disposition", "disposition", Vocab::Disposition),
            (
                "bizTransaction-type",
                "bizTransaction-type",
                Vocab::BizTransactionType,
            ),
            (
                "source-dest-type",
                "source-dest-type",
                Vocab::SourceDestType,
            ),
            ("error-reason", "error-reason", Vocab::ErrorReason),
            ("component", "component", Vocab::Component),
            (
                "measurement-type",
                "measurementType",
                Vocab::MeasurementType,
            ),
            (
                "sensor-alert-type",
                "sensorAlertType",
                Vocab::SensorAlertType,
            ),
        ] {
            let text = std::fs::read_to_string(dir.join(format!("{file}-JSON-Schema.json")))
                .expect("schema file");
            let v: serde_json::Value = serde_json::from_str(&text).expect("schema JSON");
            let list: Vec<&str> = v["definitions"][def]["anyOf"][1]["enum"]
                .as_array()
                .expect("enum")
                .iter()
                .filter_map(|w| w.as_str())
                .collect();
            assert_eq!(list, vocab.words(), "{file}");
        }
        assert_eq!(BIZ_STEPS.len(), 41);
        assert_eq!(DISPOSITIONS.len(), 33);
    }
}

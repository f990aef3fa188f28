//! Drug pack codes as the drug traceability system exports them: China's 20-digit drug
//! traceability code, a GS1 DataMatrix's data on imported packs, or the SSCC of a case or
//! pallet. Every code becomes a GS1 Digital Link URI, the EPC the hub stores and traces.

use chrono::NaiveDate;
use registry::ids::digital_link::uri_escape;
use registry::ids::element_string::{ElementString, GS, Options};
use registry::ids::gs1::{Gtin, Sscc};
use registry::ids::scan::{ScanContent, parse_scan_data};

/// How the GS1 separator may be written in a text export (scanners in keyboard mode often
/// print it so).
const GS_TEXT: &str = "<GS>";

/// A pack's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrugCode {
    /// China's 20-digit drug traceability code: 7 digits naming the drug (the drug
    /// identification code), 9 of serial, 4 of verification.
    National(String),
    /// A GS1 DataMatrix: (01) GTIN and (21) serial, with the (10) batch and (17) expiry it
    /// carries.
    Gs1 {
        gtin: String,
        serial: String,
        batch: Option<String>,
        expiry: Option<NaiveDate>,
    },
    /// A logistic unit: the 18-digit SSCC of a case or pallet.
    Sscc(String),
}

impl DrugCode {
    /// Reads a code: 20 digits, 18 digits (an SSCC), scanner output (`]d2...`, separators as GS
    /// or `<GS>`) or bracketed AI data (`(01)...(21)...`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.bytes().all(|b| b.is_ascii_digit()) {
            return match text.len() {
                20 => Ok(DrugCode::National(text.to_owned())),
                18 => Sscc::parse(text)
                    .map(|s| DrugCode::Sscc(s.as_str().to_owned()))
                    .map_err(|e| format!("not an SSCC: {e}")),
                n => Err(format!(
                    "{n} digits: a drug traceability code has 20, an SSCC 18"
                )),
            };
        }
        let opts = Options::default();
        let data = if text.starts_with('(') {
            ElementString::parse_bracketed(text, &opts).map_err(|e| e.to_string())?
        } else {
            let scan = parse_scan_data(&text.replace(GS_TEXT, &GS.to_string()), &opts)
                .map_err(|e| e.to_string())?;
            match scan.content {
                ScanContent::Gs1(data) | ScanContent::DigitalLink(data) => data,
                ScanContent::Text(_) => return Err("plain text, not GS1 data".into()),
            }
        };
        Self::from_element_string(&data)
    }

    fn from_element_string(data: &ElementString) -> Result<Self, String> {
        if let Some(sscc) = data.get("00") {
            return Ok(DrugCode::Sscc(sscc.to_owned()));
        }
        let (Some(gtin), Some(serial)) = (data.get("01"), data.get("21")) else {
            return Err("a pack's GS1 code needs (01) GTIN and (21) serial".into());
        };
        let expiry = data.get("17").map(expiry_date).transpose()?;
        Ok(DrugCode::Gs1 {
            gtin: Gtin::parse(gtin)
                .map_err(|e| e.to_string())?
                .as_str()
                .to_owned(),
            serial: serial.to_owned(),
            batch: data.get("10").map(str::to_owned),
            expiry,
        })
    }

    /// The 7-digit drug identification code of a national code.
    pub fn drug_id(&self) -> Option<&str> {
        match self {
            DrugCode::National(code) => Some(&code[..7]),
            _ => None,
        }
    }

    /// The GTIN the code is under: its own for GS1 data, `filed` (the GTIN filed for its drug
    /// identification code) for a national code, none for an SSCC.
    pub fn gtin<'a>(&'a self, filed: Option<&'a str>) -> Option<&'a str> {
        match self {
            DrugCode::National(_) => filed,
            DrugCode::Gs1 { gtin, .. } => Some(gtin),
            DrugCode::Sscc(_) => None,
        }
    }

    /// The EPC: `https://id.gs1.org/01/{gtin}/21/{serial}` (a national code is the serial
    /// under the GTIN filed for its drug, `filed`) or `https://id.gs1.org/00/{sscc}`. `None` for
    /// a national code whose drug has no GTIN filed.
    pub fn epc(&self, filed: Option<&str>) -> Option<String> {
        match self {
            DrugCode::National(code) => {
                filed.map(|gtin| format!("https://id.gs1.org/01/{gtin}/21/{code}"))
            }
            DrugCode::Gs1 { gtin, serial, .. } => Some(format!(
                "https://id.gs1.org/01/{gtin}/21/{}",
                uri_escape(serial, false)
            )),
            DrugCode::Sscc(sscc) => Some(format!("https://id.gs1.org/00/{sscc}")),
        }
    }
}

/// A GS1 date (YYMMDD, `DD` 00 for the month's last day) as a date of this century.
fn expiry_date(yymmdd: &str) -> Result<NaiveDate, String> {
    let field = |at: usize| yymmdd[at..at + 2].parse::<u32>().ok();
    let (Some(yy), Some(mm), Some(dd)) = (field(0), field(2), field(4)) else {
        return Err(format!("(17) {yymmdd} is not a date"));
    };
    let year = 2000 + yy as i32;
    let date = if dd == 0 {
        NaiveDate::from_ymd_opt(year, mm, 1)
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .and_then(|next| next.pred_opt())
    } else {
        NaiveDate::from_ymd_opt(year, mm, dd)
    };
    date.ok_or_else(|| format!("(17) {yymmdd} is not a date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes_gs1_data_and_ssccs() {
        let national = DrugCode::parse("81234560000012345678").unwrap();
        assert_eq!(national.drug_id(), Some("8123456"));
        assert_eq!(
            national.epc(Some("06901234000014")).unwrap(),
            "https://id.gs1.org/01/06901234000014/21/81234560000012345678"
        );
        assert_eq!(national.epc(None), None);

        let scanned = DrugCode::parse("]d2010950600013435217251200<GS>10LOT1<GS>21A/1").unwrap();
        assert_eq!(
            scanned,
            DrugCode::Gs1 {
                gtin: "09506000134352".into(),
                serial: "A/1".into(),
                batch: Some("LOT1".into()),
                expiry: NaiveDate::from_ymd_opt(2025, 12, 31),
            }
        );
        assert_eq!(
            scanned.epc(None).unwrap(),
            "https://id.gs1.org/01/09506000134352/21/A%2F1"
        );
        let bracketed = DrugCode::parse("(01)09506000134352(17)251231(10)LOT1(21)A/1").unwrap();
        assert_eq!(bracketed, scanned);
        assert_eq!(
            DrugCode::parse("106141411234567897")
                .unwrap()
                .epc(None)
                .unwrap(),
            "https://id.gs1.org/00/106141411234567897"
        );
    }

    #[test]
    fn bad_codes_say_why() {
        for (bad, why) in [
            ("8123456000001234567", "19 digits"),
            ("106141411234567890", "SSCC"),
            ("(01)09506000134352(10)L1", "(21) serial"),
            ("(01)09506000134352(17)251340(21)S", "(17)"),
            ("]d1hello", "plain text"),
            ("hello", "symbology"),
        ] {
            let e = DrugCode::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}

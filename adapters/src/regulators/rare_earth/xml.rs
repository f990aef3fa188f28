//! Reading the report: quick-xml as a stream, one record per element, every error on the
//! element's line. No DTD is accepted (so no entity is ever expanded); the root must be
//! `flowReport` in [`NAMESPACE`] with its attributes, or nothing is read.

use std::io::{BufReader, Read};

use chrono::NaiveDate;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use registry::enterprises::LineError;
use registry::error::Code;
use registry::ids::countries::is_country;
use registry::ids::gs1::{Gln, Gtin};
use registry::ids::uscc::UnifiedSocialCreditCode;

use super::{Flow, FlowKind, NAMESPACE, RareEarthRecord, RareEarthRecordKind, Report, Stage};
use crate::csv_table::HeaderError;
use crate::lines::LineCounter;
use crate::regulators::{Record, Records};

/// Most kilograms in one flow (a million tonnes): beyond is a typing error.
const MAX_KG: f64 = 1e9;

type Input<'a> = BufReader<LineCounter<Box<dyn Read + Send + 'a>>>;

pub(super) fn read<'a>(input: Box<dyn Read + Send + 'a>) -> Result<Records<'a>, HeaderError> {
    let mut reader = Reader::from_reader(BufReader::new(LineCounter::new(input)));
    reader.config_mut().expand_empty_elements = false;
    reader.config_mut().check_end_names = true;
    let mut flows = Flows {
        reader,
        buf: Vec::new(),
        period: NaiveDate::MIN,
        done: false,
    };
    let report = flows.root()?;
    Ok(Box::new(std::iter::once(Ok(report)).chain(flows)))
}

/// The flows after the root.
struct Flows<'a> {
    reader: Reader<Input<'a>>,
    buf: Vec<u8>,
    /// The first day of the month reported: every flow's date is in it.
    period: NaiveDate,
    done: bool,
}

fn header(column: &str, message: impl Into<String>) -> HeaderError {
    HeaderError {
        column: column.to_owned(),
        message: message.into(),
    }
}

impl Flows<'_> {
    /// Reads up to the root element: the report's record.
    fn root(&mut self) -> Result<Record, HeaderError> {
        loop {
            let start = self.reader.buffer_position();
            self.buf.clear();
            match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_)) => {}
                Ok(Event::Text(t)) if t.xml_content(XmlVersion::Implicit1_0).trim().is_empty() => {}
                Ok(Event::DocType(_)) => {
                    return Err(header("", "a DOCTYPE is not accepted"));
                }
                Ok(Event::Start(e)) => {
                    let element = Element::read(&e, 0).map_err(|e| header(&e.column, e.message))?;
                    let line = self.reader.get_mut().get_mut().line_from(start);
                    let (record, period) =
                        report(&element, line).map_err(|e| header(&e.column, e.message))?;
                    self.period = period;
                    return Ok(record);
                }
                Ok(Event::Empty(_)) => return Err(header("", "the report has no flows")),
                Ok(Event::Eof) => return Err(header("", "no root element")),
                Ok(_) => return Err(header("", "text before the root element")),
                Err(e) => return Err(header("", format!("not well-formed XML: {e}"))),
            }
        }
    }

    fn next_record(&mut self) -> Option<Result<Record, LineError>> {
        loop {
            let start = self.reader.buffer_position();
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf);
            let line = self.reader.get_mut().get_mut().line_from(start);
            let syntax = |message: String| LineError::new(line, "", Code::InvalidXml, message);
            match event {
                Ok(Event::Empty(e)) => {
                    let element = match Element::read(&e, line) {
                        Ok(element) => element,
                        Err(e) => return Some(Err(e)),
                    };
                    return Some(flow(&element, line, self.period));
                }
                Ok(Event::Start(e)) => {
                    let name = e.local_name().as_ref().to_owned();
                    self.done = true;
                    return Some(Err(syntax(format!(
                        "<{name}> has content; each flow is one empty element (<{name} .../>)"
                    ))));
                }
                Ok(Event::End(_)) => {
                    self.done = true;
                    return None;
                }
                Ok(Event::Eof) => {
                    self.done = true;
                    return Some(Err(syntax(
                        "the file ends before </flowReport>: it was cut short".into(),
                    )));
                }
                Ok(Event::Text(t)) if t.xml_content(XmlVersion::Implicit1_0).trim().is_empty() => {}
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(_) => {
                    self.done = true;
                    return Some(Err(syntax("text between flows".into())));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(syntax(format!("not well-formed XML: {e}"))));
                }
            }
        }
    }
}

impl Iterator for Flows<'_> {
    type Item = Result<Record, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.next_record()
    }
}

/// An element's name and attributes, read.
struct Element {
    line: u64,
    name: String,
    namespace: Option<String>,
    attributes: Vec<(String, String)>,
}

impl Element {
    fn read(e: &BytesStart<'_>, line: u64) -> Result<Self, LineError> {
        let bad = |message: String| LineError::new(line, "", Code::InvalidXml, message);
        let name = e.local_name().as_ref().to_owned();
        let mut element = Element {
            line,
            name,
            namespace: None,
            attributes: Vec::new(),
        };
        for attribute in e.attributes() {
            let attribute = attribute.map_err(|e| bad(format!("malformed attribute: {e}")))?;
            let key = attribute.key.as_ref().to_owned();
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| bad(format!("attribute {key}: {e}")))?
                .into_owned();
            if key == "xmlns" {
                element.namespace = Some(value);
            } else {
                element.attributes.push((key, value));
            }
        }
        Ok(element)
    }

    fn error(&self, column: &str, code: Code, message: impl Into<String>) -> LineError {
        LineError::new(self.line, column, code, message)
    }

    fn optional(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str) -> Result<&str, LineError> {
        self.optional(name).ok_or_else(|| {
            self.error(
                name,
                Code::Required,
                format!("<{}> needs {name}", self.name),
            )
        })
    }

    fn only(&self, allowed: &[&str]) -> Result<(), LineError> {
        match self
            .attributes
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            Some((k, _)) => Err(self.error(
                k,
                Code::InvalidXml,
                format!(
                    "<{}> has no attribute {k}; it has {}",
                    self.name,
                    allowed.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    fn gln(&self, name: &str) -> Result<String, LineError> {
        Gln::parse(self.required(name)?)
            .map(|g| g.as_str().to_owned())
            .map_err(|e| self.error(name, Code::InvalidGln, e.to_string()))
    }

    fn date(&self, name: &str) -> Result<NaiveDate, LineError> {
        NaiveDate::parse_from_str(self.required(name)?, "%Y-%m-%d")
            .map_err(|_| self.error(name, Code::InvalidDate, "a date reads YYYY-MM-DD"))
    }

    fn number(&self, name: &str, max: f64) -> Result<f64, LineError> {
        let value: f64 = self
            .required(name)?
            .parse()
            .map_err(|_| self.error(name, Code::InvalidNumber, "not a number"))?;
        if value.is_finite() && value > 0.0 && value <= max {
            Ok(value)
        } else {
            Err(self.error(
                name,
                Code::InvalidNumber,
                format!("must be above 0 and at most {max}"),
            ))
        }
    }
}

const REPORT_ATTRIBUTES: [&str; 4] = ["period", "stage", "enterprise", "site"];
const FLOW_ATTRIBUTES: [&str; 9] = [
    "date",
    "gtin",
    "lot",
    "quantityKg",
    "reoPercent",
    "from",
    "to",
    "country",
    "customsDeclaration",
];

fn report(root: &Element, line: u64) -> Result<(Record, NaiveDate), LineError> {
    if root.name != "flowReport" || root.namespace.as_deref() != Some(NAMESPACE) {
        return Err(root.error(
            "",
            Code::InvalidXml,
            format!("the root is <flowReport xmlns=\"{NAMESPACE}\">"),
        ));
    }
    root.only(&REPORT_ATTRIBUTES)?;
    let period = NaiveDate::parse_from_str(&format!("{}-01", root.required("period")?), "%Y-%m-%d")
        .map_err(|_| root.error("period", Code::InvalidDate, "a period reads YYYY-MM"))?;
    let stage = Stage::parse(root.required("stage")?).ok_or_else(|| {
        root.error(
            "stage",
            Code::InvalidChoice,
            "the stages are mining, smelting, circulation, export",
        )
    })?;
    let enterprise = UnifiedSocialCreditCode::parse(root.required("enterprise")?)
        .map_err(|e| root.error("enterprise", Code::InvalidCreditCode, e.to_string()))?;
    let record = Record::RareEarth(RareEarthRecord {
        line,
        kind: RareEarthRecordKind::Report(Report {
            period,
            stage,
            enterprise: enterprise.as_str().to_owned(),
            site: root.gln("site")?,
        }),
    });
    Ok((record, period))
}

fn flow(e: &Element, line: u64, period: NaiveDate) -> Result<Record, LineError> {
    let kind = match e.name.as_str() {
        "opening" => FlowKind::Opening,
        "input" => FlowKind::Input,
        "output" => FlowKind::Output,
        "shipment" => FlowKind::Shipment,
        other => {
            return Err(e.error(
                "",
                Code::InvalidXml,
                format!("<{other}> is not a flow; the flows are opening, input, output, shipment"),
            ));
        }
    };
    e.only(&FLOW_ATTRIBUTES)?;
    let date = match kind {
        FlowKind::Opening => None,
        _ => Some(e.date("date")?),
    };
    let in_period =
        |d: &NaiveDate| d.format("%Y-%m").to_string() == period.format("%Y-%m").to_string();
    if !date.iter().all(in_period) {
        return Err(e.error(
            "date",
            Code::InvalidDate,
            "outside the month the report is for",
        ));
    }
    let gtin = Gtin::parse(e.required("gtin")?)
        .map_err(|err| e.error("gtin", Code::InvalidGtin, err.to_string()))?;
    let lot = e.required("lot")?;
    if lot.len() > 20 || !lot.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(e.error(
            "lot",
            Code::InvalidLot,
            "a lot is 1 to 20 printable ASCII characters",
        ));
    }
    let partner = match kind {
        FlowKind::Input => Some(e.gln("from")?),
        FlowKind::Shipment => Some(e.gln("to")?),
        _ => None,
    };
    let country = match kind {
        FlowKind::Shipment => {
            let country = e.optional("country").unwrap_or("CN");
            if !is_country(country) {
                return Err(e.error("country", Code::InvalidCountry, "an ISO 3166 alpha-2 code"));
            }
            Some(country.to_owned())
        }
        _ => None,
    };
    let customs_declaration = e.optional("customsDeclaration").map(str::to_owned);
    if country.as_deref().is_some_and(|c| c != "CN") && customs_declaration.is_none() {
        return Err(e.error(
            "customsDeclaration",
            Code::Required,
            "an export names its customs declaration",
        ));
    }
    Ok(Record::RareEarth(RareEarthRecord {
        line,
        kind: RareEarthRecordKind::Flow(Flow {
            kind,
            date,
            gtin: gtin.as_str().to_owned(),
            lot: lot.to_owned(),
            quantity_kg: e.number("quantityKg", MAX_KG)?,
            reo_percent: e.number("reoPercent", 100.0)?,
            partner,
            country,
            customs_declaration,
        }),
    }))
}

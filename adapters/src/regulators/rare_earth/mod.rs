//! The rare-earth product-flow report (`rare-earth`): a designated enterprise's monthly report
//! of one stage (mining, smelting and separation, circulation, export) as XML, one element per
//! flow. The format and its mapping are in this folder's `README.md`; samples in
//! `adapters/samples/rare-earth/`.

mod events;
mod xml;

use chrono::NaiveDate;
use registry::departments::Category;

pub use events::events;

use super::Adapter;

/// The adapter.
pub const ADAPTER: Adapter = Adapter {
    name: "rare-earth",
    category: Category::RareEarth,
    formats: "XML",
    summary: "monthly rare-earth product-flow reports of designated enterprises: opening stock, \
              inputs, outputs, shipments and exports with quantities and oxide content",
    read: xml::read,
};

/// The format's XML namespace.
pub const NAMESPACE: &str = "urn:tracehub:rare-earth:flow:1";

/// A record and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct RareEarthRecord {
    pub line: u64,
    pub kind: RareEarthRecordKind,
}

/// What a record says.
#[derive(Debug, Clone, PartialEq)]
pub enum RareEarthRecordKind {
    /// The report itself (its root element): always the first record.
    Report(Report),
    /// One flow of the month.
    Flow(Flow),
}

/// Who reports which month of which stage, from which site.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The first day of the month reported.
    pub period: NaiveDate,
    pub stage: Stage,
    /// The enterprise's Unified Social Credit Code.
    pub enterprise: String,
    /// The GLN of the reporting site.
    pub site: String,
}

/// A stage of the rare-earth chain; only designated enterprises mine or smelt and separate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Mining,
    Smelting,
    Circulation,
    Export,
}

impl Stage {
    /// The name in files and records.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Mining => "mining",
            Stage::Smelting => "smelting",
            Stage::Circulation => "circulation",
            Stage::Export => "export",
        }
    }

    /// The stage called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Stage::Mining,
            Stage::Smelting,
            Stage::Circulation,
            Stage::Export,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// One flow: stock at the month's opening, an input received, an output produced, or a
/// shipment (an export when its country is not China).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub kind: FlowKind,
    /// The day (none for the opening stock).
    pub date: Option<NaiveDate>,
    pub gtin: String,
    pub lot: String,
    /// Gross quantity, kilograms.
    pub quantity_kg: f64,
    /// Total rare-earth oxide content (REO), percent of the gross quantity.
    pub reo_percent: f64,
    /// The other site's GLN: the supplier of an input, the consignee of a shipment.
    pub partner: Option<String>,
    /// A shipment's destination country (ISO 3166 alpha-2).
    pub country: Option<String>,
    /// An export's customs declaration number.
    pub customs_declaration: Option<String>,
}

/// The kinds of flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    Opening,
    Input,
    Output,
    Shipment,
}

impl FlowKind {
    /// The element's name.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::Opening => "opening",
            FlowKind::Input => "input",
            FlowKind::Output => "output",
            FlowKind::Shipment => "shipment",
        }
    }
}

impl Flow {
    /// The rare-earth oxide it holds, kilograms (the unit mass balance and quotas count in).
    pub fn reo_kg(&self) -> f64 {
        self.quantity_kg * self.reo_percent / 100.0
    }

    /// True for a shipment leaving China.
    pub fn is_export(&self) -> bool {
        self.kind == FlowKind::Shipment && self.country.as_deref().is_some_and(|c| c != "CN")
    }
}

#[cfg(test)]
mod tests;

//! EPCIS XML in: [`XmlEventReader`] (pull), [`read_xml`] (callback), [`parse_xml`] (whole).

mod event;
mod reader;

use std::io::BufRead;

use registry::epcis::{DocumentHeader, EpcisDocument, Event};

pub(crate) use event::report_attr;
pub use reader::{EPCIS1_NS, EPCIS2_NS, QUERY1_NS, QUERY2_NS, XmlEventReader};

use super::EpcisError;

/// Reads every event of an XML document, calling `on_event(index, event)` for each as it is
/// read, and returns the header. Stops at the first error.
pub fn read_xml<R: BufRead>(
    input: R,
    mut on_event: impl FnMut(usize, Event),
) -> Result<DocumentHeader, EpcisError> {
    let mut reader = XmlEventReader::new(input)?;
    for (i, ev) in reader.by_ref().enumerate() {
        on_event(i, ev?);
    }
    Ok(reader.into_header())
}

/// Reads a whole XML document into memory.
pub fn parse_xml(bytes: &[u8]) -> Result<EpcisDocument, EpcisError> {
    let mut events = Vec::new();
    let header = read_xml(bytes, |_, e| events.push(e))?;
    Ok(EpcisDocument { header, events })
}

//! EPCIS XML in: [`XmlEventReader`] (pull), [`read_xml`] (callback), [`parse_xml`] (whole).

mod event;
mod reader;

use std::borrow::Cow;
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

/// Reads a whole XML document into memory, in UTF-8 or (with its byte order mark, as XML 1.0
/// §4.3.3 requires) UTF-16.
pub fn parse_xml(bytes: &[u8]) -> Result<EpcisDocument, EpcisError> {
    let utf8 = to_utf8(bytes)?;
    let mut events = Vec::new();
    let header = read_xml(&*utf8, |_, e| events.push(e))?;
    Ok(EpcisDocument { header, events })
}

/// A UTF-16 document (by its byte order mark) as UTF-8; anything else as it is. The
/// declaration's `encoding="UTF-16"` may stay: the reader takes the bytes as UTF-8.
fn to_utf8(bytes: &[u8]) -> Result<Cow<'_, [u8]>, EpcisError> {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) if encoding != encoding_rs::UTF_8 => {
            let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
            if malformed {
                return Err(EpcisError::syntax(format!(
                    "the document is not valid {}",
                    encoding.name()
                )));
            }
            Ok(Cow::Owned(text.into_owned().into_bytes()))
        }
        _ => Ok(Cow::Borrowed(bytes)),
    }
}

//! What every adapter's events are made of: CBV words, GS1 Digital Link locations, ILMD.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use registry::epcis::ext::CBVMDA_NS;
use registry::epcis::{Action, Event, EventType, ExtElement, ExtValue, Location, SourceDest};

/// A CBV 2.0 word as its canonical URI (`BizStep`, `commissioning`).
pub(crate) fn cbv(kind: &str, word: &str) -> String {
    format!("https://ref.gs1.org/cbv/{kind}-{word}")
}

/// A site's location URI (GLN as a GS1 Digital Link, AI 414).
pub(crate) fn location(gln: &str) -> String {
    format!("https://id.gs1.org/414/{gln}")
}

/// Sets the read point and business location to the site.
pub(crate) fn at_site(e: &mut Event, gln: &str) {
    e.read_point = Some(Location {
        id: location(gln),
        extensions: Vec::new(),
    });
    e.biz_location = e.read_point.clone();
}

/// A source or destination of type `location`.
pub(crate) fn place(gln: &str) -> SourceDest {
    SourceDest {
        kind: cbv("SDT", "location"),
        value: location(gln),
    }
}

/// An ObjectEvent at a site with its step and disposition.
pub(crate) fn object(
    at: DateTime<FixedOffset>,
    action: Action,
    step: &str,
    disposition: &str,
    site: &str,
) -> Event {
    let mut e = Event::new(EventType::ObjectEvent, at);
    e.action = Some(action);
    e.biz_step = Some(cbv("BizStep", step));
    e.disposition = Some(cbv("Disp", disposition));
    at_site(&mut e, site);
    e
}

/// A CBV master-data element (`cbvmda:lotNumber`...) for ILMD.
pub(crate) fn master_data(local: &str, value: String) -> ExtElement {
    ExtElement {
        ns: CBVMDA_NS.into(),
        prefix: "cbvmda".into(),
        local: local.into(),
        attrs: Vec::new(),
        value: ExtValue::Text(value),
    }
}

/// A local time of China (UTC+8), which exports without an offset mean.
pub(crate) fn china_time(local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    FixedOffset::east_opt(8 * 3600)?
        .from_local_datetime(&local)
        .single()
}

//! What the lot-based adapters (agri, food) share: their units, lots as GS1 classes, and the noon
//! of a day as the event time.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use registry::ids::digital_link::uri_escape;

use super::events::china_time;

/// Units of quantity accepted (UN/CEFACT Rec. 20): kilogram, tonne, litre, piece, head.
pub const UNITS: [&str; 5] = ["KGM", "TNE", "LTR", "H87", "HEA"];

/// A lot of a GTIN as an EPC class: `https://id.gs1.org/01/{gtin}/10/{lot}`, the lot
/// percent-encoded where Digital Link reserves its characters.
pub fn lot_class(gtin: &str, lot: &str) -> String {
    format!("https://id.gs1.org/01/{gtin}/10/{}", uri_escape(lot, false))
}

/// Noon of a day in China's time: the event time of a record that gives only its day.
pub fn noon(date: NaiveDate) -> Option<DateTime<FixedOffset>> {
    china_time(date.and_time(NaiveTime::from_hms_opt(12, 0, 0)?))
}

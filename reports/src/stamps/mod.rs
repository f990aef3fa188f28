//! Stamps on paper and screen: each stamp's QR code (SVG, PNG) and print-ready PDF sheets of a
//! whole order, streamed page by page.

mod layout;
pub(crate) mod pdf;
pub mod qr;
pub mod sheet;

pub use layout::SheetLayout;
pub use qr::{EC_LEVEL, QUIET_ZONE, Rect, StampQr};
pub use sheet::{SheetHeader, SheetKind, SheetWriter, StampLabel, try_write_sheet, write_sheet};

/// What can go wrong drawing stamps. Each variant names what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum StampPrintError {
    /// The URI does not fit in a QR code (more than 2,331 bytes at level M).
    #[error("uri: too long for a QR code ({len} bytes)")]
    UriTooLong {
        /// Length of the URI in bytes.
        len: usize,
    },
    /// The label grid is not usable: labels do not fit on the page, zero rows, and so on.
    #[error("layout: {0}")]
    InvalidLayout(String),
    /// The QR code would be printed with modules too small to scan reliably.
    #[error("layout: label too small, QR modules would be {module_mm:.2} mm (minimum {min_mm} mm)")]
    LabelTooSmall {
        /// Module size the layout gives, in mm.
        module_mm: f64,
        /// Smallest module size accepted, in mm.
        min_mm: f64,
    },
    /// An order must have at least one stamp.
    #[error("total: an order sheet needs at least one stamp")]
    EmptyOrder,
    /// More labels were given than the total announced (the page count is printed on each page).
    #[error("labels: more than the {expected} announced")]
    TooManyLabels {
        /// The announced total.
        expected: u64,
    },
    /// Fewer labels were given than announced.
    #[error("labels: {got} given, {expected} announced")]
    TooFewLabels {
        /// The announced total.
        expected: u64,
        /// How many were given.
        got: u64,
    },
    /// An anti-counterfeit sheet was given a label without its hidden code.
    #[error("hidden_code: missing for serial {serial}")]
    MissingHiddenCode {
        /// Serial of the label without a hidden code.
        serial: String,
    },
    /// The label source (e.g. a database cursor) failed.
    #[error("labels: source failed: {0}")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Encoding the PNG failed.
    #[error("png: {0}")]
    Png(#[from] image::ImageError),
    /// Writing the output failed.
    #[error("output: {0}")]
    Io(#[from] std::io::Error),
}

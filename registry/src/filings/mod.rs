//! What enterprises file beside their registration: sites and licences (registration data),
//! products and batches (filings proper, by an active enterprise for itself only).

pub mod licences;

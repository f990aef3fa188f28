//! EPCIS JSON-LD in.

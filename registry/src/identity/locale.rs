//! The languages the hub writes to people in: notices, e-mails and the portal.

use serde::{Deserialize, Serialize};

use crate::error::Code;
use crate::error::{RegistryError, Result};

/// A language a user reads notices in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Locale {
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// Vietnamese.
    #[serde(rename = "vi")]
    Vi,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every locale.
    pub const ALL: [Locale; 3] = [Locale::ZhCn, Locale::Vi, Locale::En];

    /// The BCP 47 tag, as stored.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    /// Parses a stored tag; `field` names the input for the error.
    pub fn parse(tag: &str, field: &str) -> Result<Self> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag() == tag)
            .ok_or_else(|| {
                RegistryError::invalid(
                    Code::InvalidLocale,
                    field,
                    format!("unknown locale {tag:?}: expected zh-CN, vi or en"),
                )
            })
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::str::FromStr for Locale {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self> {
        Locale::parse(s, "locale")
    }
}

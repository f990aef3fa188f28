//! Where a trace went: the locations (SGLN) and parties (PGLN) in events, matched to the
//! registry. A GLN that is a registered site's GLN is that site (and its enterprise, region and
//! country); a party GLN that is not a site's belongs to the enterprise whose GS1 company prefix
//! it starts with; anything else is "unregistered", with the country of the GS1 Member
//! Organisation that issued its prefix.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::error::Result;
use crate::schema::{enterprises, sites};

/// A place an event names, as the registry knows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Place {
    /// The identifier as stored (canonical GS1 Digital Link, or any URI).
    pub identifier: String,
    /// `location` (SGLN) or `party` (PGLN), or `other`.
    pub kind: String,
    /// The 13-digit GLN, when the identifier carries one.
    pub gln: Option<String>,
    /// True when it matched a registered site or enterprise.
    pub registered: bool,
    /// The registered site with this GLN.
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    /// `farm`, `factory`, `warehouse`, `store` or `port`.
    pub site_kind: Option<String>,
    /// The enterprise of the site, or whose company prefix the party GLN is in.
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    /// GB/T 2260 region code of the enterprise (`""` when unregistered).
    pub region: String,
    /// ISO 3166 alpha-2: `CN` for registered enterprises, else the country of the GS1 Member
    /// Organisation of the GLN's prefix (`""` when unknown).
    pub country: String,
}

/// The GLN inside a location or party identifier.
pub(crate) fn gln_of(identifier: &str) -> Option<(&'static str, String)> {
    let rest = identifier.strip_prefix("https://id.gs1.org/")?;
    let (ai, rest) = rest.split_once('/')?;
    let gln: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if gln.len() != 13 {
        return None;
    }
    match ai {
        "414" => Some(("location", gln)),
        "417" => Some(("party", gln)),
        _ => None,
    }
}

/// GS1 prefix ranges (first three digits) of the Member Organisations the hub's trade meets.
const GS1_COUNTRIES: &[(u16, u16, &str)] = &[
    (0, 139, "US"),
    (300, 379, "FR"),
    (400, 440, "DE"),
    (450, 459, "JP"),
    (460, 469, "RU"),
    (471, 471, "TW"),
    (480, 480, "PH"),
    (489, 489, "HK"),
    (490, 499, "JP"),
    (500, 509, "GB"),
    (690, 699, "CN"),
    (750, 750, "MX"),
    (800, 839, "IT"),
    (840, 849, "ES"),
    (870, 879, "NL"),
    (880, 880, "KR"),
    (883, 883, "MM"),
    (884, 884, "KH"),
    (885, 885, "TH"),
    (888, 888, "SG"),
    (890, 890, "IN"),
    (893, 893, "VN"),
    (896, 896, "PK"),
    (899, 899, "ID"),
    (930, 939, "AU"),
    (940, 949, "NZ"),
    (955, 955, "MY"),
    (958, 958, "MO"),
];

/// The country of the GS1 Member Organisation that issued a GLN's prefix (`""` if unknown).
pub fn gs1_country(gln: &str) -> &'static str {
    let Some(p) = gln.get(..3).and_then(|p| p.parse::<u16>().ok()) else {
        return "";
    };
    GS1_COUNTRIES
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&p))
        .map_or("", |(_, _, c)| c)
}

type SiteRow = (String, i64, String, String, i64, String, String);
type EnterpriseRow = (i64, String, String, Option<String>);

/// The places behind `identifiers`, each matched to the registry.
pub fn resolve(conn: &mut DbConn, identifiers: &[String]) -> Result<HashMap<String, Place>> {
    let parsed: Vec<(&String, Option<(&'static str, String)>)> =
        identifiers.iter().map(|i| (i, gln_of(i))).collect();
    let glns: Vec<&str> = parsed
        .iter()
        .filter_map(|(_, g)| g.as_ref().map(|(_, g)| g.as_str()))
        .collect();
    // In chunks: SQLite takes at most 32,766 bound values per statement.
    let mut site_rows: Vec<SiteRow> = Vec::with_capacity(glns.len());
    for chunk in glns.chunks(5_000) {
        site_rows.extend(
            sites::table
                .inner_join(enterprises::table)
                .filter(sites::gln.eq_any(chunk))
                .select((
                    sites::gln,
                    sites::id,
                    sites::name,
                    sites::kind,
                    enterprises::id,
                    enterprises::name,
                    enterprises::region_code,
                ))
                .load::<SiteRow>(conn)?,
        );
    }
    let by_gln: HashMap<&str, &SiteRow> = site_rows.iter().map(|r| (r.0.as_str(), r)).collect();
    let candidates: Vec<String> = glns
        .iter()
        .flat_map(|g| (6..=12).filter_map(move |n| g.get(..n).map(str::to_owned)))
        .collect();
    let mut owners: Vec<EnterpriseRow> = Vec::new();
    for chunk in candidates.chunks(5_000) {
        owners.extend(
            enterprises::table
                .filter(enterprises::company_prefix.eq_any(chunk))
                .select((
                    enterprises::id,
                    enterprises::name,
                    enterprises::region_code,
                    enterprises::company_prefix,
                ))
                .load::<EnterpriseRow>(conn)?,
        );
    }
    let mut out = HashMap::with_capacity(identifiers.len());
    for (identifier, gln) in parsed {
        let place = match gln {
            None => Place {
                identifier: identifier.clone(),
                kind: "other".into(),
                gln: None,
                registered: false,
                site_id: None,
                site_name: None,
                site_kind: None,
                enterprise_id: None,
                enterprise_name: None,
                region: String::new(),
                country: String::new(),
            },
            Some((kind, gln)) => {
                let site = by_gln.get(gln.as_str());
                let owner = owners
                    .iter()
                    .find(|(_, _, _, p)| p.as_deref().is_some_and(|p| gln.starts_with(p)));
                match (site, owner) {
                    (Some((_, site_id, name, site_kind, ent, ent_name, region)), _) => Place {
                        identifier: identifier.clone(),
                        kind: kind.into(),
                        gln: Some(gln.clone()),
                        registered: true,
                        site_id: Some(*site_id),
                        site_name: Some(name.clone()),
                        site_kind: Some(site_kind.clone()),
                        enterprise_id: Some(*ent),
                        enterprise_name: Some(ent_name.clone()),
                        region: region.clone(),
                        country: "CN".into(),
                    },
                    (None, Some((ent, ent_name, region, _))) => Place {
                        identifier: identifier.clone(),
                        kind: kind.into(),
                        gln: Some(gln.clone()),
                        registered: true,
                        site_id: None,
                        site_name: None,
                        site_kind: None,
                        enterprise_id: Some(*ent),
                        enterprise_name: Some(ent_name.clone()),
                        region: region.clone(),
                        country: "CN".into(),
                    },
                    (None, None) => Place {
                        identifier: identifier.clone(),
                        kind: kind.into(),
                        country: gs1_country(&gln).into(),
                        gln: Some(gln),
                        registered: false,
                        site_id: None,
                        site_name: None,
                        site_kind: None,
                        enterprise_id: None,
                        enterprise_name: None,
                        region: String::new(),
                    },
                }
            }
        };
        out.insert(identifier.clone(), place);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glns_and_countries() {
        assert_eq!(
            gln_of("https://id.gs1.org/414/6901234000017"),
            Some(("location", "6901234000017".into()))
        );
        assert_eq!(
            gln_of("https://id.gs1.org/417/8930000000019"),
            Some(("party", "8930000000019".into()))
        );
        assert_eq!(gln_of("https://id.gs1.org/00/106141412345678908"), None);
        assert_eq!(gs1_country("6901234000017"), "CN");
        assert_eq!(gs1_country("8930000000019"), "VN");
        assert_eq!(gs1_country("0614141000005"), "US");
        assert_eq!(gs1_country("2000000000008"), "");
    }
}

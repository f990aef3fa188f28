//! GS1 Digital Link URIs back to EPC URNs, given the GS1 Company Prefix length.

use super::{EpcError, digits, parse_digital_link, urn_encode};

/// Splits a key with a GS1 Company Prefix of `cp_len` digits after `skip` leading characters.
fn split_cp(v: &str, skip: usize, cp_len: usize, end: usize) -> Result<(&str, &str), EpcError> {
    if !(6..=12).contains(&cp_len) || skip + cp_len > end {
        return Err(EpcError::PrefixLength(cp_len));
    }
    let cp = v
        .get(skip..skip + cp_len)
        .ok_or(EpcError::PrefixLength(cp_len))?;
    let rest = v
        .get(skip + cp_len..end)
        .ok_or(EpcError::PrefixLength(cp_len))?;
    if !digits(cp) {
        return Err(EpcError::PrefixLength(cp_len));
    }
    Ok((cp, rest))
}

/// `(company prefix, item reference with indicator)` of a GTIN-14.
fn gtin_parts(g: &str, cp_len: usize) -> Result<(String, String), EpcError> {
    let (cp, rest) = split_cp(g, 1, cp_len, 13)?;
    Ok((cp.to_owned(), format!("{}{rest}", &g[..1])))
}

/// Converts a GS1 Digital Link URI (any host) to an EPC pure-identity URN (`urn:epc:id:`).
///
/// `cp_len` is the length of the GS1 Company Prefix inside the key (6 to 12).
pub fn to_urn(uri: &str, cp_len: usize) -> Result<String, EpcError> {
    let d = parse_digital_link(uri)?;
    let (ai, v) = d
        .path
        .first()
        .map(|(a, v)| (a.as_str(), v.as_str()))
        .unwrap_or(("", ""));
    let e = urn_encode;
    let not_instance = || EpcError::NotDigitalLink(format!("{uri} is a class, not an instance"));
    Ok(match ai {
        "01" => {
            let (cp, item) = gtin_parts(v, cp_len)?;
            if let Some(s) = d.get("21") {
                format!("urn:epc:id:sgtin:{cp}.{item}.{}", e(s))
            } else if let Some(t) = d.get("235") {
                format!("urn:epc:id:upui:{cp}.{item}.{}", e(t))
            } else {
                return Err(not_instance());
            }
        }
        "00" => {
            let (cp, rest) = split_cp(v, 1, cp_len, 17)?;
            format!("urn:epc:id:sscc:{cp}.{}{rest}", &v[..1])
        }
        "414" => {
            let (cp, loc) = split_cp(v, 0, cp_len, 12)?;
            format!(
                "urn:epc:id:sgln:{cp}.{loc}.{}",
                e(d.get("254").unwrap_or("0"))
            )
        }
        "417" => {
            let (cp, party) = split_cp(v, 0, cp_len, 12)?;
            format!("urn:epc:id:pgln:{cp}.{party}")
        }
        "8003" => {
            let (cp, at) = split_cp(v, 1, cp_len, 13)?;
            let ser = v.get(14..).unwrap_or("");
            if ser.is_empty() {
                return Err(not_instance());
            }
            format!("urn:epc:id:grai:{cp}.{at}.{}", e(ser))
        }
        "8004" => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            let r = v.get(cp_len..).unwrap_or("");
            format!("urn:epc:id:giai:{cp}.{}", e(r))
        }
        "8017" | "8018" => {
            let (cp, sr) = split_cp(v, 0, cp_len, 17)?;
            let s = if ai == "8018" { "gsrn" } else { "gsrnp" };
            format!("urn:epc:id:{s}:{cp}.{sr}")
        }
        "253" | "255" => {
            let (cp, r) = split_cp(v, 0, cp_len, 12)?;
            let ser = v.get(13..).unwrap_or("");
            if ser.is_empty() {
                return Err(not_instance());
            }
            let s = if ai == "253" { "gdti" } else { "sgcn" };
            format!("urn:epc:id:{s}:{cp}.{r}.{}", e(ser))
        }
        "8010" => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            let part = v.get(cp_len..).unwrap_or("");
            let ser = d.get("8011").ok_or_else(not_instance)?;
            format!("urn:epc:id:cpi:{cp}.{}.{ser}", e(part))
        }
        "401" => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            format!("urn:epc:id:ginc:{cp}.{}", e(v.get(cp_len..).unwrap_or("")))
        }
        "402" => {
            let (cp, sr) = split_cp(v, 0, cp_len, 16)?;
            format!("urn:epc:id:gsin:{cp}.{sr}")
        }
        "8006" => {
            let (cp, item) = gtin_parts(&v[..14], cp_len)?;
            let ser = d.get("21").ok_or_else(not_instance)?;
            format!(
                "urn:epc:id:itip:{cp}.{item}.{}.{}.{}",
                &v[14..16],
                &v[16..18],
                e(ser)
            )
        }
        _ => return Err(EpcError::NotDigitalLink(uri.to_owned())),
    })
}

/// Converts a class-level GS1 Digital Link URI to an EPC class URN: `urn:epc:class:lgtin:` for
/// GTIN + lot, `urn:epc:idpat:` for a bare GTIN, GRAI, GDTI, SGCN, CPI or ITIP key.
pub fn to_class_urn(uri: &str, cp_len: usize) -> Result<String, EpcError> {
    let d = parse_digital_link(uri)?;
    let (ai, v) = d
        .path
        .first()
        .map(|(a, v)| (a.as_str(), v.as_str()))
        .unwrap_or(("", ""));
    let not_class = || EpcError::NotDigitalLink(format!("{uri} is not a class-level identifier"));
    Ok(match ai {
        "01" => {
            let (cp, item) = gtin_parts(v, cp_len)?;
            match (d.get("10"), d.path.len()) {
                (Some(lot), 2) => format!("urn:epc:class:lgtin:{cp}.{item}.{}", urn_encode(lot)),
                (None, 1) => format!("urn:epc:idpat:sgtin:{cp}.{item}.*"),
                _ => return Err(not_class()),
            }
        }
        "8003" if v.len() == 14 => {
            let (cp, at) = split_cp(v, 1, cp_len, 13)?;
            format!("urn:epc:idpat:grai:{cp}.{at}.*")
        }
        "253" | "255" if v.len() == 13 => {
            let (cp, r) = split_cp(v, 0, cp_len, 12)?;
            format!(
                "urn:epc:idpat:{}:{cp}.{r}.*",
                if ai == "253" { "gdti" } else { "sgcn" }
            )
        }
        "8010" if d.path.len() == 1 => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            format!(
                "urn:epc:idpat:cpi:{cp}.{}.*",
                urn_encode(v.get(cp_len..).unwrap_or(""))
            )
        }
        "8006" if d.path.len() == 1 => {
            let (cp, item) = gtin_parts(&v[..14], cp_len)?;
            format!(
                "urn:epc:idpat:itip:{cp}.{item}.{}.{}.*",
                &v[14..16],
                &v[16..18]
            )
        }
        _ => return Err(not_class()),
    })
}

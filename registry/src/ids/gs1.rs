//! GS1 keys: the mod-10 check digit shared by GTIN, GLN, SSCC and the other numeric keys.

/// The GS1 mod-10 check digit for `body` (the key without its check digit).
///
/// Weights 3 and 1 alternate from the rightmost digit. Returns `None` when `body` is empty or
/// holds anything but ASCII digits.
pub fn check_digit(body: &str) -> Option<u8> {
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    Some(((10 - sum % 10) % 10) as u8)
}

/// True when the last digit of `key` is the GS1 check digit of the digits before it.
pub fn has_valid_check_digit(key: &str) -> bool {
    let Some((body, last)) = key.len().checked_sub(1).map(|n| key.split_at(n)) else {
        return false;
    };
    match (check_digit(body), last.bytes().next()) {
        (Some(expected), Some(actual)) => actual == b'0' + expected,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_known_keys() {
        // GTIN-13 and GLN examples from the GS1 General Specifications.
        assert!(has_valid_check_digit("4006381333931"));
        assert!(has_valid_check_digit("0614141000012"));
        assert!(!has_valid_check_digit("4006381333932"));
        assert_eq!(check_digit("400638133393"), Some(1));
        assert_eq!(check_digit(""), None);
        assert_eq!(check_digit("12a"), None);
        assert!(!has_valid_check_digit(""));
    }
}

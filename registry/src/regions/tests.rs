use super::*;
use crate::error::Code;
use crate::testing::TestDb;
use crate::testing::now;

/// The committed data says what the generator promised: the header's counts, codes of the
/// country's form, unique, every parent present and of a higher level.
fn check_data(country: Country, code_form: fn(&Region) -> bool) {
    let regions = country.regions();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for region in regions.all() {
        let level = serde_json::to_value(region.level).unwrap();
        let level = level.as_str().unwrap().to_owned();
        match counts.iter_mut().find(|(l, _)| *l == level) {
            Some((_, n)) => *n += 1,
            None => counts.push((level, 1)),
        }
        assert!(code_form(region), "{region:?} has the wrong form");
        match &region.parent {
            None => assert_eq!(region.level, Level::Province, "{region:?}"),
            Some(parent) => {
                let parent = regions.get(parent).expect("parent present");
                assert_ne!(parent.level, region.level, "{region:?}");
                assert!(!region.name.is_empty());
            }
        }
    }
    assert_eq!(
        counts,
        regions.header_counts(),
        "header counts match the data"
    );
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let mut codes: Vec<&str> = regions.all().iter().map(|r| r.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), total, "codes are unique");
}

#[test]
fn china_data_is_gb2260_and_matches_the_generator() {
    check_data(Country::Cn, |r| is_gb2260_form(&r.code));
    let cn = Country::Cn.regions();
    let counts = cn.header_counts();
    assert_eq!(counts[0], ("province".to_owned(), 34));
    assert!(counts[1].1 > 300 && counts[2].1 > 2800, "{counts:?}");
    let zhongyuan = cn.get("410102").unwrap();
    assert_eq!(zhongyuan.name, "中原区");
    assert_eq!(zhongyuan.level, Level::County);
    let chain: Vec<&str> = cn.ancestors("410102").map(|r| r.code.as_str()).collect();
    assert_eq!(chain, ["410100", "410000"]);
    assert_eq!(cn.get("410000").unwrap().name, "河南省");
    assert_eq!(cn.get("110101").unwrap().parent.as_deref(), Some("110000"));
    assert_eq!(cn.get("420102").unwrap().name, "江岸区");
    assert!(cn.get("410199").is_none());
    assert_eq!(cn.children(None).len(), 34);
}

#[test]
fn viet_nam_data_is_after_the_2025_reform() {
    check_data(Country::Vn, |r| match r.level {
        Level::Province => r.code.len() == 2,
        _ => r.code.len() == 5 && r.parent.as_deref().is_some_and(|p| p.len() == 2),
    });
    let vn = Country::Vn.regions();
    assert_eq!(
        vn.header_counts(),
        [("province".to_owned(), 34), ("commune".to_owned(), 3321)]
    );
    assert_eq!(vn.get("01").unwrap().name, "Thành phố Hà Nội");
    assert_eq!(vn.get("79").unwrap().name, "Thành phố Hồ Chí Minh");
    let ba_dinh = vn.get("00004").unwrap();
    assert_eq!(ba_dinh.name, "Phường Ba Đình");
    assert_eq!(ba_dinh.name_en, "Phuong Ba Dinh");
    assert_eq!(ba_dinh.parent.as_deref(), Some("01"));
    // Binh Duong (74) was merged into Ho Chi Minh City: gone as a province.
    assert!(vn.get("74").is_none());
    assert!(vn.children(None).iter().all(|r| r.level == Level::Province));
}

#[test]
fn the_prefix_rule_agrees_with_the_china_hierarchy() {
    let cn = Country::Cn.regions();
    for region in cn.all() {
        let by_tree: Vec<&str> = cn
            .ancestors(&region.code)
            .map(|r| r.code.as_str())
            .collect();
        let by_prefix: Vec<&str> = cn
            .all()
            .iter()
            .filter(|a| a.code != region.code && covers(&a.code, &region.code))
            .map(|a| a.code.as_str())
            .collect();
        let mut by_tree_sorted = by_tree.clone();
        by_tree_sorted.sort_unstable();
        let mut by_prefix = by_prefix;
        by_prefix.sort_unstable();
        assert_eq!(by_prefix, by_tree_sorted, "{}", region.code);
    }
}

#[test]
fn coverage_follows_the_hierarchy() {
    assert!(covers("410000", "410102"));
    assert!(covers("410100", "410102"));
    assert!(!covers("410300", "410102"));
    assert!(covers("01", "00004"));
    assert!(covers("00004", "00004"));
    assert!(!covers("79", "00004"));
    assert!(!covers("00004", "01"));
    assert_eq!(coverage("410100"), Coverage::Prefix("4101".into()));
    let Coverage::Codes(hanoi) = coverage("01") else {
        panic!("Viet Nam codes are listed")
    };
    assert_eq!(hanoi[0], "01");
    assert!(hanoi.contains(&"00004".to_owned()));
    assert_eq!(
        hanoi.len(),
        1 + Country::Vn.regions().children(Some("01")).len()
    );
}

#[test]
fn the_country_is_stored_and_validates_codes() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    assert_eq!(stored_country(&mut conn).unwrap(), Country::Cn);
    validate_region(&mut conn, "410102", "region_code").unwrap();
    let error = validate_region(&mut conn, "410199", "region_code").unwrap_err();
    assert!(
        matches!(error, RegistryError::Invalid { code: Code::InvalidRegion, field, .. } if field == "region_code")
    );
    assert!(validate_region(&mut conn, "01", "region_code").is_err());
    set_country(&mut conn, Country::Vn).unwrap();
    validate_region(&mut conn, "00004", "region_code").unwrap();
    assert!(validate_region(&mut conn, "410102", "region_code").is_err());
    let provinces = list_regions(&mut conn, None).unwrap();
    assert_eq!(provinces.len(), 34);
    assert!(provinces.iter().all(|p| p.has_children));
    let hanoi = list_regions(&mut conn, Some("01")).unwrap();
    assert!(hanoi.iter().any(|c| c.code == "00004" && !c.has_children));
    assert!(matches!(
        list_regions(&mut conn, Some("999")),
        Err(RegistryError::Invalid { field, .. }) if field == "parent"
    ));
    // Once regions are in use, the country cannot change.
    crate::departments::create_department(
        &mut conn,
        now(),
        &crate::departments::NewDepartment {
            code: "HN".into(),
            name: "Sở Nông nghiệp Hà Nội".into(),
            name_en: String::new(),
            region_code: "01".into(),
            categories: vec![crate::departments::Category::Food],
        },
    )
    .unwrap();
    assert!(matches!(
        set_country(&mut conn, Country::Cn),
        Err(RegistryError::Config(_))
    ));
    set_country(&mut conn, Country::Vn).unwrap();
}

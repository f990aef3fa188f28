//! Realistic synthetic enterprises, for benchmarks and load tests: valid Unified Social Credit
//! Codes (check characters computed), real region codes of the chosen country, names in the
//! local language and in English, categories, a credit tier, and mostly a licence. The same
//! seed gives the same enterprises; keys (credit code, company prefix, licence number) are
//! unique per position in the sequence.

use crate::enterprises::ImportRecord;
use crate::ids::uscc::{organisation_code_check_char, uscc_check_char};
use crate::regions::{Country, Level, Region};

/// A small, fast, seedable generator (SplitMix64): reproducible data without a dependency.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Trade names: (Chinese, pinyin).
const TRADE_NAMES: &[(&str, &str)] = &[
    ("恒丰", "Hengfeng"),
    ("金穗", "Jinsui"),
    ("绿源", "Lvyuan"),
    ("华康", "Huakang"),
    ("瑞达", "Ruida"),
    ("中原", "Zhongyuan"),
    ("鑫盛", "Xinsheng"),
    ("永信", "Yongxin"),
    ("天润", "Tianrun"),
    ("新希望", "Xinxiwang"),
    ("宏图", "Hongtu"),
    ("嘉禾", "Jiahe"),
    ("丰泽", "Fengze"),
    ("百川", "Baichuan"),
    ("安泰", "Antai"),
    ("海蓝", "Hailan"),
    ("金龙", "Jinlong"),
    ("春晖", "Chunhui"),
    ("益民", "Yimin"),
    ("东方红", "Dongfanghong"),
];

/// Vietnamese trade names: (with diacritics, without).
const VN_TRADE_NAMES: &[(&str, &str)] = &[
    ("Hoàng Long", "Hoang Long"),
    ("Phú Thịnh", "Phu Thinh"),
    ("Minh Anh", "Minh Anh"),
    ("Sao Việt", "Sao Viet"),
    ("Đại Phát", "Dai Phat"),
    ("Thành Công", "Thanh Cong"),
    ("Hưng Thịnh", "Hung Thinh"),
    ("An Khang", "An Khang"),
    ("Việt Xanh", "Viet Xanh"),
    ("Bình Minh", "Binh Minh"),
];

/// Per category: the Chinese industry word, the Vietnamese one, the English one, and the
/// licence type and number prefix.
const INDUSTRIES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "edible_agri",
        "农业",
        "Nông sản",
        "Agriculture",
        "agri_production",
        "NC",
    ),
    ("food", "食品", "Thực phẩm", "Food", "food_production", "SC"),
    (
        "drugs",
        "药业",
        "Dược phẩm",
        "Pharmaceutical",
        "drug_manufacturing",
        "YP",
    ),
    (
        "agri_inputs",
        "农资",
        "Vật tư nông nghiệp",
        "Agricultural Inputs",
        "pesticide_business",
        "NY",
    ),
    (
        "special_equipment",
        "机械",
        "Thiết bị",
        "Machinery",
        "special_equipment_manufacturing",
        "TS",
    ),
    (
        "hazardous",
        "化工",
        "Hóa chất",
        "Chemical",
        "hazardous_chemicals_business",
        "WH",
    ),
    (
        "rare_earth",
        "稀土",
        "Đất hiếm",
        "Rare Earth",
        "rare_earth_smelting",
        "XT",
    ),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰",
];
const VN_NAMES: &[&str] = &[
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Hoa",
];
const STREETS: &[&str] = &["人民路", "建设路", "解放路", "中山路", "工业大道", "农业路"];
const VN_STREETS: &[&str] = &["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng"];

/// An endless, reproducible sequence of enterprises as import lines.
#[derive(Debug)]
pub struct Synthetic {
    rng: SplitMix64,
    country: Country,
    /// The lowest level of the hierarchy (counties, communes), where enterprises are.
    places: Vec<&'static Region>,
    index: u64,
}

impl Synthetic {
    /// Enterprises of `country` from `seed`.
    pub fn new(country: Country, seed: u64) -> Self {
        let places = country
            .regions()
            .all()
            .iter()
            .filter(|r| matches!(r.level, Level::County | Level::Commune))
            .collect();
        Self {
            rng: SplitMix64(seed),
            country,
            places,
            index: 0,
        }
    }

    /// A valid credit code for sequence number `n` in `region` (six digits).
    fn credit_code(region: &str, n: u64) -> String {
        let org = format!("{:08}", n % 100_000_000);
        let check = organisation_code_check_char(&org).unwrap_or('0');
        let body = format!("91{region}{org}{check}");
        let last = uscc_check_char(&body).unwrap_or('0');
        format!("{body}{last}")
    }

    fn make(&mut self) -> ImportRecord {
        let n = self.index;
        let place = *self.rng.pick(&self.places);
        let first = self.rng.below(INDUSTRIES.len());
        let mut cats = vec![first];
        if self.rng.chance(25) {
            cats.push((first + 1 + self.rng.below(INDUSTRIES.len() - 1)) % INDUSTRIES.len());
        }
        let (_, zh, vi, en, licence_type, licence_prefix) = INDUSTRIES[first];
        let (credit_region, name, name_en, legal, phone, address) = match self.country {
            Country::Cn => {
                let (trade, pinyin) = *self.rng.pick(TRADE_NAMES);
                let city = place.name.trim_end_matches(['区', '县', '市']);
                let kind = if self.rng.chance(20) {
                    "股份有限公司"
                } else {
                    "有限公司"
                };
                (
                    place.code.clone(),
                    format!("{city}{trade}{zh}{kind}"),
                    format!("{pinyin} {en} Co., Ltd. {n}"),
                    format!("{}{}", self.rng.pick(SURNAMES), self.rng.pick(GIVEN_NAMES)),
                    format!(
                        "0{}-{:08}",
                        300 + self.rng.below(600),
                        self.rng.next() % 100_000_000
                    ),
                    format!(
                        "{}{}{}号",
                        place.name,
                        self.rng.pick(STREETS),
                        1 + self.rng.below(999)
                    ),
                )
            }
            Country::Vn => {
                let (trade, plain) = *self.rng.pick(VN_TRADE_NAMES);
                (
                    "110000".to_owned(),
                    format!("Công ty TNHH {vi} {trade} {n}"),
                    format!("{plain} {en} Company Limited {n}"),
                    (*self.rng.pick(VN_NAMES)).to_owned(),
                    format!("+84 24 {:08}", self.rng.next() % 100_000_000),
                    format!(
                        "Số {} {}, {}",
                        1 + self.rng.below(300),
                        self.rng.pick(VN_STREETS),
                        place.name
                    ),
                )
            }
        };
        let (lat, lon) = match self.country {
            Country::Cn => (
                20.0 + self.rng.below(2500) as f64 / 100.0,
                100.0 + self.rng.below(2500) as f64 / 100.0,
            ),
            Country::Vn => (
                9.0 + self.rng.below(1300) as f64 / 100.0,
                103.0 + self.rng.below(600) as f64 / 100.0,
            ),
        };
        let licensed = self.rng.chance(70);
        let from_year = 2021 + self.rng.below(5);
        let to_year = from_year + 1 + self.rng.below(5);
        let tier = *self.rng.pick(&["A", "B", "B", "B", "C", "D"]);
        ImportRecord {
            line: n + 2,
            credit_code: Self::credit_code(&credit_region, n),
            name,
            name_en,
            legal_representative: legal,
            phone,
            email: format!("contact{n}@example.com"),
            region_code: place.code.clone(),
            address,
            latitude: format!("{lat:.4}"),
            longitude: format!("{lon:.4}"),
            company_prefix: if self.rng.chance(50) {
                format!("69{:07}", n % 10_000_000)
            } else {
                String::new()
            },
            categories: cats
                .iter()
                .map(|&c| INDUSTRIES[c].0)
                .collect::<Vec<_>>()
                .join(";"),
            credit_tier: tier.to_owned(),
            licence_type: if licensed {
                licence_type.into()
            } else {
                String::new()
            },
            licence_number: if licensed {
                format!("{licence_prefix}{n:014}")
            } else {
                String::new()
            },
            licence_valid_from: if licensed {
                format!("{from_year}-01-01")
            } else {
                String::new()
            },
            licence_valid_to: if licensed {
                format!("{to_year}-12-31")
            } else {
                String::new()
            },
            licence_authority: if licensed {
                format!("{}市场监督管理局", place.name)
            } else {
                String::new()
            },
        }
    }
}

impl Iterator for Synthetic {
    type Item = ImportRecord;

    fn next(&mut self) -> Option<ImportRecord> {
        let record = self.make();
        self.index += 1;
        Some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::uscc::UnifiedSocialCreditCode;

    #[test]
    fn synthetic_enterprises_are_valid_and_reproducible() {
        let first: Vec<ImportRecord> = Synthetic::new(Country::Cn, 7).take(500).collect();
        assert_eq!(
            first,
            Synthetic::new(Country::Cn, 7).take(500).collect::<Vec<_>>()
        );
        let mut codes = std::collections::HashSet::new();
        for r in &first {
            UnifiedSocialCreditCode::parse(&r.credit_code).unwrap();
            assert!(codes.insert(r.credit_code.clone()));
            assert!(Country::Cn.regions().get(&r.region_code).is_some());
            assert!(r.name.ends_with("公司"), "{}", r.name);
            assert!(r.name_en.contains("Co., Ltd."));
        }
        for r in Synthetic::new(Country::Vn, 7).take(100) {
            UnifiedSocialCreditCode::parse(&r.credit_code).unwrap();
            assert_eq!(
                Country::Vn.regions().get(&r.region_code).unwrap().level,
                Level::Commune
            );
        }
    }
}

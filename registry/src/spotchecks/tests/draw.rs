//! The draw as a pure function: reproducible, at each tier's ratio, inspectors dealt evenly,
//! conflicts kept apart.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::seed;
use crate::enterprises::CreditTier;
use crate::spotchecks::*;

/// 100 enterprises per tier (ids 1..=400, A first) and 20 inspectors (1001..=1020).
fn inputs() -> DrawInputs {
    let tiers = [CreditTier::A, CreditTier::B, CreditTier::C, CreditTier::D];
    DrawInputs {
        ratios: Ratios::default(),
        inspectors_per_task: 2,
        enterprises: (0..400)
            .map(|i| (i + 1, tiers[(i / 100) as usize]))
            .collect(),
        inspectors: (1001..=1020).collect(),
        exclusions: BTreeSet::new(),
    }
}

#[test]
fn the_same_seed_gives_the_same_draw_and_another_seed_another() {
    let inputs = inputs();
    let first = draw(&inputs, &seed(1)).unwrap();
    assert_eq!(first, draw(&inputs, &seed(1)).unwrap());
    assert_eq!(
        draw_digest(&first),
        draw_digest(&draw(&inputs, &seed(1)).unwrap())
    );
    let other = draw(&inputs, &seed(2)).unwrap();
    assert_ne!(first, other);
    // 1 + 2 + 10 + 30 per 100: the exact ratios.
    assert_eq!(first.len(), 43);
    let ranks: Vec<u32> = first.iter().map(|t| t.rank).collect();
    assert_eq!(ranks, (1..=43).collect::<Vec<_>>());
    assert!(
        first
            .iter()
            .all(|t| t.inspectors.len() == 2 && t.inspectors[0] < t.inspectors[1])
    );
}

/// Over 10,000 draws each enterprise is drawn with its tier's probability: its count is
/// binomial(10,000, p), and every one of the 400 lies within 4.5 standard deviations of the
/// mean (a false alarm has odds of about 1 in 370 over all 400). Within a tier, a chi-squared
/// test of the counts against the uniform split stays under the 99.9 % quantile. Every draw
/// deals the inspectors evenly: no one has more than one task above anyone else.
#[test]
fn over_ten_thousand_draws_each_enterprise_is_drawn_at_its_tiers_ratio() {
    let inputs = inputs();
    let draws = 10_000_u32;
    let mut counts: BTreeMap<i64, u32> = BTreeMap::new();
    let mut inspector_totals: BTreeMap<i64, u32> = BTreeMap::new();
    for n in 0..draws {
        let mut s = [0_u8; 32];
        s[..4].copy_from_slice(&n.to_be_bytes());
        let tasks = draw(&inputs, &s).unwrap();
        let mut load: BTreeMap<i64, u32> = inputs.inspectors.iter().map(|i| (*i, 0)).collect();
        for task in &tasks {
            *counts.entry(task.enterprise_id).or_default() += 1;
            for i in &task.inspectors {
                *load.get_mut(i).unwrap() += 1;
            }
        }
        let (min, max) = (load.values().min().unwrap(), load.values().max().unwrap());
        assert!(
            max - min <= 1,
            "draw {n}: inspectors dealt unevenly {load:?}"
        );
        for (i, c) in load {
            *inspector_totals.entry(i).or_default() += c;
        }
    }
    for (tier_index, tier) in [CreditTier::A, CreditTier::B, CreditTier::C, CreditTier::D]
        .into_iter()
        .enumerate()
    {
        let p = f64::from(inputs.ratios.of(tier)) / 10_000.0;
        let mean = f64::from(draws) * p;
        let sd = (mean * (1.0 - p)).sqrt();
        let ids = (tier_index as i64 * 100 + 1)..=(tier_index as i64 * 100 + 100);
        let mut chi2 = 0.0;
        for id in ids {
            let got = f64::from(counts.get(&id).copied().unwrap_or(0));
            assert!(
                (got - mean).abs() <= 4.5 * sd,
                "enterprise {id} (tier {tier:?}) drawn {got} times, expected {mean} ± {sd:.1}"
            );
            chi2 += (got - mean).powi(2) / mean;
        }
        // The 99.9 % quantile of chi-squared with 99 degrees of freedom is 148.2.
        assert!(
            chi2 < 148.2,
            "tier {tier:?}: chi-squared {chi2:.1} over 99 degrees of freedom"
        );
    }
    let totals: Vec<u32> = inspector_totals.values().copied().collect();
    let spread = totals.iter().max().unwrap() - totals.iter().min().unwrap();
    assert!(spread <= draws, "inspectors' totals {totals:?}");
}

#[test]
fn an_excluded_inspector_never_meets_the_enterprise_and_too_few_is_refused() {
    let mut inputs = inputs();
    // Enterprise 350 (tier D) may meet only inspectors 1019 and 1020.
    for i in 1001..=1018 {
        inputs.exclusions.insert((350, i));
    }
    for n in 0..200_u8 {
        for task in draw(&inputs, &seed(n)).unwrap() {
            if task.enterprise_id == 350 {
                assert_eq!(task.inspectors, vec![1019, 1020]);
            }
            assert!(
                task.inspectors
                    .iter()
                    .all(|i| !inputs.exclusions.contains(&(task.enterprise_id, *i)))
            );
        }
    }
    inputs.exclusions.insert((350, 1019));
    inputs.ratios.d = 10_000;
    assert_eq!(
        draw(&inputs, &seed(1)),
        Err(Unstaffed {
            enterprise_id: 350,
            eligible: 1
        })
    );
}

#[test]
fn working_days_skip_weekends() {
    let friday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    assert_eq!(
        add_working_days(friday, 1),
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    );
    assert_eq!(
        add_working_days(friday, 20),
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
    );
}

//! Stamp benchmarks: `cargo bench -p reports --bench stamp_sheet`.
//! - `serials/generate_1m`: 1,000,000 serials from the CSPRNG (target: well under 1 s);
//! - `serials/issue_1m`: the same plus each one's Digital Link URI and hidden code, i.e. the
//!   pure part of issuing an order of 1,000,000 anti-counterfeit stamps;
//! - `sheet/pdf_10k`: a print-ready PDF of 10,000 anti-counterfeit stamps (target: under 5 s).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use registry::stamps::{
    HiddenCodeKey, HiddenCodeKeyRing, SerialGenerator, StampLinkBase, generate_serials,
};
use reports::stamps::{SheetHeader, SheetKind, SheetLayout, StampLabel, write_sheet};

fn keys() -> HiddenCodeKeyRing {
    HiddenCodeKeyRing::new(1, [(1, HiddenCodeKey::generate(&mut rand::rng()))]).expect("keys")
}

fn link() -> StampLinkBase {
    StampLinkBase::new("trace.example.gov.cn", "09506000134352", Some("L2026-07")).expect("link")
}

fn serials(c: &mut Criterion) {
    let mut group = c.benchmark_group("serials");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("generate_1m", |b| {
        b.iter(|| black_box(generate_serials(1_000_000)));
    });
    let (keys, link) = (keys(), link());
    group.bench_function("issue_1m", |b| {
        b.iter(|| {
            let stamps: Vec<_> = SerialGenerator::from_thread_rng()
                .take(1_000_000)
                .map(|s| (s, link.uri(&s), keys.issue(&s)))
                .collect();
            black_box(stamps)
        });
    });
    group.finish();
}

fn sheet(c: &mut Criterion) {
    let (keys, link) = (keys(), link());
    let labels: Vec<StampLabel> = generate_serials(10_000)
        .into_iter()
        .map(|s| StampLabel {
            serial: s.to_string(),
            uri: link.uri(&s),
            hidden_code: Some(keys.issue(&s).1.to_string()),
        })
        .collect();
    let header = SheetHeader {
        order_id: "SO-BENCH".into(),
        product: "Green tea 250 g".into(),
    };
    let mut group = c.benchmark_group("sheet");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("pdf_10k", |b| {
        b.iter(|| {
            let pdf = write_sheet(
                Vec::with_capacity(16 << 20),
                &SheetLayout::default(),
                SheetKind::AntiCounterfeit,
                &header,
                10_000,
                labels.iter().cloned(),
            )
            .expect("sheet");
            black_box(pdf.len())
        });
    });
    group.finish();
}

criterion_group!(benches, serials, sheet);
criterion_main!(benches);

//! Writes a sample stamp sheet: `cargo run -p reports --release --example stamp_sheet -- OUT.pdf
//! [COUNT] [qr|anti]`. Streams, so `/usr/bin/time -v` shows the memory of a big order.

use std::io::BufWriter;

use registry::stamps::{HiddenCodeKey, HiddenCodeKeyRing, SerialGenerator, StampLinkBase};
use reports::stamps::{SheetHeader, SheetKind, SheetLayout, StampLabel, write_sheet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "stamps.pdf".into());
    let count: u64 = args.next().map_or(Ok(100), |n| n.parse())?;
    let kind = match args.next().as_deref() {
        Some("anti") => SheetKind::AntiCounterfeit,
        _ => SheetKind::Qr,
    };
    let keys = HiddenCodeKeyRing::new(1, [(1, HiddenCodeKey::generate(&mut rand::rng()))])?;
    let link = StampLinkBase::new("trace.example.gov.cn", "09506000134352", Some("L2026-07"))?;
    let header = SheetHeader {
        order_id: "SO-2026-000042".into(),
        product: "Organic green tea 250 g (GTIN 09506000134352)".into(),
    };
    let labels = SerialGenerator::from_thread_rng()
        .take(usize::try_from(count)?)
        .map(|serial| StampLabel {
            serial: serial.to_string(),
            uri: link.uri(&serial),
            hidden_code: Some(keys.issue(&serial).1.to_string()),
        });
    let out = BufWriter::new(std::fs::File::create(&path)?);
    let started = std::time::Instant::now();
    write_sheet(out, &SheetLayout::default(), kind, &header, count, labels)?;
    eprintln!("{count} stamps -> {path} in {:.2?}", started.elapsed());
    Ok(())
}

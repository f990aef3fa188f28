//! The benchmark's files, one writer per adapter, each of `records` records in the adapter's
//! format (its README), valid and under the rules, so that every record is written: what a
//! regulator system's monthly export of a province looks like, at size.

use std::io::{self, Write};

use super::world::Party;

/// The parties a file speaks of: the sender's subject first, then its trading partners.
pub(super) struct Parties<'a> {
    pub main: &'a Party,
    pub others: &'a [Party],
}

/// The month a rare-earth report covers (`YYYY-MM`): the one before now, so that it is on time.
pub(super) type Period = String;

/// Writes the file of `adapter`: records are grouped per lot, code or batch, the last group cut
/// short to give exactly `records` records (besides a header or a root element).
pub(super) fn write(
    adapter: &str,
    out: &mut dyn Write,
    p: &Parties<'_>,
    records: u64,
    period: &Period,
) -> io::Result<()> {
    match adapter {
        "drugs" => drugs(out, p, records),
        "agri" => agri(out, p, records),
        "food" => food(out, p, records),
        "special-equipment" => special_equipment(out, p, records),
        "rare-earth" => rare_earth(out, p, records, period),
        other => Err(io::Error::other(format!("no adapter {other}"))),
    }
}

/// Writes `records` lines, `group` giving the lines of group `i`.
fn groups(
    out: &mut dyn Write,
    records: u64,
    mut group: impl FnMut(u64) -> Vec<String>,
) -> io::Result<()> {
    let mut written = 0;
    let mut i = 0;
    while written < records {
        for line in group(i) {
            if written == records {
                break;
            }
            writeln!(out, "{line}")?;
            written += 1;
        }
        i += 1;
    }
    Ok(())
}

/// Nine in ten records commission a 20-digit code, one in ten dispenses one commissioned earlier.
fn drugs(out: &mut dyn Write, p: &Parties<'_>, records: u64) -> io::Result<()> {
    let (gln, gtin) = (&p.main.gln, &p.main.gtins[0]);
    let drug_id = format!("86{}", &p.main.prefix[2..7]);
    writeln!(
        out,
        "record,event_time,site_gln,code,batch,expiry,drug_id,gtin,name,approval_number"
    )?;
    writeln!(
        out,
        "product,,,,,,{drug_id},{gtin},基准胶囊,国药准字H41099999"
    )?;
    let code = |i: u64| format!("{drug_id}{i:09}0000");
    groups(out, records, |i| {
        vec![if i % 10 == 9 {
            format!("dispense,2026-11-20 10:00:00,{gln},{},,,,,,", code(i - 5))
        } else {
            format!(
                "commission,2026-11-02 08:00:00,{gln},{},B2611,2028-10-31,,,,",
                code(i)
            )
        }]
    })
}

/// Per lot of a dairy farm: its herd, the feed used, the harvest, a passed residue test and the
/// shipment to the formula factory.
fn agri(out: &mut dyn Write, p: &Parties<'_>, records: u64) -> io::Result<()> {
    let (gln, gtin, buyer) = (&p.main.gln, &p.main.gtins[0], &p.others[0].gln);
    writeln!(
        out,
        "record,date,site_gln,lot,gtin,crop,input_type,input_name,registration_number,\
         withdrawal_days,quantity,unit,partner_gln,result,report_number"
    )?;
    groups(out, records, |i| {
        let lot = format!("RM{i:09}");
        vec![
            format!("plant,2026-09-01,{gln},{lot},,荷斯坦奶牛群,,,,,,,,,"),
            format!("input,2026-10-20,{gln},{lot},,,feed,全混合日粮 TMR,豫饲证(2024)07011,0,,,,,"),
            format!("harvest,2026-11-02,{gln},{lot},{gtin},,,,,,12000,KGM,,,"),
            format!("residue_test,2026-11-02,{gln},{lot},{gtin},,,,,,,,,pass,豫农检R-{i}"),
            format!("ship,2026-11-03,{gln},{lot},{gtin},,,,,,12000,KGM,{buyer},,"),
        ]
    })
}

/// Per infant-formula batch: made from a raw-milk lot, its certificate of analysis, packed
/// into cans, shipped.
fn food(out: &mut dyn Write, p: &Parties<'_>, records: u64) -> io::Result<()> {
    let (gln, formula, cans) = (&p.main.gln, &p.main.gtins[0], &p.main.gtins[1]);
    let (raw, buyer) = (&p.others[0].gtins[0], &p.others[1].gln);
    writeln!(
        out,
        "record,date,site_gln,gtin,lot,quantity,unit,inputs,params,product_type,result,\
         report_number,partner_gln"
    )?;
    groups(out, records, |i| {
        let lot = format!("IF{i:09}");
        vec![
            format!(
                "batch,2026-11-05,{gln},{formula},{lot},9500,KGM,{raw}/RM2611,\
                 杀菌温度=85°C;时间=15s,infant_formula,,,"
            ),
            format!("coa,2026-11-07,{gln},{formula},{lot},,,,,,pass,郑食检F-{i},"),
            format!("pack,2026-11-08,{gln},{cans},{lot}-C,10500,H87,{formula}/{lot},,,,,"),
            format!("ship,2026-11-10,{gln},{cans},{lot}-C,4800,H87,,,,,,{buyer}"),
        ]
    })
}

/// Per gas cylinder: made, inspected, registered to a filler, filled twice.
fn special_equipment(out: &mut dyn Write, p: &Parties<'_>, records: u64) -> io::Result<()> {
    let maker = p.main;
    let (inspector, filler) = (&p.others[0], &p.others[1]);
    // The 5-digit manufacturer code is the run's tag; 99,999 cylinders per year of make.
    let tag = &maker.prefix[2..7];
    groups(out, records, |i| {
        let code = format!("2310{tag}{:04}{:05}", 1950 + i / 99_999, i % 99_999 + 1);
        let head = |kind: &str| format!(r#""record":"{kind}","code":"{code}""#);
        vec![
            format!(
                r#"{{{},"at":"2026-03-02 09:00:00","company":"{}","site_gln":"{}","gs1_prefix":"{}","model":"CNG2-G-325-80-20A 钢质无缝气瓶"}}"#,
                head("manufacture"),
                maker.credit_code,
                maker.gln,
                maker.prefix
            ),
            format!(
                r#"{{{},"at":"2026-03-05 14:00:00","company":"{}","site_gln":"{}","passed":true,"report_number":"豫特检QP-{i}","next_due":"2030-03-01"}}"#,
                head("inspect"),
                inspector.credit_code,
                inspector.gln
            ),
            format!(
                r#"{{{},"at":"2026-03-10 09:00:00","company":"{}","site_gln":"{}"}}"#,
                head("register_filler"),
                filler.credit_code,
                filler.gln
            ),
            format!(
                r#"{{{},"at":"2026-11-02 08:30:00","company":"{}","site_gln":"{}","medium":"液化石油气"}}"#,
                head("fill"),
                filler.credit_code,
                filler.gln
            ),
            format!(
                r#"{{{},"at":"2026-11-20 08:30:00","company":"{}","site_gln":"{}","medium":"液化石油气"}}"#,
                head("fill"),
                filler.credit_code,
                filler.gln
            ),
        ]
    })
}

/// One month's report of a designated mine: its opening stock, then each day's output of a
/// lot and its shipment to the smelter, in balance.
fn rare_earth(
    out: &mut dyn Write,
    p: &Parties<'_>,
    records: u64,
    period: &Period,
) -> io::Result<()> {
    let (mine, smelter) = (p.main, &p.others[0]);
    let gtin = &mine.gtins[0];
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<flowReport xmlns="urn:tracehub:rare-earth:flow:1" period="{period}" stage="mining" enterprise="{}" site="{}">"#,
        mine.credit_code, mine.gln
    )?;
    writeln!(
        out,
        r#"  <opening gtin="{gtin}" lot="OPEN" quantityKg="8000" reoPercent="92.0"/>"#
    )?;
    groups(out, records.saturating_sub(1), |i| {
        let lot = format!("C{i:09}");
        let flow = |kind: &str, day: u64, to: &str| {
            format!(
                r#"  <{kind} date="{period}-{day:02}" gtin="{gtin}" lot="{lot}" quantityKg="600" reoPercent="92.0"{to}/>"#
            )
        };
        let day = 1 + i % 28;
        vec![
            flow("output", day, ""),
            flow("shipment", day, &format!(r#" to="{}""#, smelter.gln)),
        ]
    })?;
    writeln!(out, "</flowReport>")
}

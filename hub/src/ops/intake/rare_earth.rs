//! Rare-earth reports stored: the flows as EPCIS events, the month's totals filed once the
//! whole report is read, when the registry's rules (designation, mass balance, quota, lateness)
//! run (`registry::intake::rare_earth`).

use adapters::regulators::rare_earth::{
    self, FlowKind, RareEarthRecord, RareEarthRecordKind, Report,
};
use chrono::NaiveDateTime;
use registry::db::DbConn;
use registry::enterprises::LineError;
use registry::error::Code;
use registry::intake::rare_earth::{self as state, MonthlyReport, Totals};

use super::{Applied, Stored};

/// The report being read.
#[derive(Debug, Default)]
pub(super) struct Remembered {
    current: Option<Current>,
}

#[derive(Debug)]
struct Current {
    report: Report,
    enterprise_id: i64,
    region_code: String,
    company_prefix: String,
    totals: Totals,
}

/// Stores one record of a report (see [`Applied::record`]).
pub(super) fn store(
    conn: &mut DbConn,
    applied: &mut Applied,
    record: &RareEarthRecord,
) -> registry::Result<Result<Stored, LineError>> {
    let line = record.line;
    let remembered = &mut applied.rare_earth;
    match &record.kind {
        RareEarthRecordKind::Report(report) => {
            let Some((id, region, prefix)) =
                state::enterprise_by_credit_code(conn, &report.enterprise)?
            else {
                return Ok(Err(LineError::new(
                    line,
                    "enterprise",
                    Code::UnknownEnterprise,
                    format!(
                        "no registered enterprise has credit code {}",
                        report.enterprise
                    ),
                )));
            };
            remembered.current = Some(Current {
                report: report.clone(),
                enterprise_id: id,
                region_code: region,
                company_prefix: prefix.unwrap_or_default(),
                totals: Totals::default(),
            });
            Ok(Ok((line, Vec::new(), 0)))
        }
        RareEarthRecordKind::Flow(flow) => {
            let Some(current) = remembered.current.as_mut() else {
                return Ok(Err(LineError::new(
                    line,
                    "",
                    Code::UnknownEnterprise,
                    "the report's enterprise is not registered: its flows cannot be kept",
                )));
            };
            let reo = flow.reo_kg();
            let totals = &mut current.totals;
            match flow.kind {
                FlowKind::Opening => totals.opening += reo,
                FlowKind::Input => totals.input += reo,
                FlowKind::Output => totals.output += reo,
                FlowKind::Shipment if flow.is_export() => totals.exported += reo,
                FlowKind::Shipment => totals.shipped += reo,
            }
            Ok(Ok((line, rare_earth::events(&current.report, flow), 0)))
        }
    }
}

/// Files the report read, once all its flows are; the alerts raised.
pub(super) fn finish(
    conn: &mut DbConn,
    now: NaiveDateTime,
    applied: &mut Applied,
    tolerance_percent: f64,
) -> registry::Result<i64> {
    let Some(current) = applied.rare_earth.current.take() else {
        return Ok(0);
    };
    let report = MonthlyReport {
        delivery_id: applied.delivery_id,
        enterprise_id: current.enterprise_id,
        region_code: &current.region_code,
        company_prefix: &current.company_prefix,
        period: current.report.period,
        stage: current.report.stage.as_str(),
        totals: current.totals,
    };
    state::file_report(conn, now, &report, tolerance_percent)
}

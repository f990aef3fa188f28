//! Bulk import of enterprises from CSV, shared by `hub import enterprises`, the API and the
//! benchmark: one transaction for the whole file; the import is audited once, with the file's
//! SHA-256 and the counts (each enterprise has its own `enterprise.import` history entry in the
//! same transaction, so one audit row binds the whole file into the chain without 100,000
//! chain appends).

use std::io::Read;

use adapters::enterprise_csv::{self, HeaderError};
use registry::RegistryError;
use registry::enterprises::{ImportReport, Importer};
use sha2::{Digest, Sha256};

use super::{Caller, Change, audited_as};
use crate::app::Core;

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The header row is unusable.
    #[error("header: {0}")]
    Header(HeaderError),
    /// Bad lines in an all-or-nothing import: the report lists them.
    #[error("{} bad lines; nothing was written", .0.errors.len())]
    Rejected(ImportReport),
    /// The registry refused (the actor may not import) or failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

impl From<diesel::result::Error> for ImportFailure {
    fn from(e: diesel::result::Error) -> Self {
        ImportFailure::Registry(e.into())
    }
}

/// Hashes what passes through.
struct Hashing<'a, R> {
    inner: R,
    hasher: &'a mut Sha256,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Imports the CSV in `reader` as the caller (see `registry::enterprises::Importer`),
/// audited once as `enterprise.import`.
pub fn import_enterprises<R: Read>(
    core: &Core,
    caller: &Caller,
    reader: R,
    skip_bad: bool,
) -> Result<ImportReport, ImportFailure> {
    audited_as(core, caller, "enterprise.import", |conn, now, actor| {
        let mut hasher = Sha256::new();
        let records = enterprise_csv::read(Hashing {
            inner: reader,
            hasher: &mut hasher,
        })
        .map_err(ImportFailure::Header)?;
        let mut importer = Importer::begin(conn, now, actor, skip_bad)?;
        for record in records {
            importer.add(conn, record)?;
        }
        let report = importer.finish(conn)?;
        if !report.errors.is_empty() && !skip_bad {
            return Err(ImportFailure::Rejected(report));
        }
        if !report.written {
            return Ok(Change::unwritten(report));
        }
        let sha256 = hex::encode(hasher.finalize());
        let skipped: Vec<u64> = report.errors.iter().map(|e| e.line).take(100).collect();
        let detail = serde_json::json!({ "sha256": sha256, "lines": report.lines, "imported": report.imported, "skipped": report.errors.len(), "skipped_lines": skipped, "skip_bad": skip_bad });
        let target = format!("import:{}", &sha256[..16]);
        Ok(Change::recorded(report, target, detail))
    })
}

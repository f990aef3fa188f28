//! `hub bench ledger`: the evidence ledger at size, in a scratch database (the real ledger is
//! append-only, so the benchmark never touches the configured one). Appends `--single` leaves
//! one transaction each (the upload path's cost), then the rest up to `--leaves` in
//! transactions of `--batch` (`registry::ledger::append_all`), signs a head with a throwaway
//! key, then times inclusion and consistency proofs at the full size for random leaves and
//! sizes, each checked with RFC 9162's verification, and the whole-log check of
//! `hub ledger verify`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use registry::db::Backend;
use registry::ledger::{self, LeafInput, LeafKind, tree};

use super::search::scratch;
use crate::signing::LedgerKey;

/// What `hub bench ledger` is asked.
#[derive(Debug, Clone, Copy)]
pub(super) struct LedgerBench {
    pub leaves: u64,
    pub single: u64,
    pub batch: usize,
    pub proofs: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn hashes(path: &[String]) -> anyhow::Result<Vec<tree::Hash>> {
    Ok(path
        .iter()
        .map(|p| ledger::parse_hash(p, "path"))
        .collect::<Result<_, _>>()?)
}

pub(super) fn ledger_bench(postgres: Option<&str>, asked: LedgerBench) -> anyhow::Result<ExitCode> {
    let (_scratch, db) = scratch(postgres)?;
    let backend = db.backend();
    let filer = "91410102000000000X 基准企业";
    let content = |i: u64| registry::secret::sha256_hex(&i.to_be_bytes());
    let total = asked.leaves.max(1);
    let single = asked.single.min(total);

    let started = Instant::now();
    for i in 0..single {
        let hash = content(i);
        let input = LeafInput {
            sha256: &hash,
            kind: LeafKind::Document,
            filed_by: filer,
        };
        db.transaction(|conn| ledger::append(conn, db.clock().now(), &input))?;
    }
    let took = started.elapsed().as_secs_f64();
    if single > 0 {
        println!(
            "append, one transaction per leaf: {single} leaves in {took:.2} s ({:.0} leaves/s) on {}",
            single as f64 / took.max(1e-9),
            backend.as_str()
        );
    }

    let started = Instant::now();
    let mut next = single;
    while next < total {
        let end = (next + asked.batch.max(1) as u64).min(total);
        let batch: Vec<String> = (next..end).map(content).collect();
        let inputs: Vec<LeafInput<'_>> = batch
            .iter()
            .map(|sha256| LeafInput {
                sha256,
                kind: LeafKind::Document,
                filed_by: filer,
            })
            .collect();
        db.transaction(|conn| ledger::append_all(conn, db.clock().now(), &inputs))?;
        next = end;
    }
    let took = started.elapsed().as_secs_f64();
    if total > single {
        println!(
            "append, {} leaves a transaction: {} leaves in {took:.2} s ({:.0} leaves/s)",
            asked.batch,
            total - single,
            (total - single) as f64 / took.max(1e-9)
        );
    }
    if backend == Backend::Postgres {
        db.analyze()?;
    }

    let key = LedgerKey::generate()?;
    let started = Instant::now();
    let head = db.transaction(|conn| {
        let Some(head) = ledger::next_head(conn, db.clock().now())? else {
            anyhow::bail!("nothing to sign");
        };
        let signature = key.sign(&head.signed_bytes())?;
        Ok(ledger::store_head(conn, &head, key.key_id(), &signature)?)
    })?;
    println!(
        "signed tree head of {} leaves in {:.1} ms, root {}",
        head.tree_size,
        started.elapsed().as_secs_f64() * 1e3,
        head.root_hash
    );

    let n = u64::try_from(head.tree_size).unwrap_or(0);
    let root = head.root()?;
    let mut conn = db.conn()?;
    let (mut times, mut sizes) = (Vec::new(), Vec::new());
    for _ in 0..asked.proofs {
        let m = rand::random_range(0..n);
        let started = Instant::now();
        let proof = ledger::inclusion_proof(&mut conn, i64::try_from(m)?, head.tree_size)?;
        times.push(started.elapsed());
        let path = hashes(&proof.audit_path)?;
        let leaf = ledger::parse_hash(&proof.leaf_hash, "leaf")?;
        anyhow::ensure!(
            tree::verify_inclusion(&leaf, m, n, &path, &root),
            "the inclusion proof of leaf {m} does not verify"
        );
        sizes.push(path.len());
    }
    times.sort();
    sizes.sort_unstable();
    println!(
        "inclusion proof at {n} leaves: median {:.3} ms, p99 {:.3} ms, max {:.3} ms over {} random leaves; {} to {} hashes ({} to {} bytes), all verified",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
        times.len(),
        sizes.first().unwrap_or(&0),
        sizes.last().unwrap_or(&0),
        sizes.first().unwrap_or(&0) * 32,
        sizes.last().unwrap_or(&0) * 32,
    );

    let (mut times, mut sizes) = (Vec::new(), Vec::new());
    for _ in 0..asked.proofs {
        let m = rand::random_range(1..=n);
        let started = Instant::now();
        let proof = ledger::consistency_proof(&mut conn, i64::try_from(m)?, head.tree_size)?;
        times.push(started.elapsed());
        let path = hashes(&proof.consistency_path)?;
        let first = ledger::parse_hash(&proof.first_root, "first_root")?;
        anyhow::ensure!(
            tree::verify_consistency(m, n, &first, &root, &path),
            "the consistency proof from {m} does not verify"
        );
        sizes.push(path.len());
    }
    times.sort();
    sizes.sort_unstable();
    println!(
        "consistency proof to {n} leaves: median {:.3} ms, p99 {:.3} ms, max {:.3} ms over {} random first sizes; {} to {} hashes ({} to {} bytes), all verified",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
        times.len(),
        sizes.first().unwrap_or(&0),
        sizes.last().unwrap_or(&0),
        sizes.first().unwrap_or(&0) * 32,
        sizes.last().unwrap_or(&0) * 32,
    );

    // `hub ledger verify` at this size: every leaf, node and head recomputed.
    let started = Instant::now();
    let report = ledger::check_log(&mut conn, &mut |head| {
        let bytes = head.signed_bytes().map_err(|e| e.to_string())?;
        if key.verify(&bytes, &head.signature_bytes()) {
            Ok(())
        } else {
            Err("bad signature".into())
        }
    })?;
    anyhow::ensure!(
        report.intact(),
        "the log does not check out: {:?}",
        report.problems
    );
    println!(
        "whole-log check (hub ledger verify): {} leaves, {} nodes, {} heads in {:.2} s",
        report.leaves,
        report.nodes,
        report.heads,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

//! Where document bytes live: content-addressed by SHA-256, in the database (`document_blobs`)
//! or in a directory (one file per content, named by its hash).
//!
//! An upload is first *staged*: streamed, hashed and counted against the size limit, in memory
//! for the database or into a temporary file inside the directory. Nothing is referenced yet;
//! a staged upload that is dropped (refused, failed) leaves nothing behind. *Placing* it, in the
//! transaction that inserts the document row, writes the blob row (once per content), or links
//! the temporary file to its final name: `link` fails rather than replace an existing file, so
//! a stored file is never overwritten, and an identical content already there is kept as is.
//! A transaction that fails after placing may leave an unreferenced file (harmless: the same
//! content placed later reuses it); a committed row never points at a missing file.

use std::io::Write;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::schema::document_blobs;

/// Where new documents go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    /// In the database, table `document_blobs`.
    Database,
    /// Files in a directory.
    Directory,
}

impl Storage {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Storage::Database => "database",
            Storage::Directory => "directory",
        }
    }

    /// Reads a stored name.
    pub fn from_stored(s: &str) -> Result<Self> {
        match s {
            "database" => Ok(Storage::Database),
            "directory" => Ok(Storage::Directory),
            other => Err(RegistryError::Config(format!("stored storage {other:?}"))),
        }
    }
}

/// The document store: where new documents go, and the directory files are read from (whatever
/// the current choice: documents stored in a directory earlier stay there).
#[derive(Debug, Clone)]
pub struct DocumentStore {
    pub storage: Storage,
    pub directory: PathBuf,
    /// Largest document accepted, in bytes.
    pub max_bytes: u64,
}

/// Staging failed: too large, or the disk refused.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("the document exceeds {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("cannot write the document: {0}")]
    Io(#[from] std::io::Error),
}

enum Body {
    Memory(Vec<u8>),
    File(tempfile::NamedTempFile),
}

/// An upload being received: bytes are hashed and counted as they arrive.
pub struct Stager {
    hasher: Sha256,
    size: u64,
    limit: u64,
    body: Body,
}

impl std::fmt::Debug for Stager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stager({} bytes)", self.size)
    }
}

/// A complete upload, hashed, not yet referenced by anything.
pub struct Staged {
    sha256: String,
    size: u64,
    body: Body,
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Staged({} bytes, {})", self.size, self.sha256)
    }
}

impl Staged {
    /// The content's SHA-256, lower-case hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The content's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl DocumentStore {
    /// Starts receiving an upload.
    pub fn stage(&self) -> Result<Stager, StageError> {
        let body = match self.storage {
            Storage::Database => Body::Memory(Vec::new()),
            Storage::Directory => {
                std::fs::create_dir_all(&self.directory)?;
                Body::File(
                    tempfile::Builder::new()
                        .prefix(".upload-")
                        .tempfile_in(&self.directory)?,
                )
            }
        };
        Ok(Stager {
            hasher: Sha256::new(),
            size: 0,
            limit: self.max_bytes,
            body,
        })
    }

    /// The final path of a content in the directory: `DIR/ab/abcdef...`.
    fn path_of(&self, sha256: &str) -> PathBuf {
        self.directory.join(&sha256[..2]).join(sha256)
    }

    /// Makes a staged upload durable under its hash, in the caller's transaction. Returns
    /// where it went.
    pub fn place(&self, conn: &mut DbConn, staged: Staged) -> Result<Storage> {
        match staged.body {
            Body::Memory(bytes) => {
                let exists: i64 = document_blobs::table
                    .find(&staged.sha256)
                    .count()
                    .get_result(conn)?;
                if exists == 0 {
                    diesel::insert_into(document_blobs::table)
                        .values((
                            document_blobs::sha256.eq(&staged.sha256),
                            document_blobs::size_bytes.eq(size_i64(staged.size)?),
                            document_blobs::content.eq(bytes),
                        ))
                        .execute(conn)?;
                }
                Ok(Storage::Database)
            }
            Body::File(file) => {
                let target = self.path_of(&staged.sha256);
                link_once(file.path(), &target).map_err(|e| {
                    RegistryError::Config(format!("cannot store {}: {e}", target.display()))
                })?;
                Ok(Storage::Directory)
            }
        }
    }

    /// The bytes of a stored content. Files are checked against their name (the hash), so an
    /// edit outside the hub is caught.
    pub fn read(&self, conn: &mut DbConn, storage: Storage, sha256: &str) -> Result<Vec<u8>> {
        match storage {
            Storage::Database => Ok(document_blobs::table
                .find(sha256)
                .select(document_blobs::content)
                .first::<Vec<u8>>(conn)?),
            Storage::Directory => {
                let path = self.path_of(sha256);
                let bytes = std::fs::read(&path).map_err(|e| {
                    RegistryError::Config(format!("cannot read {}: {e}", path.display()))
                })?;
                if hex::encode(Sha256::digest(&bytes)) != sha256 {
                    return Err(RegistryError::Config(format!(
                        "{} does not match its hash: changed outside the hub",
                        path.display()
                    )));
                }
                Ok(bytes)
            }
        }
    }
}

fn size_i64(size: u64) -> Result<i64> {
    i64::try_from(size).map_err(|_| RegistryError::Config("document size out of range".into()))
}

/// Links `staged` to `target` unless `target` exists (same name, same content); makes the new
/// name durable.
fn link_once(staged: &Path, target: &Path) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    match std::fs::hard_link(staged, target) {
        Ok(()) => std::fs::File::open(dir)?.sync_all(),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

impl Stager {
    /// Adds a chunk; fails once the total passes the limit.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), StageError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(StageError::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        match &mut self.body {
            Body::Memory(bytes) => bytes.extend_from_slice(chunk),
            Body::File(file) => file.write_all(chunk)?,
        }
        Ok(())
    }

    /// Ends the upload: the content is hashed and (for files) flushed to disk.
    pub fn finish(self) -> Result<Staged, StageError> {
        if let Body::File(file) = &self.body {
            file.as_file().sync_all()?;
        }
        Ok(Staged {
            sha256: hex::encode(self.hasher.finalize()),
            size: self.size,
            body: self.body,
        })
    }
}

//! Line numbers of positions in a stream, for errors that name the line of a record.

use std::collections::VecDeque;
use std::io::Read;

/// Passes bytes through, remembering where line terminators are, so that a record's first line
/// can be told exactly (the CSV reader's own position counts from before the blank lines it
/// skips). Only the terminators ahead of the current record are kept: memory stays bounded.
pub(crate) struct LineCounter<R> {
    inner: R,
    offset: u64,
    terminators: VecDeque<(u64, u8)>,
    newlines_passed: u64,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' || *b == b'\r' {
                self.terminators.push_back((self.offset + i as u64, *b));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            terminators: VecDeque::new(),
            newlines_passed: 0,
        }
    }

    /// The line (from 1) of the first content byte at or after byte `start` (asked in
    /// increasing order).
    pub(crate) fn line_from(&mut self, start: u64) -> u64 {
        let mut at = start;
        loop {
            while let Some(&(offset, byte)) = self.terminators.front() {
                if offset >= at {
                    break;
                }
                self.newlines_passed += u64::from(byte == b'\n');
                self.terminators.pop_front();
            }
            match self.terminators.front() {
                Some(&(offset, _)) if offset == at => at += 1,
                _ => return self.newlines_passed + 1,
            }
        }
    }
}

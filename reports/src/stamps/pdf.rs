//! A minimal streaming PDF 1.4 writer: numbered objects written as they come, their byte
//! offsets kept (8 bytes per object) for the cross-reference table at the end.
//!
//! Written here because printpdf and pdf-writer both hold the whole document in memory, and a
//! sheet of a million stamps must stream.

use std::io::{self, Write};

/// Writes objects to `out`, counting bytes so every object's offset is known for the xref.
pub(crate) struct PdfOut<W> {
    out: W,
    offset: u64,
    /// `offsets[n]` is object n's byte offset; 0 for object 0 and objects not yet written.
    offsets: Vec<u64>,
    buf: Vec<u8>,
}

impl<W: Write> PdfOut<W> {
    /// Writes the header; `objects` is the number of objects the document will have (1-based
    /// numbers up to and including `objects`).
    pub(crate) fn new(mut out: W, objects: usize) -> io::Result<Self> {
        // The second line marks the file as binary for transfer tools.
        let header = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
        out.write_all(header)?;
        Ok(Self {
            out,
            offset: header.len() as u64,
            offsets: vec![0; objects + 1],
            buf: Vec::with_capacity(64 * 1024),
        })
    }

    fn begin(&mut self, id: usize) -> io::Result<()> {
        let slot = self
            .offsets
            .get_mut(id)
            .ok_or_else(|| io::Error::other(format!("PDF object {id} out of range")))?;
        *slot = self.offset;
        self.buf.clear();
        writeln!(self.buf, "{id} 0 obj")
    }

    fn end(&mut self) -> io::Result<()> {
        self.buf.extend_from_slice(b"\nendobj\n");
        self.out.write_all(&self.buf)?;
        self.offset += self.buf.len() as u64;
        Ok(())
    }

    /// Writes object `id` whose body (a dictionary, array, …) is `body`.
    pub(crate) fn object(&mut self, id: usize, body: &[u8]) -> io::Result<()> {
        self.begin(id)?;
        self.buf.extend_from_slice(body);
        self.end()
    }

    /// Writes object `id` as a stream of `data`, Flate-compressed when `compress`.
    pub(crate) fn stream(&mut self, id: usize, data: &[u8], compress: bool) -> io::Result<()> {
        self.begin(id)?;
        if compress {
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(data, 3);
            write!(
                self.buf,
                "<< /Length {} /Filter /FlateDecode >>\nstream\n",
                packed.len()
            )?;
            self.buf.extend_from_slice(&packed);
        } else {
            write!(self.buf, "<< /Length {} >>\nstream\n", data.len())?;
            self.buf.extend_from_slice(data);
        }
        self.buf.extend_from_slice(b"\nendstream");
        self.end()
    }

    /// Writes object `id` whose body is produced piecewise by `body` straight into the output
    /// (for large bodies such as the page tree's /Kids array).
    pub(crate) fn object_with(
        &mut self,
        id: usize,
        body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.begin(id)?;
        let mut counted = Counted {
            out: &mut self.out,
            n: 0,
        };
        counted.write_all(&self.buf)?;
        body(&mut counted)?;
        counted.write_all(b"\nendobj\n")?;
        self.offset += counted.n;
        Ok(())
    }

    /// Writes the xref table and trailer; every object must have been written.
    pub(crate) fn finish(mut self, root: usize, info: usize) -> io::Result<W> {
        if let Some(missing) = self.offsets.iter().skip(1).position(|&o| o == 0) {
            return Err(io::Error::other(format!(
                "PDF object {} was never written",
                missing + 1
            )));
        }
        let xref_at = self.offset;
        let mut w = io::BufWriter::with_capacity(64 * 1024, &mut self.out);
        write!(w, "xref\n0 {}\n0000000000 65535 f \n", self.offsets.len())?;
        for offset in &self.offsets[1..] {
            writeln!(w, "{offset:010} 00000 n ")?;
        }
        write!(
            w,
            "trailer\n<< /Size {} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            self.offsets.len()
        )?;
        w.flush()?;
        drop(w);
        self.out.flush()?;
        Ok(self.out)
    }
}

struct Counted<'a, W> {
    out: &'a mut W,
    n: u64,
}

impl<W: Write> Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Appends `text` as a PDF literal string in WinAnsiEncoding: parentheses and backslashes
/// escaped, characters outside the encoding (e.g. CJK, which the standard 14 fonts lack)
/// replaced by `?`.
pub(crate) fn push_text(out: &mut Vec<u8>, text: &str) {
    out.push(b'(');
    for c in text.chars() {
        let b = match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                c as u8
            }
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '\t' | '\n' | '\r' => b' ',
            _ => b'?',
        };
        out.push(b);
    }
    out.push(b')');
}

/// Number of glyphs [`push_text`] draws for `text` (for centring monospaced text).
pub(crate) fn glyph_count(text: &str) -> usize {
    text.chars().count()
}

/// Appends a number with at most 2 decimals and no trailing zeros (PDF content syntax).
pub(crate) fn push_num(out: &mut Vec<u8>, v: f64) {
    let v = (v * 100.0).round() / 100.0;
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{:.2}", if v == 0.0 { 0.0 } else { v });
    while out.last() == Some(&b'0') {
        out.pop();
    }
    if out.last() == Some(&b'.') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text() {
        let mut out = Vec::new();
        for v in [0.0, -0.001, 1.0, 12.5, 4.56789, -2.25, 100.0] {
            push_num(&mut out, v);
            out.push(b' ');
        }
        assert_eq!(out, b"0 0 1 12.5 4.57 -2.25 100 ");
        let mut out = Vec::new();
        push_text(&mut out, "a(b)\\c · 批次 é");
        assert_eq!(out, b"(a\\(b\\)\\\\c \xB7 ?? \xE9)");
    }
}

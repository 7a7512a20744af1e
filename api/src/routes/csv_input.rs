//! Reading CSV files the way both imports (leads, do-not-call numbers) do: a streaming parser
//! whose records know the line they start on, a guard against one endless record, blank-row
//! and UTF-8 checks, and the `region` parameter for numbers in national form.

use callwright_domain::FieldError;
use callwright_domain::new_lead::shown;
use csv_async::{AsyncReaderBuilder, ByteRecord};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// Longest one CSV record may be; a longer one refuses the upload (it would have to be held
/// whole in memory).
pub const MAX_RECORD_BYTES: u64 = 1024 * 1024;

/// A `region` parameter: empty is none, else a two-letter region code (upper-cased).
pub(super) fn region_code(raw: &str) -> Result<Option<String>, FieldError> {
    match raw.trim() {
        "" => Ok(None),
        r if r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Ok(Some(r.to_ascii_uppercase()))
        }
        r => Err(FieldError::new(
            "region",
            format!("'{}' is not a two-letter region code", shown(r)),
        )),
    }
}

/// The CSV bytes as the parser reads them. Fails the read once more than `max` bytes were
/// read past the end of the last complete record (`record_end`, kept up to date by the
/// caller): a single record never has to be held whole when it is larger than that. Ends the
/// input with a newline when the file does not, so every record ends with one (which the line
/// numbers rely on, see [`record_line`]) unless a quote left open runs to the end of the file.
pub(super) struct CsvInput<R> {
    inner: R,
    read: u64,
    last: Option<u8>,
    ended: bool,
    /// The parser has been told the file ended (a read that returned nothing): a record it
    /// returns after that was ended by the end of the file, not by a newline.
    eof_seen: bool,
    record_end: Arc<AtomicU64>,
    max: u64,
    tripped: Arc<AtomicBool>,
}

impl<R> CsvInput<R> {
    pub(super) fn new(inner: R, record_end: Arc<AtomicU64>, tripped: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            read: 0,
            last: None,
            ended: false,
            eof_seen: false,
            record_end,
            max: MAX_RECORD_BYTES,
            tripped,
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for CsvInput<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        if this.ended {
            this.eof_seen = true;
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let filled = &buf.filled()[before..];
                if filled.is_empty() && buf.remaining() > 0 {
                    // The end of the file.
                    this.ended = true;
                    if this.last.is_some_and(|b| b != b'\n') {
                        buf.put_slice(b"\n");
                    } else {
                        this.eof_seen = true;
                    }
                    return Poll::Ready(Ok(()));
                }
                this.last = filled.last().copied().or(this.last);
                this.read += filled.len() as u64;
                let pending = this
                    .read
                    .saturating_sub(this.record_end.load(Ordering::SeqCst));
                if pending > this.max {
                    this.tripped.store(true, Ordering::SeqCst);
                    return Poll::Ready(Err(io::Error::other("record too long")));
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

/// A CSV parser over `input`: no header handling (the caller reads the first record as the
/// header), any number of fields a record, and only `\n` ends a record (a `\r` before it is
/// trimmed with the rest of the field's white space).
pub(super) fn csv_reader<R: AsyncRead + Unpin + Send>(input: R) -> csv_async::AsyncReader<R> {
    AsyncReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv_async::Terminator::Any(b'\n'))
        .create_reader(input)
}

/// The line the record just read starts on. The parser counts the newlines it consumed and
/// ends a record on one (every record ends with one, see [`CsvInput`]), but it reports as the
/// record's position the count before any blank lines it skipped; so count back from the
/// end instead: the record spans its own newlines plus the one that ended it, if one did (a
/// quote left open runs to the end of the file, swallowing the last newline).
pub(super) fn record_line<R: AsyncRead + Unpin + Send>(
    csv: &csv_async::AsyncReader<CsvInput<R>>,
    record: &ByteRecord,
) -> u64 {
    let inside = record.as_slice().iter().filter(|b| **b == b'\n').count() as u64;
    let ended_by_newline = u64::from(!csv.get_ref().eof_seen);
    csv.position()
        .line()
        .saturating_sub(inside + ended_by_newline)
        .max(1)
}

/// Whether every field of the record is empty or white space (a blank spreadsheet row).
pub(super) fn is_blank(fields: &[&str]) -> bool {
    fields.iter().all(|f| f.trim().is_empty())
}

/// The record's fields as text, or the error of the first that is not UTF-8.
pub(super) fn utf8_fields(record: &ByteRecord) -> Result<Vec<&str>, std::str::Utf8Error> {
    record.iter().map(std::str::from_utf8).collect()
}

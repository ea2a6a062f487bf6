//! Reading files named by a person (imports, images): only regular files, never more than a
//! bound, and without blocking on a FIFO or reading a device without end.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroizing;

/// What a path names when it is not a regular file, for messages ("a folder", "a FIFO").
pub fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("FIFO (named pipe)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("device");
        }
        if kind.is_socket() {
            return Some("socket");
        }
    }
    Some("special file")
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// Not a regular file: what it is instead.
    NotAFile(&'static str),
    /// Larger than the limit (its size, or at least limit + 1 bytes when it grows).
    TooLarge(u64),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads the regular file at `path`, at most `limit` bytes, into a buffer wiped on drop.
///
/// The file is opened without blocking (a FIFO would otherwise wait for a writer), then checked
/// through the open handle, so a path swapped after a check cannot lead elsewhere. The read is
/// bounded whatever the size the file system reported.
pub fn read_regular(path: &Path, limit: u64) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    // Checked before opening too: opening some devices already does something.
    if let Some(kind) = special_kind(&std::fs::metadata(path)?) {
        return Err(ReadError::NotAFile(kind));
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file: File = options.open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = special_kind(&meta) {
        return Err(ReadError::NotAFile(kind));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len()));
    }
    // One allocation of the reported size (plus the byte that detects growth), so no copy of
    // the content is left behind in a freed, unwiped buffer.
    let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize + 1));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

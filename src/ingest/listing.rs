//! The entries of the input folder, looked at by type and size before anything is opened.
//!
//! Produces the list of files to read. A FIFO, socket or device is never opened (reading one
//! would hang or never end); an entry named like a data file that is not a regular file is an
//! error, so that a survey is never silently dropped. It reads no file contents.

use std::path::{Path, PathBuf};

use super::FileKind;
use crate::error::{Diagnostic, Error, Location, Result};

/// The most bytes of data files (CSV and workbooks) a run reads, all inputs together.
pub(super) const MAX_DATA_BYTES: u64 = 1 << 30;

/// One entry to read.
#[derive(Debug)]
pub(super) struct Entry {
    /// Path relative to the input folder, `/`-separated.
    pub(super) name: String,
    /// The full path.
    pub(super) path: PathBuf,
    /// What it is, by its name.
    pub(super) kind: FileKind,
    /// Its size, from the file system (0 when it cannot be looked at: reading it reports why).
    pub(super) bytes: u64,
}

/// The folder read, its entries sorted by name, and warnings about entries skipped.
pub(super) type Listing = (PathBuf, Vec<Entry>, Vec<Diagnostic>);

/// Lists the files to read under `input` (a folder, or a single file).
///
/// # Errors
/// [`Error::InputMissing`], [`Error::Io`] for a folder that cannot be listed,
/// [`Error::InputNotAFile`] for entries named like data that are not regular files, and
/// [`Error::InputTooLarge`] past [`MAX_DATA_BYTES`].
pub(super) fn list_inputs(input: &Path) -> Result<Listing> {
    let meta = std::fs::metadata(input).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::InputMissing(input.to_path_buf())
        } else {
            Error::io("read", input, e)
        }
    })?;
    let mut listing = Collected::default();
    let dir = if meta.is_dir() {
        collect(input, input, &mut listing)?;
        input.to_path_buf()
    } else {
        let name = crate::error::escape(&input.file_name().map_or_else(
            || input.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ));
        look_at(name, input.to_path_buf(), &meta, &mut listing);
        input.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    if !listing.errors.is_empty() {
        return Err(Error::from_list(listing.errors));
    }
    let data_bytes: u64 = listing
        .entries
        .iter()
        .filter(|e| e.kind != FileKind::Skipped)
        .map(|e| e.bytes)
        .sum();
    if data_bytes > MAX_DATA_BYTES {
        return Err(Error::InputTooLarge {
            place: format!("`{}`", input.display()),
            what: format!("holds {data_bytes} bytes of data files"),
            limit: format!("{MAX_DATA_BYTES} bytes"),
            hint: "split the input into several runs",
        });
    }
    listing.entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((dir, listing.entries, listing.diagnostics))
}

#[derive(Default)]
struct Collected {
    entries: Vec<Entry>,
    diagnostics: Vec<Diagnostic>,
    errors: Vec<Error>,
}

fn collect(root: &Path, dir: &Path, out: &mut Collected) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read folder", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read folder", dir, e))?;
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().into_owned();
        // Hidden files and editor lock files (`~$book.xlsx`, `.~lock.book.ods#`) are not inputs.
        if file_name.starts_with('.') || file_name.starts_with("~$") {
            continue;
        }
        // The name messages and the manifest show: a control character in a file name must
        // not reach the terminal.
        let name = crate::error::escape(
            &path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/"),
        );
        let file_type = entry.file_type().map_err(|e| Error::io("read", &path, e))?;
        if file_type.is_dir() {
            if super::kind_of(&name) == FileKind::Skipped {
                collect(root, &path, out)?;
            } else {
                out.errors.push(Error::InputNotAFile {
                    path: PathBuf::from(&name),
                    what: "a folder",
                });
            }
            continue;
        }
        // A symbolic link is looked at through its target; a dangling one is listed with no
        // size, and reading it reports why it cannot be opened.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => out.diagnostics.push(Diagnostic::warning(
                Location::file(name.clone()),
                "a symbolic link to a folder: skipped",
            )),
            Ok(meta) => look_at(name, path, &meta, out),
            Err(_) => out.entries.push(Entry {
                kind: super::kind_of(&name),
                name,
                path,
                bytes: 0,
            }),
        }
    }
    Ok(())
}

/// Adds a regular file to the list; skips (with a warning) or refuses anything else.
fn look_at(name: String, path: PathBuf, meta: &std::fs::Metadata, out: &mut Collected) {
    let kind = super::kind_of(&name);
    if meta.is_file() {
        out.entries.push(Entry {
            name,
            path,
            kind,
            bytes: meta.len(),
        });
        return;
    }
    let what = special_kind(meta);
    if kind == FileKind::Skipped {
        out.diagnostics.push(Diagnostic::warning(
            Location::file(name.clone()),
            format!("{what}, not a regular file: skipped"),
        ));
    } else {
        out.errors.push(Error::InputNotAFile {
            path: PathBuf::from(name),
            what,
        });
    }
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

//! Where the renderers' files go while the run still renders, and how a renderer writes a
//! large file as it makes it.
//!
//! A [`Deliver`] takes each renderer's finished files (the run's staging folder; nowhere with
//! `--check`). A renderer's rest may instead make a file through [`Outlet::stream`]: its bytes
//! go to the output in parts, on another thread, while the renderer still makes them. The
//! workbook's save deflates every sheet on one thread; at 10,000 x 30 entities its 36 MB then
//! took 0.1 s more to write and hash with the other core idle.

use std::cell::RefCell;
use std::io::Write;
use std::sync::mpsc;

use sha2::{Digest as _, Sha256};

use super::Artifact;
use crate::error::Result;

/// Where each renderer's files go as soon as it has made them. Any
/// `Fn(&[&Artifact]) -> Result<()>` is one that opens no file to write in parts.
pub trait Deliver: Sync {
    /// Takes a renderer's finished files.
    ///
    /// # Errors
    /// [`crate::error::Error::Io`] naming the output file that could not be written.
    fn deliver(&self, artifacts: &[&Artifact]) -> Result<()>;

    /// Opens the output file `path` (relative to the output folder) to be written in parts,
    /// or `None` where files are not written.
    ///
    /// # Errors
    /// [`crate::error::Error::Io`] naming the output file that could not be created.
    fn open(&self, path: &str) -> Result<Option<Box<dyn PartWriter + '_>>> {
        let _ = path;
        Ok(None)
    }
}

impl<F: Fn(&[&Artifact]) -> Result<()> + Sync> Deliver for F {
    fn deliver(&self, artifacts: &[&Artifact]) -> Result<()> {
        self(artifacts)
    }
}

/// An output file written in parts (see [`Deliver::open`]).
pub trait PartWriter: Send {
    /// Writes the next bytes.
    ///
    /// # Errors
    /// [`crate::error::Error::Io`] naming the output file.
    fn write(&mut self, bytes: &[u8]) -> Result<()>;

    /// Every byte is written: the file is complete.
    ///
    /// # Errors
    /// As [`PartWriter::write`].
    fn finish(self: Box<Self>) -> Result<()>;
}

/// A renderer's rest's way to make a file while it is written (see [`Outlet::stream`]).
pub struct Outlet<'d> {
    deliver: Option<&'d dyn Deliver>,
    /// The files written by [`Outlet::stream`], each with its SHA-256 (lowercase hex).
    streamed: RefCell<Vec<(String, String)>>,
}

/// The size of the parts handed to the writing thread.
const PART_BYTES: usize = 1 << 20;

/// The writing thread's stack: it writes, hashes and copies, with no deep calls.
const WRITER_STACK_BYTES: usize = 256 << 10;

impl<'d> Outlet<'d> {
    /// An outlet whose files go to `deliver`.
    pub(super) fn new(deliver: &'d dyn Deliver) -> Self {
        Self {
            deliver: Some(deliver),
            streamed: RefCell::default(),
        }
    }

    /// An outlet that writes nothing: [`Outlet::stream`] only makes the file in memory.
    pub fn nowhere() -> Self {
        Self {
            deliver: None,
            streamed: RefCell::default(),
        }
    }

    /// Makes the file `path` with `make`, which writes its bytes. Where the delivery writes
    /// files, the bytes go to the output file in parts of 1 MiB, and are hashed, on a thread
    /// of their own while `make` goes on; the file is then written and its SHA-256 known when
    /// `make` ends. The artifact returned holds every byte, as any other.
    ///
    /// # Errors
    /// The output file's write error (it is why `make` could not go on), else `make`'s error.
    pub fn stream(
        &self,
        path: &str,
        make: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>,
    ) -> Result<Artifact> {
        let file = match self.deliver {
            Some(deliver) => deliver.open(path)?,
            None => None,
        };
        let Some(file) = file else {
            return in_memory(path, make);
        };
        let (parts, received) = mpsc::channel::<Vec<u8>>();
        std::thread::scope(|scope| {
            let writer = std::thread::Builder::new()
                .name("egov-writer".into())
                .stack_size(WRITER_STACK_BYTES)
                .spawn_scoped(scope, move || write_parts(file, &received));
            let Ok(writer) = writer else {
                // No thread: the file, created but never finished, is written whole later.
                return in_memory(path, make);
            };
            let mut sender = Parts {
                part: Vec::with_capacity(PART_BYTES),
                parts,
            };
            let made = make(&mut sender).and_then(|()| {
                sender.send().map_err(|e| crate::error::Error::Render {
                    output: path.into(),
                    message: e.to_string(),
                })
            });
            drop(sender);
            let written = writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let (bytes, sha256) = written?;
            made?;
            self.streamed.borrow_mut().push((path.to_string(), sha256));
            Ok(Artifact {
                path: path.into(),
                bytes,
            })
        })
    }

    /// The SHA-256 of `path` when [`Outlet::stream`] wrote it.
    pub(super) fn streamed(&self, path: &str) -> Option<String> {
        self.streamed
            .borrow()
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, sha)| sha.clone())
    }
}

/// Makes the file `path` in memory.
fn in_memory(
    path: &str,
    make: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>,
) -> Result<Artifact> {
    let mut bytes = Vec::new();
    make(&mut bytes)?;
    Ok(Artifact {
        path: path.into(),
        bytes,
    })
}

/// Writes every part received to `file`, hashing and keeping them: the file's bytes and their
/// SHA-256. On a write error it stops, and the sender's next part fails.
fn write_parts(
    mut file: Box<dyn PartWriter + '_>,
    received: &mpsc::Receiver<Vec<u8>>,
) -> Result<(Vec<u8>, String)> {
    let mut parts = Vec::new();
    let mut hasher = Sha256::new();
    for part in received {
        file.write(&part)?;
        hasher.update(&part);
        parts.push(part);
    }
    file.finish()?;
    // Joined once at the end: one copy, where a growing vector copied each byte twice more.
    Ok((parts.concat(), crate::ingest::hex(&hasher.finalize())))
}

/// `make`'s writer: it gathers bytes into parts and hands each full part to the writing thread.
struct Parts {
    part: Vec<u8>,
    parts: mpsc::Sender<Vec<u8>>,
}

impl Parts {
    fn send(&mut self) -> std::io::Result<()> {
        let part = std::mem::replace(&mut self.part, Vec::with_capacity(PART_BYTES));
        self.parts
            .send(part)
            .map_err(|_| std::io::Error::other("the output file could not be written"))
    }
}

impl Write for Parts {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.part.extend_from_slice(buf);
        if self.part.len() >= PART_BYTES {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::*;
    use crate::error::Error;

    /// A delivery that keeps what it is given: the finished files' paths, and the parts of each
    /// file opened, with whether it was finished. With `fail_after` parts, the next write fails.
    #[derive(Default)]
    pub(in crate::render) struct Recording {
        pub(in crate::render) delivered: Mutex<Vec<String>>,
        pub(in crate::render) parts: Arc<Mutex<Vec<Vec<u8>>>>,
        pub(in crate::render) finished: Arc<Mutex<Vec<String>>>,
        pub(in crate::render) fail_after: Option<usize>,
    }

    struct RecordedFile {
        path: String,
        parts: Arc<Mutex<Vec<Vec<u8>>>>,
        finished: Arc<Mutex<Vec<String>>>,
        fail_after: Option<usize>,
    }

    impl Deliver for Recording {
        fn deliver(&self, artifacts: &[&Artifact]) -> Result<()> {
            let mut delivered = self.delivered.lock().unwrap();
            delivered.extend(artifacts.iter().map(|a| a.path.clone()));
            Ok(())
        }

        fn open(&self, path: &str) -> Result<Option<Box<dyn PartWriter + '_>>> {
            Ok(Some(Box::new(RecordedFile {
                path: path.into(),
                parts: Arc::clone(&self.parts),
                finished: Arc::clone(&self.finished),
                fail_after: self.fail_after,
            })))
        }
    }

    impl PartWriter for RecordedFile {
        fn write(&mut self, bytes: &[u8]) -> Result<()> {
            let mut parts = self.parts.lock().unwrap();
            if self.fail_after.is_some_and(|n| parts.len() >= n) {
                return Err(Error::io(
                    "write",
                    format!("output/{}", self.path),
                    std::io::Error::other("no space left on device"),
                ));
            }
            parts.push(bytes.to_vec());
            Ok(())
        }

        fn finish(self: Box<Self>) -> Result<()> {
            self.finished.lock().unwrap().push(self.path.clone());
            Ok(())
        }
    }

    /// The bytes `make` writes: 3.5 MiB in writes of 1,000 bytes, each byte its offset's low
    /// byte mixed with its write's number, so that a part out of order or lost shows.
    fn pattern(write: usize) -> Vec<u8> {
        (0..1000)
            .map(|i| u8::try_from((write * 1000 + i) % 251).unwrap() ^ (write as u8))
            .collect()
    }
    const WRITES: usize = 3670;

    /// The parts reach the file while `make` still runs, in order, and make up the artifact's
    /// bytes; the file is finished once and its SHA-256 is that of the bytes.
    #[test]
    fn a_streamed_file_is_written_in_parts_while_it_is_made() {
        let recording = Recording::default();
        let outlet = Outlet::new(&recording);
        let artifact = outlet
            .stream("workbook.xlsx", |out| {
                for w in 0..WRITES {
                    out.write_all(&pattern(w)).unwrap();
                    if w == 2200 {
                        // Two full parts were handed on by now: the writing thread takes them
                        // while this one waits.
                        let deadline = Instant::now() + Duration::from_secs(10);
                        while recording.parts.lock().unwrap().len() < 2 {
                            assert!(Instant::now() < deadline, "no part was written meanwhile");
                            std::thread::sleep(Duration::from_millis(1));
                        }
                    }
                }
                Ok(())
            })
            .unwrap();
        let expected: Vec<u8> = (0..WRITES).flat_map(pattern).collect();
        assert_eq!(artifact.bytes, expected);
        let parts = recording.parts.lock().unwrap();
        assert_eq!(parts.concat(), expected);
        assert!(parts.len() >= 3, "{} parts", parts.len());
        assert_eq!(*recording.finished.lock().unwrap(), ["workbook.xlsx"]);
        assert_eq!(
            outlet.streamed("workbook.xlsx"),
            Some(crate::ingest::sha256_hex(&expected))
        );
        assert!(recording.delivered.lock().unwrap().is_empty());
    }

    /// When the file cannot be written, `make` cannot go on, and the error is the file's.
    #[test]
    fn a_write_error_stops_the_making_and_is_the_error() {
        let recording = Recording {
            fail_after: Some(1),
            ..Recording::default()
        };
        let outlet = Outlet::new(&recording);
        let mut stopped_at = None;
        let err = outlet
            .stream("workbook.xlsx", |out| {
                for w in 0..WRITES * 10 {
                    if let Err(e) = out.write_all(&pattern(w % WRITES)) {
                        stopped_at = Some(w);
                        return Err(Error::Render {
                            output: "workbook.xlsx".into(),
                            message: e.to_string(),
                        });
                    }
                }
                Ok(())
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("output/workbook.xlsx"), "{err}");
        assert!(err.contains("no space left on device"), "{err}");
        assert!(stopped_at.is_some(), "the maker never saw the error");
        assert!(recording.finished.lock().unwrap().is_empty());
        assert_eq!(outlet.streamed("workbook.xlsx"), None);
    }

    /// With nowhere to write, the file is only made in memory.
    #[test]
    fn without_a_file_the_bytes_are_made_in_memory() {
        let outlet = Outlet::nowhere();
        let artifact = outlet
            .stream("workbook.xlsx", |out| {
                out.write_all(b"bytes").map_err(|e| Error::Render {
                    output: "workbook.xlsx".into(),
                    message: e.to_string(),
                })
            })
            .unwrap();
        assert_eq!(artifact.bytes, b"bytes");
        assert_eq!(outlet.streamed("workbook.xlsx"), None);
    }
}

//! The output folder: checked against the input, locked for the run, swapped in whole.
//!
//! Consumes the artifacts of a run; produces the output folder on disk. The previous folder stays
//! complete until the new one replaces it in one step (`renameat2(RENAME_EXCHANGE)` on Linux), so a
//! kill at any moment leaves either the old or the new folder. A lock file beside the folder,
//! held with an OS file lock, keeps two runs apart and tells a run that any staging folder it finds
//! belongs to a dead run. It never reads inputs and never writes outside the output's parent.

use std::fs::File;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use super::Artifact;
use crate::error::{Error, Result};

/// The longest part of the output's name kept in the names of the lock and staging entries (a
/// hash of the whole name keeps them apart), so that a long output name still fits in the
/// 255-byte limit of a file name.
const NAME_PREFIX_BYTES: usize = 64;

/// Files of the previous output folder that are not written by a run but kept (e.g. a
/// `.gitignore` that makes git ignore the generated files).
const KEPT_FILES: [&str; 2] = [".gitignore", ".gitkeep"];

/// Refuses an output folder that equals, contains or lies inside the input, after resolving
/// symbolic links and `.`/`..`. A missing input is left for ingest to report.
///
/// # Errors
/// [`Error::OutputOverlapsInput`].
pub fn check_apart(input: &Path, output: &Path) -> Result<()> {
    let Ok(input_real) = std::fs::canonicalize(input) else {
        return Ok(());
    };
    let relation = match overlap(&resolve_lenient(output), &input_real) {
        None => return Ok(()),
        Some(Overlap::Same) => "is the input folder",
        Some(Overlap::Contains) => "contains the input",
        Some(Overlap::Inside) => "lies inside the input folder",
    };
    Err(Error::OutputOverlapsInput {
        output: output.to_path_buf(),
        input: input.to_path_buf(),
        relation,
    })
}

/// Refuses a folder of other outputs (a country profile) that equals, contains or lies inside
/// the run's output folder, which every `run` replaces whole; paths are resolved as
/// [`check_apart`] resolves them.
///
/// # Errors
/// [`Error::OutputOverlapsRunOutput`].
pub fn check_apart_from_run(run_output: &Path, output: &Path) -> Result<()> {
    let relation = match overlap(&resolve_lenient(output), &resolve_lenient(run_output)) {
        None => return Ok(()),
        Some(Overlap::Same) => "is the run's output folder",
        Some(Overlap::Contains) => "contains the run's output folder",
        Some(Overlap::Inside) => "lies inside the run's output folder",
    };
    Err(Error::OutputOverlapsRunOutput {
        output: output.to_path_buf(),
        run_output: run_output.to_path_buf(),
        relation,
    })
}

/// How two resolved folders overlap.
enum Overlap {
    /// They are the same folder.
    Same,
    /// The first contains the second.
    Contains,
    /// The first lies inside the second.
    Inside,
}

fn overlap(a: &Path, b: &Path) -> Option<Overlap> {
    if a == b {
        Some(Overlap::Same)
    } else if b.starts_with(a) {
        Some(Overlap::Contains)
    } else if a.starts_with(b) {
        Some(Overlap::Inside)
    } else {
        None
    }
}

/// The absolute, symlink-free form of a path that may not exist yet: its deepest existing
/// ancestor canonicalised, the rest appended with `.` and `..` applied.
fn resolve_lenient(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let mut out = loop {
        if let Ok(real) = std::fs::canonicalize(&existing) {
            break real;
        }
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            // `..` or `.` as the last component: keep it for the loop below.
            None => match existing.components().next_back() {
                Some(c @ (Component::ParentDir | Component::CurDir)) => {
                    rest.push(c.as_os_str().to_os_string());
                }
                _ => return absolute,
            },
        }
        if !existing.pop() {
            return absolute;
        }
    };
    for part in rest.iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

/// The output folder of a run, locked against other runs until dropped.
#[derive(Debug)]
pub struct OutputLock {
    /// The folder as the user named it (every message names this one).
    shown: PathBuf,
    /// The folder written: the target when the user's path is a symbolic link.
    target: PathBuf,
    /// The lock file, held locked.
    lock_path: PathBuf,
    lock: File,
    /// The staging folder beside `target`.
    staging: PathBuf,
    /// Where a previous output waits during a swap on platforms without an exchange.
    backup: PathBuf,
}

impl OutputLock {
    /// Locks `output` for this run: resolves a symbolic link to its target, creates the parent,
    /// takes the lock (failing when another run holds it) and removes what killed runs left.
    ///
    /// # Errors
    /// [`Error::OutputUnusable`] when the path is not a folder, is a link to nothing, or is locked
    /// by another run; [`Error::Io`] naming the folder that could not be created.
    pub fn acquire(output: &Path) -> Result<Self> {
        let unusable = |message: String| Error::OutputUnusable {
            path: output.to_path_buf(),
            message,
        };
        let target = match std::fs::symlink_metadata(output) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::metadata(output) {
                Ok(t) if t.is_dir() => {
                    std::fs::canonicalize(output).map_err(|e| Error::io("resolve", output, e))?
                }
                Ok(_) => {
                    return Err(unusable(
                        "it links to something that is not a folder".into(),
                    ));
                }
                Err(_) => return Err(unusable("it is a symbolic link to nothing".into())),
            },
            Ok(m) if !m.is_dir() => return Err(unusable("it exists and is not a folder".into())),
            _ => output.to_path_buf(),
        };
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let shown_parent = output.parent().filter(|p| !p.as_os_str().is_empty());
        std::fs::create_dir_all(&parent)
            .map_err(|e| Error::io("create folder", shown_parent.unwrap_or(&parent), e))?;
        let prefix = entry_prefix(&target);
        let lock_path = parent.join(format!("{prefix}.lock"));
        let lock = lock_file(&lock_path).map_err(|e| match e {
            LockError::Busy => {
                unusable("another run is writing it (wait for it to finish, then run again)".into())
            }
            LockError::Io(e) => Error::io("lock", output, e),
        })?;
        let this = Self {
            shown: output.to_path_buf(),
            target,
            lock_path,
            lock,
            staging: parent.join(format!("{prefix}.new")),
            backup: parent.join(format!("{prefix}.old")),
        };
        this.recover()?;
        Ok(this)
    }

    /// Removes the staging folder of a dead run and, when a run without an exchange died between
    /// its two renames, puts the previous output back.
    fn recover(&self) -> Result<()> {
        remove_if_present(&self.staging).map_err(|e| Error::io("clean up", &self.shown, e))?;
        if self.backup.exists() {
            if self.target.exists() {
                remove_if_present(&self.backup)
                    .map_err(|e| Error::io("clean up", &self.shown, e))?;
            } else {
                std::fs::rename(&self.backup, &self.target)
                    .map_err(|e| Error::io("restore", &self.shown, e))?;
            }
        }
        Ok(())
    }

    /// Writes the artifacts into a staging folder, makes them durable, and swaps it in.
    ///
    /// The previous output stays complete until the swap; on any error the staging folder is
    /// removed and the output is untouched.
    ///
    /// # Errors
    /// [`Error::Io`] naming the output file (under the user's output path) that could not be
    /// written, or the output folder that could not be swapped.
    pub fn write(&self, artifacts: &[Artifact]) -> Result<()> {
        self.stage()?.finish(artifacts)
    }

    /// Creates the staging folder, for files written while others are still being made (see
    /// [`Staging`]). Dropped without [`Staging::finish`], it is removed and the output is
    /// untouched.
    ///
    /// # Errors
    /// [`Error::Io`] naming the output folder when the staging folder cannot be created.
    pub fn stage(&self) -> Result<Staging<'_>> {
        std::fs::create_dir(&self.staging)
            .map_err(|e| Error::io("create folder", &self.shown, e))?;
        Ok(Staging {
            lock: self,
            state: std::sync::Mutex::new(StagingState {
                folders: vec![self.staging.clone()],
                written: std::collections::BTreeSet::new(),
            }),
            syncer: Syncer::start(),
            finished: false,
        })
    }

    fn swap(&self) -> Result<()> {
        let parent = self.staging.parent().unwrap_or(Path::new("."));
        let failed = |e| {
            let _ = remove_if_present(&self.staging);
            Error::io("replace", &self.shown, e)
        };
        if self.target.exists() {
            if exchange(&self.staging, &self.target).is_err() {
                // No exchange on this platform or file system: two renames, and `recover` puts
                // the previous output back if the run dies between them.
                std::fs::rename(&self.target, &self.backup).map_err(failed)?;
                sync_folder(parent).map_err(failed)?;
                if let Err(e) = std::fs::rename(&self.staging, &self.target) {
                    let _ = std::fs::rename(&self.backup, &self.target);
                    return Err(failed(e));
                }
                sync_folder(parent).map_err(|e| Error::io("replace", &self.shown, e))?;
                let _ = remove_if_present(&self.backup);
                return Ok(());
            }
        } else {
            std::fs::rename(&self.staging, &self.target).map_err(failed)?;
        }
        sync_folder(parent).map_err(|e| Error::io("replace", &self.shown, e))?;
        // After an exchange the staging path holds the previous output.
        let _ = remove_if_present(&self.staging);
        Ok(())
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = remove_if_present(&self.staging);
        // Unlinked while still held: a run that opened the old file notices (see `lock_file`).
        let _ = std::fs::remove_file(&self.lock_path);
        let _ = self.lock.unlock();
    }
}

/// The staging folder of a run, filled while the run is still rendering: each file is written
/// as soon as it is made and made durable in the background, so that only the last files wait
/// for the disk at the end. The bundled run's last renderer (the workbook) finishes about 10 ms
/// after the others.
#[derive(Debug)]
pub struct Staging<'a> {
    lock: &'a OutputLock,
    state: std::sync::Mutex<StagingState>,
    syncer: Syncer,
    finished: bool,
}

#[derive(Debug)]
struct StagingState {
    /// The staging folder and the folders created in it, parents first.
    folders: Vec<PathBuf>,
    /// The paths written (relative to the output folder).
    written: std::collections::BTreeSet<String>,
}

impl Staging<'_> {
    /// Writes `artifacts` into the staging folder now and starts making them durable.
    ///
    /// # Errors
    /// [`Error::Io`] naming the output file that could not be written.
    pub fn add(&self, artifacts: &[&Artifact]) -> Result<()> {
        let files = self.write_files(artifacts.iter().copied())?;
        self.syncer.sync(files);
        Ok(())
    }

    /// Writes the artifacts not written yet, waits until every file and folder is durable, and
    /// swaps the staging folder in for the output.
    ///
    /// # Errors
    /// [`Error::Io`] naming the output file that could not be written or made durable, or the
    /// output folder that could not be swapped.
    pub fn finish(mut self, artifacts: &[Artifact]) -> Result<()> {
        // On an error, dropping `self` removes the staging folder.
        self.complete(artifacts)?;
        self.finished = true;
        self.lock.swap()
    }

    fn complete(&self, artifacts: &[Artifact]) -> Result<()> {
        let lock = self.lock;
        let pending: Vec<&Artifact> = {
            let state = locked(&self.state);
            artifacts
                .iter()
                .filter(|a| !state.written.contains(&a.path))
                .collect()
        };
        let mut files = self.write_files(pending)?;
        if lock.target.is_dir() {
            for keep in KEPT_FILES {
                let from = lock.target.join(keep);
                if from.is_file() {
                    let bytes = std::fs::read(&from)
                        .map_err(|e| Error::io("read", lock.shown.join(keep), e))?;
                    let file = write_file(&lock.staging.join(keep), &bytes)
                        .map_err(|e| Error::io("write", lock.shown.join(keep), e))?;
                    files.push((keep.to_string(), file));
                }
            }
        }
        self.syncer.sync(files);
        if let Some((rel, e)) = self.syncer.wait() {
            return Err(Error::io("write", lock.shown.join(rel), e));
        }
        let folders = locked(&self.state).folders.clone();
        for dir in folders.iter().rev() {
            sync_folder(dir).map_err(|e| Error::io("write", &lock.shown, e))?;
        }
        Ok(())
    }

    /// Writes the files (not synced), creating their folders, and records them as written.
    fn write_files<'b>(
        &self,
        artifacts: impl IntoIterator<Item = &'b Artifact>,
    ) -> Result<Vec<(String, File)>> {
        let mut files = Vec::new();
        for a in artifacts {
            let mut file = self.create(&a.path)?;
            file.write_all(&a.bytes)
                .map_err(|e| Error::io("write", self.lock.shown.join(&a.path), e))?;
            locked(&self.state).written.insert(a.path.clone());
            files.push((a.path.clone(), file));
        }
        Ok(files)
    }

    /// Creates the file `rel` (relative to the output folder) and its folders.
    fn create(&self, rel: &str) -> Result<File> {
        let lock = self.lock;
        let path = lock.staging.join(rel);
        if let Some(dir) = path.parent() {
            let mut state = locked(&self.state);
            if !state.folders.iter().any(|f| f == dir) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::io("create folder", lock.shown.join(rel), e))?;
                state.folders.push(dir.to_path_buf());
            }
        }
        File::create(&path).map_err(|e| Error::io("write", lock.shown.join(rel), e))
    }
}

impl super::Deliver for Staging<'_> {
    fn deliver(&self, artifacts: &[&Artifact]) -> Result<()> {
        self.add(artifacts)
    }

    /// The file in the staging folder: once finished, it is made durable in the background
    /// and counts as written.
    fn open(&self, path: &str) -> Result<Option<Box<dyn super::PartWriter + '_>>> {
        Ok(Some(Box::new(StagedFile {
            file: self.create(path)?,
            rel: path.to_string(),
            staging: self,
        })))
    }
}

/// A file of the staging folder written in parts (see [`super::Deliver::open`]).
struct StagedFile<'s, 'a> {
    file: File,
    rel: String,
    staging: &'s Staging<'a>,
}

impl super::PartWriter for StagedFile<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(|e| Error::io("write", self.staging.lock.shown.join(&self.rel), e))
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let StagedFile { file, rel, staging } = *self;
        locked(&staging.state).written.insert(rel.clone());
        staging.syncer.sync(vec![(rel, file)]);
        Ok(())
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        // Abandoned (a later renderer failed): let the syncs end, then remove the folder.
        let _ = self.syncer.wait();
        let _ = remove_if_present(&self.lock.staging);
    }
}

/// `mutex`'s guard, also after a thread panicked holding it (the data under these locks, file
/// lists and a first error, is whole at every point a panic can happen).
fn locked<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `SYNC_THREADS` threads that sync the files they are given, started with the staging folder:
/// a sync waits on the disk, not the CPU, and files synced together are committed together by
/// the file system's journal. Where no thread can be started, files are synced when given.
/// They live through rendering: see `allocator::one_c_arena` for what that asked of a run under
/// a cap on its address space.
#[derive(Debug)]
struct Syncer {
    shared: std::sync::Arc<SyncQueue>,
    threads: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>>,
}

#[derive(Debug, Default)]
struct SyncQueue {
    state: std::sync::Mutex<SyncState>,
    ready: std::sync::Condvar,
}

#[derive(Debug, Default)]
struct SyncState {
    files: Vec<(String, File)>,
    /// No more files will come: the threads stop once the queue is empty.
    closed: bool,
    /// The first file that could not be synced, with its error.
    failed: Option<(String, std::io::Error)>,
}

impl SyncQueue {
    fn state(&self) -> std::sync::MutexGuard<'_, SyncState> {
        locked(&self.state)
    }

    /// Syncs files from the queue until it is closed and empty.
    fn work(&self) {
        let mut state = self.state();
        loop {
            if let Some((rel, file)) = state.files.pop() {
                drop(state);
                let outcome = file.sync_all();
                state = self.state();
                if let Err(e) = outcome {
                    state.failed.get_or_insert((rel, e));
                }
            } else if state.closed {
                return;
            } else {
                state = self
                    .ready
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        }
    }
}

impl Syncer {
    fn start() -> Self {
        let shared = std::sync::Arc::new(SyncQueue::default());
        let threads: Vec<_> = (0..SYNC_THREADS)
            .map_while(|_| {
                let shared = std::sync::Arc::clone(&shared);
                std::thread::Builder::new()
                    .stack_size(SYNC_STACK_BYTES)
                    .spawn(move || shared.work())
                    .ok()
            })
            .collect();
        Self {
            shared,
            threads: std::sync::Mutex::new(threads),
        }
    }

    /// Syncs the files in the background, or now when no thread could be started.
    fn sync(&self, files: Vec<(String, File)>) {
        let background = !locked(&self.threads).is_empty();
        if background {
            self.shared.state().files.extend(files);
            self.shared.ready.notify_all();
            return;
        }
        for (rel, file) in files {
            if let Err(e) = file.sync_all() {
                self.shared.state().failed.get_or_insert((rel, e));
            }
        }
    }

    /// Waits until every file given is synced: the first that could not be, with its error.
    fn wait(&self) -> Option<(String, std::io::Error)> {
        self.shared.state().closed = true;
        self.shared.ready.notify_all();
        let threads = std::mem::take(&mut *locked(&self.threads));
        for thread in threads {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
        // Files given with no thread left to sync them (every thread had exited).
        let rest = std::mem::take(&mut self.shared.state().files);
        self.sync(rest);
        self.shared.state().failed.take()
    }
}

/// `.<name prefix>-<hash of the name>.egov`: the stem of the lock and staging entries.
fn entry_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let mut end = name.len().min(NAME_PREFIX_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let hash = crate::ingest::sha256_hex(name.as_bytes());
    format!(".{}-{}.egov", &name[..end], &hash[..8])
}

enum LockError {
    Busy,
    Io(std::io::Error),
}

/// Opens and locks the lock file. A run that ends removes the file while holding the lock, so a
/// lock taken on a file that is no longer at `path` is dropped and taken again on the new one.
fn lock_file(path: &Path) -> std::result::Result<File, LockError> {
    loop {
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(LockError::Busy),
            Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        if same_file(&file, path) {
            return Ok(file);
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Swaps two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// How many threads sync the written files.
const SYNC_THREADS: usize = 8;

/// The stack of a sync thread: it only makes system calls, and the 8 live through rendering, so
/// they take 2 MiB of address space instead of 16 with the default stacks.
const SYNC_STACK_BYTES: usize = 256 << 10;

/// Creates `path` with `bytes`, not yet synced: the caller syncs the returned file.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<File> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    Ok(file)
}

/// Makes a folder's entries durable (a no-op where folders cannot be opened, as on Windows).
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// How many threads remove a folder's files: removing the previous output (32 files) took 3.2 ms
/// on one thread, 2.2-2.6 ms on the 2 workers of a 2-core machine and 1.6 ms on 8 (ext4), the
/// file system's work on each file overlapping the others'.
const REMOVE_THREADS: usize = 8;

/// Removes a folder and everything in it from `REMOVE_THREADS` threads, without following
/// symbolic links (`remove_dir_all` opens each folder and removes its entries relative to it).
fn remove_folder(path: &Path) -> std::io::Result<()> {
    let remover = remove_dir_all::RemoverBuilder::new().parallel().build();
    match rayon::ThreadPoolBuilder::new()
        .num_threads(REMOVE_THREADS)
        .build()
    {
        Ok(pool) => pool.install(|| remover.remove_dir_all(path)),
        // No threads to be had: the workers' will do.
        Err(_) => remover.remove_dir_all(path),
    }
}

/// Removes a staging or backup entry, whatever it is (a folder, or a file left in its place).
fn remove_if_present(path: &Path) -> std::io::Result<()> {
    let removed = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => remove_folder(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_folders_are_refused_after_resolving_dots() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        let same = dir.path().join("in/../in/.");
        let err = check_apart(&input, &same).unwrap_err().to_string();
        assert!(err.contains("is the input folder"), "{err}");
        let inside = input.join("out");
        assert!(
            check_apart(&input, &inside)
                .unwrap_err()
                .to_string()
                .contains("inside")
        );
        let err = check_apart(&input, dir.path()).unwrap_err().to_string();
        assert!(err.contains("contains the input"), "{err}");
        assert!(check_apart(&input, &dir.path().join("out")).is_ok());
        assert!(check_apart(&input, &dir.path().join("input-2")).is_ok());
    }

    #[test]
    fn long_output_names_give_short_entry_names() {
        let name = "é".repeat(120);
        let prefix = entry_prefix(Path::new(&name));
        assert!(prefix.len() < 100, "{prefix}");
        assert_ne!(prefix, entry_prefix(Path::new(&format!("{name}x"))));
    }

    #[test]
    fn a_second_lock_on_the_same_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let first = OutputLock::acquire(&output).unwrap();
        let err = OutputLock::acquire(&output).unwrap_err().to_string();
        assert!(err.contains("another run is writing it"), "{err}");
        drop(first);
        assert!(OutputLock::acquire(&output).is_ok());
    }

    #[test]
    fn what_dead_runs_left_is_cleaned_and_a_stranded_backup_restored() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let prefix = entry_prefix(&output);
        let staging = dir.path().join(format!("{prefix}.new"));
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("half.csv"), "a,").unwrap();
        let backup = dir.path().join(format!("{prefix}.old"));
        std::fs::create_dir(&backup).unwrap();
        std::fs::write(backup.join("report.md"), "previous").unwrap();
        let lock = OutputLock::acquire(&output).unwrap();
        assert!(!staging.exists());
        assert!(!backup.exists());
        assert_eq!(
            std::fs::read_to_string(output.join("report.md")).unwrap(),
            "previous"
        );
        drop(lock);
        std::fs::write(&staging, "a file where the staging folder goes").unwrap();
        let lock = OutputLock::acquire(&output).unwrap();
        assert!(!staging.exists());
        drop(lock);
    }

    /// Files given to the staging folder while others are still being made end up in the
    /// output with the rest; a staging folder dropped unfinished (a later renderer failed)
    /// leaves the previous output as it was and nothing beside it.
    #[test]
    fn staged_files_are_swapped_in_with_the_rest_or_dropped_with_the_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        std::fs::create_dir(&output).unwrap();
        std::fs::write(output.join("report.md"), "previous").unwrap();
        let lock = OutputLock::acquire(&output).unwrap();
        let staging = lock.stage().unwrap();
        staging
            .add(&[&Artifact::text("tables/a.csv", "a\n".into())])
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(output.join("report.md")).unwrap(),
            "previous"
        );
        drop(staging);
        assert_eq!(entries(dir.path()).len(), 2, "the output and the lock");
        assert_eq!(walk(&output), ["report.md"]);
        let staging = lock.stage().unwrap();
        let early: Vec<Artifact> = (0..20)
            .map(|i| Artifact::text(format!("tables/t{i}.csv"), format!("{i}\n")))
            .collect();
        staging.add(&early.iter().collect::<Vec<_>>()).unwrap();
        let mut all = early;
        all.push(Artifact::text("manifest.json", "{}".into()));
        staging.finish(&all).unwrap();
        drop(lock);
        let mut left = walk(&output);
        left.sort();
        let mut expected: Vec<String> = all.iter().map(|a| a.path.clone()).collect();
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(
            std::fs::read_to_string(output.join("tables/t7.csv")).unwrap(),
            "7\n"
        );
        assert_eq!(entries(dir.path()), ["output"]);
    }

    /// A file written in parts goes into the output with the rest and is not written again
    /// when the run finishes; one opened but never finished (its renderer failed) is not
    /// counted as written, so the finish writes it whole.
    #[test]
    fn a_file_written_in_parts_is_swapped_in_as_written() {
        use super::super::Deliver as _;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let lock = OutputLock::acquire(&output).unwrap();
        let staging = lock.stage().unwrap();
        let mut file = staging.open("book/workbook.xlsx").unwrap().unwrap();
        file.write(b"first part, ").unwrap();
        file.write(b"second part").unwrap();
        file.finish().unwrap();
        let abandoned = staging.open("late.csv").unwrap().unwrap();
        drop(abandoned);
        let finished = [
            // Other bytes under the same path: the finish must not write them.
            Artifact::text("book/workbook.xlsx", "not these".into()),
            Artifact::text("late.csv", "whole\n".into()),
        ];
        staging.finish(&finished).unwrap();
        drop(lock);
        assert_eq!(
            std::fs::read_to_string(output.join("book/workbook.xlsx")).unwrap(),
            "first part, second part"
        );
        assert_eq!(
            std::fs::read_to_string(output.join("late.csv")).unwrap(),
            "whole\n"
        );
    }

    /// The previous output is removed from several threads: links in it are removed, never
    /// followed, and every file and folder of it goes.
    #[cfg(unix)]
    #[test]
    fn removing_the_previous_output_removes_links_not_what_they_point_to() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("keep.csv"), "kept").unwrap();
        let output = dir.path().join("output");
        std::fs::create_dir_all(output.join("tables/deeper")).unwrap();
        for i in 0..40 {
            std::fs::write(output.join(format!("tables/t{i}.csv")), "x").unwrap();
        }
        std::fs::write(output.join("tables/deeper/d.csv"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, output.join("tables/link-to-folder")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.csv"), output.join("link-to-file")).unwrap();
        let lock = OutputLock::acquire(&output).unwrap();
        lock.write(&[Artifact::text("report.md", "new\n".into())])
            .unwrap();
        drop(lock);
        assert_eq!(
            std::fs::read_to_string(outside.join("keep.csv")).unwrap(),
            "kept"
        );
        let mut left: Vec<_> = walk(&output);
        left.sort();
        assert_eq!(left, ["report.md"]);
        assert_eq!(entries(dir.path()), ["output", "outside"]);
    }

    /// The names in a folder (what a run left beside its output), sorted.
    fn entries(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    }

    /// The files and links under `root`, relative to it.
    fn walk(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    dirs.push(e.path());
                } else {
                    let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        out
    }

    #[test]
    fn a_write_replaces_the_folder_and_keeps_its_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        std::fs::create_dir(&output).unwrap();
        std::fs::write(output.join(".gitignore"), "*\n").unwrap();
        std::fs::write(output.join("old.csv"), "x").unwrap();
        let lock = OutputLock::acquire(&output).unwrap();
        lock.write(&[Artifact::text("tables/new.csv", "a\n".into())])
            .unwrap();
        drop(lock);
        assert_eq!(
            std::fs::read_to_string(output.join("tables/new.csv")).unwrap(),
            "a\n"
        );
        assert_eq!(
            std::fs::read_to_string(output.join(".gitignore")).unwrap(),
            "*\n"
        );
        assert!(!output.join("old.csv").exists());
        assert_eq!(entries(dir.path()), ["output"]);
    }
}

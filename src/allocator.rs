//! The allocators' settings. The binary allocates with mimalloc (see `main.rs`): the first two
//! functions are the points of a run where its default timing for returning memory to the
//! kernel is wrong. Called where mimalloc is not the global allocator (the library's tests),
//! they touch only mimalloc's own, unused heap. The third is for the C library's allocator.

use libmimalloc_sys::{mi_collect, mi_option_set, mi_option_t};

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (`mimalloc.h`), which the -sys crate
/// does not name. A test checks it against the option's documented default.
const PURGE_DELAY: mi_option_t = 15;

/// Returns the memory freed so far to the kernel now, instead of 10 s after each free (the
/// arena purge delay), which no run lasts.
///
/// Called where a run drops the facts and the raw cells, before rendering. Kept, those pages
/// stayed resident while the renderers' threads took fresh ones: a 10,000 x 30 run peaked at
/// 366-446 MB; returned, at 308-327 MB, in the same time (interleaved runs).
pub fn release_freed() {
    // SAFETY: collects mimalloc's heaps; no pointer is passed.
    unsafe { mi_collect(true) };
}

/// Stops mimalloc from returning freed memory to the kernel from now on: called when the work
/// is done. At exit mimalloc otherwise returns every freed range (`madvise`), work the kernel
/// does anyway when the process ends (3 ms of the bundled run's 80 ms of CPU). Set at the
/// start, it would keep the memory freed during a run too: a 10,000 x 30 run peaked at 450 MB
/// instead of 340.
pub fn no_purge_at_exit() {
    // SAFETY: sets one integer option; mimalloc reads it when it next considers purging.
    unsafe { mi_option_set(PURGE_DELAY, -1) };
}

/// Makes the C library's allocator (glibc's `malloc`, which the C library itself and the
/// thread start-up still call) keep one arena instead of one per thread. Each arena reserves
/// 64 MiB of address space: with the 8 sync threads of the output alive during rendering, a
/// run under a cap on its address space (`ulimit -v 1048576`, 8 worker threads) failed in one
/// of two to three tries; with one arena, in none of 12. Its allocations are few and small.
pub fn one_c_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: sets one integer parameter of glibc's allocator, before any thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::c_long;

    fn purge_delay() -> c_long {
        // SAFETY: reads one integer option.
        unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) }
    }

    /// The process's resident memory in bytes (`VmRSS` of `/proc/self/status`).
    #[cfg(target_os = "linux")]
    fn resident() -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        let kib: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kib * 1024
    }

    // One test: the settings are process-wide, and `no_purge_at_exit` turns the purging off.
    #[cfg(target_os = "linux")]
    #[test]
    fn freed_memory_is_returned_until_the_work_is_done() {
        // mimalloc v3's default purge delay is 1000 ms (`options.c`); another option at this
        // index would have another default.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(purge_delay(), 1000);
        }
        // 64 MiB in blocks of 1 MiB, written and freed: their pages stay resident until purged.
        const BLOCK: usize = 1 << 20;
        const SIZE: usize = 64 * BLOCK;
        // SAFETY: fresh blocks of BLOCK bytes, each written whole, then freed once.
        unsafe {
            let blocks: Vec<*mut u8> = (0..SIZE / BLOCK)
                .map(|_| libmimalloc_sys::mi_malloc(BLOCK).cast::<u8>())
                .collect();
            for &p in &blocks {
                assert!(!p.is_null());
                std::ptr::write_bytes(p, 1, BLOCK);
            }
            for p in blocks {
                libmimalloc_sys::mi_free(p.cast());
            }
        }
        let before = resident();
        super::release_freed();
        let after = resident();
        assert!(
            after + SIZE / 2 <= before,
            "resident: {before} bytes before, {after} after"
        );
        super::no_purge_at_exit();
        assert_eq!(purge_delay(), -1);
    }
}

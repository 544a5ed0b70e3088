//! White RGB pixel buffers for the PNG figures.
//!
//! A figure at PNG scale is 1920 x 996 x 3 bytes (5.7 MB). Taken from the kernel in 4 KiB pages, a
//! buffer cost about 1,400 page faults on first touch, a seventh of the bundled run's CPU with
//! the rest of its fresh memory. On Linux a buffer is mapped on a 2 MiB boundary and advised as
//! transparent huge pages (3 faults; where the kernel and the process allow them, see
//! `allocator::huge_pages_only_where_advised`), and a dropped buffer goes back to a small pool
//! for the next figure, so a run maps as many as it draws at once. Elsewhere, or where the
//! mapping fails, a buffer is an ordinary vector.

use std::ops::{Deref, DerefMut};

/// A white (every byte 255) buffer of RGB pixels.
pub(crate) struct Pixels {
    memory: Memory,
    len: usize,
}

enum Memory {
    #[cfg(target_os = "linux")]
    Mapped(mapped::Mapping),
    Heap(Vec<u8>),
}

impl Pixels {
    /// `len` bytes, all 255.
    pub(crate) fn white(len: usize) -> Self {
        #[cfg(target_os = "linux")]
        if let Some(mut mapping) = mapped::Mapping::take(len) {
            mapping.bytes_mut()[..len].fill(u8::MAX);
            return Self {
                memory: Memory::Mapped(mapping),
                len,
            };
        }
        Self {
            memory: Memory::Heap(vec![u8::MAX; len]),
            len,
        }
    }

    /// Whether the buffer is mapped on a huge-page boundary (false for a plain vector).
    #[cfg(test)]
    fn is_mapped(&self) -> bool {
        match &self.memory {
            #[cfg(target_os = "linux")]
            Memory::Mapped(m) => m.bytes().as_ptr().addr() % mapped::HUGE_PAGE == 0,
            Memory::Heap(_) => false,
        }
    }
}

impl Deref for Pixels {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.memory {
            #[cfg(target_os = "linux")]
            Memory::Mapped(m) => &m.bytes()[..self.len],
            Memory::Heap(v) => v,
        }
    }
}

impl DerefMut for Pixels {
    fn deref_mut(&mut self) -> &mut [u8] {
        match &mut self.memory {
            #[cfg(target_os = "linux")]
            Memory::Mapped(m) => &mut m.bytes_mut()[..self.len],
            Memory::Heap(v) => v,
        }
    }
}

impl PartialEq for Pixels {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Pixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pixels({} bytes)", self.len)
    }
}

impl Drop for Pixels {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Memory::Mapped(m) = std::mem::replace(&mut self.memory, Memory::Heap(Vec::new())) {
            m.give_back();
        }
    }
}

#[cfg(target_os = "linux")]
mod mapped {
    use std::ffi::c_void;
    use std::sync::Mutex;

    use rustix::mm::{Advice, MapFlags, ProtFlags, madvise, mmap_anonymous, munmap};

    /// A transparent huge page on x86-64 and aarch64 with 4 KiB pages.
    pub(super) const HUGE_PAGE: usize = 2 << 20;

    /// Mappings kept for the next figure; more than this are unmapped when dropped (a run draws
    /// its figures on at most as many threads as it has).
    const KEPT: usize = 4;

    static FREE: Mutex<Vec<Mapping>> = Mutex::new(Vec::new());

    /// Anonymous memory whose usable part starts on a `HUGE_PAGE` boundary.
    pub(super) struct Mapping {
        /// What `mmap` returned, and its length (one huge page more than `capacity`).
        base: *mut c_void,
        mapped: usize,
        /// The aligned start and the usable length, a multiple of `HUGE_PAGE`.
        start: *mut u8,
        capacity: usize,
    }

    // SAFETY: a Mapping owns its memory alone (no other pointer to it is kept), like a Vec.
    unsafe impl Send for Mapping {}

    impl Mapping {
        /// A kept mapping of at least `len` bytes, or a new one; `None` where mapping fails.
        pub(super) fn take(len: usize) -> Option<Self> {
            let capacity = len.checked_next_multiple_of(HUGE_PAGE)?.max(HUGE_PAGE);
            {
                let mut free = FREE
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Some(i) = free.iter().position(|m| m.capacity == capacity) {
                    return Some(free.swap_remove(i));
                }
            }
            let mapped = capacity.checked_add(HUGE_PAGE)?;
            // SAFETY: a new private anonymous mapping at an address the kernel chooses; nothing
            // else refers to it.
            let base = unsafe {
                mmap_anonymous(
                    std::ptr::null_mut(),
                    mapped,
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::PRIVATE,
                )
            }
            .ok()?;
            let offset = base.cast::<u8>().align_offset(HUGE_PAGE);
            // SAFETY: `offset` < HUGE_PAGE, so `start..start + capacity` lies inside the mapping.
            let start = unsafe { base.cast::<u8>().add(offset) };
            // SAFETY: advises the range just mapped. Refused (an old kernel, no THP), the memory
            // stays in ordinary pages.
            let _ = unsafe { madvise(start.cast(), capacity, Advice::LinuxHugepage) };
            Some(Self {
                base,
                mapped,
                start,
                capacity,
            })
        }

        pub(super) fn bytes(&self) -> &[u8] {
            // SAFETY: `start..start + capacity` is mapped, readable and owned by `self`.
            unsafe { std::slice::from_raw_parts(self.start, self.capacity) }
        }

        pub(super) fn bytes_mut(&mut self) -> &mut [u8] {
            // SAFETY: as in `bytes`, and writable; `&mut self` makes this the only reference.
            unsafe { std::slice::from_raw_parts_mut(self.start, self.capacity) }
        }

        /// Keeps the mapping for the next figure, or unmaps it when enough are kept.
        pub(super) fn give_back(self) {
            let mut free = FREE
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if free.len() < KEPT {
                free.push(self);
            }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: unmaps exactly what `mmap_anonymous` returned; no reference into it
            // outlives `self`.
            let _ = unsafe { munmap(self.base, self.mapped) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_is_white_and_white_again_when_reused() {
        let len = 1920 * 996 * 3;
        let mut first = Pixels::white(len);
        assert_eq!(first.len(), len);
        assert!(first.iter().all(|&b| b == u8::MAX));
        first[..7].copy_from_slice(b"drawn!!");
        let last = len - 1;
        first[last] = 0;
        drop(first);
        // Possibly the same memory (the pool), written over: white again.
        let second = Pixels::white(len);
        assert_eq!(second.len(), len);
        assert!(second.iter().all(|&b| b == u8::MAX));
        #[cfg(target_os = "linux")]
        assert!(second.is_mapped(), "mapped on a huge-page boundary");
    }

    #[test]
    fn buffers_in_use_at_once_are_apart_and_compare_by_content() {
        let mut a = Pixels::white(100);
        let b = Pixels::white(100);
        assert_eq!(a, b);
        a[50] = 1;
        assert_ne!(a, b);
        assert!(b.iter().all(|&x| x == u8::MAX));
        assert_eq!(format!("{a:?}"), "Pixels(100 bytes)");
        // An empty buffer is a buffer too.
        assert!(Pixels::white(0).is_empty());
    }
}

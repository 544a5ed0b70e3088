//! English counts for terminal messages: `1 file`, `2 files`.
//!
//! Only the command line's own messages use this; the report's words (in English and Chinese)
//! come from the message catalogue in `render::i18n`.

/// `n` followed by the singular or plural noun: `count(1, "file", "files")` is `1 file`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(super::count(1, "file", "files"), "1 file");
        assert_eq!(super::count(0, "file", "files"), "0 files");
        assert_eq!(super::count(2, "country", "countries"), "2 countries");
    }
}

// The crate's hash maps with a fast fixed hasher instead of SipHash with a random seed. The
// maps are keyed by formats, cells and names the crate itself builds, so no resistance to
// crafted keys is needed, and no output depends on their iteration order (it was random before).
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub(crate) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

//! Statistics the analysis jobs share.

/// The median of `values`, which it reorders: the middle value in `f64::total_cmp` order, or
/// the midpoint of the two middle ones; `None` for no values. Selected, not sorted: sorting the
/// values of each group, survey and index grew as n log n and was most of the groups' time at
/// 20,000 entities.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, middle, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(*middle);
    }
    // The other middle value is the largest of those below.
    let lower = below.iter().copied().max_by(f64::total_cmp)?;
    Some(f64::midpoint(lower, *middle))
}

#[cfg(test)]
mod tests {
    use super::median;

    /// The median by its definition: sort, take the middle (or the midpoint of the two).
    fn sorted_median(values: &[f64]) -> Option<f64> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(sorted[n / 2]),
            _ => Some(f64::midpoint(sorted[n / 2 - 1], sorted[n / 2])),
        }
    }

    #[test]
    fn the_selected_median_is_the_sorted_one_bit_for_bit() {
        let mut rng = fastrand::Rng::with_seed(7);
        for len in 0..60 {
            for _ in 0..40 {
                // Few distinct values (ties), signed zeros and wide magnitudes.
                let values: Vec<f64> = (0..len)
                    .map(|_| match rng.u8(0..4) {
                        0 => f64::from(rng.u8(0..4)) / 4.0,
                        1 => -0.0,
                        2 => rng.f64() * 1e6 - 5e5,
                        _ => rng.f64(),
                    })
                    .collect();
                let expected = sorted_median(&values).map(f64::to_bits);
                let got = median(&mut values.clone()).map(f64::to_bits);
                assert_eq!(got, expected, "{values:?}");
            }
        }
        // And the comparison can fail: the upper middle value alone is not the median.
        let mut even = vec![4.0, 1.0, 3.0, 2.0];
        assert_eq!(median(&mut even), Some(2.5));
        assert_ne!(sorted_median(&[1.0, 2.0, 3.0, 4.0]), Some(3.0));
    }
}

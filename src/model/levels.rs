//! The level rule (SPEC section 4): four levels cut at three thresholds.
//!
//! Defaults: very high v > 0.75; high 0.50 <= v <= 0.75; medium 0.25 <= v < 0.50; low v < 0.25.
//! Thresholds and the side on which a value exactly on a threshold falls are configurable.
//! Values are compared as parsed, never rounded.

use std::fmt;

/// The margin around a threshold of the robustness checks, by default (`sensitivity_margin`).
pub const DEFAULT_MARGIN: f64 = 0.01;

use serde::{Deserialize, Serialize};

/// A development level, ordered low < medium < high < very high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Below the first threshold.
    Low,
    /// Between the first and second thresholds.
    Medium,
    /// Between the second and third thresholds.
    High,
    /// Above the third threshold.
    VeryHigh,
}

impl Level {
    /// All levels, low first.
    pub const ASCENDING: [Level; 4] = [Level::Low, Level::Medium, Level::High, Level::VeryHigh];
    /// All levels, very high first (the column order of the tables).
    pub const DESCENDING: [Level; 4] = [Level::VeryHigh, Level::High, Level::Medium, Level::Low];

    /// The order number: low 0, medium 1, high 2, very high 3.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The level of an order number.
    pub fn from_rank(rank: u8) -> Option<Self> {
        Self::ASCENDING.get(usize::from(rank)).copied()
    }

    /// The key used in CSV files: `very_high`, `high`, `medium`, `low`.
    pub fn key(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::VeryHigh => "very_high",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Which level a value exactly on a threshold belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The level above the threshold (the threshold is that level's inclusive lower bound).
    Upper,
    /// The level below the threshold (the threshold is that level's inclusive upper bound).
    Lower,
}

/// The level rule: three ascending thresholds and their boundary sides.
///
/// Either key may be left out of `[levels]`; it then keeps its default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LevelRule {
    /// Low/medium, medium/high and high/very-high thresholds on the 0-1 scale.
    pub thresholds: [f64; 3],
    /// For each threshold, the side a value exactly on it falls.
    pub boundaries: [Side; 3],
}

impl Default for LevelRule {
    fn default() -> Self {
        Self {
            thresholds: [0.25, 0.50, 0.75],
            boundaries: [Side::Upper, Side::Upper, Side::Lower],
        }
    }
}

impl LevelRule {
    /// Checks that the thresholds are finite, on the 0-1 scale and strictly ascending.
    ///
    /// # Errors
    /// A message naming what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.thresholds.iter().any(|t| !t.is_finite()) {
            return Err("thresholds must be finite numbers".into());
        }
        if self.thresholds.iter().any(|t| !(0.0..=1.0).contains(t)) {
            return Err(format!(
                "thresholds are on the 0-1 scale of the indices, got {:?} (write 0.25, not 25)",
                self.thresholds
            ));
        }
        if !(self.thresholds[0] < self.thresholds[1] && self.thresholds[1] < self.thresholds[2]) {
            return Err(format!(
                "thresholds must be strictly ascending, got {:?}",
                self.thresholds
            ));
        }
        Ok(())
    }

    /// The level of a value on the 0-1 scale.
    pub fn classify(&self, v: f64) -> Level {
        let mut rank = 0u8;
        for (t, side) in self.thresholds.iter().zip(self.boundaries) {
            let above = match side {
                Side::Upper => v >= *t,
                Side::Lower => v > *t,
            };
            if above {
                rank += 1;
            }
        }
        Level::from_rank(rank).expect("at most three thresholds passed")
    }

    /// The threshold a value sits exactly on, if any.
    pub fn boundary_of(&self, v: f64) -> Option<f64> {
        #[allow(clippy::float_cmp)]
        self.thresholds.iter().copied().find(|t| v == *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rule_puts_each_boundary_on_the_spec_side() {
        let rule = LevelRule::default();
        assert_eq!(rule.classify(0.25), Level::Medium);
        assert_eq!(rule.classify(0.50), Level::High);
        assert_eq!(rule.classify(0.75), Level::High);
        assert_eq!(rule.classify(0.750_000_000_1), Level::VeryHigh);
        assert_eq!(rule.classify(0.249_999_9), Level::Low);
        assert_eq!(rule.classify(0.0), Level::Low);
        assert_eq!(rule.classify(1.0), Level::VeryHigh);
    }

    #[test]
    fn boundary_sides_can_be_flipped() {
        let rule = LevelRule {
            boundaries: [Side::Lower, Side::Lower, Side::Upper],
            ..LevelRule::default()
        };
        assert_eq!(rule.classify(0.25), Level::Low);
        assert_eq!(rule.classify(0.50), Level::Medium);
        assert_eq!(rule.classify(0.75), Level::VeryHigh);
    }

    #[test]
    fn thresholds_must_ascend() {
        let rule = LevelRule {
            thresholds: [0.5, 0.25, 0.75],
            ..LevelRule::default()
        };
        assert!(rule.validate().is_err());
        assert!(LevelRule::default().validate().is_ok());
        let percent = LevelRule {
            thresholds: [25.0, 50.0, 75.0],
            ..LevelRule::default()
        };
        assert!(percent.validate().unwrap_err().contains("0-1 scale"));
    }

    #[test]
    fn thresholds_alone_keep_the_default_boundaries() {
        let rule: LevelRule = toml::from_str("thresholds = [0.2, 0.4, 0.6]").unwrap();
        assert_eq!(rule.boundaries, LevelRule::default().boundaries);
        assert_eq!(rule.thresholds, [0.2, 0.4, 0.6]);
    }
}

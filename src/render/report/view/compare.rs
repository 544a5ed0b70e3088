//! How the focus country stands against a reference (the benchmark mean, the leader) and how
//! that standing changed between two surveys, decided on the numbers as the report shows them.
//!
//! Pure functions of shown values: a difference that shows as `0.0000` is a tie, a ratio that
//! shows as `1.000` is level. The sentences built from these never contradict their numbers,
//! whatever the sign: the focus country may trail, lead, cross over or tie.

use crate::error::Result;
use crate::model::Year;
use crate::render::report::text::{Text, index_value, ratio_value};

/// Where the focus country stands against a reference value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    /// Below the reference.
    Below,
    /// Equal to it as shown.
    Level,
    /// Above the reference.
    Above,
}

impl Standing {
    /// The catalogue key part (`below`, `level`, `above`).
    pub(super) fn key(self) -> &'static str {
        match self {
            Standing::Below => "below",
            Standing::Level => "level",
            Standing::Above => "above",
        }
    }
}

/// The standing of an index difference (focus minus reference), tied at 4 decimals.
pub(super) fn standing(difference: f64) -> Standing {
    if index_value(difference.abs()) == index_value(0.0) {
        Standing::Level
    } else if difference < 0.0 {
        Standing::Below
    } else {
        Standing::Above
    }
}

/// The standing of a ratio (focus over reference), level when it shows as `1.000`.
pub(super) fn ratio_standing(ratio: f64) -> Standing {
    if ratio_value(ratio) == ratio_value(1.0) {
        Standing::Level
    } else if ratio < 1.0 {
        Standing::Below
    } else {
        Standing::Above
    }
}

/// How the difference to the reference changed from one survey to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// Behind in both, by less in the later one.
    Narrowed,
    /// Behind in both, by more.
    Widened,
    /// Behind in both, by the same shown amount.
    GapSame,
    /// Ahead in both, by more.
    LeadGrew,
    /// Ahead in both, by less.
    LeadShrank,
    /// Ahead in both, by the same shown amount.
    LeadSame,
    /// Level with the reference in both.
    LevelBoth,
    /// The standing changed (a crossing, or a tie reached or left).
    Moved,
}

impl Change {
    /// The catalogue key part.
    pub(super) fn key(self) -> &'static str {
        match self {
            Change::Narrowed => "narrowed",
            Change::Widened => "widened",
            Change::GapSame => "gap_same",
            Change::LeadGrew => "lead_grew",
            Change::LeadShrank => "lead_shrank",
            Change::LeadSame => "lead_same",
            Change::LevelBoth => "level_both",
            Change::Moved => "moved",
        }
    }
}

/// The change between an earlier difference `d0` and a later one `d1` (focus minus reference).
pub(super) fn change(d0: f64, d1: f64) -> Change {
    let (s0, s1) = (standing(d0), standing(d1));
    if s0 != s1 {
        return Change::Moved;
    }
    // Compared as shown, so that "narrowed" never sits beside two equal numbers.
    let (a0, a1) = (index_value(d0.abs()), index_value(d1.abs()));
    let same = a0 == a1;
    let less = d1.abs() < d0.abs();
    match s0 {
        Standing::Level => Change::LevelBoth,
        Standing::Below if same => Change::GapSame,
        Standing::Below if less => Change::Narrowed,
        Standing::Below => Change::Widened,
        Standing::Above if same => Change::LeadSame,
        Standing::Above if less => Change::LeadShrank,
        Standing::Above => Change::LeadGrew,
    }
}

/// The positions of the highest values shown, in input order: every country tied for first at
/// 4 decimals.
pub(super) fn leaders(values: &[Option<f64>]) -> Vec<usize> {
    let Some(max) = values.iter().flatten().copied().max_by(f64::total_cmp) else {
        return Vec::new();
    };
    let shown = index_value(max);
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_some_and(|v| index_value(v) == shown))
        .map(|(i, _)| i)
        .collect()
}

/// How the focus country's difference to the benchmark mean changed between two surveys, in
/// words that fit both signs.
pub(super) fn change_sentence(
    tx: &Text<'_>,
    country: &str,
    (from_year, d0): (Year, f64),
    (to_year, d1): (Year, f64),
) -> Result<String> {
    let position = |kind: &str, d: f64| {
        tx.fill(
            &format!("benchmark.{kind}.{}", standing(d).key()),
            &[("difference", &index_value(d.abs()))],
        )
    };
    tx.fill(
        &format!("benchmark.change.{}", change(d0, d1).key()),
        &[
            ("country", &country),
            ("from_year", &from_year),
            ("from", &index_value(d0.abs())),
            ("to_year", &to_year),
            ("to", &index_value(d1.abs())),
            ("from_position", &position("position_from", d0)?),
            ("to_position", &position("position_to", d1)?),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::normalise::country::Concordance;
    use crate::render::i18n::Catalogue;

    #[test]
    fn change_sentences_say_the_sign_in_both_languages() {
        let conc = Concordance::embedded();
        let (en, zh) = (
            Catalogue::load(Lang::En, None).unwrap(),
            Catalogue::load(Lang::Zh, None).unwrap(),
        );
        let (en, zh) = (Text::new(&en, &conc), Text::new(&zh, &conc));
        let (y0, y1) = (Year::new(2022).unwrap(), Year::new(2024).unwrap());
        // (earlier, later, English, Chinese): each case's words and numbers.
        let cases: [(f64, f64, &str, &str); 7] = [
            (
                -0.0136,
                0.0147,
                "China went from 0.0136 below the benchmark mean in 2022 to 0.0147 above it in 2024.",
                "中国从2022年低于标杆国家均值0.0136变为2024年高于均值0.0147。",
            ),
            (
                0.0136,
                -0.0147,
                "China went from 0.0136 above the benchmark mean in 2022 to 0.0147 below it in 2024.",
                "中国从2022年高于标杆国家均值0.0136变为2024年低于均值0.0147。",
            ),
            (
                -0.3116,
                -0.2344,
                "The gap narrowed from 0.3116 in 2022 to 0.2344 in 2024.",
                "差距从2022年的0.3116缩小到2024年的0.2344。",
            ),
            (
                -0.2344,
                -0.3116,
                "The gap widened from 0.2344 in 2022 to 0.3116 in 2024.",
                "差距从2022年的0.2344扩大到2024年的0.3116。",
            ),
            (
                0.01,
                0.05,
                "China's lead over the mean grew from 0.0100 in 2022 to 0.0500 in 2024.",
                "中国领先均值的幅度从2022年的0.0100扩大到2024年的0.0500。",
            ),
            (
                0.05,
                0.00001,
                "China went from 0.0500 above the benchmark mean in 2022 to level with it in 2024.",
                "中国从2022年高于标杆国家均值0.0500变为2024年与均值持平。",
            ),
            (
                0.0,
                0.0,
                "China was level with the benchmark mean in both 2022 and 2024.",
                "2022年和2024年中国均与标杆国家均值持平。",
            ),
        ];
        for (d0, d1, want_en, want_zh) in cases {
            let got = change_sentence(&en, "China", (y0, d0), (y1, d1)).unwrap();
            assert_eq!(got, want_en, "{d0} -> {d1}");
            let got = change_sentence(&zh, "中国", (y0, d0), (y1, d1)).unwrap();
            assert_eq!(got, want_zh, "{d0} -> {d1}");
        }
    }

    #[test]
    fn standings_tie_at_the_shown_precision() {
        let cases = [
            (-0.0136, Standing::Below),
            (0.0147, Standing::Above),
            (0.0, Standing::Level),
            (0.000_04, Standing::Level),
            (-0.000_04, Standing::Level),
            (-0.000_06, Standing::Below),
        ];
        for (d, want) in cases {
            assert_eq!(standing(d), want, "difference {d}");
        }
        assert_eq!(ratio_standing(0.9996), Standing::Level);
        assert_eq!(ratio_standing(0.998), Standing::Below);
        assert_eq!(ratio_standing(1.2), Standing::Above);
    }

    #[test]
    fn changes_follow_the_sign_of_both_differences() {
        // (earlier, later, expected): trail, lead, cross over and tie cases.
        let cases = [
            (-0.3116, -0.2344, Change::Narrowed),
            (-0.2344, -0.3116, Change::Widened),
            (-0.2344, -0.234_38, Change::GapSame),
            (0.01, 0.05, Change::LeadGrew),
            (0.05, 0.01, Change::LeadShrank),
            (0.05, 0.050_01, Change::LeadSame),
            (-0.0136, 0.0147, Change::Moved),
            (0.0136, -0.0147, Change::Moved),
            (0.0, -0.02, Change::Moved),
            (-0.02, 0.000_01, Change::Moved),
            (0.0, 0.000_02, Change::LevelBoth),
        ];
        for (d0, d1, want) in cases {
            assert_eq!(change(d0, d1), want, "{d0} -> {d1}");
        }
    }

    #[test]
    fn leaders_are_every_value_tied_for_first() {
        let v = [Some(0.9), Some(0.957_71), None, Some(0.957_66), Some(0.5)];
        assert_eq!(leaders(&v), vec![1, 3]);
        assert_eq!(leaders(&[Some(0.2), Some(0.3)]), vec![1]);
        assert!(leaders(&[None, None]).is_empty());
    }
}

//! Header recognition: one data-driven synonym table for every column the pipeline understands.
//!
//! A header is compared by its key (accents, case, spaces and punctuation removed), so
//! `E-Government Index`, `e-gov-index`, `E_Index` and `EGDI` all land on the same measure.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::country::match_key;
use crate::model::Measure;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnRole {
    /// The survey year.
    Year,
    /// The country's name.
    CountryName,
    /// The country's code (ISO3 or a UN alias code).
    CountryCode,
    /// The country's region.
    Region,
    /// A measure in the wide layout.
    Measure(Measure),
    /// The measure name column of the long layout.
    LongMeasure,
    /// The value column of the long layout.
    LongValue,
}

impl ColumnRole {
    /// A short description for messages.
    pub fn describe(self) -> String {
        match self {
            ColumnRole::Year => "the survey year".into(),
            ColumnRole::CountryName => "the country name".into(),
            ColumnRole::CountryCode => "the country code".into(),
            ColumnRole::Region => "the region".into(),
            ColumnRole::Measure(m) => m.key().into(),
            ColumnRole::LongMeasure => "the measure name".into(),
            ColumnRole::LongValue => "the value".into(),
        }
    }
}

/// Header spellings per role. Each is matched by its key, so punctuation and case do not matter;
/// every measure's own output key (`internet_users_pct`) is recognised as well.
const SYNONYMS: &[(ColumnRole, &[&str])] = &[
    (
        ColumnRole::Year,
        &["Survey Year", "Year", "Survey", "Edition", "Survey edition"],
    ),
    (
        ColumnRole::CountryName,
        &[
            "Country Name",
            "Country",
            "country-name",
            "Common Name",
            "Country or Area",
            "Country or territory",
            "Member State",
            "Economy",
            "Name",
        ],
    ),
    (
        ColumnRole::CountryCode,
        &[
            "CODE",
            "ISO3",
            "ISO",
            "country-code",
            "Country Code",
            "ISO Code",
            "ISO3 Code",
            "ISO alpha3",
            "ISO 3166-1 alpha-3",
            "Country ISO3",
        ],
    ),
    (
        ColumnRole::Region,
        &["Region", "Continent", "UN Region", "M49 Region"],
    ),
    (
        ColumnRole::LongMeasure,
        &["measure", "indicator", "variable", "index"],
    ),
    (ColumnRole::LongValue, &["value", "score"]),
    (
        ColumnRole::Measure(Measure::Egdi),
        &[
            "EGDI",
            "E-Government Index",
            "e-gov-index",
            "E_Index",
            "E-Government Development Index",
            "EGDI Score",
            "E-Gov Index",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Osi),
        &[
            "OSI",
            "Online Service Index",
            "Online_Service",
            "Online Services Index",
            "Online Service",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Tii),
        &[
            "TII",
            "Telecommunication Infrastructure Index",
            "Tele_Infra",
            "Telecommunication Infrastructure",
            "Telecom Infrastructure Index",
            "Telecommunications Infrastructure Index",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Hci),
        &[
            "HCI",
            "Human Capital Index",
            "Human_Capital",
            "Human Capital",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Epi),
        &[
            "EPI",
            "E-Participation Index",
            "e-pat-index",
            "E_Participation",
            "E-Participation",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Rank),
        &[
            "RANK",
            "E-Government Rank",
            "e-gov-rank",
            "EGDI Rank",
            "E_Rank",
            "E-Gov Rank",
        ],
    ),
    (
        ColumnRole::Measure(Measure::InternetUsersPct),
        &[
            "Percentage of Individuals using the Internet",
            "Individuals using the Internet",
            "Internet users",
            "Internet users (%)",
            "Internet Users per 100 inhabitants",
        ],
    ),
    (
        ColumnRole::Measure(Measure::FixedTelephonePer100),
        &[
            "Fixed-telephone subscriptions per 100 inhabitants",
            "Fixed telephone subscriptions",
            "Fixed telephone lines per 100 inhabitants",
            "Main fixed telephone lines per 100 inhabitants",
        ],
    ),
    (
        ColumnRole::Measure(Measure::MobileCellularPer100),
        &[
            "Mobile-cellular telephone subscriptions per 100 inhabitants",
            "Mobile-cellular subscriptions per 100 inhabitants",
            "Mobile cellular subscriptions",
            "Mobile subscribers per 100 inhabitants",
        ],
    ),
    (
        ColumnRole::Measure(Measure::FixedBroadbandPer100),
        &[
            "Fixed (wired)-broadband subscriptions per 100 inhabitants",
            "Fixed broadband subscriptions per 100 inhabitants",
            "Fixed broadband subscriptions",
            "Fixed wired broadband subscriptions",
        ],
    ),
    (
        ColumnRole::Measure(Measure::WirelessBroadbandPer100),
        &[
            "Active mobile-broadband subscriptions per 100 inhabitants",
            "Wireless broadband subscriptions per 100 inhabitants",
            "Active mobile broadband subscriptions",
            "Wireless broadband subscriptions",
        ],
    ),
    (
        ColumnRole::Measure(Measure::AdultLiteracyPct),
        &[
            "Adult literacy rate (%)",
            "Adult literacy rate",
            "Adult literacy",
        ],
    ),
    (
        ColumnRole::Measure(Measure::GrossEnrolmentPct),
        &[
            "Gross enrolment ratio (%)",
            "Gross enrolment ratio",
            "Gross enrollment ratio",
            "Combined gross enrolment ratio",
        ],
    ),
    (
        ColumnRole::Measure(Measure::ExpectedYearsSchooling),
        &["Expected years of schooling"],
    ),
    (
        ColumnRole::Measure(Measure::MeanYearsSchooling),
        &["Mean years of schooling"],
    ),
    (
        ColumnRole::Measure(Measure::Stage1Pct),
        &[
            "Stage 1 - Emerging (%)",
            "Stage 1",
            "Stage 1 (%)",
            "Emerging",
            "Stage I",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Stage2Pct),
        &[
            "Stage 2 - Enhanced (%)",
            "Stage 2",
            "Stage 2 (%)",
            "Enhanced",
            "Stage II",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Stage3Pct),
        &[
            "Stage 3 - Transactional (%)",
            "Stage 3",
            "Stage 3 (%)",
            "Transactional",
            "Stage III",
        ],
    ),
    (
        ColumnRole::Measure(Measure::Stage4Pct),
        &[
            "Stage 4 - Connected (%)",
            "Stage 4",
            "Stage 4 (%)",
            "Connected",
            "Stage IV",
        ],
    ),
];

static BY_KEY: LazyLock<HashMap<String, ColumnRole>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (role, names) in SYNONYMS {
        for name in *names {
            map.insert(match_key(name), *role);
        }
    }
    for m in Measure::ALL {
        map.insert(match_key(m.key()), ColumnRole::Measure(m));
    }
    map
});

/// The role of a header, if it is one the pipeline understands.
pub fn recognise(header: &str) -> Option<ColumnRole> {
    let key = match_key(header);
    if key.is_empty() {
        return None;
    }
    BY_KEY.get(&key).copied()
}

/// The measure named by a cell of the long layout's measure column.
pub fn recognise_measure(name: &str) -> Option<Measure> {
    match recognise(name) {
        Some(ColumnRole::Measure(m)) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_header_variants_are_recognised() {
        let cases = [
            ("E-Government Index", Measure::Egdi),
            ("e-gov-index", Measure::Egdi),
            ("E_Index", Measure::Egdi),
            ("EGDI", Measure::Egdi),
            ("Online Service Index", Measure::Osi),
            ("osi", Measure::Osi),
            ("Online_Service", Measure::Osi),
            ("Tele_Infra", Measure::Tii),
            ("Telecommunication Infrastructure Index", Measure::Tii),
            ("Human_Capital", Measure::Hci),
            ("hci", Measure::Hci),
            ("e-pat-index", Measure::Epi),
            ("E_Participation", Measure::Epi),
            ("E-Government Rank", Measure::Rank),
            ("Rank", Measure::Rank),
            (
                "Percentage of Individuals using the Internet",
                Measure::InternetUsersPct,
            ),
            (
                "Fixed (wired)-broadband subscriptions per 100 inhabitants",
                Measure::FixedBroadbandPer100,
            ),
            ("Adult literacy rate (%)", Measure::AdultLiteracyPct),
            ("Stage 3 - Transactional (%)", Measure::Stage3Pct),
            (
                "wireless_broadband_per100",
                Measure::WirelessBroadbandPer100,
            ),
        ];
        for (header, measure) in cases {
            assert_eq!(
                recognise(header),
                Some(ColumnRole::Measure(measure)),
                "`{header}`"
            );
        }
    }

    #[test]
    fn country_year_and_region_columns_are_recognised() {
        assert_eq!(recognise("Survey Year"), Some(ColumnRole::Year));
        assert_eq!(recognise("country-name"), Some(ColumnRole::CountryName));
        assert_eq!(recognise("COMMON NAME"), Some(ColumnRole::CountryName));
        assert_eq!(recognise("COUNTRY CODE"), Some(ColumnRole::CountryCode));
        assert_eq!(recognise("CODE"), Some(ColumnRole::CountryCode));
        assert_eq!(recognise("REGION"), Some(ColumnRole::Region));
        assert_eq!(recognise("OFFICIAL NAME"), None);
        assert_eq!(recognise("  "), None);
    }

    #[test]
    fn no_spelling_is_given_to_two_roles() {
        let mut seen: HashMap<String, ColumnRole> = HashMap::new();
        for (role, names) in SYNONYMS {
            for name in *names {
                if let Some(other) = seen.insert(match_key(name), *role) {
                    assert_eq!(other, *role, "`{name}`");
                }
            }
        }
    }
}

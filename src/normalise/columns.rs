//! Header recognition: one data-driven synonym table for every column the pipeline understands.
//!
//! A header is compared by its key (accents, case, spaces and punctuation removed), so
//! `E-Government Index`, `e-gov-index`, `E_Index` and `EGDI` all land on the same measure.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::country::match_key;
use crate::model::{Measure, Year};

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
    /// The country's income group (a country reference table's `INCOME` column).
    Income,
    /// A measure in the wide layout.
    Measure(Measure),
    /// The measure name column of the long layout.
    LongMeasure,
    /// The value column of the long layout.
    LongValue,
    /// The indicator's label beside an indicator code column (`INDICATOR_LABEL`).
    IndicatorLabel,
}

impl ColumnRole {
    /// A short description for messages.
    pub fn describe(self) -> String {
        match self {
            ColumnRole::Year => "the survey year".into(),
            ColumnRole::CountryName => "the country name".into(),
            ColumnRole::CountryCode => "the country code".into(),
            ColumnRole::Region => "the region".into(),
            ColumnRole::Income => "the income group".into(),
            ColumnRole::Measure(m) => m.key().into(),
            ColumnRole::LongMeasure => "the measure name".into(),
            ColumnRole::LongValue => "the value".into(),
            ColumnRole::IndicatorLabel => "the indicator label".into(),
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
            // The World Bank's republication (Data360): `REF_AREA_LABEL` beside `REF_AREA`.
            "REF_AREA_LABEL",
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
            "ISO2",
            "ISO 3166-1 alpha-2",
            "REF_AREA",
        ],
    ),
    (
        ColumnRole::Region,
        &["Region", "Continent", "UN Region", "M49 Region"],
    ),
    (
        ColumnRole::Income,
        &[
            "Income",
            "Income group",
            "Income level",
            "World Bank income group",
        ],
    ),
    (
        ColumnRole::LongMeasure,
        &[
            "measure",
            "indicator",
            "variable",
            "index",
            "Indicator Code",
        ],
    ),
    (
        ColumnRole::IndicatorLabel,
        &["INDICATOR_LABEL", "Indicator Name"],
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
            // The World Bank's republication spells the index TTI.
            "TTI",
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

/// The measure named by a cell of the long layout's measure column, or by an indicator code
/// such as the World Bank's `UN_EGDI_OSI` (`UN_EGDI` alone is the EGDI itself).
pub fn recognise_measure(name: &str) -> Option<Measure> {
    let as_measure = |text: &str| match recognise(text) {
        Some(ColumnRole::Measure(m)) => Some(m),
        _ => None,
    };
    as_measure(name).or_else(|| {
        let key = match_key(name);
        let rest = key.strip_prefix("unegdi")?;
        if rest.is_empty() {
            Some(Measure::Egdi)
        } else {
            as_measure(rest)
        }
    })
}

/// What a header cell announces: a role, a measure of one survey year (`EGDI 2016`,
/// `E-Government Index_2014`, `2018 OSI`), or a survey year column (`2003`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HeaderMeaning {
    /// A column role.
    Role(ColumnRole),
    /// A measure whose survey year is part of the header.
    MeasureOfYear(Measure, Year),
    /// A column of one survey year (the measure comes from elsewhere).
    YearColumn(Year),
}

/// Header names mapped to the SPEC's keys by the configuration's `[columns]` table, for files in
/// other languages or with custom names. They are consulted before the built-in synonyms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderSynonyms {
    by_key: HashMap<String, ColumnRole>,
}

impl HeaderSynonyms {
    /// Builds the table from `header name -> key` pairs.
    ///
    /// # Errors
    /// A message naming the first pair whose key is not one of the SPEC's.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        let mut by_key = HashMap::new();
        for (header, target) in pairs {
            let role = role_of_key(target).ok_or_else(|| {
                format!(
                    "`{header}` = `{target}`: `{target}` is not a column key (country, iso3, year, \
                     region, measure, value, or a measure such as EGDI, OSI, TII, HCI)"
                )
            })?;
            let key = match_key(header);
            if key.is_empty() {
                return Err(format!("`{header}` is not a header name"));
            }
            by_key.insert(key, role);
        }
        Ok(Self { by_key })
    }

    /// What a header cell means, the configured names first.
    pub fn meaning(&self, header: &str) -> Option<HeaderMeaning> {
        let role = |text: &str| {
            let key = match_key(text);
            if key.is_empty() {
                return None;
            }
            self.by_key.get(&key).copied().or_else(|| recognise(text))
        };
        if let Some(r) = role(header) {
            return Some(HeaderMeaning::Role(r));
        }
        let trimmed = header.trim();
        if let Some(year) = whole_year(trimmed) {
            return Some(HeaderMeaning::YearColumn(year));
        }
        let (rest, year) = split_year(trimmed)?;
        match role(rest) {
            Some(ColumnRole::Measure(m)) => Some(HeaderMeaning::MeasureOfYear(m, year)),
            _ => None,
        }
    }
}

/// The role named by a `[columns]` key.
fn role_of_key(target: &str) -> Option<ColumnRole> {
    match match_key(target).as_str() {
        "country" | "countryname" | "name" => Some(ColumnRole::CountryName),
        "iso3" | "iso2" | "code" | "countrycode" => Some(ColumnRole::CountryCode),
        "year" | "surveyyear" => Some(ColumnRole::Year),
        "region" => Some(ColumnRole::Region),
        "income" | "incomegroup" => Some(ColumnRole::Income),
        "measure" | "indicator" => Some(ColumnRole::LongMeasure),
        "value" => Some(ColumnRole::LongValue),
        _ => Measure::ALL
            .into_iter()
            .find(|m| m.key().eq_ignore_ascii_case(target.trim()))
            .map(ColumnRole::Measure),
    }
}

/// `2003` (a header that is only a survey year).
fn whole_year(text: &str) -> Option<Year> {
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        Year::new(text.parse().ok()?)
    } else {
        None
    }
}

/// `EGDI 2016`, `E-Government Index_2014`, `2018 OSI`: the header without its year, and the year.
fn split_year(text: &str) -> Option<(&str, Year)> {
    let separators: &[char] = &[' ', '_', '-', '(', ')', '.', ','];
    let text = text.trim_end_matches([')', ']', ' ']);
    if text.len() > 4 && text.is_char_boundary(text.len() - 4) {
        let (head, tail) = text.split_at(text.len() - 4);
        if let Some(year) = whole_year(tail)
            && !head.ends_with(|c: char| c.is_ascii_digit())
        {
            let head = head.trim_end_matches(separators);
            if !head.is_empty() {
                return Some((head, year));
            }
        }
    }
    if text.len() > 4 && text.is_char_boundary(4) {
        let (head, tail) = text.split_at(4);
        if let Some(year) = whole_year(head)
            && tail.starts_with(separators)
        {
            let tail = tail.trim_start_matches(separators);
            if !tail.is_empty() {
                return Some((tail, year));
            }
        }
    }
    None
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
    fn headers_carrying_the_year_are_measures_of_that_year() {
        let none = HeaderSynonyms::default();
        let year = |y| Year::new(y).unwrap();
        let cases = [
            ("E-Government Index_2014", Measure::Egdi, 2014),
            ("EGDI 2016", Measure::Egdi, 2016),
            ("2018 OSI", Measure::Osi, 2018),
            ("Human Capital Index (2020)", Measure::Hci, 2020),
        ];
        for (header, m, y) in cases {
            assert_eq!(
                none.meaning(header),
                Some(HeaderMeaning::MeasureOfYear(m, year(y))),
                "`{header}`"
            );
        }
        assert_eq!(
            none.meaning("2003"),
            Some(HeaderMeaning::YearColumn(year(2003)))
        );
        assert_eq!(none.meaning("1999"), None);
        assert_eq!(none.meaning("Population 2016"), None);
        assert_eq!(none.meaning("EGDI2016x"), None);
    }

    #[test]
    fn world_bank_indicator_codes_name_measures() {
        assert_eq!(recognise_measure("UN_EGDI_OSI"), Some(Measure::Osi));
        assert_eq!(recognise_measure("UN_EGDI_TTI"), Some(Measure::Tii));
        assert_eq!(recognise_measure("UN_EGDI_HCI"), Some(Measure::Hci));
        assert_eq!(recognise_measure("UN_EGDI"), Some(Measure::Egdi));
        assert_eq!(recognise_measure("UN_EGDI_XYZ"), None);
        assert_eq!(recognise("REF_AREA"), Some(ColumnRole::CountryCode));
        assert_eq!(recognise("INDICATOR"), Some(ColumnRole::LongMeasure));
        assert_eq!(
            recognise("INDICATOR_LABEL"),
            Some(ColumnRole::IndicatorLabel)
        );
    }

    #[test]
    fn configured_header_names_come_before_the_built_in_ones() {
        let map =
            HeaderSynonyms::new([("Negara", "country"), ("Tahun", "year"), ("Index", "EGDI")])
                .unwrap();
        assert_eq!(
            map.meaning("negara"),
            Some(HeaderMeaning::Role(ColumnRole::CountryName))
        );
        assert_eq!(
            map.meaning("Tahun"),
            Some(HeaderMeaning::Role(ColumnRole::Year))
        );
        assert_eq!(
            map.meaning("Index"),
            Some(HeaderMeaning::Role(ColumnRole::Measure(Measure::Egdi)))
        );
        let err = HeaderSynonyms::new([("Skor", "score")]).unwrap_err();
        assert!(err.contains("`score` is not a column key"), "{err}");
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

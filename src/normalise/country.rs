//! The country concordance: the 193 UN Member States, their codes, regions, names and aliases.
//!
//! The table is embedded from `countries.csv` (ISO3, ISO2, M49, region, sub-region, income
//! group, English short and official names, Chinese name, aliases, UN country groups). The
//! sub-regions and income groups are those of the UNU-EGOV countries file (UNU-EGOV/datasets
//! `countries/` at commit 3b9c435); the LDC, LLDC and SIDS memberships are the UN-OHRLLS lists as
//! of December 2024 (44 LDCs, after São Tomé and Príncipe's graduation; 32 LLDCs; the 38 SIDS
//! that are Member States). Matching compares keys that ignore accents, case, spaces and
//! punctuation; it is never fuzzy. Fuzzy similarity only ranks "closest known names" hints.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::model::Region;

const EMBEDDED: &str = include_str!("countries.csv");

/// The date of the embedded LDC, LLDC and SIDS lists.
pub const GROUP_LISTS_DATE: &str = "2024-12";

/// The year the embedded income groups refer to (the UNU-EGOV countries file says its income
/// features are those of 2018).
pub const INCOME_SNAPSHOT_YEAR: &str = "2018";

/// The income groups, best-off first, as the embedded snapshot and `groups.csv` write them.
pub const INCOME_GROUPS: [&str; 4] = ["High", "Upper-Middle", "Lower-Middle", "Low"];

/// An income group as a reference table writes it (`Upper-Middle`, `upper middle income`,
/// `High income`), in the snapshot's spelling; `None` for anything else.
pub fn parse_income(text: &str) -> Option<&'static str> {
    let key = match_key(text);
    let key = key.strip_suffix("income").unwrap_or(&key);
    INCOME_GROUPS.into_iter().find(|g| match_key(g) == key)
}

/// A country's position in the concordance; ordering follows ISO3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CountryId(u32);

impl CountryId {
    /// The position as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One country of the concordance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Country {
    /// ISO 3166-1 alpha-3 code (or the configured code of an extra entity).
    pub iso3: String,
    /// ISO 3166-1 alpha-2 code (`CN`), empty for extra entities.
    pub iso2: String,
    /// UN M49 numeric code (`156`), empty for extra entities.
    pub m49: String,
    /// The M49 region.
    pub region: Region,
    /// The UN M49 English short name.
    pub name_en: String,
    /// The formal English name.
    pub name_official: String,
    /// The Chinese short name.
    pub name_zh: String,
    /// Other spellings found in UN files.
    pub aliases: Vec<String>,
    /// The M49 sub-region (intermediate region where M49 has one: `Eastern Africa`), empty for
    /// extra entities.
    pub subregion: String,
    /// The World Bank income group (`High`, `Upper-Middle`, `Lower-Middle`, `Low`) of the
    /// embedded snapshot, empty for extra entities.
    pub income: String,
    /// The UN country groups the country belongs to: `LDC`, `LLDC`, `SIDS`.
    pub groups: Vec<String>,
}

/// How a name was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The code or the English short name.
    Canonical,
    /// The formal name, an alias or a former name.
    Alias,
}

/// The countries a configuration names, as ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The focus country.
    pub focus: CountryId,
    /// The benchmarks, in the configured order.
    pub benchmarks: Vec<CountryId>,
    /// A fixed panel, in id order.
    pub panel: Option<Vec<CountryId>>,
}

/// The countries known to a run, with their lookup keys.
#[derive(Debug, Clone)]
pub struct Concordance {
    countries: Vec<Country>,
    keys: HashMap<String, (CountryId, MatchKind)>,
}

/// An extra entity (e.g. a sub-national unit) added to the concordance by configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraEntity {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its region.
    pub region: Region,
}

impl Concordance {
    /// The embedded concordance of the 193 Member States.
    ///
    /// # Panics
    /// If the embedded table is malformed (checked by the unit tests).
    pub fn embedded() -> Self {
        Self::with_extra(&[]).expect("embedded concordance is valid")
    }

    /// The embedded concordance plus extra entities.
    ///
    /// # Errors
    /// A message naming an extra entity whose code or name is already taken.
    pub fn with_extra(extra: &[ExtraEntity]) -> Result<Self, String> {
        let mut countries = parse_embedded();
        for e in extra {
            countries.push(Country {
                iso3: e.code.clone(),
                iso2: String::new(),
                m49: String::new(),
                region: e.region,
                name_en: e.name.clone(),
                name_official: e.name.clone(),
                name_zh: e.name.clone(),
                aliases: Vec::new(),
                subregion: String::new(),
                income: String::new(),
                groups: Vec::new(),
            });
        }
        countries.sort_by(|a, b| a.iso3.cmp(&b.iso3));
        let mut keys: HashMap<String, (CountryId, MatchKind)> =
            HashMap::with_capacity(countries.len() * 4);
        for (i, c) in countries.iter().enumerate() {
            let id = CountryId(u32::try_from(i).map_err(|_| "too many entities".to_string())?);
            // A formal name (`Czech Republic` for Czechia) is read like an alias, so that the report
            // lists the spellings that differ from the names it prints.
            let canonical = [&c.iso3, &c.name_en];
            let entries = canonical
                .into_iter()
                .map(|n| (n, MatchKind::Canonical))
                .chain(
                    std::iter::once(&c.name_official)
                        .chain(&c.aliases)
                        .map(|n| (n, MatchKind::Alias)),
                );
            for (name, kind) in entries {
                let key = match_key(name);
                if let Some(&(other, _)) = keys.get(&key) {
                    if other != id {
                        return Err(format!(
                            "`{name}` names both {} and {}",
                            countries[other.index()].iso3,
                            c.iso3
                        ));
                    }
                    continue;
                }
                keys.insert(key, (id, kind));
            }
        }
        Ok(Self { countries, keys })
    }

    /// Finds a country by name or code.
    pub fn lookup(&self, name: &str) -> Option<(CountryId, MatchKind)> {
        self.keys.get(&match_key(name)).copied()
    }

    /// Finds a country from a code column's cell: an ISO3 code, a UN alias code (`BHM`), or,
    /// for a two-letter cell, an ISO 3166-1 alpha-2 code (`CN`). Names are accepted too, as some
    /// files put names in their code column.
    pub fn lookup_code(&self, text: &str) -> Option<(CountryId, MatchKind)> {
        let code = text.trim();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            let upper = code.to_ascii_uppercase();
            return self
                .countries
                .iter()
                .position(|c| c.iso2 == upper)
                .map(|i| {
                    (
                        CountryId(u32::try_from(i).expect("index fits")),
                        MatchKind::Canonical,
                    )
                });
        }
        self.lookup(code)
    }

    /// Resolves the countries a configuration names, once for the whole run: codes in, ids
    /// out; each unknown code is a message naming its key.
    ///
    /// # Errors
    /// One message per unknown code (`` `focus`: `XYZ` is not a known country code ``).
    pub fn resolve_named(
        &self,
        focus: &str,
        benchmarks: &[String],
        panel: Option<&[String]>,
    ) -> Result<Named, Vec<String>> {
        let mut unknown = Vec::new();
        let mut lookup = |key: &str, code: &str| {
            let id = self.by_code(code);
            if id.is_none() {
                unknown.push(format!("`{key}`: `{code}` is not a known country code"));
            }
            id
        };
        let focus = lookup("focus", focus);
        let benchmarks: Vec<Option<CountryId>> =
            benchmarks.iter().map(|b| lookup("benchmarks", b)).collect();
        let panel: Option<Vec<Option<CountryId>>> =
            panel.map(|list| list.iter().map(|c| lookup("panel_countries", c)).collect());
        match focus {
            Some(focus) if unknown.is_empty() => Ok(Named {
                focus,
                benchmarks: benchmarks.into_iter().flatten().collect(),
                panel: panel.map(|list| {
                    let mut ids: Vec<CountryId> = list.into_iter().flatten().collect();
                    ids.sort();
                    ids.dedup();
                    ids
                }),
            }),
            _ => Err(unknown),
        }
    }

    /// Finds a country by its exact code (`CHN`), case-insensitively.
    pub fn by_code(&self, code: &str) -> Option<CountryId> {
        let code = code.trim().to_ascii_uppercase();
        self.countries
            .binary_search_by(|c| c.iso3.as_str().cmp(&code))
            .ok()
            .map(|i| CountryId(u32::try_from(i).expect("index fits")))
    }

    /// The country of an id.
    pub fn get(&self, id: CountryId) -> &Country {
        &self.countries[id.index()]
    }

    /// Number of countries.
    pub fn len(&self) -> usize {
        self.countries.len()
    }

    /// Whether there are no countries.
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }

    /// Every country with its id, in ISO3 order.
    pub fn iter(&self) -> impl Iterator<Item = (CountryId, &Country)> {
        self.countries
            .iter()
            .enumerate()
            .map(|(i, c)| (CountryId(u32::try_from(i).expect("index fits")), c))
    }

    /// The three known names closest to `name`, for "did you mean" hints.
    ///
    /// Only the first [`crate::error::MAX_ECHOED_CHARS`] characters of each name are compared:
    /// Jaro-Winkler is quadratic in the length, and a 1 MiB cell would take minutes.
    pub fn closest(&self, name: &str) -> Vec<String> {
        let capped =
            |n: &str| -> String { n.chars().take(crate::error::MAX_ECHOED_CHARS).collect() };
        let key = match_key(&capped(name));
        let mut scored: Vec<(f64, &str)> = self
            .countries
            .iter()
            .flat_map(|c| {
                std::iter::once(&c.name_en)
                    .chain(c.aliases.iter())
                    .map(move |n| (n, c.name_en.as_str()))
            })
            .map(|(n, canonical)| {
                (
                    strsim::jaro_winkler(&key, &match_key(&capped(n))),
                    canonical,
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, n) in scored {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }
}

impl fmt::Display for CountryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The matching key: ASCII transliteration, lowercase, letters and digits only.
///
/// `Côte d'Ivoire ` -> `cotedivoire`; `Korea, South` -> `koreasouth`.
pub fn match_key(name: &str) -> String {
    let ascii = if name.is_ascii() {
        std::borrow::Cow::Borrowed(name)
    } else {
        deunicode::deunicode(name).into()
    };
    ascii
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn parse_embedded() -> Vec<Country> {
    let mut reader = csv::Reader::from_reader(EMBEDDED.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("embedded countries.csv is valid CSV");
            let list = |field: &str| -> Vec<String> {
                if field.is_empty() {
                    Vec::new()
                } else {
                    field.split('|').map(str::to_string).collect()
                }
            };
            Country {
                iso3: r[0].to_string(),
                iso2: r[1].to_string(),
                m49: r[2].to_string(),
                region: Region::parse(&r[3]).expect("embedded region is valid"),
                subregion: r[4].to_string(),
                income: r[5].to_string(),
                name_en: r[6].to_string(),
                name_official: r[7].to_string(),
                name_zh: r[8].to_string(),
                aliases: list(&r[9]),
                groups: list(&r[10]),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_has_the_193_member_states() {
        let c = Concordance::embedded();
        assert_eq!(c.len(), 193);
        let by_region = |r| c.iter().filter(|(_, x)| x.region == r).count();
        assert_eq!(by_region(Region::Africa), 54);
        assert_eq!(by_region(Region::Americas), 35);
        assert_eq!(by_region(Region::Asia), 47);
        assert_eq!(by_region(Region::Europe), 43);
        assert_eq!(by_region(Region::Oceania), 14);
    }

    #[test]
    fn every_alias_and_canonical_name_resolves_to_its_country() {
        let c = Concordance::embedded();
        let mut checked = 0;
        for (id, country) in c.iter() {
            let names = [&country.iso3, &country.name_en, &country.name_official];
            for name in names.into_iter().chain(country.aliases.iter()) {
                let (found, _) = c.lookup(name).unwrap_or_else(|| panic!("`{name}` unknown"));
                assert_eq!(found, id, "`{name}` resolves to {}", c.get(found).iso3);
                // Trailing spaces, case and accents never matter.
                let decorated = format!("  {} ", name.to_uppercase());
                assert_eq!(c.lookup(&decorated).map(|x| x.0), Some(id), "`{decorated}`");
                checked += 1;
            }
        }
        assert!(checked > 193 * 3, "only {checked} names checked");
    }

    #[test]
    fn the_hard_aliases_of_the_spec_resolve() {
        let c = Concordance::embedded();
        let cases = [
            ("Korea, South", "KOR"),
            ("Republic of Korea", "KOR"),
            ("Korea, North", "PRK"),
            ("The former Yugoslav Republic of Macedonia", "MKD"),
            ("North Macedonia", "MKD"),
            ("Swaziland", "SWZ"),
            ("Eswatini", "SWZ"),
            ("Turkey", "TUR"),
            ("Türkiye", "TUR"),
            ("Turkiye", "TUR"),
            ("Georgia (Country)", "GEO"),
            ("Czech Republic", "CZE"),
            ("Czechia", "CZE"),
            ("Laos", "LAO"),
            ("Brunei", "BRN"),
            ("Russia", "RUS"),
            ("Iran (Islamic Republic of)", "IRN"),
            ("Cape Verde", "CPV"),
            ("Côte d'Ivoire", "CIV"),
            ("Cote d'Ivoire", "CIV"),
            ("BHM", "BHS"),
            ("United Kingdom", "GBR"),
            ("United States", "USA"),
        ];
        for (name, iso3) in cases {
            let found = c.lookup(name).map(|(id, _)| c.get(id).iso3.clone());
            assert_eq!(found.as_deref(), Some(iso3), "`{name}`");
        }
        assert_eq!(
            c.lookup("Korea, South").map(|x| x.1),
            Some(MatchKind::Alias)
        );
        assert_eq!(
            c.lookup("Republic of Korea").map(|x| x.1),
            Some(MatchKind::Canonical)
        );
    }

    #[test]
    fn income_groups_are_read_in_their_usual_spellings() {
        assert_eq!(parse_income("Upper-Middle"), Some("Upper-Middle"));
        assert_eq!(parse_income(" upper middle income "), Some("Upper-Middle"));
        assert_eq!(parse_income("High income"), Some("High"));
        assert_eq!(parse_income("LOW"), Some("Low"));
        assert_eq!(parse_income("Lower-middle"), Some("Lower-Middle"));
        assert_eq!(parse_income("Middle"), None);
        assert_eq!(parse_income("Developing"), None);
        let c = Concordance::embedded();
        assert!(
            c.iter()
                .all(|(_, x)| INCOME_GROUPS.contains(&x.income.as_str()))
        );
    }

    #[test]
    fn unknown_names_get_the_three_closest_known_names() {
        let c = Concordance::embedded();
        assert!(c.lookup("Freedonia").is_none());
        let closest = c.closest("Germny");
        assert_eq!(closest.len(), 3);
        assert_eq!(closest[0], "Germany");
    }

    #[test]
    fn chinese_names_are_present_and_distinct() {
        let c = Concordance::embedded();
        let mut names: Vec<_> = c.iter().map(|(_, x)| x.name_zh.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 193);
        let china = c.by_code("chn").map(|id| c.get(id).name_zh.clone());
        assert_eq!(china.as_deref(), Some("中国"));
    }

    #[test]
    fn extra_entities_extend_the_concordance_and_keep_iso3_order() {
        let extra = [ExtraEntity {
            code: "ZZA0001".into(),
            name: "Entity 1".into(),
            region: Region::Asia,
        }];
        let c = Concordance::with_extra(&extra).unwrap();
        assert_eq!(c.len(), 194);
        let (id, _) = c.lookup("Entity 1").unwrap();
        assert_eq!(c.get(id).iso3, "ZZA0001");
        let codes: Vec<_> = c.iter().map(|(_, x)| x.iso3.clone()).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        let clash = [ExtraEntity {
            code: "X1".into(),
            name: "China".into(),
            region: Region::Asia,
        }];
        assert!(Concordance::with_extra(&clash).unwrap_err().contains("CHN"));
    }
}

//! The product of the analysis: the one value every renderer reads.
//!
//! [`Product::new`] takes the stage outputs apart once the analysis is done. What the reports
//! say about the data (the files read, the tables recognised, the aliases and oddities, the
//! countries' names and regions) moves into it with the results and the panel; the raw cells
//! and the fact table stay behind and are freed before anything is rendered.

use std::sync::Arc;

use crate::analysis::Results;
use crate::error::Diagnostic;
use crate::ingest::{Ingested, InputFile};
use crate::model::Region;
use crate::normalise::country::{Concordance, CountryId};
use crate::normalise::{
    AliasUse, IncomeSource, Normalised, Oddity, RegionNote, RegionOverride, TableSummary,
};
use crate::panel::Panel;

/// Everything a run's outputs are made from.
pub struct Product {
    /// Every table and figure.
    pub results: Results,
    /// The panel the results were computed on, with its exclusions.
    pub panel: Panel,
    /// Where the data came from.
    pub provenance: Provenance,
    /// The countries' names and regions.
    pub countries: Countries,
    /// The warnings of every stage, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Where the data came from, as the reports, the workbook and the manifest describe it.
pub struct Provenance {
    /// Every input file, sorted by name, with its size and SHA-256.
    pub files: Vec<InputFile>,
    /// The text of the input folder's `README.md`, if any.
    pub readme: Option<String>,
    /// What was recognised per table, in input order.
    pub tables: Vec<TableSummary>,
    /// How many values were read.
    pub facts: usize,
    /// Names that needed an alias, sorted by country then spelling.
    pub aliases: Vec<AliasUse>,
    /// Values kept as published although they look odd.
    pub oddities: Vec<Oddity>,
    /// Survey-table regions that disagree with the region used.
    pub region_notes: Vec<RegionNote>,
    /// Regions changed by reference tables.
    pub region_overrides: Vec<RegionOverride>,
    /// Where the income groups come from.
    pub income_source: IncomeSource,
}

/// The countries' display names (the concordance) and the region each is counted in.
pub struct Countries {
    /// The concordance: names, codes, aliases.
    pub names: Arc<Concordance>,
    regions: Vec<Region>,
}

impl Countries {
    /// A country's region (embedded, or as reference tables set it).
    pub fn region(&self, country: CountryId) -> Region {
        self.regions[country.index()]
    }
}

impl Product {
    /// The product of a run's stages; the raw cells of `ingested` and the facts of `normalised`
    /// are dropped here.
    pub fn new(
        ingested: Ingested,
        normalised: Normalised,
        panel: Panel,
        results: Results,
        diagnostics: Vec<Diagnostic>,
    ) -> Self {
        let Ingested { files, readme, .. } = ingested;
        let Normalised {
            concordance,
            facts,
            regions,
            tables,
            aliases,
            region_notes,
            region_overrides,
            income_source,
            oddities,
            ..
        } = normalised;
        Self {
            results,
            panel,
            provenance: Provenance {
                files,
                readme,
                tables,
                facts: facts.len(),
                aliases,
                oddities,
                region_notes,
                region_overrides,
                income_source,
            },
            countries: Countries {
                names: concordance,
                regions,
            },
            diagnostics,
        }
    }
}

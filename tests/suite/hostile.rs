//! Hostile input: every case of `tests/fixtures/hostile/` fails cleanly.
//!
//! Each case runs the binary on the bundled input first, so that a previous `output/` exists, then
//! on the case's folder into the same output folder. It must exit with the expected code, name the
//! place in its message (the exact fragments below), never panic, and leave the previous output
//! byte-identical. `tests/fixtures/hostile/README.md` lists the cases; `tests/suite/README.md` says
//! how to add one.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common;

const INPUT_ERROR: i32 = 2;
const OUTPUT_ERROR: i32 = 3;

/// Far more than any case needs; a case that allocates a huge range or loops would exceed it.
const TIME_LIMIT: Duration = Duration::from_secs(30);

fn fixture(case: &str) -> PathBuf {
    common::root().join("tests/fixtures/hostile").join(case)
}

/// A scratch folder holding `output/` made from the bundled input, and an empty `input/`.
struct Scene {
    dir: tempfile::TempDir,
    input: PathBuf,
    output: PathBuf,
}

impl Scene {
    fn new() -> Self {
        let (dir, output) = common::run_paper_panel(&[]);
        let input = dir.path().join("input");
        std::fs::create_dir(&input).unwrap();
        Self { dir, input, output }
    }

    /// A scene whose `input/` holds a copy of the fixture `case`.
    fn with_fixture(case: &str) -> Self {
        let scene = Self::new();
        crate::common::copy_dir(&fixture(case), &scene.input);
        scene
    }

    fn run(&self, command: &str, input: &Path, output: &Path) -> Output {
        let mut args = vec![command, "--input", input.to_str().unwrap()];
        if command == "run" {
            args.extend(["--output", output.to_str().unwrap()]);
        }
        let start = Instant::now();
        let out = common::run_bin(self.dir.path(), &args);
        assert!(start.elapsed() < TIME_LIMIT, "took {:?}", start.elapsed());
        out
    }

    /// Only `input/` and `output/` remain in the scratch folder (no staging or backup folders).
    fn assert_no_leftovers(&self) {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["input", "output"]);
    }
}

/// The run failed with `code`, its message holds every fragment, and nothing panicked.
fn assert_failed(out: &Output, code: i32, fragments: &[&str]) {
    let stderr = common::stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr:\n{stderr}");
    assert!(stderr.starts_with("error: "), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "`{fragment}` is missing from stderr:\n{stderr}"
        );
    }
}

/// Runs `run` and `validate` on the fixture `case`: both fail with the same input error.
fn fails_cleanly(case: &str, fragments: &[&str]) {
    let scene = Scene::with_fixture(case);
    let before = common::snapshot_dir(&scene.output);
    let run = scene.run("run", &scene.input, &scene.output);
    assert_failed(&run, INPUT_ERROR, fragments);
    assert!(
        common::snapshot_dir(&scene.output) == before,
        "the previous output changed"
    );
    scene.assert_no_leftovers();
    let validate = scene.run("validate", &scene.input, &scene.output);
    assert_failed(&validate, INPUT_ERROR, fragments);
    assert_eq!(common::stderr(&validate), common::stderr(&run));
}

/// One `#[test]` per corpus case: `name: "fixture folder" => [message fragments];`.
macro_rules! hostile_cases {
    ($($name:ident: $case:literal => [$($fragment:expr),+ $(,)?];)+) => {
        $(
            #[test]
            fn $name() {
                fails_cleanly($case, &[$($fragment),+]);
            }
        )+
        /// Every fixture folder is used by exactly one case (or by a test below).
        const TABLE_CASES: &[&str] = &[$($case),+];
    };
}

hostile_cases! {
    // File formats.
    a_truncated_xlsx_is_an_unreadable_workbook: "truncated_xlsx" => [
        "`survey-2018.xlsx` is not a readable workbook",
    ];
    an_xlsx_with_flipped_bytes_names_the_sheet_it_cannot_read: "corrupt_xlsx" => [
        "sheet `2018` of `survey-2018.xlsx` cannot be read",
    ];
    random_bytes_named_csv_are_binary_data: "random_bytes_csv" => [
        "`survey-2018.csv` is encoded as binary data",
        "hint: save it as CSV UTF-8",
    ];
    random_bytes_named_xlsx_are_an_unreadable_workbook: "random_bytes_xlsx" => [
        "`survey-2018.xlsx` is not a readable workbook",
    ];
    random_bytes_named_xls_are_an_unreadable_workbook: "random_bytes_xls" => [
        "`survey-2018.xls` is not a readable workbook",
    ];
    random_bytes_named_ods_are_an_unreadable_workbook: "random_bytes_ods" => [
        "`survey-2018.ods` is not a readable workbook",
    ];
    a_zip_that_is_not_a_workbook_is_an_unreadable_workbook: "zip_not_workbook" => [
        "`survey-2018.xlsx` is not a readable workbook",
    ];
    an_empty_csv_is_empty: "empty_csv" => ["`survey-2018.csv` is empty"];
    a_csv_of_blank_lines_is_empty: "blank_lines_csv" => ["`survey-2018.csv` is empty"];
    an_empty_xlsx_is_empty: "empty_xlsx" => ["`survey-2018.xlsx` is empty"];
    a_stray_cell_at_xfd1048576_fails_fast_naming_the_sheet_and_cell: "stray_cell_at_xfd1048576" => [
        "sheet `2018` of `survey-2018.xlsx` claims a used range of 1048576 rows x 16384 columns \
         (up to cell XFD1048576)",
        "hint: delete the stray cells outside the table",
    ];
    a_sheet_whose_only_cell_is_xfd1048576_fails_fast: "only_cell_at_xfd1048576" => [
        "sheet `2018` of `survey-2018.xlsx` claims a used range",
        "(up to cell XFD1048576)",
    ];
    a_stray_cell_at_xfd1048576_in_xlsb_fails_fast_instead_of_aborting:
        "stray_cell_at_xfd1048576_xlsb" => [
        "sheet `2018` of `survey-2018.xlsb` claims a used range",
        "(up to cell XFD1048576)",
    ];
    a_stray_cell_at_xfd1048576_in_ods_fails_fast: "stray_cell_at_xfd1048576_ods" => [
        "`survey-2018.ods` has a table whose repeated rows and cells expand to at least",
    ];
    a_workbook_without_a_single_cell_is_an_error: "workbook_without_cells_xlsx" => [
        "`survey-2018.xlsx` holds no cell in any of its sheets",
    ];
    a_csv_of_delimiters_only_is_empty: "csv_of_delimiters_only" => ["`survey-2018.csv` is empty"];
    a_csv_wider_than_a_sheet_names_the_row_and_limit: "csv_too_wide" => [
        "`survey-2018.csv`, row 1 has 2000 columns, more than the 1024 columns a run reads",
    ];
    a_duplicate_cell_address_names_the_cell: "duplicate_cell_address_xlsx" => [
        "sheet `2018` of `survey-2018.xlsx`, cell C3: the sheet lists this cell twice",
    ];
    a_row_past_the_last_sheet_row_names_the_cell: "row_past_the_last_row_xlsx" => [
        "sheet `2018` of `survey-2018.xlsx`, cell B1048577: the row lies past the last row",
    ];

    // Resource bombs: a few kilobytes declaring terabytes (each aborted the process before).
    // `bombs_stay_under_a_gigabyte` below runs them under a memory cap.
    a_shared_string_count_of_1e17_is_refused_before_reading: "shared_strings_count_bomb_xlsx" => [
        "`survey-2018.xlsx` declares 100000000000000000 shared strings (`uniqueCount` in \
         `xl/sharedStrings.xml`), more than the 4000000 shared strings a run reads",
    ];
    an_xls_dimensions_record_of_four_billion_rows_is_refused: "dimensions_bomb_xls" => [
        "`survey-2018.xls` declares a sheet of rows 0 to 4294967295 and columns 0 to 6 (a \
         DIMENSIONS record), more than the 4000000 cells a run reads",
    ];
    ods_rows_repeated_past_the_dense_limit_are_refused: "repeated_rows_bomb_ods" => [
        "`survey-2018.ods` has a table whose repeated rows and cells expand to at least",
        "more than the 4000000 cells a run reads",
    ];
    ods_text_repeated_past_the_limit_is_refused: "repeated_text_bomb_ods" => [
        "`survey-2018.ods` has a table whose repeated cells expand to 655360055 bytes of text",
    ];
    // A debug build panics inside calamine (caught, reported as an unreadable workbook); a
    // release build wraps to a column past the limit (a sheet too large). Either way: exit 2,
    // the file named, no panic message.
    an_overflowing_cell_reference_is_an_error_not_a_panic: "overflowing_cell_reference_xlsx" => [
        "`survey-2018.xlsx`",
    ];

    // Encodings.
    a_utf16le_csv_with_bom_names_its_encoding: "utf16le_with_bom_csv" => [
        "`survey-2018.csv` is encoded as UTF-16LE (byte-order mark FF FE), not UTF-8",
        "hint: save it as CSV UTF-8",
    ];
    a_utf16le_csv_without_bom_names_its_encoding: "utf16le_without_bom_csv" => [
        "`survey-2018.csv` is encoded as UTF-16LE without a byte-order mark, not UTF-8",
    ];
    a_utf16be_csv_with_bom_names_its_encoding: "utf16be_with_bom_csv" => [
        "`survey-2018.csv` is encoded as UTF-16BE (byte-order mark FE FF), not UTF-8",
    ];
    a_latin1_csv_names_the_encoding_and_line: "latin1_csv" => [
        "`survey-2018.csv` is encoded as a single-byte encoding such as Latin-1",
        "byte 0xF4 on line 3",
    ];

    // Table shapes.
    a_header_only_csv_names_the_file_and_header_row: "header_only_csv" => [
        "`survey-2018.csv` holds no values: no row follows its header (row 1)",
    ];
    a_table_of_only_missing_values_names_the_file: "only_missing_values_csv" => [
        "`survey-2018.csv` holds no values: the 3 rows below its header (row 1) have only missing \
         values",
    ];
    two_egdi_columns_name_both_columns: "duplicated_headers_csv" => [
        "`survey-2018.csv`: columns C (`EGDI`) and G (`E-Government Index`) both hold `EGDI`",
    ];
    measures_without_a_country_column_name_the_measures: "measures_without_country_column_csv" => [
        "`survey-2018.csv` has measure columns (`EGDI`, `OSI`, `TII`, `HCI`) but no country column",
    ];
    values_without_a_country_name_the_row: "values_without_country_csv" => [
        "`survey-2018.csv`, row 3: the row has values but no country name or code",
    ];
    measures_without_a_year_anywhere_name_the_file: "no_year_anywhere_csv" => [
        "`survey.csv` has measures but no survey year",
    ];

    // Years.
    date_cells_in_the_year_column_show_the_date: "date_cells_in_year_column_xlsx" => [
        "sheet `Data` of `survey.xlsx`, row 2, column A (`Survey Year`): \
         `2018-01-01 (a date, not a year)` is not a survey year (2001-2099)",
    ];
    date_text_in_the_year_column_is_not_a_year: "date_text_in_year_column_csv" => [
        "`survey.csv`, row 2, column A (`Survey Year`): `2018-01-01` is not a survey year",
    ];
    a_year_before_2001_is_not_a_survey_year: "year_out_of_range_csv" => [
        "`survey.csv`, row 4, column A (`Survey Year`): `1999` is not a survey year (2001-2099)",
    ];
    a_year_column_contradicting_the_sheet_name_names_both_years:
        "year_column_contradicts_sheet_name" => [
        "sheet `2016` of `survey.xlsx`, row 2, column A (`Survey Year`): the year column says \
         2018 but the sheet name says 2016",
    ];

    // Values.
    a_formula_error_in_a_measure_names_the_cell: "formula_error_in_measure_xlsx" => [
        "sheet `2018` of `survey-2018.xlsx`, row 3, column D (`OSI`): `#N/A (a formula error)` is \
         not a number",
    ];
    nan_text_is_not_a_number: "nan_text_csv" => [
        "`survey-2018.csv`, row 3, column D (`OSI`): `NaN` is not a number",
    ];
    inf_text_is_not_a_number: "inf_text_csv" => [
        "`survey-2018.csv`, row 3, column D (`OSI`): `inf` is not a number",
    ];
    a_number_overflowing_to_infinity_is_out_of_range: "overflowing_number_csv" => [
        "`survey-2018.csv`, row 3, column D (`OSI`): inf is outside the range of OSI (0 to 1)",
    ];
    a_negative_index_is_out_of_range: "negative_index_csv" => [
        "`survey-2018.csv`, row 4, column E (`TII`): -0.2 is outside the range of TII (0 to 1)",
    ];
    an_index_above_one_is_out_of_range: "index_above_one_csv" => [
        "`survey-2018.csv`, row 2, column F (`HCI`): 1.5 is outside the range of HCI (0 to 1)",
    ];

    // Countries.
    an_unknown_country_names_the_cell_and_the_closest_names: "unknown_country_csv" => [
        "`survey-2018.csv`, row 3, column B (`Country Name`): unknown country `Freedonia`",
        "hint: the closest known names are",
    ];
    a_country_twice_in_one_table_names_both_rows: "country_twice_in_one_table_csv" => [
        "`survey-2018.csv`, row 4: Albania (2018) appears a second time with other values; \
         first at `survey-2018.csv`, row 2",
    ];
    a_code_and_name_meaning_different_countries_name_both: "code_and_name_disagree_csv" => [
        "`survey-2018.csv`, row 3: code `DEU` means Germany but the name `China` means China",
    ];
    two_files_giving_different_values_name_both_cells: "conflicting_files" => [
        "China 2018 EGDI: `a-2018.csv`, row 3, column C (`EGDI`) gives 0.6811 but `b-2018.csv`, \
         row 3, column C (`EGDI`) gives 0.75",
    ];
    an_unknown_region_in_a_reference_table_names_the_cell: "unknown_region_in_reference_table" => [
        "`countries.csv`, row 4, column B (`Region`): `Europa` is not a region",
    ];
}

#[test]
fn a_missing_input_folder_is_named() {
    let scene = Scene::new();
    let before = common::snapshot_dir(&scene.output);
    let missing = scene.dir.path().join("does-not-exist");
    let out = scene.run("run", &missing, &scene.output);
    let message = format!("input folder `{}` does not exist", missing.display());
    assert_failed(&out, INPUT_ERROR, &[&message]);
    assert!(common::snapshot_dir(&scene.output) == before);
    scene.assert_no_leftovers();
}

/// A file that cannot be read. `chmod 000` does not stop root (tests often run as root in CI
/// containers), so when the file is still readable after `chmod` it is replaced by a dangling
/// symbolic link: listed in the folder, but failing to open, as an unreadable file does.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named() {
    use std::os::unix::fs::PermissionsExt as _;
    let scene = Scene::new();
    let file = scene.input.join("survey-2018.csv");
    std::fs::write(&file, "Survey Year,Country Name,EGDI\n2018,China,0.6811\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(scene.dir.path().join("gone.csv"), &file).unwrap();
    }
    let before = common::snapshot_dir(&scene.output);
    let out = scene.run("run", &scene.input, &scene.output);
    let message = format!("failed to read `{}`", file.display());
    assert_failed(&out, INPUT_ERROR, &[&message]);
    assert!(common::snapshot_dir(&scene.output) == before);
    scene.assert_no_leftovers();
}

#[test]
fn an_output_path_that_is_a_file_is_an_output_error() {
    let scene = Scene::with_fixture("empty_sheet_beside_valid_sheet");
    let file = scene.dir.path().join("report.txt");
    std::fs::write(&file, "not a folder\n").unwrap();
    let out = scene.run("run", &scene.input, &file);
    let message = format!(
        "output `{}` cannot be used: it exists and is not a folder",
        file.display()
    );
    assert_failed(&out, OUTPUT_ERROR, &[&message]);
    assert_eq!(std::fs::read(&file).unwrap(), b"not a folder\n");
}

#[test]
fn an_empty_sheet_beside_a_valid_sheet_is_a_warning() {
    let scene = Scene::with_fixture("empty_sheet_beside_valid_sheet");
    let out = common::run_bin(
        scene.dir.path(),
        &[
            "run",
            "--input",
            scene.input.to_str().unwrap(),
            "--output",
            scene.output.to_str().unwrap(),
        ],
    );
    let stderr = common::stderr(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: sheet `Notes` of `survey-2018.xlsx`: empty sheet skipped"),
        "{stderr}"
    );
    assert!(stderr.contains("panel of 3 countries"), "{stderr}");
    scene.assert_no_leftovers();
}

/// The xlsb and ods writers of `make.py` produce readable workbooks, so the stray-cell cases in
/// those formats fail for the stray cell and nothing else.
#[test]
fn the_generated_xlsb_and_ods_workbooks_are_readable() {
    for case in ["valid_xlsb", "valid_ods"] {
        let scene = Scene::with_fixture(case);
        let out = scene.run("validate", &scene.input, &scene.output);
        let stdout = common::stdout(&out);
        assert!(out.status.success(), "{case}: {}", common::stderr(&out));
        assert!(
            stdout.contains("wide, header row 1, year from column, years 2018, 3 countries"),
            "{case}: {stdout}"
        );
    }
}

#[test]
fn every_fixture_folder_has_a_test() {
    let mut used: Vec<&str> = TABLE_CASES.to_vec();
    used.extend(["empty_sheet_beside_valid_sheet", "valid_xlsb", "valid_ods"]);
    let root = common::root().join("tests/fixtures/hostile");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut used: Vec<String> = used.into_iter().map(String::from).collect();
    used.sort();
    assert_eq!(folders, used);
}

// Fuzz regressions: inputs that broke an invariant of a fuzz target (see `fuzz/README.md`).

/// Rows of a raw table are numbered 1, 2, ... in increasing order, as a spreadsheet shows them.
fn assert_rows_increase(table: &egov_report::ingest::RawTable) {
    let numbers: Vec<u32> = table.rows.iter().map(|r| r.number).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
}

// See: fuzz crash csv_reader (crash-ab08545e): a lone `\r` ends a record for the CSV reader but
// was not counted as a line end, so two records were both reported as row 4.
#[test]
fn records_after_a_lone_carriage_return_get_their_own_row_number() {
    let input = b"Coountry Name,Region\r\nAlbania,Europe\r\nChina,Asia\r\nGermany,Europa\runtry \
                  Name,Region\r\nAlbania,Europe\r\nChina,Asia\r\nGermany,Europa\r\n";
    let table = egov_report::ingest::read_csv_bytes(Path::new("fuzz-2018.csv"), input).unwrap();
    assert_rows_increase(&table);
    let numbers: Vec<u32> = table.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
}

//! How one sheet of the workbook is laid out: cells, the table-per-sheet writer and the charts.
//!
//! Consumes [`TableSheet`]s already in the report language; writes them into a
//! `rust_xlsxwriter` worksheet as a title block above one Excel Table (header row frozen, column
//! widths from the text's display width, number formats per cell kind) and, for figures, a
//! native line chart. It knows nothing of the analysis: `sheets` builds the content.

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartLine, ChartMarker, ChartMarkerType, ChartPoint,
    ChartSolidFill, ChartType, Color, Format, FormatBorder, Table, TableColumn, TableStyle, Url,
    Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

// Series colours, shared with the figures; the focus country always gets its own.
use crate::render::{FOCUS_COLOUR, SERIES_COLOURS as PALETTE, spreadsheet_safe};

/// Shown for a value that is not available (`[x]` in the UK statistics convention).
pub(super) const MISSING: &str = "[x]";
/// Shown for a cell that does not apply to its row (`[z]`).
pub(super) const NOT_APPLICABLE: &str = "[z]";

/// Rows above each table: title, what the sheet holds, the notes that apply.
const TABLE_ROW: u32 = 3;
/// Column widths (in characters of the default font) are kept between these.
const MIN_WIDTH: f64 = 8.0;
const MAX_WIDTH: f64 = 50.0;
/// The height (points) of one line of wrapped text in the default 11-point font.
const LINE_HEIGHT: f64 = 15.0;
/// Excel keeps at most this many characters of a chart's alternative text.
const MAX_ALT_TEXT: usize = 255;
/// Line widths (points) of the focus country and of the others in the figure charts.
const FOCUS_LINE: f64 = 3.5;
const OTHER_LINE: f64 = 1.5;
/// Marker sizes (points) of the focus country and of the others.
const FOCUS_MARKER: u8 = 7;
const OTHER_MARKER: u8 = 5;

/// One cell of a table, typed so that the writer picks its number format.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    /// Text.
    Text(String),
    /// A whole number (counts, years), format `0`.
    Int(i64),
    /// An index value (EGDI, OSI, TII, HCI), four decimals.
    Index(f64),
    /// A component value, two decimals.
    Component(f64),
    /// Any other number, general format.
    Number(f64),
    /// A value that is not available: `[x]`.
    Missing,
    /// A cell that does not apply to its row: `[z]`.
    NotApplicable,
    /// A link to cell A1 of another sheet, showing the sheet's name.
    Sheet(String),
    /// Nothing (a list of no countries).
    Empty,
}

impl Cell {
    /// An optional value: the value's cell, or [`Cell::Missing`].
    pub(super) fn or_missing(value: Option<f64>, cell: fn(f64) -> Cell) -> Cell {
        value.map_or(Cell::Missing, cell)
    }

    /// An optional text: the text, or [`Cell::NotApplicable`].
    pub(super) fn or_not_applicable(text: Option<String>) -> Cell {
        text.map_or(Cell::NotApplicable, Cell::Text)
    }

    /// The width of the text Excel shows ([`Cell::shown`]), for the column width, without
    /// writing the text: numbers were most of the time spent measuring columns.
    fn shown_width(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let chars = |n: usize| n as f64;
        match self {
            Cell::Text(t) | Cell::Sheet(t) => text_width(t),
            Cell::Int(n) => chars(
                usize::from(*n < 0)
                    + n.unsigned_abs()
                        .checked_ilog10()
                        .map_or(1, |d| d as usize + 1),
            ),
            Cell::Index(v) => chars(fixed_width(*v, 4)),
            Cell::Component(v) => chars(fixed_width(*v, 2)),
            Cell::Number(_) | Cell::Missing | Cell::NotApplicable | Cell::Empty => {
                text_width(&self.shown())
            }
        }
    }

    /// The text Excel shows, for the column width.
    fn shown(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Sheet(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Index(v) => format!("{v:.4}"),
            Cell::Component(v) => format!("{v:.2}"),
            Cell::Number(v) => v.to_string(),
            Cell::Missing => MISSING.into(),
            Cell::NotApplicable => NOT_APPLICABLE.into(),
            Cell::Empty => String::new(),
        }
    }

    /// The number the chart plots, if any.
    fn number(&self) -> Option<f64> {
        match *self {
            Cell::Index(v) | Cell::Component(v) | Cell::Number(v) => Some(v),
            #[allow(clippy::cast_precision_loss)]
            Cell::Int(n) => Some(n as f64),
            _ => None,
        }
    }
}

/// How many characters `format!("{v:.decimals$}")` writes, without writing them: the sign,
/// the integer digits, the point and the decimals. Rounding carries into the integer part only
/// for a fraction within half a unit of the last place below 1; there, and for large or
/// non-finite values, the value is formatted.
fn fixed_width(v: f64, decimals: usize) -> usize {
    let a = v.abs();
    let int = a.trunc();
    let unit = 10f64.powi(i32::try_from(decimals).unwrap_or(i32::MAX));
    // Below 1e6 the fraction in units of the last place is exact to ~1e-6; the margin is wider.
    if !a.is_finite() || a >= 1e6 || (a - int) * unit >= unit - 0.5 - 1e-3 {
        return format!("{v:.decimals$}").len();
    }
    let mut digits = 1;
    let mut bound = 10.0;
    while int >= bound {
        digits += 1;
        bound *= 10.0;
    }
    usize::from(v.is_sign_negative()) + digits + if decimals > 0 { decimals + 1 } else { 0 }
}

/// A line chart of a table whose first column is the category (the survey year) and whose
/// other columns are one series each; the last series is the emphasised one.
#[derive(Debug, Clone)]
pub(super) struct LineChart {
    /// The chart title.
    pub(super) title: String,
    /// The category axis title.
    pub(super) x_axis: String,
    /// The value axis title.
    pub(super) y_axis: String,
    /// The description for screen readers.
    pub(super) alt_text: String,
    /// The value axis minimum and maximum, when fixed.
    pub(super) y_range: Option<(f64, f64)>,
    /// Per row of the table: whether its survey is drawn with hollow markers (not comparable
    /// with the others), as the figures draw it.
    pub(super) hollow: Vec<bool>,
}

/// One sheet holding one table (and optionally a chart of it).
pub(super) struct TableSheet<'a> {
    /// A language-independent key (`table1`); also the Excel Table's name.
    pub(super) key: String,
    /// The sheet's line in the Contents sheet.
    pub(super) contents: String,
    /// The sheet name in the report language.
    pub(super) name: String,
    /// The title written in A1.
    pub(super) title: String,
    /// The notes line written in A3 (already resolved to note markers).
    pub(super) notes: String,
    /// Column headers.
    pub(super) headers: Vec<String>,
    /// The rows; every row has one cell per header.
    pub(super) rows: Rows<'a>,
    /// A chart of the table, for figures.
    pub(super) chart: Option<LineChart>,
    /// What the sheet holds, written in A2 instead of the standard line.
    pub(super) description: Option<String>,
}

/// A sheet's rows: built, or made one at a time while they are written (the sheets with a row
/// per country and survey, which held whole were the largest part of a large run's peak).
pub(super) enum Rows<'a> {
    /// Every row, in order.
    Built(Vec<Vec<Cell>>),
    /// `len` rows, row `i` being `row(i)`.
    Made { len: usize, row: MakeRow<'a> },
}

impl From<Vec<Vec<Cell>>> for Rows<'_> {
    fn from(rows: Vec<Vec<Cell>>) -> Self {
        Rows::Built(rows)
    }
}

impl FromIterator<Vec<Cell>> for Rows<'_> {
    fn from_iter<I: IntoIterator<Item = Vec<Cell>>>(rows: I) -> Self {
        Rows::Built(rows.into_iter().collect())
    }
}

/// Makes row `i` of a sheet.
pub(super) type MakeRow<'a> =
    Box<dyn Fn(usize) -> crate::error::Result<Vec<Cell>> + Send + Sync + 'a>;

impl Rows<'_> {
    pub(super) fn len(&self) -> usize {
        match self {
            Rows::Built(rows) => rows.len(),
            Rows::Made { len, .. } => *len,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` (`i < len`).
    fn get(&self, i: usize) -> Result<std::borrow::Cow<'_, [Cell]>, XlsxError> {
        match self {
            Rows::Built(rows) => Ok(std::borrow::Cow::Borrowed(&rows[i])),
            Rows::Made { row, .. } => row(i)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| XlsxError::ParameterError(e.to_string())),
        }
    }

    /// The rows in order.
    fn iter(&self) -> impl Iterator<Item = Result<std::borrow::Cow<'_, [Cell]>, XlsxError>> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The built rows, to change them.
    ///
    /// # Panics
    /// For made rows: only sheets built whole are changed after they are made.
    pub(super) fn built_mut(&mut self) -> &mut Vec<Vec<Cell>> {
        match self {
            Rows::Built(rows) => rows,
            Rows::Made { .. } => panic!("made rows are not changed"),
        }
    }

    /// The built rows (a chart's sheet is built).
    ///
    /// # Panics
    /// For made rows.
    fn built(&self) -> &[Vec<Cell>] {
        match self {
            Rows::Built(rows) => rows,
            Rows::Made { .. } => panic!("a chart's sheet is built"),
        }
    }
}

/// The texts the writer itself adds around a table.
#[derive(Debug, Clone)]
pub(super) struct Captions {
    /// "This worksheet contains one table ..."
    pub(super) one_table: String,
    /// "This worksheet contains one table and a line chart ..."
    pub(super) with_chart: String,
    /// Above the chart's own copy of the data when the table has missing values.
    pub(super) chart_data: String,
    /// What an empty table's description cell says instead of a fake row.
    pub(super) empty: String,
}

/// The cell formats of the workbook, created once.
pub(super) struct Formats {
    title: Format,
    heading: Format,
    header: Format,
    header_numeric: Format,
    int: Format,
    index: Format,
    component: Format,
    missing: Format,
    wrap: Format,
}

impl Formats {
    pub(super) fn new() -> Self {
        let right = rust_xlsxwriter::FormatAlign::Right;
        Self {
            title: Format::new().set_bold().set_font_size(14),
            heading: Format::new().set_bold().set_font_size(12),
            // Explicit header formatting: LibreOffice does not show Excel table styles.
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x00D9_D9D9))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap(),
            header_numeric: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x00D9_D9D9))
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(right),
            int: Format::new().set_num_format("0"),
            index: Format::new().set_num_format("0.0000"),
            component: Format::new().set_num_format("0.00"),
            missing: Format::new().set_align(right),
            wrap: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
        }
    }

    /// Writes one cell in each format into row 1 of `ws`, so that a workbook's format table
    /// lists them in this order (see `new_worksheets`).
    ///
    /// # Errors
    /// Any [`XlsxError`] of the writes.
    pub(super) fn register(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let kinds = [
            Cell::Text("a".into()),
            Cell::Int(0),
            Cell::Index(0.0),
            Cell::Component(0.0),
            Cell::Number(0.0),
            Cell::Missing,
            Cell::NotApplicable,
            Cell::Sheet("a".into()),
        ];
        let mut col = 0;
        for wrap in [false, true] {
            for cell in &kinds {
                write_cell(ws, self, 0, col, cell, wrap)?;
                col += 1;
            }
        }
        for format in [
            &self.title,
            &self.heading,
            &self.header,
            &self.header_numeric,
            &self.wrap,
        ] {
            ws.write_string_with_format(0, col, "a", format)?;
            col += 1;
        }
        Ok(())
    }

    /// The number format of a cell of a formatted numeric kind (whole numbers, indices,
    /// components); `None` for any other cell.
    fn number_format(&self, cell: &Cell) -> Option<&Format> {
        match cell {
            Cell::Int(_) => Some(&self.int),
            Cell::Index(_) => Some(&self.index),
            Cell::Component(_) => Some(&self.component),
            _ => None,
        }
    }

    /// The title format (A1 of every sheet).
    pub(super) fn title(&self) -> &Format {
        &self.title
    }

    /// The format of a heading line on the cover.
    pub(super) fn heading(&self) -> &Format {
        &self.heading
    }

    /// The format of wrapped text, top-aligned.
    pub(super) fn wrap(&self) -> &Format {
        &self.wrap
    }
}

/// The display width of a text in character units: East Asian wide characters count 2
/// (`autofit` counts every non-ASCII character as one narrow character).
pub(super) fn text_width(text: &str) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let w = text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0) as f64;
    w
}

/// A column width that shows `width` characters, kept within the limits.
pub(super) fn column_width(width: f64) -> f64 {
    (width + 2.0).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// A row index as `rust_xlsxwriter` takes it.
pub(super) fn row_num(n: usize) -> Result<u32, XlsxError> {
    u32::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

/// A column index as `rust_xlsxwriter` takes it.
pub(super) fn col_num(n: usize) -> Result<u16, XlsxError> {
    u16::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Excel Table column names must be unique (case-insensitively): repeated headers get a suffix.
fn unique_headers(headers: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let mut name = h.clone();
            let mut n = 2;
            while seen.iter().any(|s| s.to_lowercase() == name.to_lowercase()) {
                name = format!("{h} ({n})");
                n += 1;
            }
            seen.push(name.clone());
            name
        })
        .collect()
}

fn write_cell(
    ws: &mut Worksheet,
    formats: &Formats,
    row: u32,
    col: u16,
    cell: &Cell,
    wrap: bool,
) -> Result<(), XlsxError> {
    match cell {
        // In a row of wrapped text every text cell wraps and sits at the top.
        Cell::Text(t) if wrap => {
            ws.write_string_with_format(row, col, spreadsheet_safe(t), &formats.wrap)?
        }
        Cell::Text(t) => ws.write_string(row, col, spreadsheet_safe(t))?,
        Cell::Int(_) | Cell::Index(_) | Cell::Component(_) | Cell::Number(_) => {
            let v = cell.number().unwrap_or_default();
            match formats.number_format(cell) {
                Some(format) => ws.write_number_with_format(row, col, v, format)?,
                None => ws.write_number(row, col, v)?,
            }
        }
        Cell::Missing => ws.write_string_with_format(row, col, MISSING, &formats.missing)?,
        Cell::NotApplicable => {
            ws.write_string_with_format(row, col, NOT_APPLICABLE, &formats.missing)?
        }
        Cell::Sheet(name) => {
            let link = Url::new(format!("internal:'{}'!A1", name.replace('\'', "''")))
                .set_text(name.as_str());
            ws.write_url(row, col, link)?
        }
        Cell::Empty => ws,
    };
    Ok(())
}

/// Writes a sheet: the title block, the table as an Excel Table with a frozen header row,
/// the column widths and, when asked, the chart to the right of the table.
///
/// Cells are written strictly in row order, each with its own number format, so that the
/// same code fills a streamed worksheet (see [`Formats::register`]), which cannot go back to
/// a row it has left.
///
/// # Errors
/// Any [`XlsxError`] (an invalid sheet name, a cell out of range).
pub(super) fn write_table_sheet(
    ws: &mut Worksheet,
    formats: &Formats,
    captions: &Captions,
    sheet: &TableSheet,
) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    ws.write_string_with_format(0, 0, &sheet.title, formats.title())?;
    // No fake row in an empty table: the description says it is empty, the header stands alone.
    let info = match &sheet.description {
        _ if sheet.rows.is_empty() => &captions.empty,
        Some(text) => text,
        None if sheet.chart.is_some() => &captions.with_chart,
        None => &captions.one_table,
    };
    ws.write_string(1, 0, info)?;
    ws.write_string(2, 0, &sheet.notes)?;

    let headers = unique_headers(&sheet.headers);
    let last_col = col_num(headers.len().max(1) - 1)?;
    if sheet.rows.is_empty() {
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(
                TABLE_ROW,
                col_num(c)?,
                spreadsheet_safe(h),
                &formats.header,
            )?;
        }
        set_widths(ws, &headers, &Rows::Built(Vec::new()))?;
        set_print(ws);
        return Ok(());
    }
    let rows = &sheet.rows;
    let widths = set_widths(ws, &headers, rows)?;
    let header_lines = headers
        .iter()
        .zip(&widths)
        .map(|(h, &w)| wrapped_lines(h, w / 1.1))
        .fold(1.0, f64::max);
    if header_lines > 1.0 {
        ws.set_row_height(TABLE_ROW, header_lines * LINE_HEIGHT)?;
    }
    // The table writes its header row; the data rows follow it.
    let last_row = TABLE_ROW + row_num(rows.len())?;
    ws.add_table(
        TABLE_ROW,
        0,
        last_row,
        last_col,
        &table(formats, &sheet.key, &headers, rows)?,
    )?;
    for (r, row) in rows.iter().enumerate() {
        let row = row?;
        let r = TABLE_ROW + 1 + row_num(r)?;
        let mut lines = 1.0_f64;
        for (c, cell) in row.iter().enumerate() {
            if let Cell::Text(t) = cell {
                lines = lines.max(wrapped_lines(t, widths[c]));
            }
            write_cell(ws, formats, r, col_num(c)?, cell, lines > 1.0)?;
        }
        // LibreOffice does not size rows of wrapped text itself: the height is set here.
        if lines > 1.0 {
            ws.set_row_height(r, lines * LINE_HEIGHT)?;
        }
    }
    ws.set_freeze_panes(TABLE_ROW + 1, 0)?;
    set_print(ws);

    if let Some(chart) = &sheet.chart {
        write_chart(ws, formats, captions, sheet, chart, last_row)?;
    }
    Ok(())
}

/// What a column holds, gathered in one pass over the rows.
#[derive(Clone, Copy)]
struct ColumnKind<'f> {
    /// Every cell a number, missing or empty.
    numeric_or_blank: bool,
    /// Some cell a number.
    any_number: bool,
    /// The number format every cell shares: `None` before the first cell, `Some(None)` once two
    /// differ or a cell has none.
    format: Option<Option<&'f Format>>,
}

impl<'f> ColumnKind<'f> {
    const EMPTY: Self = Self {
        numeric_or_blank: true,
        any_number: false,
        format: None,
    };

    fn add(&mut self, formats: &'f Formats, cell: Option<&Cell>) {
        let number = cell.is_some_and(|c| c.number().is_some());
        self.any_number |= number;
        self.numeric_or_blank &=
            number || cell.is_some_and(|c| *c == Cell::Missing || *c == Cell::Empty);
        let format = cell.and_then(|c| formats.number_format(c));
        self.format = match (self.format, format) {
            (None, f) => Some(f),
            (Some(Some(k)), Some(f)) if std::ptr::eq(k, f) => Some(Some(k)),
            _ => Some(None),
        };
    }
}

/// The Excel Table of a sheet: its columns' headers, header formats (numeric columns' headers
/// right-aligned) and, for a column of one numeric kind, its number format.
fn table(
    formats: &Formats,
    key: &str,
    headers: &[String],
    rows: &Rows<'_>,
) -> Result<Table, XlsxError> {
    let mut kinds = vec![ColumnKind::EMPTY; headers.len()];
    for row in rows.iter() {
        let row = row?;
        for (c, kind) in kinds.iter_mut().enumerate() {
            kind.add(formats, row.get(c));
        }
    }
    let columns: Vec<TableColumn> = headers
        .iter()
        .zip(&kinds)
        .map(|(h, kind)| {
            let header_format = if kind.numeric_or_blank && kind.any_number {
                &formats.header_numeric
            } else {
                &formats.header
            };
            let column = TableColumn::new()
                .set_header(spreadsheet_safe(h))
                .set_header_format(header_format);
            match kind.format.flatten() {
                Some(f) => column.set_format(f),
                None => column,
            }
        })
        .collect();
    Ok(Table::new()
        .set_name(key)
        .set_style(TableStyle::Light1)
        .set_columns(&columns))
}

/// Landscape, every column on one page width, the header repeated on each page.
pub(super) fn set_print(ws: &mut Worksheet) {
    ws.set_landscape().set_print_fit_to_pages(1, 0);
}

/// How many lines `text` takes in a column `width` characters wide (wrapping at the width).
pub(super) fn wrapped_lines(text: &str, width: f64) -> f64 {
    let usable = (width - 1.0).max(1.0);
    // Most cells are short ASCII on one line (codes, names): an ASCII character is at most one
    // column wide, so one that fits in bytes fits in columns, without measuring it.
    #[allow(clippy::cast_precision_loss)]
    if (text.len() as f64) <= usable && text.is_ascii() && !text.contains('\n') {
        return 1.0;
    }
    text.lines()
        .map(|l| (text_width(l) / usable).ceil().max(1.0))
        .sum::<f64>()
        .max(1.0)
}

/// Sets and returns the column widths (in characters).
fn set_widths(
    ws: &mut Worksheet,
    headers: &[String],
    rows: &Rows<'_>,
) -> Result<Vec<f64>, XlsxError> {
    // Widths are measured on at most `SAMPLE` rows spread evenly over the table: a 300,000-row
    // panel sheet would otherwise spend seconds formatting numbers only to measure them.
    const SAMPLE: usize = 2_000;
    // A header wraps rather than widening its column past the widest value (or 12).
    const HEADER_WRAP: f64 = 12.0;
    let step = rows.len().div_ceil(SAMPLE).max(1);
    let mut widest = vec![0.0_f64; headers.len()];
    for i in (0..rows.len()).step_by(step) {
        for (w, cell) in widest.iter_mut().zip(rows.get(i)?.iter()) {
            *w = w.max(cell.shown_width());
        }
    }
    let mut widths = Vec::with_capacity(headers.len());
    for (header, &widest) in headers.iter().zip(&widest) {
        let mut width = widest;
        let c = widths.len();
        // Bold header text is about a tenth wider than regular text; its longest word fits.
        let longest_word = header
            .split_whitespace()
            .map(text_width)
            .fold(0.0, f64::max)
            * 1.1;
        width = width
            .max(longest_word)
            .max((text_width(header) * 1.1).min(HEADER_WRAP.max(width)));
        let width = column_width(width);
        ws.set_column_width(col_num(c)?, width)?;
        widths.push(width);
    }
    Ok(widths)
}

/// The chart reads the table itself, unless a value is missing: Excel plots a text cell such
/// as `[x]` as 0, so the chart then reads a copy of the table below it with empty cells.
fn write_chart(
    ws: &mut Worksheet,
    formats: &Formats,
    captions: &Captions,
    sheet: &TableSheet,
    spec: &LineChart,
    table_last_row: u32,
) -> Result<(), XlsxError> {
    let rows = sheet.rows.built();
    let has_missing = rows.iter().flatten().any(|c| *c == Cell::Missing);
    let header_row = if has_missing {
        let caption_row = table_last_row + 2;
        ws.write_string(caption_row, 0, &captions.chart_data)?;
        let header_row = caption_row + 1;
        for (c, h) in sheet.headers.iter().enumerate() {
            let c = col_num(c)?;
            ws.write_string(header_row, c, spreadsheet_safe(h))?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = header_row + 1 + row_num(r)?;
            for (c, cell) in row.iter().enumerate() {
                let c = col_num(c)?;
                if cell.number().is_some() {
                    write_cell(ws, formats, r, c, cell, false)?;
                }
            }
        }
        header_row
    } else {
        TABLE_ROW
    };
    let first = header_row + 1;
    let last = header_row + row_num(rows.len().max(1))?;
    let series = col_num(sheet.headers.len().saturating_sub(1))?;

    // A scatter chart with straight lines puts the survey years on a value axis, so that time
    // is drawn to scale (a line chart's category axis spaces 2005 -> 2008 as one step).
    let mut chart = Chart::new(ChartType::ScatterStraight);
    chart.title().set_name(&spec.title);
    let years: Vec<f64> = rows.iter().filter_map(|r| r.first()?.number()).collect();
    let x_axis = chart.x_axis();
    x_axis.set_name(&spec.x_axis).set_num_format("0");
    if let (Some(&lo), Some(&hi)) = (years.first(), years.last()) {
        x_axis.set_min(lo).set_max(hi);
        if hi - lo > 12.0 {
            x_axis.set_major_unit(2);
        } else {
            x_axis.set_major_unit(1);
        }
    }
    let y_axis = chart.y_axis();
    y_axis.set_name(&spec.y_axis).set_num_format("0.00");
    if let Some((min, max)) = spec.y_range {
        y_axis.set_min(min).set_max(max);
    }
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_alt_text(spec.alt_text.chars().take(MAX_ALT_TEXT).collect::<String>());
    chart.set_width(760).set_height(440);
    let name = sheet.name.as_str();
    for col in 1..=series {
        let is_focus = col == series;
        let (width, colour) = if is_focus {
            (FOCUS_LINE, FOCUS_COLOUR)
        } else {
            (OTHER_LINE, PALETTE[usize::from(col - 1) % PALETTE.len()])
        };
        let size = if is_focus { FOCUS_MARKER } else { OTHER_MARKER };
        let mut border = ChartLine::new();
        border.set_color(colour).set_width(1.0);
        let marker = ChartMarker::new()
            .set_type(ChartMarkerType::Circle)
            .set_size(size)
            .set_format(
                ChartFormat::new()
                    .set_solid_fill(ChartSolidFill::new().set_color(colour))
                    .set_border(&border),
            )
            .clone();
        // A hollow marker: the survey does not compare with the others.
        let points: Vec<ChartPoint> = spec
            .hollow
            .iter()
            .map(|&hollow| {
                if hollow {
                    ChartPoint::new()
                        .set_format(ChartFormat::new().set_no_fill().set_border(&border))
                } else {
                    ChartPoint::new()
                }
            })
            .collect();
        let series = chart
            .add_series()
            .set_name((name, header_row, col))
            .set_categories((name, first, 0, last, 0))
            .set_values((name, first, col, last, col))
            .set_marker(&marker)
            .set_format(
                ChartFormat::new().set_line(ChartLine::new().set_width(width).set_color(colour)),
            );
        if spec.hollow.contains(&true) {
            series.set_points(&points);
        }
    }
    let chart_col = col_num(sheet.headers.len() + 1)?;
    ws.insert_chart(TABLE_ROW, chart_col, &chart)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    #[test]
    fn chinese_text_is_twice_as_wide_as_its_character_count() {
        assert!((text_width("中国") - 4.0).abs() < f64::EPSILON);
        assert!((text_width("USA") - 3.0).abs() < f64::EPSILON);
        assert!((column_width(200.0) - MAX_WIDTH).abs() < f64::EPSILON);
        assert!((column_width(0.0) - MIN_WIDTH).abs() < f64::EPSILON);
    }

    #[test]
    fn repeated_headers_get_a_suffix() {
        let h = ["Year".to_string(), "China".to_string(), "china".to_string()];
        assert_eq!(unique_headers(&h), ["Year", "China", "china (2)"]);
    }

    proptest::proptest! {
        #[test]
        fn a_cell_width_is_the_width_of_its_text(
            v in proptest::prop_oneof![
                proptest::num::f64::ANY,
                -2e6..2e6_f64,
                -1.0..1.0_f64,
                // Next to the values whose rounding carries (9.99995, 99.995, 0.99995, ...).
                (0..7_i32, -3..3_i64, proptest::bool::ANY).prop_map(|(e, k, neg)| {
                    let v = 10f64.powi(e) - 0.5e-4 + k as f64 * 1e-13;
                    if neg { -v } else { v }
                }),
                (0..7_i32, -3..3_i64).prop_map(|(e, k)| 10f64.powi(e) - 0.005 + k as f64 * 1e-13),
            ],
            n in proptest::num::i64::ANY,
        ) {
            for cell in [Cell::Index(v), Cell::Component(v), Cell::Number(v), Cell::Int(n)] {
                proptest::prop_assert_eq!(cell.shown_width(), text_width(&cell.shown()), "{:?}", cell);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn short_ascii_text_is_one_line_as_measured(
            text in "[ -~\t\r\n]{0,40}|\\PC{0,20}",
            width in 0.0..50.0_f64,
        ) {
            let usable = (width - 1.0).max(1.0);
            let measured = text
                .lines()
                .map(|l| (text_width(l) / usable).ceil().max(1.0))
                .sum::<f64>()
                .max(1.0);
            proptest::prop_assert_eq!(wrapped_lines(&text, width), measured, "{:?}", text);
        }
    }

    /// The workbook of one sheet, its rows built or made one at a time.
    fn one_sheet(rows: Rows<'_>) -> Vec<u8> {
        let formats = Formats::new();
        let captions = Captions {
            one_table: "one table".into(),
            with_chart: "a chart".into(),
            chart_data: "data".into(),
            empty: "empty".into(),
        };
        let sheet = TableSheet {
            key: "panel".into(),
            contents: String::new(),
            name: "Panel".into(),
            title: "Panel".into(),
            notes: String::new(),
            headers: vec!["Code".into(), "Year".into(), "EGDI".into(), "Note".into()],
            rows,
            chart: None,
            description: None,
        };
        let mut workbook = rust_xlsxwriter::Workbook::new();
        // A fixed creation date: the two workbooks are compared byte for byte.
        let created = rust_xlsxwriter::ExcelDateTime::from_timestamp(0).unwrap();
        workbook
            .set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
        let mut ws = workbook.new_worksheet_with_constant_memory().unwrap();
        write_table_sheet(&mut ws, &formats, &captions, &sheet).unwrap();
        workbook.push_worksheet(ws);
        workbook.save_to_buffer().unwrap()
    }

    fn sample_row(i: usize) -> Vec<Cell> {
        vec![
            Cell::Text(format!("C{i:03}")),
            Cell::Int(2000 + i64::try_from(i % 12).unwrap()),
            if i % 7 == 3 {
                Cell::Missing
            } else {
                Cell::Index(i as f64 / 3001.0)
            },
            if i.is_multiple_of(5) {
                Cell::Text("long text that wraps ".repeat(i % 3 + 1))
            } else {
                Cell::NotApplicable
            },
        ]
    }

    #[test]
    fn rows_made_while_written_give_the_same_workbook_as_built_rows() {
        let n = 3_000;
        let built = one_sheet(Rows::Built((0..n).map(sample_row).collect()));
        let made = one_sheet(Rows::Made {
            len: n,
            row: Box::new(|i| Ok(sample_row(i))),
        });
        assert!(built == made, "the two workbooks differ");
        // A row that cannot be made fails the sheet, naming the reason.
        let failing = {
            let formats = Formats::new();
            let captions = Captions {
                one_table: String::new(),
                with_chart: String::new(),
                chart_data: String::new(),
                empty: String::new(),
            };
            let sheet = TableSheet {
                key: "t".into(),
                contents: String::new(),
                name: "T".into(),
                title: String::new(),
                notes: String::new(),
                headers: vec!["A".into()],
                rows: Rows::Made {
                    len: 2,
                    row: Box::new(|i| {
                        if i == 1 {
                            Err(crate::error::Error::Render {
                                output: "workbook.xlsx".into(),
                                message: "no message `x`".into(),
                            })
                        } else {
                            Ok(vec![Cell::Int(1)])
                        }
                    }),
                },
                chart: None,
                description: None,
            };
            let mut ws = Worksheet::new();
            write_table_sheet(&mut ws, &formats, &captions, &sheet)
                .err()
                .map(|e| e.to_string())
        };
        assert!(failing.is_some_and(|m| m.contains("no message `x`")));
    }

    #[test]
    fn cells_show_the_format_they_are_written_with() {
        assert_eq!(Cell::Index(0.5).shown(), "0.5000");
        assert_eq!(Cell::Component(87.356).shown(), "87.36");
        assert_eq!(Cell::or_missing(None, Cell::Index).shown(), MISSING);
        assert_eq!(Cell::or_not_applicable(None).shown(), NOT_APPLICABLE);
    }
}

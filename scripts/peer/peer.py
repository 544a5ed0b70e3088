"""The peer pipeline: egov-report's job done the way an analyst would do it in Python.

Reads the survey CSVs (and any XLSX) of an input folder with pandas, matches country names
to ISO3 codes with the project's concordance (`src/normalise/countries.csv`), keeps the
balanced panel, classifies the levels and writes into an output folder: the tidy CSVs of
Tables 1-6, the four figures' data and the panel, `workbook.xlsx` (xlsxwriter: one Excel
Table per sheet, native line charts), the figures as SVG and PNG (matplotlib) and
`report.md` / `report.html` (jinja2, the HTML self-contained with inline SVG) and a
manifest of every input and output with its SHA-256.

It exists to be timed against the Rust binary (`compare.sh`), so it does the same work on
the bundled input and nothing else: no validation messages, no reproduction check, no
Chinese report. Usage: `python peer.py INPUT_DIR OUTPUT_DIR`.
"""

import hashlib
import io
import json
import sys
import unicodedata
from pathlib import Path

import jinja2
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
INDICES = ["EGDI", "OSI", "TII", "HCI"]
LEVELS = ["low", "medium", "high", "very_high"]
BENCHMARKS = ["USA", "AUS", "GBR", "CAN"]
FOCUS = "CHN"
TII_PARTS = ["internet_users_pct", "fixed_telephone_per100", "mobile_cellular_per100",
             "fixed_broadband_per100", "wireless_broadband_per100"]
HCI_PARTS = ["adult_literacy_pct", "gross_enrolment_pct", "expected_years_schooling",
             "mean_years_schooling"]
HEADERS = {
    "surveyyear": "year", "year": "year", "countryname": "country", "country": "country",
    "iso3": "iso3", "egovernmentrank": "RANK", "egovernmentindex": "EGDI",
    "eparticipationindex": "EPI", "onlineserviceindex": "OSI", "humancapitalindex": "HCI",
    "telecommunicationinfrastructureindex": "TII",
}


def key(text):
    """Name matching key: ASCII, lowercase, letters and digits only."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum())


def concordance():
    countries = pd.read_csv(ROOT / "src/normalise/countries.csv", dtype=str,
                            keep_default_na=False)
    names = {}
    for row in countries.itertuples():
        for name in [row.iso3, row.name_en, row.name_official, *row.aliases.split("|")]:
            if name:
                names[key(name)] = row.iso3
    return countries.set_index("iso3"), names


def read_inputs(folder, names):
    frames = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path, na_values=["..", "-", "n/a"])
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            table = pd.read_excel(path, engine="openpyxl", na_values=["..", "-", "n/a"])
        else:
            continue
        renamed = {c: HEADERS.get(key(c), c) for c in table.columns}
        table = table.rename(columns=renamed)
        if "iso3" not in table.columns:
            table["iso3"] = table["country"].map(lambda n: names.get(key(n)))
            unknown = table[table["iso3"].isna()]
            if len(unknown):
                sys.exit(f"{path}: unknown countries {sorted(unknown['country'])[:5]}")
        value_columns = [c for c in table.columns if c in INDICES + ["RANK"] + TII_PARTS
                         + HCI_PARTS]
        frames.append(table.melt(id_vars=["iso3", "year"], value_vars=value_columns,
                                 var_name="measure").dropna(subset=["value"]))
    facts = pd.concat(frames, ignore_index=True)
    facts["year"] = facts["year"].astype(int)
    return facts.drop_duplicates(["iso3", "year", "measure"])


def level(v):
    if v > 0.75:
        return 3
    if v >= 0.5:
        return 2
    if v >= 0.25:
        return 1
    return 0


def number(v):
    """A number as the input gave it (the shortest repr, no trailing `.0`)."""
    if pd.isna(v):
        return ""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def build_panel(facts, countries):
    wide = facts[facts["measure"].isin(INDICES)].pivot_table(
        index=["iso3", "year"], columns="measure", values="value", aggfunc="first")
    years = sorted(facts["year"].unique())
    complete = wide.dropna(subset=INDICES)
    complete = complete[complete["EGDI"] > 0]
    counts = complete.reset_index().groupby("iso3")["year"].nunique()
    members = sorted(counts[counts == len(years)].index)
    panel = complete.loc[members].reset_index()
    panel["name"] = panel["iso3"].map(countries["name_en"])
    panel["region"] = panel["iso3"].map(countries["region"])
    return panel, years


def ordered(iso3s, last_egdi):
    return sorted(iso3s, key=lambda c: (-last_egdi[c], c))


def tables(panel, years, facts):
    out = {}
    for m in INDICES:
        panel[m + "_level"] = panel[m].map(level)
    first = panel[panel["year"] == years[0]].set_index("iso3")
    last = panel[panel["year"] == years[-1]].set_index("iso3")
    last_egdi = last["EGDI"]
    change = last["EGDI_level"] - first["EGDI_level"]
    rows = []
    for lv in reversed(range(4)):
        ids = [c for c in change.index if change[c] == 0 and last["EGDI_level"][c] == lv]
        rows.append(("maintained", 0, LEVELS[lv], ids))
    for trend, sign in (("rose", 1), ("fell", -1)):
        for k in range(1, 4):
            ids = list(change[change == sign * k].index)
            if ids:
                rows.append((trend, k, "", ids))
    out["table1"] = pd.DataFrame(
        [(t, k, lv, len(ids), ";".join(ordered(ids, last_egdi))) for t, k, lv, ids in rows],
        columns=["trend", "levels", "level", "count", "countries"])

    held = panel.groupby("iso3")["EGDI_level"].agg(set)
    paths = {}
    for c in change[change > 0].index:
        lo, hi = first["EGDI_level"][c], last["EGDI_level"][c]
        path = tuple(sorted(lv for lv in held[c] if lo <= lv <= hi))
        paths.setdefault((int(change[c]), path), []).append(c)
    order = sorted(paths, key=lambda p: (p[0], -p[1][-1], -p[1][0], -len(p[1])))
    out["table2"] = pd.DataFrame(
        [(k, ">".join(LEVELS[lv] for lv in path), len(paths[(k, path)]),
          ";".join(ordered(paths[(k, path)], last_egdi))) for k, path in order],
        columns=["levels", "path", "count", "countries"])

    rows = []
    for y in years:
        in_year = panel[panel["year"] == y]
        for m in ["OSI", "TII", "HCI"]:
            counts = in_year[m + "_level"].value_counts()
            rows.append((y, m, *(int(counts.get(lv, 0)) for lv in (3, 2, 1, 0)), 0))
    out["table3"] = pd.DataFrame(
        rows, columns=["year", "index", "very_high", "high", "medium", "low", "missing"])
    out["table4"] = pd.DataFrame(
        columns=["year", "stage", "very_high", "high", "medium", "low", "missing"])

    compared = BENCHMARKS + [FOCUS]
    for name, parts in (("table5", TII_PARTS), ("table6", HCI_PARTS)):
        data = facts[facts["measure"].isin(parts)]
        last_two = sorted(data["year"].unique())[-2:]
        rows = []
        for y in last_two:
            for part in parts:
                cell = data[(data["year"] == y) & (data["measure"] == part)].set_index("iso3")
                rows.append([y, part] + [number(cell["value"].get(c)) for c in compared])
        out[name] = pd.DataFrame(rows, columns=["year", "indicator"] + compared)

    for n, m in enumerate(INDICES, start=1):
        data = facts[facts["measure"] == m].pivot_table(index="year", columns="iso3",
                                                        values="value", aggfunc="first")
        figure = data.reindex(index=years, columns=compared)
        out[f"figure{n}"] = figure.map(number).reset_index()
    columns = ["iso3", "name", "region", "year", "EGDI", "OSI", "TII", "HCI"]
    tidy = panel[columns].sort_values(["iso3", "year"])
    tidy[INDICES] = tidy[INDICES].map(number)
    out["panel"] = tidy.rename(columns={m: m.lower() for m in INDICES})
    return out


def write_figures(out, years, folder):
    svgs = []
    names = {"USA": "United States", "AUS": "Australia", "GBR": "United Kingdom",
             "CAN": "Canada", "CHN": "China"}
    for n, m in enumerate(INDICES, start=1):
        data = out[f"figure{n}"].replace("", float("nan")).astype(float)
        fig, ax = plt.subplots(figsize=(7.6, 4.4), dpi=100)
        for c in BENCHMARKS + [FOCUS]:
            ax.plot(data["year"], data[c], marker="o", linewidth=3 if c == FOCUS else 1.5,
                    label=names[c])
            v = data[c].iloc[-1]
            ax.annotate(f"{v:.4f}", (years[-1], v), fontsize=8)
        ax.set_title(f"Figure {n}. {m} of the benchmark countries and China, "
                     f"{years[0]}-{years[-1]}")
        ax.set_xlabel("Survey year")
        ax.set_ylabel(m)
        ax.set_ylim(0, 1)
        ax.legend(loc="lower center", ncol=5, fontsize=8, bbox_to_anchor=(0.5, -0.3))
        fig.tight_layout()
        fig.savefig(folder / f"figure{n}.png", dpi=200)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
        (folder / f"figure{n}.svg").write_text(buffer.getvalue())
        svgs.append(buffer.getvalue())
        plt.close(fig)
    return svgs


def typed(column):
    """Numbers stored as numbers: a column of number strings (empty = missing) as floats."""
    try:
        return pd.to_numeric(column.replace("", None))
    except (ValueError, TypeError):
        return column


def write_workbook(out, path):
    sheets = [("Table 1", "table1"), ("Table 2", "table2"), ("Table 3", "table3"),
              ("Table 4", "table4"), ("Table 5", "table5"), ("Table 6", "table6"),
              ("Figure 1", "figure1"), ("Figure 2", "figure2"), ("Figure 3", "figure3"),
              ("Figure 4", "figure4"), ("Panel", "panel")]
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        index = book.add_format({"num_format": "0.0000"})
        cover = book.add_worksheet("Cover")
        cover.write(0, 0, "E-Government Survey report", book.add_format({"bold": True}))
        contents = book.add_worksheet("Contents")
        for r, (name, _) in enumerate(sheets):
            contents.write_url(r, 0, f"internal:'{name}'!A1", string=name)
        for name, k in sheets:
            frame = out[k]
            frame = frame.apply(typed)
            ws = book.add_worksheet(name)
            ws.write(0, 0, name)
            rows, cols = frame.shape
            data = frame.astype(object).where(frame.notna(), "[x]").values.tolist()
            ws.add_table(3, 0, 3 + max(rows, 1), max(cols - 1, 0), {
                "name": k, "data": data,
                "columns": [{"header": str(c), "format": index if k == "panel" and c in
                             ("egdi", "osi", "tii", "hci") else None} for c in frame.columns],
            })
            ws.freeze_panes(4, 0)
            if k.startswith("figure"):
                chart = book.add_chart({"type": "scatter", "subtype": "straight"})
                for c in range(1, cols):
                    chart.add_series({"name": [name, 3, c], "categories": [name, 4, 0, 3 + rows, 0],
                                      "values": [name, 4, c, 3 + rows, c]})
                chart.set_title({"name": name})
                ws.insert_chart(3, cols + 1, chart)


REPORT_MD = """# E-Government Survey report, {{ first }}-{{ last }}

The panel holds {{ n }} countries present in all {{ years|length }} surveys.

{% for name, table in tables %}
## {{ name }}

{{ table }}
{% endfor %}
"""

REPORT_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>E-Government Survey report</title><style>body{font-family:sans-serif;max-width:60em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body>
<h1>E-Government Survey report, {{ first }}-{{ last }}</h1>
<p>The panel holds {{ n }} countries present in all {{ years|length }} surveys.</p>
{% for name, table in tables %}<h2>{{ name }}</h2>{{ table|safe }}{% endfor %}
{% for svg in svgs %}<figure>{{ svg|safe }}</figure>{% endfor %}
</body></html>
"""


def markdown_table(frame):
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def write_reports(out, years, n, svgs, folder):
    env = jinja2.Environment(autoescape=False)
    names = [(f"Table {i}", out[f"table{i}"]) for i in range(1, 7)]
    common = {"first": years[0], "last": years[-1], "n": n, "years": years}
    md = env.from_string(REPORT_MD).render(
        tables=[(k, markdown_table(t)) for k, t in names], **common)
    (folder / "report.md").write_text(md)
    html = env.from_string(REPORT_HTML).render(
        tables=[(k, t.to_html(index=False)) for k, t in names], svgs=svgs, **common)
    (folder / "report.html").write_text(html)


def write_manifest(source, target):
    """Every input and output with its SHA-256, as the binary's manifest lists them."""
    def digests(folder):
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest = {"inputs": digests(source), "outputs": digests(target)}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))


def main():
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    (target / "tables").mkdir(parents=True, exist_ok=True)
    (target / "figures").mkdir(exist_ok=True)
    countries, names = concordance()
    facts = read_inputs(source, names)
    panel, years = build_panel(facts, countries)
    out = tables(panel, years, facts)
    for name, frame in out.items():
        frame.to_csv(target / "tables" / f"{name}.csv", index=False, lineterminator="\n")
    svgs = write_figures(out, years, target / "figures")
    write_workbook(out, target / "workbook.xlsx")
    write_reports(out, years, panel["iso3"].nunique(), svgs, target)
    write_manifest(source, target)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerates assets/fonts/NotoSansSC-subset.otf, the font embedded for Figures 1-4.

The figures' PNGs are drawn with this font (no system fonts are needed at run time), and their
text is laid out with its metrics. It is the Simplified Chinese face of Noto Sans CJK Regular
(SIL OFL 1.1), cut down to the characters the figures can show:

- printable ASCII, Latin-1 Supplement and Latin Extended-A (names such as Côte d'Ivoire, Türkiye);
- general punctuation (dashes, quotes), the minus sign, CJK punctuation and full-width forms;
- every character of the charts catalogues (templates/i18n/charts.*.toml);
- every character of the country concordance (src/normalise/countries.csv: English and Chinese
  names, official names, aliases).

Run it again after adding a character to any of those files; a unit test in
src/render/charts.rs fails until you do.

Needs: the Debian package fonts-noto-cjk and the Python package fonttools.
    apt-get install -y fonts-noto-cjk
    pip install fonttools
    python3 scripts/subset-font.py
"""

import pathlib
import sys

from fontTools import subset

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# Face 2 of the collection is the SC face (0 JP, 1 KR, 2 SC, 3 TC, 4 HK).
FACE = 2
OUTPUT = ROOT / "assets" / "fonts" / "NotoSansSC-subset.otf"
TEXT_FILES = [
    "templates/i18n/charts.en.toml",
    "templates/i18n/charts.zh.toml",
    "src/normalise/countries.csv",
]
UNICODES = [
    "U+0020-007E",  # printable ASCII
    "U+00A0-017F",  # Latin-1 Supplement, Latin Extended-A
    "U+2010-2027",  # dashes, quotes, bullets, ellipsis
    "U+2212",  # minus sign
    "U+3000-3011",  # CJK space and punctuation, brackets
    "U+FF01-FF5E",  # full-width forms
]


def main() -> int:
    if not SOURCE.is_file():
        print(f"{SOURCE} is missing: apt-get install -y fonts-noto-cjk", file=sys.stderr)
        return 1
    chars = set()
    for rel in TEXT_FILES:
        chars.update((ROOT / rel).read_text(encoding="utf-8"))
    text = "".join(sorted(c for c in chars if c.isprintable()))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    subset.main(
        [
            str(SOURCE),
            f"--font-number={FACE}",
            f"--text={text}",
            f"--unicodes={','.join(UNICODES)}",
            f"--output-file={OUTPUT}",
            # ab_glyph reads outlines and advances only: no hinting, no layout tables beyond kern.
            "--layout-features=kern",
            "--no-hinting",
            "--name-IDs=*",
            "--name-languages=*",
        ]
    )
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

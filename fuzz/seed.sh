#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: the bundled input, the real UN exports in ../shared (when
# present), the hostile-input corpus, and the first lines of every CSV (short seeds fuzz faster).
# workbook_reader seeds get the format byte its target expects in front (0 xlsx, 1 xlsb, 2 xls,
# 3 ods). The corpus folder is git-ignored; libFuzzer adds what it finds to it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${EGOV_SHARED:-$(dirname "$root")/shared}
corpus=$here/corpus
mkdir -p "$corpus/csv_reader" "$corpus/workbook_reader" "$corpus/sheet_table"

add() { # add TARGET FILE-WITH-CONTENT
    local sum
    sum=$(sha1sum "$2" | cut -d' ' -f1)
    cp "$2" "$corpus/$1/$sum"
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
shopt -s nullglob
for f in "$root"/input/*.csv "$shared"/data/un-egov/*.csv "$root"/tests/fixtures/hostile/*/*.csv; do
    add csv_reader "$f"
    head -n 6 "$f" > "$tmp" && add csv_reader "$tmp"
done
for f in "$root"/input/*.* "$shared"/data/un-egov/*.* "$root"/tests/fixtures/hostile/*/*.*; do
    case "${f,,}" in
        *.xlsx | *.xlsm) byte='\x00' ;;
        *.xlsb) byte='\x01' ;;
        *.xls) byte='\x02' ;;
        *.ods) byte='\x03' ;;
        *) continue ;;
    esac
    { printf "$byte"; cat "$f"; } > "$tmp" && add workbook_reader "$tmp"
done
for t in csv_reader workbook_reader sheet_table; do
    echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done

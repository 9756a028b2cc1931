"""Reading an .xlsx signing list: the streaming reader (intake/xlsxstream.py) against python-calamine.

Each reading runs in a fresh child process, which reports its wall and CPU time and how much its peak
resident memory rose over the same process before reading (imports done). The hostile workbooks are
read by calamine under an address-space limit (RLIMIT_AS, 2 GB) and a 120 s timeout, so a reader that
would take the machine down dies alone. docs/benchmarks.md keeps the figures.

    python scripts/bench_xlsx_read.py            # 300 and 100,000 rows, then the hostile workbooks
    python scripts/bench_xlsx_read.py --rows 300 --no-hostile
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

CHILD = r"""
import json, resource, sys, time
path, reader, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import python_calamine
from investledger.intake import xlsxstream
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
wall, cpu = time.perf_counter(), time.process_time()
rows = 0
if reader == "calamine":
    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    for _row in sheet.iter_rows():
        rows += 1
else:
    workbook = xlsxstream.StreamingWorkbook(path, xlsxstream.Limits())
    sheet = workbook.sheets[0]
    for _number, _values in workbook.rows(sheet.path):
        rows += 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": rows, "wall_s": round(time.perf_counter() - wall, 3),
                  "cpu_s": round(time.process_time() - cpu, 3), "rss_growth_mb": round((peak - base) / 1024, 1)}))
"""


def read(path: Path, reader: str, limit: int = 0) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), reader, str(limit)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired:
        return {"outcome": "still reading after 120 s (killed)"}
    if done.returncode == 0:
        return json.loads(done.stdout.strip().splitlines()[-1])
    last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
    return {"outcome": f"died (exit {done.returncode}): {last[:160]}"}


ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def with_root_rels(path: Path) -> Path:
    """The tests' hostile workbooks leave out the package's root relationships, which the streaming
    reader does not need and calamine does: add them, so that calamine reaches the sheet."""
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("_rels/.rels", ROOT_RELS)
    return path


def far_cell(path: Path) -> Path:
    """A header and one cell at XFD1048576, the last cell a sheet may hold."""
    from investledger.intake.tests import bombs

    cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return with_root_rels(bombs.workbook(path, [bombs.HEADER_ROW, cell]))


def huge_dimension(path: Path) -> Path:
    """A two-row sheet that declares <dimension ref="A1:XFD1048576"/>."""
    from investledger.intake.tests import bombs

    sheet = bombs.HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    bombs.workbook(path, sheet)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return with_root_rels(path)


def lying_bomb(path: Path) -> Path:
    """A sheet inflating to 400 MB whose zip directory says 1 MB."""
    from investledger.intake.tests import bombs

    with_root_rels(bombs.sheet_bomb(path, inflated_mb=400))
    return bombs.lie_about_sizes(path, "xl/worksheets/sheet1.xml", inflated=1 << 20)


def formula(path: Path) -> Path:
    """A signing list whose amount is a formula (=1+1) with a cached value."""
    from investledger.intake.tests import bombs

    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>p</t></is></c><c r="B2"><f>1+1</f><v>2</v></c></row>'
    return with_root_rels(bombs.workbook(path, [bombs.HEADER_ROW, row]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[300, 100_000])
    parser.add_argument("--no-hostile", action="store_true")
    parser.add_argument("--only-hostile", action="store_true")
    args = parser.parse_args()
    from bench_import import generate

    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in [] if args.only_hostile else args.rows:
            path = Path(tmp) / f"list-{rows}.xlsx"
            generate(path, rows)
            out[f"{rows} rows"] = {reader: read(path, reader) for reader in ("stream", "calamine")}
        if not args.no_hostile:
            for name, build in (
                ("cell at XFD1048576", far_cell),
                ("dimension A1:XFD1048576", huge_dimension),
                ("400 MB sheet, directory says 1 MB", lying_bomb),
                ("formula =1+1", formula),
            ):
                path = build(Path(tmp) / f"{name.split()[0]}.xlsx")
                out[name] = {"calamine (2 GB address space)": read(path, "calamine", 2 << 30)}
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

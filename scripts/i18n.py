"""Keep the translation catalogues of the kernel and every built-in plugin in step.

    python scripts/i18n.py update      extract strings, merge into each catalogue
    python scripts/i18n.py compile     build the .mo files shipped in the package
    python scripts/i18n.py check       fail when a string has no Chinese translation

Source strings are English; the Chinese catalogue lives under ``zh_Hans_CN``
(the name Flask-Admin's own catalogue answers to, so both load together).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans_CN"
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2"]


def areas() -> list[Path]:
    found = [ROOT / "core"]
    if (ROOT / "plugins").is_dir():
        found += sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists())
    return found


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fill(tsv: Path) -> int:
    """Put translations from ``msgid<TAB>msgstr`` lines into whichever catalogue has the msgid."""
    from babel.messages.pofile import write_po

    pairs = {}
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            msgid, msgstr = line.split("\t", 1)
            pairs[msgid] = msgstr
    filled = 0
    for area in areas():
        po = area / "translations" / LOCALE / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if message.id and isinstance(message.id, str) and message.id in pairs:
                message.string = pairs[message.id]
                message.flags.discard("fuzzy")
                filled += 1
        with po.open("wb") as fh:
            write_po(fh, catalog, omit_header=True, sort_output=True, width=100)
    return filled


def update() -> None:
    for area in areas():
        tdir = area / "translations"
        tdir.mkdir(exist_ok=True)
        pot = tdir / "messages.pot"
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS, "--no-location",
                 "--omit-header", "--sort-output", "-o", str(pot), str(area))
        po = tdir / LOCALE / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", str(pot), "-d", str(tdir), "-l", LOCALE, "--no-fuzzy-matching",
                     "--omit-header", "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(pot), "-d", str(tdir), "-l", LOCALE)


def compile_all() -> None:
    for area in areas():
        tdir = area / "translations"
        if (tdir / LOCALE).exists():
            _pybabel("compile", "-d", str(tdir), "-l", LOCALE, "--use-fuzzy")


def missing() -> dict[str, list[str]]:
    """Untranslated strings per catalogue (what ``check`` complains about)."""
    out = {}
    for area in areas():
        po = area / "translations" / LOCALE / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        gaps = [m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string))
                             or m.fuzzy)]
        if gaps:
            out[str(po.relative_to(ROOT))] = gaps
    return out


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "update":
        update()
    elif cmd == "fill":
        print(fill(Path(sys.argv[2])), "filled")
    elif cmd == "compile":
        compile_all()
    elif cmd == "check":
        gaps = missing()
        for po, ids in gaps.items():
            print(f"{po}: {len(ids)} untranslated")
            for i in ids:
                print("   ", i)
        sys.exit(1 if gaps else 0)

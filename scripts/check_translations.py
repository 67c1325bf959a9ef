#!/usr/bin/env python3
"""Refresh the German catalogue and fail if any message is untranslated, fuzzy or has broken placeholders.

Run from anywhere: `.venv/bin/python scripts/check_translations.py`.

1. `django-admin makemessages -l de` picks up new strings from code and templates into the .po, in place.
   If the only change is the POT-Creation-Date header line, the previous content is restored, so repeated
   runs leave the working tree clean.
2. The .po is parsed; every entry with an empty msgstr (any plural form) or a fuzzy flag is listed.
3. `msgfmt --check-format` must accept the file (placeholders in msgid and msgstr must match).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "verbund"
LOCALE = "de"
PO_FILE = PACKAGE_DIR / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_ARGS = [
    "makemessages",
    "-l",
    LOCALE,
    "--no-location",
    "--no-wrap",
    "--no-obsolete",
    "-i",
    "locale/*",
]
PLURAL_FORMS = "Plural-Forms: nplurals=2; plural=(n != 1);"
POT_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: [^"\n]*\\n"\r?$')


@dataclass
class Entry:
    """One catalogue entry; msgstr maps the plural index (0 for singular entries) to the translation."""

    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def run_makemessages() -> None:
    previous = PO_FILE.read_bytes() if PO_FILE.exists() else None
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "verbund.config.settings.test")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    result = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES_ARGS, "-v", "0"],
        cwd=PACKAGE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"translations: makemessages failed (exit {result.returncode})")
    if previous is None:
        return
    if _without_creation_date(PO_FILE.read_bytes()) == _without_creation_date(previous):
        PO_FILE.write_bytes(previous)  # only the timestamp changed: keep the file byte-for-byte as it was


def _without_creation_date(content: bytes) -> list[bytes]:
    return [line for line in content.split(b"\n") if not POT_CREATION_DATE.match(line)]


def parse_po(path: Path) -> list[Entry]:
    """A small parser for the subset of the gettext PO format that makemessages writes."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which string a continuation line belongs to
    pending_flags: set[str] = set()
    pending_line = 0

    def start(lineno: int) -> Entry:
        nonlocal current, pending_flags, pending_line
        current = Entry(line=pending_line or lineno, flags=pending_flags)
        entries.append(current)
        pending_flags, pending_line = set(), 0
        return current

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target, pending_line = None, None, 0
            continue
        if line.startswith("#~"):  # obsolete entry
            continue
        if line.startswith("#"):
            pending_line = pending_line or lineno
            if line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3), path, lineno)
            continues_context = current is not None and (
                current.msgctxt is not None and current.msgid is None and not current.msgstr
            )
            if keyword == "msgctxt" or (keyword == "msgid" and not continues_context) or current is None:
                current = start(lineno)
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                current.msgstr[target[1]] = text
            else:
                target = (keyword, 0)
                setattr(current, keyword, text)
            continue
        if line.startswith('"') and current is not None and target is not None:
            text = _unquote(line, path, lineno)
            if target[0] == "msgstr":
                current.msgstr[target[1]] += text
            else:
                setattr(current, target[0], (getattr(current, target[0]) or "") + text)
            continue
        sys.exit(f"translations: {path}:{lineno}: cannot parse line: {raw!r}")
    return entries


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", '"': '"', "\\": "\\"}
_STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"$')


def _unquote(quoted: str, path: Path, lineno: int) -> str:
    match = _STRING.match(quoted)
    if not match:
        sys.exit(f"translations: {path}:{lineno}: bad string literal: {quoted!r}")

    def unescape(escape: re.Match[str]) -> str:
        char = escape.group(1)
        if char in _ESCAPES:
            return _ESCAPES[char]
        if char in "01234567":
            return chr(int(escape.group(0)[1:], 8))
        sys.exit(f"translations: {path}:{lineno}: unknown escape \\{char} in {quoted!r}")

    return re.sub(r"\\([0-7]{1,3}|.)", unescape, match.group(1))


def problems_in(entries: list[Entry]) -> list[str]:
    problems = []
    for entry in entries:
        msgid = entry.msgid or ""
        label = msgid if entry.msgctxt is None else f"{entry.msgctxt} | {entry.msgid}"
        if not msgid and entry.msgctxt is None:  # the header
            if "fuzzy" in entry.flags:
                problems.append(f"line {entry.line}: header is marked fuzzy")
            header = entry.msgstr.get(0, "")
            if f"Language: {LOCALE}\n" not in header:
                problems.append(f"line {entry.line}: header lacks 'Language: {LOCALE}'")
            if PLURAL_FORMS not in header:
                problems.append(f"line {entry.line}: header lacks '{PLURAL_FORMS}'")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"line {entry.line}: fuzzy: {label!r}")
        expected = range(2) if entry.msgid_plural is not None else range(1)
        empty = [i for i in expected if not entry.msgstr.get(i)]
        if empty:
            forms = "" if entry.msgid_plural is None else f" (plural forms {', '.join(map(str, empty))})"
            problems.append(f"line {entry.line}: untranslated{forms}: {label!r}")
    return problems


def run_msgfmt() -> list[str]:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return ["msgfmt not found (install gettext)"]
    result = subprocess.run(
        [msgfmt, "--check-format", "-o", os.devnull, str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        failure = f"msgfmt --check-format failed (exit {result.returncode}):"
        return [failure, *result.stderr.strip().splitlines()]
    return []


def main() -> int:
    run_makemessages()
    if not PO_FILE.exists():
        sys.stderr.write(f"translations: {PO_FILE} does not exist\n")
        return 1
    entries = parse_po(PO_FILE)
    messages = [e for e in entries if e.msgid or e.msgctxt is not None]
    problems = problems_in(entries)
    failed = False
    if problems:
        failed = True
        sys.stderr.write(f"translations: {len(problems)} problem(s) in {PO_FILE.relative_to(ROOT)}:\n")
        for problem in problems:
            sys.stderr.write(f"  {problem}\n")
    msgfmt_problems = run_msgfmt()
    if msgfmt_problems:
        failed = True
        for problem in msgfmt_problems:
            sys.stderr.write(f"translations: {problem}\n")
    if failed:
        return 1
    sys.stdout.write(f"translations: {len(messages)} messages, all translated\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

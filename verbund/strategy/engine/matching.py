"""Match municipality names of a catalogue source to the official directory (AGS). Pure Python, no Django.

The names in the KDN database are short ("Gronau", "Halle"), sometimes misspelt ("Bäsweiler"); the official
names carry additions ("Gronau (Westf.), Stadt", "Halle (Westf.), Stadt"). A name matches
1. exactly, after removing the official addition after the comma and normalising case, hyphens and blanks;
2. else as the beginning of exactly one official name ("Emmerich" → "Emmerich am Rhein");
3. else by spelling: exactly one official name is at least 85 % similar and clearly the closest.
Everything else is reported as ambiguous (several candidates) or not found, never guessed.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

SIMILARITY = 0.85
MARGIN = 0.05


@dataclass(frozen=True)
class Official:
    ags: str
    name: str


@dataclass(frozen=True)
class Match:
    name: str
    how: str  # exact, prefix, similar, ambiguous, none
    ags: str = ""
    candidates: tuple[str, ...] = ()


def normalise(name: str) -> str:
    base = name.split(",")[0]
    base = re.sub(r"[-‐–/.()]", " ", base.lower())
    return " ".join(base.split())


def match_names(names: Iterable[str], officials: Iterable[Official]) -> list[Match]:
    table: dict[str, list[Official]] = {}
    for official in officials:
        table.setdefault(normalise(official.name), []).append(official)
    keys = sorted(table)
    results = []
    for name in names:
        wanted = normalise(name)
        exact = table.get(wanted, [])
        if len(exact) == 1:
            results.append(Match(name, "exact", exact[0].ags))
            continue
        if len(exact) > 1:
            results.append(Match(name, "ambiguous", candidates=tuple(f"{o.ags} {o.name}" for o in exact)))
            continue
        prefixed = [o for key in keys if key.startswith(wanted + " ") for o in table[key]]
        if len(prefixed) == 1:
            results.append(Match(name, "prefix", prefixed[0].ags))
            continue
        if len(prefixed) > 1:
            results.append(Match(name, "ambiguous", candidates=tuple(f"{o.ags} {o.name}" for o in prefixed)))
            continue
        scored = sorted(((difflib.SequenceMatcher(None, wanted, key).ratio(), key) for key in keys), reverse=True)[:3]
        close = [(ratio, key) for ratio, key in scored if ratio >= SIMILARITY]
        if close and (len(scored) < 2 or scored[0][0] - scored[1][0] >= MARGIN) and len(table[close[0][1]]) == 1:
            results.append(Match(name, "similar", table[close[0][1]][0].ags))
            continue
        candidates = tuple(f"{table[key][0].ags} {table[key][0].name}" for ratio, key in scored if ratio >= 0.6)
        results.append(Match(name, "ambiguous" if len(candidates) > 1 else "none", candidates=candidates))
    return results

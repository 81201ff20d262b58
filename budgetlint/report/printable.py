"""Text from documents, file names and waivers made safe to show: control characters made visible.

A document string holding a newline could forge a line of the report, an ESC or BEL sequence would
reach the terminal, and bidi overrides reorder what is displayed. Every formatter that writes text
for people (text, github, junit, and the messages on standard error) passes each field through
printable(); the JSON formats pass their encoded text through json_printable().
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, the line and paragraph separators, the bidi embeddings and
# overrides (U+202A–U+202E) and isolates (U+2066–U+2069)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
# the same less C0: json.dumps escapes those itself, and its indentation holds real newlines
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def printable(text: str, keep: str = "") -> str:
    """One line of text, every control character written out (`\\n`, `\\x1b`, `\\u202e`) but those
    in `keep`, which the caller encodes its own way."""
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)
    return _UNSAFE.sub(_visible, text)


def json_printable(encoded: str) -> str:
    """JSON text (from json.dumps) with DEL, C1 and the other invisible controls as \\u escapes.

    Lossless: a JSON parser reads back the same strings."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)

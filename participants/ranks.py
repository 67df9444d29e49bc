"""Reading a rank the many ways spreadsheets write it: III/a, Penata Muda (III/a),
Penata Muda III/a, 3a, or the pangkat name alone."""

import re

from .models import Rank

_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_CODE = re.compile(r"\b(IV|III|II|I|[1-4])\s*[/.\- ]?\s*([a-e])\b", re.IGNORECASE)


def _pangkat(label):
    return label.split(" ", 1)[1].lower()


_BY_NAME = {_pangkat(label): code for code, label in Rank.choices}
_CODES = frozenset(Rank.values)  # read once: Rank.values builds its list on every call


def rank_parse(value):
    """The rank code (`III/a`), or None when the text names no rank."""
    text = " ".join(str(value or "").split())
    if not text:
        return None
    match = _CODE.search(text)
    if match:
        roman = _ROMAN.get(match.group(1), match.group(1).upper())
        code = f"{roman}/{match.group(2).lower()}"
        return code if code in _CODES else None
    return _BY_NAME.get(text.lower().strip(" ()"))

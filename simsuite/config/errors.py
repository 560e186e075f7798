"""The error every config problem raises, and the "did you mean" hint of its message.

:class:`ConfigError` names the source (file), the dotted key, the offending value and what is allowed;
:data:`MISSING` stands for the value of a key that is absent.
"""

from __future__ import annotations

import difflib
from typing import Any


class ConfigError(ValueError):
    """A config value is missing, unknown, of the wrong type, out of range or inconsistent.

    The message names the source (file), the dotted key, the offending value and what is allowed.
    """

    def __init__(self, source: str, key: str, value: Any, allowed: str, hint: str = ""):
        self.source, self.key, self.value, self.allowed, self.hint = (
            source,
            key,
            value,
            allowed,
            hint,
        )
        where = f"{source}: " if source else ""
        shown = "" if value is MISSING else f" = {_show(value)}"
        text = f"{where}{key}{shown}: {allowed}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


#: The value of a :class:`ConfigError` about a key that is absent (the message shows no value).
MISSING: Any = _Missing()


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def did_you_mean(word: str, candidates: list[str]) -> str:
    """A "did you mean 'x'?" hint for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""

"""Tables for the projector: a DataFrame that shows itself through a pandas Styler.

`projector_table(frame, ...)` returns a `Table`: still a DataFrame (code and tests read its
columns and index as before), but shown in a notebook with column names in words, shares as
percentages with one decimal, other fractions with one decimal, snake_case values (strategy
and condition ids) in words, no index column, and long text wrapped and left-aligned in type
large enough to read from the back of a room.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pandas as pd
from pandas.io.formats.style import Styler

# Column names a facilitator would say; any other name is put into words by `human_label`.
COLUMN_LABELS = {
    "n": "Participants",
    "outcome_label": "Outcome",
    "median_per_round": "Points per round (median)",
    "cooperation_rate": "Shared",
    "cooperation": "Shared",
    "n_before": "Participants (morning)",
    "mean_before": "Mean (morning)",
    "n_after": "Participants (now)",
    "mean_after": "Mean (now)",
    "facts_used": "Revealed facts used",
    "expert_used": "Facts an expert uses",
    "expert_facts": "Expert facts it reveals",
    "used_in_definition": "Used in a definition",
}
# Names of the dilemma's live conditions in a facilitator's words.
CONDITION_LABELS = {"one_shot": "One round", "partners": "Partners", "strangers": "Strangers"}
# Columns holding shares (0 to 1) when a table does not say: shown as percentages.
_SHARE = re.compile(r"(^|_)(share|rate|cooperation)(_|$)")
_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^[a-z]+$")

TABLE_STYLES = [
    {"selector": "", "props": [("font-size", "18px"), ("border-collapse", "collapse"),
                               ("margin", "0.4em 0")]},
    {"selector": "th", "props": [("text-align", "left"), ("font-weight", "700"),
                                 ("padding", "0.35em 0.8em"), ("border-bottom", "2px solid #555"),
                                 ("white-space", "normal"), ("vertical-align", "bottom")]},
    {"selector": "td", "props": [("text-align", "left"), ("padding", "0.35em 0.8em"),
                                 ("white-space", "normal"), ("vertical-align", "top"),
                                 ("max-width", "36em"), ("overflow-wrap", "break-word"),
                                 ("border-bottom", "1px solid #ddd"), ("line-height", "1.35")]},
]


def column_label(name: object) -> str:
    """A column name in words: 'mean_share' -> 'Mean share', 'n' -> 'Participants'."""
    text = COLUMN_LABELS.get(str(name)) or human_label(name)
    return text[:1].upper() + text[1:]


def human_label(name: object) -> str:
    """An id in words: 'generous_tit_for_tat' -> 'Generous tit for tat', 'one_shot' ->
    'One round' (the live conditions have names of their own); other text as it is."""
    text = str(name)
    if text in CONDITION_LABELS:
        return CONDITION_LABELS[text]
    if not _ID.match(text):
        return text
    words = text.replace("_", " ")
    return words[:1].upper() + words[1:]


def is_share(column: object) -> bool:
    """Whether a column name says it holds shares (0 to 1): shown as percentages."""
    return bool(_SHARE.search(str(column)))


class Table(pd.DataFrame):
    """A DataFrame shown as a projector table (see `projector_table`)."""

    @property
    def _constructor(self):
        return Table

    def styler(self) -> Styler:
        """The Styler a notebook shows: see the module docstring."""
        return style(pd.DataFrame(self), percent=self.attrs.get("wk_percent"),
                     words=self.attrs.get("wk_words", ()))

    def _repr_html_(self) -> str:
        return self.styler().to_html()


def projector_table(frame: pd.DataFrame, percent: Iterable[str] | None = None,
                    words: Iterable[str] = ()) -> Table:
    """`frame` as a `Table`. `percent`: the columns holding shares (default: those whose name
    says share, rate or cooperation); `words`: columns of ids to show in words."""
    table = Table(frame)
    table.attrs["wk_percent"] = None if percent is None else list(percent)
    table.attrs["wk_words"] = list(words)
    return table


def style(frame: pd.DataFrame, percent: Iterable[str] | None = None,
          words: Iterable[str] = ()) -> Styler:
    """A Styler for the projector: index levels become ordinary columns and the index is
    hidden; numbers formatted (percent with one decimal for shares, one decimal for other
    fractions, whole numbers as they are), ids in words, text wrapped and left-aligned."""
    named = [n for n in frame.index.names if n is not None]
    flat = frame.reset_index() if named else frame.reset_index(drop=True)
    percent = [c for c in flat.columns if is_share(c)] if percent is None else list(percent)
    words = list(words)
    formats = {}
    for column in flat.columns:
        if column in percent:
            formats[column] = "{:.1%}"
        elif pd.api.types.is_float_dtype(flat[column]):
            formats[column] = "{:.1f}"
        elif column in words:
            formats[column] = _words
    numbers = [c for c in flat.columns if pd.api.types.is_numeric_dtype(flat[c])
               and not pd.api.types.is_bool_dtype(flat[c])]
    styler = (flat.style.format(formats, na_rep="–")
              .hide(axis="index")
              .relabel_index([column_label(c) for c in flat.columns], axis="columns")
              .set_table_styles(TABLE_STYLES)
              .set_uuid(_uuid(flat)))
    if numbers:
        styler = styler.set_properties(subset=numbers, **{"text-align": "right"})
    return styler


def _uuid(frame: pd.DataFrame) -> str:
    """The same id for the same table (notebooks saved twice do not differ), different ids
    for different tables on one page (each table's styles stay its own)."""
    return "wk" + hashlib.sha1(frame.to_csv().encode()).hexdigest()[:10]


def _words(value: object) -> str:
    """One cell of ids in words; a path of ids ('a → b') step by step."""
    return " → ".join(human_label(part) for part in str(value).split(" → "))

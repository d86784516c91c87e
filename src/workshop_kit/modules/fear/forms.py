"""The participant's two forms: rate the sources of reluctance, rewrite a dreaded moment."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from workshop_kit.widgets import AnswerForm

from .content import Content
from .room import OPT_IN, strongest


def reframes_html(content: Content, ratings: dict[str, Any] | None) -> str:
    """Another way to see the sources one person rated strongest (above the scale's middle),
    strongest first; a sentence when none is."""
    if not ratings:
        return "<p><i>Rate the sources above and press Submit to see them here.</i></p>"
    ids = strongest(ratings, content, most=len(content.sources))
    if not ids:
        return ("<p>None of these holds you back much. Keep an eye on the moments that still "
                "feel hard: the rewrite below is for those.</p>")
    return "".join(
        f"<p><b>{html.escape(content.source(sid).label)}</b> (you: {ratings[sid]} of "
        f"{content.scale.max}). {html.escape(content.source(sid).reframe)}</p>" for sid in ids)


class SourcesForm(AnswerForm):
    """How much each source of reluctance holds this participant back, on the content's
    scale; once saved, another way to see the strongest ones."""

    def __init__(self, store: Any, cohort: str, participant: str, content: Content,
                 module: str, **kwargs: Any):
        self.content = content
        self.reframes = widgets.HTML()
        super().__init__(store, cohort, participant, module, content.sources_exercise,
                         **kwargs)
        self.children = [*self.children, self.reframes]

    def _build(self) -> list[widgets.Widget]:
        scale = self.content.scale
        self.sliders: dict[str, widgets.IntSlider] = {}
        parts: list[widgets.Widget] = [
            widgets.HTML(f"<h4>{html.escape(self.content.question)}</h4>"
                         f"<p><i>{scale.min} = {html.escape(scale.low_label)}, {scale.max} = "
                         f"{html.escape(scale.high_label)}</i></p>")]
        middle = (scale.min + scale.max) // 2
        for source in self.content.sources:
            slider = widgets.IntSlider(value=middle, min=scale.min, max=scale.max,
                                       continuous_update=False,
                                       layout=widgets.Layout(width="260px"))
            self.sliders[source.id] = slider
            label = widgets.HTML(f"<b>{html.escape(source.label)}.</b> "
                                 f"{html.escape(source.text)}",
                                 layout=widgets.Layout(width="560px"))
            parts.append(widgets.HBox([label, slider]))
        return parts

    def value(self) -> dict[str, Any]:
        return {"ratings": {sid: int(s.value) for sid, s in self.sliders.items()}}

    def restore(self, payload: dict[str, Any]) -> None:
        for sid, rating in (payload.get("ratings") or {}).items():
            if sid in self.sliders and isinstance(rating, int) and not isinstance(rating, bool):
                self.sliders[sid].value = rating

    def _after_save(self, payload: dict[str, Any]) -> None:
        self.reframes.value = ("<h4>Another way to see it</h4>"
                               + reframes_html(self.content, payload.get("ratings")))


class RewriteForm(AnswerForm):
    """One dreaded sales moment, the same moment rewritten as client service, and whether to
    show the pair to the room (never with a name)."""

    def __init__(self, store: Any, cohort: str, participant: str, content: Content,
                 module: str, **kwargs: Any):
        self.content = content
        super().__init__(store, cohort, participant, module, content.rewrite_exercise,
                         **kwargs)

    def _build(self) -> list[widgets.Widget]:
        spec = self.content.rewrite
        parts: list[widgets.Widget] = [widgets.HTML(f"<p>{html.escape(spec.intro)}</p>")]
        if spec.example is not None:
            parts.append(widgets.HTML(
                "<p><b>An example.</b> <i>Dreaded:</i> "
                f"{html.escape(spec.example.moment)}<br><i>Rewritten:</i> "
                f"{html.escape(spec.example.rewrite)}</p>"))
        self.moment = widgets.Textarea(placeholder="A few sentences…",
                                       layout=widgets.Layout(width="780px", height="110px"))
        self.rewrite = widgets.Textarea(placeholder="A few sentences…",
                                        layout=widgets.Layout(width="780px", height="130px"))
        self.share = widgets.Checkbox(value=False, indent=False, description=spec.share,
                                      layout=widgets.Layout(width="780px"))
        for field, area in ((spec.moment, self.moment), (spec.rewrite, self.rewrite)):
            parts += [widgets.HTML(f"<h4>{html.escape(field.label)}</h4>"
                                   f"<p>{html.escape(field.prompt)}</p>"), area]
        return [*parts, self.share]

    def value(self) -> dict[str, Any]:
        return {"moment": self.moment.value.strip(), "rewrite": self.rewrite.value.strip(),
                OPT_IN: bool(self.share.value)}

    def restore(self, payload: dict[str, Any]) -> None:
        self.moment.value = str(payload.get("moment", ""))
        self.rewrite.value = str(payload.get("rewrite", ""))
        self.share.value = payload.get(OPT_IN) is True

    def check(self, payload: dict[str, Any]) -> str | None:
        spec = self.content.rewrite
        for name, field in (("moment", spec.moment), ("rewrite", spec.rewrite)):
            length = len(payload[name])
            if length < field.min_chars:
                return (f"Please write at least {field.min_chars} characters under "
                        f"“{field.label}” (you have {length}).")
            if length > field.max_chars:
                return (f"“{field.label}” is {length} characters; please keep it under "
                        f"{field.max_chars}.")
        return None

"""A store whose reads leave out rows no answer schema accepts.

Rows written before answers were checked (or by hand) may hold anything: a check-in with two
ratings, a 2,500-level nested dict. Views, `export` and `report` read through `CheckedStore`,
so such a row is skipped and counted (`skipped`), never a crash of the facilitator's screen.
"""

from __future__ import annotations

import logging
from typing import Any

from .answers import stored_answer_ok
from .content import Content
from .store import FACILITATOR, Answer, Store

log = logging.getLogger("workshop_kit.checked")


class CheckedStore(Store):
    """`Store` with every answer read checked against its exercise's schema."""

    def __init__(self, url: str | None, content: Content, **kwargs: Any):
        super().__init__(url, **kwargs)
        self.content = content
        self.skipped = 0

    def _ok(self, answer: Answer) -> bool:
        if answer.participant == FACILITATOR and answer.source == "build":
            return True  # written by `build` on the trainer's machine
        if stored_answer_ok(self.content, answer):
            return True
        self.skipped += 1
        log.warning("left out a malformed stored answer to %s/%s (%d so far)",
                    answer.module[:40], answer.exercise[:40], self.skipped)
        return False

    def _keep(self, answers: list[Answer]) -> list[Answer]:
        return [a for a in answers if self._ok(a)]

    def latest_answer(self, *args: Any, **kwargs: Any) -> Answer | None:
        answer = super().latest_answer(*args, **kwargs)
        return answer if answer is None or self._ok(answer) else None

    def history(self, *args: Any, **kwargs: Any) -> list[Answer]:
        return self._keep(super().history(*args, **kwargs))

    def answers(self, *args: Any, **kwargs: Any) -> list[Answer]:
        return self._keep(super().answers(*args, **kwargs))

    def answers_since(self, *args: Any, **kwargs: Any) -> list[Answer]:
        return self._keep(super().answers_since(*args, **kwargs))

    def _current(self, cohort: str, answers: list[Answer], module: str | None = None
                 ) -> list[Answer]:
        # module_answers, latest and latest_many read through here (each row checked once)
        return super()._current(cohort, self._keep(answers), module)


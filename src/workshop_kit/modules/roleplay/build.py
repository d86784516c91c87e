"""The role-play's build: deal the cohort into groups and give each person their rounds.

Each participant's notebook gets their `group`, their `roles` round by round, the practice area
each round is played in (`round_areas`: the seller's, so all three read the same wording) and,
as `partners`, the other members of their group. The groups are published to the store (the
service shows a seller their own round's observer notes and buyer's reflection, nobody else's)
and listed on the agenda page.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from workshop_kit.cohort import BuildInput, ModulePlan
from workshop_kit.names import shown
from workshop_kit.rotation import BUYER, OBSERVER, RoleplayGroups, make_roleplay_groups

from .answers import GROUPS_EXERCISE as ROLEPLAY_GROUPS_EXERCISE
from .content import SCRIPTS_DIR


def group_plan(content: Any, groups: RoleplayGroups) -> list[dict[str, Any]]:
    """Each group's members and, per round, its script, seller, buyer and observers."""
    plan = []
    for group in groups.groups:
        rounds = []
        for n, roles in enumerate(group.rounds, start=1):
            rounds.append({
                "round": n,
                "script": content.script_for(n, group.index),
                "seller": group.seller(n),
                "buyer": next(p for p, r in roles.items() if r == BUYER),
                "observers": [p for p, r in roles.items() if r == OBSERVER],
            })
        plan.append({"id": group.id, "members": list(group.members), "rounds": rounds})
    return plan


def _groups_html(plan: list[dict[str, Any]], names: dict[str, str]) -> str:
    def who(ids: list[str]) -> str:
        return html.escape(", ".join(shown(names, p) for p in ids))

    rows = "".join(
        f"<tr><td>{g['id']}</td><td>{who(g['members'])}</td><td>"
        + "<br>".join(f"{r['round']}: {html.escape(r['script'])}, {who([r['seller']])} "
                      f"sells to {who([r['buyer']])}"
                      + (f", {who(r['observers'])} observe"
                         if r["observers"] else ", the facilitator observes")
                      for r in g["rounds"])
        + "</td></tr>" for g in plan)
    return (f"<h2>Role-play groups</h2><table><tr><th>Group</th><th>Members</th>"
            f"<th>Rounds</th></tr>{rows}</table>")


def plan(given: BuildInput) -> ModulePlan:
    people = given.cohort.participants
    groups = make_roleplay_groups([p.id for p in people], given.cohort.odd_one_out)
    areas = {p.id: p.practice_area for p in people}
    parameters = {}
    for person in people:
        group = groups.group_of(person.id)
        parameters[person.id] = {
            "partners": [p for p in group.members if p != person.id],
            "group": group.id,
            "roles": group.roles_of(person.id),
            # each round is played in its seller's practice area
            "round_areas": [areas[group.seller(n)] for n in range(1, len(group.rounds) + 1)],
        }
    groups_plan = group_plan(given.content, groups)
    sizes = sorted((len(g.members) for g in groups.groups), reverse=True)
    return ModulePlan(
        parameters=parameters,
        records={ROLEPLAY_GROUPS_EXERCISE: {"groups": groups_plan}},
        notes=list(groups.notes),
        agenda_html=_groups_html(groups_plan, given.names),
        files=sorted(f"{SCRIPTS_DIR}/{Path(s.path).name}" for s in given.day.scripts.values()),
        summary=[f"role-play groups: {', '.join(map(str, sizes))}"],
    )

"""Who works with whom: pairings per module and role-play groups. Pure: no IO, no UI.

Pairings (`make_pairings`): one round per module, everybody paired with someone new each time
(one trio per round, or the facilitator as partner, in an odd cohort).

Role-play groups (`make_roleplay_groups`): who plays seller, buyer and observer in each round.

A role-play needs three people: a seller, a buyer and an observer. The cohort is dealt into
trios; roles rotate so that over three rounds everybody sells once, buys once and observes once.

When the cohort does not divide by three:

* ``odd_one_out='trio'`` (the cohort file's default, "keep everybody with peers"): one or two
  groups of four. A group of four plays a fourth round, so each member still sells once and buys
  once, and observes twice (two observers watch the same seller).
* ``odd_one_out='facilitator'``: one or two pairs. A pair plays two rounds (each sells once and
  buys once) and the facilitator observes them.

A cohort of 2 or 5 people always has one pair, since no mix of threes and fours makes it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import ParameterError
from .store import FACILITATOR

SELLER, BUYER, OBSERVER = "seller", "buyer", "observer"
ROLES = (SELLER, BUYER, OBSERVER)


@dataclass(frozen=True)
class Group:
    """A role-play group and the role of each member in each of its rounds."""

    id: str
    members: tuple[str, ...]
    rounds: tuple[dict[str, str], ...]

    @property
    def index(self) -> int:
        """1 for 'g1', 2 for 'g2', …: picks the group's script where a round offers several."""
        return int(self.id[1:])

    def roles_of(self, person: str) -> list[str]:
        """The person's role in each round, in order."""
        return [round_roles[person] for round_roles in self.rounds]

    def seller(self, round_no: int) -> str:
        """Who sells in round `round_no` (1-based)."""
        return next(p for p, role in self.rounds[round_no - 1].items() if role == SELLER)


@dataclass(frozen=True)
class RoleplayGroups:
    groups: list[Group]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_plan(cls, plan: list[dict]) -> RoleplayGroups:
        """Groups read back from a build's cohort.json (`roleplay_groups`)."""
        groups = []
        for g in plan:
            rounds = []
            for r in g["rounds"]:
                roles = dict.fromkeys(g["members"], OBSERVER)
                roles[r["seller"]], roles[r["buyer"]] = SELLER, BUYER
                rounds.append(roles)
            groups.append(Group(g["id"], tuple(g["members"]), tuple(rounds)))
        return cls(groups)

    def group_of(self, person: str) -> Group:
        for group in self.groups:
            if person in group.members:
                return group
        raise KeyError(person)


def _sizes(n: int, odd_one_out: str) -> list[int]:
    """Group sizes for a cohort of n, biggest first."""
    threes, rest = divmod(n, 3)
    if rest == 0:
        return [3] * threes
    if odd_one_out == "trio":
        if rest == 1:
            return [4] + [3] * (threes - 1)
        if n >= 8:  # rest 2: two groups of four
            return [4, 4] + [3] * (threes - 2)
        return [3] * threes + [2]
    # facilitator observes pairs: rest 1 becomes two pairs, rest 2 one pair
    if rest == 1:
        return [3] * (threes - 1) + [2, 2]
    return [3] * threes + [2]


def _rounds(members: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """Round r: member r sells, the next one buys, the others observe."""
    n = len(members)
    rounds = []
    for r in range(n if n > 2 else 2):
        roles = {}
        for i, person in enumerate(members):
            offset = (i - r) % n
            roles[person] = SELLER if offset == 0 else BUYER if offset == 1 else OBSERVER
        rounds.append(roles)
    return tuple(rounds)


def make_roleplay_groups(ids: list[str], odd_one_out: str = "trio") -> RoleplayGroups:
    """Deal the cohort into role-play groups and rotate the roles.

    People are dealt round the groups in roster order (1st to g1, 2nd to g2, …), so a roster
    listed team by team gives groups that mix the teams. Same ids, same groups.
    """
    if odd_one_out not in ("trio", FACILITATOR):
        raise ParameterError(
            f"odd_one_out must be 'trio' or 'facilitator', got '{odd_one_out}'")
    if len(ids) < 2:
        raise ParameterError("role-play groups need at least 2 participants")
    sizes = _sizes(len(ids), odd_one_out)
    members: list[list[str]] = [[] for _ in sizes]
    slot = 0
    for person in ids:
        while len(members[slot % len(sizes)]) >= sizes[slot % len(sizes)]:
            slot += 1
        members[slot % len(sizes)].append(person)
        slot += 1
    groups = [Group(f"g{i + 1}", tuple(m), _rounds(tuple(m))) for i, m in enumerate(members)]
    notes = []
    fours = sum(1 for s in sizes if s == 4)
    pairs = sum(1 for s in sizes if s == 2)
    trios = sum(1 for s in sizes if s == 3)
    if fours:
        notes.append(
            f"role-play: {len(ids)} participants make {trios} trio(s) and {fours} group(s) of "
            "four; a group of four plays a fourth round so each member sells once, buys once "
            "and observes twice"
        )
    if pairs:
        notes.append(
            f"role-play: {len(ids)} participants make {trios} trio(s) and {pairs} pair(s); a "
            "pair plays two rounds (each sells once, buys once) and the facilitator observes"
        )
    return RoleplayGroups(groups, notes)


# ---------------------------------------------------------------------------------------------
# Pairings: one partner (or a trio) per module, nobody meeting the same partner twice


@dataclass(frozen=True)
class Pairings:
    """Groups for each round (one round per module), and how an odd cohort was handled."""

    rounds: list[list[tuple[str, ...]]]
    notes: list[str] = field(default_factory=list)

    def partners(self, round_index: int, person: str) -> list[str]:
        for group in self.rounds[round_index]:
            if person in group:
                return [p for p in group if p != person]
        return []


def _met(history: set[frozenset[str]], group: Iterable[str]) -> bool:
    group = list(group)
    return any(
        frozenset((a, b)) in history for i, a in enumerate(group) for b in group[i + 1 :]
    )


def _trio_round(people: list[str], history: set[frozenset[str]], shift: int,
                budget: list[int]) -> list[tuple[str, ...]] | None:
    """Pairs plus one trio (odd cohorts), nobody meeting anyone from `history`; None if the
    search finds no such round within its budget."""
    order = people[shift:] + people[:shift]

    def search(left: list[str], trio_used: bool) -> list[tuple[str, ...]] | None:
        if not left:
            return [] if trio_used else None
        budget[0] -= 1
        if budget[0] < 0:
            return None
        a, rest = left[0], left[1:]
        for i, b in enumerate(rest):
            if frozenset((a, b)) in history:
                continue
            others = rest[:i] + rest[i + 1 :]
            if not trio_used:
                for j, c in enumerate(others):
                    if _met(history, (a, b, c)):
                        continue
                    found = search(others[:j] + others[j + 1 :], True)
                    if found is not None:
                        return [(a, b, c), *found]
            if len(others) % 2 == (0 if trio_used else 1):
                found = search(others, trio_used)
                if found is not None:
                    return [(a, b), *found]
        return None

    return search(order, False)


def make_pairings(ids: list[str], rounds: int, odd_one_out: str = "trio") -> Pairings:
    """Groups for `rounds` rounds, rotating so nobody meets the same partner twice.

    An even cohort is paired by the circle method. An odd cohort gets one trio per round, or the
    facilitator partners the person left over (odd_one_out='facilitator'). A cohort too small
    for `rounds` rounds without repeats repeats partners, and says so in `notes`.
    """
    if odd_one_out not in ("trio", FACILITATOR):
        raise ParameterError(f"odd_one_out must be 'trio' or 'facilitator', got '{odd_one_out}'")
    if len(ids) < 2:
        raise ParameterError("pairings need at least 2 participants")
    people = list(ids)
    odd = len(people) % 2 == 1
    if odd and odd_one_out == "trio" and len(people) < 5:
        notes = [f"{len(people)} participants: they work as one trio in every round"]
        return Pairings([[tuple(people)] for _ in range(rounds)], notes)
    notes: list[str] = []
    if odd:
        how = ("joins a pair to make a trio" if odd_one_out == "trio"
               else "is partnered by the facilitator")
        notes.append(f"{len(people)} participants (odd): in each round one person {how}")
    circle: list[str] = [*people, FACILITATOR] if odd else people
    n = len(circle)
    distinct = n - 1
    history: set[frozenset[str]] = set()
    result: list[list[tuple[str, ...]]] = []
    repeated_from = None
    for r in range(rounds):
        groups: list[tuple[str, ...]] | None = None
        if odd and odd_one_out == "trio":
            groups = _trio_round(people, history, r, [20_000])
        if groups is None:
            k = r % distinct
            rest = circle[1:]
            order = [circle[0], *(rest[-k:] + rest[:-k] if k else rest)]
            pairs = [(order[i], order[n - 1 - i]) for i in range(n // 2)]
            groups = [tuple(sorted(p, key=lambda x: x == FACILITATOR)) for p in pairs]
            if odd and odd_one_out == "trio":  # no fresh round found: fold the spare in
                spare = next(g for g in groups if FACILITATOR in g)
                groups.remove(spare)
                groups[0] = (*groups[0], spare[0])
        if any(_met(history, [p for p in g if p != FACILITATOR]) for g in groups):
            repeated_from = repeated_from or r + 1
        for g in groups:
            members = [p for p in g if p != FACILITATOR]
            history.update(frozenset(pair) for pair in itertools.combinations(members, 2))
        result.append(groups)
    if repeated_from:
        notes.append(f"{len(people)} participants allow no more fresh partners after round "
                     f"{repeated_from - 1}; partners repeat from round {repeated_from}")
    return Pairings(result, notes)

"""Role-play groups: who plays seller, buyer and observer in each round. Pure: no IO, no UI.

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

from dataclasses import dataclass, field

from .errors import ParameterError

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
    if odd_one_out not in ("trio", "facilitator"):
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

"""Fear of selling: rate where your reluctance comes from, rewrite a dreaded moment as service.

Parts: `content` (the YAML's model and checks), `answers` (the two exercises' schemas),
`room` (what the room may see: the map of reluctance as aggregates of at least MIN_GROUP
people, and the rewrites their authors shared, without names; pure functions and charts),
`rules` (the service's side of it), `simulate`, `participant`, `facilitator`, `cockpit` and
`report`. Everything is keyed by the agenda's module id, so the type can appear twice.
"""

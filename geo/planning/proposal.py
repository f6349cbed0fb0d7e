"""Balanced proposals: new grids for a community made of whole compounds (小区) or buildings, contiguous, compact,
within a household range, and close to the grids in force — with GerryChain's ReCom (spanning-tree recombination).

Units: each compound whose households fit the range's maximum is one unit (kept whole); the buildings of bigger
compounds are units of their own. A unit's land is the Voronoi cells of its buildings, clipped to the community's
ordinary land (dedicated grids stay as they are). Units are adjacent when their land shares an edge.
The chain starts from the grids in force, merged or cut to the wanted number, when they make contiguous grids
near the ideal size, else from a balanced random split (recursive spanning trees); it walks `steps` ReCom moves within
`epsilon` of the ideal size, and keeps the state with the best objective: households outside the range (weighted
heavily), then cut edges (compactness: fewer units on a boundary), then households that change grid. A seed makes
it deterministic. Grids keep the code of the current grid they share most households with, as long as the code
keeps its meaning (validation's rule); others get codes never issued before. A street's proposal is its
communities' proposals in one plan.
The units and their land are made in `proposal_units`, the chain's starting split in `proposal_start`.
"""

import random
from functools import partial

import numpy as np
import shapely
from gerrychain import Graph, MarkovChain
from gerrychain.accept import always_accept
from gerrychain.constraints import contiguous, within_percent_of_ideal_population
from gerrychain.proposals import recom
from gerrychain.tree.bipartition_tree import PopulationBalanceError, ReselectException
from gerrychain.updaters import Tally, cut_edges
from scipy.optimize import linear_sum_assignment
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.actor import Actor
from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.planning.edits import polygonal
from geo.planning.impact import DEFAULT_TARGET
from geo.planning.plans import check_communities, check_planner, issued_codes, new_plan
from geo.planning.proposal_start import initial_partition
from geo.planning.proposal_units import (
    Unit,
    adjacency,
    land_cells,
    ordinary_land,
    units_of,
)
from geo.planning.validation import keeps_meaning

OUT_OF_RANGE_WEIGHT = 1000  # a household outside the range costs as much as a thousand cut edges
CHANGE_WEIGHT = 0.05        # twenty households moved to another grid cost as much as one cut edge


def _recom_or_stay(partition, **kwargs):
    """A ReCom move, or no move when the merged pair has no balanced cut (a lazy step keeps the chain going)."""
    try:
        return recom(partition, **kwargs)
    except (PopulationBalanceError, ReselectException, RuntimeError):
        return partition


def _score(partition, units: list[Unit], target: tuple[int, int], current: dict) -> tuple[float, dict]:
    """The objective of a state (lower is better) and its terms: households outside the range, cut edges, moves."""
    low, high = target
    sizes = partition["households"]
    outside = sum(max(0, low - n) + max(0, n - high) for n in sizes.values())
    moved = sum(units[i].households for i, part in partition.assignment.items() if current.get(part) != units[i].current)
    cut = len(partition["cut_edges"])
    return OUT_OF_RANGE_WEIGHT * outside + cut + CHANGE_WEIGHT * moved, {
        "households_outside_range": outside, "cut_edges": cut, "households_moved": moved}


def _match_codes(partition, units: list[Unit]) -> dict:
    """Each part → the current grid it shares most households with (one part per code), else None."""
    parts = sorted(partition.parts)
    codes = sorted({u.current for u in units if u.current})
    shared = np.zeros((len(parts), len(codes)))
    for i, part in partition.assignment.items():
        if units[i].current:
            shared[parts.index(part), codes.index(units[i].current)] += units[i].households + 1
    rows, cols = linear_sum_assignment(-shared)
    return {parts[r]: codes[c] for r, c in zip(rows, cols) if shared[r, c] > 0}


def propose(session: Session, actor: Actor, area: str, *, target: tuple[int, int] = DEFAULT_TARGET,
            grids: int | None = None, steps: int = 200, seed: int = 1, name: str | None = None) -> dict:
    """A draft plan proposed by ReCom for a community, or for every community of a street (each on its own:
    grids never cross a community); returns its id, the objective's values and households per grid."""
    communities = _communities(session, area)
    check_planner(actor, communities)
    check_communities(session, communities)
    low, high = target
    if not 0 < low <= high or steps < 1 or (grids is not None and grids < 1):
        raise InvalidInput(msg("the target range must be two positive numbers, the smaller first"))
    if grids is not None and len(communities) > 1:
        raise InvalidInput(msg("a number of grids applies to one community; {area} is a street", area=area))
    found = {c: _search(session, c, target, grids, steps, seed) for c in communities}
    plan_id = new_plan(session, actor, name or f"{area} 均衡方案（种子 {seed}）", communities, "proposal")
    households = {}
    for community, (units, shapes, best, _) in found.items():
        households |= _write(session, plan_id, community, units, shapes, best)
    terms = [t for *_, t in found.values()]
    objective = terms[0] if len(terms) == 1 else {
        key: round(sum(t[key] for t in terms), 2) for key in terms[0] if key not in ("epsilon", "steps", "seed")
    } | {"steps": steps, "seed": seed, "communities": dict(zip(found, terms))}
    return {"plan": plan_id, "objective": objective, "households": dict(sorted(households.items()))}


def _communities(session: Session, area: str) -> list[str]:
    """`area` itself when it is a community; a street's communities; InvalidInput otherwise."""
    level = session.execute(text("SELECT level FROM areas WHERE code = :area"), {"area": area}).scalar()
    if level == "community":
        return [area]
    if level == "street":
        return list(session.execute(text("SELECT code FROM areas WHERE parent_code = :street AND level = 'community' "
                                         "ORDER BY code"), {"street": area}).scalars())
    raise InvalidInput(msg("no community or street with code {code}", code=area))


def _search(session: Session, community: str, target: tuple[int, int], grids: int | None, steps: int, seed: int):
    """The best state of a ReCom chain over the community's units: (units, their land, partition, objective terms)."""
    low, high = target
    units = units_of(session, community, high)
    total = sum(u.households for u in units)
    k = grids or max(1, round(total / ((low + high) / 2)))
    if len(units) < k:
        raise InvalidInput(msg("community {community} has {units} compounds and buildings: too few for {grids} grids",
                               community=community, units=len(units), grids=k))
    shapes = land_cells(units, ordinary_land(session, community))
    graph = Graph.from_networkx(adjacency(units, shapes))
    rng = random.Random(seed)
    ideal = total / k
    epsilon = max(0.05, min(0.5, (high - low) / 2 / ideal)) if ideal else 0.5
    updaters = {"households": Tally("households", alias="households"), "cut_edges": cut_edges}
    initial = initial_partition(graph, units, k, ideal, epsilon, rng, updaters)
    chain = MarkovChain(partial(_recom_or_stay, pop_col="households", pop_target=ideal, epsilon=epsilon, rng=rng),
                        [contiguous, within_percent_of_ideal_population(initial, epsilon, pop_key="households")],
                        always_accept, initial, total_steps=steps, rng=rng)
    best, best_score, best_terms = None, None, None
    for state in chain:
        current = _match_codes(state, units)
        value, terms = _score(state, units, target, current)
        if best_score is None or value < best_score:
            best, best_score, best_terms = state, value, terms
    return units, shapes, best, best_terms | {"objective": round(best_score, 2), "grids": k, "steps": steps,
                                              "seed": seed, "epsilon": round(epsilon, 3)}


def _write(session: Session, plan_id: int, community: str, units, shapes, partition) -> dict[str, int]:
    """The community's proposed grids into the plan (dedicated grids as they are); households per code."""
    codes = _match_codes(partition, units)
    session.execute(text("INSERT INTO plan_grids (plan_id, code, name, community_code, kind, purpose, geom) "
                         "SELECT :plan_id, code, name, parent_code, kind, purpose, geom FROM areas "
                         "WHERE parent_code = :community AND kind = 'dedicated'"),
                    {"plan_id": plan_id, "community": community})
    highest = max((int(c[-3:]) for c in issued_codes(session, community)), default=0)
    current = {r[0]: (r[1], shapely.from_wkb(bytes(r[2]))) for r in session.execute(
        text("SELECT code, name, ST_AsBinary(geom) FROM areas WHERE parent_code = :community"),
        {"community": community})}
    sizes = {}
    for part in sorted(partition.parts):
        members = [i for i, p in partition.assignment.items() if p == part]
        geom = polygonal(shapely.union_all([shapes[i] for i in members]))
        code = codes.get(part)
        if code is None or not keeps_meaning(current[code][1], geom):
            highest += 1
            code = f"{community}{highest:03d}"
        session.execute(text("INSERT INTO plan_grids (plan_id, code, name, community_code, kind, geom) VALUES "
                             "(:plan_id, :code, :name, :community, 'ordinary', ST_GeomFromWKB(:wkb, 4326))"),
                        {"plan_id": plan_id, "code": code, "name": current.get(code, (f"新网格{code[-3:]}",))[0],
                         "community": community, "wkb": shapely.to_wkb(geom)})
        sizes[code] = sum(units[i].households for i in members)
    return sizes

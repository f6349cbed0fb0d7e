"""Where a proposal's chain starts: the grids in force merged or cut to the wanted number and rebalanced unit by
unit (least change), when that gives contiguous grids within epsilon of the ideal size; else a balanced random
split by recursive spanning trees.
"""

import networkx as nx
from gerrychain import Partition
from gerrychain.constraints import contiguous
from gerrychain.partition.initial_partition_generators import recursive_tree_part
from gerrychain.tree.bipartition_tree import PopulationBalanceError, ReselectException

from geo.core.errors import InvalidInput
from geo.core.i18n import msg
from geo.planning.proposal_units import Unit


def initial_partition(graph, units: list[Unit], k: int, ideal: float, epsilon: float, rng, updaters) -> Partition:
    """The grids in force brought to `k` parts (least change) when that gives contiguous parts within epsilon,
    else a random balanced split by recursive spanning trees."""
    assignment = _from_current(graph, units, k, ideal, epsilon, rng)
    if assignment is not None:
        partition = Partition(graph, assignment, updaters)
        if contiguous(partition) and all(abs(n - ideal) <= epsilon * ideal for n in partition["households"].values()):
            return partition
    try:
        return Partition(graph, recursive_tree_part(graph, range(k), ideal, "households", epsilon, rng=rng), updaters)
    except (PopulationBalanceError, ReselectException, RuntimeError):
        raise InvalidInput(msg("no split into {grids} contiguous grids within {percent}% of {ideal} households was found",
                               grids=k, percent=round(epsilon * 100), ideal=round(ideal))) from None


def _from_current(graph, units: list[Unit], k: int, ideal: float, epsilon: float, rng) -> dict | None:
    """The current grids, the smallest merged into its smallest neighbour or the largest cut in two by a
    spanning tree until there are `k`, then rebalanced unit by unit; None when that cannot be done."""
    current = sorted({u.current for u in units})
    assignment = {i: current.index(u.current) for i, u in enumerate(units)}
    sizes = {p: 0 for p in range(len(current))}
    for i, u in enumerate(units):
        sizes[assignment[i]] += u.households
    while len(sizes) > k:
        small = min(sizes, key=lambda p: (sizes[p], p))
        neighbours = {assignment[j] for i in graph.nodes if assignment[i] == small for j in graph.neighbors(i)} - {small}
        if not neighbours:
            return None
        into = min(neighbours, key=lambda p: (sizes[p], p))
        for i in graph.nodes:
            if assignment[i] == small:
                assignment[i] = into
        sizes[into] += sizes.pop(small)
    while len(sizes) < k:
        large = max(sizes, key=lambda p: (sizes[p], -p))
        members = [i for i in graph.nodes if assignment[i] == large]
        new = max(sizes) + 1
        try:
            halves = recursive_tree_part(graph.subgraph(members), [large, new], sizes[large] / 2, "households",
                                         max(epsilon, 0.05), rng=rng)
        except (PopulationBalanceError, ReselectException, RuntimeError):
            return None
        assignment.update(halves)
        sizes[new] = sum(units[i].households for i in members if halves[i] == new)
        sizes[large] -= sizes[new]
    _rebalance(graph, units, assignment, sizes, ideal, epsilon)
    order = {p: n for n, p in enumerate(sorted(sizes))}
    return {i: order[p] for i, p in assignment.items()}


def _rebalance(graph, units: list[Unit], assignment: dict, sizes: dict, ideal: float, epsilon: float) -> None:
    """Hand boundary units to neighbouring grids, best gain first, while that brings the grid furthest from the
    ideal closer and leaves every grid in one piece (a greedy repair: few households change grid)."""
    for _ in range(4 * len(units)):
        if max(abs(n - ideal) for n in sizes.values()) <= epsilon * ideal:
            return
        moves = []
        for i in graph.nodes:
            here, h = assignment[i], units[i].households
            for there in {assignment[j] for j in graph.neighbors(i)} - {here}:
                before = max(abs(sizes[here] - ideal), abs(sizes[there] - ideal))
                after = max(abs(sizes[here] - h - ideal), abs(sizes[there] + h - ideal))
                if after < before:
                    moves.append((before - after, -i, there))
        for _, minus_i, there in sorted(moves, reverse=True):
            i, here = -minus_i, assignment[-minus_i]
            rest = [j for j in graph.nodes if assignment[j] == here and j != i]
            if rest and nx.is_connected(graph.subgraph(rest)):
                assignment[i] = there
                sizes[here] -= units[i].households
                sizes[there] += units[i].households
                break
        else:
            return

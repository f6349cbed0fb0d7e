"""Walks for the demo's patrols, in metres: a lattice of paths over a grid's open ground (turned to its street's
lanes, around the buildings), the key points on it, and a patrol's positions every few seconds along shortest
paths between the key points and buildings it makes for.
"""

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, shortest_path

SPACING_M = 25.0        # between lattice nodes: lanes and paths between the slabs are about this wide apart
INSET_M = 3.0           # the walk keeps this far inside the grid, so no position lands outside after rounding
AROUND_BUILDING_M = 2.0
GPS_SIGMA_M = 3.0       # a phone's scatter around where the worker really is
STEPS = ((1, 0), (0, 1), (1, 1), (1, -1))


@dataclass
class Walk:
    """A patrol's positions (metres), their accuracy, its length and where it passed each key point."""

    xy: np.ndarray
    accuracy: np.ndarray
    length_m: float
    checkins: list[tuple[int, int, float]]  # (key point index, position index, distance m)


class Paths:
    """A grid's walkable lattice (largest connected part), with all shortest paths between its nodes."""

    def __init__(self, grid_m, buildings_m: list, angle: float):
        """The lattice over `grid_m` minus the buildings, rotated by `angle` degrees like the street's blocks."""
        self.inner = grid_m.buffer(-INSET_M)
        walkable = self.inner
        if buildings_m:
            walkable = walkable.difference(shapely.union_all(buildings_m).buffer(AROUND_BUILDING_M))
        shapely.prepare(self.inner)
        shapely.prepare(walkable)
        self.xy = self._lattice(walkable, angle)
        if len(self.xy) < 2:  # a sliver of a grid: walk round its middle
            p = self.inner.representative_point() if not self.inner.is_empty else grid_m.representative_point()
            self.xy = np.array([[p.x, p.y], [p.x, p.y]])
            self.dist = np.zeros((2, 2))
            self.pred = np.array([[-9999, 0], [1, -9999]])
            return
        self.dist, self.pred = self._graph(walkable)

    def _lattice(self, walkable, angle: float) -> np.ndarray:
        """Nodes of a rotated square lattice inside `walkable`, keyed by their lattice position."""
        c = walkable.centroid if not walkable.is_empty else self.inner.centroid
        a = np.radians(angle)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        if walkable.is_empty:
            return np.empty((0, 2))
        corners = (np.array(walkable.envelope.exterior.coords) - [c.x, c.y]) @ rot  # into the lattice's frame
        radius = np.abs(corners).max() + SPACING_M
        ticks = np.arange(-radius, radius + 1, SPACING_M)
        i, j = np.meshgrid(np.arange(len(ticks)), np.arange(len(ticks)), indexing="ij")
        local = np.column_stack([ticks[i.ravel()], ticks[j.ravel()]])
        xy = local @ rot.T + [c.x, c.y]
        inside = shapely.contains_xy(walkable, xy[:, 0], xy[:, 1])
        self._ij = np.column_stack([i.ravel(), j.ravel()])[inside]
        return xy[inside]

    def _graph(self, walkable):
        """Shortest paths over the lattice's edges that stay on open ground; only the largest connected part kept."""
        key = {tuple(ij): n for n, ij in enumerate(self._ij)}
        a, b = [], []
        for n, (i, j) in enumerate(self._ij):
            for di, dj in STEPS:
                m = key.get((i + di, j + dj))
                if m is not None:
                    a.append(n)
                    b.append(m)
        a, b = np.array(a, dtype=int), np.array(b, dtype=int)
        if len(a):
            lines = shapely.linestrings(np.stack([self.xy[a], self.xy[b]], axis=1))
            ok = shapely.within(lines, walkable)
            a, b = a[ok], b[ok]
        n = len(self.xy)
        weights = np.hypot(*(self.xy[a] - self.xy[b]).T)
        graph = coo_matrix((weights, (a, b)), shape=(n, n)).tocsr()
        _, labels = connected_components(graph, directed=False)
        largest = np.flatnonzero(labels == np.bincount(labels).argmax())
        if len(largest) < 2:
            largest = np.arange(min(2, n))
        self.xy = self.xy[largest]
        graph = graph[largest][:, largest]
        return shortest_path(graph, directed=False, return_predecessors=True)

    def key_points(self, count: int, rng) -> np.ndarray:
        """Node indexes of `count` key points spread over the lattice (the farthest from those already chosen)."""
        chosen = [int(rng.integers(len(self.xy)))]
        while len(chosen) < min(count, len(self.xy)):
            gap = np.min(np.hypot(*(self.xy[:, None, :] - self.xy[chosen][None, :, :]).transpose(2, 0, 1)), axis=1)
            far = np.flatnonzero(gap >= np.quantile(gap, 0.7))
            chosen.append(int(rng.choice(far)))
        return np.array(chosen)

    def _route(self, start: int, end: int) -> list[int]:
        """The nodes of the shortest path from `start` to `end` (without `start`)."""
        path, node = [], end
        while node != start and node >= 0:
            path.append(node)
            node = self.pred[start, node]
        return path[::-1] if node == start else [end]

    def walk(self, seconds: int, every: int, speed: float, keys: np.ndarray, rng) -> Walk:
        """Positions every `every` s for `seconds` at `speed` m/s, making for the key point nodes `keys` (in a
        random order) between random nodes; the phone's scatter kept inside the grid."""
        n = seconds // every + 1
        goal = speed * seconds
        node = int(rng.integers(len(self.xy)))
        nodes, length = [node], 0.0
        targets = list(rng.permutation(keys))
        while length < goal and len(nodes) < 100_000:
            target = targets.pop(0) if targets and rng.random() < 0.6 else int(rng.integers(len(self.xy)))
            step = self._route(node, int(target))
            length += float(self.dist[node, target]) if np.isfinite(self.dist[node, target]) else 0.0
            nodes += step
            node = nodes[-1]
            if length == 0.0 and len(nodes) > 50:  # nowhere to go: stand still
                break
        line_xy = self.xy[nodes]
        if len(line_xy) < 2 or length == 0:
            line_xy = np.vstack([self.xy[nodes[0]], self.xy[nodes[0]] + 0.01])
        line = shapely.linestrings(line_xy)
        along = np.minimum(np.concatenate([[0.0], np.cumsum(speed * every * rng.uniform(0.6, 1.4, n - 1))]),
                           line.length)
        xy = shapely.get_coordinates(shapely.line_interpolate_point(line, along))
        noisy = xy + rng.normal(0, GPS_SIGMA_M, xy.shape)
        keep = shapely.contains_xy(self.inner, noisy[:, 0], noisy[:, 1])
        xy = np.where(keep[:, None], noisy, xy)
        accuracy = np.round(rng.gamma(4.0, 2.5, n) + 3, 1)
        checkins = []
        for k, key in enumerate(keys):
            d = np.hypot(*(xy - self.xy[key]).T)
            best = int(np.argmin(d))
            checkins.append((k, best, float(d[best])))
        return Walk(xy, accuracy, float(np.hypot(*np.diff(xy, axis=0).T).sum()), checkins)

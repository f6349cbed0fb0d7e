"""The map: boundary import and history, areas, the grid index, locate, tiles, buildings."""

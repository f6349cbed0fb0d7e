"""The limits on an untrusted file, from the WANGGE_UPLOAD_* settings."""

from dataclasses import dataclass

from geo.core.settings import get_settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one file may hold; a plain value, so that the reading process gets it whole."""

    bytes: int
    unzipped_bytes: int
    zip_ratio: float
    zip_members: int
    features: int
    vertices: int
    rows: int
    seconds: float
    memory_bytes: int

    @classmethod
    def own_files(cls) -> "Limits":
        """For files the service itself wrote a moment ago (the demo city): read the same way, without the caps
        meant for other people's files."""
        return cls(2**40, 2**40, 1e9, 10**6, 10**9, 10**12, 10**9, 3600.0, 2**40)

    @classmethod
    def from_settings(cls) -> "Limits":
        """The limits in force now."""
        s = get_settings()
        return cls(s.upload_max_bytes, s.upload_max_unzipped_bytes, s.upload_max_zip_ratio, s.upload_max_zip_members,
                   s.upload_max_features, s.upload_max_vertices, s.upload_max_rows, s.upload_max_seconds,
                   s.upload_max_memory_mb * MIB)

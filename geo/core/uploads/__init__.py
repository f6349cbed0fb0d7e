"""Untrusted files in (boundary files, plans, rosters): what may be read, and how.

- `limits`: the WANGGE_UPLOAD_* limits, passed whole to the process that reads.
- `sandbox`: reading happens in a child process, off the caller's thread, killed at the time limit.
- `staging`: uploads and operators' files are copied into a private folder under generated names.
- `zips`: a .zip or .xlsx is vetted by Python's zipfile (names, member count, sizes, ratio), never by GDAL.
- `shapefiles`, `geopackages`: the only two formats GDAL ever opens, each checked by its bytes first.

docs/security.md (Uploads) says why each of these exists.
"""

#!/usr/bin/env bash
# Make sure a PostgreSQL server with PostGIS is installed, from the OS packages, unless DATABASE_URL
# points at an existing PostGIS. Installs as root, or through passwordless sudo; otherwise says how.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is set: using that PostGIS, installing none."
  exit 0
fi
if ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
   && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi

# The PostgreSQL major version already installed, else the distribution's default.
major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
if [ -z "$major" ]; then
  major=$(. /etc/os-release; case "${VERSION_CODENAME:-}" in bookworm) echo 15;; trixie) echo 17;; jammy) echo 14;; noble) echo 16;; *) echo 15;; esac)
fi
pkg="postgresql-${major}-postgis-3"

. "$(dirname "$0")/privileged.sh"
if ! as_root; then
  echo "PostGIS is missing. Install it once as root:  apt-get install -y $pkg" >&2
  echo "(or set DATABASE_URL to an existing PostGIS database)" >&2
  exit 1
fi
echo "Installing $pkg from the OS packages…"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" postgresql-contrib >/dev/null
echo "PostGIS installed."

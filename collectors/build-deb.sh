#!/bin/sh
# Builds the lantern-collectors .deb; kept for its callers (ScriptTests). The one way to
# build Lantern's packages is packaging/build-debs: this delegates to it.
# Usage: collectors/build-deb.sh VERSION [OUTDIR]   -> OUTDIR/lantern-collectors_VERSION_all.deb
set -eu
version=${1:?usage: build-deb.sh VERSION [OUTDIR]}
out=$(cd "${2:-.}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
LANTERN_DEB_VERSION=$version LANTERN_DIST_DIR=$out exec "$here/../packaging/build-debs" --only lantern-collectors

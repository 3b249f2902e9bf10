#!/bin/sh
# Builds the lantern-collectors .deb (architecture all) from this folder.
# Usage: collectors/build-deb.sh VERSION [OUTDIR]   -> OUTDIR/lantern-collectors_VERSION_all.deb
# The timers are enabled and started on install, stopped and disabled on removal.
set -eu
version=${1:?usage: build-deb.sh VERSION [OUTDIR]}
out=${2:-.}
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT

lib=$stage/usr/lib/lantern-collectors
install -d "$lib" "$stage/lib/systemd/system" "$stage/etc/default" "$stage/usr/share/doc/lantern-collectors" \
    "$stage/var/lib/lantern/textfile" "$stage/DEBIAN"
install -m 0755 "$here"/lantern-textfile-run "$here"/*.py "$here"/*.sh "$lib/"
rm -f "$lib/build-deb.sh"
chmod 0644 "$lib/lantern_textfile.py"
install -m 0644 "$here"/systemd/* "$stage/lib/systemd/system/"
install -m 0644 "$here/lantern-collectors.default" "$stage/etc/default/lantern-collectors"
install -m 0644 "$here/README.md" "$stage/usr/share/doc/lantern-collectors/README.md"

timers=$(cd "$here/systemd" && ls ./*.timer | sed 's#^\./##' | tr '\n' ' ')
cat > "$stage/DEBIAN/control" <<EOF
Package: lantern-collectors
Version: $version
Architecture: all
Maintainer: Lantern developers <lantern@localhost>
Section: admin
Priority: optional
Depends: python3 (>= 3.8), coreutils
Recommends: apt, smartmontools (>= 7.0), nvme-cli
Suggests: lantern-exporter | prometheus-node-exporter
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: textfile collector scripts for Lantern and node_exporter
 systemd timers that run small scripts and publish their metrics atomically in
 /var/lib/lantern/textfile: apt package state, services still using deleted
 libraries, SMART and NVMe health, directory sizes, and whether each script
 last succeeded.
EOF
echo /etc/default/lantern-collectors > "$stage/DEBIAN/conffiles"
cat > "$stage/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
if [ "\$1" = configure ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
    for timer in $timers; do
        deb-systemd-helper enable "\$timer" >/dev/null || true
        deb-systemd-invoke start "\$timer" >/dev/null || true
    done
fi
EOF
cat > "$stage/DEBIAN/prerm" <<EOF
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    for timer in $timers; do
        deb-systemd-invoke stop "\$timer" >/dev/null || true
    done
fi
EOF
cat > "$stage/DEBIAN/postrm" <<EOF
#!/bin/sh
set -e
if [ "\$1" = purge ]; then
    for timer in $timers; do
        deb-systemd-helper purge "\$timer" >/dev/null || true
    done
    rm -f /var/lib/lantern/textfile/apt.prom /var/lib/lantern/textfile/deleted-libraries.prom \\
        /var/lib/lantern/textfile/smartmon.prom /var/lib/lantern/textfile/nvme.prom \\
        /var/lib/lantern/textfile/directory-sizes.prom
fi
EOF
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"
(cd "$stage" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | xargs -0 md5sum > DEBIAN/md5sums)
mkdir -p "$out"
fakeroot dpkg-deb -Zxz --build "$stage" "$out/lantern-collectors_${version}_all.deb" >/dev/null
echo "$out/lantern-collectors_${version}_all.deb"

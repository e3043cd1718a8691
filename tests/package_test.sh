#!/usr/bin/env bash
# The Debian package (packaging/, scripts/package), from this build tree's binaries (CPack in a
# temp dir, uncompressed so it stays quick): its files, control fields, conffiles and maintainer
# scripts; the unit checked by systemd-analyze verify in the extracted tree; then installed with
# dpkg into a throwaway root (--root, scripts run chrootless with DPKG_ROOT), upgraded to a
# higher version (the data and keys must survive, an admin's config edit too), removed and
# purged (the data kept unless purge-confirmed). The user, ownership and systemd calls are
# stand-ins here (stubs on PATH record them): this container has no systemd as PID 1, so the
# service itself is not started.
#   tests/package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/xj-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" -D CPACK_DEBIAN_COMPRESSION_TYPE=none \
  > "$work/cpack.log") || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/xianjie_*.deb)

# Files.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/files"
for f in /usr/bin/xianjied /usr/bin/xianjie /etc/xianjie/hub.jsonc /etc/xianjie/routes.jsonc \
  /etc/xianjie/partners.jsonc /etc/xianjie/villages.jsonc /lib/systemd/system/xianjied.service \
  /usr/share/doc/xianjie/README.md /usr/share/doc/xianjie/hub.example.jsonc; do
  grep -qx "$f" "$work/files" || fail "$f not in the package"
done
grep -q '^/etc/xianjie/standards/holidays-.*\.json$' "$work/files" || fail "no holiday calendar"
grep -q '^/etc/xianjie/standards/parameters\.json$' "$work/files" || fail "no standards"
! grep -q '^/var/' "$work/files" || fail "the package ships files under /var (postinst makes them)"

# Control fields.
[ "$(dpkg-deb -f "$deb" Package)" = xianjie ] || fail "Package"
depends=$(dpkg-deb -f "$deb" Depends)
for d in adduser libc6 libsqlite3-0 libsystemd0 libssl3 libcurl4 libpaho-mqttpp3; do
  [[ "$depends" == *"$d"* ]] || fail "Depends lacks $d: $depends"
done

# Conffiles: exactly the files under /etc; the maintainer scripts parse and pass shellcheck.
dpkg-deb -e "$deb" "$work/control"
sort "$work/control/conffiles" > "$work/conffiles"
grep '^/etc/.*[^/]$' "$work/files" | sort > "$work/etc-files"  # directories end in /
diff -u "$work/etc-files" "$work/conffiles" || fail "conffiles differ from the files under /etc"
for s in postinst prerm postrm; do
  [ -x "$work/control/$s" ] || fail "$s missing or not executable"
  sh -n "$work/control/$s" || fail "$s: syntax"
  if command -v shellcheck > /dev/null; then shellcheck "$work/control/$s" || fail "$s: shellcheck"; fi
done

# The unit, as systemd reads it, in the extracted tree (ExecStart resolvable there) with the
# host's targets and kill(1) beside it (ExecReload). verify exits 0 on a setting it ignores (a
# misspelt key, a bad value), so any line it prints fails the test.
dpkg-deb -x "$deb" "$work/tree"
unit=$work/tree/lib/systemd/system/xianjied.service
cp /lib/systemd/system/*.target "$work/tree/lib/systemd/system/"
cp /usr/bin/kill "$work/tree/usr/bin/"
ln -s usr/bin "$work/tree/bin"
systemd-analyze verify --root="$work/tree" "$unit" > "$work/verify.log" 2>&1 ||
  { cat "$work/verify.log" >&2; fail "systemd-analyze verify"; }
[ ! -s "$work/verify.log" ] || { cat "$work/verify.log" >&2; fail "systemd-analyze verify warned"; }
for k in Type=notify User=xianjie ProtectSystem=strict ReadWritePaths=/var/lib/xianjie \
  NoNewPrivileges=yes PrivateTmp=yes WatchdogSec= Restart=on-failure MemoryMax= \
  'ExecStart=/usr/bin/xianjied --config /etc/xianjie/hub.jsonc'; do
  grep -q "^$k" "$unit" || fail "unit lacks $k"
done

# Install, upgrade, remove and purge in a throwaway root.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$work/stubs"
: > "$root/var/lib/dpkg/status"
calls=$work/calls
for tool in chown adduser; do
  printf '#!/bin/sh\necho "%s $*" >> "%s"\n' "$tool" "$calls" > "$work/stubs/$tool"
done
# getent knows the user once the adduser stand-in has made it.
echo "touch '$work/user-made'" >> "$work/stubs/adduser"
printf '#!/bin/sh\n[ -e "%s" ]\n' "$work/user-made" > "$work/stubs/getent"
chmod 755 "$work/stubs"/*
dpkg_root() {
  PATH="$work/stubs:$PATH" dpkg --root="$root" --force-script-chrootless --force-not-root \
    --force-depends --log=/dev/null "$@" > "$work/dpkg.log" 2>&1 ||
    { cat "$work/dpkg.log" >&2; fail "dpkg $*"; }
}
mode() { stat -c %a "$1"; }

dpkg_root -i "$deb"
data=$root/var/lib/xianjie
grep -q '^adduser --system --group .* xianjie$' "$calls" || fail "postinst made no system user"
grep -q "^chown xianjie:xianjie $data " "$calls" || fail "postinst did not give $data to xianjie"
[ "$(mode "$data")" = 700 ] || fail "$data mode $(mode "$data")"
for k in xianjie.key xianjie.kek; do
  [ "$(mode "$data/keys/$k")" = 600 ] || fail "key $k: mode $(mode "$data/keys/$k")"
  [ "$(stat -c %s "$data/keys/$k")" = 32 ] || fail "key $k: $(stat -c %s "$data/keys/$k") bytes"
done
[ "$(mode "$root/etc/xianjie/hub.jsonc")" = 640 ] || fail "hub.jsonc readable by others"

# What a running hub left: a database, and an admin's edit of the config.
echo "stored messages" > "$data/data/xianjie.db"
echo '// edited by the admin' >> "$root/etc/xianjie/hub.jsonc"
sums() { sha256sum "$data/keys/xianjie.key" "$data/keys/xianjie.kek" "$data/data/xianjie.db" \
  "$root/etc/xianjie/hub.jsonc"; }
before=$(sums)

# The same package with a higher version: an upgrade.
dpkg-deb -R "$deb" "$work/v2"
version=$(dpkg-deb -f "$deb" Version)
sed -i "s/^Version: .*/Version: 99:${version}/" "$work/v2/DEBIAN/control"
dpkg-deb -b -Znone "$work/v2" "$work/v2.deb" > /dev/null
: > "$calls"
dpkg_root -i "$work/v2.deb"
[ "$(dpkg --root="$root" -s xianjie | sed -n 's/^Version: //p')" = "99:${version}" ] ||
  fail "not upgraded"
[ "$(sums)" = "$before" ] || fail "the upgrade changed the keys, the data or the admin's config"
! grep -q '^adduser' "$calls" || fail "the upgrade made the user again"

# Remove keeps data and configs; purge keeps the data unless confirmed.
dpkg_root -r xianjie
[ -x "$root/usr/bin/xianjied" ] && fail "remove left the binary"
[ "$(sums)" = "$before" ] || fail "remove touched the data or the config"
dpkg_root -P xianjie
[ -f "$data/data/xianjie.db" ] || fail "purge removed the data without confirmation"
[ -e "$root/etc/xianjie/hub.jsonc" ] && fail "purge left the config"
dpkg_root -i "$deb"
touch "$data/purge-confirmed"
dpkg_root -P xianjie
[ -e "$data" ] && fail "a confirmed purge left $data"
echo "package: ok ($(basename "$deb"), $(wc -l < "$work/files") paths)"

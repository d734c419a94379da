#!/bin/sh
# Installs the Debian packages the build and the tests need, when any is missing.
set -eu
pkgs="build-essential cmake pkg-config libevent-dev libssl-dev libjson-c-dev libsqlite3-dev
check libyaml-dev zlib1g-dev openssl curl"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing

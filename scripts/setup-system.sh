#!/bin/sh
# Install the Debian packages the build and the tests need, if any is missing.
# As root it installs them; otherwise it prints the exact command and fails.
set -eu
PKGS="fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 $*"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then missing="$missing python3-venv"; fi
# the browser tests fetch axe-core with npm; any Node.js with npm will do
case " $* " in *" chromium "*) command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm";; esac
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包 / missing Debian packages:$missing" >&2
  echo "请运行 / run:  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null

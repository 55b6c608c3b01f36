#!/usr/bin/env bash
# Checks that the system packages Herold builds against are present and installs
# the missing ones with apt-get when running as root. Otherwise prints the one
# command to run and fails.
set -euo pipefail

# pkg-config module -> Debian package that provides it
declare -A need=(
  [libcurl]=libcurl4-openssl-dev
  [libxml-2.0]=libxml2-dev
  [sqlite3]=libsqlite3-dev
  [zlib]=zlib1g-dev
)

missing=()
if ! command -v pkg-config >/dev/null 2>&1; then
  missing+=(pkg-config)
  for pkg in "${need[@]}"; do missing+=("$pkg"); done
else
  for mod in "${!need[@]}"; do
    pkg-config --exists "$mod" || missing+=("${need[$mod]}")
  done
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

# Sort for a stable message.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -ne 0 ]; then
  echo "herold: missing system packages: ${missing[*]}" >&2
  echo "Run:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "herold: missing system packages (${missing[*]}) and no apt-get on this machine;" >&2
  echo "install the development packages of libcurl (OpenSSL flavour), libxml2, sqlite3 and zlib with your package manager." >&2
  exit 1
fi

echo "herold: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "herold: system packages installed" >&2

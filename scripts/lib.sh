# Shared by scripts/run, scripts/test and .ci/run. Idempotent: every step checks before it acts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi
}

APT_UPDATED=0
apt_install() {
  # apt_install PACKAGE... : installs those not installed yet
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "please install: ${missing[*]}"
  log "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

find_python() {
  # Django 6 needs Python 3.12+: Debian 13 ships 3.13; on Debian 12 use pyenv or a backport.
  local candidates=(python3.14 python3.13 python3.12 python3)
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  for c in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python /usr/local/bin/python3.1[2-9]; do
    [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

setup_system() {
  # WeasyPrint needs Pango; the free CJK font for PDFs and pages; poppler for PDF checks;
  # gettext for the English catalogue; Node.js for the front-end assets.
  apt_install fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils gettext
  command -v npm >/dev/null || apt_install nodejs npm
  find_python >/dev/null || apt_install python3 python3-venv
}

setup_python() {
  local python; python="$(find_python)" || die "Python 3.12 or newer is required (Debian 13: apt install python3 python3-venv)"
  if [ ! -x "$PY" ] || ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    log "creating virtualenv with $python"
    rm -rf "$VENV"; "$python" -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements.sha256" sum
  sum="$(sha256sum requirements.txt | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    log "installing Python packages"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -r requirements.txt
    echo "$sum" > "$stamp"
  fi
}

setup_assets() {
  local stamp="node_modules/.package-lock.sha256" sum
  sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    log "installing front-end assets from npm (served locally, no CDN)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$sum" > "$stamp"
  fi
}

setup_app() {
  mkdir -p var
  "$PY" manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
  # the Noto CJK faces cut to GB2312 for the PDFs (var/fonts; about a minute the first time, then skipped)
  "$PY" manage.py pdf_fonts_build
}

setup_all() {
  setup_system
  setup_python
  setup_assets
  setup_app
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql; fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    log "starting PostgreSQL"
    local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 -q || die "PostgreSQL is not running on 127.0.0.1:5432"
}

ensure_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || die "Redis is not running on 127.0.0.1:6379"
}

postgres_url() {
  # trust auth (CI) first; a fresh Debian install needs a password for TCP logins
  if psql "postgresql://postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    echo "postgresql://postgres@127.0.0.1:5432/congress_office"; return
  fi
  if ! psql "postgresql://postgres:postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
    log "setting a local password for the postgres role (development machine)"
    as_root su postgres -c "psql -qc \"ALTER ROLE postgres PASSWORD 'postgres'\"" >/dev/null
  fi
  echo "postgresql://postgres:postgres@127.0.0.1:5432/congress_office"
}

#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the store tests (CI and local runs).
#
#   .ci/postgres.sh start    install Debian's postgresql if needed, create and start the cluster (idempotent),
#                            then print the export lines on stdout:  eval "$(.ci/postgres.sh start)"
#   .ci/postgres.sh env      print the export lines of the running cluster
#   .ci/postgres.sh stop     stop the cluster and delete its data (idempotent)
#
# The cluster lives in $RIALTO_PG_DIR (default /tmp/rialto-pg), listens on 127.0.0.1 only, on the first free
# port from $RIALTO_PG_PORT (default 55432), its Unix socket in the data folder (never /var/run/postgresql).
# It holds the database rialto_test owned by the user rialto_test, whose password is random per cluster.
# The export lines are also written to $RIALTO_PG_DIR/env, for `source`.
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user that the package creates.
# Progress goes to stderr, so stdout carries only the export lines.
set -euo pipefail

DIR="${RIALTO_PG_DIR:-${TMPDIR:-/tmp}/rialto-pg}"
DATA="$DIR/data"
ENV_FILE="$DIR/env"
LOG="$DIR/server.log"
DB=rialto_test
DB_USER=rialto_test

say() { echo "postgres.sh: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# The newest installed server's bin folder (Debian keeps them under /usr/lib/postgresql/<major>/bin).
find_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [[ -n "$d" && -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]]; then
        echo "$d"
    elif command -v pg_ctl >/dev/null && command -v initdb >/dev/null && command -v postgres >/dev/null; then
        dirname "$(command -v pg_ctl)"
    fi
}

install_server() {
    [[ $EUID -eq 0 ]] || die "PostgreSQL server binaries are missing; install Debian's postgresql package (as root)"
    say "installing Debian's postgresql package"
    # No default cluster on port 5432: we make our own, and nothing should linger after the tests.
    mkdir -p /etc/postgresql-common
    if ! grep -qs '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.conf; then
        echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || die "apt-get update failed"
    # confold: keep the createcluster.conf written above instead of asking about it.
    apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold postgresql >&2 </dev/null || die "apt-get install postgresql failed"
}

# Runs a command as the server's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        # From /, which the postgres user may read; without the lock's fd, which the server would keep.
        (cd / && runuser -u postgres -- "$@" 9>&-)
    else
        "$@" 9>&-
    fi
}

port_free() {
    # Nothing answers a connect: free (the server's own bind is the final word; start retries on failure).
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {
    [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_admin() {
    as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres -d postgres "$@" >&2
}

write_env() {
    local tmp="$ENV_FILE.tmp"
    {
        echo "export RIALTO_TEST_PG_URL='jdbc:postgresql://127.0.0.1:$PORT/$DB'"
        echo "export RIALTO_TEST_PG_USER='$DB_USER'"
        echo "export RIALTO_TEST_PG_PASSWORD='$PASSWORD'"
    } > "$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$ENV_FILE"
}

start() {
    BIN=$(find_bin)
    if [[ -z "$BIN" ]]; then
        install_server
        BIN=$(find_bin)
        [[ -n "$BIN" ]] || die "postgresql is installed but no pg_ctl/initdb/postgres found under /usr/lib/postgresql"
    fi
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "the postgres system user is missing (the postgresql package creates it)"
    fi

    if running && [[ -f "$ENV_FILE" ]]; then
        say "already running ($DATA)"
        cat "$ENV_FILE"
        return
    fi

    # Anything left from an earlier run that is not serving is thrown away: the cluster is disposable.
    if [[ -f "$DATA/postmaster.pid" ]]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" stop -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$DIR"; fi

    PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    say "initdb ($("$BIN/postgres" --version))"
    # Trust over the Unix socket in $DIR (mode 0700, only the owner reaches it); passwords over TCP.
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    touch "$LOG"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$LOG"; fi # the server writes it

    # Test settings: loopback only, few connections, no durability (the data is thrown away).
    local tries=0
    PORT=${RIALTO_PG_PORT:-55432}
    while :; do
        while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
        if as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o "-c listen_addresses=127.0.0.1 \
                -p $PORT -k $DIR -c max_connections=40 -c shared_buffers=64MB -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off" >/dev/null 2>&1; then
            break
        fi
        tries=$((tries + 1))
        if (( tries >= 5 )); then
            tail -20 "$LOG" >&2 || true
            die "the server did not start (see $LOG)"
        fi
        say "start on port $PORT failed; trying the next port"
        PORT=$((PORT + 1))
    done

    psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$PASSWORD'"
    psql_admin -c "CREATE DATABASE $DB OWNER $DB_USER ENCODING 'UTF8'"
    write_env
    say "running on 127.0.0.1:$PORT (data $DATA, log $LOG)"
    cat "$ENV_FILE"
}

stop() {
    BIN=$(find_bin)
    if [[ -n "$BIN" && -f "$DATA/postmaster.pid" ]]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" stop -m fast -w -t 60 >/dev/null 2>&1 \
            || as_owner "$BIN/pg_ctl" -D "$DATA" stop -m immediate >/dev/null 2>&1 || true
        say "stopped"
    fi
    rm -rf "$DIR"
}

cmd="${1:-}"
case "$cmd" in
    start|stop|env) ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac

# One caller at a time (CI and a developer may share a machine).
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock -w 120 9 || die "another postgres.sh holds $DIR.lock"

case "$cmd" in
    start) start ;;
    stop) stop ;;
    env) BIN=$(find_bin); [[ -n "$BIN" ]] && running && [[ -f "$ENV_FILE" ]] || die "not running"; cat "$ENV_FILE" ;;
esac

#!/usr/bin/env bash
# Makes sure the local servers dbx talks to are up: MariaDB (or MySQL) on 127.0.0.1:3306 and Redis on
# 127.0.0.1:6379. With a running Docker engine it uses docker-compose.yml (MySQL 8.4, Redis 7, MongoDB 7);
# otherwise it installs (Debian packages, as root) and starts mariadb-server and redis-server on loopback.
# MongoDB has no Debian package: the test suite starts its own wire-protocol test server (test/support/).
#   --install-only   only make sure the server programs are installed (the test suite starts private instances of
#                    them on free ports: test/support/private-servers.ts), and mariadb-test (MariaDB's regression
#                    tests, read by the conformance suite), start nothing
set -euo pipefail
cd "$(dirname "$0")/.."

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  echo "servers: nothing answers on 127.0.0.1:$1" >&2; return 1
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if [ "${1:-}" = --install-only ]; then
  need=()
  command -v mariadb-install-db >/dev/null 2>&1 || need+=(mariadb-server)
  command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  # MariaDB's own regression tests: the corpus of the sql conformance suite (test/conformance/sql/)
  [ -d /usr/share/mysql/mysql-test/main ] || need+=(mariadb-test)
  if [ ${#need[@]} -gt 0 ]; then echo "servers: installing ${need[*]}"; apt_install "${need[@]}"; fi
  exit 0
fi

if [ -z "${DBX_NO_DOCKER:-}" ] && command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "servers: docker compose up (MySQL 8.4, Redis 7, MongoDB 7)"
  docker compose up -d --wait
  exit 0
fi

# --- MariaDB ---
if ! port_open 3306; then
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    echo "servers: installing mariadb-server"
    apt_install mariadb-server mariadb-client
  fi
  echo "servers: starting MariaDB"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 3306
fi
# root over TCP: the note's password (qwe123, as in docker-compose.yml), or an empty one (as on CI machines).
if mariadb -h127.0.0.1 -uroot -pqwe123 -e 'select 1' >/dev/null 2>&1; then
  mariadb -h127.0.0.1 -uroot -pqwe123 -e 'create database if not exists test'
elif mariadb -h127.0.0.1 -uroot --password= -e 'select 1' >/dev/null 2>&1; then
  mariadb -h127.0.0.1 -uroot --password= -e 'create database if not exists test'
  echo "servers: MariaDB root has an empty password here: use MYSQL_PWD= (export MYSQL_PWD=) with the built-in profile"
else
  # a fresh Debian install: root logs in through the unix socket only; give it the note's password as well
  echo "servers: setting MariaDB root@localhost password to qwe123 (the built-in profile's)"
  as_root mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('qwe123') OR unix_socket; CREATE DATABASE IF NOT EXISTS test;"
fi

# --- Redis ---
if ! port_open 6379; then
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "servers: installing redis-server"
    apt_install redis-server redis-tools
  fi
  echo "servers: starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379
fi
echo "servers: MariaDB on 127.0.0.1:3306, Redis on 127.0.0.1:6379"

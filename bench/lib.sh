# shellcheck shell=bash
# Shared by bench/run and bench/alloc-count (sourced, not run). bash + coreutils + awk only:
# python may be absent on a fresh Debian.
#
# Everything a script starts goes through bench_spawn, is recorded by pid, and is stopped by
# bench_cleanup (TERM, then KILL after a bound) from an EXIT trap, also when the script fails.
# Waits poll an observable condition with a deadline; there are no fixed sleeps.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_pids=()
bench_tmp=""
bench_failed=1   # cleared by bench_succeed; a failed run keeps its temp dir for inspection

bench_note() { printf '%s\n' "$*" >&2; }
bench_die() {
    printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}

# Resolves BUILD_DIR: absolute as given, relative to the current directory if it exists there,
# otherwise relative to the repository root (so `bench/run` works from anywhere).
bench_resolve_build_dir() {
    local dir=$1
    if [[ $dir != /* ]]; then
        if [[ -d $dir ]]; then dir=$(cd "$dir" && pwd); else dir=$bench_root/$dir; fi
    fi
    printf '%s\n' "$dir"
}

bench_make_tmp() {
    bench_tmp=$(mktemp -d "${TMPDIR:-/tmp}/isapi-fcgi-bench.XXXXXX")
    mkdir -p "$bench_tmp/www" "$bench_tmp/nginx-temp"
}

# bench_spawn NAME LOGFILE CMD... : starts CMD in the background, stdout+stderr to LOGFILE.
# Sets bench_last_pid.
bench_spawn() {
    local name=$1 log=$2
    shift 2
    "$@" >"$log" 2>&1 &
    bench_last_pid=$!
    bench_pids+=("$bench_last_pid")
    bench_note "started $name (pid $bench_last_pid)"
}

bench_alive() { kill -0 "$1" 2>/dev/null; }
bench_dead() { ! kill -0 "$1" 2>/dev/null; }

# Polls COMMAND... every 50 ms until it succeeds or SECONDS_ pass. Returns 1 on timeout.
bench_poll() {
    local seconds=$1
    shift
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}

bench_stop_pid() {
    local pid=$1 children
    bench_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
    # nginx workers are the master's children; if the master has to be KILLed they would be
    # orphaned, so remember them before asking it to stop.
    children=$(pgrep -P "$pid" 2>/dev/null || true)
    kill -TERM "$pid" 2>/dev/null || true
    if ! bench_poll 5 bench_dead "$pid"; then
        bench_note "pid $pid ignored SIGTERM for 5 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    local child
    for child in $children; do
        if bench_alive "$child"; then kill -KILL "$child" 2>/dev/null || true; fi
    done
}

bench_cleanup() {
    local i
    for ((i = ${#bench_pids[@]} - 1; i >= 0; i--)); do
        bench_stop_pid "${bench_pids[i]}"
    done
    bench_pids=()
    if [[ -n $bench_tmp && -d $bench_tmp ]]; then
        if [[ $bench_failed == 1 || ${KEEP_TMP:-0} == 1 ]]; then
            bench_note "kept $bench_tmp (logs, configs, raw wrk output)"
        else
            rm -rf "$bench_tmp"
        fi
    fi
}

bench_succeed() { bench_failed=0; }

bench_install_traps() {
    trap bench_cleanup EXIT
    # An interrupted run is not a failure worth keeping files for.
    trap 'bench_failed=0; exit 130' INT
    trap 'bench_failed=0; exit 143' TERM
    trap 'bench_failed=0; exit 141' PIPE
}

# --- configuration generators -------------------------------------------------------------

ping_path=/ping
ping_body=pong

# The stock Debian fastcgi_params, with the URI params pinned to the engine's ping path so that
# /engine reaches the ping handler whatever the location is called. The set (and so the PARAMS
# size, about 400 bytes) is what a default nginx site sends.
bench_write_fastcgi_params() {
    cat >"$bench_tmp/fastcgi_ping_params" <<EOF
fastcgi_param  QUERY_STRING       \$query_string;
fastcgi_param  REQUEST_METHOD     \$request_method;
fastcgi_param  CONTENT_TYPE       \$content_type;
fastcgi_param  CONTENT_LENGTH     \$content_length;
fastcgi_param  SCRIPT_NAME        $ping_path;
fastcgi_param  SCRIPT_FILENAME    \$document_root$ping_path;
fastcgi_param  REQUEST_URI        $ping_path;
fastcgi_param  DOCUMENT_URI       $ping_path;
fastcgi_param  DOCUMENT_ROOT      \$document_root;
fastcgi_param  SERVER_PROTOCOL    \$server_protocol;
fastcgi_param  REQUEST_SCHEME     \$scheme;
fastcgi_param  HTTPS              \$https if_not_empty;
fastcgi_param  GATEWAY_INTERFACE  CGI/1.1;
fastcgi_param  SERVER_SOFTWARE    nginx/\$nginx_version;
fastcgi_param  REMOTE_ADDR        \$remote_addr;
fastcgi_param  REMOTE_PORT        \$remote_port;
fastcgi_param  REMOTE_USER        \$remote_user;
fastcgi_param  SERVER_ADDR        \$server_addr;
fastcgi_param  SERVER_PORT        \$server_port;
fastcgi_param  SERVER_NAME        \$server_name;
fastcgi_param  REDIRECT_STATUS    200;
fastcgi_param  HTTP_HOST          \$host;
EOF
}

# bench_write_engine_config SOCKET IO_THREADS LOG_LEVEL
bench_write_engine_config() {
    cat >"$bench_tmp/engine.yaml" <<EOF
# generated by bench/ for one run
log:
  level: $3
pools:
  - name: bench
    listen: unix:$1
    io_threads: $2
    ping_path: $ping_path
    ping_response: $ping_body
EOF
}

# bench_write_nginx_config PORT WORKERS KEEPALIVE BACKEND... where each BACKEND is NAME=SOCKET.
# Per backend: /NAME (kept upstream connections, fastcgi_keep_conn on) and /NAME-close (a new
# connection per request). /static serves a 4-byte file: the no-hop baseline.
bench_write_nginx_config() {
    local port=$1 workers=$2 keepalive=$3
    shift 3
    local user_line=""
    # As root, workers would drop to `nobody` and could not open the 0660 sockets in our 0700
    # temp dir; the directive is only valid (and silent) when the master runs as root.
    if [[ $(id -u) == 0 ]]; then user_line="user $(id -un) $(id -gn);"; fi
    local t=$bench_tmp
    {
        cat <<EOF
# generated by bench/ for one run
daemon off;
master_process on;
worker_processes $workers;
$user_line
pid $t/nginx.pid;
error_log $t/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type text/plain;
    client_body_temp_path $t/nginx-temp/body;
    proxy_temp_path $t/nginx-temp/proxy;
    fastcgi_temp_path $t/nginx-temp/fastcgi;
    uwsgi_temp_path $t/nginx-temp/uwsgi;
    scgi_temp_path $t/nginx-temp/scgi;
    # Neither wrk's connections nor the kept upstream ones are recycled during a run.
    keepalive_requests 1000000;
    keepalive_timeout 300s;
EOF
        local backend name socket
        for backend in "$@"; do
            name=${backend%%=*}
            socket=${backend#*=}
            cat <<EOF
    upstream ${name}_keep {
        server unix:$socket;
        keepalive $keepalive;
        keepalive_requests 1000000;
        keepalive_timeout 300s;
    }
    upstream ${name}_close {
        server unix:$socket;
    }
EOF
        done
        cat <<EOF
    server {
        listen 127.0.0.1:$port;
        server_name bench;
        root $t/www;
        # The fd stays cached so that the baseline is nginx alone, not the file system.
        location = /static { open_file_cache max=16 inactive=300s; open_file_cache_valid 300s; }
EOF
        for backend in "$@"; do
            name=${backend%%=*}
            cat <<EOF
        location = /$name {
            include $t/fastcgi_ping_params;
            fastcgi_keep_conn on;
            fastcgi_pass ${name}_keep;
        }
        location = /$name-close {
            include $t/fastcgi_ping_params;
            fastcgi_pass ${name}_close;
        }
EOF
        done
        cat <<EOF
        location / { return 404; }
    }
}
EOF
    } >"$bench_tmp/nginx.conf"
    printf '%s' "$ping_body" >"$bench_tmp/www/static"
}

# --- processes ------------------------------------------------------------------------------

bench_url() { printf 'http://127.0.0.1:%s/%s' "$bench_port" "$1"; }

bench_body_is_pong() {
    [[ $(curl -s --max-time 2 "$(bench_url "$1")" 2>/dev/null) == "$ping_body" ]]
}

# bench_start_nginx WORKERS KEEPALIVE BACKEND... : picks a free loopback port below the
# ephemeral range (wrk's and nginx's own outgoing ports come from there), starts nginx and waits
# until /static answers. Retries with another port when the bind fails. Sets bench_port and
# bench_nginx_pid.
bench_start_nginx() {
    local attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        bench_port=$((20000 + RANDOM % 12000))
        bench_write_nginx_config "$bench_port" "$@"
        : >"$bench_tmp/nginx-error.log"
        bench_spawn nginx "$bench_tmp/nginx-stderr.log" \
            nginx -p "$bench_tmp" -c "$bench_tmp/nginx.conf" -e "$bench_tmp/nginx-error.log"
        bench_nginx_pid=$bench_last_pid
        if bench_poll 10 bench_nginx_ready; then
            bench_alive "$bench_nginx_pid" && return 0
        fi
        bench_stop_pid "$bench_nginx_pid"
        if ! grep -q 'Address already in use' "$bench_tmp/nginx-error.log" "$bench_tmp/nginx-stderr.log"; then
            cat "$bench_tmp/nginx-error.log" "$bench_tmp/nginx-stderr.log" >&2
            bench_die "nginx did not start (attempt $attempt)"
        fi
        bench_note "port $bench_port is taken; trying another"
    done
    bench_die "no free loopback port found for nginx"
}

bench_nginx_ready() {
    bench_alive "$bench_nginx_pid" || return 0   # ends the poll; the caller sees it died
    bench_body_is_pong static
}

# bench_wait_pong TARGET PID NAME LOG : waits until /TARGET answers the ping body, failing fast
# if the backend process dies.
bench_wait_pong() {
    local target=$1 pid=$2 name=$3 log=$4
    local deadline=$((SECONDS + 15))
    until bench_body_is_pong "$target"; do
        if ! bench_alive "$pid"; then
            tail -n 20 "$log" >&2
            bench_die "$name exited before /$target answered"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 20 "$log" >&2
            tail -n 5 "$bench_tmp/nginx-error.log" >&2
            bench_die "/$target did not answer '$ping_body' within 15 s"
        fi
        sleep 0.05
    done
}

# Prints the error-level lines nginx logged, grouped with counts; returns 1 if there were any.
bench_report_nginx_errors() {
    local log=$bench_tmp/nginx-error.log
    [[ -s $log ]] || { bench_note "nginx error log: empty"; return 0; }
    bench_note "nginx error log: $(wc -l <"$log") lines; by message (timestamps, pids, ids dropped):"
    sed -E 's/^[0-9\/]+ [0-9:]+ //; s/[0-9]+#[0-9]+: \*?[0-9]* ?//; s/client: [^,]*, //' "$log" |
        sed -E 's/, request: .*$//' | sort | uniq -c | sort -rn | head -n 12 >&2
    return 1
}

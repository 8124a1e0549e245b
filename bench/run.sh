#!/usr/bin/env bash
# Measures the hub against baselines in one run on this machine and writes bench/results/latest.md.
#   bench/run.sh            (needs: nginx, wrk, openssl, curl; PostgreSQL for the audit figures)
# Everything listens on 127.0.0.1 only. Figures are meant as ratios within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
dir=$(mktemp -d /tmp/mcp-hub-bench.XXXXXX)
trap 'kill $(cat "$dir"/*.pid 2>/dev/null) 2>/dev/null || true; nginx -c "$dir/nginx.conf" -s stop 2>/dev/null || true' EXIT
DIRECT=18081 PROXY=18082 TLS=18443 HUB=18080

echo "== building release products" >&2
swift build -c release >&2
bin=$(swift build -c release --show-bin-path)

echo "== test CA and upstream certificate" >&2
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mcp-hub bench CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=api.socket.dev" -keyout "$dir/upstream.key" -out "$dir/upstream.csr" 2>/dev/null
printf 'subjectAltName=DNS:api.socket.dev\n' > "$dir/san.ext"
openssl x509 -req -in "$dir/upstream.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/upstream.crt" 2>/dev/null

sed -e "s#@DIR@#$dir#g" -e "s#@DIRECT@#$DIRECT#g" -e "s#@PROXY@#$PROXY#g" -e "s#@TLS@#$TLS#g" bench/nginx.conf.template > "$dir/nginx.conf"
nginx -c "$dir/nginx.conf"

cat > "$dir/hub.yaml" <<YAML
hub:
  listen: 127.0.0.1:$HUB
  state_dir: $dir/state
  invoke_pool: { threads: 16, queue: 1024 }
  auth: { issuer: http://127.0.0.1/auth/v1, jwt_secret_key: hub_jwt_secret }
  vault: { backend: file }
  audit: { store: sqlite }
  egress:
    ca_file: $dir/ca.crt
    connect_to: ["api.socket.dev:443:127.0.0.1:$TLS"]
providers:
  template:
    library: $bin/libTemplateProvider.so
    tools: [{ name: echo, min_role: ops_viewer, timeout_ms: 5000 }]
  socket:
    library: $bin/libSocketProvider.so
    vault_key: socket_api_key
    allowed_hosts: [api.socket.dev]
    tools: [{ name: health, min_role: ops_viewer, timeout_ms: 5000 }]
    settings: { org_slug: acme }
YAML
head -c 48 /dev/urandom | base64 | "$bin/mcp-hub" secrets set hub_jwt_secret --config "$dir/hub.yaml" >/dev/null
echo "bench-socket-token-0000000000" | "$bin/mcp-hub" secrets set socket_api_key --config "$dir/hub.yaml" >/dev/null
export BENCH_TOKEN=$("$bin/mcp-hub" token --config "$dir/hub.yaml" --sub 3f1e2d3c-4b5a-4968-8776-655443322110 --role ops_admin --ttl 1h)

"$bin/mcp-hub" serve --config "$dir/hub.yaml" > "$dir/hub.log" 2>&1 &
echo $! > "$dir/hub.pid"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$HUB/healthz" >/dev/null && break; sleep 0.1; done

# wrk: saturation (2 threads, 64 connections) and light load (1 connection) with latency.
saturate() { wrk -t2 -c64 -d"${DURATION}s" -s bench/post.lua "$1" | awk '/Requests\/sec/ {print int($2)}'; }
light() { wrk -t1 -c1 -d"${DURATION}s" --latency -s bench/post.lua "$1" | awk '/ 50%/ {p50=$2} / 99%/ {p99=$2} END {print p50" / "p99}'; }

out=bench/results/latest.md
mkdir -p bench/results
{
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(uname -m), release build; all on loopback."
  echo
  echo "| path | calls/s, 64 conns | p50 / p99, 1 conn | vs nginx proxy_pass |"
  echo "|---|---|---|---|"
  BENCH_METHOD=GET
  export BENCH_METHOD
  a=$(saturate "http://127.0.0.1:$DIRECT/"); al=$(light "http://127.0.0.1:$DIRECT/")
  b=$(saturate "http://127.0.0.1:$PROXY/"); bl=$(light "http://127.0.0.1:$PROXY/")
  echo "| (a) nginx return 200 | $a | $al | $(awk "BEGIN {printf \"%.2f×\", $a/$b}") |"
  echo "| (b) nginx proxy_pass to (a) | $b | $bl | 1.00× |"
  export BENCH_METHOD=POST BENCH_BODY='{"message":"hi"}'
  h=$(saturate "http://127.0.0.1:$HUB/providers/template/echo"); hl=$(light "http://127.0.0.1:$HUB/providers/template/echo")
  echo "| hub: template.echo (JWT, RBAC, rate limit, schema, pool, durable audit) | $h | $hl | $(awk "BEGIN {printf \"%.2f×\", $h/$b}") |"
  # The same tool through the MCP door (2026-07-28 tools/call, JSON response): same stages,
  # same audit event, plus JSON-RPC framing.
  export BENCH_MCP_METHOD=tools/call BENCH_MCP_NAME=template_echo
  export BENCH_BODY='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"template_echo","arguments":{"message":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
  m=$(saturate "http://127.0.0.1:$HUB/mcp"); ml=$(light "http://127.0.0.1:$HUB/mcp")
  echo "| hub: template.echo through MCP (/mcp tools/call, 2026-07-28) | $m | $ml | $(awk "BEGIN {printf \"%.2f×\", $m/$b}") |"
  unset BENCH_MCP_METHOD BENCH_MCP_NAME
  export BENCH_BODY='{}'
  s=$(saturate "http://127.0.0.1:$HUB/providers/socket/health"); sl=$(light "http://127.0.0.1:$HUB/providers/socket/health")
  echo "| hub: socket.health → vault secret → egress TLS → nginx (all guards + audit) | $s | $sl | $(awk "BEGIN {printf \"%.2f×\", $s/$b}") |"
  echo
  echo "MCP vs REST for the same tool: $(awk "BEGIN {printf \"%.2f×\", $m/$h}") the calls/s (1.00× = no cost; the aim is ≥ 0.83×, i.e. at most 20% more per call)."
  echo
  echo "Hub resident memory after the runs: $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$(cat "$dir/hub.pid")/status)."
  echo
  echo "In-process (hub-bench):"
  echo
  echo "| measurement | ops/s | p50 µs | p99 µs |"
  echo "|---|---|---|---|"
  "$bin/hub-bench" direct --config "$dir/hub.yaml" --iterations 200000
  "$bin/hub-bench" direct --config "$dir/hub.yaml" --iterations 200000 --threads 2
  "$bin/hub-bench" stages --config "$dir/hub.yaml" --iterations 20000
  "$bin/hub-bench" secrets --config "$dir/hub.yaml" --name socket_api_key --iterations 200000
  "$bin/hub-bench" egress --url https://api.socket.dev/v0/quota --connect-to "api.socket.dev:443:127.0.0.1:$TLS" --ca-file "$dir/ca.crt" --iterations 2000
  # The curl command line to the same upstream, one process reusing its connection for N URLs.
  n=2000
  urls=$(for _ in $(seq 1 $n); do printf -- '-o /dev/null https://api.socket.dev/v0/quota '; done)
  start=$(date +%s.%N)
  curl -s --cacert "$dir/ca.crt" --connect-to "api.socket.dev:443:127.0.0.1:$TLS" $urls
  end=$(date +%s.%N)
  awk "BEGIN {printf \"| curl CLI, same upstream, %d URLs in one process | %d | %.0f (mean) | – |\n\", $n, $n/($end-$start), ($end-$start)/$n*1e6}"
  echo
  if command -v psql >/dev/null && pg_isready -q -h /var/run/postgresql 2>/dev/null; then
    psql -qX -h /var/run/postgresql -d postgres -c "drop database if exists mcp_hub_bench" -c "create database mcp_hub_bench" >/dev/null
    for f in infra/sql/standins/*.sql infra/sql/migrations/*.sql; do psql -qX -h /var/run/postgresql -d mcp_hub_bench -f "$f" >/dev/null; done
    pg="host=/var/run/postgresql dbname=mcp_hub_bench"
  fi
  echo "Audit (durable commit, group commit across concurrent appenders):"
  echo
  "$bin/hub-bench" audit ${pg:+--postgres "$pg"} --events 12800 | sed 's/^/    /'
} | tee "$out"

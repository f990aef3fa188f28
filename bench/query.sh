#!/bin/bash
# EPCIS query latency over HTTP (`GET /epcis/events`) for each kind of reader, on a database that
# holds a generated world (`hub gen supply-chain --events N --seed 1`, see bench/trace.sh with
# KEEP=1). Creates an administrator, two officers (a province and a city department) and a token
# for one generated enterprise's user, serves the hub on loopback, and times each query: one
# warm-up, then the median and the slowest of RUNS.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracehub_bench bench/query.sh
#   DATA_DIR=/tmp/tracehub-bench/sqlite bench/query.sh          # SQLite
set -eu
HUB=${HUB:-./target/release/hub}
DATA_DIR=${DATA_DIR:-/tmp/tracehub-query}
PORT=${PORT:-18091}
RUNS=${RUNS:-10}
B="http://127.0.0.1:$PORT"
export HUB_SERVER__BIND="127.0.0.1:$PORT" HUB_SERVER__PUBLIC_URL="$B" RUST_LOG=${RUST_LOG:-warn}
mkdir -p "$DATA_DIR"

hub() { "$HUB" --data-dir "$DATA_DIR" "$@" 2>&1 | grep -v INFO; }
token() { hub token create --username "$1" --name bench-query --scopes "${2:-read}" | tail -1; }
user() { echo "bench-query-password-$1" | hub user create --username "$1" "${@:2}" > /dev/null || true; }

user bq-admin --role admin
ADMIN=$(token bq-admin read,write)
"$HUB" --data-dir "$DATA_DIR" serve > "$DATA_DIR/query-serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "$B/healthz" > /dev/null 2>&1 && break; sleep 0.1; done

department() { # code region categories-json
  curl -s -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
    -d "{\"code\":\"$1\",\"name\":\"$1\",\"region_code\":\"$2\",\"categories\":$3}" "$B/api/v1/departments" > /dev/null
  curl -s -H "authorization: Bearer $ADMIN" "$B/api/v1/departments" |
    python3 -c "import json,sys; print([d['id'] for d in json.load(sys.stdin) if d['code']=='$1'][0])"
}
user bq-province --role officer --department-id "$(department BQ-HN 410000 '["food","edible_agri"]')"
user bq-city --role officer --department-id "$(department BQ-ZZ 410100 '["food"]')"
PROVINCE=$(token bq-province); CITY=$(token bq-city)
FARMER=$(hub user list | awk '/enterprise/ {print $2; exit}')
ENTERPRISE=$(token "$FARMER")

# An item and a site from the first aggregation (items packed into a case).
read -r ITEM SITE < <(curl -s -H "authorization: Bearer $ADMIN" -H 'accept: application/json' \
  "$B/epcis/events?eventType=AggregationEvent&perPage=1" | python3 -c "
import json, sys
e = json.load(sys.stdin)['epcisBody']['queryResults']['resultsBody']['eventList'][0]
print(e['childEPCs'][0], e['bizLocation']['id'])")
DAY=$(curl -s -H "authorization: Bearer $ADMIN" -H 'accept: application/json' "$B/epcis/events?perPage=1" |
  python3 -c "import json,sys; print(json.load(sys.stdin)['epcisBody']['queryResults']['resultsBody']['eventList'][0]['eventTime'][:10])")
NEXT=$(date -u -d "$DAY + 1 day" +%F)
enc() { python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$1"; }
echo "item $ITEM, site $SITE, day $DAY"

time_query() { # label token path
  local out times=() code
  for i in $(seq 0 "$RUNS"); do
    out=$(curl -s -o "$DATA_DIR/query.json" -w "%{http_code} %{time_total}" \
      -H "authorization: Bearer $2" -H 'accept: application/json' "$B$3")
    code=${out%% *}
    [ "$i" = 0 ] || times+=("${out#* }")
  done
  python3 - "$1" "$code" "$DATA_DIR/query.json" "${times[@]}" <<'PY'
import json, statistics, sys
label, code, path, *times = sys.argv[1:]
ms = sorted(float(t) * 1000 for t in times)
try:
    n = len(json.load(open(path))['epcisBody']['queryResults']['resultsBody']['eventList'])
except Exception:
    n = '?'
print(f"{label:<52} {code} {n:>3} events  median {statistics.median(ms):8.1f} ms  max {ms[-1]:8.1f} ms")
PY
}
I=$(enc "$ITEM"); S=$(enc "$SITE")
T="GE_eventTime=${DAY}T00:00:00Z&LT_eventTime=${NEXT}T00:00:00Z"
for who in admin:$ADMIN province:$PROVINCE city:$CITY enterprise:$ENTERPRISE; do
  name=${who%%:*}; tok=${who#*:}
  time_query "$name: first page" "$tok" "/epcis/events"
  time_query "$name: MATCH_epc (one item)" "$tok" "/epcis/events?MATCH_epc=$I"
  time_query "$name: MATCH_anyEPC (one item)" "$tok" "/epcis/events?MATCH_anyEPC=$I"
  time_query "$name: EQ_bizLocation (one site)" "$tok" "/epcis/events?EQ_bizLocation=$S"
  time_query "$name: one day (GE_/LT_eventTime)" "$tok" "/epcis/events?$T"
  time_query "$name: EQ_bizStep=shipping" "$tok" "/epcis/events?EQ_bizStep=shipping"
done

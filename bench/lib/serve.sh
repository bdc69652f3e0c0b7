# Shared by the bench scripts (sourced by bash): a `stowage serve` of a distribution, the images
# it holds, and CPU accounting from /proc.
#
#   serve_start DIR DIST PORT [WRAPPER...]
#       starts DIST/bin/stowage serve with DIR/stowage.yaml (the caller writes it) in DIR on PORT,
#       through WRAPPER if given (e.g. chrt -f 10); output in DIR/serve.out and DIR/serve.err.
#       Waits until it listens; sets SERVE_PID (the JVM: bin/stowage execs it). Exits the script,
#       with the server's error output, if it does not start within a minute.
#   new_image URL          creates a raw/bare image at URL (POST /v2/images); prints its id
#   upload URL ID FILE     PUT FILE as the image's data; fails unless 204
#   timed_upload URL ID FILE [STORE]
#                          the same, into STORE if given (x-image-meta-store), timed: prints
#                          curl's seconds, and writes curl's own CPU seconds (user + system) to
#                          the file $CURL_CPU if that is set; exits the script unless 204
#   cpu_ticks PID          user + system clock ticks of one process so far
#   cpu_tree PID           CPU seconds (user + system) of a process and all its descendants

serve_start() {
  local dir=$1 dist=$2 port=$3
  shift 3
  : > "$dir/serve.out"
  (cd "$dir" && exec "$@" "$dist/bin/stowage" serve --config "$dir/stowage.yaml" --port "$port" \
    > serve.out 2> serve.err) &
  SERVE_PID=$!
  for _ in $(seq 120); do
    grep -q listening "$dir/serve.out" && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "stowage serve in $dir did not start: $(cat "$dir/serve.err")" >&2
  exit 1
}

new_image() {
  curl -sfS -X POST "$1/v2/images" -H 'Content-Type: application/json' \
    -d '{"disk_format":"raw","container_format":"bare"}' \
    | /usr/bin/python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'
}

upload() {
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -T "$3" -H 'Content-Type: application/octet-stream' \
    "$1/v2/images/$2/file")
  [ "$code" = 204 ] || { echo "upload of $3 to $1 answered $code" >&2; return 1; }
}

timed_upload() {
  local out times
  times=$(mktemp)
  out=$(/usr/bin/time -f '%U %S' -o "$times" curl -sS -o /dev/null -w '%{http_code} %{time_total}' \
    -T "$3" -H 'Content-Type: application/octet-stream' ${4:+-H "x-image-meta-store: $4"} \
    "$1/v2/images/$2/file")
  [ -z "${CURL_CPU:-}" ] || awk '{print $1 + $2}' "$times" > "$CURL_CPU"
  rm -f "$times"
  [ "${out%% *}" = 204 ] || { echo "upload of $3 to $1 answered ${out%% *}" >&2; exit 1; }
  echo "${out#* }"
}

cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

cpu_tree() {
  local all=$1 frontier=$1 next p sum=0
  while [ -n "$frontier" ]; do
    next=""
    for p in $frontier; do next="$next $(pgrep -P "$p" | tr '\n' ' ' || true)"; done
    frontier=$(echo $next); all="$all $frontier"
  done
  for p in $all; do
    [ -r "/proc/$p/stat" ] || continue
    sum=$(( sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  /usr/bin/python3 -c "print($sum / $(getconf CLK_TCK))"
}

#!/bin/sh
# A copy of the project's reference script (shared/reference/glance-api.sh), for the tests that
# compare Stowage with the real Glance (GlanceCacheApiReferenceTest).
# A real Glance API (Debian bookworm python3-glance 25.1.0, Zed) on 127.0.0.1:${PORT:-19292},
# no auth (unauthenticated-context), sqlite registry, filesystem store, xattr image cache with
# the cache management API open to every caller. The reference to compare Stowage's HTTP
# service, cache and upload path with. Stop it with: kill "$(cat DIR/api.pid)".
# Usage: glance-api.sh DIR   (DIR gets conf, db, images, cache, logs; pid in DIR/api.pid)
set -e
D=${1:?dir}; PORT=${PORT:-19292}; mkdir -p "$D/images" "$D/cache" "$D/x"
if ! /usr/bin/python3 -c 'import glance' 2>/dev/null; then
  # the library and client only; no service is installed or started
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-glance python3-glanceclient >/dev/null
fi
PASTE=$D/x/usr/share/glance-common/glance-api-paste.ini
if [ ! -f "$PASTE" ]; then
  (cd "$D" && apt-get download glance-common >/dev/null 2>&1 && dpkg-deb -x glance-common_*.deb x)
fi
cat > "$D/glance-api.conf" <<EOC
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT
workers = ${WORKERS:-1}
image_cache_dir = $D/cache
image_cache_driver = xattr
image_cache_max_size = 10737418240
log_file = $D/api.log
[database]
connection = sqlite:///$D/glance.sqlite
[paste_deploy]
flavor = cachemanagement
config_file = $PASTE
[glance_store]
stores = file,http
default_store = file
filesystem_store_datadir = $D/images
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
policy_file = $D/policy.yaml
EOC
printf '"cache_image": ""\n"cache_list": ""\n"cache_delete": ""\n' > "$D/policy.yaml"
[ -f "$D/glance.sqlite" ] || /usr/bin/python3 -m glance.cmd.manage --config-file "$D/glance-api.conf" db sync >"$D/dbsync.log" 2>&1
setsid /usr/bin/python3 -m glance.cmd.api --config-file "$D/glance-api.conf" >"$D/api.out" 2>&1 &
echo $! > "$D/api.pid"
for i in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/versions" >/dev/null && exit 0; sleep 0.5; done
echo "glance-api did not start; see $D/api.out" >&2; exit 1

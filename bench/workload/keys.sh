# Sourced by the benchmarks: the key-encryption key of the sealed personal fields, outside the
# store's directory as the hub requires, and a wait for the key walk to have sealed a store that
# was preloaded in clear (so that no run measures the walk instead of the hub).
#   kek_member BIN        -> ', "kek_file": "..."' for the store's config (empty for a build from
#                            before sealed fields, so that XJ_BIN comparisons keep working)
#   await_sealed BIN CONFIG SECONDS -> returns once `xianjie key status` reports the walk done
kek_dir=$(mktemp -d /tmp/xj-bench-kek-XXXXXX)
(umask 077; head -c 32 /dev/urandom > "$kek_dir/hub.kek")
trap_kek() { rm -rf "$kek_dir"; }
has_keys() { local usage; usage=$("$1/xianjie" 2>&1 || true); [[ $usage == *"key status"* ]]; }
kek_member() { if has_keys "$1"; then printf ', "kek_file": "%s", "key_walk_rows": 5000' "$kek_dir/hub.kek"; fi; }
await_sealed() {
  has_keys "$1" || return 0
  local t0=$SECONDS
  until "$1/xianjie" key status --config "$2" 2>/dev/null | grep -q "walk: done"; do
    if (( SECONDS - t0 > $3 )); then echo "the key walk did not finish in $3 s" >&2; return 1; fi
    sleep 1
  done
  echo "store sealed in $(( SECONDS - t0 ))s"
}

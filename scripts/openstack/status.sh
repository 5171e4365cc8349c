#!/usr/bin/env bash
# Prints each service of the loopback OpenStack target with PID, alive/dead, RSS of its
# process group and the TCP addresses it listens on; then the total RSS and target.json.
# Exit status: 0 all running, 1 something is down (or listens beyond loopback), 3 not running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Total PSS in KiB of process group $1: shared pages (forked workers, libraries) counted once.
group_pss_kib() {
  local pid kib=0
  for pid in $(ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g { print $1 }'); do
    kib=$((kib + $(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "$kib"
}

# Listening TCP addresses of the processes in process group $1.
listen_addrs() {
  local pids
  pids=$(ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g { printf "%s ", $1 }')
  ss -Hltnp 2>/dev/null | awk -v pids=" $pids" '{
    rest = $0
    while (match(rest, /pid=[0-9]+/)) {
      if (index(pids, " " substr(rest, RSTART + 4, RLENGTH - 4) " ")) { print $4; break }
      rest = substr(rest, RSTART + RLENGTH)
    }
  }' | sort -u | tr '\n' ' '
}

main() {
  local name pid state rss addrs total=0 pss=0 down=0 recorded=0 exposed=""
  printf '%-17s %8s  %-6s %9s  %s\n' SERVICE PID STATE "RSS(MiB)" LISTENING
  for name in "${ALL_SERVICES[@]}"; do
    pid="-" state=stopped rss="-" addrs=""
    if [[ -e "$PIDS/$name.pid" ]]; then
      recorded=$((recorded + 1))
      pid=$(pid_of "$name" || echo "?")
      if service_alive "$name"; then
        state=alive
        local kib
        kib=$(group_rss_kib "$pid")
        total=$((total + kib))
        pss=$((pss + $(group_pss_kib "$pid")))
        rss=$(awk -v k="$kib" 'BEGIN { printf "%.0f", k / 1024 }')
        addrs=$(listen_addrs "$pid")
      else
        state=dead
        down=$((down + 1))
      fi
    else
      down=$((down + 1))
    fi
    # [::1] is loopback too: epmd always adds it next to the address it is given.
    if [[ -n $addrs ]] && grep -qvE '^(127\.0\.0\.1|\[::1\]):' <<<"$(tr ' ' '\n' <<<"$addrs" | sed '/^$/d')"; then
      addrs+=" <- NOT LOOPBACK"
      exposed=1
    fi
    printf '%-17s %8s  %-6s %9s  %s\n' "$name" "$pid" "$state" "$rss" "$addrs"
  done
  printf 'total RSS: %s MiB (PSS, shared pages counted once: %s MiB)\n' \
    "$((total / 1024))" "$((pss / 1024))"
  if [[ -s $TARGET_JSON ]]; then
    printf 'target description: %s\n' "$TARGET_JSON"
  else
    printf 'target description: none yet (%s)\n' "$TARGET_JSON"
  fi

  if ((recorded == 0)); then
    say "not running"
    return 3
  fi
  if ((down > 0)) || [[ -n $exposed ]]; then
    say "$down of ${#ALL_SERVICES[@]} services down${exposed:+; something listens beyond loopback}"
    return 1
  fi
  return 0
}

main "$@"

# CPU accounting from /proc for bench/run and bench/compare (sourced, not run): clock ticks of a process, of an
# embedded PostgreSQL cluster, and of a process's threads by group.
TICK=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # 0 once the target is gone

# an embedded PostgreSQL given its data directory (postmaster, its exited and live children): the request-log
# and ledger writes, which share the cores but are not in the gateway's own CPU figure
pg_ticks() {
  local pm; pm=$(head -1 "$1/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  # a backend that exits between pgrep and its read (an autovacuum worker) is skipped: under `set -e -o pipefail`
  # the failed read would otherwise end the caller (a bench/run stopped so in section 1)
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat" || true
    for c in $(pgrep -P "$pm" || true); do awk '{print $14 + $15}' "/proc/$c/stat" || true; done; } 2>/dev/null \
    | awk '{s += $1} END {print s + 0}'
}

# CPU ticks by thread group (the thread's name without digits), to tell event loops from JIT compilers and GC
thread_ticks() {
  for f in /proc/"$1"/task/*/stat; do cat "$f" 2>/dev/null || true; done \
    | sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] /\1\t/' | awk -F'\t' '{split($2, a, " "); n = $1; gsub(/[0-9]+/, "#", n); t[n] += a[11] + a[12]} END {for (n in t) print n "\t" t[n]}'
}

# thread_ticks of a process into a file, and the time (epoch seconds) of the snapshot's middle: reading every
# thread's stat takes 0.1-0.3 s, so a window measured while the load goes on is timed between the middles
thread_snapshot() { # pid file -> epoch seconds
  local s e
  s=$(date +%s.%N); thread_ticks "$1" > "$2"; e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN {printf "%.6f", (s + e) / 2}'
}

thread_split() { # before-file after-file total-requests -> "group=us/request ..." largest first
  awk -F'\t' -v n="$3" -v tick="$TICK" 'NR == FNR {b[$1] = $2; next} {d = $2 - b[$1]; if (d > 0) printf "%s\t%.1f\n", $1, d / tick * 1e6 / n}' "$1" "$2" \
    | sort -t$'\t' -k2 -gr | awk -F'\t' '{gsub(/ /, "_", $1); printf "%s=%s ", $1, $2}'
}

group_share() { # before-file after-file total-requests group-regex -> µs a request in the thread groups matching it
  awk -F'\t' -v n="$3" -v tick="$TICK" -v g="$4" 'NR == FNR {b[$1] = $2; next} $1 ~ g {d += $2 - b[$1]} END {printf "%.1f", d / tick * 1e6 / n}' "$1" "$2"
}

jit_share() { group_share "$1" "$2" "$3" Compiler; }   # the JIT compiler threads

gc_share() { group_share "$1" "$2" "$3" '^(GC Thread|G1 )'; }   # G1's threads: young pauses, marking, refinement

loop_share() { group_share "$1" "$2" "$3" '^reactor-http'; }   # Reactor Netty's event loops (server and client)

# awk functions for the summaries of bench/run and bench/compare: med(a, n), the median of a[1..n] (sorted in
# place), and val(k), the value of the line's field k=value (empty when the line has none)
MEDIAN_AWK='function med(a, n,   i, j, t) {for (i = 2; i <= n; i++) {t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t}
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2}
  function val(k,   i, kv) {for (i = 1; i <= NF; i++) {split($i, kv, "="); if (kv[1] == k) return kv[2]}; return ""}'

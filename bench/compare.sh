#!/usr/bin/env bash
# Side-by-side medians of two bench/run.sh results dirs (a baseline and a new run on the same
# machine): req/s, p50, p99 and the 1-minute load of each scenario, and the new/old req/s ratio.
# Usage: bench/compare.sh BASELINE_DIR [BASELINE_DIR2 ...] -- NEW_DIR [NEW_DIR2 ...]
# (several dirs per side: their raw.tsv rows are pooled, e.g. a baseline run plus its list scenarios).
set -euo pipefail
old=(); new=(); side=old
for a in "$@"; do
  if [ "$a" = -- ]; then side=new; continue; fi
  if [ $side = old ]; then old+=("$a/raw.tsv"); else new+=("$a/raw.tsv"); fi
done
[ ${#old[@]} -gt 0 ] && [ ${#new[@]} -gt 0 ] || { echo "usage: $0 OLD_DIR... -- NEW_DIR..." >&2; exit 2; }
{ for f in "${old[@]}"; do awk -F'\t' -v s=old 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, $1, $c["conns"], $c["rps"], $c["p50_ms"], $c["p99_ms"], ("load1" in c) ? $c["load1"] : "-", $c["cpu_other"] }' "$f"; done
  for f in "${new[@]}"; do awk -F'\t' -v s=new 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s, $1, $c["conns"], $c["rps"], $c["p50_ms"], $c["p99_ms"], ("load1" in c) ? $c["load1"] : "-", $c["cpu_other"] }' "$f"; done
} | awk -F'\t' '
  function med(k, col,   n, i, j, t, v) { n = cnt[k]; for (i = 1; i <= n; i++) v[i] = val[k, i, col] + 0
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  function loadcol(k,   i) { for (i = 1; i <= cnt[k]; i++) if (val[k, i, 7] == "-") return "-"; return sprintf("%.0f", med(k, 7)) }
  { k = $1 SUBSEP $2; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2; conns[$2] = $3 }
    cnt[k]++; for (i = 4; i <= 8; i++) val[k, cnt[k], i] = $i }
  END {
    print "| scenario | conns | req/s before | req/s after | after / before | p50 ms before → after | p99 ms before → after | load before / after | other CPU % before / after |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (x = 1; x <= n; x++) { s = order[x]; o = "old" SUBSEP s; w = "new" SUBSEP s
      if (!(o in cnt) || !(w in cnt)) { k = (o in cnt) ? o : w; b = (o in cnt)
        printf "| %s | %s | %s | %s | - | %s | %s | %s | %s |\n", s, conns[s], b ? sprintf("%.0f", med(o, 4)) : "-", b ? "-" : sprintf("%.0f", med(w, 4)),
          b ? sprintf("%.1f → -", med(k, 5)) : sprintf("- → %.1f", med(k, 5)), b ? sprintf("%.1f → -", med(k, 6)) : sprintf("- → %.1f", med(k, 6)),
          b ? loadcol(k) " / -" : "- / " loadcol(k), b ? sprintf("%.0f / -", med(k, 8)) : sprintf("- / %.0f", med(k, 8)); continue }
      printf "| %s | %s | %.0f | %.0f | %.1fx | %.1f → %.1f | %.1f → %.1f | %s / %s | %.0f / %.0f |\n", s, conns[s], med(o, 4), med(w, 4), med(w, 4) / med(o, 4),
        med(o, 5), med(w, 5), med(o, 6), med(w, 6), loadcol(o), loadcol(w), med(o, 8), med(w, 8) } }'

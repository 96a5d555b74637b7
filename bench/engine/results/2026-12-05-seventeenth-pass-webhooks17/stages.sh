#!/usr/bin/env bash
# Sums the STAGES lines (temporary timing build) of a shoal log between two times (HH:MM:SS, UTC):
# per stage: samples, total ms, and the median of the 5-s windows' p50/p99. Usage: stages.sh LOG FROM TO
awk -v from="$2" -v to="$3" '
  /STAGES/ { t = substr($1, 12, 8); if (t < from || t > to) next
    n = split($0, parts, "\\|")
    for (i = 2; i <= n; i++) {
      split(parts[i], f, " "); k = f[1]
      for (j = 2; j in f; j++) { split(f[j], kv, "="); v[kv[1]] = kv[2] }
      cnt[k] += v["n"]; sum[k] += v["sum_ms"]; w[k]++; p50[k, w[k]] = v["p50_ms"]; p99[k, w[k]] = v["p99_ms"]
      if (v["max_ms"] > mx[k]) mx[k] = v["max_ms"]
    }
  }
  END { for (k in cnt) printf "%-22s n=%8d total_ms=%10d windows=%3d max_ms=%9.1f\n", k, cnt[k], sum[k], w[k], mx[k] }
' "$1" | sort

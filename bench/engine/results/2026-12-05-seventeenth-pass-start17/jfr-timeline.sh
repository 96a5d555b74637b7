#!/usr/bin/env bash
# jfr-timeline.sh FILE.jfr [BUCKET_S]: samples per time bucket by phase
jfr print --stack-depth 64 --events jdk.ExecutionSample "$1" | gawk -v b="${2:-5}" '
function flush() { if (t != "") { c[t, cat]++; if (!(t in ts)) { ts[t]=1 } ; cats[cat]=1 } }
/jdk.ExecutionSample/ { flush(); t=""; cat="other"; next }
/startTime = / { split($3, a, ":"); s = a[1]*3600 + a[2]*60 + a[3]; if (t0 == "") t0 = s; t = int((s - t0)/b)*b; next }
/^[[:space:]]+[a-zA-Z_$][a-zA-Z0-9_$.<>]*\(.*line:/ {
  f=$1
  if (cat=="other") {
    if (f ~ /loadCustomerRow/) cat="load"; else if (f ~ /runDueChecks/) cat="due"; else if (f ~ /replaySlice|replayNext/) cat="replay";
    else if (f ~ /evaluateLoaded/) cat="retest"; else if (f ~ /ApiVerticle/) cat="api"; else if (f ~ /flyway/) cat="flyway";
    else if (f ~ /pgclient|sqlclient/) cat="pgdecode"; else if (f ~ /BatchWriter/) cat="write"; else if (f ~ /SharedCustomerScan/) cat="scan";
  }
}
END { flush(); n=asorti(cats, cs); printf "t"; for (i=1;i<=n;i++) printf "\t%s", cs[i]; printf "\n";
  m=asorti(ts, tt, "@ind_num_asc"); for (j=1;j<=m;j++) { printf "%s", tt[j]; for (i=1;i<=n;i++) printf "\t%d", c[tt[j], cs[i]]; printf "\n" }
  for (i=1;i<=n;i++) { tot=0; for (j=1;j<=m;j++) tot+=c[tt[j],cs[i]]; printf "%s=%d ", cs[i], tot } printf "\n" }'

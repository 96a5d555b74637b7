# bench2.sh: mean latency (ms) of the old read vs the new two statements (the second only when the walk gave less than a page), pgbench -M prepared
PORT=${PORT:-18414}
OLD="SELECT seq, id, segment_id, customer_id, kind, cause, event_id, occurred_at, recorded_at FROM segment_flips_of(:st, :sg) WHERE (:cu::text IS NULL OR customer_id = :cu) AND row_seq > :af - 1024 AND seq > :af ORDER BY row_seq, k LIMIT 26;"
sub() { sed -e 's/^PREPARE [wx](text,text,text,bigint,int) AS //' -e 's/\$1/:st/g; s/\$2/:sg/g; s/\$3/:cu/g; s/\$4/:af/g' ; }
W=$(sed -n 1p new2.sql | sub | sed 's/\$5/26/g')
X=$(sed -n 2p new2.sql | sub | sed 's/\$5/:rest/g')
NEW="SELECT count(*) AS got FROM (${W%;}) w \\gset
\\set rest 26 - :got
\\if :got < 26
$X
\\endif"
run() { # sql seg after cust
  printf '\\set af %s\n' "$3" > /tmp/start14-pgb.sql
  echo "$1" | sed "s/:st/'store_b'/g; s/:sg/'$2'/g; s/:cu/$4/g" >> /tmp/start14-pgb.sql
  pgbench -n -M prepared -t ${N:-40} -h 127.0.0.1 -p $PORT -U shoal -f /tmp/start14-pgb.sql ${DB:-postgres} 2>&1 | sed -n 's/latency average = \([0-9.]*\) ms/\1/p'
}
printf 'segment\tcursor\tcustomer\told_ms\tnew_ms\told_ms\tnew_ms\tload1\n'
for seg in ${SEGS:-seg_rare seg_mid seg_xxxxxxxxxxxxxxxxxxxxxxx5 seg_common}; do
 for af in 0 ${MID:-51200000}; do
  for cu in null "'cust_7'"; do
   a=$(run "$OLD" $seg $af "$cu"); b=$(run "$NEW" $seg $af "$cu"); c=$(run "$OLD" $seg $af "$cu"); d=$(run "$NEW" $seg $af "$cu")
   printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $seg $af "$cu" $a $b $c $d "$(cut -d' ' -f1 /proc/loadavg)"
  done
 done
done

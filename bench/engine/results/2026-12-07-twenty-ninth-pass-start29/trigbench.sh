P="psql -h 127.0.0.1 -p 55330 -U postgres -X -q"
$P -c "CREATE TABLE customer_eval_state (id int primary key, segment_nums int[], segment_since timestamptz[], segment_nums_packed bytea)"
$P -c "INSERT INTO customer_eval_state SELECT i, ARRAY(SELECT g*8 FROM generate_series(1,120) g), array_fill(now(), ARRAY[120]), '\x0808080808080808'::bytea FROM generate_series(1,100000) i"
$P -c "VACUUM ANALYZE customer_eval_state"
echo "load $(cat /proc/loadavg)"
for k in 1 2; do
for mode in none trig trignull; do
  $P -c "DROP TRIGGER IF EXISTS customer_eval_state_nums_changed ON customer_eval_state; DROP FUNCTION IF EXISTS customer_eval_state_unpack()"
  [ $mode != none ] && $P -f /tmp/start29-trig.sql
  $P -c "UPDATE customer_eval_state SET segment_nums_packed = '\x0808080808080808'::bytea" -c "VACUUM customer_eval_state"
  if [ $mode = trignull ]; then SETP=", segment_nums_packed = NULL"; else SETP=""; fi
  t=$($P -c '\timing on' -c "UPDATE customer_eval_state SET segment_nums = segment_nums[1:120] || 2000, segment_since = segment_since || now() $SETP" | grep Time)
  echo "$mode append: $t"
  $P -c "VACUUM customer_eval_state"
  t=$($P -c '\timing on' -c "UPDATE customer_eval_state SET segment_nums = segment_nums, segment_since = segment_since" | grep Time)
  echo "$mode same nums: $t"
  $P -c "VACUUM customer_eval_state"
done; done
echo "load $(cat /proc/loadavg)"

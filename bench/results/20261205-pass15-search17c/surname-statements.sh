#!/bin/bash
# Writes the surname statements compared in the fifteenth pass (issue 17, search17c), one file per variant,
# one statement per term of terms-surname.txt: w_all.sql (the walk of customers_by_created_search until a page,
# as main's WALK/WALK_ON reach it), g_all_C.sql (the keys range of each term, at most C+1 entries, the page
# sorted only when the term has at most C entries) and w_over_C.sql (the walks of the terms above C, which the
# keys path would then still run). Usage: surname-statements.sh STORE_ID SEED_DIR key-entries-per-term.txt
st=$1; SEED=$2; COUNTS=$3
up() { python3 -c "import sys;t=sys.argv[1];print(t[:-1]+chr(ord(t[-1])+1))" "$1"; }
for C in 2000 4000 8000; do for t in $(cat "$SEED/terms-surname.txt"); do u=$(up "$t"); n=$(grep "^surname $t " "$COUNTS" | cut -d' ' -f3)
echo "WITH hits AS MATERIALIZED (SELECT created_at AS hk, customer_id AS hid FROM s17c_keys_full WHERE store_id = '$st' AND key >= '$t' AND key < '$u' LIMIT $((C+1))) SELECT customers.id, customers.email, (created_at)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count FROM (SELECT DISTINCT hk, hid FROM hits WHERE (SELECT count(*) FROM hits) <= $C ORDER BY hk DESC, hid DESC LIMIT 26) h JOIN customers ON customers.store_id = '$st' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;" >> g_all_$C.sql
w="SELECT customers.id FROM (SELECT hid, hk FROM (SELECT id AS hid, created_at AS hk, search_text FROM customers WHERE store_id = '$st' ORDER BY created_at DESC, id DESC LIMIT 60000) r WHERE strpos(r.search_text, '$t') > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h JOIN customers ON customers.store_id = '$st' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;"
[ $C = 2000 ] && echo "$w" >> w_all.sql; [ "$n" -gt $C ] && echo "$w" >> w_over_$C.sql; done; done

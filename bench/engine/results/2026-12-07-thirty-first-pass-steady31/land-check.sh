#!/usr/bin/env bash
# steady31: the landed jar (NOT IN, 8 pairs) against base once more, one hold: ab.sh ORDER="land base"
cd /work/steady31-work && ORDER="land base" ./ab.sh

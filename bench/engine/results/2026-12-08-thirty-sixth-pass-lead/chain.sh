#!/usr/bin/env bash
# lead36: build the base jar (main 050cc53), take the new jar from the full suite's worktree, seed, two warm pairs
set -u
L=/work/lead36-work
echo "chain start $(date -u +%T)"
[ -d /work/wt/base36 ] || git -C /work/main worktree add -q --detach /work/wt/base36 050cc53
(cd /work/wt/base36 && mvn -B -o -q package -DskipTests > $L/build-base.log 2>&1); echo "base build rc=$?"
cp /work/wt/base36/target/shoal.jar $L/base.jar
cp /work/wt/suite36/target/shoal.jar $L/new.jar
unzip -l $L/new.jar | grep -c V81; unzip -l $L/base.jar | grep -c V81
echo "seed start $(date -u +%T)"; $L/seed.sh; echo "seed end $(date -u +%T)"
ORDER="base new" $L/pair.sh
ORDER="new base" $L/pair.sh
echo "chain end $(date -u +%T)"

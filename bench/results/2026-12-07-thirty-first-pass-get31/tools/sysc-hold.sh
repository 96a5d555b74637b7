cd /work/get31-work
T=tools
$T/sysc.sh base get $(cat runs/base.pid) http://127.0.0.1:19460 get 64
$T/ceil.sh start /work/get31-work/jars/base-e7dbcf9.jar
$T/sysc.sh base ceiling $(cat runs/ceiling.pid) http://127.0.0.1:19490 ceiling 64
$T/ceil.sh stop

#!/usr/bin/env bash
# Worker loss on a real Spark standalone cluster, at a size of your choice.
#
# Starts a Spark master and two one-core workers as separate JVMs on 127.0.0.1 (Spark's own
# org.apache.spark.deploy.master.Master and ...worker.Worker from the jars the build resolved),
# then per mode trains a synthetic two-task config through `mtl4j train --spark-master
# spark://127.0.0.1:PORT` twice: undisturbed, and SIGKILLing worker 1 and its executor once
# epoch N is checkpointed. Prints wall times, what the driver logged about the loss, whether each
# run folder is sound and whether the two checkpoints are byte-identical. Every JVM it started is
# stopped at the end (also on Ctrl-C). Exit 0 when everything held.
#
#   spark/scripts/standalone-fault.sh [--rows 20000] [--epochs 3] [--batch 64]
#       [--modes sync,average] [--average-every 8] [--kill-after-epoch 1]
#       [--worker-memory 1024] [--timeout-s 1800] [--dir spark/target/standalone-fault-<time>]
#
# Logs: <dir>/cluster/{master,worker-0,worker-1}.log, executors' in <dir>/cluster/work-*/,
# drivers' in <dir>/<mode>/*.driver.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -o -pl spark -am -DskipTests test-compile
CP="spark/target/test-classes:spark/target/classes:$(cat spark/target/test-classpath.txt)"
exec java -Xmx1g -cp "$CP" org.mtl4j.spark.cluster.StandaloneFaultRun "$@"

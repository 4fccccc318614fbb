#!/bin/sh
# Quality benchmark on the UCI Online Retail data (time split, default 2011-11-09): the trainer's evaluation of
# popularity, item-kNN, buy-again, iALS and the ranker, then the sequence model (models/sequence/train.py, when
# Debian's python3-torch is installed) on the same split. Needs the bundles installed (mvn install -DskipTests).
# Usage: benchmarks/quality/run.sh [online_retail.csv.gz] [out-dir] [split-date]   (MVN_ARGS for extra mvn flags,
# JAVA_OPTS for -D options of the Java part, SEQ_ARCHS (default "sasrec gru"; "" skips them) / SEQ_EPOCHS (4) /
# SEQ_LOSS / SEQ_MAX_LEN (50) / SEQ_SAMPLING / SEQ_PREFIX_SAMPLE (0.25, the BiLSTM) / SEQ_ARGS for the sequence
# models; SEQ_ARCHS="sasrec gru bilstm" adds the BiLSTM, about 40 minutes more)
set -e
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-$here/../../../shared/datasets/online-retail/online_retail.csv.gz}
out=${2:-$here/target/quality}
split=${3:-2011-11-09}
mvn -B -q $MVN_ARGS -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$here/target/classpath.txt"
mvn -B -q $MVN_ARGS -f "$here/pom.xml" compile
java -Xmx2g $JAVA_OPTS -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.rialto.training.internal.OnlineRetailQuality "$data" "$out" "$split"
if /usr/bin/python3 -c "import torch, onnx" 2>/dev/null; then
  # One sequence model per architecture in SEQ_ARCHS, same split, same evaluation users (same seed), all with a
  # full softmax over the vocabulary: SASRec and GRU at every position of each window; the BiLSTM (sees the whole
  # history, so one pass per prefix) on a fresh random quarter of the prefixes per epoch.
  for arch in ${SEQ_ARCHS-sasrec gru}; do
    loss=${SEQ_LOSS:-softmax}
    /usr/bin/python3 "$here/../../models/sequence/train.py" --events "$out/online-retail-events.csv" \
      --items "$out/online-retail-items.csv" --out "$out/models" --split-at "${split}T00:00:00Z" \
      --epochs "${SEQ_EPOCHS:-4}" --eval-users 2000 --arch "$arch" --loss "$loss" --dim 32 --hidden 32 \
      --max-len "${SEQ_MAX_LEN:-50}" --lr 0.002 --negative-sampling "${SEQ_SAMPLING:-uniform}" \
      --prefix-sample "${SEQ_PREFIX_SAMPLE:-0.25}" $SEQ_ARGS \
      --metrics-json "$out/sequence-$arch-results.json"
  done
else
  echo "python3-torch is not installed: the sequence model is left out (apt-get install python3-torch python3-onnx)"
fi

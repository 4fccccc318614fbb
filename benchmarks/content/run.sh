#!/bin/sh
# The content benchmark (docs/benchmarks.md, "Content generation"). Needs the bundles installed in the local
# Maven repository (mvn install -DskipTests at the root). Extra Maven options (e.g. -o -Dmaven.repo.local=...)
# come from MAVEN_ARGS; arguments go to the benchmark (--embeddings: rank, de-duplicate and compare with the
# server's text embedders instead of the lexical measure).
set -e
cd "$(dirname "$0")"
mvn -q $MAVEN_ARGS package
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "target/classes:$(cat target/classpath.txt)" \
    dev.rialto.benchmarks.content.Main "$@"

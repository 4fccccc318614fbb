package dev.rialto.benchmarks.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JitTest {

    @Test
    void theCompilersTimeGrowsWhileCodeIsCompiledAndSettleWaitsForQuiet() {
        long before = Jit.compilerMillis();
        assertTrue(before >= 0);
        // Enough fresh work for the JIT to compile something.
        long sum = 0;
        for (int round = 0; round < 200; round++) {
            sum += java.util.stream.IntStream.range(0, 20_000).map(i -> (i * 31) ^ (i >>> 3)).sum();
        }
        assertTrue(sum != 0);
        assertTrue(Jit.compilerMillis() >= before, "the compilers' time never goes back");
        long waited = Jit.settle(2, 5_000);
        assertTrue(waited >= 400 && waited < 6_000, "settle waited " + waited + " ms");
    }
}

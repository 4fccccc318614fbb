package dev.rialto.retrieval.lucene.internal.behaviour;

/** Solves a small symmetric positive-definite system in place of a matrix library. */
final class Cholesky {

    private Cholesky() {
    }

    /**
     * Solves {@code A x = b} for a symmetric positive-definite {@code A} (row-major, n×n; overwritten).
     *
     * @throws IllegalArgumentException when A is not positive definite
     */
    static double[] solve(double[] a, double[] b, int n) {
        // A = L Lᵀ, L kept in the lower triangle of a.
        for (int j = 0; j < n; j++) {
            double diag = a[j * n + j];
            for (int k = 0; k < j; k++) {
                diag -= a[j * n + k] * a[j * n + k];
            }
            if (!(diag > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite (pivot " + j + ")");
            }
            double l = Math.sqrt(diag);
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = s / l;
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= a[i * n + k] * y[k];
            }
            y[i] = s / a[i * n + i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= a[k * n + i] * x[k];
            }
            x[i] = s / a[i * n + i];
        }
        return x;
    }
}

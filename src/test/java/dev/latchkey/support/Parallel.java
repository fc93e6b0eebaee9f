package dev.latchkey.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Runs work for many items with a fixed number in flight: how tests and the benchmark make concurrent writers. */
public final class Parallel {

    private Parallel() {
    }

    /** Runs {@code work} for every item with {@code threads} in flight; rethrows the first failure. */
    public static <T> void forEach(int threads, List<T> items, Consumer<T> work) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (T item : items) {
                done.add(pool.submit(() -> work.accept(item)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }
}

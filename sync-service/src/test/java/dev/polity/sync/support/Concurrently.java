package dev.polity.sync.support;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/** Runs the same request from several threads at once. */
public final class Concurrently {

    private Concurrently() {
    }

    public static <T> List<T> run(int times, Supplier<T> request) {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newFixedThreadPool(times)) {
            List<CompletableFuture<T>> futures = IntStream.range(0, times)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                        return request.get();
                    }, executor))
                    .toList();
            start.countDown();
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }
}

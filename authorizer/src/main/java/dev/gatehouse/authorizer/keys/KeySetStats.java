package dev.gatehouse.authorizer.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Key-set fetch counters shared by all key sources of a handler, drained into each decision's metrics line so the
 * CloudWatch sums are exact even though a fetch belongs to no single decision. Thread-safe.
 */
public final class KeySetStats {

    /** What happened since the previous drain. */
    public record Drained(long fetches, long failures, List<Long> latenciesMillis) {}

    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

    public void fetched(long millis, boolean succeeded) {
        fetches.incrementAndGet();
        if (!succeeded) {
            failures.incrementAndGet();
        }
        latencies.add(millis);
    }

    public Drained drain() {
        List<Long> drained = new ArrayList<>();
        for (Long latency; (latency = latencies.poll()) != null && drained.size() < 100; ) {
            drained.add(latency);
        }
        return new Drained(fetches.getAndSet(0), failures.getAndSet(0), List.copyOf(drained));
    }
}

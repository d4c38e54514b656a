package dev.gatehouse.authorizer.keys;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException;
import dev.gatehouse.authorizer.exceptions.TokenRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The signing keys of one issuer, cached as a whole-set snapshot with a policy built for Lambda (no background
 * threads: every fetch happens on the request path or at initialisation):
 *
 * <ul>
 *   <li><b>hydrate</b> at initialisation within a time budget, so the warm path never waits on the network;
 *   <li><b>refresh-ahead</b>: from 4/5 of {@code ttl} on, a request starts a refetch on a virtual thread and goes on
 *       with the current key without waiting (no thread exists while no request comes; in a frozen Lambda sandbox the
 *       fetch simply resumes at the next invocation);
 *   <li><b>TTL</b>: after {@code ttl} the whole set is refetched and replaced, so removed keys stop being trusted;
 *       if refresh-ahead did not get there first, one request refreshes while every other keeps the current snapshot;
 *   <li><b>stale-if-error</b>: if that refresh fails, the old snapshot stays usable up to {@code ttl + maxStale};
 *       past that, lookups fail with {@link KeysUnavailableException} (500, never 401, never Allow);
 *   <li><b>unknown kid</b>: a single-flight refetch, only if the set the request saw is at least {@code cooldown}
 *       old; concurrent callers wait for the fetch in flight and take its set if it began after they arrived (one
 *       that began before, such as a refresh, may predate the key), else one of them fetches once more right after
 *       it. A kid still unknown after a fetch that began after the request arrived is rejected without fetching for
 *       {@code negativeTtl}. A flood of random kids therefore costs the issuer at most two fetches per cool-down (as
 *       long as a fetch takes less than the cool-down), and a genuine new kid is found at most one cool-down after
 *       it is published;
 *   <li>after a failed fetch, no new attempt for {@code failureBackoff} (except the one at initialisation).
 * </ul>
 *
 * <p>A kid is only ever answered from a key set this source fetched itself: until its first fetch succeeds, every
 * lookup waits for (or makes) that fetch.
 *
 * <p>Thread-safe.
 */
public final class JwksKeySource {

    /** Where a key came from, for logs and metrics. */
    public enum Source {
        CACHE,
        FETCH,
        STALE;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A key found for a kid, where it came from and how old the snapshot holding it is. */
    public record KeyLookup(SigningKey key, Source source, Duration keyAge) {}

    /**
     * The usable keys, the published kids left out and why, when the set was fetched, and the number of the fetch
     * that got it (fetches are numbered as they start).
     */
    private record Snapshot(
            Map<String, SigningKey> keys,
            Map<String, JwksParser.Unusable> unusable,
            Instant fetchedAt,
            long fetchNumber) {}

    private record Failure(Instant at, KeySetFailure reason, String message) {}

    private static final int MAX_NEGATIVE_ENTRIES = 1024;
    /** Refresh-ahead starts when the snapshot has lived this share of its TTL: 4/5. */
    private static final int REFRESH_AHEAD_NUMERATOR = 4;

    private static final int REFRESH_AHEAD_DENOMINATOR = 5;
    /** Started on demand by a request, never scheduled: nothing runs while no request comes. */
    private static final Executor REFRESH_ON_VIRTUAL_THREAD =
            task -> Thread.ofVirtual().name("jwks-refresh-ahead").start(task);

    private final Executor refresher;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    private final String issuer;
    private final JwksRsaBridge keySet;
    private final KeySetPolicy policy;
    private final Clock clock;
    private final KeySetStats stats;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final Map<String, Instant> unknownKids = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;
    private volatile Failure lastFailure;
    /** Fetches begun so far: numbers them, so a request can tell a fetch that began after it arrived. */
    private final AtomicLong fetchesStarted = new AtomicLong();

    public JwksKeySource(
            IssuerConfig issuer, JwksFetcher fetcher, KeySetPolicy policy, Clock clock, KeySetStats stats) {
        this(issuer, fetcher, policy, clock, stats, REFRESH_ON_VIRTUAL_THREAD);
    }

    /**
     * @param refresher runs refresh-ahead fetches without the request waiting for them (a virtual thread per refresh
     *     in production; tests pass one they control)
     */
    public JwksKeySource(
            IssuerConfig issuer,
            JwksFetcher fetcher,
            KeySetPolicy policy,
            Clock clock,
            KeySetStats stats,
            Executor refresher) {
        this.refresher = requireNonNull(refresher, "refresher is null");
        this.issuer = requireNonNull(issuer, "issuer is null").issuer();
        this.keySet =
                new JwksRsaBridge(issuer.jwksUri(), requireNonNull(fetcher, "fetcher is null"), issuer.algorithms());
        this.policy = requireNonNull(policy, "policy is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.stats = requireNonNull(stats, "stats is null");
    }

    /**
     * Fetches the key set once, within {@code budget}. A failure is remembered for metrics but does not start the
     * failure back-off: the first request retries at once.
     *
     * @return whether a key set is now cached
     */
    public boolean hydrate(Duration budget) {
        if (budget.isZero() || budget.isNegative()) {
            return snapshot != null;
        }
        fetchLock.lock();
        try {
            fetchNow(budget);
            return true;
        } catch (KeySetFetchException e) {
            return false;
        } finally {
            lastFailure = null;
            fetchLock.unlock();
        }
    }

    /** Age of the cached key set, or {@code null} if none is cached. */
    public Duration keyAge() {
        Snapshot current = snapshot;
        return current == null ? null : Duration.between(current.fetchedAt(), clock.instant());
    }

    /**
     * The key {@code keyId} from the current snapshot, never fetching: for java-jwt's key-provider callback, right
     * after {@link #find(String)} looked the key up (and fetched if needed).
     */
    public SigningKey cached(String keyId) {
        Snapshot current = snapshot;
        SigningKey key = current == null ? null : current.keys().get(keyId);
        if (key == null) {
            throw unknown(keyId, "is no longer in the cached key set");
        }
        return key;
    }

    /**
     * @throws TokenRejectedException with {@link Reason#UNKNOWN_KEY_ID} if the issuer's set has no usable key
     * {@code keyId}
     * @throws KeysUnavailableException if no usable key set can be obtained
     */
    public KeyLookup find(String keyId) {
        requireNonNull(keyId, "keyId is null");
        // Read before the snapshot: a fetch numbered above this began after the request arrived, so after the issuer
        // published the token's key. Read after, it would also count a fetch already in flight when the request read
        // the snapshot, and a request preempted in between could make every waiter refetch in turn.
        long arrival = fetchesStarted.get();
        Instant now = clock.instant();
        Snapshot current = snapshot;
        if (current == null || age(current, now).compareTo(policy.ttl().plus(policy.maxStale())) > 0) {
            Snapshot fetched = fetchBlocking(current, keyId);
            return lookup(fetched, keyId, fetched == current ? Source.CACHE : Source.FETCH, arrival);
        }
        Duration age = age(current, now);
        if (age.compareTo(policy.ttl()) < 0 && age.compareTo(refreshAheadAge()) >= 0) {
            // Refresh-ahead: a request near the end of the TTL starts the refetch and goes on with the current key.
            refreshAhead(current, now);
            return lookup(current, keyId, Source.CACHE, arrival);
        }
        if (age.compareTo(policy.ttl()) >= 0) {
            // Refresh due: one caller refreshes, nobody waits for it; a failed refresh keeps the snapshot
            // (stale-if-error).
            boolean refreshed = false;
            if (!inBackoff(now) && fetchLock.tryLock()) {
                try {
                    if (snapshot == current) {
                        fetchNow(policy.connectTimeout().plus(policy.readTimeout()));
                        refreshed = true;
                    }
                } catch (KeySetFetchException e) {
                    // stay on the stale snapshot
                } finally {
                    fetchLock.unlock();
                }
            }
            Snapshot latest = snapshot;
            Source source = refreshed
                    ? Source.FETCH
                    : age(latest, clock.instant()).compareTo(policy.ttl()) >= 0 ? Source.STALE : Source.CACHE;
            return lookup(latest, keyId, source, arrival);
        }
        return lookup(current, keyId, Source.CACHE, arrival);
    }

    private Duration refreshAheadAge() {
        return policy.ttl().multipliedBy(REFRESH_AHEAD_NUMERATOR).dividedBy(REFRESH_AHEAD_DENOMINATOR);
    }

    /** Starts one refetch of {@code seen} on the refresher unless one is running or a failure is being backed off. */
    private void refreshAhead(Snapshot seen, Instant now) {
        if (inBackoff(now) || !refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                fetchLock.lock();
                try {
                    if (snapshot == seen) {
                        fetchNow(policy.connectTimeout().plus(policy.readTimeout()));
                    }
                } catch (KeySetFetchException e) {
                    // The current snapshot stays; the TTL refresh on the request path tries again.
                } finally {
                    fetchLock.unlock();
                    refreshing.set(false);
                }
            });
        } catch (RuntimeException e) {
            refreshing.set(false);
        }
    }

    /** @param arrival how many fetches had begun when the request arrived */
    private KeyLookup lookup(Snapshot from, String keyId, Source source, long arrival) {
        SigningKey key = from.keys().get(keyId);
        if (key != null) {
            return new KeyLookup(key, source, age(from, clock.instant()));
        }
        requirePublishedKeyUsable(from, keyId);
        return unknownKid(from, keyId, arrival);
    }

    private KeyLookup unknownKid(Snapshot seen, String keyId, long arrival) {
        Instant now = clock.instant();
        Instant rejectedUntil = unknownKids.get(keyId);
        if (rejectedUntil != null && now.isBefore(rejectedUntil)) {
            throw unknown(keyId, "was not in the issuer's key set at the last fetch");
        }
        if (inBackoff(now)) {
            // The key set cannot be fetched right now: whether this kid is genuine cannot be decided (500, not 401).
            throw backingOff(keyId, now);
        }
        if (age(seen, now).compareTo(policy.cooldown()) < 0) {
            // Not cached as negative: a genuine new kid must be found once the cool-down is over.
            throw unknown(keyId, "is not in the issuer's key set (refetch cool-down active)");
        }
        fetchLock.lock();
        try {
            Snapshot latest = snapshot;
            // A set counts only if its fetch began after the request arrived: one that began before (a refresh, or a
            // fetch in flight when the request came) may predate the kid's publication. So a flood of requests for a
            // new kid costs at most two fetches: the one they wait for, and one for those that came during it.
            if (latest.fetchNumber() <= arrival) {
                if (inBackoff(clock.instant())) {
                    throw backingOff(keyId, clock.instant());
                }
                try {
                    latest = fetchNow(policy.connectTimeout().plus(policy.readTimeout()));
                } catch (KeySetFetchException e) {
                    throw new KeysUnavailableException(
                            e.failure(),
                            "The token's key is not cached and the JSON Web Key Set of " + issuer
                                    + " cannot be fetched: " + e.getMessage(),
                            keyId,
                            e);
                }
            }
            SigningKey key = latest.keys().get(keyId);
            if (key != null) {
                return new KeyLookup(key, Source.FETCH, age(latest, clock.instant()));
            }
            requirePublishedKeyUsable(latest, keyId);
            if (unknownKids.size() >= MAX_NEGATIVE_ENTRIES) {
                unknownKids.clear();
            }
            unknownKids.put(keyId, clock.instant().plus(policy.negativeTtl()));
            throw unknown(keyId, "is not in the issuer's key set");
        } finally {
            fetchLock.unlock();
        }
    }

    /** Waits for (or does) the one fetch that can make the key set usable again. */
    private Snapshot fetchBlocking(Snapshot seen, String keyId) {
        fetchLock.lock();
        try {
            Snapshot latest = snapshot;
            Instant now = clock.instant();
            if (latest != seen
                    && latest != null
                    && age(latest, now).compareTo(policy.ttl().plus(policy.maxStale())) <= 0) {
                return latest;
            }
            Failure failure = lastFailure;
            if (inBackoff(now)) {
                throw new KeysUnavailableException(
                        failure.reason(),
                        "No usable JSON Web Key Set of " + issuer + " is cached and the last fetch failed "
                                + Duration.between(failure.at(), now).toMillis() + " ms ago: " + failure.message(),
                        keyId,
                        null);
            }
            try {
                return fetchNow(policy.connectTimeout().plus(policy.readTimeout()));
            } catch (KeySetFetchException e) {
                String staleNote = seen == null ? "" : " (the cached set is older than the maximum stale age)";
                throw new KeysUnavailableException(
                        e.failure(),
                        "No usable JSON Web Key Set of " + issuer + " is cached" + staleNote
                                + " and fetching it failed: " + e.getMessage(),
                        keyId,
                        e);
            }
        } finally {
            fetchLock.unlock();
        }
    }

    /** Fetches and parses; on success replaces the snapshot and clears negative entries. Caller holds the lock. */
    private Snapshot fetchNow(Duration budget) throws KeySetFetchException {
        long number = fetchesStarted.incrementAndGet();
        long started = System.nanoTime();
        try {
            JwksParser.Parsed parsed = keySet.fetch(budget);
            Snapshot fresh = new Snapshot(parsed.keys(), parsed.unusable(), clock.instant(), number);
            snapshot = fresh;
            lastFailure = null;
            unknownKids.clear();
            stats.fetched(elapsedMillis(started), true);
            return fresh;
        } catch (KeySetFetchException e) {
            lastFailure = new Failure(clock.instant(), e.failure(), e.getMessage());
            stats.fetched(elapsedMillis(started), false);
            throw e;
        } catch (RuntimeException e) {
            lastFailure = new Failure(
                    clock.instant(), KeySetFailure.UNAVAILABLE, e.getClass().getName());
            stats.fetched(elapsedMillis(started), false);
            throw new KeySetFetchException(
                    KeySetFailure.UNAVAILABLE,
                    "Fetching the JSON Web Key Set failed unexpectedly: "
                            + e.getClass().getName(),
                    e);
        }
    }

    private boolean inBackoff(Instant now) {
        Failure failure = lastFailure;
        return failure != null && Duration.between(failure.at(), now).compareTo(policy.failureBackoff()) < 0;
    }

    private static Duration age(Snapshot snapshot, Instant now) {
        return Duration.between(snapshot.fetchedAt(), now);
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000L;
    }

    private KeysUnavailableException backingOff(String keyId, Instant now) {
        Failure failure = lastFailure;
        return new KeysUnavailableException(
                failure == null ? KeySetFailure.UNAVAILABLE : failure.reason(),
                "The token's key is not cached and the JSON Web Key Set of " + issuer + " failed to fetch "
                        + (failure == null
                                ? "recently"
                                : Duration.between(failure.at(), now).toMillis() + " ms ago: " + failure.message()),
                keyId,
                null);
    }

    /**
     * A kid the set publishes but the parser left out is no unknown kid: refetching will not help until the issuer
     * fixes the key (the TTL refresh picks that up), and the log must say why it was refused, not that it is missing.
     */
    private static void requirePublishedKeyUsable(Snapshot snapshot, String keyId) {
        JwksParser.Unusable why = snapshot.unusable().get(keyId);
        if (why != null) {
            throw new TokenRejectedException(
                    Reason.UNUSABLE_KEY,
                    "The token's 'kid' is published in the issuer's key set but unusable: " + why.description() + ".",
                    keyId,
                    null,
                    null);
        }
    }

    private static TokenRejectedException unknown(String keyId, String why) {
        return new TokenRejectedException(Reason.UNKNOWN_KEY_ID, "The token's 'kid' " + why + ".", keyId, null, null);
    }

    @Override
    public String toString() {
        return "JwksKeySource[" + issuer + "]";
    }
}

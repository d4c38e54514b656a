package dev.gatehouse.authorizer.keys;

import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import java.time.Duration;

/** Fetches the raw bytes of one key set. The seam tests replace with a lambda. Implementations must be thread-safe. */
@FunctionalInterface
public interface JwksFetcher {

    /**
     * @param budget the longest this fetch may take in total
     * @throws KeySetFetchException if the key set cannot be fetched within the budget and size limit
     */
    byte[] fetch(Duration budget) throws KeySetFetchException;
}

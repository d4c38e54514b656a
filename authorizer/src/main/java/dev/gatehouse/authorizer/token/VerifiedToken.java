package dev.gatehouse.authorizer.token;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.authorizer.keys.JwksKeySource;
import dev.gatehouse.common.Principal;
import java.time.Duration;

/**
 * A token that passed verification: the principal it establishes, the key that signed it, where that key came from
 * (cache, fetch, stale cache) and how old the key set holding it was.
 */
public record VerifiedToken(Principal principal, String keyId, JwksKeySource.Source keySource, Duration keyAge) {

    public VerifiedToken {
        requireNonNull(principal, "principal is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(keySource, "keySource is null");
        requireNonNull(keyAge, "keyAge is null");
    }
}

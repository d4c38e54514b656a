package dev.gatehouse.authorizer;

import static java.util.Objects.requireNonNull;

import dev.gatehouse.common.Principal;

/** A token that passed verification: the principal it establishes and the key that signed it. */
record VerifiedToken(Principal principal, String keyId) {

    VerifiedToken {
        requireNonNull(principal, "principal is null");
        requireNonNull(keyId, "keyId is null");
    }
}

package dev.gatehouse.authorizer.keys;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.authorizer.exceptions.ConfigurationException;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The issuers' key sets as a build or deploy step fetched them ({@code JWKS_SNAPSHOT}, off by default): used at a
 * cold start only while the live fetch, which still starts at initialisation, is in flight, so the first requests
 * need no TLS handshake to the issuer.
 *
 * <p>The trade-off, exactly: a key the issuer has removed since the snapshot was taken is still trusted by a new
 * container until its live fetch completes (success or failure) and never after the init budget has run out
 * ({@code JWKS_INIT_BUDGET_MILLIS} from the start of initialisation), and only while the snapshot is younger than
 * {@code JWKS_SNAPSHOT_MAX_AGE_SECONDS}. Without a snapshot that window does not exist. A kid the snapshot lacks waits
 * for the live fetch, as without a snapshot. A snapshot older than its maximum age, or dated in the future, is not
 * used (logged); a snapshot that is missing, unreadable or lacks a configured issuer's key set is refused at init.
 *
 * <p>The file: {@code {"takenAt": "<ISO-8601 instant>", "keySets": {"<jwksUri>": {"keys": [...]}, ...}}}, one key set
 * per configured issuer's {@code jwksUri}, each checked exactly as a fetched one is ({@link JwksParser}).
 * {@code scripts/jwks-snapshot} writes it.
 */
public final class JwksSnapshot {

    /** The environment variables that configure a snapshot. */
    public static final String JWKS_SNAPSHOT = "JWKS_SNAPSHOT";

    public static final String JWKS_SNAPSHOT_MAX_AGE_SECONDS = "JWKS_SNAPSHOT_MAX_AGE_SECONDS";

    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(1);
    public static final Duration MAX_MAX_AGE = Duration.ofDays(30);
    /** Clock skew allowed between the machine that took the snapshot and the function. */
    static final Duration FUTURE_SKEW = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * Where the snapshot is and how old it may be.
     *
     * @param file the snapshot; a relative path is resolved against {@code LAMBDA_TASK_ROOT} (the function's unzipped
     *     code) when set, else the working directory
     * @param maxAge the age past which the snapshot is not used
     */
    public record Settings(Path file, Duration maxAge) {
        public Settings {
            requireNonNull(file, "file is null");
            requireNonNull(maxAge, "maxAge is null");
            if (maxAge.isNegative() || maxAge.isZero() || maxAge.compareTo(MAX_MAX_AGE) > 0) {
                throw new ConfigurationException(JWKS_SNAPSHOT_MAX_AGE_SECONDS + " must be between 1 and "
                        + MAX_MAX_AGE.toSeconds() + " seconds");
            }
        }
    }

    private final Instant takenAt;
    private final Map<String, JwksParser.Parsed> byJwksUri;
    private final Optional<String> notUsed;

    private JwksSnapshot(Instant takenAt, Map<String, JwksParser.Parsed> byJwksUri, Optional<String> notUsed) {
        this.takenAt = takenAt;
        this.byJwksUri = byJwksUri;
        this.notUsed = notUsed;
    }

    /**
     * Reads and checks the snapshot for {@code issuers}.
     *
     * @throws ConfigurationException naming {@value #JWKS_SNAPSHOT} when the file is missing, unreadable, not a
     *     snapshot, or lacks (or holds an unusable) key set of a configured issuer
     */
    public static JwksSnapshot load(Settings settings, String taskRoot, List<IssuerConfig> issuers, Clock clock) {
        Path file = settings.file().isAbsolute() || taskRoot == null || taskRoot.isBlank()
                ? settings.file()
                : Path.of(taskRoot).resolve(settings.file());
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigurationException(JWKS_SNAPSHOT + " names " + file + ", which cannot be read as JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
        String expected = JWKS_SNAPSHOT + " (" + file
                + ") must hold {\"takenAt\": \"<ISO-8601 instant>\", \"keySets\": {\"<jwksUri>\": {\"keys\": [...]}}}";
        if (!(root instanceof ObjectNode object)
                || !object.path("takenAt").isTextual()
                || !(object.get("keySets") instanceof ObjectNode keySets)) {
            throw new ConfigurationException(expected);
        }
        Instant takenAt;
        try {
            takenAt = Instant.parse(object.get("takenAt").asText());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(expected + "; takenAt is not an ISO-8601 instant");
        }
        Map<String, JwksParser.Parsed> byJwksUri = new LinkedHashMap<>();
        for (IssuerConfig issuer : issuers) {
            String uri = issuer.jwksUri().toString();
            JsonNode keySet = keySets.get(uri);
            if (keySet == null) {
                throw new ConfigurationException(JWKS_SNAPSHOT + " (" + file + ") holds no key set for " + uri
                        + " (issuer " + issuer.issuer() + "); take the snapshot again for the configured issuers");
            }
            try {
                byJwksUri.put(
                        uri, JwksParser.parse(keySet.toString().getBytes(StandardCharsets.UTF_8), issuer.algorithms()));
            } catch (KeySetFetchException e) {
                throw new ConfigurationException(
                        JWKS_SNAPSHOT + " (" + file + "): the key set for " + uri + " is unusable: " + e.getMessage());
            }
        }
        Instant now = clock.instant();
        Optional<String> notUsed = Optional.empty();
        if (takenAt.isAfter(now.plus(FUTURE_SKEW))) {
            notUsed = Optional.of("it is dated " + takenAt + ", in the future");
        } else if (Duration.between(takenAt, now).compareTo(settings.maxAge()) > 0) {
            notUsed = Optional.of("it was taken at " + takenAt + ", more than " + JWKS_SNAPSHOT_MAX_AGE_SECONDS + "="
                    + settings.maxAge().toSeconds() + " ago");
        }
        return new JwksSnapshot(takenAt, byJwksUri, notUsed);
    }

    /** When the snapshot was taken. */
    public Instant takenAt() {
        return takenAt;
    }

    /** Why the snapshot is not used (too old, dated in the future), or empty when it is. */
    public Optional<String> notUsed() {
        return notUsed;
    }

    /**
     * Lets {@code source} answer from this snapshot until its first live fetch completes, and never after
     * {@code until}; does nothing when the snapshot is not used.
     *
     * @return whether {@code source} now stands on the snapshot
     */
    public boolean standIn(JwksKeySource source, IssuerConfig issuer, Instant until) {
        if (notUsed.isPresent()) {
            return false;
        }
        source.standIn(requireNonNull(byJwksUri.get(issuer.jwksUri().toString()), "no key set"), takenAt, until);
        return true;
    }
}

package dev.gatehouse.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.common.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes exactly one JSON line per authorization decision: outcome, reason code, kid, issuer, client id and
 * subject where known. The token is never logged; values a token claims before verification are truncated.
 * Thread-safe.
 */
final class DecisionLog {

    private static final int MAX_VALUE_LENGTH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<String> fallback;

    /** @param fallback where lines go when the invocation has no Lambda context (local tools, tests) */
    DecisionLog(Consumer<String> fallback) {
        this.fallback = fallback;
    }

    void allowed(Context context, VerifiedToken token, String methodArn) {
        Principal principal = token.principal();
        Map<String, Object> line = line("allow", "token_valid");
        line.put("kid", truncate(token.keyId()));
        line.put("issuer", principal.issuer());
        line.put("clientId", principal.clientId().orElse(null));
        line.put("principalId", principal.subject());
        line.put("methodArn", truncate(methodArn));
        write(context, line);
    }

    void rejected(Context context, TokenRejectedException e, String methodArn) {
        Map<String, Object> line = line("unauthorized", e.reason());
        line.put("kid", truncate(e.keyId()));
        line.put("issuer", truncate(e.claimedIssuer()));
        line.put("methodArn", truncate(methodArn));
        line.put("detail", e.getMessage());
        write(context, line);
    }

    void failed(Context context, String reason, String keyId, String message, String methodArn) {
        Map<String, Object> line = line("error", reason);
        line.put("kid", truncate(keyId));
        line.put("methodArn", truncate(methodArn));
        line.put("detail", message);
        write(context, line);
    }

    private static Map<String, Object> line(String outcome, String reason) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "authorizer_decision");
        line.put("outcome", outcome);
        line.put("reason", reason);
        return line;
    }

    private void write(Context context, Map<String, Object> line) {
        line.values().removeIf(v -> v == null);
        String json;
        try {
            json = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            json = "{\"event\":\"authorizer_decision\",\"outcome\":\"" + line.get("outcome") + "\",\"reason\":\"log_serialization_failed\"}";
        }
        LambdaLogger logger = context == null ? null : context.getLogger();
        if (logger != null) {
            logger.log(json + "\n");
        } else {
            fallback.accept(json);
        }
    }

    private static String truncate(String value) {
        if (value == null || value.length() <= MAX_VALUE_LENGTH) {
            return value;
        }
        return value.substring(0, MAX_VALUE_LENGTH) + "...";
    }
}

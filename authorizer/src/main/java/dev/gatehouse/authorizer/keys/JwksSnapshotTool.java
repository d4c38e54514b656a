package dev.gatehouse.authorizer.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.authorizer.exceptions.KeySetFailure;
import dev.gatehouse.authorizer.exceptions.KeySetFetchException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Takes a {@link JwksSnapshot}: {@code java -cp authorizer.jar dev.gatehouse.authorizer.keys.JwksSnapshotTool OUT
 * JWKS_URI...} fetches each key set with the authorizer's own fetcher (size and time bounded), checks it
 * as the authorizer will, and writes the snapshot file. {@code scripts/jwks-snapshot} runs it and adds the file to
 * the function's jar. Exit status 2 on bad arguments, 1 when a key set cannot be fetched or has no usable key.
 */
public final class JwksSnapshotTool {

    private JwksSnapshotTool() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: JwksSnapshotTool OUT_FILE JWKS_URI [JWKS_URI...]");
            System.exit(2);
        }
        try {
            write(Path.of(args[0]), Arrays.asList(args).subList(1, args.length), Clock.systemUTC());
            System.err.println("wrote " + args[0]);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (KeySetFetchException | IOException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** Fetches each key set, checks it has a usable key (any algorithm the authorizer supports), writes the file. */
    static void write(Path out, List<String> jwksUris, Clock clock) throws KeySetFetchException, IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("takenAt", clock.instant().toString());
        ObjectNode keySets = root.putObject("keySets");
        for (String value : jwksUris) {
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + value);
            }
            HttpJwksFetcher fetcher = new HttpJwksFetcher(uri, KeySetPolicy.DEFAULT);
            byte[] body = fetcher.fetch(KeySetPolicy.DEFAULT.connectTimeout().plus(KeySetPolicy.DEFAULT.readTimeout()));
            JwksParser.Parsed parsed = JwksParser.parse(body, IssuerConfig.SUPPORTED_ALGORITHMS);
            if (parsed.keys().isEmpty()) {
                throw new KeySetFetchException(
                        KeySetFailure.INVALID,
                        "The key set at " + uri + " has no usable key; no snapshot written.",
                        null);
            }
            keySets.set(uri.toString(), json.readTree(body));
        }
        Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
    }
}

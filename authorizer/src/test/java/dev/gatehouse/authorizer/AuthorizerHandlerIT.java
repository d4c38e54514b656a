package dev.gatehouse.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatehouse.authorizer.exceptions.KeysUnavailableException;
import dev.gatehouse.authorizer.exceptions.UnauthorizedException;
import dev.gatehouse.authorizer.policy.RouteSamples;
import dev.gatehouse.authorizer.testing.JwksServer;
import dev.gatehouse.authorizer.testing.MutableClock;
import dev.gatehouse.authorizer.testing.RawTokens;
import dev.gatehouse.authorizer.testing.TestKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The handler end to end, built the way Lambda builds it (from environment variables), against a real JWKS endpoint on
 * 127.0.0.1 whose behaviour the test controls: fault injection (down, hanging, trickling, broken answers), rotation,
 * removal, random-kid floods and concurrent verification during rotation. Every wait is bounded.
 */
class AuthorizerHandlerIT {

    private static final TestKeys KEYS = TestKeys.generate("key-1");
    private static final TestKeys ROTATED = TestKeys.generate("key-2");

    private JwksServer jwks;
    private final FakeContext context = new FakeContext();

    @BeforeEach
    void startJwks() throws IOException {
        jwks = new JwksServer();
        jwks.serve(TestKeys.jwks(KEYS));
    }

    @AfterEach
    void stopJwks() {
        jwks.close();
    }

    private static AuthorizerHandler handlerFor(URI jwksUri, String... overrides) {
        return handlerFor(jwksUri, Clock.systemUTC(), overrides);
    }

    private static AuthorizerHandler handlerFor(URI jwksUri, Clock clock, String... overrides) {
        return handlerFor(jwksUri, clock, line -> {}, overrides);
    }

    private static AuthorizerHandler handlerFor(
            URI jwksUri, Clock clock, Consumer<String> decisions, String... overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "TOKEN_ISSUER",
                TestKeys.ISSUER,
                "JWKS_URI",
                jwksUri.toString(),
                "AUDIENCE",
                "https://unrelated.api," + TestKeys.AUDIENCE,
                "JWKS_CONNECT_TIMEOUT_MILLIS",
                "500",
                "JWKS_READ_TIMEOUT_MILLIS",
                "1000"));
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return new AuthorizerHandler(
                Authorizer.create(AuthorizerConfig.fromEnv(env), RouteSamples.wholeStage(), clock, decisions));
    }

    private static String token(TestKeys keys) {
        return keys.sign(keys.token(Instant.now()));
    }

    private IamPolicyResponseV1 decide(AuthorizerHandler handler, String token) {
        return handler.handleRequest(Events.authorizerEvent("authorizer-token.json", token), context);
    }

    /**
     * Retries {@code attempt} until it returns without throwing, for at most {@code limit}; returns how long it took.
     */
    private static Duration eventually(Duration limit, Runnable attempt) {
        long started = System.nanoTime();
        while (true) {
            try {
                attempt.run();
                return Duration.ofNanos(System.nanoTime() - started);
            } catch (RuntimeException | AssertionError e) {
                if (System.nanoTime() - started > limit.toNanos()) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Duration timed(Supplier<?> action) {
        long started = System.nanoTime();
        try {
            action.get();
        } catch (RuntimeException e) {
            // the caller asserts on the outcome separately
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void shouldHydrateAtInitialisationAndServeTheWarmPathFromTheCache() {
        AuthorizerHandler handler = handlerFor(jwks.uri());
        assertThat(jwks.requests).as("key set fetched during initialisation").hasValue(1);

        decide(handler, token(KEYS));
        IamPolicyResponseV1 second =
                handler.handleRequest(Events.authorizerEvent("authorizer-request.json", token(KEYS)), context);

        assertThat(second.getPrincipalId()).isEqualTo("m2m-client@clients");
        assertThat(jwks.requests).as("no fetch on the warm path").hasValue(1);
        assertThat(context.lines)
                .allSatisfy(line -> assertThat(line).contains("\"keySource\":\"cache\"", "\"Allow\":1"));
    }

    @Test
    void shouldFailAsA500WhileTheJwksIsDownAtColdStartAndRecoverOnceItIsBack() {
        jwks.fail(503, "<html>Service Unavailable</html>");
        AuthorizerHandler handler = handlerFor(jwks.uri(), "JWKS_FAILURE_BACKOFF_MILLIS", "200");

        assertThatThrownBy(() -> decide(handler, token(KEYS)))
                .isInstanceOfSatisfying(
                        KeysUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("jwks_http_status"))
                .message()
                .isNotEqualTo("Unauthorized");
        jwks.serve(TestKeys.jwks(KEYS));

        // Back-off 200 ms; the limit only ends a broken run (it returns at the first success).
        eventually(
                Duration.ofSeconds(20),
                () -> assertThat(decide(handler, token(KEYS)).getPrincipalId()).isEqualTo("m2m-client@clients"));
    }

    @Test
    void shouldKeepUsingCachedKeysWhileTheJwksIsDownAfterWarmUpUpToTheMaximumStaleAge() {
        MutableClock clock = new MutableClock(Instant.now());
        AuthorizerHandler handler = handlerFor(
                jwks.uri(),
                clock,
                "JWKS_TTL_SECONDS",
                "1",
                "JWKS_MAX_STALE_SECONDS",
                "2",
                "JWKS_FAILURE_BACKOFF_MILLIS",
                "0");
        jwks.fail(500, "oops");
        clock.advance(Duration.ofMillis(1100));

        assertThat(decide(handler, token(KEYS)).getPrincipalId()).isEqualTo("m2m-client@clients");
        assertThat(context.lines.getLast()).contains("\"keySource\":\"stale\"", "\"JwksFetchFailures\":1");

        clock.advance(Duration.ofMillis(2000));
        assertThatThrownBy(() -> decide(handler, token(KEYS)))
                .as("past TTL + max stale age the keys are no longer trusted: 500, never Allow, never Unauthorized")
                .isInstanceOf(KeysUnavailableException.class);
    }

    @Test
    void shouldEndWithinItsDeadlineWhenTheJwksHangs() {
        jwks.hang();
        AtomicReference<AuthorizerHandler> handler = new AtomicReference<>();
        Duration init = timed(() -> {
            handler.set(handlerFor(
                    jwks.uri(),
                    "JWKS_CONNECT_TIMEOUT_MILLIS",
                    "300",
                    "JWKS_READ_TIMEOUT_MILLIS",
                    "400",
                    "JWKS_INIT_BUDGET_MILLIS",
                    "500"));
            return null;
        });
        // The server holds the connection for 60 s; 10 s tells bounded from unbounded with room for a loaded machine.
        assertThat(init)
                .as("initialisation bounded by JWKS_INIT_BUDGET_MILLIS (500 ms)")
                .isLessThan(Duration.ofSeconds(10));

        Duration invocation = timed(() -> decide(handler.get(), token(KEYS)));
        assertThat(invocation)
                .as("invocation bounded by connect + read timeout (700 ms)")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(context.lines.getLast()).contains("\"outcome\":\"error\"", "\"reason\":\"jwks_timeout\"");
    }

    @Test
    void shouldBoundTheWholeFetchWhenTheJwksTricklesItsBody() {
        jwks.trickle();
        AuthorizerHandler handler = handlerFor(
                jwks.uri(),
                "JWKS_CONNECT_TIMEOUT_MILLIS",
                "300",
                "JWKS_READ_TIMEOUT_MILLIS",
                "400",
                "JWKS_INIT_BUDGET_MILLIS",
                "0");

        Duration invocation = timed(() -> decide(handler, token(KEYS)));

        // One byte every 100 ms for 60 s: never a read timeout, only the 700 ms fetch deadline ends it.
        assertThat(invocation).as("bounded by the 700 ms fetch deadline").isLessThan(Duration.ofSeconds(10));
        assertThat(context.lines.getLast()).contains("\"outcome\":\"error\"", "\"reason\":\"jwks_timeout\"");
    }

    @ParameterizedTest(name = "should end the fetch by one deadline when the JWKS trickles its {0}")
    @CsvSource({"status line and headers", "body"})
    void shouldEndTheFetchByOneDeadlineWhateverPartTheJwksTrickles(String part) throws IOException {
        // 700 ms budget (300 connect + 400 read); each byte comes every 150 ms, well within the read timeout, so only
        // an overall deadline ends the fetch. Unbounded, the head alone would take ~5 minutes.
        try (JwksServer.Trickler slow = part.equals("body")
                ? JwksServer.Trickler.body(TestKeys.jwks(KEYS) + " ".repeat(2000), 150)
                : JwksServer.Trickler.head(TestKeys.jwks(KEYS), 2000, 150)) {
            AuthorizerHandler handler = handlerFor(
                    slow.uri(),
                    "JWKS_CONNECT_TIMEOUT_MILLIS",
                    "300",
                    "JWKS_READ_TIMEOUT_MILLIS",
                    "400",
                    "JWKS_INIT_BUDGET_MILLIS",
                    "0");
            AtomicReference<Throwable> failure = new AtomicReference<>();

            Duration invocation = timed(() -> {
                try {
                    return decide(handler, token(KEYS));
                } catch (RuntimeException e) {
                    failure.set(e);
                    throw e;
                }
            });

            assertThat(failure.get())
                    .as("a key-set error (500), never Allow, never Unauthorized")
                    .isInstanceOfSatisfying(
                            KeysUnavailableException.class,
                            e -> assertThat(e.reason()).isEqualTo("jwks_timeout"));
            assertThat(invocation)
                    .as("bounded by the 700 ms budget (10x margin for a loaded machine)")
                    .isLessThan(Duration.ofMillis(7000));
            assertThat(slow.requests).hasPositiveValue();
        }
    }

    @ParameterizedTest(name = "should fail as a 500 ({2}) when the JWKS answers {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "500 | <html><body>Internal Server Error</body></html> | jwks_http_status",
                "200 | <html><body>Login</body></html> | jwks_invalid",
                "200 | {\"keys\": [ | jwks_invalid",
                "200 | [1,2,3] | jwks_invalid",
                "302 | moved | jwks_http_status"
            })
    void shouldFailAsA500WhenTheJwksAnswersGarbage(int status, String body, String reason) {
        jwks.fail(status, body);
        AuthorizerHandler handler = handlerFor(jwks.uri());

        assertThatThrownBy(() -> decide(handler, token(KEYS)))
                .isInstanceOfSatisfying(
                        KeysUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason))
                .message()
                .isNotEqualTo("Unauthorized");
    }

    @Test
    void shouldRefuseAnOversizedKeySet() {
        jwks.serve("{\"keys\":[],\"padding\":\"" + "x".repeat(200 * 1024) + "\"}");
        AuthorizerHandler handler = handlerFor(jwks.uri());

        assertThatThrownBy(() -> decide(handler, token(KEYS)))
                .isInstanceOfSatisfying(
                        KeysUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("jwks_too_large"));
    }

    @Test
    void shouldFailAsA500WhenTheJwksIsUnreachable() throws IOException {
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + JwksServer.PATH);
        }
        AuthorizerHandler handler = handlerFor(closedPort);

        assertThatThrownBy(() -> decide(handler, token(KEYS)))
                .isInstanceOf(KeysUnavailableException.class)
                .message()
                .isNotEqualTo("Unauthorized")
                .contains("JSON Web Key Set");
        assertThat(context.lines)
                .singleElement()
                .asString()
                .contains("\"outcome\":\"error\"", "\"reason\":\"jwks_unavailable\"");
    }

    @Test
    void shouldAcceptARotatedKeyWithinTheCoolDown() {
        MutableClock clock = new MutableClock(Instant.now());
        AuthorizerHandler handler = handlerFor(jwks.uri(), clock, "JWKS_COOLDOWN_SECONDS", "1");
        jwks.serve(TestKeys.jwks(KEYS, ROTATED));

        assertThatThrownBy(() -> decide(handler, token(ROTATED)))
                .as("the new kid is not fetched within the cool-down after the last fetch")
                .isInstanceOf(UnauthorizedException.class);
        assertThat(jwks.requests).hasValue(1);

        clock.advance(Duration.ofSeconds(1));

        assertThat(decide(handler, token(ROTATED)).getPrincipalId()).isEqualTo("m2m-client@clients");
        assertThat(jwks.requests)
                .as("one refetch, as soon as the cool-down is over")
                .hasValue(2);
        assertThat(decide(handler, token(ROTATED)).getPrincipalId()).isEqualTo("m2m-client@clients");
        assertThat(jwks.requests).as("then served from the cache").hasValue(2);
    }

    @Test
    void shouldStopTrustingARemovedKeyAfterTheTtl() {
        MutableClock clock = new MutableClock(Instant.now());
        AuthorizerHandler handler = handlerFor(jwks.uri(), clock, "JWKS_TTL_SECONDS", "1");
        decide(handler, token(KEYS));
        jwks.serve(TestKeys.jwks(ROTATED));
        assertThat(decide(handler, token(KEYS)).getPrincipalId())
                .as("trusted while the cached key set is younger than its TTL")
                .isEqualTo("m2m-client@clients");

        clock.advance(Duration.ofMillis(1500));

        assertThatThrownBy(() -> decide(handler, token(KEYS))).isInstanceOf(UnauthorizedException.class);

        assertThat(context.lines.getLast()).contains("\"reason\":\"unknown_key_id\"", "\"kid\":\"key-1\"");
        assertThat(decide(handler, token(ROTATED)).getPrincipalId()).isEqualTo("m2m-client@clients");
    }

    @Test
    void shouldBoundFetchesUnderARandomKidFloodAndStillAcceptARealRotationAfterTheCoolDown() {
        MutableClock clock = new MutableClock(Instant.now());
        AuthorizerHandler handler = handlerFor(jwks.uri(), clock, "JWKS_COOLDOWN_SECONDS", "1");

        flood(handler, 300);
        assertThat(jwks.requests).as("no fetch within the cool-down after init").hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        flood(handler, 300);
        assertThat(jwks.requests).as("at most one fetch per cool-down").hasValue(2);

        jwks.serve(TestKeys.jwks(KEYS, ROTATED));
        assertThatThrownBy(() -> decide(handler, token(ROTATED)))
                .as("the flood's fetch started a cool-down")
                .isInstanceOf(UnauthorizedException.class);
        clock.advance(Duration.ofSeconds(1));

        assertThat(decide(handler, token(ROTATED)).getPrincipalId())
                .as("a real rotation is found one cool-down later, not cached as an unknown kid")
                .isEqualTo("m2m-client@clients");
        assertThat(jwks.requests).hasValue(3);
    }

    /** Tokens signed by the real key under {@code count} random kids: each refused as unknown. */
    private void flood(AuthorizerHandler handler, int count) {
        for (int i = 0; i < count; i++) {
            String forged = KEYS.sign(
                    KEYS.token(Instant.now()).withKeyId(UUID.randomUUID().toString()));
            assertThatThrownBy(() -> decide(handler, forged)).isInstanceOf(UnauthorizedException.class);
        }
    }

    @Test
    void shouldVerifyConcurrentlyWhileKeysRotateWithoutErrorsOrFetchStorms() throws Exception {
        List<String> refused = new CopyOnWriteArrayList<>();
        AuthorizerHandler handler = handlerFor(
                jwks.uri(),
                Clock.systemUTC(),
                line -> {
                    if (!line.contains("\"outcome\":\"allow\"")) {
                        refused.add(line);
                    }
                },
                "JWKS_COOLDOWN_SECONDS",
                "0",
                "JWKS_TTL_SECONDS",
                "1");
        List<TestKeys> generations = List.of(KEYS, ROTATED, TestKeys.generate("key-3"));
        AtomicReference<List<TestKeys>> published = new AtomicReference<>(List.of(KEYS));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger allowed = new AtomicInteger();
        AtomicIntegerArray done = new AtomicIntegerArray(8);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        long started = System.nanoTime();
        double elapsedSeconds;
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int worker = t;
                workers.add(threads.submit(() -> {
                    while (running.get()) {
                        List<TestKeys> usable = published.get();
                        TestKeys keys = usable.get(ThreadLocalRandom.current().nextInt(usable.size()));
                        APIGatewayCustomAuthorizerEvent event =
                                Events.authorizerEvent("authorizer-token.json", token(keys));
                        assertThat(handler.handleRequest(event, null).getPrincipalId())
                                .isEqualTo("m2m-client@clients");
                        allowed.incrementAndGet();
                        done.incrementAndGet(worker);
                    }
                    return null;
                }));
            }
            for (int g = 1; g < generations.size(); g++) {
                TestKeys previous = generations.get(g - 1);
                TestKeys next = generations.get(g);
                sleep(300);
                jwks.serve(TestKeys.jwks(previous, next)); // publish the new key first...
                published.set(List.of(previous, next)); // ...then start using it
                sleep(300);
                awaitTwoMoreEach(done, workers);
                published.set(List.of(next)); // stop using the old key...
                sleep(200);
                // ...until no token signed with it is in flight, however slow the machine...
                awaitTwoMoreEach(done, workers);
                jwks.serve(TestKeys.jwks(next)); // ...then remove it
            }
            sleep(1200);
            running.set(false);
            elapsedSeconds = (System.nanoTime() - started) / 1e9;
            for (Future<?> worker : workers) {
                try {
                    worker.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("a worker was refused: " + refused, e);
                }
            }
        } finally {
            running.set(false);
            threads.shutdownNow();
        }

        assertThat(allowed.get())
                .as("every worker verified in each phase")
                .isGreaterThanOrEqualTo(8 * 2 * 2 * (generations.size() - 1));
        // init + per rotation an unknown-kid fetch and a refresh after the removal, plus the TTL refreshes (one every
        // 0.8-1 s; two a second allowed) of the run: ~3.2 s, longer on a loaded machine, so the bound grows with the
        // run's length. A storm grows with the number of requests (thousands).
        assertThat(jwks.requests.get())
                .as("no fetch storm (%.1f s run)", elapsedSeconds)
                .isLessThanOrEqualTo(4 + 2 * (int) Math.ceil(elapsedSeconds));
    }

    /**
     * Waits until every worker has finished two more verifications: the one it may have had in flight, and one it
     * started after this call. Ends early if a worker stopped (its failure is reported by the caller).
     */
    private static void awaitTwoMoreEach(AtomicIntegerArray done, List<Future<?>> workers) {
        int[] from = new int[done.length()];
        for (int t = 0; t < from.length; t++) {
            from[t] = done.get(t);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int t = 0; t < from.length; t++) {
            while (done.get(t) < from[t] + 2
                    && workers.stream().noneMatch(Future::isDone)
                    && System.nanoTime() < deadline) {
                sleep(5);
            }
        }
    }

    @Test
    void shouldNeverFetchFromAUrlTheTokenNames() throws IOException {
        TestKeys attacker = TestKeys.generate("key-1");
        try (JwksServer evil = new JwksServer()) {
            evil.serve(TestKeys.jwks(attacker));
            AuthorizerHandler handler = handlerFor(jwks.uri());
            String payload = "{\"iss\":\"" + TestKeys.ISSUER + "\",\"sub\":\"attacker\",\"aud\":\"" + TestKeys.AUDIENCE
                    + "\",\"exp\":" + Instant.now().plusSeconds(600).getEpochSecond() + "}";
            String attackerJwk =
                    TestKeys.jwks(attacker).replaceFirst("^\\{\"keys\":\\[", "").replaceFirst("\\]\\}$", "");
            for (String header : List.of(
                    "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"jku\":\"" + evil.uri() + "\"}",
                    "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"x5u\":\"" + evil.uri() + "\"}",
                    "{\"alg\":\"RS256\",\"kid\":\"evil\",\"jku\":\"" + evil.uri() + "\"}",
                    "{\"alg\":\"RS256\",\"kid\":\"key-1\",\"jwk\":" + attackerJwk + "}")) {
                String forged = RawTokens.rs256(header, payload, attacker.privateKey);
                assertThatThrownBy(() -> decide(handler, forged)).isInstanceOf(UnauthorizedException.class);
            }
            assertThat(evil.requests)
                    .as("the URL a token names is never contacted")
                    .hasValue(0);
        }
    }
}

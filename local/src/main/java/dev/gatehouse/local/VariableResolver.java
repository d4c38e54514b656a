package dev.gatehouse.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Resolves the Serverless Framework variables of one serverless.yml for one stage: {@code ${param:x}},
 * {@code ${opt:stage, 'fallback'}}, {@code ${env:X, 'fallback'}}, {@code ${self:a.b}}, {@code ${sls:stage}} and
 * {@code ${file(./x.yml)}}, innermost first, with quoted and numeric fallbacks as osls reads them
 * (https://www.serverless.com/framework/docs/guides/variables). A source it does not know fails with the variable's
 * name, and only when a value the local stack needs uses it.
 */
final class VariableResolver {

    private static final Pattern INNERMOST = Pattern.compile("\\$\\{([^${}]*)}");
    private static final Pattern FILE_SOURCE = Pattern.compile("file\\(([^)]+)\\)");

    private final Map<?, ?> root;
    private final Path baseDir;
    private final String stage;
    private final Map<String, String> options;
    private final Map<String, String> params;
    private final Function<String, String> env;

    /**
     * @param root the yml as loaded, for {@code self:} and {@code params}
     * @param baseDir the service directory, for {@code file()}
     * @param params overrides of the yml's params, like {@code osls --param="k=v"}
     * @param env the process environment, for {@code env:}
     */
    VariableResolver(
            Map<?, ?> root, Path baseDir, String stage, Map<String, String> params, Function<String, String> env) {
        this.root = requireNonNull(root, "root is null");
        this.baseDir = requireNonNull(baseDir, "baseDir is null");
        this.stage = requireNonNull(stage, "stage is null");
        this.options = Map.of("stage", stage);
        this.params = Map.copyOf(params);
        this.env = requireNonNull(env, "env is null");
    }

    /** Resolves every variable in a scalar; other values are returned as they are. */
    Object resolve(Object value) {
        if (!(value instanceof String text)) {
            return value;
        }
        String current = text;
        for (int rounds = 0; rounds < 20; rounds++) {
            Matcher m = INNERMOST.matcher(current);
            if (!m.find()) {
                return current;
            }
            Object replacement = variable(m.group(1).strip(), m.group());
            if (m.start() == 0 && m.end() == current.length() && !(replacement instanceof String)) {
                return replacement;
            }
            String text2 = replacement == null ? "" : String.valueOf(replacement);
            if (insideVariable(current, m.start()) && isAlternative(current, m.start())) {
                // a nested variable standing as an alternative (${a, ${b}}) is a literal fallback of the enclosing one;
                // one inside an address (${self:custom.${param:arch}}) is spliced into the address as it is
                text2 = "'" + text2 + "'";
            }
            current = current.substring(0, m.start()) + text2 + current.substring(m.end());
        }
        throw new IllegalArgumentException("Variables nest too deeply in '" + text + "'");
    }

    private static boolean isAlternative(String text, int position) {
        int i = position - 1;
        while (i >= 0 && text.charAt(i) == ' ') {
            i--;
        }
        return i >= 0 && text.charAt(i) == ',';
    }

    private static boolean insideVariable(String text, int position) {
        int open = 0;
        for (int i = 0; i < position; i++) {
            if (text.startsWith("${", i)) {
                open++;
            } else if (text.charAt(i) == '}' && open > 0) {
                open--;
            }
        }
        return open > 0;
    }

    private Object variable(String expression, String original) {
        List<String> alternatives = splitTopLevel(expression);
        for (String alternative : alternatives) {
            String a = alternative.strip();
            if (a.length() >= 2 && (a.startsWith("'") && a.endsWith("'") || a.startsWith("\"") && a.endsWith("\""))) {
                return a.substring(1, a.length() - 1);
            }
            if (a.matches("-?\\d+(\\.\\d+)?|true|false")) {
                return a;
            }
            Object found = lookup(a, original);
            if (found != null) {
                return resolve(found);
            }
        }
        throw new IllegalArgumentException("Cannot resolve variable " + original + " for stage '" + stage + "'"
                + (original.contains("param:")
                        ? ": add it under params." + stage + " (or params.default) in serverless.yml"
                        : ""));
    }

    private Object lookup(String reference, String original) {
        Matcher file = FILE_SOURCE.matcher(reference.strip());
        if (file.matches()) {
            return file(file.group(1), original);
        }
        int colon = reference.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Cannot resolve variable " + original + ": '" + reference
                    + "' has no source (param:, opt:, env:, self:, sls:)");
        }
        String source = reference.substring(0, colon).strip();
        String address = reference.substring(colon + 1).strip();
        return switch (source) {
            case "param" -> {
                Object value = params.containsKey(address)
                        ? params.get(address)
                        : ServerlessConfig.get(root, "params", stage, address);
                yield value != null ? value : ServerlessConfig.get(root, "params", "default", address);
            }
            case "opt" -> options.get(address);
            case "env" -> env.apply(address);
            case "self" -> ServerlessConfig.get(root, address.split("\\."));
            case "sls" -> address.equals("stage") ? stage : null;
            default ->
                throw new IllegalArgumentException(
                        "Cannot resolve variable " + original + ": the local stack does not support the '" + source
                                + ":' source; use a param for the local stage instead");
        };
    }

    /** {@code ${file(./x.yml)}}: the YAML (or JSON) file, relative to the service directory, as osls reads it. */
    private Object file(String path, String original) {
        Path target = baseDir.resolve(path.strip()).normalize();
        try (InputStream in = Files.newInputStream(target)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Cannot resolve variable " + original + ": cannot read " + target + ": " + e.getMessage(), e);
        }
    }

    private static List<String> splitTopLevel(String expression) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(expression.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(expression.substring(start));
        return parts;
    }
}

package io.purebridge.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config-line fuzzing, kept in the build: 10,000 seeded service config files in which array tokens
 * sit on well-formed lines and on every kind of malformed one (no '=', spaces in the name, stray
 * quotes, a token where a key belongs, unknown sections and keys, duplicated lines). Loading either
 * succeeds or fails with a one-line ConfigException, and no message or printed config ever
 * contains a token.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigLineFuzzTest {
    private static final long SEED = 0xC0F1L;
    private static final int CASES = 10_000;
    private static final List<String> SECTIONS = List.of("[server]", "[arrays]", "[rest]", "[bogus]", "[arrays",
            "arrays]", "[]", "");
    private static final List<String> KEYS = List.of("data_dir", "listen_socket", "listen_tcp",
            "eradication_delay_seconds", "enabled", "bind_address", "port.pure-primary", "pure-primary", "pure-dr",
            "pure primary", "-bad", "x".repeat(70), "über", "key.with..dots", "=", "", " ");

    @TempDir
    Path dir;

    @Test
    void tenThousandMalformedConfigFilesNeverPrintAToken() throws Exception {
        Random random = new Random(SEED);
        Path file = dir.resolve("purebridge-server.ini");
        List<String> leaks = new ArrayList<>();
        List<String> crashes = new ArrayList<>();
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            List<String> tokens = new ArrayList<>();
            String text = configText(random, tokens);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            String shown;
            try {
                ServiceConfig config = ServiceConfigLoader.load(file, new ConfigOverrides(
                        Optional.of(dir.resolve("data").toString()), Optional.empty(), Optional.empty()));
                shown = config.toString();
                loaded++;
            } catch (ConfigException e) {
                shown = e.getMessage();
                refused++;
                if (shown.contains("\n")) {
                    crashes.add("multi-line message: " + shown);
                }
            } catch (RuntimeException e) {
                crashes.add(e + " for\n" + text);
                continue;
            }
            for (String token : tokens) {
                if (shown.contains(token)) {
                    leaks.add(shown + "\n--- from ---\n" + text);
                }
            }
        }
        assertThat(crashes).as("loads that failed other than with ConfigException").isEmpty();
        assertThat(leaks).as("messages or printed configs that show a token").isEmpty();
        assertThat(loaded).isPositive();
        assertThat(refused).isPositive();
    }

    private static String configText(Random random, List<String> tokens) {
        StringBuilder text = new StringBuilder();
        int lines = 1 + random.nextInt(8);
        for (int i = 0; i < lines; i++) {
            if (random.nextInt(3) == 0) {
                text.append(SECTIONS.get(random.nextInt(SECTIONS.size()))).append('\n');
            }
            String key = KEYS.get(random.nextInt(KEYS.size()));
            String token = UUID.randomUUID().toString();
            switch (random.nextInt(9)) {
                case 0 -> text.append("[arrays]\n").append(key).append(" = ").append(remember(tokens, token));
                case 1 -> text.append("[arrays]\n").append(key).append(' ').append(remember(tokens, token));
                case 2 -> text.append(key).append(' ').append(remember(tokens, token));
                case 3 -> text.append(remember(tokens, token));
                case 4 -> text.append("[arrays]\n").append(key).append("\t").append(remember(tokens, token))
                        .append(" ; comment");
                case 5 -> text.append("[arrays]\n\"").append(key).append(" ").append(remember(tokens, token))
                        .append('"');
                case 6 -> text.append("[arrays]\n").append(key).append(" = ").append(remember(tokens, token))
                        .append('\n').append(key).append(" = ").append(remember(tokens, token + "2"));
                case 7 -> text.append("[server]\nlisten_tcp = ").append(random.nextBoolean() ? "127.0.0.1:0" : "::bad");
                default -> text.append(key).append(" = ").append(random.nextInt(100_000));
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static String remember(List<String> tokens, String token) {
        tokens.add(token);
        return token;
    }
}

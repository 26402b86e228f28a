package io.purebridge.engine.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a writer main class in a child JVM and kills it with kill -9 (crash tests). */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Starts {@code mainClass store} on the test class path, kills it right after its
     * {@code killAfter}th "ACK n" line (or when it prints DONE); returns the ACKs seen.
     */
    static int runAndKill(Class<?> mainClass, Path store, int killAfter) throws Exception {
        return runAndKill(mainClass, store, killAfter, List.of());
    }

    /** As {@link #runAndKill(Class, Path, int)}, with extra JVM options (system properties). */
    static int runAndKill(Class<?> mainClass, Path store, int killAfter, List<String> jvmOptions) throws Exception {
        List<String> acks = runAndKillCollecting(mainClass, store, killAfter, jvmOptions);
        // One writer acknowledges in order: "ACK n" is its (n+1)th.
        return acks.isEmpty() ? 0 : Integer.parseInt(acks.get(acks.size() - 1).substring(4)) + 1;
    }

    /**
     * Starts {@code mainClass store}, kills it right after it printed {@code killAfter} lines starting
     * with "ACK " (or DONE), and returns every such line it printed before it died, in order: also
     * for writers that acknowledge from several threads.
     */
    static List<String> runAndKillCollecting(Class<?> mainClass, Path store, int killAfter) throws Exception {
        return runAndKillCollecting(mainClass, store, killAfter, List.of());
    }

    private static List<String> runAndKillCollecting(Class<?> mainClass, Path store, int killAfter,
            List<String> jvmOptions) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName(), store.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        List<String> acks = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("DONE")) {
                if (line.startsWith("ACK ")) {
                    acks.add(line);
                    if (acks.size() >= killAfter) {
                        break;
                    }
                }
            }
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            // ACKs already printed before the kill are acknowledged too
            try {
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        acks.add(line);
                    }
                }
            } catch (IOException streamClosedByKill) {
                // nothing more was printed
            }
        } finally {
            child.destroyForcibly();
        }
        return acks;
    }
}

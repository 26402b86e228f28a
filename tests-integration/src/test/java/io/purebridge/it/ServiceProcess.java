package io.purebridge.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as operators run it: {@code java -jar driver-server-*-all.jar --config FILE} in its
 * own process, with the REST 2.x endpoints it prints at start.
 */
final class ServiceProcess implements AutoCloseable {
    private static final Pattern REST_LINE =
            Pattern.compile("purebridge REST 2\\.x endpoint for (\\S+): san_ip = (\\S+) \\(CA bundle (.+)\\)");

    private final Process process;
    private final Map<String, String> sanIps = new ConcurrentHashMap<>();
    private volatile Path caBundle;

    private ServiceProcess(Process process) {
        this.process = process;
    }

    /** Starts the jar with the config and waits until it prints that it is serving. */
    static ServiceProcess start(Path jar, Path config, Path log) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("service jar " + jar + " is missing: build driver-server first");
        }
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", config.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        ServiceProcess service = new ServiceProcess(process);
        CountDownLatch serving = new CountDownLatch(1);
        Thread pump = new Thread(() -> service.readOutput(serving), "service-stdout");
        pump.setDaemon(true);
        pump.start();
        if (!serving.await(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("service did not start in 90 s; see " + log);
        }
        return service;
    }

    private void readOutput(CountDownLatch serving) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Matcher rest = REST_LINE.matcher(line);
                if (rest.matches()) {
                    sanIps.put(rest.group(1), rest.group(2));
                    caBundle = Path.of(rest.group(3));
                }
                if (line.startsWith("purebridge serving on")) {
                    serving.countDown();
                }
            }
        } catch (IOException e) {
            // The process went away; the test notices through its calls.
        }
    }

    String sanIp(String array) {
        String sanIp = sanIps.get(array);
        if (sanIp == null) {
            throw new IllegalStateException("the service printed no REST endpoint for " + array);
        }
        return sanIp;
    }

    Path caBundle() {
        return caBundle;
    }

    /** kill -9: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

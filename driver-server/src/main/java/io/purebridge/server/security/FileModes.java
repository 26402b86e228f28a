package io.purebridge.server.security;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory holds volume data, CHAP secrets and the REST front end's private key: only
 * the service's user may enter it (0700) or read what is in it (files 0600). The directory is
 * created that way, and what an older version or another umask left behind is tightened at every
 * start. Files the engine creates later inherit the process umask; run the service with umask 077
 * (systemd {@code UMask=0077}, as bin/purebridge-run does), and the 0700 directory still keeps
 * everyone else out whatever a file's own mode.
 */
public final class FileModes {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Logger LOG = LoggerFactory.getLogger(FileModes.class);

    private FileModes() {
    }

    /** Creates {@code dataDir} (0700) if needed and makes every directory below 0700 and every file 0600. */
    public static void secure(Path dataDir) throws IOException {
        if (!Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        }
        Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                tighten(dir, DIRECTORY);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() || attrs.isOther()) {
                    tighten(file, FILE);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // A file removed while walking (RocksDB rotates logs) needs nothing.
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void tighten(Path path, Set<PosixFilePermission> wanted) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (!now.equals(wanted)) {
            try {
                Files.setPosixFilePermissions(path, wanted);
            } catch (IOException e) {
                if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("cannot restrict " + path + " to its owner (" + e.getMessage()
                            + "); the data directory must belong to the service's user", e);
                }
            }
        }
    }

    /** Logs and forgets a failure, for tightening after start (the service keeps running). */
    public static void secureQuietly(Path dataDir) {
        try {
            secure(dataDir);
        } catch (IOException e) {
            LOG.warn("purebridge: {}", e.getMessage());
        }
    }
}

package io.purebridge.server.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The embedded S3 server's credentials: an access key id (20 characters, as AWS's) and a secret
 * (40), generated once and kept in three files of mode 0600 under {@code <data_dir>/s3/}:
 * {@code access_key_id} and {@code secret_access_key} (what the offload target's file: references
 * read) and {@code credentials} (AWS shared-credentials format, for the aws CLI). The values are
 * never logged; {@link #toString} shows only the key id's first characters.
 */
final class S3Credentials {
    static final String ACCESS_FILE = "access_key_id";
    static final String SECRET_FILE = "secret_access_key";
    static final String CREDENTIALS_FILE = "credentials";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String ANY = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Path dir;
    private final String accessKeyId;
    private final String secretAccessKey;

    private S3Credentials(Path dir, String accessKeyId, String secretAccessKey) {
        this.dir = dir;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
    }

    /** Reads the credentials kept in {@code dir}, or generates and writes them (0600) the first time. */
    static S3Credentials loadOrCreate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path access = dir.resolve(ACCESS_FILE);
        Path secret = dir.resolve(SECRET_FILE);
        if (Files.isRegularFile(access) && Files.isRegularFile(secret)) {
            String a = Files.readString(access, StandardCharsets.UTF_8).strip();
            String s = Files.readString(secret, StandardCharsets.UTF_8).strip();
            if (!a.isEmpty() && !s.isEmpty()) {
                S3Credentials c = new S3Credentials(dir, a, s);
                if (!Files.isRegularFile(c.credentialsFile())) {
                    write(c.credentialsFile(), c.profile());
                }
                return c;
            }
        }
        SecureRandom random = new SecureRandom();
        S3Credentials c = new S3Credentials(dir, "PB" + random(random, UPPER, 18), random(random, ANY, 40));
        write(secret, c.secretAccessKey + "\n");
        write(access, c.accessKeyId + "\n");
        write(c.credentialsFile(), c.profile());
        return c;
    }

    String accessKeyId() {
        return accessKeyId;
    }

    String secretAccessKey() {
        return secretAccessKey;
    }

    Path accessKeyIdFile() {
        return dir.resolve(ACCESS_FILE);
    }

    Path secretAccessKeyFile() {
        return dir.resolve(SECRET_FILE);
    }

    Path credentialsFile() {
        return dir.resolve(CREDENTIALS_FILE);
    }

    private String profile() {
        return "# The purebridge service's embedded S3 server (generated; keep this file private).\n"
                + "[default]\naws_access_key_id = " + accessKeyId + "\naws_secret_access_key = " + secretAccessKey
                + "\n";
    }

    /** Written to a 0600 temporary file first, then moved in place: never readable by others, never half written. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot write " + file + ": " + tmp + " appeared meanwhile", e);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String random(SecureRandom random, String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "S3Credentials[" + accessKeyId.substring(0, 4) + "..., in " + dir + "]";
    }
}

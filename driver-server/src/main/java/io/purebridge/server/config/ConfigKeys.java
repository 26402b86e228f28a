package io.purebridge.server.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * Every key of the service's INI file, with its default. The file has three sections:
 *
 * <pre>
 * [server]
 * data_dir = /var/lib/purebridge            ; simulated arrays persist in DATA_DIR/arrays/NAME/
 * listen_socket = /var/lib/purebridge/purebridge.sock   ; default: DATA_DIR/purebridge.sock
 * listen_tcp = 127.0.0.1:0                  ; empty (default): no TCP listener; port 0: any free port
 * eradication_delay_seconds = 86400         ; how long destroyed objects of simulated arrays stay recoverable
 * tls_cert_file = /etc/purebridge/tls/server.pem     ; TLS on listen_tcp (needed off loopback)
 * tls_key_file = /etc/purebridge/tls/server.key      ; its PKCS#8 PEM key, mode 0600
 * tls_client_ca_file = /etc/purebridge/tls/clients-ca.pem  ; optional: require client certificates
 *
 * [arrays]
 * ; one simulated array per line: NAME = API_TOKEN (reached from cinder.conf as san_ip = sim://NAME)
 * pure-primary = 6a1e0c4e-...
 *
 * [rest]
 * enabled = true                ; serve every simulated array as a FlashArray REST 2.x endpoint (HTTPS)
 * bind_address = 127.0.0.1      ; address the REST ports listen on
 * port.pure-primary = 8443      ; optional fixed port per array; default: a free port, kept across restarts
 *
 * [metrics]
 * enabled = false               ; serve OpenMetrics/Prometheus text at http://BIND_ADDRESS:PORT/metrics
 * bind_address = 127.0.0.1      ; loopback by default
 * port = 9464                   ; 0: any free port
 *
 * [offload.offload-s3]          ; one section per offload target (S3 bucket for snapshot offload)
 * bucket = pb-offload           ; an empty bucket reserved for offload
 * endpoint = https://s3.example.net  ; empty: AWS in region
 * region = us-east-1
 * access_key_id = env:PB_S3_KEY_ID            ; references only: env:VARIABLE or file:/path
 * secret_access_key = file:/etc/purebridge/s3-secret
 * encryption_key = file:/etc/purebridge/offload-key  ; optional client-side AES-256-GCM key (base64)
 * placement = retention-based   ; or aws-standard-class, aws-intelligent-tiering
 * accept_unverified_bucket_rules = false
 * array_target_name = cloud-1   ; optional: the name FlashArrays reached over REST know this bucket by
 * pack_mib = 16                 ; tuning: pack_mib, part_mib, concurrency, ia_threshold_days,
 *                               ; lease_seconds, gc_grace_seconds, max_attempts
 *
 * [s3]
 * enabled = false               ; an embedded S3 server (data under DATA_DIR/s3/); with no
 *                               ; [offload.*] section it becomes target offload-s3
 * bind_address = 127.0.0.1
 * port = 0                      ; 0: any free port
 * bucket = purebridge-offload
 * </pre>
 *
 * Unknown sections and keys are rejected so a typo never passes silently.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    public static final String SERVER = "server";
    public static final String ARRAYS = "arrays";
    public static final String REST = "rest";
    public static final String METRICS = "metrics";
    public static final String S3_SECTION = "s3";
    /** {@code [offload.NAME]}: one offload target named NAME. */
    public static final String OFFLOAD_PREFIX = "offload.";

    /** Keys of {@code [server]}. */
    public static final class Server {
        private Server() {
        }

        public static final String DATA_DIR = "data_dir";
        public static final Path DATA_DIR_DEFAULT = Path.of("/var/lib/purebridge");

        /** Default: {@value #LISTEN_SOCKET_FILE_NAME} inside data_dir. */
        public static final String LISTEN_SOCKET = "listen_socket";
        public static final String LISTEN_SOCKET_FILE_NAME = "purebridge.sock";

        /** HOST:PORT or empty for no TCP listener. */
        public static final String LISTEN_TCP = "listen_tcp";
        public static final String LISTEN_TCP_DEFAULT = "";

        /** FlashArray's default eradication delay is 24 hours. */
        public static final String ERADICATION_DELAY_SECONDS = "eradication_delay_seconds";
        public static final long ERADICATION_DELAY_SECONDS_DEFAULT = 86_400L;

        /** PEM certificate chain of the TCP listener; with TLS_KEY_FILE turns TLS on. */
        public static final String TLS_CERT_FILE = "tls_cert_file";
        /** PEM (PKCS#8) private key of TLS_CERT_FILE. */
        public static final String TLS_KEY_FILE = "tls_key_file";
        /** PEM CAs whose client certificates the TCP listener requires; empty: none asked. */
        public static final String TLS_CLIENT_CA_FILE = "tls_client_ca_file";

        static final Set<String> ALL = Set.of(DATA_DIR, LISTEN_SOCKET, LISTEN_TCP, ERADICATION_DELAY_SECONDS,
                TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE);
    }

    /** Keys of {@code [rest]}. */
    public static final class Rest {
        private Rest() {
        }

        public static final String ENABLED = "enabled";
        public static final boolean ENABLED_DEFAULT = true;

        public static final String BIND_ADDRESS = "bind_address";
        public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";

        /** {@code port.NAME = PORT}: NAME must be an array of [arrays]. */
        public static final String PORT_PREFIX = "port.";

        static final Set<String> FIXED = Set.of(ENABLED, BIND_ADDRESS);
    }

    /** Keys of {@code [metrics]}. */
    public static final class Metrics {
        private Metrics() {
        }

        public static final String ENABLED = "enabled";
        public static final boolean ENABLED_DEFAULT = false;

        public static final String BIND_ADDRESS = "bind_address";
        public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";

        public static final String PORT = "port";
        public static final int PORT_DEFAULT = 9464;

        static final Set<String> ALL = Set.of(ENABLED, BIND_ADDRESS, PORT);
    }

    /** Keys of {@code [offload.NAME]} (see OffloadTarget.fromConfig and OffloadTuning). */
    public static final class Offload {
        private Offload() {
        }

        public static final String BUCKET = "bucket";
        public static final String ENDPOINT = "endpoint";
        public static final String REGION = "region";
        public static final String ACCESS_KEY_ID = "access_key_id";
        public static final String SECRET_ACCESS_KEY = "secret_access_key";
        public static final String ENCRYPTION_KEY = "encryption_key";
        public static final String PLACEMENT = "placement";
        public static final String ACCEPT_UNVERIFIED = "accept_unverified_bucket_rules";
        public static final String ARRAY_TARGET_NAME = "array_target_name";

        /** Keys whose value is a secret reference (env:VARIABLE or file:/path). */
        public static final Set<String> SECRETS = Set.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, ENCRYPTION_KEY);
        /** Whole numbers tuning the transfer. */
        public static final Set<String> TUNING = Set.of("pack_mib", "part_mib", "concurrency", "ia_threshold_days",
                "lease_seconds", "gc_grace_seconds", "max_attempts");

        static final Set<String> ALL;

        static {
            Set<String> all = new java.util.TreeSet<>(Set.of(BUCKET, ENDPOINT, REGION, PLACEMENT, ACCEPT_UNVERIFIED,
                    ARRAY_TARGET_NAME));
            all.addAll(SECRETS);
            all.addAll(TUNING);
            ALL = Set.copyOf(all);
        }
    }

    /** Keys of {@code [s3]}. */
    public static final class S3 {
        private S3() {
        }

        public static final String ENABLED = "enabled";
        public static final boolean ENABLED_DEFAULT = false;

        public static final String BIND_ADDRESS = "bind_address";
        public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";

        public static final String PORT = "port";
        public static final int PORT_DEFAULT = 0;

        public static final String BUCKET = "bucket";
        public static final String BUCKET_DEFAULT = "purebridge-offload";

        /** The target the embedded server defines when no [offload.NAME] section does. */
        public static final String TARGET_NAME = "offload-s3";

        static final Set<String> ALL = Set.of(ENABLED, BIND_ADDRESS, PORT, BUCKET);
    }

    /** A simulated array's name: what FlashArray allows (letters, digits, '-'; starts with a letter or digit). */
    public static final String ARRAY_NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9-]{0,62}";

    /** The longest unix socket path Linux accepts (sun_path is 108 bytes with the trailing NUL). */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
}

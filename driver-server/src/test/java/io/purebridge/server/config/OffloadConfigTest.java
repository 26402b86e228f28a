package io.purebridge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purebridge.engine.offload.OffloadTarget;
import io.purebridge.engine.offload.Placement;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The [offload.NAME] and [s3] sections: what they produce, and one clear line for each mistake. */
@Timeout(30)
class OffloadConfigTest {
    private static final String PASTED_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @TempDir
    Path dir;

    private Path ini(String text) throws IOException {
        Path file = dir.resolve("purebridge-server.ini");
        Files.writeString(file, "[server]\ndata_dir = " + dir + "\n\n" + text);
        return file;
    }

    private ServiceConfig load(String text) throws Exception {
        return ServiceConfigLoader.load(ini(text), ConfigOverrides.none());
    }

    @Test
    void readsTargetsInFileOrderWithReferencesOnly() throws Exception {
        ServiceConfig config = load("""
                [offload.aws-offload]
                bucket = pb-offload
                region = eu-west-1
                access_key_id = env:PB_KEY_ID
                secret_access_key = file:/etc/purebridge/s3-secret
                encryption_key = file:/etc/purebridge/offload-key
                placement = aws-intelligent-tiering
                concurrency = 8
                pack_mib = 32

                [offload.lab]
                bucket = lab.bucket
                endpoint = http://10.0.0.9:9000
                accept_unverified_bucket_rules = yes
                """);

        assertThat(config.offload().targets()).extracting(OffloadTarget::name).containsExactly("aws-offload", "lab");
        OffloadTarget aws = config.offload().targets().get(0);
        assertThat(aws.bucket()).isEqualTo("pb-offload");
        assertThat(aws.endpoint()).isNull();
        assertThat(aws.region()).isEqualTo("eu-west-1");
        assertThat(aws.accessKeyId().toString()).isEqualTo("env:PB_KEY_ID");
        assertThat(aws.secretAccessKey().toString()).isEqualTo("file:/etc/purebridge/s3-secret");
        assertThat(aws.encryptionKey()).isNotNull();
        assertThat(aws.placement()).isEqualTo(Placement.AWS_INTELLIGENT_TIERING);
        assertThat(aws.tuning().concurrency()).isEqualTo(8);
        assertThat(aws.tuning().packBytes()).isEqualTo(32 << 20);
        OffloadTarget lab = config.offload().targets().get(1);
        assertThat(lab.endpoint()).isEqualTo(URI.create("http://10.0.0.9:9000"));
        assertThat(lab.accessKeyId()).isNull();
        assertThat(lab.acceptUnverified()).isTrue();
        assertThat(config.offload().s3().enabled()).isFalse();
        assertThat(config.toString()).contains("offload target aws-offload (bucket pb-offload)")
                .doesNotContain("s3-secret").doesNotContain("offload-key");
    }

    @Test
    void s3SectionDefaultsAndValues() throws Exception {
        assertThat(load("").offload()).isEqualTo(OffloadConfig.none());
        S3ServerConfig s3 = load("[s3]\nenabled = true\n").offload().s3();
        assertThat(s3).isEqualTo(new S3ServerConfig(true, "127.0.0.1", 0, "purebridge-offload"));
        s3 = load("[s3]\nenabled = true\nbind_address = [::1]\nport = 9000\nbucket = my-offload\n").offload().s3();
        assertThat(s3).isEqualTo(new S3ServerConfig(true, "::1", 9000, "my-offload"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[offload.t1]\\nregion = us-east-1\\n | [offload.t1]: offload target t1: set bucket = ",
        "[offload.t1]\\nbucket = Bad_Bucket\\n | [offload.t1]: offload target t1: bucket 'Bad_Bucket' must be 3-63",
        "[offload.t1]\\nbucket = b-1\\nendpoint = ftp://x\\n | [offload.t1]: offload target t1: endpoint 'ftp://x' must be",
        "[offload.t1]\\nbucket = b-1\\naccess_key_id = env:K\\n | [offload.t1]: offload target t1: set both access_key_id"
                + " and secret_access_key",
        "[offload.t1]\\nbucket = b-1\\nplacement = cold\\n | [offload.t1]: placement 'cold' is not known: use",
        "[offload.t1]\\nbucket = b-1\\nconcurrency = many\\n | [offload.t1]: offload target t1: concurrency = 'many'"
                + " must be a non-negative whole number",
        "[offload.t1]\\nbucket = b-1\\naccept_unverified_bucket_rules = maybe\\n | [offload.t1]"
                + " accept_unverified_bucket_rules = 'maybe': expected true or false",
        "[offload.t1]\\nbucket = b-1\\nbukcet = x\\n | : unknown [offload.t1] key 'bukcet'; known keys are",
        "[offload.bad_name]\\nbucket = b-1\\n | [offload.bad_name]: offload target name 'bad_name' must be",
        "[offload.t1]\\nbucket = b-1\\narray_target_name = cloud_1\\n | [offload.t1]: offload target t1:"
                + " array_target_name 'cloud_1' must be 1-56 characters",
        "[s3]\\nenabled = sometimes\\n | [s3] enabled = 'sometimes': expected true or false",
        "[s3]\\nport = 70000\\n | [s3] port = '70000': expected a TCP port within 0..65535",
        "[s3]\\nbucket = B\\n | [s3] bucket = 'B': a bucket name is 3-63 characters",
        "[s3]\\nregion = x\\n | : unknown [s3] key 'region'; known keys are",
        "[offloads]\\nbucket = x\\n | : unknown section [offloads]; expected [server], [arrays], [rest], [metrics], [s3]"
                + " or [offload.NAME]",
    })
    void badInputIsOneLineNamingFileSectionAndKey(String text, String expected) throws Exception {
        Path file = ini(text.replace("\\n", "\n"));
        assertThatThrownBy(() -> ServiceConfigLoader.load(file, ConfigOverrides.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected.strip())
                .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
    }

    @Test
    void aSecretPastedInsteadOfAReferenceIsRefusedWithoutEchoingIt() throws Exception {
        Path file = ini("[offload.t1]\nbucket = b-1\naccess_key_id = env:K\nsecret_access_key = " + PASTED_SECRET
                + "\n");
        assertThatThrownBy(() -> ServiceConfigLoader.load(file, ConfigOverrides.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("[offload.t1]: secret_access_key must be a reference, env:VARIABLE or"
                        + " file:/path, not the secret itself")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASTED_SECRET).doesNotContain("wJalr"));
        Path key = ini("[offload.t1]\nbucket = b-1\nencryption_key = " + PASTED_SECRET + "\n");
        assertThatThrownBy(() -> ServiceConfigLoader.load(key, ConfigOverrides.none()))
                .hasMessageContaining("encryption_key must be a reference")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASTED_SECRET));
    }
}

package io.purebridge.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.purebridge.server.testing.SimDataService;
import io.purebridge.v1.VolumeDataServiceGrpc;
import io.purebridge.v1.VolumeDriverServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC fuzzing, kept in the build: 10,000 seeded requests built field by field from each RPC's
 * descriptor (names of 100,000 characters and of 57 to 300, provider_ids without a dot or naming
 * other objects, sizes at the ends of int64, unknown enum values, random maps and lists), with the
 * backend's credential, another's or none, over the unix socket against the real engine
 * (simulated array in RocksDB). No answer may be INTERNAL or UNKNOWN, and every answer must reach
 * the client as a status (a status too large for gRPC's trailers would arrive as a reset stream).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrpcFuzzTest {
    private static final long SEED = 0x6F22L;
    private static final int CASES = 10_000;
    private static final List<String> EVIL = List.of("", " ", "x", "volume-1", "volume-1-cinder", "v.s", "..",
            "::", "cinder-pod::volume-1-cinder", "pod::", "a".repeat(57), "b".repeat(64), "c".repeat(97),
            "d".repeat(300), "e".repeat(100_000), "volume-" + "f".repeat(60), "\u0000", "\n", "name with spaces",
            "ünïcödé", "../../etc/passwd", "*", "'", "%s%s%n", "iqn.1993-08.org.debian:01:abc", "sim://pure-primary",
            "10000000c9a1b2c3", "<is> True", "<in> sync", "<in> async", "<in> trisync", "replication_enabled",
            "-1", "9223372036854775807", "NaN");
    private static final List<Long> NUMBERS = List.of(0L, 1L, -1L, 2L, 7L, 1024L, Long.MAX_VALUE, Long.MIN_VALUE,
            (long) Integer.MAX_VALUE, 1L << 40, 1L << 53);

    @TempDir
    Path dir;

    private SimDataService service;
    private EventLoopGroup loop;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        service = SimDataService.unixSocket(dir.resolve("data"), dir.resolve("pb.sock"));
        loop = new EpollEventLoopGroup(1);
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(dir.resolve("pb.sock").toString()))
                .eventLoopGroup(loop).channelType(EpollDomainSocketChannel.class).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        service.close();
    }

    @Test
    void tenThousandHostileRequestsNeverAnswerInternalOrUnknown() throws Exception {
        String credential = register();
        String other = service.server.credentials().issue("puredriver-other", "sim://elsewhere");
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        for (var m : VolumeDriverServiceGrpc.getServiceDescriptor().getMethods()) {
            if (m.getType() == MethodDescriptor.MethodType.UNARY) {
                methods.add(m);
            }
        }
        methods.add(VolumeDataServiceGrpc.getReadVolumeDataMethod());
        Random random = new Random(SEED);
        Map<String, Integer> codes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            MethodDescriptor<?, ?> method = methods.get(random.nextInt(methods.size()));
            Message request = fill(prototype(method).newBuilderForType(), random, 0, method).build();
            int who = random.nextInt(10);
            String sent = who < 8 ? credential : who == 8 ? other : null;
            Status.Code code = call(method, request, sent);
            codes.merge(code.name(), 1, Integer::sum);
            if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.CANCELLED) {
                String shown = request.toString();
                failures.add(method.getBareMethodName() + " -> " + code + ": "
                        + (shown.length() > 400 ? shown.substring(0, 400) + "..." : shown));
            }
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(failures).as("answers of INTERNAL/UNKNOWN/reset; codes %s", codes).isEmpty();
        assertThat(codes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CASES);
        assertThat(codes).containsKeys("OK", "INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED");
        assertThat(tookMs).as("took %d ms; codes %s", tookMs, codes).isLessThan(150_000);
    }

    private String register() {
        var response = VolumeDriverServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .registerBackend(io.purebridge.v1.RegisterBackendRequest.newBuilder()
                        .setBackendName(SimDataService.BACKEND)
                        .setProtocol(io.purebridge.v1.StorageProtocol.STORAGE_PROTOCOL_ISCSI)
                        .putOptions("san_ip", "sim://" + SimDataService.ARRAY)
                        .putOptions("pure_api_token", SimDataService.TOKEN)
                        .putOptions("volume_backend_name", SimDataService.BACKEND).build());
        return response.getSessionCredential();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Status.Code call(MethodDescriptor method, Message request, String credential) {
        Metadata headers = new Metadata();
        if (credential != null) {
            headers.put(BackendCredentials.HEADER, credential);
        }
        var intercepted = io.grpc.ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(headers));
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
        try {
            if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                Iterator<?> it = ClientCalls.blockingServerStreamingCall(intercepted, method, options, request);
                int n = 0;
                while (it.hasNext() && n++ < 4) {
                    it.next();
                }
                if (it.hasNext()) {
                    return Status.Code.OK; // a long read that works; the channel cancels the rest
                }
            } else {
                ClientCalls.blockingUnaryCall(intercepted, method, options, request);
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            if (description != null && description.length() > 2_048) {
                return Status.Code.UNKNOWN; // an uncapped message: a failure of the rules
            }
            return e.getStatus().getCode();
        }
    }

    private static Message prototype(MethodDescriptor<?, ?> method) {
        return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
    }

    private Message.Builder fill(Message.Builder builder, Random random, int depth, MethodDescriptor<?, ?> method) {
        for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            if (random.nextInt(6) == 0) {
                continue; // leave some fields unset
            }
            if (field.getName().equals("backend_name")) {
                builder.setField(field, random.nextInt(8) == 0 ? pick(random, EVIL) : SimDataService.BACKEND);
                continue;
            }
            if (field.isMapField()) {
                int n = random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    Message.Builder entry = builder.newBuilderForField(field);
                    FieldDescriptor key = entry.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor value = entry.getDescriptorForType().findFieldByName("value");
                    entry.setField(key, pick(random, EVIL));
                    entry.setField(value, scalar(value, random, entry, depth, method));
                    builder.addRepeatedField(field, entry.build());
                }
                continue;
            }
            if (field.isRepeated()) {
                int n = random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    Object v = value(field, builder, random, depth, method);
                    if (v != null) {
                        builder.addRepeatedField(field, v);
                    }
                }
                continue;
            }
            Object v = value(field, builder, random, depth, method);
            if (v != null) {
                builder.setField(field, v);
            }
        }
        return builder;
    }

    private Object value(FieldDescriptor field, Message.Builder parent, Random random, int depth,
            MethodDescriptor<?, ?> method) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            if (depth > 3) {
                return null;
            }
            Message.Builder child = parent.newBuilderForField(field);
            fill(child, random, depth + 1, method);
            plausibleNames(child, random);
            return child.build();
        }
        return scalar(field, random, parent, depth, method);
    }

    /** Sometimes gives a Volume or Snapshot the backend's own names, so calls reach the engine. */
    private static void plausibleNames(Message.Builder child, Random random) {
        String type = child.getDescriptorForType().getName();
        if (!type.equals("Volume") || random.nextInt(3) == 0) {
            return;
        }
        String id = "f" + random.nextInt(50);
        var d = child.getDescriptorForType();
        child.setField(d.findFieldByName("id"), id);
        child.setField(d.findFieldByName("name_id"), id);
        child.setField(d.findFieldByName("name"), "volume-" + id);
        child.setField(d.findFieldByName("provider_id"), random.nextBoolean() ? "" : "volume-" + id + "-cinder");
        child.setField(d.findFieldByName("size_gib"), (long) (1 + random.nextInt(3)));
    }

    private static Object scalar(FieldDescriptor field, Random random, Message.Builder parent, int depth,
            MethodDescriptor<?, ?> method) {
        switch (field.getJavaType()) {
            case STRING:
                return pick(random, EVIL);
            case LONG:
                return pick(random, NUMBERS);
            case INT:
                return (int) (long) pick(random, NUMBERS);
            case BOOLEAN:
                return random.nextBoolean();
            case DOUBLE:
                return random.nextBoolean() ? Double.NaN : random.nextDouble() * 1e12 - 1e6;
            case FLOAT:
                return random.nextFloat();
            case BYTE_STRING:
                byte[] b = new byte[random.nextInt(16)];
                random.nextBytes(b);
                return com.google.protobuf.ByteString.copyFrom(b);
            case ENUM: {
                EnumDescriptor e = field.getEnumType();
                int n = random.nextInt(e.getValues().size() + 1);
                return n < e.getValues().size() ? e.getValues().get(n) : e.findValueByNumberCreatingIfUnknown(99);
            }
            default:
                return null;
        }
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}

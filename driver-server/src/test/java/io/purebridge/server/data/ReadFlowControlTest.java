package io.purebridge.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.sim.SimulatedArrayConfig;
import io.purebridge.engine.sim.SimulatedArrayHost;
import io.purebridge.engine.sim.SimulatedFlashArray;
import io.purebridge.server.Listener;
import io.purebridge.server.PurebridgeServer;
import io.purebridge.server.testing.FakeBackendRegistry;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.ArrayAdminServiceGrpc;
import io.purebridge.v1.ReadDataRequest;
import io.purebridge.v1.ReadDataResponse;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ReadData reads the next chunk only when the client can take it: a stalled client stalls the read. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadFlowControlTest {
    private static final int CHUNKS = 16;

    @Test
    void stalledClientStallsTheRead(@TempDir Path dir) throws Exception {
        AtomicInteger reads = new AtomicInteger();
        try (SimulatedArrayHost host = new SimulatedArrayHost(dir, List.of(SimulatedArrayConfig.of("a", "t")),
                Clock.systemUTC())) {
            SimulatedFlashArray array = host.open("a", "t");
            array.createVolume("v", (long) CHUNKS * DataChunks.CHUNK_BYTES);
            // The array as the service sees it, counting data reads.
            FlashArray counting = (FlashArray) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {FlashArray.class, BlockDataAccess.class}, (proxy, method, args) -> {
                        if (method.getName().equals("read")) {
                            reads.incrementAndGet();
                        }
                        try {
                            return method.invoke(array, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            String name = InProcessServerBuilder.generateName();
            PurebridgeServer server = new PurebridgeServer(List.of(Listener.of(InProcessServerBuilder.forName(name),
                    name)), new FakeBackendRegistry(), (arrayName, token) -> counting, new MetricRegistry()).start();
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            try {
                LinkedBlockingQueue<ReadDataResponse> received = new LinkedBlockingQueue<>();
                CountDownLatch closed = new CountDownLatch(1);
                Status[] status = new Status[1];
                ClientCall<ReadDataRequest, ReadDataResponse> call =
                        channel.newCall(ArrayAdminServiceGrpc.getReadDataMethod(), CallOptions.DEFAULT);
                call.start(new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(ReadDataResponse message) {
                        received.add(message);
                    }

                    @Override
                    public void onClose(Status s, Metadata trailers) {
                        status[0] = s;
                        closed.countDown();
                    }
                }, new Metadata());
                call.request(1);
                call.sendMessage(ReadDataRequest.newBuilder()
                        .setAccess(ArrayAccess.newBuilder().setArray("a").setApiToken("t")).setObject("v").build());
                call.halfClose();

                assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
                Thread.sleep(300);
                int readWhileStalled = reads.get();
                call.request(Integer.MAX_VALUE);
                assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();

                assertThat(readWhileStalled).as("chunks read while the client took one").isLessThanOrEqualTo(3);
                assertThat(status[0].isOk()).as(String.valueOf(status[0])).isTrue();
                assertThat(received).hasSize(CHUNKS - 1);
                assertThat(reads.get()).isEqualTo(CHUNKS);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.stop(5, TimeUnit.SECONDS);
            }
        }
    }
}

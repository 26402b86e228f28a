package io.purebridge.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on a unix domain socket (netty epoll, Linux only). A stale socket file left by a crashed
 * service is removed at start; one that still answers means another service is running and start
 * fails. The file's mode is set to 0600 right after bind, so only the service's user (the one
 * cinder-volume must run as, or reach through a group-owned directory) can connect.
 */
public final class UnixSocketListener implements Listener {
    static final EnumSet<PosixFilePermission> SOCKET_MODE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketListener.class);

    private final Path path;
    private EventLoopGroup boss;
    private EventLoopGroup workers;

    public UnixSocketListener(Path path) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
    }

    public Path path() {
        return path;
    }

    @Override
    public ServerBuilder<?> prepare() throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("unix socket listener needs netty epoll (Linux x86_64/aarch64): "
                    + Epoll.unavailabilityCause());
        }
        Path parent = path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        removeStaleSocket();
        boss = new EpollEventLoopGroup(1);
        workers = new EpollEventLoopGroup();
        return NettyServerBuilder.forAddress(new DomainSocketAddress(path.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers);
    }

    private void removeStaleSocket() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            throw new IOException(path + " exists and is not a socket; remove it or choose another listen_socket");
        }
        if (answers(path)) {
            throw new IOException("another process is already serving on " + path
                    + "; stop it or choose another listen_socket");
        }
        LOG.info("{}: removing stale socket file", path);
        Files.delete(path);
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void started(Server server) throws IOException {
        Files.setPosixFilePermissions(path, SOCKET_MODE);
    }

    @Override
    public String describe(Server server) {
        return "unix:" + path;
    }

    @Override
    public void close() {
        shutdown(boss);
        shutdown(workers);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("{}: could not remove socket file: {}", path, e.toString());
        }
    }

    private static void shutdown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

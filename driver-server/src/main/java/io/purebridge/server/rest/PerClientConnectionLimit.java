package io.purebridge.server.rest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one remote address holds open, over every connector it is added to (one
 * instance is shared by all arrays' ports). A connection past the cap is closed as soon as it is
 * accepted, before its TLS handshake, so a host opening hundreds of idle connections cannot use up
 * what other clients need. Only network connections count: the HTTP connection a TLS connection
 * carries is the same client.
 */
final class PerClientConnectionLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PerClientConnectionLimit.class);

    private final int maxPerClient;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();

    PerClientConnectionLimit(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection.getEndPoint() instanceof SslConnection.SslEndPoint) {
            return;
        }
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return;
        }
        InetAddress address = inet.getAddress();
        int now = open.merge(address, 1, Integer::sum);
        counted.put(connection, address);
        if (now > maxPerClient) {
            LOG.warn("rest-frontend: {} holds {} connections (limit {}); closing the newest", address.getHostAddress(),
                    now - 1, maxPerClient);
            // Here, not on the thread pool: queued behind busy request threads, a close came late
            // enough that the refused connection finished its handshake and took a request.
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address == null) {
            return;
        }
        open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    /** Connections {@code address} holds now. */
    int openBy(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}

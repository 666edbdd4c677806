package app.devskyy.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A free port on the loopback address, for servers the tests start. */
public final class LoopbackPorts {

    private LoopbackPorts() {}

    /** Free when asked; another process may take it before the caller binds it, so callers retry a failed bind. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

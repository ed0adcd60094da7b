package dev.xlatsentinel.frr.vty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * A test-owned AF_UNIX server on a socket file: for what a real daemon will not do on demand
 * (accept and never answer). {@code script} maps each received command to the raw bytes to
 * send back, or to null to stay silent. Commands received are recorded.
 */
final class ScriptedVtyServer implements AutoCloseable {
    private final Path socket;
    private final UnixServerSocketChannel server;
    private final Function<String, byte[]> script;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<UnixSocketChannel> clients = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ScriptedVtyServer(Path socket, Function<String, byte[]> script) throws IOException {
        this.socket = socket;
        this.script = script;
        Files.deleteIfExists(socket);
        server = UnixServerSocketChannel.open();
        server.socket().bind(new UnixSocketAddress(socket.toFile()));
        acceptor = new Thread(this::acceptLoop, "scripted-vty");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A well-formed reply: text, three NULs, status byte. */
    static byte[] reply(String text, int status) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[t.length + 4];
        System.arraycopy(t, 0, out, 0, t.length);
        out[t.length + 3] = (byte) status;
        return out;
    }

    List<String> received() {
        return received;
    }

    /** Closes every accepted connection (as a daemon that dies would). */
    void dropClients() throws IOException {
        for (UnixSocketChannel c : clients) {
            c.close();
        }
        clients.clear();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                UnixSocketChannel c = server.accept();
                clients.add(c);
                Thread t = new Thread(() -> serve(c), "scripted-vty-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(UnixSocketChannel c) {
        try (InputStream in = Channels.newInputStream(c); OutputStream out = Channels.newOutputStream(c)) {
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b != 0) {
                    cmd.write(b);
                    continue;
                }
                String line = cmd.toString(StandardCharsets.UTF_8);
                cmd.reset();
                received.add(line);
                byte[] answer = script.apply(line);
                if (answer != null) {
                    out.write(answer);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // client went away or the test closed us
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropClients();
        Files.deleteIfExists(socket);
    }
}

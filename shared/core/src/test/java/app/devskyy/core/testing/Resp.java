package app.devskyy.core.testing;

import app.devskyy.core.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The Redis wire protocol (RESP2) over one connection, answers mapped to JSON the way Upstash's
 * REST API maps them: strings, integers, null for nil, arrays, and {@code {"error": ...}} for errors.
 */
final class Resp implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Resp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends a command; an error reply comes back as {@code {"error": "..."}}. */
    JsonNode call(List<String> arguments) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        command.writeBytes(("*" + arguments.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String argument : arguments) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            command.writeBytes(bytes);
            command.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(command.toByteArray());
        out.flush();
        return read();
    }

    private JsonNode read() throws IOException {
        JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+' -> nodes.stringNode(line);
            case '-' -> nodes.objectNode().put("error", line);
            case ':' -> nodes.numberNode(Long.parseLong(line));
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield nodes.nullNode();
                }
                byte[] bytes = in.readNBytes(length);
                line();
                yield nodes.stringNode(new String(bytes, StandardCharsets.UTF_8));
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield nodes.nullNode();
                }
                ArrayNode array = nodes.arrayNode();
                for (int i = 0; i < count; i++) {
                    array.add(read());
                }
                yield array;
            }
            case -1 -> throw new EOFException("redis closed the connection");
            default -> throw new IOException("unexpected RESP type " + (char) type);
        };
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        int current;
        while ((current = in.read()) != -1) {
            if (previous == '\r' && current == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(current);
            previous = current;
        }
        throw new EOFException("redis closed the connection");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

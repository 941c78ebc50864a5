package dev.pgcdc.decode.pgoutput;

import dev.pgcdc.decode.RecordingListener;
import dev.pgcdc.event.Lsn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A pgoutput stream captured from a real server by capture/capture.sh: one "LSN tab hex" line per message. */
final class CapturedStream {

    static final String TEXT = "/capture/pgoutput-v1.txt";
    static final String BINARY = "/capture/pgoutput-v1-binary.txt";

    record Message(Lsn lsn, byte[] bytes) {
        char type() {
            return (char) bytes[0];
        }
    }

    private CapturedStream() {
    }

    static List<Message> load(String resource) {
        List<Message> messages = new ArrayList<>();
        for (String line : lines(resource)) {
            String[] parts = line.split("\t");
            messages.add(new Message(Lsn.parse(parts[0]), HexFormat.of().parseHex(parts[1])));
        }
        return messages;
    }

    static List<String> lines(String resource) {
        try (InputStream in = CapturedStream.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes the whole stream with a fresh decoder. */
    static RecordingListener decode(String resource) {
        PgOutputDecoder decoder = new PgOutputDecoder();
        RecordingListener listener = new RecordingListener();
        for (Message m : load(resource)) {
            decoder.decode(java.nio.ByteBuffer.wrap(m.bytes()), m.lsn().value(), listener);
        }
        return listener;
    }
}

package dev.rialto.ingest.internal.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.rialto.api.ingest.RecordIngestor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body: a JSON array of 1..{@link RecordIngestor#MAX_RECORDS} flat objects, read with Jackson's
 * streaming parser (embedded) so that a body of too many records is refused without holding it. Elements that are
 * not objects, and objects with a repeated field, are rejected here (by array index); the other objects go to the
 * ingestor, nested values included (it rejects them, naming the field).
 */
final class BatchBody {
    /** Largest body read; past it the call is refused (413) before anything is stored. */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private static final JsonFactory FACTORY = new JsonFactory();

    /** A structural fault of one element. */
    record Fault(int index, String id, String field, String reason) {
    }

    /** The whole body is unusable: nothing is stored. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The objects to ingest, each one's index in the array, and the elements refused here. */
    final List<Map<String, Object>> records = new ArrayList<>();
    final List<Integer> indexes = new ArrayList<>();
    final List<Fault> faults = new ArrayList<>();
    int received;

    private BatchBody() {
    }

    static BatchBody parse(InputStream body, int maxRecords, long maxBytes) throws Refused {
        if (body == null) {
            throw new Refused(400, "a JSON array of records is required");
        }
        BatchBody batch = new BatchBody();
        try (JsonParser parser = FACTORY.createParser(new Bounded(body, maxBytes))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new Refused(400, "a JSON array of records is required, the body is empty");
            }
            if (first != JsonToken.START_ARRAY) {
                throw new Refused(400, "the body must be a JSON array of objects");
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new Refused(400, "the body is not valid JSON: the array does not end");
                }
                int index = batch.received++;
                if (batch.received > maxRecords) {
                    throw new Refused(413, "the body holds more than " + maxRecords + " records; send at most "
                            + maxRecords + " per call");
                }
                if (token != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    batch.faults.add(new Fault(index, null, "*", "the record is not a JSON object"));
                    continue;
                }
                batch.readObject(parser, index);
            }
            if (parser.nextToken() != null) {
                throw new Refused(400, "the body is not valid JSON: text after the array");
            }
        } catch (TooLarge e) {
            throw new Refused(413, "the body is larger than " + maxBytes + " bytes");
        } catch (JsonProcessingException e) {
            throw new Refused(400, "the body is not valid JSON: " + e.getOriginalMessage() + location(e));
        } catch (IOException e) {
            throw new Refused(400, "the body could not be read: " + e.getMessage());
        }
        if (batch.received == 0) {
            throw new Refused(400, "the array is empty; send 1 to " + maxRecords + " records");
        }
        return batch;
    }

    private void readObject(JsonParser parser, int index) throws IOException {
        Map<String, Object> record = new LinkedHashMap<>();
        String repeated = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.getCurrentName();
            JsonToken value = parser.nextToken();
            Object v = switch (value) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT -> parser.getNumberValue();
                // exactly as written: 9.90 stays 9.90
                case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                case START_ARRAY -> {
                    parser.skipChildren();
                    yield List.of();
                }
                case START_OBJECT -> {
                    parser.skipChildren();
                    yield Map.of();
                }
                default -> throw new JsonParseFault("unexpected " + value, parser);
            };
            if (record.containsKey(name) && repeated == null) {
                repeated = name;
            }
            record.put(name, v);
        }
        if (token != JsonToken.END_OBJECT) {
            throw new JsonParseFault("the object does not end", parser);
        }
        if (repeated != null) {
            Object id = record.get("id");
            faults.add(new Fault(index, id instanceof String || id instanceof Number ? id.toString() : null,
                    repeated, repeated + " appears twice in the object"));
            return;
        }
        records.add(record);
        indexes.add(index);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static final class JsonParseFault extends com.fasterxml.jackson.core.JsonParseException {
        private static final long serialVersionUID = 1L;

        JsonParseFault(String message, JsonParser parser) {
            super(parser, message);
        }
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Stops reading past the limit. The caller (the container) owns the stream. */
    private static final class Bounded extends FilterInputStream {
        private final long max;
        private long count;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            count += n;
            if (count > max) {
                throw new TooLarge();
            }
        }

        @Override
        public void close() {
            // not ours
        }
    }
}

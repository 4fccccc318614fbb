package dev.rialto.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A tiny HTTP client for the server under test (loopback only). */
public final class Http {

    /** Status, body and the WWW-Authenticate header of one answer. */
    public static final class Answer {
        public final int status;
        public final String body;
        public final String challenge;

        Answer(int status, String body, String challenge) {
            this.status = status;
            this.body = body;
            this.challenge = challenge;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private Http() {
    }

    public static int port() {
        return Integer.getInteger("rialto.it.http.port", 8181);
    }

    /** GET {@code path} on the server; {@code user} null means no credentials. */
    public static Answer get(String path, String user, String password) {
        return call("GET", path, null, user, password, null);
    }

    /** POST a JSON body to {@code path}. */
    public static Answer post(String path, String json, String user, String password) {
        return call("POST", path, json, user, password, null);
    }

    /** POST a JSON body to {@code path} with a web-shop API key instead of a login. */
    public static Answer postWithKey(String path, String json, String key) {
        return call("POST", path, json, null, null, key);
    }

    /** GET with a web-shop API key instead of a login. */
    public static Answer delete(String path, String user, String password) {
        return call("DELETE", path, null, user, password, null);
    }

    public static Answer getWithKey(String path, String key) {
        return call("GET", path, null, null, null, key);
    }

    private static Answer call(String method, String path, String json, String user, String password, String key) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port() + path)
                    .openConnection();
            connection.setRequestMethod(method);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(30_000);
            if (user != null) {
                String token = Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                connection.setRequestProperty("Authorization", "Basic " + token);
            }
            if (key != null) {
                connection.setRequestProperty("X-Rialto-Key", key);
            }
            if (json != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json");
                connection.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
            }
            int status = connection.getResponseCode();
            InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(status, body, connection.getHeaderField("WWW-Authenticate"));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        }
    }
}

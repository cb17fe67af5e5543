package dev.todoevents.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Minimal JSON-over-HTTP client for the end-to-end tests. */
final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  record Reply(int status, JsonNode body) {}

  private Http() {}

  static Reply post(String url, String json) {
    return post(url, json, "application/json");
  }

  /** POST with extra headers given as name, value, name, value, ... */
  static Reply post(String url, String body, String contentType, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    return send(withHeaders(b, headers));
  }

  /** DELETE with extra headers (name, value, ...), returning the status. */
  static int delete(String url, String... headers) {
    return send(withHeaders(HttpRequest.newBuilder(URI.create(url)).DELETE(), headers)).status();
  }

  /** Any method, with a JSON body or none (null), and extra headers (name, value, ...). */
  static Reply call(String method, String url, String json, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return send(withHeaders(b, headers));
  }

  private static HttpRequest.Builder withHeaders(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  /** GET returning the body as text (e.g. Prometheus metrics). */
  static String text(String url) {
    try {
      return CLIENT
          .send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new IllegalStateException("HTTP call failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET with extra headers (name, value, ...). */
  static Reply get(String url, String... headers) {
    return send(withHeaders(HttpRequest.newBuilder(URI.create(url)).GET(), headers));
  }

  /** The body as JSON, or as a text node when it is not JSON (e.g. a plain-text error). */
  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException notJson) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(body);
    }
  }

  private static Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r =
          CLIENT.send(
              b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), parse(r.body()));
    } catch (IOException e) {
      throw new IllegalStateException("HTTP call failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

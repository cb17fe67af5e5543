package dev.todoevents.bench.handler;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Quarkus subscription handler as an app would have one: the sidecar asks {@code /dapr/subscribe}
 * for the topics (env BENCH_TOPICS) and POSTs each event's CloudEvent to {@code /bench/{topic}}.
 * The handler notes the event's seq and {@link System#nanoTime()} on arrival; the benchmark
 * collects them from {@code /arrivals} (the same monotonic clock on one machine).
 */
@Path("/")
public class BenchHandler {

  private static final ConcurrentLinkedQueue<String> ARRIVALS = new ConcurrentLinkedQueue<>();

  @ConfigProperty(name = "bench.topics")
  java.util.Optional<String> topics;

  @GET
  @Path("dapr/subscribe")
  @Produces(MediaType.APPLICATION_JSON)
  public String subscribe() {
    StringBuilder b = new StringBuilder("[");
    for (String t : topics.orElse("").split(",")) {
      if (t.isBlank()) {
        continue;
      }
      b.append(b.length() > 1 ? "," : "")
          .append("{\"pubsubname\":\"bench-pubsub\",\"topic\":\"")
          .append(t)
          .append("\",\"route\":\"/bench/")
          .append(t)
          .append("\"}");
    }
    return b.append("]").toString();
  }

  @POST
  @Path("bench/{topic}")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public String deliver(@PathParam("topic") String topic, String cloudEvent) {
    long now = System.nanoTime();
    int i = cloudEvent.indexOf("\"seq\":") + 6;
    int j = i;
    while (j < cloudEvent.length() && Character.isDigit(cloudEvent.charAt(j))) {
      j++;
    }
    ARRIVALS.add(topic + " " + cloudEvent.substring(i, j) + " " + now);
    return "{\"status\":\"SUCCESS\"}";
  }

  /** The arrivals since the last call, one "topic seq nanoTime" per line. */
  @GET
  @Path("arrivals")
  @Produces(MediaType.TEXT_PLAIN)
  public String arrivals() {
    StringBuilder b = new StringBuilder();
    String a;
    while ((a = ARRIVALS.poll()) != null) {
      b.append(a).append('\n');
    }
    return b.toString();
  }
}

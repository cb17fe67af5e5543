package dev.todoevents.service;

import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * The one DaprClient of the app. It finds its sidecar through DAPR_GRPC_PORT / DAPR_HTTP_PORT,
 * which `dapr run` and the Kubernetes injector set.
 */
@ApplicationScoped
public class DaprClientProducer {

  @Produces
  @ApplicationScoped
  DaprClient daprClient() {
    return new DaprClientBuilder().build();
  }

  void close(@Disposes DaprClient client) throws Exception {
    client.close();
  }
}

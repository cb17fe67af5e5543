package dev.todoevents.runtime;

import java.net.URI;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * Points Testcontainers at the Docker engine named by the system property {@value #PROPERTY} (a
 * {@code unix://} socket), before DOCKER_HOST and the default socket: Testcontainers reads those
 * from the environment and the user's ~/.testcontainers.properties only, so a test that starts its
 * own engine could not otherwise name it. Containers run on the host's network, so the host that
 * serves their ports is this one. Registered in META-INF/services (Testcontainers' own SPI).
 */
@SuppressWarnings("deprecation") // the SPI's classes are marked deprecated for direct use only
public final class DockerHostProperty extends DockerClientProviderStrategy {

  public static final String PROPERTY = "todo.docker.host";

  @Override
  public String getDescription() {
    return PROPERTY + "=" + System.getProperty(PROPERTY);
  }

  @Override
  protected boolean isApplicable() {
    return System.getProperty(PROPERTY) != null;
  }

  @Override
  protected int getPriority() {
    return 1000; // before the environment (100) and the default socket
  }

  @Override
  protected boolean isPersistable() {
    return false; // never written into ~/.testcontainers.properties
  }

  @Override
  public TransportConfig getTransportConfig() {
    return TransportConfig.builder().dockerHost(URI.create(System.getProperty(PROPERTY))).build();
  }

  @Override
  public synchronized String getDockerHostIpAddress() {
    // Not Testcontainers' guess, which inside a container asks for the engine's "bridge" network.
    return "localhost";
  }
}

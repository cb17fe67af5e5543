package dev.todoevents.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports, so no test depends on a fixed port. They are picked at random BELOW the kernel's
 * ephemeral range (ip_local_port_range): a port from that range (what binding to port 0 gives) can
 * be handed by the kernel to some outgoing connection between the moment it is picked and the
 * moment daprd or Kafka binds it - seen here as daprd dying with "address already in use". A port
 * is checked bindable on every interface (daprd's internal gRPC server listens on all) and never
 * handed out twice by this JVM.
 */
public final class Ports {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final int LOW = 15000;
  private static final int HIGH = ephemeralStart();

  private Ports() {}

  public static int free() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = random.nextInt(LOW, HIGH);
      if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port between " + LOW + " and " + HIGH + " after 1000 tries");
  }

  private static boolean bindable(int port) {
    for (InetAddress address : new InetAddress[] {InetAddress.getLoopbackAddress(), null}) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(
            address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port),
            1);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > LOW + 1000 ? start : 32768;
    } catch (IOException | RuntimeException e) {
      return 32768; // Linux's default range starts here; elsewhere 49152 (IANA)
    }
  }
}

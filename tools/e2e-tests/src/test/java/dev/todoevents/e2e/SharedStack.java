package dev.todoevents.e2e;

import dev.todoevents.contracts.DaprNames.AppIds;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One running system, in the default configuration, for every test class that stops, kills and
 * reconfigures nothing: a class with {@code @ExtendWith(SharedStack.class)} takes a {@link Stack}
 * parameter (in a test or a {@code @BeforeAll}). The first one starts it; it lives in the launcher
 * session's store, which closes it (Stack is AutoCloseable) when the JVM's run ends, also when a
 * test failed. Its tests share the apps, topics and metrics: each uses its own user ids and looks
 * only at its own events (by id), and a counter it checks is read before and after.
 */
final class SharedStack implements ParameterResolver {

  static final String REALTIME_2 = AppIds.REALTIME_SERVICE + "#2";

  /** Every app, realtime-service twice (two instances each with a client of one user). */
  static final String[] INSTANCES = {
    AppIds.TASK_SERVICE,
    AppIds.AUDIT_SERVICE,
    AppIds.RECURRING_TASK_SERVICE,
    AppIds.NOTIFICATION_SERVICE,
    AppIds.REALTIME_SERVICE,
    REALTIME_2,
    AppIds.STATS_SERVICE
  };

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Stack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The launcher session, not the root: with forks, failsafe runs each class as its own
    // execution request (own root) within one session per JVM.
    return context
        .getStore(
            ExtensionContext.StoreScope.LAUNCHER_SESSION,
            ExtensionContext.Namespace.create(SharedStack.class))
        .computeIfAbsent(Stack.class, k -> start(), Stack.class);
  }

  private static Stack start() {
    long t0 = System.nanoTime();
    Stack stack = Stack.start(WorkDirs.create("shared-stack"), INSTANCES);
    try {
      // The realtime instances' consumers start at the newest message once set up: from the probe
      // on, every test's frames reach them.
      SystemApi.awaitLiveConsumers(
          "both realtime-service instances consuming task-updates",
          stack.app(AppIds.TASK_SERVICE),
          stack.app(AppIds.REALTIME_SERVICE),
          stack.app(REALTIME_2),
          "probe-" + UUID.randomUUID(),
          Duration.ofSeconds(2));
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
    System.out.printf("[shared-stack] up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return stack;
  }
}

package dev.todoevents.e2e;

import dev.todoevents.contracts.DaprNames.AppIds;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.UUID;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * One running system, in the default configuration, for every test class that stops, kills and
 * reconfigures nothing: a class with {@code @ExtendWith(SharedStack.class)} takes a {@link Stack}
 * parameter (in a test or a {@code @BeforeAll}). The first one starts it; {@link StopForOthers}
 * stops it when a class that does not use it starts (that class starts its own system and gets the
 * two cores to itself), and the launcher session closes it when the JVM's run ends, also when a
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

  private static Stack running; // guarded by SharedStack.class

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Stack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // The launcher session, not the root: with forks, failsafe runs each class as its own
    // execution request (own root) within one session per JVM.
    context
        .getStore(
            ExtensionContext.StoreScope.LAUNCHER_SESSION,
            ExtensionContext.Namespace.create(SharedStack.class))
        .computeIfAbsent(
            StopForOthers.class, k -> (AutoCloseable) SharedStack::stop, AutoCloseable.class);
    synchronized (SharedStack.class) {
      if (running == null) {
        running = start();
      }
      return running;
    }
  }

  static synchronized void stop() {
    if (running != null) {
      running.close();
      running = null;
    }
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

  /**
   * Runs the classes that use the shared system first, then the others, each group by name: the
   * system then starts once per JVM instead of again after every class of its own that sorts in
   * between. Set in failsafe's configuration ({@code junit.jupiter.testclass.order.default}).
   */
  public static final class UsersFirst implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
      context
          .getClassDescriptors()
          .sort(
              Comparator.comparing((ClassDescriptor c) -> !usesIt(c.getTestClass()))
                  .thenComparing(c -> c.getTestClass().getName()));
    }
  }

  private static boolean usesIt(Class<?> testClass) {
    return AnnotationSupport.findRepeatableAnnotations(testClass, ExtendWith.class).stream()
        .anyMatch(e -> Arrays.asList(e.value()).contains(SharedStack.class));
  }

  /**
   * Stops the shared system when a test class that does not use it starts: an idle system of 7
   * apps, 7 sidecars and Kafka would otherwise run beside that class's own (on two cores a load
   * test then sees its publishes time out). Registered in META-INF/services.
   */
  public static final class StopForOthers implements TestExecutionListener {
    @Override
    public void executionStarted(TestIdentifier test) {
      if (test.getSource().orElse(null) instanceof ClassSource c && !usesIt(c.getJavaClass())) {
        stop();
      }
    }
  }
}

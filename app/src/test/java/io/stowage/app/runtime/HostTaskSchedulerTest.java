package io.stowage.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.InvalidRequestException;
import io.stowage.api.UnavailableException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HostTaskSchedulerTest {

  @Test
  void aTaskThatThrowsKeepsItsScheduleAndRunsInTheSchedulersContextLoader() throws Exception {
    ClassLoader plugin = new ClassLoader(getClass().getClassLoader()) {};
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    ClassLoader[] seen = new ClassLoader[1];
    try (HostTaskScheduler scheduler = new HostTaskScheduler()) {
      Thread.currentThread().setContextClassLoader(plugin);
      try {
        scheduler.repeatedly("flaky", Duration.ZERO, Duration.ofMillis(2), () -> {
          seen[0] = Thread.currentThread().getContextClassLoader();
          runs.incrementAndGet();
          three.countDown();
          throw new IllegalStateException("every run fails");
        });
      } finally {
        Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
      }
      assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen[0]).isSameAs(plugin);
    }
    int after = runs.get();
    Thread.sleep(50);
    assertThat(runs.get()).as("nothing runs after close").isEqualTo(after);
  }

  @Test
  void cancelStopsOneTaskAndClosedSchedulersRefuseNewWork() throws Exception {
    HostTaskScheduler scheduler = new HostTaskScheduler();
    AtomicInteger runs = new AtomicInteger();
    var task = scheduler.repeatedly("counting", Duration.ZERO, Duration.ofMillis(1), runs::incrementAndGet);
    while (runs.get() < 2) {
      Thread.sleep(1);
    }
    task.cancel();
    Thread.sleep(20);
    int after = runs.get();
    Thread.sleep(50);
    assertThat(runs.get()).isEqualTo(after);
    assertThatThrownBy(() -> scheduler.repeatedly("zero", Duration.ZERO, Duration.ZERO, () -> {}))
        .isInstanceOf(InvalidRequestException.class);
    scheduler.close();
    assertThatThrownBy(() -> scheduler.once("late", Duration.ZERO, () -> {}))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("the host is closing; cannot schedule late");
  }
}

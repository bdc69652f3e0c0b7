package io.stowage.tck.selftest;


import io.stowage.api.store.Capability;
import io.stowage.api.store.Store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.stowage.tck.StoreContract;
import io.stowage.tck.selftest.SimpleFileStore.Defect;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.TreeSet;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.launcher.PostDiscoveryFilter;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kit tests the kit: it runs {@link StoreContract} through the JUnit Platform against
 * stores broken on purpose and checks that each break is caught, by the test meant to catch it.
 */
class BrokenStoresTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Defect.class)
  void theContractCatches(Defect defect) {
    Broken.defect = defect;
    Outcomes outcomes = run(Broken.class, defect.caughtBy);
    assertThat(outcomes.failed.keySet()).as("contract tests failing on a store that " + defect)
        .containsAll(defect.caughtBy);
  }

  /** With the test above: every test of the contract fails for at least one defect. */
  @Test
  void everyContractTestHasADefectItCatches() {
    Set<String> tests = new TreeSet<>();
    for (Class<?> c = StoreContract.class; c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class)) {
          tests.add(m.getName());
        }
      }
    }
    Set<String> caught = new TreeSet<>();
    for (Defect defect : Defect.values()) {
      caught.addAll(defect.caughtBy);
    }
    assertThat(tests).as("contract tests").hasSizeGreaterThan(30);
    assertThat(caught).as("tests some defect is caught by").isEqualTo(tests);
  }

  @Test
  void aCorrectStorePassesEveryTest() {
    Broken.defect = null;
    Outcomes outcomes = run(Broken.class);
    assertThat(outcomes.failed).as("failures on a correct store").isEmpty();
    assertThat(outcomes.skipped.keySet()).as("tests skipped for a persistent store that writes")
        .containsOnly("aReadOnlyStoreRefusesAddsWithoutReading");
    assertThat(outcomes.succeeded).as("tests passed").isGreaterThan(100);
  }

  @Test
  void testsOfUndeclaredCapabilitiesAreSkipped() {
    Outcomes outcomes = run(WithoutRangesOrDelete.class);
    assertThat(outcomes.failed).as("failures").isEmpty();
    assertThat(outcomes.skipped.keySet())
        .contains("readsARange", "aRangeStartingPastTheEndIsInvalid",
            "deleteRemovesTheImageAndFreesItsId", "imagesSurviveReopening")
        .doesNotContain("roundTripsBytesAndHashes");
    assertThat(outcomes.skipped.get("readsARange")).contains("RANGED_READ");
  }

  private static Outcomes run(Class<?> contract) {
    return run(contract, null);
  }

  /** Runs the tests of {@code contract} named in {@code only}, or all of them if null. */
  private static Outcomes run(Class<?> contract, Set<String> only) {
    Outcomes outcomes = new Outcomes();
    LauncherDiscoveryRequestBuilder request =
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contract));
    if (only != null) {
      request.filters((PostDiscoveryFilter) test -> test.getSource()
          .filter(MethodSource.class::isInstance)
          .map(s -> FilterResult.includedIf(only.contains(((MethodSource) s).getMethodName())))
          .orElse(FilterResult.included("not a test method")));
    }
    LauncherFactory.create().execute(request.build(), outcomes);
    return outcomes;
  }

  /** The simple file store with at most one {@link #defect}; persistent. */
  static final class Broken extends StoreContract {
    // Jupiter instantiates this class itself; the launcher runs on the calling thread.
    static volatile Defect defect;

    @Override
    protected Store newStore(Path workDir) {
      return new SimpleFileStore("tck", workDir, defect == null ? Set.of() : EnumSet.of(defect));
    }

    @Override
    protected boolean persistent() {
      return true;
    }
  }

  /** A correct store tested as if it could neither read ranges nor delete, nor persist. */
  static final class WithoutRangesOrDelete extends StoreContract {
    @Override
    protected Store newStore(Path workDir) {
      return new SimpleFileStore("tck", workDir, Set.of());
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.of(Capability.READ, Capability.WRITE);
    }
  }

  /** Test method names by outcome, with the first reason given for each. */
  static final class Outcomes implements TestExecutionListener {
    final Map<String, String> failed = new ConcurrentHashMap<>();
    final Map<String, String> skipped = new ConcurrentHashMap<>();
    int succeeded;

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
      String reason = result.getThrowable().map(Throwable::toString).orElse("");
      switch (result.getStatus()) {
        case SUCCESSFUL -> succeeded += test.isTest() ? 1 : 0;
        case ABORTED -> skipped.putIfAbsent(name(test), reason);
        case FAILED -> failed.putIfAbsent(name(test), reason);
      }
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
      skipped.putIfAbsent(name(test), reason);
    }

    private static String name(TestIdentifier test) {
      return test.getSource()
          .filter(MethodSource.class::isInstance)
          .map(source -> ((MethodSource) source).getMethodName())
          .orElse(test.getDisplayName());
    }
  }
}
